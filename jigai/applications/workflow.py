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
* ``notify`` — who is told once it is done (functions of :mod:`jigai.notifications.recipients`);
  the acting user never is.

A transition that is not in the table is refused with a reason.
:func:`jigai.applications.services.application_transition` is the only code that changes
``Application.status``; it writes the history row and the audit event and sends the notices.

The table is composed: this module holds the machinery and the enterprise's own transitions; each
later stage's app registers its transitions from its ``AppConfig.ready`` (``workflow.py`` of
jigai.recommendations, jigai.experts and jigai.decisions, in that order), so that this app never
imports a later one. :func:`transitions` gives the whole table; ``manage.py workflow_doc --write``
prints it into docs/workflows.md.
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
from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.core.text import join_list
from jigai.notifications.recipients import Recipients, district_officers


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
    notify: tuple[Recipients, ...] = field(default_factory=tuple)


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
        notify=(district_officers,),
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


#: every transition, in the order the apps registered them (see :func:`register`)
_TABLE: list[Transition] = []
BY_ACTION: dict[str, list[Transition]] = {}


def register(*transitions: Transition) -> None:
    """Add an app's transitions to the table (from its ``AppConfig.ready``, in INSTALLED_APPS
    order, so the apps of later stages come after the earlier ones). An action may appear in several
    rows only from different states: a second row for the same (action, state) is a mistake."""
    for transition in transitions:
        for other in BY_ACTION.get(transition.action, []):
            overlap = other.sources & transition.sources
            if overlap:
                raise ValueError(
                    f"transition {transition.action!r} from {sorted(overlap)} is registered twice"
                )
        _TABLE.append(transition)
        BY_ACTION.setdefault(transition.action, []).append(transition)


def transitions() -> tuple[Transition, ...]:
    """The whole table: this app's transitions and those the later stages' apps registered."""
    return tuple(_TABLE)


register(*TRANSITIONS)


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
    for transition in _TABLE:
        if application.status not in transition.sources or role not in transition.roles:
            continue
        out.append((transition, refusal(transition, application, actor)))
    return out


def _role_refusal(roles: Iterable[str], label: Any) -> str:
    names = join_list(str(Role(r).label) for r in sorted(roles))
    return str(_("只有%(roles)s可以执行“%(action)s”。") % {"roles": names, "action": label})


def refusal(transition: Transition, application: Any, actor: Any) -> str | None:
    """Why ``actor`` may not take this row of the table (its role, then its guards), or None."""
    if getattr(actor, "role", None) not in transition.roles:
        return _role_refusal(transition.roles, transition.label)
    for guard in transition.guards:
        reason = guard(application, actor)
        if reason:
            return reason
    return None


def who_may(action: str, application: Any, actor: Any) -> str | None:
    """Why ``actor`` may never take ``action`` on ``application``, whatever state it is in, or None.

    Asked before the state (who may, then whether now: issue 13): a role named in none of the
    action's rows is refused as such, and so is an actor its guards refuse (another enterprise,
    another district); only then does the state decide (422). The guards are those of the row from
    the current state, else of the actor's first row of the action."""
    rows = BY_ACTION.get(action, [])
    if not rows:
        return None
    role = getattr(actor, "role", None)
    mine = [t for t in rows if role in t.roles]
    if not mine:
        return _role_refusal(frozenset().union(*(t.roles for t in rows)), rows[0].label)
    row = next((t for t in mine if application.status in t.sources), mine[0])
    for guard in row.guards:
        reason = guard(application, actor)
        if reason:
            return reason
    return None
