"""The input gates (jigai/core/input_guard.py): control characters and oversized bodies.

Run on SQLite and on PostgreSQL (``DATABASE_URL``): PostgreSQL's text columns refuse NUL, which
reached them as a 500 before the gate existed.
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory, override_settings

import jigai
from jigai.accounts.choices import Role
from jigai.api import api
from jigai.core.input_guard import (
    BadCharactersMiddleware,
    BodySizeLimitMiddleware,
    has_bad_characters,
    strip_bad_characters,
)
from jigai.enterprises.models import CreditCodeException

BAD = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ud800"]
FAILING_CODE = "91310000132149237H"  # right shape, wrong check character
REASON = "已核对营业执照原件，该代码为早期赋码，与登记机关记录一致。"


# --- the character class --------------------------------------------------------------------
@pytest.mark.parametrize("char", BAD)
def test_control_characters_and_surrogates_are_bad(char):
    assert has_bad_characters(f"a{char}b")
    assert strip_bad_characters(f"a{char}b") == "ab"


def test_tab_newline_return_and_ordinary_text_are_fine():
    text = "第一行\t制表\r\n第二行：上海 Pudong（浦东）€ 😀"
    assert not has_bad_characters(text)
    assert strip_bad_characters(text) == text


# --- the API: 422 naming every field, whatever the endpoint ---------------------------------
def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_text(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    schema = _resolve(schema, components)
    if schema.get("type") == "string" and schema.get("format") != "binary":
        return True
    return any(_is_text(s, components) for s in schema.get("anyOf", []))


def _text_fields() -> list[Any]:
    """(method, path, where, field) for every text field of every operation of the API."""
    document = api.get_openapi_schema()
    components = document.get("components", {}).get("schemas", {})
    cases = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            url = path.replace("{", "").replace("}", "")  # any value: the gate answers first
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and _is_text(parameter.get("schema", {}), components):
                    cases.append(
                        pytest.param(
                            method,
                            url,
                            "query",
                            parameter["name"],
                            id=f"{method} {path} ?{parameter['name']}",
                        )
                    )
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                body = _resolve(content["schema"], components)
                for name, schema in body.get("properties", {}).items():
                    if _is_text(schema, components):
                        cases.append(
                            pytest.param(method, url, content_type, name, id=f"{method} {path} {name}")
                        )
    return cases


TEXT_FIELDS = _text_fields()


def test_the_api_has_text_fields_to_test():
    assert len(TEXT_FIELDS) > 50


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "where", "field"), TEXT_FIELDS)
def test_every_api_text_field_refuses_control_characters(client, method, url, where, field):
    client.force_login(_official())
    value = "正常文字\x00\x01"
    send = getattr(client, method)
    if where == "query":
        response = send(url, {field: value})
    elif where == "application/json":
        response = send(url, json.dumps({field: value}), content_type="application/json")
    else:
        response = send(url, {field: value})
    assert response.status_code == 422, (response.status_code, response.content[:300])
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert [d["field"] for d in payload["details"]] == [field]
    assert "控制字符" in payload["message"]


def _official() -> Any:
    from jigai.core.testing.factories import user_for_role

    return user_for_role(Role.MUNICIPAL_OFFICER)


@pytest.mark.django_db
def test_nested_json_strings_and_keys_are_named(client):
    client.force_login(_official())
    body = {"lines": [{"name": "ok"}, {"name": "坏\x00"}], "ba\x07d": 1, "fine": "a\tb\nc"}
    response = client.post("/api/v1/applications", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["lines.1.name", "ba\x07d"]


@pytest.mark.django_db
def test_an_api_write_with_nul_changes_nothing(client):
    client.force_login(_official())
    response = client.post(
        "/api/v1/reference/credit-code-exceptions",
        json.dumps({"code": FAILING_CODE, "reason": REASON + "\x00"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "reason", "message": "含有不允许的控制字符（如 NUL），请删除后重新提交。"}
    ]
    assert not CreditCodeException.objects.exists()
    response = client.post(
        "/api/v1/reference/credit-code-exceptions",
        json.dumps({"code": FAILING_CODE, "reason": REASON + "\n第二行"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert CreditCodeException.objects.get().reason == REASON + "\n第二行"


@pytest.mark.django_db
def test_a_path_with_a_control_character_is_not_found(client):
    response = client.get("/api/v1/applications/JG2026%00")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/reference/%00/").status_code == 404


# --- pages: every form receives its text without them ----------------------------------------
def _form_text_fields() -> list[Any]:
    """(form class, field name) of every text field of every form under jigai/<app>/forms.py."""
    cases = []
    for info in pkgutil.iter_modules(jigai.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"jigai.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form_class in vars(module).items():
            if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)):
                continue
            if form_class.__module__ != module.__name__:
                continue
            for field_name, field in getattr(form_class, "base_fields", {}).items():
                if isinstance(field, forms.CharField):
                    cases.append(pytest.param(form_class, field_name, id=f"{info.name}.{name}.{field_name}"))
    return cases


FORM_FIELDS = _form_text_fields()


def test_the_forms_have_text_fields_to_test():
    assert len(FORM_FIELDS) > 30


@pytest.mark.parametrize(("form_class", "field"), FORM_FIELDS)
def test_every_form_text_field_receives_its_text_stripped(form_class, field):
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:  # what the form is bound to
        seen["value"] = request.POST.get(field)
        seen["query"] = request.GET.get(field)
        return HttpResponse("ok")

    request = RequestFactory().post(f"/any/?{field}=q%00%1B", {field: "正文\x00\x0b\x1b第二行\r\n\t尾"})
    response = BadCharactersMiddleware(view)(request)
    assert response.status_code == 200
    assert seen == {"value": "正文第二行\r\n\t尾", "query": "q"}


@pytest.mark.django_db
def test_a_page_form_stores_the_text_without_them(client):
    from jigai.core.testing.factories import user_for_role

    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    response = client.post(
        "/reference/credit-code-exceptions/",
        {
            "code": FAILING_CODE + "\x00",
            "reason": "已核对\x00营业执照\x01原件，该代码为早期赋码，与登记机关一致。",
        },
    )
    assert response.status_code == 302, response.content[:500]
    exception = CreditCodeException.objects.get()
    assert exception.code == FAILING_CODE
    assert exception.reason == "已核对营业执照原件，该代码为早期赋码，与登记机关一致。"


@pytest.mark.django_db
def test_a_search_query_with_nul_does_not_fail(client):
    from jigai.core.testing.factories import user_for_role

    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    response = client.get("/applications/", {"q": "JG2026\x00"})
    assert response.status_code == 200


def test_uploaded_file_names_are_stripped():
    from django.core.files.uploadedfile import SimpleUploadedFile

    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["name"] = request.FILES.getlist("file")[0].name
        return HttpResponse("ok")

    upload = SimpleUploadedFile("报告\x00\x1b.pdf", b"%PDF-1.4", content_type="application/pdf")
    BadCharactersMiddleware(view)(RequestFactory().post("/any/", {"file": upload}))
    assert seen["name"] == "报告.pdf"


# --- body size -------------------------------------------------------------------------------
def _echo(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"read": len(request.body)})


@override_settings(JIGAI_MAX_BODY_BYTES=1000)
def test_a_json_body_over_the_limit_is_refused_before_it_is_read():
    body = json.dumps({"name": "x", "unknown": "y" * 2000})

    def never(request: HttpRequest) -> HttpResponse:
        raise AssertionError("the body was passed on")

    request = RequestFactory().post("/api/v1/applications", body, content_type="application/json")
    response = BodySizeLimitMiddleware(never)(request)
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "code": "payload_too_large",
        "message": "请求内容过大，不能超过 1000 B。",
        "details": {"limit_bytes": 1000},
    }
    assert response["Connection"] == "close"
    small = RequestFactory().post("/api/v1/applications", '{"a": 1}', content_type="application/json")
    assert BodySizeLimitMiddleware(_echo)(small).status_code == 200


@pytest.mark.django_db
def test_a_twelve_megabyte_json_body_is_refused_by_the_api(client):
    client.force_login(_official())
    body = json.dumps({"name": "项目", "padding": "x" * (12 * 1024 * 1024)})
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 413
    payload = response.json()
    assert payload["code"] == "payload_too_large"
    assert payload["message"] == "请求内容过大，不能超过 2 MB。"


@pytest.mark.django_db
def test_a_form_body_over_the_limit_gets_the_chinese_page(client):
    client.force_login(_official())
    body = urlencode({"code": FAILING_CODE, "reason": "长" * (1024 * 1024)})
    response = client.post(
        "/reference/credit-code-exceptions/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "请求内容过大" in page and "不能超过 2 MB" in page


@override_settings(JIGAI_MAX_BODY_BYTES=1000, JIGAI_UPLOAD_MAX_MB=1)
def test_an_upload_may_carry_the_attachment_limit():
    from django.core.files.uploadedfile import SimpleUploadedFile

    fits = SimpleUploadedFile("a.pdf", b"x" * (1024 * 1024 - 2000))
    assert (
        BodySizeLimitMiddleware(_echo)(RequestFactory().post("/api/v1/x", {"file": fits})).status_code == 200
    )
    too_big = SimpleUploadedFile("a.pdf", b"x" * (1024 * 1024 + 2000))
    response = BodySizeLimitMiddleware(_echo)(RequestFactory().post("/api/v1/x", {"file": too_big}))
    assert response.status_code == 413


@override_settings(JIGAI_MAX_BODY_BYTES=1000)
@pytest.mark.parametrize(("size", "status"), [(1000, 200), (1001, 413)])
def test_a_chunked_body_without_a_length_is_read_up_to_the_limit(size, status):
    request = RequestFactory().generic(
        "POST", "/api/v1/x", b"", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    request.META.pop("CONTENT_LENGTH", None)
    request.META["wsgi.input"] = io.BytesIO(b"x" * size)
    response = BodySizeLimitMiddleware(_echo)(request)
    assert response.status_code == status
    if status == 200:
        assert json.loads(response.content) == {"read": size}
