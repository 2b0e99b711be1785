"""The one error body of the API ({"code", "message", "details"}) for every failure, the health
check, and the documentation page that must work without Internet access."""

from __future__ import annotations

import logging
import re
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from ninja.errors import Throttled

from jigai.accounts.choices import Role
from jigai.api import api
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    return body


# --- 401 --------------------------------------------------------------------------------------
def test_401_for_an_anonymous_request(client):
    response = client.get("/api/v1/enterprises")
    body = assert_error_shape(response, 401, "unauthenticated")
    assert "登录" in body["message"]
    assert body["details"] is None
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_not_403_for_an_anonymous_post_without_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json"
    )
    assert_error_shape(response, 401, "unauthenticated")


# --- 403 --------------------------------------------------------------------------------------
def test_403_says_why_and_is_audited(client, role_users):
    expert = role_users[Role.EXPERT]
    client.force_login(expert)
    response = client.get("/api/v1/users")
    body = assert_error_shape(response, 403, "forbidden")
    assert body["message"] == "只有系统管理员、安全管理员可以查看用户账户。"
    event = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert event.actor_id == expert.pk
    assert event.action == "user.list"
    assert event.message == body["message"]
    assert event.object_repr == "GET /api/v1/users"
    assert event.channel == "api"


def test_403_when_a_session_write_has_no_csrf_token(role_users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.post("/api/v1/tokens", {"name": "对接"}, content_type="application/json")
    body = assert_error_shape(response, 403, "forbidden")
    assert "CSRF" in body["message"]


# --- 404 --------------------------------------------------------------------------------------
def test_404_is_the_same_for_missing_and_out_of_scope_rows(client, role_users):
    xuhui = EnterpriseFactory.create(district_code="310104")
    client.force_login(role_users[Role.DISTRICT_OFFICER])  # 浦东新区
    out_of_scope = client.get(f"/api/v1/enterprises/{xuhui.pk}")
    missing = client.get("/api/v1/enterprises/999999")
    assert assert_error_shape(out_of_scope, 404, "not_found") == assert_error_shape(missing, 404, "not_found")


def test_404_for_an_unknown_api_path(client):
    body = assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert body["details"] is None


# --- 400 / 422 --------------------------------------------------------------------------------
def test_422_from_input_validation_names_each_field_in_chinese(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.post("/api/v1/tokens", {"days": 0}, content_type="application/json")
    body = assert_error_shape(response, 422, "validation_error")
    assert sorted(body["details"], key=lambda d: d["field"]) == [
        {"field": "days", "message": "不能小于 1。"},
        {"field": "name", "message": "此项为必填项。"},
    ]
    assert body["message"].startswith("提交的数据有 2 处错误")


def test_422_from_query_parameters(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    body = assert_error_shape(client.get("/api/v1/enterprises?size=huge&limit=x"), 422, "validation_error")
    fields = {d["field"]: d["message"] for d in body["details"]}
    assert fields["limit"] == "请输入整数。"
    assert fields["size"].startswith("取值无效")


def test_422_from_a_service_validation_error_keeps_its_field(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    org = EnterpriseFactory.create().organisation
    response = client.post(
        "/api/v1/users",
        {"username": "zhang.wei", "password": "short", "role": Role.ENTERPRISE, "organisation": org.pk},
        content_type="application/json",
    )
    body = assert_error_shape(response, 422, "validation_error")
    assert {d["field"] for d in body["details"]} == {"password"}
    assert any("至少需要 8 个字符" in d["message"] for d in body["details"])


def test_400_for_a_body_that_is_not_json(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.post("/api/v1/tokens", "{not json", content_type="application/json")
    body = assert_error_shape(response, 400, "bad_request")
    assert body["message"] == "请求体不是有效的 JSON。"


# --- 429 --------------------------------------------------------------------------------------
def test_429_when_throttled():
    request = RequestFactory().get("/api/v1/enterprises")
    response = api.on_exception(request, Throttled(wait=30))
    assert response.status_code == 429
    import json

    body = json.loads(response.content)
    assert body == {
        "code": "rate_limited",
        "message": "请求过于频繁，请稍后再试。",
        "details": {"retry_after": 30},
    }
    assert response["Retry-After"] == "30"


# --- 500 --------------------------------------------------------------------------------------
def test_500_hides_the_error_and_gives_the_request_id(client, role_users, caplog):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    with (
        mock.patch(
            "jigai.enterprises.selectors.enterprise_list", side_effect=RuntimeError("秘密细节 db=10.0.0.5")
        ),
        caplog.at_level(logging.ERROR, logger="jigai.api"),
    ):
        response = client.get("/api/v1/enterprises", HTTP_X_REQUEST_ID="req-42")
    body = assert_error_shape(response, 500, "server_error")
    assert body["details"] == {"request_id": "req-42"}
    assert "秘密细节" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert any(r.exc_info and "秘密细节" in str(r.exc_info[1]) for r in caplog.records)


# --- health -----------------------------------------------------------------------------------
def test_health_ok(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["version"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", body["time"])
    assert body["time"].endswith("+08:00")


def test_health_is_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False


# --- documentation ----------------------------------------------------------------------------
def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises" in paths
    assert "/api/v1/docs/assets/{name}" not in paths


def test_docs_page_loads_nothing_from_the_internet(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(s.startswith("/api/v1/docs/assets/") for s in sources), sources
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert b"".join(asset.streaming_content)


def test_docs_assets_serve_only_the_swagger_files(client):
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code == 404
    assert client.get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404


def test_405_for_a_method_the_path_does_not_have(client, role_users):
    client.force_login(role_users[Role.MUNICIPAL_OFFICER])
    response = client.put("/api/v1/tokens", {}, content_type="application/json")
    body = assert_error_shape(response, 405, "method_not_allowed")
    assert body["details"] == {"allowed": ["GET", "POST"]}
    assert response["Allow"] == "GET, POST"
