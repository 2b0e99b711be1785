"""The officials' application list as an Excel workbook (issue 3: "Excel export of the filtered
list (cells that start with = + - @ are neutralised). All from the scoped selectors.").

* Rows: exactly what :func:`jigai.applications.selectors.application_list` returns for the user
  with the same filters as the list (page or API), plus the "has duplicate flags" filter of the
  officials' list — never a wider query.
* Memory: the rows are read with ``values()`` of the exported columns and ``.iterator(chunk_size=
  2000)`` (a server-side cursor on PostgreSQL), written into an openpyxl *write-only* workbook (each
  row goes to the sheet's temporary XML file as it is appended) and saved into an anonymous
  temporary file, which :class:`~django.http.FileResponse` then streams in blocks. Neither the
  queryset nor the workbook holds all rows, so 100,000 rows take about the memory of 10,000.
* Formula injection: a text cell starting with ``= + - @``, a tab or a carriage return gets a
  leading apostrophe, so Excel (or a spreadsheet that imports the file) shows the text and never
  evaluates it; characters XML cannot carry are dropped.
* Money: numbers, not text — the yuan columns with two decimals, and 万元 columns beside them (the
  exact amount ÷ 10,000 from ``jigai.core.money.to_wan``, shown with two decimals). The fixed-asset
  share is a percentage. Times are Beijing time (Asia/Shanghai).
* Every export is recorded in the audit trail (``application.export``) with its filters and row count.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jigai.applications import selectors
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.audit.services import audit_record
from jigai.core.money import to_wan
from jigai.core.permissions import require

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
WAN_PLACES = 6  # yuan have two places, so 万元 have six: exact; the cell format shows two
#: text starting with one of these is a formula (or can become one) in Excel and other spreadsheets
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
YUAN_FORMAT = "#,##0.00"
WAN_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.00%"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHEET_TITLE = gettext_lazy("项目申报")

#: the columns read from the database (``values()``), in the order of the select
VALUES = (
    "reference_number",
    "call__title",
    "name",
    "project_code",
    "enterprise__name",
    "enterprise__credit_code",
    "district__name",
    "enterprise__industry_id",
    "enterprise__industry__name",
    "direction__code",
    "direction__name",
    "total_investment",
    "fixed_asset_investment",
    "fixed_asset_share",
    "requested_support",
    "status",
    "has_duplicate_flags",
    "submitted_at",
)


def safe_text(value: Any) -> str:
    """Text that a spreadsheet shows as it is: never a formula, only characters XML can carry."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _joined(code: Any, name: Any) -> str:
    return " ".join(part for part in (code, name) if part)


def _wan(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else to_wan(amount, WAN_PLACES)


def _local(moment: Any) -> Any:
    # Excel has no time zones: the cell holds Beijing time, which the header says.
    return None if moment is None else timezone.localtime(moment, SHANGHAI).replace(tzinfo=None)


@dataclass(frozen=True)
class Column:
    header: Any
    width: int
    value: Callable[[Mapping[str, Any]], Any]
    number_format: str = ""  # "" for text

    @property
    def is_text(self) -> bool:
        return not self.number_format


def _columns() -> list[Column]:
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    yes, no = _("是"), _("否")
    return [
        Column(_("申报编号"), 18, lambda r: r["reference_number"]),
        Column(_("申报通知"), 40, lambda r: r["call__title"]),
        Column(_("项目名称"), 40, lambda r: r["name"]),
        Column(_("投资项目代码"), 26, lambda r: r["project_code"]),
        Column(_("企业名称"), 36, lambda r: r["enterprise__name"]),
        Column(_("统一社会信用代码"), 22, lambda r: r["enterprise__credit_code"]),
        Column(_("所属区"), 10, lambda r: r["district__name"]),
        Column(
            _("所属行业"),
            28,
            lambda r: _joined(r["enterprise__industry_id"], r["enterprise__industry__name"]),
        ),
        Column(_("支持方向"), 32, lambda r: _joined(r["direction__code"], r["direction__name"])),
        Column(_("总投资（元）"), 18, lambda r: r["total_investment"], YUAN_FORMAT),
        Column(_("总投资（万元）"), 14, lambda r: _wan(r["total_investment"]), WAN_FORMAT),
        Column(_("固定资产投资（元）"), 18, lambda r: r["fixed_asset_investment"], YUAN_FORMAT),
        Column(_("固定资产投资占比"), 12, lambda r: r["fixed_asset_share"], SHARE_FORMAT),
        Column(_("申请支持金额（元）"), 18, lambda r: r["requested_support"], YUAN_FORMAT),
        Column(_("申请支持金额（万元）"), 14, lambda r: _wan(r["requested_support"]), WAN_FORMAT),
        Column(_("状态"), 12, lambda r: statuses.get(r["status"], r["status"])),
        Column(_("疑似重复"), 8, lambda r: yes if r["has_duplicate_flags"] else no),
        Column(_("提交时间（北京时间）"), 20, lambda r: _local(r["submitted_at"]), TIME_FORMAT),
    ]


def filtered_applications(
    *, actor: Any, has_duplicate_flags: bool | None = None, **filters: Any
) -> QuerySet[Application]:
    """The actor's applications as the officials' list shows them: the selector's list with its
    filters (call, status, district, industry, direction, amount range in yuan, q, sort), narrowed
    to those with (True) or without (False) duplicate flags when asked."""
    applications = selectors.application_list(actor=actor, **filters)
    if has_duplicate_flags is not None:
        applications = applications.filter(has_duplicate_flags=has_duplicate_flags)
    return applications


def _rows(columns: list[Column], records: Iterator[Mapping[str, Any]], sheet: Any) -> Iterator[list[Any]]:
    # One styled cell per numeric column, reused row after row: a write-only sheet writes a row
    # out when it is appended, so the cell is free again for the next row.
    cells = {}
    for index, column in enumerate(columns):
        if not column.is_text:
            cell = WriteOnlyCell(sheet)
            cell.number_format = column.number_format
            cells[index] = cell
    for record in records:
        row: list[Any] = []
        for index, column in enumerate(columns):
            value = column.value(record)
            if column.is_text:
                row.append(safe_text(value) if value not in (None, "") else None)
            elif value is None:
                row.append(None)
            else:
                cell = cells[index]
                cell.value = value
                row.append(cell)
        yield row


def write_workbook(records: Iterator[Mapping[str, Any]], target: Any) -> int:
    """Write the records (``values()`` dicts of :data:`VALUES`) as a workbook into ``target`` (a
    file name or binary file); returns the number of rows written."""
    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET_TITLE))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F8")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(column.header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _rows(columns, records, sheet):
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count


def export_filename(now: Any = None) -> tuple[str, str]:
    """(Chinese name, ASCII fallback) of the file: 项目申报_YYYYMMDD_HHMM.xlsx in Beijing time."""
    stamp = timezone.localtime(now or timezone.now(), SHANGHAI).strftime("%Y%m%d_%H%M")
    return f"{_('项目申报')}_{stamp}.xlsx", f"applications_{stamp}.xlsx"


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII name for old clients and the real one per RFC 5987/6266."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _audit_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v not in (None, "")}


def application_export(*, actor: Any, filters: Mapping[str, Any]) -> FileResponse:
    """The actor's filtered applications as an .xlsx download, recorded in the audit trail.

    ``filters`` are the keyword arguments of :func:`filtered_applications` (amounts in yuan).
    """
    require(selectors.can_read_applications(actor), "application.export")
    applications = filtered_applications(actor=actor, **filters)
    records = applications.values(*VALUES).iterator(chunk_size=CHUNK_SIZE)
    # Anonymous: removed from the disk as soon as it is closed (when the response is finished).
    target = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        count = write_workbook(records, target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    audit_record(
        actor=actor,
        action="application.export",
        object_type=Application._meta.label_lower,
        object_repr=_("项目申报列表"),
        changes={"filters": _audit_filters(filters), "rows": count},
        message=_("导出项目申报 Excel，共 %(n)d 条。") % {"n": count},
    )
    name, fallback = export_filename()
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
