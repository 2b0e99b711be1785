"""Error pages, and the middleware that turns a permission refusal into the 403 page."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.core import views


@pytest.mark.django_db
def test_404_page_is_chinese_and_styled(client, role_users):
    client.force_login(role_users[Role.EXPERT])
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html
    assert "返回工作台" in html
    assert "dist/app.css" in html


@pytest.mark.django_db
def test_404_for_anonymous_renders_without_navigation(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    # an anonymous visitor gets the public navigation and the sign-in, nothing of the workbench
    nav = html[html.index('id="main-nav"') : html.index("</ul>", html.index('id="main-nav"'))]
    assert 'href="/publicity/"' in nav and 'href="/accounts/login/"' in nav
    assert 'href="/applications/"' not in nav and "退出登录" not in html


@pytest.mark.django_db
def test_403_page_shows_the_reason_and_is_audited(client, role_users):
    user = role_users[Role.ENTERPRISE]
    client.force_login(user)
    response = client.get("/accounts/security/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html
    assert "只有安全管理员可以解锁账户。" in html
    event = AuditEvent.objects.get(action="security.view", outcome="denied")
    assert event.actor_username == user.username
    assert event.message == "只有安全管理员可以解锁账户。"
    assert event.object_repr == "/accounts/security/"


@pytest.mark.django_db
def test_403_handler_for_plain_permission_denied():
    request = RequestFactory().get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.error_403(request, PermissionDenied("不允许。"))
    assert response.status_code == 403
    assert "不允许。" in response.content.decode()


def test_api_errors_stay_json():
    request = RequestFactory().get("/api/v1/anything")
    response = views.error_404(request, None)
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "not_found"


def test_500_page_is_standalone_chinese():
    request = RequestFactory().get("/boom/")
    request.request_id = "abc123"  # type: ignore[attr-defined]
    with translation.override("zh-hans"):
        response = views.error_500(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-hans">' in html
    assert "系统错误" in html and "abc123" in html
    assert "/static/" not in html  # works even when static files are what failed


def test_500_page_in_english():
    request = RequestFactory().get("/boom/")
    with translation.override("en"):
        html = views.error_500(request).content.decode()
    assert '<html lang="en">' in html
    assert "System error" in html
