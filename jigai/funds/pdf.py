"""A fund plan (资金计划) as a PDF: Chinese, the font embedded (:mod:`jigai.core.pdf`), so it prints the
same everywhere. One table of the plan's projects the reader may see, with the shares and totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jigai.audit.services import audit_record
from jigai.core.money import format_yuan
from jigai.core.pdf import grid_table, render, styles
from jigai.funds import selectors
from jigai.funds.models import FundPlan


def plan_pdf(*, actor: Any, plan: FundPlan) -> bytes:
    s = styles()
    items = list(selectors.plan_items(actor=actor, plan=plan))
    story: list[Any] = [
        Paragraph(plan.title, s["title"]),
        Paragraph(
            _("预算年度：%(y)s　状态：%(s)s　项目：%(n)s 个")
            % {"y": plan.fiscal_year, "s": plan.get_status_display(), "n": len(items)},
            s["number"],
        ),
        Spacer(1, 6 * mm),
    ]
    head = [_("项目"), _("企业"), _("核定支持"), _("市级资金"), _("区级资金"), _("国家配套")]
    rows: list[list[Any]] = [[Paragraph(h, s["cell"]) for h in head]]
    totals = [Decimal("0")] * 4
    for item in items:
        amounts = [item.approved_support, item.municipal_amount, item.district_amount, item.matching_amount]
        totals = [t + a for t, a in zip(totals, amounts, strict=True)]
        rows.append(
            [
                Paragraph(item.application.name, s["cell"]),
                Paragraph(item.application.enterprise.name, s["cell"]),
                *[Paragraph(format_yuan(a, unit=False), s["cell"]) for a in amounts],
            ]
        )
    rows.append(
        [
            Paragraph(_("合计（元）"), s["cell"]),
            "",
            *[Paragraph(format_yuan(t, unit=False), s["cell"]) for t in totals],
        ]
    )
    story.append(
        grid_table(rows, [42 * mm, 38 * mm, 20 * mm, 20 * mm, 20 * mm, 20 * mm], shade_first_column=False)
    )
    story.append(Spacer(1, 6 * mm))
    signatures = [
        _("编制：%(u)s %(t)s")
        % {"u": plan.drafted_by, "t": timezone.localtime(plan.drafted_at).strftime("%Y-%m-%d")},
    ]
    if plan.head_approved_by_id and plan.head_approved_at:
        signatures.append(
            _("市经信委审核：%(u)s %(t)s")
            % {
                "u": plan.head_approved_by,
                "t": timezone.localtime(plan.head_approved_at).strftime("%Y-%m-%d"),
            }
        )
    if plan.finance_approved_by_id and plan.finance_approved_at:
        signatures.append(
            _("市财政局审核：%(u)s %(t)s")
            % {
                "u": plan.finance_approved_by,
                "t": timezone.localtime(plan.finance_approved_at).strftime("%Y-%m-%d"),
            }
        )
    story += [Paragraph(text, s["right"]) for text in signatures]
    audit_record(actor=actor, action="funds.plan_pdf", obj=plan, changes={"projects": len(items)})
    return render(story, title=plan.title, subject=_("资金计划"), author=_("上海市经济和信息化委员会"))
