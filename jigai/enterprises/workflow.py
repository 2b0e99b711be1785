"""The confirmation workflow of a registered enterprise, whole in one table.

rules.md §1: the district economic bureau (区经委) is responsible for the enterprises of its
district (属地原则); issue 3: "The district bureau confirms a new enterprise before it can apply."

=========  ===========  ==========  ==========================  ======================================
action     from         to          who                         what must hold
=========  ===========  ==========  ==========================  ======================================
confirm    pending      confirmed   district officer or head    the enterprise is in the user's district
reject     pending      rejected    district officer or head    as above, and a reason for the enterprise
resubmit   rejected     pending     the enterprise's own users  the registration data was corrected
=========  ===========  ==========  ==========================  ======================================

Only a confirmed enterprise may apply (the applications app checks ``status == confirmed``). Once
confirmed, the identity of the enterprise (credit code, name, district) is fixed
(:data:`jigai.enterprises.profile.IDENTITY_FIELDS`). :func:`jigai.enterprises.services.enterprise_transition`
performs every transition and records it in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.accounts.choices import DISTRICT_ROLES, Role
from jigai.core.permissions import ALLOW, Decision, deny, has_role
from jigai.core.text import join_list
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    roles: tuple[str, ...]
    #: completes "只有…可以<what>" in a refusal
    what: Promise


DISTRICT_DECIDERS = (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "confirm",
            frozenset({EnterpriseStatus.PENDING}),
            EnterpriseStatus.CONFIRMED,
            DISTRICT_DECIDERS,
            gettext_lazy("确认企业注册信息"),
        ),
        Transition(
            "reject",
            frozenset({EnterpriseStatus.PENDING}),
            EnterpriseStatus.REJECTED,
            DISTRICT_DECIDERS,
            gettext_lazy("退回企业注册信息"),
        ),
        Transition(
            "resubmit",
            frozenset({EnterpriseStatus.REJECTED}),
            EnterpriseStatus.PENDING,
            (Role.ENTERPRISE,),
            gettext_lazy("重新提交企业注册信息"),
        ),
    )
}


def _own_enterprise(user: Any, enterprise: Enterprise) -> bool:
    return getattr(user, "organisation_id", None) == enterprise.organisation_id


def can_transition(user: Any, enterprise: Enterprise, name: str) -> Decision:
    """Whether ``user`` may perform transition ``name`` on ``enterprise`` (the status aside: see
    :func:`status_problem`), and why not."""
    transition = TRANSITIONS[name]
    decision = has_role(user, transition.roles, str(transition.what))
    if not decision:
        return decision
    if user.role in DISTRICT_ROLES and user.district_id != enterprise.district_id:
        return deny(_("该企业不在您所在的区，由企业所在区的区经委确认。"))
    if user.role == Role.ENTERPRISE and not _own_enterprise(user, enterprise):
        return deny(_("只能处理本企业的信息。"))
    return ALLOW


def status_problem(enterprise: Enterprise, name: str) -> str:
    """Why the enterprise's current status does not allow transition ``name`` ("" when it does)."""
    transition = TRANSITIONS[name]
    if enterprise.status in transition.sources:
        return ""
    allowed = join_list(str(EnterpriseStatus(s).label) for s in sorted(transition.sources))
    return _("该企业当前为“%(status)s”，只有“%(allowed)s”的企业可以%(what)s。") % {
        "status": enterprise.get_status_display(),
        "allowed": allowed,
        "what": transition.what,
    }


def can_confirm_enterprise(user: Any, enterprise: Enterprise) -> Decision:
    return can_transition(user, enterprise, "confirm")


def can_reject_enterprise(user: Any, enterprise: Enterprise) -> Decision:
    return can_transition(user, enterprise, "reject")


def can_edit_enterprise_profile(user: Any, enterprise: Enterprise) -> Decision:
    """The enterprise's own users keep its profile; officials read it."""
    decision = has_role(user, [Role.ENTERPRISE], _("修改企业信息"))
    if decision and not _own_enterprise(user, enterprise):
        return deny(_("只能修改本企业的信息。"))
    return decision


def can_add_enterprise_user(user: Any) -> Decision:
    """An enterprise user adds colleagues' accounts to its own enterprise."""
    decision = has_role(user, [Role.ENTERPRISE], _("为本企业添加账号"))
    if decision and not hasattr(getattr(user, "organisation", None), "enterprise"):
        return deny(_("账户尚未关联企业信息，请联系所在区经委。"))
    return decision
