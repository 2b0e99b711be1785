"""Publicity (公示) of the proposed list and its final approval (rules.md §2 step 6, §3).

* :func:`publicity_start` — the municipal head publishes the proposed list: each application on
  it moves to publicity; the period starts the next day (or a given date) and lasts the call's
  ``publicity_working_days`` (default 5) on the Chinese calendar (:mod:`jigai.workdays.workingdays`),
  closing at 23:59:59 Shanghai time of its last working day. A closing date counted over a year
  whose holiday schedule is not known yet is provisional (待定) until an official enters it.
* Objections are lodged and handled in :mod:`jigai.decisions.objections`.
* :func:`proposed_list_approve` — after the period has closed and every objection is handled, the
  municipal head approves the list: each remaining application is approved with its amounts.
* The public page reads :func:`public_lists` and :func:`public_items`: a fixed number of queries
  whatever the number of applications.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.models import Application
from jigai.applications.services import application_transition
from jigai.audit.services import audit_record, diff, snapshot
from jigai.calls.models import Call
from jigai.core.money import format_wan
from jigai.core.permissions import Decision as Permission
from jigai.core.permissions import has_role, require
from jigai.decisions.checks import approval_refusal, closing_text
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.services import proposed_list_total
from jigai.workdays.workingdays import SHANGHAI, publicity_closing

DEFAULT_WORKING_DAYS = 5
#: items of each current list shown on the public index (the list's own page shows them all, paged)
PREVIEW_ITEMS = 100
PUBLIC_STATUSES = (ProposedListStatus.PUBLICITY, ProposedListStatus.APPROVED)
LIST_FIELDS = [
    "status",
    "publicity_starts_on",
    "publicity_ends_at",
    "publicity_end_provisional",
    "publicity_working_days",
    "total_support",
]


def can_publish(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_HEAD], _("发布公示"))


def can_approve_list(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_HEAD], _("批准拟支持名单"))


# --- the period ---------------------------------------------------------------------------------
def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI).astimezone(dt.UTC)


def publicity_open(proposed_list: ProposedList, now: dt.datetime | None = None) -> bool:
    """Whether objections are accepted: the list is in publicity and ``now`` is within its period."""
    if proposed_list.status != ProposedListStatus.PUBLICITY or proposed_list.publicity_starts_on is None:
        return False
    now = now or timezone.now()
    assert proposed_list.publicity_ends_at is not None
    return start_of_day(proposed_list.publicity_starts_on) <= now <= proposed_list.publicity_ends_at


def _members(proposed_list: ProposedList) -> QuerySet[Application]:
    return Application.objects.filter(
        decision__proposed_list=proposed_list, decision__removed_at__isnull=True
    ).order_by("decision__rank", "id")


def _locked_list(call: Call) -> ProposedList | None:
    Call.objects.select_for_update().get(pk=call.pk)
    return ProposedList.objects.select_for_update().filter(call_id=call.pk).first()


# --- publishing -------------------------------------------------------------------------------
def publicity_start(*, actor: Any, call: Call, starts_on: dt.date | None = None) -> ProposedList:
    """Publish the proposed list of ``call`` (the municipal head): the period starts on ``starts_on``
    (default: tomorrow, Shanghai) and lasts the call's publicity working days. Refuses a list that
    is not proposed yet or already published, and a start date in the past."""
    require(can_publish(actor), "review.publicity_start")
    today = timezone.localdate(timezone.now(), SHANGHAI)
    starts_on = starts_on or today + dt.timedelta(days=1)
    if starts_on < today:
        raise ValidationError(
            {"starts_on": _("公示开始日期不能早于今天（%(d)s）。") % {"d": today.isoformat()}}
        )
    with transaction.atomic():
        proposed_list = _locked_list(call)
        if proposed_list is None or proposed_list.status == ProposedListStatus.DRAFT:
            raise ValidationError(_("本批次尚未提出拟支持名单，不能公示。"))
        if proposed_list.status != ProposedListStatus.PROPOSED:
            raise ValidationError(
                _("拟支持名单已经公示（当前：%(s)s），不能再次公示。")
                % {"s": proposed_list.get_status_display()}
            )
        rules = call.current_rules
        days = (rules.publicity_working_days if rules else 0) or DEFAULT_WORKING_DAYS
        ends_at, provisional = publicity_closing(starts_on, days)
        before = snapshot(proposed_list, LIST_FIELDS)
        proposed_list.status = ProposedListStatus.PUBLICITY
        proposed_list.publicity_starts_on = starts_on
        proposed_list.publicity_ends_at = ends_at
        proposed_list.publicity_end_provisional = provisional
        proposed_list.publicity_working_days = days
        proposed_list.published_by = actor
        proposed_list.save()
        for application in _members(proposed_list):
            application_transition(actor=actor, application=application, action="publicize")
        audit_record(
            actor=actor,
            action="review.publicity_start",
            obj=proposed_list,
            changes=diff(before, snapshot(proposed_list, LIST_FIELDS)),
            message=_("公示 %(n)d 个工作日，%(s)s 起至 %(e)s")
            % {
                "n": days,
                "s": starts_on.isoformat(),
                "e": closing_text(proposed_list),
            },
        )
    return proposed_list


def publicity_recount_provisional(*, actor: Any) -> list[ProposedList]:
    """Count again the closing date of every list in publicity whose date was provisional (called
    after an official enters a year's holiday schedule); audited for each list that changes."""
    changed = []
    with transaction.atomic():
        lists = ProposedList.objects.select_for_update().filter(
            status=ProposedListStatus.PUBLICITY, publicity_end_provisional=True
        )
        for proposed_list in lists:
            assert proposed_list.publicity_starts_on is not None
            days = proposed_list.publicity_working_days or DEFAULT_WORKING_DAYS
            ends_at, provisional = publicity_closing(proposed_list.publicity_starts_on, days)
            before = snapshot(proposed_list, LIST_FIELDS)
            proposed_list.publicity_ends_at = ends_at
            proposed_list.publicity_end_provisional = provisional
            changes = diff(before, snapshot(proposed_list, LIST_FIELDS))
            if changes:
                proposed_list.save(update_fields=["publicity_ends_at", "publicity_end_provisional"])
                audit_record(
                    actor=actor, action="review.publicity_recount", obj=proposed_list, changes=changes
                )
                changed.append(proposed_list)
    return changed


# --- approval ---------------------------------------------------------------------------------
def proposed_list_approve(*, actor: Any, call: Call) -> ProposedList:
    """The municipal head approves the list of ``call`` after its publicity: every application still
    on it becomes approved (立项) with its approved amounts. Refused before the period closes, while
    its closing date is provisional, and while an objection is open."""
    require(can_approve_list(actor), "review.proposed_list_approve")
    with transaction.atomic():
        proposed_list = _locked_list(call)
        now = timezone.now()
        refusal = approval_refusal(proposed_list, now)
        if refusal:
            raise ValidationError(refusal)
        assert proposed_list is not None
        members = list(_members(proposed_list))
        for application in members:
            application_transition(actor=actor, application=application, action="approve")
        before = snapshot(proposed_list, LIST_FIELDS)
        proposed_list.status = ProposedListStatus.APPROVED
        proposed_list.total_support = proposed_list_total(proposed_list)
        proposed_list.approved_by = actor
        proposed_list.approved_at = now
        proposed_list.save()
        audit_record(
            actor=actor,
            action="review.proposed_list_approve",
            obj=proposed_list,
            changes=diff(before, snapshot(proposed_list, LIST_FIELDS)),
            message=_("批准立项 %(n)d 个项目，合计支持 %(t)s 万元")
            % {
                "n": len(members),
                "t": format_wan(proposed_list.total_support, unit=False),
            },
        )
    return proposed_list


# --- the public page --------------------------------------------------------------------------
def public_lists(today: dt.date | None = None) -> QuerySet[ProposedList]:
    """Lists the public sees: in publicity from their first day, and approved ones; newest first,
    each with the number of applications on it (one query)."""
    today = today or timezone.localdate(timezone.now(), SHANGHAI)
    return (
        ProposedList.objects.filter(status__in=PUBLIC_STATUSES, publicity_starts_on__lte=today)
        .select_related("call")
        .annotate(item_count=Count("items", filter=Q(items__removed_at__isnull=True)))
        .order_by("-publicity_starts_on", "-id")
    )


def public_list_get(pk: int) -> ProposedList:
    proposed_list = public_lists().filter(pk=pk).first()
    if proposed_list is None:
        raise Http404(_("未找到该公示。"))
    return proposed_list


def public_items(list_ids: list[int], *, per_list: int | None = None) -> QuerySet[Decision]:
    """The applications of the lists ``list_ids`` (not removed), in rank order, with what the
    public sees (enterprise, project, district, approved support); the first ``per_list`` of each
    list when given. One query."""
    qs = (
        Decision.objects.filter(proposed_list_id__in=list_ids, removed_at__isnull=True)
        .select_related("application", "application__enterprise", "application__district")
        .only(
            "id",
            "rank",
            "proposed_list_id",
            "approved_support",
            "application__id",
            "application__name",
            "application__reference_number",
            "application__enterprise__id",
            "application__enterprise__name",
            "application__district__code",
            "application__district__name",
            "application__district__name_en",
        )
        .order_by("proposed_list_id", "rank", "id")
    )
    if per_list is not None:
        qs = qs.annotate(
            position=Window(RowNumber(), partition_by=[F("proposed_list_id")], order_by=[F("rank"), F("id")])
        ).filter(position__lte=per_list)
    return qs


def items_by_list(items: QuerySet[Decision]) -> dict[int, list[Decision]]:
    grouped: dict[int, list[Decision]] = {}
    for item in items:
        assert item.proposed_list_id is not None
        grouped.setdefault(item.proposed_list_id, []).append(item)
    return grouped
