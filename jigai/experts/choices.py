"""States of the expert review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽取，待声明")
    ACCEPTED = "accepted", _("已声明无利益冲突")
    RECUSED = "recused", _("已回避")
    REPLACED = "replaced", _("已替换")
    SCORED = "scored", _("已评分")


class PanelStatus(models.TextChoices):
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("已结束")
