"""Account pages: sign-in and sign-out, password change, account administration, API tokens.

Views parse input, call one service or selector and render. Every write goes through
``jigai.accounts.services``; refusals are ``require(...)`` calls that the permission middleware
turns into the 403 page with the reason.
"""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigai.accounts import otp, selectors, services
from jigai.accounts.choices import ADMIN_ROLES, Role
from jigai.accounts.forms import (
    ORGANISATION_OPTIONS_LIMIT,
    LoginForm,
    OTPTokenForm,
    PasswordChangeForm,
    TokenCreateForm,
    UserCreateForm,
    UserFilterForm,
    apply_service_errors,
    organisations_for_role,
)
from jigai.accounts.middleware import IDLE_LOGOUT_SESSION_KEY, OTP_ENROL_SESSION_KEY
from jigai.accounts.models import Organisation, User
from jigai.core.permissions import Decision, has_role, require

USERS_PER_PAGE = 20
TOKENS_PER_PAGE = 20


def can_view_accounts(user: Any) -> Decision:
    """The account list is for the system administrator (who manages accounts) and the security
    administrator (who unlocks them); nobody else sees who else has an account."""
    return has_role(user, [Role.SYSADMIN, Role.SECADMIN], _("查看用户账户"))


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` when it points into this site, else ``default`` (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- Sign-in, sign-out, password --------------------------------------------------------------
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Password sign-in through ``user_login_attempt`` (lockout and audit apply there)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    home = reverse(settings.LOGIN_REDIRECT_URL)
    if request.method != "POST" and request.user.is_authenticated:
        return redirect(safe_next(request, next_url, home))
    idle_minutes = request.session.pop(IDLE_LOGOUT_SESSION_KEY, None)
    if idle_minutes:
        messages.warning(request, _("您已超过 %(m)d 分钟未操作，请重新登录。") % {"m": int(idle_minutes)})
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login_attempt(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except services.LoginRefused as refused:
            form.add_error(None, refused.message)
            status = 429 if refused.throttled else 200
        else:
            return _after_password(request, user, safe_next(request, next_url, home))
    else:
        status = 200
    next_value = next_url if safe_next(request, next_url, "") else ""
    return render(request, "accounts/login.html", {"form": form, "next": next_value}, status=status)


#: session keys of a sign-in waiting for its second factor
OTP_PENDING_USER = "jigai_otp_user"
OTP_PENDING_NEXT = "jigai_otp_next"
OTP_PENDING_AT = "jigai_otp_at"
OTP_PENDING_SECONDS = 300


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right: ask for the second factor when the user has one; make a user whose
    role needs one enrol first; else sign in."""
    if otp.has_device(user):
        request.session[OTP_PENDING_USER] = user.pk
        request.session[OTP_PENDING_NEXT] = next_url
        request.session[OTP_PENDING_AT] = time.time()
        return redirect("accounts:login_otp")
    login(request, user)
    if otp.otp_required(user):
        request.session[OTP_ENROL_SESSION_KEY] = True
        messages.info(request, _("您的角色须使用两步验证：请先绑定身份验证器。"))
        return redirect("accounts:otp_setup")
    return redirect(next_url)


@sensitive_post_parameters("token")
@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: a code from the authenticator app, or a backup code."""
    pending = request.session.get(OTP_PENDING_USER)
    started = float(request.session.get(OTP_PENDING_AT) or 0)
    if pending is None or time.time() - started > OTP_PENDING_SECONDS:
        for key in (OTP_PENDING_USER, OTP_PENDING_NEXT, OTP_PENDING_AT):
            request.session.pop(key, None)
        messages.warning(request, _("请重新登录。"))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending, is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = OTPTokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.otp_verify(user=user, token=form.cleaned_data["token"])
        except otp.OTPRefused as refused:
            form.add_error("token", refused.message)
        else:
            next_url = request.session.get(OTP_PENDING_NEXT) or reverse(settings.LOGIN_REDIRECT_URL)
            for key in (OTP_PENDING_USER, OTP_PENDING_NEXT, OTP_PENDING_AT):
                request.session.pop(key, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(safe_next(request, next_url, reverse(settings.LOGIN_REDIRECT_URL)))
    return render(request, "accounts/login_otp.html", {"form": form}, status=status)


@sensitive_post_parameters("token")
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan or type the secret, confirm with a code; the backup codes
    are shown once. Enrolling again replaces the authenticator and the backup codes."""
    actor = _actor(request)
    form = OTPTokenForm(request.POST or None)
    device = None
    device_id = request.session.get("jigai_otp_setup_device")
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=actor, confirmed=False).first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = otp.enrol_confirm(actor=actor, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            request.session.pop("jigai_otp_setup_device", None)
            request.session.pop(OTP_ENROL_SESSION_KEY, None)
            otp_login(request, device)
            return render(request, "accounts/otp_backup_codes.html", {"codes": codes})
    elif request.method != "POST" or device is None:
        device = otp.enrol_start(actor=actor)
        request.session["jigai_otp_setup_device"] = device.pk
    context = {
        "form": form,
        "secret": otp.secret_base32(device),
        "uri": otp.otpauth_uri(device),
        "enrolled": otp.has_device(actor),
        "required": request.session.get(OTP_ENROL_SESSION_KEY, False),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_POST
def user_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(otp.can_reset_otp(actor), "otp.reset")
    user = get_object_or_404(selectors.user_list(actor=actor), pk=pk)
    otp.otp_reset(actor=actor, user=user, reason=request.POST.get("reason", "")[:500])
    messages.success(
        request, _("已重置 %(u)s 的两步验证，该用户下次登录时须重新绑定。") % {"u": user.username}
    )
    return redirect("accounts:user_list")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign-out is a POST (a link or an image could otherwise sign a user out)."""
    if request.user.is_authenticated:
        services.user_logout_record(user=_actor(request))
        logout(request)
        messages.info(request, _("您已安全退出。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("old_password", "new_password", "new_password_confirm")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_change_password(
                actor=_actor(request),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改，请牢记新密码。"))
            return redirect(safe_next(request, request.GET.get("next"), reverse("core:home")))
    return render(request, "accounts/password_change.html", {"form": form})


# --- Account administration -------------------------------------------------------------------
def _filtered_users(actor: User, form: UserFilterForm) -> tuple[QuerySet[User], Organisation | None]:
    qs = selectors.user_list(actor=actor)
    organisation = None
    if not form.is_valid():
        return qs, None
    data = form.cleaned_data
    if q := data["q"].strip():
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(display_name__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(phone__contains=q)
            | Q(email__icontains=q)
        )
    if data["role"]:
        qs = qs.filter(role=data["role"])
    if data["kind"]:
        qs = qs.filter(organisation__kind=data["kind"])
    if data["organisation"]:
        organisation = selectors.organisation_list(actor=actor).filter(pk=data["organisation"]).first()
        qs = qs.filter(organisation_id=data["organisation"])
    state = data["state"]
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "inactive":
        qs = qs.filter(is_active=False)
    elif state == "locked":
        qs = qs.filter(locked_until__gt=timezone.now())
    elif state == "failed":
        qs = qs.filter(failed_login_count__gt=0)
    return qs, organisation


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(can_view_accounts(actor), "user.list")
    form = UserFilterForm(request.GET)
    users, organisation = _filtered_users(actor, form)
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filter_organisation": organisation,
        "can_manage": services.can_manage_accounts(actor),
        "can_unlock": services.can_unlock_accounts(actor),
        "can_reset_otp": otp.can_reset_otp(actor),
        "admin_roles": {str(r) for r in ADMIN_ROLES},
        "now": timezone.now(),
    }
    template = "accounts/_user_results.html" if _is_htmx(request) else "accounts/user_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _organisation_options(actor: User, role: str | None, search: str, selected: str | None) -> dict[str, Any]:
    qs = organisations_for_role(selectors.organisation_list(actor=actor), role)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(credit_code=search.upper()))
    total = qs.count()
    options = list(qs[:ORGANISATION_OPTIONS_LIMIT])
    if selected and selected.isdigit() and all(str(o.pk) != selected for o in options):
        options += list(qs.filter(pk=int(selected)))
    return {
        "organisation_options": options,
        "organisation_total": total,
        "selected_organisation": selected or "",
        "organisation_limit": ORGANISATION_OPTIONS_LIMIT,
    }


@sensitive_post_parameters("password", "password_confirm")
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require(services.can_manage_accounts(actor), "user.create")
    form = UserCreateForm(request.POST or None, organisations=selectors.organisation_list(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                actor=actor,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                organisation=data["organisation"],
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已创建账户“%(u)s”（%(role)s）。")
                % {"u": created.username, "role": created.get_role_display()},
            )
            return redirect(reverse("accounts:user_list") + f"?q={created.username}")
    context = {
        "form": form,
        **_organisation_options(
            actor, form["role"].value(), request.POST.get("org_q", "").strip(), form["organisation"].value()
        ),
    }
    return render(request, "accounts/user_create.html", context)


@require_GET
@login_required
def user_create_organisations(request: HttpRequest) -> HttpResponse:
    """The organisation options that fit the chosen role (htmx, on the create-user page)."""
    actor = _actor(request)
    require(services.can_manage_accounts(actor), "user.create")
    context = _organisation_options(
        actor,
        request.GET.get("role") or None,
        request.GET.get("org_q", "").strip(),
        request.GET.get("organisation"),
    )
    return render(request, "accounts/_organisation_options.html", context)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    return redirect(safe_next(request, request.POST.get("next"), reverse(default)))


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    actor = _actor(request)
    require(services.can_manage_accounts(actor), "user.activate" if active else "user.deactivate")
    target = get_object_or_404(selectors.user_list(actor=actor), pk=pk)
    try:
        services.user_set_active(
            actor=actor, user=target, active=active, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if active:
            messages.success(request, _("已启用账户“%(u)s”。") % {"u": target.username})
        else:
            messages.success(request, _("已停用账户“%(u)s”，该用户将无法登录。") % {"u": target.username})
    return _back(request, "accounts:user_list")


@require_POST
@login_required
def user_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


@require_POST
@login_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@require_POST
@login_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    require(services.can_unlock_accounts(actor), "user.unlock")
    target = get_object_or_404(selectors.user_list(actor=actor), pk=pk)
    services.user_unlock(actor=actor, user=target)
    messages.success(request, _("已解除账户“%(u)s”的锁定。") % {"u": target.username})
    return _back(request, "accounts:security")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The security administrator's page: locked accounts, failed sign-ins and every API token.

    Not the audit trail: reading it is the audit administrator's duty alone (三员分立)."""
    actor = _actor(request)
    require(services.can_unlock_accounts(actor), "security.view")
    now = timezone.now()
    users = selectors.user_list(actor=actor)
    tokens = selectors.api_token_list(actor=actor)
    shown_tokens = request.GET.get("tokens", "usable")
    if shown_tokens == "usable":
        tokens = tokens.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    elif shown_tokens == "revoked":
        tokens = tokens.filter(revoked_at__isnull=False)
    if token_q := request.GET.get("token_q", "").strip():
        tokens = tokens.filter(
            Q(user__username__icontains=token_q) | Q(name__icontains=token_q) | Q(prefix__startswith=token_q)
        )
    context = {
        "locked_users": users.filter(locked_until__gt=now).order_by("locked_until"),
        "failing_users": users.filter(failed_login_count__gt=0)
        .exclude(locked_until__gt=now)
        .order_by("-failed_login_count", "username"),
        "page_obj": Paginator(tokens.order_by("-created_at"), TOKENS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "shown_tokens": shown_tokens,
        "token_q": token_q,
        "max_failures": settings.JIGAI_LOGIN_MAX_FAILURES,
        "now": now,
    }
    return render(request, "accounts/security.html", context)


# --- API tokens -------------------------------------------------------------------------------
def _token_page(
    request: HttpRequest, form: TokenCreateForm, created: tuple[Any, str] | None = None
) -> HttpResponse:
    actor = _actor(request)
    tokens = selectors.api_token_list(actor=actor).filter(user=actor).order_by("-created_at")
    response = render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created[0] if created else None,
            "secret": created[1] if created else "",
            "now": timezone.now(),
        },
    )
    add_never_cache_headers(response)
    return response


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return _token_page(request, TokenCreateForm())


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its secret in this response only: it is never stored in clear, so
    it is not put in the session or a redirect either."""
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            created = services.api_token_create(
                actor=_actor(request), name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _token_page(request, TokenCreateForm(), created)
    return _token_page(request, form)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    token = get_object_or_404(selectors.api_token_list(actor=actor), pk=pk)
    services.api_token_revoke(actor=actor, token=token)
    messages.success(request, _("已吊销令牌“%(name)s”。") % {"name": token.name})
    return _back(request, "accounts:token_list")
