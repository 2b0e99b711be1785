"""The check the expert review attaches to the workflow's ``to_comprehensive_review`` transition.

This module imports models only (never services), so the workflow table can import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment

if TYPE_CHECKING:
    from jigai.applications.models import Application
    from jigai.applications.workflow import TransitionContext

#: assignments that still count for the application's panel (the others were recused or replaced)
ACTIVE_STATUSES = (AssignmentStatus.DRAWN, AssignmentStatus.ACCEPTED, AssignmentStatus.SCORED)
#: assignments waiting for the expert: to declare (drawn) or to score (accepted)
PENDING_STATUSES = (AssignmentStatus.DRAWN, AssignmentStatus.ACCEPTED)


def require_expert_scores(application: Application, ctx: TransitionContext) -> None:
    """Check of ``to_comprehensive_review``: experts were drawn for the application and every one
    of them still on its panel (not recused, not replaced) has scored it (issue 4, experts)."""
    counts = Assignment.objects.filter(application=application, status__in=ACTIVE_STATUSES).aggregate(
        active=Count("id"), scored=Count("id", filter=Q(status=AssignmentStatus.SCORED))
    )
    if not counts["active"]:
        raise ValidationError(_("尚未为此申报抽取评审专家，不能进入综合评审。"))
    missing = counts["active"] - counts["scored"]
    if missing:
        raise ValidationError(
            _("还有 %(n)d 位评审专家未完成评分（共 %(total)d 位），不能进入综合评审。")
            % {"n": missing, "total": counts["active"]}
        )
