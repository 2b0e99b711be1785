"""Reads of applications, always through the scope of the asking user.

An enterprise sees its own applications, drafts included; a district officer or head those of
the district (属地原则), municipal roles all — but nobody outside the enterprise sees a draft: it
is not an application until it is submitted. Anything outside the scope does not exist for the
user (404, never 403, so that its existence is not revealed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application, Attachment
from jigai.core.permissions import ALLOW, Decision, deny
from jigai.core.scoping import Scope, scope_for
from jigai.core.text import join_list
from jigai.reference.codes import normalise_code

#: sort keys of the list; a leading "-" sorts descending
SORT_FIELDS = ("submitted_at", "requested_support", "total_investment", "name")
DEFAULT_SORT = "-submitted_at"


def can_read_applications(user: Any) -> Decision:
    """Business readers may list applications; the three administrators may not (三员分立)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return deny(_("请先登录。"))
    if scope_for(user) is Scope.NONE:
        return deny(_("系统管理员、安全管理员和审计管理员不查看业务数据（三员分立）。"))
    return ALLOW


def application_scope(actor: Any) -> QuerySet[Application]:
    """Every application the actor may see (drafts only for the enterprise's own users)."""
    qs = Application.objects.visible_to(actor)
    if getattr(actor, "role", None) != Role.ENTERPRISE:
        qs = qs.exclude(status=ApplicationStatus.DRAFT)
    return qs


def _ordering(sort: str | None, *, with_drafts: bool) -> list[OrderBy]:
    key = sort or DEFAULT_SORT
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in SORT_FIELDS:
        raise ValidationError(
            {
                "sort": _("无法按“%(s)s”排序，可选：%(options)s。")
                % {"s": key, "options": join_list(SORT_FIELDS)}
            }
        )
    # The id breaks ties so that pages never overlap; "-submitted_at, id" is the index order.
    # Only an enterprise's own list has drafts (no submission time): they come first when the
    # newest come first, last otherwise. Officials' lists keep the plain order the index serves.
    if with_drafts:
        field = F(name).desc(nulls_first=True) if descending else F(name).asc(nulls_last=True)
    else:
        field = F(name).desc() if descending else F(name).asc()
    return [field, F("id").asc()]


def application_list(
    *,
    actor: Any,
    call: int | None = None,
    status: str | None = None,
    district: str | None = None,
    industry: str | None = None,
    direction: int | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> QuerySet[Application]:
    """The actor's applications, filtered and sorted; one query for a page whatever its length.

    ``industry`` is a division code (``34``) or a section letter (``C``) of the enterprise's
    industry; ``direction`` a catalog item id (a field matches its directions too); the amount range
    applies to the requested support (yuan); ``q`` matches the project or enterprise name or the
    reference number (``JG2026-310115-00012``, whole or any part of it), or is the enterprise's
    credit code exactly.
    """
    qs = application_scope(actor).select_related(
        "call", "enterprise", "enterprise__industry", "district", "direction"
    )
    if call:
        qs = qs.filter(call_id=call)
    if status:
        qs = qs.filter(status=status)
    if district:
        qs = qs.filter(district_id=district)
    if industry:
        industry = industry.strip().upper()
        if industry.isdigit():
            qs = qs.filter(enterprise__industry__code__startswith=industry)
        else:
            qs = qs.filter(Q(enterprise__industry_id=industry) | Q(enterprise__industry__parent_id=industry))
    if direction:
        qs = qs.filter(Q(direction_id=direction) | Q(direction__parent_id=direction))
    if amount_min is not None:
        qs = qs.filter(requested_support__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(requested_support__lte=amount_max)
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(name__contains=text)
            | Q(enterprise__name__contains=text)
            | Q(enterprise__credit_code=normalise_code(text))
            # the number printed on the ranking and the publicity list, whole or in part
            | Q(reference_number__contains=text.upper())
        )
    return qs.order_by(*_ordering(sort, with_drafts=getattr(actor, "role", None) == Role.ENTERPRISE))


def application_get(*, actor: Any, pk: int) -> Application:
    """One application with everything its page shows; Http404 outside the actor's scope."""
    application = (
        application_scope(actor)
        .select_related(
            "call",
            "call__current_rules",
            "rules",
            "enterprise",
            "enterprise__organisation",
            "enterprise__industry",
            "district",
            "site_district",
            "direction",
        )
        .prefetch_related(
            "investment_lines", "prerequisites", "other_funding", "attachments", "duplicate_flags"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404(_("未找到该申报。"))
    return application


def attachment_get(*, actor: Any, application_id: int, attachment_id: int) -> Attachment:
    """An attachment of an application the actor may see; Http404 otherwise."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, application_id=application_id, application__in=application_scope(actor)
        )
        .select_related("application")
        .first()
    )
    if attachment is None:
        raise Http404(_("未找到该附件。"))
    return attachment
