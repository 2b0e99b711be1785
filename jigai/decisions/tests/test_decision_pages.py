"""The commission's pages of the comprehensive review: the ranking, the amounts form, the proposal,
and the holiday calendar."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.core.testing.factories import user_for_role
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList
from jigai.decisions.tests.factories_decision import call_with_budget, head, in_review, officer
from jigai.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_the_ranking_page_shows_amounts_running_totals_and_the_budget_flag(client):
    call = call_with_budget("5000000.00")
    first = in_review(call, score="91.50", name="第一名项目")
    second = in_review(call, score="88.00", name="第二名项目")
    client.force_login(officer())
    assert call.title in client.get("/review/decision/").content.decode()
    page = client.get(f"/review/decision/calls/{call.pk}/").content.decode()
    assert page.index("第一名项目") < page.index("第二名项目")
    assert "91.50" in page
    assert "300.00" in page and "600.00" in page  # support and running total, in 万元 as the cards
    assert "核定支持（万元）" in page
    # each row links to the application and to its amounts
    assert f'href="/applications/{first.pk}/review/"' in page
    assert "超预算" in page  # the second passes 500万元
    assert f'href="/review/decision/applications/{first.pk}/"' in page
    assert "只有市经信委负责人可以提出拟支持名单" in page  # the officer's disabled button says why
    assert second.pk


def test_the_amounts_form_keeps_the_input_and_shows_the_refusal(client):
    call = call_with_budget()
    application = in_review(call, total="30000000.00")
    client.force_login(officer())
    url = f"/review/decision/applications/{application.pk}/"
    assert "3,000,000.00" in client.get(url).content.decode()
    refused = client.post(
        url, {"approved_investment": "30000000", "approved_support": "3500000", "reduction_reason": ""}
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "只能调减，不能调高" in body and 'value="3500000"' in body
    saved = client.post(
        url, {"approved_investment": "25000000", "approved_support": "2000000", "reduction_reason": "核减"}
    )
    assert saved.status_code == 302
    decision = Decision.objects.get(application=application)
    assert (decision.approved_investment, decision.approved_support) == (
        Decimal("25000000"),
        Decimal("2000000"),
    )
    client.force_login(user_for_role(Role.DISTRICT_HEAD))
    assert client.get(url).status_code == 403


def test_the_head_proposes_from_the_ranking_page(client):
    call = call_with_budget("5000000.00")
    first = in_review(call, score="90")
    second = in_review(call, score="80")
    client.force_login(head())
    page = client.get(f"/review/decision/calls/{call.pk}/").content.decode()
    # Only the first is within the budget, so only it is ticked by default.
    assert f'value="{first.pk}" checked' in page and f'value="{second.pk}" checked' not in page

    over = client.post(
        f"/review/decision/calls/{call.pk}/propose/", {"application_ids": [first.pk, second.pk]}
    )
    assert over.status_code == 422
    assert "超过本批次预算 500.00 万元" in over.content.decode()
    assert f'value="{second.pk}" checked' in over.content.decode()  # the choice is kept

    done = client.post(
        f"/review/decision/calls/{call.pk}/propose/",
        {"application_ids": [first.pk], "not_proposed_reason": "预算所限"},
        follow=True,
    )
    assert "已提出拟支持名单：1 个项目，合计 300.00 万元" in done.content.decode()
    assert ProposedList.objects.get(call=call).status == ProposedListStatus.PROPOSED
    second.refresh_from_db()
    assert second.status == ApplicationStatus.NOT_APPROVED


def test_the_officer_enters_a_year_of_holidays_on_the_calendar_page(client):
    client.force_login(officer())
    page = client.get("/review/calendar/?year=2027").content.decode()
    assert "尚未录入" in page
    bad = client.post(
        "/review/calendar/?year=2027", {"year": "2027", "holidays": "2027-01-01\n不是日期", "workdays": ""}
    )
    assert bad.status_code == 422 and "不是日期" in bad.content.decode()
    saved = client.post(
        "/review/calendar/",
        {
            "year": "2027",
            "holidays": "2027-01-01\n2027-02-05~2027-02-11",
            "workdays": "2027-02-06",
            "note": "",
        },
    )
    assert saved.status_code == 422  # 6 February is given as both
    saved = client.post(
        "/review/calendar/",
        {
            "year": "2027",
            "holidays": "2027-01-01\n2027-02-05~2027-02-11",
            "workdays": "2027-02-14",
            "note": "国办",
        },
    )
    assert saved.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027, kind="holiday").count() == 8
    assert CalendarDay.objects.get(date="2027-02-14").kind == "workday"
    client.force_login(head())
    read_only = client.get("/review/calendar/?year=2027").content.decode()
    assert "只有市经信委经办人可以录入节假日安排" in read_only and "2027-02-14" in read_only


def test_the_head_and_the_officer_see_what_waits_for_them_on_their_home_page():
    from jigai.core.todos import todos_for
    from jigai.decisions.models import Objection
    from jigai.decisions.tests.factories_decision import in_publicity

    def mine(user, key):
        return next((t for t in todos_for(user) if t.key == key), None)

    assert mine(head(), "review.decision") is None
    call = call_with_budget()
    in_review(call)
    waiting = mine(head(), "review.decision")
    assert waiting is not None and waiting.count == 1 and "待提出 1 个" in waiting.hint
    _call, _apps, proposed_list = in_publicity()
    Objection.objects.create(proposed_list=proposed_list, name="甲", contact="1", content="异议")
    objections_todo = mine(officer(), "review.objections")
    assert objections_todo is not None and objections_todo.count == 1
    assert mine(head(), "review.objections") is None


def test_after_the_proposal_the_amounts_show_read_only_with_the_reason(client):
    call = call_with_budget("5000000.00")
    first = in_review(call, score="90")
    client.force_login(head())
    client.post(
        f"/review/decision/calls/{call.pk}/propose/",
        {"application_ids": [first.pk], "not_proposed_reason": ""},
    )
    client.force_login(officer())
    ranking = client.get(f"/review/decision/calls/{call.pk}/").content.decode()
    assert f'href="/review/decision/applications/{first.pk}/"' in ranking and "查看核定" in ranking
    page = client.get(f"/review/decision/applications/{first.pk}/").content.decode()
    assert 'id="amounts-read-only"' in page and "核定金额已冻结" in page
    assert 'id="amounts-form"' not in page and "保存核定金额" not in page


def test_readers_without_the_objections_list_see_no_link_to_it(client):
    call = call_with_budget("5000000.00")
    in_review(call, score="90")
    readers = ((Role.FINANCE_OFFICER, False), (Role.SUPERVISOR, False), (Role.MUNICIPAL_OFFICER, True))
    for role, shown in readers:
        client.force_login(user_for_role(role))
        page = client.get("/review/decision/").content.decode()
        assert ("/review/objections/" in page) is shown, role


def test_the_ranking_page_and_the_commission_home_chart_the_budget_along_the_ranking(client):
    import json
    import re

    call = call_with_budget("5000000.00")
    in_review(call, score="91.50")
    in_review(call, score="88.00")
    client.force_login(officer())
    for url, chart_id in (
        (f"/review/decision/calls/{call.pk}/", "ranking-budget-chart"),
        ("/", "home-budget-chart"),
    ):
        page = client.get(url).content.decode()
        assert f'data-budget-chart="{chart_id}"' in page
        assert "dist/echarts.min.js" in page and "dist/budget_chart.js" in page
        assert "cdn" not in page.lower()
        found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page)
        assert found, "the chart's data is in a json_script"
        data = json.loads(found.group(1))
        assert data["support"] == ["300.00", "300.00"]
        assert data["cumulative"] == ["300.00", "600.00"]
        assert data["budget"] == "500.00"
    client.force_login(user_for_role(Role.FINANCE_OFFICER))
    assert "data-budget-chart" not in client.get("/").content.decode()


def test_the_calendar_placeholders_show_the_format_not_dates(client):
    client.force_login(officer())
    page = client.get("/review/calendar/?year=2027").content.decode()
    assert 'placeholder="YYYY-MM-DD' in page
    assert 'placeholder="2027' not in page
