"""Fixtures shared by every app's tests."""

from __future__ import annotations

from typing import Any

import pytest

from jigai.accounts.choices import Role


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Every test starts with an empty cache: the sign-in throttles count failures per client
    address there, and the test client's address is always 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role_users(db):
    """One user per role (district roles in 浦东新区 310115), keyed by role value."""
    from jigai.core.testing.factories import user_for_role

    return {role: user_for_role(role) for role in Role.values}


@pytest.fixture
def other_district_users(db):
    """An enterprise user and a district officer in 徐汇区 310104, for negative scope tests."""
    from jigai.core.testing.factories import user_for_role

    return {
        Role.ENTERPRISE: user_for_role(Role.ENTERPRISE, district_code="310104"),
        Role.DISTRICT_OFFICER: user_for_role(Role.DISTRICT_OFFICER, district_code="310104"),
    }


def _reload_reference_data() -> None:
    """Load again the districts and industries that the reference migrations load.

    Why: a flush empties every table, the reference data too, and every later test (and the
    rest of a transactional one) expects the migrations' rows — a call's industry rule refers to
    them. The loaders are idempotent (``update_or_create``)."""
    import importlib

    from django.apps import apps

    for name in ("0002_load_reference_data", "0005_gbt4754_whole_and_english_names"):
        importlib.import_module(f"jigai.reference.migrations.{name}").load(apps, None)


# --- Audit trail: transactional tests and the append-only triggers (owner: jigai.audit) -------
@pytest.fixture
def audit_transactional_db(transactional_db: None, django_db_blocker: Any) -> None:
    """A transactional database (as ``transactional_db``) whose end-of-test flush is allowed to
    empty the audit table.

    Why: the database refuses UPDATE and DELETE on ``audit_auditevent`` (and TRUNCATE on
    PostgreSQL; see ``jigai/audit/triggers.py``). pytest-django ends every transactional test,
    and every ``live_server`` test, by flushing the database: DELETE on SQLite (refused as soon as
    the test wrote an audit event, which a sign-in does) and TRUNCATE on PostgreSQL (refused
    always, even on an empty table). So a test that needs real commits (threads, a live server,
    ``on_commit`` callbacks) requests this fixture instead of ``transactional_db`` or
    ``@pytest.mark.django_db(transaction=True)``; with ``live_server`` request both.

    How: the triggers stay in place for the whole test. Only the flush itself is wrapped: the
    triggers are dropped just before it and installed again just after it, so the next test finds
    them. Wrapping the flush of the test's connection (``connection.ops.execute_sql_flush``)
    rather than relying on the order fixtures are torn down keeps this correct when pytest-django
    sets the database up before this fixture (``live_server``, the ``django_db`` marker).
    """
    from django.db import connections

    from jigai.audit import triggers

    def lift_triggers_around_flush(conn: Any) -> None:
        flush = conn.ops.execute_sql_flush

        def execute_sql_flush(sql_list: list[str]) -> None:
            del conn.ops.execute_sql_flush  # this flush only
            triggers.drop(conn)
            try:
                flush(sql_list)
            finally:
                with django_db_blocker.unblock():
                    triggers.install(conn)
                    _reload_reference_data()

        conn.ops.execute_sql_flush = execute_sql_flush

    for alias in connections:
        conn = connections[alias]
        if "execute_sql_flush" not in vars(conn.ops):
            lift_triggers_around_flush(conn)


@pytest.fixture
def audit_checkpoint_file(settings: Any, tmp_path: Any) -> Any:
    """The audit checkpoint file for this test (off otherwise in the test settings)."""
    path = tmp_path / "audit-checkpoints.jsonl"
    settings.JIGAI_AUDIT_CHECKPOINT_FILE = str(path)
    return path
