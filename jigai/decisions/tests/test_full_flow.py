"""Issue 4's acceptance test: ONE call driven from submitted applications to an approved list
through the API — district review and recommendation, municipal first review, five experts,
comprehensive review, the proposed list, publicity with one upheld and one dismissed objection,
approval, and the decision notice.

Set-up by services (as the earlier issues' tests do): the call, three enterprises whose
applications are submitted, the officials and five expert accounts. From there on every step is an
HTTP request to /api/v1 by the user whose job it is, except:

* the passing of the publicity's working days, done by moving the list's closing moment into the
  past (the same as waiting until then).
* ``to_comprehensive_review`` (expert review → comprehensive review), taken through the workflow
  service when the API has no endpoint for it (see ``_to_comprehensive_review``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications import services as application_services
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.models import Application, ApplicationTransition
from jigai.applications.tests.conftest import CALL_DIRECTIONS, eligible_application_for, make_enterprise
from jigai.audit.services import audit_chain_check
from jigai.core.testing import factories
from jigai.core.testing.factories import user_for_role
from jigai.decisions.models import ProposedList
from jigai.decisions.tests.factories_decision import close_publicity

API = "/api/v1"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


class As:
    """An API client signed in as ``user``."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def _check(self, response: Any, expect: int) -> Any:
        assert response.status_code == expect, (self.user.role, response.status_code, response.content[:500])
        return response.json() if response["Content-Type"].startswith("application/json") else response

    def get(self, path: str, expect: int = 200) -> Any:
        return self._check(self.client.get(API + path), expect)

    def post(self, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        response = self.client.post(API + path, data=json.dumps(body or {}), content_type="application/json")
        return self._check(response, expect)

    def put(self, path: str, body: dict[str, Any], expect: int = 200) -> Any:
        response = self.client.put(API + path, data=json.dumps(body), content_type="application/json")
        return self._check(response, expect)


def _items(body: Any) -> list[dict[str, Any]]:
    return body["items"] if isinstance(body, dict) else body


def _to_comprehensive_review(officer: As, call_id: int, application_ids: list[int]) -> None:
    """Expert review → comprehensive review, by the commission's officer."""
    paths = _openapi_paths()
    if f"{API}/review/calls/{{call_id}}/comprehensive-review" in paths:
        officer.post(f"/review/calls/{call_id}/comprehensive-review")
        return
    for application_id in application_ids:
        path = f"{API}/review/applications/{{application_id}}/to-comprehensive-review"
        if path in paths:
            officer.post(f"/review/applications/{application_id}/to-comprehensive-review")
        else:  # no endpoint for this step yet: the workflow service, as the officer
            application_services.application_transition(
                actor=officer.user,
                application=Application.objects.get(pk=application_id),
                action="to_comprehensive_review",
            )


def _openapi_paths() -> set[str]:
    from jigai.api import api

    return set(api.get_openapi_schema()["paths"])


def test_one_call_from_submission_to_an_approved_list_through_the_api():
    # --- set-up: the call, three submitted applications, the people --------------------------
    call = factories.open_call(direction_codes=CALL_DIRECTIONS, budget=Decimal("6000000.00"))
    applicants = [
        user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310115")) for _ in range(3)
    ]
    names = ["数控机床智能工厂技术改造项目", "新能源汽车电驱产线升级项目", "绿色涂装工艺再造项目"]
    ids = []
    for user, name in zip(applicants, names, strict=True):
        draft = eligible_application_for(user, call, name=name)
        ids.append(application_services.application_submit(actor=user, application=draft).pk)
    first, second, third = ids
    district_officer = As(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    district_head = As(user_for_role(Role.DISTRICT_HEAD, district_code="310115"))
    municipal = As(user_for_role(Role.MUNICIPAL_OFFICER))
    head = As(user_for_role(Role.MUNICIPAL_HEAD))
    experts = [As(user_for_role(Role.EXPERT)) for _ in range(5)]
    public = Client()

    # --- district review and recommendation ---------------------------------------------------
    for application_id in ids:
        assert district_officer.post(f"/review/applications/{application_id}/district-start")["status"] == (
            S.DISTRICT_REVIEW
        )
    recommendation = district_officer.post(
        "/review/recommendations",
        {"application_ids": ids, "opinion": "三个项目材料齐全，符合申报条件，同意推荐。"},
        expect=201,
    )
    # The wrong role is refused with the reason: only the head signs.
    refused = district_officer.post(
        f"/review/recommendations/{recommendation['id']}/sign",
        {"document_number": "浦科经委〔2026〕18号"},
        expect=403,
    )
    assert "区经委负责人" in refused["message"]
    signed = district_head.post(
        f"/review/recommendations/{recommendation['id']}/sign", {"document_number": "浦科经委〔2026〕18号"}
    )
    assert signed["status"] == "signed"
    assert all(item["status"] == S.RECOMMENDED for item in signed["items"])

    # --- municipal first review ---------------------------------------------------------------
    for application_id in ids:
        municipal.post(f"/review/applications/{application_id}/municipal-start")
        assert municipal.post(f"/review/applications/{application_id}/to-expert-review")["status"] == (
            S.EXPERT_REVIEW
        )

    # --- five experts ---------------------------------------------------------------------------
    for expert in experts:
        municipal.post(
            "/review/experts",
            {"user_id": expert.user.pk, "title": "教授级高级工程师", "specialty": "智能制造"},
            expect=201,
        )
    deadline = (timezone.now() + dt.timedelta(days=7)).isoformat()
    _draw(municipal, call.pk, deadline)
    rubric = municipal.get(f"/review/calls/{call.pk}/rubric")["criteria"]
    # Scores: the first project best, the third worst; opinions on the investment (declared 2,500万元).
    level = {first: Decimal("90"), second: Decimal("84"), third: Decimal("70")}
    opinion = {first: "25000000.00", second: "24000000.00", third: "25000000.00"}
    for n, expert in enumerate(experts):
        assignments = _items(expert.get("/review/expert/assignments"))
        assert sorted(a["application"]["id"] for a in assignments) == sorted(ids)
        for assignment in assignments:
            application_id = assignment["application"]["id"]
            # Scoring before declaring no conflict is refused (the expert may, not yet: 422).
            expert.post(
                f"/review/assignments/{assignment['id']}/scores",
                _scores(rubric, level[application_id] + n, opinion[application_id]),
                expect=422,
            )
            expert.post(f"/review/assignments/{assignment['id']}/declare", {"no_conflict": True})
            expert.post(
                f"/review/assignments/{assignment['id']}/scores",
                _scores(rubric, level[application_id] + n, opinion[application_id]),
            )
    municipal.post(f"/review/calls/{call.pk}/panel/close")
    _to_comprehensive_review(municipal, call.pk, ids)

    # --- comprehensive review -------------------------------------------------------------------
    ranking = municipal.get(f"/review/calls/{call.pk}/ranking")
    assert [r["application_id"] for r in ranking["rows"]] == [first, second, third]
    rows = {r["application_id"]: r for r in ranking["rows"]}
    assert rows[first]["final_score"] is not None
    assert rows[first]["approved_support"] == "2500000.00"
    assert rows[second]["approved_investment"] == "24000000.00"  # the experts' opinion
    assert rows[third]["over_budget"] is True  # 250 + 240 + 250 > 600万元
    # Above the formula: refused. Lowered with a reason: kept.
    too_much = municipal.put(
        f"/review/applications/{second}/decision",
        {"approved_investment": "24000000.00", "approved_support": "2400000.01", "reduction_reason": ""},
        expect=422,
    )
    assert "只能调减，不能调高" in too_much["message"]
    municipal.put(
        f"/review/applications/{second}/decision",
        {
            "approved_investment": "24000000.00",
            "approved_support": "2000000.00",
            "reduction_reason": "软件投资中部分为运维费用，不予支持",
        },
    )
    # Only the head proposes; the total must fit the budget.
    municipal.post(f"/review/calls/{call.pk}/propose", {"application_ids": [first, second]}, expect=403)
    over = head.post(
        f"/review/calls/{call.pk}/propose",
        {"application_ids": ids, "not_proposed_reason": ""},
        expect=422,
    )
    assert "超过本批次预算" in over["message"]
    proposed = head.post(
        f"/review/calls/{call.pk}/propose",
        {"application_ids": [first, second], "not_proposed_reason": "综合评审排名第三，预算不足"},
    )
    assert proposed["status"] == "proposed" and proposed["total_support"] == "4500000.00"
    frozen = municipal.put(
        f"/review/applications/{first}/decision", {"approved_investment": "20000000.00"}, expect=422
    )
    assert "已冻结" in frozen["message"]

    # --- publicity and objections ---------------------------------------------------------------
    published = head.post(
        f"/review/calls/{call.pk}/publicity", {"starts_on": timezone.localdate().isoformat()}
    )
    assert published["status"] == "publicity" and published["publicity_working_days"] == 5
    listed = public.get(f"{API}/review/public/publicity").json()
    (shown,) = listed
    assert [i["application_id"] for i in shown["items"]] == [first, second]
    list_id = shown["id"]
    upheld = public.post(
        f"{API}/review/publicity/{list_id}/objections",
        {
            "name": "知情人",
            "contact": "13700000000",
            "content": "该项目的主要设备已于上一年度获市级专项资金支持。",
            "application_id": second,
        },
    )
    assert upheld.status_code == 201, upheld.content
    dismissed = public.post(
        f"{API}/review/publicity/{list_id}/objections",
        {
            "name": "竞争企业",
            "contact": "021-55550000",
            "content": "该企业产能不足以实施项目。",
            "application_id": first,
        },
    )
    assert dismissed.status_code == 201
    objections = _items(municipal.get("/review/objections?status=open"))
    assert len(objections) == 2
    head.post(f"/review/calls/{call.pk}/approve", expect=422)  # the period is running
    municipal.post(
        f"/review/objections/{dismissed.json()['id']}/handle",
        {"outcome": "dismissed", "reason": "经核实，企业现有产能和新增设备满足实施要求。"},
    )
    close_publicity(ProposedList.objects.get(pk=list_id))
    late = public.post(
        f"{API}/review/publicity/{list_id}/objections", {"name": "迟到者", "contact": "1", "content": "晚了"}
    )
    assert late.status_code == 422 and "不再受理异议" in late.json()["message"]
    still_open = head.post(f"/review/calls/{call.pk}/approve", expect=422)
    assert "还有 1 件异议尚未处理" in still_open["message"]
    handled = municipal.post(
        f"/review/objections/{upheld.json()['id']}/handle",
        {"outcome": "upheld", "reason": "经核实，该项目设备已获 2025 年市级专项资金支持，不得重复支持。"},
    )
    assert handled["status"] == "upheld"

    # --- approval and the notice ----------------------------------------------------------------
    approved = head.post(f"/review/calls/{call.pk}/approve")
    assert approved["status"] == "approved" and approved["total_support"] == "2500000.00"
    statuses = dict(Application.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {first: S.APPROVED, second: S.NOT_APPROVED, third: S.NOT_APPROVED}
    owner = As(applicants[0])
    notice = owner.client.get(f"{API}/review/applications/{first}/notice.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    assert As(applicants[1]).client.get(f"{API}/review/applications/{first}/notice.pdf").status_code == 404
    assert owner.client.get(f"{API}/review/applications/{second}/notice.pdf").status_code == 404

    # Every application keeps its whole history, and the audit chain holds.
    history = list(
        ApplicationTransition.objects.filter(application_id=first)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert history == [
        "create",
        "submit",
        "district_start",
        "district_recommend",
        "municipal_start",
        "to_expert_review",
        "to_comprehensive_review",
        "propose",
        "publicize",
        "approve",
    ]
    assert (
        list(
            ApplicationTransition.objects.filter(application_id=second)
            .order_by("id")
            .values_list("action", flat=True)
        )[-1]
        == "objection_upheld"
    )
    assert audit_chain_check().ok


def _draw(municipal: As, call_id: int, deadline: str) -> None:
    response = municipal.client.post(
        f"{API}/review/calls/{call_id}/panel",
        data=json.dumps({"experts_per_application": 5, "deadline": deadline, "seed": "full-flow-2026"}),
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content


def _scores(rubric: list[dict[str, Any]], level: Decimal, opinion: str) -> dict[str, Any]:
    return {
        "scores": [
            {
                "code": c["code"],
                "score": str(min(Decimal(c["max_score"]), level * Decimal(c["max_score"]) / 100)),
                "comment": f"{c['name']}：良好。",
            }
            for c in rubric
        ],
        "investment_opinion": opinion,
        "overall_comment": "项目技术路线清晰，建议支持。",
    }
