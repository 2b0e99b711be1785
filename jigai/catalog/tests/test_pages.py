"""The catalog pages: public tree, drafts hidden, the officer's editing and the publish button."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from jigai.accounts.choices import Role
from jigai.catalog import services
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.excel import HEADER
from jigai.catalog.models import CatalogVersion
from jigai.core.testing.factories import draft_catalog, municipal_user, published_catalog, user_for_role

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_the_published_tree_without_login(client):
    published_catalog()
    draft_catalog(year=2027, title="2027年目录（征求意见稿）")
    response = client.get("/catalog/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年上海市重点技术改造支持目录" in html
    assert "智能工厂和数字化车间建设" in html
    assert "智能化" in html
    assert "征求意见稿" not in html


def test_a_draft_is_not_found_for_the_public_and_enterprises(client):
    draft = draft_catalog(year=2027)
    assert client.get(f"/catalog/{draft.pk}/").status_code == 404
    client.force_login(user_for_role(Role.ENTERPRISE))
    assert client.get(f"/catalog/{draft.pk}/").status_code == 404
    assert client.get(f"/catalog/{draft.pk}/export.xlsx").status_code == 404


def test_the_officer_sees_drafts_and_creates_one_from_the_defaults(client):
    client.force_login(municipal_user())
    response = client.post(
        "/catalog/new/", {"year": 2027, "title": "2027年支持目录", "note": "", "start": "defaults"}
    )
    version = CatalogVersion.objects.get(title="2027年支持目录")
    assert response.status_code == 302 and response["Location"] == f"/catalog/{version.pk}/"
    assert version.items.count() == 44
    html = client.get("/catalog/").content.decode()
    assert "2027年支持目录" in html


def test_bad_input_keeps_what_was_typed(client):
    client.force_login(municipal_user())
    response = client.post("/catalog/new/", {"year": 1899, "title": "我的目录", "start": "empty"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "年度须在 2000 至 2100 之间。" in html
    assert 'value="我的目录"' in html
    assert not CatalogVersion.objects.exists()


def test_adding_an_item_with_a_wrong_parent_shows_the_message(client):
    version = draft_catalog(year=2027)
    client.force_login(municipal_user())
    response = client.post(
        f"/catalog/{version.pk}/items/new/",
        {
            "kind": "direction",
            "code": "1.9",
            "parent_code": "",
            "name": "新方向",
            "group": "",
        },
    )
    assert response.status_code == 200
    assert "支持方向须填写上级编号（所属支持领域）。" in response.content.decode()
    response = client.post(
        f"/catalog/{version.pk}/items/new/",
        {
            "kind": "direction",
            "code": "1.9",
            "parent_code": "1",
            "name": "新方向",
            "group": "green",
            "industry_codes": ["34"],
        },
    )
    assert response.status_code == 302
    assert version.items.get(code="1.9").parent_code == "1"


def test_the_publish_button_is_disabled_with_the_reason(client):
    officer = municipal_user()
    empty = services.catalog_version_create(actor=officer, year=2027, title="空目录")
    client.force_login(officer)
    html = client.get(f"/catalog/{empty.pk}/").content.decode()
    assert "只有市经信委负责人可以发布支持目录。" in html
    assert "disabled" in html
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    html = client.get(f"/catalog/{empty.pk}/").content.decode()
    assert "目录中还没有任何支持方向，不能发布。" in html


def test_the_head_publishes_from_the_page(client):
    version = draft_catalog(year=2027)
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    response = client.post(f"/catalog/{version.pk}/publish/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == CatalogStatus.PUBLISHED


def test_the_officer_cannot_publish_and_sees_why(client):
    version = draft_catalog(year=2027)
    client.force_login(municipal_user())
    response = client.post(f"/catalog/{version.pk}/publish/")
    assert response.status_code == 403
    assert "只有市经信委负责人可以发布支持目录。" in response.content.decode()
    version.refresh_from_db()
    assert version.status == CatalogStatus.DRAFT


def test_import_page_lists_row_errors_and_saves_nothing(client):
    version = draft_catalog(year=2027)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["1", None, "支持领域", "装备", None, None, None])
    for n in range(4):
        ws.append([f"1.{n}", "1", "支持方向", f"方向{n}", None, None, None])
    ws.append(["2.1", "9", "支持方向", "错误", None, None, None])  # row 7
    data = io.BytesIO()
    wb.save(data)
    upload = io.BytesIO(data.getvalue())
    upload.name = "catalog.xlsx"
    client.force_login(municipal_user())
    response = client.post(f"/catalog/{version.pk}/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "第 7 行：上级编号 9 不存在" in html
    assert "未导入任何条目" in html
    assert version.items.count() == 44


def test_export_downloads_a_workbook(client):
    version = published_catalog()
    response = client.get(f"/catalog/{version.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_version_breadcrumb_names_the_catalog_not_a_bare_year(client):
    version = published_catalog()
    html = client.get(f"/catalog/{version.pk}/").content.decode()
    crumb = html[html.index('class="breadcrumb-item active"') :].split("</li>")[0]
    assert f"{version.year} 年度支持目录" in crumb
