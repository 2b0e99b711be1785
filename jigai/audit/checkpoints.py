"""Keyed checkpoints of the audit chain, kept outside the database.

A chain verified only against itself cannot show that its newest events were removed (a shorter
chain is still whole), nor that someone who held the signing key rewrote it. So, periodically
(``manage.py audit_checkpoint`` from cron or a systemd timer, every few minutes), the platform
appends one JSON line to ``JIGAI_AUDIT_CHECKPOINT_FILE`` — a file on another volume than the
database, ideally append-only (``chattr +a``) or shipped to the system log — holding the count of
events, the newest event's seq and hash, and an HMAC-SM3 of the line with the audit key. The same
line is logged on the ``jigai.audit.checkpoint`` logger (route it to syslog/journald for a second
copy). ``audit_verify`` compares the database against the file:

* the newest checkpoint names a seq the database no longer has → **truncated**;
* a checkpoint's hash differs from the stored event's → the chain was **recomputed** from an
  earlier event on (the first checkpoint that differs bounds where);
* a line whose MAC does not match → the **checkpoint** file itself was changed.

A retention purge (:mod:`jigai.audit.retention`) writes a ``purge`` line: the hash of the last
purged event, which the first kept event must link to. Before a checkpoint is written, the events
added since the previous one are verified, so a checkpoint never vouches for a broken chain.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hmac import compare_digest
from pathlib import Path
from typing import Any

from django.conf import settings

from jigai.audit import keys as audit_keys
from jigai.audit.chain import GENESIS_HASH, hmac_sm3_hex

logger = logging.getLogger("jigai.audit.checkpoint")

CHECKPOINT = "checkpoint"
PURGE = "purge"
#: after a database restore from backup, the operator acknowledges (audited, with a reason) that
#: the events after the backup are gone: checkpoints before this line no longer apply
RESTORE = "restore"
_SIGNED_FIELDS = ("kind", "at", "seq", "hash", "count", "first_seq", "key_id")


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted or written."""


@dataclass(frozen=True)
class Checkpoint:
    kind: str  # CHECKPOINT or PURGE
    at: str  # ISO time in UTC
    seq: int  # checkpoint: the newest event; purge: the last purged event
    hash: str  # that event's hash
    count: int  # checkpoint: events in the database; purge: events purged
    first_seq: int  # the oldest event kept in the database at that time
    key_id: str
    line: int = 0  # line number in the file (1-based), for messages

    def signed_payload(self) -> bytes:
        data = {name: getattr(self, name) for name in _SIGNED_FIELDS}
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class CheckpointFile:
    entries: list[Checkpoint] = field(default_factory=list)
    #: (line number, why) of the first line that is not a valid, correctly signed checkpoint
    bad_line: tuple[int, str] | None = None

    @property
    def current(self) -> list[Checkpoint]:
        """The entries since the last acknowledged restore (all of them if there was none)."""
        starts = [i for i, e in enumerate(self.entries) if e.kind == RESTORE]
        return self.entries[starts[-1] :] if starts else list(self.entries)

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return [e for e in self.current if e.kind == CHECKPOINT]

    @property
    def last_purge(self) -> Checkpoint | None:
        purges = [e for e in self.entries if e.kind == PURGE]
        return purges[-1] if purges else None

    def anchor(self) -> tuple[int, str]:
        """Where the chain in the database begins: (first seq, the hash it links to)."""
        purge = self.last_purge
        if purge is None:
            return 1, GENESIS_HASH
        return purge.seq + 1, purge.hash


def checkpoint_path() -> Path | None:
    value = getattr(settings, "JIGAI_AUDIT_CHECKPOINT_FILE", "")
    return Path(value) if value else None


def _mac(entry: Checkpoint, key: bytes) -> str:
    return hmac_sm3_hex(key, entry.signed_payload())


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                yield number, text


def read_checkpoints(path: Path | None = None) -> CheckpointFile:
    """Every line of the checkpoint file, each MAC checked; stops at the first bad line."""
    path = path or checkpoint_path()
    result = CheckpointFile()
    if path is None or not path.exists():
        return result
    ring = audit_keys.keyring()
    for number, text in _lines(path):
        try:
            data: dict[str, Any] = json.loads(text)
            entry = Checkpoint(
                kind=str(data["kind"]),
                at=str(data["at"]),
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                count=int(data["count"]),
                first_seq=int(data["first_seq"]),
                key_id=str(data["key_id"]),
                line=number,
            )
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError):
            result.bad_line = (number, "不是有效的检查点记录")
            return result
        key = ring.keys.get(entry.key_id)
        if key is None:
            result.bad_line = (number, f"签名密钥“{entry.key_id}”不在配置的密钥中")
            return result
        if entry.kind not in (CHECKPOINT, PURGE, RESTORE) or not compare_digest(_mac(entry, key), mac):
            result.bad_line = (number, "签名不符，检查点被改动")
            return result
        result.entries.append(entry)
    return result


def append(entry_fields: dict[str, Any], path: Path | None = None) -> Checkpoint:
    """Sign and append one line (flushed to disk) and log it; returns the entry."""
    path = path or checkpoint_path()
    if path is None:
        raise CheckpointError("JIGAI_AUDIT_CHECKPOINT_FILE is not set")
    ring = audit_keys.keyring()
    entry = Checkpoint(
        at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), key_id=ring.current_id, **entry_fields
    )
    record = {name: getattr(entry, name) for name in _SIGNED_FIELDS}
    record["mac"] = _mac(entry, ring.current)
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit %s %s", entry.kind, text)
    return entry
