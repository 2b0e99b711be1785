"""The database itself refuses UPDATE and DELETE on the audit table (and TRUNCATE on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from jigai.audit import triggers
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_triggers_are_installed_by_the_migration() -> None:
    assert triggers.installed()


def test_orm_save_of_an_existing_event_is_refused() -> None:
    event = audit_record(actor=None, action="test.one", message="原文")
    event.message = "篡改"
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).message == "原文"


def test_orm_queryset_update_is_refused() -> None:
    audit_record(actor=None, action="test.one", message="原文")
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEvent.objects.update(message="篡改")
    assert list(AuditEvent.objects.values_list("message", flat=True)) == ["原文"]


def test_orm_delete_is_refused() -> None:
    event = audit_record(actor=None, action="test.one")
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_raw_sql_update_and_delete_are_refused() -> None:
    event = audit_record(actor=None, action="test.one", message="原文")
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET message = %s WHERE id = %s", ["篡改", event.pk])
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "原文"


def test_truncate_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE without WHERE is refused above)")
    audit_record(actor=None, action="test.one")
    with pytest.raises(IntegrityError, match="append-only: TRUNCATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_inserting_stays_allowed() -> None:
    audit_record(actor=None, action="test.one")
    audit_record(actor=None, action="test.two")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_drop_and_install_are_idempotent() -> None:
    triggers.drop()
    triggers.drop()
    assert not triggers.installed()
    event = audit_record(actor=None, action="test.one")
    AuditEvent.objects.filter(pk=event.pk).update(message="无触发器时可以修改")
    triggers.install()
    triggers.install()
    assert triggers.installed()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="再次修改")
