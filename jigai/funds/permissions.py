"""Who may do what with budgets, fund plans and payments; each check says why not (Decision)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core.permissions import ALLOW, Decision, deny, has_role
from jigai.funds.choices import BudgetSource, ShareLevel

MUNICIPAL = (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD)
#: who reads budget execution and fund plans (a district's roles: their district's part only)
READERS = (
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.DISTRICT_FINANCE_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)


def can_read_funds(user: Any) -> Decision:
    return has_role(user, READERS, _("查看预算执行和资金计划"))


def can_read_own_funds(user: Any) -> Decision:
    """The enterprise sees its own projects' approved amounts, instalments and payments."""
    return has_role(user, (Role.ENTERPRISE, *READERS), _("查看项目资金"))


def can_manage_budget(user: Any, source: str, district: Any) -> Decision:
    """The municipal finance bureau keeps the city's budgets, a district finance bureau its own."""
    if source == BudgetSource.DISTRICT:
        decision = has_role(user, (Role.DISTRICT_FINANCE_OFFICER,), _("管理区技术改造资金预算"))
        if decision and getattr(district, "pk", district) != user.district_id:
            return deny(_("只能管理本区的预算。"))
        return decision
    return has_role(user, (Role.FINANCE_OFFICER,), _("管理市级预算"))


def can_draft_plan(user: Any) -> Decision:
    return has_role(user, MUNICIPAL, _("编制资金计划"))


def can_cancel_item(user: Any) -> Decision:
    return has_role(user, (Role.MUNICIPAL_HEAD,), _("撤销项目资金安排"))


def can_settle(user: Any) -> Decision:
    return has_role(user, MUNICIPAL, _("按验收结果清算项目资金"))


def can_pay(user: Any, share: Any) -> Decision:
    """The finance officer of the paying level: municipal finance pays the municipal share and the
    national matching; the project's district finance bureau pays the district share (属地原则)."""
    if share.level == ShareLevel.DISTRICT:
        decision = has_role(user, (Role.DISTRICT_FINANCE_OFFICER,), _("拨付区级资金"))
        if decision and user.district_id != share.item.district_id:
            return deny(_("只有项目所在区的财政局可以拨付区级资金。"))
        return decision
    return has_role(user, (Role.FINANCE_OFFICER,), _("拨付市级资金和国家项目配套资金"))


__all__ = ["ALLOW", "can_pay"]
