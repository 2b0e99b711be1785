"""``manage.py unlock_admin USERNAME --reason "…"``: break-glass unlock of an administrator.

The security administrator lifts lockouts from the security page; when the security administrator
is the one locked out (or the only one who could act is), whoever runs commands on the server
lifts the lock of an administrator account here — its own lock and its locks from every client
address. The reason is required and the unlock is audited as ``user.unlock_break_glass`` (channel
``cli``). Business accounts are refused: the security administrator unlocks those.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.accounts.models import User
from jigai.accounts.services import user_unlock


class Command(BaseCommand):
    help = "应急解锁管理员账户（记入审计日志，须说明原因）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="管理员账号")
        parser.add_argument("--reason", required=True, help="原因（记入审计日志）")

    def handle(self, *args: Any, **options: Any) -> None:
        reason = options["reason"].strip()
        if not reason:
            raise CommandError(_("请说明应急解锁的原因。"))
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("账号不存在。"))
        try:
            user_unlock(actor=None, user=user, break_glass_reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(_("已应急解锁 %(u)s（已记入审计日志）。") % {"u": user.username})
