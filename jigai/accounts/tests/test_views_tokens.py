"""Personal API tokens on the page: the secret is shown once, only its digest is kept."""

from __future__ import annotations

import re

import pytest

from jigai.accounts.choices import Role
from jigai.accounts.models import ApiToken
from jigai.accounts.services import api_token_create, token_digest

TOKENS = "/accounts/tokens/"


@pytest.mark.django_db
def test_token_create_shows_the_secret_once(client, role_users):
    user = role_users[Role.ENTERPRISE]
    client.force_login(user)
    response = client.post("/accounts/tokens/new/", {"name": "ERP 对接", "days": 90})
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    match = re.search(r'id="token-secret" value="(jg_[^"]+)"', html)
    assert match, "the new secret is on the page"
    secret = match.group(1)
    token = ApiToken.objects.get(user=user)
    assert token.digest == token_digest(secret)
    assert "离开本页后将无法再次查看" in html
    # the next visit shows the token, never the secret again
    html = client.get(TOKENS).content.decode()
    assert "ERP 对接" in html
    assert secret not in html


@pytest.mark.django_db
def test_token_create_errors_keep_input(client, role_users):
    client.force_login(role_users[Role.EXPERT])
    html = client.post("/accounts/tokens/new/", {"name": "对接", "days": 999}).content.decode()
    assert 'value="对接"' in html
    assert "730" in html
    assert not ApiToken.objects.exists()
    html = client.post("/accounts/tokens/new/", {"name": "", "days": 30}).content.decode()
    assert "这个字段是必填项。" in html


@pytest.mark.django_db
def test_token_list_shows_only_own_tokens_even_for_secadmin(client, role_users):
    api_token_create(actor=role_users[Role.ENTERPRISE], name="别人的令牌")
    api_token_create(actor=role_users[Role.SECADMIN], name="我的令牌")
    client.force_login(role_users[Role.SECADMIN])
    html = client.get(TOKENS).content.decode()
    assert "我的令牌" in html
    assert "别人的令牌" not in html


@pytest.mark.django_db
def test_revoke_own_token(client, role_users):
    user = role_users[Role.DISTRICT_OFFICER]
    token, _ = api_token_create(actor=user, name="区平台")
    client.force_login(user)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已吊销令牌“区平台”。" in client.get(TOKENS).content.decode()


@pytest.mark.django_db
def test_cannot_revoke_another_users_token(client, role_users):
    token, _ = api_token_create(actor=role_users[Role.ENTERPRISE], name="企业 ERP")
    client.force_login(role_users[Role.SYSADMIN])
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
