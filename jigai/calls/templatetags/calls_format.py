"""Filters for amounts and rates on the call pages: ``{{ amount|wan }}`` → "2000 万元",
``{{ rate|pct }}`` → "60%"."""

from __future__ import annotations

from decimal import Decimal

from django import template

from jigai.calls import display

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> str:
    return display.wan(value)


@register.filter
def pct(value: Decimal | None) -> str:
    return display.pct(value)
