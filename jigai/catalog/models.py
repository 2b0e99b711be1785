"""《上海市重点技术改造支持目录》: versioned by year, a tree of fields and support directions.

A published version is never edited, only superseded by a newer version (rules.md §2, policy 三(一)).
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models

from jigai.accounts.choices import MUNICIPAL_ROLES
from jigai.catalog.choices import CatalogItemKind, CatalogStatus, SixIzations

#: statuses anyone may read: the catalog is public once published, and stays readable as history
PUBLIC_STATUSES = (CatalogStatus.PUBLISHED, CatalogStatus.SUPERSEDED)


def sees_drafts(user: Any) -> bool:
    """Drafts of the catalog and of calls are the commission's work in progress: only its
    officers and heads (市经信委经办人、负责人) read them."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in MUNICIPAL_ROLES)


class CatalogVersionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        if sees_drafts(user):
            return self.all()
        return self.filter(status__in=PUBLIC_STATUSES)


class CatalogVersion(models.Model):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("名称", max_length=200)
    status = models.CharField(
        "状态", max_length=12, choices=CatalogStatus.choices, default=CatalogStatus.DRAFT, db_index=True
    )
    supersedes = models.ForeignKey(
        "self", verbose_name="替代的版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
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

    objects = CatalogVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = "支持目录版本"
        verbose_name_plural = "支持目录版本"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(status="published"), name="one_published_catalog_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == CatalogStatus.DRAFT


class CatalogItem(models.Model):
    version = models.ForeignKey(
        CatalogVersion, verbose_name="目录版本", on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField(
        "类别", max_length=10, choices=CatalogItemKind.choices, default=CatalogItemKind.DIRECTION
    )
    group = models.CharField("六化归类", max_length=12, choices=SixIzations.choices, blank=True)
    description = models.TextField("说明", blank=True)
    industries = models.ManyToManyField(
        "reference.Industry", verbose_name="对应行业", blank=True, related_name="+"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["version", "sort_order", "code"]
        verbose_name = "目录条目"
        verbose_name_plural = "目录条目"
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="catalog_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_field(self) -> bool:
        return self.kind == CatalogItemKind.FIELD

    @property
    def parent_code(self) -> str:
        """The code of the field a direction belongs to ("" for a field)."""
        return self.parent.code if self.parent is not None else ""

    @property
    def group_label(self) -> str:
        return str(self.get_group_display()) if self.group else ""
