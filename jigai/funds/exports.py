"""Excel exports of the funds app: budget execution and a fund plan (openpyxl write-only, written
row by row from the scoped selectors, every text cell formula-neutralised like the applications
export). The bank account never appears in an export."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jigai.applications.exports import XLSX_CONTENT_TYPE, content_disposition, safe_text
from jigai.audit.services import audit_record
from jigai.funds import selectors
from jigai.funds.models import Budget, FundPlan

CHUNK_SIZE = 2000


def _workbook_response(
    *, title: str, header: list[str], rows: Iterable[list[Any]], name: str, fallback: str
) -> tuple[FileResponse, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_text(title)[:31])
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in rows:
        sheet.append([safe_text(v) if isinstance(v, str) else v for v in row])
        count += 1
    target = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        workbook.save(target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response, count


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d_%H%M")


def budget_export(*, actor: Any, filters: Mapping[str, Any]) -> FileResponse:
    """Budget execution as seen by the actor (a district: its own), one row per budget."""
    budgets = selectors.budget_list(actor=actor, **filters)
    header = [
        _("预算年度"),
        _("资金来源"),
        _("区"),
        _("预算名称"),
        _("预算总额（元）"),
        _("已占用（元）"),
        _("已拨付（元）"),
        _("已追回（元）"),
        _("可用余额（元）"),
    ]

    def rows() -> Iterable[list[Any]]:
        for b in budgets.iterator(chunk_size=CHUNK_SIZE):
            yield [
                b.fiscal_year,
                str(b.get_source_display()),
                b.district.name if b.district_id and b.district else "",
                b.name,
                b.total,
                b.committed,
                b.disbursed,
                b.recovered,
                b.available,
            ]

    stamp = _stamp()
    response, count = _workbook_response(
        title=_("预算执行"),
        header=header,
        rows=rows(),
        name=f"{_('预算执行')}_{stamp}.xlsx",
        fallback=f"budgets_{stamp}.xlsx",
    )
    audit_record(
        actor=actor,
        action="funds.budget_export",
        object_type=Budget._meta.label_lower,
        object_repr=_("预算执行"),
        changes={"filters": {k: v for k, v in filters.items() if v}, "rows": count},
    )
    return response


def plan_export(*, actor: Any, plan: FundPlan) -> FileResponse:
    """A fund plan's projects with their shares and instalment amounts (a district: its projects)."""
    items = selectors.plan_items(actor=actor, plan=plan)
    header = [
        _("申报编号"),
        _("项目名称"),
        _("企业"),
        _("区"),
        _("核定支持金额（元）"),
        _("市级资金（元）"),
        _("区级资金（元）"),
        _("国家项目配套（元）"),
        _("立项后拨付（元）"),
        _("验收后拨付（元）"),
        _("已拨付（元）"),
    ]

    def rows() -> Iterable[list[Any]]:
        for item in items:
            instalments = [i for s in item.shares.all() for i in s.instalments.all()]
            yield [
                item.application.reference_number or "",
                item.application.name,
                item.application.enterprise.name,
                item.district.name,
                item.approved_support,
                item.municipal_amount,
                item.district_amount,
                item.matching_amount,
                sum((i.amount for i in instalments if i.trigger == "approval"), start=0),
                sum((i.amount for i in instalments if i.trigger != "approval"), start=0),
                sum((s.paid for s in item.shares.all()), start=0),
            ]

    stamp = _stamp()
    response, count = _workbook_response(
        title=_("资金计划"),
        header=header,
        rows=rows(),
        name=f"{_('资金计划')}_{plan.pk}_{stamp}.xlsx",
        fallback=f"fund_plan_{plan.pk}_{stamp}.xlsx",
    )
    audit_record(actor=actor, action="funds.plan_export", obj=plan, changes={"rows": count})
    return response
