"""The decision: each application's result of the comprehensive review, the proposed list, its
publicity (公示) and the objections lodged against it (rules.md §2–3, issue 4).

The tables keep the names they had in the review app (``review_…``): the models moved here
without moving any data (see migrations/0001).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from jigai.decisions.choices import ObjectionStatus, ProposedListStatus

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
SCORE: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}


class Decision(models.Model):
    """The comprehensive review's result for one application: score, rank and approved amounts."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="decision"
    )
    final_score = models.DecimalField("评审得分", null=True, blank=True, **SCORE)
    score_spread_flag = models.BooleanField("专家分差过大", default=False)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    approved_investment = models.DecimalField("核定总投入（元）", null=True, blank=True, **MONEY)
    formula_support = models.DecimalField("按公式计算的支持金额（元）", null=True, blank=True, **MONEY)
    approved_support = models.DecimalField("核定支持金额（元）", null=True, blank=True, **MONEY)
    reduction_reason = models.TextField("调减理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("核定时间", null=True, blank=True)
    # Membership of the proposed list (set when the head proposes it; kept after approval, so the
    # public page shows past lists whatever happens to the projects later). An upheld objection
    # removes the application: the row stays, with when and why.
    proposed_list = models.ForeignKey(
        "decisions.ProposedList",
        verbose_name="拟支持名单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    removed_at = models.DateTimeField("移出名单时间", null=True, blank=True)
    removal_reason = models.TextField("移出名单理由", blank=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.decision"

    class Meta:
        db_table = "review_decision"
        ordering = ["rank"]
        verbose_name = "评审结果"
        verbose_name_plural = "评审结果"
        indexes = [models.Index(fields=["proposed_list", "rank"], name="decision_list_rank")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.approved_support}"


class ProposedList(models.Model):
    """The list of applications the municipal head proposes for support; frozen once proposed."""

    call = models.OneToOneField("calls.Call", on_delete=models.PROTECT, related_name="proposed_list")
    status = models.CharField(
        "状态", max_length=10, choices=ProposedListStatus.choices, default=ProposedListStatus.DRAFT
    )
    total_support = models.DecimalField("拟支持金额合计（元）", default=Decimal("0"), **MONEY)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提出时间", null=True, blank=True)
    publicity_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    publicity_ends_at = models.DateTimeField("公示截止时间", null=True, blank=True)
    publicity_end_provisional = models.BooleanField("截止日期待定（节假日安排未知）", default=False)
    publicity_working_days = models.PositiveSmallIntegerField("公示期（工作日）", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.proposedlist"

    class Meta:
        db_table = "review_proposedlist"
        verbose_name = "拟支持项目名单"
        verbose_name_plural = "拟支持项目名单"

    def __str__(self) -> str:
        return f"{self.call} 拟支持名单"


def objection_attachment_path(instance: Objection, filename: str) -> str:
    import uuid

    return f"objections/{instance.proposed_list_id}/{uuid.uuid4().hex}"


class Objection(models.Model):
    """An objection lodged by anyone during the publicity period."""

    proposed_list = models.ForeignKey(ProposedList, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField("异议人姓名或单位", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    content = models.TextField("异议内容")
    attachment = models.FileField("证明材料", upload_to=objection_attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField("原文件名", max_length=200, blank=True)
    attachment_type = models.CharField("文件类型（按内容识别）", max_length=10, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    ip_address = models.CharField("IP 地址", max_length=45, blank=True)
    status = models.CharField(
        "处理状态",
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        db_index=True,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handling_reason = models.TextField("处理意见", blank=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.objection"

    class Meta:
        db_table = "review_objection"
        ordering = ["-submitted_at"]
        verbose_name = "异议"
        verbose_name_plural = "异议"
        indexes = [models.Index(fields=["proposed_list", "status"], name="objection_list_status")]

    def __str__(self) -> str:
        return f"{self.name}: {self.content[:20]}"
