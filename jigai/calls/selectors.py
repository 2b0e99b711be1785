"""Reads of calls. Published calls are public; drafts (and cancelled calls) are read by the
commission's officers and heads only (:meth:`CallQuerySet.visible_to`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from jigai.calls.choices import CallPhase, CallStatus
from jigai.calls.models import Call, CallAllowedIndustry, CallDistrictShare, CallRules
from jigai.catalog.models import CatalogItem


def call_list(
    *,
    actor: Any,
    status: str | None = None,
    year: int | None = None,
    phase: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Call]:
    """Calls the actor may read, the latest window first. ``phase`` (upcoming, open, closed) is
    computed from the window at ``now``."""
    qs = Call.objects.visible_to(actor).select_related("catalog_version", "current_rules")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if phase:
        now = now or timezone.now()
        if phase == CallPhase.UPCOMING:
            qs = qs.filter(opens_at__gt=now)
        elif phase == CallPhase.OPEN:
            qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
        elif phase == CallPhase.CLOSED:
            qs = qs.filter(closes_at__lte=now)
    return qs.order_by("-opens_at", "-id")


def call_open_list(*, actor: Any, now: datetime | None = None) -> QuerySet[Call]:
    """Published calls accepting applications at ``now`` (server time)."""
    return call_list(actor=actor, status=CallStatus.PUBLISHED, phase=CallPhase.OPEN, now=now)


def _rules_prefetch(qs: QuerySet[CallRules]) -> QuerySet[CallRules]:
    return qs.select_related("created_by").prefetch_related(
        "investment_items",
        "prerequisites",
        "attachment_requirements",
        "instalments",
        Prefetch("district_shares", queryset=CallDistrictShare.objects.select_related("district")),
        Prefetch("allowed_industries", queryset=CallAllowedIndustry.objects.select_related("industry")),
    )


def call_get(*, actor: Any, pk: int) -> Call:
    """One call the actor may read, with its current rules and their rows; a draft is
    ``DoesNotExist`` (404) for everyone outside the commission."""
    return (
        call_list(actor=actor)
        .prefetch_related(
            Prefetch(
                "directions",
                queryset=CatalogItem.objects.select_related("parent").order_by(
                    "parent__sort_order", "sort_order"
                ),
            ),
            Prefetch(
                "rule_versions", queryset=CallRules.objects.select_related("created_by").order_by("-version")
            ),
        )
        .get(pk=pk)
    )


def call_rules_get(*, call: Call, version: int | None = None) -> CallRules:
    """A rules version of a call the caller has read (the current one by default), with its rows."""
    qs = _rules_prefetch(CallRules.objects.filter(call=call))
    if version is None:
        return qs.get(pk=call.rules.pk)
    return qs.get(version=version)


def directions_by_field(call: Call) -> list[tuple[CatalogItem, list[CatalogItem]]]:
    """The call's eligible directions grouped under their fields (uses the prefetched directions)."""
    groups: dict[int, tuple[CatalogItem, list[CatalogItem]]] = {}
    for direction in call.directions.all():
        parent = direction.parent
        if parent is None:
            continue
        groups.setdefault(parent.pk, (parent, []))[1].append(direction)
    return list(groups.values())
