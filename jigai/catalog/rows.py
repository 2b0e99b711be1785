"""A catalog version as a flat list of rows, and the one validator of a whole tree.

Every way items reach a version goes through :func:`validate_rows`: the Excel import, the default
tree, a copy of a published version, and each single add or change of an item (the service checks
the tree as it would be after the change). So a rule about the tree (codes unique in a version, a
direction's parent must be a field of the same version, known industry codes) lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jigai.catalog.choices import CatalogItemKind, SixIzations
from jigai.core.text import join_list

CODE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000


@dataclass(frozen=True)
class CatalogRow:
    """One item of a version: a support field (支持领域) or a support direction (支持方向)."""

    code: str
    parent_code: str
    kind: str
    name: str
    group: str = ""
    industry_codes: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RowError:
    """A problem of the row at ``index`` (position in the list given to the validator)."""

    index: int
    field: str
    message: str


def validate_rows(rows: Sequence[CatalogRow], known_industries: Iterable[str]) -> list[RowError]:
    """Every problem of a would-be version, in row order. Messages are Chinese, without the row
    number (the caller adds "第 n 行：" where rows have numbers) and without a final full stop."""
    industries = set(known_industries)
    errors: list[RowError] = []
    first_index: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for index, row in enumerate(rows):
        if row.code and row.code not in first_index:
            first_index[row.code] = index
            kinds[row.code] = row.kind
    for index, row in enumerate(rows):
        errors.extend(_row_errors(index, row, rows, first_index, kinds, industries))
    return errors


def _row_errors(
    index: int,
    row: CatalogRow,
    rows: Sequence[CatalogRow],
    first_index: dict[str, int],
    kinds: dict[str, str],
    industries: set[str],
) -> list[RowError]:
    out: list[RowError] = []

    def add(name: str, message: str) -> None:
        out.append(RowError(index, name, message))

    if not row.code:
        add("code", _("编号不能为空"))
    elif len(row.code) > CODE_MAX_LENGTH:
        add("code", _("编号 %(code)s 超过 %(n)d 个字符") % {"code": row.code, "n": CODE_MAX_LENGTH})
    elif any(ch.isspace() for ch in row.code):
        add("code", _("编号 %(code)s 不能包含空格") % {"code": row.code})
    elif first_index[row.code] != index:
        first = rows[first_index[row.code]]
        add("code", _("编号 %(code)s 重复（已用于“%(name)s”）") % {"code": row.code, "name": first.name})

    if not row.name:
        add("name", _("名称不能为空"))
    elif len(row.name) > NAME_MAX_LENGTH:
        add("name", _("名称超过 %(n)d 个字符") % {"n": NAME_MAX_LENGTH})
    if len(row.description) > DESCRIPTION_MAX_LENGTH:
        add("description", _("说明超过 %(n)d 个字符") % {"n": DESCRIPTION_MAX_LENGTH})

    if row.kind not in CatalogItemKind.values:
        add("kind", _("类别应为“支持领域”或“支持方向”"))
    elif row.kind == CatalogItemKind.FIELD:
        if row.parent_code:
            add("parent_code", _("支持领域不能有上级编号"))
    elif not row.parent_code:
        add("parent_code", _("支持方向须填写上级编号（所属支持领域）"))
    elif row.parent_code not in kinds:
        add("parent_code", _("上级编号 %(code)s 不存在") % {"code": row.parent_code})
    elif kinds[row.parent_code] != CatalogItemKind.FIELD:
        add("parent_code", _("上级编号 %(code)s 不是支持领域") % {"code": row.parent_code})

    if row.group and row.group not in SixIzations.values:
        labels = join_list(str(label) for label in SixIzations.labels)
        add("group", _("六化归类应为%(labels)s之一，或留空") % {"labels": labels})

    unknown = [c for c in row.industry_codes if c not in industries]
    if unknown:
        add("industry_codes", _("行业代码 %(codes)s 不存在") % {"codes": join_list(unknown)})
    return out


def rows_in_tree_order(rows: Iterable[CatalogRow]) -> list[CatalogRow]:
    """Fields in their order, each followed by its directions (for display and export)."""
    rows = list(rows)
    children: dict[str, list[CatalogRow]] = {}
    for row in rows:
        if row.kind == CatalogItemKind.DIRECTION:
            children.setdefault(row.parent_code, []).append(row)
    out: list[CatalogRow] = []
    for row in rows:
        if row.kind == CatalogItemKind.FIELD:
            out.append(row)
            out.extend(children.pop(row.code, []))
    for orphans in children.values():
        out.extend(orphans)
    return out
