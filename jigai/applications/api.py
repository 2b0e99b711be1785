"""REST endpoints of the applications app, mounted at /api/v1/applications by jigai/api.py.

Every read starts from a selector of :mod:`jigai.applications.selectors` (scoped to the user: an
application outside it is a 404), every write is a service. The input schemas carry only what the
enterprise types: status, totals, requested support, district and reference number are decided by
the platform and cannot be set through the API.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jigai.applications import attachments, exports, selectors, services, workflow
from jigai.applications.choices import ApplicationStatus
from jigai.applications.drafts import ApplicationDraft
from jigai.applications.eligibility import (
    NotEligible,
    application_totals,
    eligibility_check,
    rules_for,
)
from jigai.applications.models import Application, Attachment
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call
from jigai.core.api_auth import api_user
from jigai.core.api_errors import django_validation_details, error_body
from jigai.core.api_lists import PageQuery, page_response, paged
from jigai.core.choices import choice_label
from jigai.core.permissions import require

router = Router(tags=["applications"])

MAX_PAGE = 100


# --- Schemas ----------------------------------------------------------------------------------
class Ref(Schema):
    id: int
    name: str


class CallRef(Schema):
    id: int
    title: str
    year: int


class EnterpriseRef(Schema):
    id: int
    name: str
    credit_code: str


class CodeRef(Schema):
    code: str
    name: str


class DirectionRef(Schema):
    id: int
    code: str
    name: str


class ErrorDetail(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ApplicationListItem(Schema):
    id: int
    reference_number: str | None
    status: ApplicationStatus
    status_label: str
    name: str
    project_code: str
    call: CallRef
    enterprise: EnterpriseRef
    district: CodeRef
    industry: CodeRef = Field(..., alias="enterprise.industry", description="企业所属行业")
    direction: DirectionRef | None
    total_investment: Decimal = Field(..., description="总投资（元）")
    fixed_asset_share: Decimal
    requested_support: Decimal = Field(..., description="申请支持金额（元）")
    has_duplicate_flags: bool
    submitted_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return choice_label(obj, "status")


class InvestmentLineOut(Schema):
    item_code: str
    item_name: str
    is_fixed_asset: bool
    amount: Decimal


class PrerequisiteOut(Schema):
    code: str
    name: str
    done: bool
    document_number: str
    document_date: dt.date | None


class OtherFundingOut(Schema):
    programme: str
    authority: str
    amount: Decimal
    status: str


class AttachmentOut(Schema):
    id: int
    requirement_code: str
    original_name: str
    detected_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return reverse(
            "api:application_attachment_download",
            kwargs={"application_id": obj.application_id, "attachment_id": obj.pk},
        )


class RuleResultOut(Schema):
    code: str
    label: str
    passed: bool
    message: str


class ActionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str


class DuplicateFlagOut(Schema):
    kind: str
    other_id: int | None
    similarity: Decimal | None
    detail: str


class ApplicationDetail(ApplicationListItem):
    rules_version: int = Field(..., alias="rules.version")
    site_district: CodeRef | None
    site_address: str
    in_planned_block: bool | None
    start_date: dt.date | None
    end_date: dt.date | None
    summary: str
    project_lead_name: str
    project_lead_id_number: str
    fixed_asset_investment: Decimal
    own_funds: Decimal
    bank_loans: Decimal
    financing_lease: Decimal
    other_financing: Decimal
    new_output_value: Decimal
    new_product_output_value: Decimal
    new_tax: Decimal
    energy_saved_tce: Decimal
    emissions_reduced_t: Decimal
    jobs_created: int
    lock_version: int = Field(..., description="保存草稿时原样带回（乐观锁）")
    created_at: dt.datetime
    investment_lines: list[InvestmentLineOut]
    prerequisites: list[PrerequisiteOut]
    other_funding: list[OtherFundingOut]
    attachments: list[AttachmentOut]
    duplicate_flags: list[DuplicateFlagOut]
    eligibility: list[RuleResultOut]
    actions: list[ActionOut]


class EligibilityOut(Schema):
    eligible: bool
    requested_support: Decimal = Field(..., description="按本通知规则计算的申请支持金额（元）")
    rules: list[RuleResultOut]


class CreateIn(Schema):
    call_id: int = Field(..., description="申报通知 ID（须在申报期内）")


class DraftIn(ApplicationDraft):
    lock_version: int = Field(..., ge=0, description="读取申报时得到的 lock_version")


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=500, description="撤回原因")


SortKey = Literal[
    "submitted_at",
    "-submitted_at",
    "requested_support",
    "-requested_support",
    "total_investment",
    "-total_investment",
    "name",
    "-name",
]


class ApplicationFilters(Schema):
    call: int | None = Field(None, description="申报通知 ID")
    status: ApplicationStatus | None = None
    district: str | None = Field(None, max_length=6, description="区代码，如 310115")
    industry: str | None = Field(None, max_length=5, description="企业行业：门类字母或大类代码")
    direction: int | None = Field(None, description="支持方向（目录条目 ID，领域含其下方向）")
    amount_min: Decimal | None = Field(None, ge=0, description="申请支持金额下限（元）")
    amount_max: Decimal | None = Field(None, ge=0, description="申请支持金额上限（元）")
    q: str | None = Field(
        None, max_length=100, description="申报编号（全部或部分）、项目名称或企业名称包含；或统一社会信用代码"
    )
    sort: SortKey = Field("-submitted_at", description="排序字段，前加 - 为降序")


# --- helpers ----------------------------------------------------------------------------------
class _Detail:
    """An application as the detail body shows it: its own attributes, plus the eligibility check
    as of now and the workflow actions open to the actor (each with the reason when refused)."""

    _LISTS = frozenset(
        {"investment_lines", "prerequisites", "other_funding", "attachments", "duplicate_flags"}
    )

    def __init__(self, application: Application, actor: Any) -> None:
        self._application = application
        self.eligibility = [r.__dict__ for r in eligibility_check(application)]
        self.actions = [
            {"action": t.action, "label": str(t.label), "allowed": reason is None, "reason": reason or ""}
            for t, reason in workflow.available(application, actor)
        ]

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._application, name)
        return list(value.all()) if name in self._LISTS else value


def _detail(application_id: int, actor: Any) -> _Detail:
    return _Detail(selectors.application_get(actor=actor, pk=application_id), actor)


# --- Endpoints --------------------------------------------------------------------------------
@router.post("", response={201: ApplicationDetail}, summary="新建申报草稿（企业用户，须在申报期内）")
def application_create(request: HttpRequest, payload: CreateIn) -> Status[_Detail]:
    actor = api_user(request)
    require(services.can_create_application(actor), "application.create")
    call = Call.objects.filter(pk=payload.call_id, status=CallStatus.PUBLISHED).first()
    if call is None:
        raise ValidationError({"call_id": _("申报通知不存在或未发布。")})
    application = services.application_create(actor=actor, call=call)
    return Status(201, _detail(application.pk, actor))


@router.get("", response=paged(ApplicationListItem), summary="申报列表（按用户可见范围；可筛选、搜索、排序）")
def application_list(
    request: HttpRequest, filters: Query[ApplicationFilters], page: Query[PageQuery]
) -> HttpResponse:
    actor = api_user(request)
    require(selectors.can_read_applications(actor), "application.list")
    queryset = selectors.application_list(
        actor=actor,
        call=filters.call,
        status=filters.status,
        district=filters.district,
        industry=filters.industry,
        direction=filters.direction,
        amount_min=filters.amount_min,
        amount_max=filters.amount_max,
        q=filters.q,
        sort=filters.sort,
    )
    return page_response(request, queryset, page, ApplicationListItem, max_limit=MAX_PAGE)


class ExportFilters(ApplicationFilters):
    has_duplicate_flags: bool | None = Field(
        None, description="true：仅提交时发现疑似重复的申报；false：仅无疑似重复的申报"
    )


@router.get(
    "/export",
    summary="导出申报列表为 Excel（.xlsx；筛选条件与申报列表相同，按用户可见范围）",
    url_name="application_export",
    response={200: None},
)
def application_export(request: HttpRequest, filters: Query[ExportFilters]) -> FileResponse:
    actor = api_user(request)
    require(selectors.can_read_applications(actor), "application.export")
    return exports.application_export(actor=actor, filters=filters.model_dump())


@router.get(
    "/{application_id}", response=ApplicationDetail, summary="申报详情（含资格审查结果和可办理的操作）"
)
def application_detail(request: HttpRequest, application_id: int) -> _Detail:
    return _detail(application_id, api_user(request))


@router.put(
    "/{application_id}",
    response={200: ApplicationDetail, 409: ErrorOut},
    summary="保存草稿（带回 lock_version；状态、金额、所属区、编号不可设置）",
)
def application_save_draft(request: HttpRequest, application_id: int, payload: DraftIn) -> Any:
    actor = api_user(request)
    application = selectors.application_get(actor=actor, pk=application_id)
    try:
        services.application_save_draft(
            actor=actor, application=application, data=payload, expected_lock_version=payload.lock_version
        )
    except services.StaleDraft as exc:
        return Status(
            409, error_body("conflict", str(services.STALE_MESSAGE), django_validation_details(exc))
        )
    return Status(200, _detail(application_id, actor))


@router.get(
    "/{application_id}/eligibility", response=EligibilityOut, summary="资格审查：逐条结果及申请支持金额"
)
def application_eligibility(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = selectors.application_get(actor=api_user(request), pk=application_id)
    results = eligibility_check(application)
    totals = application_totals(application, rules_for(application))
    return {
        "eligible": all(r.passed for r in results),
        "requested_support": totals.requested_support,
        "rules": [r.__dict__ for r in results],
    }


@router.post(
    "/{application_id}/submit",
    response={200: ApplicationDetail, 422: ErrorOut},
    summary="提交申报（须全部资格条件满足且不重复）",
)
def application_submit(request: HttpRequest, application_id: int) -> Any:
    actor = api_user(request)
    application = selectors.application_get(actor=actor, pk=application_id)
    try:
        services.application_submit(actor=actor, application=application)
    except NotEligible as exc:
        return Status(422, error_body("validation_error", exc.summary, django_validation_details(exc)))
    return Status(200, _detail(application_id, actor))


@router.post(
    "/{application_id}/withdraw", response=ApplicationDetail, summary="撤回申报（区级受理前，企业用户）"
)
def application_withdraw(request: HttpRequest, application_id: int, payload: WithdrawIn) -> _Detail:
    actor = api_user(request)
    application = selectors.application_get(actor=actor, pk=application_id)
    services.application_withdraw(actor=actor, application=application, reason=payload.reason)
    return _detail(application_id, actor)


@router.post(
    "/{application_id}/attachments",
    response={201: AttachmentOut},
    summary="上传申报材料（multipart：requirement_code + file；类型按文件内容识别）",
)
def attachment_upload(
    request: HttpRequest,
    application_id: int,
    requirement_code: Form[str],
    file: File[UploadedFile],
) -> Status[Attachment]:
    actor = api_user(request)
    application = selectors.application_get(actor=actor, pk=application_id)
    attachment = attachments.attachment_upload(
        actor=actor, application=application, requirement_code=requirement_code, uploaded_file=file
    )
    return Status(201, attachment)


@router.get(
    "/{application_id}/attachments/{attachment_id}",
    summary="下载申报材料（仅可查看该申报的用户）",
    url_name="application_attachment_download",
    response={200: None},
)
def attachment_download(request: HttpRequest, application_id: int, attachment_id: int) -> FileResponse:
    return attachments.attachment_download(
        actor=api_user(request), application_id=application_id, attachment_id=attachment_id
    )


@router.delete(
    "/{application_id}/attachments/{attachment_id}", response={204: None}, summary="删除申报材料（草稿）"
)
def attachment_delete(request: HttpRequest, application_id: int, attachment_id: int) -> Status[None]:
    actor = api_user(request)
    attachment = selectors.attachment_get(
        actor=actor, application_id=application_id, attachment_id=attachment_id
    )
    attachments.attachment_delete(actor=actor, attachment=attachment)
    return Status(204, None)
