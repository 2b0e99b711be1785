"""Reads of enterprises, always through the scope of the asking user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jigai.enterprises.models import Enterprise


def enterprise_list(
    *,
    actor: Any,
    district: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises the actor may see (own, own district, the whole city — see jigai.core.scoping),
    optionally filtered, in a stable order (name, then id) so that pages do not overlap."""
    qs = Enterprise.objects.visible_to(actor).select_related("district", "industry")
    if district:
        qs = qs.filter(district_id=district)
    if industry:
        # A division code (大类, "34") matches itself and any finer code under it; a section
        # letter (门类, "C") matches the divisions in it.
        industry = industry.strip().upper()
        if industry.isdigit():
            qs = qs.filter(industry__code__startswith=industry)
        else:
            qs = qs.filter(industry__parent_id=industry)
    if size:
        qs = qs.filter(size=size)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return qs.order_by("name", "id")


def enterprise_get(*, actor: Any, pk: int) -> Enterprise:
    """One enterprise the actor may see; anything else is Enterprise.DoesNotExist (a 404, never 403,
    so that the existence of another district's enterprise is not revealed)."""
    return enterprise_list(actor=actor).get(pk=pk)
