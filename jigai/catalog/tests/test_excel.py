"""Excel import and export of a catalog version."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.catalog import services
from jigai.catalog.excel import HEADER
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import draft_catalog, municipal_user, published_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return municipal_user(Role.MUNICIPAL_OFFICER)


def workbook(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "支持目录"
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def new_draft(officer, year=2027):
    return services.catalog_version_create(actor=officer, year=year, title=f"{year}年目录")


def test_export_has_the_columns_and_one_row_per_item():
    version = published_catalog()
    data = services.catalog_version_export(version=version)
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == ["编号", "上级编号", "类别", "名称", "六化归类", "行业代码", "说明"]
    assert len(rows) - 1 == version.items.count()
    assert rows[1][:5] == ("1", None, "支持领域", "装备升级换代", "高端化")
    robots = next(r for r in rows if r[3] == "工业机器人应用")
    assert robots[:6] == ("1.2", "1", "支持方向", "工业机器人应用", "智能化", "33,34,36,38,39")


def test_round_trip_export_then_import_into_a_new_draft_gives_the_same_tree(officer):
    source = published_catalog()
    data = services.catalog_version_export(version=source)
    target = new_draft(officer)
    count = services.catalog_version_import(actor=officer, version=target, file=io.BytesIO(data))
    assert count == source.items.count()
    assert services.version_rows(target) == services.version_rows(source)
    assert AuditEvent.objects.filter(action="catalog.version.import", object_id=str(target.pk)).exists()


def test_import_replaces_the_items_of_the_draft(officer):
    target = draft_catalog(year=2027)
    file = workbook(
        [
            ["A", None, "支持领域", "智能制造", "智能化", None, None],
            ["A.1", "A", "支持方向", "智能工厂", "智能化", "34，35", "说明"],
        ]
    )
    assert services.catalog_version_import(actor=officer, version=target, file=file) == 2
    assert list(target.items.values_list("code", flat=True).order_by("code")) == ["A", "A.1"]
    assert sorted(target.items.get(code="A.1").industries.values_list("code", flat=True)) == ["34", "35"]


def test_numbers_typed_in_excel_are_read_as_codes(officer):
    target = new_draft(officer)
    file = workbook(
        [
            [9, None, "支持领域", "节能减排", "绿色化", None, None],
            [9.1, 9, "支持方向", "节能改造", "绿色化", 26, None],
        ]
    )
    services.catalog_version_import(actor=officer, version=target, file=file)
    direction = target.items.get(code="9.1")
    assert direction.parent_code == "9"
    assert list(direction.industries.values_list("code", flat=True)) == ["26"]


def test_every_failing_row_is_reported_and_nothing_is_imported(officer):
    target = draft_catalog(year=2027)
    before = services.version_rows(target)
    file = workbook(
        [
            ["1", None, "支持领域", "装备升级换代", "高端化", None, None],  # row 2: fine
            ["1.1", "1", "支持方向", "高端数控装备升级", "高端化", "34", None],  # row 3: fine
            ["1.1", "1", "支持方向", "重复编号", None, None, None],  # row 4
            ["2.1", "2", "支持方向", "无上级", None, None, None],  # row 5
            ["3", None, "支持领域", None, None, None, None],  # row 6
            ["1.2", "9", "支持方向", "上级不存在", "数字化", "34,98", None],  # row 7
            ["4", None, "大类", "类别不对", None, None, None],  # row 8
        ]
    )
    with pytest.raises(ValidationError) as error:
        services.catalog_version_import(actor=officer, version=target, file=file)
    assert error.value.messages == [
        "第 4 行：编号 1.1 重复（已用于“高端数控装备升级”）",
        "第 5 行：上级编号 2 不存在",
        "第 6 行：名称不能为空",
        "第 7 行：上级编号 9 不存在",
        "第 7 行：六化归类应为智能化、高端化、集群化、服务化、品质化、绿色化之一，或留空",
        "第 7 行：行业代码 98 不存在",
        "第 8 行：类别应为“支持领域”或“支持方向”",
    ]
    assert services.version_rows(target) == before
    assert not AuditEvent.objects.filter(action="catalog.version.import").exists()


def test_empty_rows_keep_their_row_numbers(officer):
    target = new_draft(officer)
    file = workbook(
        [
            ["1", None, "支持领域", "装备", None, None, None],
            [None] * 7,
            ["1.1", "7", "支持方向", "机器人", None, None, None],
        ]
    )
    with pytest.raises(ValidationError) as error:
        services.catalog_version_import(actor=officer, version=target, file=file)
    assert error.value.messages == ["第 4 行：上级编号 7 不存在"]


def test_a_wrong_header_or_not_a_workbook_is_refused(officer):
    target = new_draft(officer)
    with pytest.raises(ValidationError) as error:
        services.catalog_version_import(
            actor=officer, version=target, file=workbook([["1"]], header=["代码", "名称"])
        )
    assert error.value.messages == [
        "第 1 行：表头应为“编号、上级编号、类别、名称、六化归类、行业代码、说明”。"
    ]
    with pytest.raises(ValidationError) as error:
        services.catalog_version_import(actor=officer, version=target, file=io.BytesIO(b"%PDF-1.4 not excel"))
    assert error.value.messages == ["文件不是有效的 Excel 工作簿（.xlsx），请使用导出的模板填写。"]
    with pytest.raises(ValidationError) as error:
        services.catalog_version_import(actor=officer, version=target, file=workbook([]))
    assert error.value.messages == ["工作簿中没有任何条目。"]
    assert target.items.count() == 0


def test_a_published_version_cannot_be_imported_into(officer):
    version = published_catalog()
    data = services.catalog_version_export(version=version)
    with pytest.raises(PermissionRefused):
        services.catalog_version_import(actor=officer, version=version, file=io.BytesIO(data))
