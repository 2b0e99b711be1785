"""The application workflow as data: every allowed transition in one table, one function performs them.

Each :class:`Transition` says from which states, to which state, which roles may take it, what must
hold and what happens on the way:

* ``guards`` — who may, beyond the role: each returns the reason the actor cannot, or None. A
  refusal is a permission refusal (403, the reason shown on the disabled button).
* ``checks`` — the domain rules the application must meet (e.g. eligibility, no duplicate): each
  raises ``ValidationError`` listing what is wrong. They run inside the transaction, on the row
  locked for the transition, so two requests cannot both pass them on stale data.
* ``effects`` — what the transition does besides the status (e.g. give the reference number):
  each changes the locked application and returns the names of the fields it changed, which the
  history and the audit event record.

A transition that is not in the table is refused with a reason.
:func:`jigai.applications.services.application_transition` is the only code that changes
``Application.status``; it writes the history row and the audit event.

The review states after "submitted" (district review, municipal review, experts, decision,
publicity) are added to this table by the review workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

import jigai.applications.duplicates as duplicates
import jigai.applications.eligibility as eligibility
import jigai.applications.numbering as numbering
import jigai.review.decision_checks as decision_checks
import jigai.review.district_checks as district_checks
import jigai.review.experts_checks as experts_checks
from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.core.text import join_list


@dataclass(frozen=True)
class TransitionContext:
    """What checks and effects may need besides the application: who acts, when, and why."""

    actor: Any
    now: dt.datetime
    comment: str = ""


Guard = Callable[[Any, Any], "str | None"]  # (application, actor) -> reason it cannot, or None
Check = Callable[[Any, TransitionContext], None]  # raises ValidationError
Effect = Callable[[Any, TransitionContext], Iterable[str]]  # returns the fields it changed


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Any
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    comment_required: bool = False
    checks: tuple[Check, ...] = field(default_factory=tuple)
    effects: tuple[Effect, ...] = field(default_factory=tuple)


def applicant_only(application: Any, actor: Any) -> str | None:
    """Only the users of the enterprise that applies act for it."""
    if getattr(actor, "organisation_id", None) != application.enterprise.organisation_id:
        return str(_("只有申报企业本身的用户可以办理此事项。"))
    return None


def stamp_submitted_at(application: Any, ctx: TransitionContext) -> list[str]:
    application.submitted_at = ctx.now
    return ["submitted_at"]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="submit",
        sources=frozenset({S.DRAFT}),
        target=S.SUBMITTED,
        roles=frozenset({Role.ENTERPRISE}),
        label=_("提交申报"),
        guards=(applicant_only,),
        # Eligibility first (its list is what the enterprise must fix), then duplicates (rules.md §3
        # "funded before"; issue: a hard duplicate is refused, a near one flagged).
        checks=(eligibility.require_eligible, duplicates.refuse_hard_duplicates),
        effects=(
            eligibility.record_rules,
            numbering.assign_reference_number,
            stamp_submitted_at,
            duplicates.flag_near_duplicates,
        ),
    ),
    Transition(
        action="withdraw",
        sources=frozenset({S.SUBMITTED}),
        target=S.WITHDRAWN,
        roles=frozenset({Role.ENTERPRISE}),
        # Only while the district has not yet taken it up: once it moves on, "submitted" is left.
        label=_("撤回申报"),
        guards=(applicant_only,),
        comment_required=True,
    ),
)


def in_actor_district(application: Any, actor: Any) -> str | None:
    """District review is done by the bureau of the application's district (属地原则)."""
    if getattr(actor, "district_id", None) != application.district_id:
        return str(_("只有项目属地区的经济主管部门可以办理此事项。"))
    return None


MUNICIPAL = frozenset({Role.MUNICIPAL_OFFICER})
MUNICIPAL_HEAD = frozenset({Role.MUNICIPAL_HEAD})

# The review workflow (issue 4). District review → recommendation signed by the district head →
# municipal first review → expert review → comprehensive review → the head's proposed list →
# publicity (公示) → approval. Checks and effects of these steps are attached by the review app's
# services (jigai/review/), which call application_transition.
REVIEW_TRANSITIONS: tuple[Transition, ...] = (
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
    ),
    Transition(
        action="district_recommend",
        sources=frozenset({S.DISTRICT_REVIEW}),
        target=S.RECOMMENDED,
        roles=frozenset({Role.DISTRICT_HEAD}),
        label=_("签发推荐"),
        guards=(in_actor_district,),
        checks=(district_checks.require_signed_recommendation,),
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
    ),
    Transition(
        action="to_expert_review",
        sources=frozenset({S.MUNICIPAL_REVIEW}),
        target=S.EXPERT_REVIEW,
        roles=MUNICIPAL,
        label=_("提交专家评审"),
    ),
    Transition(
        action="to_comprehensive_review",
        sources=frozenset({S.EXPERT_REVIEW}),
        target=S.COMPREHENSIVE_REVIEW,
        roles=MUNICIPAL,
        label=_("进入综合评审"),
        checks=(experts_checks.require_expert_scores,),
    ),
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
    ),
    Transition(
        action="publicize",
        sources=frozenset({S.PROPOSED}),
        target=S.PUBLICITY,
        roles=MUNICIPAL_HEAD,
        label=_("公示"),
        checks=(decision_checks.require_published_list,),
    ),
    Transition(
        action="objection_upheld",
        sources=frozenset({S.PUBLICITY}),
        target=S.NOT_APPROVED,
        roles=MUNICIPAL,
        label=_("异议成立，移出名单"),
        comment_required=True,
        checks=(decision_checks.require_upheld_objection,),
    ),
    Transition(
        action="approve",
        sources=frozenset({S.PUBLICITY}),
        target=S.APPROVED,
        roles=MUNICIPAL_HEAD,
        label=_("批准立项"),
        checks=(decision_checks.require_publicity_over,),
    ),
)

TRANSITIONS = TRANSITIONS + REVIEW_TRANSITIONS

BY_ACTION: dict[str, list[Transition]] = {}
for _t in TRANSITIONS:
    BY_ACTION.setdefault(_t.action, []).append(_t)


def find(action: str, status: str) -> Transition | None:
    for transition in BY_ACTION.get(action, []):
        if status in transition.sources:
            return transition
    return None


def available(application: Any, actor: Any) -> list[tuple[Transition, str | None]]:
    """The transitions of the actor's role from the application's state, each with the reason the
    actor cannot take it now (or None). Other roles' steps are not the actor's business."""
    out = []
    role = getattr(actor, "role", None)
    for transition in TRANSITIONS:
        if application.status not in transition.sources or role not in transition.roles:
            continue
        out.append((transition, refusal(transition, application, actor)))
    return out


def refusal(transition: Transition, application: Any, actor: Any) -> str | None:
    if getattr(actor, "role", None) not in transition.roles:
        names = join_list(str(Role(r).label) for r in sorted(transition.roles))
        return str(_("只有%(roles)s可以执行“%(action)s”。") % {"roles": names, "action": transition.label})
    for guard in transition.guards:
        reason = guard(application, actor)
        if reason:
            return reason
    return None
