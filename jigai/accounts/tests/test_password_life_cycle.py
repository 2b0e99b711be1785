"""Password life cycle (等保 2.0 身份鉴别): expiry forces a change, the last five passwords cannot
be reused, Chinese pinyin and keyboard patterns are refused with Django's common passwords."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import PasswordHistory, User
from jigai.accounts.services import user_change_password
from jigai.core.testing.factories import TEST_PASSWORD, user_for_role

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")


@pytest.fixture
def expired(client: Client) -> User:
    user = user_for_role(Role.DISTRICT_OFFICER, username="old.password")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    user.refresh_from_db()
    client.force_login(user)
    return user


def test_an_expired_password_forces_a_change_before_any_page(client: Client, expired: User) -> None:
    assert expired.password_expired
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGE}?next=/applications/"
    page = client.get(response["Location"]).content.decode()
    assert "您的密码已超过 90 天未修改，请先修改密码。" in page
    response = client.post(
        response["Location"],
        {
            "old_password": TEST_PASSWORD,
            "new_password": "Lvse#Shu2027",
            "new_password_confirm": "Lvse#Shu2027",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/applications/"
    expired.refresh_from_db()
    assert not expired.password_expired
    assert client.get("/applications/").status_code == 200


def test_the_api_answers_a_structured_error_while_the_password_is_expired(
    client: Client, expired: User
) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "password_expired"
    assert body["message"] == "您的密码已超过 90 天未修改，请先修改密码。"
    assert body["details"] == {"change_url": CHANGE}


def test_the_period_is_a_setting_and_zero_turns_it_off(client: Client, expired: User, settings: Any) -> None:
    settings.JIGAI_PASSWORD_MAX_AGE_DAYS = 120
    assert client.get("/api/v1/me").status_code == 200
    settings.JIGAI_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get("/api/v1/me").status_code == 200
    settings.JIGAI_PASSWORD_MAX_AGE_DAYS = 30
    assert client.get("/api/v1/me").status_code == 403


def test_sign_out_stays_possible_with_an_expired_password(client: Client, expired: User) -> None:
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_last_five_passwords_cannot_be_reused() -> None:
    user = user_for_role(Role.EXPERT, username="rotating")
    passwords = [TEST_PASSWORD] + [f"Lvse#Shu{n}x" for n in range(1, 6)]
    current = TEST_PASSWORD
    for new in passwords[1:]:
        user = user_change_password(actor=user, old_password=current, new_password=new)
        current = new
    # The current one and the four before it are refused; the sixth back is allowed again.
    for reused in passwords[2:]:
        with pytest.raises(ValidationError) as exc:
            user_change_password(actor=user, old_password=current, new_password=reused)
        assert exc.value.message_dict["new_password"] == ["新密码不能与最近 5 次使用过的密码相同。"]
    assert PasswordHistory.objects.filter(user=user).count() == 5
    assert all(h.password.startswith("md5$") for h in PasswordHistory.objects.filter(user=user))
    user_change_password(actor=user, old_password=current, new_password=passwords[1])


@pytest.mark.parametrize(
    "weak", ["Aa123456", "Woaini520", "Qwer1234", "1qaz@WSX", "Abc@1234", "P@ssw0rd", "Zxcv!234", "Wang@1988"]
)
def test_pinyin_and_keyboard_patterns_are_refused(weak: str) -> None:
    user = user_for_role(Role.ENTERPRISE, username="weak.choice")
    with pytest.raises(ValidationError) as exc:
        user_change_password(actor=user, old_password=TEST_PASSWORD, new_password=weak)
    assert (
        "密码由常见拼音、键盘序列或常用数字组成，容易被猜中，请换一个。"
        in exc.value.message_dict["new_password"]
    )


def test_djangos_common_passwords_are_refused_too() -> None:
    user = user_for_role(Role.ENTERPRISE, username="weak.choice")
    with pytest.raises(ValidationError) as exc:
        user_change_password(actor=user, old_password=TEST_PASSWORD, new_password="Password1!")
    assert any("常见" in m or "common" in m for m in exc.value.message_dict["new_password"])


@pytest.mark.parametrize("good", ["Zhangsan#2026x", "Xk7#mPq2", "Tr0ub4dor&3", "Lvse#Shu2027"])
def test_other_passwords_pass(good: str) -> None:
    user = user_for_role(Role.ENTERPRISE, username="good.choice")
    user_change_password(actor=user, old_password=TEST_PASSWORD, new_password=good)
