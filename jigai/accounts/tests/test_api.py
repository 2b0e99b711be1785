"""The accounts API as an integration sees it: /me, /tokens, /users, /organisations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jigai.accounts.choices import OrganisationKind, Role
from jigai.accounts.models import ApiToken, User
from jigai.accounts.services import api_token_create
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import TEST_PASSWORD, EnterpriseFactory, UserFactory, district_bureau

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


# --- /me ---------------------------------------------------------------------------------------
def test_me_for_a_district_officer(client, role_users):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    body = client.get("/api/v1/me").json()
    assert body["role"] == "district_officer"
    assert body["role_label"] == "区经委经办人"
    assert body["organisation"]["kind"] == "district_bureau"
    assert body["organisation"]["kind_label"] == "区经济主管部门"
    assert body["district"] == {"code": "310115", "name": "浦东新区"}


def test_me_for_an_enterprise_user_has_no_working_district(client, role_users):
    user = role_users[Role.ENTERPRISE]
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["username"] == user.username
    assert body["display_name"] == user.display_name
    assert body["organisation"]["id"] == user.organisation_id
    assert body["organisation"]["district"]["code"] == "310115"
    assert body["district"] is None


# --- /tokens -----------------------------------------------------------------------------------
def test_token_secret_is_shown_once_and_then_works(client, role_users):
    officer = role_users[Role.MUNICIPAL_OFFICER]
    client.force_login(officer)
    response = client.post("/api/v1/tokens", {"name": "区统计系统对接", "days": 90}, content_type=JSON)
    assert response.status_code == 201
    created = response.json()
    raw = created["token"]
    assert raw.startswith(created["prefix"])
    assert created["username"] == officer.username
    assert created["is_usable"] is True

    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1
    assert "token" not in listed["items"][0]
    assert raw not in client.get("/api/v1/tokens").content.decode()

    client.logout()
    assert client.get("/api/v1/me", headers=bearer(raw)).json()["username"] == officer.username


def test_token_list_is_own_for_everyone_but_the_security_administrator(client, role_users):
    for role in (Role.EXPERT, Role.SYSADMIN, Role.SECADMIN):
        api_token_create(actor=role_users[role], name=f"{role} 令牌", days=30)
    client.force_login(role_users[Role.SYSADMIN])
    assert [t["username"] for t in client.get("/api/v1/tokens").json()["items"]] == [
        role_users[Role.SYSADMIN].username
    ]
    client.force_login(role_users[Role.SECADMIN])
    body = client.get("/api/v1/tokens?limit=2").json()
    assert body["count"] == 3
    assert len(body["items"]) == 2


def test_revoke_own_token_then_it_gets_401(client, role_users):
    officer = role_users[Role.MUNICIPAL_OFFICER]
    token, raw = api_token_create(actor=officer, name="对接", days=30)
    client.force_login(officer)
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_someone_elses_token_does_not_exist_for_a_user(client, role_users):
    token, _ = api_token_create(actor=role_users[Role.EXPERT], name="对接", days=30)
    client.force_login(role_users[Role.SYSADMIN])
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_security_administrator_revokes_any_token(client, role_users):
    token, _ = api_token_create(actor=role_users[Role.EXPERT], name="对接", days=30)
    secadmin = role_users[Role.SECADMIN]
    client.force_login(secadmin)
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor_id == secadmin.pk


def test_a_token_cannot_mint_another_token(client, role_users):
    officer = role_users[Role.MUNICIPAL_OFFICER]
    _, raw = api_token_create(actor=officer, name="对接", days=30)
    response = client.post("/api/v1/tokens", {"name": "新令牌"}, content_type=JSON, headers=bearer(raw))
    assert response.status_code == 403
    assert response.json()["message"] == "不能用 API 令牌创建新令牌，请登录平台后创建。"
    assert ApiToken.objects.count() == 1
    assert AuditEvent.objects.filter(action="api_token.create", outcome=Outcome.DENIED).count() == 1


# --- /users ------------------------------------------------------------------------------------
def test_user_list_filters_and_paginates_with_a_total(client, role_users):
    for n in range(3):
        UserFactory.create(
            username=f"zz.expert{n}", role=Role.EXPERT, organisation=role_users[Role.EXPERT].organisation
        )
    client.force_login(role_users[Role.SECADMIN])
    body = client.get("/api/v1/users?role=expert&limit=2&offset=0").json()
    assert body["count"] == 4
    assert len(body["items"]) == 2
    page2 = client.get("/api/v1/users?role=expert&limit=2&offset=2").json()
    names = [u["username"] for u in body["items"] + page2["items"]]
    assert names == sorted(names) and len(set(names)) == 4
    assert [u["username"] for u in client.get("/api/v1/users?q=ZZ.EXPERT1").json()["items"]] == ["zz.expert1"]
    bureau = district_bureau("310115")
    by_org = client.get(f"/api/v1/users?organisation={bureau.pk}").json()["items"]
    assert {u["role"] for u in by_org} == {"district_officer", "district_head"}
    assert client.get("/api/v1/users?role=king").status_code == 422


def test_sysadmin_creates_an_account_through_the_api(client, role_users):
    sysadmin = role_users[Role.SYSADMIN]
    enterprise = EnterpriseFactory.create()
    client.force_login(sysadmin)
    response = client.post(
        "/api/v1/users",
        {
            "username": "wang.fang",
            "password": TEST_PASSWORD,
            "role": "enterprise",
            "organisation": enterprise.organisation_id,
            "display_name": "王芳",
            "phone": "13800000000",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "wang.fang"
    assert body["organisation"]["id"] == enterprise.organisation_id
    assert "password" not in body
    user = User.objects.get(username="wang.fang")
    assert user.check_password(TEST_PASSWORD)
    assert AuditEvent.objects.get(action="user.create").actor_id == sysadmin.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": "secadmin"}, "role", "管理员账户只能由部署人员在服务器上创建。"),
        ({"organisation": "bureau"}, "role", "角色“企业申报用户”不能属于“区经济主管部门”类机构。"),
        ({"organisation": 999999}, "organisation", "机构不存在。"),
        ({"password": "abcdefgh"}, "password", "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。"),
    ],
)
def test_account_creation_refusals_are_422_with_the_field(client, role_users, overrides, field, message):
    client.force_login(role_users[Role.SYSADMIN])
    payload = {
        "username": "wang.fang",
        "password": TEST_PASSWORD,
        "role": "enterprise",
        "organisation": EnterpriseFactory.create().organisation_id,
    }
    payload.update(overrides)
    if payload["organisation"] == "bureau":
        payload["organisation"] = district_bureau("310115").pk
    response = client.post("/api/v1/users", payload, content_type=JSON)
    assert response.status_code == 422
    assert {"field": field, "message": message} in response.json()["details"]
    assert not User.objects.filter(username="wang.fang").exists()


def test_deactivated_user_loses_api_access_and_is_reactivated(client, role_users):
    expert = role_users[Role.EXPERT]
    _, raw = api_token_create(actor=expert, name="对接", days=30)
    client.force_login(role_users[Role.SYSADMIN])
    response = client.post(f"/api/v1/users/{expert.pk}/deactivate", {"reason": "聘期结束"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert AuditEvent.objects.get(action="user.deactivate").message == "聘期结束"
    anonymous = Client()
    assert anonymous.get("/api/v1/me", headers=bearer(raw)).status_code == 401

    response = client.post(f"/api/v1/users/{expert.pk}/activate", content_type=JSON)
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert anonymous.get("/api/v1/me", headers=bearer(raw)).status_code == 200


def test_sysadmin_cannot_deactivate_self_or_another_administrator(client, role_users):
    sysadmin = role_users[Role.SYSADMIN]
    client.force_login(sysadmin)
    own = client.post(f"/api/v1/users/{sysadmin.pk}/deactivate", content_type=JSON)
    assert own.status_code == 422
    assert own.json()["message"] == "不能停用自己的账户。"
    other = client.post(f"/api/v1/users/{role_users[Role.AUDITOR].pk}/deactivate", content_type=JSON)
    assert other.status_code == 422
    assert User.objects.filter(is_active=False).count() == 0


def test_unlock_through_the_api(client, role_users):
    officer = role_users[Role.DISTRICT_OFFICER]
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() + timedelta(minutes=25))
    client.force_login(role_users[Role.SECADMIN])
    response = client.post(f"/api/v1/users/{officer.pk}/unlock")
    assert response.status_code == 200
    assert response.json()["is_locked"] is False
    officer.refresh_from_db()
    assert officer.locked_until is None
    assert client.post("/api/v1/users/999999/unlock").status_code == 404


# --- /organisations ----------------------------------------------------------------------------
def test_organisation_list_filters_within_the_scope(client, role_users, other_district_users):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    body = client.get("/api/v1/organisations").json()
    assert {o["district"]["code"] for o in body["items"]} == {"310115"}
    # the bureau, the district finance bureau and the enterprise of role_users
    assert body["count"] == len(body["items"]) == 3
    enterprises = client.get("/api/v1/organisations?kind=enterprise").json()["items"]
    assert [o["id"] for o in enterprises] == [role_users[Role.ENTERPRISE].organisation_id]
    assert client.get("/api/v1/organisations?district=310104").json()["count"] == 0
    assert client.get("/api/v1/organisations?kind=nation").status_code == 422


def test_organisation_list_search(client, role_users):
    client.force_login(role_users[Role.NDRC_VIEWER])
    body = client.get("/api/v1/organisations?q=发展和改革").json()
    assert [o["kind"] for o in body["items"]] == [OrganisationKind.NDRC]


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/organisations", "/api/v1/tokens"])
def test_list_queries_do_not_grow_with_rows(client, role_users, path):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path + "?limit=100")
        assert response.status_code == 200
        return len(ctx)

    actor = role_users[Role.SECADMIN] if path != "/api/v1/organisations" else role_users[Role.SYSADMIN]
    client.force_login(actor)

    def grow(n: int) -> None:
        for _ in range(n):
            enterprise = EnterpriseFactory.create()
            user = UserFactory.create(role=Role.ENTERPRISE, organisation=enterprise.organisation)
            api_token_create(actor=user, name="对接", days=30)

    count_queries()  # the first request of a session also writes the session
    grow(3)
    few = count_queries()
    grow(27)
    assert count_queries() == few
