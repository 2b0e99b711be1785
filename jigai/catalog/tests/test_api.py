"""The catalog API: the public tree, drafts for the commission only, officer actions and errors."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jigai.accounts.choices import Role
from jigai.accounts.services import api_token_create
from jigai.catalog import services
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.models import CatalogVersion
from jigai.core.testing.factories import draft_catalog, municipal_user, published_catalog

pytestmark = pytest.mark.django_db


def test_the_tree_is_public(client):
    version = published_catalog()
    body = client.get(f"/api/v1/catalog/versions/{version.pk}").json()
    assert body["status"] == "published"
    assert body["field_count"] == 11 and body["direction_count"] == 33
    first = body["fields"][0]
    assert (first["code"], first["name"], first["group_label"]) == ("1", "装备升级换代", "高端化")
    assert [d["code"] for d in first["directions"]] == ["1.1", "1.2", "1.3", "1.4"]
    assert first["directions"][0]["industries"] == [
        {"code": "34", "name": "通用设备制造业"},
        {"code": "35", "name": "专用设备制造业"},
    ]


def test_drafts_are_listed_for_the_commission_only_also_with_a_token(client):
    published_catalog()
    draft = draft_catalog(year=2027)
    anonymous = client.get("/api/v1/catalog/versions").json()
    assert [v["status"] for v in anonymous] == ["published"]
    assert client.get(f"/api/v1/catalog/versions/{draft.pk}").status_code == 404
    _token, raw = api_token_create(actor=municipal_user(Role.MUNICIPAL_HEAD), name="对接")
    listed = client.get("/api/v1/catalog/versions", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert {v["status"] for v in listed} == {"published", "draft"}
    assert (
        client.get(f"/api/v1/catalog/versions/{draft.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        == 200
    )


def test_the_officer_drafts_edits_and_the_head_publishes(client):
    client.force_login(municipal_user())
    created = client.post(
        "/api/v1/catalog/versions", {"year": 2027, "title": "2027年目录"}, content_type="application/json"
    )
    assert created.status_code == 201
    version_id = created.json()["id"]
    field = client.post(
        f"/api/v1/catalog/versions/{version_id}/items",
        {"code": "1", "name": "智能制造", "kind": "field", "group": "intelligent"},
        content_type="application/json",
    )
    assert field.status_code == 201, field.content
    direction = client.post(
        f"/api/v1/catalog/versions/{version_id}/items",
        {"code": "1.1", "name": "智能工厂", "kind": "direction", "parent_code": "1"},
        content_type="application/json",
    )
    assert direction.status_code == 201
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    published = client.post(f"/api/v1/catalog/versions/{version_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"


def test_item_errors_are_422_with_the_field(client):
    version = draft_catalog(year=2027)
    client.force_login(municipal_user())
    response = client.post(
        f"/api/v1/catalog/versions/{version.pk}/items",
        {"code": "1.1", "name": "重复", "kind": "direction", "parent_code": "99"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"field": "parent_code", "message": "上级编号 99 不存在。"} in body["details"]
    assert {"field": "code", "message": "编号 1.1 重复（已用于“高端数控装备升级”）。"} in body["details"]


def test_publishing_refusals_say_why(client):
    officer = municipal_user()
    empty = services.catalog_version_create(actor=officer, year=2027, title="空目录")
    client.force_login(officer)
    refused = client.post(f"/api/v1/catalog/versions/{empty.pk}/publish")
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有市经信委负责人可以发布支持目录。"
    client.force_login(municipal_user(Role.MUNICIPAL_HEAD))
    empty_refused = client.post(f"/api/v1/catalog/versions/{empty.pk}/publish")
    assert empty_refused.status_code == 422
    assert empty_refused.json()["message"] == "目录中还没有任何支持方向，不能发布。"
    empty.refresh_from_db()
    assert empty.status == CatalogStatus.DRAFT


def test_import_through_the_api_round_trips_and_reports_rows(client):
    source = published_catalog()
    target = services.catalog_version_create(actor=municipal_user(), year=2027, title="2027年目录")
    client.force_login(municipal_user())
    data = services.catalog_version_export(version=source)
    upload = io.BytesIO(data)
    upload.name = "catalog.xlsx"
    response = client.post(f"/api/v1/catalog/versions/{target.pk}/import", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 44}
    assert services.version_rows(target) == services.version_rows(source)

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb.active["B8"] = "99"  # row 8 (2.1): a direction whose parent does not exist
    broken = io.BytesIO()
    wb.save(broken)
    broken.seek(0)
    broken.name = "broken.xlsx"
    other = services.catalog_version_create(actor=municipal_user(), year=2028, title="2028年目录")
    response = client.post(f"/api/v1/catalog/versions/{other.pk}/import", {"file": broken})
    assert response.status_code == 422
    assert {"field": None, "message": "第 8 行：上级编号 99 不存在"} in response.json()["details"]
    assert other.items.count() == 0


def test_copy_of_a_published_version_through_the_api(client):
    source = published_catalog()
    client.force_login(municipal_user())
    response = client.post(
        f"/api/v1/catalog/versions/{source.pk}/copy", {"year": 2027}, content_type="application/json"
    )
    assert response.status_code == 201
    copy = CatalogVersion.objects.get(pk=response.json()["id"])
    assert copy.status == CatalogStatus.DRAFT and copy.year == 2027
    assert copy.items.count() == source.items.count()


def test_query_count_of_the_version_detail_does_not_grow_with_the_tree(client):
    small = services.catalog_version_create(actor=municipal_user(), year=2027, title="小目录")
    services.catalog_item_add(actor=municipal_user(), version=small, code="1", name="领域", kind="field")
    services.catalog_item_add(
        actor=municipal_user(),
        version=small,
        code="1.1",
        name="方向",
        kind="direction",
        parent_code="1",
        industry_codes=["34"],
    )
    large = draft_catalog(year=2028)
    client.force_login(municipal_user())
    client.get(f"/api/v1/catalog/versions/{small.pk}")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/catalog/versions/{small.pk}").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/api/v1/catalog/versions/{large.pk}").status_code == 200
    assert len(many) == len(few)
