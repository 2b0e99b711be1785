"""The application workflow as data: every allowed transition in one table, one function performs them.

Each :class:`Transition` says from which states, to which state, which roles may take it, what must
hold (a guard returning a reason when it does not) and what the history records. A transition that
is not in the table is refused with a reason. :func:`jigai.applications.services.application_transition`
is the only code that changes ``Application.status``; it writes the history row and the audit event.

The review states after "submitted" (district review, municipal review, experts, decision,
publicity) are added to this table by the review workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S

Guard = Callable[[Any, Any], "str | None"]  # (application, actor) -> reason it cannot, or None


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Any
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    comment_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        action="submit",
        sources=frozenset({S.DRAFT}),
        target=S.SUBMITTED,
        roles=frozenset({Role.ENTERPRISE}),
        label=_("提交申报"),
    ),
    Transition(
        action="withdraw",
        sources=frozenset({S.SUBMITTED}),
        target=S.WITHDRAWN,
        roles=frozenset({Role.ENTERPRISE}),
        # Only while the district has not yet taken it up: once it moves on, "submitted" is left.
        label=_("撤回申报"),
    ),
)

BY_ACTION: dict[str, list[Transition]] = {}
for _t in TRANSITIONS:
    BY_ACTION.setdefault(_t.action, []).append(_t)


def find(action: str, status: str) -> Transition | None:
    for transition in BY_ACTION.get(action, []):
        if status in transition.sources:
            return transition
    return None


def available(application: Any, actor: Any) -> list[tuple[Transition, str | None]]:
    """Transitions from the application's state, each with the reason the actor cannot take it (or None)."""
    out = []
    for transition in TRANSITIONS:
        if application.status not in transition.sources:
            continue
        out.append((transition, refusal(transition, application, actor)))
    return out


def refusal(transition: Transition, application: Any, actor: Any) -> str | None:
    if getattr(actor, "role", None) not in transition.roles:
        names = "、".join(str(Role(r).label) for r in sorted(transition.roles))
        return str(_("只有%(roles)s可以执行“%(action)s”。") % {"roles": names, "action": transition.label})
    for guard in transition.guards:
        reason = guard(application, actor)
        if reason:
            return reason
    return None
