"""The forms of the decision pages: amounts, the proposed list, publicity, handling an objection, the
holiday calendar; and putting a service's ValidationError onto a form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.decisions.choices import ObjectionStatus


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


# --- forms ------------------------------------------------------------------------------------
class AmountsForm(forms.Form):
    approved_investment = forms.DecimalField(
        label=gettext_lazy("核定总投入（元）"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy(
            "不填则取专家建议的平均值；专家未提出意见时取申报总投资。不能超过申报总投资。"
        ),
    )
    approved_support = forms.DecimalField(
        label=gettext_lazy("核定支持金额（元）"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy(
            "不填则按公式计算（核定总投入 × 支持比例，不超过单个项目上限）；只能调减，不能调高。"
        ),
    )
    reduction_reason = forms.CharField(
        label=gettext_lazy("调减理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("核定支持金额低于公式金额时必填。"),
    )


class ProposeForm(forms.Form):
    application_ids = forms.TypedMultipleChoiceField(
        label=gettext_lazy("列入拟支持名单的项目"), coerce=int, required=False
    )
    not_proposed_reason = forms.CharField(
        label=gettext_lazy("其余项目未列入名单的原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicityForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("公示开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("默认明天；公示期按申报通知规定的工作日数计算，节假日和调休按国务院安排。"),
    )


class HandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[
            (ObjectionStatus.DISMISSED, gettext_lazy("不予采纳")),
            (ObjectionStatus.UPHELD, gettext_lazy("予以采纳（项目移出名单）")),
        ],
        widget=forms.RadioSelect,
    )
    application_id = forms.TypedChoiceField(
        label=gettext_lazy("涉及的项目"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label=gettext_lazy("处理意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CalendarForm(forms.Form):
    holidays = forms.CharField(
        label=gettext_lazy("法定节假日（放假日期）"),
        required=False,
        # the placeholder shows the format, never a date one could take for a real holiday
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "YYYY-MM-DD\nYYYY-MM-DD~YYYY-MM-DD"}),
        help_text=gettext_lazy(
            "每行一个日期或日期范围（YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD），含放假期间的周末。"
        ),
    )
    workdays = forms.CharField(
        label=gettext_lazy("调休上班日（周六、周日上班）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "YYYY-MM-DD"}),
    )
    note = forms.CharField(label=gettext_lazy("依据（通知文号）"), required=False, max_length=60)

    @staticmethod
    def _dates(text: str) -> list[dt.date]:
        days: list[dt.date] = []
        for raw in text.replace("，", "\n").replace(",", "\n").splitlines():
            item = raw.strip()
            if not item:
                continue
            first, _sep, last = (p.strip() for p in item.replace("～", "~").partition("~"))
            try:
                start = dt.date.fromisoformat(first)
                end = dt.date.fromisoformat(last) if last else start
            except ValueError as exc:
                raise forms.ValidationError(_("“%(v)s”不是日期（应为 YYYY-MM-DD）。") % {"v": item}) from exc
            if end < start or (end - start).days > 31:
                raise forms.ValidationError(_("日期范围“%(v)s”无效。") % {"v": item})
            days.extend(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        return days

    def clean_holidays(self) -> list[dt.date]:
        return self._dates(self.cleaned_data.get("holidays", ""))

    def clean_workdays(self) -> list[dt.date]:
        return self._dates(self.cleaned_data.get("workdays", ""))
