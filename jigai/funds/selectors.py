"""Reads of the funds app; every one starts from what the user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from jigai.core.permissions import require
from jigai.funds import permissions
from jigai.funds.choices import BudgetSource
from jigai.funds.models import Budget, FundPlan, FundPlanItem, FundShare, Instalment, Payment, Recovery

FIGURES = ("total", "committed", "disbursed", "recovered", "available")


def ranking_budget_figure(call: Any) -> Decimal | None:
    """The ranking's budget figure: what the municipal special fund of the call's year has available,
    plus what this call's own approved plans hold of it (so the ranking of a call does not change
    when its own plan is committed). None when that budget is not set up: the ranking then falls
    back to the figure set on the call (calls made before the funds ledger)."""
    budget = Budget.objects.filter(
        fiscal_year=call.year, source=BudgetSource.MUNICIPAL, district__isnull=True
    ).first()
    if budget is None:
        return None
    own = FundShare.objects.filter(budget=budget, item__plan__call=call).aggregate(held=Sum("committed"))[
        "held"
    ]
    figure: Decimal = budget.available + (own or Decimal("0.00"))
    return figure


def budget_list(
    *, actor: Any, fiscal_year: int | None = None, source: str | None = None, district: str | None = None
) -> QuerySet[Budget]:
    """Budget execution: each budget with its figures (one query, the figures are kept on the row)."""
    require(permissions.can_read_funds(actor), "funds.budget_list")
    qs = Budget.objects.visible_to(actor).select_related("district")
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if source:
        qs = qs.filter(source=source)
    if district:
        qs = qs.filter(district_id=district)
    return qs.order_by("-fiscal_year", "source", "district__sort_order", "id")


def budget_get(*, actor: Any, pk: int) -> Budget:
    require(permissions.can_read_funds(actor), "funds.budget_get")
    budget: Budget = Budget.objects.visible_to(actor).select_related("district").get(pk=pk)
    return budget


def budget_projects(*, actor: Any, budget: Budget) -> QuerySet[FundShare]:
    """The drill-down: the projects a budget pays, with what each holds, has paid and got back."""
    return (
        FundShare.objects.visible_to(actor)
        .filter(budget=budget)
        .select_related("item__application__enterprise", "item__district", "item__plan")
        .order_by("item__plan_id", "item_id", "id")
    )


def plan_list(*, actor: Any, status: str | None = None) -> QuerySet[FundPlan]:
    require(permissions.can_read_funds(actor), "funds.plan_list")
    qs = FundPlan.objects.visible_to(actor).select_related("call", "drafted_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-drafted_at", "-id")


def plan_get(*, actor: Any, pk: int) -> FundPlan:
    require(permissions.can_read_funds(actor), "funds.plan_get")
    plan: FundPlan = (
        FundPlan.objects.visible_to(actor)
        .select_related("call", "drafted_by", "head_approved_by", "finance_approved_by")
        .get(pk=pk)
    )
    return plan


def plan_items(*, actor: Any, plan: FundPlan) -> QuerySet[FundPlanItem]:
    """A plan's projects the user may see (a district: its district's), shares and instalments prefetched."""
    return (
        FundPlanItem.objects.visible_to(actor)
        .filter(plan=plan)
        .select_related("application__enterprise", "district")
        .prefetch_related(
            Prefetch(
                "shares",
                queryset=FundShare.objects.select_related("budget").prefetch_related(
                    Prefetch("instalments", queryset=Instalment.objects.order_by("sequence"))
                ),
            )
        )
        .order_by("id")
    )


def project_funds(*, actor: Any) -> QuerySet[FundPlanItem]:
    """The projects with funds the user may see: for an enterprise its own projects in approved plans."""
    require(permissions.can_read_own_funds(actor), "funds.project_funds")
    return (
        FundPlanItem.objects.visible_to(actor)
        .filter(plan__status="approved")
        .select_related("application", "plan", "district")
        .prefetch_related("shares__instalments", "shares__payments")
        .order_by("-plan__finance_approved_at", "id")
    )


def payment_list(*, actor: Any, share: FundShare | None = None) -> QuerySet[Payment]:
    require(permissions.can_read_own_funds(actor), "funds.payment_list")
    qs = Payment.objects.visible_to(actor).select_related("share__item__application", "instalment")
    if share is not None:
        qs = qs.filter(share=share)
    return qs.order_by("-paid_on", "-id")


def recovery_list(*, actor: Any) -> QuerySet[Recovery]:
    require(permissions.can_read_funds(actor), "funds.recovery_list")
    return (
        Recovery.objects.visible_to(actor)
        .select_related("share__item__application")
        .order_by("-created_at", "-id")
    )
