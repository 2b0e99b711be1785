"""``audit_transactional_db`` lets pytest-django flush the audit table and puts the triggers back."""

from __future__ import annotations

from typing import Any

import pytest

from jigai.audit import triggers
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record


def test_a_transactional_test_commits_audit_events(audit_transactional_db: None) -> None:
    audit_record(actor=None, action="test.committed")
    assert triggers.installed()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_next_test_finds_an_empty_table_with_its_triggers() -> None:
    assert AuditEvent.objects.count() == 0
    assert triggers.installed()


@pytest.mark.django_db(transaction=True)
def test_the_marker_works_with_the_fixture_as_well(audit_transactional_db: None) -> None:
    audit_record(actor=None, action="test.committed")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_and_after_that_too() -> None:
    assert AuditEvent.objects.count() == 0
    assert triggers.installed()


def test_a_live_server_test_works_with_the_fixture(live_server: Any, audit_transactional_db: None) -> None:
    """pytest-django sets the database up for ``live_server`` before this fixture; the flush that
    ends the test must still be allowed to empty the audit table."""
    import httpx

    from jigai.accounts.choices import Role
    from jigai.accounts.services import api_token_create
    from jigai.core.testing.factories import user_for_role

    _, raw = api_token_create(actor=user_for_role(Role.SYSADMIN), name="测试")
    response = httpx.get(f"{live_server.url}/api/v1/audit/events", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied", action="audit.read").count() == 1


@pytest.mark.django_db
def test_and_after_the_live_server_too() -> None:
    assert AuditEvent.objects.count() == 0
    assert triggers.installed()
