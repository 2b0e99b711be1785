"""Budgets as a ledger, fund plans (资金计划) with their shares and instalments, payments and recoveries.

A :class:`Budget`'s figures (total, committed, disbursed, recovered, available) are denormalised sums
of its :class:`BudgetEntry` rows, kept by the services in :mod:`jigai.funds.ledger` under a row lock,
and the database refuses a row whose available amount is below zero or does not equal total less
committed (check constraints, on SQLite and PostgreSQL alike). Meaning of the figures:

* ``total`` — appropriations plus adjustments;
* ``committed`` — what approved fund plans hold, paid or not (less releases and recoveries);
* ``disbursed`` — what has been paid out (gross);
* ``recovered`` — what came back after settlement (追回);
* ``available`` — ``total − committed``: what a new plan may still commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from jigai.core.scoping import Scope, ScopedQuerySet, scope_for
from jigai.funds.choices import (
    BudgetSource,
    EntryKind,
    FundPlanStatus,
    ItemStatus,
    RecoveryStatus,
    ShareLevel,
)

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
# The database checks compare to the fen: SQLite keeps a decimal column as a binary float, where
# 0.30 − 0.10 − 0.20 is −2.8e−17, not 0, so an exact "≥ 0" or "=" would refuse a budget spent to the
# last fen. Half a fen either way is exact enough for amounts in fen (PostgreSQL's numeric is exact
# anyway); the services compare exact Decimals before the database ever sees a row.
HALF_FEN = Decimal("0.005")
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 4}
ZERO_MONEY = 0


class BudgetQuerySet(ScopedQuerySet):
    """The city's budgets are read by the city's roles; a district's roles read their district's."""

    scope_district_field = "district_id"


class Budget(models.Model):
    fiscal_year = models.PositiveSmallIntegerField("预算年度", db_index=True)
    source = models.CharField("资金来源", max_length=20, choices=BudgetSource.choices)
    district = models.ForeignKey(
        "reference.District",
        verbose_name="区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("预算名称", max_length=100)
    total = models.DecimalField("预算总额（元）", default=ZERO_MONEY, **MONEY)
    committed = models.DecimalField("已占用（元）", default=ZERO_MONEY, **MONEY)
    disbursed = models.DecimalField("已拨付（元）", default=ZERO_MONEY, **MONEY)
    recovered = models.DecimalField("已追回（元）", default=ZERO_MONEY, **MONEY)
    available = models.DecimalField("可用余额（元）", default=ZERO_MONEY, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "source", "district"]
        verbose_name = "预算"
        verbose_name_plural = "预算"
        constraints = [
            models.CheckConstraint(
                condition=Q(available__gt=-HALF_FEN), name="budget_available_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(available__gt=F("total") - F("committed") - HALF_FEN)
                & Q(available__lt=F("total") - F("committed") + HALF_FEN),
                name="budget_available_is_total_less_committed",
            ),
            models.CheckConstraint(
                condition=Q(committed__gt=-HALF_FEN, disbursed__gt=-HALF_FEN, recovered__gt=-HALF_FEN),
                name="budget_figures_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(committed__gt=F("disbursed") - F("recovered") - HALF_FEN),
                name="budget_paid_within_committed",
            ),
            models.CheckConstraint(
                condition=(Q(source="district") & Q(district__isnull=False))
                | (~Q(source="district") & Q(district__isnull=True)),
                name="budget_district_iff_district_source",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "source"],
                condition=Q(district__isnull=True),
                name="budget_city_unique",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "source", "district"],
                condition=Q(district__isnull=False),
                name="budget_district_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetEntry(models.Model):
    """One change of a budget. Amounts are positive except an adjustment, which may lower the total."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("类型", max_length=15, choices=EntryKind.choices)
    amount = models.DecimalField("金额（元）", **MONEY)
    plan = models.ForeignKey("FundPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    share = models.ForeignKey(
        "FundShare", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payment = models.ForeignKey("Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recovery = models.ForeignKey(
        "Recovery", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        ordering = ["budget", "id"]
        verbose_name = "预算分录"
        verbose_name_plural = "预算分录"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adjustment") | Q(amount__gt=0), name="budget_entry_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["budget", "kind"], name="budget_entry_budget_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FundPlanQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> FundPlanQuerySet:
        """City roles see every plan; a district's roles the plans with a project in their district;
        an enterprise the plans with its own project."""
        scope = scope_for(user)
        if scope is Scope.ALL:
            return self.all()
        if scope is Scope.DISTRICT and user.district_id:
            items = FundPlanItem.objects.filter(plan=OuterRef("pk"), district_id=user.district_id)
            return self.filter(Exists(items))
        if scope is Scope.OWN_ORGANISATION and user.organisation_id:
            items = FundPlanItem.objects.filter(
                plan=OuterRef("pk"), application__enterprise__organisation_id=user.organisation_id
            )
            return self.filter(Exists(items))
        return self.none()


class FundPlan(models.Model):
    """A fund plan (资金计划) of a call's approved projects for one fiscal year. Drafted by a municipal
    officer, approved by the municipal head, then by a finance officer (two-person rule)."""

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="fund_plans")
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    title = models.CharField("计划名称", max_length=200)
    status = models.CharField(
        "状态", max_length=15, choices=FundPlanStatus.choices, default=FundPlanStatus.DRAFT, db_index=True
    )
    total_support = models.DecimalField("核定支持金额合计（元）", default=ZERO_MONEY, **MONEY)
    total_matching = models.DecimalField("国家项目配套合计（元）", default=ZERO_MONEY, **MONEY)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField("编制时间", auto_now_add=True)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_approved_at = models.DateTimeField("市经信委审核时间", null=True, blank=True)
    finance_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finance_approved_at = models.DateTimeField("财政审核时间", null=True, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)

    objects = FundPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-id"]
        verbose_name = "资金计划"
        verbose_name_plural = "资金计划"

    def __str__(self) -> str:
        return self.title


class FundPlanTransition(models.Model):
    """The history of a plan's status: who moved it, from where to where, and why."""

    plan = models.ForeignKey(FundPlan, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=15, choices=FundPlanStatus.choices)
    to_status = models.CharField("新状态", max_length=15, choices=FundPlanStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField("角色", max_length=30)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action}"


class FundPlanItemQuerySet(ScopedQuerySet):
    scope_organisation_field = "application__enterprise__organisation_id"
    scope_district_field = "district_id"


class FundPlanItem(models.Model):
    """One approved project in a plan, with its support split into shares."""

    plan = models.ForeignKey(FundPlan, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="fund_items"
    )
    district = models.ForeignKey("reference.District", on_delete=models.PROTECT, related_name="+")
    in_force = models.BooleanField("有效", default=True, help_text="计划作废后为否，项目可进入新的计划")
    approved_support = models.DecimalField("核定支持金额（元）", **MONEY)
    central_support = models.DecimalField("中央预算内支持（元）", default=ZERO_MONEY, **MONEY)
    municipal_amount = models.DecimalField("市级资金（元）", default=ZERO_MONEY, **MONEY)
    district_amount = models.DecimalField("区级资金（元）", default=ZERO_MONEY, **MONEY)
    matching_amount = models.DecimalField("国家项目配套（元）", default=ZERO_MONEY, **MONEY)
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    audited_investment = models.DecimalField("审计确认实际投入（元）", null=True, blank=True, **MONEY)
    final_support = models.DecimalField("清算支持金额（元）", null=True, blank=True, **MONEY)
    settled_at = models.DateTimeField("清算时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancel_reason = models.TextField("撤销理由", blank=True)

    objects = FundPlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = "资金计划项目"
        verbose_name_plural = "资金计划项目"
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(in_force=True), name="fund_item_one_plan_per_project"
            ),
            models.CheckConstraint(
                condition=Q(municipal_amount__gte=0, district_amount__gte=0, matching_amount__gte=0),
                name="fund_item_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application.name)


class FundShareQuerySet(ScopedQuerySet):
    scope_organisation_field = "item__application__enterprise__organisation_id"
    scope_district_field = "item__district_id"


class FundShare(models.Model):
    """The part of one project's support paid from one source (municipal, district, national matching).

    ``committed`` is what the share holds of its budget now (its amount once the plan is approved,
    less releases and recoveries); ``paid`` the sum of its payments; ``recovered`` what came back."""

    item = models.ForeignKey(FundPlanItem, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField("资金层级", max_length=20, choices=ShareLevel.choices)
    budget = models.ForeignKey(Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="shares")
    amount = models.DecimalField("计划金额（元）", **MONEY)
    committed = models.DecimalField("占用预算（元）", default=ZERO_MONEY, **MONEY)
    paid = models.DecimalField("已拨付（元）", default=ZERO_MONEY, **MONEY)
    recovered = models.DecimalField("已追回（元）", default=ZERO_MONEY, **MONEY)
    final_amount = models.DecimalField("清算金额（元）", null=True, blank=True, **MONEY)

    objects = FundShareQuerySet.as_manager()

    class Meta:
        ordering = ["item", "level"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="fund_share_unique_level"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_share_amount_positive"),
            models.CheckConstraint(
                condition=Q(committed__gt=F("paid") - F("recovered") - HALF_FEN),
                name="fund_share_paid_within_committed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.get_level_display()}"


class Instalment(models.Model):
    """One instalment of a share (default: 50 % after approval, the rest after acceptance)."""

    share = models.ForeignKey(FundShare, on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField("期次")
    trigger = models.CharField("拨付条件", max_length=12)
    percent = models.DecimalField("比例", **RATE)
    amount = models.DecimalField("应拨付（元）", **MONEY)
    paid = models.DecimalField("已拨付（元）", default=ZERO_MONEY, **MONEY)
    payable = models.BooleanField("可拨付", default=False)

    class Meta:
        ordering = ["share", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["share", "sequence"], name="instalment_unique_sequence"),
            models.CheckConstraint(
                condition=Q(paid__lt=F("amount") + HALF_FEN), name="instalment_paid_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.sequence}期"

    @property
    def remaining(self) -> Any:
        return self.amount - self.paid


class PaymentQuerySet(ScopedQuerySet):
    scope_organisation_field = "share__item__application__enterprise__organisation_id"
    scope_district_field = "share__item__district_id"


class Payment(models.Model):
    """A payment recorded by the finance officer of the paying level. The enterprise's bank account
    is stored SM4-encrypted (:mod:`jigai.funds.crypto`) and only ever shown masked."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    share = models.ForeignKey(FundShare, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("拨付金额（元）", **MONEY)
    paid_on = models.DateField("拨付日期")
    voucher_number = models.CharField("凭证号", max_length=60)
    bank_account_encrypted = models.TextField("收款账号（SM4 密文）")
    idempotency_key = models.CharField("幂等键", max_length=100, unique=True)
    request_digest = models.CharField("请求摘要", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = "拨付记录"
        verbose_name_plural = "拨付记录"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.amount}"

    @property
    def bank_account_masked(self) -> str:
        from jigai.funds.crypto import decrypt, mask_account

        return mask_account(decrypt(self.bank_account_encrypted))


class RecoveryQuerySet(ScopedQuerySet):
    scope_organisation_field = "share__item__application__enterprise__organisation_id"
    scope_district_field = "share__item__district_id"


class Recovery(models.Model):
    """Money to come back after settlement (追回): created by the settlement, recorded by the finance
    officer of the share's level when it has come back."""

    share = models.ForeignKey(FundShare, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField("追回金额（元）", **MONEY)
    reason = models.TextField("追回原因")
    status = models.CharField(
        "状态", max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.DUE
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    voucher_number = models.CharField("凭证号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)
    idempotency_key = models.CharField("幂等键", max_length=100, unique=True, null=True, blank=True)
    request_digest = models.CharField("请求摘要", max_length=64, blank=True)

    objects = RecoveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "追回"
        verbose_name_plural = "追回"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"追回 {self.amount}"


__all__ = [
    "Budget",
    "BudgetEntry",
    "FundPlan",
    "FundPlanItem",
    "FundPlanStatus",
    "FundPlanTransition",
    "FundShare",
    "Instalment",
    "ItemStatus",
    "Payment",
    "Recovery",
    "RecoveryStatus",
    "ShareLevel",
]
