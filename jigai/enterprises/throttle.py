"""How often one client address may try to register an enterprise.

Registration is public, so it is limited per IP address in a fixed window kept in Django's cache
(shared by every server process: the file cache of the embedded set-up, Redis in production).
The API allows 10 attempts an hour; the page, whose users correct a form a few times, 30. Every
attempt counts, failed ones too, so the limit also slows down probing for registered codes.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from jigai.core.middleware import client_ip

API_LIMIT = 10
PAGE_LIMIT = 30
WINDOW_SECONDS = 60 * 60


def registration_hit(request: HttpRequest, *, channel: str, limit: int) -> int | None:
    """Count one registration attempt; None while within ``limit`` per window, else the seconds
    until the window ends."""
    ip = client_ip(request) or "unknown"
    key = f"jigai:enterprise-register:{channel}:{ip}"
    now = int(time.time())
    window_start = cache.get_or_set(f"{key}:start", now, timeout=WINDOW_SECONDS)
    if not isinstance(window_start, int):
        window_start = now
    wait = max(1, window_start + WINDOW_SECONDS - now)
    cache.add(key, 0, timeout=wait)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=wait)
        count = 1
    if count > limit:
        return wait
    return None
