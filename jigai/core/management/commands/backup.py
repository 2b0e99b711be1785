"""``manage.py backup [--dest DIR]``: a consistent online backup with a checksum manifest.

See :mod:`jigai.core.backup`. Prints the folder; the backup is recorded as a ``backup.create``
audit event. Run ``manage.py restore_verify FOLDER`` on every backup (or at least weekly).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jigai.audit.services import audit_record
from jigai.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "在线备份数据库和上传文件，并生成 SHA-256 校验清单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", default=None, help="备份目录（默认 JIGAI_BACKUP_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(dest=Path(options["dest"]) if options["dest"] else None)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        manifest = result.manifest
        audit_record(
            actor=None,
            action="backup.create",
            object_type="backup",
            object_repr=result.path.name,
            changes={
                "tables": len(manifest["tables"]),
                "files": len(manifest["files"]),
                "audit": manifest["audit"],
            },
            message=str(result.path),
        )
        self.stdout.write(
            _("备份完成：%(path)s（%(t)d 张表，%(f)d 个文件）")
            % {"path": result.path, "t": len(manifest["tables"]), "f": len(manifest["files"])}
        )
