"""Comprehensive review (综合评审) and the proposed list (拟支持名单) — rules.md §2 step 6 and §3.

The ranking
    A call's applications in comprehensive review, by the experts' final score (highest first;
    ties by submission time, then id), each with its approved (核定) total input, the support the
    call's formula gives on it, the approved support and the running total against the call's
    budget figure (:func:`jigai.calls.budget.budget_figure`: the funds ledger's municipal special
    fund for the call's year, else the figure set on the call). A row whose running total passes the
    budget is flagged.

The amounts
    * approved investment — entered by the commission's officer; by default the mean of the
      experts' investment opinions, or the declared total when no expert gave one; never above
      the declared total;
    * formula support — ``min(rate × approved investment, cap)`` rounded down to the fen, with the
      rate and cap of the rules the application was submitted under
      (:func:`jigai.applications.amounts.support_amount`);
    * approved support — the formula by default; the officer may LOWER it with a reason, never
      raise it above the formula.

The proposal
    The municipal head proposes the list: the chosen applications are proposed (``propose``), the
    others not (``not_proposed``, with the reason), in one transaction under a lock on the call
    row, so two proposals of one call are serialised and the second is refused; the total never
    passes the budget. The amounts are written on each :class:`~jigai.decisions.models.Decision` and
    frozen from then on.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.applications.amounts import FEN
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.services import application_transition
from jigai.audit.services import audit_record, diff, snapshot
from jigai.calls.budget import budget_figure
from jigai.calls.models import Call
from jigai.core.money import format_wan, format_yuan
from jigai.core.permissions import require
from jigai.core.text import join_list
from jigai.decisions.amounts import ZERO, default_investment, expert_opinion_mean, formula_support
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.permissions import can_propose, can_set_amounts
from jigai.decisions.selectors import _in_review, _rows
from jigai.experts.scoring import Aggregate

AMOUNT_FIELDS = (
    "approved_investment",
    "formula_support",
    "approved_support",
    "reduction_reason",
    "decided_by",
    "decided_at",
)


# --- setting the amounts ----------------------------------------------------------------------
def _frozen_message(proposed_list: ProposedList) -> str:
    when = (
        timezone.localtime(proposed_list.proposed_at).strftime("%Y-%m-%d %H:%M")
        if proposed_list.proposed_at
        else ""
    )
    return _("本批次拟支持名单已于 %(t)s 提出，核定金额已冻结，不能再修改。") % {"t": when}


def amounts_refusal(application: Application) -> str:
    """Why the application's amounts cannot be changed now ("" while they can): the page shows
    them read-only with this reason instead of a form that refuses only after a click."""
    proposed_list = ProposedList.objects.filter(call_id=application.call_id).first()
    if proposed_list is not None and proposed_list.status != ProposedListStatus.DRAFT:
        return _frozen_message(proposed_list)
    if application.status != ApplicationStatus.COMPREHENSIVE_REVIEW:
        return _("申报当前状态为“%(s)s”，只有综合评审中的项目可以核定金额。") % {
            "s": application.get_status_display()
        }
    return ""


def _money_errors(value: Decimal, label: str) -> str | None:
    if value != value.quantize(FEN):
        return _("%(f)s最多保留两位小数（精确到分）。") % {"f": label}
    if value < 0:
        return _("%(f)s不能为负数。") % {"f": label}
    return None


def decision_set_amounts(
    *,
    actor: Any,
    application: Application,
    approved_investment: Decimal | None,
    approved_support: Decimal | None = None,
    reduction_reason: str = "",
) -> Decision:
    """Record the approved investment and support of an application in comprehensive review.

    ``approved_investment`` None takes the default (the experts' mean opinion, else the declared
    total); it may not exceed the declared total. ``approved_support`` None takes the formula; it
    may be lower than the formula with a reason, never higher (rules.md §3: the approved amount is
    the formula on the approved input). Refused once the call's list is proposed (frozen).
    Municipal officer or head; audited with before and after."""
    require(can_set_amounts(actor), "review.decision_set_amounts")
    reason = (reduction_reason or "").strip()
    with transaction.atomic():
        # The call row first, as the proposal does: the two never interleave.
        Call.objects.select_for_update().get(pk=application.call_id)
        locked = Application.objects.select_for_update().select_related("rules").get(pk=application.pk)
        proposed_list = ProposedList.objects.filter(call_id=locked.call_id).first()
        if proposed_list is not None and proposed_list.status != ProposedListStatus.DRAFT:
            raise ValidationError(_frozen_message(proposed_list))
        if locked.status != ApplicationStatus.COMPREHENSIVE_REVIEW:
            raise ValidationError(
                _("申报当前状态为“%(s)s”，只有综合评审中的项目可以核定金额。")
                % {"s": locked.get_status_display()}
            )
        declared = locked.total_investment
        investment = (
            approved_investment
            if approved_investment is not None
            else default_investment(locked, expert_opinion_mean(locked))
        )
        errors: dict[str, str] = {}
        problem = _money_errors(investment, _("核定总投入"))
        if problem:
            errors["approved_investment"] = problem
        elif investment <= 0:
            errors["approved_investment"] = _("核定总投入应大于 0。")
        elif investment > declared:
            errors["approved_investment"] = _("核定总投入 %(a)s 元不能超过申报总投资 %(d)s 元。") % {
                "a": format_yuan(investment, unit=False),
                "d": format_yuan(declared, unit=False),
            }
        formula = support = ZERO
        if not errors:
            formula = formula_support(locked, investment)
            support = approved_support if approved_support is not None else formula
            problem = _money_errors(support, _("核定支持金额"))
            if problem:
                errors["approved_support"] = problem
            elif support > formula:
                errors["approved_support"] = _(
                    "核定支持金额 %(s)s 元高于按公式计算的 %(f)s 元（核定总投入 × 支持比例 %(r)s%%，"
                    "单个项目上限 %(c)s 元），只能调减，不能调高。"
                ) % {
                    "s": format_yuan(support, unit=False),
                    "f": format_yuan(formula, unit=False),
                    "r": (locked.rules.support_rate * 100).normalize(),
                    "c": format_yuan(locked.rules.cap_per_project, unit=False),
                }
            elif support < formula and not reason:
                errors["reduction_reason"] = _("核定支持金额低于按公式计算的 %(f)s 元，请填写调减理由。") % {
                    "f": format_yuan(formula, unit=False)
                }
        if errors:
            raise ValidationError(errors)
        decision, _created = Decision.objects.select_for_update().get_or_create(application=locked)
        before = snapshot(decision, AMOUNT_FIELDS)
        decision.approved_investment = investment
        decision.formula_support = formula
        decision.approved_support = support
        decision.reduction_reason = reason if support < formula else ""
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.save()
        changes = diff(before, snapshot(decision, AMOUNT_FIELDS))
        changes.pop("decided_at", None)
        audit_record(
            actor=actor,
            action="review.decision_set_amounts",
            obj=locked,
            changes=changes,
            message=decision.reduction_reason,
        )
    return decision


# --- proposing the list -----------------------------------------------------------------------
def proposed_list_propose(
    *, actor: Any, call: Call, application_ids: list[int], not_proposed_reason: str = ""
) -> ProposedList:
    """The municipal head proposes the list of ``call``: the chosen applications (in comprehensive
    review) are proposed with their amounts, every other one of the ranking is not proposed with
    ``not_proposed_reason``. Refuses an empty choice, an application not in the ranking, a missing
    reason, a call without a budget, a total above the budget, and a second proposal. The call
    row is locked for the whole transaction, so concurrent proposals are serialised."""
    require(can_propose(actor), "review.proposed_list_propose")
    chosen_ids = list(dict.fromkeys(int(i) for i in application_ids))
    reason = (not_proposed_reason or "").strip()
    if not chosen_ids:
        raise ValidationError({"application_ids": _("请至少选择一个拟支持的项目。")})
    with transaction.atomic():
        locked_call = Call.objects.select_for_update().get(pk=call.pk)
        ProposedList.objects.get_or_create(call=locked_call)
        proposed_list = ProposedList.objects.select_for_update().get(call=locked_call)
        if proposed_list.status != ProposedListStatus.DRAFT:
            raise ValidationError(
                _("本批次的拟支持名单已提出（%(s)s），不能再次提出。")
                % {"s": proposed_list.get_status_display()}
            )
        budget = budget_figure(locked_call)
        if budget is None:
            raise ValidationError(_("本批次尚未设定专项资金预算，不能提出拟支持名单。"))
        # Lock the rows (a separate query: FOR UPDATE cannot go with the ranking's GROUP BY).
        list(
            Application.objects.select_for_update()
            .filter(call=locked_call, status=ApplicationStatus.COMPREHENSIVE_REVIEW)
            .values_list("pk", flat=True)
        )
        rows = _rows(_in_review(locked_call), budget, stored=False)
        by_id = {r.application.pk: r for r in rows}
        unknown = [i for i in chosen_ids if i not in by_id]
        if unknown:
            raise ValidationError(
                {
                    "application_ids": _("以下申报不在本批次的综合评审中，不能列入名单：%(ids)s。")
                    % {"ids": join_list(str(i) for i in unknown)}
                }
            )
        chosen_set = set(chosen_ids)
        chosen = [r for r in rows if r.application.pk in chosen_set]
        others = [r for r in rows if r.application.pk not in chosen_set]
        if others and not reason:
            raise ValidationError(
                {
                    "not_proposed_reason": _("有 %(n)d 个项目未列入名单，请填写未列入的原因。")
                    % {"n": len(others)}
                }
            )
        empty = [r for r in chosen if r.amounts.approved_support <= 0]
        if empty:
            raise ValidationError(
                {
                    "application_ids": _("以下项目的核定支持金额为 0，不能列入名单：%(p)s。")
                    % {"p": join_list(r.application.name or str(r.application.pk) for r in empty)}
                }
            )
        total = sum((r.amounts.approved_support for r in chosen), ZERO)
        if total > budget:
            raise ValidationError(
                {
                    "application_ids": _(
                        "拟支持金额合计 %(t)s 万元，超过本批次预算 %(b)s 万元（超出 %(o)s 万元），"
                        "请减少项目或调减金额。"
                    )
                    % {
                        "t": format_wan(total, unit=False),
                        "b": format_wan(budget, unit=False),
                        "o": format_wan(total - budget, unit=False),
                    }
                }
            )
        now = timezone.now()
        for rank, row in enumerate(rows, start=1):
            decision = row.decision or Decision(application=row.application)
            decision.rank = rank
            if row.application.pk in chosen_set:
                decision.approved_investment = row.amounts.approved_investment
                decision.formula_support = row.amounts.formula_support
                decision.approved_support = row.amounts.approved_support
                decision.decided_by = decision.decided_by or actor
                decision.decided_at = decision.decided_at or now
                decision.proposed_list = proposed_list
            decision.save()
            row.application.decision = decision
        for row in chosen:
            application_transition(actor=actor, application=row.application, action="propose")
        for row in others:
            application_transition(
                actor=actor, application=row.application, action="not_proposed", comment=reason
            )
        before = snapshot(proposed_list, ["status", "total_support"])
        proposed_list.status = ProposedListStatus.PROPOSED
        proposed_list.total_support = total
        proposed_list.proposed_by = actor
        proposed_list.proposed_at = now
        proposed_list.save()
        changes = diff(before, snapshot(proposed_list, ["status", "total_support"]))
        changes["items"] = {"before": [], "after": [r.application.pk for r in chosen]}
        audit_record(
            actor=actor,
            action="review.proposed_list_propose",
            obj=proposed_list,
            changes=changes,
            message=_("拟支持 %(n)d 个项目，合计 %(t)s 万元（预算 %(b)s 万元）；未列入 %(m)d 个：%(r)s")
            % {
                "n": len(chosen),
                "t": format_wan(total, unit=False),
                "b": format_wan(budget, unit=False),
                "m": len(others),
                "r": reason,
            },
        )
    return proposed_list


def proposed_list_total(proposed_list: ProposedList) -> Decimal:
    """The approved support of the list's applications that were not removed."""
    values = Decision.objects.filter(proposed_list=proposed_list, removed_at__isnull=True).values_list(
        "approved_support", flat=True
    )
    return sum((v or ZERO for v in values), ZERO)


def decision_scores_record(results: Mapping[int, Aggregate]) -> None:
    """Keep the experts' aggregated results in each application's Decision (``final_score``,
    ``score_spread_flag``), creating the row when missing; registered with the experts app. One
    application (its last expert scored) is written on its locked row, so two last scores at once
    cannot lose one; a closing panel's many in bulk."""
    if len(results) == 1:
        ((pk, result),) = results.items()
        decision, _created = Decision.objects.select_for_update().get_or_create(application_id=pk)
        decision.final_score = result.final_score
        decision.score_spread_flag = result.flagged
        decision.save(update_fields=["final_score", "score_spread_flag"])
        return
    existing = {d.application_id: d for d in Decision.objects.filter(application_id__in=list(results))}
    for pk, result in results.items():
        decision = existing.get(pk) or Decision(application_id=pk)
        decision.final_score = result.final_score
        decision.score_spread_flag = result.flagged
        existing[pk] = decision
    Decision.objects.bulk_update(
        [d for d in existing.values() if d.pk], ["final_score", "score_spread_flag"], batch_size=1000
    )
    Decision.objects.bulk_create([d for d in existing.values() if not d.pk], batch_size=1000)
