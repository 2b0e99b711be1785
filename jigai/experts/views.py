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

from jigai.core.permissions import require
from jigai.experts import permissions, scoring, selectors
from jigai.experts import services as experts
from jigai.experts.checks import PENDING_STATUSES
from jigai.experts.choices import AssignmentStatus
from jigai.experts.forms import (
    ConflictForm,
    DeclareForm,
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
    require(permissions.can_act_as_expert(user), "review.assignment.list")
    tab = request.GET.get("tab", "pending")
    tab = tab if tab in TABS else "pending"
    rows = selectors.expert_assignment_list(actor=user)
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
    require(permissions.can_act_as_expert(request.user), "review.assignment.read")
    return selectors.assignment_get(actor=request.user, pk=pk)


def _assignment_context(request: HttpRequest, assignment: Assignment, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_open = scoring.can_open_application(user, assignment)
    application = scoring.assignment_application(actor=user, assignment=assignment) if can_open else None
    return {
        "assignment": assignment,
        "application": application,
        "can_declare": scoring.can_declare(user, assignment),
        "can_open": can_open,
        "can_score": scoring.can_score(user, assignment),
        "criteria": experts.rubric_criteria(assignment.panel.call),
        "scores": selectors.assignment_scores(actor=user, assignment=assignment),
        "panel_results": selectors.panel_results_for_expert(actor=user, assignment=assignment),
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
        declared = scoring.expert_assignment_declare(
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
    require(scoring.can_score(request.user, assignment), "review.assignment.score")
    criteria = experts.rubric_criteria(assignment.panel.call)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _score_form_values(request, criteria)
        try:
            scoring.expert_scores_submit(
                actor=request.user,
                assignment=assignment,
                scores={
                    row["criterion"].code: scoring.ScoreInput(row["score"], row["comment"])
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
    require(permissions.can_act_as_expert(user), "review.expert.profile")
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
    profile = selectors.expert_profile_own(user)
    return render(request, "experts/expert_profile.html", {"profile": profile, "form": form}, status=status)


@login_required
@require_POST
def expert_conflict_withdraw(request: HttpRequest, organisation_id: int) -> HttpResponse:
    from jigai.accounts.models import Organisation

    require(permissions.can_act_as_expert(request.user), "review.expert.conflict_withdraw")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("未找到该单位。"))
    try:
        experts.expert_conflict_withdraw(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回与“%(o)s”的利益关联。") % {"o": organisation.name})
    return redirect("review:expert_profile")
