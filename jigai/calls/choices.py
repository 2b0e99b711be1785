from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已撤销")


class CallPhase(models.TextChoices):
    """Where a published call stands in time (computed from its window, never stored)."""

    UPCOMING = "upcoming", _("未开始")
    OPEN = "open", _("申报中")
    CLOSED = "closed", _("已截止")


class SupportForm(models.TextChoices):
    INVESTMENT_SUBSIDY = "investment_subsidy", _("投资补助")
    LOAN_INTEREST = "loan_interest", _("贷款贴息")
    LEASE_SUBSIDY = "lease_subsidy", _("融资租赁补贴")


class InstalmentTrigger(models.TextChoices):
    APPROVAL = "approval", _("立项后")
    ACCEPTANCE = "acceptance", _("验收后（按验收结果）")


class DistrictShareBase(models.TextChoices):
    APPROVED_FIXED_ASSETS = "approved_fixed_assets", _("核定固定资产投资")
    APPROVED_TOTAL = "approved_total", _("核定总投入")


#: The file types a call may allow for an attachment (extension → label shown to enterprises). The
#: applications app checks an uploaded file's content against these, not its name.
ATTACHMENT_FILE_TYPES: dict[str, StrOrPromise] = {
    "pdf": "PDF",
    "jpg": "JPG",
    "png": "PNG",
    "docx": _("Word（DOCX）"),
    "xlsx": _("Excel（XLSX）"),
    "zip": "ZIP",
}
