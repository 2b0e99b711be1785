"""The enterprises API: scope, filters, pagination and a flat number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.core.testing.factories import EnterpriseFactory
from jigai.enterprises.choices import EnterpriseStatus

pytestmark = pytest.mark.django_db


def test_a_district_officer_gets_404_for_another_districts_enterprise(client, role_users):
    xuhui = EnterpriseFactory.create(district_code="310104", name="上海徐汇精密仪器有限公司")
    pudong = EnterpriseFactory.create(district_code="310115")
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    response = client.get(f"/api/v1/enterprises/{xuhui.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "徐汇" not in response.content.decode()
    assert client.get(f"/api/v1/enterprises/{pudong.pk}").status_code == 200


def test_detail_body(client, role_users):
    enterprise = EnterpriseFactory.create(contact_name="李娜", contact_phone="021-50000000")
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    body = client.get(f"/api/v1/enterprises/{enterprise.pk}").json()
    assert body["credit_code"] == enterprise.credit_code
    assert body["district"] == {"code": "310115", "name": "浦东新区"}
    assert body["industry"] == {"code": "34", "name": "通用设备制造业"}
    assert (body["size"], body["size_label"]) == ("medium", "中型")
    assert (body["status"], body["status_label"]) == ("confirmed", "已确认")
    assert body["operating_revenue"] == "52000.00"
    assert body["contact_name"] == "李娜"
    assert body["organisation_id"] == enterprise.organisation_id


def test_list_is_scoped_counted_and_paginated_in_a_stable_order(client, role_users, other_district_users):
    for _ in range(4):
        EnterpriseFactory.create(district_code="310115")
    EnterpriseFactory.create(district_code="310104")
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    first = client.get("/api/v1/enterprises?limit=3").json()
    second = client.get("/api/v1/enterprises?limit=3&offset=3").json()
    assert first["count"] == second["count"] == 5  # 4 + the enterprise of role_users, all 浦东
    rows = first["items"] + second["items"]
    assert len({r["id"] for r in rows}) == 5
    assert [(r["name"], r["id"]) for r in rows] == sorted((r["name"], r["id"]) for r in rows)
    assert {r["district"]["code"] for r in rows} == {"310115"}


def test_list_filters(client, role_users):
    small = EnterpriseFactory.create(
        district_code="310104",
        employees=40,
        operating_revenue=Decimal("900.00"),
        status=EnterpriseStatus.PENDING,
    )
    client.force_login(role_users[Role.MUNICIPAL_HEAD])

    def found(query: str) -> set[int]:
        response = client.get(f"/api/v1/enterprises?{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["items"]}

    assert found("district=310104") == {small.pk}
    assert found("size=small") == {small.pk}
    assert found("status=pending") == {small.pk}
    assert found(f"q={small.credit_code}") == {small.pk}
    assert small.pk in found("industry=34") and small.pk in found("industry=c")
    assert found("industry=I") == set()
    assert client.get("/api/v1/enterprises?status=approved").status_code == 422


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.EXPERT])
def test_roles_without_business_scope_get_an_empty_list(client, role_users, role):
    EnterpriseFactory.create()
    client.force_login(role_users[role])
    assert client.get("/api/v1/enterprises").json() == {"items": [], "count": 0}


@pytest.mark.parametrize("role", [Role.MUNICIPAL_OFFICER, Role.DISTRICT_OFFICER])
def test_list_queries_are_the_same_for_3_and_30_rows(client, role_users, role):
    client.force_login(role_users[role])

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/enterprises?limit=100")
        assert response.status_code == 200
        return len(ctx), response.json()["count"]

    queries()  # the first request of a session also writes the session
    for _ in range(2):
        EnterpriseFactory.create(district_code="310115")
    few, rows = queries()
    assert rows == 3
    for _ in range(27):
        EnterpriseFactory.create(district_code="310115")
    many, rows = queries()
    assert rows == 30
    assert many == few
