"""Forms of the expert review pages. They parse input only; the services hold the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jigai.catalog.choices import CatalogItemKind
from jigai.catalog.models import CatalogItem
from jigai.experts.draw import MAX_EXPERTS_PER_APPLICATION
from jigai.experts.selectors import current_catalog
from jigai.reference.choices import IndustryLevel
from jigai.reference.models import Industry
from jigai.workdays.workingdays import add_working_days

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DrawForm(forms.Form):
    experts_per_application = forms.IntegerField(
        label=_("每个项目的专家人数"), min_value=1, max_value=MAX_EXPERTS_PER_APPLICATION, initial=5
    )
    deadline = forms.DateTimeField(
        label=_("评分截止时间（北京时间）"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=64,
        help_text=_("留空由系统随机生成；抽取后公开记录，可据此复核抽取结果。"),
    )
    spread_threshold = forms.DecimalField(
        label=_("分差预警阈值"),
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text=_("专家总分最高与最低之差超过此值时提示复核（默认 20 分）。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DeclareForm(forms.Form):
    no_conflict = forms.TypedChoiceField(
        choices=[("1", _("无利益冲突")), ("0", _("回避"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(required=False, max_length=2000)


class ConflictForm(forms.Form):
    organisation = forms.CharField(
        label=_("单位"),
        max_length=200,
        help_text=_("填写单位的统一社会信用代码或全称，如曾任职、兼职、持股、亲属任职的单位。"),
    )
    reason = forms.CharField(label=_("关联情况"), max_length=300)


def _direction_choices() -> list[tuple[str, Any]]:
    catalog = current_catalog()
    if catalog is None:
        return []
    items = CatalogItem.objects.filter(version=catalog).order_by("sort_order", "code")
    return [
        (i.code, f"{i.code} {i.name}" if i.kind == CatalogItemKind.DIRECTION else f"{i.code} 【{i.name}】")
        for i in items
    ]


def _industry_choices() -> list[tuple[str, Any]]:
    rows = Industry.objects.filter(level__in=[IndustryLevel.SECTION, IndustryLevel.DIVISION]).order_by("code")
    return [(i.code, i.label) for i in rows]


class ExpertProfileForm(forms.Form):
    title = forms.CharField(label=_("职称"), max_length=60, required=False)
    specialty = forms.CharField(label=_("专业领域"), max_length=200, required=False)
    direction_codes = forms.MultipleChoiceField(
        label=_("熟悉的支持方向"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("选择支持领域即包含其下全部方向。"),
    )
    industry_codes = forms.MultipleChoiceField(
        label=_("熟悉的行业"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("国民经济行业分类门类或大类。"),
    )
    is_active = forms.BooleanField(label=_("在库可抽取"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["direction_codes"]).choices = _direction_choices()
        cast(forms.ChoiceField, self.fields["industry_codes"]).choices = _industry_choices()


SCORING_WORKING_DAYS = 10
SHANGHAI = ZoneInfo("Asia/Shanghai")


def default_deadline_at() -> dt.datetime:
    """The scoring deadline proposed for a new panel: 17:00 Shanghai time on the tenth working day
    after today (the Chinese working-day calendar: never a weekend or a holiday, never at an odd
    minute of the clock)."""
    today = timezone.localdate(timezone=SHANGHAI)
    day, _provisional = add_working_days(today + dt.timedelta(days=1), SCORING_WORKING_DAYS)
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=SHANGHAI)


def default_deadline() -> str:
    """:func:`default_deadline_at` as the datetime-local input shows it."""
    return default_deadline_at().strftime("%Y-%m-%dT%H:%M")
