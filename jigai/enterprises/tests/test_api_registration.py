"""Registration, confirmation, the own profile and accounts, and the credit status through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import Organisation, User
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.credit import credit_bar_record
from jigai.enterprises.models import Enterprise
from jigai.enterprises.tests.conftest import GOOD_PASSWORD, account_data, registration_data
from jigai.enterprises.throttle import API_LIMIT

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/enterprises/register"


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Enterprise.objects.count(), User.objects.count()


def post(client: Any, path: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, data=body, content_type="application/json", **extra)


def register(client: Any, extra: dict[str, Any] | None = None, **overrides: Any) -> Any:
    account = {k: overrides.pop(k) for k in list(overrides) if k in ("username", "password", "display_name")}
    return post(
        client, REGISTER, {**registration_data(**overrides), **account_data(**account)}, **(extra or {})
    )


def test_registration_to_confirmation_through_the_api(client):
    response = register(client, username="api_reg_user", high_tech_valid_until="2099-12-31")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "api_reg_user"
    assert "须经所在区经委确认" in body["message"]
    enterprise = body["enterprise"]
    assert (enterprise["status"], enterprise["status_label"]) == ("pending", "待区确认")
    assert (enterprise["size"], enterprise["size_label"]) == ("medium", "中型")
    assert enterprise["district"] == {"code": "310115", "name": "浦东新区"}
    assert enterprise["is_high_tech"] is True
    assert enterprise["specialised_status_label"] == "市级专精特新"
    assert enterprise["under_credit_bar"] is False and enterprise["credit_bar"] is None

    user = User.objects.get(username="api_reg_user")
    client.force_login(user)
    assert client.get("/api/v1/enterprises/me").json()["status"] == "pending"

    officer = user_for_role(Role.DISTRICT_OFFICER, district_code="310115")
    client.force_login(officer)
    pending = client.get("/api/v1/enterprises?status=pending").json()
    assert enterprise["id"] in {e["id"] for e in pending["items"]}
    confirmed = client.post(f"/api/v1/enterprises/{enterprise['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["confirmed_at"] is not None

    client.force_login(user)
    assert client.get("/api/v1/enterprises/me").json()["status_label"] == "已确认"


def test_an_invalid_code_is_a_422_on_its_field_and_saves_nothing(client):
    before = counts()
    code = registration_data()["credit_code"]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = register(client, credit_code=wrong)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"] == [
        {"field": "credit_code", "message": "第 18 位校验码与前 17 位不符，请逐位核对营业执照上的代码。"}
    ]
    assert counts() == before


def test_a_duplicate_code_and_a_taken_username_are_refused(client):
    existing = EnterpriseFactory.create()
    user_for_role(Role.MUNICIPAL_OFFICER, username="already_here")
    before = counts()
    response = register(client, credit_code=existing.credit_code, username="already_here")
    assert response.status_code == 422
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details["credit_code"] == "该统一社会信用代码已注册，请联系本企业管理员添加账号。"
    assert details["username"] == "账号“already_here”已被使用，请换一个账号。"
    assert counts() == before


def test_a_weak_password_is_refused(client):
    before = counts()
    response = register(client, password="abcdefgh")
    assert response.status_code == 422
    messages = [d["message"] for d in response.json()["details"] if d["field"] == "password"]
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。" in messages
    assert counts() == before


def test_registration_is_limited_to_ten_attempts_an_hour_per_address(client):
    for _ in range(API_LIMIT):
        assert register(client, credit_code="").status_code == 422  # failed attempts count too
    before = counts()
    response = register(client)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["message"] == "请求过于频繁，请稍后再试。"
    assert 0 < body["details"]["retry_after"] <= 3600
    assert 0 < int(response["Retry-After"]) <= 3600
    assert counts() == before
    # Another address is not affected.
    assert register(client, {"REMOTE_ADDR": "10.1.2.3"}).status_code == 201


def _pending(client: Any) -> dict[str, Any]:
    response = register(client)
    assert response.status_code == 201
    enterprise: dict[str, Any] = response.json()["enterprise"]
    return enterprise


def test_another_districts_officer_gets_404_and_the_enterprise_itself_403(client):
    enterprise = _pending(client)
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    response = client.post(f"/api/v1/enterprises/{enterprise['id']}/confirm")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

    client.force_login(Enterprise.objects.get(pk=enterprise["id"]).registered_by)
    response = client.post(f"/api/v1/enterprises/{enterprise['id']}/confirm")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "只有区经委经办人、区经委负责人可以确认企业注册信息。",
        "details": None,
    }
    assert Enterprise.objects.get(pk=enterprise["id"]).status == "pending"


def test_reject_needs_a_reason_then_the_corrected_registration_is_pending_again(client):
    enterprise = _pending(client)
    path = f"/api/v1/enterprises/{enterprise['id']}"
    client.force_login(user_for_role(Role.DISTRICT_HEAD, district_code="310115"))
    assert post(client, f"{path}/reject", {}).status_code == 422
    response = post(client, f"{path}/reject", {"reason": " "})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "reason", "message": "请填写退回原因（至少 5 个字），告诉企业需要更正什么。"}
    ]
    response = post(client, f"{path}/reject", {"reason": "从业人员数与社保缴纳人数不符"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"

    client.force_login(Enterprise.objects.get(pk=enterprise["id"]).registered_by)
    me = client.get("/api/v1/enterprises/me").json()
    assert (me["status"], me["rejection_reason"]) == ("rejected", "从业人员数与社保缴纳人数不符")
    response = client.put("/api/v1/enterprises/me", data={"employees": 388}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["employees"]) == ("pending", 388)


def test_after_confirmation_the_name_is_fixed(client):
    enterprise = EnterpriseFactory.create(contact_name="周敏", contact_phone="021-58880000")
    client.force_login(user_for_role(Role.ENTERPRISE, enterprise=enterprise))
    response = client.put(
        "/api/v1/enterprises/me", data={"name": "改名公司"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "name"
    enterprise.refresh_from_db()
    assert enterprise.name != "改名公司"


def test_an_enterprise_user_adds_a_colleague_and_lists_its_accounts(client):
    enterprise = _pending(client)
    first = Enterprise.objects.get(pk=enterprise["id"]).registered_by
    assert first is not None
    client.force_login(first)
    response = post(
        client,
        "/api/v1/enterprises/me/users",
        {"username": "colleague_api", "password": GOOD_PASSWORD, "display_name": "刘芳"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "colleague_api"
    listed = client.get("/api/v1/enterprises/me/users").json()
    assert [u["username"] for u in listed] == [first.username, "colleague_api"]
    assert all("password" not in u for u in listed)

    client.force_login(User.objects.get(username="colleague_api"))
    assert client.get("/api/v1/enterprises/me").json()["id"] == enterprise["id"]


def test_the_credit_status_is_shown_to_the_enterprise_and_officials_in_scope(client):
    enterprise = EnterpriseFactory.create()
    today = timezone.localdate()
    bar = credit_bar_record(
        actor=user_for_role(Role.SUPERVISOR),
        enterprise=enterprise,
        reason="虚报投资骗取专项资金",
        source_document="沪经信监〔2025〕12号",
        starts_on=today - dt.timedelta(days=30),
    )
    for reader in (
        user_for_role(Role.ENTERPRISE, enterprise=enterprise),
        user_for_role(Role.DISTRICT_OFFICER, district_code="310115"),
        user_for_role(Role.MUNICIPAL_OFFICER),
    ):
        client.force_login(reader)
        body = client.get(f"/api/v1/enterprises/{enterprise.pk}").json()
        assert body["under_credit_bar"] is True
        assert body["credit_bar"]["reason"] == "虚报投资骗取专项资金"
        assert body["credit_bar"]["ends_on"] == bar.ends_on.isoformat()
        assert body["credit_bar"]["source_document"] == "沪经信监〔2025〕12号"
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert client.get(f"/api/v1/enterprises/{enterprise.pk}").status_code == 404
