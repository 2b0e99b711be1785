"""How a project's approved support is split and paid (rules.md §3; the call's rules).

* **District share (属地原则)**: the call's share rule of the project's district
  (:class:`~jigai.calls.models.CallDistrictShare`): ``rate × base``, the base being the approved
  fixed-asset investment (construction counted at most ``construction_cap_share`` of it) or the
  approved total input, capped at ``cap``, rounded down to the fen — and never more than the approved
  support. The approved support is *split*: the municipal share is the rest, so the project receives
  exactly the amount that was approved and published.
* **National matching (配套)**: ``national_matching_ratio × central support`` for a project that had
  central-budget support, paid from the national matching budget on top of the approved support.
* **Instalments**: the call's instalments (default 50 % after approval, the rest after acceptance);
  a district share whose rule says "paid after acceptance" is one instalment after acceptance. Each
  instalment is rounded down to the fen and the last takes the remainder.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from jigai.calls.choices import DistrictShareBase, InstalmentTrigger

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def _down(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class InstalmentPlan:
    sequence: int
    trigger: str
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Split:
    municipal: Decimal
    district: Decimal
    matching: Decimal
    district_after_acceptance: bool


def construction_amount(application: Any) -> Decimal:
    total = ZERO
    for line in application.investment_lines.all():
        if line.item_code == "construction":
            total += line.amount
    return total


def district_base(application: Any, decision: Any, rule: Any) -> Decimal:
    """The base of the district's rate: approved fixed assets (construction capped) or approved total.

    The approved (核定) input is known as a total; the fixed-asset part is taken in the proportion
    the application declared."""
    declared_total = application.total_investment or ZERO
    approved_total = (
        decision.approved_investment if decision.approved_investment is not None else declared_total
    )
    if rule.base == DistrictShareBase.APPROVED_TOTAL:
        return Decimal(approved_total)
    fixed = Decimal(application.fixed_asset_investment or ZERO)
    if rule.construction_cap_share is not None:
        construction = construction_amount(application)
        counted = min(construction, fixed * rule.construction_cap_share)
        fixed = fixed - construction + counted
    if declared_total <= 0:
        return ZERO
    return fixed * Decimal(approved_total) / Decimal(declared_total)


def split_support(
    *, application: Any, decision: Any, rules: Any, district_rule: Any | None, central_support: Decimal
) -> Split:
    approved = Decimal(decision.approved_support or ZERO)
    district = ZERO
    after_acceptance = False
    if district_rule is not None and district_rule.rate > 0:
        formula = _down(district_rule.rate * district_base(application, decision, district_rule))
        if district_rule.cap is not None:
            formula = min(formula, _down(district_rule.cap))
        district = min(formula, approved)
        after_acceptance = bool(district_rule.paid_after_acceptance)
    matching = _down(Decimal(rules.national_matching_ratio) * Decimal(central_support or ZERO))
    return Split(
        municipal=approved - district,
        district=district,
        matching=matching,
        district_after_acceptance=after_acceptance,
    )


def instalments(amount: Decimal, schedule: list[tuple[int, str, Decimal]]) -> list[InstalmentPlan]:
    """``amount`` over the schedule ``(sequence, trigger, percent)``; the last takes the remainder."""
    if not schedule:
        schedule = [(1, InstalmentTrigger.APPROVAL, Decimal("1"))]
    out: list[InstalmentPlan] = []
    left = amount
    for index, (sequence, trigger, percent) in enumerate(schedule):
        part = left if index == len(schedule) - 1 else min(_down(amount * percent), left)
        left -= part
        out.append(InstalmentPlan(sequence, trigger, percent, part))
    return out


def after_acceptance_only() -> list[tuple[int, str, Decimal]]:
    return [(1, InstalmentTrigger.ACCEPTANCE, Decimal("1"))]


def settle_amounts(*, approved: Decimal, final: Decimal, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each share's final amount when the project's support settles at ``final`` of ``approved``:
    every share in the same proportion, rounded down; the municipal share takes the support's
    remainder so that municipal + district equals ``final`` exactly."""
    if approved <= 0:
        return {level: ZERO for level in shares}
    out = {level: _down(amount * final / approved) for level, amount in shares.items()}
    if "municipal" in out:
        out["municipal"] = final - out.get("district", ZERO)
    elif "district" in out:
        out["district"] = final
    return out
