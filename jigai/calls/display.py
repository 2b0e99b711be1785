"""How a call and its rules read to a person: the phase badge with a countdown, and the rules in
plain Chinese (amounts in 万元, rates in per cent). Used by the pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.calls.choices import ATTACHMENT_FILE_TYPES, CallPhase, CallStatus, DistrictShareBase
from jigai.calls.defaults import SHANGHAI
from jigai.calls.models import Call, CallAttachmentRequirement, CallDistrictShare, CallRules
from jigai.core.money import format_wan
from jigai.core.text import join_clauses, join_list


def plain_number(value: Decimal) -> str:
    """2000.00 → "2000", 8.50 → "8.5" (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def wan(yuan: Decimal | None) -> str:
    """A limit in yuan as 万元 (``jigai.core.money``): 20000000 → "2,000.00 万元"; no limit → 不设上限."""
    if yuan is None:
        return _("不设上限")
    return format_wan(yuan)


def pct(rate: Decimal | None) -> str:
    """0.6000 → "60%", 0.085 → "8.5%"."""
    if rate is None:
        return "—"
    return plain_number(rate * 100) + "%"


def shanghai(moment: datetime) -> datetime:
    return timezone.localtime(moment, SHANGHAI)


def _duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d 天 %(h)d 小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d 小时 %(m)d 分钟") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d 分钟") % {"m": minutes}
    return _("不到 1 分钟")


@dataclass(frozen=True)
class PhaseBadge:
    phase: str
    label: str
    css: str  # bootstrap colour: success, secondary, dark...
    countdown: str


def phase_badge(call: Call, now: datetime | None = None) -> PhaseBadge:
    """申报中 / 未开始 / 已截止 (or 草稿 / 已撤销) with a countdown in words, at server time ``now``."""
    now = now or timezone.now()
    phase = call.phase(now)
    closes = shanghai(call.closes_at).strftime("%Y-%m-%d %H:%M")
    opens = shanghai(call.opens_at).strftime("%Y-%m-%d %H:%M")
    if phase == CallPhase.UPCOMING:
        countdown = _("距申报开始还有 %(left)s（%(at)s 开始）") % {
            "left": _duration(call.opens_at - now),
            "at": opens,
        }
        css = "info"
    elif phase == CallPhase.OPEN:
        countdown = _("距申报截止还有 %(left)s（%(at)s 截止）") % {
            "left": _duration(call.closes_at - now),
            "at": closes,
        }
        css = "success"
    else:
        countdown = _("已于 %(at)s 截止申报") % {"at": closes}
        css = "secondary"
    label = str(CallPhase(phase).label)
    if call.status == CallStatus.CANCELLED:
        return PhaseBadge("cancelled", str(CallStatus.CANCELLED.label), "danger", _("本通知已撤销"))
    if call.status == CallStatus.DRAFT:
        return PhaseBadge(phase, _("草稿（%(phase)s）") % {"phase": label}, "warning", countdown)
    return PhaseBadge(phase, label, css, countdown)


def rules_lines(rules: CallRules) -> list[tuple[str, str]]:
    """The scalar rules as (label, sentence) pairs in plain Chinese."""
    lines = [
        (_("支持方式"), str(rules.get_support_form_display())),
        (_("项目总投资"), _("不低于 %(amount)s") % {"amount": wan(rules.min_total_investment)}),
        (
            _("固定资产投资占比"),
            _("固定资产投资占项目总投入的比例须高于%(rate)s") % {"rate": pct(rules.min_fixed_asset_share)},
        ),
        (_("支持比例"), _("不超过核定总投入的 %(rate)s") % {"rate": pct(rules.support_rate)}),
        (_("单个项目支持上限"), wan(rules.cap_per_project)),
        (_("建设期"), _("不超过 %(n)d 个月") % {"n": rules.max_construction_months}),
    ]
    allowed = [a.industry for a in rules.allowed_industries.all()]
    lines.append(
        (
            _("申报行业范围"),
            _("所属行业为：%(industries)s（国民经济行业分类 GB/T 4754-2017，含其下各类）")
            % {"industries": join_list(i.label for i in allowed)}
            if allowed
            else _("不限"),
        )
    )
    if rules.national_matching_ratio > 0:
        lines.append(
            (
                _("国家项目配套"),
                _("获得中央预算内技术改造支持的项目，市级按 %(rate)s 配套支持")
                % {"rate": pct(rules.national_matching_ratio)},
            )
        )
    else:
        lines.append((_("国家项目配套"), _("本批次不安排国家项目配套支持")))
    lines.append(
        (
            _("信用要求"),
            _("有严重失信记录的企业及项目负责人 %(n)d 年内不得申报") % {"n": rules.credit_bar_years},
        )
    )
    lines.append((_("资金来源"), _("已获得市级专项资金支持的项目不得重复申报")))
    return lines


def attachment_text(requirement: CallAttachmentRequirement) -> str:
    types = join_list(ATTACHMENT_FILE_TYPES.get(t, t.upper()) for t in requirement.allowed_type_list)
    return _("%(types)s，单个文件不超过 %(mb)d MB") % {"types": types, "mb": requirement.max_size_mb}


def district_share_text(share: CallDistrictShare) -> str:
    if share.rate == 0:
        return _("本区不另行安排区级支持")
    base = str(DistrictShareBase(share.base).label)
    parts = [_("按%(base)s的 %(rate)s 给予区级支持") % {"base": base, "rate": pct(share.rate)}]
    if share.construction_cap_share is not None and share.base == DistrictShareBase.APPROVED_FIXED_ASSETS:
        parts.append(_("建筑工程计入比例不超过 %(rate)s") % {"rate": pct(share.construction_cap_share)})
    if share.cap is not None:
        parts.append(_("最高 %(amount)s") % {"amount": wan(share.cap)})
    parts.append(_("验收后拨付") if share.paid_after_acceptance else _("立项后拨付"))
    return join_clauses(parts)
