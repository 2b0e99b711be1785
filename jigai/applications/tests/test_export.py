"""The Excel export of the officials' list: the page button /applications/export/ and the API
GET /api/v1/applications/export, with the list's filters, the user's scope, neutralised formulas,
money as numbers, the file name, the audit event and a flat query count."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.exports import safe_text
from jigai.applications.models import Application
from jigai.applications.tests.conftest import make_enterprise
from jigai.applications.tests.test_official_list import make_application
from jigai.audit.models import AuditEvent
from jigai.calls.models import Call
from jigai.core.testing.factories import user_for_role
from jigai.enterprises.models import Enterprise

PAGE = "/applications/export/"
API = "/api/v1/applications/export"
HEADER = [
    "申报编号",
    "申报通知",
    "项目名称",
    "投资项目代码",
    "企业名称",
    "统一社会信用代码",
    "所属区",
    "所属行业",
    "支持方向",
    "总投资（元）",
    "总投资（万元）",
    "固定资产投资（元）",
    "固定资产投资占比",
    "申请支持金额（元）",
    "申请支持金额（万元）",
    "状态",
    "疑似重复",
    "提交时间（北京时间）",
]


def read(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_dicts(table: list[list[Any]]) -> list[dict[str, Any]]:
    header, *body = table
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture
def pudong(db: Any) -> Enterprise:
    return make_enterprise(name="上海浦江精密机械有限公司", district_code="310115")


@pytest.fixture
def xuhui(db: Any) -> Enterprise:
    return make_enterprise(name="上海徐汇芯片封装有限公司", district_code="310104", industry_id="39")


@pytest.fixture
def formula(open_call: Call, pudong: Enterprise) -> Application:
    return make_application(
        pudong,
        open_call,
        name="=1+1",
        project_code="2026-310115-34-03-000011",
        total="23456789.12",
        requested="2345678.91",
        fixed_asset_share=Decimal("0.723456"),
        has_duplicate_flags=True,
        submitted_at=dt.datetime(2026, 1, 25, 2, 30, 5, tzinfo=dt.UTC),
    )


def test_the_workbook_has_chinese_headers_numbers_and_neutralised_formulas(client, formula, xuhui, open_call):
    make_application(xuhui, open_call, name="@SUM(A1:A9)")
    make_application(xuhui, open_call, name="-2+3")
    make_application(xuhui, open_call, name="+cmd|' /C calc'!A0")
    make_application(xuhui, open_call, name="\tHYPERLINK(1)")
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    table = read(client.get(PAGE, {"sort": "submitted_at"}))
    assert table[0] == HEADER
    rows = {row["投资项目代码"]: row for row in as_dicts(table)}
    row = rows["2026-310115-34-03-000011"]
    assert row["项目名称"] == "'=1+1"  # shown as text, never evaluated
    assert row["申报编号"] == formula.reference_number
    assert row["申报通知"] == open_call.title
    assert row["企业名称"] == "上海浦江精密机械有限公司"
    assert row["统一社会信用代码"] == formula.enterprise.credit_code
    assert row["所属区"] == "浦东新区"
    assert row["所属行业"] == "34 通用设备制造业"
    assert row["支持方向"].startswith("1.1 ")
    assert row["总投资（元）"] == pytest.approx(23456789.12)
    assert row["总投资（万元）"] == pytest.approx(2345.678912)
    assert row["申请支持金额（元）"] == pytest.approx(2345678.91)
    assert row["申请支持金额（万元）"] == pytest.approx(234.567891)
    assert row["固定资产投资占比"] == pytest.approx(0.723456)
    assert row["状态"] == "已提交"
    assert row["疑似重复"] == "是"
    assert row["提交时间（北京时间）"] == dt.datetime(2026, 1, 25, 10, 30, 5)  # UTC+8
    names = {r["项目名称"] for r in rows.values()}
    assert {"'@SUM(A1:A9)", "'-2+3", "'+cmd|' /C calc'!A0", "'\tHYPERLINK(1)"} <= names
    # the number formats: two decimals for money, a percentage for the share
    sheet = load_workbook(io.BytesIO(b"".join(client.get(PAGE).streaming_content))).active
    header = [c.value for c in sheet[1]]
    data_row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("项目名称")].value == "'=1+1")
    assert data_row[header.index("项目名称")].data_type == "s"
    assert data_row[header.index("总投资（元）")].number_format == "#,##0.00"
    assert data_row[header.index("总投资（万元）")].number_format == "#,##0.00"
    assert data_row[header.index("固定资产投资占比")].number_format == "0.00%"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("智能工厂 = 1 + 1", "智能工厂 = 1 + 1"),
        ("bad\x00\x07name", "badname"),
        (None, ""),
    ],
)
def test_safe_text(text, safe):
    assert safe_text(text) == safe


def test_the_file_name_is_dated_in_beijing_time(client, formula):
    client.force_login(user_for_role(Role.MUNICIPAL_HEAD))
    response = client.get(PAGE)
    disposition = response["Content-Disposition"]
    match = re.fullmatch(
        r"attachment; filename=\"applications_(\d{8}_\d{4})\.xlsx\"; filename\*=UTF-8''(\S+)", disposition
    )
    assert match, disposition
    stamp = match.group(1)
    assert unquote(match.group(2)) == f"项目申报_{stamp}.xlsx"
    assert match.group(2) == quote(f"项目申报_{stamp}.xlsx", safe="")
    beijing = dt.timezone(dt.timedelta(hours=8))
    stamped = dt.datetime.strptime(stamp, "%Y%m%d_%H%M").replace(tzinfo=beijing)
    assert abs(stamped - timezone.now()) < dt.timedelta(minutes=2)
    assert response["Cache-Control"] == "private, no-store"


def test_a_district_officers_export_contains_only_its_district(client, formula, xuhui, open_call):
    make_application(xuhui, open_call, name="徐汇项目")
    make_application(formula.enterprise, open_call, status=ApplicationStatus.DRAFT, name="浦东草稿")
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))
    for response in (client.get(PAGE), client.get(API), client.get(PAGE, {"district": "310104"})):
        rows = as_dicts(read(response))
        assert [r["项目名称"] for r in rows] == ["'=1+1"]
        assert {r["所属区"] for r in rows} == {"浦东新区"}
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310104"))
    assert [r["项目名称"] for r in as_dicts(read(client.get(API)))] == ["徐汇项目"]


def test_the_export_applies_the_lists_filters(client, formula, xuhui, pudong, open_call):
    make_application(xuhui, open_call, name="芯片封装测试线", requested="9000000.00")
    make_application(pudong, open_call, name="已撤回项目", status=ApplicationStatus.WITHDRAWN)
    client.force_login(user_for_role(Role.SUPERVISOR))

    def names(path: str, **params: Any) -> list[str]:
        return [r["项目名称"] for r in as_dicts(read(client.get(path, params)))]

    assert names(PAGE, q=xuhui.credit_code) == ["芯片封装测试线"]
    assert names(API, q=xuhui.credit_code.lower()) == ["芯片封装测试线"]
    assert names(PAGE, min_wan="500") == ["芯片封装测试线"]  # 万元 on the page
    assert names(API, amount_min="5000000") == ["芯片封装测试线"]  # yuan in the API, as its list
    assert names(PAGE, status="withdrawn") == ["已撤回项目"]
    assert names(PAGE, duplicates="yes") == ["'=1+1"]
    assert names(API, has_duplicate_flags="true") == ["'=1+1"]
    assert names(PAGE, district="310104") == ["芯片封装测试线"]
    assert names(API, status="submitted", sort="-requested_support") == ["芯片封装测试线", "'=1+1"]


def test_every_export_is_audited_with_its_filters_and_row_count(client, formula, xuhui, open_call):
    make_application(xuhui, open_call)
    officer = user_for_role(Role.MUNICIPAL_OFFICER)
    client.force_login(officer)
    read(client.get(PAGE, {"district": "310104", "min_wan": "100"}))
    event = AuditEvent.objects.filter(action="application.export").latest("seq")
    assert event.actor_id == officer.pk
    assert event.channel == "web"
    assert event.changes["rows"] == 1
    assert event.changes["filters"]["district"] == "310104"
    assert Decimal(event.changes["filters"]["amount_min"]) == Decimal("1000000")
    assert "共 1 条" in event.message
    read(client.get(API, {"q": "=1+1"}))
    event = AuditEvent.objects.filter(action="application.export").latest("seq")
    assert event.channel == "api"
    assert event.changes["rows"] == 1
    assert event.changes["filters"]["q"] == "=1+1"
    assert AuditEvent.objects.filter(action="application.export").count() == 2


def test_a_wrong_filter_on_the_page_is_sent_back_to_the_list(client, formula):
    client.force_login(user_for_role(Role.MUNICIPAL_OFFICER))
    response = client.get(PAGE, {"min_wan": "-5"})
    assert response.status_code == 302
    assert response["Location"] == "/applications/?min_wan=-5"
    html = client.get(response["Location"]).content.decode()
    assert "筛选条件有误，请更正后再导出。" in html
    assert not AuditEvent.objects.filter(action="application.export").exists()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR])
def test_administrators_cannot_export(client, formula, role):
    client.force_login(user_for_role(role))
    response = client.get(API)
    assert response.status_code == 403
    assert "三员分立" in response.json()["message"]
    page = client.get(PAGE)
    assert page.status_code == 403
    assert formula.enterprise.name not in page.content.decode()


def test_an_expert_cannot_use_the_page_export(client, formula):
    client.force_login(user_for_role(Role.EXPERT))
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("path", [PAGE, API])
def test_the_export_takes_as_many_queries_for_30_rows_as_for_3(client, open_call, pudong, path):
    client.force_login(user_for_role(Role.DISTRICT_OFFICER, district_code="310115"))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"status": "submitted"})
            table = read(response)
        return len(captured), len(table) - 1

    for _ in range(3):
        make_application(pudong, open_call)
    queries()  # the first request of a session loads more (session, user); measure the next ones
    few, count = queries()
    assert count == 3
    for _ in range(27):
        make_application(make_enterprise(), open_call)
    many, count = queries()
    assert count == 30
    assert many == few
