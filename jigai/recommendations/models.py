"""Review and decision: district recommendation, experts and their scores, the decision on each
application, the proposed list, its publicity (公示) and objections (rules.md §1–3, issue 4).

The application's status is changed only by the workflow (jigai/applications/workflow.py); these
models hold what each step records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from jigai.core.scoping import ScopedQuerySet
from jigai.review.choices import (
    AssignmentStatus,
    CalendarDayKind,
    CorrectionSection,
    CorrectionStage,
    ObjectionStatus,
    PanelStatus,
    ProposedListStatus,
    RecommendationStatus,
)

if TYPE_CHECKING:
    from jigai.accounts.models import Organisation

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
SCORE: dict[str, Any] = {"max_digits": 6, "decimal_places": 2}


# --- District review ------------------------------------------------------------------------
class CorrectionRequestQuerySet(ScopedQuerySet):
    """A return is seen by whoever sees its application (the enterprise, its district, the city)."""

    scope_organisation_field = "application__enterprise__organisation_id"
    scope_district_field = "application__district_id"


class CorrectionRequest(models.Model):
    """A return for correction, with the reason for each item to correct."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="correction_requests"
    )
    stage = models.CharField(
        "退回环节", max_length=10, choices=CorrectionStage.choices, default=CorrectionStage.DISTRICT
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("退回时间", auto_now_add=True)
    resolved_at = models.DateTimeField("重新提交时间", null=True, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["application", "-requested_at", "-id"]
        verbose_name = "退回修改"
        verbose_name_plural = "退回修改"

    def __str__(self) -> str:
        return f"退回 {self.application_id}"


class CorrectionItem(models.Model):
    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField("需修改的部分", max_length=60, choices=CorrectionSection.choices)
    reason = models.TextField("理由")

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.section}: {self.reason[:30]}"


class RecommendationQuerySet(ScopedQuerySet):
    """A district sees its own recommendation documents (属地原则), the city's roles all of them;
    enterprises and experts none (the district's ranking is an internal document)."""

    scope_district_field = "district_id"


class Recommendation(models.Model):
    """A district's recommendation document (推荐文号), covering one or several applications."""

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="recommendations")
    district = models.ForeignKey("reference.District", on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField("推荐文号", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.PREPARED
    )
    opinion = models.TextField("推荐意见", blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField("拟推荐时间", auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = "区推荐文件"
        verbose_name_plural = "区推荐文件"
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~models.Q(document_number=""),
                name="recommendation_doc_unique",
            )
        ]

    def __str__(self) -> str:
        return self.document_number or f"推荐 #{self.pk}"


class RecommendationItem(models.Model):
    """One application of a recommendation document, with its rank among the district's
    applications of the call. An application may appear in several documents over time (a
    municipal return sends it back to the district, which recommends it again under a new
    number); the service keeps it in at most one document that is not withdrawn at a time."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="recommendation_items"
    )
    priority = models.PositiveSmallIntegerField("推荐排序")
    opinion = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["recommendation", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "priority"], name="recommendation_priority_unique"
            ),
            models.UniqueConstraint(
                fields=["recommendation", "application"], name="recommendation_application_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.application_id}"


# --- Experts ----------------------------------------------------------------------------------
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

    class Meta:
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

    class Meta:
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

    class Meta:
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

    class Meta:
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

    class Meta:
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
    the same experts (``jigai.review.experts_draw.expert_panel_verify``)."""

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

    class Meta:
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

    class Meta:
        ordering = ["assignment", "criterion__sort_order"]
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# --- Decision and publicity -------------------------------------------------------------------
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
        "review.ProposedList",
        verbose_name="拟支持名单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    removed_at = models.DateTimeField("移出名单时间", null=True, blank=True)
    removal_reason = models.TextField("移出名单理由", blank=True)

    class Meta:
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

    class Meta:
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

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "异议"
        verbose_name_plural = "异议"
        indexes = [models.Index(fields=["proposed_list", "status"], name="objection_list_status")]

    def __str__(self) -> str:
        return f"{self.name}: {self.content[:20]}"


class CalendarDay(models.Model):
    """A day of the State Council's holiday schedule entered by an official, for a year the calendar
    library does not know yet (holidays, and the weekend days made working days, 调休)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=CalendarDayKind.choices)
    note = models.CharField("说明", max_length=60, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Each user sees only the notices addressed to it."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class Notification(models.Model):
    """An in-app notice to a user who must act next (also e-mailed through the configured backend)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField("事项", max_length=60)
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message
