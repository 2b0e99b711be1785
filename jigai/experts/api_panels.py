"""REST endpoints of the expert pool, the rubrics and the panels (the municipal officers), mounted at
/api/v1/review by jigai/api.py."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.accounts.choices import Role
from jigai.accounts.models import User
from jigai.calls.models import Call
from jigai.core.api_auth import api_user
from jigai.core.permissions import require
from jigai.experts import draw, permissions, reminders, scoring, selectors, verify
from jigai.experts import services as experts
from jigai.experts.api import MAX_PAGE, _assignment_detail, _criterion, _expert_ref
from jigai.experts.choices import PanelStatus
from jigai.experts.models import ExpertProfile, Panel
from jigai.experts.schemas import (
    AssignmentDetail,
    DrawIn,
    DrawOut,
    ExpertCreateIn,
    ExpertFilters,
    ExpertIn,
    ExpertOut,
    PanelFilters,
    PanelOut,
    ReasonIn,
    ReplaceOut,
    RubricIn,
    RubricOut,
    VerifyOut,
)

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api_experts"

router = Router(tags=["review"])


# --- Helpers ------------------------------------------------------------------------------------
def _call(actor: Any, call_id: int) -> Call:
    call = Call.objects.visible_to(actor).filter(pk=call_id).first()
    if call is None:
        raise Http404(_("未找到该申报通知。"))
    return call


def _panel(actor: Any, call_id: int) -> Panel:
    panel = selectors.panel_get(actor=actor, call=_call(actor, call_id))
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    return panel


def _panel_out(actor: Any, call: Call, offset: int = 0, limit: int = 100) -> dict[str, Any]:
    overview = selectors.panel_overview(actor=actor, call=call, offset=offset, limit=limit)
    panel = overview.panel
    visible = overview.scores_visible
    applications = []
    for row in overview.rows:
        application = row.application
        decision = getattr(application, "decision", None) if visible else None
        applications.append(
            {
                "id": application.pk,
                "reference_number": application.reference_number,
                "name": application.name,
                "enterprise": application.enterprise.name,
                "status": application.status,
                "needed": row.needed,
                "active": row.active,
                "scored": row.scored,
                "from_whole_pool": row.from_whole_pool,
                "final_score": decision.final_score if decision else None,
                "score_spread_flag": decision.score_spread_flag if decision else None,
                "assignments": [
                    {
                        "id": a.pk,
                        "expert": _expert_ref(a),
                        "status": a.status,
                        "draw_round": a.draw_round,
                        "draw_position": a.draw_position,
                        "declared_at": a.declared_at,
                        "scored_at": a.scored_at,
                        "reminded_at": a.reminded_at,
                        "recusal_reason": a.recusal_reason,
                        "replacement_reason": a.replacement_reason,
                        "replaced_by_id": a.replaced_by_id,
                        "total_score": a.total_score if visible else None,
                    }
                    for a in row.assignments
                ],
            }
        )
    return {
        "call_id": call.pk,
        "drawn": panel is not None,
        "status": panel.status if panel else None,
        "seed": panel.seed if panel else "",
        "experts_per_application": panel.experts_per_application if panel else None,
        "spread_threshold": panel.spread_threshold if panel else None,
        "deadline": panel.deadline if panel else None,
        "drawn_at": panel.drawn_at if panel else None,
        "closed_at": panel.closed_at if panel else None,
        "counts": overview.counts,
        "applications_total": overview.total,
        "close_problems": scoring.panel_close_problems(panel)
        if panel is not None and panel.status == PanelStatus.OPEN
        else [],
        "applications": applications,
    }


def _rubric_out(call: Call) -> dict[str, Any]:
    criteria = experts.rubric_criteria(call)
    return {
        "call_id": call.pk,
        "frozen": permissions.rubric_is_frozen(call),
        "saved": bool(criteria and criteria[0].pk),
        "criteria": [_criterion(c) for c in criteria],
    }


# --- Endpoints: the pool ------------------------------------------------------------------------
@router.get("/experts", response=list[ExpertOut], summary="评审专家库（市经信委）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def expert_list(request: HttpRequest, filters: Query[ExpertFilters]) -> Any:
    actor = api_user(request)
    require(permissions.can_read_pool(actor), "review.expert.list")
    return selectors.expert_profile_list(actor=actor, q=filters.q, active=filters.active)


@router.post("/experts", response={201: ExpertOut}, summary="将评审专家账户纳入专家库（市经信委经办人）")
def expert_create(request: HttpRequest, payload: ExpertCreateIn) -> Status[ExpertProfile]:
    actor = api_user(request)
    require(permissions.can_manage_pool(actor), "review.expert.create")
    user = User.objects.filter(pk=payload.user_id, role=Role.EXPERT).first()
    if user is None:
        raise ValidationError({"user_id": _("没有该评审专家账户。")})
    if ExpertProfile.objects.filter(user=user).exists():
        raise ValidationError({"user_id": _("该专家已在专家库中，请修改其信息。")})
    profile = experts.expert_profile_upsert(actor=actor, user=user, **payload.dict(exclude={"user_id"}))
    return Status(201, selectors.expert_profile_get(actor=actor, pk=profile.pk))


@router.get("/experts/{expert_id}", response=ExpertOut, summary="专家信息（市经信委）")
def expert_detail(request: HttpRequest, expert_id: int) -> ExpertProfile:
    actor = api_user(request)
    require(permissions.can_read_pool(actor), "review.expert.read")
    return selectors.expert_profile_get(actor=actor, pk=expert_id)


@router.put("/experts/{expert_id}", response=ExpertOut, summary="修改专家信息（市经信委经办人）")
def expert_update(request: HttpRequest, expert_id: int, payload: ExpertIn) -> ExpertProfile:
    actor = api_user(request)
    require(permissions.can_manage_pool(actor), "review.expert.update")
    profile = selectors.expert_profile_get(actor=actor, pk=expert_id)
    experts.expert_profile_upsert(actor=actor, user=profile.user, **payload.dict())
    return selectors.expert_profile_get(actor=actor, pk=expert_id)


# --- Endpoints: rubric --------------------------------------------------------------------------
@router.get("/calls/{call_id}/rubric", response=RubricOut, summary="申报通知的评分细则")
def rubric_get(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_read_rubric(actor), "review.rubric.read")
    return _rubric_out(_call(actor, call_id))


@router.put(
    "/calls/{call_id}/rubric",
    response=RubricOut,
    summary="设置评分细则（市经信委经办人；权重之和 100；专家开始评分后冻结）",
)
def rubric_put(request: HttpRequest, call_id: int, payload: RubricIn) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_manage_panel(actor), "review.rubric.update")
    call = _call(actor, call_id)
    experts.rubric_update(
        actor=actor,
        call=call,
        criteria=[experts.CriterionSpec(c.code, c.name, c.weight, c.max_score) for c in payload.criteria],
    )
    return _rubric_out(call)


# --- Endpoints: panel ---------------------------------------------------------------------------
@router.post(
    "/calls/{call_id}/panel",
    response=DrawOut,
    summary="抽取评审专家（市经信委经办人；为专家评审中尚未抽满的申报抽取，记录随机种子）",
)
def panel_draw(request: HttpRequest, call_id: int, payload: DrawIn) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_manage_panel(actor), "review.panel.draw")
    call = _call(actor, call_id)
    deadline = payload.deadline
    if deadline.tzinfo is None:
        deadline = timezone.make_aware(deadline)
    summary = draw.expert_panel_draw(
        actor=actor,
        call=call,
        experts_per_application=payload.experts_per_application,
        deadline=deadline,
        seed=payload.seed,
        spread_threshold=payload.spread_threshold,
    )
    return {
        "seed": summary.seed,
        "applications": summary.applications,
        "assignments": summary.assignments,
        "from_whole_pool": summary.from_whole_pool,
        "panel": _panel_out(actor, call),
    }


@router.get(
    "/calls/{call_id}/panel", response=PanelOut, summary="专家评审进度（市经信委；评审结束后可见评分）"
)
def panel_detail(request: HttpRequest, call_id: int, filters: Query[PanelFilters]) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_read_panel(actor), "review.panel.read")
    return _panel_out(actor, _call(actor, call_id), filters.offset, filters.limit)


@router.post(
    "/calls/{call_id}/panel/close",
    response=PanelOut,
    summary="结束专家评审（市经信委经办人；须全部评分或已替换）",
)
def panel_close(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_manage_panel(actor), "review.panel.close")
    panel = _panel(actor, call_id)
    scoring.expert_panel_close(actor=actor, panel=panel)
    return _panel_out(actor, panel.call)


@router.get(
    "/calls/{call_id}/panel/verify",
    response=VerifyOut,
    summary="复核抽取：按随机种子重新抽取并比对（市经信委）",
)
def panel_verify(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_read_panel(actor), "review.panel.verify")
    report = verify.expert_panel_verify(actor=actor, panel=_panel(actor, call_id))
    return {
        "seed": report.seed,
        "rounds": report.rounds,
        "assignments": report.assignments,
        "reproduced": report.reproduced,
        "problems": [p.__dict__ for p in report.problems],
        "later_conflicts": [{"application_id": a, "expert_id": e} for a, e in report.later_conflicts],
    }


@router.post(
    "/assignments/{assignment_id}/replace",
    response=ReplaceOut,
    summary="替换未按时评审或无法参加的专家（市经信委经办人；自动抽取替补）",
)
def assignment_replace(request: HttpRequest, assignment_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_manage_panel(actor), "review.assignment.replace")
    assignment = selectors.assignment_get(actor=actor, pk=assignment_id)
    replacement = reminders.expert_assignment_replace(
        actor=actor, assignment=assignment, reason=payload.reason
    )
    return {
        "replaced": _assignment_detail(actor, assignment_id),
        "replacement": _assignment_detail(actor, replacement.pk) if replacement else None,
    }


@router.post(
    "/assignments/{assignment_id}/remind", response=AssignmentDetail, summary="催办评审专家（市经信委经办人）"
)
def assignment_remind(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(permissions.can_manage_panel(actor), "review.assignment.remind")
    assignment = selectors.assignment_get(actor=actor, pk=assignment_id)
    reminders.expert_remind(actor=actor, assignment=assignment)
    return _assignment_detail(actor, assignment_id)
