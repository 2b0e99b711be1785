"""Money on the decision pages comes from ``jigai.core.money``: 9,726,080 元 of support reads
972.61 万元 (half-up to the shown precision, as a public notice rounds; it was truncated to 972.60),
with thousands separators, in one unit per page, and the unit in the column header, not the cells."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jigai.decisions.tests.factories_decision import call_with_budget, in_publicity, in_review, officer

pytestmark = pytest.mark.django_db

# 10 % of 97,260,800 元 of approved input: 9,726,080 元 of support = 972.608 万元
TOTAL = "97260800.00"


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_the_public_list_rounds_half_up_with_the_unit_in_the_header(client):
    in_publicity(count=1, totals=[TOTAL])
    page = client.get("/publicity/").content.decode()
    assert "拟支持金额（万元）" in page
    cells = _cells(page)
    assert "972.61" in cells
    assert "972.60" not in page
    assert not any(cell.endswith("万元") for cell in cells)  # the header states the unit


def test_the_public_list_in_english(client):
    in_publicity(count=1, totals=[TOTAL])
    client.post("/i18n/setlang/", {"language": "en", "next": "/publicity/"})
    page = client.get("/publicity/").content.decode()
    assert "972.61" in _cells(page)
    assert "万元" not in page  # the header's unit is translated too


def test_the_ranking_shows_cards_and_table_in_one_unit():
    call = call_with_budget("1000000000.00")  # 100,000 万元
    in_review(call, total=TOTAL, name="金额测试项目")
    client = Client()
    client.force_login(officer())
    page = client.get(f"/review/decision/calls/{call.pk}/").content.decode()
    budget = re.search(r'id="budget">([^<]*)<', page)
    assert budget and budget.group(1).strip() == "100,000.00"  # with separators, the unit on the card
    assert "核定支持（万元）" in page and "核定支持（元）" not in page
    cells = _cells(page)
    assert "9,726.08" in cells  # declared total investment in 万元
    assert any(cell.startswith("972.61") for cell in cells)  # support, half-up
    assert not any(cell.startswith("9,726,080.00") for cell in cells)  # no yuan in the table
