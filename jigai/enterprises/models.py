"""An enterprise's profile: what the programme needs to know beyond the organisation record."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from jigai.core.scoping import ScopedQuerySet
from jigai.enterprises.choices import EnterpriseStatus
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
    status = models.CharField(
        "确认状态", max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [models.Index(fields=["district", "name"], name="enterprise_district_name")]

    def __str__(self) -> str:
        return self.name


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
