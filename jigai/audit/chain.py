"""The keyed SM3 hash chain over audit events.

Each event's hash is HMAC-SM3 (SM3: GB/T 32905-2016) with a key kept outside the database
(:mod:`jigai.audit.keys`) over the canonical JSON of its recorded fields, the id of that key and
the previous event's hash. Changing, deleting or reordering any stored row breaks the chain at that
row, and :func:`verify_chain` names the first event that no longer fits; without the key nobody can
recompute a valid chain after changing a row.

Events written before the chain was keyed have an empty ``key_id`` and a plain SM3 hash
(:func:`event_hash`); they verify as before, but only before the first keyed event: an unkeyed
event after a keyed one is a forgery. Removing events from the end of the chain, or rewriting the
whole chain with unkeyed hashes, is caught against the keyed checkpoints kept outside the database
(:mod:`jigai.audit.checkpoints`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from hmac import compare_digest
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac

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


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


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
    key_id = fields.get("key_id") or ""
    if key_id:  # keyed events name their key; unkeyed (older) events keep their original form
        payload["key_id"] = str(key_id)
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
    """The unkeyed SM3 hash (events written before the chain was keyed)."""
    return sm3_hex(canonical_bytes(fields))


def event_mac(fields: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SM3 of the event with ``key`` (the key named by ``fields["key_id"]``)."""
    return hmac_sm3_hex(key, canonical_bytes(fields))


def event_intact(row: Mapping[str, Any], keys: Mapping[str, bytes]) -> bool:
    """Whether the row's content matches its stored hash (keyed or, for old events, unkeyed)."""
    try:
        key_id = row.get("key_id") or ""
        if key_id:
            key = keys.get(key_id)
            if key is None:
                return False
            return compare_digest(event_mac(row, key), str(row["hash"]))
        return bool(event_hash(row) == row["hash"])
    except (TypeError, ValueError):  # a value no event can hold was written into the row
        return False


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
    rows: Iterable[Mapping[str, Any]],
    seq_exists: Callable[[int], bool] | None = None,
    *,
    keys: Mapping[str, bytes] | None = None,
    start_seq: int = 1,
    start_prev: str = GENESIS_HASH,
) -> ChainReport:
    """Check rows in the order they were stored (ascending ``id``); stop at the first break.

    * a row whose own hash does not match its content (with the key it names) was **changed**;
      so was an unkeyed row after a keyed one (someone rewrote it with the unkeyed function);
    * a row whose ``seq`` is not the next one, when the missing ``seq`` is nowhere in the table
      (``seq_exists`` answers that; without it a gap counts as a deletion), follows **deleted** rows;
    * a row that is intact but stands in the wrong place (its ``seq`` belongs elsewhere, as when
      two rows' contents are swapped) was **moved**;
    * a row that is intact and in its place but does not link to the row before it means one of
      the two was rewritten with a recomputed hash: reported as **changed**.

    ``start_seq``/``start_prev`` are where the chain begins: event #1 after the genesis hash, or,
    after a retention purge, the first kept event and the hash of the last purged one.
    ``rows`` is consumed once, so it may be a server-side iterator over millions of rows.
    """
    keys = keys or {}
    expected_prev = start_prev
    expected_seq = start_seq
    checked = 0
    keyed_seen = False

    def broken(seq: int, event_id: int, kind: str, message: str) -> ChainReport:
        problem = ChainProblem(seq, event_id, kind, message, expected_seq)
        return ChainReport(checked, problem, expected_seq - 1, expected_prev)

    for row in rows:
        seq = int(row["seq"])
        event_id = int(row["id"])
        key_id = row.get("key_id") or ""
        if key_id and key_id not in keys:
            return broken(
                seq,
                event_id,
                "changed",
                f"事件 #{seq} 的签名密钥“{key_id}”不在配置的密钥中：无法证明其未被改写。",
            )
        if not event_intact(row, keys):
            return broken(seq, event_id, "changed", f"事件 #{seq} 的内容与其哈希不符：该事件被修改。")
        if keyed_seen and not key_id:
            return broken(
                seq,
                event_id,
                "changed",
                f"事件 #{seq} 没有密钥签名，却位于已签名的事件之后：该事件被改写并用无密钥的哈希重算。",
            )
        keyed_seen = keyed_seen or bool(key_id)
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
