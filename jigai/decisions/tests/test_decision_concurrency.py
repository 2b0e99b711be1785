"""Two proposals of one call at the same moment (real commits, two connections): the call row is
locked for the whole proposal, so exactly one succeeds and the budget is never exceeded."""

from __future__ import annotations

import importlib
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.services import decision_set_amounts, proposed_list_propose
from jigai.decisions.tests.factories_decision import call_with_budget, head, in_review, officer


@pytest.fixture
def reference_data(audit_transactional_db: None) -> None:
    """The districts and industries the migrations load: a transactional test before this one
    emptied every table when it ended."""
    from django.apps import apps

    for name in ("0002_load_reference_data", "0003_industrial_divisions_b_d"):
        importlib.import_module(f"jigai.reference.migrations.{name}").load(apps, None)


def _race(*jobs: Any) -> list[Any]:
    """Run ``jobs`` in threads released together; each result is the return value or the exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.usefixtures("reference_data")
def test_two_concurrent_proposals_never_exceed_the_budget():
    call = call_with_budget("7000000.00")
    a, b, c = (in_review(call, score=s) for s in ("90", "85", "80"))
    actor = head()

    results = _race(
        lambda: proposed_list_propose(
            actor=actor, call=call, application_ids=[a.pk, b.pk], not_proposed_reason="预算所限"
        ),
        lambda: proposed_list_propose(
            actor=actor, call=call, application_ids=[a.pk, c.pk], not_proposed_reason="预算所限"
        ),
    )

    succeeded = [r for r in results if isinstance(r, ProposedList)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    assert "不能再次提出" in str(refused[0])
    proposed_list = ProposedList.objects.get(call=call)
    assert proposed_list.status == ProposedListStatus.PROPOSED
    proposed = Application.objects.filter(call=call, status=ApplicationStatus.PROPOSED)
    assert proposed.count() == 2
    supports = Decision.objects.filter(application__in=proposed).values_list("approved_support", flat=True)
    total = sum((s or Decimal(0) for s in supports), Decimal(0))
    assert total == proposed_list.total_support == Decimal("6000000.00")
    assert call.budget is not None and total <= call.budget
    assert Application.objects.filter(call=call, status=ApplicationStatus.NOT_APPROVED).count() == 1


@pytest.mark.usefixtures("reference_data")
def test_an_amount_set_while_the_list_is_proposed_is_either_in_it_or_refused():
    call = call_with_budget("7000000.00")
    a, b = in_review(call, score="90"), in_review(call, score="85")
    results = _race(
        lambda: proposed_list_propose(actor=head(), call=call, application_ids=[a.pk, b.pk]),
        lambda: decision_set_amounts(
            actor=officer(),
            application=b,
            approved_investment=None,
            approved_support=Decimal("1000000.00"),
            reduction_reason="核减",
        ),
    )
    assert isinstance(results[0], ProposedList), results
    proposed_list = ProposedList.objects.get(call=call)
    stored = Decision.objects.get(application=b).approved_support
    if isinstance(results[1], ValidationError):  # the proposal came first: amounts frozen
        assert "已冻结" in str(results[1])
        assert stored == Decimal("3000000.00")
    else:  # the amount came first: the proposal used it
        assert stored == Decimal("1000000.00")
    assert proposed_list.total_support == Decimal("3000000.00") + stored
