"""The navigation menu per role: what each kind of user can reach from the top bar.

An item whose URL does not exist yet (its app arrives in a later release) is left out, so apps
may list their pages here before they ship. ``icon`` is a bootstrap-icons name; ``description``
is the line under the item on the home page's "my work areas".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jigai.accounts.choices import Role

BUSINESS_READERS = (
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
DISTRICT_ROLES = (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD)
# The city-level readers: their pages cover every district, so they read no district wording.
CITY_READERS = tuple(role for role in BUSINESS_READERS if role not in DISTRICT_ROLES)

# The roles that work through the API as well as the pages: enterprises (their own ERP systems),
# the business officials and district finance (their own systems, statistics), experts (scoring
# tools) and the auditor (exporting the audit trail). Only they are offered the API-token page; the
# system and security administrators work on the pages (the security administrator revokes anyone's
# tokens from the security page), and the public has no account.
API_TOKEN_ROLES = (
    Role.ENTERPRISE,
    *BUSINESS_READERS,
    Role.DISTRICT_FINANCE_OFFICER,
    Role.EXPERT,
    Role.AUDITOR,
)


def uses_api(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in API_TOKEN_ROLES


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: tuple[str, ...]  # empty: every signed-in user
    icon: str = "circle"
    description: Any = ""
    #: shown in the top bar; False keeps it on the home page and the user menu only
    in_top_bar: bool = True
    #: the item is highlighted on every page whose URL name starts with this; by default the
    #: item's whole namespace (``enterprises:`` for ``enterprises:list``)
    area: str = ""

    @property
    def area_prefix(self) -> str:
        return self.area or self.url_name.partition(":")[0] + ":"


NAV_ITEMS: list[NavItem] = [
    NavItem(_("工作台"), "core:home", (), icon="house-door", area="core:home"),
    NavItem(
        _("申报通知"),
        "calls:list",
        (Role.ENTERPRISE, *BUSINESS_READERS, Role.EXPERT),
        icon="megaphone",
        description=_("年度申报通知、申报期与申报规则"),
    ),
    NavItem(
        _("支持目录"),
        "catalog:index",
        (Role.ENTERPRISE, *BUSINESS_READERS, Role.EXPERT),
        icon="journal-bookmark",
        description=_("上海市重点技术改造支持目录的支持领域和方向"),
    ),
    NavItem(
        _("我的申报"),
        "applications:mine",
        (Role.ENTERPRISE,),
        icon="file-earmark-text",
        description=_("本企业的项目申报：新建、填写、提交、撤回和办理记录"),
    ),
    NavItem(
        _("项目申报"),
        "applications:list",
        DISTRICT_ROLES,
        icon="file-earmark-text",
        description=_("辖区内企业提交的项目申报：筛选、查看详情、导出 Excel"),
    ),
    NavItem(
        _("项目申报"),
        "applications:list",
        CITY_READERS,
        icon="file-earmark-text",
        description=_("全市企业提交的项目申报：筛选、查看详情、导出 Excel"),
    ),
    NavItem(
        _("区级审核"),
        "review:district_workbench",
        (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD),
        icon="clipboard-check",
        area="review:district_",
        description=_("受理、审核、退回修改，拟定并签发区推荐文件（推荐文号）"),
    ),
    NavItem(
        _("市级初审"),
        "review:municipal_list",
        (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD),
        icon="clipboard2-check",
        area="review:municipal_",
        description=_("各区推荐上报的申报：初审、退回修改、提交专家评审"),
    ),
    NavItem(
        _("企业信息"),
        "enterprises:me",
        (Role.ENTERPRISE,),
        icon="building",
        description=_("本企业注册信息、确认状态、信用状况和账号"),
    ),
    NavItem(
        pgettext_lazy("navigation", "企业"),
        "enterprises:list",
        BUSINESS_READERS,
        icon="buildings",
        description=_("企业注册信息、确认状态与基本情况"),
    ),
    NavItem(
        _("评审任务"),
        "review:expert_assignments",
        (Role.EXPERT,),
        icon="clipboard-check",
        area="review:expert_",
        description=_("声明利益冲突、查看申报材料并评分"),
    ),
    NavItem(
        _("专家评审"),
        "review:panel_index",
        (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD),
        icon="people",
        area="review:panel_",
        description=_("抽取评审专家、跟踪评分进度、结束评审并复核抽取"),
    ),
    NavItem(
        _("综合评审"),
        "review:decision_index",
        (
            Role.MUNICIPAL_OFFICER,
            Role.MUNICIPAL_HEAD,
            Role.FINANCE_OFFICER,
            Role.NDRC_VIEWER,
            Role.SUPERVISOR,
        ),
        icon="trophy",
        area="review:decision_",
        description=_("排名与核定金额、拟支持名单、公示与批准立项"),
    ),
    NavItem(
        _("资金计划"),
        "funds:plan_list",
        (
            Role.MUNICIPAL_OFFICER,
            Role.MUNICIPAL_HEAD,
            Role.FINANCE_OFFICER,
            Role.DISTRICT_FINANCE_OFFICER,
            Role.DISTRICT_OFFICER,
            Role.DISTRICT_HEAD,
            Role.NDRC_VIEWER,
            Role.SUPERVISOR,
        ),
        icon="cash-coin",
        area="funds:plan_",
        description=_("编制、审核和下达资金计划，登记拨付"),
    ),
    NavItem(
        _("预算执行"),
        "funds:budget_list",
        (
            Role.MUNICIPAL_OFFICER,
            Role.MUNICIPAL_HEAD,
            Role.FINANCE_OFFICER,
            Role.DISTRICT_FINANCE_OFFICER,
            Role.DISTRICT_OFFICER,
            Role.DISTRICT_HEAD,
            Role.NDRC_VIEWER,
            Role.SUPERVISOR,
        ),
        icon="bar-chart",
        area="funds:budget",
        in_top_bar=False,
        description=_("各资金来源的预算、占用、拨付、追回与余额"),
    ),
    NavItem(
        _("项目资金"),
        "funds:project_funds",
        (Role.ENTERPRISE,),
        icon="cash-coin",
        area="funds:project",
        description=_("核定支持金额、分期安排与拨付记录"),
    ),
    NavItem(
        _("公示异议"),
        "review:objection_list",
        (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD),
        icon="chat-left-text",
        in_top_bar=False,
        area="review:objection_",
        description=_("公示期内公众提出的异议及其处理"),
    ),
    NavItem(
        _("评审专家库"),
        "review:expert_pool",
        (Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD),
        icon="person-badge",
        in_top_bar=False,
        area="review:expert_pool",
        description=_("专家的熟悉领域、行业、工作单位和在库状态"),
    ),
    NavItem(
        _("用户管理"),
        "accounts:user_list",
        (Role.SYSADMIN, Role.SECADMIN),
        icon="people",
        area="accounts:user_",
        description=_("查询账户，新建、启用和停用业务账户"),
    ),
    NavItem(
        _("安全管理"),
        "accounts:security",
        (Role.SECADMIN,),
        icon="shield-lock",
        area="accounts:security",
        description=_("锁定账户解锁、登录失败情况与 API 令牌吊销"),
    ),
    NavItem(
        _("审计日志"),
        "audit:event_list",
        (Role.AUDITOR,),
        icon="journal-text",
        description=_("全部操作和拒绝记录，哈希链校验"),
    ),
    NavItem(
        _("参考数据"),
        "reference:index",
        (),
        icon="book",
        description=_("行政区划、国民经济行业分类等标准代码"),
    ),
    NavItem(
        _("API 令牌"),
        "accounts:token_list",
        API_TOKEN_ROLES,
        icon="key",
        in_top_bar=False,
        area="accounts:token_",
        description=_("为系统对接创建和吊销个人 API 令牌"),
    ),
]


def menu_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in NAV_ITEMS:
        if item.roles and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": str(item.label),
                "url": url,
                "name": item.url_name,
                "icon": item.icon,
                "description": str(item.description),
                "in_top_bar": item.in_top_bar,
                "area": item.area_prefix,
            }
        )
    return items


# The anonymous visitor's navigation: the public pages and the sign-in.
PUBLIC_NAV_ITEMS: list[NavItem] = [
    NavItem(_("公示公告"), "publicity:index", (), icon="megaphone", area="publicity:"),
    NavItem(_("申报通知"), "calls:list", (), icon="journal-text", area="calls:"),
    NavItem(_("支持目录"), "catalog:index", (), icon="journal-bookmark", area="catalog:"),
    NavItem(_("参考数据"), "reference:index", (), icon="book", area="reference:"),
    NavItem(_("登录"), "accounts:login", (), icon="box-arrow-in-right", area="accounts:login"),
]


def public_menu(url_name: str) -> list[dict[str, Any]]:
    """The public navigation, the current page's item marked active (by its URL name)."""
    return [
        {
            "label": str(item.label),
            "url": reverse(item.url_name),
            "icon": item.icon,
            "active": url_name.startswith(item.area_prefix),
        }
        for item in PUBLIC_NAV_ITEMS
    ]
