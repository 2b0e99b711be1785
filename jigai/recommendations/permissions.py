"""Who may act in the district review and on recommendation documents (role, and the district:
属地原则), each check saying why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications import workflow
from jigai.applications.models import Application
from jigai.applications.services import transition_permission
from jigai.core.permissions import ALLOW, Decision, deny, has_role, not_now, require
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import Recommendation


# --- permissions ----------------------------------------------------------------------------------
def _in_a_district(user: Any, roles: Iterable[str], what: str) -> Decision:
    decision = has_role(user, roles, what)
    if decision and not user.district_id:
        return deny(_("您的账户没有关联区经济主管部门，请联系系统管理员。"))
    return decision


def can_work_district_review(user: Any) -> Decision:
    """The district workbench: the officers and heads of a district bureau."""
    return _in_a_district(user, (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD), _("办理区级审核"))


def can_prepare_recommendation(user: Any) -> Decision:
    """An officer (经办人) prepares the recommendation document; the head signs it."""
    return _in_a_district(user, (Role.DISTRICT_OFFICER,), _("拟定推荐文件"))


def _same_district(user: Any, recommendation: Recommendation) -> Decision:
    if user.district_id != recommendation.district_id:
        return deny(_("只有项目属地区的经济主管部门可以办理此事项。"))
    return ALLOW


def can_sign_recommendation(user: Any, recommendation: Recommendation) -> Decision:
    """The head of the document's district signs it, once, while it is prepared."""
    decision = _in_a_district(user, (Role.DISTRICT_HEAD,), _("签发推荐文件"))
    if not decision:
        return decision
    decision = _same_district(user, recommendation)
    if decision and recommendation.status != RecommendationStatus.PREPARED:
        return not_now(
            _("推荐文件当前状态为“%(s)s”，不能签发。") % {"s": recommendation.get_status_display()}
        )
    return decision


def can_change_recommendation(user: Any, recommendation: Recommendation) -> Decision:
    """The district's officers may change the ranking of, or withdraw, a document not yet signed."""
    decision = can_prepare_recommendation(user)
    if not decision:
        return decision
    decision = _same_district(user, recommendation)
    if decision and recommendation.status != RecommendationStatus.PREPARED:
        return not_now(
            _("推荐文件当前状态为“%(s)s”，不能修改。") % {"s": recommendation.get_status_display()}
        )
    return decision


def can_read_recommendations(user: Any) -> Decision:
    """Recommendation documents are read by the district bureaus (their own) and the city's
    business roles; enterprises and experts do not see the district's internal ranking."""
    return has_role(
        user,
        (
            Role.DISTRICT_OFFICER,
            Role.DISTRICT_HEAD,
            Role.MUNICIPAL_OFFICER,
            Role.MUNICIPAL_HEAD,
            Role.FINANCE_OFFICER,
            Role.NDRC_VIEWER,
            Role.SUPERVISOR,
        ),
        _("查看区推荐文件"),
    )


def transition_decision(user: Any, application: Application, action: str) -> Decision:
    """Whether ``user`` may take ``action`` on ``application`` now, and if not why (for the
    disabled button): the same answer the transition service gives, without performing it."""
    transition = workflow.find(action, application.status)
    if transition is None:
        known = workflow.BY_ACTION.get(action)
        label = known[0].label if known else action
        return deny(
            _("申报当前状态为“%(s)s”，不能%(a)s。") % {"s": application.get_status_display(), "a": label}
        )
    reason = workflow.refusal(transition, application, user)
    return deny(reason) if reason else ALLOW


def require_action(user: Any, application: Application, action: str) -> None:
    """Refuse before any input is read: an application outside the user's scope, a role or
    district that may not act (403 with the reason); then a state that does not allow it (422)."""
    assert action in workflow.BY_ACTION, action
    require(transition_permission(user, application, action), f"application.{action}")
    decision = transition_decision(user, application, action)
    if not decision:
        raise ValidationError(decision.reason)
