"""The formula of the support amount and the amounts a decision starts from (rules.md §3: rate ×
approved eligible investment, capped, rounded down to the fen)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Avg

from jigai.applications.amounts import FEN, support_amount
from jigai.applications.models import Application
from jigai.decisions.models import Decision
from jigai.experts.choices import AssignmentStatus

ZERO = Decimal("0.00")


# --- amounts ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Amounts:
    approved_investment: Decimal
    investment_is_default: bool
    formula_support: Decimal
    approved_support: Decimal

    @property
    def reduced(self) -> bool:
        return self.approved_support < self.formula_support


def default_investment(application: Application, opinion_mean: Decimal | None) -> Decimal:
    """The experts' mean opinion on the approved investment, else the declared total; never above
    the declared total."""
    declared = application.total_investment
    if opinion_mean is None:
        return declared
    return min(Decimal(opinion_mean).quantize(FEN, rounding=ROUND_DOWN), declared)


def formula_support(application: Application, investment: Decimal) -> Decimal:
    """The call's formula on ``investment``, under the rules the application was submitted under."""
    rules = application.rules
    return support_amount(rate=rules.support_rate, eligible_input=investment, cap=rules.cap_per_project)


def amounts_for(application: Application, decision: Decision | None, opinion_mean: Decimal | None) -> Amounts:
    """What the officer entered, else the defaults."""
    if decision is not None and decision.approved_investment is not None:
        investment, is_default = decision.approved_investment, False
    else:
        investment, is_default = default_investment(application, opinion_mean), True
    formula = formula_support(application, investment)
    support = formula
    if decision is not None and decision.approved_support is not None and not is_default:
        support = decision.approved_support
    return Amounts(investment, is_default, formula, support)


def expert_opinion_mean(application: Application) -> Decimal | None:
    value = application.expert_assignments.filter(
        status=AssignmentStatus.SCORED, investment_opinion__isnull=False
    ).aggregate(mean=Avg("investment_opinion"))["mean"]
    return None if value is None else Decimal(value)
