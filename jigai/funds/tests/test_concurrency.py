"""Real commits in parallel threads (issue 7, "what must be true"):

* 50 finance officers' approvals of 50 plans race for one budget that holds only some of them,
  20 times: the committed total never passes the budget, every loser gets the clear "insufficient
  budget" error, and the budget's entries sum to its figures;
* 10 replays of one payment with the same idempotency key at once: exactly one payment.

Runs on SQLite (the test database copied to a WAL file, as the platform runs: see
``threads_database``) and on PostgreSQL (``DATABASE_URL=postgres://…``). The plans of the race are
written straight in "head approved" with one municipal share each (the race is the commit, the
drafting is tested elsewhere); everything else goes through the services.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jigai.audit.tests.test_concurrency import in_threads, threads_database
from jigai.funds import ledger, services
from jigai.funds.choices import BudgetSource, FundPlanStatus, ShareLevel
from jigai.funds.models import Budget, FundPlan, FundPlanItem, FundShare, Instalment, Payment
from jigai.funds.tests import factories as f

PLANS = 50
ROUNDS = 20
NEED = Decimal("100000.00")  # each plan's municipal share
FITS = 17  # the budget holds 17 plans and a half


@pytest.fixture
def reference_data(audit_transactional_db: None) -> None:
    """The districts and industries the migrations load (a transactional test empties every table)."""
    from django.apps import apps

    names = (
        "0002_load_reference_data",
        "0003_industrial_divisions_b_d",
        "0005_gbt4754_whole_and_english_names",
    )
    for name in names:
        importlib.import_module(f"jigai.reference.migrations.{name}").load(apps, None)


def _plans_for_round(year: int, project: Any, officer: Any, head: Any) -> list[int]:
    services.budget_create(
        actor=f.finance(), fiscal_year=year, source=BudgetSource.MUNICIPAL, amount=NEED * FITS + NEED / 2
    )
    plans = FundPlan.objects.bulk_create(
        FundPlan(
            call=project.call,
            fiscal_year=year,
            title=f"{year} 并发下达 {n}",
            status=FundPlanStatus.HEAD_APPROVED,
            drafted_by=officer,
            head_approved_by=head,
            total_support=NEED,
        )
        for n in range(PLANS)
    )
    items = FundPlanItem.objects.bulk_create(
        FundPlanItem(
            plan=plan,
            application=project,
            district_id=project.district_id,
            in_force=False,  # the same project stands in every plan of the race
            approved_support=NEED,
            municipal_amount=NEED,
        )
        for plan in plans
    )
    shares = FundShare.objects.bulk_create(
        FundShare(item=i, level=ShareLevel.MUNICIPAL, amount=NEED) for i in items
    )
    Instalment.objects.bulk_create(
        Instalment(share=s, sequence=1, trigger="approval", percent=Decimal("1"), amount=NEED) for s in shares
    )
    return [p.pk for p in plans]


@pytest.mark.usefixtures("reference_data")
def test_fifty_approvals_race_for_one_budget_twenty_times(tmp_path: Path) -> None:
    call = f.call()
    project = f.approved_project(call)
    officer, head, finance = f.officer(), f.head(), f.finance()

    with threads_database(tmp_path):
        for round_number in range(ROUNDS):
            year = 2100 - round_number

            def setup(_i: int, year: int = year) -> list[int]:
                return _plans_for_round(year, project, officer, head)

            (plan_ids,) = in_threads(setup, 1)
            assert isinstance(plan_ids, list), plan_ids

            def approve(i: int, plan_ids: list[int] = plan_ids) -> str:
                plan = FundPlan.objects.get(pk=plan_ids[i])
                services.fund_plan_transition(actor=finance, plan=plan, action="finance_approve")
                return "approved"

            results = in_threads(approve, PLANS)

            def check(_: int, year: int = year) -> dict[str, Any]:
                budget = Budget.objects.get(fiscal_year=year, source=BudgetSource.MUNICIPAL)
                return {
                    "stored": {n: getattr(budget, n) for n in ("total", "committed", "available")},
                    "entries": ledger.figures_from_entries(budget),
                    "approved": FundPlan.objects.filter(
                        fiscal_year=year, status=FundPlanStatus.APPROVED
                    ).count(),
                }

            (state,) = in_threads(check, 1)
            assert not isinstance(state, Exception), state
            winners = [r for r in results if r == "approved"]
            losers = [r for r in results if r != "approved"]
            assert len(winners) == FITS == state["approved"], (round_number, results)
            for loser in losers:
                assert isinstance(loser, ValidationError), loser
                assert "预算不足" in str(loser) and "缺口 50,000.00 元" in str(loser), str(loser)
            stored, entries = state["stored"], state["entries"]
            assert stored["committed"] == NEED * FITS <= stored["total"]
            assert stored["available"] == NEED / 2
            assert {k: entries[k] for k in stored} == stored


@pytest.mark.usefixtures("reference_data")
def test_ten_replays_of_one_payment_make_one_payment(tmp_path: Path) -> None:
    call = f.call()
    f.approved_project(call)
    f.budgets()
    plan = f.approved_plan(call)
    instalment = f.first_instalment(plan)

    with threads_database(tmp_path):
        results = in_threads(lambda _i: f.pay(instalment, key="same-key-10", amount=Decimal("1000.00")), 10)

        def check(_: int) -> tuple[int, Decimal, Decimal]:
            budget = Budget.objects.get(source=BudgetSource.MUNICIPAL)
            return Payment.objects.count(), budget.disbursed, ledger.figures_from_entries(budget)["disbursed"]

        (state,) = in_threads(check, 1)

    assert all(isinstance(r, tuple) for r in results), results
    assert len({payment.pk for payment, _created in results}) == 1
    assert sum(1 for _payment, created in results if created) == 1
    assert state == (1, Decimal("1000.00"), Decimal("1000.00"))
