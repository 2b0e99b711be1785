"""An enterprise's application to a call: the project, its investment, financing, expected outcomes,
prerequisites, other public funding and attachments (rules.md §2–3).

Totals (total and fixed-asset investment, the share, the requested support) are columns kept in step
by the services from the investment lines, so lists can filter, sort and sum them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from jigai.applications.choices import ApplicationStatus, DuplicateKind, OtherFundingStatus
from jigai.core.scoping import ScopedQuerySet

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


class ApplicationQuerySet(ScopedQuerySet):
    scope_organisation_field = "enterprise__organisation_id"
    scope_district_field = "district_id"

    #: what an expert may read, set by the experts app (which owns the assignments) when it is
    #: ready; without it an expert sees no application
    expert_scope: ClassVar[Callable[[Any], models.Q] | None] = None

    def scope_expert_q(self, user: Any) -> models.Q | None:
        """An expert sees an application only through its own assignment (see ``expert_scope``)."""
        scope = type(self).expert_scope
        return scope(user) if scope is not None else None


class Application(models.Model):
    call = models.ForeignKey(
        "calls.Call", verbose_name="申报通知", on_delete=models.PROTECT, related_name="applications"
    )
    rules = models.ForeignKey(
        "calls.CallRules", verbose_name="适用规则版本", on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="申报企业",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    district = models.ForeignKey(
        "reference.District",
        verbose_name="属地区",
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="企业注册所在区（属地原则），负责区级审核",
    )
    reference_number = models.CharField("申报编号", max_length=30, unique=True, null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )

    # Project
    name = models.CharField("项目名称", max_length=200, blank=True)
    project_code = models.CharField("投资项目代码", max_length=24, blank=True, db_index=True)
    site_district = models.ForeignKey(
        "reference.District",
        verbose_name="建设地点（区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site_address = models.CharField("建设地址", max_length=300, blank=True)
    in_planned_block = models.BooleanField("位于规划产业区块内", null=True, blank=True)
    start_date = models.DateField("建设开始日期", null=True, blank=True)
    end_date = models.DateField("建设完成日期", null=True, blank=True)
    direction = models.ForeignKey(
        "catalog.CatalogItem",
        verbose_name="支持方向",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    summary = models.TextField("主要技术内容", blank=True)
    project_lead_name = models.CharField("项目负责人", max_length=50, blank=True)
    project_lead_id_number = models.CharField("项目负责人身份证号", max_length=18, blank=True)

    # Investment totals, kept from the lines by the services
    total_investment = models.DecimalField("总投资（元）", default=ZERO, db_index=True, **MONEY)
    fixed_asset_investment = models.DecimalField("固定资产投资（元）", default=ZERO, **MONEY)
    fixed_asset_share = models.DecimalField(
        "固定资产投资占比", max_digits=7, decimal_places=6, default=Decimal(0)
    )
    requested_support = models.DecimalField("申请支持金额（元）", default=ZERO, db_index=True, **MONEY)

    # Financing sources
    own_funds = models.DecimalField("自有资金（元）", default=ZERO, **MONEY)
    bank_loans = models.DecimalField("银行贷款（元）", default=ZERO, **MONEY)
    financing_lease = models.DecimalField("融资租赁（元）", default=ZERO, **MONEY)
    other_financing = models.DecimalField("其他资金（元）", default=ZERO, **MONEY)

    # Expected outcomes
    new_output_value = models.DecimalField("新增产值（元）", default=ZERO, **MONEY)
    new_product_output_value = models.DecimalField("新产品产值（元）", default=ZERO, **MONEY)
    new_tax = models.DecimalField("新增税收（元）", default=ZERO, **MONEY)
    energy_saved_tce = models.DecimalField(
        "节能量（吨标准煤）", max_digits=14, decimal_places=2, default=ZERO
    )
    emissions_reduced_t = models.DecimalField("减排量（吨）", max_digits=14, decimal_places=2, default=ZERO)
    jobs_created = models.PositiveIntegerField("新增就业（人）", default=0)

    # Flags found at submission, for the reviewers
    has_duplicate_flags = models.BooleanField("存在疑似重复", default=False, db_index=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近保存", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, db_index=True)
    lock_version = models.PositiveIntegerField(
        "版本号", default=0, help_text="乐观锁：防止两处同时修改互相覆盖"
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "项目申报"
        verbose_name_plural = "项目申报"
        indexes = [
            models.Index(fields=["call", "status"], name="application_call_status"),
            models.Index(fields=["district", "status"], name="application_district_status"),
            models.Index(fields=["enterprise", "call"], name="application_enterprise_call"),
            models.Index(fields=["-submitted_at", "id"], name="application_submitted_order"),
            # The district list and the municipal list by status, newest submission first.
            models.Index(fields=["district", "-submitted_at", "id"], name="application_district_submitted"),
            models.Index(fields=["status", "-submitted_at", "id"], name="application_status_submitted"),
        ]

    def __str__(self) -> str:
        return self.name or f"申报 #{self.pk}"


class InvestmentLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="investment_lines")
    item_code = models.CharField("投资项目代码", max_length=30)
    item_name = models.CharField("投资项目", max_length=60)
    is_fixed_asset = models.BooleanField("属于固定资产")
    amount = models.DecimalField("金额（元）", default=ZERO, **MONEY)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item_code"], name="investment_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_name} {self.amount}"


class PrerequisiteRecord(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="prerequisites")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("前期手续", max_length=60)
    done = models.BooleanField("已完成", default=False)
    document_number = models.CharField("文号", max_length=100, blank=True)
    document_date = models.DateField("日期", null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="prerequisite_record_unique")
        ]

    def __str__(self) -> str:
        return self.name


class OtherFunding(models.Model):
    """Other public funding received or applied for, for the same project (declared by the enterprise)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="other_funding")
    programme = models.CharField("资金名称", max_length=200)
    authority = models.CharField("主管部门", max_length=100, blank=True)
    amount = models.DecimalField("金额（元）", default=ZERO, **MONEY)
    status = models.CharField("状态", max_length=10, choices=OtherFundingStatus.choices)

    class Meta:
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.programme


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploader's file name on disk: a random name under the application's folder.
    import uuid

    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement_code = models.CharField("材料类别", max_length=30)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    detected_type = models.CharField("文件类型（按内容识别）", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["application", "requirement_code", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class DuplicateFlag(models.Model):
    """A near duplicate found at submission, kept for the reviewers (hard duplicates are refused)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="duplicate_flags")
    other = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    kind = models.CharField("类型", max_length=20, choices=DuplicateKind.choices)
    similarity = models.DecimalField("相似度", max_digits=4, decimal_places=3, null=True, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"


class ApplicationTransition(models.Model):
    """The full history of an application's states: who, when, from, to, comment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=24, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=24, choices=ApplicationStatus.choices)
    action = models.CharField("操作", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField("角色", max_length=30, blank=True)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class ReferenceCounter(models.Model):
    """The last serial of the reference numbers JG{year}-{district}-{serial} given in a year and district.

    One row per (year, district), incremented under a row lock by the submission, so concurrent
    submissions never get the same number and none is skipped. The key is the year, not the call,
    because the number shows only the year: two calls of one year share the series.
    """

    year = models.PositiveSmallIntegerField("年度")
    district = models.ForeignKey("reference.District", on_delete=models.PROTECT, related_name="+")
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "申报编号计数器"
        verbose_name_plural = "申报编号计数器"
        constraints = [models.UniqueConstraint(fields=["year", "district"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"JG{self.year}-{self.district_id}: {self.last_serial}"
