"""The fund plan workflow as data: every allowed transition in one table (issue 7, two-person rule).

A plan is drafted by a municipal officer (or head); the municipal head approves it, then a finance
officer of the municipal finance bureau approves it, which commits the whole plan against its
budgets (:func:`jigai.funds.ledger.plan_commit`) — atomically, or nothing. Nobody approves a plan
they drafted, and the finance approval is never by the head who approved it. Either approver may
return it to draft with a reason; a draft may be cancelled (作废), which frees its projects for a new
plan. :func:`jigai.funds.services.fund_plan_transition` is the only code that changes a plan's
status; it writes the history row and the audit event. ``docs/workflows.md`` describes this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from jigai.accounts.choices import Role
from jigai.funds.choices import FundPlanStatus as S

Guard = Callable[[Any, Any], "str | None"]  # (plan, actor) -> reason it cannot, or None


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Any
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    comment_required: bool = False
    #: commit the plan against its budgets (the finance approval)
    commits: bool = False


def not_the_drafter(plan: Any, actor: Any) -> str | None:
    """Two-person rule: whoever drafted a plan does not approve it."""
    if plan.drafted_by_id == getattr(actor, "pk", None):
        return str(_("您编制了这份资金计划，不能由本人审核（双人复核）。"))
    return None


def not_the_head_approver(plan: Any, actor: Any) -> str | None:
    if plan.head_approved_by_id is not None and plan.head_approved_by_id == getattr(actor, "pk", None):
        return str(_("您已作为市经信委负责人审核过这份资金计划，不能再次审核。"))
    return None


DRAFTERS = frozenset({Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="head_approve",
        sources=frozenset({S.DRAFT}),
        target=S.HEAD_APPROVED,
        roles=frozenset({Role.MUNICIPAL_HEAD}),
        label=_("市经信委负责人审核通过"),
        guards=(not_the_drafter,),
    ),
    Transition(
        action="finance_approve",
        sources=frozenset({S.HEAD_APPROVED}),
        target=S.APPROVED,
        roles=frozenset({Role.FINANCE_OFFICER}),
        label=_("市财政局审核并下达"),
        guards=(not_the_drafter, not_the_head_approver),
        commits=True,
    ),
    Transition(
        action="return",
        sources=frozenset({S.DRAFT, S.HEAD_APPROVED}),
        target=S.DRAFT,
        roles=frozenset({Role.MUNICIPAL_HEAD, Role.FINANCE_OFFICER}),
        label=_("退回修改"),
        guards=(not_the_drafter,),
        comment_required=True,
    ),
    Transition(
        action="cancel",
        sources=frozenset({S.DRAFT}),
        target=S.CANCELLED,
        roles=DRAFTERS,
        label=_("作废资金计划"),
        comment_required=True,
    ),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}


def refusal(transition: Transition, plan: Any, actor: Any) -> str | None:
    """Why ``actor`` may not take ``transition`` on ``plan`` (role, then guards), or None."""
    if getattr(actor, "role", None) not in transition.roles:
        names = pgettext("list separator", "、").join(str(Role(r).label) for r in sorted(transition.roles))
        return str(_("只有%(roles)s可以执行“%(action)s”。") % {"roles": names, "action": transition.label})
    for guard in transition.guards:
        reason = guard(plan, actor)
        if reason:
            return reason
    return None


def state_refusal(transition: Transition, plan: Any) -> str | None:
    if plan.status not in transition.sources:
        return str(
            _("资金计划当前状态为“%(s)s”，不能执行“%(a)s”。")
            % {"s": plan.get_status_display(), "a": transition.label}
        )
    return None
