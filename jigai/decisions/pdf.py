"""The decision notice (立项通知 / 项目支持决定书) of an approved application, as a Chinese PDF.

Generated on demand from the stored decision (nothing is kept on disk): the commission's header,
the notice number, the enterprise and project, the approved investment and support in 元 and 万元
with the support in Chinese capital numerals (大写), the instalment plan of the rules the
application was submitted under, and the date of approval. The page, the styles and the embedded
font (a subset of Noto Serif SC) come from :mod:`jigai.core.pdf`, as for every PDF of the platform.

Who may have it: whoever may see the application (the enterprise its own, the district its
district's, the commission and other city-wide readers), once the list it is on is approved and it
was not removed; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.flowables import HRFlowable

from jigai.applications.amounts import FEN
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.audit.services import audit_record
from jigai.calls.models import CallInstalment
from jigai.core.money import format_wan, format_yuan
from jigai.core.pdf import RED, grid_table, render, styles
from jigai.decisions.choices import ProposedListStatus

COMMISSION = "上海市经济和信息化委员会"
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿", "万亿")


# --- 大写 -------------------------------------------------------------------------------------


def _both_units(amount: Decimal) -> str:
    """The notice is a Chinese document whatever the reader's page language: units in Chinese."""
    return f"{format_yuan(amount, unit=False)} 元（{format_wan(amount, unit=False)} 万元）"


def _section(value: int) -> str:
    """1–9999 in capitals, with 零 for inner zeros: 1005 → 壹仟零伍."""
    out, zero = "", False
    for position in (3, 2, 1, 0):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[position]
    return out


def _integer(value: int) -> str:
    sections = []
    while value:
        sections.append(value % 10000)
        value //= 10000
    out, gap = "", False
    for index in reversed(range(len(sections))):
        part = sections[index]
        if part == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or part < 1000):
            out += "零"
        out += _section(part) + _SECTIONS[index]
        gap = False
    return out


def rmb_capital(amount: Decimal) -> str:
    """An amount in yuan in Chinese capital numerals as financial documents write it:
    1234567.89 → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分; 2500000 → 贰佰伍拾万元整."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    fen_total = int((amount.quantize(FEN, rounding=ROUND_DOWN) * 100).to_integral_value())
    yuan_part, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    out = _integer(yuan_part) + "元" if yuan_part else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif fen and yuan_part:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    else:
        out += "整"
    return out


def instalment_plan(
    support: Decimal, instalments: list[CallInstalment]
) -> list[tuple[CallInstalment, Decimal]]:
    """Each instalment with its amount (the rate of the support rounded down to the fen; the last
    one takes what is left, so the instalments add up to the support exactly)."""
    plan: list[tuple[CallInstalment, Decimal]] = []
    paid = Decimal("0.00")
    for index, instalment in enumerate(instalments):
        if index == len(instalments) - 1:
            amount = support - paid
        else:
            amount = (support * instalment.percent).quantize(FEN, rounding=ROUND_DOWN)
        paid += amount
        plan.append((instalment, amount))
    return plan


def notice_number(application: Application) -> str:
    return f"LX-{application.reference_number or application.pk}"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- who may have it --------------------------------------------------------------------------
def notice_application(*, actor: Any, pk: int) -> Application:
    """An approved application the actor may see, with everything its notice shows; Http404
    otherwise (not visible, not approved, removed from the list)."""
    application = (
        application_scope(actor)
        .filter(
            pk=pk,
            decision__proposed_list__status=ProposedListStatus.APPROVED,
            decision__removed_at__isnull=True,
        )
        .select_related("enterprise", "district", "call", "rules", "decision", "decision__proposed_list")
        .prefetch_related(
            Prefetch("rules__instalments", queryset=CallInstalment.objects.order_by("sequence"))
        )
        .first()
    )
    if application is None:
        raise Http404(_("未找到该项目的立项通知。"))
    return application


def notice_pdf_for(*, actor: Any, pk: int) -> tuple[bytes, str]:
    """The PDF bytes and a file name; the download is audited."""
    application = notice_application(actor=actor, pk=pk)
    content = render_notice(application)
    audit_record(
        actor=actor, action="review.notice_download", obj=application, message=notice_number(application)
    )
    return content, f"{notice_number(application)}.pdf"


# --- rendering --------------------------------------------------------------------------------
def render_notice(application: Application) -> bytes:
    """The notice of ``application`` (approved, with its decision and list loaded) as PDF bytes."""
    decision = application.decision
    proposed_list = decision.proposed_list
    assert proposed_list is not None and decision.approved_support is not None
    style = styles()
    cell = style["cell"]
    number = notice_number(application)
    support = decision.approved_support
    investment = decision.approved_investment or Decimal("0")
    approved_on = (
        timezone.localdate(proposed_list.approved_at) if proposed_list.approved_at else timezone.localdate()
    )
    starts = proposed_list.publicity_starts_on
    ends = timezone.localdate(proposed_list.publicity_ends_at) if proposed_list.publicity_ends_at else None

    story: list[Any] = [
        Paragraph(COMMISSION, style["header"]),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=4, spaceAfter=10),
        Paragraph("上海市重点技术改造专项资金项目立项通知（项目支持决定书）", style["title"]),
        Paragraph(f"编号：{number}", style["number"]),
        Spacer(1, 10),
        Paragraph(f"{application.enterprise.name}：", style["plain"]),
        Paragraph(
            f"你单位申报的“{application.name}”项目（申报编号 {application.reference_number}"
            + (f"，投资项目代码 {application.project_code}" if application.project_code else "")
            + f"），经{application.district.name}经济主管部门推荐、市级初审、专家评审、综合评审"
            + (
                f"及社会公示（{starts.isoformat()} 至 {ends.isoformat()}）"
                if starts and ends
                else "及社会公示"
            )
            + "，决定予以立项，给予上海市重点技术改造专项资金支持。有关事项通知如下：",
            style["body"],
        ),
        Spacer(1, 6),
        Paragraph("一、核定金额", style["plain"]),
        grid_table(
            [
                [Paragraph("申报单位", cell), Paragraph(application.enterprise.name, cell)],
                [Paragraph("项目名称", cell), Paragraph(application.name, cell)],
                [Paragraph("支持批次", cell), Paragraph(application.call.title, cell)],
                [
                    Paragraph("核定总投入", cell),
                    Paragraph(_both_units(investment), cell),
                ],
                [
                    Paragraph("核定支持金额", cell),
                    Paragraph(_both_units(support), cell),
                ],
                [Paragraph("支持金额大写", cell), Paragraph(f"人民币{rmb_capital(support)}", cell)],
                [Paragraph("支持方式", cell), Paragraph(application.rules.get_support_form_display(), cell)],
            ],
            [35 * mm, 125 * mm],
        ),
        Spacer(1, 8),
        Paragraph("二、资金拨付计划", style["plain"]),
    ]
    plan = instalment_plan(support, list(application.rules.instalments.all()))
    if plan:
        rows: list[list[Any]] = [[Paragraph(t, cell) for t in ("期次", "拨付条件", "比例", "金额（元）")]]
        for instalment, amount in plan:
            rows.append(
                [
                    Paragraph(f"第{instalment.sequence}期", cell),
                    Paragraph(instalment.get_trigger_display(), cell),
                    Paragraph(f"{(instalment.percent * 100).normalize():f}%", cell),
                    Paragraph(format_yuan(amount, unit=False), cell),
                ]
            )
        story.append(grid_table(rows, [25 * mm, 65 * mm, 25 * mm, 45 * mm]))
    else:
        story.append(Paragraph("按本批次申报通知的规定拨付。", style["body"]))
    story += [
        Spacer(1, 8),
        Paragraph("三、有关要求", style["plain"]),
        Paragraph(
            "请按照申报内容和核定的投资规模组织实施，专款专用；建设期内按要求报送项目进展；"
            "项目变更须事先申请；项目完成后及时申请验收，余款根据验收结果及专项审计核定的实际投入拨付，"
            "且不超过本通知核定的支持金额。",
            style["body"],
        ),
        Spacer(1, 24),
        Paragraph(COMMISSION, style["right"]),
        Paragraph(chinese_date(approved_on), style["right"]),
    ]
    return render(
        story,
        title=f"项目支持决定书 {number}",
        subject=number,
        author=COMMISSION,
        keywords=[number, application.reference_number or ""],
    )
