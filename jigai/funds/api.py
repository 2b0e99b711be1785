"""REST endpoints of the funds app (/api/v1/funds): budgets and their execution, fund plans and their
workflow, payments, settlement, recoveries, and an enterprise's view of its projects' funds.

Thin: each endpoint calls one service or selector. Requests that move money (a payment, a recorded
recovery) require the ``Idempotency-Key`` header: a replay answers 200 with the first result and
creates nothing; the same key with different content is refused with 409 ``conflict``. The bank
account is accepted in full and only ever returned masked.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from jigai.calls.models import Call
from jigai.core.api_auth import api_user
from jigai.core.permissions import require
from jigai.funds import permissions, selectors, services
from jigai.funds.models import Budget, FundPlan, FundPlanItem, FundShare, Instalment, Payment, Recovery
from jigai.reference.models import District

router = Router(tags=["funds"])


# --- Schemas ----------------------------------------------------------------------------------
class BudgetOut(Schema):
    id: int
    fiscal_year: int
    source: str
    source_label: str
    district: str | None = Field(None, description="区划代码（区技术改造资金）")
    name: str
    total: Decimal = Field(..., description="预算总额（元）：下达加调整")
    committed: Decimal = Field(..., description="已占用（元）：已下达资金计划占用，含已拨付")
    disbursed: Decimal = Field(..., description="已拨付（元）")
    recovered: Decimal = Field(..., description="已追回（元）")
    available: Decimal = Field(..., description="可用余额（元）= 总额 − 已占用")

    @staticmethod
    def resolve_source_label(obj: Budget) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_district(obj: Budget) -> str | None:
        return obj.district_id


class BudgetFilters(Schema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    source: Literal["municipal", "district", "national_matching"] | None = None
    district: str | None = Field(None, max_length=6, description="区划代码")


class BudgetCreateIn(Schema):
    fiscal_year: int = Field(..., ge=2000, le=2100)
    source: Literal["municipal", "district", "national_matching"]
    district: str | None = Field(None, max_length=6, description="区划代码（仅区技术改造资金）")
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2, description="下达金额（元）")


class BudgetAdjustIn(Schema):
    amount: Decimal = Field(..., max_digits=16, decimal_places=2, description="调整金额（元），负数为调减")
    note: str = Field(..., max_length=300, description="调整说明")


class BudgetProjectOut(Schema):
    share_id: int = Field(..., alias="pk")
    plan_id: int
    application_id: int
    reference_number: str | None
    project: str
    enterprise: str
    district: str
    level: str
    amount: Decimal = Field(..., description="计划金额（元）")
    committed: Decimal
    paid: Decimal
    recovered: Decimal

    @staticmethod
    def resolve_plan_id(obj: FundShare) -> int:
        return obj.item.plan_id

    @staticmethod
    def resolve_application_id(obj: FundShare) -> int:
        return obj.item.application_id

    @staticmethod
    def resolve_reference_number(obj: FundShare) -> str | None:
        return obj.item.application.reference_number

    @staticmethod
    def resolve_project(obj: FundShare) -> str:
        return obj.item.application.name

    @staticmethod
    def resolve_enterprise(obj: FundShare) -> str:
        return obj.item.application.enterprise.name

    @staticmethod
    def resolve_district(obj: FundShare) -> str:
        return obj.item.district_id


class InstalmentOut(Schema):
    id: int
    sequence: int
    trigger: str
    percent: Decimal
    amount: Decimal
    paid: Decimal
    payable: bool


class ShareOut(Schema):
    id: int
    level: str
    level_label: str
    budget_id: int | None
    amount: Decimal
    committed: Decimal
    paid: Decimal
    recovered: Decimal
    final_amount: Decimal | None
    instalments: list[InstalmentOut]

    @staticmethod
    def resolve_level_label(obj: FundShare) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_instalments(obj: FundShare) -> list[Instalment]:
        return list(obj.instalments.all())


class ItemOut(Schema):
    id: int
    application_id: int
    reference_number: str | None
    project: str
    enterprise: str
    district: str
    status: str
    approved_support: Decimal
    central_support: Decimal
    municipal_amount: Decimal
    district_amount: Decimal
    matching_amount: Decimal
    final_support: Decimal | None
    shares: list[ShareOut]

    @staticmethod
    def resolve_reference_number(obj: FundPlanItem) -> str | None:
        return obj.application.reference_number

    @staticmethod
    def resolve_project(obj: FundPlanItem) -> str:
        return obj.application.name

    @staticmethod
    def resolve_enterprise(obj: FundPlanItem) -> str:
        return obj.application.enterprise.name

    @staticmethod
    def resolve_district(obj: FundPlanItem) -> str:
        return obj.district_id

    @staticmethod
    def resolve_shares(obj: FundPlanItem) -> list[FundShare]:
        return list(obj.shares.all())


class PlanOut(Schema):
    id: int
    call_id: int
    fiscal_year: int
    title: str
    status: str
    status_label: str
    total_support: Decimal
    total_matching: Decimal
    drafted_by: str
    drafted_at: dt.datetime
    head_approved_at: dt.datetime | None
    finance_approved_at: dt.datetime | None
    returned_reason: str

    @staticmethod
    def resolve_status_label(obj: FundPlan) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_drafted_by(obj: FundPlan) -> str:
        return obj.drafted_by.username


class PlanDetailOut(PlanOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: FundPlan) -> list[FundPlanItem]:
        return obj.visible_items  # type: ignore[attr-defined]


class PlanDraftIn(Schema):
    call_id: int
    application_ids: list[int] | None = Field(None, description="列入计划的项目（默认本批次全部已立项项目）")
    central_support: dict[int, Decimal] = Field(
        default_factory=dict, description="获得中央预算内支持的项目：申报 ID → 金额（元），计算国家项目配套"
    )
    fiscal_year: int | None = Field(None, ge=2000, le=2100, description="预算年度（默认申报通知年度）")
    title: str = Field("", max_length=200)


class CommentIn(Schema):
    comment: str = Field("", max_length=2000, description="意见（退回、作废时必填）")


class PaymentIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)
    paid_on: dt.date
    voucher_number: str = Field(..., max_length=60)
    bank_account: str = Field(..., max_length=40, description="收款账号（加密保存，只以掩码返回）")


class PaymentOut(Schema):
    id: int
    instalment_id: int
    share_id: int
    amount: Decimal
    paid_on: dt.date
    voucher_number: str
    bank_account: str = Field(..., description="收款账号（掩码）")
    recorded_at: dt.datetime

    @staticmethod
    def resolve_bank_account(obj: Payment) -> str:
        return obj.bank_account_masked


class CancelIn(Schema):
    reason: str = Field(..., max_length=2000)


class SettleIn(Schema):
    audited_investment: Decimal = Field(
        ..., ge=0, max_digits=16, decimal_places=2, description="审计确认的实际投入（元）"
    )


class RecoveryOut(Schema):
    id: int
    share_id: int
    amount: Decimal
    reason: str
    status: str
    returned_on: dt.date | None
    voucher_number: str


class RecoveryRecordIn(Schema):
    returned_on: dt.date
    voucher_number: str = Field(..., max_length=60)


class ProjectFundsOut(Schema):
    id: int
    plan_id: int
    application_id: int
    project: str
    status: str
    approved_support: Decimal
    matching_amount: Decimal
    final_support: Decimal | None
    shares: list[ShareOut]
    payments: list[PaymentOut]

    @staticmethod
    def resolve_project(obj: FundPlanItem) -> str:
        return obj.application.name

    @staticmethod
    def resolve_payments(obj: FundPlanItem) -> list[Payment]:
        return [p for s in obj.shares.all() for p in s.payments.all()]

    @staticmethod
    def resolve_shares(obj: FundPlanItem) -> list[FundShare]:
        return list(obj.shares.all())


# --- helpers ----------------------------------------------------------------------------------
def _key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ValidationError({"Idempotency-Key": "请在请求头 Idempotency-Key 中提供幂等键。"})
    return key


def _plan(actor: Any, plan_id: int) -> FundPlan:
    return selectors.plan_get(actor=actor, pk=plan_id)


def _detail(actor: Any, plan: FundPlan) -> FundPlan:
    """The plan with the items the actor may see (a district's roles: their district's)."""
    plan.visible_items = list(selectors.plan_items(actor=actor, plan=plan))  # type: ignore[attr-defined]
    return plan


# --- budgets ----------------------------------------------------------------------------------
@router.get(
    "/budgets", response=list[BudgetOut], summary="预算执行：各来源、年度、区的总额、占用、拨付、追回与余额"
)
@paginate(LimitOffsetPagination)
def budget_list(request: HttpRequest, filters: Query[BudgetFilters]) -> Any:
    return selectors.budget_list(actor=api_user(request), **filters.dict())


@router.post(
    "/budgets", response={201: BudgetOut}, summary="设立预算并下达（市财政局：市级；区财政局：本区）"
)
def budget_create(request: HttpRequest, payload: BudgetCreateIn) -> Any:
    district = None
    if payload.district:
        district = District.objects.filter(pk=payload.district).first()
        if district is None:
            raise ValidationError({"district": "区划代码无效。"})
    budget = services.budget_create(
        actor=api_user(request),
        fiscal_year=payload.fiscal_year,
        source=payload.source,
        district=district,
        amount=payload.amount,
    )
    return Status(201, budget)


@router.get("/budgets/{budget_id}", response=BudgetOut, summary="一项预算的执行情况")
def budget_get(request: HttpRequest, budget_id: int) -> Any:
    return selectors.budget_get(actor=api_user(request), pk=budget_id)


@router.post(
    "/budgets/{budget_id}/adjust", response=BudgetOut, summary="追加或调减预算（记一笔调整，不改总额）"
)
def budget_adjust(request: HttpRequest, budget_id: int, payload: BudgetAdjustIn) -> Any:
    actor = api_user(request)
    budget = selectors.budget_get(actor=actor, pk=budget_id)
    return services.budget_adjust(actor=actor, budget=budget, amount=payload.amount, note=payload.note)


@router.get(
    "/budgets/{budget_id}/projects", response=list[BudgetProjectOut], summary="预算执行明细：该预算支付的项目"
)
@paginate(LimitOffsetPagination)
def budget_projects(request: HttpRequest, budget_id: int) -> Any:
    actor = api_user(request)
    budget = selectors.budget_get(actor=actor, pk=budget_id)
    return selectors.budget_projects(actor=actor, budget=budget)


# --- fund plans -------------------------------------------------------------------------------
@router.get("/plans", response=list[PlanOut], summary="资金计划列表")
@paginate(LimitOffsetPagination)
def plan_list(
    request: HttpRequest, status: Literal["draft", "head_approved", "approved", "cancelled"] | None = None
) -> Any:
    return selectors.plan_list(actor=api_user(request), status=status)


@router.post(
    "/plans",
    response={201: PlanDetailOut},
    summary="编制资金计划（市经信委；已立项项目，拆分市区两级和配套，分期）",
)
def plan_draft(request: HttpRequest, payload: PlanDraftIn) -> Any:
    actor = api_user(request)
    require(permissions.can_draft_plan(actor), "funds.fund_plan_draft")
    call = Call.objects.visible_to(actor).filter(pk=payload.call_id).first()
    if call is None:
        raise ValidationError({"call_id": "申报通知不存在。"})
    plan = services.fund_plan_draft(
        actor=actor,
        call=call,
        application_ids=payload.application_ids,
        central_support=payload.central_support,
        fiscal_year=payload.fiscal_year,
        title=payload.title,
    )
    return Status(201, _detail(actor, plan))


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="资金计划及其项目、分级资金和分期")
def plan_get(request: HttpRequest, plan_id: int) -> Any:
    actor = api_user(request)
    return _detail(actor, _plan(actor, plan_id))


def _transition(request: HttpRequest, plan_id: int, action: str, comment: str = "") -> Any:
    actor = api_user(request)
    plan = services.fund_plan_transition(
        actor=actor, plan=_plan(actor, plan_id), action=action, comment=comment
    )
    return _detail(actor, plan)


@router.post(
    "/plans/{plan_id}/head-approve",
    response=PlanDetailOut,
    summary="市经信委负责人审核（不能审核本人编制的计划）",
)
def plan_head_approve(request: HttpRequest, plan_id: int) -> Any:
    return _transition(request, plan_id, "head_approve")


@router.post(
    "/plans/{plan_id}/finance-approve",
    response=PlanDetailOut,
    summary="市财政局审核并下达：整体占用预算，预算不足时整体不下达（422，注明缺口）",
)
def plan_finance_approve(request: HttpRequest, plan_id: int) -> Any:
    return _transition(request, plan_id, "finance_approve")


@router.post("/plans/{plan_id}/return", response=PlanDetailOut, summary="退回修改（须说明理由）")
def plan_return(request: HttpRequest, plan_id: int, payload: CommentIn) -> Any:
    return _transition(request, plan_id, "return", payload.comment)


@router.post("/plans/{plan_id}/cancel", response=PlanDetailOut, summary="作废草稿计划（须说明理由）")
def plan_cancel(request: HttpRequest, plan_id: int, payload: CommentIn) -> Any:
    return _transition(request, plan_id, "cancel", payload.comment)


# --- payments, settlement, recovery -----------------------------------------------------------
@router.post(
    "/instalments/{instalment_id}/payments",
    response={200: PaymentOut, 201: PaymentOut},
    summary="登记拨付（拨付层级的财政经办人；须带 Idempotency-Key 请求头）",
)
def payment_record(request: HttpRequest, instalment_id: int, payload: PaymentIn) -> Any:
    actor = api_user(request)
    key = _key(request)
    visible = FundShare.objects.visible_to(actor).values("pk")
    instalment = Instalment.objects.filter(share__in=visible).get(pk=instalment_id)
    try:
        payment, created = services.payment_record(
            actor=actor, instalment=instalment, idempotency_key=key, **payload.dict()
        )
    except services.IdempotencyConflict as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(201 if created else 200, payment)


@router.get("/payments", response=list[PaymentOut], summary="拨付记录（收款账号只显示掩码）")
@paginate(LimitOffsetPagination)
def payment_list(request: HttpRequest) -> Any:
    return selectors.payment_list(actor=api_user(request))


@router.post("/items/{item_id}/cancel", response=ItemOut, summary="撤销项目资金安排：释放已占用未拨付的资金")
def item_cancel(request: HttpRequest, item_id: int, payload: CancelIn) -> Any:
    actor = api_user(request)
    item = FundPlanItem.objects.visible_to(actor).get(pk=item_id)
    services.fund_item_cancel(actor=actor, item=item, reason=payload.reason)
    return selectors.plan_items(actor=actor, plan=item.plan).get(pk=item_id)


@router.post("/items/{item_id}/settle", response=ItemOut, summary="按审计确认的实际投入清算（验收阶段调用）")
def item_settle(request: HttpRequest, item_id: int, payload: SettleIn) -> Any:
    actor = api_user(request)
    item = FundPlanItem.objects.visible_to(actor).get(pk=item_id)
    services.fund_item_settle(actor=actor, item=item, audited_investment=payload.audited_investment)
    return selectors.plan_items(actor=actor, plan=item.plan).get(pk=item_id)


@router.get("/recoveries", response=list[RecoveryOut], summary="追回记录")
@paginate(LimitOffsetPagination)
def recovery_list(request: HttpRequest) -> Any:
    return selectors.recovery_list(actor=api_user(request))


@router.post(
    "/recoveries/{recovery_id}/record",
    response={200: RecoveryOut, 201: RecoveryOut},
    summary="登记追回资金已退回（须带 Idempotency-Key 请求头）",
)
def recovery_record(request: HttpRequest, recovery_id: int, payload: RecoveryRecordIn) -> Any:
    actor = api_user(request)
    key = _key(request)
    recovery = Recovery.objects.visible_to(actor).get(pk=recovery_id)
    try:
        recorded, created = services.recovery_record(
            actor=actor,
            recovery=recovery,
            returned_on=payload.returned_on,
            voucher_number=payload.voucher_number,
            idempotency_key=key,
        )
    except services.IdempotencyConflict as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(201 if created else 200, recorded)


@router.get(
    "/projects", response=list[ProjectFundsOut], summary="项目资金：核定金额、分期与拨付（企业看本企业项目）"
)
@paginate(LimitOffsetPagination)
def project_funds(request: HttpRequest) -> Any:
    return selectors.project_funds(actor=api_user(request))
