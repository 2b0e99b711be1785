"""The budget ledger: every change of a budget is an entry; the figures are kept with it.

Called inside the caller's ``transaction.atomic``. Budgets are locked (``select_for_update``, in id
order so two plans never wait on each other crosswise; SQLite's ``BEGIN IMMEDIATE`` serialises
writers anyway), checked, then changed together with their entries (exact Decimals, written as they
are). The database refuses a budget whose available amount would fall below zero
(``budget_available_not_negative``, to the fen), so even a writer that skipped the check could
not over-commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jigai.core.money import format_yuan
from jigai.funds.choices import EntryKind
from jigai.funds.models import Budget, BudgetEntry

ZERO = Decimal("0.00")

#: how each kind of entry moves the figures: (total, committed, disbursed, recovered)
EFFECTS: dict[str, tuple[int, int, int, int]] = {
    EntryKind.APPROPRIATION: (1, 0, 0, 0),
    EntryKind.ADJUSTMENT: (1, 0, 0, 0),
    EntryKind.COMMITMENT: (0, 1, 0, 0),
    EntryKind.RELEASE: (0, -1, 0, 0),
    EntryKind.DISBURSEMENT: (0, 0, 1, 0),
    EntryKind.RECOVERY: (0, -1, 0, 1),
}


class InsufficientBudget(ValidationError):
    """A plan needs more than a budget has available; the message names the budget and the gap."""

    def __init__(self, budget: Budget, needed: Decimal) -> None:
        self.budget = budget
        self.shortfall = needed - budget.available
        super().__init__(
            _("预算不足：“%(b)s”可用余额 %(a)s，本次需要 %(n)s，缺口 %(s)s。")
            % {
                "b": budget.name,
                "a": format_yuan(budget.available),
                "n": format_yuan(needed),
                "s": format_yuan(self.shortfall),
            },
            code="insufficient_budget",
        )


@dataclass(frozen=True)
class Posting:
    """One entry to write: its budget, kind, amount and what it belongs to."""

    budget_id: int
    kind: str
    amount: Decimal
    plan_id: int | None = None
    share_id: int | None = None
    payment_id: int | None = None
    recovery_id: int | None = None
    note: str = ""


def lock_budgets(ids: Iterable[int]) -> dict[int, Budget]:
    """The budgets, locked for this transaction, in id order."""
    wanted = sorted(set(ids))
    return {b.pk: b for b in Budget.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}


def require_available(budgets: dict[int, Budget], needs: dict[int, Decimal]) -> None:
    """Refuses with :class:`InsufficientBudget` naming the first budget (by id) that is short."""
    for budget_id in sorted(needs):
        budget = budgets[budget_id]
        if needs[budget_id] > budget.available:
            raise InsufficientBudget(budget, needs[budget_id])


def post(postings: list[Posting], *, actor: Any) -> None:
    """Write the entries and move each budget's figures by their sums (one UPDATE per budget)."""
    if not postings:
        return
    BudgetEntry.objects.bulk_create(
        [
            BudgetEntry(
                budget_id=p.budget_id,
                kind=p.kind,
                amount=p.amount,
                plan_id=p.plan_id,
                share_id=p.share_id,
                payment_id=p.payment_id,
                recovery_id=p.recovery_id,
                note=p.note,
                created_by=actor,
            )
            for p in postings
        ],
        batch_size=500,
    )
    moves: dict[int, list[Decimal]] = {}
    for p in postings:
        move = moves.setdefault(p.budget_id, [ZERO, ZERO, ZERO, ZERO])
        for i, sign in enumerate(EFFECTS[p.kind]):
            move[i] += sign * p.amount
    # The new figures are computed here, in Decimal, on the rows locked for this transaction, and
    # written as they are: never ``F() + x`` in the database, which SQLite does in binary floats.
    for budget in Budget.objects.select_for_update().filter(pk__in=sorted(moves)).order_by("pk"):
        total, committed, disbursed, recovered = moves[budget.pk]
        Budget.objects.filter(pk=budget.pk).update(
            total=budget.total + total,
            committed=budget.committed + committed,
            disbursed=budget.disbursed + disbursed,
            recovered=budget.recovered + recovered,
            available=budget.available + total - committed,
        )


def figures_from_entries(budget: Budget) -> dict[str, Decimal]:
    """The figures recomputed from the entries (what the stored figures must always equal)."""
    sums = {kind: ZERO for kind in EntryKind.values}
    for kind, amount in BudgetEntry.objects.filter(budget=budget).values_list("kind", "amount"):
        sums[kind] += amount
    total = sums[EntryKind.APPROPRIATION] + sums[EntryKind.ADJUSTMENT]
    committed = sums[EntryKind.COMMITMENT] - sums[EntryKind.RELEASE] - sums[EntryKind.RECOVERY]
    return {
        "total": total,
        "committed": committed,
        "disbursed": sums[EntryKind.DISBURSEMENT],
        "recovered": sums[EntryKind.RECOVERY],
        "available": total - committed,
    }
