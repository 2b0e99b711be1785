"""Enterprise pages: the scoped list with filters and the detail of one enterprise.

Both read through :mod:`jigai.enterprises.selectors`: an enterprise sees itself, a district its
district (属地原则), the municipal bodies the whole city. An enterprise outside the scope is a
404, never a 403, so that its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.accounts.choices import Role
from jigai.accounts.forms import choice_field
from jigai.core.permissions import Decision, has_role, require
from jigai.core.scoping import Scope, scope_for
from jigai.core.templatetags.jigai_ui import localized_name
from jigai.enterprises import selectors
from jigai.enterprises.choices import EnterpriseStatus
from jigai.enterprises.models import Enterprise
from jigai.reference.choices import EnterpriseSize, IndustryLevel
from jigai.reference.models import District, Industry

ENTERPRISES_PER_PAGE = 20
ENTERPRISE_READERS = (
    Role.ENTERPRISE,
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
#: ``?sort=`` values and the ordering each stands for (a leading ``-`` reverses it)
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "credit_code": ("credit_code",),
    "district": ("district__sort_order", "name", "id"),
    "industry": ("industry_id", "name", "id"),
    "employees": ("employees", "id"),
    "operating_revenue": ("operating_revenue", "id"),
    "status": ("status", "name", "id"),
    "created_at": ("created_at", "id"),
}


def can_browse_enterprises(user: Any) -> Decision:
    """Enterprises and the business bodies read enterprise profiles; the three administrators do
    not see business data (三员分立), and experts see enterprises only through their assignments."""
    return has_role(user, ENTERPRISE_READERS, _("查看企业信息"))


def sees_several_districts(user: Any) -> bool:
    return scope_for(user) is Scope.ALL


def _industry_choices() -> list[tuple[Any, Any]]:
    nodes = list(
        Industry.objects.filter(level__in=[IndustryLevel.SECTION, IndustryLevel.DIVISION]).order_by("code")
    )
    sections = [(n.code, f"{n.code} {n.name}") for n in nodes if n.level == IndustryLevel.SECTION]
    divisions = [(n.code, f"{n.code} {n.name}") for n in nodes if n.level == IndustryLevel.DIVISION]
    choices: list[tuple[Any, Any]] = [("", _("全部行业")), (_("门类"), sections)]
    if divisions:
        choices.append((_("大类"), divisions))
    return choices


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    district = forms.ChoiceField(label=gettext_lazy("所在区"), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("所属行业"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("企业规模"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("确认状态"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, show_district: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if show_district:
            choice_field(self, "district").choices = [
                ("", _("全部区")),
                *((d.code, localized_name(d)) for d in District.objects.order_by("sort_order", "code")),
            ]
        else:
            del self.fields["district"]
        choice_field(self, "industry").choices = _industry_choices()
        choice_field(self, "size").choices = [("", _("全部规模")), *EnterpriseSize.choices]
        choice_field(self, "status").choices = [("", _("全部状态")), *EnterpriseStatus.choices]
        choice_field(self, "sort").choices = [
            ("", ""),
            *((k, k) for k in SORTS),
            *((f"-{k}", k) for k in SORTS),
        ]


def _ordering(sort: str) -> tuple[str, ...]:
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["name"])
    return tuple(f"-{f}" for f in fields) if descending else fields


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(can_browse_enterprises(user), "enterprise.list")
    show_district = sees_several_districts(user)
    form = EnterpriseFilterForm(request.GET, show_district=show_district)
    filters: dict[str, Any] = {}
    sort = ""
    if form.is_valid():
        data = form.cleaned_data
        filters = {k: data.get(k) or None for k in ("district", "industry", "size", "status", "q")}
        sort = data["sort"]
    enterprises = selectors.enterprise_list(actor=user, **filters).order_by(*_ordering(sort))
    page = Paginator(enterprises, ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "show_district": show_district, "sort": sort}
    htmx = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "enterprises/_enterprise_results.html" if htmx else "enterprises/enterprise_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(can_browse_enterprises(user), "enterprise.view")
    try:
        enterprise = selectors.enterprise_get(actor=user, pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404(_("企业不存在，或不在您的查看范围内。")) from None
    return render(request, "enterprises/enterprise_detail.html", {"enterprise": enterprise})
