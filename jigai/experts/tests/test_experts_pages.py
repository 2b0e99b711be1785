"""The expert review pages: the expert's list, declaration and scoring form; the officer's panel,
pool and rubric pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.core.testing.factories import municipal_user, published_catalog
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment, ExpertProfile, Panel
from jigai.experts.tests.experts_fixtures import (
    assignment_for,
    deadline,
    expert,
    expert_user,
    in_expert_review,
    institution,
    officer,
    pool,
    review_call,
)

pytestmark = pytest.mark.django_db


def test_the_assignment_list_runs_a_constant_number_of_queries(client):
    me = expert()
    call = review_call()
    assignment_for(me, in_expert_review(call))
    client.force_login(me.user)
    client.get("/review/expert/?tab=all")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/review/expert/?tab=all")
    assert response.status_code == 200
    for _ in range(12):
        assignment_for(me, in_expert_review(call), status=AssignmentStatus.SCORED)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/review/expert/?tab=all")
    html = response.content.decode()
    assert html.count("data-assignment-id=") == 13
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_list_shows_only_the_experts_own_assignments(client):
    call = review_call()
    mine = assignment_for(expert(), in_expert_review(call, name="我的项目"))
    assignment_for(expert(), in_expert_review(call, name="别人的项目"))
    client.force_login(mine.expert.user)
    html = client.get("/review/expert/").content.decode()
    assert "我的项目" in html and "别人的项目" not in html
    assert "声明利益冲突" in html
    assert client.get("/review/expert/").status_code == 200
    client.force_login(municipal_user())
    assert client.get("/review/expert/").status_code == 403


def test_declaring_on_the_page_then_scoring_with_errors_keeps_the_input(client):
    application = in_expert_review(review_call(), name="数字化车间改造")
    mine = assignment_for(expert(), application)
    client.force_login(mine.expert.user)
    page = client.get(f"/review/expert/assignments/{mine.pk}/").content.decode()
    assert "利益冲突声明" in page and application.enterprise.name in page
    assert "申报材料" not in page.split("利益冲突声明")[0]  # nothing of the application before it
    # the expert may score its assignment, only not yet: back where it came from with the reason
    assignment_page = f"/review/expert/assignments/{mine.pk}/"
    refused = client.get(f"{assignment_page}score/", HTTP_REFERER=f"http://testserver{assignment_page}")
    assert refused.status_code == 302 and refused["Location"].endswith(assignment_page)
    assert "请先声明是否与该申报存在利益冲突" in client.get(assignment_page).content.decode()

    recusal = client.post(
        f"/review/expert/assignments/{mine.pk}/declare/", {"no_conflict": "0", "reason": ""}
    )
    assert recusal.status_code == 422 and "回避须说明理由" in recusal.content.decode()
    response = client.post(f"/review/expert/assignments/{mine.pk}/declare/", {"no_conflict": "1"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已声明无利益冲突" in page and "主要技术内容" in page and "建设数字化车间。" in page
    # one page to score from: the materials beside the form, the running weighted total, its script
    score_page = client.get(f"/review/expert/assignments/{mine.pk}/score/").content.decode()
    assert 'id="application-summary"' in score_page and "建设数字化车间。" in score_page
    assert 'id="fixed-asset-share"' in score_page
    assert 'data-score-total="#running-total"' in score_page and 'id="running-total"' in score_page
    assert 'data-weight="' in score_page and 'data-max="' in score_page
    assert "dist/score_total.js" in score_page

    form = {
        "score_technical_advancement": "88",
        "comment_technical_advancement": "技术路线先进",
        "score_economic_benefit": "120",
        "comment_economic_benefit": "效益好",
        "investment_opinion": "25000000",
        "overall_comment": "",
    }
    response = client.post(f"/review/expert/assignments/{mine.pk}/score/", form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "“经济效益”的得分须在 0 至 100 之间，最多两位小数。" in html
    assert "请为“实施能力”打分。" in html and "请填写总体评审意见。" in html
    assert 'value="88"' in html and "技术路线先进" in html  # the input is kept
    form.update(
        {
            "score_economic_benefit": "80",
            "score_implementation_capacity": "70",
            "comment_implementation_capacity": "团队经验丰富",
            "score_investment_reasonableness": "60",
            "comment_investment_reasonableness": "设备单价偏高",
            "score_catalog_fit": "100",
            "comment_catalog_fit": "符合",
            "overall_comment": "建议支持。",
        }
    )
    response = client.post(f"/review/expert/assignments/{mine.pk}/score/", form)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SCORED and str(mine.total_score) == "79.40"
    page = client.get(f"/review/expert/assignments/{mine.pk}/").content.decode()
    assert "加权总分 79.40" in page


def test_the_officer_draws_on_the_panel_page_and_sees_the_seed(client):
    call = review_call()
    application = in_expert_review(call, name="智能产线项目")
    pool(5)
    client.force_login(officer())
    page = client.get(f"/review/calls/{call.pk}/panel/")
    assert page.status_code == 200 and "尚未抽取评审专家" in page.content.decode()
    bad = client.post(
        f"/review/calls/{call.pk}/panel/draw/",
        {"experts_per_application": "9", "deadline": "2020-01-01T10:00"},
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "评分截止时间须晚于现在。" in html
    when = deadline().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/review/calls/{call.pk}/panel/draw/",
        {"experts_per_application": "5", "deadline": when, "seed": "页面种子"},
    )
    assert response.status_code == 302
    html = client.get(f"/review/calls/{call.pk}/panel/").content.decode()
    assert "页面种子" in html and "智能产线项目" in html and "已评 0 / 5" in html
    assert html.count("催办") >= 5
    verify = client.get(f"/review/calls/{call.pk}/panel/verify/").content.decode()
    assert "全部抽取结果均可由随机种子重现。" in verify
    assert Assignment.objects.filter(application=application).count() == 5
    # the head reads, but may not draw
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    assert client.get(f"/review/calls/{call.pk}/panel/").status_code == 200
    assert client.post(f"/review/calls/{call.pk}/panel/close/").status_code == 403


def test_the_officer_replaces_and_reminds_from_the_panel_page(client):
    call = review_call()
    in_expert_review(call)
    pool(6)
    client.force_login(officer())
    client.post(
        f"/review/calls/{call.pk}/panel/draw/",
        {"experts_per_application": "5", "deadline": deadline().strftime("%Y-%m-%dT%H:%M")},
    )
    first = Assignment.objects.order_by("pk").first()
    assert first is not None
    response = client.post(f"/review/panel/assignments/{first.pk}/remind/", follow=True)
    assert "已催办" in response.content.decode()
    response = client.post(f"/review/panel/assignments/{first.pk}/replace/", {"reason": "生病"}, follow=True)
    assert "已替换，替补专家为" in response.content.decode()
    first.refresh_from_db()
    assert first.status == AssignmentStatus.REPLACED and first.reminded_at is not None
    response = client.post(f"/review/calls/{call.pk}/panel/close/", follow=True)
    assert "尚有 5 个评审任务未完成" in response.content.decode()
    assert Panel.objects.get(call=call).status == "open"


def test_the_pool_pages(client):
    published_catalog()
    candidate = expert_user(organisation=institution("复旦大学"), display_name="王教授")
    existing = expert()
    client.force_login(officer())
    html = client.get("/review/experts/").content.decode()
    assert str(existing.user) in html and "王教授" in html  # listed, and offered to add
    response = client.post(
        "/review/experts/new/",
        {
            "user": candidate.pk,
            "title": "教授",
            "specialty": "工业软件",
            "direction_codes": ["1.1"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=candidate)
    assert profile.title == "教授" and list(profile.directions.values_list("code", flat=True)) == ["1.1"]
    response = client.post(
        f"/review/experts/{profile.pk}/edit/", {"title": "x" * 61, "specialty": "工业软件"}
    )
    assert response.status_code == 422
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    assert client.get("/review/experts/").status_code == 200
    assert client.get(f"/review/experts/{profile.pk}/edit/").status_code == 403


def test_the_expert_declares_a_conflict_on_its_profile_page(client):
    me = expert()
    other = institution("上海某机床厂")
    client.force_login(me.user)
    response = client.post("/review/expert/profile/", {"organisation": "没有这个单位", "reason": "顾问"})
    assert response.status_code == 422 and "未找到该单位" in response.content.decode()
    response = client.post(
        "/review/expert/profile/", {"organisation": other.name, "reason": "曾任顾问"}, follow=True
    )
    html = response.content.decode()
    assert "已申报与“上海某机床厂”的利益关联。" in html and "曾任顾问" in html


def test_the_rubric_page_refuses_bad_weights_and_freezes(client):
    call = review_call()
    client.force_login(officer())
    html = client.get(f"/review/calls/{call.pk}/rubric/").content.decode()
    assert "技术先进性" in html and "尚未设置" in html
    response = client.post(
        f"/review/calls/{call.pk}/rubric/",
        {
            "code": ["tech", "econ"],
            "name": ["技术", "经济"],
            "weight": ["50", "40"],
            "max_score": ["100", "100"],
        },
    )
    assert response.status_code == 422 and "各评分项权重之和须为 100，现为 90。" in response.content.decode()
    response = client.post(
        f"/review/calls/{call.pk}/rubric/",
        {
            "code": ["tech", "econ", ""],
            "name": ["技术", "经济", ""],
            "weight": ["60", "40", ""],
            "max_score": ["100", "100", "100"],
        },
    )
    assert response.status_code == 302
    mine = assignment_for(expert(), in_expert_review(call), status=AssignmentStatus.SCORED)
    mine.scores.create(criterion=call.rubric.get(code="tech"), score=80, comment="好")
    html = client.get(f"/review/calls/{call.pk}/rubric/").content.decode()
    assert "专家已开始评分，评分细则已冻结" in html
    response = client.post(
        f"/review/calls/{call.pk}/rubric/",
        {"code": ["a"], "name": ["甲"], "weight": ["100"], "max_score": ["100"]},
        follow=True,
    )
    # the officer may set the rubric, only not once scoring began: the reason, not a 403
    assert response.status_code == 200
    assert "专家已开始评分，评分细则已冻结，不能再修改。" in response.content.decode()


def test_the_home_page_counts_the_experts_work(client):
    me = expert()
    assignment_for(me, in_expert_review(review_call()))
    client.force_login(me.user)
    html = client.get("/").content.decode()
    assert "待办理的评审任务" in html


def test_the_default_scoring_deadline_is_17_00_shanghai_on_a_working_day() -> None:
    import datetime as dt
    from unittest import mock
    from zoneinfo import ZoneInfo

    from jigai.experts.forms import default_deadline, default_deadline_at
    from jigai.workdays.workingdays import is_working_day

    shanghai = ZoneInfo("Asia/Shanghai")
    # asked at 03:51 on the eve of the 2026 National Day holiday
    asked = dt.datetime(2026, 9, 30, 3, 51, tzinfo=shanghai)
    with mock.patch("django.utils.timezone.now", return_value=asked):
        deadline = default_deadline_at()
        shown = default_deadline()
    assert deadline.tzinfo == shanghai and (deadline.hour, deadline.minute) == (17, 0)
    assert is_working_day(deadline.date()) and deadline.date() > asked.date() + dt.timedelta(days=10)
    assert shown == deadline.strftime("%Y-%m-%dT17:00")


def test_an_expert_not_yet_in_the_pool_withdrawing_a_conflict_is_told_why(client):
    user = expert_user()  # an expert account without an entry in the pool
    other = institution()
    client.force_login(user)
    response = client.post(f"/review/expert/conflicts/{other.pk}/withdraw/", follow=True)
    assert response.status_code == 200
    assert "您尚未纳入评审专家库" in response.content.decode()
