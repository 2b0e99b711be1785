"""The district review and municipal first review through the API: the whole path from submission to
expert review, and the refusals a caller sees (404 outside the scope, 403 with the reason, 422)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jigai.applications.choices import ApplicationStatus as S
from jigai.notifications.models import Notification
from jigai.recommendations.tests.district_fixtures import *  # noqa: F403
from jigai.recommendations.tests.district_fixtures import reload, several_in_review

pytestmark = pytest.mark.django_db
BASE = "/api/v1/review"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, data=body or {}, content_type="application/json")


def test_from_submission_to_expert_review(people: Any, call: Any, submitted: Any) -> None:
    officer, head, municipal = (as_user(people[k]) for k in ("officer", "head", "municipal"))
    enterprise = as_user(people["enterprise"])
    app = f"{BASE}/applications/{submitted.pk}"

    response = post(officer, f"{app}/district-start")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.DISTRICT_REVIEW

    response = post(
        officer,
        f"{app}/district-return",
        {"items": [{"section": "financing", "reason": "资金来源合计与总投资不符"}]},
    )
    assert response.json()["status_label"] == "退回修改"
    corrections = enterprise.get(f"{app}/corrections").json()
    assert corrections[0]["items"] == [
        {"section": "financing", "section_label": "资金来源", "reason": "资金来源合计与总投资不符"}
    ]
    assert corrections[0]["stage_label"] == "区级审核" and corrections[0]["resolved_at"] is None

    assert post(enterprise, f"{app}/resubmit").json()["status"] == S.RESUBMITTED
    assert post(officer, f"{app}/district-start").json()["status"] == S.DISTRICT_REVIEW

    response = post(
        officer, f"{BASE}/recommendations", {"application_ids": [submitted.pk], "opinion": "同意推荐"}
    )
    assert response.status_code == 201, response.content
    recommendation = response.json()
    assert recommendation["status"] == "prepared" and recommendation["items"][0]["priority"] == 1

    response = post(
        head,
        f"{BASE}/recommendations/{recommendation['id']}/sign",
        {"document_number": "浦科经委〔2026〕21号"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["document_number"] == "浦科经委〔2026〕21号"
    assert reload(submitted).status == S.RECOMMENDED
    listed = municipal.get(f"{BASE}/recommendations?status=signed").json()
    assert [r["document_number"] for r in listed["items"]] == ["浦科经委〔2026〕21号"]

    assert post(municipal, f"{app}/municipal-start").json()["status"] == S.MUNICIPAL_REVIEW
    assert post(municipal, f"{app}/to-expert-review").json()["status"] == S.EXPERT_REVIEW


def test_another_districts_officer_gets_404(people: Any, submitted: Any) -> None:
    response = post(as_user(people["other_officer"]), f"{BASE}/applications/{submitted.pk}/district-start")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert reload(submitted).status == S.SUBMITTED


def test_visible_but_not_theirs_gets_403_with_the_reason(people: Any, submitted: Any) -> None:
    response = post(as_user(people["municipal"]), f"{BASE}/applications/{submitted.pk}/district-start")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "只有区经委经办人可以执行“受理并开始区级审核”。",
        "details": None,
    }
    response = post(as_user(people["enterprise"]), f"{BASE}/applications/{submitted.pk}/district-start")
    assert response.status_code == 403


def test_skipping_a_state_is_a_422_with_the_reason(people: Any, submitted: Any) -> None:
    response = post(as_user(people["municipal"]), f"{BASE}/applications/{submitted.pk}/municipal-start")
    assert response.status_code == 422
    assert response.json()["message"] == "申报当前状态为“已提交”，不能开始市级初审。"


def test_return_without_items_is_refused(people: Any, reviewing: Any) -> None:
    response = post(
        as_user(people["officer"]), f"{BASE}/applications/{reviewing.pk}/district-return", {"items": []}
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "items", "message": "退回修改须逐项写明需修改的内容和理由，至少一项。"}
    ]
    assert reload(reviewing).status == S.DISTRICT_REVIEW


def test_district_officer_signing_is_refused(people: Any, reviewing: Any) -> None:
    officer = as_user(people["officer"])
    created = post(
        officer, f"{BASE}/recommendations", {"application_ids": [reviewing.pk], "opinion": "同意"}
    ).json()
    response = post(officer, f"{BASE}/recommendations/{created['id']}/sign", {"document_number": "浦9号"})
    assert response.status_code == 403
    assert "区经委负责人" in response.json()["message"]
    # Another district's head does not even see the document.
    response = post(
        as_user(people["other_head"]),
        f"{BASE}/recommendations/{created['id']}/sign",
        {"document_number": "浦9号"},
    )
    assert response.status_code == 404


def test_sign_without_document_number(people: Any, reviewing: Any) -> None:
    created = post(
        as_user(people["officer"]),
        f"{BASE}/recommendations",
        {"application_ids": [reviewing.pk], "opinion": "同意"},
    ).json()
    response = post(
        as_user(people["head"]), f"{BASE}/recommendations/{created['id']}/sign", {"document_number": " "}
    )
    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "document_number", "message": "请填写推荐文号。"}]


def test_prepare_with_an_application_of_another_district(people: Any, call: Any) -> None:
    (mine,) = several_in_review(people, call, 1)
    response = post(
        as_user(people["other_officer"]),
        f"{BASE}/recommendations",
        {"application_ids": [mine.pk], "opinion": "同意"},
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["message"] == f"未找到申报：{mine.pk}。"


def test_update_ranking_through_the_api(people: Any, call: Any) -> None:
    a, b = several_in_review(people, call, 2)
    officer = as_user(people["officer"])
    created = post(
        officer, f"{BASE}/recommendations", {"application_ids": [a.pk, b.pk], "opinion": "同意"}
    ).json()
    response = officer.put(
        f"{BASE}/recommendations/{created['id']}",
        data={"priorities": {str(a.pk): 2, str(b.pk): 1}, "opinion": "调整"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [(i["application_id"], i["priority"]) for i in response.json()["items"]] == [(b.pk, 1), (a.pk, 2)]


def test_notifications_api(people: Any, submitted: Any) -> None:
    officer = as_user(people["officer"])
    listed = officer.get("/api/v1/notifications?unread=true").json()
    assert listed["count"] == 1
    notice = listed["items"][0]
    assert notice["application_id"] == submitted.pk and notice["read_at"] is None
    response = post(officer, f"/api/v1/notifications/{notice['id']}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert officer.get("/api/v1/notifications?unread=true").json()["count"] == 0
    # Somebody else's notice does not exist for this user.
    other = Notification.objects.create(user=people["head"], verb="x", message="y")
    assert post(officer, f"/api/v1/notifications/{other.pk}/read").status_code == 404
