"""``manage.py restore_verify FOLDER [--sample N]``: the restore drill for one backup.

Checks every file against the manifest, restores the database into a scratch database, compares
the row counts per table, verifies the audit chain there and a sample of the stored files, then
drops the scratch database (see :mod:`jigai.core.backup`). Exit status 1 when anything differs.
The drill is recorded as a ``backup.verify`` audit event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.audit.choices import Outcome
from jigai.audit.services import audit_record
from jigai.core.backup import BackupError, backup_verify


class Command(BaseCommand):
    help = "把备份恢复到临时数据库并校验：文件校验和、各表行数、审计链、抽样的上传文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="备份目录（manage.py backup 的输出）")
        parser.add_argument("--sample", type=int, default=20, help="抽查的上传文件数")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_verify(Path(options["folder"]), sample=options["sample"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        summary = _("表 %(t)d 张，审计事件 %(a)d 条，抽查文件 %(f)d 个") % {
            "t": report.tables_checked,
            "a": report.audit_checked,
            "f": report.files_sampled,
        }
        audit_record(
            actor=None,
            action="backup.verify",
            object_type="backup",
            object_repr=report.folder.name,
            outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE,
            message="; ".join([summary, *report.problems])[:2000],
        )
        if not report.ok:
            raise CommandError(_("备份校验失败：") + "\n" + "\n".join(report.problems), returncode=1)
        self.stdout.write(_("备份校验通过：%(s)s。") % {"s": summary})
