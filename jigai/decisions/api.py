"""REST endpoints of the comprehensive review, the proposed list, publicity (公示), objections, the
final approval, the decision notice and the holiday calendar; registered on the review router
(/api/v1/review, :mod:`jigai.recommendations.api`).

Thin: each endpoint calls one service or selector of :mod:`jigai.decisions.services`,
:mod:`jigai.decisions.publicity`, :mod:`jigai.decisions.objections`, :mod:`jigai.decisions.pdf` or
:mod:`jigai.workdays.workingdays`. Two endpoints are public (``auth=None``): the current publicity
lists, and lodging an objection (rate limited per client address: 429 ``rate_limited``).
"""

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import Throttled
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.applications.selectors import application_scope
from jigai.calls.models import Call
from jigai.core.api_auth import api_user
from jigai.core.middleware import client_ip
from jigai.core.money import format_wan
from jigai.core.permissions import require
from jigai.decisions import objections, pdf, permissions, publicity, selectors
from jigai.decisions import services as decision
from jigai.decisions.checks import closing_text
from jigai.decisions.models import Objection, ProposedList
from jigai.decisions.schemas import (
    CalendarFilters,
    CalendarYearIn,
    CalendarYearOut,
    DecisionIn,
    DecisionOut,
    ObjectionFilters,
    ObjectionHandleIn,
    ObjectionLodgeIn,
    ObjectionOut,
    ObjectionReceipt,
    ProposedListOut,
    ProposeIn,
    PublicityStartIn,
    PublicListOut,
    RankingOut,
)
from jigai.workdays import workingdays

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api_decision"

router = Router(tags=["review"])

MAX_PAGE = 100


# --- helpers ----------------------------------------------------------------------------------
def _call(call_id: int, actor: Any) -> Call:
    call = Call.objects.visible_to(actor).select_related("current_rules").filter(pk=call_id).first()
    if call is None:
        raise Http404
    return call


def _list_or_none(call: Call) -> ProposedList | None:
    return ProposedList.objects.filter(call=call).first()


def _ranking_body(ranking: selectors.Ranking) -> dict[str, Any]:
    rows = []
    for row in ranking.rows:
        application = row.application
        rows.append(
            {
                "rank": row.rank,
                "application_id": application.pk,
                "reference_number": application.reference_number,
                "enterprise": application.enterprise.name,
                "project": application.name,
                "district": application.district.name,
                "status": application.status,
                "final_score": row.final_score,
                "score_spread_flag": row.spread_flag,
                "declared_total": application.total_investment,
                "expert_investment_mean": row.opinion_mean,
                "approved_investment": row.amounts.approved_investment,
                "investment_is_default": row.amounts.investment_is_default,
                "formula_support": row.amounts.formula_support,
                "approved_support": row.amounts.approved_support,
                "reduction_reason": row.decision.reduction_reason if row.decision else "",
                "running_total": row.running_total,
                "over_budget": row.over_budget,
                "removed": row.removed,
            }
        )
    return {
        "call_id": ranking.call.pk,
        "call_title": ranking.call.title,
        "budget": ranking.budget,
        "total_support": ranking.total,
        "over_budget": ranking.over_budget,
        "frozen": ranking.frozen,
        "proposed_list": ranking.proposed_list,
        "rows": rows,
    }


def _public_body(lists: list[ProposedList]) -> list[dict[str, Any]]:
    grouped = publicity.items_by_list(publicity.public_items([pl.pk for pl in lists]))
    now = timezone.now()
    body = []
    for proposed_list in lists:
        body.append(
            {
                "id": proposed_list.pk,
                "call_title": proposed_list.call.title,
                "year": proposed_list.call.year,
                "status": proposed_list.status,
                "publicity_starts_on": proposed_list.publicity_starts_on,
                "publicity_ends_at": proposed_list.publicity_ends_at,
                "closing": closing_text(proposed_list),
                "publicity_end_provisional": proposed_list.publicity_end_provisional,
                "accepting_objections": publicity.publicity_open(proposed_list, now),
                "item_count": proposed_list.item_count,  # type: ignore[attr-defined]
                "total_support": proposed_list.total_support,
                "items": [
                    {
                        "rank": item.rank,
                        "application_id": item.application.pk,
                        "reference_number": item.application.reference_number,
                        "enterprise": item.application.enterprise.name,
                        "project": item.application.name,
                        "district": item.application.district.name,
                        "approved_support": item.approved_support,
                        "approved_support_wan": format_wan(item.approved_support or Decimal(0), unit=False),
                    }
                    for item in grouped.get(proposed_list.pk, [])
                ],
            }
        )
    return body


# --- comprehensive review and the list --------------------------------------------------------
@router.get("/calls/{call_id}/ranking", response=RankingOut, summary="综合评审排名：核定金额、累计金额与预算")
def ranking(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_read_ranking(actor), "review.ranking")
    return _ranking_body(selectors.call_ranking(actor=actor, call=_call(call_id, actor)))


@router.put(
    "/applications/{application_id}/decision",
    response=DecisionOut,
    summary="核定总投入和支持金额（市经信委；支持金额只能按公式或调减，须说明理由）",
)
def decision_set(request: HttpRequest, application_id: int, payload: DecisionIn) -> Any:
    actor = api_user(request)
    require(permissions.can_set_amounts(actor), "review.decision_set_amounts")
    application = application_scope(actor).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return decision.decision_set_amounts(
        actor=actor,
        application=application,
        approved_investment=payload.approved_investment,
        approved_support=payload.approved_support,
        reduction_reason=payload.reduction_reason,
    )


@router.post(
    "/calls/{call_id}/propose",
    response=ProposedListOut,
    summary="提出拟支持名单（市经信委负责人；合计不超过预算，提出后冻结）",
)
def propose(request: HttpRequest, call_id: int, payload: ProposeIn) -> ProposedList:
    actor = api_user(request)
    require(permissions.can_propose(actor), "review.proposed_list_propose")
    return decision.proposed_list_propose(
        actor=actor,
        call=_call(call_id, actor),
        application_ids=payload.application_ids,
        not_proposed_reason=payload.not_proposed_reason,
    )


@router.post(
    "/calls/{call_id}/publicity",
    response=ProposedListOut,
    summary="发布公示（市经信委负责人；按工作日计算截止日期）",
)
def publicity_start(request: HttpRequest, call_id: int, payload: PublicityStartIn) -> ProposedList:
    actor = api_user(request)
    require(publicity.can_publish(actor), "review.publicity_start")
    return publicity.publicity_start(actor=actor, call=_call(call_id, actor), starts_on=payload.starts_on)


@router.post(
    "/calls/{call_id}/approve",
    response=ProposedListOut,
    summary="批准名单、立项（市经信委负责人；公示期结束且异议全部处理后）",
)
def approve(request: HttpRequest, call_id: int) -> ProposedList:
    actor = api_user(request)
    require(publicity.can_approve_list(actor), "review.proposed_list_approve")
    return publicity.proposed_list_approve(actor=actor, call=_call(call_id, actor))


@router.get(
    "/applications/{application_id}/notice.pdf",
    summary="立项通知（项目支持决定书）PDF：申报企业及有权查看该项目的部门",
    url_name="review_notice_pdf",
    response={200: None},
)
def notice_pdf(request: HttpRequest, application_id: int) -> HttpResponse:
    content, filename = pdf.notice_pdf_for(actor=api_user(request), pk=application_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- public -----------------------------------------------------------------------------------
@router.get(
    "/public/publicity",
    auth=None,
    response=list[PublicListOut],
    summary="正在公示的拟支持项目名单（公开，无需登录）",
)
def public_publicity(request: HttpRequest) -> list[dict[str, Any]]:
    lists = [pl for pl in publicity.public_lists() if pl.status == "publicity"]
    return _public_body(lists)


@router.post(
    "/publicity/{list_id}/objections",
    auth=None,
    response={201: ObjectionReceipt},
    summary="对公示名单提出异议（公开；multipart，可附 PDF/JPG/PNG 证明材料 ≤10MB；每小时每地址 5 次）",
)
def objection_lodge(
    request: HttpRequest,
    list_id: int,
    payload: Form[ObjectionLodgeIn],
    attachment: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    wait = objections.objection_rate_hit(request)
    if wait is not None:
        raise Throttled(wait)
    proposed_list = ProposedList.objects.filter(pk=list_id, status__in=publicity.PUBLIC_STATUSES).first()
    if proposed_list is None:
        raise Http404
    user = getattr(request, "user", None)
    objection = objections.objection_lodge(
        actor=user if getattr(user, "is_authenticated", False) else None,
        proposed_list=proposed_list,
        name=payload.name,
        contact=payload.contact,
        content=payload.content,
        application_id=payload.application_id,
        uploaded_file=attachment,
        ip_address=client_ip(request) or "",
    )
    return Status(
        201,
        {
            "id": objection.pk,
            "submitted_at": objection.submitted_at,
            "message": _("异议已收到，编号 %(n)d。处理结果将通过您留下的联系方式告知。")
            % {"n": objection.pk},
        },
    )


# --- objections -------------------------------------------------------------------------------
@router.get("/objections", response=list[ObjectionOut], summary="异议列表（市经信委）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def objection_list(request: HttpRequest, filters: Query[ObjectionFilters]) -> Any:
    return objections.objection_list(
        actor=api_user(request), proposed_list_id=filters.list_id, status=filters.status
    )


@router.post(
    "/objections/{objection_id}/handle",
    response=ObjectionOut,
    summary="处理异议（市经信委经办人）：不予采纳，或予以采纳并将项目移出名单",
)
def objection_handle(request: HttpRequest, objection_id: int, payload: ObjectionHandleIn) -> Objection:
    actor = api_user(request)
    require(objections.can_handle_objection(actor), "review.objection_handle")
    objection = objections.objection_get(actor=actor, pk=objection_id)
    return objections.objection_handle(
        actor=actor,
        objection=objection,
        outcome=payload.outcome,
        reason=payload.reason,
        application_id=payload.application_id,
    )


# --- holiday calendar -------------------------------------------------------------------------
def _calendar_body(year: int) -> dict[str, Any]:
    summary = workingdays.calendar_year_summary(year)
    return {
        "year": year,
        "library_knows": summary["library_knows"],
        "holidays": summary["holidays"],
        "workdays": summary["workdays"],
    }


@router.get("/calendar-days", response=CalendarYearOut, summary="某年度录入的节假日安排（登录用户）")
def calendar_days(request: HttpRequest, filters: Query[CalendarFilters]) -> dict[str, Any]:
    api_user(request)
    return _calendar_body(filters.year)


@router.post(
    "/calendar-days",
    response=CalendarYearOut,
    summary="录入某年度节假日安排（市经信委经办人；替换该年度已录入的安排）",
)
def calendar_days_set(request: HttpRequest, payload: CalendarYearIn) -> dict[str, Any]:
    actor = api_user(request)
    workingdays.calendar_year_set(
        actor=actor,
        year=payload.year,
        holidays=payload.holidays,
        workdays=payload.workdays,
        note=payload.note,
    )
    return _calendar_body(payload.year)
