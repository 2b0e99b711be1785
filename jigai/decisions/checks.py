"""Checks of the decision and publicity transitions (``propose``, ``publicize``,
``objection_upheld``, ``approve``) in :data:`jigai.decisions.workflow.TRANSITIONS`.

They run inside :func:`jigai.applications.services.application_transition` on the locked row and
hold whatever path reaches the transition: an application is proposed only with its approved
amounts on its call's list, goes to publicity only with its published list, leaves the list only
through an upheld objection, and is approved only after its list's publicity closed (on a closing
date that is not provisional) with no objection open. The services of
:mod:`jigai.decisions.services`, :mod:`jigai.decisions.publicity` and :mod:`jigai.decisions.objections`
prepare exactly that in the same transaction before they call the transition.

This module imports models only (never services), so the workflow table can import it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.decisions.choices import ObjectionStatus, ProposedListStatus
from jigai.decisions.models import Decision, Objection, ProposedList

if TYPE_CHECKING:
    from jigai.applications.models import Application
    from jigai.applications.workflow import TransitionContext

SHANGHAI = ZoneInfo("Asia/Shanghai")


def closing_text(proposed_list: ProposedList) -> str:
    """The closing moment as the public reads it: "2026-02-26 23:59（待定）" when provisional."""
    if proposed_list.publicity_ends_at is None:
        return ""
    text = timezone.localtime(proposed_list.publicity_ends_at, SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if proposed_list.publicity_end_provisional:
        text += _("（待定）")
    return text


def publicity_closed(proposed_list: ProposedList, now: dt.datetime | None = None) -> bool:
    if proposed_list.publicity_ends_at is None:
        return False
    return (now or timezone.now()) > proposed_list.publicity_ends_at


def approval_refusal(proposed_list: ProposedList | None, now: dt.datetime | None = None) -> str | None:
    """Why the list cannot be approved at ``now`` (for the refusal and a disabled button), or None."""
    now = now or timezone.now()
    if proposed_list is None or proposed_list.status in (
        ProposedListStatus.DRAFT,
        ProposedListStatus.PROPOSED,
    ):
        return _("拟支持名单尚未公示，公示期结束后才能批准。")
    if proposed_list.status == ProposedListStatus.APPROVED:
        return _("拟支持名单已经批准，不能重复批准。")
    if proposed_list.publicity_end_provisional:
        return _("公示截止日期尚待确定（所跨年度的节假日安排尚未录入），录入并确定截止日期后才能批准。")
    if not publicity_closed(proposed_list, now):
        return _("公示期至 %(t)s 结束，公示期结束后才能批准名单。") % {"t": closing_text(proposed_list)}
    open_count = proposed_list.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_count:
        return _("还有 %(n)d 件异议尚未处理，全部处理完毕后才能批准名单。") % {"n": open_count}
    return None


def _decision(application: Application) -> Decision | None:
    return Decision.objects.select_related("proposed_list").filter(application=application).first()


def require_decided_amounts(application: Application, ctx: TransitionContext) -> None:
    """``propose``: the approved amounts are set, the support not above the formula, and the
    application is on its call's list (:func:`jigai.decisions.services.proposed_list_propose`)."""
    decision = _decision(application)
    if decision is None or decision.approved_support is None or decision.proposed_list is None:
        raise ValidationError(_("项目尚未核定金额或未列入拟支持名单，不能列为拟支持。"))
    if decision.formula_support is None or decision.approved_support > decision.formula_support:
        raise ValidationError(_("核定支持金额不能高于按公式计算的金额。"))


def require_published_list(application: Application, ctx: TransitionContext) -> None:
    """``publicize``: only with its list (:func:`jigai.decisions.publicity.publicity_start`)."""
    decision = _decision(application)
    if decision is None or decision.proposed_list is None or decision.removed_at is not None:
        raise ValidationError(_("项目不在拟支持名单中，不能公示。"))
    if decision.proposed_list.status != ProposedListStatus.PUBLICITY:
        raise ValidationError(_("项目所在的拟支持名单尚未发布公示。"))


def require_upheld_objection(application: Application, ctx: TransitionContext) -> None:
    """``objection_upheld``: only through an objection the commission upheld."""
    if not Objection.objects.filter(application=application, status=ObjectionStatus.UPHELD).exists():
        raise ValidationError(_("只有异议经处理予以采纳后，才能将项目移出名单。"))


def require_publicity_over(application: Application, ctx: TransitionContext) -> None:
    """``approve``: after the list's publicity closed, with every objection handled."""
    decision = _decision(application)
    if decision is None or decision.removed_at is not None:
        raise ValidationError(_("项目不在拟支持名单中，不能批准立项。"))
    refusal = approval_refusal(decision.proposed_list, ctx.now)
    if refusal:
        raise ValidationError(refusal)
