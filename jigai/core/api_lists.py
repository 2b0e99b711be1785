"""Paginated list endpoints whose rows are written straight to JSON from their schema.

ninja's ``@paginate`` hands every row of a page to pydantic through ``DjangoGetter``, one Python
call per field and row, on top of the schema's resolvers: a profile of ``GET /api/v1/enterprises``
(20 rows whose SQL takes 0.15 ms) showed most of its time there and in ``get_*_display`` (see
:mod:`jigai.core.choices`). The busiest lists use :func:`page_response` instead, which

* reads the same query parameters (:data:`PageQuery` is ninja's own ``limit``/``offset`` input),
* declares the same response schema (:func:`paged` builds ``Paged<Item>`` as ``@paginate`` does),
  so the OpenAPI document does not change, and
* reads the page with ``QuerySet.values()`` of the columns the schema needs (:func:`columns`),
  without a model instance per row and related object (:class:`ValuesRow`), and
* writes each row by a plan compiled once per schema from its fields, aliases and resolvers
  (:func:`row_writer`), then renders with the API's own ``create_response``, so the body is the one
  ninja would send, byte for byte (jigai/core/tests/test_api_lists.py compares them).

Field types the plan does not know are validated and dumped by pydantic for that field alone.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import operator
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Manager, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import TypeAdapter

#: ``limit`` (default NINJA_PAGINATION_PER_PAGE) and ``offset`` — the parameters of ``@paginate``
PageQuery = LimitOffsetPagination.Input

_PLAIN = (str, int, bool, float, Decimal, dt.date, dt.datetime, dt.time, type(None))

Row = Callable[[Any], dict[str, Any]]


def paged(item: type[Schema]) -> type[Schema]:
    """The response schema ``@paginate`` makes of ``list[item]``: ``Paged<Item>`` with items and count."""
    return type(
        f"Paged{item.__name__}",
        (LimitOffsetPagination.Output,),
        {"__annotations__": {"items": list[item]}},  # type: ignore[valid-type]
    )


def page_response(
    request: HttpRequest, queryset: QuerySet[Any], page: Any, item: type[Schema], *, max_limit: int
) -> HttpResponse:
    """One page of ``queryset`` as ``{"items": [...], "count": n}``, like ``@paginate``."""
    limit = min(page.limit, max_limit)
    count = queryset.count()
    write = row_writer(item)
    rows = queryset.values(*columns(item))[page.offset : page.offset + limit]
    items = [write(ValuesRow(row, queryset.model)) for row in rows]
    from jigai.api import api  # the API's renderer (jigai.api imports every app's router)

    return api.create_response(request, {"items": items, "count": count}, status=200)


@functools.cache
def _related_model(model: type[Model], name: str) -> type[Model] | None:
    field = model._meta.get_field(name)
    return field.related_model if field.is_relation else None  # type: ignore[return-value]


class ValuesRow:
    """A row of ``QuerySet.values()`` read as the model instance would be (``row.district.name``,
    ``row._meta`` for :func:`jigai.core.choices.choice_label`): the page is read without building
    a model instance per row and related object. Only the columns of :func:`columns` are there; a
    resolver that reads anything else fails (AttributeError), loudly, in the tests."""

    __slots__ = ("_model", "_prefix", "_row")

    def __init__(self, row: dict[str, Any], model: type[Model], prefix: str = "") -> None:
        self._row = row
        self._model = model
        self._prefix = prefix

    @property
    def _meta(self) -> Any:
        return self._model._meta

    def __getattr__(self, name: str) -> Any:
        key = self._prefix + name
        try:
            value = self._row[key]
        except KeyError:
            raise AttributeError(name) from None
        related = _related_model(self._model, name)
        if related is None:
            return value
        return None if value is None else ValuesRow(self._row, related, key + "__")


def _schema_of(annotation: Any) -> type[Schema] | None:
    """The schema of a nested field (``Ref``, ``Ref | None``), else None."""
    members = [arg for arg in typing.get_args(annotation) if arg is not type(None)] or [annotation]
    if len(members) == 1 and isinstance(members[0], type) and issubclass(members[0], Schema):
        return members[0]
    return None


@functools.cache
def columns(schema: type[Schema], prefix: str = "") -> tuple[str, ...]:
    """The model fields ``schema`` reads, as ``QuerySet.only()`` names them (``call``,
    ``call__title``…): a page loads those columns only. A resolver may read only fields that the
    schema lists too (its label's field, say); anything else would be loaded row by row."""
    names: list[str] = []
    resolvers: dict[str, Any] = getattr(schema, "_ninja_resolvers", {})
    for name, field in schema.model_fields.items():
        if name in resolvers:
            continue
        path = prefix + (field.alias or name).replace(".", "__")
        nested = _schema_of(field.annotation)
        if nested is None:
            names.append(path)
        else:
            parts = path.split("__")
            names += ["__".join(parts[: i + 1]) for i in range(len(parts))]
            names += columns(nested, path + "__")
    return tuple(dict.fromkeys(names))


def _getter(source: str) -> Callable[[Any], Any]:
    get = operator.attrgetter(source)

    def value(obj: Any) -> Any:
        result = obj[source] if isinstance(obj, dict) else get(obj)
        # what ninja's DjangoGetter does with the value it reads
        if isinstance(result, Manager):
            return list(result.all())
        if isinstance(result, QuerySet):
            return list(result)
        if callable(result):
            return result()
        return result

    return value


def _converter(annotation: Any) -> Callable[[Any], Any]:
    """How a value read for a field of this type becomes what pydantic's model_dump would give."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in args if arg is not type(None)]
        if len(members) == 1:
            inner = _converter(members[0])
            return lambda value: None if value is None else inner(value)
    elif origin is list and len(args) == 1:
        inner = _converter(args[0])
        return lambda value: [inner(each) for each in value]
    elif isinstance(annotation, type) and issubclass(annotation, Schema):
        return row_writer(annotation)
    elif annotation in _PLAIN or (isinstance(annotation, type) and issubclass(annotation, enum.Enum)):
        # the JSON of the value is the JSON of what pydantic makes of it (an enum member of a
        # str value writes that str)
        return _same
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    return lambda value: adapter.dump_python(adapter.validate_python(value))


def _same(value: Any) -> Any:
    return value


@functools.cache
def row_writer(schema: type[Schema]) -> Row:
    """A function that turns one object into the dict ``schema`` would dump for it."""
    resolvers: dict[str, Any] = getattr(schema, "_ninja_resolvers", {})
    plan: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = []
    for name, field in schema.model_fields.items():
        resolver = resolvers.get(name)
        if resolver is not None:
            if resolver._takes_context or not resolver._static:
                raise TypeError(f"{schema.__name__}.resolve_{name}: only static resolvers are supported")
            read: Callable[[Any], Any] = resolver._func
        else:
            read = _getter(field.alias or name)
        plan.append((name, read, _converter(field.annotation)))

    def write(obj: Any) -> dict[str, Any]:
        return {name: convert(read(obj)) for name, read, convert in plan}

    return write
