"""Who may act in the expert review (the pool, panels, rubrics, an expert on its assignments),
each check saying why."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.calls.models import Call
from jigai.core.permissions import ALLOW, Decision, has_role, not_now
from jigai.experts.choices import PanelStatus
from jigai.experts.models import (
    Panel,
    Score,
)

# --- Permissions ------------------------------------------------------------------------------
#: who reads the pool and the panels: the commission's officers and heads
PANEL_READERS = (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD)


def can_manage_pool(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("管理评审专家库"))


def can_read_pool(user: Any) -> Decision:
    return has_role(user, PANEL_READERS, _("查看评审专家库"))


def can_manage_panel(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("组织专家评审"))


def can_read_panel(user: Any) -> Decision:
    return has_role(user, PANEL_READERS, _("查看专家评审情况"))


def can_act_as_expert(user: Any) -> Decision:
    return has_role(user, [Role.EXPERT], _("办理评审任务"))


def can_read_rubric(user: Any) -> Decision:
    return has_role(user, [*PANEL_READERS, Role.EXPERT], _("查看评分细则"))


def rubric_is_frozen(call: Call) -> bool:
    """Frozen from the first score of the call's panel (and for good once the panel is closed)."""
    if Panel.objects.filter(call=call, status=PanelStatus.CLOSED).exists():
        return True
    return Score.objects.filter(assignment__panel__call=call).exists()


def can_edit_rubric(user: Any, call: Call) -> Decision:
    decision = has_role(user, [Role.MUNICIPAL_OFFICER], _("设置评分细则"))
    if not decision:
        return decision
    if rubric_is_frozen(call):
        return not_now(_("专家已开始评分，评分细则已冻结，不能再修改。"))
    return ALLOW
