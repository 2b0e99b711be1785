"""Publicity (公示): publishing the proposed list, its closing moment on the Chinese calendar, the
approval after it, and the public page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Objection, ProposedList
from jigai.decisions.publicity import proposed_list_approve, publicity_start
from jigai.decisions.tests.factories_decision import (
    call_with_budget,
    close_publicity,
    head,
    in_publicity,
    in_review,
    officer,
    propose,
    publish,
)
from jigai.workdays.workingdays import calendar_year_set

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(moment: dt.datetime) -> mock._patch:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_publishing_moves_the_list_to_publicity_with_its_closing_moment():
    call = call_with_budget()
    applications = [in_review(call, score="90"), in_review(call, score="80")]
    propose(call, applications)
    with _at(dt.datetime(2026, 2, 12, 10, 0, tzinfo=SHANGHAI)):
        proposed_list = publicity_start(actor=head(), call=call)  # starts tomorrow by default

    assert proposed_list.status == ProposedListStatus.PUBLICITY
    assert proposed_list.publicity_starts_on == dt.date(2026, 2, 13)
    # 5 working days over the Spring Festival: 13, 14 (make-up Saturday), 24, 25, 26 February.
    assert proposed_list.publicity_ends_at == dt.datetime(2026, 2, 26, 15, 59, 59, tzinfo=dt.UTC)
    assert not proposed_list.publicity_end_provisional
    assert proposed_list.publicity_working_days == 5
    assert proposed_list.published_by == head()
    for application in applications:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.PUBLICITY
    event = AuditEvent.objects.get(action="review.publicity_start")
    assert "2026-02-26 23:59" in event.message


def test_the_publicity_length_comes_from_the_call_rules():
    call = call_with_budget(publicity_working_days=7)
    propose(call, [in_review(call)])
    with _at(dt.datetime(2026, 9, 29, 17, 0, tzinfo=SHANGHAI)):
        proposed_list = publicity_start(actor=head(), call=call, starts_on=dt.date(2026, 9, 30))
    # 30 Sep, 8, 9, 10 (make-up Saturday), 12, 13, 14 October
    assert timezone.localtime(proposed_list.publicity_ends_at).date() == dt.date(2026, 10, 14)


def test_a_closing_date_in_a_year_without_a_schedule_is_provisional_until_entered():
    call = call_with_budget()
    propose(call, [in_review(call)])
    with _at(dt.datetime(2026, 12, 27, 9, 0, tzinfo=SHANGHAI)):
        proposed_list = publicity_start(actor=head(), call=call, starts_on=dt.date(2026, 12, 29))
    assert proposed_list.publicity_end_provisional
    # 29, 30, 31 December, then (元旦, fixed by law, skipped) Monday 4 and Tuesday 5 January.
    assert timezone.localtime(proposed_list.publicity_ends_at).date() == dt.date(2027, 1, 5)

    # The State Council's schedule, once entered, adds a bridging day: Monday 4 January off.
    holidays = [dt.date(2027, 1, d) for d in (1, 2, 3, 4)]
    calendar_year_set(actor=officer(), year=2027, holidays=holidays, workdays=[])
    proposed_list.refresh_from_db()
    assert not proposed_list.publicity_end_provisional
    assert timezone.localtime(proposed_list.publicity_ends_at).date() == dt.date(2027, 1, 6)
    assert AuditEvent.objects.filter(action="review.publicity_recount").count() == 1


def test_publishing_is_refused_before_the_proposal_twice_by_others_and_in_the_past():
    call = call_with_budget()
    application = in_review(call)
    with pytest.raises(ValidationError, match="尚未提出拟支持名单"):
        publicity_start(actor=head(), call=call)
    propose(call, [application])
    with pytest.raises(PermissionRefused, match="市经信委负责人"):
        publicity_start(actor=officer(), call=call)
    with pytest.raises(ValidationError, match="不能早于今天"):
        publicity_start(actor=head(), call=call, starts_on=timezone.localdate() - dt.timedelta(days=1))
    publish(call)
    with pytest.raises(ValidationError, match="已经公示"):
        publish(call)


def test_approving_before_the_period_ends_is_refused():
    call, applications, _proposed_list = in_publicity()
    with pytest.raises(ValidationError) as refused:
        proposed_list_approve(actor=head(), call=call)
    assert "公示期至" in str(refused.value) and "结束后才能批准名单" in str(refused.value)
    applications[0].refresh_from_db()
    assert applications[0].status == ApplicationStatus.PUBLICITY


def test_approving_with_an_objection_still_open_is_refused():
    call, _applications, proposed_list = in_publicity()
    Objection.objects.create(
        proposed_list=proposed_list, name="张三", contact="13800000000", content="数据不实"
    )
    close_publicity(proposed_list)
    with pytest.raises(ValidationError, match="还有 1 件异议尚未处理"):
        proposed_list_approve(actor=head(), call=call)
    assert ProposedList.objects.get(pk=proposed_list.pk).status == ProposedListStatus.PUBLICITY


def test_approving_a_provisional_closing_date_is_refused():
    call, _applications, proposed_list = in_publicity()
    close_publicity(proposed_list)
    ProposedList.objects.filter(pk=proposed_list.pk).update(publicity_end_provisional=True)
    with pytest.raises(ValidationError, match="截止日期尚待确定"):
        proposed_list_approve(actor=head(), call=call)


def test_after_the_period_the_head_approves_and_the_applications_become_projects():
    call, applications, proposed_list = in_publicity()
    close_publicity(proposed_list)
    with pytest.raises(PermissionRefused):
        proposed_list_approve(actor=officer(), call=call)

    approved = proposed_list_approve(actor=head(), call=call)

    assert approved.status == ProposedListStatus.APPROVED
    assert approved.approved_by == head() and approved.approved_at is not None
    assert approved.total_support == Decimal("6000000.00")
    for application in applications:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
        assert application.decision.approved_support == Decimal("3000000.00")
    with pytest.raises(ValidationError, match="不能重复批准"):
        proposed_list_approve(actor=head(), call=call)


# --- the public page ----------------------------------------------------------------------------
def test_the_public_page_shows_the_list_without_sign_in(client):
    call, applications, proposed_list = in_publicity()
    response = client.get("/publicity/")
    assert response.status_code == 200
    page = response.content.decode()
    assert call.title in page
    for application in applications:
        assert application.enterprise.name in page
        assert application.name in page
        assert application.reference_number in page
    assert "浦东新区" in page
    assert "300.00" in page  # 300万元 each
    closing = timezone.localtime(proposed_list.publicity_ends_at).strftime("%Y-%m-%d 23:59")
    assert closing in page
    assert "提交异议" in page
    assert "待定" not in page


def test_a_provisional_closing_date_is_marked_on_the_public_page(client):
    _call, _applications, proposed_list = in_publicity()
    ProposedList.objects.filter(pk=proposed_list.pk).update(publicity_end_provisional=True)
    page = client.get("/publicity/").content.decode()
    assert "（待定）" in page and "截止日期待定" in page


def test_lists_not_yet_started_are_not_public_and_approved_ones_are_past(client):
    call = call_with_budget()
    propose(call, [in_review(call, name="明天才公示的项目")])
    publish(call, starts_on=timezone.localdate() + dt.timedelta(days=1))
    past_call, _apps, past = in_publicity()
    close_publicity(past)
    proposed_list_approve(actor=head(), call=past_call)

    page = client.get("/publicity/").content.decode()
    assert "明天才公示的项目" not in page
    assert "目前没有正在公示的名单" in page
    assert "往期公示" in page and past_call.title in page
    detail = client.get(f"/publicity/{past.pk}/")
    assert detail.status_code == 200 and "公示已结束，名单已批准" in detail.content.decode()
    not_public = ProposedList.objects.get(call=call)
    assert client.get(f"/publicity/{not_public.pk}/").status_code == 404


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_public_page_runs_a_fixed_number_of_queries(client):
    _call, _applications, small = in_publicity(count=2)
    few_index, few_detail = _queries(client, "/publicity/"), _queries(client, f"/publicity/{small.pk}/")
    in_publicity(count=25, budget="100000000.00")
    many_index = _queries(client, "/publicity/")
    _c, _a, big = in_publicity(count=30, budget="100000000.00")
    assert _queries(client, "/publicity/") == many_index == few_index
    assert _queries(client, f"/publicity/{big.pk}/") == few_detail


def test_the_public_api_lists_current_publicity(client):
    _call, applications, proposed_list = in_publicity()
    response = client.get("/api/v1/review/public/publicity")
    assert response.status_code == 200
    (body,) = response.json()
    assert body["id"] == proposed_list.pk
    assert body["accepting_objections"] is True
    assert body["item_count"] == 2
    assert [i["application_id"] for i in body["items"]] == [a.pk for a in applications]
    assert body["items"][0]["approved_support_wan"] == "300.00"
    assert body["closing"].endswith("23:59")


def test_the_head_publishes_and_approves_through_the_pages(client):
    call = call_with_budget()
    application = in_review(call)
    propose(call, [application])
    client.force_login(head())
    response = client.post(f"/review/decision/calls/{call.pk}/publicity/", {"starts_on": ""})
    assert response.status_code == 302
    proposed_list = ProposedList.objects.get(call=call)
    assert proposed_list.status == ProposedListStatus.PUBLICITY
    page = client.get(f"/review/decision/calls/{call.pk}/").content.decode()
    assert "结束后才能批准名单" in page  # the disabled button says why
    response = client.post(f"/review/decision/calls/{call.pk}/approve/", follow=True)
    assert "结束后才能批准名单" in response.content.decode()
    close_publicity(proposed_list)
    response = client.post(f"/review/decision/calls/{call.pk}/approve/", follow=True)
    assert "名单已批准" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    # A district officer cannot publish: the 403 page says who can.
    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    refused = client.post(f"/review/decision/calls/{call.pk}/publicity/", {})
    assert refused.status_code == 403 and "市经信委负责人" in refused.content.decode()
