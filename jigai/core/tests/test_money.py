"""The money helper: half-up rounding at the shown precision, separators, units in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from jigai.core.money import format_wan, format_wan_value, format_yuan, format_yuan_wan, to_wan


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("9726080"), "9,726,080.00 元"),
        (Decimal("0.005"), "0.01 元"),
        (Decimal("0.004"), "0.00 元"),
        (Decimal("1234.565"), "1,234.57 元"),  # half-up, not banker's rounding (…6 would be even)
        (Decimal("1234.575"), "1,234.58 元"),
        (Decimal("-0.005"), "-0.01 元"),  # a recovery rounds like its positive
        (Decimal("-1234567.891"), "-1,234,567.89 元"),
        (Decimal("-0.001"), "0.00 元"),  # never "-0.00"
        (0, "0.00 元"),
        (Decimal("0"), "0.00 元"),
        (999, "999.00 元"),
        ("9726080.5", "9,726,080.50 元"),
        ("9,726,080", "9,726,080.00 元"),
        (Decimal("123456789012345678901234567890.125"), "123,456,789,012,345,678,901,234,567,890.13 元"),
    ],
)
def test_format_yuan(amount, text):
    assert format_yuan(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("9726080"), "972.61 万元"),  # the publicity list truncated this to 972.60
        (Decimal("9726050"), "972.61 万元"),  # 972.605: exactly half goes up
        (Decimal("9726049.99"), "972.60 万元"),
        (Decimal("1000000000"), "100,000.00 万元"),
        (Decimal("1000000000.00"), "100,000.00 万元"),
        (Decimal("-9726050"), "-972.61 万元"),
        (Decimal("-49.99"), "0.00 万元"),
        (0, "0.00 万元"),
        (Decimal("50"), "0.01 万元"),
        (Decimal("10000000000000000000000000000"), "1,000,000,000,000,000,000,000,000.00 万元"),
    ],
)
def test_format_wan(amount, text):
    assert format_wan(amount) == text


def test_format_wan_places():
    assert format_wan(Decimal("9726080"), places=0) == "973 万元"
    assert format_wan(Decimal("9725000"), places=0) == "973 万元"
    assert format_wan(Decimal("9724999.99"), places=0) == "972 万元"
    assert format_wan(Decimal("9726080"), places=4) == "972.6080 万元"


def test_without_unit():
    assert format_yuan(Decimal("9726080"), unit=False) == "9,726,080.00"
    assert format_wan(Decimal("9726080"), unit=False) == "972.61"
    assert format_wan(None, unit=False) == "—"


@pytest.mark.parametrize("missing", [None, "", "  "])
def test_missing_amount_is_a_dash(missing):
    assert format_yuan(missing) == "—"
    assert format_wan(missing) == "—"
    assert to_wan(missing) is None


def test_to_wan_is_a_rounded_decimal():
    assert to_wan(Decimal("9726080")) == Decimal("972.61")
    assert str(to_wan(Decimal("9726080"))) == "972.61"
    assert to_wan(Decimal("9726050")) == Decimal("972.61")
    assert to_wan(Decimal("-9726050")) == Decimal("-972.61")
    assert to_wan(1000000000) == Decimal("100000.00")
    assert to_wan(Decimal("9726080"), places=1) == Decimal("972.6")
    assert to_wan(0) == Decimal("0.00")


@pytest.mark.parametrize("bad", [1.5, float("nan"), True])
def test_floats_are_refused(bad):
    with pytest.raises(TypeError):
        format_yuan(bad)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", Decimal("NaN")])
def test_non_amounts_are_refused(bad):
    with pytest.raises(ValueError, match="not an amount"):
        format_wan(bad)


def test_english_translates_only_the_unit():
    with translation.override("en"):
        assert format_yuan(Decimal("9726080")) == "9,726,080.00 yuan"
        assert format_wan(Decimal("9726080")) == "972.61 10k yuan"
        assert format_wan(Decimal("1000000000"), unit=False) == "100,000.00"
        assert format_yuan(None) == "—"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_number_format_does_not_follow_the_locale(language, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        assert format_yuan(Decimal("1234567.5"), unit=False) == "1,234,567.50"


def test_template_filters():
    template = Template(
        "{% load jigai_ui %}{{ a|yuan }}|{{ a|yuan_plain }}|{{ a|wan }}|{{ a|wan_plain }}|{{ b|wan }}"
    )
    text = template.render(Context({"a": Decimal("9726080"), "b": None}))
    assert text == "9,726,080.00 元|9,726,080.00|972.61 万元|972.61|—"
    with translation.override("en"):
        text = template.render(Context({"a": Decimal("-5"), "b": ""}))
    assert text == "-5.00 yuan|-5.00|0.00 10k yuan|0.00|—"


def test_both_units():
    assert format_yuan_wan(Decimal("9726080")) == "9,726,080.00 元（972.61 万元）"
    assert format_yuan_wan(None) == "—"
    with translation.override("en"):
        assert format_yuan_wan(Decimal("9726080")) == "9,726,080.00 yuan (972.61 10k yuan)"


def test_amount_kept_in_wan():
    assert format_wan_value(Decimal("1250.5")) == "1,250.50 万元"
    assert format_wan_value(Decimal("100000"), unit=False) == "100,000.00"
    assert format_wan_value(Decimal("0.005")) == "0.01 万元"
    assert format_wan_value(None) == "—"
