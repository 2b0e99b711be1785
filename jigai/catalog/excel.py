"""A catalog version as an Excel workbook (openpyxl), and back.

The sheet has one row per item under the header 编号, 上级编号, 类别, 名称, 六化归类, 行业代码, 说明:
类别 is 支持领域 or 支持方向, 六化归类 one of the six labels (or empty), 行业代码 a comma-separated list
of GB/T 4754 codes. Reading never writes anything: :func:`read_workbook` returns the rows with their
sheet row numbers, or the problems of the file itself (not a workbook, wrong header, too large);
the rules of the tree are checked by :func:`jigai.catalog.rows.validate_rows`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from jigai.catalog.choices import CatalogItemKind, SixIzations
from jigai.catalog.rows import CatalogRow
from jigai.core.text import join_list

HEADER = ["编号", "上级编号", "类别", "名称", "六化归类", "行业代码", "说明"]
SHEET_TITLE = "支持目录"
MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_INDUSTRY_SPLIT = re.compile(r"[,，、;；\s]+")
_WIDTHS = [10, 10, 10, 36, 10, 20, 60]


@dataclass
class SheetRows:
    """What a workbook holds: rows with their sheet row numbers, or the problems of the file."""

    rows: list[tuple[int, CatalogRow]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _kind_label(kind: str) -> str:
    return str(CatalogItemKind(kind).label) if kind in CatalogItemKind.values else kind


def _group_label(group: str) -> str:
    return str(SixIzations(group).label) if group in SixIzations.values else group


def write_workbook(rows: Iterable[CatalogRow], *, title: str = "") -> bytes:
    """The rows as an .xlsx file (codes written as text so Excel keeps "1.10" and "01")."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ws.append(HEADER)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F8")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    for row in rows:
        ws.append(
            [
                row.code,
                row.parent_code,
                _kind_label(row.kind),
                row.name,
                _group_label(row.group),
                ",".join(row.industry_codes),
                row.description,
            ]
        )
    for index, width in enumerate(_WIDTHS, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = width
    for line in ws.iter_rows(min_row=2):
        for cell in line[:2]:
            cell.number_format = "@"
        line[6].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if title:
        wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    """A cell as text: numbers typed into Excel come back as int or float (9 → "9", 1.5 → "1.5")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_KINDS_BY_TEXT = {
    **{str(label): value for value, label in CatalogItemKind.choices},
    **{value: value for value in CatalogItemKind.values},
    "领域": CatalogItemKind.FIELD,
    "方向": CatalogItemKind.DIRECTION,
}
_GROUPS_BY_TEXT = {
    **{str(label): value for value, label in SixIzations.choices},
    **{value: value for value in SixIzations.values},
}


def _row_from_cells(cells: list[str]) -> CatalogRow:
    code, parent, kind, name, group, industries, description = (cells + [""] * 7)[:7]
    return CatalogRow(
        code=code,
        parent_code=parent,
        # Unknown words are kept as they are, so the validator names them in its message.
        kind=_KINDS_BY_TEXT.get(kind, kind or "?"),
        name=name,
        group=_GROUPS_BY_TEXT.get(group, group),
        industry_codes=tuple(c for c in _INDUSTRY_SPLIT.split(industries) if c),
        description=description,
    )


def read_workbook(file: IO[bytes]) -> SheetRows:
    """Rows of the first sheet (or the sheet named 支持目录); empty rows are skipped."""
    result = SheetRows()
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(_("文件超过 %(mb)d MB。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        return result
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        result.errors.append(_("文件不是有效的 Excel 工作簿（.xlsx），请使用导出的模板填写。"))
        return result
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        lines = ws.iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ())]
        while header and not header[-1]:
            header.pop()
        if header[: len(HEADER)] != HEADER:
            result.errors.append(_("第 1 行：表头应为“%(expected)s”。") % {"expected": join_list(HEADER)})
            return result
        for number, values in enumerate(lines, start=2):
            cells = [_text(v) for v in values[: len(HEADER)]]
            if not any(cells):
                continue
            if len(result.rows) >= MAX_ROWS:
                result.errors.append(_("条目超过 %(n)d 行，请拆分后导入。") % {"n": MAX_ROWS})
                return result
            result.rows.append((number, _row_from_cells(cells)))
    finally:
        wb.close()
    if not result.rows:
        result.errors.append(_("工作簿中没有任何条目。"))
    return result
