"""Attachments of an application, per the call's checklist (issue: "type checked from the file's
content (not its name or the browser's word), size limited, stored outside the web root,
downloaded only by those who may see the application").

* The type is recognised from the bytes: ``%PDF-``, the PNG signature, JPEG's ``FF D8 FF``; a ZIP
  is opened with :mod:`zipfile` and is a Word document when it has ``[Content_Types].xml`` and
  ``word/`` entries, an Excel workbook with ``xl/``, otherwise a plain ZIP. The name the user gave
  and the browser's content type are ignored.
* Files are kept by Django's default storage (``var/media``, outside the web root and never served
  as static files) under a random name; the original name is kept only in the database and given
  back in ``Content-Disposition`` (RFC 5987 for Chinese names) when downloaded.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jigai.applications.eligibility import rules_for
from jigai.applications.models import Application, Attachment
from jigai.applications.selectors import attachment_get
from jigai.applications.services import closed_draft_reason, require_editable
from jigai.audit.services import audit_record
from jigai.core.text import join_list

TYPE_LABELS: dict[str, Any] = {
    "pdf": "PDF",
    "png": gettext_lazy("PNG 图片"),
    "jpg": gettext_lazy("JPEG 图片"),
    "gif": gettext_lazy("GIF 图片"),
    "docx": gettext_lazy("Word 文档（DOCX）"),
    "xlsx": gettext_lazy("Excel 表格（XLSX）"),
    "pptx": gettext_lazy("PowerPoint 演示文稿（PPTX）"),
    "zip": gettext_lazy("ZIP 压缩包"),
    "rar": gettext_lazy("RAR 压缩包"),
    "7z": gettext_lazy("7z 压缩包"),
    "ole": gettext_lazy("旧版 Office 文档（DOC/XLS/PPT）"),
    "exe": gettext_lazy("Windows 可执行程序"),
    "html": gettext_lazy("网页（HTML）"),
    "unknown": gettext_lazy("无法识别的类型"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
_ALIASES = {"jpeg": "jpg"}
_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"MZ", "exe"),
)
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def _zip_kind(stream: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "unknown"
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return kind
    return "zip"


def detect_type(stream: IO[bytes]) -> str:
    """The type of a file from its content (see the module docs); the stream is left at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = next((k for signature, k in _SIGNATURES if head.startswith(signature)), None)
    if kind is None and head.startswith(_ZIP_SIGNATURES):
        kind = _zip_kind(stream)
        stream.seek(0)
    if kind is None:
        lowered = head.lstrip().lower()
        kind = "html" if lowered.startswith((b"<!doctype", b"<html")) else "unknown"
    return kind


def type_names(types: list[str]) -> str:
    return join_list(t.upper() for t in types)


def _clean_name(name: str) -> str:
    """The user's file name without folders or control characters, at most 200 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    if len(base) > 200:
        stem, ext = os.path.splitext(base)
        base = stem[: 200 - len(ext)] + ext
    return base or _("未命名文件")


def _sha256(uploaded: UploadedFile) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def attachment_upload(
    *, actor: Any, application: Application, requirement_code: str, uploaded_file: UploadedFile
) -> Attachment:
    """Attach a file for one item of the call's checklist (while the application can be edited, by
    the applicant). Refuses an item the call does not ask for, an empty or too large file, and a
    file whose content is not one of the item's allowed types."""
    require_editable(actor, application, "application.attachment_upload")
    closed = closed_draft_reason(application)
    if closed:
        raise ValidationError({"file": closed})
    requirement = (
        rules_for(application).attachment_requirements.filter(code=(requirement_code or "").strip()).first()
    )
    if requirement is None:
        raise ValidationError(
            {"requirement_code": _("本通知的申报材料清单中没有“%(c)s”。") % {"c": requirement_code}}
        )
    size = uploaded_file.size or 0
    limit = requirement.max_size_mb * 1024 * 1024
    if size == 0:
        raise ValidationError({"file": _("文件是空的，请重新选择。")})
    if size > limit:
        raise ValidationError(
            {
                "file": _("文件大小 %(s).1f MB，超过“%(n)s”的上限 %(m)d MB。")
                % {"s": size / 1024 / 1024, "n": requirement.name, "m": requirement.max_size_mb}
            }
        )
    allowed = [_ALIASES.get(t, t) for t in requirement.allowed_type_list]
    kind = detect_type(uploaded_file)
    if kind not in allowed:
        raise ValidationError(
            {
                "file": _("文件内容不是允许的类型（%(allowed)s）；识别为：%(found)s")
                % {"allowed": type_names(allowed), "found": TYPE_LABELS[kind]}
            }
        )
    attachment = Attachment(
        application=application,
        requirement_code=requirement.code,
        original_name=_clean_name(uploaded_file.name or ""),
        detected_type=kind,
        size=size,
        sha256=_sha256(uploaded_file),
        uploaded_by=actor,
    )
    # The file is written first (random name, see models.attachment_path); if the row cannot be
    # saved, the file is removed again so that no orphan is left behind.
    attachment.file.save(attachment.original_name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            require_editable(actor, locked, "application.attachment_upload")
            attachment.save()
            audit_record(
                actor=actor,
                action="application.attachment_upload",
                obj=application,
                changes={
                    "attachments": {
                        "before": None,
                        "after": {
                            "id": attachment.pk,
                            "requirement": requirement.code,
                            "name": attachment.original_name,
                            "type": kind,
                            "size": size,
                            "sha256": attachment.sha256,
                        },
                    }
                },
            )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment while the application can be edited; the file goes once the removal commits."""
    application = attachment.application
    require_editable(actor, application, "application.attachment_delete")
    closed = closed_draft_reason(application)
    if closed:
        raise ValidationError(closed)
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="application.attachment_delete",
            obj=application,
            changes={
                "attachments": {
                    "before": {
                        "id": attachment.pk,
                        "requirement": attachment.requirement_code,
                        "name": attachment.original_name,
                        "sha256": attachment.sha256,
                    },
                    "after": None,
                }
            },
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


def attachment_download(*, actor: Any, application_id: int, attachment_id: int) -> FileResponse:
    """The file, for those who may see the application (the enterprise its own, a district its
    district's, municipal roles all; anyone else gets 404). Sent as a download under its original
    name, never rendered inline; the download is audited."""
    attachment = attachment_get(actor=actor, application_id=application_id, attachment_id=attachment_id)
    audit_record(
        actor=actor,
        action="application.attachment_download",
        obj=attachment.application,
        message=f"{attachment.original_name} (#{attachment.pk}, sha256 {attachment.sha256[:12]}…)",
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.detected_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
