"""Reference pages: districts and industries with an identifier and size checker (public), and the
credit-code exceptions of the officials who accept them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jigai.core.permissions import require
from jigai.enterprises.services import can_manage_credit_code_exceptions, credit_code_exception_accept
from jigai.reference import selectors
from jigai.reference.codes import check_credit_code, check_project_code
from jigai.reference.forms import (
    CHECK_CREDIT,
    CHECK_KINDS,
    CHECK_PROJECT,
    CHECK_SIZE,
    CreditCodeCheckForm,
    CreditCodeExceptionForm,
    EnterpriseSizeForm,
    ProjectCodeCheckForm,
)
from jigai.reference.sizes import explain_enterprise_size

EXCEPTIONS_PER_PAGE = 50
_FORMS = {
    CHECK_CREDIT: CreditCodeCheckForm,
    CHECK_PROJECT: ProjectCodeCheckForm,
    CHECK_SIZE: EnterpriseSizeForm,
}


def _panel_titles() -> dict[str, str]:
    return {
        CHECK_CREDIT: _("统一社会信用代码校验"),
        CHECK_PROJECT: _("投资项目代码校验"),
        CHECK_SIZE: _("企业规模划分（工业企业）"),
    }


def _run_check(kind: str, form: Any) -> dict[str, Any]:
    """The result context of one checker form (the form is valid)."""
    data = form.cleaned_data
    if kind == CHECK_SIZE:
        return {"size": explain_enterprise_size(data["employees"], data["operating_revenue"])}
    check = check_credit_code if kind == CHECK_CREDIT else check_project_code
    return {"check": check(data["code"])}


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Public: Shanghai's districts, the industry sections with their manufacturing divisions, and a
    checker for credit codes, project codes and enterprise size. A check posts back here; htmx gets
    the result panel of that one form, a browser without JavaScript the whole page."""
    forms: dict[str, Any] = {
        CHECK_CREDIT: CreditCodeCheckForm(prefix=CHECK_CREDIT),
        CHECK_PROJECT: ProjectCodeCheckForm(prefix=CHECK_PROJECT),
        CHECK_SIZE: EnterpriseSizeForm(prefix=CHECK_SIZE),
    }
    results: dict[str, dict[str, Any]] = {}
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    if kind in CHECK_KINDS:
        form = _FORMS[kind](request.POST, prefix=kind)
        forms[kind] = form
        results[kind] = _run_check(kind, form) if form.is_valid() else {}
        if getattr(request, "htmx", False):
            panel = {"kind": kind, "form": form, "result": results[kind], "title": _panel_titles()[kind]}
            return render(request, "reference/_check_panel.html", {"panel": panel})
    elif request.method == "POST":
        messages.error(request, _("请选择要校验的内容。"))
    context = {
        "districts": selectors.district_list(actor=request.user),
        "sections": selectors.industry_sections_with_divisions(actor=request.user),
        "panels": [
            {"kind": k, "form": forms[k], "result": results.get(k, {}), "title": title}
            for k, title in _panel_titles().items()
        ],
        "can_manage_exceptions": can_manage_credit_code_exceptions(request.user).allowed,
    }
    return render(request, "reference/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def credit_code_exceptions(request: HttpRequest) -> HttpResponse:
    """District and municipal officers and heads: the accepted exceptions and the accept form."""
    require(can_manage_credit_code_exceptions(request.user), "credit_code_exception.list")
    form = CreditCodeExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exception = credit_code_exception_accept(
                actor=request.user, code=form.cleaned_data["code"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已接受代码 %(code)s 为校验例外。") % {"code": exception.code})
            return redirect("reference:credit_code_exceptions")
    check = None
    if request.method == "POST" and form.data.get("code"):
        # Show what is wrong with the code beside the refusal, as the checker would.
        check = check_credit_code(form.data["code"])
    paginator = Paginator(selectors.credit_code_exception_list(actor=request.user), EXCEPTIONS_PER_PAGE)
    return render(
        request,
        "reference/credit_code_exceptions.html",
        {"form": form, "check": check, "page_obj": paginator.get_page(request.GET.get("page"))},
    )
