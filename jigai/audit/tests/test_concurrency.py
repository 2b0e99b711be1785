"""Writers in parallel never fork the chain: 8 threads × 25 events, then one whole chain."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_chain_check, audit_record

THREADS = 8
EVENTS_PER_THREAD = 25


@contextmanager
def threads_database(tmp_path: Path) -> Iterator[None]:
    """The database the worker threads use.

    PostgreSQL, or SQLite in a file: the test database itself. pytest-django's SQLite test
    database is in memory with a shared cache, where a second writer gets "database table is
    locked" at once instead of waiting on the busy timeout as it does on the WAL file database the
    platform runs on. There the test database is copied to a file that the threads use until the
    block ends; the main thread's connection keeps the in-memory database and must not be used
    inside the block (the checks run in a thread too).
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    path = tmp_path / "audit-threads.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    settings_dicts = {id(d): d for d in (connection.settings_dict, connections.settings[DEFAULT_DB_ALIAS])}
    original = connection.settings_dict["NAME"]
    for settings_dict in settings_dicts.values():
        settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        for settings_dict in settings_dicts.values():
            settings_dict["NAME"] = original


def in_threads(target: Callable[[int], Any], count: int) -> list[Any]:
    """Run ``target(i)`` in ``count`` threads started together; each closes its connections."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_parallel_writers_make_one_chain(audit_transactional_db: None, tmp_path: Path) -> None:
    def write(i: int) -> int:
        for n in range(EVENTS_PER_THREAD):
            audit_record(actor=None, username=f"worker{i}", action="test.concurrent", object_id=f"{i}-{n}")
        return EVENTS_PER_THREAD

    def check(_: int) -> dict[str, Any]:
        seqs = list(AuditEvent.objects.order_by("id").values_list("seq", flat=True))
        report = audit_chain_check()
        return {
            "seqs": seqs,
            "report": report,
            "objects": set(AuditEvent.objects.values_list("object_id", flat=True)),
        }

    with threads_database(tmp_path):
        written = in_threads(write, THREADS)
        assert written == [EVENTS_PER_THREAD] * THREADS, written
        (result,) = in_threads(check, 1)
    assert not isinstance(result, Exception), result
    total = THREADS * EVENTS_PER_THREAD
    assert result["seqs"] == list(range(1, total + 1))
    assert result["report"].ok, result["report"].problem
    assert result["report"].checked == total
    assert len(result["objects"]) == total
