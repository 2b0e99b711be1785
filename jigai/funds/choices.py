"""Budget sources, ledger entry kinds, fund plan and payment states (rules.md §3, issue 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetSource(models.TextChoices):
    """Where the money comes from; each source has one budget per fiscal year (a district's per district)."""

    MUNICIPAL = "municipal", _("市级技术改造专项资金")
    DISTRICT = "district", _("区技术改造资金")
    NATIONAL_MATCHING = "national_matching", _("国家项目配套资金")


class EntryKind(models.TextChoices):
    """A budget changes only by entries: the figures are their sums, never an edited total."""

    APPROPRIATION = "appropriation", _("预算下达")
    ADJUSTMENT = "adjustment", _("预算调整")
    COMMITMENT = "commitment", _("资金计划占用")
    RELEASE = "release", _("释放占用")
    DISBURSEMENT = "disbursement", _("拨付")
    RECOVERY = "recovery", _("追回")


class FundPlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    HEAD_APPROVED = "head_approved", _("市经信委已审核")
    APPROVED = "approved", _("已下达")
    CANCELLED = "cancelled", _("已作废")


class ShareLevel(models.TextChoices):
    """The part of a project's support paid from one source, by the finance bureau of that level."""

    MUNICIPAL = "municipal", _("市级资金")
    DISTRICT = "district", _("区级资金")
    NATIONAL_MATCHING = "national_matching", _("国家项目配套")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("执行中")
    SETTLED = "settled", _("已清算")
    CANCELLED = "cancelled", _("已撤销")


class RecoveryStatus(models.TextChoices):
    DUE = "due", _("待追回")
    RECOVERED = "recovered", _("已追回")


#: the budget source each share is paid from
SHARE_SOURCES: dict[str, str] = {
    ShareLevel.MUNICIPAL: BudgetSource.MUNICIPAL,
    ShareLevel.DISTRICT: BudgetSource.DISTRICT,
    ShareLevel.NATIONAL_MATCHING: BudgetSource.NATIONAL_MATCHING,
}
