"""Keeping the database's query statistics current: ``PRAGMA optimize`` on SQLite.

SQLite has no automatic statistics: its planner reads what the last ``ANALYZE`` left in
``sqlite_stat1``, and after a large import (or with no statistics at all) it may walk the wrong
index or sort a whole table before the first page. :func:`database_optimize` runs

* on SQLite, ``PRAGMA optimize`` over every table (``=0x10002``, SQLite 3.46 and newer). Older
  SQLite libraries (Python's own is often 3.40) only consider tables the current connection has
  queried, so there the same rule is applied here: a table is analysed when it has no statistics
  or its row count differs tenfold from the one recorded (SQLite's own threshold); the analysis is
  bounded (``PRAGMA analysis_limit``) so a run stays short on a large database;
* on PostgreSQL, nothing by default (autovacuum keeps the statistics), and ``ANALYZE`` after a
  bulk write (``after_bulk_write=True``), before autovacuum has caught up.

It runs after the demo generator's bulk writes (``seed_demo``, ``setup_demo``), on a schedule
through ``manage.py db_optimize`` (daily; see docs/operations.md), and as the task
:func:`jigai.core.tasks.database_optimize_task` for code that makes a large write in a request.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from django.db import connections

#: rows each index's analysis looks at, at most (SQLite's recommended bound for optimize)
ANALYSIS_LIMIT = 1000
#: a table whose row count is this many times larger or smaller than recorded is analysed again
STALE_FACTOR = 10
_OPTIMIZE_ALL_TABLES = (3, 46, 0)


@dataclass
class OptimizeResult:
    vendor: str
    statements: list[str] = field(default_factory=list)
    analysed: list[str] = field(default_factory=list)  # tables chosen here (older SQLite)

    def summary(self) -> str:
        if not self.statements:
            return f"{self.vendor}: nothing to do"
        tables = f" ({', '.join(self.analysed)})" if self.analysed else ""
        return f"{self.vendor}: " + "; ".join(self.statements) + tables


def database_optimize(*, using: str = "default", after_bulk_write: bool = False) -> OptimizeResult:
    """Bring the planner's statistics up to date on the database ``using``."""
    connection = connections[using]
    result = OptimizeResult(vendor=connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            if sqlite3.sqlite_version_info >= _OPTIMIZE_ALL_TABLES:
                result.statements.append("PRAGMA optimize=0x10002")
            else:
                result.analysed = _stale_sqlite_tables(cursor)
                result.statements += [f'ANALYZE "{table}"' for table in result.analysed]
                result.statements.append("PRAGMA optimize")
        elif connection.vendor == "postgresql" and after_bulk_write:
            result.statements.append("ANALYZE")
        for statement in result.statements:
            cursor.execute(statement)
    return result


def _stale_sqlite_tables(cursor: object) -> list[str]:
    """Tables without statistics, or whose row count is STALE_FACTOR times off the recorded one."""
    execute = cursor.execute  # type: ignore[attr-defined]
    tables = [
        row[0]
        for row in execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    recorded: dict[str, int] = {}
    if execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").fetchone():
        for table, stat in execute("SELECT tbl, stat FROM sqlite_stat1").fetchall():
            rows = int(str(stat).split()[0]) if stat else 0
            recorded[table] = max(recorded.get(table, 0), rows)
    stale = []
    for table in tables:
        count = execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - names from sqlite_schema
        known = recorded.get(table)
        if known is None:
            if count:
                stale.append(table)
        elif max(count, 1) >= STALE_FACTOR * max(known, 1) or max(known, 1) >= STALE_FACTOR * max(count, 1):
            stale.append(table)
    return stale
