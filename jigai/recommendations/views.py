"""Pages of the district review (属地原则): the district's workbench by state, one application's
review (eligibility as of now, returns, the return dialog with one reason per item, the head's
decline), the recommendation document (prepare with ranking, change, withdraw, the head's
signature with the document number), and the enterprise's page of returned applications.

Views are thin: each reads through a scoped selector and writes through one service of
:mod:`jigai.recommendations.services`. A refusal raises PermissionRefused (the 403 page shows the reason);
bad input re-renders the page with what the user typed and the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jigai.accounts.choices import Role
from jigai.applications.eligibility import NotEligible
from jigai.applications.models import Application
from jigai.applications.selectors import application_get, application_scope
from jigai.applications.views_official import can_review_applications
from jigai.calls.models import Call
from jigai.core.money import format_wan
from jigai.core.permissions import has_role, require
from jigai.core.text import join_messages
from jigai.recommendations import permissions, selectors
from jigai.recommendations import services as district
from jigai.recommendations.choices import CorrectionSection, RecommendationStatus
from jigai.recommendations.models import Recommendation

PER_PAGE = 50
RETURN_ROWS = 5


def errors_of(exc: ValidationError) -> list[str]:
    """A service's ValidationError as the list of its messages, for the page. (Not a dict: a
    template would read ``errors.items`` as the key "items" that a return's error has.)"""
    return list(exc.messages)


def error_fields(exc: ValidationError) -> list[str]:
    """The names of the fields a service's ValidationError is about (to mark the inputs)."""
    return list(exc.message_dict) if hasattr(exc, "error_dict") else []


def official_detail_url(pk: int) -> str:
    try:
        return reverse("applications:official_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _decorate(application: Application) -> Application:
    extra: Any = application
    extra.requested_wan = format_wan(application.requested_support, unit=False)
    extra.total_wan = format_wan(application.total_investment, unit=False)
    extra.full_url = official_detail_url(application.pk)
    return application


# --- Workbench ----------------------------------------------------------------------------------
@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """The district's applications by state; pending ones are taken up (singly or in a batch),
    those under review are selected for a recommendation document."""
    user = request.user
    require(permissions.can_work_district_review(user), "review.district_workbench")
    counts = selectors.workbench_counts(actor=user)
    tabs = selectors.workbench_tabs()
    keys = [t.key for t in tabs]
    tab = request.GET.get("tab") or next((k for k in ("pending", "review") if counts[k]), "pending")
    tab = tab if tab in keys else "pending"
    call_id = request.GET.get("call") or ""
    call = int(call_id) if call_id.isdigit() else None
    rows = selectors.district_applications(actor=user, tab=tab, call=call)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for application in page:
        _decorate(application)
        application.overdue_days = district.overdue_days(application)  # type: ignore[attr-defined]
    calls = Call.objects.filter(pk__in=application_scope(user).values("call_id").distinct()).order_by(
        "-opens_at"
    )
    context = {
        "tabs": [(t, counts[t.key]) for t in tabs],
        "tab": tab,
        "page_obj": page,
        "calls": calls,
        "call": call,
        "start_decision": has_role(user, (Role.DISTRICT_OFFICER,), _("受理申报")),
        "prepare_decision": permissions.can_prepare_recommendation(user),
        "overdue_count": district.overdue_count(actor=user),
        "prepared_count": selectors.recommendation_list(
            actor=user, status=RecommendationStatus.PREPARED
        ).count(),
    }
    return render(request, "recommendations/district_workbench.html", context)


@login_required
@require_POST
def batch_start(request: HttpRequest) -> HttpResponse:
    """Take up the selected pending applications, each on its own (the ones that cannot are listed)."""
    user = request.user
    require(permissions.can_work_district_review(user), "review.district_start")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        messages.warning(request, _("请先勾选要受理的申报。"))
        return redirect(reverse("review:district_workbench") + "?tab=pending")
    done, refused = 0, []
    for application in application_scope(user).filter(pk__in=ids).select_related("enterprise"):
        try:
            district.district_start(actor=user, application=application)
            done += 1
        except ValidationError as exc:
            refused.append(f"{application.reference_number}：{'；'.join(exc.messages)}")
    if done:
        messages.success(request, _("已受理 %(n)d 份申报，转入区级审核。") % {"n": done})
    for line in refused:
        messages.error(request, line)
    return redirect(reverse("review:district_workbench") + "?tab=review")


# --- One application ------------------------------------------------------------------------------
def _return_rows(data: Mapping[str, Any] | None) -> list[dict[str, str]]:
    if data is None:
        return [{"section": "", "reason": ""} for _n in range(RETURN_ROWS)]
    sections = data.getlist("section") if hasattr(data, "getlist") else []
    reasons = data.getlist("reason") if hasattr(data, "getlist") else []
    rows = [{"section": s, "reason": r} for s, r in zip(sections, reasons, strict=False)]
    return rows + [{"section": "", "reason": ""} for _n in range(max(0, RETURN_ROWS - len(rows)))]


def _detail_context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    user = request.user
    _decorate(application)
    eligibility = district.review_eligibility(application)
    memberships = list(
        application.recommendation_items.select_related("recommendation").order_by(
            "-recommendation__prepared_at"
        )
    )
    context: dict[str, Any] = {
        "application": application,
        "eligibility": eligibility,
        "failed": [r for r in eligibility if not r.passed],
        "corrections": selectors.correction_requests(actor=user, application=application),
        "memberships": memberships,
        "start_decision": permissions.transition_decision(user, application, "district_start"),
        "return_decision": permissions.transition_decision(user, application, "district_return"),
        "decline_decision": permissions.transition_decision(user, application, "district_decline"),
        "prepare_decision": permissions.can_prepare_recommendation(user),
        "sections": CorrectionSection.choices,
        "return_rows": _return_rows(None),
        "return_errors": [],
        "decline_errors": [],
        "decline_reason": "",
        "show_return": False,
    }
    context.update(extra)
    return context


def _application(request: HttpRequest, pk: int) -> Application:
    require(permissions.can_work_district_review(request.user), "review.district_detail")
    return application_get(actor=request.user, pk=pk)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(request, "recommendations/district_detail.html", _detail_context(request, application))


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        district.district_start(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
    else:
        messages.success(
            request, _("已受理申报 %(ref)s，开始区级审核。") % {"ref": application.reference_number}
        )
    return redirect("review:district_detail", pk=pk)


@login_required
@require_POST
def return_for_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The return dialog: one reason per item (section + reason), at least one."""
    application = _application(request, pk)
    items = [
        {"section": s, "reason": r}
        for s, r in zip(request.POST.getlist("section"), request.POST.getlist("reason"), strict=False)
    ]
    try:
        district.district_return(actor=request.user, application=application, items=items)
    except ValidationError as exc:
        context = _detail_context(
            request,
            application,
            return_rows=_return_rows(request.POST),
            return_errors=errors_of(exc),
            show_return=True,
        )
        return render(request, "recommendations/district_detail.html", context, status=422)
    messages.success(
        request,
        _("已将申报 %(ref)s 退回企业修改，企业将收到逐项修改意见。") % {"ref": application.reference_number},
    )
    return redirect(reverse("review:district_workbench") + "?tab=returned")


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    reason = request.POST.get("reason", "")
    try:
        district.district_decline(actor=request.user, application=application, reason=reason)
    except ValidationError as exc:
        context = _detail_context(request, application, decline_errors=errors_of(exc), decline_reason=reason)
        return render(request, "recommendations/district_detail.html", context, status=422)
    messages.success(
        request, _("申报 %(ref)s 不予推荐，已告知企业。") % {"ref": application.reference_number}
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(reverse("review:district_workbench") + "?tab=declined")


# --- The recommendation document -------------------------------------------------------------------
@login_required
def prepare(request: HttpRequest) -> HttpResponse:
    """Prepare one document for the selected applications: rank (editable, continuing after the
    ranks the district already gave in the call), an opinion per item and the district's opinion."""
    user: Any = request.user
    require(permissions.can_prepare_recommendation(user), "recommendation.prepare")
    data = request.POST if request.method == "POST" else request.GET
    ids = list(dict.fromkeys(int(i) for i in data.getlist("ids") if i.isdigit()))
    found = {a.pk: a for a in application_scope(user).filter(pk__in=ids).select_related("enterprise", "call")}
    applications = [_decorate(found[pk]) for pk in ids if pk in found]
    if not applications:
        messages.warning(request, _("请先在“审核中”勾选要推荐的申报。"))
        return redirect(reverse("review:district_workbench") + "?tab=review")
    first = selectors.next_priority(district_id=user.district_id, call_id=applications[0].call_id)
    errors: list[str] = []
    fields: list[str] = []
    rows: list[dict[str, Any]] = [
        {
            "application": a,
            "priority": data.get(f"priority_{a.pk}", str(first + n)),
            "opinion": data.get(f"opinion_{a.pk}", ""),
        }
        for n, a in enumerate(applications)
    ]
    opinion = data.get("opinion", "")
    if request.method == "POST":
        try:
            recommendation = district.recommendation_prepare(
                actor=user,
                applications=applications,
                opinion=opinion,
                priorities=[_int(r["priority"]) for r in rows],
                item_opinions=[r["opinion"] for r in rows],
            )
        except ValidationError as exc:
            errors, fields = errors_of(exc), error_fields(exc)
        else:
            messages.success(request, _("推荐文件已拟定，等待区经委负责人签发。"))
            return redirect("review:recommendation_detail", pk=recommendation.pk)
    context = {
        "rows": rows,
        "opinion": opinion,
        "errors": errors,
        "fields": fields,
        "call": applications[0].call,
    }
    return render(request, "recommendations/district_prepare.html", context, status=422 if errors else 200)


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


@login_required
@require_GET
def recommendation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_read_recommendations(user), "recommendation.list")
    status = request.GET.get("status", "")
    status = status if status in RecommendationStatus.values else ""
    rows = selectors.recommendation_list(actor=user, status=status or None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "status": status, "statuses": RecommendationStatus.choices}
    return render(request, "recommendations/district_recommendation_list.html", context)


def _recommendation(request: HttpRequest, pk: int) -> Recommendation:
    require(permissions.can_read_recommendations(request.user), "recommendation.read")
    return selectors.recommendation_get(actor=request.user, pk=pk)


def _recommendation_context(
    request: HttpRequest, recommendation: Recommendation, **extra: Any
) -> dict[str, Any]:
    user = request.user
    items = sorted(recommendation.items.all(), key=lambda i: i.priority)
    rows = []
    for item in items:
        application = _decorate(item.application)
        rows.append(
            {
                "item": item,
                "application": application,
                "decline": permissions.transition_decision(user, application, "district_decline"),
            }
        )
    context: dict[str, Any] = {
        "recommendation": recommendation,
        "rows": rows,
        "late_days": selectors.late_days(recommendation)
        if recommendation.status != RecommendationStatus.WITHDRAWN
        else 0,
        "sign_decision": permissions.can_sign_recommendation(user, recommendation),
        # each application links to the page its reader may open: the district's own review page
        # for the district bureau, the officials' detail for the commission
        "application_url_name": "review:district_detail"
        if permissions.can_work_district_review(user)
        else "applications:official_detail"
        if can_review_applications(user)
        else "",
        "change_decision": permissions.can_change_recommendation(user, recommendation),
        "document_number": "",
        "sign_errors": [],
        "update_errors": [],
        "posted": None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return render(
        request,
        "recommendations/district_recommendation_detail.html",
        _recommendation_context(request, recommendation),
    )


@login_required
@require_POST
def recommendation_sign(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    number = request.POST.get("document_number", "")
    try:
        signed = district.recommendation_sign(
            actor=request.user, recommendation=recommendation, document_number=number
        )
    except ValidationError as exc:
        recommendation = _recommendation(request, pk)
        context = _recommendation_context(
            request, recommendation, document_number=number, sign_errors=errors_of(exc)
        )
        return render(request, "recommendations/district_recommendation_detail.html", context, status=422)
    messages.success(
        request,
        _("推荐文件已签发（推荐文号 %(n)s），%(c)d 个申报已转为区已推荐，等待市级初审。")
        % {"n": signed.document_number, "c": signed.items.count()},
    )
    return redirect("review:recommendation_detail", pk=pk)


@login_required
@require_POST
def recommendation_update(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    items = list(recommendation.items.all())
    priorities = {
        i.application_id: _int(request.POST.get(f"priority_{i.application_id}", i.priority)) for i in items
    }
    opinions = {i.application_id: request.POST.get(f"opinion_{i.application_id}", i.opinion) for i in items}
    try:
        district.recommendation_update(
            actor=request.user,
            recommendation=recommendation,
            priorities=priorities,
            opinion=request.POST.get("opinion", ""),
            item_opinions=opinions,
        )
    except ValidationError as exc:
        context = _recommendation_context(
            request, recommendation, update_errors=errors_of(exc), posted=request.POST
        )
        return render(request, "recommendations/district_recommendation_detail.html", context, status=422)
    messages.success(request, _("推荐排序和意见已保存。"))
    return redirect("review:recommendation_detail", pk=pk)


@login_required
@require_POST
def recommendation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    district.recommendation_withdraw(
        actor=request.user, recommendation=recommendation, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("推荐文件已撤回，其中的申报仍在区级审核中。"))
    return redirect(reverse("review:district_workbench") + "?tab=review")


# --- The enterprise -----------------------------------------------------------------------------
def _my_detail_url(pk: int) -> str:
    try:
        return reverse("applications:my_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _edit_url(pk: int) -> str:
    try:
        return reverse("applications:edit", args=[pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def my_returns(request: HttpRequest) -> HttpResponse:
    """The enterprise's returned applications, each with the items to correct and the eligibility
    as it stands (the window excepted), and the resubmit button (or the reason it is disabled)."""
    user = request.user
    require(has_role(user, (Role.ENTERPRISE,), _("查看退回修改的申报")), "review.my_returns")
    returned = application_scope(user).filter(status="returned").select_related("call", "enterprise")
    rows = []
    for application in returned.order_by("-updated_at", "-id"):
        eligibility = district.review_eligibility(application)
        rows.append(
            {
                "application": application,
                "corrections": selectors.correction_requests(actor=user, application=application),
                "failed": [r for r in eligibility if not r.passed],
                "resubmit": permissions.transition_decision(user, application, "resubmit"),
                "detail_url": _my_detail_url(application.pk),
                "edit_url": _edit_url(application.pk),
            }
        )
    return render(request, "recommendations/district_my_returns.html", {"rows": rows})


@login_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    # who may before which one: a role that never resubmits is refused alike for every number
    require(has_role(user, [Role.ENTERPRISE], _("重新提交申报")), "application.resubmit")
    application = application_get(actor=user, pk=pk)
    try:
        district.application_resubmit(actor=user, application=application)
    except NotEligible as exc:
        messages.error(request, exc.summary)
        for rule in exc.failed:
            messages.error(request, f"{rule.label}：{rule.message}")
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
    else:
        messages.success(
            request,
            _("申报 %(ref)s 已重新提交，等待%(district)s经济主管部门审核。")
            % {"ref": application.reference_number, "district": application.district.name},
        )
    return redirect("review:my_returns")
