"""Forms of the catalog pages. They parse input only; the rules of the tree are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jigai.catalog.choices import CatalogItemKind, SixIzations
from jigai.catalog.excel import MAX_FILE_BYTES
from jigai.catalog.models import CatalogVersion
from jigai.core.forms import PlatformMessages
from jigai.reference.models import Industry

START_EMPTY = "empty"
START_DEFAULTS = "defaults"


class BootstrapMixin(PlatformMessages):
    """Bootstrap 5 classes on the widgets, and ``is-invalid`` on fields with errors (the pages
    render fields with ``catalog/_field.html``); the platform's wording for stock errors."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class CatalogVersionForm(BootstrapMixin, forms.Form):
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
    title = forms.CharField(
        label=_("目录名称"),
        max_length=200,
        error_messages={"required": _("请填写目录名称。"), "max_length": _("目录名称不能超过 200 个字符。")},
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CatalogVersionCreateForm(CatalogVersionForm):
    start = forms.ChoiceField(
        label=_("起草方式"),
        choices=[
            (START_DEFAULTS, _("以政策支持方向为基础（11 个支持领域及其支持方向）")),
            (START_EMPTY, _("空白目录（逐条添加或从 Excel 导入）")),
        ],
        initial=START_DEFAULTS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year + 1
        self.fields["year"].initial = year
        self.fields["title"].initial = _("%(year)d年上海市重点技术改造支持目录") % {"year": year}


def _industry_choices() -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in Industry.objects.order_by("code")]


class CatalogItemForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=CatalogItemKind.choices,
        widget=forms.RadioSelect,
        initial=CatalogItemKind.DIRECTION,
    )
    code = forms.CharField(
        label=_("编号"),
        max_length=20,
        error_messages={"required": _("请填写编号。"), "max_length": _("编号不能超过 20 个字符。")},
        help_text=_("在本目录版本中唯一，例如 1 或 1.2。"),
    )
    parent_code = forms.ChoiceField(
        label=_("所属支持领域"), required=False, help_text=_("支持方向须选择所属的支持领域；支持领域留空。")
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=200,
        error_messages={"required": _("请填写名称。"), "max_length": _("名称不能超过 200 个字符。")},
    )
    group = forms.ChoiceField(
        label=_("六化归类"), required=False, choices=[("", _("（不归类）")), *SixIzations.choices]
    )
    industry_codes = forms.MultipleChoiceField(
        label=_("对应行业"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("可多选（按住 Ctrl 或 ⌘）；不选表示不限行业。"),
    )
    description = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, version: CatalogVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = version.items.filter(kind=CatalogItemKind.FIELD).order_by("sort_order", "id")
        self.fields["parent_code"].choices = [("", _("（无，本条为支持领域）"))] + [  # type: ignore[attr-defined]
            (f.code, f"{f.code} {f.name}") for f in fields
        ]
        self.fields["industry_codes"].choices = _industry_choices()  # type: ignore[attr-defined]


class CatalogImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 Excel 文件。"), "empty": _("上传的文件是空的。")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 %(mb)d MB。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        return upload
