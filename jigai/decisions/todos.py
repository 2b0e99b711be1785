"""The to-do counts of the decision stage for the home pages (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus
from jigai.calls.models import Call
from jigai.core.todos import Todo
from jigai.decisions import objections, permissions
from jigai.decisions.choices import ObjectionStatus, ProposedListStatus
from jigai.decisions.models import Objection, ProposedList


# --- to-do counts (registered in jigai/review/apps.py) -----------------------------------------
def municipal_head_todo(user: Any) -> Todo | None:
    """Lists the head must act on: to propose (applications in comprehensive review, no list yet),
    to publish (proposed), to approve (publicity closed). None when nothing waits."""
    if not permissions.can_propose(user):
        return None
    to_propose = (
        Call.objects.annotate(
            in_review=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.COMPREHENSIVE_REVIEW)
            )
        )
        .filter(in_review__gt=0)
        .exclude(
            proposed_list__status__in=[s for s in ProposedListStatus.values if s != ProposedListStatus.DRAFT]
        )
        .count()
    )
    to_publish = ProposedList.objects.filter(status=ProposedListStatus.PROPOSED).count()
    to_approve = ProposedList.objects.filter(
        status=ProposedListStatus.PUBLICITY, publicity_ends_at__lt=timezone.now()
    ).count()
    count = to_propose + to_publish + to_approve
    if not count:
        return None
    return Todo(
        key="review.decision",
        label=_("拟支持名单待提出、公示或批准"),
        count=count,
        url=reverse("review:decision_index"),
        hint=_("待提出 %(p)d 个，待公示 %(s)d 个，公示期满待批准 %(a)d 个")
        % {"p": to_propose, "s": to_publish, "a": to_approve},
    )


def objection_todo(user: Any) -> Todo | None:
    """The officer's objections still open. None when there are none."""
    if not objections.can_handle_objection(user):
        return None
    count = Objection.objects.filter(status=ObjectionStatus.OPEN).count()
    if not count:
        return None
    return Todo(
        key="review.objections",
        label=_("待处理的公示异议"),
        count=count,
        url=reverse("review:objection_list") + "?status=open",
    )
