"""The request and response bodies of the decision stage's API."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from jigai.decisions.models import Objection, ProposedList


# --- Schemas ----------------------------------------------------------------------------------
class ProposedListOut(Schema):
    id: int
    call_id: int
    status: str
    status_label: str
    total_support: Decimal = Field(..., description="名单上项目的核定支持金额合计（元）")
    proposed_at: dt.datetime | None
    publicity_starts_on: dt.date | None
    publicity_ends_at: dt.datetime | None = Field(None, description="公示截止时刻（UTC；上海时间 23:59:59）")
    publicity_end_provisional: bool = Field(..., description="截止日期待定：所跨年度的节假日安排尚未录入")
    publicity_working_days: int | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: ProposedList) -> str:
        return str(obj.get_status_display())


class RankingRowOut(Schema):
    rank: int
    application_id: int
    reference_number: str | None
    enterprise: str
    project: str
    district: str
    status: str
    final_score: Decimal | None
    score_spread_flag: bool
    declared_total: Decimal = Field(..., description="申报总投资（元）")
    expert_investment_mean: Decimal | None = Field(None, description="专家建议核定总投资的平均值（元）")
    approved_investment: Decimal = Field(..., description="核定总投入（元）")
    investment_is_default: bool = Field(..., description="核定总投入尚未由经办人填写（取默认值）")
    formula_support: Decimal = Field(..., description="按公式计算的支持金额（元）")
    approved_support: Decimal = Field(..., description="核定支持金额（元）")
    reduction_reason: str
    running_total: Decimal = Field(..., description="按排名累计的核定支持金额（元）")
    over_budget: bool = Field(..., description="累计金额超过预算")
    removed: bool = Field(..., description="因异议成立已移出名单")


class RankingOut(Schema):
    call_id: int
    call_title: str
    budget: Decimal | None
    total_support: Decimal
    over_budget: bool
    frozen: bool = Field(..., description="名单已提出，金额冻结")
    proposed_list: ProposedListOut | None
    rows: list[RankingRowOut]


class DecisionIn(Schema):
    approved_investment: Decimal | None = Field(
        None, description="核定总投入（元）；不填取专家意见平均值或申报总投资"
    )
    approved_support: Decimal | None = Field(None, description="核定支持金额（元）；不填按公式计算，只能调减")
    reduction_reason: str = Field("", max_length=2000, description="调减理由（低于公式金额时必填）")


class DecisionOut(Schema):
    application_id: int
    final_score: Decimal | None
    approved_investment: Decimal | None
    formula_support: Decimal | None
    approved_support: Decimal | None
    reduction_reason: str
    decided_by: str | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return obj.decided_by.username if obj.decided_by_id else None


class ProposeIn(Schema):
    application_ids: list[int] = Field(..., description="列入拟支持名单的申报 ID")
    not_proposed_reason: str = Field("", max_length=2000, description="其余项目未列入名单的原因")


class PublicityStartIn(Schema):
    starts_on: dt.date | None = Field(None, description="公示开始日期（默认明天）")


class PublicItemOut(Schema):
    rank: int | None
    application_id: int
    reference_number: str | None
    enterprise: str
    project: str
    district: str
    approved_support: Decimal = Field(..., description="核定支持金额（元）")
    approved_support_wan: str = Field(..., description="核定支持金额（万元）")


class PublicListOut(Schema):
    id: int
    call_title: str
    year: int
    status: str
    publicity_starts_on: dt.date | None
    publicity_ends_at: dt.datetime | None
    closing: str = Field(..., description="截止时间（上海时间），待定时注明")
    publicity_end_provisional: bool
    accepting_objections: bool
    item_count: int
    total_support: Decimal
    items: list[PublicItemOut]


class ObjectionLodgeIn(Schema):
    name: str = Field(..., max_length=100, description="异议人姓名或单位名称")
    contact: str = Field(..., max_length=100, description="联系方式")
    content: str = Field(..., max_length=5000, description="异议内容")
    application_id: int | None = Field(None, description="所涉及的项目（申报 ID，可不填）")


class ObjectionReceipt(Schema):
    id: int
    submitted_at: dt.datetime
    message: str


class ObjectionOut(Schema):
    id: int
    proposed_list_id: int
    application_id: int | None
    application_reference: str | None
    name: str
    contact: str
    content: str
    has_attachment: bool
    attachment_name: str
    submitted_at: dt.datetime
    status: str
    status_label: str
    handled_by: str | None
    handled_at: dt.datetime | None
    handling_reason: str

    @staticmethod
    def resolve_application_reference(obj: Objection) -> str | None:
        return obj.application.reference_number if obj.application_id and obj.application else None

    @staticmethod
    def resolve_has_attachment(obj: Objection) -> bool:
        return bool(obj.attachment)

    @staticmethod
    def resolve_status_label(obj: Objection) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_handled_by(obj: Objection) -> str | None:
        return obj.handled_by.username if obj.handled_by_id and obj.handled_by else None


class ObjectionFilters(Schema):
    list_id: int | None = Field(None, description="拟支持名单 ID")
    status: Literal["open", "dismissed", "upheld"] | None = None


class ObjectionHandleIn(Schema):
    outcome: Literal["dismissed", "upheld"] = Field(..., description="dismissed 不予采纳；upheld 予以采纳")
    reason: str = Field(..., max_length=2000, description="处理意见")
    application_id: int | None = Field(None, description="予以采纳时涉及的项目（异议未指明时必填）")


class CalendarDayOut(Schema):
    date: dt.date
    kind: str
    note: str


class CalendarYearOut(Schema):
    year: int
    library_knows: bool = Field(..., description="日历库已包含该年度的节假日安排")
    holidays: list[dt.date]
    workdays: list[dt.date] = Field(..., description="调休上班日（周末上班）")


class CalendarYearIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    holidays: list[dt.date] = Field(..., description="法定节假日（放假日期，含其间的周末）")
    workdays: list[dt.date] = Field(..., description="调休上班的周六、周日")
    note: str = Field("", max_length=60)


class CalendarFilters(Schema):
    year: int = Field(..., ge=2000, le=2100)
