"""Pages of the expert review.

* The expert (评审专家): its assignments (/review/expert/), the declaration of conflicts of interest
  that comes before the application, the scoring form, its own pool entry and declared conflicts.
* The commission's officer (市经信委经办人; the head reads): the pool, each call's panel (the draw
  with its seed, progress per application, reminders, replacements, closing, re-checking the draw)
  and the call's rubric.

Views are thin: each parses input, calls one selector or service, and renders. Bad input re-renders
the form with what the user typed and the message; a refusal is the 403 page with its reason.
"""

from __future__ import annotations

from decimal import Decimal
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
from jigai.experts import draw as experts_draw
from jigai.experts import scoring as experts_scoring
from jigai.experts import services as experts
from jigai.experts.checks import PENDING_STATUSES
from jigai.experts.choices import AssignmentStatus, PanelStatus
from jigai.experts.forms import (
    ConflictForm,
    DeclareForm,
    DrawForm,
    ExpertProfileForm,
    ReasonForm,
    default_deadline,
)
from jigai.experts.models import Assignment, ExpertProfile

PER_PAGE = 50
TABS = ("pending", "scored", "all")


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages_) for name, messages_ in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _onto_form(form: Any, exc: ValidationError) -> None:
    for name, errors in _field_errors(exc).items():
        form.add_error(name if name in form.fields else None, errors)


# --- The expert -----------------------------------------------------------------------------------
@login_required
@require_GET
def expert_assignments(request: HttpRequest) -> HttpResponse:
    """The expert's assignments: a page of 50 in one query, whatever the number of assignments."""
    user = request.user
    require(experts.can_act_as_expert(user), "review.assignment.list")
    tab = request.GET.get("tab", "pending")
    tab = tab if tab in TABS else "pending"
    rows = experts.expert_assignment_list(actor=user)
    counts = rows.order_by().aggregate(
        pending=Count("id", filter=Q(status__in=PENDING_STATUSES)),
        scored=Count("id", filter=Q(status=AssignmentStatus.SCORED)),
        all=Count("id"),
    )
    if tab == "pending":
        rows = rows.filter(status__in=PENDING_STATUSES)
    elif tab == "scored":
        rows = rows.filter(status=AssignmentStatus.SCORED)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/expert_assignments.html",
        {"page_obj": page, "tab": tab, "counts": counts, "profile_missing": not _has_profile(user)},
    )


def _has_profile(user: Any) -> bool:
    return ExpertProfile.objects.filter(user=user).exists()


def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    require(experts.can_act_as_expert(request.user), "review.assignment.read")
    return experts.assignment_get(actor=request.user, pk=pk)


def _assignment_context(request: HttpRequest, assignment: Assignment, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_open = experts_scoring.can_open_application(user, assignment)
    application = (
        experts_scoring.assignment_application(actor=user, assignment=assignment) if can_open else None
    )
    return {
        "assignment": assignment,
        "application": application,
        "can_declare": experts_scoring.can_declare(user, assignment),
        "can_open": can_open,
        "can_score": experts_scoring.can_score(user, assignment),
        "criteria": experts.rubric_criteria(assignment.panel.call),
        "scores": experts.assignment_scores(actor=user, assignment=assignment),
        "panel_results": experts.panel_results_for_expert(actor=user, assignment=assignment),
        **extra,
    }


@login_required
@require_GET
def expert_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Before the declaration: who applies and for what (to judge a conflict), and the declaration
    form. After it: the application and the expert's own scores (and, once the panel closed, the
    panel's results, each expert anonymous)."""
    assignment = _own_assignment(request, pk)
    return render(request, "experts/expert_assignment.html", _assignment_context(request, assignment))


@login_required
@require_POST
def expert_declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = DeclareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“无利益冲突”或“回避”。"))
        return redirect("review:expert_assignment", pk=pk)
    no_conflict = form.cleaned_data["no_conflict"]
    try:
        declared = experts_scoring.expert_assignment_declare(
            actor=request.user,
            assignment=assignment,
            no_conflict=no_conflict,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        context = _assignment_context(
            request, assignment, declare_errors=_field_errors(exc), reason=request.POST.get("reason", "")
        )
        return render(request, "experts/expert_assignment.html", context, status=422)
    if no_conflict:
        messages.success(request, _("已声明无利益冲突，现在可以查看申报材料并评分。"))
        return redirect("review:expert_assignment", pk=declared.pk)
    messages.success(request, _("已回避此申报，系统已按规则抽取替补专家。"))
    return redirect("review:expert_assignments")


def _score_form_values(request: HttpRequest, criteria: list[Any]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "criterion": c,
                "score": request.POST.get(f"score_{c.code}", ""),
                "comment": request.POST.get(f"comment_{c.code}", ""),
            }
            for c in criteria
        ],
        "investment_opinion": request.POST.get("investment_opinion", ""),
        "overall_comment": request.POST.get("overall_comment", ""),
    }


def _saved_values(assignment: Assignment, criteria: list[Any]) -> dict[str, Any]:
    saved = {s.criterion.code: s for s in assignment.scores.select_related("criterion")}
    return {
        "rows": [
            {
                "criterion": c,
                "score": saved[c.code].score if c.code in saved else "",
                "comment": saved[c.code].comment if c.code in saved else "",
            }
            for c in criteria
        ],
        "investment_opinion": assignment.investment_opinion
        if assignment.investment_opinion is not None
        else "",
        "overall_comment": assignment.overall_comment,
    }


@login_required
@require_http_methods(["GET", "POST"])
def expert_score(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring form: every criterion with its maximum and weight, a comment each, the opinion on
    the approved investment and the overall comment. Refused (with the reason) before the
    declaration, after the panel closed, or once the application has left expert review."""
    assignment = _own_assignment(request, pk)
    require(experts_scoring.can_score(request.user, assignment), "review.assignment.score")
    criteria = experts.rubric_criteria(assignment.panel.call)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _score_form_values(request, criteria)
        try:
            experts_scoring.expert_scores_submit(
                actor=request.user,
                assignment=assignment,
                scores={
                    row["criterion"].code: experts_scoring.ScoreInput(row["score"], row["comment"])
                    for row in values["rows"]
                },
                investment_opinion=values["investment_opinion"],
                overall_comment=values["overall_comment"],
            )
        except ValidationError as exc:
            errors = _field_errors(exc)
        else:
            messages.success(request, _("评分已提交。评审结束前可以修改。"))
            return redirect("review:expert_assignment", pk=pk)
    else:
        values = _saved_values(assignment, criteria)
    for row in values["rows"]:
        code = row["criterion"].code
        row["errors"] = errors.get(f"scores.{code}", [])
        row["comment_errors"] = errors.get(f"scores.{code}.comment", [])
    context = {
        "assignment": assignment,
        "application": assignment.application,
        "values": values,
        "errors": errors,
        "other_errors": errors.get("scores", []) + errors.get("__all__", []),
        "total_weight": sum((c.weight for c in criteria), Decimal("0")),
    }
    return render(request, "experts/expert_score.html", context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def expert_profile(request: HttpRequest) -> HttpResponse:
    """The expert's own entry in the pool and the conflicts of interest it declared."""
    user = request.user
    require(experts.can_act_as_expert(user), "review.expert.profile")
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = experts.organisation_lookup(form.cleaned_data["organisation"])
        if organisation is None:
            form.add_error("organisation", _("未找到该单位，请填写准确的统一社会信用代码或单位全称。"))
        else:
            try:
                experts.expert_conflict_declare(
                    actor=user, organisation=organisation, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _onto_form(form, exc)
            else:
                messages.success(request, _("已申报与“%(o)s”的利益关联。") % {"o": organisation.name})
                return redirect("review:expert_profile")
    status = 422 if request.method == "POST" else 200
    profile = experts.expert_profile_own(user)
    return render(request, "experts/expert_profile.html", {"profile": profile, "form": form}, status=status)


@login_required
@require_POST
def expert_conflict_withdraw(request: HttpRequest, organisation_id: int) -> HttpResponse:
    from jigai.accounts.models import Organisation

    require(experts.can_act_as_expert(request.user), "review.expert.conflict_withdraw")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("未找到该单位。"))
    experts.expert_conflict_withdraw(actor=request.user, organisation=organisation)
    messages.success(request, _("已撤回与“%(o)s”的利益关联。") % {"o": organisation.name})
    return redirect("review:expert_profile")


# --- The pool ---------------------------------------------------------------------------------------
@login_required
@require_GET
def expert_pool(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(experts.can_read_pool(user), "review.expert.list")
    q = request.GET.get("q", "").strip()
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    rows = experts.expert_profile_list(actor=user, q=q or None, active=active)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/expert_pool.html",
        {
            "page_obj": page,
            "q": q,
            "active": request.GET.get("active", ""),
            "can_manage": experts.can_manage_pool(user),
            "candidates": experts.expert_users_without_profile(actor=user)[:500],
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
    require(experts.can_manage_pool(request.user), "review.expert.create")
    user_id = request.POST.get("user") or request.GET.get("user") or ""
    user = (
        experts.expert_users_without_profile(actor=request.user)
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
    require(experts.can_manage_pool(request.user), "review.expert.update")
    profile = experts.expert_profile_get(actor=request.user, pk=pk)
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
    require(experts.can_read_panel(request.user), "review.panel.list")
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
    overview = experts.panel_overview(actor=user, call=call, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
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
        "can_manage": experts.can_manage_panel(user),
        "close_decision": experts_scoring.can_close_panel(user, panel) if panel else None,
        "close_problems": experts_scoring.panel_close_problems(panel)
        if panel is not None and panel.status == PanelStatus.OPEN
        else [],
        "replace_form": ReasonForm(),
    }
    return render(request, "experts/panel_detail.html", context, status=status)


@login_required
@require_GET
def panel_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    require(experts.can_read_panel(request.user), "review.panel.read")
    return _panel_page(request, _call(request, call_id))


@login_required
@require_POST
def panel_draw(request: HttpRequest, call_id: int) -> HttpResponse:
    require(experts.can_manage_panel(request.user), "review.panel.draw")
    call = _call(request, call_id)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            summary = experts_draw.expert_panel_draw(actor=request.user, call=call, **form.cleaned_data)
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
    require(experts.can_manage_panel(request.user), "review.panel.close")
    call = _call(request, call_id)
    panel = experts.panel_get(actor=request.user, call=call)
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    try:
        experts_scoring.expert_panel_close(actor=request.user, panel=panel)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("专家评审已结束，评分已汇总，现在可以查看各项目得分。"))
    return redirect("review:panel_detail", call_id=call.pk)


@login_required
@require_GET
def panel_verify(request: HttpRequest, call_id: int) -> HttpResponse:
    require(experts.can_read_panel(request.user), "review.panel.verify")
    call = _call(request, call_id)
    panel = experts.panel_get(actor=request.user, call=call)
    if panel is None:
        raise Http404(_("本通知尚未抽取评审专家。"))
    report = experts_draw.expert_panel_verify(actor=request.user, panel=panel)
    return render(request, "experts/panel_verify.html", {"call": call, "panel": panel, "report": report})


def _back_to_panel(assignment: Assignment) -> HttpResponse:
    return redirect("review:panel_detail", call_id=assignment.panel.call_id)


@login_required
@require_POST
def assignment_remind(request: HttpRequest, pk: int) -> HttpResponse:
    require(experts.can_manage_panel(request.user), "review.assignment.remind")
    assignment = experts.assignment_get(actor=request.user, pk=pk)
    experts_scoring.expert_remind(actor=request.user, assignment=assignment)
    messages.success(request, _("已催办 %(e)s。") % {"e": assignment.expert.user})
    return _back_to_panel(assignment)


@login_required
@require_POST
def assignment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    require(experts.can_manage_panel(request.user), "review.assignment.replace")
    assignment = experts.assignment_get(actor=request.user, pk=pk)
    try:
        replacement = experts_scoring.expert_assignment_replace(
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
    require(experts.can_read_panel(user), "review.rubric.read")
    call = _call(request, call_id)
    edit = experts.can_edit_rubric(user, call)
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
        "frozen": experts.rubric_is_frozen(call),
        "errors": errors.get("criteria", []) + errors.get("__all__", []),
        "saved": any(c.pk for c in experts.rubric_criteria(call)),
    }
    return render(request, "experts/panel_rubric.html", context, status=422 if errors else 200)
