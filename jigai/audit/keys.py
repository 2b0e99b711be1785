"""The audit chain's keys (HMAC-SM3), kept outside the database.

Whoever can write to the database could recompute an unkeyed hash chain after changing an event;
with a key the database never holds, they cannot. Keys live in ``JIGAI_AUDIT_KEYS`` (environment:
``id:hex,id:hex``) or, when that is empty, in the file ``JIGAI_AUDIT_KEY_FILE`` (one ``id hex`` per
line, mode 0600; generated with one key on first use, like the demo's secret key). The **last** key
is the current one, which signs new events and checkpoints; earlier keys stay so that older events
still verify. ``manage.py audit_key_rotate`` appends a new key to the file.

Each event stores the id of the key that signed it (``AuditEvent.key_id``); events written before
keys existed have an empty ``key_id`` and keep their unkeyed SM3 hash.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_keys(text: str, *, separator: str) -> KeyRing:
    """``id hex`` entries (lines, or ``id:hex`` separated by commas); the last is current."""
    keys: dict[str, bytes] = {}
    current = ""
    for raw in text.split(separator):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, _sep, hex_key = entry.replace(":", " ", 1).partition(" ")
        key_id, hex_key = key_id.strip(), hex_key.strip()
        if not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(f"audit key id {key_id!r}: 1–16 letters, digits, - or _")
        try:
            key = bytes.fromhex(hex_key)
        except ValueError as exc:
            raise ImproperlyConfigured(f"audit key {key_id!r} is not hexadecimal") from exc
        if len(key) < 16:
            raise ImproperlyConfigured(f"audit key {key_id!r} is shorter than 128 bits")
        keys[key_id] = key
        current = key_id
    if not keys:
        raise ImproperlyConfigured("no audit key configured")
    return KeyRing(keys, current)


def _key_file() -> Path:
    return Path(settings.JIGAI_AUDIT_KEY_FILE)


def _new_entry(existing: set[str]) -> str:
    n = len(existing) + 1
    while f"k{n}" in existing:
        n += 1
    return f"k{n} {secrets.token_hex(KEY_BYTES)}\n"


def _ensure_file(path: Path) -> None:
    """Generate the file with one key, atomically: a process that reads it never sees it half
    written, and of two processes that start together one key wins."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# Jigai audit chain keys (HMAC-SM3): id hex; the last line is current\n")
        handle.write(_new_entry(set()))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        scratch.unlink()


_cache: tuple[tuple[str, int, int], KeyRing] | None = None


def keyring() -> KeyRing:
    """The configured keys (re-read when the key file changes, so a rotation is seen by every
    process without a restart)."""
    global _cache
    env = getattr(settings, "JIGAI_AUDIT_KEYS", "")
    if env:
        return parse_keys(env, separator=",")
    path = _key_file()
    _ensure_file(path)
    info = path.stat()
    stamp = (str(path), info.st_mtime_ns, info.st_size)
    if _cache is not None and _cache[0] == stamp:
        return _cache[1]
    ring = parse_keys(path.read_text(), separator="\n")
    _cache = (stamp, ring)
    return ring


def rotate() -> str:
    """Append a new key to the key file and make it current; returns its id."""
    global _cache
    if getattr(settings, "JIGAI_AUDIT_KEYS", ""):
        raise ImproperlyConfigured(
            "JIGAI_AUDIT_KEYS is set: add the new key at the end of that variable instead"
        )
    path = _key_file()
    _ensure_file(path)
    existing = set(parse_keys(path.read_text(), separator="\n").keys)
    entry = _new_entry(existing)
    with path.open("a") as handle:
        handle.write(entry)
        handle.flush()
        os.fsync(handle.fileno())
    _cache = None
    return entry.split(" ", 1)[0]
