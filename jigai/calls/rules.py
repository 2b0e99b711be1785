"""The parts of a call's rules (CallRules and its child rows) as plain values, and their checks.

Services build, copy and change rules from these specs, so a draft edited in place and a published
call revised into version N+1 go through the same code. The checks return messages by field (the
names of the API's fields); :func:`rules_problems` is what publishing and revising require.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jigai.calls import defaults
from jigai.calls.choices import ATTACHMENT_FILE_TYPES, DistrictShareBase, InstalmentTrigger, SupportForm
from jigai.calls.models import (
    CallAllowedIndustry,
    CallAttachmentRequirement,
    CallDistrictShare,
    CallInstalment,
    CallInvestmentItem,
    CallPrerequisite,
    CallRules,
)
from jigai.core.text import join_list
from jigai.reference.models import District, Industry

ONE = Decimal("1")
ZERO = Decimal("0")

#: the scalar rule fields an official may set, with the kind of value each takes
RULE_FIELDS: dict[str, str] = {
    "support_form": "choice",
    "min_total_investment": "money",
    "min_fixed_asset_share": "rate",
    "support_rate": "rate",
    "cap_per_project": "money",
    "national_matching_ratio": "rate",
    "max_construction_months": "count",
    "publicity_working_days": "count",
    "credit_bar_years": "count",
}


@dataclass(frozen=True)
class InvestmentItemSpec:
    code: str
    name: str
    is_fixed_asset: bool


@dataclass(frozen=True)
class PrerequisiteSpec:
    code: str
    name: str
    needs_document: bool = True


@dataclass(frozen=True)
class AttachmentSpec:
    code: str
    name: str
    required: bool
    allowed_types: str
    max_size_mb: int


@dataclass(frozen=True)
class InstalmentSpec:
    sequence: int
    trigger: str
    percent: Decimal


@dataclass(frozen=True)
class DistrictShareSpec:
    district_code: str
    rate: Decimal
    base: str = DistrictShareBase.APPROVED_FIXED_ASSETS
    cap: Decimal | None = None
    construction_cap_share: Decimal | None = None
    paid_after_acceptance: bool = True


@dataclass
class RulesChildren:
    """The child rows of one rules version; ``None`` in a change means "leave as it is"."""

    investment_items: list[InvestmentItemSpec] | None = None
    prerequisites: list[PrerequisiteSpec] | None = None
    attachments: list[AttachmentSpec] | None = None
    instalments: list[InstalmentSpec] | None = None
    district_shares: list[DistrictShareSpec] | None = None
    #: GB/T 4754-2017 codes whose enterprises may apply (an empty list: every industry)
    industries: list[str] | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


# --- Defaults (the 2026 call, rules.md §3) ------------------------------------------------------
def default_children() -> RulesChildren:
    districts = District.objects.order_by("sort_order", "code").values_list("code", flat=True)
    return RulesChildren(
        investment_items=[InvestmentItemSpec(c, n, fa) for c, n, fa in defaults.INVESTMENT_ITEMS],
        prerequisites=[PrerequisiteSpec(c, n, d) for c, n, d in defaults.PREREQUISITES],
        attachments=[AttachmentSpec(c, n, r, t, mb) for c, n, r, t, mb in defaults.ATTACHMENTS],
        instalments=[InstalmentSpec(s, t, p) for s, t, p in defaults.INSTALMENTS],
        district_shares=[
            DistrictShareSpec(
                district_code=code,
                rate=defaults.DISTRICT_SHARE_RATE,
                cap=defaults.DISTRICT_SHARE_CAP,
                construction_cap_share=defaults.DISTRICT_CONSTRUCTION_CAP_SHARE,
            )
            for code in districts
        ],
        industries=list(defaults.ALLOWED_INDUSTRIES),
    )


def default_rule_values() -> dict[str, Any]:
    return {
        "support_form": SupportForm.INVESTMENT_SUBSIDY,
        "min_total_investment": defaults.MIN_TOTAL_INVESTMENT,
        "min_fixed_asset_share": defaults.MIN_FIXED_ASSET_SHARE,
        "support_rate": defaults.SUPPORT_RATE,
        "cap_per_project": defaults.CAP_PER_PROJECT,
        "national_matching_ratio": ZERO,
    }


def children_of(rules: CallRules) -> RulesChildren:
    """The child rows of a saved rules version, as specs (to copy them into a new version)."""
    return RulesChildren(
        investment_items=[
            InvestmentItemSpec(i.code, i.name, i.is_fixed_asset) for i in rules.investment_items.all()
        ],
        prerequisites=[PrerequisiteSpec(p.code, p.name, p.needs_document) for p in rules.prerequisites.all()],
        attachments=[
            AttachmentSpec(a.code, a.name, a.required, a.allowed_types, a.max_size_mb)
            for a in rules.attachment_requirements.all()
        ],
        instalments=[InstalmentSpec(i.sequence, i.trigger, i.percent) for i in rules.instalments.all()],
        district_shares=[
            DistrictShareSpec(
                s.district_id, s.rate, s.base, s.cap, s.construction_cap_share, s.paid_after_acceptance
            )
            for s in rules.district_shares.all()
        ],
        industries=[a.industry_id for a in rules.allowed_industries.all()],
    )


# --- Checks -----------------------------------------------------------------------------------
Problems = dict[str, list[str]]


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _pct(value: Decimal) -> str:
    return format((value * 100).normalize(), "f") + "%"


def rule_value_problems(values: Mapping[str, Any]) -> Problems:
    """The scalar rule fields: rates between 0 and 1, amounts not negative, known support form."""
    problems: Problems = {}
    labels = {
        "min_fixed_asset_share": _("固定资产投资占比下限"),
        "support_rate": _("支持比例"),
        "national_matching_ratio": _("国家项目配套比例"),
        "min_total_investment": _("最低总投资"),
        "cap_per_project": _("单个项目支持上限"),
        "max_construction_months": _("建设期上限"),
        "publicity_working_days": _("公示期"),
        "credit_bar_years": _("失信限制申报年限"),
    }
    for name, value in values.items():
        kind = RULE_FIELDS.get(name)
        if kind is None:
            _add(problems, name, _("未知的规则项。"))
        elif value is None:
            _add(problems, name, _("此项为必填项。"))
        elif kind == "choice" and value not in SupportForm.values:
            _add(problems, name, _("支持方式无效。"))
        elif kind == "rate" and not ZERO <= Decimal(value) <= ONE:
            _add(problems, name, _("%(label)s须在 0 到 1（0%% 到 100%%）之间。") % {"label": labels[name]})
        elif kind == "money" and Decimal(value) < ZERO:
            _add(problems, name, _("%(label)s不能为负数。") % {"label": labels[name]})
        elif kind == "count" and (int(value) < 0 or int(value) > 600):
            _add(problems, name, _("%(label)s须在 0 到 600 之间。") % {"label": labels[name]})
    if values.get("support_rate") is not None and Decimal(values["support_rate"]) == ZERO:
        _add(problems, "support_rate", _("支持比例须大于 0。"))
    return problems


def _unique_codes(problems: Problems, name: str, codes: list[str], label: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if not code:
            _add(problems, name, _("%(label)s的代码不能为空。") % {"label": label})
        elif code in seen:
            _add(problems, name, _("%(label)s的代码“%(code)s”重复。") % {"label": label, "code": code})
        seen.add(code)


def children_problems(children: RulesChildren, *, complete: bool = True) -> Problems:
    """Checks of each list that is given (``None`` lists are not checked). A draft need not be
    ``complete``: its instalments may not add up to 100 % yet (publishing checks that)."""
    problems: Problems = {}
    items = children.investment_items
    if items is not None:
        _unique_codes(problems, "investment_items", [i.code for i in items], _("投资科目"))
        if not any(i.is_fixed_asset for i in items):
            _add(problems, "investment_items", _("至少需要一个属于固定资产的投资科目。"))
        for i in items:
            if not i.name:
                _add(problems, "investment_items", _("投资科目“%(code)s”缺少名称。") % {"code": i.code})
    if children.prerequisites is not None:
        _unique_codes(problems, "prerequisites", [p.code for p in children.prerequisites], _("前置手续"))
        for p in children.prerequisites:
            if not p.name:
                _add(problems, "prerequisites", _("前置手续“%(code)s”缺少名称。") % {"code": p.code})
    if children.attachments is not None:
        _attachment_problems(problems, children.attachments)
    if children.instalments is not None:
        _instalment_problems(problems, children.instalments, complete=complete)
    if children.district_shares is not None:
        _district_share_problems(problems, children.district_shares)
    if children.industries is not None:
        _industry_problems(problems, children.industries)
    return problems


def _industry_problems(problems: Problems, codes: list[str]) -> None:
    _unique_codes(problems, "industries", codes, _("允许申报的行业"))
    known = set(Industry.objects.filter(pk__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c and c not in known]
    if unknown:
        _add(
            problems,
            "industries",
            _("行业代码 %(codes)s 不在国民经济行业分类（GB/T 4754-2017）中。")
            % {"codes": join_list(unknown)},
        )


def _attachment_problems(problems: Problems, attachments: list[AttachmentSpec]) -> None:
    _unique_codes(problems, "attachments", [a.code for a in attachments], _("附件"))
    known = join_list(ATTACHMENT_FILE_TYPES)
    for a in attachments:
        if not a.name:
            _add(problems, "attachments", _("附件“%(code)s”缺少名称。") % {"code": a.code})
        types = [t.strip().lower() for t in a.allowed_types.split(",") if t.strip()]
        if not types:
            _add(problems, "attachments", _("附件“%(name)s”须至少允许一种文件类型。") % {"name": a.name})
        unknown = [t for t in types if t not in ATTACHMENT_FILE_TYPES]
        if unknown:
            _add(
                problems,
                "attachments",
                _("附件“%(name)s”的文件类型 %(types)s 不受支持（可选：%(known)s）。")
                % {"name": a.name, "types": join_list(unknown), "known": known},
            )
        if not 1 <= a.max_size_mb <= settings.JIGAI_UPLOAD_MAX_MB:
            _add(
                problems,
                "attachments",
                _("附件“%(name)s”的大小上限须在 1 到 %(max)d MB 之间。")
                % {"name": a.name, "max": settings.JIGAI_UPLOAD_MAX_MB},
            )


def _instalment_problems(problems: Problems, instalments: list[InstalmentSpec], *, complete: bool) -> None:
    if not instalments and complete:
        _add(problems, "instalments", _("请至少设置一期拨付。"))
        return
    sequences = [i.sequence for i in instalments]
    if len(set(sequences)) != len(sequences):
        _add(problems, "instalments", _("拨付期次不能重复。"))
    for i in instalments:
        if i.trigger not in InstalmentTrigger.values:
            _add(problems, "instalments", _("第 %(n)d 期的拨付条件无效。") % {"n": i.sequence})
        if not ZERO < i.percent <= ONE:
            _add(
                problems,
                "instalments",
                _("第 %(n)d 期的拨付比例须大于 0%%、不超过 100%%。") % {"n": i.sequence},
            )
    total = sum((i.percent for i in instalments), ZERO)
    if complete and total != ONE:
        _add(
            problems,
            "instalments",
            _("各期拨付比例之和须为 100%%，现为 %(total)s。") % {"total": _pct(total)},
        )


def _district_share_problems(problems: Problems, shares: list[DistrictShareSpec]) -> None:
    known = set(District.objects.values_list("code", flat=True))
    for s in shares:
        if s.district_code not in known:
            _add(problems, "district_shares", _("区代码 %(code)s 不存在。") % {"code": s.district_code})
            continue
        if not ZERO <= s.rate <= ONE:
            _add(
                problems,
                "district_shares",
                _("区代码 %(code)s 的区支持比例须在 0 到 1 之间。") % {"code": s.district_code},
            )
        if s.construction_cap_share is not None and not ZERO <= s.construction_cap_share <= ONE:
            _add(
                problems,
                "district_shares",
                _("区代码 %(code)s 的建筑工程计入比例须在 0 到 1 之间。") % {"code": s.district_code},
            )
        if s.cap is not None and s.cap < ZERO:
            _add(
                problems,
                "district_shares",
                _("区代码 %(code)s 的区支持上限不能为负数。") % {"code": s.district_code},
            )
        if s.base not in DistrictShareBase.values:
            _add(
                problems, "district_shares", _("区代码 %(code)s 的计算基数无效。") % {"code": s.district_code}
            )


def rules_problems(rules: CallRules) -> Problems:
    """Everything a rules version must satisfy before it can govern applications."""
    values = {name: getattr(rules, name) for name in RULE_FIELDS}
    problems = rule_value_problems(values)
    for name, messages in children_problems(children_of(rules)).items():
        problems.setdefault(name, []).extend(messages)
    missing = District.objects.exclude(code__in=rules.district_shares.values("district_id"))
    if missing.exists():
        _add(
            problems,
            "district_shares",
            _("缺少以下区的区级支持设置：%(names)s。") % {"names": join_list(d.name for d in missing)},
        )
    return problems


# --- Writing specs into rows ------------------------------------------------------------------
def save_children(rules: CallRules, children: RulesChildren) -> None:
    """Replace each given list of ``rules``' child rows; district shares are updated per district
    (every district keeps its row)."""
    if children.investment_items is not None:
        rules.investment_items.all().delete()
        CallInvestmentItem.objects.bulk_create(
            [
                CallInvestmentItem(
                    rules=rules, code=i.code, name=i.name, is_fixed_asset=i.is_fixed_asset, sort_order=n
                )
                for n, i in enumerate(children.investment_items, start=1)
            ]
        )
    if children.prerequisites is not None:
        rules.prerequisites.all().delete()
        CallPrerequisite.objects.bulk_create(
            [
                CallPrerequisite(
                    rules=rules, code=p.code, name=p.name, needs_document=p.needs_document, sort_order=n
                )
                for n, p in enumerate(children.prerequisites, start=1)
            ]
        )
    if children.attachments is not None:
        rules.attachment_requirements.all().delete()
        CallAttachmentRequirement.objects.bulk_create(
            [
                CallAttachmentRequirement(
                    rules=rules,
                    code=a.code,
                    name=a.name,
                    required=a.required,
                    max_size_mb=a.max_size_mb,
                    allowed_types=",".join(
                        t.strip().lower() for t in a.allowed_types.split(",") if t.strip()
                    ),
                    sort_order=n,
                )
                for n, a in enumerate(children.attachments, start=1)
            ]
        )
    if children.instalments is not None:
        rules.instalments.all().delete()
        CallInstalment.objects.bulk_create(
            [
                CallInstalment(rules=rules, sequence=i.sequence, trigger=i.trigger, percent=i.percent)
                for i in children.instalments
            ]
        )
    if children.district_shares is not None:
        existing = {s.district_id: s for s in rules.district_shares.all()}
        create: list[CallDistrictShare] = []
        update: list[CallDistrictShare] = []
        for spec in children.district_shares:
            row = existing.get(spec.district_code) or CallDistrictShare(
                rules=rules, district_id=spec.district_code
            )
            row.rate, row.base, row.cap = spec.rate, spec.base, spec.cap
            row.construction_cap_share = spec.construction_cap_share
            row.paid_after_acceptance = spec.paid_after_acceptance
            (update if row.pk else create).append(row)
        CallDistrictShare.objects.bulk_create(create)
        CallDistrictShare.objects.bulk_update(
            update, ["rate", "base", "cap", "construction_cap_share", "paid_after_acceptance"]
        )
    if children.industries is not None:
        rules.allowed_industries.all().delete()
        CallAllowedIndustry.objects.bulk_create(
            [
                CallAllowedIndustry(rules=rules, industry_id=code, sort_order=n)
                for n, code in enumerate(children.industries, start=1)
            ]
        )


def children_snapshot(rules: CallRules) -> dict[str, Any]:
    """The child rows as plain values, for the audit trail's before/after."""
    c = children_of(rules)
    return {
        "investment_items": [[i.code, i.name, i.is_fixed_asset] for i in c.investment_items or []],
        "prerequisites": [[p.code, p.name, p.needs_document] for p in c.prerequisites or []],
        "attachments": [
            [a.code, a.name, a.required, a.allowed_types, a.max_size_mb] for a in c.attachments or []
        ],
        "instalments": [[i.sequence, i.trigger, str(i.percent)] for i in c.instalments or []],
        "district_shares": [
            [
                s.district_code,
                str(s.rate),
                s.base,
                str(s.cap),
                str(s.construction_cap_share),
                s.paid_after_acceptance,
            ]
            for s in c.district_shares or []
        ],
        "industries": list(c.industries or []),
    }
