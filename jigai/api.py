"""The REST API at /api/v1/ (django-ninja). Each app contributes a router from its ``api.py``."""

from __future__ import annotations

from ninja import NinjaAPI

from jigai import settings as _settings

api = NinjaAPI(
    title="技改通 Jigai API",
    version="1",
    description="上海市企业技术改造专项资金管理平台接口。会话（浏览器）或个人 API 令牌（Authorization: Bearer …）认证。",
    urls_namespace="api",
)


@api.get("/ping", auth=None, tags=["system"], summary="Trivial JSON endpoint (benchmark baseline)")
def ping(request):  # type: ignore[no-untyped-def]
    return {"pong": True, "version": _settings.JIGAI_VERSION}


api.add_router("/", "jigai.accounts.api.router")
api.add_router("/enterprises", "jigai.enterprises.api.router")
api.add_router("/reference", "jigai.reference.api.router")
api.add_router("/audit", "jigai.audit.api.router")
