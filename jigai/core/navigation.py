"""The navigation menu per role: what each kind of user can reach from the top bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jigai.accounts.choices import Role

BUSINESS_READERS = (
    Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD, Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER, Role.NDRC_VIEWER, Role.SUPERVISOR,
)


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: tuple[str, ...]  # empty: every signed-in user


NAV_ITEMS: list[NavItem] = [
    NavItem(_("工作台"), "core:home", ()),
    NavItem(_("企业"), "enterprises:list", (Role.ENTERPRISE, *BUSINESS_READERS)),
    NavItem(_("用户管理"), "accounts:user_list", (Role.SYSADMIN,)),
    NavItem(_("安全管理"), "accounts:security", (Role.SECADMIN,)),
    NavItem(_("审计日志"), "audit:event_list", (Role.AUDITOR,)),
    NavItem(_("参考数据"), "reference:index", ()),
    NavItem(_("API 令牌"), "accounts:token_list", ()),
]


def menu_for(user: Any) -> list[dict[str, str]]:
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
        items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items
