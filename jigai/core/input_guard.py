"""The two gates every request passes before any form, schema or view reads its input.

:class:`BodySizeLimitMiddleware` refuses a body above the configured limit with 413 before
anything reads it: ``JIGAI_MAX_BODY_BYTES`` for JSON and form posts, ``JIGAI_UPLOAD_MAX_MB`` (the
largest size an attachment slot may be given, see :mod:`jigai.calls.rules`) plus that much again
for ``multipart/form-data``. The declared ``Content-Length`` decides; a chunked body without one is
read up to the limit and refused past it. The API answers in its error format
(``{"code": "payload_too_large", ...}``), pages with a Chinese error page.

:class:`BadCharactersMiddleware` keeps control characters (C0 and C1, DEL; tab, line feed and
carriage return are text) and lone surrogates out of the database. PostgreSQL's text columns refuse
NUL and surrogates cannot be encoded, so either one reached a query as a 500. It looks at every
value of the query string, the form fields, the file names and (for the API) every string and key
of a JSON body, so every form and every ninja schema is behind it:

* the API answers 422 ``validation_error`` naming each field (a program must learn that it sends
  bad data);
* pages strip the characters: a browser user cannot type them and cannot see them in text
  pasted from another program, so removing them changes nothing the user meant;
* a path with one names no page or record: 404.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates (a JSON "\ud800" decodes
# to a lone one, which no database encoding accepts).
BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MIB = 1024 * 1024


def has_bad_characters(text: str) -> bool:
    return BAD_CHARACTERS.search(text) is not None


def strip_bad_characters(text: str) -> str:
    return BAD_CHARACTERS.sub("", text)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error_json(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "details": details},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


# --- body size ------------------------------------------------------------------------------
def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry, in bytes."""
    base = int(settings.JIGAI_MAX_BODY_BYTES)
    if request.content_type == "multipart/form-data":
        return int(settings.JIGAI_UPLOAD_MAX_MB) * MIB + base
    return base


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


class BodySizeLimitMiddleware:
    """413 for a body above :func:`body_limit`, before anything reads it (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        length = _declared_length(request)
        if length is not None and length > limit:
            return self.refuse(request, limit)
        if length is None and _is_chunked(request) and "wsgi.input" in request.META:
            # Django reads no body without a length; read it here, at most one byte past the limit.
            data = request.META["wsgi.input"].read(limit + 1)
            if len(data) > limit:
                return self.refuse(request, limit)
            request.META["CONTENT_LENGTH"] = str(len(data))
            request._stream = LimitedStream(io.BytesIO(data), len(data))  # type: ignore[assignment]
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, limit: int) -> HttpResponse:
        size = (
            f"{limit / MIB:g} MB"
            if limit >= MIB
            else f"{limit / 1024:g} KB"
            if limit >= 1024
            else f"{limit} B"
        )
        message = _("请求内容过大，不能超过 %(size)s。") % {"size": size}
        response: HttpResponse
        if _is_api(request):
            response = _error_json(413, "payload_too_large", message, {"limit_bytes": limit})
        else:
            response = render(request, "errors/413.html", {"message": message}, status=413)
        # The unread body must not be taken for the next request on a kept-alive connection.
        response["Connection"] = "close"
        return response


# --- bad characters -------------------------------------------------------------------------
def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every key and string in a decoded JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _json_strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}" if path else str(index))


def _bad_api_fields(request: HttpRequest) -> list[str]:
    fields = [k for k, values in request.GET.lists() for v in [k, *values] if has_bad_characters(v)]
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            fields += [k for k, values in request.POST.lists() for v in [k, *values] if has_bad_characters(v)]
            fields += [
                k for k in request.FILES for f in request.FILES.getlist(k) if has_bad_characters(f.name or "")
            ]
        elif request.body:
            try:
                data = json.loads(request.body)
            except ValueError:
                return list(dict.fromkeys(fields))  # not JSON: the API's parser answers that
            fields += [path for path, text in _json_strings(data) if has_bad_characters(text)]
    return list(dict.fromkeys(fields))


def _stripped(query: QueryDict) -> QueryDict | None:
    """A copy of ``query`` without bad characters, or None when it has none."""
    if not any(has_bad_characters(v) for k, values in query.lists() for v in [k, *values]):
        return None
    clean = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        clean.setlist(strip_bad_characters(key), [strip_bad_characters(v) for v in values])
    clean._mutable = False
    return clean


class BadCharactersMiddleware:
    """Control characters never reach a form, a schema or the database (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_bad_characters(request.path_info):
            if _is_api(request):
                return _error_json(404, "not_found", _("未找到所请求的记录。"))
            return render(request, "errors/404.html", status=404)
        if _is_api(request):
            fields = _bad_api_fields(request)
            if fields:
                message = _("含有不允许的控制字符（如 NUL），请删除后重新提交。")
                details = [{"field": f, "message": message} for f in fields]
                summary = _(
                    "提交的数据有 %(n)d 处含有不允许的控制字符（第一处：%(field)s），请删除后重新提交。"
                ) % {"n": len(fields), "field": fields[0]}
                return _error_json(422, "validation_error", summary, details)
            return self.get_response(request)
        clean_get = _stripped(request.GET)
        if clean_get is not None:
            request.GET = clean_get  # type: ignore[assignment]
        if request.method == "POST":
            clean_post = _stripped(request.POST)
            if clean_post is not None:
                request.POST = clean_post  # type: ignore[assignment]
            for key in request.FILES:
                for upload in request.FILES.getlist(key):
                    if upload.name and has_bad_characters(upload.name):
                        upload.name = strip_bad_characters(upload.name)
        return self.get_response(request)
