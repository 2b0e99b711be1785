"""REST endpoints of the enterprises app, mounted at /api/v1/enterprises by jigai/api.py.

Both endpoints read through :mod:`jigai.enterprises.selectors`, so each user sees the enterprises
of their scope only (own enterprise, own district, the whole city); an enterprise outside the
scope is a 404, never a 403, so its existence is not revealed.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.core.api_auth import api_user
from jigai.enterprises import selectors
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.reference.choices import EnterpriseSize

router = Router(tags=["enterprises"])

MAX_PAGE = 100


class CodeName(Schema):
    code: str
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    district: CodeName
    industry: CodeName
    size: str
    size_label: str
    status: str
    status_label: str
    employees: int
    operating_revenue: Decimal = Field(..., description="营业收入（万元）")

    @staticmethod
    def resolve_size_label(obj: Enterprise) -> str:
        return str(obj.get_size_display())

    @staticmethod
    def resolve_status_label(obj: Enterprise) -> str:
        return str(obj.get_status_display())


class EnterpriseDetailOut(EnterpriseOut):
    organisation_id: int
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    created_at: datetime


class EnterpriseFilters(Schema):
    district: str | None = Field(None, max_length=6, description="区代码，如 310115")
    industry: str | None = Field(
        None, max_length=5, description="行业：门类字母（如 C）或大类代码（如 34），含其下级"
    )
    size: EnterpriseSize | None = None
    status: EnterpriseStatus | None = None
    q: str | None = Field(None, max_length=100, description="企业名称包含，或统一社会信用代码")


@router.get("", response=list[EnterpriseOut], summary="企业（按用户可见范围，按名称排序）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilters]) -> Any:
    return selectors.enterprise_list(
        actor=api_user(request),
        district=filters.district,
        industry=filters.industry,
        size=filters.size,
        status=filters.status,
        q=filters.q,
    )


@router.get("/{enterprise_id}", response=EnterpriseDetailOut, summary="企业详情")
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.enterprise_get(actor=api_user(request), pk=enterprise_id)
