from django.db import models
from django.utils.translation import gettext_lazy as _


class RecommendationStatus(models.TextChoices):
    PREPARED = "prepared", _("经办人已拟推荐")
    SIGNED = "signed", _("负责人已签发")
    WITHDRAWN = "withdrawn", _("已撤回")


class CorrectionStage(models.TextChoices):
    """Who returned the application: the district review or the municipal first review."""

    DISTRICT = "district", _("区级审核")
    MUNICIPAL = "municipal", _("市级初审")


class CorrectionSection(models.TextChoices):
    """The parts of an application a return names, one reason each (the enterprise's form sections)."""

    PROJECT = "project", _("项目基本情况")
    INVESTMENT = "investment", _("投资明细")
    FINANCING = "financing", _("资金来源")
    OUTCOMES = "outcomes", _("预期效益")
    PREREQUISITES = "prerequisites", _("前期手续")
    OTHER_FUNDING = "other_funding", _("其他财政资金支持")
    ATTACHMENTS = "attachments", _("申报材料")
    ENTERPRISE = "enterprise", _("企业信息")
    OTHER = "other", _("其他")


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
