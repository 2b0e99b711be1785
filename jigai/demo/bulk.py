"""Plain INSERTs of generated rows, for the millions of rows of a bench database.

``bulk_create`` builds a model instance per row and prepares every field of it through the ORM:
for 200,000 applications with their lines, prerequisites and history (3 million rows) that is
most of ten minutes. :class:`RowWriter` sends value tuples straight to the database instead —
``COPY … FROM STDIN`` on PostgreSQL, the cursor's ``executemany`` on SQLite — each value adapted
for the database by the same operations the ORM uses (dates, moments, decimals). Columns the
caller does not give take their field's default (the present for ``auto_now``/``auto_now_add``
moments), so a field added to the model later with a default does not break the generator.

Only for generated data written into a database the demo owns; nothing here validates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

Converter = Callable[[Any], Any] | None


def _converter(field: Any) -> Converter:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return None


class RowWriter:
    """Collects rows of ``model`` (values in the order of ``fields``, foreign keys as ids) and
    inserts them with :meth:`flush`."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        given: list[Any] = [meta.get_field(name) for name in fields]
        names = set(fields)
        defaults = [
            f
            for f in meta.concrete_fields
            if f.name not in names and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.model = model
        self.converters = [_converter(f) for f in given]
        now = timezone.now()
        self.tail = tuple(_adapt(_converter(f), _default(f, now)) for f in defaults)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in [*given, *defaults])
        marks = ", ".join(["%s"] * (len(given) + len(defaults)))
        # Table and column names come from the model, quoted; the values are parameters.
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *values: Any) -> None:
        self.rows.append(
            tuple(
                value if convert is None else convert(value)
                for convert, value in zip(self.converters, values, strict=True)
            )
            + self.tail
        )

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


def _default(field: Any, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def _adapt(convert: Converter, value: Any) -> Any:
    return value if convert is None or value is None else convert(value)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of ``model`` (rows written with :class:`RowWriter` give theirs)."""
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After rows were inserted with their own ids: the next ORM insert continues after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
