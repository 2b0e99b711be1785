"""Attachments: type from the content, size limit, storage under a random name, guarded download."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.attachments import attachment_delete, detect_type
from jigai.applications.models import Attachment
from jigai.applications.tests.conftest import JPEG, PDF, PNG, office_file, plain_zip, upload
from jigai.audit.models import AuditEvent
from jigai.calls.models import CallAttachmentRequirement
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role

BASE = "/api/v1/applications"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (office_file("word"), "docx"),
        (office_file("xl"), "xlsx"),
        (plain_zip(), "zip"),
        (b"PK\x03\x04 not really a zip", "unknown"),
        (b"MZ\x90\x00 a windows program", "exe"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .doc", "ole"),
        (b"  <!DOCTYPE html><html></html>", "html"),
        (b"just some text", "unknown"),
    ],
)
def test_the_type_comes_from_the_content(content, kind):
    stream = io.BytesIO(content)
    assert detect_type(stream) == kind
    assert stream.tell() == 0


def test_a_pdf_is_stored_under_a_random_name_with_its_hash(enterprise_user, draft, media_in_tmp):
    attachment = upload(enterprise_user, draft, "feasibility", PDF, name="../../可行性研究报告（终稿）.pdf")
    assert attachment.original_name == "可行性研究报告（终稿）.pdf"
    assert attachment.detected_type == "pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media_in_tmp)
    assert "可行性" not in stored.name and not stored.name.endswith(".pdf")
    assert stored.read_bytes() == PDF
    event = AuditEvent.objects.get(action="application.attachment_upload")
    assert event.changes["attachments"]["after"]["sha256"] == attachment.sha256


def test_a_png_named_pdf_is_refused(enterprise_user, draft, media_in_tmp):
    with pytest.raises(ValidationError) as info:
        upload(enterprise_user, draft, "feasibility", PNG, name="可行性研究报告.pdf")
    assert info.value.message_dict == {"file": ["文件内容不是允许的类型（PDF）；识别为：PNG 图片"]}
    assert not Attachment.objects.exists()
    assert not [p for p in media_in_tmp.rglob("*") if p.is_file()]


def test_the_browser_content_type_is_ignored(enterprise_user, draft):
    uploaded = SimpleUploadedFile("licence.png", PDF, content_type="image/png")
    from jigai.applications.attachments import attachment_upload

    attachment = attachment_upload(
        actor=enterprise_user, application=draft, requirement_code="business_licence", uploaded_file=uploaded
    )
    assert attachment.detected_type == "pdf"


def test_an_image_is_accepted_where_images_are_allowed(enterprise_user, draft):
    assert upload(enterprise_user, draft, "business_licence", JPEG, name="执照.jpeg").detected_type == "jpg"
    with pytest.raises(ValidationError) as info:
        upload(enterprise_user, draft, "business_licence", office_file("word"), name="执照.pdf")
    assert info.value.message_dict["file"] == [
        "文件内容不是允许的类型（PDF、JPG、PNG）；识别为：Word 文档（DOCX）"
    ]


def test_workbooks_and_zips_where_allowed(enterprise_user, draft):
    assert (
        upload(enterprise_user, draft, "investment_evidence", office_file("xl"), "明细.xlsx").detected_type
        == "xlsx"
    )
    assert (
        upload(enterprise_user, draft, "investment_evidence", plain_zip(), "发票.zip").detected_type == "zip"
    )


def test_size_limit_and_empty_files(enterprise_user, draft):
    CallAttachmentRequirement.objects.filter(rules=draft.rules, code="credit_commitment").update(
        max_size_mb=1
    )
    with pytest.raises(ValidationError) as info:
        upload(enterprise_user, draft, "credit_commitment", PDF + b"0" * (1024 * 1024), "承诺书.pdf")
    assert info.value.message_dict["file"] == ["文件大小 1.0 MB，超过“信用承诺书”的上限 1 MB。"]
    with pytest.raises(ValidationError) as info:
        upload(enterprise_user, draft, "credit_commitment", b"", "承诺书.pdf")
    assert info.value.message_dict["file"] == ["文件是空的，请重新选择。"]
    assert not Attachment.objects.exists()


def test_an_item_the_call_does_not_ask_for(enterprise_user, draft):
    with pytest.raises(ValidationError) as info:
        upload(enterprise_user, draft, "tax_return")
    assert info.value.message_dict["requirement_code"] == ["本通知的申报材料清单中没有“tax_return”。"]


def test_only_the_applicant_uploads_and_only_while_editable(enterprise_user, draft, submitted):
    with pytest.raises(PermissionRefused):
        upload(user_for_role(Role.ENTERPRISE), draft, "feasibility")
    # who may (the applicant) before whether now: the state is a 422, not a refusal of the user
    with pytest.raises(ValidationError, match="不能修改"):
        upload(enterprise_user, submitted, "feasibility")


def test_delete_in_draft_removes_the_file_after_commit(
    enterprise_user, draft, django_capture_on_commit_callbacks
):
    attachment = upload(enterprise_user, draft, "feasibility")
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=enterprise_user, attachment=attachment)
    assert not Attachment.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action="application.attachment_delete").exists()


def test_attachments_of_a_submitted_application_cannot_be_deleted(enterprise_user, submitted):
    with pytest.raises(ValidationError, match="不能修改"):
        attachment_delete(actor=enterprise_user, attachment=submitted.attachments.first())


# --- download ---------------------------------------------------------------------------------
def download(client, application, attachment):
    return client.get(f"{BASE}/{application.pk}/attachments/{attachment.pk}")


def test_download_sends_the_file_as_an_attachment_under_its_chinese_name(client, enterprise_user, draft):
    attachment = upload(enterprise_user, draft, "feasibility", PDF, name="可行性研究报告.pdf")
    client.force_login(enterprise_user)
    response = download(client, draft, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('可行性研究报告.pdf')}"
    assert AuditEvent.objects.filter(action="application.attachment_download").exists()


@pytest.mark.parametrize(
    ("role", "district", "status"),
    [
        (Role.DISTRICT_OFFICER, "310115", 200),
        (Role.DISTRICT_HEAD, "310115", 200),
        (Role.DISTRICT_OFFICER, "310104", 404),
        (Role.MUNICIPAL_OFFICER, "310115", 200),
        (Role.FINANCE_OFFICER, "310115", 200),
        (Role.EXPERT, "310115", 404),
        (Role.AUDITOR, "310115", 404),
        (Role.SYSADMIN, "310115", 404),
        (Role.ENTERPRISE, "310115", 404),
    ],
)
def test_who_may_download(client, submitted, role, district, status):
    client.force_login(user_for_role(role, district_code=district))
    assert download(client, submitted, submitted.attachments.first()).status_code == status


def test_an_attachment_of_another_application_is_not_found(client, enterprise_user, submitted, open_call):
    other = services.application_create(actor=enterprise_user, call=open_call)
    client.force_login(enterprise_user)
    assert download(client, other, submitted.attachments.first()).status_code == 404


def test_a_draft_attachment_is_not_visible_to_officials(client, enterprise_user, draft):
    attachment = upload(enterprise_user, draft, "feasibility")
    client.force_login(user_for_role(Role.MUNICIPAL_HEAD))
    assert download(client, draft, attachment).status_code == 404
