"""Each role's home page: greeting, role and organisation, to-do cards, work areas."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.core.navigation import CITY_READERS
from jigai.core.testing.factories import EnterpriseFactory
from jigai.enterprises.choices import EnterpriseStatus


def _card(html: str, key: str) -> str:
    match = re.search(rf'data-todo="{re.escape(key)}">(.*?)</div>\s*</div>\s*</div>', html, re.S)
    assert match, f"no to-do card {key}"
    return match.group(1)


def _count(card: str) -> int:
    match = re.search(r'class="count[^"]*">([\d,]+)<', card)
    assert match
    return int(match.group(1).replace(",", ""))


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_home_greets_with_role_and_organisation(client, role_users, role):
    user = role_users[role]
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"，{user.display_name}</h1>" in html
    assert f'data-role="{role}">{Role(role).label}</span>' in html
    assert user.organisation.name in html
    assert 'id="work-areas"' in html


@pytest.mark.django_db
def test_district_officer_sees_pending_enterprises_of_its_district_only(client, role_users):
    EnterpriseFactory.create_batch(2, status=EnterpriseStatus.PENDING)  # 浦东
    EnterpriseFactory.create(status=EnterpriseStatus.CONFIRMED)
    EnterpriseFactory.create(status=EnterpriseStatus.PENDING, district_code="310104")  # 徐汇
    for role in (Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD):
        client.force_login(role_users[role])
        card = _card(client.get("/").content.decode(), "enterprises.pending")
        assert "待确认的新注册企业" in card
        assert _count(card) == 2
    html = client.get("/").content.decode()
    assert 'href="/enterprises/?status=pending"' in html


@pytest.mark.django_db
def test_enterprise_sees_its_confirmation_status(client):
    from jigai.core.testing.factories import user_for_role

    pending = EnterpriseFactory.create(status=EnterpriseStatus.PENDING)
    user = user_for_role(Role.ENTERPRISE, enterprise=pending)
    client.force_login(user)
    card = _card(client.get("/").content.decode(), "enterprises.own_status")
    assert _count(card) == 1
    assert "待所在区经委确认" in card
    pending.status = EnterpriseStatus.CONFIRMED
    pending.save()
    html = client.get("/").content.decode()
    card = _card(html, "enterprises.own_status")
    assert _count(card) == 0
    assert "已由所在区经委确认" in card
    assert f'href="/enterprises/{pending.pk}/"' in html


@pytest.mark.django_db
def test_sysadmin_sees_deactivated_accounts(client, role_users):
    User.objects.filter(pk__in=[role_users[Role.EXPERT].pk, role_users[Role.SUPERVISOR].pk]).update(
        is_active=False
    )
    client.force_login(role_users[Role.SYSADMIN])
    html = client.get("/").content.decode()
    card = _card(html, "accounts.inactive")
    assert "已停用账户" in card
    assert _count(card) == 2
    assert 'href="/accounts/users/?state=inactive"' in html


@pytest.mark.django_db
def test_secadmin_sees_locked_accounts(client, role_users):
    User.objects.filter(pk=role_users[Role.EXPERT].pk).update(
        locked_until=timezone.now() + timedelta(minutes=5)
    )
    User.objects.filter(pk=role_users[Role.FINANCE_OFFICER].pk).update(
        locked_until=timezone.now() - timedelta(minutes=5)  # expired: no longer locked
    )
    client.force_login(role_users[Role.SECADMIN])
    card = _card(client.get("/").content.decode(), "accounts.locked")
    assert "当前锁定的账户" in card
    assert _count(card) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "text"),
    [
        (Role.EXPERT, "待评审项目将显示在这里"),
        (Role.MUNICIPAL_HEAD, "资金计划将显示在这里"),
        (Role.FINANCE_OFFICER, "拨付申请将显示在这里"),
        (Role.NDRC_VIEWER, "统计数据将显示在这里"),
        (Role.SUPERVISOR, "监督检查和整改跟踪将显示在这里"),
    ],
)
def test_roles_whose_work_comes_later_see_an_empty_state_not_numbers(client, role_users, role, text):
    client.force_login(role_users[role])
    html = client.get("/").content.decode()
    card = _card(html, "empty")
    assert text in card
    assert 'class="count' not in html


@pytest.mark.django_db
def test_work_areas_follow_the_navigation(client, role_users):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    html = client.get("/").content.decode()
    areas = html[html.index('id="work-areas"') :]
    assert 'href="/enterprises/"' in areas
    assert 'href="/accounts/users/"' not in areas
    client.force_login(role_users[Role.SYSADMIN])
    html = client.get("/").content.decode()
    areas = html[html.index('id="work-areas"') :]
    assert 'href="/accounts/users/"' in areas
    assert 'href="/enterprises/"' not in areas


@pytest.mark.django_db
def test_base_layout(client, role_users):
    user = role_users[Role.MUNICIPAL_OFFICER]
    client.force_login(user)
    html = client.get("/enterprises/").content.decode()
    assert "技改通" in html and "上海市企业技术改造专项管理平台" in html
    assert '<link rel="stylesheet" href="/static/dist/app.css">' in html
    assert '<script src="/static/dist/app.js"></script>' in html
    assert "cdn" not in html.lower()
    assert '<a class="nav-link active" href="/enterprises/"' in html
    assert "修改密码" in html and "API 令牌" in html and "退出登录" in html
    assert 'id="nav-toggler"' in html and 'aria-controls="main-nav-items"' in html
    assert 'action="/i18n/setlang/"' in html and 'name="next" value="/enterprises/"' in html
    assert "上海市经济和信息化委员会 · 市经信委经办人" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_api_token_card_and_menu_only_for_roles_that_use_the_api(client, role_users, role):
    from jigai.core.navigation import API_TOKEN_ROLES

    client.force_login(role_users[role])
    html = client.get("/").content.decode()
    areas = html[html.index('id="work-areas"') :]
    offered = role in API_TOKEN_ROLES
    assert ('href="/accounts/tokens/"' in areas) is offered
    assert ('href="/accounts/tokens/"' in html) is offered  # the user menu follows the same rule
    assert offered is (role not in (Role.SYSADMIN, Role.SECADMIN))


@pytest.mark.django_db
@pytest.mark.parametrize("role", CITY_READERS)
def test_city_level_roles_read_no_district_wording_on_their_home(client, role_users, role):
    client.force_login(role_users[role])
    html = client.get("/").content.decode()
    home = html[html.index('id="todos"') :]
    assert "辖区" not in home and "本区" not in home
    assert "全市企业提交的项目申报" in home


@pytest.mark.django_db
def test_district_roles_keep_their_district_wording(client, role_users):
    client.force_login(role_users[Role.DISTRICT_OFFICER])
    assert "辖区内企业提交的项目申报" in client.get("/").content.decode()


@pytest.mark.django_db
def test_login_page_has_its_heading_and_no_empty_one(client):
    html = client.get("/accounts/login/").content.decode()
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert [h.strip() for h in headings] == ["用户登录"]


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    from django.contrib.staticfiles import finders

    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg"), "the icon is a static file"
