"""The one way money is shown: in 元 or 万元, on every page, export and PDF.

Amounts are kept as ``Decimal`` yuan with two places (see the style guide); this module only turns
them into text (``format_yuan``, ``format_wan``) or into the rounded number an export cell holds
(``to_wan``).

Rounding rule: **half-up to the shown precision** (``ROUND_HALF_UP``), as public notices round:
9,726,080 元 is 972.608 万元 and shows as ``972.61 万元``, never truncated to 972.60. Half-up here
means "half away from zero", so a negative amount (a recovery) rounds like its positive:
-0.005 元 shows as ``-0.01 元``. The conversion to 万元 moves the decimal point (``scaleb``) and
never goes through a float, so no amount is ever off by a binary fraction.

The number reads the same in Chinese and English (``9,726,080.00``: comma thousands separators, a
dot for decimals); only the unit is translated ("元" → "yuan", "万元" → "10k yuan"). A missing
amount (``None`` or ``""``) shows as an em dash. Pass ``unit=False`` for a table cell whose column
header already states the unit; the header then uses ``YUAN_UNIT`` / ``WAN_UNIT``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import overload

from django.utils.translation import gettext, gettext_lazy

__all__ = [
    "EMPTY",
    "WAN_UNIT",
    "YUAN_UNIT",
    "as_decimal",
    "format_wan",
    "format_wan_value",
    "format_yuan",
    "format_yuan_wan",
    "to_wan",
]

MoneyInput = Decimal | int | str | None

EMPTY = "—"
YUAN_UNIT = gettext_lazy("元")
WAN_UNIT = gettext_lazy("万元")

# Wide enough for any amount a programme can hold (and then some) without quantize() failing.
_CONTEXT = Context(prec=80, rounding=ROUND_HALF_UP)


def as_decimal(amount: MoneyInput) -> Decimal | None:
    """``amount`` as a finite Decimal, or None when it is missing (``None`` or blank text).

    Floats are refused: money never passes through binary floating point."""
    if amount is None:
        return None
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError(f"money must be Decimal, int or str, not {type(amount).__name__}")
    if isinstance(amount, str):
        text = amount.strip().replace(",", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount: {amount!r}") from None
    elif isinstance(amount, Decimal | int):
        value = Decimal(amount)
    else:
        raise TypeError(f"money must be Decimal, int or str, not {type(amount).__name__}")
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    return value


def _round(value: Decimal, places: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    return abs(rounded) if rounded.is_zero() else rounded  # never "-0.00"


def _number(value: Decimal, places: int) -> str:
    # Decimal's own format is exact; the value is already rounded, so no second rounding happens.
    return format(_round(value, places), f",.{places}f")


def format_yuan(amount: MoneyInput, *, unit: bool = True) -> str:
    """``9726080`` → ``"9,726,080.00 元"`` (half-up to 2 places); ``unit=False`` → ``"9,726,080.00"``;
    None → "—"."""
    value = as_decimal(amount)
    if value is None:
        return EMPTY
    text = _number(value, 2)
    return f"{text} {gettext('元')}" if unit else text


def format_wan(amount: MoneyInput, *, places: int = 2, unit: bool = True) -> str:
    """Yuan shown in 万元: ``9726080`` → ``"972.61 万元"``, ``1000000000`` → ``"100,000.00 万元"``
    (half-up to ``places``); ``unit=False`` leaves the unit to the column header; None → "—"."""
    value = as_decimal(amount)
    if value is None:
        return EMPTY
    text = _number(value.scaleb(-4), places)
    return f"{text} {gettext('万元')}" if unit else text


def format_yuan_wan(amount: MoneyInput) -> str:
    """Both units, for a figure a reader checks against a document in either:
    ``9726080`` → ``"9,726,080.00 元（972.61 万元）"``
    (English: ``"9,726,080.00 yuan (972.61 10k yuan)"``)."""
    value = as_decimal(amount)
    if value is None:
        return EMPTY
    return gettext("%(yuan)s（%(wan)s）") % {"yuan": format_yuan(value), "wan": format_wan(value)}


def format_wan_value(amount_wan: MoneyInput, *, places: int = 2, unit: bool = True) -> str:
    """An amount that is *kept* in 万元 (an enterprise's operating revenue), shown like ``format_wan``
    shows yuan: ``Decimal("1250.5")`` → ``"1,250.50 万元"``."""
    value = as_decimal(amount_wan)
    if value is None:
        return EMPTY
    text = _number(value, places)
    return f"{text} {gettext('万元')}" if unit else text


@overload
def to_wan(amount: Decimal | int, places: int = 2) -> Decimal: ...
@overload
def to_wan(amount: str | None, places: int = 2) -> Decimal | None: ...
def to_wan(amount: MoneyInput, places: int = 2) -> Decimal | None:
    """Yuan as a 万元 number for an export cell, rounded half-up like ``format_wan``:
    ``9726080`` → ``Decimal("972.61")``; a missing amount → None (an empty cell)."""
    value = as_decimal(amount)
    if value is None:
        return None
    return _round(value.scaleb(-4), places)
