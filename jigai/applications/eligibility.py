"""The eligibility check: each rule of the call, pass or fail, and why, in Chinese (rules.md §3).

:func:`eligibility_check` is shown to the enterprise before it submits; the submission
(:func:`require_eligible`, a check of the workflow's ``submit`` transition) refuses unless every
rule passes. Messages give the numbers: "总投资 1,850.00 万元，低于本通知要求的 2,000.00 万元。"

While an application can still be edited it is checked against the call's *current* rules; once
submitted, against the version it recorded (``Application.rules``). The totals (total and
fixed-asset investment, share, requested support) are computed here from the investment lines,
so the check never trusts a stale column.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.applications import amounts
from jigai.applications.choices import ApplicationStatus
from jigai.catalog.choices import CatalogItemKind
from jigai.core.money import format_wan, format_yuan
from jigai.core.text import join_and, join_list, join_sentence
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.credit import check_id_number, credit_bar_for
from jigai.reference.codes import check_project_code

if TYPE_CHECKING:
    from jigai.applications.models import Application
    from jigai.applications.workflow import TransitionContext
    from jigai.calls.models import CallRules
    from jigai.enterprises.models import CreditBar
    from jigai.reference.models import Industry

#: states in which the enterprise may still change the application (and its rules follow the call's)
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})
#: eligibility rules that stop applying once an application has been submitted (a corrected return
#: is checked again against every other rule)
RULES_SETTLED_AT_SUBMISSION = frozenset({"call_open"})


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    passed: bool
    message: str


@dataclass(frozen=True)
class Totals:
    total: Decimal
    fixed_assets: Decimal
    share: Decimal
    requested_support: Decimal


# --- formatting -------------------------------------------------------------------------------
def wan(amount: Decimal) -> str:
    """Yuan as a 万元 number for a sentence whose text names the unit: 18500000 → "1,850.00"
    (``jigai.core.money``: half-up to two places)."""
    return format_wan(amount, unit=False)


def yuan(amount: Decimal) -> str:
    """Yuan as a number for a sentence whose text names the unit: 18500000 → "18,500,000.00"."""
    return format_yuan(amount, unit=False)


def wan_apart(amount: Decimal, limit: Decimal) -> tuple[str, str]:
    """``amount`` and ``limit`` in 万元 with as many places as it takes for two different amounts
    not to read the same (1,999.9999 万元 is below 2,000.00 万元, and must not show as 2,000.00)."""
    places = 2
    while (
        places < 6
        and amount != limit
        and format_wan(amount, places=places) == format_wan(limit, places=places)
    ):
        places += 1
    return format_wan(amount, places=places, unit=False), format_wan(limit, places=places, unit=False)


def percent(rate: Decimal) -> str:
    """0.6 → "60.00%" (rounded down, so a share just under a limit never shows as the limit)."""
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def local_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def mask_id_number(number: str) -> str:
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}" if len(number) > 7 else number


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 January + 1 month → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --- rules and totals -------------------------------------------------------------------------
def rules_for(application: Application) -> CallRules:
    """The rules an application is checked against (see the module docs)."""
    if application.status in EDITABLE_STATUSES and application.call.current_rules_id:
        current = application.call.current_rules
        assert current is not None
        return current
    return application.rules


def compute_totals(lines: Iterable[tuple[Decimal, bool]], rules: CallRules) -> Totals:
    """Totals of (amount, is fixed asset) lines; the requested support is the call's rule
    ``min(rate × eligible input, cap)`` rounded down to the fen, on the total eligible input."""
    total = fixed = Decimal("0.00")
    for amount, is_fixed_asset in lines:
        total += amount
        if is_fixed_asset:
            fixed += amount
    requested = amounts.support_amount(
        rate=rules.support_rate, eligible_input=total, cap=rules.cap_per_project
    )
    return Totals(total, fixed, amounts.share(fixed, total), requested)


def application_totals(application: Application, rules: CallRules) -> Totals:
    fixed_codes = {
        code for code, fixed in rules.investment_items.values_list("code", "is_fixed_asset") if fixed
    }
    lines = application.investment_lines.values_list("amount", "item_code")
    return compute_totals(((amount, code in fixed_codes) for amount, code in lines), rules)


def record_rules(application: Application, ctx: TransitionContext) -> list[str]:
    """Effect of the submission: the application keeps the rules version it was submitted under,
    and its totals as computed under it."""
    rules = rules_for(application)
    totals = application_totals(application, rules)
    application.rules = rules
    application.total_investment = totals.total
    application.fixed_asset_investment = totals.fixed_assets
    application.fixed_asset_share = totals.share
    application.requested_support = totals.requested_support
    return ["rules", "total_investment", "fixed_asset_investment", "fixed_asset_share", "requested_support"]


# --- the check --------------------------------------------------------------------------------
def _bar_detail(bar: CreditBar) -> str:
    return _("事由：%(reason)s；依据：%(doc)s；限制期 %(start)s 至 %(end)s") % {
        "reason": bar.reason,
        "doc": bar.source_document,
        "start": bar.starts_on.isoformat(),
        "end": bar.ends_on.isoformat(),
    }


class _Checker:
    def __init__(self, application: Application, now: dt.datetime) -> None:
        self.app = application
        self.now = now
        self.today = timezone.localdate(now)
        self.rules = rules_for(application)
        self.totals = application_totals(application, self.rules)
        self.results: list[RuleResult] = []

    def add(self, code: str, label: str, passed: bool, message: str) -> None:
        self.results.append(RuleResult(code, label, passed, message))

    def call_open(self) -> None:
        call = self.app.call
        opens, closes = local_time(call.opens_at), local_time(call.closes_at)
        if call.is_open(self.now):
            self.add(
                "call_open",
                _("申报时间"),
                True,
                _("申报期 %(o)s 至 %(c)s（北京时间），现在可以提交。") % {"o": opens, "c": closes},
            )
        elif self.now < call.opens_at:
            self.add(
                "call_open",
                _("申报时间"),
                False,
                _("本通知的申报将于 %(o)s（北京时间）开始，现在还不能提交。") % {"o": opens},
            )
        elif self.now >= call.closes_at:
            self.add(
                "call_open",
                _("申报时间"),
                False,
                _("本通知的申报已于 %(c)s（北京时间）截止，现在是 %(n)s，不能再提交。")
                % {"c": closes, "n": local_time(self.now)},
            )
        else:
            self.add("call_open", _("申报时间"), False, _("本通知未发布或已撤销，不能提交。"))

    def enterprise_confirmed(self) -> None:
        enterprise = self.app.enterprise
        if enterprise.status != EnterpriseStatus.CONFIRMED:
            self.add(
                "enterprise_confirmed",
                _("企业确认"),
                False,
                _("企业“%(e)s”的注册信息%(s)s，须经区经济主管部门确认后才能申报。")
                % {"e": enterprise.name, "s": enterprise.get_status_display()},
            )
        elif not enterprise.organisation.is_active:
            self.add(
                "enterprise_confirmed",
                _("企业确认"),
                False,
                _("企业“%(e)s”的账户已停用，不能申报。") % {"e": enterprise.name},
            )
        else:
            self.add(
                "enterprise_confirmed",
                _("企业确认"),
                True,
                _("企业“%(e)s”已经区经济主管部门确认。") % {"e": enterprise.name},
            )

    def industry(self) -> None:
        """The call's rule 允许申报的行业: the enterprise's industry, or a section, division or
        group above it, is listed (an empty list admits every industry)."""
        allowed = list(self.rules.allowed_industries.select_related("industry").order_by("sort_order"))
        label = _("申报行业范围")
        industry = self.app.enterprise.industry
        if not allowed:
            self.add("industry", label, True, _("本通知不限申报企业的所属行业。"))
            return
        lineage: set[str] = set()
        node: Industry | None = industry
        while node is not None:
            lineage.add(node.code)
            node = node.parent
        listed = join_list(a.industry.label for a in allowed)
        values = {
            "i": industry.label,
            "v": self.rules.version,
            "r": label,
            "l": listed,
        }
        if lineage & {a.industry_id for a in allowed}:
            self.add(
                "industry",
                label,
                True,
                _("企业所属行业“%(i)s”在本通知规则（第 %(v)s 版）“%(r)s”允许的行业内。") % values,
            )
        else:
            self.add(
                "industry",
                label,
                False,
                _(
                    "企业所属行业“%(i)s”不在本通知规则（第 %(v)s 版）“%(r)s”允许的行业内，不能申报。"
                    "允许的行业：%(l)s。如所属行业登记有误（例如只选了门类），请先修改企业信息。"
                )
                % values,
            )

    def credit_enterprise(self) -> None:
        bar = credit_bar_for(self.app.enterprise, None, self.today)
        if bar is not None:
            self.add(
                "credit_enterprise",
                _("企业信用"),
                False,
                _("企业“%(e)s”因失信被限制申报（%(d)s），限制期内不能申报。")
                % {"e": self.app.enterprise.name, "d": _bar_detail(bar)},
            )
        else:
            self.add("credit_enterprise", _("企业信用"), True, _("企业没有在限制期内的失信记录。"))

    def credit_project_lead(self) -> None:
        name = self.app.project_lead_name.strip()
        number, problem = check_id_number(self.app.project_lead_id_number)
        label = _("项目负责人信用")
        if not name or not number:
            self.add(
                "credit_project_lead", label, False, _("请填写项目负责人姓名和身份证号，以便核查信用记录。")
            )
            return
        if problem:
            self.add("credit_project_lead", label, False, _("项目负责人%(p)s") % {"p": problem})
            return
        bar = credit_bar_for(None, number, self.today)
        if bar is not None:
            self.add(
                "credit_project_lead",
                label,
                False,
                _(
                    "项目负责人 %(n)s（身份证号 %(id)s）因失信被限制申报（%(d)s），"
                    "限制期内不能作为项目负责人申报。"
                )
                % {"n": name, "id": mask_id_number(number), "d": _bar_detail(bar)},
            )
        else:
            self.add(
                "credit_project_lead",
                label,
                True,
                _("项目负责人 %(n)s 没有在限制期内的失信记录。") % {"n": name},
            )

    def project_basics(self) -> None:
        missing = [
            str(label)
            for value, label in ((self.app.name, _("项目名称")), (self.app.summary, _("主要技术内容")))
            if not value.strip()
        ]
        if missing:
            self.add(
                "project_basics",
                _("项目名称和主要技术内容"),
                False,
                _("请填写%(m)s。") % {"m": join_and(missing)},
            )
        else:
            self.add(
                "project_basics", _("项目名称和主要技术内容"), True, _("项目名称和主要技术内容均已填写。")
            )

    def project_code(self) -> None:
        check = check_project_code(self.app.project_code)
        if check.valid:
            self.add(
                "project_code",
                _("投资项目代码"),
                True,
                _("投资项目代码 %(c)s 格式正确。") % {"c": check.code},
            )
        else:
            self.add("project_code", _("投资项目代码"), False, " ".join(check.errors))

    def direction(self) -> None:
        call, item = self.app.call, self.app.direction
        if item is None:
            self.add("direction", _("支持方向"), False, _("请选择本通知支持的方向。"))
            return
        allowed = set(call.directions.values_list("id", flat=True))
        if allowed:
            fits = item.id in allowed
        else:  # a call that names no directions takes every direction of its catalog version
            fits = item.version_id == call.catalog_version_id and item.kind == CatalogItemKind.DIRECTION
        if fits:
            self.add("direction", _("支持方向"), True, _("“%(d)s”是本通知支持的方向。") % {"d": item})
        else:
            self.add(
                "direction",
                _("支持方向"),
                False,
                _("“%(d)s”不在本通知支持的方向内，请重新选择。") % {"d": item},
            )

    def construction_period(self) -> None:
        start, end, months = self.app.start_date, self.app.end_date, self.rules.max_construction_months
        label = _("建设期")
        if start is None or end is None:
            self.add("construction_period", label, False, _("请填写建设开始日期和完成日期。"))
        elif end <= start:
            self.add(
                "construction_period",
                label,
                False,
                _("建设完成日期 %(e)s 应晚于开始日期 %(s)s。") % {"s": start, "e": end},
            )
        elif end > add_months(start, months):
            self.add(
                "construction_period",
                label,
                False,
                _("建设期 %(s)s 至 %(e)s 超过本通知规定的 %(m)d 个月上限（最迟应于 %(l)s 完成）。")
                % {"s": start, "e": end, "m": months, "l": add_months(start, months)},
            )
        else:
            self.add(
                "construction_period",
                label,
                True,
                _("建设期 %(s)s 至 %(e)s，在 %(m)d 个月以内。") % {"s": start, "e": end, "m": months},
            )

    def min_total_investment(self) -> None:
        total, minimum = self.totals.total, self.rules.min_total_investment
        label = _("总投资")
        if total <= 0:
            self.add(
                "min_total_investment",
                label,
                False,
                _("尚未填写投资明细；本通知要求总投资不低于 %(m)s 万元。") % {"m": wan(minimum)},
            )
        elif total < minimum:
            self.add(
                "min_total_investment",
                label,
                False,
                _("总投资 %(t)s 万元，低于本通知要求的 %(m)s 万元。")
                % dict(zip(("t", "m"), wan_apart(total, minimum), strict=True)),
            )
        else:
            self.add(
                "min_total_investment",
                label,
                True,
                _("总投资 %(t)s 万元，不低于本通知要求的 %(m)s 万元。")
                % {"t": wan(total), "m": wan(minimum)},
            )

    def fixed_asset_share(self) -> None:
        total, fixed, limit = self.totals.total, self.totals.fixed_assets, self.rules.min_fixed_asset_share
        label = _("固定资产投资占比")
        if total <= 0:
            self.add(
                "fixed_asset_share",
                label,
                False,
                _("尚未填写投资明细，无法计算固定资产投资占比（本通知要求高于 %(l)s）。")
                % {"l": percent(limit)},
            )
            return
        values = {"f": wan(fixed), "t": wan(total), "s": percent(self.totals.share), "l": percent(limit)}
        # Compared on the exact amounts, not the rounded share: "more than 60 %" (rules.md §3).
        if fixed > limit * total:
            self.add(
                "fixed_asset_share",
                label,
                True,
                _("固定资产投资 %(f)s 万元，占总投资 %(t)s 万元的 %(s)s，高于本通知要求的 %(l)s。") % values,
            )
        else:
            self.add(
                "fixed_asset_share",
                label,
                False,
                _("固定资产投资 %(f)s 万元，占总投资 %(t)s 万元的 %(s)s，本通知要求高于 %(l)s。") % values,
            )

    def prerequisites(self) -> None:
        records = {r.code: r for r in self.app.prerequisites.all()}
        not_done, no_number = [], []
        for required in self.rules.prerequisites.all():
            record = records.get(required.code)
            if record is None or not record.done:
                not_done.append(required.name)
            elif required.needs_document and not record.document_number.strip():
                no_number.append(required.name)
        parts = []
        if not_done:
            parts.append(_("尚未完成：%(p)s") % {"p": join_list(not_done)})
        if no_number:
            parts.append(_("请填写文号：%(p)s") % {"p": join_list(no_number)})
        if parts:
            self.add("prerequisites", _("前期手续"), False, join_sentence(parts))
        else:
            self.add("prerequisites", _("前期手续"), True, _("前期手续均已完成。"))

    def financing(self) -> None:
        app, total = self.app, self.totals.total
        label = _("资金来源")
        sources = (app.own_funds, app.bank_loans, app.financing_lease, app.other_financing)
        funded = sum(sources, Decimal("0.00"))
        values = {
            "f": wan(funded),
            "o": wan(app.own_funds),
            "b": wan(app.bank_loans),
            "l": wan(app.financing_lease),
            "x": wan(app.other_financing),
            "t": wan(total),
        }
        if total <= 0:
            self.add("financing", label, False, _("尚未填写投资明细，无法核对资金来源。"))
        elif funded != total:
            values["d"] = wan(abs(total - funded))
            self.add(
                "financing",
                label,
                False,
                _(
                    "资金来源合计 %(f)s 万元（自有资金 %(o)s、银行贷款 %(b)s、融资租赁 %(l)s、其他 %(x)s），"
                    "与总投资 %(t)s 万元不一致，相差 %(d)s 万元。"
                )
                % values,
            )
        else:
            self.add("financing", label, True, _("资金来源合计 %(f)s 万元，与总投资一致。") % values)

    def attachments(self) -> None:
        present = set(self.app.attachments.values_list("requirement_code", flat=True))
        required = [r for r in self.rules.attachment_requirements.all() if r.required]
        missing = [r.name for r in required if r.code not in present]
        if missing:
            self.add(
                "attachments",
                _("申报材料"),
                False,
                _("缺少必须提供的材料：%(m)s。") % {"m": join_list(missing)},
            )
        else:
            self.add(
                "attachments",
                _("申报材料"),
                True,
                _("必须提供的 %(n)d 项材料均已上传。") % {"n": len(required)},
            )

    def requested_support(self) -> None:
        total, rules, requested = self.totals.total, self.rules, self.totals.requested_support
        label = _("申请支持金额")
        if total <= 0:
            self.add("requested_support", label, False, _("尚未填写投资明细，无法计算申请支持金额。"))
            return
        values = {
            "r": percent(rules.support_rate),
            "t": wan(total),
            "a": wan(requested),
            "y": yuan(requested),
            "c": wan(rules.cap_per_project),
        }
        if rules.support_rate * total > rules.cap_per_project:
            message = (
                _(
                    "%(r)s × 符合条件的投入 %(t)s 万元，超过单个项目上限 %(c)s 万元，按上限计："
                    "申请支持金额 %(a)s 万元（%(y)s 元）。"
                )
                % values
            )
        else:
            message = (
                _(
                    "%(r)s × 符合条件的投入 %(t)s 万元 = 申请支持金额 %(a)s 万元（%(y)s 元），"
                    "单个项目上限 %(c)s 万元。"
                )
                % values
            )
        self.add("requested_support", label, True, message)

    def run(self) -> list[RuleResult]:
        for rule in (
            self.call_open,
            self.enterprise_confirmed,
            self.industry,
            self.credit_enterprise,
            self.credit_project_lead,
            self.project_basics,
            self.project_code,
            self.direction,
            self.construction_period,
            self.min_total_investment,
            self.fixed_asset_share,
            self.prerequisites,
            self.financing,
            self.attachments,
            self.requested_support,
        ):
            rule()
        return self.results


def eligibility_check(application: Application, now: dt.datetime | None = None) -> list[RuleResult]:
    """Every eligibility rule of the call for this application, in the order the enterprise reads them."""
    return _Checker(application, now or timezone.now()).run()


class NotEligible(ValidationError):
    """The submission is refused: ``failed`` lists the rules that do not pass."""

    def __init__(self, failed: list[RuleResult]) -> None:
        super().__init__({r.code: r.message for r in failed})
        self.failed = failed
        self.summary = _("申报未通过资格审查，有 %(n)d 项不符合要求：%(labels)s。") % {
            "n": len(failed),
            "labels": join_list(r.label for r in failed),
        }


def require_eligible(application: Application, ctx: Any) -> None:
    """Check of the ``submit`` transition: every rule passes, else :class:`NotEligible`."""
    failed = [r for r in eligibility_check(application, ctx.now) if not r.passed]
    if failed:
        raise NotEligible(failed)
