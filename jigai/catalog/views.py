"""Pages of the support catalog: the public tree of published versions, and the commission's pages
to draft, edit, import, export and publish a version. Views parse input, call one service or
selector and render; every refusal comes from the services' permission checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jigai.catalog import selectors, services
from jigai.catalog.choices import CatalogStatus
from jigai.catalog.defaults import default_catalog_items
from jigai.catalog.excel import XLSX_CONTENT_TYPE
from jigai.catalog.forms import (
    START_DEFAULTS,
    CatalogImportForm,
    CatalogItemForm,
    CatalogVersionCreateForm,
    CatalogVersionForm,
)
from jigai.catalog.models import CatalogItem, CatalogVersion, sees_drafts
from jigai.core.permissions import require


def _version(request: HttpRequest, pk: int) -> CatalogVersion:
    try:
        return selectors.catalog_version_get(actor=request.user, pk=pk)
    except CatalogVersion.DoesNotExist as exc:
        raise Http404 from exc


def _item(request: HttpRequest, pk: int, item_pk: int) -> CatalogItem:
    try:
        return selectors.catalog_item_get(actor=request.user, version_pk=pk, pk=item_pk)
    except (CatalogVersion.DoesNotExist, CatalogItem.DoesNotExist) as exc:
        raise Http404 from exc


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def index(request: HttpRequest) -> HttpResponse:
    """Public: the published catalog (the latest year's, or the one chosen) as a tree, the other
    published and superseded versions; the commission also sees its drafts here."""
    versions = list(selectors.catalog_version_list(actor=request.user))
    public = [v for v in versions if v.status != CatalogStatus.DRAFT]
    drafts = [v for v in versions if v.status == CatalogStatus.DRAFT]
    current = next((v for v in public if v.status == CatalogStatus.PUBLISHED), None)
    context = {
        "versions": public,
        "drafts": drafts,
        "current": current,
        "tree": selectors.catalog_tree(version=current) if current else [],
        "can_draft": services.can_draft_catalog(request.user),
        "sees_drafts": sees_drafts(request.user),
    }
    return render(request, "catalog/index.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version as a tree; for a draft, the officer's editing controls and the head's publish
    button (disabled, with the reason, when publishing is not possible)."""
    version = _version(request, pk)
    context = {
        "version": version,
        "tree": selectors.catalog_tree(version=version),
        "can_edit": services.can_edit_catalog_version(request.user, version),
        "can_publish": services.can_publish_catalog_version(request.user, version),
        "can_copy": services.can_copy_catalog_version(request.user, version),
        "show_publish": version.status == CatalogStatus.DRAFT and sees_drafts(request.user),
    }
    return render(request, "catalog/detail.html", context)


def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The version as an Excel workbook (anyone who may read the version)."""
    version = _version(request, pk)
    response = HttpResponse(services.catalog_version_export(version=version), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="catalog-{version.year}-{version.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require(services.can_draft_catalog(request.user), "catalog.version.create")
    form = CatalogVersionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.catalog_version_create(
                actor=request.user,
                year=data["year"],
                title=data["title"],
                note=data["note"],
                rows=default_catalog_items() if data["start"] == START_DEFAULTS else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已创建目录草稿“%(title)s”。") % {"title": version.title})
            return redirect("catalog:detail", pk=version.pk)
    return render(request, "catalog/version_form.html", {"form": form, "version": None})


@login_required
@require_http_methods(["GET", "POST"])
def update(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    require(services.can_edit_catalog_version(request.user, version), "catalog.version.update")
    initial = {"year": version.year, "title": version.title, "note": version.note}
    form = CatalogVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_version_update(actor=request.user, version=version, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("catalog:detail", pk=version.pk)
    return render(request, "catalog/version_form.html", {"form": form, "version": version})


def _item_initial(item: CatalogItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "code": item.code,
        "parent_code": item.parent.code if item.parent else "",
        "name": item.name,
        "group": item.group,
        "description": item.description,
        "industry_codes": [i.pk for i in item.industries.all()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def item_form(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    """Add an item to a draft, or change one."""
    version = _version(request, pk)
    item = _item(request, pk, item_pk) if item_pk else None
    require(
        services.can_edit_catalog_version(request.user, version),
        "catalog.item.update" if item else "catalog.item.add",
    )
    initial: dict[str, Any] = _item_initial(item) if item else {"parent_code": request.GET.get("parent", "")}
    form = CatalogItemForm(request.POST or None, initial=initial, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = services.catalog_item_add(actor=request.user, version=version, **form.cleaned_data)
            else:
                saved = services.catalog_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(item)s”。") % {"item": saved})
            return redirect(reverse("catalog:detail", kwargs={"pk": version.pk}) + f"#item-{saved.pk}")
    return render(request, "catalog/item_form.html", {"form": form, "version": version, "item": item})


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    try:
        services.catalog_item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除“%(item)s”。") % {"item": item})
    return redirect("catalog:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a draft's items by an Excel workbook; every row is checked, and nothing is imported
    while any row fails (the page lists each problem with its row number)."""
    version = _version(request, pk)
    require(services.can_edit_catalog_version(request.user, version), "catalog.version.import")
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.catalog_version_import(
                actor=request.user, version=version, file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            row_errors = exc.messages
        else:
            messages.success(request, _("已导入 %(n)d 个条目。") % {"n": count})
            return redirect("catalog:detail", pk=version.pk)
    return render(
        request,
        "catalog/import.html",
        {"form": form, "version": version, "row_errors": row_errors},
        status=422 if row_errors else 200,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        services.catalog_version_publish(actor=request.user, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已发布“%(title)s”。") % {"title": version.title})
    return redirect("catalog:detail", pk=version.pk)


@login_required
@require_POST
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    new = services.catalog_version_copy(actor=request.user, version=version)
    messages.success(request, _("已复制为新草稿“%(title)s”，修改后可重新发布。") % {"title": new.title})
    return redirect("catalog:detail", pk=new.pk)
