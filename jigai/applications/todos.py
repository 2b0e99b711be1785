"""The enterprise's to-do on its home page: its drafts still open for submission, each call's
deadline first, and the open calls it has not applied to yet with theirs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.selectors import application_scope
from jigai.calls import selectors as call_selectors
from jigai.core.todos import Todo


def _deadline(closes_at: Any, now: Any) -> str:
    """ "2026-12-17 16:00（还剩 3 天）" in Beijing time."""
    when = date_format(timezone.localtime(closes_at), "DATETIME_FORMAT")
    days = (closes_at - now).days
    if days < 1:
        left = _("今天截止")
    else:
        left = ngettext("还剩 %(n)d 天", "还剩 %(n)d 天", days) % {"n": days}
    return _("%(when)s（%(left)s）") % {"when": when, "left": left}


def enterprise_drafts_todo(user: Any) -> Todo | None:
    """Drafts of calls still open (a closed call's draft can no longer be handed in), with the
    nearest deadline among them."""
    if getattr(user, "role", None) != Role.ENTERPRISE:
        return None
    now = timezone.now()
    drafts = [
        a
        for a in application_scope(user).filter(status=ApplicationStatus.DRAFT).select_related("call")
        if a.call.is_open(now)
    ]
    if not drafts:
        return None
    nearest = min(a.call.closes_at for a in drafts)
    return Todo(
        "applications.drafts",
        _("未提交的申报草稿"),
        len(drafts),
        reverse("applications:mine"),
        _("申报截止：%(d)s，截止后草稿不能再提交。") % {"d": _deadline(nearest, now)},
    )


def enterprise_open_calls_todo(user: Any) -> Todo | None:
    """Open calls the enterprise has no application to yet (draft or submitted), nearest deadline."""
    if getattr(user, "role", None) != Role.ENTERPRISE:
        return None
    now = timezone.now()
    applied = set(application_scope(user).values_list("call_id", flat=True))
    calls = [c for c in call_selectors.call_open_list(actor=user) if c.pk not in applied]
    if not calls:
        return None
    nearest = min(calls, key=lambda c: c.closes_at)
    url = reverse("applications:mine")
    if len(calls) == 1:
        url = reverse("calls:detail", kwargs={"pk": nearest.pk})
    return Todo(
        "applications.open_calls",
        _("正在申报的通知"),
        len(calls),
        url,
        _("“%(t)s”申报截止：%(d)s") % {"t": nearest.title, "d": _deadline(nearest.closes_at, now)},
    )
