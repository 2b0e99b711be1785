"""Sign-in, sign-out, idle timeout and password change, as a user in a browser sees them."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.accounts.middleware import IDLE_LOGOUT_SESSION_KEY
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import TEST_PASSWORD, user_for_role

LOGIN = "/accounts/login/"


@pytest.fixture
def officer(db):
    return user_for_role(Role.MUNICIPAL_OFFICER, username="wang.officer")


def _login(client: Client, username: str, password: str, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


@pytest.mark.django_db
def test_anonymous_visitor_of_home_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "上海市企业技术改造专项管理平台" in html
    assert "用户登录" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_login_success_signs_in_and_goes_home(client, officer):
    response = _login(client, "wang.officer", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert officer.display_name in home.content.decode()
    assert AuditEvent.objects.filter(
        action="auth.login", actor_username="wang.officer", outcome="success"
    ).exists()


def test_wrong_password_shows_chinese_message_and_keeps_username(client, officer):
    response = _login(client, "wang.officer", "wrong-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "账号或密码不正确。" in html
    assert 'value="wang.officer"' in html
    assert "wrong-password" not in html  # the password is never echoed back
    assert "_auth_user_id" not in client.session


def test_unknown_account_gets_the_same_message(client, db):
    html = _login(client, "nobody", "whatever").content.decode()
    assert "账号或密码不正确。" in html


def test_a_locked_name_and_an_unknown_name_get_the_same_answer(client, officer, settings):
    """From the fifth failure a real account answers exactly as an unknown name does."""
    settings.JIGAI_LOGIN_MAX_FAILURES = 3

    def answers(username: str, password: str) -> tuple[int, str]:
        response = _login(client, username, password)
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return response.status_code, html.replace(username, "NAME")

    real = [answers("wang.officer", "bad") for _ in range(4)]
    unknown = [answers("nobody.here", "bad") for _ in range(4)]
    assert real == unknown
    assert all(status == 200 and "账号或密码不正确。" in html for status, html in real)
    # even the right password gets the same answer while locked from this address
    assert answers("wang.officer", TEST_PASSWORD) == unknown[-1]
    assert "_auth_user_id" not in client.session


def test_next_parameter_is_followed_when_local(client, officer):
    page = client.get(f"{LOGIN}?next=/enterprises/").content.decode()
    assert 'name="next" value="/enterprises/"' in page
    response = _login(client, "wang.officer", TEST_PASSWORD, next="/enterprises/")
    assert response["Location"] == "/enterprises/"


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"]
)
def test_next_parameter_to_another_site_is_ignored(client, officer, target):
    page = client.get(LOGIN, {"next": target}).content.decode()
    login_form = page[page.index('action="/accounts/login/"') :]
    assert 'name="next"' not in login_form
    response = _login(client, "wang.officer", TEST_PASSWORD, next=target)
    assert response["Location"] == "/"


def test_signed_in_user_visiting_login_goes_home(client, officer):
    client.force_login(officer)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_post_only(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert "您已安全退出。" in client.get(LOGIN).content.decode()
    assert AuditEvent.objects.filter(action="auth.logout", actor_username="wang.officer").exists()


def test_base_page_offers_logout_as_a_post_form(client, officer):
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert '<form method="post" action="/accounts/logout/">' in html


def test_idle_timeout_sends_to_login_with_the_message(client, officer, settings):
    settings.JIGAI_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(officer)
    session = client.session
    session["last_activity"] = time.time() - 31 * 60
    session.save()
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    html = client.get(response["Location"]).content.decode()
    assert "您已超过 30 分钟未操作，请重新登录。" in html
    # shown once
    assert "未操作" not in client.get(LOGIN).content.decode()
    assert IDLE_LOGOUT_SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", message="空闲超时").exists()


def test_password_change_applies_the_policy(client, officer):
    client.force_login(officer)
    url = reverse("accounts:password_change")
    html = client.post(
        url, {"old_password": TEST_PASSWORD, "new_password": "short", "new_password_confirm": "short"}
    ).content.decode()
    assert "密码长度太短" in html
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。" in html
    html = client.post(
        url,
        {
            "old_password": "not-it",
            "new_password": "Xq7#longer-pass",
            "new_password_confirm": "Xq7#longer-pass",
        },
    ).content.decode()
    assert "原密码不正确。" in html
    html = client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password": "Xq7#longer-pass",
            "new_password_confirm": "Xq7#longer-pasz",
        },
    ).content.decode()
    assert "两次输入的新密码不一致。" in html
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_password_change_success_keeps_the_session(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password": "Xq7#longer-pass",
            "new_password_confirm": "Xq7#longer-pass",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Xq7#longer-pass")
    assert officer.password_changed_at is not None
    home = client.get("/")
    assert home.status_code == 200
    assert "密码已修改" in home.content.decode()
