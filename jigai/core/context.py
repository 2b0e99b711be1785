"""Per-request facts (client IP, request id) that services record in audit events.

The request middleware sets them; management commands and tasks run with the defaults.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    request_id: str = ""
    channel: str = "cli"  # web, api, cli, task


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "jigai_request_context",
    default=RequestContext(),  # noqa: B039 - a frozen dataclass, immutable
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
