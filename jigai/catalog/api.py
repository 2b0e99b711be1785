"""REST endpoints of the catalog app, mounted at /api/v1/catalog by jigai/api.py.

Reads are public (published and superseded versions; drafts only for the commission's officers
and heads, who may sign in with a session or a token); writes are the services of
:mod:`jigai.catalog.services`, with their permission checks (403 with the reason) and validation
(422, the Excel import with one detail per failing row).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jigai.catalog import selectors, services
from jigai.catalog.choices import CatalogItemKind, CatalogStatus, SixIzations
from jigai.catalog.defaults import default_catalog_items
from jigai.catalog.excel import XLSX_CONTENT_TYPE
from jigai.catalog.models import CatalogVersion
from jigai.core.api_auth import ApiTokenAuth, SessionAuth, api_user
from jigai.core.permissions import require

router = Router(tags=["catalog"])


def _anonymous(request: HttpRequest) -> AnonymousUser:
    """Public reads: a visitor who is not signed in reads as anonymous (never a 401)."""
    return AnonymousUser()


#: signed-in users read with their own rights (drafts for the commission), anyone else anonymously
PUBLIC_READ = [ApiTokenAuth(), SessionAuth(), _anonymous]


def reader(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or AnonymousUser()


# --- Schemas ----------------------------------------------------------------------------------
class IndustryRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    id: int
    code: str
    name: str
    kind: CatalogItemKind
    group: str = Field(
        description="六化归类：intelligent 智能化、high_end 高端化、cluster 集群化、service 服务化、"
        "quality 品质化、green 绿色化；空表示未归类"
    )
    group_label: str
    description: str
    industries: list[IndustryRef]


class FieldOut(ItemOut):
    directions: list[ItemOut]


class VersionOut(Schema):
    id: int
    year: int
    title: str
    status: CatalogStatus
    status_label: str
    note: str
    field_count: int
    direction_count: int
    supersedes_id: int | None
    created_at: datetime
    published_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: CatalogVersion) -> str:
        return str(obj.get_status_display())


class VersionDetailOut(VersionOut):
    fields: list[FieldOut] = Field(description="支持领域，各含其支持方向")

    @staticmethod
    def resolve_fields(obj: CatalogVersion) -> list[Any]:
        return list(selectors.catalog_tree(version=obj))


class VersionFilters(Schema):
    status: CatalogStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class VersionCreateIn(Schema):
    year: int = Field(..., description="年度")
    title: str = Field(..., max_length=200)
    note: str = Field("", max_length=2000)
    from_defaults: bool = Field(False, description="以政策支持方向（默认目录）为基础起草")


class VersionUpdateIn(Schema):
    year: int | None = None
    title: str = Field(..., max_length=200)
    note: str = Field("", max_length=2000)


class CopyIn(Schema):
    year: int | None = Field(None, description="新草稿的年度（默认同原版本）")
    title: str = Field("", max_length=200)


class ItemIn(Schema):
    code: str = Field(..., max_length=20, description="编号，在本版本中唯一")
    name: str = Field(..., max_length=200)
    kind: CatalogItemKind
    parent_code: str = Field("", max_length=20, description="支持方向所属支持领域的编号；支持领域为空")
    group: SixIzations | None = None
    description: str = Field("", max_length=2000)
    industry_codes: list[str] = Field(default_factory=list, description="国民经济行业分类代码")


class ImportOut(Schema):
    imported: int


def _fresh(request: HttpRequest, version: CatalogVersion) -> CatalogVersion:
    return selectors.catalog_version_get(actor=reader(request), pk=version.pk)


# --- Reads ------------------------------------------------------------------------------------
@router.get(
    "/versions",
    response=list[VersionOut],
    auth=PUBLIC_READ,
    summary="支持目录版本（公开；草稿仅市经信委可见）",
)
def version_list(request: HttpRequest, filters: Query[VersionFilters]) -> Any:
    return selectors.catalog_version_list(actor=reader(request), status=filters.status, year=filters.year)


@router.get(
    "/versions/{version_id}",
    response=VersionDetailOut,
    auth=PUBLIC_READ,
    summary="支持目录版本详情（含支持领域和支持方向树）",
)
def version_detail(request: HttpRequest, version_id: int) -> Any:
    return selectors.catalog_version_get(actor=reader(request), pk=version_id)


@router.get("/versions/{version_id}/export", auth=PUBLIC_READ, summary="导出为 Excel（.xlsx）")
def version_export(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.catalog_version_get(actor=reader(request), pk=version_id)
    response = HttpResponse(services.catalog_version_export(version=version), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="catalog-{version.year}-{version.pk}.xlsx"'
    return response


# --- Writes -----------------------------------------------------------------------------------
@router.post("/versions", response={201: VersionDetailOut}, summary="起草目录版本（市经信委经办人）")
def version_create(request: HttpRequest, payload: VersionCreateIn) -> Any:
    version = services.catalog_version_create(
        actor=api_user(request),
        year=payload.year,
        title=payload.title,
        note=payload.note,
        rows=default_catalog_items() if payload.from_defaults else None,
    )
    return Status(201, (_fresh(request, version)))


@router.patch("/versions/{version_id}", response=VersionDetailOut, summary="修改草稿的名称、年度和说明")
def version_update(request: HttpRequest, version_id: int, payload: VersionUpdateIn) -> Any:
    version = selectors.catalog_version_get(actor=api_user(request), pk=version_id)
    services.catalog_version_update(
        actor=api_user(request), version=version, title=payload.title, note=payload.note, year=payload.year
    )
    return _fresh(request, version)


@router.post(
    "/versions/{version_id}/publish",
    response=VersionDetailOut,
    summary="发布目录版本（市经信委负责人；替代同年度已发布版本）",
)
def version_publish(request: HttpRequest, version_id: int) -> Any:
    version = selectors.catalog_version_get(actor=api_user(request), pk=version_id)
    services.catalog_version_publish(actor=api_user(request), version=version)
    return _fresh(request, version)


@router.post(
    "/versions/{version_id}/copy",
    response={201: VersionDetailOut},
    summary="复制已发布版本为新草稿（市经信委经办人）",
)
def version_copy(request: HttpRequest, version_id: int, payload: CopyIn) -> Any:
    version = selectors.catalog_version_get(actor=api_user(request), pk=version_id)
    copy = services.catalog_version_copy(
        actor=api_user(request), version=version, year=payload.year, title=payload.title
    )
    return Status(201, (_fresh(request, copy)))


@router.post(
    "/versions/{version_id}/import",
    response=ImportOut,
    summary="从 Excel 导入（替换草稿的全部条目；任何一行有误则不导入）",
)
def version_import(request: HttpRequest, version_id: int, file: File[UploadedFile | None] = None) -> Any:
    actor = api_user(request)
    version = selectors.catalog_version_get(actor=actor, pk=version_id)
    # The file is optional in the signature so that a refusal (403) comes before "file missing".
    require(services.can_edit_catalog_version(actor, version), "catalog.version.import")
    if file is None:
        raise ValidationError({"file": _("请上传 Excel 工作簿（.xlsx）。")})
    count = services.catalog_version_import(actor=actor, version=version, file=file)
    return {"imported": count}


def _item_kwargs(payload: ItemIn) -> dict[str, Any]:
    return {
        "code": payload.code,
        "name": payload.name,
        "kind": payload.kind,
        "parent_code": payload.parent_code,
        "group": payload.group or "",
        "description": payload.description,
        "industry_codes": payload.industry_codes,
    }


@router.post("/versions/{version_id}/items", response={201: ItemOut}, summary="向草稿添加条目")
def item_add(request: HttpRequest, version_id: int, payload: ItemIn) -> Any:
    version = selectors.catalog_version_get(actor=api_user(request), pk=version_id)
    return Status(
        201, services.catalog_item_add(actor=api_user(request), version=version, **_item_kwargs(payload))
    )


@router.put("/versions/{version_id}/items/{item_id}", response=ItemOut, summary="修改草稿中的条目")
def item_update(request: HttpRequest, version_id: int, item_id: int, payload: ItemIn) -> Any:
    item = selectors.catalog_item_get(actor=api_user(request), version_pk=version_id, pk=item_id)
    return services.catalog_item_update(actor=api_user(request), item=item, **_item_kwargs(payload))


@router.delete("/versions/{version_id}/items/{item_id}", response={204: None}, summary="删除草稿中的条目")
def item_remove(request: HttpRequest, version_id: int, item_id: int) -> Any:
    item = selectors.catalog_item_get(actor=api_user(request), version_pk=version_id, pk=item_id)
    services.catalog_item_remove(actor=api_user(request), item=item)
    return Status(204, None)
