"""Retention of the audit trail (等保 2.0: 审计记录保存不少于六个月; 网络安全法 第二十一条).

The purge is the one sanctioned way to remove audit events, and it removes only a prefix of the
chain older than the retention period, never anything younger than six months:

1. the whole chain is verified first — a broken chain is evidence and is never purged;
2. a ``purge`` line is signed into the checkpoint file (outside the database): the last purged
   event's seq and hash, to which the first kept event links, so that ``audit_verify`` checks the
   shortened chain from there and still notices events removed from its start by anyone else;
3. the append-only triggers are lifted for the DELETE only, inside the same transaction (a
   failure restores them with everything else; on PostgreSQL this needs the table's owner);
4. the purge is itself an audit event, and a checkpoint follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.audit import checkpoints, triggers
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import (
    _lock_chain,
    audit_chain_check,
    audit_checkpoint_write,
    audit_record,
    chain_report_summary,
)

#: the legal minimum, whatever the settings say: six months
MIN_RETENTION_DAYS = 183


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    purged: int
    through_seq: int  # the last purged event (0: none)


def retention_days() -> int:
    return max(int(getattr(settings, "JIGAI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS)


def audit_purge(*, older_than_days: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Remove the events older than ``older_than_days`` (default: ``JIGAI_AUDIT_RETENTION_DAYS``),
    refusing any period shorter than six months. See the module's documentation."""
    days = retention_days() if older_than_days is None else older_than_days
    if days < MIN_RETENTION_DAYS:
        raise ValidationError(
            _("审计日志至少保存六个月（%(min)d 天）：不能清理 %(days)d 天以内的事件。")
            % {"min": MIN_RETENTION_DAYS, "days": days}
        )
    if checkpoints.checkpoint_path() is None:
        raise ValidationError(_("未配置审计检查点文件（JIGAI_AUDIT_CHECKPOINT_FILE）：清理必须留下检查点。"))
    cutoff = timezone.now() - timedelta(days=days)
    report = audit_chain_check()
    if not report.ok:
        raise ValidationError(_("审计链不完整，不能清理：%(s)s") % {"s": chain_report_summary(report)})
    with transaction.atomic():
        _lock_chain()
        first_kept = AuditEvent.objects.filter(occurred_at__gte=cutoff).order_by("seq").values("seq").first()
        old = (
            AuditEvent.objects.all()
            if first_kept is None
            else AuditEvent.objects.filter(seq__lt=first_kept["seq"])
        )
        last = old.order_by("-seq").values("seq", "hash").first()
        if last is None:
            return PurgeResult(cutoff, 0, 0)
        count = old.count()
        if dry_run:
            return PurgeResult(cutoff, count, last["seq"])
        file = checkpoints.read_checkpoints()
        first_seq, _prev = file.anchor()
        checkpoints.append(
            {
                "kind": checkpoints.PURGE,
                "seq": last["seq"],
                "hash": last["hash"],
                "count": count,
                "first_seq": last["seq"] + 1,
            }
        )
        triggers.drop(connection)
        try:
            AuditEvent.objects.filter(seq__lte=last["seq"]).delete()
        finally:
            triggers.install(connection)
        audit_record(
            actor=None,
            action="audit.purge",
            object_type="audit.chain",
            object_repr=_("审计链"),
            changes={
                "first_seq": {"before": first_seq, "after": last["seq"] + 1},
                "purged": count,
                "cutoff": cutoff,
                "retention_days": days,
            },
            outcome=Outcome.SUCCESS,
            message=_("清理 %(cutoff)s 之前的审计事件 %(n)d 条（事件 #%(first)d 至 #%(last)d）")
            % {
                "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M"),
                "n": count,
                "first": first_seq,
                "last": last["seq"],
            },
        )
    audit_checkpoint_write()
    return PurgeResult(cutoff, count, last["seq"])
