"""How a request to the API proves who it is.

Two ways, tried in this order (jigai/api.py sets them as the default for every endpoint):

1. ``Authorization: Bearer jg_…`` — a personal API token for integrations
   (:func:`jigai.accounts.services.api_token_authenticate`). A revoked or expired token, or one
   whose owner is inactive or locked, is not accepted, so the request ends in 401. CSRF does not
   apply: a browser never sends this header by itself.
2. The browser session of a signed-in user, with Django's CSRF check on unsafe methods (the
   htmx pages send ``X-CSRFToken``). Unlike ninja's ``django_auth``, the CSRF check runs only when
   there is a signed-in user, so an anonymous POST is told 401 (sign in), not 403 (CSRF).

Endpoints read the acting user with :func:`api_user`; ``request.user`` is set too, so code
shared with the pages works unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from jigai.accounts.models import User

#: ``request.jigai_auth_method`` after authentication: which of the two ways was used
AUTH_BEARER = "bearer"
AUTH_SESSION = "session"


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from jigai.accounts.services import api_token_authenticate

        user = api_token_authenticate(token.strip())
        if user is None:
            return None
        request.user = user
        request.jigai_auth_method = AUTH_BEARER  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in browser user, CSRF-checked like a page form."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试。"))
        request.jigai_auth_method = AUTH_SESSION  # type: ignore[attr-defined]
        assert isinstance(user, User)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        # __call__ above does the work; APIKeyCookie requires this method to exist.
        return self(request)


def api_user(request: HttpRequest) -> User:
    """The user an authenticated endpoint acts for."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User), "api_user() is for endpoints that require authentication"
    return user


def authenticated_by_token(request: HttpRequest) -> bool:
    return getattr(request, "jigai_auth_method", None) == AUTH_BEARER
