"""Municipal first review (初审, rules.md §2 step 5): the commission's officer takes up each
application a district recommended (``municipal_start``), checks it, and either returns it for
correction (``municipal_return``, with the reason; the enterprise corrects it and resubmits it to
its district, which recommends it again) or passes it to expert review (``to_expert_review``).

Batch actions take each application on its own: one that cannot move is reported with its reason
and does not stop the others (unlike the district's signature, which is one document).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.applications.services import application_transition
from jigai.core.permissions import Decision, PermissionRefused, has_role
from jigai.core.text import join_messages
from jigai.core.todos import Todo
from jigai.recommendations.choices import CorrectionStage, RecommendationStatus
from jigai.recommendations.models import RecommendationItem
from jigai.recommendations.permissions import require_action
from jigai.recommendations.services import (
    REASON_MAX,
    clean_correction_items,
    correction_summary,
    create_correction_request,
)

#: the first review's queue: recommended (waiting to be taken up) and under first review
QUEUE = (S.RECOMMENDED, S.MUNICIPAL_REVIEW)
BATCH_ACTIONS = ("municipal_start", "to_expert_review")


def can_work_municipal_review(user: Any) -> Decision:
    """The first-review page: the commission's officers act; its heads read."""
    return has_role(user, (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD), _("查看市级初审"))


# --- reads ------------------------------------------------------------------------------------
def municipal_queue(
    *, actor: Any, status: str | None = None, call: int | None = None, district: str | None = None
) -> QuerySet[Application]:
    """Applications recommended by the districts and under first review, oldest recommendation first;
    each with the signed document's number and rank (``document_number``, ``priority``) and
    ``late`` when it was signed after the call's district forward date."""
    qs = application_scope(actor).filter(status__in=QUEUE).select_related("call", "enterprise", "district")
    if status in QUEUE:
        qs = qs.filter(status=status)
    if call:
        qs = qs.filter(call_id=call)
    if district:
        qs = qs.filter(district_id=district)
    signed = RecommendationItem.objects.filter(
        application=OuterRef("pk"), recommendation__status=RecommendationStatus.SIGNED
    ).order_by("-recommendation__signed_at", "-id")
    return qs.annotate(
        document_number=Subquery(signed.values("recommendation__document_number")[:1]),
        priority=Subquery(signed.values("priority")[:1]),
        signed_at=Subquery(signed.values("recommendation__signed_at")[:1]),
    ).order_by("signed_at", "district_id", "priority", "id")


def queue_counts(*, actor: Any) -> dict[str, int]:
    totals = application_scope(actor).aggregate(
        recommended=Count("id", filter=Q(status=S.RECOMMENDED)),
        municipal_review=Count("id", filter=Q(status=S.MUNICIPAL_REVIEW)),
    )
    return {k: int(v or 0) for k, v in totals.items()}


# --- writes -----------------------------------------------------------------------------------
def municipal_start(*, actor: Any, application: Application) -> Application:
    """The municipal officer takes up an application the district recommended."""
    require_action(actor, application, "municipal_start")
    return application_transition(actor=actor, application=application, action="municipal_start")


def municipal_return(
    *, actor: Any, application: Application, reason: str, items: Sequence[Any] | None = None
) -> Application:
    """Return an application under first review for correction: the reason (required), and the items
    to correct when given (else the reason is the one item). The enterprise corrects it and
    resubmits it to its district."""
    require_action(actor, application, "municipal_return")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回修改的理由。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}})
    cleaned = clean_correction_items(items) if items else [("other", reason)]
    comment = reason if not items else f"{reason}（{correction_summary(cleaned)}）"
    with transaction.atomic():
        create_correction_request(
            actor=actor, application=application, stage=CorrectionStage.MUNICIPAL, items=cleaned
        )
        return application_transition(
            actor=actor, application=application, action="municipal_return", comment=comment
        )


def to_expert_review(*, actor: Any, application: Application) -> Application:
    """The first review passes: the application goes to expert review (the panel is drawn there)."""
    require_action(actor, application, "to_expert_review")
    return application_transition(actor=actor, application=application, action="to_expert_review")


def to_comprehensive_review(*, actor: Any, application: Application) -> Application:
    """Expert review is over for this application: every active expert has scored (the workflow's
    check), so it joins the call's comprehensive review and ranking."""
    require_action(actor, application, "to_comprehensive_review")
    return application_transition(actor=actor, application=application, action="to_comprehensive_review")


@dataclass(frozen=True)
class BatchResult:
    done: list[Application]
    refused: list[tuple[Application, str]]


def municipal_batch(*, actor: Any, applications: Sequence[Application], action: str) -> BatchResult:
    """``municipal_start`` or ``to_expert_review`` for each application on its own; the ones that
    cannot move are returned with the reason (nothing is half-done for any one application)."""
    services: dict[str, Callable[..., Application]] = {
        "municipal_start": municipal_start,
        "to_expert_review": to_expert_review,
    }
    if action not in services:
        raise ValidationError({"action": _("批量操作只能是开始初审或提交专家评审。")})
    done: list[Application] = []
    refused: list[tuple[Application, str]] = []
    for application in applications:
        try:
            done.append(services[action](actor=actor, application=application))
        except PermissionRefused as exc:
            refused.append((application, exc.reason))
        except ValidationError as exc:
            refused.append((application, join_messages(exc.messages)))
    return BatchResult(done, refused)


# --- to-do --------------------------------------------------------------------------------------
def municipal_officer_todo(user: Any) -> Todo | None:
    """Municipal officer: recommended applications waiting for first review, and those under it."""
    if getattr(user, "role", None) != Role.MUNICIPAL_OFFICER:
        return None
    counts = queue_counts(actor=user)
    count = counts["recommended"] + counts["municipal_review"]
    return Todo(
        "review.municipal_first_review",
        _("待市级初审的申报"),
        count,
        reverse("review:municipal_list"),
        _("区已推荐待受理 %(r)d 件，初审中 %(m)d 件")
        % {"r": counts["recommended"], "m": counts["municipal_review"]}
        if count
        else _("没有待初审的申报"),
    )
