"""The request and response bodies of the expert review's API (api.py, api_panels.py)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from jigai.applications.models import Application
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.models import Assignment, ExpertConflict, ExpertProfile


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
