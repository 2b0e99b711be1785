"""The auditor's filter form. It only parses input; the selector applies the filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jigai.audit.choices import Outcome

RECENT_CHOICES = [("", _("不限")), ("24", _("近24小时")), ("168", _("近7天"))]


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recent = forms.ChoiceField(label=_("最近"), required=False, choices=RECENT_CHOICES)
    username = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("前缀，如 user. 或 auth.login")}),
    )
    object_type = forms.CharField(
        label=_("对象类型"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("如 accounts.user")}),
    )
    object_id = forms.CharField(label=_("对象 ID"), required=False, max_length=64)
    outcome = forms.MultipleChoiceField(
        label=_("结果"),
        required=False,
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    ip_address = forms.CharField(label=_("IP 地址"), required=False, max_length=45)
    request_id = forms.CharField(label=_("请求 ID"), required=False, max_length=64)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for :func:`jigai.audit.selectors.audit_event_list` (form is valid)."""
        data = self.cleaned_data
        out: dict[str, Any] = {
            name: data.get(name) or ""
            for name in ("username", "action", "object_type", "object_id", "ip_address", "request_id")
        }
        out["date_from"] = data.get("date_from")
        out["date_to"] = data.get("date_to")
        out["outcome"] = list(data.get("outcome") or [])
        if data.get("recent"):
            out["since"] = timezone.now() - timedelta(hours=int(data["recent"]))
        return out

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(v for k, v in self.data.items() if k in self.fields)
