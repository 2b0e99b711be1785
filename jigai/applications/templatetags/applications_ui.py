"""Template helpers of the application pages: the status badge's colour, rates in per cent,
and the 在线申报 button of a call's page (with the reason when the user cannot apply)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from jigai.accounts.choices import Role
from jigai.applications import eligibility
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application
from jigai.applications.services import can_create_application

register = template.Library()

_STATUS_CLASSES: dict[str, str] = {
    S.DRAFT: "text-bg-secondary",
    S.SUBMITTED: "text-bg-primary",
    S.RETURNED: "text-bg-warning",
    S.RECOMMENDED: "text-bg-success",
    S.PROPOSED: "text-bg-success",
    S.APPROVED: "text-bg-success",
    S.NOT_RECOMMENDED: "text-bg-danger",
    S.NOT_APPROVED: "text-bg-danger",
    S.WITHDRAWN: "text-bg-dark",
}


@register.filter
def percent(value: Decimal | None) -> str:
    return "—" if value is None else eligibility.percent(Decimal(value))


@register.filter
def status_class(status: str) -> str:
    """The Bootstrap badge colour of an application status (review states in blue-green)."""
    return _STATUS_CLASSES.get(status, "text-bg-info")


@register.inclusion_tag("applications/partials/apply_button.html", takes_context=True)
def apply_button(context: dict[str, Any], call: Any) -> dict[str, Any]:
    """On a call's page, for enterprise users while the call is open: 在线申报, or the reason the
    user cannot apply, and a link to the drafts already started for this call."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if getattr(user, "role", None) != Role.ENTERPRISE or not call.is_open():
        return {"show": False}
    started = Application.objects.visible_to(user).filter(call=call).count()
    return {
        "show": True,
        "call": call,
        "decision": can_create_application(user),
        "started": started,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def role_label(value: str) -> str:
    """The label of a role value recorded in the history ("" when unknown)."""
    try:
        return str(Role(value).label)
    except ValueError:
        return ""
