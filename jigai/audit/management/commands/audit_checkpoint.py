"""``manage.py audit_checkpoint``: append a keyed checkpoint of the audit chain outside the database.

Run it every few minutes (cron or a systemd timer). It verifies the events added since the last
checkpoint, then appends the count, the newest seq and hash, signed with the audit key, to
``JIGAI_AUDIT_CHECKPOINT_FILE`` (see :mod:`jigai.audit.checkpoints`). Exits with status 1, writing
nothing, when the chain since the last checkpoint or the file itself is not intact.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.audit.checkpoints import CheckpointError, checkpoint_path
from jigai.audit.services import audit_checkpoint_write, audit_restore_acknowledge


class Command(BaseCommand):
    help = "校验上一个检查点之后的审计事件，并在数据库之外的检查点文件中追加一条带密钥签名的检查点。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after-restore",
            metavar="REASON",
            default="",
            help="数据库从备份恢复后：确认备份之后的事件已丢失（记入审计日志），从当前链头重新开始检查点",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if checkpoint_path() is None:
            raise CommandError(_("未配置审计检查点文件（JIGAI_AUDIT_CHECKPOINT_FILE）。"), returncode=2)
        try:
            if options["after_restore"]:
                entry = audit_restore_acknowledge(reason=options["after_restore"])
            else:
                entry = audit_checkpoint_write()
        except CheckpointError as exc:
            raise CommandError(_("未写入检查点：%(why)s") % {"why": exc}, returncode=1) from exc
        self.stdout.write(
            _("已写入检查点：%(n)d 条事件，最新事件 #%(seq)d，哈希 %(hash)s")
            % {"n": entry.count, "seq": entry.seq, "hash": entry.hash}
        )
