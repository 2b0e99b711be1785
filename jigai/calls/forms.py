"""Forms of the call pages. Officials type amounts in 万元 and rates in per cent; the forms turn
them into yuan and fractions for the services, which hold every rule."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from jigai.calls.choices import ATTACHMENT_FILE_TYPES, DistrictShareBase, InstalmentTrigger, SupportForm
from jigai.calls.models import Call, CallRules
from jigai.calls.rules import (
    AttachmentSpec,
    DistrictShareSpec,
    InstalmentSpec,
    InvestmentItemSpec,
    PrerequisiteSpec,
    RulesChildren,
    children_of,
)
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.forms import BootstrapMixin
from jigai.catalog.models import CatalogVersion
from jigai.catalog.selectors import catalog_directions
from jigai.core.forms import DecimalAmountField

WAN = Decimal("10000")
HUNDRED = Decimal("100")


def _wan_field(label: Any, *, required: bool = True, help_text: Any = "") -> DecimalAmountField:
    """An amount in 万元 (up to six decimals: to the fen), not negative."""
    return DecimalAmountField(
        label=label,
        required=required,
        unit=_("万元"),
        places=6,
        whole_digits=8,
        help_text=help_text,
        error_messages={"required": _("此项为必填项。")},
    )


def _pct_field(label: Any, *, required: bool = True, help_text: Any = "") -> DecimalAmountField:
    """A share in per cent (two decimals), not negative; the services check the range."""
    return DecimalAmountField(
        label=label,
        required=required,
        unit="%",
        places=2,
        whole_digits=4,
        help_text=help_text,
        error_messages={"required": _("此项为必填项。")},
    )


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros and without an exponent (2000, not 2E+3; 8.5, not 8.50)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def to_yuan(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan * WAN).quantize(Decimal("0.01"))


def to_wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else _plain(yuan / WAN)


def to_rate(pct: Decimal | None) -> Decimal | None:
    return None if pct is None else (pct / HUNDRED).quantize(Decimal("0.0001"))


def to_pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else _plain(rate * HUNDRED)


_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(BootstrapMixin, forms.Form):
    """The call itself. ``catalog_version`` is chosen when the call is created; ``directions`` are
    chosen from that version when it is edited (a new call makes every direction eligible)."""

    catalog_version = forms.ModelChoiceField(
        label=_("支持目录版本"),
        queryset=CatalogVersion.objects.none(),
        error_messages={
            "required": _("请选择支持目录版本。"),
            "invalid_choice": _("请选择有效的支持目录版本。"),
        },
    )
    title = forms.CharField(
        label=_("通知标题"), max_length=200, error_messages={"required": _("请填写通知标题。")}
    )
    document_number = forms.CharField(
        label=_("文号"), max_length=60, required=False, help_text=_("例如：沪经信投〔2026〕12号")
    )
    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("请填写年度。"),
            "invalid": _("年度应为四位数字。"),
            "min_value": _("年度须在 2000 至 2100 之间。"),
            "max_value": _("年度须在 2000 至 2100 之间。"),
        },
    )
    opens_at = forms.DateTimeField(
        label=_("申报开始时间（北京时间）"),
        widget=_DATETIME,
        error_messages={"required": _("请填写申报开始时间。"), "invalid": _("请输入有效的日期和时间。")},
    )
    closes_at = forms.DateTimeField(
        label=_("申报截止时间（北京时间）"),
        widget=_DATETIME,
        help_text=_("到达该时刻即截止，例如 16:00 截止则 16:00:00 起不能再提交。"),
        error_messages={"required": _("请填写申报截止时间。"), "invalid": _("请输入有效的日期和时间。")},
    )
    district_forward_date = forms.DateField(
        label=_("区推荐截止日期"),
        widget=_DATE,
        error_messages={"required": _("请填写区推荐截止日期。"), "invalid": _("请输入有效的日期。")},
    )
    budget = _wan_field(_("专项资金预算（万元）"), required=False)
    description = forms.CharField(
        label=_("通知正文"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    directions = forms.MultipleChoiceField(
        label=_("支持方向"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, call: Call | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        if call is None:
            self.fields["catalog_version"].queryset = CatalogVersion.objects.exclude(  # type: ignore[attr-defined]
                status=CatalogStatus.SUPERSEDED
            ).order_by("-year", "-id")
            del self.fields["directions"]
        else:
            del self.fields["catalog_version"]
            items = catalog_directions(version=call.catalog_version)
            self.fields["directions"].choices = [  # type: ignore[attr-defined]
                (d.code, f"{d.code} {d.name}") for d in items
            ]
            self._direction_parents = {d.code: d.parent for d in items}

    def direction_groups(self) -> list[tuple[Any, list[Any]]]:
        """The direction checkboxes under their support fields, for the template."""
        groups: dict[Any, list[Any]] = {}
        for box in self["directions"]:
            parent = self._direction_parents.get(box.data["value"])
            groups.setdefault(parent, []).append(box)
        return list(groups.items())

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        return {
            "title": call.title,
            "document_number": call.document_number,
            "year": call.year,
            "opens_at": call.opens_at,
            "closes_at": call.closes_at,
            "district_forward_date": call.district_forward_date,
            "budget": to_wan(call.budget),
            "description": call.description,
            "directions": [d.code for d in call.directions.all()],
        }

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["budget"] = to_yuan(data.get("budget"))
        if "directions" in data:
            data["direction_codes"] = data.pop("directions")
        return data


class RulesForm(BootstrapMixin, forms.Form):
    support_form = forms.ChoiceField(label=_("支持方式"), choices=SupportForm.choices)
    min_total_investment = _wan_field(_("最低总投资（万元）"), help_text=_("2026 年：2,000 万元"))
    min_fixed_asset_share = _pct_field(
        _("固定资产投资占比须高于（%）"), help_text=_("2026 年：60（须严格高于）")
    )
    support_rate = _pct_field(_("支持比例上限（%）"), help_text=_("占核定总投入的比例，2026 年：10"))
    cap_per_project = _wan_field(_("单个项目支持上限（万元）"), help_text=_("2026 年：10,000 万元（1 亿元）"))
    national_matching_ratio = _pct_field(_("国家项目配套比例（%）"), help_text=_("0 表示不安排配套"))
    max_construction_months = forms.IntegerField(label=_("建设期上限（月）"), min_value=1, max_value=120)
    publicity_working_days = forms.IntegerField(label=_("公示期（工作日）"), min_value=1, max_value=60)
    credit_bar_years = forms.IntegerField(label=_("失信限制申报年限（年）"), min_value=0, max_value=20)
    industries = forms.CharField(
        label=_("申报行业范围"),
        required=False,
        max_length=1000,
        help_text=_(
            "国民经济行业分类代码（门类字母或大类、中类、小类代码），用空格或逗号分隔；留空为不限。"
            "2026 年：B C D 63 64 65 73 74 75"
        ),
    )

    MONEY = ("min_total_investment", "cap_per_project")
    RATES = ("min_fixed_asset_share", "support_rate", "national_matching_ratio")

    @classmethod
    def initial_for(cls, rules: CallRules) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(rules, name) for name in cls.base_fields if name != "industries"
        }
        initial["industries"] = " ".join(a.industry_id for a in rules.allowed_industries.all())
        for name in cls.MONEY:
            initial[name] = to_wan(initial[name])
        for name in cls.RATES:
            initial[name] = to_pct(initial[name])
        return initial

    def industry_codes(self) -> list[str]:
        """The codes typed in ``industries``, upper case, each once, in the order typed."""
        codes = re.split(r"[\s,，、;；]+", self.cleaned_data.get("industries") or "")
        return list(dict.fromkeys(c.upper() for c in codes if c))

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("industries", None)
        for name in self.MONEY:
            values[name] = to_yuan(values[name])
        for name in self.RATES:
            values[name] = to_rate(values[name])
        return values


class ReviseNoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("变更说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明本次调整的内容和原因；新版本规则适用于此后提交的申报。"),
        error_messages={"required": _("请说明本次规则变更的内容和原因。")},
    )


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"), max_length=500, error_messages={"required": _("请说明撤销原因。")}
    )


# --- Child rows -------------------------------------------------------------------------------
class InvestmentItemForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(
        label=_("代码"),
        max_length=30,
        error_messages={"invalid": _("代码只能包含字母、数字、下划线和连字符。")},
    )
    name = forms.CharField(label=_("名称"), max_length=60)
    is_fixed_asset = forms.BooleanField(label=_("属于固定资产"), required=False)


class PrerequisiteForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(
        label=_("代码"),
        max_length=30,
        error_messages={"invalid": _("代码只能包含字母、数字、下划线和连字符。")},
    )
    name = forms.CharField(label=_("名称"), max_length=60)
    needs_document = forms.BooleanField(label=_("须填写文号"), required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(
        label=_("代码"),
        max_length=30,
        error_messages={"invalid": _("代码只能包含字母、数字、下划线和连字符。")},
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    required = forms.BooleanField(label=_("必须提供"), required=False)
    allowed_types = forms.MultipleChoiceField(
        label=_("允许的文件类型"),
        choices=list(ATTACHMENT_FILE_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种文件类型。")},
    )
    max_size_mb = forms.IntegerField(
        label=_("大小上限（MB）"), min_value=1, max_value=settings.JIGAI_UPLOAD_MAX_MB
    )


class InstalmentForm(BootstrapMixin, forms.Form):
    sequence = forms.IntegerField(label=_("期次"), min_value=1, max_value=10)
    trigger = forms.ChoiceField(label=_("拨付条件"), choices=InstalmentTrigger.choices)
    percent = _pct_field(_("比例（%）"))


class DistrictShareForm(BootstrapMixin, forms.Form):
    district_code = forms.CharField(widget=forms.HiddenInput)
    rate = _pct_field(_("区支持比例（%）"))
    base = forms.ChoiceField(label=_("计算基数"), choices=DistrictShareBase.choices)
    cap = _wan_field(_("区支持上限（万元）"), required=False)
    construction_cap_share = _pct_field(_("建筑工程计入比例上限（%）"), required=False)
    paid_after_acceptance = forms.BooleanField(label=_("验收后拨付"), required=False)


InvestmentItemFormSet = formset_factory(InvestmentItemForm, extra=1, can_delete=True)
PrerequisiteFormSet = formset_factory(PrerequisiteForm, extra=1, can_delete=True)
AttachmentFormSet = formset_factory(AttachmentForm, extra=1, can_delete=True)
InstalmentFormSet = formset_factory(InstalmentForm, extra=1, can_delete=True)
DistrictShareFormSet = formset_factory(DistrictShareForm, extra=0, can_delete=False)

FORMSETS: dict[str, Any] = {
    "investment_items": InvestmentItemFormSet,
    "prerequisites": PrerequisiteFormSet,
    "attachments": AttachmentFormSet,
    "instalments": InstalmentFormSet,
    "district_shares": DistrictShareFormSet,
}


def formset_initial(rules: CallRules) -> dict[str, list[dict[str, Any]]]:
    c = children_of(rules)
    names = {s.district_id: str(s.district) for s in rules.district_shares.select_related("district")}
    return {
        "investment_items": [vars(i) for i in c.investment_items or []],
        "prerequisites": [vars(p) for p in c.prerequisites or []],
        "attachments": [
            {**vars(a), "allowed_types": [t for t in a.allowed_types.split(",") if t]}
            for a in c.attachments or []
        ],
        "instalments": [{**vars(i), "percent": to_pct(i.percent)} for i in c.instalments or []],
        "district_shares": [
            {
                "district_code": s.district_code,
                "district_name": names.get(s.district_code, s.district_code),
                "rate": to_pct(s.rate),
                "base": s.base,
                "cap": to_wan(s.cap),
                "construction_cap_share": to_pct(s.construction_cap_share),
                "paid_after_acceptance": s.paid_after_acceptance,
            }
            for s in c.district_shares or []
        ],
    }


def _rows(formset: Any) -> list[dict[str, Any]]:
    """Cleaned rows of a valid formset; empty extra rows ({}) and rows marked for deletion are left out."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def children_from(formsets: dict[str, Any]) -> RulesChildren:
    """The child rows the (valid) formsets describe; rows marked for deletion and empty extra rows
    are left out."""
    return RulesChildren(
        investment_items=[
            InvestmentItemSpec(r["code"], r["name"], r["is_fixed_asset"])
            for r in _rows(formsets["investment_items"])
        ],
        prerequisites=[
            PrerequisiteSpec(r["code"], r["name"], r["needs_document"])
            for r in _rows(formsets["prerequisites"])
        ],
        attachments=[
            AttachmentSpec(
                r["code"], r["name"], r["required"], ",".join(r["allowed_types"]), r["max_size_mb"]
            )
            for r in _rows(formsets["attachments"])
        ],
        instalments=[
            InstalmentSpec(r["sequence"], r["trigger"], to_rate(r["percent"]) or Decimal("0"))
            for r in _rows(formsets["instalments"])
        ],
        district_shares=[
            DistrictShareSpec(
                district_code=r["district_code"],
                rate=to_rate(r["rate"]) or Decimal("0"),
                base=r["base"],
                cap=to_yuan(r.get("cap")),
                construction_cap_share=to_rate(r.get("construction_cap_share")),
                paid_after_acceptance=r["paid_after_acceptance"],
            )
            for r in _rows(formsets["district_shares"])
        ],
    )
