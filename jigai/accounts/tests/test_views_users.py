"""Account administration pages: who may use them, and what the administrators see and change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.audit.models import AuditEvent
from jigai.core.testing.factories import district_bureau, user_for_role

USERS = "/accounts/users/"
CREATE = "/accounts/users/new/"
SECURITY = "/accounts/security/"


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_user_list_is_for_the_two_account_administrators(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(USERS)
    if role in (Role.SYSADMIN, Role.SECADMIN):
        assert response.status_code == 200
        assert role_users[Role.ENTERPRISE].username in _html(response)
    else:
        assert response.status_code == 403
        html = _html(response)
        assert "无权访问" in html
        assert "只有系统管理员、安全管理员可以查看用户账户。" in html
        assert AuditEvent.objects.filter(
            action="user.list", outcome="denied", actor_username=role_users[role].username
        ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_create_page_is_for_the_system_administrator_only(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(CREATE)
    if role == Role.SYSADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "只有系统管理员可以管理用户账户。" in _html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [USERS, CREATE, SECURITY, "/accounts/tokens/"])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")


@pytest.mark.django_db
def test_anonymous_post_to_an_admin_action_is_sent_to_login(client, role_users):
    target = role_users[Role.ENTERPRISE]
    response = client.post(f"/accounts/users/{target.pk}/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.django_db
def test_user_list_filters_and_search(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    officer = role_users[Role.DISTRICT_OFFICER]
    html = _html(client.get(USERS, {"role": Role.DISTRICT_OFFICER}))
    assert f'data-username="{officer.username}"' in html
    assert f'data-username="{role_users[Role.EXPERT].username}"' not in html
    html = _html(client.get(USERS, {"q": "浦东新区经济"}))  # organisation name
    assert f'data-username="{officer.username}"' in html
    assert f'data-username="{role_users[Role.FINANCE_OFFICER].username}"' not in html
    html = _html(client.get(USERS, {"organisation": officer.organisation_id}))
    assert "浦东新区经济委员会" in html and "取消机构筛选" in html
    assert f'data-username="{role_users[Role.SYSADMIN].username}"' not in html


@pytest.mark.django_db
def test_user_list_locked_filter(client, role_users):
    locked = role_users[Role.EXPERT]
    User.objects.filter(pk=locked.pk).update(locked_until=timezone.now() + timedelta(minutes=20))
    client.force_login(role_users[Role.SECADMIN])
    html = _html(client.get(USERS, {"state": "locked"}))
    assert f'data-username="{locked.username}"' in html
    assert f'data-username="{role_users[Role.ENTERPRISE].username}"' not in html
    assert "解锁" in html


@pytest.mark.django_db
def test_user_list_paginates_with_total(client, role_users):
    from jigai.core.testing.factories import UserFactory

    UserFactory.create_batch(25, role=Role.EXPERT, organisation=role_users[Role.EXPERT].organisation)
    client.force_login(role_users[Role.SYSADMIN])
    html = _html(client.get(USERS))
    assert "共 38 条，当前第 1–20 条" in html
    html = _html(client.get(USERS, {"page": 2}))
    assert "共 38 条，当前第 21–38 条" in html


@pytest.mark.django_db
def test_htmx_filter_returns_only_the_results(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    response = client.get(USERS, {"role": Role.EXPERT}, headers={"HX-Request": "true"})
    html = _html(response)
    assert "<html" not in html
    assert 'id="user-table"' in html
    assert "HX-Request" in response["Vary"]


def _create_payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "username": "li.pudong",
        "display_name": "李明",
        "email": "li@example.com",
        "phone": "13800000000",
        "role": Role.DISTRICT_OFFICER,
        "organisation": district_bureau("310115").pk,
        "password": "Pudong#2026ok",
        "password_confirm": "Pudong#2026ok",
    }
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_sysadmin_creates_a_user(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    response = client.post(CREATE, _create_payload())
    assert response.status_code == 302
    created = User.objects.get(username="li.pudong")
    assert created.role == Role.DISTRICT_OFFICER
    assert created.district_id == "310115"
    assert created.check_password("Pudong#2026ok")
    page = _html(client.get(response["Location"]))
    assert "已创建账户“li.pudong”（区经委经办人）。" in page
    assert AuditEvent.objects.filter(action="user.create", object_repr="李明").exists()


@pytest.mark.django_db
def test_create_with_bad_password_keeps_input_and_shows_chinese_errors(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    response = client.post(CREATE, _create_payload(password="abc", password_confirm="abc"))
    html = _html(response)
    assert response.status_code == 200
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的 3 类。" in html
    assert 'value="li.pudong"' in html
    assert 'value="李明"' in html
    assert 'value="13800000000"' in html
    assert f'<option value="{Role.DISTRICT_OFFICER}" selected>' in html
    assert f'<option value="{district_bureau("310115").pk}" selected>' in html
    assert 'value="abc"' not in html
    assert not User.objects.filter(username="li.pudong").exists()


@pytest.mark.django_db
def test_create_refuses_a_role_that_does_not_fit_the_organisation(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    finance = role_users[Role.FINANCE_OFFICER].organisation
    html = _html(client.post(CREATE, _create_payload(organisation=finance.pk)))
    # the finance bureau is not among a district officer's organisations
    assert "所选机构不存在或与角色不符，请重新选择。" in html
    html = _html(client.post(CREATE, _create_payload(password_confirm="Pudong#2026no")))
    assert "两次输入的密码不一致。" in html
    html = _html(client.post(CREATE, _create_payload(username=role_users[Role.EXPERT].username)))
    assert f"账号“{role_users[Role.EXPERT].username}”已存在。" in html


@pytest.mark.django_db
def test_create_page_does_not_offer_administrator_roles(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    html = _html(client.get(CREATE))
    assert f'value="{Role.DISTRICT_OFFICER}"' in html
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        assert f'<option value="{role}"' not in html
    html = _html(client.post(CREATE, _create_payload(role=Role.AUDITOR)))
    assert "请选择一个有效的选项" in html or "选择一个有效的选项" in html
    assert not User.objects.filter(username="li.pudong").exists()


@pytest.mark.django_db
def test_organisation_options_follow_the_role(client, role_users):
    client.force_login(role_users[Role.SYSADMIN])
    html = _html(client.get("/accounts/users/new/organisations/", {"role": Role.FINANCE_OFFICER}))
    assert "上海市财政局" in html
    assert "浦东新区经济委员会" not in html
    html = _html(
        client.get("/accounts/users/new/organisations/", {"role": Role.DISTRICT_OFFICER, "org_q": "浦东"})
    )
    assert "浦东新区经济委员会" in html
    assert "上海市财政局" not in html


@pytest.mark.django_db
def test_sysadmin_deactivates_and_reactivates(client, role_users):
    admin, target = role_users[Role.SYSADMIN], role_users[Role.EXPERT]
    client.force_login(admin)
    response = client.post(f"/accounts/users/{target.pk}/deactivate/", {"next": "/accounts/users/?q=x"})
    assert response["Location"] == "/accounts/users/?q=x"
    target.refresh_from_db()
    assert not target.is_active
    assert "已停用账户" in _html(client.get(USERS))
    client.post(f"/accounts/users/{target.pk}/activate/")
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.django_db
def test_deactivate_is_post_only_and_refuses_self(client, role_users):
    admin = role_users[Role.SYSADMIN]
    client.force_login(admin)
    assert client.get(f"/accounts/users/{role_users[Role.EXPERT].pk}/deactivate/").status_code == 405
    client.post(f"/accounts/users/{admin.pk}/deactivate/")
    admin.refresh_from_db()
    assert admin.is_active
    assert "不能停用自己的账户。" in _html(client.get(USERS))


@pytest.mark.django_db
def test_security_administrator_cannot_deactivate(client, role_users):
    target = role_users[Role.EXPERT]
    client.force_login(role_users[Role.SECADMIN])
    response = client.post(f"/accounts/users/{target.pk}/deactivate/")
    assert response.status_code == 403
    assert "只有系统管理员可以管理用户账户。" in _html(response)
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_security_page_is_for_the_security_administrator(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(SECURITY)
    if role == Role.SECADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "只有安全管理员可以解锁账户。" in _html(response)


@pytest.mark.django_db
def test_security_page_lists_locked_failing_and_tokens_and_unlocks(client, role_users):
    from jigai.accounts.services import api_token_create

    locked, failing = role_users[Role.EXPERT], role_users[Role.FINANCE_OFFICER]
    User.objects.filter(pk=locked.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    User.objects.filter(pk=failing.pk).update(failed_login_count=2)
    token, _secret = api_token_create(actor=role_users[Role.ENTERPRISE], name="ERP 对接")
    client.force_login(role_users[Role.SECADMIN])
    html = _html(client.get(SECURITY))
    locked_block = html[html.index('id="locked-accounts"') : html.index('id="failing-accounts"')]
    assert locked.username in locked_block
    failing_block = html[html.index('id="failing-accounts"') : html.index('id="all-tokens"')]
    assert failing.username in failing_block and "连续失败 2 次" in failing_block
    assert "ERP 对接" in html and f"/accounts/tokens/{token.pk}/revoke/" in html
    assert "审计日志" not in html[html.index("<main") :]  # the audit trail is not the secadmin's

    response = client.post(f"/accounts/users/{locked.pk}/unlock/", {"next": SECURITY})
    assert response["Location"] == SECURITY
    locked.refresh_from_db()
    assert not locked.is_locked
    assert "已解除账户" in _html(client.get(SECURITY))

    client.post(f"/accounts/tokens/{token.pk}/revoke/", {"next": SECURITY})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_only_the_security_administrator_unlocks(client, role_users):
    locked = role_users[Role.EXPERT]
    User.objects.filter(pk=locked.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    client.force_login(role_users[Role.SYSADMIN])
    response = client.post(f"/accounts/users/{locked.pk}/unlock/")
    assert response.status_code == 403
    assert "只有安全管理员可以解锁账户。" in _html(response)
    locked.refresh_from_db()
    assert locked.is_locked


@pytest.mark.django_db
def test_district_officer_is_refused_with_the_reason_in_the_page(client):
    officer = user_for_role(Role.DISTRICT_OFFICER)
    client.force_login(officer)
    response = client.get(USERS)
    html = _html(response)
    assert 'id="refusal-reason"' in html
    assert "本次访问已记入审计日志" in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", [USERS, SECURITY])
def test_admin_lists_query_count_stays_flat(client, role_users, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jigai.accounts.services import api_token_create
    from jigai.core.testing.factories import UserFactory

    def add_failing_users_with_tokens(n: int) -> None:
        organisation = role_users[Role.EXPERT].organisation
        for user in UserFactory.create_batch(n, role=Role.EXPERT, organisation=organisation):
            User.objects.filter(pk=user.pk).update(failed_login_count=1)
            api_token_create(actor=user, name="对接")

    client.force_login(role_users[Role.SECADMIN])
    add_failing_users_with_tokens(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_failing_users_with_tokens(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
