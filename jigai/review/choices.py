from django.db import models
from django.utils.translation import gettext_lazy as _


class RecommendationStatus(models.TextChoices):
    PREPARED = "prepared", _("经办人已拟推荐")
    SIGNED = "signed", _("负责人已签发")


class AssignmentStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽取，待声明")
    ACCEPTED = "accepted", _("已声明无利益冲突")
    RECUSED = "recused", _("已回避")
    REPLACED = "replaced", _("已替换")
    SCORED = "scored", _("已评分")


class PanelStatus(models.TextChoices):
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("已结束")


class ProposedListStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PROPOSED = "proposed", _("已提出（冻结）")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已批准")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("不予采纳")
    UPHELD = "upheld", _("予以采纳")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休）")
    WORKDAY = "workday", _("调休上班日")
