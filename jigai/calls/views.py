"""Pages of calls for applications: the public list and detail (window, phase and countdown,
eligible directions, the rules in plain Chinese), and the commission's pages to draft a call, edit
its rules with formsets, publish it, revise the rules of a published call and cancel it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jigai.accounts.choices import DISTRICT_ROLES, Role
from jigai.calls import selectors, services
from jigai.calls.choices import CallPhase, CallStatus
from jigai.calls.display import attachment_text, district_share_text, phase_badge, rules_lines
from jigai.calls.forms import (
    FORMSETS,
    CallForm,
    CancelForm,
    ReviseNoteForm,
    RulesForm,
    children_from,
    formset_initial,
)
from jigai.calls.models import Call, CallRules
from jigai.calls.rules import RulesChildren
from jigai.catalog.models import sees_drafts
from jigai.core.permissions import require
from jigai.core.text import join_messages


def _call(request: HttpRequest, pk: int) -> Call:
    try:
        return selectors.call_get(actor=request.user, pk=pk)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def _add_errors(form: Any, exc: ValidationError, aliases: dict[str, str] | None = None) -> list[str]:
    """A service's ValidationError onto the form, by field where the form has the field; returns the
    messages that belong to no field of the form (shown at the top of the page)."""
    rest: list[str] = []
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    for name, errors in exc.message_dict.items():
        name = (aliases or {}).get(name, name)
        if form is not None and name in form.fields:
            form.add_error(name, errors)
        else:
            rest.extend(errors)
    return rest


def _user_district(user: Any) -> str | None:
    """The district whose share a visitor cares about: the enterprise's, or the district bureau's."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role in DISTRICT_ROLES:
        return str(user.district_id) if user.district_id else None
    if user.role == Role.ENTERPRISE and user.organisation is not None:
        return user.organisation.district_id
    return None


# --- Public pages -----------------------------------------------------------------------------
def call_list(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("phase", "")
    phase = phase if phase in CallPhase.values else ""
    now = timezone.now()
    calls = list(selectors.call_list(actor=request.user, phase=phase or None, now=now))
    rows = [{"call": c, "badge": phase_badge(c, now)} for c in calls]
    return render(
        request,
        "calls/list.html",
        {
            "rows": rows,
            "phase": phase,
            "phases": CallPhase.choices,
            "can_draft": services.can_draft_call(request.user),
            "sees_drafts": sees_drafts(request.user),
        },
    )


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    rules = selectors.call_rules_get(call=call)
    district_code = _user_district(request.user)
    shares = list(rules.district_shares.all())
    my_share = next((s for s in shares if s.district_id == district_code), None)
    municipal = sees_drafts(request.user)
    context: dict[str, Any] = {
        "call": call,
        "badge": phase_badge(call),
        "rules": rules,
        "rules_lines": rules_lines(rules),
        "directions": selectors.directions_by_field(call),
        "fixed_items": [i for i in rules.investment_items.all() if i.is_fixed_asset],
        "other_items": [i for i in rules.investment_items.all() if not i.is_fixed_asset],
        "attachments": [(a, attachment_text(a)) for a in rules.attachment_requirements.all()],
        "shares": [(s, district_share_text(s)) for s in shares],
        "my_share": (my_share, district_share_text(my_share)) if my_share else None,
        "municipal": municipal,
        "can_edit": services.can_edit_call(request.user, call),
        "can_publish": services.can_publish_call(request.user, call),
        "can_revise": services.can_revise_call_rules(request.user, call),
        "can_cancel": services.can_cancel_call(request.user, call),
        "rule_versions": list(call.rule_versions.all())
        if municipal or call.status == CallStatus.PUBLISHED
        else [],
    }
    if municipal and call.status == CallStatus.DRAFT:
        problems = services.call_publish_problems(call)
        context["publish_problems"] = [m for messages_ in problems.values() for m in messages_]
        publish_reason = context["can_publish"].reason or (
            context["publish_problems"][0] if context["publish_problems"] else ""
        )
        context["publish_reason"] = publish_reason
        context["cancel_form"] = CancelForm()
    elif municipal and call.status == CallStatus.PUBLISHED:
        context["cancel_form"] = CancelForm()
    return render(request, "calls/detail.html", context)


# --- The commission's pages -------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    require(services.can_draft_call(request.user), "call.create")
    year = timezone.localdate().year
    form = CallForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.service_values())
        except ValidationError as exc:
            for message in _add_errors(form, exc, {"direction_codes": "catalog_version"}):
                form.add_error(None, message)
        else:
            messages.success(request, _("已创建申报通知草稿，申报规则已按 2026 年度默认值填写，请逐项核对。"))
            return redirect("calls:rules_edit", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": None})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    require(services.can_edit_call(request.user, call), "call.update")
    form = CallForm(request.POST or None, initial=CallForm.initial_for(call), call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.user, call=call, **form.service_values())
        except ValidationError as exc:
            for message in _add_errors(form, exc, {"direction_codes": "directions"}):
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("calls:detail", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


def _children(form: RulesForm, formsets: dict[str, Any]) -> RulesChildren:
    children = children_from(formsets)
    children.industries = form.industry_codes()
    return children


def _rules_forms(request: HttpRequest, rules: CallRules) -> tuple[RulesForm, dict[str, Any]]:
    data = request.POST if request.method == "POST" else None
    form = RulesForm(data, initial=RulesForm.initial_for(rules))
    initial = formset_initial(rules)
    formsets = {name: cls(data, initial=initial[name], prefix=name) for name, cls in FORMSETS.items()}
    return form, formsets


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft call's rules, edited in place (main values, items, prerequisites, attachments,
    instalments, district shares)."""
    call = _call(request, pk)
    require(services.can_edit_call(request.user, call), "call.rules.update")
    rules = selectors.call_rules_get(call=call)
    form, formsets = _rules_forms(request, rules)
    page_errors: list[str] = []
    if request.method == "POST":
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            try:
                services.call_rules_update(
                    actor=request.user,
                    call=call,
                    values=form.service_values(),
                    children=_children(form, formsets),
                )
            except ValidationError as exc:
                page_errors = _add_errors(form, exc)
            else:
                messages.success(request, _("申报规则已保存。"))
                return redirect("calls:detail", pk=call.pk)
        else:
            page_errors = [_("提交的内容有误，请按提示修改后重新提交。")]
    return render(
        request,
        "calls/rules_form.html",
        {
            "call": call,
            "rules": rules,
            "form": form,
            "formsets": formsets,
            "page_errors": page_errors,
            "note_form": None,
        },
        status=422 if page_errors or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """A published call's rules: the change becomes version N+1 (frozen), with a note."""
    call = _call(request, pk)
    require(services.can_revise_call_rules(request.user, call), "call.rules.revise")
    rules = selectors.call_rules_get(call=call)
    form, formsets = _rules_forms(request, rules)
    note_form = ReviseNoteForm(request.POST or None)
    page_errors: list[str] = []
    if request.method == "POST":
        valid = [form.is_valid(), note_form.is_valid(), *(fs.is_valid() for fs in formsets.values())]
        if all(valid):
            try:
                new = services.call_rules_revise(
                    actor=request.user,
                    call=call,
                    note=note_form.cleaned_data["note"],
                    values=form.service_values(),
                    children=_children(form, formsets),
                )
            except ValidationError as exc:
                page_errors = _add_errors(form, exc)
            else:
                messages.success(request, _("已发布第 %(n)d 版申报规则。") % {"n": new.version})
                return redirect("calls:detail", pk=call.pk)
        else:
            page_errors = [_("提交的内容有误，请按提示修改后重新提交。")]
    return render(
        request,
        "calls/rules_form.html",
        {
            "call": call,
            "rules": rules,
            "form": form,
            "formsets": formsets,
            "page_errors": page_errors,
            "note_form": note_form,
        },
        status=422 if page_errors or form.errors else 200,
    )


@login_required
@require_POST
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    try:
        services.call_publish(actor=request.user, call=call)
    except ValidationError as exc:
        messages.error(request, _("未能发布：") + join_messages(exc.messages))
    else:
        messages.success(request, _("申报通知已发布，申报规则已冻结。"))
    return redirect("calls:detail", pk=call.pk)


@login_required
@require_POST
def call_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    require(services.can_cancel_call(request.user, call), "call.cancel")
    form = CancelForm(request.POST)
    if form.is_valid():
        services.call_cancel(actor=request.user, call=call, reason=form.cleaned_data["reason"])
        messages.success(request, _("申报通知已撤销。"))
    else:
        messages.error(request, _("请说明撤销原因。"))
    return redirect("calls:detail", pk=call.pk)
