"""The platform's reading of typed numbers and its wording for every stock form error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from jigai.core.forms import DecimalAmountField, PlatformMessages, parse_decimal


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500000", Decimal("1500000")),
        ("1,500,000.50", Decimal("1500000.50")),
        (" 1 500 000 ", Decimal("1500000")),
        ("１５００", Decimal("1500")),  # full-width digits from a Chinese input method
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_numbers_as_people_type_them(typed, value):
    assert parse_decimal(typed, unit="元") == value


@pytest.mark.parametrize("typed", ["1e5", "1E+5", "Infinity", "NaN", "0x10", "abc", "1.2.3", "--5", "5-"])
def test_what_is_not_a_plain_decimal_number_is_refused_as_not_a_number(typed):
    with pytest.raises(ValidationError) as caught:
        parse_decimal(typed, unit="元")
    assert caught.value.code == "invalid"
    assert f"“{typed}”不是数字" in caught.value.messages[0]


@pytest.mark.parametrize("typed", ["-5", "－5", "\u22125", "-1,000.50"])
def test_a_negative_number_is_refused_as_negative_not_as_not_a_number(typed):
    with pytest.raises(ValidationError) as caught:
        parse_decimal(typed, unit="元")
    assert caught.value.code == "min_value"
    assert caught.value.messages == ["不能为负数。"]


def test_places_and_size():
    with pytest.raises(ValidationError, match="最多保留 2 位小数。"):
        parse_decimal("1.234")
    assert parse_decimal("1.234567", places=6) == Decimal("1.234567")
    with pytest.raises(ValidationError, match="数值过大。"):
        parse_decimal("1" + "0" * 14)
    assert parse_decimal("-5", allow_negative=True) == Decimal("-5")


class Sample(PlatformMessages, forms.Form):
    count = forms.IntegerField(min_value=0, max_value=10)
    share = forms.DecimalField(min_value=Decimal(1), max_digits=4, decimal_places=1)
    name = forms.CharField(max_length=3)
    when = forms.DateField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    own = forms.IntegerField(min_value=0, error_messages={"min_value": "自己的说法。"})
    amount = DecimalAmountField(unit="万元", places=6, required=False)


def test_no_stock_django_wording_only_the_platforms():
    form = Sample(
        {"count": "-1", "share": "0.5", "name": "四个字符", "when": "昨天", "kind": "b", "own": "-1"}
    )
    assert not form.is_valid()
    errors = form.errors
    assert errors["count"] == ["不能为负数。"]
    assert errors["share"] == ["不能小于 1。"]
    assert errors["name"] == ["最多 3 个字符（现有 4 个）。"]
    assert errors["when"] == ["请填写有效的日期，格式为 YYYY-MM-DD。"]
    assert errors["kind"] == ["请从列表中选择。"]
    assert errors["own"] == ["自己的说法。"]  # a message the form gave is kept
    assert Sample({"count": "x"}).errors["count"] == ["请填写整数。"]
    assert Sample({}).errors["count"] == ["请填写此项。"]
    assert Sample({"count": "11"}).errors["count"] == ["不能大于 10。"]
    text = " ".join(str(m) for ms in errors.values() for m in ms)
    assert "确保" not in text and "Ensure" not in text


def test_an_amount_field_refuses_an_exponent_and_reads_a_negative_as_negative():
    assert Sample({"amount": "1e5"}).errors["amount"] == [
        "“1e5”不是数字，请只填写数字（单位：万元），如 1500000 或 1500000.50。"
    ]
    assert Sample({"amount": "-3"}).errors["amount"] == ["不能为负数。"]
    form = Sample(
        {
            "amount": "1,234.5",
            "count": "1",
            "share": "2",
            "name": "a",
            "when": "2026-01-01",
            "kind": "a",
            "own": "0",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1234.5")


def test_the_wording_is_translated():
    with translation.override("en"):
        errors = Sample({"count": "-1", "name": "abcd"}).errors
        assert errors["count"] == ["Cannot be negative."]
        assert errors["name"] == ["At most 3 characters (now 4)."]
