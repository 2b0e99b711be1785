"""States of the proposed list and of objections."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposedListStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PROPOSED = "proposed", _("已提出（冻结）")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已批准")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("不予采纳")
    UPHELD = "upheld", _("予以采纳")
