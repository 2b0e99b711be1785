"""The district review's and municipal first review's rows of the workflow table (issue 4).

District review → recommendation signed by the district head → municipal first review → expert
review. Registered by :class:`~jigai.recommendations.apps.RecommendationsConfig` after the
enterprise's own rows (jigai/applications/workflow.py); the services of this app call
:func:`jigai.applications.services.application_transition` with these actions.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

import jigai.applications.duplicates as duplicates
import jigai.applications.eligibility as eligibility
import jigai.recommendations.checks as district_checks
from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.workflow import Transition, applicant_only
from jigai.notifications.recipients import district_officers, enterprise_users


def in_actor_district(application: Any, actor: Any) -> str | None:
    """District review is done by the bureau of the application's district (属地原则)."""
    if getattr(actor, "district_id", None) != application.district_id:
        return str(_("只有项目属地区的经济主管部门可以办理此事项。"))
    return None


MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="district_start",
        sources=frozenset({S.SUBMITTED, S.RESUBMITTED}),
        target=S.DISTRICT_REVIEW,
        roles=frozenset({Role.DISTRICT_OFFICER}),
        label=_("受理并开始区级审核"),
        guards=(in_actor_district,),
    ),
    Transition(
        action="district_return",
        sources=frozenset({S.DISTRICT_REVIEW}),
        target=S.RETURNED,
        roles=frozenset({Role.DISTRICT_OFFICER}),
        label=_("退回企业修改"),
        guards=(in_actor_district,),
        comment_required=True,
        checks=(district_checks.require_correction_items,),
        effects=(district_checks.leave_prepared_recommendation,),
        notify=(enterprise_users,),
    ),
    Transition(
        action="resubmit",
        sources=frozenset({S.RETURNED}),
        target=S.RESUBMITTED,
        roles=frozenset({Role.ENTERPRISE}),
        label=_("修改后重新提交"),
        guards=(applicant_only,),
        # Eligibility again except the window (closed long before a return comes back), never a
        # duplicate; the district's forward date does not apply (docs/workflows.md).
        checks=(district_checks.require_eligible_except_window, duplicates.refuse_hard_duplicates),
        effects=(
            eligibility.record_rules,
            duplicates.flag_near_duplicates,
            district_checks.resolve_corrections,
        ),
        notify=(district_officers,),
    ),
    Transition(
        action="district_recommend",
        sources=frozenset({S.DISTRICT_REVIEW}),
        target=S.RECOMMENDED,
        roles=frozenset({Role.DISTRICT_HEAD}),
        label=_("签发推荐"),
        guards=(in_actor_district,),
        checks=(district_checks.require_signed_recommendation,),
        notify=(enterprise_users,),
    ),
    Transition(
        action="district_decline",
        sources=frozenset({S.DISTRICT_REVIEW}),
        target=S.NOT_RECOMMENDED,
        roles=frozenset({Role.DISTRICT_HEAD}),
        label=_("不予推荐"),
        guards=(in_actor_district,),
        comment_required=True,
        effects=(district_checks.leave_prepared_recommendation,),
        notify=(enterprise_users,),
    ),
    Transition(
        action="municipal_start",
        sources=frozenset({S.RECOMMENDED}),
        target=S.MUNICIPAL_REVIEW,
        roles=MUNICIPAL,
        label=_("开始市级初审"),
    ),
    Transition(
        action="municipal_return",
        sources=frozenset({S.MUNICIPAL_REVIEW}),
        target=S.RETURNED,
        roles=MUNICIPAL,
        label=_("市级初审退回修改"),
        comment_required=True,
        checks=(district_checks.require_correction_items,),
        notify=(
            enterprise_users,
            district_officers,
        ),
    ),
    Transition(
        action="to_expert_review",
        sources=frozenset({S.MUNICIPAL_REVIEW}),
        target=S.EXPERT_REVIEW,
        roles=MUNICIPAL,
        label=_("提交专家评审"),
    ),
)
