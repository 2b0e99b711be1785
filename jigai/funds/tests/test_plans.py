"""Budgets as a ledger, fund plan drafting and the two-person approval that commits the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jigai.core.permissions import PermissionRefused
from jigai.funds import ledger, services
from jigai.funds.choices import BudgetSource, EntryKind, FundPlanStatus, ShareLevel
from jigai.funds.models import Budget, BudgetEntry, FundShare, Instalment
from jigai.funds.selectors import ranking_budget_figure
from jigai.funds.tests import factories as f

pytestmark = pytest.mark.django_db


def figures(budget: Budget) -> dict[str, Decimal]:
    budget.refresh_from_db()
    return {
        name: getattr(budget, name) for name in ("total", "committed", "disbursed", "recovered", "available")
    }


def test_a_budget_changes_only_by_entries_that_sum_to_its_figures():
    budget = f.budget("10000000.00")
    services.budget_adjust(actor=f.finance(), budget=budget, amount=Decimal("2000000.00"), note="追加预算")
    services.budget_adjust(actor=f.finance(), budget=budget, amount=Decimal("-500000.00"), note="调减")
    assert figures(budget)["total"] == Decimal("11500000.00")
    assert list(BudgetEntry.objects.filter(budget=budget).values_list("kind", flat=True)) == [
        EntryKind.APPROPRIATION,
        EntryKind.ADJUSTMENT,
        EntryKind.ADJUSTMENT,
    ]
    assert ledger.figures_from_entries(budget) == figures(budget)


def test_the_database_refuses_a_budget_below_zero():
    budget = f.budget("100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(committed=Decimal("101.00"), available=Decimal("-1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        # available must equal total less committed: a figure cannot be edited on its own
        Budget.objects.filter(pk=budget.pk).update(available=Decimal("200.00"))


def test_lowering_a_budget_below_what_is_available_is_refused():
    budget = f.budget("100.00")
    with pytest.raises(ValidationError, match="超过可用余额"):
        services.budget_adjust(actor=f.finance(), budget=budget, amount=Decimal("-100.01"), note="调减")
    assert figures(budget)["total"] == Decimal("100.00")


def test_who_keeps_which_budget():
    with pytest.raises(PermissionRefused):
        services.budget_create(
            actor=f.district_finance(), fiscal_year=2026, source=BudgetSource.MUNICIPAL, amount=Decimal(1)
        )
    from jigai.reference.models import District

    with pytest.raises(PermissionRefused, match="只能管理本区的预算"):
        services.budget_create(
            actor=f.district_finance("310115"),
            fiscal_year=2026,
            source=BudgetSource.DISTRICT,
            district=District.objects.get(code="310104"),
            amount=Decimal(1),
        )
    with pytest.raises(PermissionRefused):
        services.budget_create(
            actor=f.finance(),
            fiscal_year=2026,
            source=BudgetSource.DISTRICT,
            district=District.objects.get(code="310115"),
            amount=Decimal(1),
        )


def test_drafting_splits_the_support_into_shares_and_instalments():
    call = f.call(national_matching_ratio="0.5000")
    project = f.approved_project(call, total="30000000.00")  # 300万元 support
    plan = f.drafted(call, central_support={project.pk: Decimal("2000000.00")})
    item = plan.items.get()
    # the district rule of the call's defaults: 8 % of approved fixed assets (70 % of 3,000万元)
    assert (item.approved_support, item.district_amount, item.municipal_amount) == (
        Decimal("3000000.00"),
        Decimal("1680000.00"),
        Decimal("1320000.00"),
    )
    assert item.matching_amount == Decimal("1000000.00")
    by_level = {s.level: s for s in FundShare.objects.filter(item=item)}
    municipal = list(by_level[ShareLevel.MUNICIPAL].instalments.values_list("trigger", "amount"))
    assert municipal == [("approval", Decimal("660000.00")), ("acceptance", Decimal("660000.00"))]
    # the district's rule pays after acceptance: one instalment
    district = list(by_level[ShareLevel.DISTRICT].instalments.values_list("trigger", "amount"))
    assert district == [("acceptance", Decimal("1680000.00"))]
    assert plan.total_support == Decimal("3000000.00") and plan.total_matching == Decimal("1000000.00")
    with pytest.raises(ValidationError, match="没有已立项且尚未列入资金计划的项目"):
        f.drafted(call)


def test_only_approved_projects_are_drafted():
    call = f.call()
    from jigai.decisions.tests.factories_decision import in_review

    pending = in_review(call)
    with pytest.raises(ValidationError, match="不是本批次已立项"):
        f.drafted(call, application_ids=[pending.pk])


def test_nobody_approves_a_plan_they_drafted():
    call = f.call()
    f.approved_project(call)
    f.budgets()
    plan = services.fund_plan_draft(actor=f.head(), call=call)
    with pytest.raises(PermissionRefused, match="不能由本人审核"):
        services.fund_plan_transition(actor=f.head(), plan=plan, action="head_approve")
    with pytest.raises(PermissionRefused, match="只有市经信委负责人"):
        services.fund_plan_transition(actor=f.officer(), plan=plan, action="head_approve")
    with pytest.raises(ValidationError, match="草稿"):  # the head's approval comes first
        services.fund_plan_transition(actor=f.finance(), plan=plan, action="finance_approve")
    plan.refresh_from_db()
    assert plan.status == FundPlanStatus.DRAFT


def test_the_finance_approval_comes_after_the_head_and_commits_the_plan():
    call = f.call()
    f.approved_project(call)
    f.approved_project(call)
    f.budgets()
    plan = f.drafted(call)
    with pytest.raises(ValidationError, match="不能执行"):
        services.fund_plan_transition(actor=f.finance(), plan=plan, action="finance_approve")
    plan = services.fund_plan_transition(actor=f.head(), plan=plan, action="head_approve")
    plan = services.fund_plan_transition(actor=f.finance(), plan=plan, action="finance_approve")
    assert plan.status == FundPlanStatus.APPROVED and plan.finance_approved_by == f.finance()
    municipal = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    assert figures(municipal)["committed"] == Decimal("2640000.00")
    district = Budget.objects.get(source=BudgetSource.DISTRICT)
    assert figures(district)["committed"] == Decimal("3360000.00")
    for budget in Budget.objects.all():
        assert ledger.figures_from_entries(budget) == figures(budget)
    assert set(Instalment.objects.filter(payable=True).values_list("trigger", flat=True)) == {"approval"}
    assert [t.action for t in plan.transitions.all()] == ["head_approve", "finance_approve"]


def test_a_plan_larger_than_a_budget_commits_nothing_and_names_the_gap():
    call = f.call()
    f.approved_project(call)
    f.budget("1000000.00")  # the municipal share is 132万元
    f.budget("100000000.00", source=BudgetSource.DISTRICT)
    plan = f.head_approved(call)
    with pytest.raises(ValidationError) as refused:
        services.fund_plan_transition(actor=f.finance(), plan=plan, action="finance_approve")
    message = str(refused.value)
    assert (
        "预算不足" in message
        and "2026年度市级技术改造专项资金" in message
        and "缺口 320,000.00 元" in message
    )
    plan.refresh_from_db()
    assert plan.status == FundPlanStatus.HEAD_APPROVED
    assert not BudgetEntry.objects.filter(kind=EntryKind.COMMITMENT).exists()
    assert all(b.committed == 0 for b in Budget.objects.all())


def test_a_missing_budget_is_named():
    call = f.call()
    f.approved_project(call)
    f.budget("100000000.00")
    plan = f.head_approved(call)
    with pytest.raises(ValidationError, match="尚未设立“2026年度浦东新区技术改造资金”"):
        services.fund_plan_transition(actor=f.finance(), plan=plan, action="finance_approve")


def test_return_and_cancel():
    call = f.call()
    project = f.approved_project(call)
    plan = f.head_approved(call)
    with pytest.raises(ValidationError, match="原因"):
        services.fund_plan_transition(actor=f.finance(), plan=plan, action="return")
    plan = services.fund_plan_transition(actor=f.finance(), plan=plan, action="return", comment="金额需复核")
    assert plan.status == FundPlanStatus.DRAFT and plan.head_approved_by is None
    services.fund_plan_transition(actor=f.officer(), plan=plan, action="cancel", comment="重新编制")
    again = f.drafted(call)  # the project is free for a new plan
    assert again.items.get().application == project


def test_the_ranking_budget_comes_from_the_municipal_budget():
    call = f.call()
    assert ranking_budget_figure(call) is None
    f.budget("80000000.00", year=call.year)
    assert ranking_budget_figure(call) == Decimal("80000000.00")
    from jigai.calls.budget import budget_figure

    assert budget_figure(call) == Decimal("80000000.00")


def test_a_budget_spent_to_the_last_fen_is_exactly_zero():
    """0.30 − 0.10 − 0.20 in binary floats is −2.8e−17: the ledger computes in Decimal and the
    database compares to the fen, so spending a budget exactly is allowed, one fen more is not."""
    budget = f.budget("0.30")
    with transaction.atomic():
        ledger.lock_budgets([budget.pk])
        ledger.post([ledger.Posting(budget.pk, EntryKind.COMMITMENT, Decimal("0.10"))], actor=f.finance())
        ledger.post([ledger.Posting(budget.pk, EntryKind.COMMITMENT, Decimal("0.20"))], actor=f.finance())
    assert figures(budget)["available"] == Decimal("0.00")
    with pytest.raises(ledger.InsufficientBudget, match=r"缺口 0\.01 元"):
        ledger.require_available(ledger.lock_budgets([budget.pk]), {budget.pk: Decimal("0.01")})
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(committed=Decimal("0.31"), available=Decimal("-0.01"))
