"""The REST API at /api/v1/ (django-ninja). Each app contributes a router from its ``api.py``.

* Authentication (default for every endpoint; public ones pass ``auth=None``): a personal API
  token (``Authorization: Bearer jg_…``) or the browser session with CSRF — see
  :mod:`jigai.core.api_auth`.
* Errors: one body ``{"code", "message", "details"}`` for every 4xx/5xx — see
  :mod:`jigai.core.api_errors`.
* Documentation: ``/api/v1/openapi.json`` and the Swagger UI page ``/api/v1/docs``. ninja 1.7
  loads Swagger UI from its own static files only when ``"ninja"`` is in INSTALLED_APPS, and from
  a CDN otherwise; the platform must work without Internet access, so :class:`OfflineSwagger`
  serves the copies shipped inside the ninja package through ``/api/v1/docs/assets/…``.
"""

import json
import sys
from pathlib import Path
from typing import Any, Literal

import ninja
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.openapi.docs import Swagger, _csrf_needed

from jigai.core.api_auth import ApiTokenAuth, SessionAuth
from jigai.core.api_errors import install_error_handlers, method_not_allowed_as_json

_NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
_DOCS_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui.css.map",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.map",
        "swagger-ui-init.js",
        "favicon.png",
        "favicon.svg",
    }
)

_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="zh-hans">
<head>
  <meta charset="utf-8">
  <title>{{ api.title }}</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <link rel="icon" href="{{ assets }}favicon.svg" type="image/svg+xml">
  <link rel="icon" href="{{ assets }}favicon.png" type="image/png">
</head>
<body data-csrf-token="{% if add_csrf %}{{ csrf_token }}{% endif %}"
      data-api-csrf="{% if add_csrf %}true{% endif %}">
  <script type="application/json" id="swagger-settings">{{ swagger_settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""


class OfflineSwagger(Swagger):
    """ninja's Swagger page with its scripts served by this API instead of a CDN."""

    # Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        asset = reverse(f"{api.urls_namespace}:docs_asset", kwargs={"name": "x"})
        context = {
            "api": api,
            "assets": asset[: -len("x")],
            "swagger_settings": json.dumps(self.settings, indent=1),
            "add_csrf": _csrf_needed(api),
        }
        html = engines["django"].from_string(_SWAGGER_PAGE).render(context, request)
        return HttpResponse(html)


class JigaiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """ninja's ``<module>_<function>``, except that a module may keep the prefix it had before it
        moved (``OPERATION_ID_PREFIX``), so that clients generated from the document keep working."""
        prefix = getattr(sys.modules.get(operation.view_func.__module__), "OPERATION_ID_PREFIX", None)
        if prefix:
            return f"{prefix}_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = method_not_allowed_as_json(pattern.callback)
        return patterns, app_name, namespace


api = JigaiAPI(
    title="技改通 Jigai API",
    version="1",
    description=(
        "上海市企业技术改造专项资金管理平台接口。会话（浏览器，写操作需带 X-CSRFToken）或个人 API 令牌"
        "（Authorization: Bearer …）认证。所有错误的响应体均为 {code, message, details}。"
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
)
install_error_handlers(api)


class PingOut(Schema):
    pong: bool
    version: str


@api.get(
    "/ping",
    auth=None,
    response=PingOut,
    tags=["system"],
    summary="Trivial JSON endpoint (benchmark baseline)",
)
def ping(request: HttpRequest) -> dict[str, Any]:
    return {"pong": True, "version": settings.JIGAI_VERSION}


class DatabaseHealth(Schema):
    ok: bool
    vendor: str


class HealthOut(Schema):
    status: Literal["ok", "degraded"]
    version: str
    database: DatabaseHealth
    time: str


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


@api.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    tags=["system"],
    summary="运行状态（负载均衡和监控探针使用）",
)
def health(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    """200 ``ok`` when the database answers, else 503 ``degraded`` (the body is the same shape)."""
    db_ok = _database_ok()
    body = {
        "status": "ok" if db_ok else "degraded",
        "version": settings.JIGAI_VERSION,
        "database": {"ok": db_ok, "vendor": connection.vendor},
        "time": timezone.localtime().isoformat(),
    }
    return (200 if db_ok else 503), body


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """The Swagger UI files shipped with django-ninja (so /api/v1/docs needs no Internet)."""
    if name not in _DOCS_ASSETS:
        raise Http404
    response = FileResponse((_NINJA_STATIC / name).open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


api.add_router("/", "jigai.accounts.api.router")
api.add_router("/enterprises", "jigai.enterprises.api.router")
api.add_router("/reference", "jigai.reference.api.router")
api.add_router("/audit", "jigai.audit.api.router")
api.add_router("/catalog", "jigai.catalog.api.router")
api.add_router("/calls", "jigai.calls.api.router")
api.add_router("/applications", "jigai.applications.api.router")
# The review stage's apps share the /review prefix (their paths before the review app was split).
api.add_router("/review", "jigai.recommendations.api.router")
api.add_router("/review", "jigai.experts.api.router")
api.add_router("/review", "jigai.experts.api_panels.router")
api.add_router("/review", "jigai.decisions.api.router")
api.add_router("/notifications", "jigai.notifications.api.router")
api.add_router("/funds", "jigai.funds.api.router")
