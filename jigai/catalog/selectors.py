"""Reads of the support catalog. Published (and superseded) versions are public; drafts are read by
the commission's officers and heads only (:meth:`CatalogVersionQuerySet.visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from jigai.catalog.choices import CatalogItemKind, CatalogStatus
from jigai.catalog.models import CatalogItem, CatalogVersion


def catalog_version_list(
    *, actor: Any, status: str | None = None, year: int | None = None
) -> QuerySet[CatalogVersion]:
    """Versions the actor may read, newest year first, with their numbers of fields and directions."""
    qs: QuerySet[CatalogVersion] = CatalogVersion.objects.visible_to(actor).annotate(
        field_count=Count("items", filter=Q(items__kind=CatalogItemKind.FIELD)),
        direction_count=Count("items", filter=Q(items__kind=CatalogItemKind.DIRECTION)),
    )
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-created_at", "-id")


def catalog_version_get(*, actor: Any, pk: int) -> CatalogVersion:
    """One version the actor may read; a draft is ``DoesNotExist`` (404) for everyone else."""
    return catalog_version_list(actor=actor).get(pk=pk)


def catalog_current(*, year: int | None = None) -> CatalogVersion | None:
    """The published version of ``year`` (or of the latest year that has one)."""
    qs = CatalogVersion.objects.filter(status=CatalogStatus.PUBLISHED)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year").first()


@dataclass
class FieldNode:
    """A support field with its directions; reads like the field's item otherwise (``node.code``)."""

    item: CatalogItem
    directions: list[CatalogItem] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        if name == "item":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.item, name)


def catalog_tree(*, version: CatalogVersion) -> list[FieldNode]:
    """The version's fields, each with its directions (and their industries), in two queries."""
    items = list(
        CatalogItem.objects.filter(version=version)
        .prefetch_related(Prefetch("industries"))
        .order_by("sort_order", "id")
    )
    nodes = {item.pk: FieldNode(item) for item in items if item.kind == CatalogItemKind.FIELD}
    for item in items:
        if item.kind == CatalogItemKind.DIRECTION and item.parent_id in nodes:
            nodes[item.parent_id].directions.append(item)
    return list(nodes.values())


def catalog_item_get(*, actor: Any, version_pk: int, pk: int) -> CatalogItem:
    version = catalog_version_get(actor=actor, pk=version_pk)
    return version.items.select_related("version", "parent").get(pk=pk)


def catalog_directions(*, version: CatalogVersion) -> QuerySet[CatalogItem]:
    """The support directions of a version (what a call may make eligible), in tree order."""
    return (
        CatalogItem.objects.filter(version=version, kind=CatalogItemKind.DIRECTION)
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order", "id")
    )
