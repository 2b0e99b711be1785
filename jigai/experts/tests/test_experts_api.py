"""The expert review through the API: what an expert and an officer see and are refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jigai.accounts.models import Organisation
from jigai.decisions.models import Decision
from jigai.experts.choices import AssignmentStatus
from jigai.experts.models import Assignment, Panel
from jigai.experts.tests.experts_fixtures import (
    assignment_for,
    deadline,
    expert,
    in_expert_review,
    officer,
    pool,
    review_call,
    scores_body,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/review"


def as_user(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=body, content_type="application/json")


def test_an_expert_cannot_score_an_application_not_assigned_to_it(client):
    call = review_call()
    theirs = assignment_for(expert(), in_expert_review(call), status=AssignmentStatus.ACCEPTED)
    me = expert()
    assignment_for(me, in_expert_review(call), status=AssignmentStatus.ACCEPTED)
    response = post(as_user(client, me.user), f"{BASE}/assignments/{theirs.pk}/scores", scores_body())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/assignments/{theirs.pk}").status_code == 404
    assert client.get(f"{BASE}/assignments/{theirs.pk}/application").status_code == 404
    assert client.get(f"/api/v1/applications/{theirs.application_id}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AssignmentStatus.ACCEPTED and not theirs.scores.exists()


def test_before_declaring_the_expert_can_neither_open_nor_score(client):
    application = in_expert_review(review_call())
    mine = assignment_for(expert(), application)
    api = as_user(client, mine.expert.user)
    reason = "请先声明是否与该申报存在利益冲突：声明无利益冲突后才能查看申报材料和评分。"
    # the expert may open and score its assignment, only not yet: 422, not 403 (who may, then whether now)
    response = api.get(f"{BASE}/assignments/{mine.pk}/application")
    assert response.status_code == 422 and response.json()["message"] == reason
    response = post(api, f"{BASE}/assignments/{mine.pk}/scores", scores_body())
    assert response.status_code == 422 and response.json()["message"] == reason
    assert api.get(f"/api/v1/applications/{application.pk}").status_code == 404
    detail = api.get(f"{BASE}/assignments/{mine.pk}").json()
    assert detail["application"]["enterprise"] == application.enterprise.name  # to judge a conflict
    assert detail["can_open_application"] == {"allowed": False, "reason": reason}

    response = post(api, f"{BASE}/assignments/{mine.pk}/declare", {"no_conflict": True})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    opened = api.get(f"{BASE}/assignments/{mine.pk}/application")
    assert opened.status_code == 200
    assert opened.json()["total_investment"] == "30000000.00"
    assert api.get(f"/api/v1/applications/{application.pk}").status_code == 200
    scored = post(api, f"{BASE}/assignments/{mine.pk}/scores", scores_body("85.5"))
    assert scored.status_code == 200, scored.content
    body = scored.json()
    assert body["status"] == "scored" and body["total_score"] == "85.50"
    assert [s["score"] for s in body["scores"]] == ["85.50"] * 5


def test_a_recusal_needs_a_reason(client):
    mine = assignment_for(expert(), in_expert_review(review_call()))
    response = post(
        as_user(client, mine.expert.user), f"{BASE}/assignments/{mine.pk}/declare", {"no_conflict": False}
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "reason", "message": "回避须说明理由（与申报单位的关联情况）。"}
    ]


def test_scores_stay_hidden_until_the_panel_closes(client):
    call = review_call()
    application = in_expert_review(call)
    panel = Panel.objects.create(call=call, seed="s", deadline=deadline())
    mine = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    theirs = assignment_for(expert(), application, status=AssignmentStatus.ACCEPTED, panel=panel)
    post(as_user(client, theirs.expert.user), f"{BASE}/assignments/{theirs.pk}/scores", scores_body("70"))
    post(as_user(client, mine.expert.user), f"{BASE}/assignments/{mine.pk}/scores", scores_body("90"))
    mine_seen = client.get(f"{BASE}/assignments/{mine.pk}").json()
    assert mine_seen["total_score"] == "90.00" and mine_seen["panel_results"] is None
    assert client.get(f"{BASE}/assignments/{theirs.pk}").status_code == 404

    api = as_user(client, officer())
    seen = api.get(f"{BASE}/assignments/{theirs.pk}").json()
    assert seen["status"] == "scored"
    assert seen["scores_visible"] is False and seen["scores"] is None and seen["total_score"] is None
    panel_body = api.get(f"{BASE}/calls/{call.pk}/panel").json()
    row = panel_body["applications"][0]
    assert row["scored"] == 2 and row["final_score"] is None
    assert {a["total_score"] for a in row["assignments"]} == {None}

    closed = post(api, f"{BASE}/calls/{call.pk}/panel/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    row = closed.json()["applications"][0]
    assert row["final_score"] == "80.00"
    assert sorted(a["total_score"] for a in row["assignments"]) == ["70.00", "90.00"]
    assert api.get(f"{BASE}/assignments/{theirs.pk}").json()["scores"][0]["score"] == "70.00"
    mine_after = as_user(client, mine.expert.user).get(f"{BASE}/assignments/{mine.pk}").json()
    assert [r["total_score"] for r in mine_after["panel_results"]] == ["90.00", "70.00"]


def test_five_experts_through_the_api_end_in_a_trimmed_mean(client):
    call = review_call()
    application = in_expert_review(call)
    pool(5)
    api = as_user(client, officer())
    drawn = post(
        api,
        f"{BASE}/calls/{call.pk}/panel",
        {"experts_per_application": 5, "deadline": deadline().isoformat(), "seed": "接口抽取"},
    )
    assert drawn.status_code == 200, drawn.content
    assert drawn.json()["seed"] == "接口抽取" and drawn.json()["assignments"] == 5
    assignments = list(Assignment.objects.filter(application=application).select_related("expert__user"))
    for assignment, value in zip(assignments, ("60", "72", "75", "78", "99"), strict=True):
        expert_api = as_user(client, assignment.expert.user)
        listed = expert_api.get(f"{BASE}/expert/assignments").json()
        assert [i["id"] for i in listed["items"]] == [assignment.pk]
        post(expert_api, f"{BASE}/assignments/{assignment.pk}/declare", {"no_conflict": True})
        assert (
            post(expert_api, f"{BASE}/assignments/{assignment.pk}/scores", scores_body(value)).status_code
            == 200
        )
    decision = Decision.objects.get(application=application)
    assert decision.final_score == Decimal("75.00") and decision.score_spread_flag  # 99 − 60 > 20
    verify = as_user(client, officer()).get(f"{BASE}/calls/{call.pk}/panel/verify").json()
    assert verify["reproduced"] is True and verify["rounds"] == 1 and verify["assignments"] == 5


def test_the_rubric_must_weigh_100_and_freezes_with_the_first_score(client):
    call = review_call()
    api = as_user(client, officer())
    default = api.get(f"{BASE}/calls/{call.pk}/rubric").json()
    assert default["saved"] is False and [c["weight"] for c in default["criteria"]] == [
        "30",
        "25",
        "20",
        "15",
        "10",
    ]
    bad = {
        "criteria": [
            {"code": "tech", "name": "技术", "weight": "60"},
            {"code": "econ", "name": "经济", "weight": "30"},
        ]
    }
    response = api.put(f"{BASE}/calls/{call.pk}/rubric", data=bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "各评分项权重之和须为 100，现为 90。"
    good = {
        "criteria": [
            {"code": "tech", "name": "技术", "weight": "70"},
            {"code": "econ", "name": "经济", "weight": "30", "max_score": "50"},
        ]
    }
    response = api.put(f"{BASE}/calls/{call.pk}/rubric", data=good, content_type="application/json")
    assert response.status_code == 200 and response.json()["saved"] is True
    mine = assignment_for(expert(), in_expert_review(call), status=AssignmentStatus.ACCEPTED)
    body = {
        "scores": [
            {"code": "tech", "score": "80", "comment": "好"},
            {"code": "econ", "score": "25", "comment": "一般"},
        ],
        "investment_opinion": "1000000",
        "overall_comment": "同意。",
    }
    scored = post(as_user(client, mine.expert.user), f"{BASE}/assignments/{mine.pk}/scores", body)
    assert scored.json()["total_score"] == "71.00"  # 80/100×70 + 25/50×30
    response = as_user(client, officer()).put(
        f"{BASE}/calls/{call.pk}/rubric", data=good, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["message"] == "专家已开始评分，评分细则已冻结，不能再修改。"
    assert api.get(f"{BASE}/calls/{call.pk}/rubric").json()["frozen"] is True


def test_the_expert_declares_its_own_conflicts(client):
    me = expert()
    group = Organisation.objects.create(
        name="上海某控股集团", kind="enterprise", credit_code="91310000MA1FL0000X"
    )
    api = as_user(client, me.user)
    response = post(
        api, f"{BASE}/expert/conflicts", {"organisation": "91310000ma1fl0000x", "reason": "曾任独立董事"}
    )
    assert response.status_code == 201 and response.json()["organisation"] == "上海某控股集团"
    again = post(api, f"{BASE}/expert/conflicts", {"organisation": "上海某控股集团", "reason": "重复"})
    assert again.status_code == 422 and again.json()["message"] == "已申报过与“上海某控股集团”的利益关联。"
    unknown = post(api, f"{BASE}/expert/conflicts", {"organisation": "不存在的单位", "reason": "x"})
    assert unknown.status_code == 422
    employer = me.user.organisation
    assert employer is not None
    own = post(api, f"{BASE}/expert/conflicts", {"organisation": employer.name, "reason": "x"})
    assert own.json()["message"] == "您的工作单位已自动回避，无需申报。"
    profile = api.get(f"{BASE}/expert/profile").json()
    assert [c["organisation"] for c in profile["conflicts"]] == ["上海某控股集团"]
    assert api.delete(f"{BASE}/expert/conflicts/{group.pk}").status_code == 204
    assert api.get(f"{BASE}/expert/profile").json()["conflicts"] == []
