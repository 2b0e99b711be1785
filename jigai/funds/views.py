"""Pages of the funds app: budget execution (with its chart, drill-down and Excel export), fund plans
(draft, the two approvals, return), payments, and an enterprise's view of its projects' funds.

Thin: each page reads through :mod:`jigai.funds.selectors` and writes through one service of
:mod:`jigai.funds.services`; a refused step re-renders with the Chinese reason. Buttons a viewer
may not use are disabled with the reason (:mod:`jigai.funds.workflow`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.calls.models import Call
from jigai.core.permissions import require
from jigai.core.text import join_messages
from jigai.funds import exports, permissions, selectors, services, workflow
from jigai.funds.choices import BudgetSource, FundPlanStatus
from jigai.funds.models import FundPlan, FundShare, Instalment

PROJECTS_PER_PAGE = 50


# --- budget execution -------------------------------------------------------------------------
def _budget_filters(request: HttpRequest) -> dict[str, Any]:
    year = request.GET.get("year", "")
    source = request.GET.get("source", "")
    return {
        "fiscal_year": int(year) if year.isdigit() else None,
        "source": source if source in BudgetSource.values else None,
    }


@login_required
@require_GET
def budget_list(request: HttpRequest) -> HttpResponse:
    filters = _budget_filters(request)
    budgets = list(selectors.budget_list(actor=request.user, **filters))
    chart = {
        "labels": [b.name for b in budgets],
        "series": {
            "disbursed": [str(b.disbursed - b.recovered) for b in budgets],
            "unpaid": [str(b.committed - (b.disbursed - b.recovered)) for b in budgets],
            "available": [str(b.available) for b in budgets],
        },
        "names": {
            "disbursed": _("已拨付（扣除追回）"),
            "unpaid": _("已占用未拨付"),
            "available": _("可用余额"),
        },
    }
    context = {
        "budgets": budgets,
        "chart": chart,
        "filters": filters,
        "sources": BudgetSource.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "funds/budget_list.html", context)


@login_required
@require_GET
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_get(actor=request.user, pk=pk)
    page = Paginator(
        selectors.budget_projects(actor=request.user, budget=budget), PROJECTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "funds/budget_detail.html", {"budget": budget, "page": page})


@login_required
@require_GET
def budget_export(request: HttpRequest) -> FileResponse:
    return exports.budget_export(actor=request.user, filters=_budget_filters(request))


# --- fund plans -------------------------------------------------------------------------------
class DraftForm(forms.Form):
    call = forms.ModelChoiceField(
        label=gettext_lazy("申报通知"), queryset=Call.objects.none(), empty_label=None
    )
    title = forms.CharField(label=gettext_lazy("计划名称"), max_length=200, required=False)


def _draftable_calls(user: Any) -> Any:
    """Calls with an approved project that is in no plan yet."""
    unplanned = Application.objects.filter(call=OuterRef("pk"), status=ApplicationStatus.APPROVED).exclude(
        fund_items__in_force=True
    )
    return Call.objects.visible_to(user).filter(Exists(unplanned)).order_by("-year", "-id")


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    plans = selectors.plan_list(actor=user)
    can_draft = permissions.can_draft_plan(user)
    form = DraftForm(request.POST or None)
    form.fields["call"].queryset = _draftable_calls(user)  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        require(can_draft, "funds.fund_plan_draft")
        if form.is_valid():
            try:
                plan = services.fund_plan_draft(
                    actor=user, call=form.cleaned_data["call"], title=form.cleaned_data["title"]
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("资金计划已编制，请提交市经信委负责人审核。"))
                return redirect("funds:plan_detail", pk=plan.pk)
        status = 422
    context = {"plans": plans, "form": form, "can_draft": can_draft}
    return render(request, "funds/plan_list.html", context, status=status)


def _actions(plan: FundPlan, user: Any) -> list[dict[str, Any]]:
    """The workflow steps of the user's role from the plan's state, each with why it is disabled."""
    out = []
    for transition in workflow.TRANSITIONS:
        if plan.status not in transition.sources or user.role not in transition.roles:
            continue
        out.append(
            {
                "action": transition.action,
                "label": transition.label,
                "reason": workflow.refusal(transition, plan, user),
                "comment_required": transition.comment_required,
            }
        )
    return out


def _payable_share_ids(user: Any, items: list[Any]) -> set[int]:
    return {s.pk for item in items for s in item.shares.all() if permissions.can_pay(user, s)}


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(actor=user, pk=pk)
    items = list(selectors.plan_items(actor=user, plan=plan))
    context = {
        "plan": plan,
        "items": items,
        "actions": _actions(plan, user),
        "approved": plan.status == FundPlanStatus.APPROVED,
        "payable_shares": _payable_share_ids(user, items)
        if plan.status == FundPlanStatus.APPROVED
        else set(),
        "transitions": plan.transitions.select_related("actor"),
    }
    return render(request, "funds/plan_detail.html", context)


@login_required
@require_POST
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(actor=user, pk=pk)
    if action not in workflow.BY_ACTION:
        raise Http404
    try:
        services.fund_plan_transition(
            actor=user, plan=plan, action=action, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
    else:
        messages.success(request, _("已完成：%(a)s。") % {"a": workflow.BY_ACTION[action].label})
    return redirect("funds:plan_detail", pk=plan.pk)


@login_required
@require_GET
def plan_export(request: HttpRequest, pk: int) -> FileResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return exports.plan_export(actor=request.user, plan=plan)


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from jigai.funds import pdf

    plan = selectors.plan_get(actor=request.user, pk=pk)
    content = pdf.plan_pdf(actor=request.user, plan=plan)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="fund-plan-{plan.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- payments ---------------------------------------------------------------------------------
class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("拨付金额（元）"), max_digits=16, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(
        label=gettext_lazy("拨付日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    voucher_number = forms.CharField(label=gettext_lazy("凭证号"), max_length=60)
    bank_account = forms.CharField(
        label=gettext_lazy("收款账号"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


@login_required
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visible = FundShare.objects.visible_to(user).values("pk")
    instalment = (
        Instalment.objects.filter(share__in=visible)
        .select_related("share__item__application__enterprise", "share__item__plan")
        .filter(pk=pk)
        .first()
    )
    if instalment is None:
        raise Http404(_("未找到该期资金。"))
    share = instalment.share
    require(permissions.can_pay(user, share), "funds.payment_record")
    initial = {
        "amount": instalment.amount - instalment.paid,
        "paid_on": timezone.localdate(),
        "idempotency_key": uuid.uuid4().hex,
    }
    form = PaymentForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment, created = services.payment_record(
                    actor=user,
                    instalment=instalment,
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    voucher_number=data["voucher_number"],
                    bank_account=data["bank_account"],
                    idempotency_key=data["idempotency_key"],
                )
            except services.IdempotencyConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
                status = 422
            else:
                if created:
                    messages.success(
                        request, _("拨付已登记，收款账号 %(a)s。") % {"a": payment.bank_account_masked}
                    )
                else:
                    messages.info(request, _("这笔拨付此前已登记，未重复记录。"))
                return redirect("funds:plan_detail", pk=share.item.plan_id)
        else:
            status = 422
    context = {"form": form, "instalment": instalment, "share": share, "item": share.item}
    return render(request, "funds/payment_form.html", context, status=status)


# --- the enterprise's view --------------------------------------------------------------------
@login_required
@require_GET
def project_funds(request: HttpRequest) -> HttpResponse:
    items = list(selectors.project_funds(actor=request.user))
    return render(request, "funds/project_funds.html", {"items": items})
