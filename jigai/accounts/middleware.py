from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

#: session key telling the login page that the last session ended by the idle timeout (minutes)
IDLE_LOGOUT_SESSION_KEY = "jigai_idle_logout_minutes"

# How often the last-activity mark is rewritten (saves a session write on every request).
_TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    """Ends a browser session after ``JIGAI_IDLE_TIMEOUT_MINUTES`` without a request (等保 2.0)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get("last_activity")
            idle_limit = settings.JIGAI_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - float(last) > idle_limit:
                from jigai.accounts.services import user_logout_record

                user_logout_record(user=user, reason="空闲超时")
                logout(request)
                # The message middleware runs after this one (it cannot take a message yet): the
                # notice travels in the fresh session and the login page shows it.
                request.session[IDLE_LOGOUT_SESSION_KEY] = settings.JIGAI_IDLE_TIMEOUT_MINUTES
            elif last is None or now - float(last) > _TOUCH_EVERY_SECONDS:
                request.session["last_activity"] = now
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A signed-in user whose password is older than ``JIGAI_PASSWORD_MAX_AGE_DAYS`` must change it
    first: pages redirect to the password change page, the API (with a browser session) answers
    403 ``{"code": "password_expired"}``. Personal API tokens are a separate credential and keep
    working (they expire by themselves)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "password_expired", False):
            change = reverse("accounts:password_change")
            allowed = (change, reverse("accounts:logout"), reverse("accounts:login"), "/i18n/", "/static/")
            if not request.path.startswith(allowed):
                message = _("您的密码已超过 %(d)d 天未修改，请先修改密码。") % {
                    "d": settings.JIGAI_PASSWORD_MAX_AGE_DAYS
                }
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "password_expired", "message": message, "details": {"change_url": change}},
                        status=403,
                    )
                messages.warning(request, message)
                return redirect(f"{change}?next={request.get_full_path()}")
        return self.get_response(request)


#: session key: the user signed in with a password but must enrol a second factor before anything else
OTP_ENROL_SESSION_KEY = "jigai_otp_enrol"


class OTPEnrolmentMiddleware:
    """A session that signed in with the password of a role that needs a second factor, but has
    none yet, may only enrol one (or sign out): pages redirect to the enrolment page, the API
    answers 403 ``{"code": "otp_required"}``. (Users who have one are signed in only after the
    code: see ``accounts.views.login_otp``.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and request.session.get(OTP_ENROL_SESSION_KEY)
        ):
            setup = reverse("accounts:otp_setup")
            allowed = (setup, reverse("accounts:logout"), "/i18n/", "/static/")
            if not request.path.startswith(allowed):
                message = _("您的角色须使用两步验证：请先绑定身份验证器。")
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "otp_required", "message": message, "details": {"setup_url": setup}},
                        status=403,
                    )
                return redirect(setup)
        return self.get_response(request)
