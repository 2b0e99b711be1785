"""Reads of the comprehensive review: the ranking of a call's applications with their amounts, the
running total and the budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, F, Q, QuerySet

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.budget import budget_figure
from jigai.calls.models import Call
from jigai.core.permissions import require
from jigai.decisions.amounts import ZERO, Amounts, amounts_for
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.permissions import can_read_ranking
from jigai.experts.choices import AssignmentStatus


# --- the ranking ------------------------------------------------------------------------------
@dataclass
class RankingRow:
    rank: int
    application: Application
    decision: Decision | None
    opinion_mean: Decimal | None
    amounts: Amounts
    running_total: Decimal
    over_budget: bool
    removed: bool = False

    @property
    def final_score(self) -> Decimal | None:
        return self.decision.final_score if self.decision else None

    @property
    def spread_flag(self) -> bool:
        return bool(self.decision and self.decision.score_spread_flag)


@dataclass
class Ranking:
    call: Call
    rows: list[RankingRow]
    budget: Decimal | None
    total: Decimal
    proposed_list: ProposedList | None

    @property
    def frozen(self) -> bool:
        return self.proposed_list is not None and self.proposed_list.status != ProposedListStatus.DRAFT

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.total > self.budget

    @property
    def within_budget_ids(self) -> list[int]:
        return [r.application.pk for r in self.rows if not r.over_budget and not r.removed]


def _decision_of(application: Application) -> Decision | None:
    try:
        return application.decision
    except Decision.DoesNotExist:
        return None


def _in_review(call: Call) -> QuerySet[Application]:
    """The applications of ``call`` in comprehensive review, best first, with their decisions and
    the experts' mean investment opinion, in one query."""
    applications: QuerySet[Application] = (
        Application.objects.filter(call=call, status=ApplicationStatus.COMPREHENSIVE_REVIEW)
        .select_related("enterprise", "district", "rules", "decision")
        .annotate(
            opinion_mean=Avg(
                "expert_assignments__investment_opinion",
                filter=Q(expert_assignments__status=AssignmentStatus.SCORED),
            )
        )
        .order_by(
            F("decision__final_score").desc(nulls_last=True),
            F("submitted_at").asc(nulls_last=True),
            "id",
        )
    )
    return applications


def _listed(proposed_list: ProposedList) -> QuerySet[Application]:
    """The applications of a proposed list (removed ones too), in the order proposed."""
    return (
        Application.objects.filter(decision__proposed_list=proposed_list)
        .select_related("enterprise", "district", "rules", "decision")
        .order_by("decision__rank", "id")
    )


def _rows(applications: QuerySet[Application], budget: Decimal | None, *, stored: bool) -> list[RankingRow]:
    rows: list[RankingRow] = []
    running = ZERO
    for rank, application in enumerate(applications, start=1):
        decision = _decision_of(application)
        mean = getattr(application, "opinion_mean", None)
        mean = None if mean is None else Decimal(mean)
        if stored and decision is not None and decision.approved_support is not None:
            amounts = Amounts(
                decision.approved_investment or ZERO,
                False,
                decision.formula_support or ZERO,
                decision.approved_support,
            )
            rank = decision.rank or rank
        else:
            amounts = amounts_for(application, decision, mean)
        removed = bool(decision and decision.removed_at)
        if not removed:
            running += amounts.approved_support
        rows.append(
            RankingRow(
                rank=rank,
                application=application,
                decision=decision,
                opinion_mean=mean,
                amounts=amounts,
                running_total=running,
                over_budget=budget is not None and running > budget and not removed,
                removed=removed,
            )
        )
    return rows


def call_ranking(*, actor: Any, call: Call) -> Ranking:
    """The ranking of ``call`` (see the module docs). Once the list is proposed it shows the list
    as proposed (frozen amounts; applications removed by an upheld objection marked)."""
    require(can_read_ranking(actor), "review.ranking")
    proposed_list = ProposedList.objects.filter(call=call).first()
    if proposed_list is not None and proposed_list.status != ProposedListStatus.DRAFT:
        rows = _rows(_listed(proposed_list), budget_figure(call), stored=True)
    else:
        rows = _rows(_in_review(call), budget_figure(call), stored=False)
    total = sum((r.amounts.approved_support for r in rows if not r.removed), ZERO)
    return Ranking(call=call, rows=rows, budget=budget_figure(call), total=total, proposed_list=proposed_list)
