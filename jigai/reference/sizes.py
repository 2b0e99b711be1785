"""Enterprise size of an industrial enterprise (工信部联企业〔2011〕300号), rules.md §4.

| Size | Employees X | Operating revenue Y (万元) |
|---|---|---|
| Large 大型 | X ≥ 1000 | Y ≥ 40000 |
| Medium 中型 | 300 ≤ X < 1000 | 2000 ≤ Y < 40000 |
| Small 小型 | 20 ≤ X < 300 | 300 ≤ Y < 2000 |
| Micro 微型 | X < 20 | Y < 300 |

"大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可。"
An enterprise that misses one lower bound of its tier falls one tier, where again both lower
bounds must hold; so the size is the lower of the two tiers the indicators reach on their own.
Micro needs one indicator: X < 20 *or* Y < 300 is micro whatever the other indicator says.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jigai.reference.choices import EnterpriseSize

# (size, minimum employees, minimum operating revenue in 万元), largest first.
_TIERS = [
    (EnterpriseSize.LARGE, 1000, Decimal("40000")),
    (EnterpriseSize.MEDIUM, 300, Decimal("2000")),
    (EnterpriseSize.SMALL, 20, Decimal("300")),
]
_ORDER = [EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO]


@dataclass(frozen=True)
class SizeResult:
    size: EnterpriseSize
    #: the tier each indicator reaches on its own
    by_employees: EnterpriseSize
    by_revenue: EnterpriseSize
    message: str


def _revenue(value: Decimal | int) -> Decimal:
    if isinstance(value, float) or not isinstance(value, Decimal | int):
        raise TypeError("operating revenue must be a Decimal or an int (万元), never a float")
    return Decimal(value)


def _tier_by_employees(employees: int) -> EnterpriseSize:
    return next((size for size, minimum, _r in _TIERS if employees >= minimum), EnterpriseSize.MICRO)


def _tier_by_revenue(revenue_wan: Decimal) -> EnterpriseSize:
    return next((size for size, _e, minimum in _TIERS if revenue_wan >= minimum), EnterpriseSize.MICRO)


def classify_enterprise_size(employees: int, revenue_wan: Decimal | int) -> EnterpriseSize:
    """Large, medium and small need the lower bound of *both* indicators; an enterprise that misses
    one falls a tier, and again, until a tier's two bounds are met. Micro needs only one indicator
    below the small bounds, so whatever meets no tier on both is micro. E.g. 1500 employees with
    10000万元 revenue is medium; 1500 employees with 100万元 is micro."""
    revenue = _revenue(revenue_wan)
    if employees < 0 or revenue < 0:
        raise ValueError(_("从业人员和营业收入不能为负数。"))
    for size, min_employees, min_revenue in _TIERS:
        if employees >= min_employees and revenue >= min_revenue:
            return size
    return EnterpriseSize.MICRO


def explain_enterprise_size(employees: int, revenue_wan: Decimal | int) -> SizeResult:
    """The size with the reason in Chinese, for the checker page and the API."""
    revenue = _revenue(revenue_wan)
    size = classify_enterprise_size(employees, revenue)
    by_employees = _tier_by_employees(employees)
    by_revenue = _tier_by_revenue(revenue)
    values = {
        "x": employees,
        "y": f"{revenue:,.2f}",
        "ex": by_employees.label,
        "ey": by_revenue.label,
        "size": size.label,
    }
    if by_employees == by_revenue:
        message = _("从业人员 %(x)d 人、营业收入 %(y)s 万元均达到%(size)s企业标准：%(size)s企业。") % values
    elif size == EnterpriseSize.MICRO:
        message = (
            _(
                "从业人员 %(x)d 人按人数为%(ex)s，营业收入 %(y)s 万元按收入为%(ey)s；"
                "微型企业只须满足一项指标："
                "微型企业。"
            )
            % values
        )
    else:
        steps = _ORDER.index(size) - _ORDER.index(min(by_employees, by_revenue, key=_ORDER.index))
        values["steps"] = _("下划一档") if steps == 1 else _("逐档下划 %(n)d 档") % {"n": steps}
        message = (
            _(
                "从业人员 %(x)d 人按人数为%(ex)s，营业收入 %(y)s 万元按收入为%(ey)s；"
                "大、中、小型须同时满足两项指标下限，"
                "未同时满足的%(steps)s：%(size)s企业。"
            )
            % values
        )
    return SizeResult(size, by_employees, by_revenue, message)
