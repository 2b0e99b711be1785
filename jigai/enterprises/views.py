"""Enterprise pages: the scoped list with filters and the detail of one enterprise; the public
registration page; the district's confirmation (htmx buttons on the detail page); an enterprise's
own 企业信息 page (profile, accounts).

Reads go through :mod:`jigai.enterprises.selectors`: an enterprise sees itself, a district its
district (属地原则), the municipal bodies the whole city. An enterprise outside the scope is a
404, never a 403, so that its existence is not revealed. Writes call
:mod:`jigai.enterprises.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from jigai.accounts.choices import Role
from jigai.accounts.forms import apply_service_errors, choice_field
from jigai.core.permissions import Decision, has_role, require
from jigai.core.scoping import Scope, scope_for
from jigai.core.templatetags.jigai_ui import localized_name
from jigai.core.text import join_messages
from jigai.enterprises import selectors, services, throttle, workflow
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.forms import AccountForm, EnterpriseProfileForm, RejectForm
from jigai.enterprises.models import Enterprise
from jigai.enterprises.profile import profile_of
from jigai.reference.choices import EnterpriseSize, IndustryLevel
from jigai.reference.models import District, Industry

ENTERPRISES_PER_PAGE = 20
ENTERPRISE_READERS = (
    Role.ENTERPRISE,
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
#: ``?sort=`` values and the ordering each stands for (a leading ``-`` reverses it)
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "credit_code": ("credit_code",),
    "district": ("district__sort_order", "name", "id"),
    "industry": ("industry_id", "name", "id"),
    "employees": ("employees", "id"),
    "operating_revenue": ("operating_revenue", "id"),
    "status": ("status", "name", "id"),
    "created_at": ("created_at", "id"),
}


def can_browse_enterprises(user: Any) -> Decision:
    """Enterprises and the business bodies read enterprise profiles; the three administrators do
    not see business data (三员分立), and experts see enterprises only through their assignments."""
    return has_role(user, ENTERPRISE_READERS, _("查看企业信息"))


def sees_several_districts(user: Any) -> bool:
    return scope_for(user) is Scope.ALL


def _industry_choices() -> list[tuple[Any, Any]]:
    nodes = list(
        Industry.objects.filter(level__in=[IndustryLevel.SECTION, IndustryLevel.DIVISION]).order_by("code")
    )
    sections = [(n.code, n.label) for n in nodes if n.level == IndustryLevel.SECTION]
    divisions = [(n.code, n.label) for n in nodes if n.level == IndustryLevel.DIVISION]
    choices: list[tuple[Any, Any]] = [("", _("全部行业")), (_("门类"), sections)]
    if divisions:
        choices.append((_("大类"), divisions))
    return choices


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    district = forms.ChoiceField(label=gettext_lazy("所在区"), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("所属行业"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("企业规模"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("确认状态"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, show_district: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if show_district:
            choice_field(self, "district").choices = [
                ("", _("全部区")),
                *((d.code, localized_name(d)) for d in District.objects.order_by("sort_order", "code")),
            ]
        else:
            del self.fields["district"]
        choice_field(self, "industry").choices = _industry_choices()
        choice_field(self, "size").choices = [("", _("全部规模")), *EnterpriseSize.choices]
        choice_field(self, "status").choices = [("", _("全部状态")), *EnterpriseStatus.choices]
        choice_field(self, "sort").choices = [
            ("", ""),
            *((k, k) for k in SORTS),
            *((f"-{k}", k) for k in SORTS),
        ]


def _ordering(sort: str) -> tuple[str, ...]:
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["name"])
    return tuple(f"-{f}" for f in fields) if descending else fields


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(can_browse_enterprises(user), "enterprise.list")
    show_district = sees_several_districts(user)
    form = EnterpriseFilterForm(request.GET, show_district=show_district)
    filters: dict[str, Any] = {}
    sort = ""
    if form.is_valid():
        data = form.cleaned_data
        filters = {k: data.get(k) or None for k in ("district", "industry", "size", "status", "q")}
        sort = data["sort"]
    enterprises = selectors.enterprise_list(actor=user, **filters).order_by(*_ordering(sort))
    page = Paginator(enterprises, ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "show_district": show_district, "sort": sort}
    htmx = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "enterprises/_enterprise_results.html" if htmx else "enterprises/enterprise_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(can_browse_enterprises(user), "enterprise.view")
    enterprise = _enterprise_or_404(user, pk)
    context = {
        "enterprise": enterprise,
        "credit_bar": selectors.enterprise_credit_bar(actor=user, enterprise=enterprise),
        "own": getattr(user, "role", None) == Role.ENTERPRISE,
        **_decision_context(user, enterprise),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _enterprise_or_404(user: Any, pk: int) -> Enterprise:
    try:
        return selectors.enterprise_get(actor=user, pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404(_("企业不存在，或不在您的查看范围内。")) from None


def _decision_context(user: Any, enterprise: Enterprise, **extra: Any) -> dict[str, Any]:
    """What the status panel of the detail page shows: the confirm and reject buttons, enabled or
    disabled with the reason, while the registration awaits the district."""
    confirm = workflow.can_confirm_enterprise(user, enterprise)
    reject = workflow.can_reject_enterprise(user, enterprise)
    return {
        "enterprise": enterprise,
        "decidable": enterprise.status == EnterpriseStatus.PENDING and user.role != Role.ENTERPRISE,
        "confirm_decision": confirm,
        "reject_decision": reject,
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        **extra,
    }


def _decision_response(request: HttpRequest, enterprise: Enterprise, **extra: Any) -> HttpResponse:
    if _is_htmx(request):
        context = _decision_context(request.user, enterprise, **extra)
        return render(request, "enterprises/_decision.html", context)
    return redirect("enterprises:detail", pk=enterprise.pk)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_POST
def enterprise_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request.user, pk)
    try:
        enterprise = services.enterprise_confirm(actor=request.user, enterprise=enterprise)
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
        enterprise.refresh_from_db()
        return _decision_response(request, enterprise, decision_error=join_messages(exc.messages))
    messages.success(
        request, _("已确认 %(name)s 的注册信息，该企业可以申报项目了。") % {"name": enterprise.name}
    )
    return _decision_response(request, enterprise, done=_("已确认。"))


@login_required
@require_POST
def enterprise_reject(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request.user, pk)
    form = RejectForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        enterprise = services.enterprise_reject(actor=request.user, enterprise=enterprise, reason=reason)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        enterprise.refresh_from_db()
        if not _is_htmx(request):
            messages.error(request, join_messages(str(m) for errors in form.errors.values() for m in errors))
        return _decision_response(request, enterprise, reject_form=form, reject_open=True)
    messages.success(
        request, _("已退回 %(name)s 的注册信息，企业更正后将重新提交。") % {"name": enterprise.name}
    )
    return _decision_response(request, enterprise, done=_("已退回。"))


# --- Public registration ----------------------------------------------------------------------
REGISTERED_SESSION_KEY = "enterprises.registered"


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def enterprise_register(request: HttpRequest) -> HttpResponse:
    """The public registration page: 企业信息, 联系人, 登录账号. Every problem is shown beside its
    field and every typed value is kept (except the passwords)."""
    profile_form = EnterpriseProfileForm(request.POST or None)
    account_form = AccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        wait = throttle.registration_hit(request, channel="page", limit=throttle.PAGE_LIMIT)
        if wait is not None:
            profile_form.is_valid()
            profile_form.add_error(
                None, _("提交过于频繁，请 %(m)d 分钟后再试。") % {"m": max(1, round(wait / 60))}
            )
            status = 429
        else:
            forms_valid = profile_form.is_valid() & account_form.is_valid()
            data, account = profile_form.profile_data(), account_form.account_data()
            try:
                if not forms_valid:
                    # Show the rules' problems beside the form's own (e.g. passwords that differ).
                    raise ValidationError(
                        services.enterprise_registration_problems(data=data, **account) or {}
                    )
                enterprise = services.enterprise_register(data=data, **account)
            except ValidationError as exc:
                _apply_registration_errors(profile_form, account_form, exc)
            else:
                request.session[REGISTERED_SESSION_KEY] = {
                    "name": enterprise.name,
                    "district": str(localized_name(enterprise.district)),
                    "username": account["username"].strip(),
                    "size": enterprise.get_size_display(),
                }
                return redirect("enterprises:register_done")
    context = {"profile_form": profile_form, "account_form": account_form}
    return render(request, "enterprises/register.html", context, status=status)


def _apply_registration_errors(
    profile_form: EnterpriseProfileForm, account_form: AccountForm, exc: ValidationError
) -> None:
    if not hasattr(exc, "error_dict"):
        profile_form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        messages_ = [m for e in errors for m in e.messages]
        if field in account_form.fields:
            account_form.add_error(field, messages_)
        else:
            profile_form.add_error(field if field in profile_form.fields else None, messages_)


@never_cache
def enterprise_register_done(request: HttpRequest) -> HttpResponse:
    registered = request.session.get(REGISTERED_SESSION_KEY)
    if not registered:
        return redirect("enterprises:register")
    return render(request, "enterprises/register_done.html", {"registered": registered})


# --- The enterprise's own page ----------------------------------------------------------------
def _own_or_404(request: HttpRequest) -> Enterprise:
    require(has_role(request.user, [Role.ENTERPRISE], _("维护本企业信息")), "enterprise.me")
    enterprise = selectors.own_enterprise(actor=request.user)
    if enterprise is None:
        raise Http404(_("账户尚未关联企业信息，请联系所在区经委。"))
    return enterprise


def _profile_initial(enterprise: Enterprise) -> dict[str, Any]:
    initial = profile_of(enterprise)
    valid_until = initial.get("high_tech_valid_until")
    initial["high_tech_valid_until"] = valid_until.isoformat() if valid_until else ""
    return initial


def _me_page(
    request: HttpRequest,
    enterprise: Enterprise,
    *,
    profile_form: EnterpriseProfileForm | None = None,
    account_form: AccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    locked = enterprise.status == EnterpriseStatus.CONFIRMED
    context = {
        "enterprise": enterprise,
        "profile_form": profile_form
        or EnterpriseProfileForm(initial=_profile_initial(enterprise), locked=locked),
        "account_form": account_form or AccountForm(),
        "users": selectors.enterprise_user_list(actor=request.user, enterprise=enterprise),
        "credit_bar": selectors.enterprise_credit_bar(actor=request.user, enterprise=enterprise),
        "add_user": workflow.can_add_enterprise_user(request.user),
        "max_users": services.ENTERPRISE_MAX_USERS,
    }
    return render(request, "enterprises/me.html", context, status=status)


@login_required
@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
def enterprise_me(request: HttpRequest) -> HttpResponse:
    """企业信息: the enterprise's own profile (editable), its status, its accounts."""
    enterprise = _own_or_404(request)
    if request.method != "POST":
        return _me_page(request, enterprise)
    was_rejected = enterprise.status == EnterpriseStatus.REJECTED
    locked = enterprise.status == EnterpriseStatus.CONFIRMED
    form = EnterpriseProfileForm(request.POST, initial=_profile_initial(enterprise), locked=locked)
    if not form.is_valid():  # e.g. a value longer than its column: nothing of it reaches the service
        return _me_page(request, enterprise, profile_form=form)
    try:
        updated = services.enterprise_update_profile(
            actor=request.user, enterprise=enterprise, data=form.profile_data()
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _me_page(request, enterprise, profile_form=form)
    if was_rejected and updated.status == EnterpriseStatus.PENDING:
        messages.success(request, _("已保存并重新提交，请等待所在区经委确认。"))
    else:
        messages.success(request, _("企业信息已保存。"))
    return redirect("enterprises:me")


@login_required
@sensitive_post_parameters("password", "password_confirm")
@require_POST
def enterprise_me_user_add(request: HttpRequest) -> HttpResponse:
    enterprise = _own_or_404(request)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            user = services.enterprise_user_add(actor=request.user, **form.account_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("已添加账号 %(u)s，请告知同事用该账号和初始密码登录。") % {"u": user.username}
            )
            return redirect("enterprises:me")
    return _me_page(request, enterprise, account_form=form)
