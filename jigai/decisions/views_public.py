"""The public publicity pages (公示), no sign-in: /publicity/ lists the proposed lists in publicity
(their first items) and past approved lists; /publicity/<id>/ one list in full, paged, with the
objection form while the period runs.

A fixed number of queries whatever the number of applications: the index reads the lists (with
their counts) and the first items of every current list in two queries; a list's page reads the
list, the count and one page of items. Objections are rate limited per client address
(:func:`jigai.decisions.objections.objection_rate_hit`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from jigai.core.middleware import client_ip
from jigai.core.money import format_wan
from jigai.decisions import objections, publicity
from jigai.decisions.checks import closing_text
from jigai.decisions.choices import ProposedListStatus
from jigai.decisions.models import Decision, ProposedList

ITEMS_PER_PAGE = 100


class ObjectionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名或单位名称"), max_length=100)
    contact = forms.CharField(
        label=gettext_lazy("联系方式"),
        max_length=100,
        help_text=gettext_lazy("电话或电子邮箱，用于告知处理结果"),
    )
    reference_number = forms.CharField(
        label=gettext_lazy("涉及项目的申报编号（可不填）"), max_length=30, required=False
    )
    content = forms.CharField(
        label=gettext_lazy("异议内容"),
        max_length=objections.MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("请写明异议的事实和理由。"),
    )
    attachment = forms.FileField(
        label=gettext_lazy("证明材料（可不传）"),
        required=False,
        help_text=gettext_lazy("PDF、JPG 或 PNG，不超过 10 MB"),
    )


def _row(item: Decision) -> dict[str, Any]:
    application = item.application
    return {
        "rank": item.rank,
        "reference_number": application.reference_number,
        "enterprise": application.enterprise.name,
        "project": application.name,
        "district": str(application.district),
        "support_wan": format_wan(item.approved_support or Decimal("0"), unit=False),
    }


def _describe(proposed_list: ProposedList, now: Any) -> dict[str, Any]:
    return {
        "list": proposed_list,
        "closing": closing_text(proposed_list),
        "open": publicity.publicity_open(proposed_list, now),
        "total_wan": format_wan(proposed_list.total_support, unit=False),
        "count": proposed_list.item_count,  # type: ignore[attr-defined]
    }


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    lists = list(publicity.public_lists())
    current = [pl for pl in lists if pl.status == ProposedListStatus.PUBLICITY]
    grouped = publicity.items_by_list(
        publicity.public_items([pl.pk for pl in current], per_list=publicity.PREVIEW_ITEMS)
    )
    context = {
        "current": [
            {**_describe(pl, now), "rows": [_row(i) for i in grouped.get(pl.pk, [])]} for pl in current
        ],
        "past": [_describe(pl, now) for pl in lists if pl.status == ProposedListStatus.APPROVED],
        "preview": publicity.PREVIEW_ITEMS,
        "objection_form": ObjectionForm(),
    }
    return render(request, "decisions/public_index.html", context)


def _lodge(request: HttpRequest, proposed_list: ProposedList, form: ObjectionForm) -> bool:
    """Lodge the objection of a valid form; False (with the errors on the form) when refused."""
    data = form.cleaned_data
    application_id = None
    reference = (data.get("reference_number") or "").strip().upper()
    if reference:
        application_id = (
            Decision.objects.filter(
                proposed_list=proposed_list, removed_at__isnull=True, application__reference_number=reference
            )
            .values_list("application_id", flat=True)
            .first()
        )
        if application_id is None:
            form.add_error(
                "reference_number", _("本公示名单中没有申报编号为“%(r)s”的项目。") % {"r": reference}
            )
            return False
    user = request.user
    try:
        objection = objections.objection_lodge(
            actor=user if user.is_authenticated else None,
            proposed_list=proposed_list,
            name=data["name"],
            contact=data["contact"],
            content=data["content"],
            application_id=application_id,
            uploaded_file=data.get("attachment"),
            ip_address=client_ip(request) or "",
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                field = {"application_id": "reference_number"}.get(name, name)
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return False
    messages.success(
        request,
        _("您的异议已收到（编号 %(n)d），我们将在核实后通过您留下的联系方式告知处理结果。")
        % {"n": objection.pk},
    )
    return True


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposed_list = publicity.public_list_get(pk)
    now = timezone.now()
    form = ObjectionForm()
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES)
        wait = objections.objection_rate_hit(request)
        if wait is not None:
            form.add_error(
                None,
                _("提交过于频繁：同一网络地址每小时最多提交 %(n)d 次异议，请约 %(m)d 分钟后再试。")
                % {"n": objections.RATE_LIMIT, "m": max(1, wait // 60)},
            )
            status = 429
        elif form.is_valid() and _lodge(request, proposed_list, form):
            return redirect("publicity:detail", pk=proposed_list.pk)
        else:
            status = 422
    items = publicity.public_items([proposed_list.pk])
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **_describe(proposed_list, now),
        "page_obj": page,
        "rows": [_row(i) for i in page],
        "form": form,
        "refusal": objections.objection_period_refusal(proposed_list),
    }
    return render(request, "decisions/public_detail.html", context, status=status)
