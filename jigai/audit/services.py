"""Writing audit events. Every service that changes state calls :func:`audit_record`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from jigai.audit.chain import GENESIS_HASH, event_hash
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core import context

# Any constant: the PostgreSQL advisory lock that serialises writers of the chain.
_CHAIN_LOCK_KEY = 0x4A494741  # "JIGA"


def _json_safe(value: Any) -> Any:
    """What the JSON column will give back: Decimals and dates as strings, tuples as lists."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` of ``instance`` (foreign keys by id), for before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = getattr(instance, attname)
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"field": {"before": b, "after": a}}`` for every field whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        k: {"before": before.get(k), "after": after.get(k)} for k in keys if before.get(k) != after.get(k)
    }


def _lock_chain() -> None:
    # SQLite: every write transaction is BEGIN IMMEDIATE (settings), so writers are already
    # serialised. PostgreSQL: an advisory lock held to the end of the transaction.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    message: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one.

    ``actor`` is the acting user (or None for the system or an anonymous visitor, in which case
    ``username`` may name who was attempted, e.g. a failed login). Client IP and request id come
    from the request context.
    """
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    organisation = getattr(actor, "organisation", None) if is_user else None
    fields: dict[str, Any] = {
        "actor_id": actor.pk if is_user else None,
        "actor_username": actor.get_username() if is_user else username[:150],
        "organisation_id": organisation.pk if organisation is not None else None,
        "organisation_name": organisation.name[:200] if organisation is not None else "",
        "role": getattr(actor, "role", "") if is_user else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:300],
        "changes": _json_safe(dict(changes or {})),
        "outcome": str(outcome),
        "message": message,
        "ip_address": ctx.ip_address,
        "request_id": ctx.request_id,
        "channel": ctx.channel,
    }
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        fields["seq"] = (last["seq"] + 1) if last else 1
        fields["prev_hash"] = last["hash"] if last else GENESIS_HASH
        fields["occurred_at"] = timezone.now()
        fields["hash"] = event_hash(fields)
        return AuditEvent.objects.create(**fields)


def audit_denied(*, actor: Any, action: str, reason: str, path: str = "") -> AuditEvent | None:
    """Record a refused request (a permission denial) in its own transaction, so that the refusal
    is kept even though the request's own work is rolled back."""
    return audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action or "permission.denied",
        object_type="request",
        object_repr=path[:300],
        outcome=Outcome.DENIED,
        message=reason,
    )
