"""The support amount rule (rules.md §3): min(rate × eligible input, cap), rounded down to the fen."""

from decimal import Decimal

import pytest

from jigai.applications.amounts import final_amount, share, support_amount

RATE = Decimal("0.1000")
CAP = Decimal("100000000.00")  # 1 亿元, the 2026 cap


def test_just_under_the_cap_is_the_rate_times_the_input():
    assert support_amount(rate=RATE, eligible_input=Decimal("999999999.90"), cap=CAP) == Decimal(
        "99999999.99"
    )


def test_exactly_at_the_cap():
    assert support_amount(rate=RATE, eligible_input=Decimal("1000000000.00"), cap=CAP) == CAP


def test_above_the_cap_is_the_cap():
    assert support_amount(rate=RATE, eligible_input=Decimal("1500000000.00"), cap=CAP) == CAP


def test_rounds_down_to_the_fen_never_up():
    # 10 % of 12,345,678.99 is 1,234,567.899: the 0.9 fen is dropped, not rounded up.
    assert support_amount(rate=RATE, eligible_input=Decimal("12345678.99"), cap=CAP) == Decimal("1234567.89")
    # an odd rate: 7.77 % of 1,000,000.05 = 77,700.003885 → 77,700.00
    assert support_amount(rate=Decimal("0.0777"), eligible_input=Decimal("1000000.05"), cap=CAP) == Decimal(
        "77700.00"
    )


def test_result_is_decimal_with_two_places():
    amount = support_amount(rate=RATE, eligible_input=Decimal("25000000"), cap=CAP)
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2
    assert amount == Decimal("2500000.00")


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        support_amount(rate=RATE, eligible_input=Decimal("-1"), cap=CAP)


def test_final_amount_never_exceeds_the_approved_amount():
    approved = Decimal("2000000.00")
    assert final_amount(rate=RATE, audited_input=Decimal("30000000"), cap=CAP, approved=approved) == approved
    assert final_amount(rate=RATE, audited_input=Decimal("15000000"), cap=CAP, approved=approved) == Decimal(
        "1500000.00"
    )


def test_share_rounds_down_and_is_zero_without_a_total():
    assert share(Decimal("15000000"), Decimal("25000000")) == Decimal("0.600000")
    assert share(Decimal("2"), Decimal("3")) == Decimal("0.666666")
    assert share(Decimal("1"), Decimal("0")) == Decimal("0")
