"""District review and recommendation: returns for correction with their items, and the
district's recommendation documents (推荐文号) with their ranked applications (rules.md §2, issue 4).

The tables keep the names they had in the review app (``review_…``): the models moved here
without moving any data (see migrations/0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jigai.core.scoping import ScopedQuerySet
from jigai.recommendations.choices import CorrectionSection, CorrectionStage, RecommendationStatus


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

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.correctionrequest"

    class Meta:
        db_table = "review_correctionrequest"
        ordering = ["application", "-requested_at", "-id"]
        verbose_name = "退回修改"
        verbose_name_plural = "退回修改"

    def __str__(self) -> str:
        return f"退回 {self.application_id}"


class CorrectionItem(models.Model):
    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField("需修改的部分", max_length=60, choices=CorrectionSection.choices)
    reason = models.TextField("理由")

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.correctionitem"

    class Meta:
        db_table = "review_correctionitem"
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

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.recommendation"

    class Meta:
        db_table = "review_recommendation"
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

    #: the object type of its audit events, as before it left the review app (one history)
    audit_object_type = "review.recommendationitem"

    class Meta:
        db_table = "review_recommendationitem"
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
