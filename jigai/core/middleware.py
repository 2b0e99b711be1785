from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jigai.core import context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy documented in docs/operations.md, the proxy sets X-Real-IP.
    ip = request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return ip or None


class RequestContextMiddleware:
    """Gives each request an id (kept from X-Request-ID when well-formed) and its client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.set_current(
            context.RequestContext(ip_address=client_ip(request), request_id=request_id, channel=channel)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PermissionRefusedMiddleware:
    """Turns a :class:`PermissionRefused` raised by a page view into the 403 page with its reason,
    and a :class:`NotNow` (the state does not allow the step now) into a return to the page the
    user came from with the reason as a message.

    The refusal is written to the audit trail (``audit_denied``, its own transaction, so it is
    kept even though the request's work is not). An anonymous visitor is sent to the login page
    instead. API requests are left to the API's own error mapping (JSON bodies).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Imported here: this module is imported early (client_ip) and must not pull in models.
        from jigai.core.permissions import NotNow, PermissionRefused

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotNow):
            return self._not_now(request, exception.reason)
        if not isinstance(exception, PermissionRefused):
            return None
        from django.contrib.auth.views import redirect_to_login

        from jigai.audit.services import audit_denied
        from jigai.core.views import render_403

        user = getattr(request, "user", None)
        audit_denied(actor=user, action=exception.action, reason=exception.reason, path=request.path)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render_403(request, exception.reason)

    @staticmethod
    def _not_now(request: HttpRequest, reason: str) -> HttpResponse:
        """A state that does not allow the step (the user may take it, just not now): back to the
        page the user came from, with the reason."""
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme
        from django_htmx.http import HttpResponseClientRedirect

        messages.warning(request, reason)
        back = request.headers.get("referer", "")
        if not back or (back.endswith(request.path) and request.method == "GET"):
            back = reverse("core:home")
        elif not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("core:home")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(back)
        return redirect(back)
