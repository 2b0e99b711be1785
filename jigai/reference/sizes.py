"""Enterprise size of an industrial enterprise (工信部联企业〔2011〕300号), rules.md §4."""

from __future__ import annotations

from decimal import Decimal

from jigai.reference.choices import EnterpriseSize

# (size, minimum employees, minimum operating revenue in 万元), largest first.
_TIERS = [
    (EnterpriseSize.LARGE, 1000, Decimal("40000")),
    (EnterpriseSize.MEDIUM, 300, Decimal("2000")),
    (EnterpriseSize.SMALL, 20, Decimal("300")),
]


def classify_enterprise_size(employees: int, revenue_wan: Decimal) -> EnterpriseSize:
    """Large, medium and small need the lower bound of *both* indicators; an enterprise that misses
    one falls a tier, and again, until a tier's two bounds are met. Micro needs only one indicator
    below the small bounds, so whatever meets no tier on both is micro. E.g. 1500 employees with
    10000万元 revenue is medium; 1500 employees with 100万元 is micro."""
    if employees < 0 or revenue_wan < 0:
        raise ValueError("从业人员和营业收入不能为负数。")
    for size, min_employees, min_revenue in _TIERS:
        if employees >= min_employees and revenue_wan >= min_revenue:
            return size
    return EnterpriseSize.MICRO
