"""Forms of the enterprise pages. They only parse input; the rules (and their Chinese messages)
live in :mod:`jigai.enterprises.profile` and :mod:`jigai.enterprises.services`, so the page and
the API refuse the same input with the same words.

Fields the rules require are not ``required`` here: the service reports every missing field at
once together with the other problems; ``show_required`` marks them for the label.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from jigai.accounts.forms import choice_field
from jigai.core.templatetags.jigai_ui import localized_name
from jigai.enterprises.choices import SpecialisedStatus
from jigai.enterprises.profile import HIGH_TECH_EXAMPLE, IDENTITY_FIELDS
from jigai.reference.choices import IndustryLevel
from jigai.reference.models import District, Industry


def _text(label: Any, *, max_length: int, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def district_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("请选择所在区"))),
        *((d.code, localized_name(d)) for d in District.objects.order_by("sort_order", "code")),
    ]


def industry_choices() -> list[tuple[Any, Any]]:
    """Sections, then the divisions of each section that has them, as option groups."""
    nodes = list(
        Industry.objects.filter(level__in=[IndustryLevel.SECTION, IndustryLevel.DIVISION]).order_by("code")
    )
    sections = [(n.code, n.label) for n in nodes if n.level == IndustryLevel.SECTION]
    divisions = [(n.code, n.label) for n in nodes if n.level == IndustryLevel.DIVISION]
    choices: list[tuple[Any, Any]] = [("", str(_("请选择所属行业"))), (str(_("门类")), sections)]
    if divisions:
        choices.append((str(_("大类（制造业等请选到大类）")), divisions))
    return choices


class EnterpriseProfileForm(forms.Form):
    """企业信息 and 联系人: the profile, on registration and on the enterprise's own page."""

    REQUIRED = frozenset(
        {
            "credit_code",
            "name",
            "district",
            "address",
            "industry",
            "employees",
            "operating_revenue",
            "legal_representative",
            "contact_name",
            "contact_phone",
        }
    )
    ENTERPRISE_FIELDS = (
        "credit_code",
        "name",
        "district",
        "address",
        "industry",
        "employees",
        "operating_revenue",
        "legal_representative",
        "high_tech_certificate_number",
        "high_tech_valid_until",
        "specialised_status",
    )
    CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

    credit_code = _text(
        _("统一社会信用代码"),
        max_length=40,
        autocomplete="off",
        spellcheck="false",
        placeholder="91310115XXXXXXXXXX",
    )
    name = _text(_("企业名称"), max_length=200, autocomplete="organization")
    district = forms.ChoiceField(label=_("所在区"), required=False)
    address = _text(_("注册地址"), max_length=300, autocomplete="street-address")
    industry = forms.ChoiceField(label=_("所属行业"), required=False)
    employees = _text(_("从业人员（人）"), max_length=10, inputmode="numeric")
    operating_revenue = _text(_("上年度营业收入（万元）"), max_length=20, inputmode="decimal")
    legal_representative = _text(_("法定代表人"), max_length=50)
    high_tech_certificate_number = _text(
        _("高新技术企业证书编号"), max_length=30, placeholder=HIGH_TECH_EXAMPLE
    )
    high_tech_valid_until = forms.CharField(
        label=_("证书有效期至"),
        required=False,
        max_length=10,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    specialised_status = forms.ChoiceField(
        label=_("专精特新"),
        required=False,
        choices=SpecialisedStatus.choices,
        initial=SpecialisedStatus.NONE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    contact_name = _text(_("联系人"), max_length=50, autocomplete="name")
    contact_phone = _text(_("联系电话"), max_length=30, autocomplete="tel")
    contact_email = forms.CharField(
        label=_("联系人电子邮箱"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "district").choices = district_choices()
        choice_field(self, "industry").choices = industry_choices()
        self.fields["credit_code"].help_text = _("18 位，见营业执照；输入时可含空格，字母不区分大小写。")
        self.fields["employees"].help_text = _("企业规模按从业人员和营业收入自动划分。")
        self.fields["high_tech_certificate_number"].help_text = _("不是高新技术企业的不填。")
        for name, field in self.fields.items():
            field.show_required = name in self.REQUIRED  # type: ignore[attr-defined]
        if locked:
            # Confirmed by the district: the identity of the enterprise is fixed.
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("已经区经委确认，不能修改；如确需变更，请联系所在区经委。")

    def enterprise_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ENTERPRISE_FIELDS]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONTACT_FIELDS]

    def profile_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in (*self.ENTERPRISE_FIELDS, *self.CONTACT_FIELDS)}


class AccountForm(forms.Form):
    """登录账号: a new enterprise account (the first on registration, or a colleague's)."""

    REQUIRED = frozenset({"username", "display_name", "password", "password_confirm"})

    username = _text(_("登录账号"), max_length=150, autocomplete="username")
    display_name = _text(_("使用人姓名"), max_length=50)
    phone = _text(_("手机号"), max_length=20, autocomplete="tel")
    email = forms.CharField(
        label=_("电子邮箱"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("确认密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _("用于登录，可用字母、数字和 @ . + - _。")
        self.fields["password"].help_text = " ".join(str(t) for t in password_validators_help_texts())
        for name, field in self.fields.items():
            field.show_required = name in self.REQUIRED  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirm = data.get("password"), data.get("password_confirm")
        if password and password != confirm:
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return data

    def account_data(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k) or ""
            for k in ("username", "password", "display_name", "phone", "email")
        }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
