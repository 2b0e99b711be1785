"""Small template helpers shared by every page: active navigation, alert colours, sortable headers,
money (``yuan``, ``wan`` and their ``_plain`` forms, from ``jigai.core.money``)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, pgettext

from jigai.core import money, text

register = template.Library()

_ALERT_CLASSES = {"error": "danger", "debug": "secondary"}


@register.filter
def alert_class(tags: str) -> str:
    """Bootstrap alert colour for a django message's level tag (``error`` → ``danger``)."""
    level = (tags or "info").split()[-1]
    return _ALERT_CLASSES.get(level, level)


@register.simple_tag(takes_context=True)
def nav_active(context: dict[str, Any], item: dict[str, Any]) -> str:
    """``active`` when the current page lies in the navigation item's area (see ``NavItem.area``)."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return ""
    return "active" if match.view_name.startswith(item.get("area") or item["name"]) else ""


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str) -> str:
    """A column heading that sorts by ``field``; a second click reverses the order.

    The current order is ``?sort=field`` or ``?sort=-field``; the page number is dropped so that
    the new order starts at page one."""
    request: HttpRequest = context["request"]
    current = request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["sort"], icon = f"-{field}", "bi-sort-down-alt"
    elif current == f"-{field}":
        params["sort"], icon = field, "bi-sort-up"
    else:
        params["sort"], icon = field, "bi-arrow-down-up text-body-tertiary"
    return format_html(
        '<a class="sort-link" href="?{}">{} <i class="bi {}" aria-hidden="true"></i></a>',
        params.urlencode(),
        label,
        icon,
    )


@register.simple_tag
def elided_page_range(page_obj: Any) -> list[Any]:
    """Page numbers around the current page with ``…`` gaps (Paginator.get_elided_page_range)."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))


@register.filter
def bs_widget(bound_field: BoundField) -> str:
    """Render a form field's widget with Bootstrap's class, and ``is-invalid`` when it has errors."""
    widget = bound_field.field.widget
    css = widget.attrs.get("class", "")
    if not css:
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def localized_name(obj: Any) -> str:
    """``name_en`` of a reference row (a district, an industry) when English is active and it has one."""
    name_en = getattr(obj, "name_en", None)
    if name_en and get_language() == "en":
        return str(name_en)
    return str(getattr(obj, "name", obj))


@register.filter
def yuan(amount: Any) -> str:
    """``{{ amount|yuan }}`` → "9,726,080.00 元" (see ``jigai.core.money``)."""
    return money.format_yuan(amount)


@register.filter
def yuan_plain(amount: Any) -> str:
    """``{{ amount|yuan_plain }}`` → "9,726,080.00", for a cell whose column header names the unit."""
    return money.format_yuan(amount, unit=False)


@register.filter
def wan(amount: Any) -> str:
    """``{{ amount|wan }}`` → "972.61 万元" (half-up to two places)."""
    return money.format_wan(amount)


@register.filter
def wan_plain(amount: Any) -> str:
    """``{{ amount|wan_plain }}`` → "972.61", for a cell whose column header names the unit."""
    return money.format_wan(amount, unit=False)


@register.filter
def yuan_wan(amount: Any) -> str:
    """``{{ amount|yuan_wan }}`` → "9,726,080.00 元（972.61 万元）"."""
    return money.format_yuan_wan(amount)


@register.filter
def wan_value(amount_wan: Any) -> str:
    """``{{ revenue|wan_value }}`` → "1,250.50 万元" for an amount kept in 万元."""
    return money.format_wan_value(amount_wan)


@register.filter
def wan_value_plain(amount_wan: Any) -> str:
    """``{{ revenue|wan_value_plain }}`` → "1,250.50" for an amount kept in 万元, unit in the header."""
    return money.format_wan_value(amount_wan, unit=False)


@register.filter
def paren(text: Any) -> str:
    """``{{ amount|wan|paren }}`` → "（972.61 万元）" in Chinese, " (972.61 10k yuan)" in English: the
    brackets of the language, never full-width ones typed around translated text."""
    return gettext("（%(text)s）") % {"text": text}


@register.simple_tag
def colon() -> str:
    """``{{ label }}{% colon %}{{ value }}``: "：" in Chinese, ": " in English."""
    return pgettext("label colon", "：")


@register.simple_tag
def list_sep() -> str:
    """Between the items of a series in a loop: "、" in Chinese, ", " in English."""
    return pgettext("list separator", "、")


@register.filter
def join_list(items: Any) -> str:
    """``{{ names|join_list }}``: "甲、乙" in Chinese, "甲, 乙" in English (``jigai.core.text``)."""
    return text.join_list(items or [])
