"""The officials' application list /applications/: each role's scope, filters, search, sorting,
pagination with the total, htmx updates, the refusals, the navigation item and the district to-do.

Rows are made directly (``make_application``): these tests are about what the list shows, not
about the submission, which has its own tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.tests.conftest import make_enterprise
from jigai.calls.models import Call
from jigai.catalog.models import CatalogItem
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.models import Enterprise

LIST = "/applications/"
OFFICIALS = (
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
CITY_WIDE = (
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
_serial = itertools.count(1)


def make_application(
    enterprise: Enterprise,
    call: Call,
    *,
    status: str = ApplicationStatus.SUBMITTED,
    direction: str = "1.1",
    requested: str = "2500000.00",
    total: str = "25000000.00",
    **fields: Any,
) -> Application:
    """An application of ``enterprise`` to ``call`` as the submission leaves it (number, time, totals)."""
    serial = next(_serial)
    submitted = status != ApplicationStatus.DRAFT
    values: dict[str, Any] = {
        "call": call,
        "rules": call.current_rules,
        "enterprise": enterprise,
        "district": enterprise.district,
        "status": status,
        "name": f"智能产线技术改造项目{serial}",
        "project_code": f"2026-{enterprise.district_id}-34-03-{serial:05d}1",
        "direction": CatalogItem.objects.get(version_id=call.catalog_version_id, code=direction),
        "total_investment": Decimal(total),
        "fixed_asset_investment": Decimal(total) * Decimal("0.72"),
        "fixed_asset_share": Decimal("0.720000"),
        "requested_support": Decimal(requested),
        "reference_number": f"JG2026-{enterprise.district_id}-{serial:05d}" if submitted else None,
        "submitted_at": timezone.now() - dt.timedelta(minutes=serial) if submitted else None,
        "created_by": user_for_role(Role.MUNICIPAL_OFFICER),
    }
    values.update(fields)
    return Application.objects.create(**values)


def listed_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-application-id="(\d+)"', html)]


@pytest.fixture
def pudong(db: Any) -> Enterprise:
    return make_enterprise(name="上海浦江精密机械有限公司", district_code="310115")


@pytest.fixture
def xuhui(db: Any) -> Enterprise:
    return make_enterprise(name="上海徐汇芯片封装有限公司", district_code="310104", industry_id="39")


@pytest.fixture
def rows(open_call: Call, pudong: Enterprise, xuhui: Enterprise) -> dict[str, Application]:
    """Two submitted in 浦东新区, one in 徐汇区, one Pudong draft, one withdrawn Pudong application."""
    return {
        "pudong_small": make_application(
            pudong, open_call, name="精密轴承磨削线改造", requested="1200000.00"
        ),
        "pudong_big": make_application(
            pudong, open_call, name="数控机床智能工厂", requested="8000000.00", has_duplicate_flags=True
        ),
        "xuhui": make_application(
            xuhui, open_call, name="芯片封装测试线", direction="1.2", requested="3500000.00"
        ),
        "pudong_draft": make_application(pudong, open_call, status=ApplicationStatus.DRAFT, name="草稿项目"),
        "pudong_withdrawn": make_application(
            pudong, open_call, status=ApplicationStatus.WITHDRAWN, name="已撤回项目", requested="500000.00"
        ),
    }


def get_ids(client: Any, **params: Any) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content[:500]
    return listed_ids(response.content.decode())


# --- scope ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", OFFICIALS)
def test_each_role_lists_exactly_its_scope_and_never_a_draft(client, rows, role):
    client.force_login(user_for_role(role, district_code="310115"))
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    pudong = {rows["pudong_small"].pk, rows["pudong_big"].pk, rows["pudong_withdrawn"].pk}
    expected = pudong | {rows["xuhui"].pk} if role in CITY_WIDE else pudong
    assert set(listed_ids(html)) == expected
    assert rows["pudong_draft"].pk not in listed_ids(html)
    assert "草稿项目" not in html
    if role in CITY_WIDE:
        assert "全市项目申报" in html
        assert 'name="district"' in html
    else:
        assert "浦东新区项目申报" in html
        assert 'name="district"' not in html  # one district: no district filter, no district column
        assert "所属区</th>" not in html
        assert "芯片封装测试线" not in html


def test_another_districts_officer_sees_only_its_own_rows(client, rows):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert get_ids(client) == [rows["xuhui"].pk]
    # naming another district in the address changes nothing
    assert get_ids(client, district="310115") == [rows["xuhui"].pk]
    assert get_ids(client, q=rows["pudong_big"].enterprise.credit_code) == []


def test_an_enterprise_user_is_sent_to_its_own_list_or_refused(client, rows, pudong):
    client.force_login(user_for_role(Role.ENTERPRISE, enterprise=pudong))
    response = client.get(LIST)
    try:
        mine = reverse("applications:mine")
    except NoReverseMatch:
        assert response.status_code == 403
        assert "查看各企业的项目申报" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"] == mine


@pytest.mark.parametrize("role", [Role.EXPERT, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_other_roles_get_the_403_page_with_the_reason(client, rows, role):
    client.force_login(user_for_role(role))
    response = client.get(LIST)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="refusal-reason"' in html
    assert "查看各企业的项目申报" in html
    assert rows["pudong_big"].name not in html


def test_an_anonymous_visitor_is_sent_to_sign_in(client, rows):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- filters, search, sort --------------------------------------------------------------------
def test_filters_search_and_sort(client, rows, open_call, pudong, xuhui):
    client.force_login(user_for_role(Role.MUNICIPAL_HEAD))
    small, big, other = rows["pudong_small"].pk, rows["pudong_big"].pk, rows["xuhui"].pk
    withdrawn = rows["pudong_withdrawn"].pk
    assert get_ids(client, status="submitted", sort="requested_support") == [small, other, big]
    assert get_ids(client, status="submitted", sort="-requested_support") == [big, other, small]
    assert get_ids(client, status="withdrawn") == [withdrawn]
    assert get_ids(client, district="310104") == [other]
    assert get_ids(client, industry="39") == [other]
    assert get_ids(client, industry="C", status="submitted", sort="requested_support") == [small, other, big]
    direction = CatalogItem.objects.get(version_id=open_call.catalog_version_id, code="1.2")
    assert get_ids(client, direction=direction.pk) == [other]
    assert direction.parent_id is not None
    assert set(get_ids(client, direction=direction.parent_id)) == {small, big, other, withdrawn}
    assert set(get_ids(client, call=open_call.pk)) == {small, big, other, withdrawn}
    assert get_ids(client, duplicates="yes") == [big]
    assert big not in get_ids(client, duplicates="no")
    # search: project name, enterprise name, credit code (any case)
    assert get_ids(client, q="磨削") == [small]
    assert get_ids(client, q="徐汇芯片") == [other]
    assert get_ids(client, q=xuhui.credit_code.lower()) == [other]
    assert set(get_ids(client, q=pudong.credit_code)) == {small, big, withdrawn}
    # the reference number (printed on the ranking and the publicity list), whole or in part
    number = rows["xuhui"].reference_number
    assert number and number.startswith("JG2026-310104-")
    assert get_ids(client, q=number) == [other]
    assert get_ids(client, q=f" {number[-5:]} ") == [other]
    assert get_ids(client, q=number.lower()[:13]) == [other]
    assert set(get_ids(client, q="JG2026-310115")) == {small, big, withdrawn}


def test_the_amount_range_is_in_wan_yuan(client, rows):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    small, big, other = rows["pudong_small"].pk, rows["pudong_big"].pk, rows["xuhui"].pk
    # 120 万元, 800 万元, 350 万元 (and 50 万元 withdrawn)
    assert get_ids(client, min_wan="300", sort="requested_support") == [other, big]
    assert get_ids(client, max_wan="350", status="submitted", sort="requested_support") == [small, other]
    assert get_ids(client, min_wan="120", max_wan="350", sort="requested_support") == [small, other]
    assert get_ids(client, min_wan="120.01", max_wan="349.99") == []


def test_a_wrong_amount_range_says_so_and_is_not_applied(client, rows):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    response = client.get(LIST, {"min_wan": "500", "max_wan": "100", "status": "submitted"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "金额上限不能小于下限。" in html
    # the valid filters still apply; the wrong upper bound does not
    assert set(listed_ids(html)) == {rows["pudong_big"].pk}


def test_the_columns_of_a_row(client, rows):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    big = rows["pudong_big"]
    html = client.get(LIST, {"q": "数控机床"}).content.decode()
    row = html[html.index(f'data-application-id="{big.pk}"') :]
    row = row[: row.index("</tr>")]
    assert big.reference_number in row
    assert "数控机床智能工厂" in row
    assert "上海浦江精密机械有限公司" in row and big.enterprise.credit_code in row
    assert "浦东新区" in row
    assert "1.1 " in row  # the catalog direction
    assert "2,500.00" in row  # total investment in 万元
    assert "72.00%" in row  # fixed-asset share
    assert "800.00" in row  # requested support in 万元
    assert 'data-status="submitted"' in row and "已提交" in row
    assert "疑似重复" in row
    shanghai = timezone.localtime(big.submitted_at, dt.timezone(dt.timedelta(hours=8)))
    assert shanghai.strftime("%Y-%m-%d %H:%M") in row
    assert f'href="/applications/{big.pk}/review/"' in row


def test_pagination_shows_the_total_and_the_second_page(client, open_call, pudong):
    for index in range(23):
        make_application(pudong, open_call, requested=f"{index + 1}0000.00")
    client.force_login(user_for_role(Role.DISTRICT_HEAD, district_code="310115"))
    first = client.get(LIST, {"sort": "requested_support"}).content.decode()
    assert "共 23 份申报" in first
    assert "共 23 条，当前第 1–20 条" in first
    assert len(listed_ids(first)) == 20
    second = client.get(LIST, {"sort": "requested_support", "page": 2}).content.decode()
    assert "当前第 21–23 条" in second
    amounts = list(
        Application.objects.filter(pk__in=listed_ids(second))
        .order_by("requested_support")
        .values_list("requested_support", flat=True)
    )
    assert amounts == [Decimal("210000.00"), Decimal("220000.00"), Decimal("230000.00")]


def test_htmx_gets_the_results_only_with_the_sort_kept_in_the_form(client, rows):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    response = client.get(LIST, {"sort": "-requested_support", "status": "submitted"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="application-filter"' not in html
    assert listed_ids(html) == [rows["pudong_big"].pk, rows["xuhui"].pk, rows["pudong_small"].pk]
    assert 'id="id_sort" value="-requested_support" hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]
    # the export button carries the same filters, without the page
    assert "/applications/export/?sort=-requested_support&amp;status=submitted" in html
    full = client.get(LIST).content.decode()
    assert 'hx-push-url="true"' in full and 'hx-target="#application-results"' in full


# --- query count ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.MUNICIPAL_OFFICER, Role.DISTRICT_OFFICER])
def test_the_page_takes_as_many_queries_for_30_rows_as_for_3(client, open_call, pudong, role):
    client.force_login(user_for_role(role, district_code="310115"))

    def queries() -> tuple[int, list[int]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"status": "submitted", "sort": "-requested_support", "q": "JG2026"})
        assert response.status_code == 200
        return len(captured), listed_ids(response.content.decode())

    for _ in range(3):
        make_application(pudong, open_call)
    queries()  # the first request of a session loads more (session, user); measure the next ones
    few, ids = queries()
    assert len(ids) == 3
    others = [make_application(make_enterprise(), open_call) for _ in range(7)]
    for _ in range(20):
        make_application(pudong, open_call)
    many, ids = queries()
    assert len(ids) == 20  # one page of the 30
    assert others[0].enterprise_id != pudong.pk
    assert many == few


# --- navigation and to-do ---------------------------------------------------------------------
def test_the_navigation_has_the_item_for_officials_only(client, rows, pudong):
    client.force_login(user_for_role(Role.NDRC_VIEWER))
    html = client.get("/").content.decode()
    assert 'href="/applications/"' in html and "项目申报" in html
    client.force_login(user_for_role(Role.AUDITOR))
    assert 'href="/applications/"' not in client.get("/").content.decode()
