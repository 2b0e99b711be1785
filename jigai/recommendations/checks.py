"""Checks and effects of the district review and municipal first review transitions.

They are attached to the transitions of :data:`jigai.recommendations.workflow.TRANSITIONS`
and run inside :func:`jigai.applications.services.application_transition`, on the locked row
(see the workflow module's docstring). They hold the rules that must be true however a transition
is reached, so that no caller can skip them:

* a return (``district_return``, ``municipal_return``) lists what to correct: the service creates
  the :class:`~jigai.recommendations.models.CorrectionRequest` with its items in the same transaction,
  just before the transition, and the check refuses a return without one;
* a resubmission passes every eligibility rule again except the application window, which closed
  long before a return can come back (rules.md §2), and is never a duplicate;
* ``district_recommend`` happens only under a signed recommendation document (推荐文号);
* an application that is returned or declined leaves the prepared (unsigned) document it was in.

This module imports models only (never services), so the workflow table can import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jigai.applications.eligibility import RULES_SETTLED_AT_SUBMISSION, NotEligible, eligibility_check
from jigai.audit.services import audit_record
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import CorrectionRequest, RecommendationItem

if TYPE_CHECKING:
    from jigai.applications.models import Application
    from jigai.applications.workflow import TransitionContext


def review_eligibility(application: Application, now: Any = None) -> list[Any]:
    """The eligibility results a reviewer reads after submission: every rule of the call as of now
    (a credit bar imposed since the submission counts), without the application window."""
    return [r for r in eligibility_check(application, now) if r.code not in RULES_SETTLED_AT_SUBMISSION]


# --- checks -----------------------------------------------------------------------------------
def require_correction_items(application: Application, ctx: TransitionContext) -> None:
    """Check of ``district_return`` and ``municipal_return``: the return names at least one item to
    correct, each with its reason (created by :func:`jigai.recommendations.services.district_return` or
    :func:`jigai.recommendations.municipal.municipal_return` in the same transaction)."""
    pending = CorrectionRequest.objects.filter(
        application=application, resolved_at__isnull=True, items__isnull=False
    )
    if not pending.exists():
        raise ValidationError({"items": _("退回修改须逐项写明需修改的内容和理由，至少一项。")})


def require_eligible_except_window(application: Application, ctx: TransitionContext) -> None:
    """Check of ``resubmit``: every eligibility rule passes again, except the application window
    (the correction answers a return; it is not a new application)."""
    failed = [r for r in review_eligibility(application, ctx.now) if not r.passed]
    if failed:
        raise NotEligible(failed)


def require_signed_recommendation(application: Application, ctx: TransitionContext) -> None:
    """Check of ``district_recommend``: the application is in a recommendation document the district
    head is signing with its number (:func:`jigai.recommendations.services.recommendation_sign`)."""
    signed = RecommendationItem.objects.filter(
        application=application, recommendation__status=RecommendationStatus.SIGNED
    ).exclude(recommendation__document_number="")
    if not signed.exists():
        raise ValidationError(_("区推荐须由区经委负责人以推荐文号签发推荐文件，不能单独推荐。"))


# --- effects ----------------------------------------------------------------------------------
def leave_prepared_recommendation(application: Application, ctx: TransitionContext) -> list[str]:
    """Effect of ``district_return`` and ``district_decline``: the application leaves the prepared
    (unsigned) document it was in; the others keep their ranks. A document left empty is withdrawn.
    Changes no field of the application; the document's change is audited."""
    items = RecommendationItem.objects.filter(
        application=application, recommendation__status=RecommendationStatus.PREPARED
    ).select_related("recommendation")
    for item in items:
        recommendation = item.recommendation
        before = list(recommendation.items.order_by("priority").values_list("application_id", flat=True))
        item.delete()
        after = [pk for pk in before if pk != application.pk]
        changes: dict[str, Any] = {"applications": {"before": before, "after": after}}
        if not after:
            recommendation.status = RecommendationStatus.WITHDRAWN
            recommendation.save(update_fields=["status"])
            changes["status"] = {
                "before": RecommendationStatus.PREPARED,
                "after": RecommendationStatus.WITHDRAWN,
            }
        audit_record(
            actor=ctx.actor,
            action="review.recommendation.remove",
            obj=recommendation,
            changes=changes,
            message=_("申报 %(ref)s 已退回或不予推荐，移出拟推荐文件。")
            % {"ref": application.reference_number},
        )
    return []


def resolve_corrections(application: Application, ctx: TransitionContext) -> list[str]:
    """Effect of ``resubmit``: the returns it answers are marked resolved (when)."""
    CorrectionRequest.objects.filter(application=application, resolved_at__isnull=True).update(
        resolved_at=ctx.now
    )
    return []
