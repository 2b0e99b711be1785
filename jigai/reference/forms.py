"""Forms of the reference pages: the identifier and size checker, and credit-code exceptions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

CHECK_CREDIT = "credit_code"
CHECK_PROJECT = "project_code"
CHECK_SIZE = "size"
CHECK_KINDS = (CHECK_CREDIT, CHECK_PROJECT, CHECK_SIZE)


class CreditCodeCheckForm(forms.Form):
    code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        error_messages={"required": _("请填写统一社会信用代码。"), "max_length": _("输入过长。")},
        widget=forms.TextInput(attrs={"placeholder": "91310000132149237G", "autocomplete": "off"}),
    )


class ProjectCodeCheckForm(forms.Form):
    code = forms.CharField(
        label=_("投资项目代码"),
        max_length=40,
        error_messages={"required": _("请填写投资项目代码。"), "max_length": _("输入过长。")},
        widget=forms.TextInput(attrs={"placeholder": "2026-310115-34-03-012345", "autocomplete": "off"}),
    )


class EnterpriseSizeForm(forms.Form):
    employees = forms.IntegerField(
        label=_("从业人员（人）"),
        min_value=0,
        max_value=10_000_000,
        error_messages={
            "required": _("请填写从业人员人数。"),
            "invalid": _("从业人员应为整数。"),
            "min_value": _("从业人员不能为负数。"),
            "max_value": _("从业人员人数过大。"),
        },
    )
    operating_revenue = forms.DecimalField(
        label=_("营业收入（万元）"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": _("请填写营业收入。"),
            "invalid": _("营业收入应为数字（万元，最多两位小数）。"),
            "min_value": _("营业收入不能为负数。"),
            "max_digits": _("营业收入过大。"),
            "max_decimal_places": _("营业收入最多两位小数。"),
            "max_whole_digits": _("营业收入过大。"),
        },
    )


class CreditCodeExceptionForm(forms.Form):
    """Input only; the rules (shape, failing the check, reason length, duplicates) are the service's."""

    code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        error_messages={"required": _("请填写统一社会信用代码。"), "max_length": _("输入过长。")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("接受理由"),
        max_length=1000,
        error_messages={"required": _("请说明接受理由。"), "max_length": _("理由最多 1000 字。")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：已核对营业执照原件，该代码为早期赋码，与登记机关记录一致。"),
    )
