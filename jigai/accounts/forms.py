"""Forms of the account pages. They only parse input; the rules live in ``services.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jigai.accounts.choices import ADMIN_ROLES, ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from jigai.accounts.models import Organisation

#: how many organisations the create-user page lists at once; a search narrows the rest
ORGANISATION_OPTIONS_LIMIT = 200


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields, the rest
    (and errors about fields the form does not have) above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's ChoiceField by name (typed, so its choices can be set in ``__init__``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _password_help() -> str:
    return " ".join(str(t) for t in password_validators_help_texts())


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("账号"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        help_text=_("身份验证器显示的 6 位数字，或一个备用码"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control",
                "autofocus": True,
            }
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )
    new_password_confirm = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = _password_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, confirm = data.get("new_password"), data.get("new_password_confirm")
        if new and confirm and new != confirm:
            self.add_error("new_password_confirm", _("两次输入的新密码不一致。"))
        return data


def business_role_choices() -> list[tuple[str, Any]]:
    """Roles the system administrator may give on the page: the three administrators are created
    on the server only (等保 2.0 三员分立)."""
    return [(value, label) for value, label in Role.choices if value not in ADMIN_ROLES]


def organisations_for_role(organisations: QuerySet[Organisation], role: str | None) -> QuerySet[Organisation]:
    """Active organisations a holder of ``role`` may belong to (ROLE_ORGANISATION_KINDS)."""
    qs = organisations.filter(is_active=True)
    if role in ROLE_ORGANISATION_KINDS:
        qs = qs.filter(kind__in=ROLE_ORGANISATION_KINDS[role])
    return qs.order_by("kind", "name")


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("账号"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    role = forms.ChoiceField(label=_("角色"), widget=forms.Select(attrs={"class": "form-select"}))
    organisation = forms.ModelChoiceField(
        label=_("所属机构"),
        queryset=Organisation.objects.none(),
        error_messages={"invalid_choice": _("所选机构不存在或与角色不符，请重新选择。")},
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("确认初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = [("", _("请选择角色")), *business_role_choices()]
        self.fields["password"].help_text = _password_help()
        role = self.data.get("role") if self.is_bound else None
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations_for_role(organisations, role)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, confirm = data.get("password"), data.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return data


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False)
    kind = forms.ChoiceField(label=_("机构类型"), required=False)
    organisation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("状态"), required=False)

    STATES = {
        "active": _("启用"),
        "inactive": _("已停用"),
        "locked": _("锁定中"),
        "failed": _("有登录失败"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = [("", _("全部角色")), *Role.choices]
        choice_field(self, "kind").choices = [("", _("全部机构类型")), *OrganisationKind.choices]
        choice_field(self, "state").choices = [("", _("全部状态")), *self.STATES.items()]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("写明用途，例如“区财政系统对接”。"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    days = forms.IntegerField(
        label=_("有效期（天）"),
        min_value=1,
        max_value=730,
        initial=365,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
