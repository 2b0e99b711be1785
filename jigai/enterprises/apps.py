from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core import todos
from jigai.core.todos import Todo
from jigai.enterprises.choices import EnterpriseStatus


def pending_enterprises_todo(user: Any) -> Any:
    """District officer and head: newly registered enterprises of the district awaiting confirmation."""
    # Selectors import models: not importable before the app registry is ready.
    from jigai.enterprises.selectors import enterprise_list

    count = enterprise_list(actor=user, status=EnterpriseStatus.PENDING).count()
    return Todo(
        "enterprises.pending",
        _("待确认的新注册企业"),
        count,
        reverse("enterprises:list") + f"?status={EnterpriseStatus.PENDING}",
        _("请核对注册信息后确认") if count else _("没有待确认的企业"),
    )


def own_enterprise_status_todo(user: Any) -> Any:
    """Enterprise user: whether the district has confirmed the enterprise (1 while something is due)."""
    from jigai.enterprises.selectors import enterprise_list

    enterprise = enterprise_list(actor=user).first()
    if enterprise is None:
        return Todo(
            "enterprises.own_status", _("企业信息确认"), 1, "", _("账户尚未关联企业信息，请联系所在区经委。")
        )
    url = reverse("enterprises:detail", args=[enterprise.pk])
    hints: dict[str, str] = {
        EnterpriseStatus.PENDING: _("企业注册信息待所在区经委确认，确认后即可申报项目。"),
        EnterpriseStatus.CONFIRMED: _("企业信息已由所在区经委确认。"),
        EnterpriseStatus.REJECTED: _("企业信息未通过确认，请核对后联系所在区经委。"),
    }
    if enterprise.status == EnterpriseStatus.REJECTED:
        # Where to correct it, and what: the district's reason.
        url = reverse("enterprises:me")
        hints[EnterpriseStatus.REJECTED] = _("未通过确认：%(reason)s 请在“企业信息”页更正后重新提交。") % {
            "reason": enterprise.rejection_reason
        }
    count = 0 if enterprise.status == EnterpriseStatus.CONFIRMED else 1
    return Todo("enterprises.own_status", _("企业信息确认"), count, url, hints.get(enterprise.status, ""))


class EnterprisesConfig(AppConfig):
    name = "jigai.enterprises"
    verbose_name = "企业"

    def ready(self) -> None:
        todos.register([Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD], pending_enterprises_todo)
        todos.register([Role.ENTERPRISE], own_enterprise_status_todo)
