"""Objections (异议) to a proposed list during its publicity (issue 4, rules.md §1: the public may
lodge an objection during publicity).

* Anyone may lodge one while the period runs (from 00:00 of its first day to 23:59:59 Shanghai time
  of its last working day): name or organisation, contact, content, optionally the application it
  concerns and one attachment (PDF, JPG or PNG recognised from the file's content, at most 10 MB,
  kept outside the web root under a random name). After the period, refused with the reason.
* Lodging is rate limited per client address (:func:`objection_rate_hit`, Django's cache, shared
  by every server process): 5 an hour; the API answers 429, the page a Chinese message.
* The commission's officer handles each: dismissed (不予采纳) or upheld (予以采纳) with the reason.
  Upholding removes the application from the list (workflow ``objection_upheld``, with the reason)
  and the list's total falls accordingly.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jigai.accounts.choices import Role
from jigai.applications.attachments import TYPE_LABELS, _clean_name, detect_type
from jigai.applications.models import Application
from jigai.applications.services import application_transition
from jigai.audit.services import audit_record
from jigai.core.middleware import client_ip
from jigai.core.permissions import Decision as Permission
from jigai.core.permissions import has_role, require
from jigai.decisions.checks import closing_text
from jigai.decisions.choices import ObjectionStatus, ProposedListStatus
from jigai.decisions.models import Decision, Objection, ProposedList
from jigai.decisions.publicity import publicity_open, start_of_day
from jigai.decisions.services import proposed_list_total

RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60 * 60
MAX_ATTACHMENT_MB = 10
ATTACHMENT_TYPES = ("pdf", "jpg", "png")
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
MAX_CONTENT = 5000


def can_read_objections(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_OFFICER, Role.MUNICIPAL_HEAD], _("查看异议"))


def can_handle_objection(user: Any) -> Permission:
    return has_role(user, [Role.MUNICIPAL_OFFICER], _("处理异议"))


# --- rate limit ---------------------------------------------------------------------------------
def objection_rate_hit(request: HttpRequest) -> int | None:
    """Count one attempt to lodge an objection from the request's address (page and API together);
    None while within :data:`RATE_LIMIT` per window, else the seconds until the window ends."""
    ip = client_ip(request) or "unknown"
    key = f"jigai:objection:{ip}"
    now = int(time.time())
    window_start = cache.get_or_set(f"{key}:start", now, timeout=RATE_WINDOW_SECONDS)
    if not isinstance(window_start, int):
        window_start = now
    wait = max(1, window_start + RATE_WINDOW_SECONDS - now)
    cache.add(key, 0, timeout=wait)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=wait)
        count = 1
    return wait if count > RATE_LIMIT else None


# --- lodging ------------------------------------------------------------------------------------
def _period_refusal(proposed_list: ProposedList) -> str | None:
    if publicity_open(proposed_list):
        return None
    if proposed_list.status == ProposedListStatus.PUBLICITY and proposed_list.publicity_starts_on:
        if timezone.now() < start_of_day(proposed_list.publicity_starts_on):
            return _("公示自 %(d)s 开始，开始后才能提出异议。") % {
                "d": proposed_list.publicity_starts_on.isoformat()
            }
    if proposed_list.publicity_ends_at is not None:
        return _("公示期已于 %(t)s 结束，不再受理异议。") % {"t": closing_text(proposed_list)}
    return _("该名单不在公示期内，不受理异议。")


def objection_period_refusal(proposed_list: ProposedList) -> str | None:
    """Why an objection cannot be lodged against ``proposed_list`` now, or None."""
    return _period_refusal(proposed_list)


def _check_attachment(uploaded_file: UploadedFile) -> str:
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError({"attachment": _("文件是空的，请重新选择。")})
    if size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise ValidationError(
            {
                "attachment": _("文件大小 %(s).1f MB，超过上限 %(m)d MB。")
                % {"s": size / 1024 / 1024, "m": MAX_ATTACHMENT_MB}
            }
        )
    kind = detect_type(uploaded_file)
    if kind not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "attachment": _("证明材料只能是 PDF、JPG 或 PNG 文件；所选文件的内容识别为：%(k)s。")
                % {"k": TYPE_LABELS[kind]}
            }
        )
    return kind


def objection_lodge(
    *,
    actor: Any,
    proposed_list: ProposedList,
    name: str,
    contact: str,
    content: str,
    application_id: int | None = None,
    uploaded_file: UploadedFile | None = None,
    ip_address: str = "",
) -> Objection:
    """Lodge an objection against ``proposed_list`` (anyone, signed in or not; ``actor`` may be
    anonymous). Refused outside the publicity period with the reason; name, contact and content
    are required; the application, when named, must be on the list; the attachment is checked by
    its content. Audited (the objector's contact details stay in the objection, not the trail)."""
    refusal = _period_refusal(proposed_list)
    if refusal:
        raise ValidationError(refusal)
    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写异议人姓名或单位名称。")
    elif len(name) > 100:
        errors["name"] = _("姓名或单位名称不能超过 100 个字符。")
    if not contact:
        errors["contact"] = _("请填写联系方式（电话或电子邮箱），以便告知处理结果。")
    elif len(contact) > 100:
        errors["contact"] = _("联系方式不能超过 100 个字符。")
    if not content:
        errors["content"] = _("请填写异议内容。")
    elif len(content) > MAX_CONTENT:
        errors["content"] = _("异议内容不能超过 %(n)d 个字。") % {"n": MAX_CONTENT}
    application: Application | None = None
    if application_id is not None:
        decision = (
            Decision.objects.select_related("application")
            .filter(proposed_list=proposed_list, removed_at__isnull=True, application_id=application_id)
            .first()
        )
        if decision is None:
            errors["application_id"] = _("所选项目不在本公示名单中。")
        else:
            application = decision.application
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        proposed_list=proposed_list,
        application=application,
        name=name,
        contact=contact,
        content=content,
        ip_address=ip_address[:45],
    )
    if uploaded_file is not None:
        objection.attachment_type = _check_attachment(uploaded_file)
        objection.attachment_name = _clean_name(uploaded_file.name or "")
        objection.attachment.save(objection.attachment_name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            locked = ProposedList.objects.select_for_update().get(pk=proposed_list.pk)
            refusal = _period_refusal(locked)
            if refusal:
                raise ValidationError(refusal)
            objection.save()
            audit_record(
                actor=actor,
                action="review.objection_lodge",
                obj=objection,
                changes={
                    "status": {"before": None, "after": ObjectionStatus.OPEN},
                    "application": {"before": None, "after": application.pk if application else None},
                    "attachment": {"before": None, "after": objection.attachment_name or None},
                },
            )
    except BaseException:
        if objection.attachment:
            objection.attachment.storage.delete(objection.attachment.name)
        raise
    return objection


# --- handling ---------------------------------------------------------------------------------
def objection_list(
    *, actor: Any, proposed_list_id: int | None = None, status: str | None = None
) -> QuerySet[Objection]:
    """Objections for the commission (officer and head), newest first."""
    require(can_read_objections(actor), "review.objection_list")
    qs = Objection.objects.select_related(
        "proposed_list", "proposed_list__call", "application", "application__enterprise", "handled_by"
    )
    if proposed_list_id:
        qs = qs.filter(proposed_list_id=proposed_list_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-id")


def objection_get(*, actor: Any, pk: int) -> Objection:
    objection = objection_list(actor=actor).filter(pk=pk).first()
    if objection is None:
        raise Http404(_("未找到该异议。"))
    return objection


def objection_handle(
    *, actor: Any, objection: Objection, outcome: str, reason: str, application_id: int | None = None
) -> Objection:
    """The commission's officer handles an open objection: ``dismissed`` or ``upheld``, with the
    reason. Upholding needs the application concerned (the objection's, or ``application_id``),
    removes it from the list (workflow ``objection_upheld`` with the reason) and updates the list's
    total. Refuses an objection already handled and a list already approved."""
    require(can_handle_objection(actor), "review.objection_handle")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if outcome not in (ObjectionStatus.DISMISSED, ObjectionStatus.UPHELD):
        errors["outcome"] = _("处理结果应为“不予采纳”（dismissed）或“予以采纳”（upheld）。")
    if not reason:
        errors["reason"] = _("请填写处理意见（理由）。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposed_list = ProposedList.objects.select_for_update().get(pk=objection.proposed_list_id)
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.OPEN:
            raise ValidationError(
                _("该异议已于 %(t)s 处理（%(s)s），不能重复处理。")
                % {
                    "t": timezone.localtime(locked.handled_at).strftime("%Y-%m-%d %H:%M")
                    if locked.handled_at
                    else "",
                    "s": locked.get_status_display(),
                }
            )
        if proposed_list.status != ProposedListStatus.PUBLICITY:
            raise ValidationError(
                _("名单当前为“%(s)s”，不能处理异议。") % {"s": proposed_list.get_status_display()}
            )
        now = timezone.now()
        old_total = proposed_list.total_support
        locked.status = outcome
        locked.handled_by = actor
        locked.handled_at = now
        locked.handling_reason = reason
        changes: dict[str, Any] = {"status": {"before": ObjectionStatus.OPEN, "after": outcome}}
        if outcome == ObjectionStatus.UPHELD:
            target_id = application_id or locked.application_id
            if target_id is None:
                raise ValidationError({"application_id": _("予以采纳的异议须指明所涉及的项目。")})
            decision = (
                Decision.objects.select_for_update()
                .select_related("application")
                .filter(proposed_list=proposed_list, application_id=target_id)
                .first()
            )
            if decision is None or decision.removed_at is not None:
                raise ValidationError({"application_id": _("该项目不在公示名单中，或已被移出。")})
            locked.application = decision.application
            locked.save()
            decision.removed_at = now
            decision.removal_reason = reason
            decision.save(update_fields=["removed_at", "removal_reason"])
            application_transition(
                actor=actor, application=decision.application, action="objection_upheld", comment=reason
            )
            proposed_list.total_support = proposed_list_total(proposed_list)
            proposed_list.save(update_fields=["total_support"])
            changes["application"] = {"before": None, "after": decision.application_id}
            changes["list_total_support"] = {"before": old_total, "after": proposed_list.total_support}
        else:
            locked.save()
        audit_record(
            actor=actor, action="review.objection_handle", obj=locked, changes=changes, message=reason
        )
    return locked


def objection_attachment_download(*, actor: Any, pk: int) -> FileResponse:
    """The objection's attachment, for the commission (officer and head); audited."""
    objection = objection_get(actor=actor, pk=pk)
    if not objection.attachment:
        raise Http404(_("该异议没有附件。"))
    audit_record(
        actor=actor,
        action="review.objection_attachment_download",
        obj=objection,
        message=objection.attachment_name,
    )
    response = FileResponse(
        objection.attachment.open("rb"),
        as_attachment=True,
        filename=objection.attachment_name or "attachment",
        content_type=CONTENT_TYPES.get(objection.attachment_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
