"""Reads of the district review: the workbench and its tabs, the recommendation documents, the
returns; each starts from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import CorrectionRequest, Recommendation, RecommendationItem
from jigai.recommendations.permissions import can_read_recommendations


# --- the workbench's tabs -----------------------------------------------------------------------
@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...]


#: every status after the district's recommendation
FORWARDED = (
    S.RECOMMENDED,
    S.MUNICIPAL_REVIEW,
    S.EXPERT_REVIEW,
    S.COMPREHENSIVE_REVIEW,
    S.PROPOSED,
    S.PUBLICITY,
    S.APPROVED,
    S.NOT_APPROVED,
)


def workbench_tabs() -> list[Tab]:
    return [
        Tab("pending", _("待受理"), (S.SUBMITTED, S.RESUBMITTED)),
        Tab("review", _("审核中"), (S.DISTRICT_REVIEW,)),
        Tab("returned", _("已退回修改"), (S.RETURNED,)),
        Tab("forwarded", _("已推荐上报"), FORWARDED),
        Tab("declined", _("不予推荐"), (S.NOT_RECOMMENDED,)),
    ]


# --- reads ----------------------------------------------------------------------------------------
def district_applications(
    *, actor: Any, tab: str | None = None, call: int | None = None
) -> QuerySet[Application]:
    """The district's applications (属地原则) for the workbench, in one query per page: each with
    ``in_prepared`` (already in a document waiting for the head's signature)."""
    qs = application_scope(actor).select_related("call", "enterprise", "district")
    tabs = {t.key: t for t in workbench_tabs()}
    if tab in tabs:
        qs = qs.filter(status__in=tabs[tab].statuses)
    else:
        qs = qs.exclude(status__in=(S.DRAFT, S.WITHDRAWN))
    if call:
        qs = qs.filter(call_id=call)
    prepared = RecommendationItem.objects.filter(
        application=OuterRef("pk"), recommendation__status=RecommendationStatus.PREPARED
    )
    return qs.annotate(in_prepared=Exists(prepared)).order_by("submitted_at", "id")


def workbench_counts(*, actor: Any) -> dict[str, int]:
    """How many of the district's applications each tab holds (one query)."""
    tabs = workbench_tabs()
    totals = application_scope(actor).aggregate(
        **{t.key: Count("id", filter=Q(status__in=t.statuses)) for t in tabs}
    )
    return {t.key: int(totals[t.key] or 0) for t in tabs}


def recommendation_list(
    *, actor: Any, status: str | None = None, call: int | None = None
) -> QuerySet[Recommendation]:
    """The recommendation documents the actor may read (a district its own; the city all)."""
    if not can_read_recommendations(actor):
        return Recommendation.objects.none()
    qs: QuerySet[Recommendation] = (
        Recommendation.objects.visible_to(actor)
        .select_related("call", "district", "prepared_by", "signed_by")
        .annotate(item_count=Count("items"))
    )
    if status:
        qs = qs.filter(status=status)
    if call:
        qs = qs.filter(call_id=call)
    return qs.order_by("-prepared_at", "-id")


def recommendation_get(*, actor: Any, pk: int) -> Recommendation:
    """One document with its items in rank order; Http404 outside the actor's scope."""
    recommendation = (
        recommendation_list(actor=actor)
        .prefetch_related("items__application__enterprise")
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404(_("未找到该推荐文件。"))
    return recommendation


def correction_requests(*, actor: Any, application: Application) -> list[CorrectionRequest]:
    """The returns of an application with their items, newest first (whoever sees the application)."""
    return list(
        CorrectionRequest.objects.visible_to(actor)
        .filter(application=application)
        .select_related("requested_by")
        .prefetch_related("items")
    )


def next_priority(*, district_id: str, call_id: int) -> int:
    """The first rank after those the district already gave in this call's documents."""
    used = RecommendationItem.objects.filter(
        recommendation__district_id=district_id, recommendation__call_id=call_id
    ).exclude(recommendation__status=RecommendationStatus.WITHDRAWN)
    return int(used.aggregate(m=Max("priority"))["m"] or 0) + 1


def late_days(recommendation: Recommendation) -> int:
    """Days after the call's district forward date (区推荐截止日期) the document was signed (or, while
    prepared, would be signed today); 0 when in time. Late documents are signed and flagged, not
    refused (docs/workflows.md)."""
    moment = recommendation.signed_at or timezone.now()
    return max(0, (timezone.localdate(moment) - recommendation.call.district_forward_date).days)
