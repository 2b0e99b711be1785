"""The officials' pages of applications (issue 3): the scoped list with its filters and Excel export,
and the read-only detail a reviewer reads.

Who: district officers and heads (their district, 属地原则), the commission's officers and heads,
the finance bureau, the NDRC (read only) and supervisors (the whole city). Everything is read
through :mod:`jigai.applications.selectors`, so drafts are never shown (they are not applications
until submitted) and an application outside the user's scope is a 404. Enterprise users have their
own list (``applications:mine``) and are sent there; everyone else gets the 403 page with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jigai.accounts.choices import Role
from jigai.accounts.forms import choice_field
from jigai.applications import exports, selectors, workflow
from jigai.applications.attachments import TYPE_LABELS
from jigai.applications.choices import ApplicationStatus
from jigai.applications.eligibility import eligibility_check, mask_id_number, percent
from jigai.applications.models import Application
from jigai.calls.choices import CallStatus
from jigai.calls.models import Call
from jigai.catalog.models import CatalogItem
from jigai.core.forms import DecimalAmountField, PlatformMessages
from jigai.core.money import format_wan, format_yuan_wan
from jigai.core.permissions import Decision, has_role, require
from jigai.core.scoping import Scope, scope_for
from jigai.core.templatetags.jigai_ui import localized_name
from jigai.reference.choices import IndustryLevel
from jigai.reference.models import District, Industry

APPLICATIONS_PER_PAGE = 20
WAN = Decimal(10000)
OFFICIAL_ROLES = (
    Role.DISTRICT_OFFICER,
    Role.DISTRICT_HEAD,
    Role.MUNICIPAL_OFFICER,
    Role.MUNICIPAL_HEAD,
    Role.FINANCE_OFFICER,
    Role.NDRC_VIEWER,
    Role.SUPERVISOR,
)
#: the Bootstrap badge of each status (the same colours as the enterprise's pages)
STATUS_BADGES: dict[str, str] = {
    ApplicationStatus.DRAFT: "text-bg-secondary",
    ApplicationStatus.SUBMITTED: "text-bg-primary",
    ApplicationStatus.RESUBMITTED: "text-bg-primary",
    ApplicationStatus.RETURNED: "text-bg-warning",
    ApplicationStatus.PUBLICITY: "text-bg-warning",
    ApplicationStatus.RECOMMENDED: "text-bg-success",
    ApplicationStatus.PROPOSED: "text-bg-success",
    ApplicationStatus.APPROVED: "text-bg-success",
    ApplicationStatus.NOT_RECOMMENDED: "text-bg-danger",
    ApplicationStatus.NOT_APPROVED: "text-bg-danger",
    ApplicationStatus.WITHDRAWN: "text-bg-dark",
}
REVIEW_BADGE = "text-bg-info"  # the review states in between
DUPLICATES_YES, DUPLICATES_NO = "yes", "no"


def can_review_applications(user: Any) -> Decision:
    """The officials' list and detail: the district bureaus and the municipal bodies read the
    applications in their scope; enterprises use their own pages, the three administrators see no
    business data (三员分立) and experts only what they are assigned."""
    return has_role(user, OFFICIAL_ROLES, _("查看各企业的项目申报"))


def sees_several_districts(user: Any) -> bool:
    return scope_for(user) is Scope.ALL


def _own_list_url() -> str | None:
    """The enterprise's own list, when that page exists (it is built beside this one)."""
    try:
        return reverse("applications:mine")
    except NoReverseMatch:
        return None


# --- filters ----------------------------------------------------------------------------------
def _industry_choices() -> list[tuple[Any, Any]]:
    nodes = Industry.objects.filter(level__in=[IndustryLevel.SECTION, IndustryLevel.DIVISION]).order_by(
        "code"
    )
    sections: list[tuple[str, str]] = []
    divisions: list[tuple[str, str]] = []
    for node in nodes:
        (sections if node.level == IndustryLevel.SECTION else divisions).append(
            (node.code, f"{node.code} {node.name}")
        )
    choices: list[tuple[Any, Any]] = [("", _("全部行业")), (_("门类"), sections)]
    if divisions:
        choices.append((_("大类"), divisions))
    return choices


def _direction_choices(call_ids: list[int]) -> list[tuple[Any, Any]]:
    """The fields and directions of the catalog versions the listed calls use, grouped by version;
    a field selects its directions too (see the selector)."""
    items = (
        CatalogItem.objects.filter(version__calls__id__in=call_ids)
        .distinct()
        .select_related("version")
        .order_by("-version__year", "version_id", "sort_order", "code")
    )
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for item in items:
        label = f"{item.code} {item.name}" if item.is_field else f"\u3000{item.code} {item.name}"
        groups.setdefault(item.version_id, (item.version.title, []))[1].append((item.pk, label))
    return [("", _("全部方向")), *groups.values()]


class ApplicationFilterForm(PlatformMessages, forms.Form):
    """The filters of the officials' list; the amounts are typed in 万元 (the selector takes yuan)."""

    q = forms.CharField(
        label=gettext_lazy("申报编号、项目或企业名称、信用代码"), required=False, max_length=100
    )
    call = forms.TypedChoiceField(label=gettext_lazy("申报通知"), required=False, coerce=int)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("所属区"), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("所属行业"), required=False)
    direction = forms.TypedChoiceField(label=gettext_lazy("支持方向"), required=False, coerce=int)
    min_wan = DecimalAmountField(
        label=gettext_lazy("申请支持金额不低于（万元）"),
        required=False,
        unit=gettext_lazy("万元"),
        places=6,
        whole_digits=8,
    )
    max_wan = DecimalAmountField(
        label=gettext_lazy("申请支持金额不高于（万元）"),
        required=False,
        unit=gettext_lazy("万元"),
        places=6,
        whole_digits=8,
    )
    duplicates = forms.ChoiceField(
        label=gettext_lazy("疑似重复"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            (DUPLICATES_YES, gettext_lazy("有疑似重复")),
            (DUPLICATES_NO, gettext_lazy("无疑似重复")),
        ],
    )
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actor: Any, show_district: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calls = list(
            Call.objects.visible_to(actor)
            .exclude(status=CallStatus.DRAFT)
            .order_by("-opens_at", "-id")
            .values_list("id", "title")
        )
        choice_field(self, "call").choices = [("", _("全部申报通知")), *calls]
        choice_field(self, "status").choices = [
            ("", _("全部状态")),
            *((v, label) for v, label in ApplicationStatus.choices if v != ApplicationStatus.DRAFT),
        ]
        if show_district:
            choice_field(self, "district").choices = [
                ("", _("全部区")),
                *((d.code, localized_name(d)) for d in District.objects.order_by("sort_order", "code")),
            ]
        else:
            del self.fields["district"]
        choice_field(self, "industry").choices = _industry_choices()
        choice_field(self, "direction").choices = _direction_choices([pk for pk, _title in calls])
        choice_field(self, "sort").choices = [
            ("", ""),
            *((k, k) for k in selectors.SORT_FIELDS),
            *((f"-{k}", k) for k in selectors.SORT_FIELDS),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_wan"), data.get("max_wan")
        if low is not None and high is not None and low > high:
            self.add_error("max_wan", _("金额上限不能小于下限。"))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of :func:`jigai.applications.exports.filtered_applications` from the
        fields that are valid (a wrong field is shown with its message and ignored)."""
        data = getattr(self, "cleaned_data", {})
        low, high = data.get("min_wan"), data.get("max_wan")
        duplicates = data.get("duplicates")
        return {
            "call": data.get("call") or None,
            "status": data.get("status") or None,
            "district": data.get("district") or None,
            "industry": data.get("industry") or None,
            "direction": data.get("direction") or None,
            "amount_min": None if low is None else low * WAN,
            "amount_max": None if high is None else high * WAN,
            "q": data.get("q") or None,
            "sort": data.get("sort") or None,
            "has_duplicate_flags": {DUPLICATES_YES: True, DUPLICATES_NO: False}.get(duplicates or ""),
        }


def _filter_form(request: HttpRequest) -> ApplicationFilterForm:
    user = request.user
    form = ApplicationFilterForm(request.GET, actor=user, show_district=sees_several_districts(user))
    form.is_valid()
    return form


def _decorate(application: Application) -> Application:
    """Display values of a row (in 万元, per cent), computed once here rather than in the template."""
    extra: Any = application
    extra.total_wan = format_wan(application.total_investment, unit=False)
    extra.requested_wan = format_wan(application.requested_support, unit=False)
    extra.share_text = percent(application.fixed_asset_share)
    extra.badge = STATUS_BADGES.get(application.status, REVIEW_BADGE)
    return application


# --- pages ------------------------------------------------------------------------------------
@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications in the official's scope, filtered, sorted and paged; an htmx request gets
    the results only (the filter form pushes its query to the address bar)."""
    user = request.user
    if getattr(user, "role", None) == Role.ENTERPRISE and (url := _own_list_url()):
        return redirect(url)
    require(can_review_applications(user), "application.list")
    form = _filter_form(request)
    applications = exports.filtered_applications(actor=user, **form.filters())
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for application in page.object_list:
        _decorate(application)
    htmx = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    show_district = "district" in form.fields
    organisation: Any = getattr(user, "organisation", None)
    context = {
        "form": form,
        "page_obj": page,
        "show_district": show_district,
        "sort": form.cleaned_data.get("sort", ""),
        "htmx": htmx,
        "district_name": ""
        if show_district or organisation is None
        else localized_name(organisation.district),
    }
    template = "applications/official_results.html" if htmx else "applications/official_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def application_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as an Excel workbook (see :mod:`jigai.applications.exports`)."""
    user = request.user
    require(can_review_applications(user), "application.export")
    form = _filter_form(request)
    if form.errors:
        messages.error(request, _("筛选条件有误，请更正后再导出。"))
        return redirect(f"{reverse('applications:list')}?{request.GET.urlencode()}")
    return exports.application_export(actor=user, filters=form.filters())


def _money(amount: Decimal) -> str:
    return format_yuan_wan(amount)


def _flags(application: Application, actor: Any) -> list[dict[str, Any]]:
    """The duplicate flags, naming the other application only when the viewer may see it."""
    flags = list(application.duplicate_flags.all())
    other_ids = [f.other_id for f in flags if f.other_id]
    visible = {
        pk: (reference, name)
        for pk, reference, name in selectors.application_scope(actor)
        .filter(pk__in=other_ids)
        .values_list("pk", "reference_number", "name")
    }
    out = []
    for flag in flags:
        other = visible.get(flag.other_id) if flag.other_id else None
        out.append(
            {
                "kind": flag.get_kind_display(),
                "kind_code": flag.kind,
                "similarity": None if flag.similarity is None else percent(flag.similarity),
                "other_id": flag.other_id if other else None,
                "other_reference": other[0] if other else "",
                "other_name": other[1] if other else "",
                "hidden_other": bool(flag.other_id and not other),
                # The recorded text names the other application: only when it may be seen.
                "detail": flag.detail if (other or not flag.other_id) else "",
            }
        )
    return out


def _action_label(action: str) -> str:
    if action == "create":
        return _("新建草稿")
    known = workflow.BY_ACTION.get(action)
    return str(known[0].label) if known else action


@login_required
@require_GET
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One application as the reviewers read it, every section read-only: the project, investment
    lines, financing, outcomes, prerequisites, other funding, the eligibility results as at its
    submission (recomputed under the rules version it recorded), duplicate flags, attachments and
    the history of its states. Http404 outside the user's scope (drafts included)."""
    user = request.user
    require(can_review_applications(user), "application.view")
    application = _decorate(selectors.application_get(actor=user, pk=pk))
    rules = application.rules
    requirement_names = dict(rules.attachment_requirements.values_list("code", "name"))
    attachments = [
        {
            "name": a.original_name,
            "requirement": requirement_names.get(a.requirement_code, a.requirement_code),
            "type": TYPE_LABELS.get(a.detected_type, a.detected_type),
            "size": a.size,
            "uploaded_at": a.uploaded_at,
            "sha256": a.sha256,
            "url": reverse(
                "api:application_attachment_download",
                kwargs={"application_id": application.pk, "attachment_id": a.pk},
            ),
        }
        for a in application.attachments.all()
    ]
    lines = [
        {"name": line.item_name, "fixed": line.is_fixed_asset, "amount": _money(line.amount)}
        for line in application.investment_lines.all()
    ]
    checked_at = application.submitted_at
    eligibility = eligibility_check(application, now=checked_at) if checked_at else []
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "rules": rules,
        "flags": _flags(application, user),
        "lines": lines,
        "totals": [
            (_("总投资"), _money(application.total_investment)),
            (_("固定资产投资"), _money(application.fixed_asset_investment)),
            (_("固定资产投资占比"), application.share_text),  # type: ignore[attr-defined]
            (_("申请支持金额"), _money(application.requested_support)),
        ],
        "financing": [
            (_("自有资金"), _money(application.own_funds)),
            (_("银行贷款"), _money(application.bank_loans)),
            (_("融资租赁"), _money(application.financing_lease)),
            (_("其他资金"), _money(application.other_financing)),
        ],
        "outcomes": [
            (_("新增产值"), _money(application.new_output_value)),
            (_("新产品产值"), _money(application.new_product_output_value)),
            (_("新增税收"), _money(application.new_tax)),
            (_("节能量"), _("%(v)s 吨标准煤") % {"v": f"{application.energy_saved_tce:,}"}),
            (_("减排量"), _("%(v)s 吨") % {"v": f"{application.emissions_reduced_t:,}"}),
            (_("新增就业"), _("%(v)d 人") % {"v": application.jobs_created}),
        ],
        "other_funding": [
            {
                "programme": f.programme,
                "authority": f.authority,
                "amount": _money(f.amount),
                "status": f.get_status_display(),
            }
            for f in application.other_funding.all()
        ],
        "lead_id_number": mask_id_number(application.project_lead_id_number),
        "eligibility": eligibility,
        "eligible": all(r.passed for r in eligibility),
        "checked_at": checked_at,
        "attachments": attachments,
        "transitions": [
            {
                "at": t.created_at,
                "action": _action_label(t.action),
                "from_label": t.get_from_status_display() if t.from_status else "",
                "to_label": t.get_to_status_display(),
                "to_badge": STATUS_BADGES.get(t.to_status, REVIEW_BADGE),
                "actor": str(t.actor) if t.actor else _("系统"),
                "role": str(Role(t.actor_role).label) if t.actor_role in Role.values else t.actor_role,
                "comment": t.comment,
            }
            for t in application.transitions.select_related("actor").order_by("created_at", "id")
        ],
    }
    return render(request, "applications/official_detail.html", context)


# --- to-do ------------------------------------------------------------------------------------
