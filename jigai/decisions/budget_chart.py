"""The budget's use along the ranking, as chart data: each project's approved support in rank
order, the cumulative support, and the call's budget line. Drawn with ECharts on the decision page
and the commission's home (the data in a ``json_script``, drawn by ``dist/budget_chart.js``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jigai.applications.choices import ApplicationStatus
from jigai.calls.models import Call
from jigai.core.money import format_wan
from jigai.decisions import permissions, selectors


def _wan_number(amount: Decimal) -> str:
    """万元 as a plain number for the chart (two places, no separators)."""
    return format_wan(amount, unit=False).replace(",", "")


def budget_chart(ranking: selectors.Ranking) -> dict[str, Any]:
    rows = [row for row in ranking.rows if not row.removed]
    return {
        "title": str(ranking.call.title),
        "references": [row.application.reference_number or str(row.application.pk) for row in rows],
        "names": [row.application.name for row in rows],
        "support": [_wan_number(row.amounts.approved_support) for row in rows],
        "cumulative": [_wan_number(row.running_total) for row in rows],
        "budget": _wan_number(ranking.budget) if ranking.budget is not None else None,
        "text": {
            "support": _("核定支持"),
            "cumulative": _("累计支持"),
            "budget": _("本批次预算"),
            "unit": _("万元"),
            "rank": _("排名"),
        },
    }


def latest_decided_call(actor: Any) -> Call | None:
    """The newest call the actor may read that has a ranking (projects in comprehensive review,
    or a proposed list)."""
    return (
        Call.objects.visible_to(actor)
        .annotate(
            in_review=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.COMPREHENSIVE_REVIEW)
            )
        )
        .filter(Q(in_review__gt=0) | Q(proposed_list__isnull=False))
        .order_by("-year", "-opens_at")
        .first()
    )


def home_budget_chart(user: Any) -> dict[str, Any] | None:
    """The commission's home: the budget chart of the newest call with a ranking, or None."""
    if not permissions.can_read_ranking(user):
        return None
    call = latest_decided_call(user)
    if call is None:
        return None
    chart = budget_chart(selectors.call_ranking(actor=user, call=call))
    chart["url"] = reverse("review:decision_ranking", args=[call.pk])
    chart["id"] = "home-budget-chart"
    return chart
