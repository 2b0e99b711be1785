"""``manage.py audit_verify`` finds tampering done behind the application's back (the issue's
acceptance): a changed row, a deleted row, two swapped rows; an intact chain verifies."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jigai.audit import triggers
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_chain_check

Tamper = Callable[[], AbstractContextManager[Any]]


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def _verify_fails() -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode == 1  # manage.py exits with status 1
    return caught.value


def _last_verification() -> AuditEvent:
    return AuditEvent.objects.filter(action="audit.verify").order_by("-seq").first()  # type: ignore[return-value]


def test_an_intact_chain_verifies(chain: list[AuditEvent]) -> None:
    output = _verify()
    assert "审计链完整：共 5 条事件" in output
    assert f"最后一条事件：#5，哈希 {chain[-1].hash}" in output
    recorded = _last_verification()
    assert recorded.outcome == Outcome.SUCCESS
    assert recorded.channel == "cli"
    assert recorded.message.startswith("审计链完整：共 5 条事件")
    # The verification's own event is part of the chain, which is still whole.
    assert "审计链完整：共 6 条事件" in _verify()


def test_an_empty_chain_verifies(db: None) -> None:
    assert "审计链完整：共 0 条事件" in _verify()


def test_a_row_changed_with_raw_sql_is_reported_as_changed(
    chain: list[AuditEvent], behind_the_back: Tamper
) -> None:
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE seq = %s", ["改过的说明", 3])
    error = _verify_fails()
    assert str(error) == (
        f"审计链断裂：事件 #3（ID {chain[2].pk}，被修改）：事件 #3 的内容与其哈希不符：该事件被修改。"
    )
    recorded = _last_verification()
    assert recorded.outcome == Outcome.FAILURE
    assert recorded.message.startswith("审计链断裂：事件 #3")


def test_a_changed_outcome_is_caught_too(chain: list[AuditEvent], behind_the_back: Tamper) -> None:
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET outcome = %s WHERE seq = %s", ["denied", 5])
    assert "事件 #5（ID" in str(_verify_fails())


def test_a_deleted_row_is_reported_as_deleted(chain: list[AuditEvent], behind_the_back: Tamper) -> None:
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    error = _verify_fails()
    assert str(error) == (
        f"审计链断裂：事件 #3（ID {chain[2].pk}，被删除）：事件 #3 之前的事件 #2 已不存在：事件被删除。"
    )
    report = audit_chain_check()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.expected_seq, report.checked) == ("deleted", 2, 1)


def test_swapped_rows_are_reported_as_moved(chain: list[AuditEvent], behind_the_back: Tamper) -> None:
    second, fourth = (AuditEvent.objects.filter(pk=e.pk).values().get() for e in (chain[1], chain[3]))
    contents = (
        {name: value for name, value in second.items() if name != "id"},
        {name: value for name, value in fourth.items() if name != "id"},
    )
    with behind_the_back():
        # Every column but the id changes place; seq is unique, so one row steps aside first.
        AuditEvent.objects.filter(pk=second["id"]).update(seq=-1)
        AuditEvent.objects.filter(pk=fourth["id"]).update(**contents[0])
        AuditEvent.objects.filter(pk=second["id"]).update(**contents[1])
    assert AuditEvent.objects.get(pk=chain[1].pk).seq == 4
    error = _verify_fails()
    assert str(error) == (
        f"审计链断裂：事件 #4（ID {chain[1].pk}，被移动）：事件 #4 出现在事件 #2 的位置：事件被移动或调换。"
    )


def test_a_rewritten_row_with_a_recomputed_hash_is_caught_at_the_next_link(
    chain: list[AuditEvent], behind_the_back: Tamper
) -> None:
    from jigai.audit.chain import HASHED_FIELDS, event_hash

    row = AuditEvent.objects.filter(seq=2).values("id", *HASHED_FIELDS).get()
    row["message"] = "伪造的说明"
    with behind_the_back() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET message = %s, hash = %s WHERE id = %s",
            [row["message"], event_hash(row), row["id"]],
        )
    error = _verify_fails()
    assert f"事件 #3（ID {chain[2].pk}，被修改）" in str(error)
    assert "未链接到前一事件" in str(error)


def test_missing_triggers_are_warned_about(chain: list[AuditEvent]) -> None:
    triggers.drop()
    err = StringIO()
    call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert "只追加保护（触发器）缺失" in err.getvalue()
    triggers.install()


def test_small_batches_read_the_whole_chain(chain: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit_verify", "--batch-size", "2", stdout=out)
    assert "审计链完整：共 5 条事件" in out.getvalue()
