"""The auditor's pages: the filtered event list, one event's before/after values, the chain
verification, and the CSV export. Everyone else gets the 403 page with the reason."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jigai.audit import keys as audit_keys
from jigai.audit import selectors
from jigai.audit.chain import event_intact
from jigai.audit.forms import AuditFilterForm
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record, audit_verify_run, chain_report_summary
from jigai.core.permissions import require

EVENTS_PER_PAGE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    """The filter form and the events it selects (none while the form has errors)."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, AuditEvent.objects.none()
    filters = form.filters() if form.is_bound else {}
    try:
        return form, selectors.audit_event_list(actor=request.user, **filters)
    except ValidationError as exc:
        form.add_error(None, exc)
        return form, AuditEvent.objects.none()


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    require(selectors.can_read_audit(request.user), "audit.read")
    form, events = _filtered(request)
    page_obj = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj}
    if _is_htmx(request):
        return render(request, "audit/_event_results.html", context)
    return render(request, "audit/event_list.html", context)


def _change_rows(changes: Any) -> list[dict[str, Any]]:
    """``{"field": {"before": b, "after": a}}`` as table rows; any other shape as one raw row."""
    if not isinstance(changes, dict):
        return [{"field": "", "before": None, "after": _pretty(changes), "raw": True}]
    rows = []
    for field, value in changes.items():
        if isinstance(value, dict) and set(value) <= {"before", "after"} and value:
            rows.append(
                {"field": field, "before": _pretty(value.get("before")), "after": _pretty(value.get("after"))}
            )
        else:
            rows.append({"field": field, "before": None, "after": _pretty(value), "raw": True})
    return rows


def _pretty(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(selectors.can_read_audit(request.user), "audit.read")
    try:
        event = selectors.audit_event_get(actor=request.user, pk=pk)
    except AuditEvent.DoesNotExist as exc:
        raise Http404 from exc
    stored = {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    context = {
        "event": event,
        "change_rows": _change_rows(event.changes),
        "hash_matches": event_intact(stored, audit_keys.keyring().keys),
        "previous": AuditEvent.objects.filter(seq=event.seq - 1).values_list("pk", flat=True).first(),
        "next": AuditEvent.objects.filter(seq=event.seq + 1).values_list("pk", flat=True).first(),
    }
    return render(request, "audit/event_detail.html", context)


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Recompute the whole chain (the result is recorded as an ``audit.verify`` event)."""
    report = audit_verify_run(actor=request.user)
    if _is_htmx(request):
        response = render(
            request, "audit/_verify_result.html", {"report": report, "summary": chain_report_summary(report)}
        )
        response["HX-Trigger"] = "audit-verified"  # the list reloads to show the new audit.verify event
        return response
    if report.ok:
        messages.success(request, chain_report_summary(report))
    else:
        messages.error(request, chain_report_summary(report))
    return redirect("audit:event_list")


# --- CSV export -------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Text for one CSV cell; text a spreadsheet would run as a formula is neutralised with a
    leading apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 only with the byte order mark
    yield writer.writerow(
        [
            _("序号"),
            _("时间（北京时间）"),
            _("操作人账号"),
            _("机构"),
            _("角色"),
            _("操作"),
            _("对象类型"),
            _("对象 ID"),
            _("对象"),
            _("结果"),
            _("说明"),
            _("IP 地址"),
            _("请求 ID"),
            _("渠道"),
            _("变更"),
            _("SM3 哈希"),
        ]
    )
    for event in events.iterator(chunk_size=2000):
        occurred = timezone.localtime(event.occurred_at, selectors.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        row = [
            event.seq,
            occurred,
            event.actor_username,
            event.organisation_name,
            event.role_label,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.get_outcome_display(),
            event.message,
            event.ip_address,
            event.request_id,
            event.channel,
            json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
            event.hash,
        ]
        yield writer.writerow([csv_cell(v) for v in row])


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as CSV. The export itself is recorded (``audit.export``)."""
    require(selectors.can_read_audit(request.user), "audit.export")
    form, events = _filtered(request)
    if form.errors:
        messages.error(request, _("筛选条件有误，请更正后再导出。"))
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    audit_record(
        actor=request.user,
        action="audit.export",
        object_type="audit.chain",
        object_repr=_("审计日志"),
        message=_("导出审计日志 CSV；筛选条件：%(query)s") % {"query": request.GET.urlencode() or _("无")},
    )
    filename = f"audit-{timezone.localtime(timezone.now(), selectors.SHANGHAI):%Y%m%d-%H%M%S}.csv"
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
