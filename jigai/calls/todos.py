"""The commission's to-do on its home page: call drafts (to finish, or to publish)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call
from jigai.core.todos import Todo


def call_drafts(user: Any) -> Todo | None:
    count = Call.objects.visible_to(user).filter(status=CallStatus.DRAFT).count()
    if not count:
        return None
    label = _("待发布的申报通知") if user.role == Role.MUNICIPAL_HEAD else _("起草中的申报通知")
    return Todo(key="call_drafts", label=label, count=count, url=reverse("calls:list"))
