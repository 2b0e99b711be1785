"""The calls API: public reads with the rules, the commission's writes and their errors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.calls import defaults
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call
from jigai.core.testing.factories import closed_call, draft_call, municipal_user, open_call, published_catalog

pytestmark = pytest.mark.django_db
SH = defaults.SHANGHAI


def test_the_detail_has_the_window_phase_and_rules(client):
    call = closed_call()
    body = client.get(f"/api/v1/calls/{call.pk}").json()
    assert body["phase"] == "closed" and body["phase_label"] == "已截止"
    assert datetime.fromisoformat(body["closes_at"]) == datetime(2026, 2, 4, 16, 0, tzinfo=SH)
    assert body["district_forward_date"] == "2026-02-06"
    assert body["rules_version"] == 1
    rules = body["rules"]
    assert Decimal(rules["min_total_investment"]) == Decimal("20000000")
    assert Decimal(rules["min_fixed_asset_share"]) == Decimal("0.6")
    assert len(rules["district_shares"]) == 16
    assert rules["attachments"][0] == {
        "code": "business_licence",
        "name": "营业执照",
        "required": True,
        "allowed_types": ["pdf", "jpg", "png"],
        "max_size_mb": 10,
    }
    assert [Decimal(i["percent"]) for i in rules["instalments"]] == [Decimal("0.5"), Decimal("0.5")]
    assert {
        "code": "2.1",
        "name": "智能工厂和数字化车间建设",
        "field_code": "2",
        "field_name": "制造流程再造",
    } in body["directions"]


def test_the_list_is_public_filters_by_phase_and_hides_drafts(client):
    open_call()
    closed_call()
    draft_call()
    body = client.get("/api/v1/calls").json()
    assert body["count"] == 2
    assert [c["phase"] for c in client.get("/api/v1/calls?phase=open").json()["items"]] == ["open"]
    client.force_login(municipal_user())
    assert client.get("/api/v1/calls").json()["count"] == 3


def test_create_publish_and_revise_through_the_api(client):
    catalog = published_catalog()
    client.force_login(municipal_user())
    created = client.post(
        "/api/v1/calls",
        {
            "catalog_version_id": catalog.pk,
            "title": "2027年度申报通知",
            "opens_at": "2027-01-20T00:00:00",
            "closes_at": "2027-02-04T16:00:00+08:00",
            "district_forward_date": "2027-02-06",
            "direction_codes": ["2.1", "1.2"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    call = Call.objects.get(pk=call_id)
    assert call.opens_at == datetime(2027, 1, 20, 0, 0, tzinfo=SH)
    assert [d["code"] for d in created.json()["directions"]] == ["1.2", "2.1"]
    updated = client.patch(
        f"/api/v1/calls/{call_id}/rules",
        {
            "support_rate": "0.08",
            "instalments": [
                {"sequence": 1, "trigger": "approval", "percent": "0.6"},
                {"sequence": 2, "trigger": "acceptance", "percent": "0.4"},
            ],
            "district_shares": [{"district_code": "310115", "rate": "0.05", "cap": "3000000"}],
            "industries": ["c", "65", "99"],
        },
        content_type="application/json",
    )
    assert updated.status_code == 422
    assert updated.json()["details"] == [
        {"field": "industries", "message": "行业代码 99 不在国民经济行业分类（GB/T 4754-2017）中。"}
    ]
    updated = client.patch(
        f"/api/v1/calls/{call_id}/rules",
        {
            "support_rate": "0.08",
            "instalments": [
                {"sequence": 1, "trigger": "approval", "percent": "0.6"},
                {"sequence": 2, "trigger": "acceptance", "percent": "0.4"},
            ],
            "district_shares": [{"district_code": "310115", "rate": "0.05", "cap": "3000000"}],
            "industries": ["c", "65"],
        },
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    rules = updated.json()["rules"]
    assert rules["industries"] == ["C", "65"]
    assert Decimal(rules["support_rate"]) == Decimal("0.08")
    pudong = next(s for s in rules["district_shares"] if s["district_code"] == "310115")
    assert Decimal(pudong["rate"]) == Decimal("0.05") and len(rules["district_shares"]) == 16

    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    published = client.post(f"/api/v1/calls/{call_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published" and published.json()["rules"]["frozen"] is True
    revised = client.post(
        f"/api/v1/calls/{call_id}/rules/revise",
        {"note": "支持比例调整为 9%", "support_rate": "0.09"},
        content_type="application/json",
    )
    assert revised.status_code == 201, revised.content
    body = revised.json()
    assert body["rules_version"] == 2 and body["rules"]["note"] == "支持比例调整为 9%"
    assert [v["version"] for v in body["rule_versions"]] == [2, 1]


def test_publish_refusals_list_every_problem(client):
    call = draft_call()
    client.force_login(municipal_user())
    client.patch(
        f"/api/v1/calls/{call.pk}/rules",
        {"instalments": [{"sequence": 1, "trigger": "approval", "percent": "0.5"}]},
        content_type="application/json",
    )
    client.patch(f"/api/v1/calls/{call.pk}", {"direction_codes": []}, content_type="application/json")
    refused = client.post(f"/api/v1/calls/{call.pk}/publish")
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有市经信委负责人可以发布申报通知。"
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    response = client.post(f"/api/v1/calls/{call.pk}/publish")
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "direction_codes", "message": "请至少选择一个支持方向。"},
        {"field": "instalments", "message": "各期拨付比例之和须为 100%，现为 50%。"},
    ]
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_a_published_call_is_not_updated_through_the_api(client):
    call = open_call()
    client.force_login(municipal_user())
    response = client.patch(
        f"/api/v1/calls/{call.pk}/rules", {"support_rate": "0.05"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "不能直接修改" in response.json()["message"]
    call.rules.refresh_from_db()
    assert call.rules.support_rate == Decimal("0.1000")


def test_window_errors_are_422_by_field(client):
    catalog = published_catalog()
    client.force_login(municipal_user())
    response = client.post(
        "/api/v1/calls",
        {
            "catalog_version_id": catalog.pk,
            "title": "错误窗口",
            "opens_at": "2027-01-20T00:00:00",
            "closes_at": "2027-02-04T16:00:00",
            "district_forward_date": "2027-02-04",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "district_forward_date", "message": "区推荐截止日期须晚于申报截止日期（2027-02-04）。"}
    ]
    assert not Call.objects.exists()


def test_query_count_of_the_list_stays_flat(client):
    closed_call()
    client.get("/api/v1/calls")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/calls")
    for _ in range(5):
        open_call()
    with CaptureQueriesContext(connection) as six:
        assert client.get("/api/v1/calls").json()["count"] == 6
    assert len(six) == len(one)
