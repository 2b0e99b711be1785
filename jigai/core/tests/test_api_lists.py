"""jigai.core.api_lists: rows written from a schema's plan equal pydantic's dump of the same
object; the OpenAPI document of the lists is the one ``@paginate`` gives; labels come from
jigai.core.choices in the active language."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Literal

import pytest
from django.utils import translation
from ninja import Field, Schema
from ninja.responses import NinjaJSONEncoder

from jigai.core.api_lists import columns, row_writer
from jigai.core.choices import choice_label
from jigai.core.testing.factories import EnterpriseFactory
from jigai.enterprises.api import EnterpriseOut
from jigai.enterprises.choices import EnterpriseStatus


class Ref(Schema):
    code: str
    name: str


class Row(Schema):
    id: int
    amount: Decimal
    when: dt.datetime | None
    kind: Literal["a", "b"]
    ref: Ref
    parent_ref: Ref | None = Field(..., alias="parent.ref")
    refs: list[Ref]
    label: str

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return f"#{obj.id}"


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=NinjaJSONEncoder))


def test_a_row_is_what_pydantic_dumps():
    ref = SimpleNamespace(code="310115", name="浦东新区")
    obj = SimpleNamespace(
        id=7,
        amount=Decimal("12.50"),
        when=dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC),
        kind="b",
        ref=ref,
        parent=SimpleNamespace(ref=None),
        refs=[ref, SimpleNamespace(code="310104", name="徐汇区")],
    )
    assert as_json(row_writer(Row)(obj)) == as_json(Row.model_validate(obj).model_dump())
    obj.parent.ref = ref
    obj.when = None
    assert as_json(row_writer(Row)(obj)) == as_json(Row.model_validate(obj).model_dump())


def test_the_columns_a_schema_reads():
    assert columns(Row) == (
        "id",
        "amount",
        "when",
        "kind",
        "ref",
        "ref__code",
        "ref__name",
        "parent",
        "parent__ref",
        "parent__ref__code",
        "parent__ref__name",
        "refs",
        "refs__code",
        "refs__name",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_enterprise_rows_and_labels(language):
    enterprise = EnterpriseFactory.create(status=EnterpriseStatus.PENDING)
    with translation.override(language):
        assert choice_label(enterprise, "status") == enterprise.get_status_display()
        assert choice_label(enterprise, "size") == enterprise.get_size_display()
        written = row_writer(EnterpriseOut)(enterprise)
        assert as_json(written) == as_json(EnterpriseOut.model_validate(enterprise).model_dump())
    expected = "待区确认" if language == "zh-hans" else "Awaiting district confirmation"
    assert written["status_label"] == expected


def test_the_list_endpoints_keep_the_paginated_schema(client):
    document = client.get("/api/v1/openapi.json").json()
    lists = (("/api/v1/enterprises", "EnterpriseOut"), ("/api/v1/applications", "ApplicationListItem"))
    for path, item in lists:
        operation = document["paths"][path]["get"]
        names = [p["name"] for p in operation["parameters"]]
        assert names[-2:] == ["limit", "offset"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/Paged{item}"}
        paged = document["components"]["schemas"][f"Paged{item}"]
        assert paged["required"] == ["items", "count"]
        assert paged["properties"]["items"]["items"] == {"$ref": f"#/components/schemas/{item}"}
