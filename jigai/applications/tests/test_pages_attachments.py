"""The attachments section of the edit page: each item of the call's checklist, uploads checked by
content (the service's Chinese refusal shown without losing the page), download and delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.applications.models import Application
from jigai.applications.tests.conftest import PDF, PNG, upload
from jigai.calls import defaults
from jigai.calls.models import CallAttachmentRequirement

pytestmark = pytest.mark.django_db


def upload_url(application: Application, code: str) -> str:
    return reverse("applications:attachment_upload", kwargs={"pk": application.pk, "code": code})


def test_each_requirement_is_listed_with_its_types_size_and_marker(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    html = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    for code, name, _required, types, size in defaults.ATTACHMENTS:
        assert f'id="requirement-{code}"' in html
        assert name in html
        assert f"允许 {'、'.join(t.upper() for t in types.split(','))}，单个文件不超过 {size} MB" in html
        assert f'action="{upload_url(draft, code)}"' in html


def test_a_png_named_pdf_is_refused_with_the_content_type_message(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(
        upload_url(draft, "feasibility"),
        {"file": SimpleUploadedFile("报告.pdf", PNG, content_type="application/pdf")},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "文件内容不是允许的类型（PDF）；识别为：PNG 图片" in html
    assert "项目基本情况" in html and 'id="draft-form"' in html  # the rest of the page is there
    assert not draft.attachments.exists()


def test_htmx_upload_swaps_only_the_item(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(
        upload_url(draft, "feasibility"),
        {"file": SimpleUploadedFile("报告.pdf", PNG, content_type="application/pdf")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<div class="border rounded p-3 mb-3 jg-requirement" id="requirement-feasibility"'
    )
    assert "识别为：PNG 图片" in html and "HX-Trigger" not in response
    assert 'id="draft-form"' not in html

    response = client.post(
        upload_url(draft, "feasibility"),
        {"file": SimpleUploadedFile("可研报告.pdf", PDF, content_type="application/octet-stream")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "applicationChanged"
    html = response.content.decode()
    assert "可研报告.pdf" in html and "jg-upload-error" not in html
    assert draft.attachments.get().detected_type == "pdf"


def test_a_file_over_the_limit_is_refused(client, enterprise_user, draft):
    CallAttachmentRequirement.objects.filter(rules=draft.rules, code="business_licence").update(max_size_mb=1)
    client.force_login(enterprise_user)
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(
        upload_url(draft, "business_licence"), {"file": SimpleUploadedFile("执照.pdf", big)}
    )
    assert response.status_code == 422
    assert "超过“营业执照”的上限 1 MB" in response.content.decode()
    assert not draft.attachments.exists()


def test_no_file_chosen(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(upload_url(draft, "feasibility"), {}, HTTP_HX_REQUEST="true")
    assert "请选择要上传的文件。" in response.content.decode()


def test_plain_upload_download_and_delete(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(upload_url(draft, "feasibility"), {"file": SimpleUploadedFile("可研.pdf", PDF)})
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    attachment = draft.attachments.get()

    download = reverse(
        "applications:my_attachment_download", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    delete = reverse(
        "applications:attachment_delete", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}
    )
    response = client.post(delete, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "applicationChanged"
    assert "可研.pdf" not in response.content.decode()
    assert not draft.attachments.exists()


def test_files_of_a_submitted_application_cannot_be_deleted(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    attachment = submitted.attachments.first()
    delete = reverse(
        "applications:attachment_delete", kwargs={"pk": submitted.pk, "attachment_pk": attachment.pk}
    )
    # the applicant may delete its files, only not once submitted: back to the application, the reason
    refused = client.post(delete)
    assert refused.status_code == 302 and refused["Location"] == reverse(
        "applications:my_detail", kwargs={"pk": submitted.pk}
    )
    assert "不能修改" in client.get(refused["Location"]).content.decode()
    assert (
        client.post(
            upload_url(submitted, "feasibility"), {"file": SimpleUploadedFile("a.pdf", PDF)}
        ).status_code
        == 403
    )
    assert submitted.attachments.filter(pk=attachment.pk).exists()


def test_another_enterprise_cannot_reach_the_files(client, enterprise_user, other_district_users, draft):
    attachment = upload(enterprise_user, draft, "feasibility")
    client.force_login(other_district_users[Role.ENTERPRISE])
    download = reverse(
        "applications:my_attachment_download", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}
    )
    delete = reverse(
        "applications:attachment_delete", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}
    )
    assert client.get(download).status_code == 404
    assert client.post(delete).status_code == 404
    assert (
        client.post(upload_url(draft, "feasibility"), {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code
        == 404
    )
    assert draft.attachments.count() == 1
