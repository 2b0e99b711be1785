"""``manage.py audit_purge [--older-than-days N] [--dry-run]``: the retention purge of the audit trail.

Removes the events older than ``JIGAI_AUDIT_RETENTION_DAYS`` (default 183 days, never fewer: six
months is the legal minimum and a shorter period is refused). Run it monthly. See
:mod:`jigai.audit.retention` for how the purge keeps the chain verifiable.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.audit.retention import audit_purge


class Command(BaseCommand):
    help = "清理超过保存期限（至少六个月）的审计事件；清理本身记入审计日志并写入检查点。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, default=None, help="保存天数（不少于 183）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_purge(older_than_days=options["older_than_days"], dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=1) from exc
        if options["dry_run"]:
            self.stdout.write(
                _("将清理 %(n)d 条审计事件（至事件 #%(seq)d）。")
                % {"n": result.purged, "seq": result.through_seq}
            )
        else:
            self.stdout.write(
                _("已清理 %(n)d 条审计事件（至事件 #%(seq)d）。")
                % {"n": result.purged, "seq": result.through_seq}
            )
