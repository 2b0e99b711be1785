"""Writing the support catalog (《上海市重点技术改造支持目录》, policy 三(一): published regularly).

A municipal officer (市经信委经办人) drafts a version; the municipal head (市经信委负责人) publishes it.
A published version is never edited: a change is a new draft copied from it, and publishing that
draft supersedes the year's published version. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.audit.services import audit_record, diff, snapshot
from jigai.catalog import excel
from jigai.catalog.choices import CatalogItemKind, CatalogStatus
from jigai.catalog.models import CatalogItem, CatalogVersion
from jigai.catalog.rows import CatalogRow, RowError, rows_in_tree_order, validate_rows
from jigai.core.permissions import ALLOW, Decision, deny, has_role, require
from jigai.reference.models import Industry

YEAR_MIN, YEAR_MAX = 2000, 2100
_VERSION_FIELDS = ["year", "title", "note", "status"]
_ITEM_FIELDS = ["code", "name", "kind", "parent", "group", "description"]


# --- Permission checks ------------------------------------------------------------------------
def can_draft_catalog(user: Any) -> Decision:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("起草和修改支持目录"))


def can_edit_catalog_version(user: Any, version: CatalogVersion) -> Decision:
    decision = can_draft_catalog(user)
    if not decision:
        return decision
    if version.status != CatalogStatus.DRAFT:
        return deny(
            _("“%(title)s”%(status)s，不能再修改；如需调整，请复制为新草稿后修改并重新发布。")
            % {"title": version.title, "status": version.get_status_display()}
        )
    return ALLOW


def can_copy_catalog_version(user: Any, version: CatalogVersion) -> Decision:
    decision = can_draft_catalog(user)
    if not decision:
        return decision
    if version.status == CatalogStatus.DRAFT:
        return deny(_("草稿可以直接修改，无需复制。"))
    return ALLOW


def _can_publish_role(user: Any, version: CatalogVersion) -> Decision:
    decision = has_role(user, [Role.MUNICIPAL_HEAD], _("发布支持目录"))
    if not decision:
        return decision
    if version.status != CatalogStatus.DRAFT:
        return deny(
            _("只能发布草稿；“%(title)s”%(status)s。")
            % {"title": version.title, "status": version.get_status_display()}
        )
    return ALLOW


def catalog_publish_problems(version: CatalogVersion) -> list[str]:
    """What keeps a draft from being published, whoever asks."""
    if not version.items.filter(kind=CatalogItemKind.DIRECTION).exists():
        return [_("目录中还没有任何支持方向，不能发布。")]
    return []


def can_publish_catalog_version(user: Any, version: CatalogVersion) -> Decision:
    """For the publish button: the role and status rule, then what the version still lacks."""
    decision = _can_publish_role(user, version)
    if not decision:
        return decision
    problems = catalog_publish_problems(version)
    return deny(problems[0]) if problems else ALLOW


# --- Rows <-> items ---------------------------------------------------------------------------
def version_rows(version: CatalogVersion) -> list[CatalogRow]:
    """The items of a version as rows, fields first in their order, each with its directions."""
    items = list(
        version.items.select_related("parent").prefetch_related("industries").order_by("sort_order", "id")
    )
    rows = [
        CatalogRow(
            code=item.code,
            parent_code=item.parent.code if item.parent else "",
            kind=item.kind,
            name=item.name,
            group=item.group,
            industry_codes=tuple(sorted(i.pk for i in item.industries.all())),
            description=item.description,
        )
        for item in items
    ]
    return rows_in_tree_order(rows)


def _known_industries() -> list[str]:
    return list(Industry.objects.values_list("code", flat=True))


def _clean_row(row: CatalogRow) -> CatalogRow:
    return CatalogRow(
        code=(row.code or "").strip(),
        parent_code=(row.parent_code or "").strip(),
        kind=row.kind,
        name=(row.name or "").strip(),
        group=row.group or "",
        industry_codes=tuple(dict.fromkeys(c.strip().upper() for c in row.industry_codes if c.strip())),
        description=(row.description or "").strip(),
    )


def _save_rows(version: CatalogVersion, rows: Sequence[CatalogRow]) -> list[CatalogItem]:
    """Replace every item of ``version`` by ``rows`` (already validated)."""
    version.items.all().delete()
    by_code: dict[str, CatalogItem] = {}
    ordered = [r for r in rows if r.kind == CatalogItemKind.FIELD] + [
        r for r in rows if r.kind != CatalogItemKind.FIELD
    ]
    position = {row.code: i for i, row in enumerate(rows)}
    for row in ordered:
        by_code[row.code] = CatalogItem.objects.create(
            version=version,
            parent=by_code.get(row.parent_code) if row.parent_code else None,
            code=row.code,
            name=row.name,
            kind=row.kind,
            group=row.group,
            description=row.description,
            sort_order=(position[row.code] + 1) * 10,
        )
    through = CatalogItem.industries.through
    through.objects.bulk_create(
        [
            through(catalogitem_id=by_code[row.code].pk, industry_id=code)
            for row in rows
            for code in row.industry_codes
        ]
    )
    return [by_code[row.code] for row in rows]


def _raise_row_errors(errors: list[RowError]) -> None:
    """Single-item changes: the messages by field, as a form or the API shows them."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message + "。")
    raise ValidationError(by_field)


# --- Versions ---------------------------------------------------------------------------------
def _check_version_fields(year: int, title: str) -> None:
    errors: dict[str, str] = {}
    if not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("年度须在 %(a)d 至 %(b)d 之间。") % {"a": YEAR_MIN, "b": YEAR_MAX}
    if not title:
        errors["title"] = _("请填写目录名称。")
    elif len(title) > 200:
        errors["title"] = _("目录名称不能超过 200 个字符。")
    if errors:
        raise ValidationError(errors)


def catalog_version_create(
    *,
    actor: Any,
    year: int,
    title: str,
    note: str = "",
    rows: Iterable[CatalogRow] | None = None,
) -> CatalogVersion:
    """A new draft version, empty or filled with ``rows`` (e.g. :func:`default_catalog_items`)."""
    require(can_draft_catalog(actor), "catalog.version.create")
    title = (title or "").strip()
    _check_version_fields(year, title)
    clean = [_clean_row(r) for r in rows or []]
    errors = validate_rows(clean, _known_industries())
    if errors:
        raise ValidationError([_("第 %(n)d 条：%(m)s") % {"n": e.index + 1, "m": e.message} for e in errors])
    with transaction.atomic():
        version = CatalogVersion.objects.create(
            year=year, title=title, note=(note or "").strip(), created_by=actor
        )
        _save_rows(version, clean)
        audit_record(
            actor=actor,
            action="catalog.version.create",
            obj=version,
            changes=diff({}, snapshot(version, _VERSION_FIELDS)),
            message=_("%(n)d 个条目") % {"n": len(clean)},
        )
    return version


def catalog_version_update(
    *, actor: Any, version: CatalogVersion, title: str, note: str = "", year: int | None = None
) -> CatalogVersion:
    """Rename a draft (or move it to another year)."""
    require(can_edit_catalog_version(actor, version), "catalog.version.update")
    title = (title or "").strip()
    year = version.year if year is None else year
    _check_version_fields(year, title)
    with transaction.atomic():
        before = snapshot(version, _VERSION_FIELDS)
        version.title, version.note, version.year = title, (note or "").strip(), year
        version.save(update_fields=["title", "note", "year"])
        audit_record(
            actor=actor,
            action="catalog.version.update",
            obj=version,
            changes=diff(before, snapshot(version, _VERSION_FIELDS)),
        )
    return version


def catalog_version_publish(*, actor: Any, version: CatalogVersion) -> CatalogVersion:
    """Publish a draft. It supersedes the version of the same year published before (whose status
    becomes 已被替代): there is one published catalog per year, and a published one never changes."""
    require(_can_publish_role(actor, version), "catalog.version.publish")
    with transaction.atomic():
        locked = CatalogVersion.objects.select_for_update().get(pk=version.pk)
        require(_can_publish_role(actor, locked), "catalog.version.publish")
        problems = catalog_publish_problems(locked)
        if problems:
            raise ValidationError(problems)
        previous = (
            CatalogVersion.objects.select_for_update()
            .filter(year=locked.year, status=CatalogStatus.PUBLISHED)
            .exclude(pk=locked.pk)
            .first()
        )
        if previous is not None:
            previous.status = CatalogStatus.SUPERSEDED
            previous.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="catalog.version.supersede",
                obj=previous,
                changes={"status": {"before": CatalogStatus.PUBLISHED, "after": CatalogStatus.SUPERSEDED}},
                message=_("被“%(title)s”替代") % {"title": locked.title},
            )
        before = snapshot(locked, ["status", "published_at", "supersedes"])
        locked.status = CatalogStatus.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.supersedes = previous
        locked.save(update_fields=["status", "published_by", "published_at", "supersedes"])
        audit_record(
            actor=actor,
            action="catalog.version.publish",
            obj=locked,
            changes=diff(before, snapshot(locked, ["status", "published_at", "supersedes"])),
        )
    version.refresh_from_db()
    return version


def catalog_version_copy(
    *, actor: Any, version: CatalogVersion, year: int | None = None, title: str = ""
) -> CatalogVersion:
    """A new draft with the items of a published (or superseded) version, to change and publish
    again; the source is never touched."""
    require(can_copy_catalog_version(actor, version), "catalog.version.copy")
    year = version.year if year is None else year
    title = (title or "").strip() or _("%(title)s（修订稿）") % {"title": version.title}
    _check_version_fields(year, title[:200])
    rows = version_rows(version)
    with transaction.atomic():
        copy = CatalogVersion.objects.create(
            year=year,
            title=title[:200],
            created_by=actor,
            note=_("复制自“%(title)s”（编号 %(id)d）。") % {"title": version.title, "id": version.pk},
        )
        _save_rows(copy, rows)
        audit_record(
            actor=actor,
            action="catalog.version.copy",
            obj=copy,
            changes={"copied_from": {"before": None, "after": version.pk}},
            message=_("复制 %(n)d 个条目") % {"n": len(rows)},
        )
    return copy


def catalog_version_import(*, actor: Any, version: CatalogVersion, file: IO[bytes]) -> int:
    """Replace every item of a draft by the rows of an Excel workbook (see :mod:`jigai.catalog.excel`).

    Every row is checked first; if any row fails, nothing is imported and the ValidationError lists
    each problem with its sheet row ("第 7 行：上级编号 9 不存在"). Returns the number of items."""
    require(can_edit_catalog_version(actor, version), "catalog.version.import")
    sheet = excel.read_workbook(file)
    if sheet.errors:
        raise ValidationError(sheet.errors)
    numbers = [number for number, _row in sheet.rows]
    rows = [_clean_row(row) for _number, row in sheet.rows]
    errors = validate_rows(rows, _known_industries())
    if errors:
        raise ValidationError(
            [_("第 %(n)d 行：%(m)s") % {"n": numbers[e.index], "m": e.message} for e in errors]
        )
    with transaction.atomic():
        locked = CatalogVersion.objects.select_for_update().get(pk=version.pk)
        require(can_edit_catalog_version(actor, locked), "catalog.version.import")
        before = locked.items.count()
        _save_rows(locked, rows)
        audit_record(
            actor=actor,
            action="catalog.version.import",
            obj=locked,
            changes={"items": {"before": before, "after": len(rows)}},
            message=_("从 Excel 导入 %(n)d 个条目") % {"n": len(rows)},
        )
    return len(rows)


def catalog_version_export(*, version: CatalogVersion) -> bytes:
    """The version as an .xlsx workbook (the caller has read it through a selector)."""
    return excel.write_workbook(version_rows(version), title=version.title)


# --- Items ------------------------------------------------------------------------------------
def _row_for(
    *,
    code: str,
    name: str,
    kind: str,
    parent_code: str = "",
    group: str = "",
    description: str = "",
    industry_codes: Iterable[str] = (),
) -> CatalogRow:
    return _clean_row(
        CatalogRow(
            code=code or "",
            parent_code=parent_code or "",
            kind=kind,
            name=name or "",
            group=group or "",
            industry_codes=tuple(industry_codes),
            description=description or "",
        )
    )


def catalog_item_add(
    *,
    actor: Any,
    version: CatalogVersion,
    code: str,
    name: str,
    kind: str,
    parent_code: str = "",
    group: str = "",
    description: str = "",
    industry_codes: Iterable[str] = (),
) -> CatalogItem:
    """Add a field or a direction to a draft. Codes are unique in a version; a direction's parent
    must be a field of the same version."""
    require(can_edit_catalog_version(actor, version), "catalog.item.add")
    new = _row_for(
        code=code,
        name=name,
        kind=kind,
        parent_code=parent_code,
        group=group,
        description=description,
        industry_codes=industry_codes,
    )
    rows = version_rows(version)
    errors = [e for e in validate_rows([*rows, new], _known_industries()) if e.index == len(rows)]
    if errors:
        _raise_row_errors(errors)
    with transaction.atomic():
        parent = version.items.get(code=new.parent_code) if new.parent_code else None
        item = CatalogItem.objects.create(
            version=version,
            parent=parent,
            code=new.code,
            name=new.name,
            kind=new.kind,
            group=new.group,
            description=new.description,
            sort_order=_after_last(version),
        )
        item.industries.set(Industry.objects.filter(pk__in=new.industry_codes))
        _renumber(version)
        audit_record(
            actor=actor,
            action="catalog.item.add",
            obj=item,
            changes=diff({}, {**snapshot(item, _ITEM_FIELDS), "industries": list(new.industry_codes)}),
        )
    return item


def _after_last(version: CatalogVersion) -> int:
    last = version.items.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return (last or 0) + 10


def _renumber(version: CatalogVersion) -> None:
    """Sort keys 10, 20, … in tree order (fields in order, each followed by its directions)."""
    items = list(version.items.order_by("sort_order", "id"))
    fields = [i for i in items if i.kind == CatalogItemKind.FIELD]
    ordered: list[CatalogItem] = []
    for f in fields:
        ordered.append(f)
        ordered.extend(i for i in items if i.parent_id == f.pk)
    ordered.extend(i for i in items if i not in ordered)
    changed = []
    for position, item in enumerate(ordered, start=1):
        if item.sort_order != position * 10:
            item.sort_order = position * 10
            changed.append(item)
    CatalogItem.objects.bulk_update(changed, ["sort_order"])


def catalog_item_update(
    *,
    actor: Any,
    item: CatalogItem,
    code: str,
    name: str,
    kind: str,
    parent_code: str = "",
    group: str = "",
    description: str = "",
    industry_codes: Iterable[str] = (),
) -> CatalogItem:
    """Change an item of a draft (all its values at once). A field that still has directions cannot
    become a direction; renaming a field's code carries its directions along."""
    version = item.version
    require(can_edit_catalog_version(actor, version), "catalog.item.update")
    changed = _row_for(
        code=code,
        name=name,
        kind=kind,
        parent_code=parent_code,
        group=group,
        description=description,
        industry_codes=industry_codes,
    )
    has_children = item.children.exists()
    if has_children and changed.kind != CatalogItemKind.FIELD:
        raise ValidationError({"kind": _("该支持领域下还有支持方向，不能改为支持方向。")})
    rows = version_rows(version)
    index = next(i for i, r in enumerate(rows) if r.code == item.code)
    rows[index] = changed
    if changed.code != item.code:
        rows = [replace(r, parent_code=changed.code) if r.parent_code == item.code else r for r in rows]
    errors = [e for e in validate_rows(rows, _known_industries()) if e.index == index]
    if errors:
        _raise_row_errors(errors)
    with transaction.atomic():
        before = {
            **snapshot(item, _ITEM_FIELDS),
            "industries": sorted(item.industries.values_list("pk", flat=True)),
        }
        parent = version.items.get(code=changed.parent_code) if changed.parent_code else None
        if parent is not None and parent.pk != item.parent_id:
            item.sort_order = _after_last(version)  # last among its new siblings
        item.code, item.name, item.kind, item.parent = changed.code, changed.name, changed.kind, parent
        item.group, item.description = changed.group, changed.description
        item.save()
        item.industries.set(Industry.objects.filter(pk__in=changed.industry_codes))
        _renumber(version)
        after = {**snapshot(item, _ITEM_FIELDS), "industries": sorted(changed.industry_codes)}
        audit_record(actor=actor, action="catalog.item.update", obj=item, changes=diff(before, after))
    return item


def catalog_item_remove(*, actor: Any, item: CatalogItem) -> None:
    """Remove an item of a draft; a field must be emptied of its directions first."""
    version = item.version
    require(can_edit_catalog_version(actor, version), "catalog.item.remove")
    children = item.children.count()
    if children:
        raise ValidationError(
            _("请先删除或移走“%(name)s”下的 %(n)d 个支持方向。") % {"name": item.name, "n": children}
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="catalog.item.remove",
            obj=item,
            changes=diff(snapshot(item, _ITEM_FIELDS), {}),
        )
        item.delete()
        _renumber(version)
