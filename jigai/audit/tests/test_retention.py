"""Retention: audit events are kept at least six months; the purge is the one sanctioned way to
remove older ones, refuses anything younger, is itself audited and checkpointed, and leaves a
chain that still verifies — and that still shows events removed from its start by anyone else."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jigai.audit import triggers
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_chain_check, audit_record

pytestmark = pytest.mark.django_db

Tamper = Callable[[], AbstractContextManager[Any]]


def _event_at(days_ago: int, action: str) -> AuditEvent:
    with mock.patch(
        "jigai.audit.services.timezone.now", return_value=timezone.now() - timedelta(days=days_ago)
    ):
        return audit_record(actor=None, action=action)


@pytest.fixture
def aged(audit_checkpoint_file: Any) -> list[AuditEvent]:
    """Events 8 and 7 months old, one 5 months old, one from today."""
    return [
        _event_at(240, "test.eight_months"),
        _event_at(210, "test.seven_months"),
        _event_at(150, "test.five_months"),
        _event_at(0, "test.today"),
    ]


def test_the_purge_removes_only_events_older_than_six_months(
    aged: list[AuditEvent], audit_checkpoint_file: Any
) -> None:
    out = StringIO()
    call_command("audit_purge", stdout=out)
    assert "已清理 2 条审计事件（至事件 #2）。" in out.getvalue()
    remaining = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert remaining == ["test.five_months", "test.today", "audit.purge"]  # the 5-month-old event stays
    purge = AuditEvent.objects.get(action="audit.purge")
    assert purge.changes["purged"] == 2
    assert purge.changes["first_seq"] == {"before": 1, "after": 3}
    assert purge.channel == "cli"
    assert triggers.installed()
    # The shortened chain verifies from the anchor in the checkpoint file, and a checkpoint follows.
    lines = audit_checkpoint_file.read_text().splitlines()
    assert '"kind":"purge"' in lines[-2] and '"seq":2' in lines[-2]
    assert '"kind":"checkpoint"' in lines[-1] and f'"seq":{purge.seq}' in lines[-1]
    assert audit_chain_check().ok
    call_command("audit_verify", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("days", [150, 182, 0])
def test_a_period_shorter_than_six_months_is_refused(aged: list[AuditEvent], days: int) -> None:
    with pytest.raises(CommandError, match="审计日志至少保存六个月（183 天）"):
        call_command("audit_purge", "--older-than-days", str(days), stdout=StringIO())
    assert AuditEvent.objects.count() == 4


def test_the_setting_cannot_shorten_the_legal_minimum(aged: list[AuditEvent], settings: Any) -> None:
    settings.JIGAI_AUDIT_RETENTION_DAYS = 30
    call_command("audit_purge", stdout=StringIO())
    assert AuditEvent.objects.filter(action="test.five_months").exists()


def test_a_longer_period_keeps_more(aged: list[AuditEvent]) -> None:
    call_command("audit_purge", "--older-than-days", "220", stdout=StringIO())
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[:3] == [
        "test.seven_months",
        "test.five_months",
        "test.today",
    ]


def test_a_dry_run_changes_nothing(aged: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit_purge", "--dry-run", stdout=out)
    assert "将清理 2 条审计事件（至事件 #2）。" in out.getvalue()
    assert AuditEvent.objects.count() == 4


def test_a_broken_chain_is_not_purged(aged: list[AuditEvent], behind_the_back: Tamper) -> None:
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE seq = %s", ["改过", 1])
    with pytest.raises(CommandError, match="审计链不完整，不能清理"):
        call_command("audit_purge", stdout=StringIO())
    assert AuditEvent.objects.count() == 4


def test_without_a_checkpoint_file_nothing_is_purged(aged: list[AuditEvent], settings: Any) -> None:
    settings.JIGAI_AUDIT_CHECKPOINT_FILE = ""
    with pytest.raises(CommandError, match="清理必须留下检查点"):
        call_command("audit_purge", stdout=StringIO())
    assert AuditEvent.objects.count() == 4


def test_events_removed_from_the_start_after_a_purge_are_still_detected(
    aged: list[AuditEvent], behind_the_back: Tamper
) -> None:
    call_command("audit_purge", stdout=StringIO())
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [3])  # the 5-month-old event
    report = audit_chain_check()
    assert report.problem is not None
    assert report.problem.kind == "deleted"
    assert report.problem.expected_seq == 3
