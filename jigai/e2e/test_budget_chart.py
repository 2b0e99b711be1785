"""The budget chart (ECharts from the platform's own static files) draws on the commission's home
and on the decision page of the demo's call in publicity: bars, the cumulative line and the budget."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


def _drawn(page, selector: str) -> None:
    chart = page.locator(selector)
    expect(chart).to_have_attribute("data-drawn", "true")
    svg = chart.locator("svg")
    expect(svg).to_have_count(1)
    assert svg.locator("path").count() > 5, "the chart has bars and lines"
    expect(chart).to_contain_text(re.compile("累计支持"))


def test_the_budget_chart_draws_on_the_home_and_the_decision_page(page, login):
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if "127.0.0.1" not in r.url else None)
    login("municipal_head")
    page.goto("/")
    if not page.locator("[data-budget-chart]").count():
        pytest.skip("演示数据中没有进入综合评审的批次")
    _drawn(page, "[data-budget-chart='home-budget-chart']")
    page.locator(".jg-budget-chart-card .card-header a").click()
    _drawn(page, "[data-budget-chart='ranking-budget-chart']")
    assert not external, external  # no CDN
