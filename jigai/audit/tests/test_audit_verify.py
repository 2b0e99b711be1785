"""``manage.py audit_verify`` finds tampering done behind the application's back (the issue's
acceptance): a changed row, a deleted row, two swapped rows, the newest rows deleted, a row rewritten
with every later hash recomputed by the platform's own unkeyed function; an intact chain verifies."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jigai.audit import keys, triggers
from jigai.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_chain_check, audit_record

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


def test_a_rewritten_row_with_a_recomputed_unkeyed_hash_is_caught_at_that_row(
    chain: list[AuditEvent], behind_the_back: Tamper
) -> None:
    row = AuditEvent.objects.filter(seq=2).values("id", "key_id", *HASHED_FIELDS).get()
    row["message"] = "伪造的说明"
    with behind_the_back() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET message = %s, hash = %s WHERE id = %s",
            [row["message"], event_hash(row), row["id"]],
        )
    error = _verify_fails()
    assert str(error) == (
        f"审计链断裂：事件 #2（ID {chain[1].pk}，被修改）：事件 #2 的内容与其哈希不符：该事件被修改。"
    )


def _rewrite_from(seq: int, *, message: str, drop_key: bool, cursor: Any) -> None:
    """An attacker with the database but not the key: change event ``seq``'s message, then
    recompute its hash and every later one with the platform's own (unkeyed) SM3 function."""
    prev = AuditEvent.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or GENESIS_HASH
    for row in AuditEvent.objects.filter(seq__gte=seq).order_by("seq").values("id", "key_id", *HASHED_FIELDS):
        if row["seq"] == seq:
            row["message"] = message
        if drop_key:
            row["key_id"] = ""
        row["prev_hash"] = prev
        prev = event_hash(row)
        cursor.execute(
            "UPDATE audit_auditevent SET message = %s, key_id = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [row["message"], row["key_id"], row["prev_hash"], prev, row["id"]],
        )


@pytest.mark.parametrize("drop_key", [False, True])
def test_an_event_rewritten_with_every_later_hash_recomputed_is_detected(
    chain: list[AuditEvent], behind_the_back: Tamper, drop_key: bool
) -> None:
    with behind_the_back() as cursor:
        _rewrite_from(3, message="伪造的说明", drop_key=drop_key, cursor=cursor)
    error = str(_verify_fails())
    assert error.startswith(f"审计链断裂：事件 #3（ID {chain[2].pk}，被修改）")
    if drop_key:  # relabelled as an old, unkeyed event: it stands after signed ones
        assert "没有密钥签名，却位于已签名的事件之后" in error


def test_the_whole_chain_rewritten_without_keys_is_caught_by_the_checkpoint(
    chain: list[AuditEvent], behind_the_back: Tamper, audit_checkpoint_file: Any
) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    with behind_the_back() as cursor:
        _rewrite_from(1, message="伪造的说明", drop_key=True, cursor=cursor)
    assert audit_chain_check(use_checkpoints=False).ok  # the chain alone looks whole
    error = str(_verify_fails())
    assert error.startswith(f"审计链断裂：事件 #5（ID {chain[4].pk}，被重算）：事件 #5 的哈希与检查点")
    assert "事件 #1 至 #5 之间的事件被改写" in error


def test_the_newest_events_deleted_with_the_triggers_dropped_are_named(
    chain: list[AuditEvent], behind_the_back: Tamper, audit_checkpoint_file: Any
) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    assert audit_chain_check(use_checkpoints=False).ok  # a shorter chain is still whole
    report = audit_chain_check()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.expected_seq) == ("truncated", 4)
    error = str(_verify_fails())
    assert error.startswith(f"审计链断裂：事件 #3（ID {chain[2].pk}，被截断）")
    assert "数据库中的审计链只到 #3：事件 #4 至 #5 被删除。" in error


def test_a_changed_checkpoint_line_is_named(chain: list[AuditEvent], audit_checkpoint_file: Any) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    audit_record(actor=None, action="test.six")
    call_command("audit_checkpoint", stdout=StringIO())
    lines = audit_checkpoint_file.read_text().splitlines()
    forged = json.loads(lines[1])
    forged["seq"] = 3  # pretend the chain was shorter
    lines[1] = json.dumps(forged)
    audit_checkpoint_file.write_text("\n".join(lines) + "\n")
    error = str(_verify_fails())
    assert error == "审计检查点不可信：审计检查点文件第 2 行：签名不符，检查点被改动。"


def test_checkpoints_follow_the_chain_and_verify(chain: list[AuditEvent], audit_checkpoint_file: Any) -> None:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert f"已写入检查点：5 条事件，最新事件 #5，哈希 {chain[-1].hash}" in out.getvalue()
    audit_record(actor=None, action="test.six")
    call_command("audit_checkpoint", stdout=StringIO())
    entries = [json.loads(line) for line in audit_checkpoint_file.read_text().splitlines()]
    assert [(e["kind"], e["seq"], e["count"]) for e in entries] == [
        ("checkpoint", 5, 5),
        ("checkpoint", 6, 6),
    ]
    assert all(len(e["mac"]) == 64 and e["key_id"] for e in entries)
    assert "审计链完整：共 6 条事件" in _verify()


def test_no_checkpoint_is_written_over_a_broken_chain(
    chain: list[AuditEvent], behind_the_back: Tamper, audit_checkpoint_file: Any
) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    audit_record(actor=None, action="test.six")
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE seq = %s", ["改过", 6])
    with pytest.raises(CommandError, match="未写入检查点：事件 #6 的内容与其哈希不符"):
        call_command("audit_checkpoint", stdout=StringIO())
    assert len(audit_checkpoint_file.read_text().splitlines()) == 1


def test_events_from_before_the_chain_was_keyed_still_verify(db: None, behind_the_back: Tamper) -> None:
    """Events written by the unkeyed scheme (empty key_id) verify; keyed ones follow them."""
    old = [audit_record(actor=None, action=f"test.old{n}") for n in range(2)]
    prev = GENESIS_HASH
    with behind_the_back() as cursor:
        for event in old:
            row = AuditEvent.objects.filter(pk=event.pk).values("id", *HASHED_FIELDS).get()
            row["prev_hash"] = prev
            prev = event_hash(row)
            cursor.execute(
                "UPDATE audit_auditevent SET key_id = '', prev_hash = %s, hash = %s WHERE id = %s",
                [row["prev_hash"], prev, event.pk],
            )
    new = audit_record(actor=None, action="test.new")
    assert new.key_id and new.prev_hash == prev
    assert "审计链完整：共 3 条事件" in _verify()


def test_a_rotated_key_signs_new_events_and_old_ones_still_verify(
    chain: list[AuditEvent], settings: Any
) -> None:
    before = chain[0].key_id
    out = StringIO()
    call_command("audit_key_rotate", stdout=out)
    rotation = AuditEvent.objects.get(action="audit.key_rotate")
    assert rotation.key_id != before
    assert rotation.changes == {"key_id": {"before": before, "after": rotation.key_id}}
    assert f"{before} → {rotation.key_id}" in out.getvalue()
    assert audit_record(actor=None, action="test.after").key_id == rotation.key_id
    assert "审计链完整：共 7 条事件" in _verify()
    # Without the old key the old events can no longer be vouched for.
    ring = keys.keyring()
    settings.JIGAI_AUDIT_KEYS = f"{rotation.key_id}:{ring.keys[rotation.key_id].hex()}"
    error = str(_verify_fails())
    assert f"事件 #1 的签名密钥“{before}”不在配置的密钥中" in error


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


def test_after_a_restore_the_operator_acknowledges_the_gap_and_checkpoints_resume(
    chain: list[AuditEvent], behind_the_back: Tamper, audit_checkpoint_file: Any
) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    with behind_the_back() as cursor:  # as a restore from an older backup leaves it
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    with pytest.raises(CommandError, match="未写入检查点"):
        call_command("audit_checkpoint", stdout=StringIO())
    call_command("audit_checkpoint", "--after-restore", "事件报告 2026-07", stdout=StringIO())
    restore = AuditEvent.objects.get(action="audit.restore")
    assert restore.message == "事件报告 2026-07"
    assert restore.changes == {"head_seq": 3, "checkpointed_seq": 5}
    assert "审计链完整" in _verify()
    kinds = [json.loads(line)["kind"] for line in audit_checkpoint_file.read_text().splitlines()]
    assert kinds == ["checkpoint", "restore", "checkpoint"]
