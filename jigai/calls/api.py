"""REST endpoints of the calls app, mounted at /api/v1/calls by jigai/api.py.

Reads are public (published calls; drafts and cancelled calls only for the commission's officers
and heads). Writes are the services of :mod:`jigai.calls.services`. Amounts are in yuan (strings
of decimals), rates are fractions (0.1 = 10 %), moments ISO 8601 — a moment without a zone is
Shanghai time.
"""

# No ``from __future__ import annotations`` here: ninja resolves the annotations of a @paginate'd
# endpoint in the decorator's module, where this module's schemas are not defined.
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.calls import selectors, services
from jigai.calls.choices import CallPhase, CallStatus, DistrictShareBase, InstalmentTrigger, SupportForm
from jigai.calls.display import phase_badge
from jigai.calls.models import Call, CallRules
from jigai.calls.rules import (
    AttachmentSpec,
    DistrictShareSpec,
    InstalmentSpec,
    InvestmentItemSpec,
    PrerequisiteSpec,
    RulesChildren,
)
from jigai.catalog.api import PUBLIC_READ, reader
from jigai.catalog.selectors import catalog_version_get
from jigai.core.api_auth import api_user

router = Router(tags=["calls"])

MAX_PAGE = 100


# --- Schemas: out -----------------------------------------------------------------------------
class CatalogVersionRef(Schema):
    id: int
    year: int
    title: str
    status: str


class DirectionRef(Schema):
    code: str
    name: str
    field_code: str = Field(..., alias="parent.code")
    field_name: str = Field(..., alias="parent.name")


class CallOut(Schema):
    id: int
    year: int
    title: str
    document_number: str
    status: CallStatus
    status_label: str
    phase: CallPhase = Field(description="按服务器当前时间：upcoming 未开始、open 申报中、closed 已截止")
    phase_label: str
    countdown: str
    opens_at: datetime
    closes_at: datetime
    district_forward_date: date
    catalog_version: CatalogVersionRef
    rules_version: int | None
    published_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Call) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_phase(obj: Call) -> str:
        return obj.phase()

    @staticmethod
    def resolve_phase_label(obj: Call) -> str:
        return phase_badge(obj).label

    @staticmethod
    def resolve_countdown(obj: Call) -> str:
        return phase_badge(obj).countdown

    @staticmethod
    def resolve_rules_version(obj: Call) -> int | None:
        return obj.current_rules.version if obj.current_rules else None


class InvestmentItemOut(Schema):
    code: str
    name: str
    is_fixed_asset: bool


class PrerequisiteOut(Schema):
    code: str
    name: str
    needs_document: bool


class AttachmentOut(Schema):
    code: str
    name: str
    required: bool
    allowed_types: list[str] = Field(..., alias="allowed_type_list")
    max_size_mb: int


class InstalmentOut(Schema):
    sequence: int
    trigger: InstalmentTrigger
    percent: Decimal


class DistrictShareOut(Schema):
    district_code: str = Field(..., alias="district_id")
    district_name: str = Field(..., alias="district.name")
    rate: Decimal
    base: DistrictShareBase
    cap: Decimal | None
    construction_cap_share: Decimal | None
    paid_after_acceptance: bool


class RulesOut(Schema):
    version: int
    frozen: bool
    note: str
    created_at: datetime
    support_form: SupportForm
    min_total_investment: Decimal = Field(description="最低总投资（元）")
    min_fixed_asset_share: Decimal = Field(description="固定资产投资占比须严格高于此值")
    support_rate: Decimal
    cap_per_project: Decimal = Field(description="单个项目支持上限（元）")
    national_matching_ratio: Decimal
    max_construction_months: int
    publicity_working_days: int
    credit_bar_years: int
    investment_items: list[InvestmentItemOut]
    prerequisites: list[PrerequisiteOut]
    attachments: list[AttachmentOut] = Field(..., alias="attachment_requirements")
    instalments: list[InstalmentOut]
    district_shares: list[DistrictShareOut]
    industries: list[str] = Field(
        description="允许申报的行业（GB/T 4754-2017 代码；企业所属行业或其上级须在其中；空表示不限）"
    )

    @staticmethod
    def resolve_industries(obj: CallRules) -> list[str]:
        return [a.industry_id for a in obj.allowed_industries.all()]


class RulesVersionRef(Schema):
    version: int
    note: str
    created_at: datetime


class CallDetailOut(CallOut):
    description: str
    budget: Decimal | None
    directions: list[DirectionRef]
    rules: RulesOut
    rule_versions: list[RulesVersionRef]

    @staticmethod
    def resolve_rules(obj: Call) -> CallRules:
        return selectors.call_rules_get(call=obj)

    @staticmethod
    def resolve_rule_versions(obj: Call) -> list[CallRules]:
        return list(obj.rule_versions.all())


# --- Schemas: in ------------------------------------------------------------------------------
class CallFilters(Schema):
    status: CallStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    phase: CallPhase | None = None


class CallCreateIn(Schema):
    catalog_version_id: int
    title: str = Field(..., max_length=200)
    opens_at: datetime = Field(description="申报开始时间；不带时区视为北京时间")
    closes_at: datetime = Field(description="申报截止时间（到达即截止）；不带时区视为北京时间")
    district_forward_date: date
    year: int | None = None
    document_number: str = Field("", max_length=60)
    description: str = Field("", max_length=20000)
    budget: Decimal | None = Field(None, description="专项资金预算（元）")
    direction_codes: list[str] | None = Field(None, description="支持方向编号；省略表示目录的全部支持方向")


class CallUpdateIn(Schema):
    catalog_version_id: int | None = None
    title: str | None = Field(None, max_length=200)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    district_forward_date: date | None = None
    year: int | None = None
    document_number: str | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=20000)
    budget: Decimal | None = None
    direction_codes: list[str] | None = None


class InvestmentItemIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=60)
    is_fixed_asset: bool


class PrerequisiteIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=60)
    needs_document: bool = True


class AttachmentIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=100)
    required: bool = True
    allowed_types: list[str] = Field(..., description="pdf、jpg、png、docx、xlsx、zip")
    max_size_mb: int = Field(..., ge=1, le=settings.JIGAI_UPLOAD_MAX_MB)


class InstalmentIn(Schema):
    sequence: int = Field(..., ge=1, le=10)
    trigger: InstalmentTrigger
    percent: Decimal = Field(..., description="比例，0.5 = 50%")


class DistrictShareIn(Schema):
    district_code: str = Field(..., max_length=6)
    rate: Decimal
    base: DistrictShareBase = DistrictShareBase.APPROVED_FIXED_ASSETS
    cap: Decimal | None = None
    construction_cap_share: Decimal | None = None
    paid_after_acceptance: bool = True


class RulesIn(Schema):
    support_form: SupportForm | None = None
    min_total_investment: Decimal | None = None
    min_fixed_asset_share: Decimal | None = None
    support_rate: Decimal | None = None
    cap_per_project: Decimal | None = None
    national_matching_ratio: Decimal | None = None
    max_construction_months: int | None = None
    publicity_working_days: int | None = None
    credit_bar_years: int | None = None
    investment_items: list[InvestmentItemIn] | None = Field(None, description="给出则整体替换")
    prerequisites: list[PrerequisiteIn] | None = None
    attachments: list[AttachmentIn] | None = None
    instalments: list[InstalmentIn] | None = None
    district_shares: list[DistrictShareIn] | None = Field(None, description="按区更新，未列出的区不变")
    industries: list[str] | None = Field(
        None, description="允许申报的行业（门类字母或大类、中类、小类代码），给出则整体替换；空列表表示不限"
    )

    def values(self) -> dict[str, Any]:
        lists = {
            "investment_items",
            "prerequisites",
            "attachments",
            "instalments",
            "district_shares",
            "industries",
            "note",
        }
        return self.dict(exclude_none=True, exclude=lists)

    def children(self) -> RulesChildren:
        return RulesChildren(
            investment_items=None
            if self.investment_items is None
            else [InvestmentItemSpec(i.code, i.name, i.is_fixed_asset) for i in self.investment_items],
            prerequisites=None
            if self.prerequisites is None
            else [PrerequisiteSpec(p.code, p.name, p.needs_document) for p in self.prerequisites],
            attachments=None
            if self.attachments is None
            else [
                AttachmentSpec(a.code, a.name, a.required, ",".join(a.allowed_types), a.max_size_mb)
                for a in self.attachments
            ],
            instalments=None
            if self.instalments is None
            else [InstalmentSpec(i.sequence, i.trigger, i.percent) for i in self.instalments],
            district_shares=None
            if self.district_shares is None
            else [
                DistrictShareSpec(
                    s.district_code, s.rate, s.base, s.cap, s.construction_cap_share, s.paid_after_acceptance
                )
                for s in self.district_shares
            ],
            industries=None
            if self.industries is None
            else list(dict.fromkeys(c.strip().upper() for c in self.industries if c.strip())),
        )


class ReviseIn(RulesIn):
    note: str = Field(..., max_length=2000, description="变更说明")


class CancelIn(Schema):
    reason: str = Field(..., max_length=500)


def _detail(request: HttpRequest, call: Call) -> Call:
    return selectors.call_get(actor=reader(request), pk=call.pk)


# --- Endpoints --------------------------------------------------------------------------------
@router.get("", response=list[CallOut], auth=PUBLIC_READ, summary="申报通知（公开；草稿仅市经信委可见）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def call_list(request: HttpRequest, filters: Query[CallFilters]) -> Any:
    return selectors.call_list(
        actor=reader(request), status=filters.status, year=filters.year, phase=filters.phase
    )


@router.get("/{call_id}", response=CallDetailOut, auth=PUBLIC_READ, summary="申报通知详情（含现行规则）")
def call_detail(request: HttpRequest, call_id: int) -> Any:
    return selectors.call_get(actor=reader(request), pk=call_id)


@router.post("", response={201: CallDetailOut}, summary="起草申报通知（市经信委经办人；规则按默认值生成）")
def call_create(request: HttpRequest, payload: CallCreateIn) -> Any:
    actor = api_user(request)
    version = catalog_version_get(actor=actor, pk=payload.catalog_version_id)
    data = payload.dict(exclude={"catalog_version_id"})
    call = services.call_create(actor=actor, catalog_version=version, **data)
    return Status(201, _detail(request, call))


@router.patch("/{call_id}", response=CallDetailOut, summary="修改申报通知草稿")
def call_update(request: HttpRequest, call_id: int, payload: CallUpdateIn) -> Any:
    actor = api_user(request)
    call = selectors.call_get(actor=actor, pk=call_id)
    changes = payload.dict(exclude_unset=True)
    if "catalog_version_id" in changes:
        changes["catalog_version"] = catalog_version_get(actor=actor, pk=changes.pop("catalog_version_id"))
    services.call_update(actor=actor, call=call, **changes)
    return _detail(request, call)


@router.patch("/{call_id}/rules", response=CallDetailOut, summary="修改申报通知草稿的规则（原地修改）")
def call_rules_update(request: HttpRequest, call_id: int, payload: RulesIn) -> Any:
    actor = api_user(request)
    call = selectors.call_get(actor=actor, pk=call_id)
    services.call_rules_update(actor=actor, call=call, values=payload.values(), children=payload.children())
    return _detail(request, call)


@router.post("/{call_id}/publish", response=CallDetailOut, summary="发布申报通知（市经信委负责人；规则冻结）")
def call_publish(request: HttpRequest, call_id: int) -> Any:
    actor = api_user(request)
    call = selectors.call_get(actor=actor, pk=call_id)
    services.call_publish(actor=actor, call=call)
    return _detail(request, call)


@router.post(
    "/{call_id}/rules/revise",
    response={201: CallDetailOut},
    summary="发布新版本规则（市经信委负责人；复制现行规则并应用修改）",
)
def call_rules_revise(request: HttpRequest, call_id: int, payload: ReviseIn) -> Any:
    actor = api_user(request)
    call = selectors.call_get(actor=actor, pk=call_id)
    services.call_rules_revise(
        actor=actor, call=call, note=payload.note, values=payload.values(), children=payload.children()
    )
    return Status(201, _detail(request, call))


@router.post("/{call_id}/cancel", response=CallDetailOut, summary="撤销申报通知（市经信委负责人）")
def call_cancel(request: HttpRequest, call_id: int, payload: CancelIn) -> Any:
    actor = api_user(request)
    call = selectors.call_get(actor=actor, pk=call_id)
    services.call_cancel(actor=actor, call=call, reason=payload.reason)
    return _detail(request, call)
