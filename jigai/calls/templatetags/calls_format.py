"""Filters for rates on the call pages: ``{{ rate|pct }}`` → "60%". Amounts use ``jigai_ui``'s
``yuan`` and ``wan`` (``jigai.core.money``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from jigai.calls import display

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    return display.pct(value)
