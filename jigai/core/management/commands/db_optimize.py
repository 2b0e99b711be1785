"""``manage.py db_optimize``: bring the database's query statistics up to date (``PRAGMA optimize``
on SQLite; ``ANALYZE`` on PostgreSQL with ``--after-bulk-write``). Run it daily from cron or a
systemd timer, and after a large import (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jigai.core.maintenance import database_optimize
from jigai.core.tasks import database_optimize_task


class Command(BaseCommand):
    help = "更新数据库的查询统计信息（SQLite：PRAGMA optimize；PostgreSQL：--after-bulk-write 时 ANALYZE）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after-bulk-write",
            action="store_true",
            help="刚完成大批量写入：PostgreSQL 上也立即 ANALYZE（平时由 autovacuum 负责）",
        )
        parser.add_argument("--enqueue", action="store_true", help="交给任务进程执行，不在此等待")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = database_optimize_task.enqueue(after_bulk_write=options["after_bulk_write"])
            self.stdout.write(f"queued: {result.id}")
            return
        self.stdout.write(database_optimize(after_bulk_write=options["after_bulk_write"]).summary())
