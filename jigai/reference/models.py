"""Reference data from national standards, loaded by migrations (see rules.md §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

from jigai.reference.choices import IndustryLevel


def localized(name: str, name_en: str) -> str:
    """The English name on English pages when there is one, else the standard's Chinese name."""
    return name_en if name_en and get_language() == "en" else name


class District(models.Model):
    """One of Shanghai's 16 districts (GB/T 2260 code)."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=20, unique=True)
    name_en = models.CharField("英文名称", max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "区"
        verbose_name_plural = "区"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class Industry(models.Model):
    """A node of 国民经济行业分类 GB/T 4754-2017: a section (门类, letter), a division (大类, 2 digits),
    a group (中类, 3 digits) or a class (小类, 4 digits). The table is
    ``jigai/reference/data/gbt4754_2017.csv``, loaded by a data migration; English names of the
    sections and divisions are in ``name_en``."""

    code = models.CharField("行业代码", max_length=5, primary_key=True)
    name = models.CharField("名称", max_length=100)
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    level = models.CharField("层级", max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_industrial = models.BooleanField(
        "属于工业", default=False, help_text="工业 = 门类 B、C、D（行业代码 06–46）"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "行业"
        verbose_name_plural = "行业"

    def __str__(self) -> str:
        return self.label

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def label(self) -> str:
        """``34 通用设备制造业`` / ``34 Manufacture of General-purpose Machinery``: always with the code."""
        return f"{self.code} {self.display_name}"
