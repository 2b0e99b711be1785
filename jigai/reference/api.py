"""REST endpoints of the reference app, mounted at /api/v1/reference by jigai/api.py.

Public (``auth=None``): districts, industries, the credit-code and project-code checks and the
enterprise size. Officials only: credit-code exceptions (district and municipal officers and
heads), read through :func:`jigai.reference.selectors.credit_code_exception_list` and written
through :func:`jigai.enterprises.services.credit_code_exception_accept`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.core.api_auth import api_user
from jigai.core.permissions import require
from jigai.enterprises.models import CreditCodeException
from jigai.enterprises.services import can_manage_credit_code_exceptions, credit_code_exception_accept
from jigai.reference import selectors
from jigai.reference.choices import EnterpriseSize, IndustryLevel
from jigai.reference.codes import CodeCheck, check_credit_code, check_project_code
from jigai.reference.models import Industry
from jigai.reference.sizes import explain_enterprise_size

router = Router(tags=["reference"])

MAX_PAGE = 100


# --- Schemas ----------------------------------------------------------------------------------
class DistrictOut(Schema):
    code: str = Field(description="GB/T 2260 行政区划代码")
    name: str
    name_en: str


class IndustryOut(Schema):
    code: str = Field(description="GB/T 4754-2017 行业代码（门类字母、大类两位、中类三位或小类四位数字）")
    name: str
    name_en: str = Field(description="英文名称（门类和大类）")
    level: IndustryLevel
    parent: str | None = Field(None, description="上级代码（门类为 null）")
    is_industrial: bool = Field(description="属于工业（门类 B、C、D）")

    @staticmethod
    def resolve_parent(obj: Industry) -> str | None:
        return obj.parent_id


class IndustryFilters(Schema):
    level: IndustryLevel | None = Field(
        None, description="层级：section 门类、division 大类、group 中类、class 小类"
    )
    parent: str | None = Field(None, max_length=5, description="上级代码，例如 C 返回制造业各大类")


class CodeIn(Schema):
    code: str = Field(max_length=60, description="待校验的代码（全角字符、空格和小写字母会被规范化）")


class FactOut(Schema):
    label: str
    value: str


class CodeCheckOut(Schema):
    code: str = Field(description="规范化后的代码")
    valid: bool
    errors: list[str] = Field(description="不通过的原因（中文）")
    warnings: list[str] = Field(description="不影响通过的提示，例如登记地不在上海")
    facts: list[FactOut] = Field(description="代码各部分的含义")


class EnterpriseSizeIn(Schema):
    employees: int = Field(ge=0, le=10_000_000, description="从业人员（人）")
    operating_revenue: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="营业收入（万元，最多两位小数）"
    )


class EnterpriseSizeOut(Schema):
    size: EnterpriseSize
    size_label: str
    by_employees: EnterpriseSize = Field(description="仅按从业人员可达到的规模")
    by_revenue: EnterpriseSize = Field(description="仅按营业收入可达到的规模")
    message: str


class CreditCodeExceptionIn(Schema):
    code: str = Field(max_length=60)
    reason: str = Field(max_length=1000, description="接受理由，至少 10 个字")


class CreditCodeExceptionOut(Schema):
    id: int
    code: str
    reason: str
    accepted_by: str
    accepted_at: datetime

    @staticmethod
    def resolve_accepted_by(obj: CreditCodeException) -> str:
        return str(obj.accepted_by)


def _check_out(check: CodeCheck) -> dict[str, Any]:
    return {
        "code": check.code,
        "valid": check.valid,
        "errors": check.errors,
        "warnings": check.warnings,
        "facts": [{"label": label, "value": value} for label, value in check.facts],
    }


# --- Public reference data --------------------------------------------------------------------
@router.get("/districts", response=list[DistrictOut], auth=None, summary="上海市 16 个区（公开）")
def district_list(request: HttpRequest) -> Any:
    return selectors.district_list(actor=request.user)


@router.get("/industries", response=list[IndustryOut], auth=None, summary="国民经济行业分类（公开）")
def industry_list(request: HttpRequest, filters: Query[IndustryFilters]) -> Any:
    return selectors.industry_list(actor=request.user, level=filters.level, parent=filters.parent)


# --- Public checks ----------------------------------------------------------------------------
@router.post("/credit-code/check", response=CodeCheckOut, auth=None, summary="校验统一社会信用代码（公开）")
def credit_code_check(request: HttpRequest, payload: CodeIn) -> dict[str, Any]:
    """GB 32100-2015: 200 with ``valid`` false and the reasons when the code does not pass."""
    return _check_out(check_credit_code(payload.code))


@router.post("/project-code/check", response=CodeCheckOut, auth=None, summary="校验投资项目代码格式（公开）")
def project_code_check(request: HttpRequest, payload: CodeIn) -> dict[str, Any]:
    """GB/T 40058-2021 shape only; the check character is not verified."""
    return _check_out(check_project_code(payload.code))


@router.post("/enterprise-size", response=EnterpriseSizeOut, auth=None, summary="划分工业企业规模（公开）")
def enterprise_size(request: HttpRequest, payload: EnterpriseSizeIn) -> dict[str, Any]:
    """工信部联企业〔2011〕300号, industrial enterprises."""
    result = explain_enterprise_size(payload.employees, payload.operating_revenue)
    return {
        "size": result.size,
        "size_label": str(result.size.label),
        "by_employees": result.by_employees,
        "by_revenue": result.by_revenue,
        "message": result.message,
    }


# --- Credit-code exceptions (officials) -------------------------------------------------------
@router.get(
    "/credit-code-exceptions",
    response=list[CreditCodeExceptionOut],
    summary="信用代码校验例外（区经委、市经信委经办人和负责人）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def credit_code_exception_list(request: HttpRequest) -> Any:
    actor = api_user(request)
    require(can_manage_credit_code_exceptions(actor), "credit_code_exception.list")
    return selectors.credit_code_exception_list(actor=actor)


@router.post(
    "/credit-code-exceptions",
    response={201: CreditCodeExceptionOut},
    summary="接受一个未通过校验的信用代码为例外（区经委、市经信委经办人和负责人）",
)
def credit_code_exception_create(
    request: HttpRequest, payload: CreditCodeExceptionIn
) -> tuple[int, CreditCodeException]:
    exception = credit_code_exception_accept(
        actor=api_user(request), code=payload.code, reason=payload.reason
    )
    return 201, exception
