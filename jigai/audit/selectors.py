"""Reading the audit trail: the auditor only (等保 2.0 三员分立).

The system administrator manages accounts and the security administrator manages security
settings; neither may read the record of what they did. Only the audit administrator reads it,
and reads all of it: the audit trail has no business scope.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core.permissions import Decision, deny, has_role, require
from jigai.core.text import join_list

#: dates in filters are calendar days in Shanghai, whatever the server's time zone
SHANGHAI = ZoneInfo("Asia/Shanghai")


def can_read_audit(user: Any) -> Decision:
    """Only the audit administrator reads the audit trail, and runs its verification."""
    role = getattr(user, "role", None)
    if getattr(user, "is_authenticated", False) and role in (Role.SYSADMIN, Role.SECADMIN):
        return deny(
            _("三员分立：%(role)s不能查阅审计日志，审计日志只由审计管理员查阅。") % {"role": Role(role).label}
        )
    return has_role(user, [Role.AUDITOR], _("查阅审计日志"))


def shanghai_day_start(day: date) -> datetime:
    """The first instant of ``day`` in Shanghai (an aware datetime)."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def audit_event_list(
    *,
    actor: Any,
    date_from: date | None = None,
    date_to: date | None = None,
    since: datetime | None = None,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str | list[str] = "",
    ip_address: str = "",
    request_id: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, for the auditor; anyone else is refused with the reason.

    ``date_from``/``date_to`` are days in Shanghai, both included; ``since`` an instant (for
    "the last 24 hours"). ``action`` matches a prefix (``user.`` finds every account action); the
    rest match exactly (account names are case-sensitive, as at sign-in). ``outcome`` may be one
    value or several.
    """
    require(can_read_audit(actor), "audit.read")
    qs = AuditEvent.objects.all()
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("结束日期不能早于开始日期。")})
    if date_from:
        qs = qs.filter(occurred_at__gte=shanghai_day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=shanghai_day_start(date_to + timedelta(days=1)))
    if since:
        qs = qs.filter(occurred_at__gte=since)
    if username := (username or "").strip():
        qs = qs.filter(actor_username=username)
    if action := (action or "").strip():
        qs = qs.filter(action__startswith=action)
    if object_type := (object_type or "").strip():
        qs = qs.filter(object_type=object_type)
    if object_id := (object_id or "").strip():
        qs = qs.filter(object_id=object_id)
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    outcomes = [o for o in outcomes if o]
    if unknown := [o for o in outcomes if o not in Outcome.values]:
        raise ValidationError({"outcome": _("未知的结果：%(value)s。") % {"value": join_list(unknown)}})
    if outcomes:
        qs = qs.filter(outcome__in=outcomes)
    if ip_address := (ip_address or "").strip():
        qs = qs.filter(ip_address=ip_address)
    if request_id := (request_id or "").strip():
        qs = qs.filter(request_id=request_id)
    return qs.order_by("-seq")


def audit_event_get(*, actor: Any, pk: int) -> AuditEvent:
    """One event for the auditor (AuditEvent.DoesNotExist when there is none)."""
    return audit_event_list(actor=actor).get(pk=pk)
