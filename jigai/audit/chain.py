"""The SM3 hash chain over audit events.

Each event's hash is SM3 (GB/T 32905-2016) over the canonical JSON of its recorded fields and the
previous event's hash. Changing, deleting or reordering any stored row breaks the chain at that
row, and :func:`verify_chain` names the first event that no longer fits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in the order they are documented (order does not matter for the
# canonical form, which sorts keys).
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "organisation_name",
    "role",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "outcome",
    "message",
    "ip_address",
    "request_id",
    "channel",
    "prev_hash",
)


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


#: fields stored as text: NULL and "" are the same value in the canonical form, so a database or a
#: later migration that turns one into the other does not break the chain
TEXT_FIELDS = frozenset(
    {
        "actor_username",
        "organisation_name",
        "role",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "outcome",
        "message",
        "ip_address",
        "request_id",
        "channel",
        "prev_hash",
    }
)


def _canonical_number(value: float) -> int | float:
    """A JSON number as PostgreSQL's jsonb gives it back: an integral float (``2.0``, ``1e16``)
    returns as an integer of the same decimal digits, so it is hashed as that integer."""
    exact = Decimal(repr(value))
    if exact == exact.to_integral_value():
        return int(exact)
    return value


def _canonical_json(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the usual cases, quickly
        return value
    if kind is dict:
        return {str(k): _canonical_json(v) for k, v in value.items()}
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _canonical_number(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_json(v) for v in value]
    raise TypeError(f"audit changes may hold only JSON values, not {type(value).__name__}")


_INTEGER_FIELDS = frozenset({"seq", "actor_id", "organisation_id"})


def _occurred_at(value: Any) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("occurred_at must be an aware datetime")
    # Both databases keep microseconds; the canonical form names every one of them.
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: every hashed field, keys sorted at every depth, UTF-8.

    The form is the same for an event about to be written and for the row read back from SQLite
    or PostgreSQL: jsonb reorders keys (sorted here) and writes integral floats as integers
    (:func:`_canonical_number`), datetimes are cut to microseconds by both databases (the form
    keeps microseconds, in UTC), and NULL and "" are one value in text columns.
    """
    payload: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = fields.get(name)
        if name in TEXT_FIELDS:
            payload[name] = "" if value is None else str(value)
        elif name in _INTEGER_FIELDS:
            payload[name] = None if value is None else int(value)
        elif name == "changes":
            payload[name] = _canonical_json(value if value is not None else {})
        else:  # occurred_at
            payload[name] = _occurred_at(value)
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def event_hash(fields: Mapping[str, Any]) -> str:
    return sm3_hex(canonical_bytes(fields))


@dataclass(frozen=True)
class ChainProblem:
    """The first event that no longer fits the chain."""

    seq: int  # the seq of the stored row where the break shows
    event_id: int  # that row's id
    kind: str  # "changed", "deleted", "moved"
    message: str
    #: the seq that should have stood at this place (the first missing one, for "deleted")
    expected_seq: int | None = None


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: ChainProblem | None
    #: the last intact link: operators may note it outside the platform (see audit_verify), since
    #: removing events from the end of the chain leaves a shorter chain that is still whole
    last_seq: int = 0
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(
    rows: Iterable[Mapping[str, Any]], seq_exists: Callable[[int], bool] | None = None
) -> ChainReport:
    """Check rows in the order they were stored (ascending ``id``); stop at the first break.

    * a row whose own hash does not match its content was **changed**;
    * a row whose ``seq`` is not the next one, when the missing ``seq`` is nowhere in the table
      (``seq_exists`` answers that; without it a gap counts as a deletion), follows **deleted** rows;
    * a row that is intact but stands in the wrong place (its ``seq`` belongs elsewhere, as when
      two rows' contents are swapped) was **moved**;
    * a row that is intact and in its place but does not link to the row before it means one of
      the two was rewritten with a recomputed hash: reported as **changed**.

    ``rows`` is consumed once, so it may be a server-side iterator over millions of rows.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0

    def broken(seq: int, event_id: int, kind: str, message: str) -> ChainReport:
        problem = ChainProblem(seq, event_id, kind, message, expected_seq)
        return ChainReport(checked, problem, expected_seq - 1, expected_prev)

    for row in rows:
        seq = int(row["seq"])
        event_id = int(row["id"])
        try:
            intact = event_hash(row) == row["hash"]
        except (TypeError, ValueError):  # a value no event can hold was written into the row
            intact = False
        if not intact:
            return broken(seq, event_id, "changed", f"事件 #{seq} 的内容与其哈希不符：该事件被修改。")
        if seq != expected_seq:
            if seq > expected_seq and (seq_exists is None or not seq_exists(expected_seq)):
                return broken(
                    seq, event_id, "deleted", f"事件 #{seq} 之前的事件 #{expected_seq} 已不存在：事件被删除。"
                )
            return broken(
                seq, event_id, "moved", f"事件 #{seq} 出现在事件 #{expected_seq} 的位置：事件被移动或调换。"
            )
        if row["prev_hash"] != expected_prev:
            return broken(
                seq,
                event_id,
                "changed",
                f"事件 #{seq} 未链接到前一事件：它或前一事件被改写并重新计算了哈希。",
            )
        expected_prev = str(row["hash"])
        expected_seq = seq + 1
        checked += 1
    return ChainReport(checked, None, expected_seq - 1, expected_prev)
