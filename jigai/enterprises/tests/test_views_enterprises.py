"""The enterprise list and detail pages: scope, filters, sorting, pagination, htmx."""

from __future__ import annotations

import re

import pytest

from jigai.accounts.choices import Role
from jigai.core.testing.factories import EnterpriseFactory, user_for_role
from jigai.enterprises.choices import EnterpriseStatus
from jigai.reference.choices import EnterpriseSize

LIST = "/enterprises/"


def _codes(html: str) -> list[str]:
    return re.findall(r'data-credit-code="([0-9A-Z]{18})"', html)


@pytest.fixture
def two_districts(db):
    pudong = EnterpriseFactory.create_batch(3, district_code="310115")
    xuhui = EnterpriseFactory.create_batch(2, district_code="310104")
    return pudong, xuhui


@pytest.mark.django_db
def test_district_officer_sees_only_its_district(client, two_districts):
    pudong, _xuhui = two_districts
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(_codes(html)) == sorted(e.credit_code for e in pudong)
    assert 'name="district"' not in html  # one district: no district filter
    assert "浦东新区企业" in html
    # asking for another district through the URL changes nothing
    html = client.get(LIST, {"district": "310104"}).content.decode()
    assert sorted(_codes(html)) == sorted(e.credit_code for e in pudong)


@pytest.mark.django_db
def test_another_districts_enterprise_is_404(client, two_districts):
    pudong, xuhui = two_districts
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    assert client.get(f"/enterprises/{pudong[0].pk}/").status_code == 200
    response = client.get(f"/enterprises/{xuhui[0].pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert xuhui[0].name not in html


@pytest.mark.django_db
def test_municipal_officer_sees_all_and_filters_by_district(client, two_districts):
    _pudong, xuhui = two_districts
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    html = client.get(LIST).content.decode()
    assert len(_codes(html)) == 5
    assert 'name="district"' in html
    html = client.get(LIST, {"district": "310104"}).content.decode()
    assert sorted(_codes(html)) == sorted(e.credit_code for e in xuhui)


@pytest.mark.django_db
def test_enterprise_user_sees_itself_only(client, two_districts):
    pudong, _xuhui = two_districts
    client.force_login(user_for_role(Role.ENTERPRISE, enterprise=pudong[0]))
    html = client.get(LIST).content.decode()
    assert _codes(html) == [pudong[0].credit_code]
    assert client.get(f"/enterprises/{pudong[1].pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.EXPERT])
def test_roles_without_business_reading_are_refused_with_reason(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(LIST)
    assert response.status_code == 403
    assert "可以查看企业信息。" in response.content.decode()


@pytest.mark.django_db
def test_filters_search_and_status(client):
    target = EnterpriseFactory.create(name="上海申江精密机械有限公司", status=EnterpriseStatus.PENDING)
    other = EnterpriseFactory.create(name="上海浦江食品有限公司", status=EnterpriseStatus.CONFIRMED)
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    assert _codes(client.get(LIST, {"q": "申江"}).content.decode()) == [target.credit_code]
    assert _codes(client.get(LIST, {"q": other.credit_code.lower()}).content.decode()) == [other.credit_code]
    assert _codes(client.get(LIST, {"status": "pending"}).content.decode()) == [target.credit_code]
    assert _codes(client.get(LIST, {"industry": "C"}).content.decode()) != []
    assert _codes(client.get(LIST, {"industry": "A"}).content.decode()) == []
    size = target.size
    expected = {e.credit_code for e in (target, other) if e.size == size}
    assert set(_codes(client.get(LIST, {"size": size}).content.decode())) == expected
    other_size = next(s for s in EnterpriseSize.values if s != size)
    assert target.credit_code not in _codes(client.get(LIST, {"size": other_size}).content.decode())


@pytest.mark.django_db
def test_sorting_and_reverse_sorting(client):
    small = EnterpriseFactory.create(employees=30)
    big = EnterpriseFactory.create(employees=3000)
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    html = client.get(LIST, {"sort": "employees"}).content.decode()
    assert _codes(html) == [small.credit_code, big.credit_code]
    assert "sort=-employees" in html  # the next click reverses
    assert _codes(client.get(LIST, {"sort": "-employees"}).content.decode()) == [
        big.credit_code,
        small.credit_code,
    ]
    # an unknown sort falls back to the name
    assert client.get(LIST, {"sort": "password"}).status_code == 200


@pytest.mark.django_db
def test_pagination_with_total_and_page_numbers(client):
    EnterpriseFactory.create_batch(45)
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    html = client.get(LIST, {"status": "confirmed"}).content.decode()
    assert "共 45 条，当前第 1–20 条" in html
    assert len(_codes(html)) == 20
    assert 'href="?status=confirmed&amp;page=3"' in html
    html = client.get(LIST, {"status": "confirmed", "page": 3}).content.decode()
    assert len(_codes(html)) == 5
    assert "共 45 条，当前第 41–45 条" in html


@pytest.mark.django_db
def test_htmx_filter_returns_only_the_results(client):
    EnterpriseFactory.create_batch(2)
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    full = client.get(LIST).content.decode()
    assert 'hx-get="/enterprises/"' in full and 'hx-push-url="true"' in full
    response = client.get(LIST, {"q": "上海"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="enterprise-table"' in html
    assert len(_codes(html)) == 2
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_detail_page(client):
    enterprise = EnterpriseFactory.create(name="上海临港智能装备有限公司", employees=350)
    client.force_login(user_for_role(Role.DISTRICT_HEAD))
    html = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "上海临港智能装备有限公司" in html
    assert enterprise.credit_code in html
    assert "浦东新区" in html
    assert "350 人" in html
    assert "已确认" in html


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_list_query_count_stays_flat(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    EnterpriseFactory.create_batch(2)
    client.get(LIST)  # warm the session and reference caches
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    EnterpriseFactory.create_batch(18)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)
