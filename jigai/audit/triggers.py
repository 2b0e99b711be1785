"""Database triggers that make the audit table append-only (等保 2.0 安全审计: 审计记录应受到保护).

The application only ever INSERTs audit events. These triggers make the database itself refuse
UPDATE and DELETE on ``audit_auditevent`` (and TRUNCATE on PostgreSQL), whoever sends them: the
ORM, a raw SQL console, a careless migration. The error is an integrity error on both databases,
with a message that contains ``append-only``.

The triggers do not stop someone who can drop them (the table's owner); the SM3 hash chain
(:mod:`jigai.audit.chain`) is what makes such tampering visible afterwards.

Installed by migration ``0002_append_only_triggers``. Keep in mind:

* on SQLite, a migration that *rebuilds* the table (most ``AlterField``/``RemoveField``
  operations) drops its triggers with the old table: such a migration must call :func:`install`
  again after the change. ``manage.py audit_verify`` warns when the triggers are missing.
* test flushes (pytest-django's transactional tests) delete every row; the fixture
  ``audit_transactional_db`` in ``jigai/conftest.py`` lifts the triggers for the flush only.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused (审计日志只能追加，不能修改)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused (审计日志只能追加，不能删除)'); END""",
]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]

# restrict_violation (SQLSTATE 23001) makes psycopg raise an IntegrityError, as SQLite's
# RAISE(ABORT) does, so callers and tests see the same exception class on both databases.
_PG_FUNCTION = f"{TABLE}_append_only"
_PG_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{TABLE} is append-only: % refused (审计日志只能追加，不能修改、删除或清空)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()""",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()",
]

#: trigger names per vendor, for :func:`installed`
_NAMES = {
    "sqlite": {f"{TABLE}_no_update", f"{TABLE}_no_delete"},
    "postgresql": {f"{TABLE}_no_update_delete", f"{TABLE}_no_truncate"},
}


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return list(_SQLITE_INSTALL)
    if vendor == "postgresql":
        return list(_PG_INSTALL)
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return list(_SQLITE_DROP)
    if vendor == "postgresql":
        return list(_PG_DROP)
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def _connection(connection: Any) -> Any:
    if connection is None:
        from django.db import connection as default_connection

        return default_connection
    return connection


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: Any = None) -> None:
    """Create the triggers (idempotent)."""
    connection = _connection(connection)
    _run(connection, install_sql(connection.vendor))


def drop(connection: Any = None) -> None:
    """Remove the triggers (idempotent). Only tests and migrations that rebuild the table do this."""
    connection = _connection(connection)
    _run(connection, drop_sql(connection.vendor))


def installed(connection: Any = None) -> bool:
    """Whether every append-only trigger is present on the audit table."""
    connection = _connection(connection)
    expected = _NAMES.get(connection.vendor)
    if expected is None:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
        found = {row[0] for row in cursor.fetchall()}
    return expected <= found
