"""The expert review: the pool with declared conflicts, each call's rubric and panel, the draws,
the assignments and the scores (rules.md §2, issue 4).

The tables keep the names they had in the review app (``review_…``): the models moved here
without moving any data (see migrations/0001).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from jigai.core.scoping import ScopedQuerySet
from jigai.experts.choices import AssignmentStatus, PanelStatus

if TYPE_CHECKING:
    from jigai.accounts.models import Organisation

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
SCORE: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}


class ExpertProfile(models.Model):
    """An expert of the pool: the user (role expert) and its employer (user.organisation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    title = models.CharField("职称", max_length=60, blank=True)
    specialty = models.CharField("专业领域", max_length=200, blank=True)
    directions = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name="熟悉的支持方向", blank=True, related_name="+"
    )
    industries = models.ManyToManyField(
        "reference.Industry", verbose_name="熟悉的行业", blank=True, related_name="+"
    )
    is_active = models.BooleanField("在库可抽取", default=True)
    declared_conflicts: models.ManyToManyField[Organisation, ExpertConflict] = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name="申报的利益关联单位",
        blank=True,
        related_name="+",
        through="ExpertConflict",
    )

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.expertprofile"

    class Meta:
        db_table = "review_expertprofile"
        ordering = ["user__username"]
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"

    def __str__(self) -> str:
        return str(self.user)


class ExpertConflict(models.Model):
    """An organisation an expert declared a conflict of interest with, and why (the expert is never
    drawn for its applications, nor for those of organisations related to it)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("关联情况", max_length=300)
    declared_at = models.DateTimeField("声明时间", auto_now_add=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.expertconflict"

    class Meta:
        db_table = "review_expertconflict"
        ordering = ["expert", "-declared_at"]
        verbose_name = "专家申报的利益关联"
        verbose_name_plural = "专家申报的利益关联"
        constraints = [
            models.UniqueConstraint(fields=["expert", "organisation"], name="expert_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} ↔ {self.organisation_id}"


class RubricCriterion(models.Model):
    """A scoring criterion of a call's rubric (weights in percent, scores up to max_score)."""

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="rubric")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("评分项", max_length=60)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    max_score = models.DecimalField("满分", default=Decimal("100"), **SCORE)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.rubriccriterion"

    class Meta:
        db_table = "review_rubriccriterion"
        ordering = ["call", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="rubric_code_unique")]

    def __str__(self) -> str:
        return self.name


class Panel(models.Model):
    """The expert review of one call: how many experts per application, the draw's seed, the deadline."""

    call = models.OneToOneField("calls.Call", on_delete=models.PROTECT, related_name="panel")
    experts_per_application = models.PositiveSmallIntegerField("每个项目专家人数", default=5)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    spread_threshold = models.DecimalField("分差预警阈值", default=Decimal("20.00"), **SCORE)
    deadline = models.DateTimeField("评分截止时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=PanelStatus.choices, default=PanelStatus.OPEN)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.panel"

    class Meta:
        db_table = "review_panel"
        verbose_name = "专家评审"
        verbose_name_plural = "专家评审"

    def __str__(self) -> str:
        return f"{self.call} 专家评审"


class AssignmentQuerySet(ScopedQuerySet):
    """Assignments are seen by municipal roles (all) and by the expert they belong to; enterprises and
    districts never see who reviews."""

    def scope_expert_q(self, user: Any) -> models.Q | None:
        return models.Q(expert__user=user)


class Assignment(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        "状态", max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.DRAWN, db_index=True
    )
    draw_round = models.PositiveSmallIntegerField("抽取轮次", default=1)
    draw_position = models.PositiveIntegerField("抽取顺位", default=0)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    recusal_reason = models.TextField("回避理由", blank=True)
    replacement_reason = models.TextField("替换理由", blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    total_score = models.DecimalField("加权总分", null=True, blank=True, **SCORE)
    investment_opinion = models.DecimalField("建议核定总投资（元）", null=True, blank=True, **MONEY)
    overall_comment = models.TextField("总体意见", blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.assignment"

    class Meta:
        db_table = "review_assignment"
        ordering = ["panel", "application", "draw_position"]
        verbose_name = "专家评审任务"
        verbose_name_plural = "专家评审任务"
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="assignment_expert_once"),
        ]
        indexes = [models.Index(fields=["expert", "status"], name="assignment_expert_status")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application_id}"


class DrawRecord(models.Model):
    """One round of the draw for one application: the candidates it was drawn from (ascending expert
    ids, after excluding conflicts and experts drawn before), whether the matching pool was too
    small so the whole active pool was used, and the experts drawn. With the panel's seed, anyone
    can re-run ``random.Random(f"{seed}:{application_id}:{round}").sample(candidates, k)`` and get
    the same experts (``jigai.experts.verify.expert_panel_verify``)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="draw_records")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="expert_draws"
    )
    draw_round = models.PositiveSmallIntegerField("抽取轮次")
    candidate_ids = models.TextField("候选专家（ID，升序，逗号分隔）")
    candidate_count = models.PositiveIntegerField("候选人数")
    drawn_ids = models.CharField("抽中专家（ID，按顺位）", max_length=300)
    from_whole_pool = models.BooleanField("匹配专家不足，从全库抽取", default=False)
    drawn_at = models.DateTimeField("抽取时间")

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.drawrecord"

    class Meta:
        db_table = "review_drawrecord"
        ordering = ["panel", "application", "draw_round"]
        verbose_name = "专家抽取记录"
        verbose_name_plural = "专家抽取记录"
        constraints = [
            models.UniqueConstraint(fields=["application", "draw_round"], name="draw_record_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} 第 {self.draw_round} 轮"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", **SCORE)
    comment = models.TextField("意见", blank=True)

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.score"

    class Meta:
        db_table = "review_score"
        ordering = ["assignment", "criterion__sort_order"]
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
