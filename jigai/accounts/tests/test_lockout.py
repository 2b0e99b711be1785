"""Lockout without a denial of service or a leak (issue 11): an anonymous client that fails
sign-ins for many accounts is throttled while the real owners still sign in from elsewhere; the
security administrator's unlock and the break-glass command lift every lock, audited."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.accounts.services import LoginRefused, user_login_attempt, user_unlock
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core import context
from jigai.core.testing.factories import TEST_PASSWORD, user_for_role

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ATTACKER = "203.0.113.66"


def _login(client: Client, username: str, password: str, ip: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_an_anonymous_client_trying_many_accounts_is_throttled_and_the_owners_still_sign_in(
    settings: Any,
) -> None:
    owners = [user_for_role(Role.DISTRICT_OFFICER, username=f"owner{n}") for n in range(6)]
    secadmin = user_for_role(Role.SECADMIN, username="anquan")
    attacker = Client()
    failures = 0
    # Five wrong passwords each for three accounts and a few unknown names: 20 failures.
    for name in ["owner0", "owner1", "owner2", "anquan", "ghost1"]:
        for _ in range(4):
            response = _login(attacker, name, "Wrong#2026", ATTACKER)
            failures += 1
            assert response.status_code == 200
            assert "账号或密码不正确。" in response.content.decode()
    assert failures == settings.JIGAI_LOGIN_IP_MAX_FAILURES
    # The address is throttled now, whatever name it tries, the right password included.
    for name, password in [("owner5", "Wrong#2026"), ("owner3", TEST_PASSWORD), ("nobody", "x")]:
        response = _login(attacker, name, password, ATTACKER)
        assert response.status_code == 429
        assert "本地址登录失败次数过多，请 15 分钟后再试。" in response.content.decode()
        assert "_auth_user_id" not in attacker.session
    # Every owner, the security administrator included, signs in from their own address.
    for user in [*owners, secadmin]:
        owner = Client()
        response = _login(owner, user.username, TEST_PASSWORD, "198.51.100.7")
        assert response.status_code == 302, user.username
        assert owner.session["_auth_user_id"] == str(user.pk)
        user.refresh_from_db()
        assert not user.is_locked
    throttle = AuditEvent.objects.get(action="auth.throttle")
    assert throttle.ip_address == ATTACKER
    assert throttle.object_repr == ATTACKER
    assert (
        AuditEvent.objects.filter(action="auth.login", outcome=Outcome.DENIED, ip_address=ATTACKER).count()
        == 3
    )


def test_the_api_token_path_follows_the_account_lock(client: Client, settings: Any) -> None:
    from jigai.accounts.services import api_token_create

    user = user_for_role(Role.MUNICIPAL_OFFICER, username="token.owner")
    _token, raw = api_token_create(actor=user, name="对接")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # Failures from one address lock the name there only: the token keeps working.
    for _ in range(settings.JIGAI_LOGIN_MAX_FAILURES):
        _login(client, "token.owner", "Wrong#2026", ATTACKER)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # A lock of the account itself stops its tokens as well.
    settings.JIGAI_LOGIN_ACCOUNT_MAX_FAILURES = settings.JIGAI_LOGIN_MAX_FAILURES + 1
    _login(client, "token.owner", "Wrong#2026", "198.51.100.8")
    user.refresh_from_db()
    assert user.is_locked
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def _lock_from(username: str, ip: str, times: int = 5) -> None:
    token = context.set_current(context.RequestContext(ip_address=ip, channel="web"))
    try:
        for _ in range(times):
            with pytest.raises(LoginRefused):
                user_login_attempt(username=username, password="Wrong#2026")
    finally:
        context.reset(token)


def _sign_in_from(username: str, ip: str) -> User:
    token = context.set_current(context.RequestContext(ip_address=ip, channel="web"))
    try:
        return user_login_attempt(username=username, password=TEST_PASSWORD)
    finally:
        context.reset(token)


def test_the_security_administrators_unlock_lifts_the_locks_from_every_address() -> None:
    officer = user_for_role(Role.DISTRICT_OFFICER, username="locked.here")
    _lock_from("locked.here", ATTACKER)
    with pytest.raises(LoginRefused):
        _sign_in_from("locked.here", ATTACKER)
    user_unlock(actor=user_for_role(Role.SECADMIN), user=officer)
    assert _sign_in_from("locked.here", ATTACKER) == officer


def test_break_glass_unlocks_the_security_administrator_and_is_audited(settings: Any) -> None:
    settings.JIGAI_LOGIN_ACCOUNT_MAX_FAILURES = 5
    secadmin = user_for_role(Role.SECADMIN, username="anquan")
    _lock_from("anquan", ATTACKER)
    secadmin.refresh_from_db()
    assert secadmin.is_locked
    out = StringIO()
    call_command("unlock_admin", "anquan", "--reason", "安全管理员被锁，工单 2026-118", stdout=out)
    assert "已应急解锁 anquan" in out.getvalue()
    secadmin.refresh_from_db()
    assert not secadmin.is_locked
    assert _sign_in_from("anquan", ATTACKER) == secadmin
    event = AuditEvent.objects.get(action="user.unlock_break_glass")
    assert (event.actor_id, event.channel, event.object_id) == (None, "cli", str(secadmin.pk))
    assert event.message == "安全管理员被锁，工单 2026-118"
    assert "locked_until" in event.changes


def test_break_glass_is_for_administrators_only_and_needs_a_reason() -> None:
    user_for_role(Role.ENTERPRISE, username="qiye")
    with pytest.raises(CommandError, match="应急解锁只用于管理员账户"):
        call_command("unlock_admin", "qiye", "--reason", "试试", stdout=StringIO())
    with pytest.raises(CommandError, match="请说明应急解锁的原因"):
        call_command("unlock_admin", "qiye", "--reason", "  ", stdout=StringIO())
    with pytest.raises(CommandError, match="账号不存在"):
        call_command("unlock_admin", "ghost", "--reason", "x", stdout=StringIO())
    assert not AuditEvent.objects.filter(action="user.unlock_break_glass").exists()
