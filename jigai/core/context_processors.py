from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jigai.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": menu_for(getattr(request, "user", None)),
        "jigai_version": settings.JIGAI_VERSION,
    }
