"""Fixtures of the audit tests: a short chain and a way to tamper with it behind the app's back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection

from jigai.accounts.choices import Role
from jigai.audit import triggers
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record


@contextmanager
def _triggers_lifted() -> Iterator[Any]:
    """Drop the append-only triggers, hand out a raw cursor, install them again. Inside the test's
    transaction (the ``db`` fixture) the drop is rolled back with everything else anyway."""
    triggers.drop()
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        triggers.install()


@pytest.fixture
def behind_the_back() -> Callable[[], AbstractContextManager[Any]]:
    """``with behind_the_back() as cursor:`` raw SQL on the audit table with the triggers dropped."""
    return _triggers_lifted


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    """Five events, seq 1–5."""
    return [
        audit_record(
            actor=None, username=f"user{n}", action=f"test.step{n}", object_id=str(n), message=f"第 {n} 步"
        )
        for n in range(1, 6)
    ]


@pytest.fixture
def auditor(db: None) -> Any:
    from jigai.core.testing.factories import user_for_role

    return user_for_role(Role.AUDITOR, username="shenji")
