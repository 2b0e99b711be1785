"""The enterprise's application pages: its list (我的申报), starting an application from an open
call, the draft's edit page (every section, live totals, the eligibility check, attachments,
submission) and the read-only page of a submitted application with its history and withdrawal.

Views are thin: reads through :mod:`jigai.applications.selectors` (an application outside the
user's scope is a 404), writes through the services, which hold every rule. Every page here is the
enterprise's own; officials have theirs (``views_official.py``) and are refused here with the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jigai.accounts.choices import Role
from jigai.applications import attachments, selectors, services, workflow
from jigai.applications.attachments import TYPE_LABELS, type_names
from jigai.applications.choices import ApplicationStatus
from jigai.applications.drafts import draft_parse
from jigai.applications.eligibility import (
    EDITABLE_STATUSES,
    RULES_SETTLED_AT_SUBMISSION,
    NotEligible,
    RuleResult,
    application_totals,
    eligibility_check,
    rules_for,
)
from jigai.applications.forms import ApplicationForm, WithdrawForm, funding_formset, typed_totals
from jigai.applications.models import Application, Attachment
from jigai.calls import selectors as call_selectors
from jigai.calls.models import Call, CallAttachmentRequirement, CallRules
from jigai.core.permissions import has_role, require
from jigai.core.text import join_list, join_messages

PAGE_SIZE = 20
#: the transitions by which the enterprise hands an application in (a draft, a corrected return)
SUBMIT_ACTIONS = frozenset({"submit", "resubmit"})
#: the event the edit page's eligibility panel listens for (sent by htmx uploads and deletions)
CHANGED_EVENT = "applicationChanged"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _require_enterprise(request: HttpRequest, action: str) -> None:
    require(has_role(request.user, [Role.ENTERPRISE], _("办理本企业的项目申报")), action)


def _mine(request: HttpRequest, pk: int, action: str) -> Application:
    """The enterprise's own application (officials are refused with the reason; another
    enterprise's application does not exist: 404)."""
    _require_enterprise(request, action)
    return selectors.application_get(actor=request.user, pk=pk)


def _rules(application: Application) -> CallRules:
    """The rules the application is checked against, with the rows the pages show."""
    return CallRules.objects.prefetch_related(
        "investment_items", "prerequisites", "attachment_requirements"
    ).get(pk=rules_for(application).pk)


# --- list and create --------------------------------------------------------------------------
@login_required
@require_GET
def my_list(request: HttpRequest) -> HttpResponse:
    """我的申报: the enterprise's applications in every state, and the open calls to apply to."""
    _require_enterprise(request, "application.list")
    applications = selectors.application_list(actor=request.user)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for application in page:
        # a draft whose call has closed is shown as closed, to read or delete, not to fill in
        application.closed_reason = services.closed_draft_reason(application, now)  # type: ignore[attr-defined]
    return render(
        request,
        "applications/my_list.html",
        {
            "page_obj": page,
            "open_calls": list(call_selectors.call_open_list(actor=request.user)),
            "can_create": services.can_create_application(request.user),
        },
    )


@login_required
@require_POST
def create(request: HttpRequest, call_pk: int) -> HttpResponse:
    """Start a draft for an open call (from the call's page or the list) and open it."""
    try:
        call = call_selectors.call_get(actor=request.user, pk=call_pk)
    except Call.DoesNotExist as exc:
        raise Http404(_("未找到该申报通知。")) from exc
    try:
        application = services.application_create(actor=request.user, call=call)
    except ValidationError as exc:
        messages.error(request, join_messages(exc.messages))
        return redirect("calls:detail", pk=call.pk)
    messages.success(request, _("已新建申报草稿，可随时保存，下次继续填写。"))
    return redirect("applications:edit", pk=application.pk)


# --- the edit page ----------------------------------------------------------------------------
def _submit_transition(application: Application, user: Any) -> tuple[workflow.Transition, str | None] | None:
    """The transition that hands the draft in: ``submit`` for a draft, ``resubmit`` for an
    application returned for correction; with the reason the user cannot take it."""
    return next(
        ((t, r) for t, r in workflow.available(application, user) if t.action in SUBMIT_ACTIONS), None
    )


def _submit_state(application: Application, user: Any, results: list[RuleResult]) -> dict[str, Any]:
    """Whether the 提交申报 button is enabled, and why not (workflow first, then the rules)."""
    submit = _submit_transition(application, user)
    failed = [r for r in results if not r.passed]
    if submit is not None and submit[0].action == "resubmit":
        # A correction answers a return: the application window no longer applies (review rules).
        failed = [r for r in failed if r.code not in RULES_SETTLED_AT_SUBMISSION]
    if submit is None:
        reason = _("申报当前状态为“%(s)s”，不能提交。") % {"s": application.get_status_display()}
    elif submit[1]:
        reason = submit[1]
    elif failed:
        reason = _("还有 %(n)d 项条件不满足（%(labels)s），全部满足后才能提交。") % {
            "n": len(failed),
            "labels": join_list(r.label for r in failed),
        }
    else:
        reason = ""
    return {
        "allowed": not reason,
        "reason": reason,
        "failed": failed,
        "label": submit[0].label if submit else _("提交申报"),
    }


def _eligibility_context(application: Application, user: Any) -> dict[str, Any]:
    results = eligibility_check(application)
    totals = application_totals(application, rules_for(application))
    submit = _submit_state(application, user, results)
    return {
        "application": application,
        "results": results,
        # the rules that count for handing it in (a resubmission no longer needs the window)
        "eligible": not submit["failed"],
        "requested": totals.requested_support,
        "submit": submit,
    }


def _requirement_blocks(
    application: Application, rules: CallRules, *, editable: bool, errors: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    files: dict[str, list[Attachment]] = {}
    for attachment in application.attachments.all():
        files.setdefault(attachment.requirement_code, []).append(attachment)
    return [
        _requirement_block(application, r, files.get(r.code, []), editable=editable, errors=errors)
        for r in rules.attachment_requirements.all()
    ]


def _requirement_block(
    application: Application,
    requirement: CallAttachmentRequirement,
    files: list[Attachment],
    *,
    editable: bool,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    return {
        "application": application,
        "requirement": requirement,
        "types": type_names(requirement.allowed_type_list),
        "accept": ",".join(f".{t}" for t in requirement.allowed_type_list),
        # the same limit the service applies (attachments.attachment_upload), for the browser's check
        "max_bytes": requirement.max_size_mb * 1024 * 1024,
        "files": [
            {"file": f, "type_label": TYPE_LABELS.get(f.detected_type, f.detected_type)} for f in files
        ],
        "editable": editable,
        "errors": (errors or {}).get(requirement.code, []),
    }


def _edit_page(
    request: HttpRequest,
    application: Application,
    *,
    form: ApplicationForm | None = None,
    funding: Any = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    rules = _rules(application)
    if form is None:
        form = ApplicationForm(application=application, rules=rules)
        funding = funding_formset(None, application)
    upload_errors = extra.pop("upload_errors", None)
    context = {
        "corrections": _open_corrections(application, request.user),
        "application": application,
        "rules": rules,
        "form": form,
        "funding": funding,
        "totals": typed_totals(form.typed_values(), rules),
        "lock_version": application.lock_version,
        "requirements": _requirement_blocks(application, rules, editable=True, errors=upload_errors),
        **_eligibility_context(application, request.user),
        **extra,
    }
    return render(request, "applications/form_edit.html", context, status=status)


def _open_corrections(application: Application, user: Any) -> list[Any]:
    """What a return asked the enterprise to correct (shown on the edit page until it resubmits).
    The returns are the recommendations app's rows (``correction_requests``), read through the
    application the user may see, so this app needs no import of that later one."""
    if application.status != ApplicationStatus.RETURNED:
        return []
    return list(
        application.correction_requests.filter(resolved_at__isnull=True)
        .select_related("requested_by")
        .prefetch_related("items")
    )


def _posted_lock_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


#: a hidden field of the edit page's form: a POST that carries it carries the whole draft as typed
DRAFT_MARKER = "draft_form"


class _SaveRefused(Exception):
    """The posted draft was not saved; ``response`` is the edit page showing why, with what was typed."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("draft not saved")
        self.response = response


def _save_posted_draft(request: HttpRequest, application: Application) -> Application:
    """Save the draft posted by the edit page through :func:`services.application_save_draft`
    (optimistic locking on the posted ``lock_version``); returns the saved application.

    A refused save — a field that is not well-formed, a code the call does not know, or a version
    saved elsewhere meanwhile — raises :class:`_SaveRefused` with the page shown again with
    everything that was typed and the messages; nothing is saved."""
    rules = _rules(application)
    form = ApplicationForm(request.POST, application=application, rules=rules)
    funding = funding_formset(request.POST, application)
    page_errors: list[str] = []
    # The version the page was loaded at is posted back: a stale page keeps the old one, so
    # saving it again is refused again instead of overwriting the newer draft.
    lock_version = _posted_lock_version(request)
    stale = False
    forms_valid = form.is_valid()
    funding_valid = funding.is_valid()
    if forms_valid and funding_valid:
        draft = form.draft_input(funding)
        try:
            data = draft_parse(draft.raw)
            return services.application_save_draft(
                actor=request.user,
                application=application,
                data=data,
                expected_lock_version=-1 if lock_version is None else lock_version,
            )
        except services.StaleDraft:
            stale = True
        except ValidationError as exc:
            page_errors = form.add_service_errors(exc, funding, draft.origin)
    page_errors.extend(str(e) for e in funding.non_form_errors())
    raise _SaveRefused(
        _edit_page(
            request,
            application,
            form=form,
            funding=funding,
            status=409 if stale else 422,
            page_errors=page_errors,
            not_saved=True,
            stale=stale,
            lock_version=application.lock_version if lock_version is None else lock_version,
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, every section in one form saved by 保存草稿 (see :func:`_save_posted_draft`)."""
    application = _mine(request, pk, "application.save_draft")
    if application.status not in EDITABLE_STATUSES:
        return redirect("applications:my_detail", pk=application.pk)
    require(services.can_edit_application(request.user, application), "application.save_draft")
    closed = services.closed_draft_reason(application)
    if closed:
        messages.error(request, closed)
        return redirect("applications:my_detail", pk=application.pk)
    if request.method == "GET":
        return _edit_page(request, application)
    try:
        _save_posted_draft(request, application)
    except _SaveRefused as refused:
        return refused.response
    messages.success(request, _("草稿已保存。"))
    return redirect("applications:edit", pk=application.pk)


@login_required
@require_POST
def totals(request: HttpRequest, pk: int) -> HttpResponse:
    """The totals partial from the amounts posted by the edit page (htmx), without saving."""
    application = _mine(request, pk, "application.totals")
    require(services.can_edit_application(request.user, application), "application.totals")
    rules = _rules(application)
    return render(
        request,
        "applications/partials/totals.html",
        {"totals": typed_totals(request.POST, rules), "oob": True},
    )


@login_required
@require_GET
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The eligibility panel as saved now (htmx refreshes it after uploads and deletions)."""
    application = _mine(request, pk, "application.eligibility")
    return render(
        request,
        "applications/partials/eligibility.html",
        {**_eligibility_context(application, request.user), "lock_version": application.lock_version},
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the draft in. From the edit page (the button submits the whole form) what is typed is
    saved first, through the same service as 保存草稿 with its optimistic lock: a refused save shows
    the page again with what was typed and its messages and submits nothing. Then the saved draft
    is submitted; a refusal lists every failing rule (or the duplicate) and changes its status in
    nothing (the typed edits stay saved, and the page says so).

    A POST without the form (the API's clients, an old page) submits the draft as saved, and only
    if it is still the version the page showed."""
    application = _mine(request, pk, "application.submit")
    lock_version = _posted_lock_version(request)
    saved = False
    closed = services.closed_draft_reason(application)
    if closed:
        return _detail_page(request, application, submit_errors=[closed], status=422)
    if DRAFT_MARKER in request.POST and application.status in EDITABLE_STATUSES:
        require(services.can_edit_application(request.user, application), "application.submit")
        try:
            application = _save_posted_draft(request, application)
        except _SaveRefused as refused:
            return refused.response
        application = selectors.application_get(actor=request.user, pk=application.pk)
        saved = True
    elif lock_version is not None and lock_version != application.lock_version:
        return _edit_or_detail(request, application, submit_errors=[str(services.STALE_MESSAGE)], status=409)
    submit_transition = _submit_transition(application, request.user)
    try:
        if submit_transition is not None and submit_transition[0].action == "resubmit":
            submitted = services.application_transition(
                actor=request.user, application=application, action="resubmit"
            )
        else:
            submitted = services.application_submit(actor=request.user, application=application)
    except NotEligible as exc:
        errors = [f"{r.label}：{r.message}" for r in exc.failed]
        return _edit_or_detail(
            request, application, submit_summary=exc.summary, submit_errors=errors, saved_not_submitted=saved
        )
    except ValidationError as exc:
        return _edit_or_detail(
            request, application, submit_errors=list(exc.messages), saved_not_submitted=saved
        )
    messages.success(
        request,
        _("申报已提交，申报编号 %(ref)s，状态：%(s)s。请等待所在区经济主管部门审核。")
        % {"ref": submitted.reference_number, "s": submitted.get_status_display()},
    )
    return redirect("applications:my_detail", pk=submitted.pk)


def _edit_or_detail(
    request: HttpRequest, application: Application, status: int = 422, **extra: Any
) -> HttpResponse:
    if application.status in EDITABLE_STATUSES:
        return _edit_page(request, application, status=status, **extra)
    return _detail_page(request, application, status=status, **extra)


# --- attachments ------------------------------------------------------------------------------
def _block_response(
    request: HttpRequest,
    application: Application,
    requirement: CallAttachmentRequirement,
    *,
    errors: list[str] | None = None,
    changed: bool = False,
) -> HttpResponse:
    files = list(application.attachments.filter(requirement_code=requirement.code))
    block = _requirement_block(
        application, requirement, files, editable=True, errors={requirement.code: errors or []}
    )
    # htmx swaps only 2xx answers, so a refused upload is a 200 showing the message in the block.
    response = render(request, "applications/partials/attachment_requirement.html", {"block": block})
    if changed:
        response["HX-Trigger"] = CHANGED_EVENT
    return response


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Upload one file for an item of the call's checklist; the service checks its content and
    size and its Chinese refusal is shown beside the item, the rest of the page untouched."""
    application = _mine(request, pk, "application.attachment_upload")
    require(services.can_edit_application(request.user, application), "application.attachment_upload")
    requirement = _rules(application).attachment_requirements.filter(code=code).first()
    if requirement is None:
        raise Http404(_("本通知的申报材料清单中没有此项。"))
    uploaded = request.FILES.get("file")
    errors: list[str] = []
    if uploaded is None:
        errors = [_("请选择要上传的文件。")]
    else:
        try:
            attachments.attachment_upload(
                actor=request.user, application=application, requirement_code=code, uploaded_file=uploaded
            )
        except ValidationError as exc:
            errors = list(exc.messages)
    if _is_htmx(request):
        return _block_response(request, application, requirement, errors=errors, changed=not errors)
    if errors:
        return _edit_page(request, application, upload_errors={code: errors}, status=422)
    messages.success(request, _("已上传“%(n)s”。") % {"n": uploaded.name if uploaded else ""})
    return redirect(reverse("applications:edit", kwargs={"pk": application.pk}) + "#attachments")


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Remove an uploaded file while the application is a draft."""
    _require_enterprise(request, "application.attachment_delete")
    attachment = selectors.attachment_get(actor=request.user, application_id=pk, attachment_id=attachment_pk)
    application = selectors.application_get(actor=request.user, pk=pk)
    code = attachment.requirement_code
    try:
        attachments.attachment_delete(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:my_detail", pk=application.pk)
    if _is_htmx(request):
        requirement = _rules(application).attachment_requirements.filter(code=code).first()
        if requirement is not None:
            return _block_response(request, application, requirement, changed=True)
    messages.success(request, _("已删除“%(n)s”。") % {"n": attachment.original_name})
    return redirect(reverse("applications:edit", kwargs={"pk": application.pk}) + "#attachments")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Download a file of the enterprise's own application (audited by the service)."""
    _require_enterprise(request, "application.attachment_download")
    return attachments.attachment_download(actor=request.user, application_id=pk, attachment_id=attachment_pk)


# --- read-only page and withdrawal ------------------------------------------------------------
def _detail_page(
    request: HttpRequest, application: Application, *, status: int = 200, **extra: Any
) -> HttpResponse:
    rules = _rules(application)
    closed = services.closed_draft_reason(application)
    actions = workflow.available(application, request.user)
    withdraw = next(({"transition": t, "reason": r} for t, r in actions if t.action == "withdraw"), None)
    context = {
        "application": application,
        "rules": rules,
        "requirements": _requirement_blocks(application, rules, editable=False),
        "transitions": list(application.transitions.select_related("actor").order_by("created_at", "id")),
        "withdraw": withdraw,
        "withdraw_form": extra.pop("withdraw_form", None) or WithdrawForm(),
        "closed_reason": closed,
        "editable": application.status in EDITABLE_STATUSES and not closed,
        "can_delete": application.status == ApplicationStatus.DRAFT
        and services.can_delete_application(request.user, application).allowed,
        **extra,
    }
    return render(request, "applications/my_detail.html", context, status=status)


@login_required
@require_GET
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application as submitted: every section, the files, the history, the reference number."""
    application = _mine(request, pk, "application.view")
    return _detail_page(request, application)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a submission before the district takes it up (the reason is required)."""
    application = _mine(request, pk, "application.withdraw")
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, application, withdraw_form=form, status=422)
    try:
        services.application_withdraw(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("reason", message)
        return _detail_page(request, application, withdraw_form=form, status=422)
    messages.success(request, _("申报已撤回。"))
    return redirect("applications:my_detail", pk=application.pk)


@login_required
@require_POST
def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the enterprise's drafts (audited); a submitted application is refused (422)."""
    application = _mine(request, pk, "application.delete_draft")
    name = application.name or _("未命名项目")
    try:
        services.application_delete_draft(actor=request.user, application=application)
    except ValidationError as exc:
        return _detail_page(request, application, action_errors=list(exc.messages), status=422)
    messages.success(request, _("已删除草稿“%(n)s”。") % {"n": name})
    return redirect("applications:mine")
