"""The to-do counts of the expert review for the home pages (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.core.todos import Todo
from jigai.experts.checks import ACTIVE_STATUSES, PENDING_STATUSES
from jigai.experts.choices import PanelStatus
from jigai.experts.selectors import assignment_scope


# --- To-do counts on the home page ------------------------------------------------------------------
def expert_todo(user: Any) -> Todo | None:
    """The expert's assignments waiting for it (to declare, to score) in panels still open."""
    count = (
        assignment_scope(user)
        .filter(expert__user=user, status__in=PENDING_STATUSES, panel__status=PanelStatus.OPEN)
        .count()
    )
    if not count:
        return None
    return Todo(
        key="expert_assignments",
        label=_("待办理的评审任务"),
        count=count,
        url=_url("review:expert_assignments"),
    )


def panel_officer_todo(user: Any) -> Todo | None:
    """Applications in expert review that still lack experts (to draw)."""
    missing = (
        Application.objects.filter(status=ApplicationStatus.EXPERT_REVIEW)
        .exclude(expert_assignments__status__in=ACTIVE_STATUSES)
        .count()
    )
    if not missing:
        return None
    return Todo(
        key="panel_draw", label=_("待抽取评审专家的申报"), count=missing, url=_url("review:panel_index")
    )


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
