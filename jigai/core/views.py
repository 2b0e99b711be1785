"""The home page of each role and the error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.accounts.choices import Role
from jigai.core.todos import charts_for, todos_for

# What a role's home page will list once the workflow that feeds it exists. Shown only while no
# to-do provider gives that role anything, so a later app's provider replaces it by itself.
EMPTY_STATES: dict[str, tuple[Any, Any]] = {
    Role.EXPERT: (gettext_lazy("待评审项目"), gettext_lazy("分配给您的待评审项目将显示在这里。")),
    Role.MUNICIPAL_OFFICER: (
        gettext_lazy("待初审项目"),
        gettext_lazy("各区推荐上报、等待市级初审的申报项目将显示在这里。"),
    ),
    Role.MUNICIPAL_HEAD: (
        gettext_lazy("待审定事项"),
        gettext_lazy("等待您审定的立项建议和资金计划将显示在这里。"),
    ),
    Role.FINANCE_OFFICER: (
        gettext_lazy("待会签资金计划"),
        gettext_lazy("等待市财政局会签的资金计划和拨付申请将显示在这里。"),
    ),
    Role.NDRC_VIEWER: (
        gettext_lazy("全市技改项目概况"),
        gettext_lazy("全市技术改造项目、资金安排和统计数据将显示在这里。"),
    ),
    Role.SUPERVISOR: (gettext_lazy("监督检查任务"), gettext_lazy("待开展的监督检查和整改跟踪将显示在这里。")),
    Role.AUDITOR: (
        gettext_lazy("审计关注事项"),
        gettext_lazy("需要审计管理员关注的拒绝访问和异常操作将显示在这里。"),
    ),
}


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 12:
        return _("上午好")
    if hour < 18:
        return _("下午好")
    return _("晚上好")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: its to-do counts and the places it works in."""
    user = request.user
    todos = todos_for(user)
    empty_state = None
    if not todos:
        label, hint = EMPTY_STATES.get(getattr(user, "role", ""), (_("待办事项"), _("暂无待办事项。")))
        empty_state = {"label": label, "hint": hint}
    context = {
        "greeting": _greeting(),
        "todos": todos,
        "empty_state": empty_state,
        "charts": charts_for(user),
    }
    return render(request, "core/home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# --- Error pages -----------------------------------------------------------------------------
def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def render_403(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page with the reason of the refusal (used by the handler and the middleware)."""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = getattr(exception, "reason", "") or (str(exception) if exception else "")
    if _wants_json(request):
        return JsonResponse(
            {"code": "forbidden", "message": reason or _("无权访问。"), "details": None}, status=403
        )
    return render_403(request, reason)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "message": _("未找到。"), "details": None}, status=404)
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """A standalone page: no context processors, no database, no static manifest (any of them may
    be what failed)."""
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "message": _("服务器内部错误。"), "details": None}, status=500
        )
    request_id = getattr(request, "request_id", "")
    return HttpResponseServerError(loader.get_template("errors/500.html").render({"request_id": request_id}))
