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


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    payload = {name: _normalise(fields.get(name)) for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(fields: Mapping[str, Any]) -> str:
    return sm3_hex(canonical_bytes(fields))


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int
    kind: str  # "changed", "deleted", "moved"
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(
    rows: Iterable[Mapping[str, Any]], seq_exists: Callable[[int], bool] | None = None
) -> ChainReport:
    """Check rows in the order they were stored (ascending ``id``); stop at the first break.

    * a row whose own hash does not match its content was **changed**;
    * a row whose ``seq`` is not the next one, when the missing ``seq`` is nowhere in the table,
      follows **deleted** rows;
    * a row that is intact but stands in the wrong place (its ``seq`` is not the next one, or it
      does not link to the row stored before it) was **moved**.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for row in rows:
        seq = int(row["seq"])
        event_id = int(row["id"])
        if event_hash(row) != row["hash"]:
            return ChainReport(
                checked, ChainProblem(seq, event_id, "changed", f"事件 #{seq} 的内容与其哈希不符：该事件被修改。")
            )
        if seq != expected_seq:
            missing_elsewhere = seq > expected_seq and (seq_exists is None or not seq_exists(expected_seq))
            if missing_elsewhere:
                return ChainReport(
                    checked,
                    ChainProblem(
                        seq, event_id, "deleted", f"事件 #{seq} 之前的事件 #{expected_seq} 已不存在：事件被删除。"
                    ),
                )
            return ChainReport(
                checked,
                ChainProblem(
                    seq, event_id, "moved", f"事件 #{seq} 出现在事件 #{expected_seq} 的位置：事件被移动或调换。"
                ),
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                checked,
                ChainProblem(seq, event_id, "moved", f"事件 #{seq} 未链接到前一事件：链条被改动。"),
            )
        expected_prev = str(row["hash"])
        expected_seq = seq + 1
        checked += 1
    return ChainReport(checked, None)
