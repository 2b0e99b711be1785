"""Sign-in throttles in the cache (the file cache on one machine, Redis when ``REDIS_URL`` is set).

Three counters, so that no anonymous client can lock an owner out and none can guess at will:

* per **client address**: ``JIGAI_LOGIN_IP_MAX_FAILURES`` failed sign-ins (any names, known or
  not) within ``JIGAI_LOGIN_IP_WINDOW_MINUTES`` and the address is refused for that window;
* per **account and address**: ``JIGAI_LOGIN_MAX_FAILURES`` failures for one name from one address
  and that name is refused from that address for ``JIGAI_LOCKOUT_MINUTES`` — its owner, signing in
  from elsewhere, is not affected;
* per **account**, in the database (``User.failed_login_count``/``locked_until``, which the
  security administrator sees and lifts): ``JIGAI_LOGIN_ACCOUNT_MAX_FAILURES`` consecutive failures
  from any addresses lock the account itself — the guard against guessing spread over many
  addresses.

Unknown names are counted like real ones, so the answers cannot tell them apart.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache

_PREFIX = "jigai:login:"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _address(ip: str | None) -> str:
    return ip or "-"


def _generation(username: str) -> str:
    """A per-name token in every per-name key: the security administrator's unlock (or the
    break-glass command) replaces it, which lifts that name's locks from every address at once."""
    key = f"{_PREFIX}gen:{_digest(username.lower())}"
    value = cache.get(key)
    if value is None:
        value = secrets.token_hex(4)
        if not cache.add(key, value, timeout=None):
            value = cache.get(key) or value
    return str(value)


def _pair_key(username: str, ip: str | None, kind: str) -> str:
    name = username.lower()
    return f"{_PREFIX}{kind}:{_generation(name)}:{_digest(name)}:{_digest(_address(ip))}"


def _ip_key(ip: str | None, kind: str) -> str:
    return f"{_PREFIX}{kind}:{_digest(_address(ip))}"


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def address_blocked(ip: str | None) -> bool:
    return bool(cache.get(_ip_key(ip, "ipblock")))


def pair_locked(username: str, ip: str | None) -> bool:
    return bool(cache.get(_pair_key(username, ip, "lock")))


def register_failure(username: str, ip: str | None) -> tuple[bool, bool]:
    """Count one failure; returns (the name is now locked from this address, the address is now
    blocked) — each true only at the failure that crosses its threshold."""
    lockout = settings.JIGAI_LOCKOUT_MINUTES * 60
    window = settings.JIGAI_LOGIN_IP_WINDOW_MINUTES * 60
    pair_count = _incr(_pair_key(username, ip, "fail"), lockout)
    ip_count = _incr(_ip_key(ip, "ipfail"), window)
    pair_now = pair_count == settings.JIGAI_LOGIN_MAX_FAILURES
    ip_now = ip_count == settings.JIGAI_LOGIN_IP_MAX_FAILURES
    if pair_count >= settings.JIGAI_LOGIN_MAX_FAILURES:
        cache.set(_pair_key(username, ip, "lock"), 1, timeout=lockout)
    if ip_count >= settings.JIGAI_LOGIN_IP_MAX_FAILURES:
        cache.set(_ip_key(ip, "ipblock"), 1, timeout=window)
    return pair_now, ip_now


def clear_pair(username: str, ip: str | None) -> None:
    """A successful sign-in clears the count for this name from this address."""
    cache.delete(_pair_key(username, ip, "fail"))


def unlock_name(username: str) -> None:
    """Lift the per-address locks of ``username`` everywhere (a new generation token)."""
    cache.set(f"{_PREFIX}gen:{_digest(username.lower())}", secrets.token_hex(4), timeout=None)
