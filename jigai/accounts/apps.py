from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.core import todos
from jigai.core.todos import Todo


def locked_accounts_todo(user: Any) -> Any:
    """Security administrator: accounts locked right now (to unlock on the security page)."""
    # Selectors import models: not importable before the app registry is ready.
    from jigai.accounts.selectors import user_list

    count = user_list(actor=user).filter(locked_until__gt=timezone.now()).count()
    return Todo(
        "accounts.locked",
        _("当前锁定的账户"),
        count,
        reverse("accounts:security"),
        _("可在安全管理页提前解锁") if count else _("没有被锁定的账户"),
    )


def inactive_accounts_todo(user: Any) -> Any:
    """System administrator: deactivated accounts (to re-enable or keep off)."""
    from jigai.accounts.selectors import user_list

    count = user_list(actor=user).filter(is_active=False).count()
    return Todo(
        "accounts.inactive",
        _("已停用账户"),
        count,
        reverse("accounts:user_list") + "?state=inactive",
        _("停用的账户无法登录，可随时重新启用"),
    )


class AccountsConfig(AppConfig):
    name = "jigai.accounts"
    verbose_name = "账户与机构"

    def ready(self) -> None:
        from jigai.accounts import checks  # noqa: F401 - registers the deploy checks

        todos.register([Role.SYSADMIN], inactive_accounts_todo)
        todos.register([Role.SECADMIN], locked_accounts_todo)
