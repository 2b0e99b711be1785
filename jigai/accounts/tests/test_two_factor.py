"""Two-factor sign-in (issue 11): officials must enrol an authenticator, a code cannot be used
twice, backup codes work once, failed codes are throttled, the security administrator's reset is
audited, enterprise users may opt in."""

from __future__ import annotations

import re
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import TEST_PASSWORD, user_for_role

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGIN_OTP = reverse("accounts:login_otp")
SETUP = reverse("accounts:otp_setup")


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.JIGAI_OTP_DEMO_EXEMPT = False
    # django-otp's own back-off (1 s, doubling, after a wrong code) would slow these tests down;
    # the platform's sign-in throttles are what they check.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _password(client: Client, username: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})


def _enrol(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    if "_auth_user_id" not in client.session:
        client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SETUP, {"token": code(device)}).content.decode()
    codes = re.findall(r"<li>(\w+)</li>", page.split('id="backup-codes"')[1].split("</ul>")[0])
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def officer() -> User:
    return user_for_role(Role.DISTRICT_OFFICER, username="two.factor")


def test_an_official_without_an_authenticator_must_enrol_first(client: Client, officer: User) -> None:
    response = _password(client, "two.factor")
    assert response["Location"] == SETUP
    assert client.get("/applications/")["Location"] == SETUP  # nothing else until enrolled
    api = client.get("/api/v1/me")
    assert (api.status_code, api.json()["code"]) == (403, "otp_required")
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    from jigai.accounts.otp import secret_base32

    assert f'id="otp-secret">{secret_base32(device)}</code>' in page
    assert f"secret={secret_base32(device)}&amp;issuer=" in page
    response = client.post(SETUP, {"token": "000000" if code(device) != "000000" else "111111"})
    assert "验证码不正确，请核对手机时间后重试。" in response.content.decode()
    page = client.post(SETUP, {"token": code(device)}).content.decode()
    assert "备用码只显示这一次" in page
    assert len(re.findall(r"<li>\w+</li>", page)) == 10
    assert client.get("/applications/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    event = AuditEvent.objects.get(action="otp.enrol")
    assert event.actor_id == officer.pk


def test_an_enrolled_user_signs_in_with_a_code_that_cannot_be_used_twice(officer: User) -> None:
    device, _codes = _enrol(Client(), officer)
    client = Client()
    response = _password(client, "two.factor")
    assert response["Location"] == LOGIN_OTP
    assert "_auth_user_id" not in client.session  # not signed in before the second factor
    assert client.get("/applications/").status_code == 302
    wrong = client.post(LOGIN_OTP, {"token": "12345x"})
    assert "验证码不正确或已使用过。" in wrong.content.decode()
    token = code(device, steps_ahead=1)  # the enrolment used this step's code
    response = client.post(LOGIN_OTP, {"token": token})
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/applications/").status_code == 200
    # The same code again, in a new sign-in: refused.
    again = Client()
    _password(again, "two.factor")
    response = again.post(LOGIN_OTP, {"token": token})
    assert "验证码不正确或已使用过。" in response.content.decode()
    assert "_auth_user_id" not in again.session
    outcomes = list(
        AuditEvent.objects.filter(action="auth.otp").order_by("seq").values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.FAILURE, Outcome.SUCCESS, Outcome.FAILURE]


def test_a_backup_code_works_once(officer: User) -> None:
    _device, codes = _enrol(Client(), officer)
    client = Client()
    _password(client, "two.factor")
    assert client.post(LOGIN_OTP, {"token": codes[0]})["Location"] == reverse("core:home")
    other = Client()
    _password(other, "two.factor")
    assert "验证码不正确或已使用过。" in other.post(LOGIN_OTP, {"token": codes[0]}).content.decode()
    assert StaticDevice.objects.get(user=officer).token_set.count() == 9


def test_failed_codes_count_against_the_sign_in_throttle(officer: User, settings: Any) -> None:
    device, _codes = _enrol(Client(), officer)
    client = Client()
    _password(client, "two.factor")
    for _ in range(settings.JIGAI_LOGIN_MAX_FAILURES):
        client.post(LOGIN_OTP, {"token": "99999x"})
    response = client.post(LOGIN_OTP, {"token": code(device, steps_ahead=1)})
    assert "验证失败次数过多，请稍后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(officer: User) -> None:
    device, _codes = _enrol(Client(), officer)
    client = Client()
    _password(client, "two.factor")
    session = client.session
    session["jigai_otp_at"] = time.time() - 301
    session.save()
    response = client.post(LOGIN_OTP, {"token": code(device, steps_ahead=1)})
    assert response["Location"] == LOGIN


def test_enterprise_users_may_opt_in(client: Client) -> None:
    user = user_for_role(Role.ENTERPRISE, username="qiye.user")
    assert _password(client, "qiye.user")["Location"] == reverse("core:home")  # not required
    device, _codes = _enrol(client, user)
    client.post(reverse("accounts:logout"))
    assert _password(client, "qiye.user")["Location"] == LOGIN_OTP  # once enrolled, asked
    assert client.post(LOGIN_OTP, {"token": code(device, steps_ahead=1)})["Location"] == reverse("core:home")


def test_the_security_administrator_resets_and_it_is_audited(client: Client, officer: User) -> None:
    _enrol(Client(), officer)
    secadmin = user_for_role(Role.SECADMIN, username="anquan")
    sysadmin = user_for_role(Role.SYSADMIN, username="xitong")
    url = reverse("accounts:user_otp_reset", args=[officer.pk])
    client.force_login(sysadmin)
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()
    client.force_login(secadmin)
    assert 'data-otp-reset="two.factor"' in client.get(reverse("accounts:user_list")).content.decode()
    response = client.post(url, {"reason": "手机丢失"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action="otp.reset", outcome=Outcome.SUCCESS)
    assert (event.actor_id, event.object_id, event.message) == (secadmin.pk, str(officer.pk), "手机丢失")
    assert len(event.changes["devices"]) == 2
    # The user enrols again at the next sign-in.
    assert _password(Client(), "two.factor")["Location"] == SETUP


def test_the_demo_exemption_is_a_deploy_warning(settings: Any) -> None:
    from jigai.accounts.checks import otp_not_waived

    assert otp_not_waived() == []
    settings.JIGAI_OTP_DEMO_EXEMPT = True
    [warning] = otp_not_waived()
    assert warning.id == "jigai.W001"
    out = StringIO()
    call_command("check", "--deploy", stdout=out, stderr=out)
    assert "jigai.W001" in out.getvalue()
