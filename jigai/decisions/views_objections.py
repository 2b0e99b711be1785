"""Pages of the objections lodged during publicity: the list, handling one, its attachment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jigai.applications.models import Application
from jigai.core.permissions import require
from jigai.decisions import objections
from jigai.decisions.choices import ObjectionStatus
from jigai.decisions.forms import HandleForm, _apply_errors, _set_choices
from jigai.decisions.models import Objection

OBJECTIONS_PER_PAGE = 30


# --- objections -------------------------------------------------------------------------------
@login_required
@require_GET
def objection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in ObjectionStatus.values else ""
    list_id = request.GET.get("list", "")
    rows = objections.objection_list(
        actor=user, proposed_list_id=int(list_id) if list_id.isdigit() else None, status=status or None
    )
    page = Paginator(rows, OBJECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "status": status,
        "statuses": ObjectionStatus.choices,
        "can_handle": objections.can_handle_objection(user),
    }
    return render(request, "decisions/objection_list.html", context)


def _member_choices(objection: Objection) -> list[tuple[Any, str]]:
    members = (
        Application.objects.filter(
            decision__proposed_list_id=objection.proposed_list_id, decision__removed_at__isnull=True
        )
        .select_related("enterprise")
        .order_by("decision__rank")
    )
    return [("", _("（异议未指明项目时选择）"))] + [
        (a.pk, f"{a.reference_number} {a.enterprise.name} {a.name}") for a in members
    ]


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    objection = objections.objection_get(actor=user, pk=pk)
    can_handle = objections.can_handle_objection(user)
    form = HandleForm(request.POST or None, initial={"application_id": objection.application_id})
    _set_choices(form, "application_id", _member_choices(objection))
    status = 200
    if request.method == "POST":
        require(can_handle, "review.objection_handle")
        if form.is_valid():
            try:
                objections.objection_handle(
                    actor=user,
                    objection=objection,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    application_id=form.cleaned_data["application_id"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("异议 %(n)d 已处理。") % {"n": objection.pk})
                return redirect(reverse("review:objection_list") + "?status=open")
        status = 422
    context = {"objection": objection, "form": form, "can_handle": can_handle}
    return render(request, "decisions/objection_detail.html", context, status=status)


@login_required
@require_GET
def objection_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return objections.objection_attachment_download(actor=request.user, pk=pk)
