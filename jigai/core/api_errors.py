"""One error body for every API failure: ``{"code": ..., "message": ..., "details": ...}``.

============================================  ======  ====================  =========================
raised in an endpoint (or by ninja)           status  code                  details
============================================  ======  ====================  =========================
no or bad credentials (AuthenticationError)   401     unauthenticated       null
PermissionRefused / PermissionDenied          403     forbidden             null (message = reason)
Http404, Model.DoesNotExist                   404     not_found             null
django ValidationError, bad input (ninja)     422     validation_error      [{"field", "message"}]
Throttled                                     429     rate_limited          {"retry_after": seconds}
HttpError(status, message)                    status  by status (below)     null
a method the path does not have               405     method_not_allowed    {"allowed": [...]}
anything else                                 500     server_error          {"request_id": ...}
============================================  ======  ====================  =========================

Every refusal (403 from a permission check) is also written to the audit trail. A 500 is logged
with its traceback; the client gets only the request id to quote to support.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from jigai.core.permissions import PermissionRefused

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("jigai.api")

E = TypeVar("E", bound=Exception)

STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


def error_code(status: int) -> str:
    return STATUS_CODES.get(status, "server_error" if status >= 500 else "error")


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: str,
    details: Any = None,
    code: str | None = None,
) -> HttpResponse:
    return api.create_response(
        request, error_body(code or error_code(status), message, details), status=status
    )


# --- 422: input that does not validate -------------------------------------------------------
def _pydantic_message(error: dict[str, Any]) -> str:
    """A Chinese message for one pydantic error (their own messages are English)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    simple = {
        "missing": _("此项为必填项。"),
        "int_parsing": _("请输入整数。"),
        "int_type": _("请输入整数。"),
        "int_from_float": _("请输入整数。"),
        "float_parsing": _("请输入数字。"),
        "float_type": _("请输入数字。"),
        "decimal_parsing": _("请输入数字。"),
        "decimal_type": _("请输入数字。"),
        "bool_parsing": _("请输入 true 或 false。"),
        "bool_type": _("请输入 true 或 false。"),
        "string_type": _("请输入文本。"),
        "date_parsing": _("日期格式应为 YYYY-MM-DD。"),
        "date_from_datetime_parsing": _("日期格式应为 YYYY-MM-DD。"),
        "datetime_parsing": _("时间格式应为 ISO 8601。"),
        "datetime_from_date_parsing": _("时间格式应为 ISO 8601。"),
        "json_invalid": _("请求体不是有效的 JSON。"),
        "model_attributes_type": _("应为 JSON 对象。"),
        "dict_type": _("应为 JSON 对象。"),
        "list_type": _("应为列表。"),
        "uuid_parsing": _("应为 UUID。"),
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        return _("至少需要 %(n)s 个字符。") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("不能超过 %(n)s 个字符。") % {"n": ctx.get("max_length")}
    if kind == "greater_than":
        return _("必须大于 %(n)s。") % {"n": ctx.get("gt")}
    if kind == "greater_than_equal":
        return _("不能小于 %(n)s。") % {"n": ctx.get("ge")}
    if kind == "less_than":
        return _("必须小于 %(n)s。") % {"n": ctx.get("lt")}
    if kind == "less_than_equal":
        return _("不能大于 %(n)s。") % {"n": ctx.get("le")}
    if kind in {"enum", "literal_error"}:
        return _("取值无效，可选值：%(values)s。") % {"values": ctx.get("expected", "")}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("输入无效。")


def _field_name(loc: Any) -> str | None:
    """``("body", "payload", "days")`` → ``"days"``; ``("query", "limit")`` → ``"limit"``."""
    parts = [str(p) for p in (loc or ())]
    if not parts:
        return None
    source, rest = parts[0], parts[1:]
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the name of the endpoint's body parameter
    return ".".join(rest) or None


def ninja_validation_details(exc: NinjaValidationError) -> list[dict[str, Any]]:
    return [{"field": _field_name(e.get("loc")), "message": _pydantic_message(e)} for e in exc.errors]


def django_validation_details(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == NON_FIELD_ERRORS else name, "message": str(message)}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": str(m)} for m in exc.messages]


def _validation_response(api: NinjaAPI, request: HttpRequest, details: list[dict[str, Any]]) -> HttpResponse:
    messages = list(dict.fromkeys(d["message"] for d in details))
    if not messages:
        message = _("提交的数据有误。")
    elif len(details) == 1:
        message = messages[0]
    else:
        first = details[0]
        where = f"{first['field']}：" if first["field"] else ""
        message = _("提交的数据有 %(n)d 处错误，第一处：%(first)s") % {
            "n": len(details),
            "first": where + first["message"],
        }
    return _respond(api, request, 422, message, details)


# --- 405: ninja answers a wrong method itself, in plain text ----------------------------------
def method_not_allowed_as_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap one of ninja's URL views so that its 405 answer has the error body too."""
    if inspect.iscoroutinefunction(view):
        return view

    @functools.wraps(view)  # keeps csrf_exempt, which ninja sets on its views
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
        body = error_body(
            "method_not_allowed",
            _("此地址不支持 %(method)s 请求。") % {"method": request.method},
            {"allowed": allowed},
        )
        json_response = JsonResponse(body, status=405, json_dumps_params={"ensure_ascii": False})
        json_response["Allow"] = ", ".join(allowed)
        return json_response

    return wrapped


# --- the handlers ----------------------------------------------------------------------------
def _acting_user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or getattr(request, "user", None)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (``{"detail": ...}``, or Django's HTML 500) with ours."""

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _validation_response(api, request, ninja_validation_details(exc))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _validation_response(api, request, django_validation_details(exc))

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _respond(api, request, 401, _("请先登录，或在 Authorization 头中提供有效的 API 令牌。"))
        response["WWW-Authenticate"] = 'Bearer realm="jigai"'
        return response

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = _respond(api, request, 429, _("请求过于频繁，请稍后再试。"), {"retry_after": exc.wait})
        if exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        # ninja's own messages are English; ours (raised in endpoints) are already Chinese.
        builtin = {
            "Cannot parse request body": _("请求体不是有效的 JSON。"),
            "Unauthorized": _("请先登录。"),
            "Forbidden": _("无权执行此操作。"),
            "CSRF check Failed": _("CSRF 校验失败，请刷新页面后重试。"),
        }
        message = builtin.get(str(exc), str(exc))
        return _respond(api, request, status, message)

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        reason = getattr(exc, "reason", "") or str(exc) or _("无权执行此操作。")
        action = getattr(exc, "action", "") if isinstance(exc, PermissionRefused) else ""
        try:
            from jigai.audit.services import audit_denied

            audit_denied(
                actor=_acting_user(request),
                action=action,
                reason=reason,
                path=f"{request.method} {request.path}",
            )
        except Exception:
            # The refusal stands even if it cannot be recorded; the log keeps the failure.
            logger.exception("could not record a refused API request in the audit trail")
        return _respond(api, request, 403, reason)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Never say whether the row exists outside the user's scope: one message for both.
        return _respond(api, request, 404, _("未找到所请求的记录。"))

    def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        request_id = getattr(request, "request_id", "")
        logger.error(
            "API error on %s %s (request %s)", request.method, request.path, request_id, exc_info=exc
        )
        return _respond(
            api,
            request,
            500,
            _("服务器内部错误，请稍后再试；如持续出现，请联系管理员并提供请求编号。"),
            {"request_id": request_id},
        )

    def on(exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # ninja types a handler as taking the exception *or its class*; it is only ever called
        # with an instance.
        api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]

    on(NinjaValidationError, on_ninja_validation)
    on(DjangoValidationError, on_django_validation)
    on(AuthenticationError, on_unauthenticated)
    on(Throttled, on_throttled)
    on(HttpError, on_http_error)
    on(PermissionDenied, on_permission_denied)
    on(Http404, on_not_found)
    on(ObjectDoesNotExist, on_not_found)
    on(Exception, on_server_error)
