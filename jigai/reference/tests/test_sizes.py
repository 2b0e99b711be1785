"""Industrial enterprise size (工信部联企业〔2011〕300号), every boundary and the fall-one-tier rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jigai.reference.choices import EnterpriseSize
from jigai.reference.sizes import classify_enterprise_size, explain_enterprise_size

L, M, S, XS = EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO
D = Decimal


@pytest.mark.parametrize(
    ("employees", "revenue", "size"),
    [
        # employee boundaries, revenue comfortably large
        (1000, D("50000"), L),
        (999, D("50000"), M),
        (300, D("50000"), M),
        (299, D("50000"), S),
        (20, D("50000"), S),
        (19, D("50000"), XS),
        (0, D("50000"), XS),
        # revenue boundaries, employees comfortably large
        (5000, D("40000"), L),
        (5000, D("39999.99"), M),
        (5000, D("2000"), M),
        (5000, D("1999.99"), S),
        (5000, D("300"), S),
        (5000, D("299.99"), XS),
        (5000, D("0"), XS),
        # both exactly on a lower bound
        (1000, D("40000"), L),
        (300, D("2000"), M),
        (20, D("300"), S),
        # one just under on both
        (999, D("39999.99"), M),
        (299, D("1999.99"), S),
        (19, D("299.99"), XS),
    ],
)
def test_boundaries(employees, revenue, size):
    assert classify_enterprise_size(employees, revenue) == size


@pytest.mark.parametrize(
    ("employees", "revenue", "size"),
    [
        # large by one indicator, medium by the other: falls one tier to medium
        (1500, D("10000"), M),
        (500, D("80000"), M),
        # medium by one, small by the other: small
        (500, D("1000"), S),
        (100, D("5000"), S),
        # large by one, small by the other: falls again, to small
        (1500, D("1000"), S),
        (50, D("90000"), S),
    ],
)
def test_falls_one_tier_when_a_lower_bound_is_missed(employees, revenue, size):
    assert classify_enterprise_size(employees, revenue) == size


@pytest.mark.parametrize(
    ("employees", "revenue"),
    [(1500, D("100")), (10, D("50000")), (500, D("299.99")), (19, D("2000"))],
)
def test_micro_needs_only_one_indicator(employees, revenue):
    assert classify_enterprise_size(employees, revenue) == XS


def test_integer_revenue_is_accepted_and_float_refused():
    assert classify_enterprise_size(1000, 40000) == L
    with pytest.raises(TypeError):
        classify_enterprise_size(1000, 40000.0)  # type: ignore[arg-type]


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        classify_enterprise_size(-1, D("10"))
    with pytest.raises(ValueError, match="不能为负数"):
        classify_enterprise_size(10, D("-0.01"))


def test_explanations_say_why():
    same = explain_enterprise_size(500, D("5000"))
    assert same.size == M
    assert same.message == "从业人员 500 人、营业收入 5,000.00 万元均达到中型企业标准：中型企业。"

    one_tier = explain_enterprise_size(1500, D("10000"))
    assert (one_tier.size, one_tier.by_employees, one_tier.by_revenue) == (M, L, M)
    assert "下划一档：中型企业" in one_tier.message

    two_tiers = explain_enterprise_size(1500, D("1000"))
    assert two_tiers.size == S
    assert "逐档下划 2 档：小型企业" in two_tiers.message

    micro = explain_enterprise_size(1500, D("100"))
    assert micro.size == XS
    assert "微型企业只须满足一项指标：微型企业" in micro.message
