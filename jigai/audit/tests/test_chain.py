"""The canonical form of an event hashes the same before it is written and after a round trip
through SQLite or PostgreSQL; ``verify_chain`` tells changed, deleted and moved events apart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest

from jigai.audit import keys
from jigai.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    canonical_bytes,
    event_hash,
    event_mac,
    verify_chain,
)
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_chain_check, audit_record

ROUND_TRIP_FIELDS = ("id", "hash", "key_id", *HASHED_FIELDS)


def _stored(event: AuditEvent) -> dict[str, Any]:
    return AuditEvent.objects.filter(pk=event.pk).values(*ROUND_TRIP_FIELDS).get()


def _keyed_hash(stored: dict[str, Any]) -> str:
    """The HMAC-SM3 of a stored event with the key it names."""
    assert stored["key_id"]
    return event_mac(stored, keys.keyring().keys[stored["key_id"]])


def _fields(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "seq": 1,
        "occurred_at": datetime(2026, 1, 20, 8, 0, 0, 123456, tzinfo=UTC),
        "actor_id": 7,
        "actor_username": "zhangsan",
        "organisation_id": 3,
        "organisation_name": "上海市经济和信息化委员会",
        "role": "municipal_officer",
        "action": "user.create",
        "object_type": "accounts.user",
        "object_id": "9",
        "object_repr": "李四",
        "changes": {"b": 1, "a": {"after": "x", "before": None}},
        "outcome": "success",
        "message": "",
        "ip_address": None,
        "request_id": "abc",
        "channel": "web",
        "prev_hash": GENESIS_HASH,
    }
    return {**base, **overrides}


# --- the canonical form -----------------------------------------------------------------------
def test_key_order_does_not_change_the_hash() -> None:
    a = _fields(changes={"b": {"y": 1, "x": 2}, "a": [1, {"d": 1, "c": 2}]})
    b = _fields(changes={"a": [1, {"c": 2, "d": 1}], "b": {"x": 2, "y": 1}})
    assert event_hash(a) == event_hash(b)


def test_list_order_does_change_the_hash() -> None:
    assert event_hash(_fields(changes={"a": [1, 2]})) != event_hash(_fields(changes={"a": [2, 1]}))


def test_null_and_empty_text_hash_alike_but_zero_does_not() -> None:
    assert event_hash(_fields(ip_address=None)) == event_hash(_fields(ip_address=""))
    assert event_hash(_fields(message=None)) == event_hash(_fields(message=""))
    assert event_hash(_fields(actor_id=None)) != event_hash(_fields(actor_id=0))


def test_integral_floats_hash_as_the_integers_jsonb_gives_back() -> None:
    as_written = _fields(changes={"n": 2.0, "big": 1e16, "huge": 1.2345678901234568e20, "f": 0.1})
    as_read_from_jsonb = _fields(
        changes={"n": 2, "big": 10000000000000000, "huge": 123456789012345680000, "f": 0.1}
    )
    assert event_hash(as_written) == event_hash(as_read_from_jsonb)
    assert event_hash(_fields(changes={"f": 0.1})) != event_hash(_fields(changes={"f": 0.2}))


def test_the_same_instant_in_another_time_zone_hashes_alike() -> None:
    from zoneinfo import ZoneInfo

    utc = datetime(2026, 1, 20, 8, 0, 0, 5, tzinfo=UTC)
    assert event_hash(_fields(occurred_at=utc)) == event_hash(
        _fields(occurred_at=utc.astimezone(ZoneInfo("Asia/Shanghai")))
    )
    assert b'"occurred_at":"2026-01-20T08:00:00.000005Z"' in canonical_bytes(_fields(occurred_at=utc))


def test_a_naive_time_cannot_be_hashed() -> None:
    with pytest.raises(ValueError, match="aware"):
        event_hash(_fields(occurred_at=datetime(2026, 1, 20, 8, 0)))


def test_every_hashed_field_counts() -> None:
    base = event_hash(_fields())
    for name, other in [
        ("seq", 2),
        ("actor_username", "lisi"),
        ("action", "user.delete"),
        ("outcome", "denied"),
        ("prev_hash", "1" * 64),
        ("changes", {}),
        ("occurred_at", datetime(2026, 1, 20, 8, 0, 0, 123457, tzinfo=UTC)),
    ]:
        assert event_hash(_fields(**{name: other})) != base, name


# --- round trip through the database -----------------------------------------------------------
AWKWARD_CHANGES: dict[Any, Any] = {
    "zeta": {"before": None, "after": ""},
    "amount": {"before": Decimal("1000000.10"), "after": Decimal("2.00")},
    "deadline": {"before": date(2026, 2, 4), "after": datetime(2026, 2, 4, 8, 0, 0, 999999, tzinfo=UTC)},
    "floats": [2.0, 1e16, 0.1, -0.0, 1.5e-10, 123.456],
    "nested": {"b": {"d": [True, False, None], "c": '中文，引号"与\\反斜杠'}, "a": 10**20},
    "tags": {"b", "a"},
    "nul": "a\x00b",
    "not_a_number": float("nan"),
    7: "integer key",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 1, 20, 7, 59, 59, 123456, tzinfo=UTC),
        datetime(2026, 1, 20, 8, 0, 0, 0, tzinfo=UTC),  # SQLite stores no fraction at all here
        datetime(2026, 1, 20, 8, 0, 0, 1, tzinfo=UTC),
    ],
)
def test_an_event_hashes_the_same_after_the_database_round_trip(instant: datetime) -> None:
    with mock.patch("jigai.audit.services.timezone.now", return_value=instant):
        event = audit_record(
            actor=None,
            username="访客",
            action="test.round_trip",
            object_repr="对象\x00名称",
            changes=AWKWARD_CHANGES,
            message="  前后空格  \n第二行",
        )
    stored = _stored(event)
    assert stored["occurred_at"] == instant
    assert stored["ip_address"] is None
    assert "\x00" not in stored["object_repr"]
    assert stored["changes"]["tags"] == ["a", "b"]
    assert stored["changes"]["not_a_number"] == "nan"
    assert stored["changes"]["7"] == "integer key"
    assert _keyed_hash(stored) == stored["hash"] == event.hash


@pytest.mark.django_db
def test_values_longer_than_their_columns_are_cut_before_hashing() -> None:
    event = audit_record(actor=None, action="x" * 200, object_id="9" * 100, username="u" * 300)
    stored = _stored(event)
    assert len(stored["action"]) == 80
    assert len(stored["object_id"]) == 64
    assert len(stored["actor_username"]) == 150
    assert _keyed_hash(stored) == stored["hash"]


@pytest.mark.django_db
def test_a_chain_of_awkward_events_verifies() -> None:
    for n in range(5):
        audit_record(actor=None, action=f"test.{n}", changes={**AWKWARD_CHANGES, "n": n})
    report = audit_chain_check(batch_size=2)  # several batches
    assert report.ok
    assert report.checked == 5
    assert report.last_seq == 5
    assert report.last_hash == AuditEvent.objects.get(seq=5).hash


# --- verify_chain on rows in memory --------------------------------------------------------------
def _chain(n: int) -> list[dict[str, Any]]:
    rows = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        row = _fields(seq=seq, prev_hash=prev, action=f"step.{seq}")
        row["hash"] = event_hash(row)
        row["id"] = seq * 10
        rows.append(row)
        prev = row["hash"]
    return rows


def test_an_intact_chain_verifies() -> None:
    report = verify_chain(_chain(4))
    assert report.ok
    assert report.checked == 4
    assert report.last_seq == 4
    assert verify_chain([]).ok


def test_a_changed_row_is_named() -> None:
    rows = _chain(4)
    rows[2]["message"] = "篡改"
    report = verify_chain(rows)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq, report.problem.event_id) == ("changed", 3, 30)
    assert report.checked == 2
    assert report.last_seq == 2


def test_a_deleted_row_is_named() -> None:
    rows = _chain(4)
    del rows[1]
    report = verify_chain(rows, seq_exists=lambda seq: False)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq, report.problem.expected_seq) == ("deleted", 3, 2)
    assert "事件 #2 已不存在" in report.problem.message


def test_the_first_row_deleted_is_named() -> None:
    report = verify_chain(_chain(3)[1:])
    assert report.problem is not None
    assert (report.problem.kind, report.problem.expected_seq) == ("deleted", 1)


def test_swapped_rows_are_moved_not_deleted() -> None:
    rows = _chain(4)
    rows[1], rows[2] = rows[2], rows[1]
    report = verify_chain(rows, seq_exists=lambda seq: seq in {1, 2, 3, 4})
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq, report.problem.expected_seq) == ("moved", 3, 2)


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_link_after_it() -> None:
    rows = _chain(4)
    rows[1]["message"] = "改写"
    rows[1]["hash"] = event_hash(rows[1])
    report = verify_chain(rows)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq) == ("changed", 3)
    assert "未链接到前一事件" in report.problem.message


def test_the_key_id_is_part_of_a_keyed_event_and_absent_from_an_unkeyed_one() -> None:
    assert b"key_id" not in canonical_bytes(_fields())
    assert b'"key_id":"k2"' in canonical_bytes(_fields(key_id="k2"))
    key = b"k" * 32
    assert event_mac(_fields(key_id="k1"), key) != event_mac(_fields(key_id="k2"), key)
    assert event_mac(_fields(key_id="k1"), key) != event_mac(_fields(key_id="k1"), b"x" * 32)


def test_verify_chain_needs_the_key_of_a_keyed_row() -> None:
    row = {**_fields(key_id="k1"), "id": 1}
    row["hash"] = event_mac(row, b"k" * 32)
    assert verify_chain([row], keys={"k1": b"k" * 32}).ok
    report = verify_chain([row], keys={"k1": b"x" * 32})
    assert report.problem is not None and report.problem.kind == "changed"
    report = verify_chain([row], keys={})
    assert report.problem is not None and "不在配置的密钥中" in report.problem.message
