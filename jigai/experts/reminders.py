"""Late experts: the officer's reminder and replacement of an expert who has not scored, and the
daily reminders sent automatically (``manage.py expert_reminders``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.audit.services import audit_record
from jigai.core.permissions import require
from jigai.experts.checks import PENDING_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.draw import assignments_url, draw_replacement
from jigai.experts.models import Assignment, Panel
from jigai.experts.scoring import COMMENT_MAX, _local, _locked, _record_replacement, can_remind, can_replace
from jigai.notifications.services import notify

#: the automatic reminder goes out once this share of the time to the deadline has passed
REMIND_AFTER = Decimal(2) / Decimal(3)


# --- Reminders and replacement ----------------------------------------------------------------
def _remind_message(panel: Panel, count: int) -> str:
    return _(
        "您在“%(call)s”专家评审中还有 %(n)d 个申报未完成评分，评分截止时间为 %(when)s，请尽快登录技改通办理。"
    ) % {"call": panel.call.title, "n": count, "when": _local(panel.deadline)}


def expert_remind(*, actor: Any, assignment: Assignment) -> Assignment:
    """The officer reminds an expert who has not scored (in-app notice and e-mail, sent when the
    transaction commits); ``reminded_at`` records when."""
    require(can_remind(actor, assignment), "review.assignment.remind")
    with transaction.atomic():
        locked = _locked(assignment)
        require(can_remind(actor, locked), "review.assignment.remind")
        before = locked.reminded_at
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        notify(
            users=[locked.expert.user],
            verb=_("评分催办"),
            message=_remind_message(locked.panel, 1),
            url=assignments_url(),
            application=locked.application,
        )
        audit_record(
            actor=actor,
            action="review.assignment.remind",
            obj=locked,
            changes={"reminded_at": {"before": before, "after": locked.reminded_at}},
        )
    return locked


def remind_threshold(drawn_at: datetime, deadline: datetime) -> datetime:
    """When two thirds of the time from the draw to the deadline have passed."""
    return drawn_at + timedelta(seconds=(deadline - drawn_at).total_seconds() * float(REMIND_AFTER))


def expert_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every expert with assignments not yet scored (to declare or to score) once two
    thirds of the time to the deadline have passed — once per assignment, not again after a
    reminder sent after that point. One notice per expert and panel. Returns the experts reminded.
    Run by ``manage.py expert_reminders`` (e.g. hourly from cron)."""
    now = now or timezone.now()
    rows = (
        Assignment.objects.filter(
            status__in=PENDING_STATUSES, panel__status=PanelStatus.OPEN, panel__deadline__isnull=False
        )
        .select_related("panel", "panel__call", "expert__user")
        .order_by("panel_id", "expert_id", "pk")
    )
    due: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in rows:
        panel = assignment.panel
        assert panel.deadline is not None
        start = assignment.drawn_at or panel.drawn_at or panel.deadline
        threshold = remind_threshold(start, panel.deadline)
        if now < threshold or (assignment.reminded_at is not None and assignment.reminded_at >= threshold):
            continue
        due[(panel.pk, assignment.expert_id)].append(assignment)
    if not due:
        return 0
    with transaction.atomic():
        for assignments in due.values():
            first = assignments[0]
            notify(
                users=[first.expert.user],
                verb=_("评分催办"),
                message=_remind_message(first.panel, len(assignments)),
                url=assignments_url(),
            )
        ids = [a.pk for group in due.values() for a in group]
        Assignment.objects.filter(pk__in=ids).update(reminded_at=now)
        audit_record(
            actor=None,
            action="review.assignment.remind_batch",
            object_type="review.assignment",
            object_repr=_("评分催办"),
            changes={"assignments": {"before": None, "after": ids}},
            message=_("自动催办 %(e)d 位专家的 %(n)d 个评审任务（已过评审期的三分之二）。")
            % {"e": len(due), "n": len(ids)},
        )
    return len(due)


def expert_assignment_replace(*, actor: Any, assignment: Assignment, reason: str) -> Assignment | None:
    """The officer replaces an expert who is late or unavailable (reason required): the assignment
    becomes ``replaced`` and a replacement is drawn in the next round. Returns the replacement's
    assignment, or None when no expert is left to draw."""
    require(can_replace(actor, assignment), "review.assignment.replace")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写替换理由。")})
    if len(reason) > COMMENT_MAX:
        raise ValidationError({"reason": _("理由不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}})
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=assignment.panel_id)
        locked = _locked(assignment)
        require(can_replace(actor, locked), "review.assignment.replace")
        before = locked.status
        locked.status = AssignmentStatus.REPLACED
        locked.replacement_reason = reason
        locked.save(update_fields=["status", "replacement_reason"])
        replacements = draw_replacement(panel=panel, application=locked.application, now=timezone.now())
        _record_replacement(
            actor, locked, replacements, action="review.assignment.replace", before=before, reason=reason
        )
        if locked.expert.user.is_active:
            notify(
                users=[locked.expert.user],
                verb=_("评审任务已调整"),
                message=_("您在“%(call)s”中的一个评审任务已由市经信委另行安排专家，无需再办理。")
                % {"call": panel.call.title},
            )
    return replacements[0] if replacements else None
