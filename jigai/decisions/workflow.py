"""The decision's rows of the workflow table: the head's proposed list, publicity (公示), an upheld
objection, approval (issue 4). Registered by :class:`~jigai.decisions.apps.DecisionsConfig` last."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

import jigai.decisions.checks as decision_checks
from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.workflow import Transition
from jigai.notifications.recipients import district_officers, enterprise_users

MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER})
MUNICIPAL_HEAD = frozenset({Role.MUNICIPAL_HEAD})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="propose",
        sources=frozenset({S.COMPREHENSIVE_REVIEW}),
        target=S.PROPOSED,
        roles=MUNICIPAL_HEAD,
        label=_("列入拟支持名单"),
        checks=(decision_checks.require_decided_amounts,),
    ),
    Transition(
        action="not_proposed",
        sources=frozenset({S.COMPREHENSIVE_REVIEW}),
        target=S.NOT_APPROVED,
        roles=MUNICIPAL_HEAD,
        label=_("不列入拟支持名单"),
        comment_required=True,
        notify=(enterprise_users,),
    ),
    Transition(
        action="publicize",
        sources=frozenset({S.PROPOSED}),
        target=S.PUBLICITY,
        roles=MUNICIPAL_HEAD,
        label=_("公示"),
        checks=(decision_checks.require_published_list,),
        notify=(enterprise_users,),
    ),
    Transition(
        action="objection_upheld",
        sources=frozenset({S.PUBLICITY}),
        target=S.NOT_APPROVED,
        roles=MUNICIPAL,
        label=_("异议成立，移出名单"),
        comment_required=True,
        checks=(decision_checks.require_upheld_objection,),
        notify=(
            enterprise_users,
            district_officers,
        ),
    ),
    Transition(
        action="approve",
        sources=frozenset({S.PUBLICITY}),
        target=S.APPROVED,
        roles=MUNICIPAL_HEAD,
        label=_("批准立项"),
        checks=(decision_checks.require_publicity_over,),
        notify=(
            enterprise_users,
            district_officers,
        ),
    ),
)
