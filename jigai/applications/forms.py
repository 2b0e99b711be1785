"""Forms of the enterprise's application pages.

The draft form is one page of sections (project, investment, financing, outcomes, prerequisites,
other public funding). It checks only what a browser can get wrong — an amount that is not a
number, a date that is not a date — each message beside its field, and turns the page's fields
into the raw input of :func:`jigai.applications.drafts.draft_parse`, which the service saves; the
service's own errors (keyed ``investment_lines.2.amount``…) are put back beside the field that was
typed. A form that is refused is shown again bound to what was posted, so nothing typed is lost.

Amounts are typed in yuan (元): thousands separators and spaces are accepted and dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.applications.choices import OtherFundingStatus
from jigai.applications.eligibility import Totals, compute_totals
from jigai.applications.models import Application
from jigai.calls.models import Call, CallRules
from jigai.catalog.choices import CatalogItemKind
from jigai.catalog.models import CatalogItem
from jigai.core.forms import DecimalAmountField, PlatformMessages, parse_decimal, platform_messages
from jigai.core.money import format_wan
from jigai.reference.models import District

MAX_FUNDING_ROWS = 50
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]

#: the form's fields per section, in page order (the investment lines and prerequisites are added
#: per the call's rules; :meth:`ApplicationForm.page_order` puts them all in the page's order)
BASIC_FIELDS = (
    "name",
    "project_code",
    "direction",
    "site_district",
    "site_address",
    "in_planned_block",
    "start_date",
    "end_date",
    "summary",
    "project_lead_name",
    "project_lead_id_number",
)
FINANCING_FIELDS = ("own_funds", "bank_loans", "financing_lease", "other_financing")
OUTCOME_FIELDS = (
    "new_output_value",
    "new_product_output_value",
    "new_tax",
    "energy_saved_tce",
    "emissions_reduced_t",
    "jobs_created",
)


# --- amounts ----------------------------------------------------------------------------------
def parse_amount(raw: Any, *, unit: Any = None, whole_digits: int = 14) -> Decimal | None:
    """A typed amount as a Decimal (None when empty): "1,500,000.5" → 1500000.5; the platform's
    one reading of a typed number (:func:`jigai.core.forms.parse_decimal`): a plain non-negative
    number with at most two decimal places, "1e5" is not one."""
    return parse_decimal(raw, unit=unit or gettext_lazy("元"), places=2, whole_digits=whole_digits)


def plain(value: Decimal | int | None) -> str:
    """A stored amount as the page shows it in an input: 15000000.00 → "15000000", 0 → ""."""
    if value is None or value == 0:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value)


class MoneyField(DecimalAmountField):
    """An amount in yuan (or another unit, e.g. tce) as typed; cleans to a Decimal or None."""

    def __init__(self, *, unit: Any = None, whole_digits: int = 14, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            unit=unit or gettext_lazy("元"),
            whole_digits=whole_digits,
            attrs={"class": "form-control text-end jg-amount"},
            **kwargs,
        )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("请填写有效的日期，格式为 YYYY-MM-DD。")},
    )


# --- the draft form ---------------------------------------------------------------------------
def line_field(code: str) -> str:
    return f"line__{code}"


def prerequisite_field(code: str, part: str) -> str:
    return f"prereq__{code}__{part}"


def direction_choices(call: Call) -> list[tuple[str, Any]]:
    """The call's eligible directions grouped under their fields (every direction of its catalog
    version when the call names none)."""
    directions: Iterable[CatalogItem] = call.directions.select_related("parent").order_by(
        "parent__sort_order", "sort_order"
    )
    if not call.directions.exists():
        directions = CatalogItem.objects.filter(
            version_id=call.catalog_version_id, kind=CatalogItemKind.DIRECTION
        ).select_related("parent")
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in directions:
        group = str(item.parent) if item.parent else ""
        groups.setdefault(group, []).append((item.code, str(item)))
    choices: list[tuple[str, Any]] = [("", _("请选择支持方向"))]
    for group, options in groups.items():
        if group:
            choices.append((group, options))
        else:
            choices.extend(options)
    return choices


def initial_for(application: Application) -> dict[str, Any]:
    app = application
    initial: dict[str, Any] = {
        "name": app.name,
        "project_code": app.project_code,
        "site_district": app.site_district_id or "",
        "site_address": app.site_address,
        "in_planned_block": {True: "yes", False: "no"}.get(app.in_planned_block, ""),  # type: ignore[arg-type]
        "start_date": app.start_date,
        "end_date": app.end_date,
        "direction": app.direction.code if app.direction_id and app.direction else "",
        "summary": app.summary,
        "project_lead_name": app.project_lead_name,
        "project_lead_id_number": app.project_lead_id_number,
        "jobs_created": app.jobs_created or None,
    }
    for name in FINANCING_FIELDS + OUTCOME_FIELDS[:-1]:
        initial[name] = plain(getattr(app, name))
    for line in app.investment_lines.all():
        initial[line_field(line.item_code)] = plain(line.amount) or "0"
    for record in app.prerequisites.all():
        initial[prerequisite_field(record.code, "done")] = record.done
        initial[prerequisite_field(record.code, "number")] = record.document_number
        initial[prerequisite_field(record.code, "date")] = record.document_date
    return initial


@dataclass
class DraftInput:
    """The raw draft for :func:`draft_parse`, and where each list entry came from on the page."""

    raw: dict[str, Any]
    #: "investment_lines.0" → the form field of that line, "prerequisites.1" → the prerequisite's
    #: field prefix, "other_funding.2" → the index of the funding formset's form
    origin: dict[str, Any] = field(default_factory=dict)


class ApplicationForm(PlatformMessages, forms.Form):
    """Every section of a draft except the attachments (see the module docs)."""

    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200, required=False)
    project_code = forms.CharField(
        label=gettext_lazy("投资项目代码"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("投资项目在线审批监管平台赋予的 24 位代码，如 2026-310115-34-03-012345。"),
    )
    site_district = forms.ChoiceField(label=gettext_lazy("建设地点（区）"), required=False)
    site_address = forms.CharField(label=gettext_lazy("建设地址"), max_length=300, required=False)
    in_planned_block = forms.ChoiceField(
        label=gettext_lazy("是否位于规划产业区块内"),
        required=False,
        choices=[("", gettext_lazy("请选择")), ("yes", gettext_lazy("是")), ("no", gettext_lazy("否"))],
    )
    start_date = _date_field(gettext_lazy("建设开始日期"))
    end_date = _date_field(gettext_lazy("建设完成日期"))
    direction = forms.ChoiceField(label=gettext_lazy("支持方向"), required=False)
    summary = forms.CharField(
        label=gettext_lazy("主要技术内容"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    project_lead_name = forms.CharField(label=gettext_lazy("项目负责人"), max_length=50, required=False)
    project_lead_id_number = forms.CharField(
        label=gettext_lazy("项目负责人身份证号"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("用于核查项目负责人的信用记录。"),
    )

    own_funds = MoneyField(label=gettext_lazy("自有资金"))
    bank_loans = MoneyField(label=gettext_lazy("银行贷款"))
    financing_lease = MoneyField(label=gettext_lazy("融资租赁"))
    other_financing = MoneyField(label=gettext_lazy("其他资金"))

    new_output_value = MoneyField(label=gettext_lazy("新增产值"))
    new_product_output_value = MoneyField(label=gettext_lazy("新产品产值"))
    new_tax = MoneyField(label=gettext_lazy("新增税收"))
    energy_saved_tce = MoneyField(
        label=gettext_lazy("节能量"), unit=gettext_lazy("吨标准煤"), whole_digits=12
    )
    emissions_reduced_t = MoneyField(label=gettext_lazy("减排量"), unit=gettext_lazy("吨"), whole_digits=12)
    jobs_created = forms.IntegerField(
        label=gettext_lazy("新增就业"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        error_messages={"invalid": gettext_lazy("请填写整数（人）。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "form-control text-end"}),
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, application: Application, rules: CallRules
    ) -> None:
        super().__init__(data, initial=initial_for(application))
        self.application = application
        self.rules = rules
        self.items = list(rules.investment_items.all())
        self.required_prerequisites = list(rules.prerequisites.all())
        self.fields["site_district"].choices = [("", _("请选择"))] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in District.objects.all()
        ]
        directions = direction_choices(application.call)
        current = application.direction if application.direction_id else None
        offered = {c for c, label in directions if not isinstance(label, list)}
        offered |= {c for _group, options in directions if isinstance(options, list) for c, _l in options}
        if current is not None and current.code not in offered:
            directions.append((current.code, str(current)))
        self.fields["direction"].choices = directions  # type: ignore[attr-defined]
        for item in self.items:
            self.fields[line_field(item.code)] = MoneyField(label=item.name)
        for prerequisite in self.required_prerequisites:
            code = prerequisite.code
            self.fields[prerequisite_field(code, "done")] = forms.BooleanField(
                label=prerequisite.name, required=False
            )
            self.fields[prerequisite_field(code, "number")] = forms.CharField(
                label=_("%(n)s文号") % {"n": prerequisite.name}, max_length=100, required=False
            )
            self.fields[prerequisite_field(code, "date")] = _date_field(
                _("%(n)s日期") % {"n": prerequisite.name}
            )
        # the fields (and so the error summary) in the order the page shows them
        self.order_fields(self.page_order())
        for bound_field in self.fields.values():
            platform_messages(bound_field)

    def page_order(self) -> list[str]:
        """Every field name in the order of the page's sections."""
        return [
            *BASIC_FIELDS,
            *(line_field(item.code) for item in self.items),
            *FINANCING_FIELDS,
            *OUTCOME_FIELDS,
            *(
                prerequisite_field(p.code, part)
                for p in self.required_prerequisites
                for part in ("done", "number", "date")
            ),
        ]

    # --- what the template shows ---
    def section(self, names: Iterable[str]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def basic(self) -> list[forms.BoundField]:
        return self.section(BASIC_FIELDS)

    def financing(self) -> list[forms.BoundField]:
        return self.section(FINANCING_FIELDS)

    def outcomes(self) -> list[forms.BoundField]:
        return self.section(OUTCOME_FIELDS)

    def investment_rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for item in self.items:
            bound = self[line_field(item.code)]
            rows.append({"item": item, "field": bound, "wan": wan_of(bound.value())})
        return rows

    def prerequisite_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "prerequisite": p,
                "done": self[prerequisite_field(p.code, "done")],
                "number": self[prerequisite_field(p.code, "number")],
                "date": self[prerequisite_field(p.code, "date")],
            }
            for p in self.required_prerequisites
        ]

    def typed_values(self) -> Mapping[str, Any]:
        """What the page shows in each field: the posted text when bound, else the initial values."""
        if self.is_bound:
            return self.data
        return {name: self[name].value() for name in self.fields}

    # --- to the service ---
    def draft_input(self, funding: BaseFormSet) -> DraftInput:
        """The raw draft of a valid form and funding formset: every field (empty ones clear the
        value), a line for each investment item with an amount, every prerequisite of the call,
        the funding rows that are not blank."""
        data = self.cleaned_data
        raw: dict[str, Any] = {name: data.get(name) or "" for name in BASIC_FIELDS}
        raw["in_planned_block"] = {"yes": True, "no": False}.get(data.get("in_planned_block") or "")
        raw["start_date"] = data.get("start_date")
        raw["end_date"] = data.get("end_date")
        raw["site_district"] = data.get("site_district") or None
        raw["direction"] = data.get("direction") or None
        for name in FINANCING_FIELDS + OUTCOME_FIELDS:
            raw[name] = data.get(name)
        result = DraftInput(raw)
        lines: list[dict[str, Any]] = []
        for item in self.items:
            amount = data.get(line_field(item.code))
            if amount is not None:
                result.origin[f"investment_lines.{len(lines)}"] = line_field(item.code)
                lines.append({"item_code": item.code, "amount": amount})
        raw["investment_lines"] = lines
        prerequisites: list[dict[str, Any]] = []
        for index, p in enumerate(self.required_prerequisites):
            result.origin[f"prerequisites.{index}"] = p.code
            prerequisites.append(
                {
                    "code": p.code,
                    "done": bool(data.get(prerequisite_field(p.code, "done"))),
                    "document_number": data.get(prerequisite_field(p.code, "number")) or "",
                    "document_date": data.get(prerequisite_field(p.code, "date")),
                }
            )
        raw["prerequisites"] = prerequisites
        rows: list[dict[str, Any]] = []
        for index, form in enumerate(funding.forms):
            if form.is_blank():
                continue
            result.origin[f"other_funding.{len(rows)}"] = index
            rows.append(
                {
                    "programme": form.cleaned_data["programme"],
                    "authority": form.cleaned_data.get("authority") or "",
                    "amount": form.cleaned_data["amount"],
                    "status": form.cleaned_data["status"],
                }
            )
        raw["other_funding"] = rows
        return result

    def add_service_errors(
        self, exc: ValidationError, funding: BaseFormSet, origin: Mapping[str, Any]
    ) -> list[str]:
        """Put the service's (or the draft shape's) errors beside the fields they concern; returns
        the messages that belong to no field."""
        if not hasattr(exc, "error_dict"):
            return [str(m) for m in exc.messages]
        rest: list[str] = []
        for key, messages in exc.message_dict.items():
            target = self._target(key, funding, origin)
            if target is None:
                rest.extend(messages)
                continue
            form, name = target
            for message in messages:
                form.add_error(name, message)
        return rest

    def _target(
        self, key: str, funding: BaseFormSet, origin: Mapping[str, Any]
    ) -> tuple[forms.Form, str | None] | None:
        parts = key.split(".")
        if key in self.fields:
            return self, key
        if key == NON_FIELD_ERRORS:
            return None
        if len(parts) >= 2 and f"{parts[0]}.{parts[1]}" in origin:
            where = origin[f"{parts[0]}.{parts[1]}"]
            attribute = parts[2] if len(parts) > 2 else ""
            if parts[0] == "investment_lines":
                return self, str(where)
            if parts[0] == "prerequisites":
                part = {"document_number": "number", "document_date": "date"}.get(attribute, "done")
                return self, prerequisite_field(str(where), part)
            if parts[0] == "other_funding":
                form = funding.forms[int(where)]
                return form, attribute if attribute in form.fields else None
        return None


def wan_of(value: Any) -> str:
    """The 万元 shown beside a typed amount in yuan ("" when empty or not a number)."""
    try:
        amount = parse_amount(value)
    except ValidationError:
        return ""
    return "" if amount is None else format_wan(amount)


# --- other public funding ---------------------------------------------------------------------
class FundingForm(PlatformMessages, forms.Form):
    """One row of other public funding for the same project; a row left blank is ignored."""

    programme = forms.CharField(label=gettext_lazy("资金名称"), max_length=200, required=False)
    authority = forms.CharField(label=gettext_lazy("主管部门"), max_length=100, required=False)
    amount = MoneyField(label=gettext_lazy("金额（元）"))
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("请选择")), *OtherFundingStatus.choices],
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            data.get(name) not in (None, "") for name in ("programme", "authority", "amount", "status")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("programme") and "programme" not in self.errors:
            self.add_error("programme", _("请填写资金名称。"))
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("请填写金额。"))
        if not data.get("status") and "status" not in self.errors:
            self.add_error("status", _("请选择已获得或已申请。"))
        return data


FundingFormSet = formset_factory(
    FundingForm, extra=2, max_num=MAX_FUNDING_ROWS, validate_max=True, absolute_max=MAX_FUNDING_ROWS
)


def funding_formset(data: Mapping[str, Any] | None, application: Application) -> Any:
    initial = [
        {"programme": f.programme, "authority": f.authority, "amount": plain(f.amount), "status": f.status}
        for f in application.other_funding.all()
    ]
    return FundingFormSet(data, initial=initial, prefix="funding")


# --- live totals ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TypedTotals:
    """The totals of the investment lines as typed (not saved), with the call's thresholds."""

    totals: Totals
    rules: CallRules
    lines: list[dict[str, Any]]
    unreadable: list[str]
    financing: Decimal
    financing_unreadable: list[str]

    @property
    def meets_minimum(self) -> bool:
        return self.totals.total >= self.rules.min_total_investment

    @property
    def share_ok(self) -> bool:
        # "more than" the share, compared on the exact amounts (as the eligibility rule does)
        return self.totals.total > 0 and self.totals.fixed_assets > self.rules.min_fixed_asset_share * (
            self.totals.total
        )

    @property
    def financing_gap(self) -> Decimal:
        return self.totals.total - self.financing


def typed_totals(data: Mapping[str, Any], rules: CallRules) -> TypedTotals:
    """Totals, fixed-asset share and requested support (the call's amount rule, via
    :func:`jigai.applications.eligibility.compute_totals`) of the amounts typed on the page."""
    items = list(rules.investment_items.all())
    amounts: list[tuple[Decimal, bool]] = []
    lines, unreadable = [], []
    for item in items:
        name = line_field(item.code)
        try:
            amount = parse_amount(data.get(name))
        except ValidationError:
            unreadable.append(item.name)
            amount = None
        if amount is not None:
            amounts.append((amount, item.is_fixed_asset))
        lines.append({"field": name, "wan": "" if amount is None else format_wan(amount)})
    financing = Decimal("0.00")
    financing_unreadable = []
    form = ApplicationForm.base_fields
    for name in FINANCING_FIELDS:
        try:
            value = parse_amount(data.get(name))
        except ValidationError:
            financing_unreadable.append(str(form[name].label))
            continue
        if value is not None:
            financing += value
    return TypedTotals(
        compute_totals(amounts, rules), rules, lines, unreadable, financing, financing_unreadable
    )


# --- withdraw ---------------------------------------------------------------------------------
class WithdrawForm(PlatformMessages, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写撤回原因。")},
    )
