"""REST endpoints of the expert review, mounted at /api/v1/review by jigai/api.py.

This module: the expert's assignments (``/expert/assignments``), the declaration, the application
(only after declaring no conflict), the scores; its own pool entry and declared conflicts. The
commission officer's endpoints — the pool (``/experts``), a call's rubric, the panel (draw,
progress, close, verify the draw), reminders and replacements — are in api_panels.py; the bodies of
both in schemas.py.

Reads start from the selectors of :mod:`jigai.experts.selectors` (an assignment outside the user's
scope is a 404); writes are the services of :mod:`jigai.experts.services`,
:mod:`jigai.experts.draw` and :mod:`jigai.experts.scoring`. Scores are in the body
only where :func:`jigai.experts.selectors.scores_visible` allows them.
"""

# No ``from __future__ import annotations``: ninja resolves the annotations of @paginate'd
# endpoints in the decorator's module.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.accounts.models import Organisation
from jigai.applications.models import Application
from jigai.core.api_auth import api_user
from jigai.core.permissions import require
from jigai.experts import permissions, scoring, selectors
from jigai.experts import services as experts
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import Assignment, ExpertConflict, ExpertProfile
from jigai.experts.schemas import (
    AssignmentDetail,
    ConflictIn,
    ConflictOut,
    DeclareIn,
    ExpertApplicationOut,
    ExpertAssignmentItem,
    ExpertOut,
    ScoresIn,
)

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api_experts"

router = Router(tags=["review"])

MAX_PAGE = 100


def _expert_ref(assignment: Assignment) -> dict[str, Any]:
    user = assignment.expert.user
    return {
        "id": assignment.expert_id,
        "name": str(user),
        "employer": user.organisation.name if user.organisation_id and user.organisation else None,
    }


def _action(decision: Any) -> dict[str, Any]:
    return {"allowed": decision.allowed, "reason": decision.reason}


def _criterion(c: Any) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "weight": c.weight, "max_score": c.max_score}


def _detail(actor: Any, assignment: Assignment) -> dict[str, Any]:
    visible = selectors.scores_visible(actor, assignment)
    scores = selectors.assignment_scores(actor=actor, assignment=assignment)
    results = selectors.panel_results_for_expert(actor=actor, assignment=assignment)
    panel = assignment.panel
    return {
        "id": assignment.pk,
        "status": assignment.status,
        "status_label": str(assignment.get_status_display()),
        "call": panel.call,
        "application": assignment.application,
        "expert": _expert_ref(assignment),
        "deadline": panel.deadline,
        "panel_closed": panel.status == PanelStatus.CLOSED,
        "draw_round": assignment.draw_round,
        "draw_position": assignment.draw_position,
        "drawn_at": assignment.drawn_at,
        "declared_at": assignment.declared_at,
        "recusal_reason": assignment.recusal_reason,
        "replacement_reason": assignment.replacement_reason,
        "replaced_by_id": assignment.replaced_by_id,
        "reminded_at": assignment.reminded_at,
        "scored_at": assignment.scored_at,
        "rubric": [_criterion(c) for c in experts.rubric_criteria(panel.call)],
        "scores_visible": visible,
        "scores": None
        if scores is None
        else [
            {
                "code": s.criterion.code,
                "name": s.criterion.name,
                "score": s.score,
                "max_score": s.criterion.max_score,
                "weight": s.criterion.weight,
                "comment": s.comment,
            }
            for s in scores
        ],
        "total_score": assignment.total_score if visible else None,
        "investment_opinion": assignment.investment_opinion if visible else None,
        "overall_comment": assignment.overall_comment if visible else None,
        "panel_results": None
        if results is None
        else [
            {"expert": _("专家%(n)d") % {"n": n}, "total_score": a.total_score}
            for n, a in enumerate(results, 1)
        ],
        "can_declare": _action(scoring.can_declare(actor, assignment)),
        "can_open_application": _action(scoring.can_open_application(actor, assignment)),
        "can_score": _action(scoring.can_score(actor, assignment)),
    }


def _assignment_detail(actor: Any, assignment_id: int) -> dict[str, Any]:
    return _detail(actor, selectors.assignment_get(actor=actor, pk=assignment_id))


# --- Endpoints: the expert --------------------------------------------------------------------
@router.get(
    "/expert/assignments",
    response=list[ExpertAssignmentItem],
    summary="我的评审任务（评审专家；最新在前）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def expert_assignments(request: HttpRequest, status: AssignmentStatus | None = None) -> Any:
    actor = api_user(request)
    require(permissions.can_act_as_expert(actor), "review.assignment.list")
    return selectors.expert_assignment_list(actor=actor, status=status)


@router.get("/assignments/{assignment_id}", response=AssignmentDetail, summary="评审任务详情")
def assignment_detail(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    return _assignment_detail(api_user(request), assignment_id)


@router.post(
    "/assignments/{assignment_id}/declare",
    response=AssignmentDetail,
    summary="声明利益冲突：无利益冲突（之后可查看申报并评分）或回避（自动抽取替补）",
)
def assignment_declare(request: HttpRequest, assignment_id: int, payload: DeclareIn) -> dict[str, Any]:
    actor = api_user(request)
    assignment = selectors.assignment_get(actor=actor, pk=assignment_id)
    scoring.expert_assignment_declare(
        actor=actor, assignment=assignment, no_conflict=payload.no_conflict, reason=payload.reason
    )
    return _assignment_detail(actor, assignment_id)


@router.get(
    "/assignments/{assignment_id}/application",
    response=ExpertApplicationOut,
    summary="评审任务的申报材料（须先声明无利益冲突）",
)
def assignment_application(request: HttpRequest, assignment_id: int) -> Application:
    actor = api_user(request)
    assignment = selectors.assignment_get(actor=actor, pk=assignment_id)
    return scoring.assignment_application(actor=actor, assignment=assignment)


@router.post(
    "/assignments/{assignment_id}/scores",
    response=AssignmentDetail,
    summary="提交评分（逐项得分和意见、建议核定总投资、总体意见；评审结束前可重新提交）",
)
def assignment_scores(request: HttpRequest, assignment_id: int, payload: ScoresIn) -> dict[str, Any]:
    actor = api_user(request)
    assignment = selectors.assignment_get(actor=actor, pk=assignment_id)
    codes = [s.code for s in payload.scores]
    if len(codes) != len(set(codes)):
        raise ValidationError({"scores": _("同一评分项不能重复打分。")})
    scoring.expert_scores_submit(
        actor=actor,
        assignment=assignment,
        scores={s.code: scoring.ScoreInput(s.score, s.comment) for s in payload.scores},
        investment_opinion=payload.investment_opinion,
        overall_comment=payload.overall_comment,
    )
    return _assignment_detail(actor, assignment_id)


@router.get("/expert/profile", response=ExpertOut, summary="我的专家信息和申报的利益关联（评审专家）")
def expert_own_profile(request: HttpRequest) -> ExpertProfile:
    actor = api_user(request)
    require(permissions.can_act_as_expert(actor), "review.expert.profile")
    profile = selectors.expert_profile_own(actor)
    if profile is None:
        raise Http404(_("您尚未纳入评审专家库。"))
    return profile


@router.post(
    "/expert/conflicts", response={201: ConflictOut}, summary="申报与某单位的利益关联（评审专家本人）"
)
def expert_conflict_declare(request: HttpRequest, payload: ConflictIn) -> Status[ExpertConflict]:
    actor = api_user(request)
    require(permissions.can_act_as_expert(actor), "review.expert.conflict_declare")
    organisation = experts.organisation_lookup(payload.organisation)
    if organisation is None:
        raise ValidationError({"organisation": _("未找到该单位，请填写准确的统一社会信用代码或单位全称。")})
    conflict = experts.expert_conflict_declare(actor=actor, organisation=organisation, reason=payload.reason)
    return Status(201, conflict)


@router.delete(
    "/expert/conflicts/{organisation_id}", response={204: None}, summary="撤回申报的利益关联（评审专家本人）"
)
def expert_conflict_withdraw(request: HttpRequest, organisation_id: int) -> Status[None]:
    actor = api_user(request)
    require(permissions.can_act_as_expert(actor), "review.expert.conflict_withdraw")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("未找到该单位。"))
    experts.expert_conflict_withdraw(actor=actor, organisation=organisation)
    return Status(204, None)
