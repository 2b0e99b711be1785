"""The expert's part of the review and the officer's actions on the panel (issue 4, experts).

* **Declaration** — before it may open an application, the expert declares no conflict of interest
  (``accepted``) or recuses itself with a reason (``recused``), and a replacement is drawn at once
  in the next round (:func:`jigai.experts.draw.draw_replacement`).
* **Scoring** — each criterion of the call's rubric, 0 to its maximum, two decimals, with a comment;
  an opinion on the approved investment (元, at most the application's total investment) and an
  overall comment. The weighted total is Σ score ÷ maximum × weight. Only on its own accepted
  assignment, while the panel is open and the application in expert review; a re-submission
  replaces the scores and is audited with before and after.
* **Aggregation** — with five scores or more the highest and the lowest are dropped, then the mean;
  otherwise the mean. A spread (highest − lowest) above the panel's threshold is flagged. Handed to
  the registered recorder (the decisions app stores it in the application's ``Decision``) as soon as
  every expert still on its panel has scored, and again when the panel closes.
* **The officer** reminds and replaces late experts, and closes the panel once nothing is pending;
  the scores then become visible (see :func:`jigai.experts.selectors.scores_visible`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.selectors import application_get
from jigai.audit.services import audit_record
from jigai.core.permissions import ALLOW, Decision, deny, not_now, require
from jigai.core.text import join_list
from jigai.experts.checks import ACTIVE_STATUSES, PENDING_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.draw import draw_replacement
from jigai.experts.models import Assignment, Panel, Score
from jigai.experts.permissions import can_act_as_expert, can_manage_panel
from jigai.experts.services import TWO_PLACES, rubric_ensure
from jigai.notifications.recipients import municipal_officers
from jigai.notifications.services import notify

#: scores at or above which the highest and the lowest are dropped before the mean
TRIM_FROM = 5
COMMENT_MAX = 2000


# --- What the expert may do -------------------------------------------------------------------
def _expert_decision(user: Any, assignment: Assignment, what: str) -> Decision:
    decision = can_act_as_expert(user)
    if not decision:
        return decision
    if assignment.expert.user_id != user.pk:
        return deny(_("这不是您的评审任务。"))
    if assignment.status == AssignmentStatus.RECUSED:
        return deny(_("您已回避此申报，不能%(what)s。") % {"what": what})
    if assignment.status == AssignmentStatus.REPLACED:
        return deny(_("您已被替换，不再评审此申报。"))
    return ALLOW


def can_declare(user: Any, assignment: Assignment) -> Decision:
    decision = _expert_decision(user, assignment, _("再次声明"))
    if not decision:
        return decision
    if assignment.status != AssignmentStatus.DRAWN:
        return not_now(
            _("您已于 %(t)s 声明无利益冲突。") % {"t": _local(assignment.declared_at)}
            if assignment.declared_at
            else _("此任务已声明。")
        )
    if assignment.panel.status == PanelStatus.CLOSED:
        return not_now(_("专家评审已结束。"))
    return ALLOW


def can_open_application(user: Any, assignment: Assignment) -> Decision:
    """The expert opens the application only after declaring no conflict of interest."""
    decision = _expert_decision(user, assignment, _("查看申报材料"))
    if not decision:
        return decision
    if assignment.status == AssignmentStatus.DRAWN:
        return not_now(_("请先声明是否与该申报存在利益冲突：声明无利益冲突后才能查看申报材料和评分。"))
    return ALLOW


def can_score(user: Any, assignment: Assignment) -> Decision:
    decision = can_open_application(user, assignment)
    if not decision:
        return decision
    if assignment.panel.status == PanelStatus.CLOSED:
        return not_now(_("专家评审已结束，评分不能再提交或修改。"))
    if assignment.application.status != ApplicationStatus.EXPERT_REVIEW:
        return not_now(
            _("申报当前为“%(s)s”，不在专家评审阶段，不能评分。")
            % {"s": assignment.application.get_status_display()}
        )
    return ALLOW


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- What the officer may do ------------------------------------------------------------------
def _officer_on_pending(user: Any, assignment: Assignment, what: str) -> Decision:
    decision = can_manage_panel(user)
    if not decision:
        return decision
    if assignment.panel.status == PanelStatus.CLOSED:
        return not_now(_("专家评审已结束。"))
    if assignment.status not in PENDING_STATUSES:
        return not_now(
            _("该专家的任务为“%(s)s”，不能%(what)s。") % {"s": assignment.get_status_display(), "what": what}
        )
    return ALLOW


def can_replace(user: Any, assignment: Assignment) -> Decision:
    return _officer_on_pending(user, assignment, _("替换"))


def can_remind(user: Any, assignment: Assignment) -> Decision:
    return _officer_on_pending(user, assignment, _("催办"))


def can_close_panel(user: Any, panel: Panel) -> Decision:
    decision = can_manage_panel(user)
    if not decision:
        return decision
    if panel.status == PanelStatus.CLOSED:
        return not_now(_("专家评审已于 %(t)s 结束。") % {"t": _local(panel.closed_at)})
    return ALLOW


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("panel", "panel__call", "expert", "expert__user", "application")
        .get(pk=assignment.pk)
    )


# --- Declaration ------------------------------------------------------------------------------
def expert_assignment_declare(
    *, actor: Any, assignment: Assignment, no_conflict: bool, reason: str = ""
) -> Assignment:
    """The expert's declaration before it sees the application (rules.md §1: 评审专家 scores after
    declaring no conflict of interest). A recusal needs a reason and draws a replacement at once,
    in the next round of the reproducible draw; the replacement is recorded in ``replaced_by``."""
    require(can_declare(actor, assignment), "review.assignment.declare")
    reason = (reason or "").strip()
    if not no_conflict and not reason:
        raise ValidationError({"reason": _("回避须说明理由（与申报单位的关联情况）。")})
    if len(reason) > COMMENT_MAX:
        raise ValidationError({"reason": _("理由不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}})
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=assignment.panel_id)
        locked = _locked(assignment)
        require(can_declare(actor, locked), "review.assignment.declare")
        now = timezone.now()
        locked.declared_at = now
        if no_conflict:
            locked.status = AssignmentStatus.ACCEPTED
            locked.save(update_fields=["status", "declared_at"])
            audit_record(
                actor=actor,
                action="review.assignment.declare",
                obj=locked,
                changes={"status": {"before": AssignmentStatus.DRAWN, "after": locked.status}},
                message=_("声明与该申报无利益冲突"),
            )
            return locked
        locked.status = AssignmentStatus.RECUSED
        locked.recusal_reason = reason
        locked.save(update_fields=["status", "declared_at", "recusal_reason"])
        replacements = draw_replacement(panel=panel, application=locked.application, now=now)
        _record_replacement(
            actor,
            locked,
            replacements,
            action="review.assignment.recuse",
            before=AssignmentStatus.DRAWN,
            reason=reason,
        )
    return locked


def _record_replacement(
    actor: Any,
    assignment: Assignment,
    replacements: Sequence[Assignment],
    *,
    action: str,
    before: str,
    reason: str,
) -> None:
    changes: dict[str, Any] = {"status": {"before": before, "after": assignment.status}}
    if replacements:
        assignment.replaced_by = replacements[0]
        assignment.save(update_fields=["replaced_by"])
        changes["replaced_by"] = {"before": None, "after": replacements[0].pk}
        message = _("%(reason)s；已按第 %(round)d 轮抽取替补专家。") % {
            "reason": reason,
            "round": replacements[0].draw_round,
        }
    else:
        message = _("%(reason)s；专家库中已无可替补的专家，请扩充专家库后补充抽取。") % {"reason": reason}
        application = assignment.application
        notify(
            users=municipal_officers(),
            verb=_("专家替补不足"),
            message=_("申报“%(name)s”（%(ref)s）的一位评审专家回避或被替换，专家库中已无可替补的专家。")
            % {"name": application.name, "ref": application.reference_number or application.pk},
            application=application,
            exclude=actor,
        )
    audit_record(actor=actor, action=action, obj=assignment, changes=changes, message=message)


# --- Opening the application ------------------------------------------------------------------
def assignment_application(*, actor: Any, assignment: Assignment) -> Application:
    """The application of the expert's assignment, only after it declared no conflict (refused
    with the reason before); read through the applications' own scoped selector."""
    require(can_open_application(actor, assignment), "review.assignment.application")
    return application_get(actor=actor, pk=assignment.application_id)


# --- Scoring ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreInput:
    score: Any
    comment: str = ""


def _two_places(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.quantize(TWO_PLACES):
        return None
    return number


def weighted_total(rows: Sequence[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """Σ score ÷ maximum × weight over (score, maximum, weight), to two places (half up)."""
    total = sum((score / maximum * weight for score, maximum, weight in rows), Decimal("0"))
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def expert_scores_submit(
    *,
    actor: Any,
    assignment: Assignment,
    scores: Mapping[str, ScoreInput],
    investment_opinion: Any,
    overall_comment: str,
) -> Assignment:
    """Score the application of the expert's own accepted assignment (or score it again before the
    panel closes: the new scores replace the old, the audit event keeps both). Every criterion of
    the call's rubric is required, from 0 to its maximum with at most two decimals, with a comment.
    When every expert still on the application's panel has scored, the scores are aggregated."""
    require(can_score(actor, assignment), "review.assignment.score")
    criteria = rubric_ensure(assignment.panel.call)
    errors: dict[str, str] = {}
    values: list[tuple[Any, Decimal, str]] = []
    for criterion in criteria:
        given = scores.get(criterion.code)
        where = f"scores.{criterion.code}"
        if given is None or given.score in (None, ""):
            errors[where] = _("请为“%(n)s”打分。") % {"n": criterion.name}
            continue
        score = _two_places(given.score)
        if score is None or not Decimal("0") <= score <= criterion.max_score:
            errors[where] = _("“%(n)s”的得分须在 0 至 %(max)s 之间，最多两位小数。") % {
                "n": criterion.name,
                "max": f"{criterion.max_score.normalize():f}",
            }
            continue
        comment = (given.comment or "").strip()
        if not comment:
            errors[f"{where}.comment"] = _("请填写“%(n)s”的评分意见。") % {"n": criterion.name}
        elif len(comment) > COMMENT_MAX:
            errors[f"{where}.comment"] = _("评分意见不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}
        values.append((criterion, score, comment))
    unknown = sorted(set(scores) - {c.code for c in criteria})
    if unknown:
        errors["scores"] = _("评分细则中没有评分项“%(c)s”。") % {"c": join_list(unknown)}
    opinion = _two_places(investment_opinion) if investment_opinion not in (None, "") else None
    total_investment = assignment.application.total_investment
    if opinion is None or not Decimal("0") <= opinion <= total_investment:
        errors["investment_opinion"] = _(
            "建议核定总投资须在 0 至申报总投资 %(t)s 元之间（单位：元，最多两位小数）。"
        ) % {"t": f"{total_investment:,.2f}"}
    overall_comment = (overall_comment or "").strip()
    if not overall_comment:
        errors["overall_comment"] = _("请填写总体评审意见。")
    elif len(overall_comment) > COMMENT_MAX:
        errors["overall_comment"] = _("总体评审意见不能超过 %(n)d 个字。") % {"n": COMMENT_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(assignment)
        require(can_score(actor, locked), "review.assignment.score")
        before = _score_snapshot(locked)
        Score.objects.filter(assignment=locked).delete()
        Score.objects.bulk_create(
            Score(assignment=locked, criterion=criterion, score=score, comment=comment)
            for criterion, score, comment in values
        )
        resubmission = locked.status == AssignmentStatus.SCORED
        locked.total_score = weighted_total([(s, c.max_score, c.weight) for c, s, _c in values])
        locked.investment_opinion = opinion
        locked.overall_comment = overall_comment
        locked.status = AssignmentStatus.SCORED
        locked.scored_at = timezone.now()
        locked.save(
            update_fields=["total_score", "investment_opinion", "overall_comment", "status", "scored_at"]
        )
        after = _score_snapshot(locked)
        audit_record(
            actor=actor,
            action="review.assignment.rescore" if resubmission else "review.assignment.score",
            obj=locked,
            changes={k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v},
        )
        if _all_scored(locked.application_id):
            expert_scores_aggregate(application=locked.application)
    return locked


def _score_snapshot(assignment: Assignment) -> dict[str, Any]:
    scores = dict(assignment.scores.values_list("criterion__code", "score"))
    return {
        "status": assignment.status,
        "scores": {k: str(v) for k, v in sorted(scores.items())} or None,
        "total_score": assignment.total_score,
        "investment_opinion": assignment.investment_opinion,
        "overall_comment": assignment.overall_comment,
    }


def _all_scored(application_id: int) -> bool:
    counts = Assignment.objects.filter(application_id=application_id, status__in=ACTIVE_STATUSES).aggregate(
        active=Count("id"), scored=Count("id", filter=Q(status=AssignmentStatus.SCORED))
    )
    return bool(counts["active"]) and counts["active"] == counts["scored"]


# --- Aggregation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Aggregate:
    count: int
    final_score: Decimal | None
    spread: Decimal | None
    flagged: bool
    trimmed: bool


#: where the aggregated results are kept: the decisions app, which owns the comprehensive review's
#: record (``Decision.final_score``, ``score_spread_flag``), registers its writer from its
#: ``AppConfig.ready`` (this app may not import that later one). Each gets {application id: result}.
ResultsRecorder = Callable[[Mapping[int, Aggregate]], None]
_RECORDERS: list[ResultsRecorder] = []


def register_results_recorder(recorder: ResultsRecorder) -> None:
    if recorder not in _RECORDERS:
        _RECORDERS.append(recorder)


def _record(results: Mapping[int, Aggregate]) -> None:
    for recorder in _RECORDERS:
        recorder(results)


def aggregate_totals(totals: Sequence[Decimal], threshold: Decimal) -> Aggregate:
    """Five or more: drop one highest and one lowest, then the mean; fewer: the mean. Spread is
    highest − lowest of all the scores; flagged when above ``threshold``."""
    if not totals:
        return Aggregate(0, None, None, False, False)
    ordered = sorted(totals)
    kept = ordered[1:-1] if len(ordered) >= TRIM_FROM else ordered
    mean = (sum(kept, Decimal("0")) / len(kept)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    spread = ordered[-1] - ordered[0]
    return Aggregate(len(ordered), mean, spread, spread > threshold, len(ordered) >= TRIM_FROM)


def expert_scores_aggregate(*, application: Application) -> Aggregate:
    """Aggregate the scores of the application's experts still on its panel into its Decision
    (``final_score``, ``score_spread_flag``), creating the Decision row when missing."""
    rows = list(
        Assignment.objects.filter(application=application, status=AssignmentStatus.SCORED).values_list(
            "total_score", "panel__spread_threshold"
        )
    )
    if not rows:
        return Aggregate(0, None, None, False, False)
    result = aggregate_totals([r[0] for r in rows if r[0] is not None], rows[0][1])
    with transaction.atomic():
        _record({application.pk: result})
    return result


def _aggregate_panel(panel: Panel) -> int:
    """Aggregate every application of the panel in a few queries; returns how many."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    rows = Assignment.objects.filter(panel=panel, status=AssignmentStatus.SCORED).values_list(
        "application_id", "total_score"
    )
    for application_id, total in rows:
        if total is not None:
            totals[application_id].append(total)
    results = {pk: aggregate_totals(values, panel.spread_threshold) for pk, values in totals.items()}
    _record(results)
    return len(results)


# --- Closing the panel ------------------------------------------------------------------------
def panel_close_problems(panel: Panel) -> list[str]:
    """What keeps the panel from closing: experts who have not scored (nor been replaced), and
    applications in expert review without any expert."""
    problems: list[str] = []
    pending = panel.assignments.filter(status__in=PENDING_STATUSES).aggregate(
        drawn=Count("id", filter=Q(status=AssignmentStatus.DRAWN)),
        accepted=Count("id", filter=Q(status=AssignmentStatus.ACCEPTED)),
    )
    if pending["drawn"] or pending["accepted"]:
        problems.append(
            _("尚有 %(n)d 个评审任务未完成（%(d)d 个待声明、%(a)d 个待评分），请催办或替换专家后再结束评审。")
            % {"n": pending["drawn"] + pending["accepted"], "d": pending["drawn"], "a": pending["accepted"]}
        )
    unassigned = (
        Application.objects.filter(call_id=panel.call_id, status=ApplicationStatus.EXPERT_REVIEW)
        .exclude(expert_assignments__status__in=ACTIVE_STATUSES)
        .count()
    )
    if unassigned:
        problems.append(_("有 %(n)d 个专家评审中的申报还没有评审专家，请先抽取。") % {"n": unassigned})
    return problems


def expert_panel_close(*, actor: Any, panel: Panel) -> Panel:
    """Close the call's expert review (the commission's officer): refused while an expert has
    neither scored nor been replaced. Every application's scores are aggregated once more, and from
    now on the scores are visible to the officers (and to the panel's experts)."""
    require(can_close_panel(actor, panel), "review.panel.close")
    with transaction.atomic():
        locked = Panel.objects.select_for_update().get(pk=panel.pk)
        require(can_close_panel(actor, locked), "review.panel.close")
        problems = panel_close_problems(locked)
        if problems:
            raise ValidationError(problems)
        aggregated = _aggregate_panel(locked)
        locked.status = PanelStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="review.panel.close",
            obj=locked,
            changes={"status": {"before": PanelStatus.OPEN, "after": PanelStatus.CLOSED}},
            message=_("专家评审结束，汇总 %(n)d 个申报的评分。") % {"n": aggregated},
        )
    return locked
