"""The applications API as an enterprise and an official use it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.tests.conftest import (
    LEAD_ID,
    PDF,
    PNG,
    eligible_application_for,
    make_enterprise,
    project_code,
)
from jigai.calls import defaults
from jigai.core.testing.factories import user_for_role

BASE = "/api/v1/applications"


def put(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, data=json.dumps(body), content_type="application/json")


def test_an_enterprise_applies_from_draft_to_submission(client, enterprise_user, open_call):
    client.force_login(enterprise_user)

    created = client.post(BASE, data={"call_id": open_call.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    detail = created.json()
    application_id, lock = detail["id"], detail["lock_version"]
    assert detail["status"] == "draft"
    assert detail["district"] == {"code": "310115", "name": "浦东新区"}
    assert {a["action"]: a["allowed"] for a in detail["actions"]} == {"submit": True}
    assert not all(rule["passed"] for rule in detail["eligibility"])

    # First save: only some fields, the rest follows later (a draft need not be complete).
    saved = put(
        client, f"{BASE}/{application_id}", {"lock_version": lock, "name": "伺服电机智能产线技术改造项目"}
    )
    assert saved.status_code == 200, saved.content
    lock = saved.json()["lock_version"]

    today = saved.json()["created_at"][:10]
    body = {
        "lock_version": lock,
        "project_code": project_code(),
        "direction": "1.2",
        "summary": "新建伺服电机自动化装配与检测产线，部署 MES 与工业互联网平台。",
        "start_date": today,
        "end_date": f"{int(today[:4]) + 1}{today[4:]}",
        "project_lead_name": "李明",
        "project_lead_id_number": LEAD_ID,
        "own_funds": "20000000",
        "bank_loans": "12000000.50",
        "investment_lines": [
            {"item_code": "equipment", "amount": "21000000.50"},
            {"item_code": "installation", "amount": "3000000"},
            {"item_code": "software", "amount": 8000000},
        ],
        "prerequisites": [
            {"code": code, "done": True, "document_number": "沪浦发改备〔2026〕88号" if needs else ""}
            for code, _name, needs in defaults.PREREQUISITES
        ],
        "other_funding": [
            {
                "programme": "浦东新区智能制造专项",
                "authority": "浦东新区科经委",
                "amount": "500000",
                "status": "applied",
            }
        ],
    }
    saved = put(client, f"{BASE}/{application_id}", body)
    assert saved.status_code == 200, saved.content
    detail = saved.json()
    assert detail["total_investment"] == "32000000.50"
    assert detail["fixed_asset_investment"] == "24000000.50"
    assert detail["requested_support"] == "3200000.05"
    assert detail["direction"]["code"] == "1.2"
    assert detail["other_funding"][0]["programme"] == "浦东新区智能制造专项"

    failing = {
        r["code"]
        for r in client.get(f"{BASE}/{application_id}/eligibility").json()["rules"]
        if not r["passed"]
    }
    assert failing == {"attachments"}

    for code, _name, required, _types, _size in defaults.ATTACHMENTS:
        if required:
            uploaded = client.post(
                f"{BASE}/{application_id}/attachments",
                data={
                    "requirement_code": code,
                    "file": SimpleUploadedFile(f"{code}.pdf", PDF, "application/pdf"),
                },
            )
            assert uploaded.status_code == 201, uploaded.content
    eligibility = client.get(f"{BASE}/{application_id}/eligibility").json()
    assert eligibility["eligible"] is True
    assert eligibility["requested_support"] == "3200000.05"

    submitted = client.post(f"{BASE}/{application_id}/submit")
    assert submitted.status_code == 200, submitted.content
    detail = submitted.json()
    assert detail["status"] == "submitted"
    assert detail["reference_number"] == "JG2026-310115-00001"
    assert detail["submitted_at"] is not None
    assert len(detail["attachments"]) == 5
    assert {a["action"] for a in detail["actions"]} == {"withdraw"}

    listed = client.get(BASE).json()
    assert listed["count"] == 1
    assert listed["items"][0]["reference_number"] == "JG2026-310115-00001"


def test_the_api_cannot_set_status_amounts_district_or_number(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = put(
        client,
        f"{BASE}/{draft.pk}",
        {
            "lock_version": 0,
            "name": "正常字段",
            "status": "approved",
            "requested_support": "99999999",
            "total_investment": "1",
            "district": "310104",
            "reference_number": "JG2026-310115-99999",
            "submitted_at": "2026-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.name == "正常字段"
    assert (draft.status, draft.requested_support, draft.total_investment) == (
        "draft",
        Decimal("0"),
        Decimal("0"),
    )
    assert (draft.district_id, draft.reference_number, draft.submitted_at) == ("310115", None, None)


def test_a_stale_save_is_a_409_and_changes_nothing(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    assert put(client, f"{BASE}/{draft.pk}", {"lock_version": 0, "name": "第一个窗口"}).status_code == 200
    stale = put(client, f"{BASE}/{draft.pk}", {"lock_version": 0, "name": "第二个窗口"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert stale.json()["message"] == "此申报已在其他窗口或由他人修改，请刷新后再保存"
    draft.refresh_from_db()
    assert draft.name == "第一个窗口"


def test_shape_errors_are_422_per_field_and_nothing_is_saved(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = put(
        client,
        f"{BASE}/{draft.pk}",
        {"lock_version": 0, "name": "不会保存", "own_funds": "abc", "end_date": "2026-13-01"},
    )
    assert response.status_code == 422
    fields = {d["field"]: d["message"] for d in response.json()["details"]}
    assert fields == {"own_funds": "请输入数字。", "end_date": "日期格式应为 YYYY-MM-DD。"}
    draft.refresh_from_db()
    assert draft.name == "" and draft.lock_version == 0


def test_a_refused_submission_lists_the_failing_rules(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(f"{BASE}/{draft.pk}/submit")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"].startswith("申报未通过资格审查，有 ")
    fields = {d["field"] for d in body["details"]}
    assert {"project_basics", "min_total_investment", "attachments"} <= fields
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_a_png_named_pdf_is_refused_by_the_api(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(
        f"{BASE}/{draft.pk}/attachments",
        data={
            "requirement_code": "feasibility",
            "file": SimpleUploadedFile("可研报告.pdf", PNG, "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert response.json()["message"] == "文件内容不是允许的类型（PDF）；识别为：PNG 图片"
    assert not draft.attachments.exists()


def test_a_district_officer_reads_the_district_but_not_another(client, submitted, open_call):
    pudong = user_for_role(Role.DISTRICT_OFFICER, district_code="310115")
    xuhui = user_for_role(Role.DISTRICT_OFFICER, district_code="310104")
    client.force_login(pudong)
    assert client.get(f"{BASE}/{submitted.pk}").status_code == 200
    client.force_login(xuhui)
    response = client.get(f"{BASE}/{submitted.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到所请求的记录。", "details": None}
    assert (
        client.get(f"{BASE}/{submitted.pk}/attachments/{submitted.attachments.first().pk}").status_code == 404
    )
    assert client.get(BASE).json()["count"] == 0


def test_drafts_are_invisible_outside_the_enterprise(client, draft):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    assert client.get(f"{BASE}/{draft.pk}").status_code == 404
    assert client.get(BASE).json()["count"] == 0


def test_administrators_are_refused_business_lists(client, db):
    client.force_login(user_for_role(Role.SYSADMIN))
    response = client.get(BASE)
    assert response.status_code == 403
    assert "三员分立" in response.json()["message"]


def test_list_filters_search_and_sort(client, open_call):
    pudong = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(name="上海浦江精密机械有限公司"))
    xuhui_enterprise = make_enterprise(district_code="310104", industry_id="39")
    xuhui = user_for_role(Role.ENTERPRISE, enterprise=xuhui_enterprise)
    small = services.application_submit(
        actor=pudong, application=eligible_application_for(pudong, open_call, name="精密轴承磨削线改造")
    )
    big = services.application_submit(
        actor=xuhui,
        application=eligible_application_for(
            xuhui,
            open_call,
            name="芯片封装测试线",
            project_code=project_code("310104"),
            direction="1.2",
            investment_lines=[{"item_code": "equipment", "amount": "60000000"}],
            own_funds="60000000",
            bank_loans="0",
        ),
    )
    client.force_login(user_for_role(Role.MUNICIPAL_HEAD))

    def ids(**params: Any) -> list[int]:
        response = client.get(BASE, params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids(sort="requested_support") == [small.pk, big.pk]
    assert ids(sort="-requested_support") == [big.pk, small.pk]
    assert ids(sort="name") == sorted([small.pk, big.pk], key=lambda pk: Application.objects.get(pk=pk).name)
    assert ids(district="310104") == [big.pk]
    assert ids(industry="39") == [big.pk]
    assert ids(industry="C", sort="-requested_support") == [big.pk, small.pk]
    assert ids(direction=big.direction_id) == [big.pk]
    assert big.direction is not None
    assert ids(direction=big.direction.parent_id, sort="requested_support") == [small.pk, big.pk]
    assert ids(amount_min="3000000") == [big.pk]
    assert ids(amount_max="3000000") == [small.pk]
    assert ids(q="磨削") == [small.pk]
    assert ids(q="浦江精密") == [small.pk]
    assert ids(q=xuhui_enterprise.credit_code.lower()) == [big.pk]
    assert big.reference_number and small.reference_number
    assert ids(q=big.reference_number) == [big.pk]
    assert ids(q=small.reference_number[-12:]) == [small.pk]  # "310115-00001"
    assert ids(q=small.reference_number.lower()[:13]) == [small.pk]
    assert ids(status="withdrawn") == []
    assert ids(call=open_call.pk, sort="submitted_at") == [small.pk, big.pk]
    bad = client.get(BASE, {"sort": "password"})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", [Role.MUNICIPAL_OFFICER, Role.DISTRICT_OFFICER, Role.ENTERPRISE])
def test_list_query_count_is_flat(client, open_call, role):
    """3 rows or 30 rows: the same number of queries for a page (count + page, with related rows)."""
    applicant = user_for_role(Role.ENTERPRISE)
    template = services.application_submit(
        actor=applicant, application=eligible_application_for(applicant, open_call)
    )
    viewer = applicant if role == Role.ENTERPRISE else user_for_role(role)
    client.force_login(viewer)

    def clone(n: int) -> None:
        for _ in range(n):
            Application.objects.create(
                call=template.call,
                rules=template.rules,
                enterprise=template.enterprise,
                district=template.district,
                direction=template.direction,
                name=f"复制项目{Application.objects.count()}",
                status=ApplicationStatus.SUBMITTED,
                created_by=applicant,
                requested_support=Decimal("1.00"),
            )

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BASE, {"limit": 50, "district": "310115"})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    clone(2)
    queries()  # the first request of a session loads more (session, user); measure the next ones
    few, count = queries()
    assert count == 3
    clone(27)
    many, count = queries()
    assert count == 30
    assert many == few
