"""Reads of enterprises, always through the scope of the asking user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.enterprises.credit import credit_bar_for
from jigai.enterprises.models import CreditBar, Enterprise


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


def own_enterprise(*, actor: Any) -> Enterprise | None:
    """The enterprise of an enterprise user (None for anyone else, or an account not yet linked)."""
    if getattr(actor, "role", None) != Role.ENTERPRISE:
        return None
    enterprise: Enterprise | None = enterprise_list(actor=actor).first()
    return enterprise


def enterprise_user_list(*, actor: Any, enterprise: Enterprise) -> QuerySet[User]:
    """The accounts of an enterprise: its own users see each other; officials of the enterprise's
    scope see who may act for it. Others see none."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return User.objects.none()
    return User.objects.filter(organisation_id=enterprise.organisation_id, role=Role.ENTERPRISE).order_by(
        "date_joined", "id"
    )


def enterprise_credit_bar(
    *, actor: Any, enterprise: Enterprise, on_date: dt.date | None = None
) -> CreditBar | None:
    """The credit bar in force on ``on_date`` (default today, Shanghai) on an enterprise the actor
    may see: the enterprise itself and the officials of its scope (rules.md §3)."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        return None
    return credit_bar_for(enterprise, None, on_date or timezone.localdate())
