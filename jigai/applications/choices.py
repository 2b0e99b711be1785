from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Every state of an application's life (the review states are driven by the review workflow)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    DISTRICT_REVIEW = "district_review", _("区级审核中")
    RETURNED = "returned", _("退回修改")
    RESUBMITTED = "resubmitted", _("修改后重新提交")
    RECOMMENDED = "recommended", _("区已推荐")
    NOT_RECOMMENDED = "not_recommended", _("区未推荐")
    MUNICIPAL_REVIEW = "municipal_review", _("市级初审中")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    COMPREHENSIVE_REVIEW = "comprehensive_review", _("综合评审中")
    PROPOSED = "proposed", _("拟支持")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已立项")
    NOT_APPROVED = "not_approved", _("未获支持")
    WITHDRAWN = "withdrawn", _("已撤回")


class FinancingSource(models.TextChoices):
    OWN_FUNDS = "own_funds", _("自有资金")
    BANK_LOANS = "bank_loans", _("银行贷款")
    FINANCING_LEASE = "financing_lease", _("融资租赁")
    OTHER = "other", _("其他")


class OtherFundingStatus(models.TextChoices):
    RECEIVED = "received", _("已获得")
    APPLIED = "applied", _("已申请")


class DuplicateKind(models.TextChoices):
    SAME_PROJECT_CODE = "same_project_code", _("投资项目代码相同")
    SIMILAR_NAME = "similar_name", _("同一企业项目名称相近")
    FUNDED_BEFORE = "funded_before", _("项目已获市级专项资金支持")
