"""States and kinds of the district review and the recommendation documents."""

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
