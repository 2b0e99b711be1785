"""The label of a model field's choice, without Django's per-call cost.

``obj.get_status_display()`` rebuilds ``dict(make_hashable(field.flatchoices))`` on every call, and
hashing the lazy labels translates every one of them: a list page of 20 rows with two labels each
translated some 1,200 strings. :func:`choice_label` keeps one plain dict per field and active
language (the catalogues do not change while the process runs) and gives the same text.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.translation import get_language

_LABELS: dict[tuple[type[Model], str, str | None], tuple[str, dict[Any, str]]] = {}


def choice_label(obj: Model | Any, field_name: str) -> str:
    """What ``obj.get_<field_name>_display()`` returns, in the active language (``obj`` may also be
    a :class:`jigai.core.api_lists.ValuesRow`)."""
    key = (obj._meta.model, field_name, get_language())
    known = _LABELS.get(key)
    if known is None:
        field = obj._meta.get_field(field_name)
        labels = {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
        known = _LABELS[key] = (field.attname, labels)  # type: ignore[union-attr]
    attname, labels = known
    value = getattr(obj, attname)
    return force_str(labels.get(value, value), strings_only=True)
