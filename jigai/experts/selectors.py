"""Reads of the expert review: the pool, the assignments an expert or officer may see, a panel's
overview, and what an expert may read of applications; each starts from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jigai.accounts.choices import MUNICIPAL_ROLES, Role
from jigai.accounts.models import User
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.models import CatalogVersion
from jigai.core.permissions import require
from jigai.experts.checks import ACTIVE_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import (
    Assignment,
    DrawRecord,
    ExpertProfile,
    Panel,
    Score,
)
from jigai.experts.permissions import PANEL_READERS, can_manage_pool, can_read_panel, can_read_pool


def applications_of_expert_q(user: Any) -> models.Q:
    """An expert sees an application only through its own assignment, and only once it has
    declared no conflict of interest (accepted) — and after it scored (scored)."""
    assigned = Assignment.objects.filter(
        expert__user=user, status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.SCORED)
    ).values("application_id")
    return models.Q(pk__in=assigned)


def current_catalog() -> CatalogVersion | None:
    """The newest published catalog: where an expert's directions are chosen from."""
    return CatalogVersion.objects.filter(status=CatalogStatus.PUBLISHED).order_by("-year", "-pk").first()


# --- Pool reads -------------------------------------------------------------------------------
def expert_profile_list(
    *, actor: Any, q: str | None = None, active: bool | None = None
) -> QuerySet[ExpertProfile]:
    """The pool for the commission's officers and heads (nobody else lists it); ``q`` in the
    account, name, employer, title or specialty."""
    if not can_read_pool(actor):
        return ExpertProfile.objects.none()
    qs = ExpertProfile.objects.select_related("user", "user__organisation").prefetch_related(
        "directions", "industries"
    )
    if active is not None:
        qs = qs.filter(is_active=active)
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(user__username__icontains=text)
            | Q(user__display_name__contains=text)
            | Q(user__organisation__name__contains=text)
            | Q(title__contains=text)
            | Q(specialty__contains=text)
        )
    return qs.order_by("user__username", "pk")


def expert_profile_get(*, actor: Any, pk: int) -> ExpertProfile:
    profile = expert_profile_list(actor=actor).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("未找到该专家。"))
    return profile


def expert_profile_own(actor: Any) -> ExpertProfile | None:
    """The signed-in expert's own entry (with its declared conflicts), or None."""
    return (
        ExpertProfile.objects.select_related("user", "user__organisation")
        .prefetch_related("directions", "industries", "conflicts__organisation")
        .filter(user=actor)
        .first()
    )


def expert_users_without_profile(*, actor: Any) -> QuerySet[User]:
    """Accounts of role expert not yet in the pool (for the officer's "add to the pool" form)."""
    if not can_manage_pool(actor):
        return User.objects.none()
    return (
        User.objects.filter(role=Role.EXPERT, is_active=True, expert_profile__isnull=True)
        .select_related("organisation")
        .order_by("username")
    )


# --- Assignments: reads -----------------------------------------------------------------------
def assignment_scope(actor: Any) -> QuerySet[Assignment]:
    """Assignments the actor may see: an expert its own, the commission's officers and heads all;
    nobody else any (enterprises and districts never learn who reviews)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Assignment.objects.none()
    if actor.role == Role.EXPERT:
        return Assignment.objects.visible_to(actor)
    if actor.role in MUNICIPAL_ROLES:
        return Assignment.objects.all()
    return Assignment.objects.none()


def expert_assignment_list(*, actor: Any, status: str | None = None) -> QuerySet[Assignment]:
    """The expert's own assignments, newest first, with what the list shows (one query)."""
    qs = (
        assignment_scope(actor)
        .filter(expert__user=actor)
        .select_related(
            "panel",
            "panel__call",
            "application",
            "application__enterprise",
            "application__district",
            "application__direction",
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-drawn_at", "-pk")


def assignment_get(*, actor: Any, pk: int) -> Assignment:
    """One assignment in the actor's scope (Http404 otherwise: its existence is not revealed)."""
    assignment = (
        assignment_scope(actor)
        .select_related(
            "panel",
            "panel__call",
            "expert",
            "expert__user",
            "application",
            "application__enterprise",
            "application__district",
            "application__direction",
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404(_("未找到该评审任务。"))
    return assignment


def scores_visible(actor: Any, assignment: Assignment) -> bool:
    """Whether the actor may read this assignment's scores: the expert its own, always; after the
    panel closes, the commission's officers and heads, and the other experts who scored the same
    application. Before the close nobody else — not even the officers — sees a score."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.role == Role.EXPERT and assignment.expert.user_id == actor.pk:
        return True
    if assignment.panel.status != PanelStatus.CLOSED:
        return False
    if actor.role in PANEL_READERS:
        return True
    return (
        actor.role == Role.EXPERT
        and Assignment.objects.filter(
            application_id=assignment.application_id, expert__user=actor, status=AssignmentStatus.SCORED
        ).exists()
    )


def assignment_scores(*, actor: Any, assignment: Assignment) -> list[Score] | None:
    """The criterion scores of an assignment if the actor may read them (see :func:`scores_visible`),
    else None."""
    if not scores_visible(actor, assignment):
        return None
    return list(assignment.scores.select_related("criterion").order_by("criterion__sort_order"))


def panel_results_for_expert(*, actor: Any, assignment: Assignment) -> list[Assignment] | None:
    """After the panel closes, the scored assignments of the expert's application (the expert sees
    the panel's results, each expert anonymous); None before the close."""
    if assignment.panel.status != PanelStatus.CLOSED or not scores_visible(actor, assignment):
        return None
    return list(
        Assignment.objects.filter(
            application_id=assignment.application_id, status=AssignmentStatus.SCORED
        ).order_by("draw_round", "draw_position")
    )


# --- Panel reads ------------------------------------------------------------------------------
@dataclass
class PanelRow:
    """One application of the panel with its experts (in draw order) and its progress."""

    application: Application
    assignments: list[Assignment]
    needed: int
    active: int
    scored: int
    from_whole_pool: bool

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.active)

    @property
    def complete(self) -> bool:
        return self.active > 0 and self.active == self.scored


@dataclass
class PanelOverview:
    call: Call
    panel: Panel | None
    rows: list[PanelRow]
    total: int
    counts: dict[str, int]
    #: scores (totals, final scores, spread flags) may be shown: the panel is closed
    scores_visible: bool


def panel_get(*, actor: Any, call: Call) -> Panel | None:
    require(can_read_panel(actor), "review.panel.read")
    return Panel.objects.filter(call=call).select_related("drawn_by").first()


def panel_applications(call: Call, panel: Panel | None) -> QuerySet[Application]:
    """The applications of the call's panel: in expert review now, or with experts drawn."""
    condition = Q(status=ApplicationStatus.EXPERT_REVIEW)
    if panel is not None:
        condition |= Q(pk__in=Assignment.objects.filter(panel=panel).values("application_id"))
    return Application.objects.filter(call=call).filter(condition)


def panel_overview(*, actor: Any, call: Call, offset: int = 0, limit: int | None = 50) -> PanelOverview:
    """The officer's view of a call's panel: counts by status, and a page of applications with
    their experts, in a constant number of queries whatever the page size. Scores are shown only
    once the panel is closed."""
    panel = panel_get(actor=actor, call=call)
    applications = panel_applications(call, panel)
    counts = {status: 0 for status in AssignmentStatus.values}
    if panel is not None:
        for status, count in (
            Assignment.objects.filter(panel=panel).values_list("status").annotate(n=Count("id")).order_by()
        ):
            counts[status] = count
    page = applications.select_related("enterprise", "decision").order_by("reference_number", "pk")
    page = page[offset : offset + limit] if limit is not None else page[offset:]
    if panel is not None:
        page = page.prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=Assignment.objects.filter(panel=panel)
                .select_related("expert", "expert__user", "expert__user__organisation")
                .order_by("draw_round", "draw_position"),
                to_attr="panel_assignments",
            )
        )
    page_list = list(page)
    whole = set()
    if panel is not None and page_list:
        whole = set(
            DrawRecord.objects.filter(
                panel=panel, from_whole_pool=True, application_id__in=[a.pk for a in page_list]
            ).values_list("application_id", flat=True)
        )
    needed = panel.experts_per_application if panel is not None else 0
    rows = []
    for application in page_list:
        assignments = getattr(application, "panel_assignments", [])
        active = [a for a in assignments if a.status in ACTIVE_STATUSES]
        rows.append(
            PanelRow(
                application=application,
                assignments=assignments,
                needed=needed,
                active=len(active),
                scored=sum(1 for a in active if a.status == AssignmentStatus.SCORED),
                from_whole_pool=application.pk in whole,
            )
        )
    closed = panel is not None and panel.status == PanelStatus.CLOSED
    return PanelOverview(call, panel, rows, applications.count(), counts, closed)
