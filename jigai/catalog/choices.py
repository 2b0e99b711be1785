from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


class CatalogItemKind(models.TextChoices):
    FIELD = "field", _("支持领域")
    DIRECTION = "direction", _("支持方向")


class SixIzations(models.TextChoices):
    """The "six -izations" (六化) grouping of recent calls (rules.md §2)."""

    INTELLIGENT = "intelligent", _("智能化")
    HIGH_END = "high_end", _("高端化")
    CLUSTER = "cluster", _("集群化")
    SERVICE = "service", _("服务化")
    QUALITY = "quality", _("品质化")
    GREEN = "green", _("绿色化")
