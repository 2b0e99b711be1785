"""How the API knows who is calling: personal API tokens (Bearer) and the browser session (CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import ApiToken, User
from jigai.accounts.services import api_token_create
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return user_for_role(Role.DISTRICT_OFFICER, username="zhao.officer")


@pytest.fixture
def issued(officer) -> tuple[ApiToken, str]:
    return api_token_create(actor=officer, name="区统计系统对接", days=30)


def call(path: str = "/api/v1/me", authorization: str | None = None) -> Any:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return Client().get(path, headers=headers)


def assert_401(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthenticated"


def test_a_good_token_acts_as_its_user(officer, issued):
    token, raw = issued
    response = call(authorization=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "zhao.officer"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_scheme_is_case_insensitive(issued):
    assert call(authorization=f"bearer {issued[1]}").status_code == 200


def test_a_token_sees_what_its_user_sees(officer, issued, other_district_users):
    from jigai.core.testing.factories import EnterpriseFactory

    mine = EnterpriseFactory.create(district_code="310115")
    elsewhere = EnterpriseFactory.create(district_code="310104")
    auth = f"Bearer {issued[1]}"
    assert call(f"/api/v1/enterprises/{mine.pk}", auth).status_code == 200
    assert call(f"/api/v1/enterprises/{elsewhere.pk}", auth).status_code == 404


def test_a_revoked_token_gets_401(officer, issued):
    token, raw = issued
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_401(call(authorization=f"Bearer {raw}"))


def test_an_expired_token_gets_401(issued):
    token, raw = issued
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert_401(call(authorization=f"Bearer {raw}"))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer jg_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token {raw}",
        "Basic {raw}",
        "{raw}",
    ],
)
def test_a_wrong_token_or_scheme_gets_401(issued, authorization):
    assert_401(call(authorization=authorization.format(raw=issued[1])))


def test_a_token_of_an_inactive_or_locked_user_gets_401(officer, issued):
    raw = issued[1]
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert_401(call(authorization=f"Bearer {raw}"))
    User.objects.filter(pk=officer.pk).update(
        is_active=True, locked_until=timezone.now() + timedelta(minutes=5)
    )
    assert_401(call(authorization=f"Bearer {raw}"))
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() - timedelta(minutes=5))
    assert call(authorization=f"Bearer {raw}").status_code == 200


def test_token_writes_need_no_csrf_token_and_are_audited_as_the_user(officer, issued):
    token, raw = issued
    client = Client(enforce_csrf_checks=True)
    response = client.delete(f"/api/v1/tokens/{token.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 204
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.actor_id, event.channel) == (officer.pk, "api")


def test_session_writes_need_the_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    refused = client.post("/api/v1/tokens", {"name": "对接"}, content_type="application/json")
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()

    client.get("/api/v1/docs")  # any page that renders the token sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/tokens", {"name": "对接"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201, accepted.content
    assert ApiToken.objects.filter(user=officer).count() == 1


def test_session_reads_need_no_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get("/api/v1/me").status_code == 200


def test_an_inactive_session_user_gets_401(officer):
    client = Client()
    client.force_login(officer)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert_401(client.get("/api/v1/me"))
