"""The pages: the district workbench, one application's review with the return dialog, preparing and
signing the recommendation, the enterprise's returned applications, the municipal first review, the
notifications and the bell."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jigai.applications.choices import ApplicationStatus as S
from jigai.notifications.models import Notification
from jigai.recommendations import services as district
from jigai.recommendations.choices import RecommendationStatus
from jigai.recommendations.models import Recommendation
from jigai.recommendations.tests.district_fixtures import *  # noqa: F403
from jigai.recommendations.tests.district_fixtures import reload, several_in_review

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_workbench_lists_the_districts_applications_by_state(people: Any, submitted: Any) -> None:
    response = as_user(people["officer"]).get("/review/district/")
    assert response.status_code == 200
    page = text(response)
    assert "区级审核 · 浦东新区" in page
    assert submitted.reference_number in page
    assert 'id="batch-start"' in page
    other = as_user(people["other_officer"]).get("/review/district/?tab=pending")
    assert submitted.reference_number not in text(other)


def test_workbench_refuses_the_enterprise_with_the_reason(people: Any) -> None:
    response = as_user(people["enterprise"]).get("/review/district/")
    assert response.status_code == 403
    assert "只有区经委经办人、区经委负责人可以办理区级审核" in text(response)


def test_batch_start_takes_up_the_selected(people: Any, call: Any, submitted: Any) -> None:
    response = as_user(people["officer"]).post(
        "/review/district/start/", {"ids": [submitted.pk]}, follow=True
    )
    assert "已受理 1 份申报" in text(response)
    assert reload(submitted).status == S.DISTRICT_REVIEW


def test_detail_shows_eligibility_and_the_reason_on_disabled_buttons(people: Any, submitted: Any) -> None:
    page = text(as_user(people["head"]).get(f"/review/district/{submitted.pk}/"))
    assert 'data-rule="min_total_investment"' in page
    assert 'data-rule="call_open"' not in page
    # The head may not take up an application: the button is disabled and says why.
    assert "只有区经委经办人可以执行“受理并开始区级审核”。" in page
    assert "只有区经委经办人可以拟定推荐文件" not in page  # not under review yet: no prepare button


def test_return_dialog_keeps_the_input_and_says_what_is_missing(people: Any, reviewing: Any) -> None:
    client = as_user(people["officer"])
    response = client.post(
        f"/review/district/{reviewing.pk}/return/",
        {"section": ["investment", ""], "reason": ["", "无关的说明"]},
    )
    assert response.status_code == 422
    page = text(response)
    assert "请写明“投资明细”需修改的理由。" in page
    assert "无关的说明" in page
    assert "bootstrap.Modal" in page  # the dialog opens again
    assert reload(reviewing).status == S.DISTRICT_REVIEW
    response = client.post(
        f"/review/district/{reviewing.pk}/return/",
        {"section": ["investment", "attachments"], "reason": ["报价单与明细不符", "缺少环评批复"]},
        follow=True,
    )
    assert "已将申报" in text(response)
    assert reload(reviewing).status == S.RETURNED


def test_an_empty_return_dialog_says_at_least_one_item(people: Any, reviewing: Any) -> None:
    response = as_user(people["officer"]).post(
        f"/review/district/{reviewing.pk}/return/", {"section": [""] * 5, "reason": [""] * 5}
    )
    assert response.status_code == 422
    assert "退回修改须逐项写明需修改的内容和理由，至少一项。" in text(response)
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_enterprise_sees_the_items_and_resubmits(people: Any, reviewing: Any) -> None:
    district.district_return(
        actor=people["officer"],
        application=reviewing,
        items=[{"section": "outcomes", "reason": "新增产值测算缺少依据"}],
    )
    client = as_user(people["enterprise"])
    page = text(client.get("/review/corrections/"))
    assert "预期效益" in page and "新增产值测算缺少依据" in page
    assert 'data-action="resubmit"' in page
    response = client.post(f"/review/corrections/{reviewing.pk}/resubmit/", follow=True)
    assert "已重新提交" in text(response)
    assert reload(reviewing).status == S.RESUBMITTED


def test_prepare_and_sign_through_the_pages(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    officer = as_user(people["officer"])
    page = text(officer.get(f"/review/district/prepare/?ids={a.pk}&ids={b.pk}"))
    assert f'name="priority_{a.pk}" value="1"' in page and f'name="priority_{b.pk}" value="2"' in page
    response = officer.post(
        "/review/district/prepare/",
        {"ids": [a.pk, b.pk], f"priority_{a.pk}": "2", f"priority_{b.pk}": "2", "opinion": "同意"},
    )
    assert response.status_code == 422
    assert "同一推荐文件中的推荐排序不能重复。" in text(response)
    response = officer.post(
        "/review/district/prepare/",
        {"ids": [a.pk, b.pk], f"priority_{a.pk}": "2", f"priority_{b.pk}": "1", "opinion": "同意推荐"},
    )
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/review/recommendations/{recommendation.pk}/"
    # The officer sees the sign button disabled, with the reason.
    assert "只有区经委负责人可以签发推荐文件" in text(officer.get(response["Location"]))
    head = as_user(people["head"])
    response = head.post(f"/review/recommendations/{recommendation.pk}/sign/", {"document_number": ""})
    assert response.status_code == 422 and "请填写推荐文号。" in text(response)
    response = head.post(
        f"/review/recommendations/{recommendation.pk}/sign/",
        {"document_number": "浦科经委〔2026〕30号"},
        follow=True,
    )
    assert "推荐文件已签发（推荐文号 浦科经委〔2026〕30号），2 个申报已转为区已推荐" in text(response)
    assert reload(a).status == S.RECOMMENDED and reload(b).status == S.RECOMMENDED


def test_head_declines_from_the_document_page(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[a, b], opinion="同意"
    )
    url = f"/review/recommendations/{recommendation.pk}/"
    response = as_user(people["head"]).post(
        f"/review/district/{a.pk}/decline/", {"reason": "已获其他专项支持", "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert reload(a).status == S.NOT_RECOMMENDED
    assert list(recommendation.items.values_list("application_id", flat=True)) == [b.pk]


def test_officer_withdraws_a_prepared_document(people: Any, reviewing: Any) -> None:
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=[reviewing], opinion="同意"
    )
    as_user(people["officer"]).post(f"/review/recommendations/{recommendation.pk}/withdraw/")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.WITHDRAWN
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_municipal_page_batch_and_return(people: Any, call: Any) -> None:
    apps = several_in_review(people, call, 2)
    recommendation = district.recommendation_prepare(
        actor=people["officer"], applications=apps, opinion="同意"
    )
    district.recommendation_sign(
        actor=people["head"], recommendation=recommendation, document_number="浦40号"
    )
    client = as_user(people["municipal"])
    page = text(client.get("/review/municipal/"))
    assert "浦40号" in page and str(apps[0].reference_number) in page
    response = client.post(
        "/review/municipal/batch/", {"ids": [a.pk for a in apps], "action": "municipal_start"}, follow=True
    )
    assert "已开始初审 2 份申报" in text(response)
    response = client.post(f"/review/municipal/{apps[0].pk}/return/", {"reason": ""})
    assert response.status_code == 422 and "请填写退回修改的理由。" in text(response)
    client.post(f"/review/municipal/{apps[0].pk}/return/", {"reason": "请补充设备清单"})
    assert reload(apps[0]).status == S.RETURNED
    client.post("/review/municipal/batch/", {"ids": [apps[1].pk], "action": "to_expert_review"})
    assert reload(apps[1]).status == S.EXPERT_REVIEW
    head_page = text(as_user(people["municipal_head"]).get("/review/municipal/"))
    assert "只有市经信委经办人可以办理市级初审" in head_page


def test_notifications_page_bell_and_mark_read(people: Any, submitted: Any) -> None:
    client = as_user(people["officer"])
    bell = text(client.get("/review/notifications/bell/"))
    assert 'id="notification-count">1<' in bell
    page = text(client.get("/review/notifications/"))
    assert submitted.reference_number in page and "全部标为已读" in page
    notice = Notification.objects.get(user=people["officer"])
    response = client.post(f"/review/notifications/{notice.pk}/read/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == f"/review/district/{submitted.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="notification-count"' not in text(client.get("/review/notifications/bell/"))
    # Someone else's notice does not exist for this user.
    assert as_user(people["head"]).post(f"/review/notifications/{notice.pk}/read/").status_code == 404


def test_notification_link_never_leaves_the_site(people: Any) -> None:
    notice = Notification.objects.create(
        user=people["officer"], verb="x", message="y", url="https://evil.example/"
    )
    response = as_user(people["officer"]).post(f"/review/notifications/{notice.pk}/read/", {"go": "1"})
    assert response["Location"] == "/review/notifications/"


def test_home_page_shows_the_todo(people: Any, submitted: Any) -> None:
    page = text(as_user(people["officer"]).get("/"))
    assert 'data-todo="review.district_pending"' in page
    assert "待受理 1 件，审核中 0 件" in page
    municipal_page = text(as_user(people["municipal"]).get("/"))
    assert 'data-todo="review.municipal_first_review"' in municipal_page


def test_the_corrections_partial_for_other_pages(people: Any, reviewing: Any) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    district.district_return(
        actor=people["officer"],
        application=reviewing,
        items=[{"section": "project", "reason": "项目名称与备案不一致"}],
    )
    request = RequestFactory().get("/")
    template = Template(
        "{% load review_district %}{% corrections_for application as corrections %}"
        '{% include "recommendations/district_corrections.html" with corrections=corrections %}'
    )
    for who, sees in (("enterprise", True), ("other_officer", False)):
        request.user = people[who]
        html = template.render(Context({"request": request, "application": reviewing}))
        assert ("项目名称与备案不一致" in html) is sees


def test_overdue_applications_are_flagged_on_the_workbench_and_the_home(
    people: Any, call: Any, submitted: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    officer = as_user(people["officer"])
    page = text(officer.get("/review/district/"))
    assert 'id="overdue-alert"' not in page and "jg-overdue" not in page
    assert "件逾期" not in text(officer.get("/"))

    # the call's district forward date passed 40 days ago, the application still waits
    type(call).objects.filter(pk=call.pk).update(
        district_forward_date=timezone.localdate() - dt.timedelta(days=40)
    )
    page = text(officer.get("/review/district/?tab=pending"))
    assert 'id="overdue-alert"' in page and "1 件申报已过申报通知的区推荐截止日期" in page
    assert "逾期 40 天" in page
    home = text(officer.get("/"))
    card = home[home.index('data-todo="review.district_pending"') :]
    assert "1 件逾期" in card[: card.index("card-footer")]
    # another district's officer sees none of it
    assert 'id="overdue-alert"' not in text(as_user(people["other_officer"]).get("/review/district/"))


def test_bulk_actions_are_disabled_on_an_empty_list(people: Any) -> None:
    page = text(as_user(people["officer"]).get("/review/district/?tab=pending"))
    assert '<button type="button" class="btn btn-primary" disabled id="batch-start">' in page
    assert "列表中没有可选的申报。" in page
    page = text(as_user(people["officer"]).get("/review/district/?tab=review"))
    assert 'disabled id="batch-prepare"' in page
    page = text(as_user(people["municipal"]).get("/review/municipal/"))
    assert 'disabled id="batch-municipal-start"' in page
