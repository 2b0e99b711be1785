"""Pages of the commission's officers in the expert review: the pool, the panels (draw, progress,
close, verify), reminders and replacements, and the rubrics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jigai.accounts.models import User
from jigai.applications.choices import ApplicationStatus
from jigai.calls.models import Call
from jigai.core.permissions import require
from jigai.experts import draw, permissions, reminders, scoring, selectors, verify
from jigai.experts import services as experts
from jigai.experts.choices import PanelStatus
from jigai.experts.forms import (
    DrawForm,
    ExpertProfileForm,
    ReasonForm,
    default_deadline,
)
from jigai.experts.models import Assignment, ExpertProfile
from jigai.experts.views import PER_PAGE, _field_errors, _onto_form


# --- The pool ---------------------------------------------------------------------------------------
@login_required
@require_GET
def expert_pool(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_read_pool(user), "review.expert.list")
    q = request.GET.get("q", "").strip()
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    rows = selectors.expert_profile_list(actor=user, q=q or None, active=active)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/expert_pool.html",
        {
            "page_obj": page,
            "q": q,
            "active": request.GET.get("active", ""),
            "can_manage": permissions.can_manage_pool(user),
            "candidates": selectors.expert_users_without_profile(actor=user)[:500],
        },
    )


def _profile_form_submit(request: HttpRequest, form: ExpertProfileForm, user: User) -> ExpertProfile | None:
    if not form.is_valid():
        return None
    try:
        return experts.expert_profile_upsert(actor=request.user, user=user, **form.cleaned_data)
    except ValidationError as exc:
        _onto_form(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_pool(request.user), "review.expert.create")
    user_id = request.POST.get("user") or request.GET.get("user") or ""
    user = (
        selectors.expert_users_without_profile(actor=request.user)
        .filter(pk=int(user_id) if user_id.isdigit() else 0)
        .first()
    )
    if user is None:
        messages.error(request, _("请选择尚未纳入专家库的评审专家账户。"))
        return redirect("review:expert_pool")
    form = ExpertProfileForm(request.POST if "title" in request.POST else None)
    if request.method == "POST" and "title" in request.POST:
        if _profile_form_submit(request, form, user) is not None:
            messages.success(request, _("已将 %(u)s 纳入评审专家库。") % {"u": user})
            return redirect("review:expert_pool")
    return render(request, "experts/expert_form.html", {"form": form, "expert_user": user, "profile": None})


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_manage_pool(request.user), "review.expert.update")
    profile = selectors.expert_profile_get(actor=request.user, pk=pk)
    initial = {
        "title": profile.title,
        "specialty": profile.specialty,
        "direction_codes": [d.code for d in profile.directions.all()],
        "industry_codes": [i.code for i in profile.industries.all()],
        "is_active": profile.is_active,
    }
    form = ExpertProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and _profile_form_submit(request, form, profile.user) is not None:
        messages.success(request, _("已保存 %(u)s 的专家信息。") % {"u": profile.user})
        return redirect("review:expert_pool")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "experts/expert_form.html",
        {"form": form, "expert_user": profile.user, "profile": profile},
        status=status,
    )


# --- Panels -----------------------------------------------------------------------------------------
def _call(request: HttpRequest, call_id: int) -> Call:
    call = Call.objects.visible_to(request.user).filter(pk=call_id).first()
    if call is None:
        raise Http404(_("未找到该申报通知。"))
    return call


@login_required
@require_GET
def panel_index(request: HttpRequest) -> HttpResponse:
    """The calls with applications in expert review or a panel, newest first."""
    require(permissions.can_read_panel(request.user), "review.panel.list")
    calls = (
        Call.objects.visible_to(request.user)
        .annotate(
            in_review=Count("applications", filter=Q(applications__status=ApplicationStatus.EXPERT_REVIEW))
        )
        .filter(Q(in_review__gt=0) | Q(panel__isnull=False))
        .select_related("panel")
        .order_by("-opens_at")
    )
    return render(request, "experts/panel_index.html", {"calls": calls})


def _panel_page(
    request: HttpRequest, call: Call, *, form: DrawForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    page_number = request.GET.get("page", "1")
    number = int(page_number) if page_number.isdigit() and int(page_number) > 0 else 1
    overview = selectors.panel_overview(actor=user, call=call, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    paginator = Paginator(range(overview.total), PER_PAGE)
    page_obj = paginator.get_page(number)
    panel = overview.panel
    if form is None:
        initial: dict[str, Any] = {"deadline": default_deadline(), "experts_per_application": 5}
        if panel is not None:
            initial = {
                "experts_per_application": panel.experts_per_application,
                "deadline": panel.deadline,
                "seed": panel.seed,
                "spread_threshold": panel.spread_threshold,
            }
        form = DrawForm(initial=initial)
    context = {
        "call": call,
        "overview": overview,
        "panel": panel,
        "page_obj": page_obj,
        "form": form,
        "can_manage": permissions.can_manage_panel(user),
        "close_decision": scoring.can_close_panel(user, panel) if panel else None,
        "close_problems": scoring.panel_close_problems(panel)
        if panel is not None and panel.status == PanelStatus.OPEN
        else [],
        "replace_form": ReasonForm(),
    }
    return render(request, "experts/panel_detail.html", context, status=status)


@login_required
@require_GET
def panel_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    require(permissions.can_read_panel(request.user), "review.panel.read")
    return _panel_page(request, _call(request, call_id))


@login_required
@require_POST
def panel_draw(request: HttpRequest, call_id: int) -> HttpResponse:
    require(permissions.can_manage_panel(request.user), "review.panel.draw")
    call = _call(request, call_id)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            summary = draw.expert_panel_draw(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as exc:
            _onto_form(form, exc)
        else:
            messages.success(
                request,
                _("已为 %(a)d 个申报抽取 %(n)d 名次专家，随机种子 %(s)s。")
                % {"a": summary.applications, "n": summary.assignments, "s": summary.seed},
            )
            return redirect("review:panel_detail", call_id=call.pk)
    return _panel_page(request, call, form=form, status=422)


@login_required
@require_POST
def panel_close(request: HttpRequest, call_id: int) -> HttpResponse:
    require(permissions.can_manage_panel(request.user), "review.panel.close")
    call = _call(request, call_id)
    panel = selectors.panel_get(actor=request.user, call=call)
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    try:
        scoring.expert_panel_close(actor=request.user, panel=panel)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("专家评审已结束，评分已汇总，现在可以查看各项目得分。"))
    return redirect("review:panel_detail", call_id=call.pk)


@login_required
@require_GET
def panel_verify(request: HttpRequest, call_id: int) -> HttpResponse:
    require(permissions.can_read_panel(request.user), "review.panel.verify")
    call = _call(request, call_id)
    panel = selectors.panel_get(actor=request.user, call=call)
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    report = verify.expert_panel_verify(actor=request.user, panel=panel)
    return render(request, "experts/panel_verify.html", {"call": call, "panel": panel, "report": report})


def _back_to_panel(assignment: Assignment) -> HttpResponse:
    return redirect("review:panel_detail", call_id=assignment.panel.call_id)


@login_required
@require_POST
def assignment_remind(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_manage_panel(request.user), "review.assignment.remind")
    assignment = selectors.assignment_get(actor=request.user, pk=pk)
    reminders.expert_remind(actor=request.user, assignment=assignment)
    messages.success(request, _("已催办 %(e)s。") % {"e": assignment.expert.user})
    return _back_to_panel(assignment)


@login_required
@require_POST
def assignment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_manage_panel(request.user), "review.assignment.replace")
    assignment = selectors.assignment_get(actor=request.user, pk=pk)
    try:
        replacement = reminders.expert_assignment_replace(
            actor=request.user, assignment=assignment, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if replacement is None:
            messages.warning(request, _("已替换，但专家库中已无可替补的专家，请扩充专家库后补充抽取。"))
        else:
            messages.success(request, _("已替换，替补专家为 %(e)s。") % {"e": replacement.expert.user})
    return _back_to_panel(assignment)


@login_required
@require_http_methods(["GET", "POST"])
def panel_rubric(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call's rubric: editable by the officer until the first score (then frozen)."""
    user = request.user
    require(permissions.can_read_panel(user), "review.rubric.read")
    call = _call(request, call_id)
    edit = permissions.can_edit_rubric(user, call)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        require(edit, "review.rubric.update")
        rows = list(
            zip(
                request.POST.getlist("code"),
                request.POST.getlist("name"),
                request.POST.getlist("weight"),
                request.POST.getlist("max_score"),
                strict=False,
            )
        )
        specs = [
            experts.CriterionSpec(code.strip(), name.strip(), weight.strip(), max_score.strip() or "100")
            for code, name, weight, max_score in rows
            if code.strip() or name.strip() or weight.strip()
        ]
        try:
            experts.rubric_update(actor=user, call=call, criteria=specs)
        except ValidationError as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, _("评分细则已保存。"))
            return redirect("review:panel_rubric", call_id=call.pk)
        shown: list[dict[str, Any]] = [
            {"code": s.code, "name": s.name, "weight": s.weight, "max_score": s.max_score} for s in specs
        ]
    else:
        shown = [
            {"code": c.code, "name": c.name, "weight": c.weight, "max_score": c.max_score}
            for c in experts.rubric_criteria(call)
        ]
    for n, row in enumerate(shown):
        row["errors"] = [m for key, msgs in errors.items() if key.startswith(f"criteria.{n}.") for m in msgs]
    blank = {"code": "", "name": "", "weight": "", "max_score": "100", "errors": []}
    context = {
        "call": call,
        "rows": shown + ([dict(blank), dict(blank)] if edit else []),
        "can_edit": edit,
        "frozen": permissions.rubric_is_frozen(call),
        "errors": errors.get("criteria", []) + errors.get("__all__", []),
        "saved": any(c.pk for c in experts.rubric_criteria(call)),
    }
    return render(request, "experts/panel_rubric.html", context, status=422 if errors else 200)
