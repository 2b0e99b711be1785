"""Each role's to-do counts on its home page.

Apps register providers for roles in their ``AppConfig.ready``; the home page asks each provider
registered for the user's role. A provider returns a :class:`Todo` (label, count, link) or None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str = ""
    hint: str = ""
    #: a warning shown as a red badge on the card (e.g. "12 件逾期")
    alert: str = ""


TodoProvider = Callable[[Any], "Todo | None"]
_providers: dict[str, list[TodoProvider]] = defaultdict(list)


def register(roles: list[str] | tuple[str, ...], provider: TodoProvider) -> None:
    for role in roles:
        if provider not in _providers[role]:
            _providers[role].append(provider)


def todos_for(user: Any) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    out: list[Todo] = []
    for provider in _providers.get(user.role, []):
        item = provider(user)
        if item is not None:
            out.append(item)
    return out


# --- Charts on the home page ---------------------------------------------------------------------
# A chart provider returns the data of jigai/templates/partials/budget_chart.html (or None); apps
# register them like to-do providers.
ChartProvider = Callable[[Any], "dict[str, Any] | None"]
_chart_providers: dict[str, list[ChartProvider]] = defaultdict(list)


def register_chart(roles: list[str] | tuple[str, ...], provider: ChartProvider) -> None:
    for role in roles:
        if provider not in _chart_providers[role]:
            _chart_providers[role].append(provider)


def charts_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    charts = (provider(user) for provider in _chart_providers.get(user.role, []))
    return [chart for chart in charts if chart is not None]
