"""An enterprise's profile: what the programme needs to know beyond the organisation record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from jigai.core.scoping import ScopedQuerySet
from jigai.enterprises.choices import EnterpriseStatus, SpecialisedStatus
from jigai.reference.choices import EnterpriseSize


class EnterpriseQuerySet(ScopedQuerySet):
    scope_organisation_field = "organisation_id"
    scope_district_field = "district_id"


class Enterprise(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name="机构", on_delete=models.PROTECT, related_name="enterprise"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    district = models.ForeignKey(
        "reference.District", verbose_name="所在区", on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField("注册地址", max_length=300, blank=True)
    industry = models.ForeignKey(
        "reference.Industry", verbose_name="所属行业", on_delete=models.PROTECT, related_name="enterprises"
    )
    employees = models.PositiveIntegerField("从业人员（人）", default=0)
    operating_revenue = models.DecimalField(
        "营业收入（万元）", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    size = models.CharField("企业规模", max_length=10, choices=EnterpriseSize.choices, db_index=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系人电子邮箱", blank=True)
    high_tech_certificate_number = models.CharField("高新技术企业证书编号", max_length=20, blank=True)
    high_tech_valid_until = models.DateField("高新技术企业证书有效期至", null=True, blank=True)
    specialised_status = models.CharField(
        "专精特新",
        max_length=16,
        choices=SpecialisedStatus.choices,
        default=SpecialisedStatus.NONE,
    )
    status = models.CharField(
        "确认状态",
        max_length=12,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.PENDING,
        db_index=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="注册人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The district's latest decision (confirmation or rejection): who and when. ``rejection_reason``
    # stays after a resubmission, so that the district sees why it returned the registration before.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认（退回）人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认（退回）时间", null=True, blank=True)
    rejection_reason = models.TextField("退回原因", blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [models.Index(fields=["district", "name"], name="enterprise_district_name")]

    def __str__(self) -> str:
        return self.name

    def is_high_tech_on(self, day: dt.date) -> bool:
        """A high-tech enterprise (高新技术企业) on ``day``: it has a certificate valid that day."""
        return (
            bool(self.high_tech_certificate_number)
            and self.high_tech_valid_until is not None
            and day <= self.high_tech_valid_until
        )

    @property
    def is_high_tech(self) -> bool:
        """A high-tech enterprise today (Shanghai time)."""
        return self.is_high_tech_on(timezone.localdate())


class CreditCodeException(models.Model):
    """An early-issued credit code that fails the GB 32100 check, accepted by an official with a reason."""

    code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    reason = models.TextField("接受理由")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接受人", on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField("接受时间", auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = "信用代码校验例外"
        verbose_name_plural = "信用代码校验例外"

    def __str__(self) -> str:
        return self.code


class CreditBar(models.Model):
    """A bar from applying recorded on the public credit platform (rules.md §3: the entity and the
    project lead are barred for 3 years, the length configurable).

    The subject is either an enterprise or a person (a project lead), never both: a violation that
    bars both is recorded as two bars. ``ends_on`` is the last day of the bar (inclusive).
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="受限企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_bars",
    )
    person_name = models.CharField("受限人员姓名", max_length=50, blank=True)
    person_id_number = models.CharField("受限人员身份证号", max_length=18, blank=True, db_index=True)
    reason = models.TextField("失信事由")
    source_document = models.CharField("信用平台记录或文书编号", max_length=200)
    starts_on = models.DateField("限制开始日期")
    ends_on = models.DateField("限制截止日期（含）")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "失信限制申报记录"
        verbose_name_plural = "失信限制申报记录"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(enterprise__isnull=False) & models.Q(person_id_number=""))
                | (models.Q(enterprise__isnull=True) & ~models.Q(person_id_number="")),
                name="credit_bar_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="credit_bar_period_order"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "ends_on"], name="credit_bar_enterprise_end")]

    def __str__(self) -> str:
        subject = str(self.enterprise) if self.enterprise_id else self.person_name or self.person_id_number
        return f"{subject} {self.starts_on}–{self.ends_on}"
