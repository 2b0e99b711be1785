"""Pages of the municipal first review (初审): the queue of recommended applications and those under
first review, with batch actions (take up; pass to expert review) and the return form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus as S
from jigai.applications.selectors import application_get, application_scope
from jigai.core.permissions import has_role, require
from jigai.core.text import join_messages
from jigai.recommendations import municipal, permissions, selectors
from jigai.recommendations.views import _decorate, errors_of
from jigai.reference.models import District

PER_PAGE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(municipal.can_work_municipal_review(user), "review.municipal_list")
    status = request.GET.get("status", "")
    status = status if status in municipal.QUEUE else ""
    district_code = request.GET.get("district", "")
    rows = municipal.municipal_queue(actor=user, status=status or None, district=district_code or None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for application in page:
        _decorate(application)
    acts = has_role(user, (Role.MUNICIPAL_OFFICER,), _("办理市级初审"))
    context = {
        "page_obj": page,
        "status": status,
        "statuses": [(s, S(s).label) for s in municipal.QUEUE],
        "counts": municipal.queue_counts(actor=user),
        "districts": District.objects.order_by("code"),
        "district_code": district_code,
        "act_decision": acts,
    }
    return render(request, "recommendations/municipal_list.html", context)


@login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    """Take up, or pass to expert review, the selected applications, each on its own."""
    user = request.user
    require(has_role(user, (Role.MUNICIPAL_OFFICER,), _("办理市级初审")), "review.municipal_batch")
    action = request.POST.get("action", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    back = reverse("review:municipal_list")
    if not ids:
        messages.warning(request, _("请先勾选申报。"))
        return redirect(back)
    applications = list(application_scope(user).filter(pk__in=ids).select_related("enterprise"))
    try:
        result = municipal.municipal_batch(actor=user, applications=applications, action=action)
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
        return redirect(back)
    if result.done:
        done_text = (
            _("已开始初审 %(n)d 份申报。")
            if action == "municipal_start"
            else _("已提交专家评审 %(n)d 份申报。")
        )
        messages.success(request, done_text % {"n": len(result.done)})
    for application, reason in result.refused:
        messages.error(request, f"{application.reference_number}：{reason}")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def return_for_correction(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(municipal.can_work_municipal_review(user), "review.municipal_return")
    application = _decorate(application_get(actor=user, pk=pk))
    decision = permissions.transition_decision(user, application, "municipal_return")
    reason = request.POST.get("reason", "")
    errors: list[str] = []
    if request.method == "POST":
        try:
            municipal.municipal_return(actor=user, application=application, reason=reason)
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(
                request,
                _("已将申报 %(ref)s 退回修改，企业修改后将重新提交区级审核。")
                % {"ref": application.reference_number},
            )
            return redirect("review:municipal_list")
    context = {
        "application": application,
        "decision": decision,
        "reason": reason,
        "errors": errors,
        "corrections": selectors.correction_requests(actor=user, application=application),
    }
    return render(request, "recommendations/municipal_return.html", context, status=422 if errors else 200)
