"""REST endpoints of the expert review, mounted at /api/v1/review by jigai/api.py.

* The expert: its assignments (``/expert/assignments``), the declaration, the application (only
  after declaring no conflict), the scores; its own pool entry and declared conflicts.
* The commission's officer: the pool (``/experts``), a call's rubric, the panel (draw, progress,
  close, verify the draw), reminders and replacements.

Reads start from the selectors of :mod:`jigai.experts.services` (an assignment outside the user's
scope is a 404); writes are the services of :mod:`jigai.experts.services`,
:mod:`jigai.experts.draw` and :mod:`jigai.experts.scoring`. Scores are in the body
only where :func:`jigai.experts.services.scores_visible` allows them.
"""

# No ``from __future__ import annotations``: ninja resolves the annotations of @paginate'd
# endpoints in the decorator's module.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.accounts.choices import Role
from jigai.accounts.models import Organisation, User
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.core.api_auth import api_user
from jigai.core.permissions import require
from jigai.experts import draw as experts_draw
from jigai.experts import scoring as experts_scoring
from jigai.experts import services as experts
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import Assignment, ExpertConflict, ExpertProfile, Panel

#: the module path operation ids were made from before the review app was split (kept for clients)
OPERATION_ID_PREFIX = "jigai_review_api_experts"

router = Router(tags=["review"])

MAX_PAGE = 100


# --- Schemas: pool ------------------------------------------------------------------------------
class CodeName(Schema):
    code: str
    name: str


class ConflictOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    credit_code: str | None = Field(None, alias="organisation.credit_code")
    reason: str
    declared_at: dt.datetime


class ExpertOut(Schema):
    id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    name: str
    employer: str | None = Field(None, description="工作单位（回避依据）")
    title: str
    specialty: str
    is_active: bool
    directions: list[CodeName]
    industries: list[CodeName]
    conflicts: list[ConflictOut]

    @staticmethod
    def resolve_name(obj: ExpertProfile) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_employer(obj: ExpertProfile) -> str | None:
        organisation = obj.user.organisation
        return organisation.name if organisation is not None else None

    @staticmethod
    def resolve_directions(obj: ExpertProfile) -> list[Any]:
        return list(obj.directions.all())

    @staticmethod
    def resolve_industries(obj: ExpertProfile) -> list[Any]:
        return list(obj.industries.all())

    @staticmethod
    def resolve_conflicts(obj: ExpertProfile) -> list[ExpertConflict]:
        return list(obj.conflicts.select_related("organisation").all())


class ExpertIn(Schema):
    title: str = Field("", max_length=60, description="职称")
    specialty: str = Field("", max_length=200, description="专业领域")
    direction_codes: list[str] = Field(default_factory=list, description="现行支持目录的领域或方向编号")
    industry_codes: list[str] = Field(default_factory=list, description="国民经济行业分类门类或大类代码")
    is_active: bool = Field(True, description="在库可抽取")


class ExpertCreateIn(ExpertIn):
    user_id: int = Field(..., description="角色为评审专家的账户 ID")


class ExpertFilters(Schema):
    q: str | None = Field(None, max_length=100, description="账号、姓名、工作单位、职称或专业领域包含")
    active: bool | None = None


class ConflictIn(Schema):
    organisation: str = Field(..., max_length=200, description="单位的统一社会信用代码或全称")
    reason: str = Field(..., max_length=300, description="关联情况")


# --- Schemas: rubric ----------------------------------------------------------------------------
class CriterionOut(Schema):
    code: str
    name: str
    weight: Decimal = Field(..., description="权重（%）")
    max_score: Decimal


class RubricOut(Schema):
    call_id: int
    frozen: bool
    saved: bool = Field(..., description="false：尚未设置，显示的是默认评分细则")
    criteria: list[CriterionOut]


class CriterionIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=60)
    weight: Decimal = Field(..., description="权重（%），各项之和须为 100")
    max_score: Decimal = Field(Decimal("100"), description="满分")


class RubricIn(Schema):
    criteria: list[CriterionIn] = Field(..., min_length=1, max_length=20)


# --- Schemas: assignments -----------------------------------------------------------------------
class CallRef(Schema):
    id: int
    title: str


class ApplicationRef(Schema):
    id: int
    reference_number: str | None
    name: str
    enterprise: str = Field(..., alias="enterprise.name", description="申报单位（据此判断是否存在利益冲突）")
    credit_code: str = Field(..., alias="enterprise.credit_code")
    district: str = Field(..., alias="district.name")


class ActionOut(Schema):
    allowed: bool
    reason: str


class ExpertAssignmentItem(Schema):
    id: int
    status: AssignmentStatus
    status_label: str
    call: CallRef = Field(..., alias="panel.call")
    application: ApplicationRef
    deadline: dt.datetime | None = Field(None, alias="panel.deadline")
    panel_closed: bool
    drawn_at: dt.datetime | None
    declared_at: dt.datetime | None
    scored_at: dt.datetime | None
    total_score: Decimal | None = Field(None, description="本人的加权总分")

    @staticmethod
    def resolve_status_label(obj: Assignment) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_panel_closed(obj: Assignment) -> bool:
        return obj.panel.status == PanelStatus.CLOSED


class ScoreOut(Schema):
    code: str
    name: str
    score: Decimal
    max_score: Decimal
    weight: Decimal
    comment: str


class ExpertRef(Schema):
    id: int
    name: str
    employer: str | None


class PanelResultOut(Schema):
    expert: str = Field(..., description="专家（匿名编号）")
    total_score: Decimal | None


class AssignmentDetail(Schema):
    id: int
    status: AssignmentStatus
    status_label: str
    call: CallRef
    application: ApplicationRef
    expert: ExpertRef
    deadline: dt.datetime | None
    panel_closed: bool
    draw_round: int
    draw_position: int
    drawn_at: dt.datetime | None
    declared_at: dt.datetime | None
    recusal_reason: str
    replacement_reason: str
    replaced_by_id: int | None
    reminded_at: dt.datetime | None
    scored_at: dt.datetime | None
    rubric: list[CriterionOut]
    scores_visible: bool
    scores: list[ScoreOut] | None = Field(None, description="评分明细；按可见规则，未到可见时为 null")
    total_score: Decimal | None
    investment_opinion: Decimal | None = Field(None, description="建议核定总投资（元）")
    overall_comment: str | None
    panel_results: list[PanelResultOut] | None = Field(None, description="评审结束后，本项目全部专家的总分")
    can_declare: ActionOut
    can_open_application: ActionOut
    can_score: ActionOut


class DeclareIn(Schema):
    no_conflict: bool = Field(..., description="true：声明无利益冲突；false：回避")
    reason: str = Field("", max_length=2000, description="回避理由（回避时必填）")


class ScoreIn(Schema):
    code: str = Field(..., max_length=30)
    score: Decimal = Field(..., description="0 至满分，最多两位小数")
    comment: str = Field(..., max_length=2000)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., max_length=20)
    investment_opinion: Decimal = Field(..., description="建议核定总投资（元），不超过申报总投资")
    overall_comment: str = Field(..., max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class ReplaceOut(Schema):
    replaced: AssignmentDetail
    replacement: AssignmentDetail | None


class InvestmentLineOut(Schema):
    item_name: str
    is_fixed_asset: bool
    amount: Decimal


class AttachmentRef(Schema):
    id: int
    requirement_code: str
    original_name: str
    size: int
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse(
            "api:application_attachment_download",
            kwargs={"application_id": obj.application_id, "attachment_id": obj.pk},
        )


class ExpertApplicationOut(Schema):
    id: int
    reference_number: str | None
    name: str
    enterprise: str = Field(..., alias="enterprise.name")
    credit_code: str = Field(..., alias="enterprise.credit_code")
    industry: str = Field(..., alias="enterprise.industry.name")
    district: str = Field(..., alias="district.name")
    direction: str | None = Field(None, alias="direction.name")
    summary: str
    site_address: str
    start_date: dt.date | None
    end_date: dt.date | None
    total_investment: Decimal
    fixed_asset_investment: Decimal
    fixed_asset_share: Decimal
    requested_support: Decimal
    new_output_value: Decimal
    new_tax: Decimal
    energy_saved_tce: Decimal
    jobs_created: int
    investment_lines: list[InvestmentLineOut]
    attachments: list[AttachmentRef]

    @staticmethod
    def resolve_investment_lines(obj: Application) -> list[Any]:
        return list(obj.investment_lines.all())

    @staticmethod
    def resolve_attachments(obj: Application) -> list[Any]:
        return list(obj.attachments.all())


# --- Schemas: panel -------------------------------------------------------------------------------
class DrawIn(Schema):
    experts_per_application: int = Field(5, ge=1, le=15, description="每个项目的专家人数")
    deadline: dt.datetime = Field(..., description="评分截止时间；不带时区视为北京时间")
    seed: str | None = Field(None, max_length=64, description="随机种子；省略时由系统生成")
    spread_threshold: Decimal | None = Field(None, description="分差预警阈值（总分最高与最低之差）")


class PanelAssignmentOut(Schema):
    id: int
    expert: ExpertRef
    status: AssignmentStatus
    draw_round: int
    draw_position: int
    declared_at: dt.datetime | None
    scored_at: dt.datetime | None
    reminded_at: dt.datetime | None
    recusal_reason: str
    replacement_reason: str
    replaced_by_id: int | None
    total_score: Decimal | None = Field(None, description="评审结束后可见")


class PanelApplicationOut(Schema):
    id: int
    reference_number: str | None
    name: str
    enterprise: str
    status: str
    needed: int
    active: int
    scored: int
    from_whole_pool: bool = Field(..., description="匹配专家不足，从全库抽取")
    final_score: Decimal | None = Field(None, description="评审结束后可见")
    score_spread_flag: bool | None = Field(None, description="评审结束后可见")
    assignments: list[PanelAssignmentOut]


class PanelOut(Schema):
    call_id: int
    drawn: bool
    status: PanelStatus | None
    seed: str
    experts_per_application: int | None
    spread_threshold: Decimal | None
    deadline: dt.datetime | None
    drawn_at: dt.datetime | None
    closed_at: dt.datetime | None
    counts: dict[str, int]
    applications_total: int
    close_problems: list[str]
    applications: list[PanelApplicationOut]


class DrawOut(Schema):
    seed: str
    applications: int
    assignments: int
    from_whole_pool: int
    panel: PanelOut


class PanelFilters(Schema):
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=500)


class VerifyProblemOut(Schema):
    application_id: int
    draw_round: int
    message: str


class LaterConflictOut(Schema):
    application_id: int
    expert_id: int


class VerifyOut(Schema):
    seed: str
    rounds: int
    assignments: int
    reproduced: bool
    problems: list[VerifyProblemOut]
    later_conflicts: list[LaterConflictOut]


# --- Helpers ------------------------------------------------------------------------------------
def _call(actor: Any, call_id: int) -> Call:
    call = Call.objects.visible_to(actor).filter(pk=call_id).first()
    if call is None:
        raise Http404(_("未找到该申报通知。"))
    return call


def _panel(actor: Any, call_id: int) -> Panel:
    panel = experts.panel_get(actor=actor, call=_call(actor, call_id))
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    return panel


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
    visible = experts.scores_visible(actor, assignment)
    scores = experts.assignment_scores(actor=actor, assignment=assignment)
    results = experts.panel_results_for_expert(actor=actor, assignment=assignment)
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
        "can_declare": _action(experts_scoring.can_declare(actor, assignment)),
        "can_open_application": _action(experts_scoring.can_open_application(actor, assignment)),
        "can_score": _action(experts_scoring.can_score(actor, assignment)),
    }


def _assignment_detail(actor: Any, assignment_id: int) -> dict[str, Any]:
    return _detail(actor, experts.assignment_get(actor=actor, pk=assignment_id))


def _panel_out(actor: Any, call: Call, offset: int = 0, limit: int = 100) -> dict[str, Any]:
    overview = experts.panel_overview(actor=actor, call=call, offset=offset, limit=limit)
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
        "close_problems": experts_scoring.panel_close_problems(panel)
        if panel is not None and panel.status == PanelStatus.OPEN
        else [],
        "applications": applications,
    }


def _rubric_out(call: Call) -> dict[str, Any]:
    criteria = experts.rubric_criteria(call)
    return {
        "call_id": call.pk,
        "frozen": experts.rubric_is_frozen(call),
        "saved": bool(criteria and criteria[0].pk),
        "criteria": [_criterion(c) for c in criteria],
    }


# --- Endpoints: the expert --------------------------------------------------------------------
@router.get(
    "/expert/assignments",
    response=list[ExpertAssignmentItem],
    summary="我的评审任务（评审专家；最新在前）",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def expert_assignments(request: HttpRequest, status: AssignmentStatus | None = None) -> Any:
    actor = api_user(request)
    require(experts.can_act_as_expert(actor), "review.assignment.list")
    return experts.expert_assignment_list(actor=actor, status=status)


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
    assignment = experts.assignment_get(actor=actor, pk=assignment_id)
    experts_scoring.expert_assignment_declare(
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
    assignment = experts.assignment_get(actor=actor, pk=assignment_id)
    return experts_scoring.assignment_application(actor=actor, assignment=assignment)


@router.post(
    "/assignments/{assignment_id}/scores",
    response=AssignmentDetail,
    summary="提交评分（逐项得分和意见、建议核定总投资、总体意见；评审结束前可重新提交）",
)
def assignment_scores(request: HttpRequest, assignment_id: int, payload: ScoresIn) -> dict[str, Any]:
    actor = api_user(request)
    assignment = experts.assignment_get(actor=actor, pk=assignment_id)
    codes = [s.code for s in payload.scores]
    if len(codes) != len(set(codes)):
        raise ValidationError({"scores": _("同一评分项不能重复打分。")})
    experts_scoring.expert_scores_submit(
        actor=actor,
        assignment=assignment,
        scores={s.code: experts_scoring.ScoreInput(s.score, s.comment) for s in payload.scores},
        investment_opinion=payload.investment_opinion,
        overall_comment=payload.overall_comment,
    )
    return _assignment_detail(actor, assignment_id)


@router.get("/expert/profile", response=ExpertOut, summary="我的专家信息和申报的利益关联（评审专家）")
def expert_own_profile(request: HttpRequest) -> ExpertProfile:
    actor = api_user(request)
    require(experts.can_act_as_expert(actor), "review.expert.profile")
    profile = experts.expert_profile_own(actor)
    if profile is None:
        raise Http404(_("您尚未纳入评审专家库。"))
    return profile


@router.post(
    "/expert/conflicts", response={201: ConflictOut}, summary="申报与某单位的利益关联（评审专家本人）"
)
def expert_conflict_declare(request: HttpRequest, payload: ConflictIn) -> Status[ExpertConflict]:
    actor = api_user(request)
    require(experts.can_act_as_expert(actor), "review.expert.conflict_declare")
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
    require(experts.can_act_as_expert(actor), "review.expert.conflict_withdraw")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("未找到该单位。"))
    experts.expert_conflict_withdraw(actor=actor, organisation=organisation)
    return Status(204, None)


# --- Endpoints: the pool ------------------------------------------------------------------------
@router.get("/experts", response=list[ExpertOut], summary="评审专家库（市经信委）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def expert_list(request: HttpRequest, filters: Query[ExpertFilters]) -> Any:
    actor = api_user(request)
    require(experts.can_read_pool(actor), "review.expert.list")
    return experts.expert_profile_list(actor=actor, q=filters.q, active=filters.active)


@router.post("/experts", response={201: ExpertOut}, summary="将评审专家账户纳入专家库（市经信委经办人）")
def expert_create(request: HttpRequest, payload: ExpertCreateIn) -> Status[ExpertProfile]:
    actor = api_user(request)
    require(experts.can_manage_pool(actor), "review.expert.create")
    user = User.objects.filter(pk=payload.user_id, role=Role.EXPERT).first()
    if user is None:
        raise ValidationError({"user_id": _("没有该评审专家账户。")})
    if ExpertProfile.objects.filter(user=user).exists():
        raise ValidationError({"user_id": _("该专家已在专家库中，请修改其信息。")})
    profile = experts.expert_profile_upsert(actor=actor, user=user, **payload.dict(exclude={"user_id"}))
    return Status(201, experts.expert_profile_get(actor=actor, pk=profile.pk))


@router.get("/experts/{expert_id}", response=ExpertOut, summary="专家信息（市经信委）")
def expert_detail(request: HttpRequest, expert_id: int) -> ExpertProfile:
    actor = api_user(request)
    require(experts.can_read_pool(actor), "review.expert.read")
    return experts.expert_profile_get(actor=actor, pk=expert_id)


@router.put("/experts/{expert_id}", response=ExpertOut, summary="修改专家信息（市经信委经办人）")
def expert_update(request: HttpRequest, expert_id: int, payload: ExpertIn) -> ExpertProfile:
    actor = api_user(request)
    require(experts.can_manage_pool(actor), "review.expert.update")
    profile = experts.expert_profile_get(actor=actor, pk=expert_id)
    experts.expert_profile_upsert(actor=actor, user=profile.user, **payload.dict())
    return experts.expert_profile_get(actor=actor, pk=expert_id)


# --- Endpoints: rubric --------------------------------------------------------------------------
@router.get("/calls/{call_id}/rubric", response=RubricOut, summary="申报通知的评分细则")
def rubric_get(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(experts.can_read_rubric(actor), "review.rubric.read")
    return _rubric_out(_call(actor, call_id))


@router.put(
    "/calls/{call_id}/rubric",
    response=RubricOut,
    summary="设置评分细则（市经信委经办人；权重之和 100；专家开始评分后冻结）",
)
def rubric_put(request: HttpRequest, call_id: int, payload: RubricIn) -> dict[str, Any]:
    actor = api_user(request)
    require(experts.can_manage_panel(actor), "review.rubric.update")
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
    require(experts.can_manage_panel(actor), "review.panel.draw")
    call = _call(actor, call_id)
    deadline = payload.deadline
    if deadline.tzinfo is None:
        deadline = timezone.make_aware(deadline)
    summary = experts_draw.expert_panel_draw(
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
    require(experts.can_read_panel(actor), "review.panel.read")
    return _panel_out(actor, _call(actor, call_id), filters.offset, filters.limit)


@router.post(
    "/calls/{call_id}/panel/close",
    response=PanelOut,
    summary="结束专家评审（市经信委经办人；须全部评分或已替换）",
)
def panel_close(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(experts.can_manage_panel(actor), "review.panel.close")
    panel = _panel(actor, call_id)
    experts_scoring.expert_panel_close(actor=actor, panel=panel)
    return _panel_out(actor, panel.call)


@router.get(
    "/calls/{call_id}/panel/verify",
    response=VerifyOut,
    summary="复核抽取：按随机种子重新抽取并比对（市经信委）",
)
def panel_verify(request: HttpRequest, call_id: int) -> dict[str, Any]:
    actor = api_user(request)
    require(experts.can_read_panel(actor), "review.panel.verify")
    report = experts_draw.expert_panel_verify(actor=actor, panel=_panel(actor, call_id))
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
    require(experts.can_manage_panel(actor), "review.assignment.replace")
    assignment = experts.assignment_get(actor=actor, pk=assignment_id)
    replacement = experts_scoring.expert_assignment_replace(
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
    require(experts.can_manage_panel(actor), "review.assignment.remind")
    assignment = experts.assignment_get(actor=actor, pk=assignment_id)
    experts_scoring.expert_remind(actor=actor, assignment=assignment)
    return _assignment_detail(actor, assignment_id)
