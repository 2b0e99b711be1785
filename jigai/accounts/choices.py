"""Organisation kinds and roles (rules.md §1), with the separation of duties of 等保 2.0 三级."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    DISTRICT_BUREAU = "district_bureau", _("区经济主管部门")
    MUNICIPAL_COMMISSION = "municipal_commission", _("市经济信息化委")
    FINANCE_BUREAU = "finance_bureau", _("市财政局")
    DISTRICT_FINANCE_BUREAU = "district_finance_bureau", _("区财政局")
    NDRC = "ndrc", _("市发展改革委")
    EVALUATOR = "evaluator", _("第三方评价/审计机构")
    INSTITUTION = "institution", _("高校、科研院所及其他单位")


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业申报用户")
    DISTRICT_OFFICER = "district_officer", _("区经委经办人")
    DISTRICT_HEAD = "district_head", _("区经委负责人")
    MUNICIPAL_OFFICER = "municipal_officer", _("市经信委经办人")
    MUNICIPAL_HEAD = "municipal_head", _("市经信委负责人")
    FINANCE_OFFICER = "finance_officer", _("市财政局经办人")
    DISTRICT_FINANCE_OFFICER = "district_finance_officer", _("区财政局经办人")
    NDRC_VIEWER = "ndrc_viewer", _("市发展改革委（只读）")
    EXPERT = "expert", _("评审专家")
    SUPERVISOR = "supervisor", _("监督检查人员")
    AUDITOR = "auditor", _("审计管理员")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")


# Which organisation kinds a role may belong to. An expert belongs to its employer, which may be
# any kind of organisation (the employer is what conflict-of-interest checks look at).
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.ENTERPRISE: {OrganisationKind.ENTERPRISE},
    Role.DISTRICT_OFFICER: {OrganisationKind.DISTRICT_BUREAU},
    Role.DISTRICT_HEAD: {OrganisationKind.DISTRICT_BUREAU},
    Role.MUNICIPAL_OFFICER: {OrganisationKind.MUNICIPAL_COMMISSION},
    Role.MUNICIPAL_HEAD: {OrganisationKind.MUNICIPAL_COMMISSION},
    Role.FINANCE_OFFICER: {OrganisationKind.FINANCE_BUREAU},
    Role.DISTRICT_FINANCE_OFFICER: {OrganisationKind.DISTRICT_FINANCE_BUREAU},
    Role.NDRC_VIEWER: {OrganisationKind.NDRC},
    Role.EXPERT: set(OrganisationKind.values),
    Role.SUPERVISOR: {OrganisationKind.MUNICIPAL_COMMISSION, OrganisationKind.FINANCE_BUREAU},
    Role.AUDITOR: {OrganisationKind.MUNICIPAL_COMMISSION},
    Role.SYSADMIN: {OrganisationKind.MUNICIPAL_COMMISSION},
    Role.SECADMIN: {OrganisationKind.MUNICIPAL_COMMISSION},
}

# The three administrators of 等保 2.0: none of them has business rights, and each is a
# different person. Only a management command creates them (see docs/operations.md).
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
DISTRICT_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.DISTRICT_HEAD})
MUNICIPAL_ROLES = frozenset({Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD})
# The finance officers who pay: the municipal finance bureau pays the municipal share and the national
# matching, a district's finance bureau the district's share of projects in that district (属地原则).
FINANCE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.DISTRICT_FINANCE_OFFICER})
