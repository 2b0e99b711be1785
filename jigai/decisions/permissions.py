"""Who may read the ranking, set amounts and propose the list, each check saying why."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core.permissions import Decision as Permission
from jigai.core.permissions import has_role

RANKING_READERS = (
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)


# --- permissions ------------------------------------------------------------------------------
def can_read_ranking(user: Any) -> Permission:
    return has_role(user, RANKING_READERS, _("查看综合评审排名"))


def can_set_amounts(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD], _("核定项目金额"))


def can_propose(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_HEAD], _("提出拟支持名单"))
