"""The auditor's to-do on the home page: refused and failed events of the last 24 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.audit.choices import Outcome
from jigai.core.todos import Todo

PROBLEM_OUTCOMES = (Outcome.DENIED, Outcome.FAILURE)


def recent_problems_todo(user: Any) -> Todo | None:
    """Events refused (permission denials, locked sign-ins) or failed (wrong passwords, a broken
    chain) in the last 24 hours, linking to the list filtered the same way."""
    from jigai.audit.selectors import audit_event_list, can_read_audit

    if not can_read_audit(user):
        return None
    since = timezone.now() - timedelta(hours=24)
    count = audit_event_list(actor=user, since=since, outcome=list(PROBLEM_OUTCOMES)).count()
    query = urlencode([("recent", "24"), *(("outcome", str(o)) for o in PROBLEM_OUTCOMES)])
    return Todo(
        key="audit.recent_problems",
        label=_("近24小时拒绝/失败事件"),
        count=count,
        url=f"{reverse('audit:event_list')}?{query}",
        hint=_("越权访问、登录失败和校验失败等"),
    )
