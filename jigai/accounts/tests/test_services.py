"""Account services: password policy, sign-in lockout, account administration, API tokens.

Each rule is checked for what the user sees (the Chinese message) and for what is written to the
audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import ApiToken, User
from jigai.accounts.services import (
    LoginRefused,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_digest,
    user_change_password,
    user_create,
    user_login_attempt,
    user_set_active,
    user_unlock,
)
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.core import context
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import TEST_PASSWORD, EnterpriseFactory, district_bureau, user_for_role

pytestmark = pytest.mark.django_db


def events(action: str, **filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def messages_of(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


@contextmanager
def _from(ip: str) -> Iterator[None]:
    """Run a service as if the request came from client address ``ip``."""
    token = context.set_current(context.RequestContext(ip_address=ip, channel="web"))
    try:
        yield
    finally:
        context.reset(token)


@pytest.fixture
def officer() -> User:
    return user_for_role(Role.MUNICIPAL_OFFICER, username="li.officer")


def _create(actor: User, **overrides: object) -> User:
    values: dict[str, object] = {
        "username": "new.user",
        "password": TEST_PASSWORD,
        "role": Role.ENTERPRISE,
        "organisation": EnterpriseFactory.create().organisation,
        "display_name": "王芳",
    }
    values.update(overrides)
    return user_create(actor=actor, **values)  # type: ignore[arg-type]


# --- Password policy (等保 2.0: 8 characters, 3 of 4 character classes) --------------------------
@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1#xyz", "密码长度太短，至少需要 8 个字符。"),
        ("abcdefgh12", "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。"),
        ("ABCDEFGH!!", "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。"),
        ("password1", "这个密码太常见了。"),
    ],
)
def test_password_policy_refuses_weak_passwords_in_chinese(role_users, password, expected):
    with pytest.raises(ValidationError) as exc:
        _create(role_users[Role.SYSADMIN], password=password)
    assert expected in messages_of(exc, "password")
    assert not User.objects.filter(username="new.user").exists()
    assert not events("user.create")


@pytest.mark.parametrize("password", ["Jigai#2026", "kiwi7392!", "KIWI7392xyz"])
def test_password_policy_accepts_eight_characters_of_three_classes(role_users, password):
    user = _create(role_users[Role.SYSADMIN], password=password)
    assert user.check_password(password)
    assert user.password_changed_at is not None


def test_password_change_applies_the_same_policy(officer):
    with pytest.raises(ValidationError) as exc:
        user_change_password(actor=officer, old_password=TEST_PASSWORD, new_password="short1")
    assert "密码长度太短，至少需要 8 个字符。" in messages_of(exc, "new_password")
    with pytest.raises(ValidationError) as exc:
        user_change_password(actor=officer, old_password="wrong", new_password="Jigai#2027new")
    assert messages_of(exc, "old_password") == ["原密码不正确。"]
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)

    user_change_password(actor=officer, old_password=TEST_PASSWORD, new_password="Jigai#2027new")
    officer.refresh_from_db()
    assert officer.check_password("Jigai#2027new")
    assert [e.actor_id for e in events("user.change_password")] == [officer.pk]


# --- Sign-in and lockout -----------------------------------------------------------------------
def test_successful_login_is_audited_and_resets_the_failure_count(officer):
    User.objects.filter(pk=officer.pk).update(failed_login_count=3)
    user = user_login_attempt(username="li.officer", password=TEST_PASSWORD)
    assert user == officer
    assert user.failed_login_count == 0
    assert user.last_login is not None
    [event] = events("auth.login")
    assert (event.actor_id, event.outcome) == (officer.pk, Outcome.SUCCESS)


def test_wrong_password_and_unknown_account_get_the_same_message(officer):
    with pytest.raises(LoginRefused) as wrong:
        user_login_attempt(username="li.officer", password="Wrong#2026")
    with pytest.raises(LoginRefused) as unknown:
        user_login_attempt(username="nobody", password="Wrong#2026")
    assert wrong.value.message == unknown.value.message == "账号或密码不正确。"
    failures = events("auth.login", outcome=Outcome.FAILURE)
    assert [(e.actor_username, e.message) for e in failures] == [
        ("li.officer", "密码错误（第 1 次）"),
        ("nobody", "账号不存在"),
    ]


def test_five_failures_from_one_address_lock_the_name_there_only(officer):
    with _from("203.0.113.9"):
        for _ in range(5):
            with pytest.raises(LoginRefused) as exc:
                user_login_attempt(username="li.officer", password="Wrong#2026")
            assert exc.value.message == "账号或密码不正确。"
        # From that address even the right password is refused, with the same answer.
        with pytest.raises(LoginRefused) as exc:
            user_login_attempt(username="li.officer", password=TEST_PASSWORD)
        assert exc.value.message == "账号或密码不正确。"
        assert not exc.value.throttled
    officer.refresh_from_db()
    assert not officer.is_locked  # the account itself is not locked ...
    with _from("198.51.100.20"):  # ... so its owner signs in from elsewhere
        assert user_login_attempt(username="li.officer", password=TEST_PASSWORD) == officer
    assert len(events("auth.login", outcome=Outcome.FAILURE)) == 5
    [lockout] = events("auth.lockout")
    assert lockout.object_id == str(officer.pk)
    assert lockout.message == "地址 203.0.113.9 连续 5 次登录失败，该账号在此地址暂停登录 30 分钟"
    [denied] = events("auth.login", outcome=Outcome.DENIED)
    assert denied.message == "锁定期间尝试登录"
    # The owner learns of it by notification (in-app and e-mail), not from the answer.
    from jigai.notifications.models import Notification

    [notice] = Notification.objects.filter(user=officer)
    assert "203.0.113.9" in notice.message and "从其他地址登录不受影响" in notice.message


def test_many_failures_from_many_addresses_lock_the_account_itself(officer, settings):
    settings.JIGAI_LOGIN_ACCOUNT_MAX_FAILURES = 2
    settings.JIGAI_LOCKOUT_MINUTES = 10
    for n in range(2):
        with _from(f"203.0.113.{n}"), pytest.raises(LoginRefused):
            user_login_attempt(username="li.officer", password="Wrong#2026")
    officer.refresh_from_db()
    assert officer.is_locked
    assert officer.locked_until is not None
    assert officer.locked_until - timezone.now() <= timedelta(minutes=10)
    assert events("auth.lockout")[0].message == "连续 2 次登录失败，账户锁定 10 分钟"


def test_a_locked_account_is_refused_even_with_the_right_password(officer):
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() + timedelta(minutes=20))
    with pytest.raises(LoginRefused) as exc:
        user_login_attempt(username="li.officer", password=TEST_PASSWORD)
    assert exc.value.message == "账号或密码不正确。"
    [denied] = events("auth.login", outcome=Outcome.DENIED)
    assert denied.message == "锁定期间尝试登录"
    assert not events("auth.login", outcome=Outcome.SUCCESS)


def test_the_account_lock_ends_by_itself_after_thirty_minutes(officer, settings):
    settings.JIGAI_LOGIN_ACCOUNT_MAX_FAILURES = 5
    for n in range(5):
        with _from(f"203.0.113.{n}"), pytest.raises(LoginRefused):
            user_login_attempt(username="li.officer", password="Wrong#2026")
    officer.refresh_from_db()
    assert officer.is_locked
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        user = user_login_attempt(username="li.officer", password=TEST_PASSWORD)
    assert user == officer
    officer.refresh_from_db()
    assert officer.locked_until is None
    assert officer.failed_login_count == 0


def test_still_locked_one_minute_before_the_end(officer):
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() + timedelta(minutes=30))
    with (
        mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=29)),
        pytest.raises(LoginRefused),
    ):
        user_login_attempt(username="li.officer", password=TEST_PASSWORD)


def test_security_administrator_unlocks(officer, role_users):
    User.objects.filter(pk=officer.pk).update(
        locked_until=timezone.now() + timedelta(minutes=20), failed_login_count=2
    )
    officer.refresh_from_db()
    secadmin = role_users[Role.SECADMIN]
    user_unlock(actor=secadmin, user=officer)
    officer.refresh_from_db()
    assert officer.locked_until is None and officer.failed_login_count == 0
    assert user_login_attempt(username="li.officer", password=TEST_PASSWORD) == officer
    [event] = events("user.unlock")
    assert event.actor_id == secadmin.pk
    assert set(event.changes) == {"locked_until", "failed_login_count"}


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR, Role.MUNICIPAL_HEAD])
def test_only_the_security_administrator_unlocks(officer, role_users, role):
    locked_until = timezone.now() + timedelta(minutes=20)
    User.objects.filter(pk=officer.pk).update(locked_until=locked_until)
    officer.refresh_from_db()
    with pytest.raises(PermissionRefused) as exc:
        user_unlock(actor=role_users[role], user=officer)
    assert exc.value.reason == "只有安全管理员可以解锁账户。"
    officer.refresh_from_db()
    assert officer.locked_until == locked_until
    assert not events("user.unlock")


# --- Account administration --------------------------------------------------------------------
def test_sysadmin_creates_a_business_account_and_it_is_audited(role_users):
    sysadmin = role_users[Role.SYSADMIN]
    user = _create(sysadmin)
    assert (user.role, user.display_name) == (Role.ENTERPRISE, "王芳")
    [event] = events("user.create")
    assert event.actor_id == sysadmin.pk
    assert event.object_id == str(user.pk)
    assert event.changes["role"] == {"before": None, "after": "enterprise"}
    assert event.changes["username"] == {"before": None, "after": "new.user"}


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_sysadmin_cannot_create_administrator_accounts(role_users, role):
    with pytest.raises(ValidationError) as exc:
        _create(role_users[Role.SYSADMIN], role=role, organisation=role_users[Role.SYSADMIN].organisation)
    assert messages_of(exc, "role") == ["管理员账户只能由部署人员在服务器上创建。"]
    assert not User.objects.filter(username="new.user").exists()


def test_sysadmin_cannot_put_an_enterprise_user_in_a_district_bureau(role_users):
    with pytest.raises(ValidationError) as exc:
        _create(role_users[Role.SYSADMIN], organisation=district_bureau("310115"))
    assert messages_of(exc, "role") == ["角色“企业申报用户”不能属于“区经济主管部门”类机构。"]
    assert not events("user.create")


def test_a_district_officer_must_belong_to_a_district_bureau(role_users):
    with pytest.raises(ValidationError) as exc:
        _create(role_users[Role.SYSADMIN], role=Role.DISTRICT_OFFICER)
    assert messages_of(exc, "role") == ["角色“区经委经办人”不能属于“企业”类机构。"]
    user = _create(
        role_users[Role.SYSADMIN], role=Role.DISTRICT_OFFICER, organisation=district_bureau("310104")
    )
    assert user.district_id == "310104"


@pytest.mark.parametrize("role", [Role.SECADMIN, Role.AUDITOR, Role.MUNICIPAL_HEAD, Role.ENTERPRISE])
def test_only_the_sysadmin_creates_accounts(role_users, role):
    with pytest.raises(PermissionRefused) as exc:
        _create(role_users[role])
    assert exc.value.reason == "只有系统管理员可以管理用户账户。"
    assert not User.objects.filter(username="new.user").exists()


def test_account_names_and_fields_are_checked(role_users):
    sysadmin = role_users[Role.SYSADMIN]
    with pytest.raises(ValidationError) as exc:
        _create(sysadmin, username="  ")
    assert messages_of(exc, "username") == ["请填写账号。"]
    with pytest.raises(ValidationError) as exc:
        _create(sysadmin, username="zhang wei")
    assert "请输入合法的用户名" in messages_of(exc, "username")[0]
    with pytest.raises(ValidationError) as exc:
        _create(sysadmin, email="not-an-address")
    assert "email" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _create(sysadmin, username=role_users[Role.EXPERT].username)
    assert messages_of(exc, "username") == [f"账号“{role_users[Role.EXPERT].username}”已存在。"]
    with pytest.raises(ValidationError) as exc:
        _create(sysadmin, organisation=None)
    assert messages_of(exc, "organisation") == ["请选择所属机构。"]


def test_deactivate_and_activate_are_audited(role_users):
    sysadmin = role_users[Role.SYSADMIN]
    expert = role_users[Role.EXPERT]
    user_set_active(actor=sysadmin, user=expert, active=False, reason="聘期结束")
    expert.refresh_from_db()
    assert not expert.is_active
    with pytest.raises(LoginRefused):
        user_login_attempt(username=expert.username, password=TEST_PASSWORD)
    user_set_active(actor=sysadmin, user=expert, active=True)
    expert.refresh_from_db()
    assert expert.is_active
    [off] = events("user.deactivate")
    [on] = events("user.activate")
    assert off.message == "聘期结束"
    assert off.changes == {"is_active": {"before": True, "after": False}}
    assert on.changes == {"is_active": {"before": False, "after": True}}


def test_deactivation_refuses_self_admins_and_other_roles(role_users):
    sysadmin = role_users[Role.SYSADMIN]
    with pytest.raises(ValidationError) as exc:
        user_set_active(actor=sysadmin, user=sysadmin, active=False)
    assert exc.value.messages == ["不能停用自己的账户。"]
    with pytest.raises(ValidationError) as exc:
        user_set_active(actor=sysadmin, user=role_users[Role.SECADMIN], active=False)
    assert exc.value.messages == ["管理员账户只能由部署人员在服务器上变更。"]
    with pytest.raises(PermissionRefused):
        user_set_active(actor=role_users[Role.SECADMIN], user=role_users[Role.EXPERT], active=False)
    assert User.objects.filter(is_active=False).count() == 0
    assert not events("user.deactivate")


# --- API tokens --------------------------------------------------------------------------------
def test_token_is_stored_only_as_a_digest(officer):
    token, raw = api_token_create(actor=officer, name="统计对接", days=30)
    assert raw.startswith("jg_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(raw)
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == raw[:10]
    assert stored.expires_at is not None
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    [event] = events("api_token.create")
    assert raw not in str(event.changes) + event.message + event.object_repr


@pytest.mark.parametrize(
    ("name", "days", "field", "message"),
    [
        ("  ", 30, "name", "请填写令牌名称。"),
        ("x", 0, "days", "有效期须在 1 至 730 天之间。"),
        ("x", 731, "days", "有效期须在 1 至 730 天之间。"),
    ],
)
def test_token_create_refuses_bad_input(officer, name, days, field, message):
    with pytest.raises(ValidationError) as exc:
        api_token_create(actor=officer, name=name, days=days)
    assert messages_of(exc, field) == [message]
    assert not ApiToken.objects.exists()


def test_token_authenticates_its_user_until_revoked(officer):
    token, raw = api_token_create(actor=officer, name="对接", days=30)
    assert api_token_authenticate(raw) == officer
    token.refresh_from_db()
    assert token.last_used_at is not None
    api_token_revoke(actor=officer, token=token)
    assert api_token_authenticate(raw) is None
    assert [e.actor_id for e in events("api_token.revoke")] == [officer.pk]


def test_expired_wrong_and_unusable_tokens_authenticate_nobody(officer):
    token, raw = api_token_create(actor=officer, name="对接", days=1)
    assert api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert api_token_authenticate("") is None
    assert api_token_authenticate("Bearer " + raw) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_authenticate(raw) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert api_token_authenticate(raw) is None
    User.objects.filter(pk=officer.pk).update(locked_until=None, is_active=False)
    assert api_token_authenticate(raw) is None


def test_only_the_owner_or_the_security_administrator_revokes(officer, role_users):
    token, _ = api_token_create(actor=officer, name="对接", days=30)
    with pytest.raises(PermissionRefused) as exc:
        api_token_revoke(actor=role_users[Role.SYSADMIN], token=token)
    assert exc.value.reason == "只能吊销自己的令牌（安全管理员可吊销任何令牌）。"
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(actor=role_users[Role.SECADMIN], token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
