"""The budget figure of a call, as the ranking and the proposed list see it.

The figure comes from the funds ledger (the municipal special fund's budget for the call's year,
its available amount): the funds app registers the function that reads it when it starts, so the
review apps below it need not import it. Until a budget for the year exists the figure set on the
call itself (``Call.budget``, the only figure before the funds issue) is used, so calls made before
the ledger keep their ranking.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

_provider: Callable[[Any], Decimal | None] | None = None


def register_budget_figure(provider: Callable[[Any], Decimal | None]) -> None:
    global _provider
    _provider = provider


def budget_figure(call: Any) -> Decimal | None:
    """The amount the call's approved support may add up to: the ledger's figure, else the call's own."""
    if _provider is not None:
        figure = _provider(call)
        if figure is not None:
            return figure
    budget: Decimal | None = call.budget
    return budget
