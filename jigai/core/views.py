from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jigai.core.todos import todos_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: its to-do counts and the places it works in."""
    return render(request, "core/home.html", {"todos": todos_for(request.user)})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = getattr(exception, "reason", "") or (str(exception) if exception else "")
    if _wants_json(request):
        return JsonResponse({"code": "forbidden", "message": reason or "无权访问。", "details": None}, status=403)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "message": "未找到。", "details": None}, status=404)
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "message": "服务器内部错误。", "details": None}, status=500)
    return render(request, "errors/500.html", status=500)
