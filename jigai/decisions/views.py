"""Pages of the comprehensive review and decision (综合评审与决策): the calls to decide, a call's
ranking with its approved amounts and running total against the budget, the amounts of one
application, the head's proposal, publication (公示) and approval, the objections and their
handling, the holiday calendar, and the decision notice PDF.

Thin: each page reads through a selector of :mod:`jigai.decisions.services`,
:mod:`jigai.decisions.publicity` or :mod:`jigai.decisions.objections` and writes through one service;
a refused step re-renders the page with the user's input and the Chinese reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.selectors import application_scope
from jigai.applications.views_official import can_review_applications
from jigai.calls.models import Call
from jigai.core.money import format_wan, format_yuan
from jigai.core.permissions import require
from jigai.core.text import join_messages
from jigai.decisions import amounts as decisions_amounts
from jigai.decisions import objections, pdf, permissions, publicity, selectors
from jigai.decisions import services as decision
from jigai.decisions.budget_chart import budget_chart
from jigai.decisions.checks import approval_refusal, closing_text
from jigai.decisions.choices import ObjectionStatus
from jigai.decisions.forms import (
    AmountsForm,
    CalendarForm,
    ProposeForm,
    PublicityForm,
    _apply_errors,
    _set_choices,
)
from jigai.workdays import workingdays


def _call(request: HttpRequest, pk: int) -> Call:
    call = Call.objects.visible_to(request.user).select_related("current_rules").filter(pk=pk).first()
    if call is None:
        raise Http404(_("未找到该申报通知。"))
    return call


# --- the calls to decide ----------------------------------------------------------------------
@login_required
@require_GET
def decision_index(request: HttpRequest) -> HttpResponse:
    require(permissions.can_read_ranking(request.user), "review.ranking")
    calls = (
        Call.objects.visible_to(request.user)
        .select_related("proposed_list")
        .annotate(
            in_review=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.COMPREHENSIVE_REVIEW)
            )
        )
        .filter(Q(in_review__gt=0) | Q(proposed_list__isnull=False))
        .order_by("-year", "-opens_at")
    )
    rows = []
    for call in calls:
        proposed_list = getattr(call, "proposed_list", None)
        rows.append(
            {
                "call": call,
                "list": proposed_list,
                "budget_wan": format_wan(call.budget, unit=False) if call.budget is not None else "",
                "closing": closing_text(proposed_list) if proposed_list else "",
            }
        )
    context = {"rows": rows, "may_read_objections": objections.can_read_objections(request.user).allowed}
    return render(request, "decisions/decision_index.html", context)


# --- a call's ranking, proposal, publication and approval --------------------------------------
def _display(row: selectors.RankingRow) -> selectors.RankingRow:
    """The row with its amounts as the page shows them: in 万元 like the cards above the table, the
    unit in the column headers (the amounts page shows each in yuan)."""
    shown: Any = row
    shown.declared_wan = format_wan(row.application.total_investment, unit=False)
    shown.investment_wan = format_wan(row.amounts.approved_investment, unit=False)
    shown.formula_wan = format_wan(row.amounts.formula_support, unit=False)
    shown.support_wan = format_wan(row.amounts.approved_support, unit=False)
    shown.running_wan = format_wan(row.running_total, unit=False)
    return row


def _ranking_page(
    request: HttpRequest,
    call: Call,
    *,
    propose_form: ProposeForm | None = None,
    publicity_form: PublicityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    ranking = selectors.call_ranking(actor=user, call=call)
    proposed_list = ranking.proposed_list
    if propose_form is None:
        propose_form = ProposeForm(initial={"application_ids": ranking.within_budget_ids})
    _set_choices(
        propose_form, "application_ids", [(r.application.pk, r.application.pk) for r in ranking.rows]
    )
    chosen = {int(i) for i in (propose_form["application_ids"].value() or []) if str(i).isdigit()}
    today = timezone.localdate()
    open_objections = (
        proposed_list.objections.filter(status=ObjectionStatus.OPEN).count() if proposed_list else 0
    )
    context = {
        "call": call,
        "ranking": ranking,
        "rows": [_display(r) for r in ranking.rows],
        "list": proposed_list,
        "budget_wan": format_wan(ranking.budget, unit=False) if ranking.budget is not None else "",
        "total_wan": format_wan(ranking.total, unit=False),
        "remaining_wan": format_wan(ranking.budget - ranking.total, unit=False)
        if ranking.budget is not None
        else "",
        "chosen": chosen,
        "propose_form": propose_form,
        "publicity_form": publicity_form
        or PublicityForm(initial={"starts_on": today + dt.timedelta(days=1)}),
        "can_set": permissions.can_set_amounts(user),
        "can_propose": permissions.can_propose(user),
        "can_publish": publicity.can_publish(user),
        "can_approve": publicity.can_approve_list(user),
        "approval_refusal": approval_refusal(proposed_list) if proposed_list else None,
        "closing": closing_text(proposed_list) if proposed_list else "",
        "open_objections": open_objections,
        "may_read_objections": objections.can_read_objections(user).allowed,
        "may_read_applications": can_review_applications(user).allowed,
        "chart": budget_chart(ranking),
        "working_days": call.current_rules.publicity_working_days if call.current_rules else 5,
    }
    return render(request, "decisions/decision_ranking.html", context, status=status)


@login_required
@require_GET
def decision_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_read_ranking(request.user), "review.ranking")
    return _ranking_page(request, _call(request, pk))


@login_required
@require_POST
def decision_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(permissions.can_propose(user), "review.proposed_list_propose")
    call = _call(request, pk)
    form = ProposeForm(request.POST)
    _set_choices(
        form,
        "application_ids",
        [(a, a) for a in Application.objects.filter(call=call).values_list("pk", flat=True)],
    )
    if form.is_valid():
        try:
            proposed_list = decision.proposed_list_propose(
                actor=user,
                call=call,
                application_ids=form.cleaned_data["application_ids"],
                not_proposed_reason=form.cleaned_data["not_proposed_reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已提出拟支持名单：%(n)d 个项目，合计 %(t)s 万元。名单已冻结。")
                % {
                    "n": proposed_list.items.count(),
                    "t": format_wan(proposed_list.total_support, unit=False),
                },
            )
            return redirect("review:decision_ranking", pk=call.pk)
    return _ranking_page(request, call, propose_form=form, status=422)


@login_required
@require_POST
def decision_publicity_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(publicity.can_publish(user), "review.publicity_start")
    call = _call(request, pk)
    form = PublicityForm(request.POST)
    if form.is_valid():
        try:
            proposed_list = publicity.publicity_start(
                actor=user, call=call, starts_on=form.cleaned_data["starts_on"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            text = _("已发布公示，自 %(s)s 起，至 %(e)s 止。") % {
                "s": proposed_list.publicity_starts_on,
                "e": closing_text(proposed_list),
            }
            if proposed_list.publicity_end_provisional:
                text += _(
                    "公示期跨入尚未录入节假日安排的年度，截止日期暂按周末和法定节假日计算，待录入后确定。"
                )
            messages.success(request, text)
            return redirect("review:decision_ranking", pk=call.pk)
    return _ranking_page(request, call, publicity_form=form, status=422)


@login_required
@require_POST
def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(publicity.can_approve_list(user), "review.proposed_list_approve")
    call = _call(request, pk)
    try:
        proposed_list = publicity.proposed_list_approve(actor=user, call=call)
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
    else:
        messages.success(
            request,
            _("名单已批准：%(n)d 个项目立项，合计支持 %(t)s 万元。各项目的立项通知可下载。")
            % {
                "n": proposed_list.items.filter(removed_at__isnull=True).count(),
                "t": format_wan(proposed_list.total_support, unit=False),
            },
        )
    return redirect("review:decision_ranking", pk=call.pk)


# --- one application's amounts ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def decision_amounts(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(permissions.can_set_amounts(user), "review.decision_set_amounts")
    application = (
        application_scope(user)
        .select_related("call", "rules", "enterprise", "district")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404(_("未找到该申报。"))
    stored = getattr(application, "decision", None)
    mean = decisions_amounts.expert_opinion_mean(application)
    amounts = decisions_amounts.amounts_for(application, stored, mean)
    read_only_reason = decision.amounts_refusal(application)
    if request.method == "POST":
        form = AmountsForm(request.POST)
        if form.is_valid():
            try:
                decision.decision_set_amounts(
                    actor=user,
                    application=application,
                    approved_investment=form.cleaned_data["approved_investment"],
                    approved_support=form.cleaned_data["approved_support"],
                    reduction_reason=form.cleaned_data["reduction_reason"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("已保存 %(ref)s 的核定金额。") % {"ref": application.reference_number}
                )
                return redirect("review:decision_ranking", pk=application.call_id)
        status = 422
    else:
        form = AmountsForm(
            initial={
                "approved_investment": None if amounts.investment_is_default else amounts.approved_investment,
                "approved_support": amounts.approved_support if amounts.reduced else None,
                "reduction_reason": stored.reduction_reason if stored else "",
            }
        )
        status = 200
    rules = application.rules
    context = {
        "application": application,
        "decision": stored,
        "form": form,
        "declared": format_yuan(application.total_investment, unit=False),
        "mean": format_yuan(mean, unit=False) if mean is not None else "",
        "amounts": amounts,
        "approved_investment": format_yuan(amounts.approved_investment, unit=False),
        "formula": format_yuan(amounts.formula_support, unit=False),
        "approved_support": format_yuan(amounts.approved_support, unit=False),
        "rate": f"{(rules.support_rate * 100).normalize():f}%",
        "cap": format_wan(rules.cap_per_project, unit=False),
        "read_only_reason": read_only_reason,
    }
    return render(request, "decisions/decision_amounts.html", context, status=status)


# --- holiday calendar -------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def publicity_calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_read_ranking(user), "review.calendar")
    this_year = timezone.localdate().year
    raw_year = request.POST.get("year") or request.GET.get("year") or str(this_year + 1)
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else this_year + 1
    can_enter = workingdays.can_enter_calendar(user)
    summary = workingdays.calendar_year_summary(year)
    status = 200
    if request.method == "POST":
        require(can_enter, "review.calendar_day_set")
        form = CalendarForm(request.POST)
        if form.is_valid():
            try:
                workingdays.calendar_year_set(
                    actor=user,
                    year=year,
                    holidays=form.cleaned_data["holidays"],
                    workdays=form.cleaned_data["workdays"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已保存 %(y)d 年节假日安排。") % {"y": year})
                return redirect(reverse("review:publicity_calendar") + f"?year={year}")
        status = 422
    else:
        form = CalendarForm(
            initial={
                "holidays": "\n".join(d.isoformat() for d in summary["holidays"]),
                "workdays": "\n".join(d.isoformat() for d in summary["workdays"]),
                "note": summary["entered"][0].note if summary["entered"] else "",
            }
        )
    context = {
        "year": year,
        "years": list(range(this_year - 1, this_year + 3)),
        "summary": summary,
        "form": form,
        "can_enter": can_enter,
    }
    return render(request, "decisions/publicity_calendar.html", context, status=status)


# --- the decision notice ----------------------------------------------------------------------
@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    content, filename = pdf.notice_pdf_for(actor=request.user, pk=pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
