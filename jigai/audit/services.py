"""Writing audit events. Every service that changes state calls :func:`audit_record`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jigai.audit import checkpoints
from jigai.audit import keys as audit_keys
from jigai.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    ChainProblem,
    ChainReport,
    event_mac,
    verify_chain,
)
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.selectors import can_read_audit
from jigai.core import context
from jigai.core.permissions import require

# Any constant: the PostgreSQL advisory lock that serialises writers of the chain.
_CHAIN_LOCK_KEY = 0x4A494741  # "JIGA"


class _AuditJSONEncoder(DjangoJSONEncoder):
    """Dates, Decimals, UUIDs and lazy strings as DjangoJSONEncoder does; sets as sorted lists,
    model instances by primary key, and anything else as its text, so that an odd value in a
    before/after snapshot never makes the business action itself fail."""

    def default(self, o: Any) -> Any:
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        if isinstance(o, models.Model):
            return o.pk
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL in text or jsonb, and lone surrogates are not UTF-8.
    value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(value) else value


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # jsonb has no NaN or Infinity
    if isinstance(value, dict):
        return {_clean_text(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def _json_safe(value: Any) -> Any:
    """What the JSON column will give back: Decimals and dates as strings, tuples as lists, keys as
    strings, text that both databases can store."""
    return _clean_json(json.loads(json.dumps(value, cls=_AuditJSONEncoder, ensure_ascii=False)))


def _text(name: str, value: Any) -> str:
    """Text for column ``name``, cut to its length: the value hashed is the value stored (PostgreSQL
    would refuse a longer one, SQLite would keep it whole)."""
    text = _clean_text("" if value is None else str(value))
    max_length = _MAX_LENGTHS.get(name)
    return text[:max_length] if max_length else text


_MAX_LENGTHS: dict[str, int | None] = {f.name: f.max_length for f in AuditEvent._meta.concrete_fields}


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
    """Serialise writers of the chain, so that no two events link to the same predecessor.

    SQLite: every transaction is ``BEGIN IMMEDIATE`` (settings), so the writer holds the database
    write lock before it reads the last link. PostgreSQL: a transaction-level advisory lock, held
    until the caller's transaction ends; the read of the last link that follows takes a fresh
    snapshot under READ COMMITTED (Django's default), so it sees the previous holder's event.
    ``seq`` is unique as well: should the lock ever be bypassed, the second writer fails instead of
    forking the chain.
    """
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
        # A model that moved to another app names the type its earlier events carry, so that one
        # object's history stays one search.
        object_type = object_type or getattr(obj, "audit_object_type", "") or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    organisation = getattr(actor, "organisation", None) if is_user else None
    fields: dict[str, Any] = {
        "actor_id": actor.pk if is_user else None,
        "actor_username": _text("actor_username", actor.get_username() if is_user else username),
        "organisation_id": organisation.pk if organisation is not None else None,
        "organisation_name": _text(
            "organisation_name", organisation.name if organisation is not None else ""
        ),
        "role": _text("role", getattr(actor, "role", "") if is_user else ""),
        "action": _text("action", action),
        "object_type": _text("object_type", object_type),
        "object_id": _text("object_id", object_id),
        "object_repr": _text("object_repr", object_repr),
        "changes": _json_safe(dict(changes or {})),
        "outcome": _text("outcome", outcome),
        "message": _text("message", message),
        "ip_address": _text("ip_address", ctx.ip_address) if ctx.ip_address else None,
        "request_id": _text("request_id", ctx.request_id),
        "channel": _text("channel", ctx.channel),
    }
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        fields["seq"] = (last["seq"] + 1) if last else 1
        fields["prev_hash"] = last["hash"] if last else GENESIS_HASH
        fields["occurred_at"] = timezone.now()
        ring = audit_keys.keyring()
        fields["key_id"] = ring.current_id
        fields["hash"] = event_mac(fields, ring.current)
        return AuditEvent.objects.create(**fields)


def audit_denied(*, actor: Any, action: str, reason: str, path: str = "") -> AuditEvent | None:
    """Record a refused request (a permission denial).

    The page middleware and the API error handler call it after the refused work has left its
    ``transaction.atomic`` block, so the refusal is committed although that work was rolled back.
    Called inside a transaction that later rolls back, the refusal would be lost with it."""
    return audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action or "permission.denied",
        object_type="request",
        object_repr=path[:300],
        outcome=Outcome.DENIED,
        message=reason,
    )


# --- Verifying the chain ----------------------------------------------------------------------
#: rows read per query while the chain is verified: memory stays flat however long the chain is
VERIFY_BATCH_SIZE = 2000
_VERIFY_FIELDS = ("id", "hash", "key_id", *HASHED_FIELDS)


def _stored_rows(batch_size: int, *, after_seq: int = 0) -> Iterator[dict[str, Any]]:
    """Every event in the order stored (ascending id), ``batch_size`` rows per query; with
    ``after_seq`` only the events from the first one with a higher seq on.

    Keyset pages rather than one server-side cursor: no query or transaction stays open for the
    minutes a million-row chain takes, and events appended meanwhile are checked as well."""
    last_id = 0
    if after_seq:
        first = (
            AuditEvent.objects.filter(seq__gt=after_seq).order_by("id").values_list("id", flat=True).first()
        )
        if first is None:
            return
        last_id = first - 1
    while True:
        batch = list(
            AuditEvent.objects.filter(id__gt=last_id).order_by("id").values(*_VERIFY_FIELDS)[:batch_size]
        )
        if not batch:
            return
        yield from batch
        last_id = batch[-1]["id"]


def _seq_exists(seq: int) -> bool:
    return AuditEvent.objects.filter(seq=seq).exists()


def _file_problem(bad_line: tuple[int, str]) -> ChainProblem:
    number, why = bad_line
    return ChainProblem(0, 0, "checkpoint", f"审计检查点文件第 {number} 行：{why}。")


def _compare_checkpoints(
    report: ChainReport, file: checkpoints.CheckpointFile, first_seq: int
) -> ChainReport:
    """An intact chain against the checkpoints kept outside the database."""
    cps = [cp for cp in file.checkpoints if cp.seq >= first_seq]
    if not cps:
        return report
    newest = max(cps, key=lambda cp: cp.seq)
    last = AuditEvent.objects.order_by("-seq").values("id", "seq").first()
    last_id = last["id"] if last else 0
    if newest.seq > report.last_seq:
        return ChainReport(
            report.checked,
            ChainProblem(
                report.last_seq,
                last_id,
                "truncated",
                f"检查点（{newest.at}，检查点文件第 {newest.line} 行）记录的最新事件为 #{newest.seq}，"
                f"数据库中的审计链只到 #{report.last_seq}："
                f"事件 #{report.last_seq + 1} 至 #{newest.seq} 被删除。",
                report.last_seq + 1,
            ),
            report.last_seq,
            report.last_hash,
        )
    stored: dict[int, tuple[int, str]] = {}
    wanted = sorted({cp.seq for cp in cps})
    for start in range(0, len(wanted), 500):
        for row in AuditEvent.objects.filter(seq__in=wanted[start : start + 500]).values("id", "seq", "hash"):
            stored[row["seq"]] = (row["id"], row["hash"])
    vouched, vouched_hash = first_seq - 1, ""
    for cp in sorted(cps, key=lambda cp: (cp.seq, cp.line)):
        event_id, stored_hash = stored.get(cp.seq, (0, ""))
        if stored_hash != cp.hash:
            return ChainReport(
                report.checked,
                ChainProblem(
                    cp.seq,
                    event_id,
                    "recomputed",
                    f"事件 #{cp.seq} 的哈希与检查点（{cp.at}，检查点文件第 {cp.line} 行）不符："
                    f"事件 #{vouched + 1} 至 #{cp.seq} 之间的事件被改写，其后的哈希被重新计算。",
                    cp.seq,
                ),
                vouched,
                vouched_hash,
            )
        vouched, vouched_hash = cp.seq, cp.hash
    if newest.first_seq == first_seq:
        count = AuditEvent.objects.filter(seq__lte=newest.seq).count()
        if count != newest.count:
            return ChainReport(
                report.checked,
                ChainProblem(
                    newest.seq,
                    stored.get(newest.seq, (0, ""))[0],
                    "recomputed",
                    f"检查点（{newest.at}）记录了 {newest.count} 条事件，"
                    f"数据库中到事件 #{newest.seq} 为止有 {count} 条。",
                    newest.seq,
                ),
                report.last_seq,
                report.last_hash,
            )
    return report


def audit_chain_check(*, batch_size: int = VERIFY_BATCH_SIZE, use_checkpoints: bool = True) -> ChainReport:
    """Recompute the whole chain (see :func:`jigai.audit.chain.verify_chain`) with the configured
    keys, from the anchor of the last retention purge, then compare it with the checkpoints kept
    outside the database (see :mod:`jigai.audit.checkpoints`); read only.

    ``use_checkpoints=False`` checks the chain only (a restored backup is older than the newest
    checkpoints; its anchor still comes from the file)."""
    file = checkpoints.read_checkpoints()
    if file.bad_line is not None and use_checkpoints:
        return ChainReport(0, _file_problem(file.bad_line))
    first_seq, first_prev = file.anchor()
    report = verify_chain(
        _stored_rows(max(1, batch_size), after_seq=first_seq - 1),
        seq_exists=_seq_exists,
        keys=audit_keys.keyring().keys,
        start_seq=first_seq,
        start_prev=first_prev,
    )
    if not report.ok or not use_checkpoints:
        return report
    return _compare_checkpoints(report, file, first_seq)


def audit_restore_acknowledge(*, reason: str, batch_size: int = VERIFY_BATCH_SIZE) -> checkpoints.Checkpoint:
    """After the database was restored from a backup: the chain in the database is whole but
    shorter than the checkpoints say. With a reason (recorded as an ``audit.restore`` event), sign
    a ``restore`` line at its head, so that later checkpoints start from there; the earlier
    checkpoints stay in the file as the record of what the restore lost. Returns the checkpoint
    written after it."""
    reason = reason.strip()
    if not reason:
        raise checkpoints.CheckpointError(_("请说明恢复的原因（例如事件报告编号）。"))
    report = audit_chain_check(batch_size=batch_size, use_checkpoints=False)
    if not report.ok:
        raise checkpoints.CheckpointError(chain_report_summary(report))
    file = checkpoints.read_checkpoints()
    first_seq, _prev = file.anchor()
    newest = max((cp.seq for cp in file.checkpoints), default=0)
    with transaction.atomic():
        checkpoints.append(
            {
                "kind": checkpoints.RESTORE,
                "seq": report.last_seq,
                "hash": report.last_hash,
                "count": report.checked,
                "first_seq": first_seq,
            }
        )
        audit_record(
            actor=None,
            action="audit.restore",
            object_type="audit.chain",
            object_repr=_("审计链"),
            changes={"head_seq": report.last_seq, "checkpointed_seq": newest},
            message=reason,
        )
    return audit_checkpoint_write(batch_size=batch_size)


def audit_checkpoint_write(*, batch_size: int = VERIFY_BATCH_SIZE) -> checkpoints.Checkpoint:
    """Verify the events added since the last checkpoint, then append a new checkpoint.

    Raises :class:`jigai.audit.checkpoints.CheckpointError` (and writes nothing) when the file or
    the chain since the last checkpoint is not intact: a checkpoint never vouches for a broken chain.
    """
    file = checkpoints.read_checkpoints()
    if file.bad_line is not None:
        raise checkpoints.CheckpointError(_file_problem(file.bad_line).message)
    first_seq, first_prev = file.anchor()
    previous = [cp for cp in file.current if cp.seq >= first_seq - 1]
    if previous:
        base = max(previous, key=lambda cp: cp.seq)
        if base.kind in (checkpoints.CHECKPOINT, checkpoints.RESTORE):
            stored = AuditEvent.objects.filter(seq=base.seq).values_list("hash", flat=True).first()
            if stored != base.hash:
                raise checkpoints.CheckpointError(
                    f"事件 #{base.seq} 已不存在或其哈希与上一个检查点不符：请运行 audit_verify。"
                )
        start_seq, start_prev = base.seq + 1, base.hash
    else:
        start_seq, start_prev = first_seq, first_prev
    report = verify_chain(
        _stored_rows(max(1, batch_size), after_seq=start_seq - 1),
        seq_exists=_seq_exists,
        keys=audit_keys.keyring().keys,
        start_seq=start_seq,
        start_prev=start_prev,
    )
    if not report.ok:
        assert report.problem is not None
        raise checkpoints.CheckpointError(report.problem.message)
    count = AuditEvent.objects.filter(seq__lte=report.last_seq).count()
    return checkpoints.append(
        {
            "kind": checkpoints.CHECKPOINT,
            "seq": report.last_seq,
            "hash": report.last_hash,
            "count": count,
            "first_seq": first_seq,
        }
    )


KIND_LABELS = {
    "changed": _lazy("被修改"),
    "deleted": _lazy("被删除"),
    "moved": _lazy("被移动"),
    "truncated": _lazy("被截断"),
    "recomputed": _lazy("被重算"),
    "checkpoint": _lazy("检查点被改动"),
}


def chain_report_summary(report: ChainReport) -> str:
    """One line for people: "审计链完整：共 N 条事件" or the first broken event."""
    if report.problem is None:
        return _("审计链完整：共 %(n)d 条事件") % {"n": report.checked}
    problem = report.problem
    if problem.kind == "checkpoint":
        return _("审计检查点不可信：%(message)s") % {"message": problem.message}
    return _("审计链断裂：事件 #%(seq)d（ID %(id)d，%(kind)s）：%(message)s") % {
        "seq": problem.seq,
        "id": problem.event_id,
        "kind": KIND_LABELS.get(problem.kind, problem.kind),
        "message": problem.message,
    }


def audit_verify_run(
    *, actor: Any, batch_size: int = VERIFY_BATCH_SIZE, from_command_line: bool = False
) -> ChainReport:
    """Verify the chain and record the outcome as an ``audit.verify`` event (failure when broken).

    The auditor runs it from the audit page or the API. ``manage.py audit_verify`` runs it with
    ``from_command_line``: whoever can run commands on the server already holds the database, so
    no role is asked for (the event then has no actor and the channel ``cli``).
    """
    if not from_command_line:
        require(can_read_audit(actor), "audit.verify")
    report = audit_chain_check(batch_size=batch_size)
    audit_record(
        actor=actor,
        action="audit.verify",
        object_type="audit.chain",
        object_repr=_("审计链"),
        outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE,
        message=chain_report_summary(report)
        + _("（校验至事件 #%(seq)d，哈希 %(hash)s）") % {"seq": report.last_seq, "hash": report.last_hash},
    )
    return report
