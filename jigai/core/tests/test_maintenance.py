"""jigai.core.maintenance: PRAGMA optimize on SQLite (with the stale-table rule where the SQLite
library is older than 3.46), ANALYZE on PostgreSQL after a bulk write, as a task and a command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from jigai.core import maintenance
from jigai.core.maintenance import database_optimize
from jigai.core.tasks import database_optimize_task
from jigai.core.testing.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite statistics")


def recorded_rows(table: str) -> int | None:
    with connection.cursor() as cursor:
        rows = cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table]).fetchall()
    return max(int(stat.split()[0]) for (stat,) in rows) if rows else None


@sqlite_only
def test_sqlite_tables_without_statistics_or_tenfold_off_are_analysed(monkeypatch):
    monkeypatch.setattr(maintenance, "_OPTIMIZE_ALL_TABLES", (99, 0, 0))  # the rule applied here
    EnterpriseFactory.create()
    first = database_optimize()
    assert "enterprises_enterprise" in first.analysed
    assert first.statements[-1] == "PRAGMA optimize"
    assert recorded_rows("enterprises_enterprise") == 1

    again = database_optimize()  # nothing changed: nothing to analyse
    assert "enterprises_enterprise" not in again.analysed

    for _ in range(10):
        EnterpriseFactory.create()
    grown = database_optimize()  # 11 rows against 1 recorded
    assert "enterprises_enterprise" in grown.analysed
    assert recorded_rows("enterprises_enterprise") == 11


@sqlite_only
def test_sqlite_3_46_and_newer_let_sqlite_choose_over_all_tables(monkeypatch):
    monkeypatch.setattr(maintenance, "_OPTIMIZE_ALL_TABLES", (0, 0, 0))
    result = database_optimize()
    assert result.statements == ["PRAGMA optimize=0x10002"] and result.analysed == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")
def test_postgresql_analyses_after_a_bulk_write_only():
    assert database_optimize().statements == []
    assert database_optimize(after_bulk_write=True).statements == ["ANALYZE"]


def test_the_task_and_the_command_run_it():
    result = database_optimize_task.enqueue(after_bulk_write=True)  # immediate backend in tests
    assert (result.return_value or "").startswith(connection.vendor)
    out = StringIO()
    call_command("db_optimize", stdout=out)
    assert out.getvalue().startswith(connection.vendor)
    out = StringIO()
    call_command("db_optimize", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued: ")
