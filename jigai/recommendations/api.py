"""REST endpoints of the district review, the recommendation documents and the municipal first
review (issue 4), mounted at /api/v1/review by jigai/api.py (as are those of the experts and
decisions apps).

Every read starts from a scoped selector: an application or document outside the user's scope is
a 404. Every write is one service; a role or district that may not act is a 403 with the reason,
a state that does not allow the step a 422 with the reason.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.applications import selectors as application_selectors
from jigai.applications.choices import ApplicationStatus
from jigai.applications.eligibility import NotEligible
from jigai.applications.models import Application
from jigai.core.api_auth import api_user
from jigai.core.api_errors import django_validation_details, error_body
from jigai.core.permissions import require
from jigai.core.text import join_list
from jigai.recommendations import municipal, permissions, selectors
from jigai.recommendations import services as district
from jigai.recommendations.choices import CorrectionSection, RecommendationStatus
from jigai.recommendations.models import CorrectionRequest, Recommendation, RecommendationItem

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api"

router = Router(tags=["review"])

MAX_PAGE = 100


# --- Schemas ----------------------------------------------------------------------------------
class ErrorDetail(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ApplicationStateOut(Schema):
    id: int
    reference_number: str | None
    name: str
    status: ApplicationStatus
    status_label: str
    lock_version: int

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return str(obj.get_status_display())


class CorrectionItemIn(Schema):
    section: CorrectionSection = Field(..., description="需修改的部分")
    reason: str = Field(..., max_length=1000, description="理由")


class ReturnIn(Schema):
    items: list[CorrectionItemIn] = Field(
        ..., max_length=30, description="逐项写明需修改的内容和理由，至少一项"
    )


class MunicipalReturnIn(Schema):
    reason: str = Field(..., max_length=1000, description="退回理由")
    items: list[CorrectionItemIn] | None = Field(None, max_length=30, description="可选：逐项需修改的内容")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000, description="理由")


class WithdrawIn(Schema):
    reason: str = Field("", max_length=1000, description="撤回原因（可选）")


class CorrectionItemOut(Schema):
    section: str
    section_label: str
    reason: str

    @staticmethod
    def resolve_section_label(obj: Any) -> str:
        return str(obj.get_section_display())


class CorrectionRequestOut(Schema):
    id: int
    stage: str
    stage_label: str
    requested_at: dt.datetime
    resolved_at: dt.datetime | None
    items: list[CorrectionItemOut]

    @staticmethod
    def resolve_stage_label(obj: CorrectionRequest) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_items(obj: CorrectionRequest) -> list[Any]:
        return list(obj.items.all())


class RecommendationIn(Schema):
    application_ids: list[int] = Field(
        ..., min_length=1, max_length=500, description="申报 ID（同一申报通知）"
    )
    priorities: list[int] | None = Field(
        None, description="与 application_ids 一一对应的推荐排序（本区在该通知中的排序；缺省按顺序 1…n）"
    )
    item_opinions: list[str] | None = Field(None, description="可选：与 application_ids 一一对应的审核意见")
    opinion: str = Field(..., max_length=2000, description="区经济主管部门推荐意见")


class RecommendationUpdateIn(Schema):
    priorities: dict[int, int] = Field(..., description="申报 ID → 推荐排序")
    item_opinions: dict[int, str] | None = None
    opinion: str = Field(..., max_length=2000)


class SignIn(Schema):
    document_number: str = Field(..., max_length=60, description="推荐文号，如 浦科经委〔2026〕12号")


class RecommendationItemOut(Schema):
    application_id: int
    reference_number: str | None = Field(None, alias="application.reference_number")
    name: str = Field(..., alias="application.name")
    enterprise: str = Field(..., alias="application.enterprise.name")
    requested_support: Decimal = Field(..., alias="application.requested_support")
    status: str = Field(..., alias="application.status")
    priority: int
    opinion: str


class RecommendationOut(Schema):
    id: int
    call_id: int
    district: str = Field(..., alias="district_id")
    district_name: str = Field(..., alias="district.name")
    status: RecommendationStatus
    status_label: str
    document_number: str
    opinion: str
    prepared_by: str
    prepared_at: dt.datetime
    signed_by: str | None
    signed_at: dt.datetime | None
    late_days: int = Field(..., description="晚于区推荐截止日期签发的天数（0 为按时）")
    items: list[RecommendationItemOut]

    @staticmethod
    def resolve_status_label(obj: Recommendation) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_prepared_by(obj: Recommendation) -> str:
        return str(obj.prepared_by)

    @staticmethod
    def resolve_signed_by(obj: Recommendation) -> str | None:
        return str(obj.signed_by) if obj.signed_by_id else None

    @staticmethod
    def resolve_late_days(obj: Recommendation) -> int:
        return selectors.late_days(obj) if obj.status != RecommendationStatus.WITHDRAWN else 0

    @staticmethod
    def resolve_items(obj: Recommendation) -> list[RecommendationItem]:
        return sorted(obj.items.all(), key=lambda i: i.priority)


class RecommendationFilters(Schema):
    status: RecommendationStatus | None = None
    call: int | None = Field(None, description="申报通知 ID")


# --- helpers ----------------------------------------------------------------------------------
def _application(request: HttpRequest, application_id: int) -> tuple[Any, Application]:
    actor = api_user(request)
    return actor, application_selectors.application_get(actor=actor, pk=application_id)


def _state(application_id: int, actor: Any) -> Application:
    return application_selectors.application_get(actor=actor, pk=application_id)


def _recommendation(actor: Any, pk: int) -> Recommendation:
    require(permissions.can_read_recommendations(actor), "recommendation.read")
    return selectors.recommendation_get(actor=actor, pk=pk)


# --- District review ----------------------------------------------------------------------------
@router.post(
    "/applications/{application_id}/district-start",
    response=ApplicationStateOut,
    summary="区经委经办人受理申报，开始区级审核（属地原则）",
)
def district_start(request: HttpRequest, application_id: int) -> Application:
    actor, application = _application(request, application_id)
    district.district_start(actor=actor, application=application)
    return _state(application_id, actor)


@router.post(
    "/applications/{application_id}/district-return",
    response=ApplicationStateOut,
    summary="区级审核退回企业修改（逐项写明需修改的内容和理由）",
)
def district_return(request: HttpRequest, application_id: int, payload: ReturnIn) -> Application:
    actor, application = _application(request, application_id)
    district.district_return(actor=actor, application=application, items=payload.items)
    return _state(application_id, actor)


@router.post(
    "/applications/{application_id}/resubmit",
    response={200: ApplicationStateOut, 422: ErrorOut},
    summary="企业按退回意见修改后重新提交（资格条件重新审查，申报期除外）",
)
def resubmit(request: HttpRequest, application_id: int) -> Any:
    actor, application = _application(request, application_id)
    try:
        district.application_resubmit(actor=actor, application=application)
    except NotEligible as exc:
        return Status(422, error_body("validation_error", exc.summary, django_validation_details(exc)))
    return Status(200, _state(application_id, actor))


@router.post(
    "/applications/{application_id}/district-decline",
    response=ApplicationStateOut,
    summary="区经委负责人不予推荐（须填写理由）",
)
def district_decline(request: HttpRequest, application_id: int, payload: ReasonIn) -> Application:
    actor, application = _application(request, application_id)
    district.district_decline(actor=actor, application=application, reason=payload.reason)
    return _state(application_id, actor)


@router.get(
    "/applications/{application_id}/corrections",
    response=list[CorrectionRequestOut],
    summary="申报的退回修改记录及逐项意见（可查看该申报的用户）",
)
def corrections(request: HttpRequest, application_id: int) -> list[CorrectionRequest]:
    actor, application = _application(request, application_id)
    return selectors.correction_requests(actor=actor, application=application)


# --- Recommendation documents -------------------------------------------------------------------
@router.get(
    "/recommendations",
    response=list[RecommendationOut],
    summary="区推荐文件列表（区经委看本区，市级看全部）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def recommendation_list(request: HttpRequest, filters: Query[RecommendationFilters]) -> Any:
    actor = api_user(request)
    require(permissions.can_read_recommendations(actor), "recommendation.list")
    return selectors.recommendation_list(
        actor=actor, status=filters.status, call=filters.call
    ).prefetch_related("items__application__enterprise")


@router.post(
    "/recommendations",
    response={201: RecommendationOut},
    summary="区经委经办人拟定推荐文件（可批量：多个申报、推荐排序、推荐意见）",
)
def recommendation_prepare(request: HttpRequest, payload: RecommendationIn) -> Status[Recommendation]:
    actor = api_user(request)
    require(permissions.can_prepare_recommendation(actor), "recommendation.prepare")
    found = {
        a.pk: a for a in application_selectors.application_scope(actor).filter(pk__in=payload.application_ids)
    }
    missing = [str(pk) for pk in payload.application_ids if pk not in found]
    if missing:
        raise ValidationError({"application_ids": _("未找到申报：%(ids)s。") % {"ids": join_list(missing)}})
    recommendation = district.recommendation_prepare(
        actor=actor,
        applications=[found[pk] for pk in payload.application_ids],
        opinion=payload.opinion,
        priorities=payload.priorities,
        item_opinions=payload.item_opinions,
    )
    return Status(201, _recommendation(actor, recommendation.pk))


@router.get("/recommendations/{recommendation_id}", response=RecommendationOut, summary="区推荐文件详情")
def recommendation_detail(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return _recommendation(api_user(request), recommendation_id)


@router.put(
    "/recommendations/{recommendation_id}",
    response=RecommendationOut,
    summary="修改待签发推荐文件的推荐排序和意见（区经委经办人）",
)
def recommendation_update(
    request: HttpRequest, recommendation_id: int, payload: RecommendationUpdateIn
) -> Recommendation:
    actor = api_user(request)
    recommendation = _recommendation(actor, recommendation_id)
    district.recommendation_update(
        actor=actor,
        recommendation=recommendation,
        priorities=payload.priorities,
        opinion=payload.opinion,
        item_opinions=payload.item_opinions,
    )
    return _recommendation(actor, recommendation_id)


@router.post(
    "/recommendations/{recommendation_id}/withdraw",
    response=RecommendationOut,
    summary="撤回待签发的推荐文件（区经委经办人；申报仍在区级审核中）",
)
def recommendation_withdraw(
    request: HttpRequest, recommendation_id: int, payload: WithdrawIn
) -> Recommendation:
    actor = api_user(request)
    recommendation = _recommendation(actor, recommendation_id)
    district.recommendation_withdraw(actor=actor, recommendation=recommendation, reason=payload.reason)
    return _recommendation(actor, recommendation_id)


@router.post(
    "/recommendations/{recommendation_id}/sign",
    response=RecommendationOut,
    summary="区经委负责人以推荐文号签发（文件中的申报全部转为区已推荐，或全部不变）",
)
def recommendation_sign(request: HttpRequest, recommendation_id: int, payload: SignIn) -> Recommendation:
    actor = api_user(request)
    recommendation = _recommendation(actor, recommendation_id)
    district.recommendation_sign(
        actor=actor, recommendation=recommendation, document_number=payload.document_number
    )
    return _recommendation(actor, recommendation_id)


# --- Municipal first review ---------------------------------------------------------------------
@router.post(
    "/applications/{application_id}/municipal-start",
    response=ApplicationStateOut,
    summary="市经信委经办人开始市级初审（区已推荐的申报）",
)
def municipal_start(request: HttpRequest, application_id: int) -> Application:
    actor, application = _application(request, application_id)
    municipal.municipal_start(actor=actor, application=application)
    return _state(application_id, actor)


@router.post(
    "/applications/{application_id}/municipal-return",
    response=ApplicationStateOut,
    summary="市级初审退回修改（须填写理由；企业修改后重新提交区级审核）",
)
def municipal_return(request: HttpRequest, application_id: int, payload: MunicipalReturnIn) -> Application:
    actor, application = _application(request, application_id)
    municipal.municipal_return(
        actor=actor, application=application, reason=payload.reason, items=payload.items
    )
    return _state(application_id, actor)


@router.post(
    "/applications/{application_id}/to-expert-review",
    response=ApplicationStateOut,
    summary="市级初审通过，提交专家评审",
)
def to_expert_review(request: HttpRequest, application_id: int) -> Application:
    actor, application = _application(request, application_id)
    municipal.to_expert_review(actor=actor, application=application)
    return _state(application_id, actor)


@router.post(
    "/applications/{application_id}/to-comprehensive-review",
    response=ApplicationStateOut,
    summary="专家评审完成，进入综合评审",
)
def to_comprehensive_review(request: HttpRequest, application_id: int) -> Application:
    actor, application = _application(request, application_id)
    municipal.to_comprehensive_review(actor=actor, application=application)
    return _state(application_id, actor)
