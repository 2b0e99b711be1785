"""Calls for applications (申报通知) and their rules.

A call's rules live in :class:`CallRules`, versioned: the rules of a published call are frozen; a
change makes a new version, and each application records the version it was submitted under.
Amounts and rates are columns (never JSON), so they can be summed, indexed and audited.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from jigai.calls.choices import CallPhase, CallStatus, DistrictShareBase, InstalmentTrigger, SupportForm
from jigai.catalog.models import sees_drafts

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 6, "decimal_places": 4}


class CallQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """Published calls are public; drafts and cancelled calls only for the commission's officers
        and heads (市经信委经办人、负责人)."""
        if sees_drafts(user):
            return self.all()
        return self.filter(status=CallStatus.PUBLISHED)


class Call(models.Model):
    catalog_version = models.ForeignKey(
        "catalog.CatalogVersion", verbose_name="支持目录版本", on_delete=models.PROTECT, related_name="calls"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("标题", max_length=200)
    document_number = models.CharField("文号", max_length=60, blank=True)
    description = models.TextField("通知正文", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT, db_index=True
    )
    opens_at = models.DateTimeField("申报开始时间")
    closes_at = models.DateTimeField("申报截止时间")
    district_forward_date = models.DateField("区推荐截止日期")
    directions = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name="支持方向", blank=True, related_name="calls"
    )
    budget = models.DecimalField("专项资金预算（元）", null=True, blank=True, **MONEY)
    current_rules = models.ForeignKey(
        "calls.CallRules",
        verbose_name="现行规则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = "申报通知"
        verbose_name_plural = "申报通知"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_window_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime | None = None) -> CallPhase:
        """Where the window stands at ``now`` (server time). The closing moment itself is closed:
        with the 2026 call, 16:00:00 Shanghai time on 4 February is too late, 15:59:59 is not."""
        now = now or timezone.now()
        if now < self.opens_at:
            return CallPhase.UPCOMING
        if now < self.closes_at:
            return CallPhase.OPEN
        return CallPhase.CLOSED

    def is_open(self, now: datetime | None = None) -> bool:
        return self.status == CallStatus.PUBLISHED and self.phase(now) == CallPhase.OPEN

    @property
    def rules(self) -> CallRules:
        """The rules in force (every call has them from its creation; see ``current_rules``)."""
        assert self.current_rules is not None, "a call always has current rules"
        return self.current_rules


class CallRules(models.Model):
    """One version of a call's eligibility and support rules (defaults: the 2026 call, rules.md §3)."""

    call = models.ForeignKey(
        Call, verbose_name="申报通知", on_delete=models.CASCADE, related_name="rule_versions"
    )
    version = models.PositiveSmallIntegerField("版本", default=1)
    frozen = models.BooleanField("已冻结", default=False)
    support_form = models.CharField(
        "支持方式", max_length=20, choices=SupportForm.choices, default=SupportForm.INVESTMENT_SUBSIDY
    )
    min_total_investment = models.DecimalField("最低总投资（元）", default=Decimal("20000000.00"), **MONEY)
    min_fixed_asset_share = models.DecimalField(
        "固定资产投资占比须高于",
        default=Decimal("0.6000"),
        help_text="占比须严格高于此值（2026 年：60%）",
        **RATE,
    )
    support_rate = models.DecimalField("支持比例上限", default=Decimal("0.1000"), **RATE)
    cap_per_project = models.DecimalField("单个项目支持上限（元）", default=Decimal("100000000.00"), **MONEY)
    national_matching_ratio = models.DecimalField("国家项目配套比例", default=Decimal("0.0000"), **RATE)
    max_construction_months = models.PositiveSmallIntegerField("建设期上限（月）", default=24)
    publicity_working_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    credit_bar_years = models.PositiveSmallIntegerField("失信限制申报年限", default=3)
    note = models.TextField("变更说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["call", "-version"]
        verbose_name = "申报规则"
        verbose_name_plural = "申报规则"
        constraints = [models.UniqueConstraint(fields=["call", "version"], name="call_rules_version_unique")]

    def __str__(self) -> str:
        return f"{self.call} 规则 v{self.version}"


class CallInvestmentItem(models.Model):
    """An eligible investment item (建筑工程、设备器具购置、软件…).

    Fixed-asset items count toward the fixed-asset share."""

    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="investment_items")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=60)
    is_fixed_asset = models.BooleanField("属于固定资产")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["rules", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["rules", "code"], name="call_item_code_unique")]

    def __str__(self) -> str:
        return self.name


class CallPrerequisite(models.Model):
    """A procedure that must be done before applying (立项备案、规划、土地、环保、资金落实、开工)."""

    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="prerequisites")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=60)
    needs_document = models.BooleanField("须填写文号", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["rules", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["rules", "code"], name="call_prereq_code_unique")]

    def __str__(self) -> str:
        return self.name


class CallAllowedIndustry(models.Model):
    """An industry (GB/T 4754-2017 section, division, group or class) whose enterprises may apply
    under this rules version: an enterprise's industry or one of its parents must be listed. A
    version without any row admits every industry (the versions made before this rule existed)."""

    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="allowed_industries")
    industry = models.ForeignKey(
        "reference.Industry", verbose_name="行业", on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["rules", "sort_order"]
        verbose_name = "允许申报的行业"
        verbose_name_plural = "允许申报的行业"
        constraints = [
            models.UniqueConstraint(fields=["rules", "industry"], name="call_allowed_industry_unique")
        ]

    def __str__(self) -> str:
        return str(self.industry)


class CallAttachmentRequirement(models.Model):
    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="attachment_requirements")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=100)
    required = models.BooleanField("必须提供", default=True)
    allowed_types = models.CharField(
        "允许的文件类型", max_length=100, default="pdf", help_text="逗号分隔：pdf,jpg,png,docx,xlsx,zip"
    )
    max_size_mb = models.PositiveSmallIntegerField("大小上限（MB）", default=20)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["rules", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["rules", "code"], name="call_attachment_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def allowed_type_list(self) -> list[str]:
        return [t.strip().lower() for t in self.allowed_types.split(",") if t.strip()]


class CallInstalment(models.Model):
    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField("期次")
    trigger = models.CharField("拨付条件", max_length=12, choices=InstalmentTrigger.choices)
    percent = models.DecimalField("比例", **RATE)

    class Meta:
        ordering = ["rules", "sequence"]
        constraints = [models.UniqueConstraint(fields=["rules", "sequence"], name="call_instalment_unique")]

    def __str__(self) -> str:
        return f"第{self.sequence}期 {self.percent:.0%}"


class CallDistrictShare(models.Model):
    """The district's own share of support for projects in it (configurable per district and call)."""

    rules = models.ForeignKey(CallRules, on_delete=models.CASCADE, related_name="district_shares")
    district = models.ForeignKey("reference.District", on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField("区支持比例", default=Decimal("0.0000"), **RATE)
    base = models.CharField(
        "计算基数",
        max_length=24,
        choices=DistrictShareBase.choices,
        default=DistrictShareBase.APPROVED_FIXED_ASSETS,
    )
    cap = models.DecimalField("区支持上限（元）", null=True, blank=True, **MONEY)
    construction_cap_share = models.DecimalField("建筑工程计入比例上限", null=True, blank=True, **RATE)
    paid_after_acceptance = models.BooleanField("验收后拨付", default=True)

    class Meta:
        ordering = ["rules", "district"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "district"], name="call_district_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.rate:.2%}"
