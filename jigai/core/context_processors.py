from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jigai.core.navigation import menu_for, public_menu, uses_api


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": menu_for(user),
        "public_nav_items": [] if signed_in else public_menu(match.view_name if match else ""),
        "uses_api": uses_api(user),
        "jigai_version": settings.JIGAI_VERSION,
    }
