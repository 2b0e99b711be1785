"""What every form of the platform shares: its wording for the stock errors, and numbers as typed.

**Messages.** Django's own messages ("确保该值大于或等于0", "Ensure this value has at most …")
read differently from the platform's and appear beside them on one page. :class:`PlatformMessages`
gives every field of a form the platform's wording for each error that the field was not given a
message of its own for: a form only names a message when it says something more specific.

**Numbers.** :func:`parse_decimal` reads a typed number the way people type it — thousands
separators, spaces, full-width digits and minus signs — and nothing else: "1e5", "Infinity" and
"0x10" are not numbers here (Python's ``Decimal`` and Django's ``DecimalField`` accept the first
two). A negative number is a number: it is refused as negative, not as "not a number".
:class:`DecimalAmountField` is the form field for amounts (yuan, 万元, tonnes, per cent) built on it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: the platform's wording for the errors Django's form fields raise, by error code
MESSAGES: dict[str, Any] = {
    "required": _("请填写此项。"),
    "max_length": _("最多 %(limit_value)d 个字符（现有 %(show_value)d 个）。"),
    "min_length": _("至少 %(limit_value)d 个字符（现有 %(show_value)d 个）。"),
    "min_value": _("不能小于 %(limit_value)s。"),
    "max_value": _("不能大于 %(limit_value)s。"),
    "max_digits": _("数值过大。"),
    "max_whole_digits": _("数值过大。"),
    "max_decimal_places": _("最多保留 %(max)s 位小数。"),
    "invalid_choice": _("请从列表中选择。"),
    "invalid_list": _("请从列表中选择。"),
}
#: the wording of ``invalid`` per kind of field (the most specific class first)
INVALID: list[tuple[type[forms.Field], Any]] = [
    (forms.IntegerField, _("请填写整数。")),
    (forms.DecimalField, _("请填写数字。")),
    (forms.FloatField, _("请填写数字。")),
    (forms.DateTimeField, _("请填写有效的日期和时间。")),
    (forms.DateField, _("请填写有效的日期，格式为 YYYY-MM-DD。")),
    (forms.TimeField, _("请填写有效的时间。")),
    (forms.EmailField, _("请填写有效的电子邮箱地址。")),
    (forms.URLField, _("请填写有效的网址。")),
    (forms.Field, _("填写的内容格式不正确。")),
]
NOT_NEGATIVE = _("不能为负数。")


def _stock_messages(field: forms.Field) -> dict[str, Any]:
    """The messages Django's classes give this field (what a form did not override)."""
    stock: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    return stock


def platform_messages(field: forms.Field) -> None:
    """Replace Django's stock messages of ``field`` (and of its validators' codes) by the
    platform's, keeping every message the field was given explicitly."""
    stock = _stock_messages(field)
    codes = set(MESSAGES) | {"invalid"}
    for code in codes:
        current = field.error_messages.get(code)
        if current is not None and current is not stock.get(code):
            continue  # the form said something of its own
        if code == "invalid":
            message = next(text for cls, text in INVALID if isinstance(field, cls))
        elif code == "min_value" and getattr(field, "min_value", None) == 0:
            message = NOT_NEGATIVE
        else:
            message = MESSAGES[code]
        field.error_messages[code] = message


class PlatformMessages:
    """Form mixin: the platform's wording for every stock error (see the module docs)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            platform_messages(field)


# --- numbers ----------------------------------------------------------------------------------
_SEPARATORS = str.maketrans("", "", ",  \u3000'")
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_decimal(
    raw: Any,
    *,
    unit: Any = "",
    places: int = 2,
    whole_digits: int = 14,
    allow_negative: bool = False,
) -> Decimal | None:
    """A typed number as a Decimal (None when empty): "1,500,000.5" → 1500000.5, "１５００" → 1500.

    Refuses, with a message that quotes what was typed, anything that is not a plain decimal number
    (an exponent, "Infinity", letters); then a negative number (unless allowed), more than
    ``places`` decimals, or more than ``whole_digits`` digits before the point."""
    if raw is None:
        return None
    text = format(raw, "f") if isinstance(raw, Decimal) else str(raw)
    text = unicodedata.normalize("NFKC", text).translate(_MINUS).translate(_SEPARATORS).strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        shown = str(raw).strip()[:30]
        if unit:
            message = _("“%(v)s”不是数字，请只填写数字（单位：%(u)s），如 1500000 或 1500000.50。")
            raise ValidationError(message, code="invalid", params={"v": shown, "u": unit})
        raise ValidationError(_("“%(v)s”不是数字，请只填写数字。"), code="invalid", params={"v": shown})
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValidationError(_("请填写数字。"), code="invalid") from exc
    if value < 0 and not allow_negative:
        raise ValidationError(NOT_NEGATIVE, code="min_value")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if places == 0:
            raise ValidationError(_("请填写整数。"), code="max_decimal_places")
        raise ValidationError(
            _("最多保留 %(max)s 位小数。"), code="max_decimal_places", params={"max": places}
        )
    if abs(value) >= Decimal(10) ** whole_digits:
        raise ValidationError(_("数值过大。"), code="max_digits")
    return value


class DecimalAmountField(forms.CharField):
    """An amount as typed (yuan, 万元, tonnes, per cent…), read by :func:`parse_decimal`; cleans to
    a Decimal or None. A text input, not ``type=number``: the browser would send an empty value for
    what it cannot read, and the user would be told the field is empty."""

    def __init__(
        self,
        *,
        unit: Any = None,
        places: int = 2,
        whole_digits: int = 14,
        allow_negative: bool = False,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        attrs: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.unit = unit if unit is not None else _("元")
        self.places = places
        self.whole_digits = whole_digits
        self.allow_negative = allow_negative
        self.min_value = min_value
        self.max_value = max_value
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "30", **(attrs or {})}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        return parse_decimal(
            super().to_python(value),
            unit=self.unit,
            places=self.places,
            whole_digits=self.whole_digits,
            allow_negative=self.allow_negative,
        )

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages.get("min_value", MESSAGES["min_value"]),
                code="min_value",
                params={"limit_value": self.min_value},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages.get("max_value", MESSAGES["max_value"]),
                code="max_value",
                params={"limit_value": self.max_value},
            )
