"""``manage.py workflow_doc``: check, or with ``--write`` rewrite, the generated table and diagram of
the application workflow in docs/workflows.md (see :mod:`jigai.applications.workflow_doc`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jigai.applications import workflow_doc


class Command(BaseCommand):
    help = "核对（--write 则重写）docs/workflows.md 中由代码生成的流转表和状态图。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="重写过期的生成段落")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            stale = workflow_doc.write()
            self.stdout.write(f"已更新：{', '.join(stale)}" if stale else "文档已是最新。")
            return
        stale = workflow_doc.stale_blocks()
        if stale:
            raise CommandError(
                f"docs/workflows.md 与代码不一致：{', '.join(stale)}（运行 manage.py workflow_doc --write）"
            )
        self.stdout.write("文档已是最新。")
