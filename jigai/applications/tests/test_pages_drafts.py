"""Drafts over their life: a second 新建申报 reuses the untouched draft, a draft of a closed call is
read-only, the enterprise deletes its own drafts (audited, never a submitted application), and
the drafts nobody filled are purged once their call has closed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application
from jigai.applications.tests.conftest import make_enterprise, save, upload, valid_draft
from jigai.audit.models import AuditEvent
from jigai.calls.models import Call
from jigai.core.testing.factories import user_for_role

pytestmark = pytest.mark.django_db


def url(name: str, application: Application) -> str:
    return reverse(f"applications:{name}", kwargs={"pk": application.pk})


def close(call: Call) -> None:
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))


def test_a_second_click_on_new_opens_the_untouched_draft(client, enterprise_user, open_call):
    client.force_login(enterprise_user)
    create = reverse("applications:create", kwargs={"call_pk": open_call.pk})
    first = client.post(create)
    second = client.post(create)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.filter(call=open_call).count() == 1
    # once something is saved into it, 新建申报 starts another project
    draft = Application.objects.get(call=open_call)
    save(enterprise_user, draft, valid_draft())
    client.post(create)
    assert Application.objects.filter(call=open_call).count() == 2


def test_a_draft_of_a_closed_call_is_read_only(client, enterprise_user, open_call):
    draft = save(
        enterprise_user, services.application_create(actor=enterprise_user, call=open_call), valid_draft()
    )
    close(open_call)
    draft.refresh_from_db()
    client.force_login(enterprise_user)

    listing = client.get(reverse("applications:mine")).content.decode()
    assert "已截止" in listing and url("edit", draft) not in listing and url("my_detail", draft) in listing

    response = client.get(url("edit", draft))
    assert response.status_code == 302 and response["Location"] == url("my_detail", draft)
    detail = client.get(url("my_detail", draft)).content.decode()
    assert 'id="closed-draft"' in detail and "已截止申报" in detail
    assert url("edit", draft) not in detail and "继续填写" not in detail
    assert 'id="delete-draft-button"' in detail

    with pytest.raises(ValidationError) as caught:
        save(enterprise_user, draft, valid_draft(name="截止后改名"))
    assert "已截止申报" in str(caught.value)
    with pytest.raises(ValidationError):
        upload(enterprise_user, draft, "business_licence")
    response = client.post(url("submit", draft), {"lock_version": draft.lock_version, "draft_form": "1"})
    assert response.status_code == 422 and "已截止申报" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.name != "截止后改名"


def test_the_enterprise_deletes_its_draft_and_the_deletion_is_audited(client, enterprise_user, draft):
    upload(enterprise_user, draft, "business_licence")
    client.force_login(enterprise_user)
    listing = client.get(reverse("applications:mine")).content.decode()
    assert url("delete_draft", draft) in listing

    response = client.post(url("delete_draft", draft))
    assert response.status_code == 302 and response["Location"] == reverse("applications:mine")
    assert not Application.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action="application.delete_draft", object_id=str(draft.pk))
    assert event.actor_id == enterprise_user.pk
    assert event.changes["attachments"]["before"] == ["材料.pdf"]


def test_a_submitted_application_is_not_deleted(client, enterprise_user, submitted):
    client.force_login(enterprise_user)
    assert url("delete_draft", submitted) not in client.get(url("my_detail", submitted)).content.decode()
    response = client.post(url("delete_draft", submitted))
    assert response.status_code == 422
    assert "只有草稿可以删除" in response.content.decode()
    assert Application.objects.filter(pk=submitted.pk, status=ApplicationStatus.SUBMITTED).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_enterprise", 404),
        (Role.DISTRICT_OFFICER, 403),
        (Role.MUNICIPAL_OFFICER, 403),
        (Role.AUDITOR, 403),
    ],
)
def test_nobody_else_deletes_a_draft(client, draft, who, status):
    if who == "other_enterprise":
        user = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise())
    else:
        user = user_for_role(who)
    client.force_login(user)
    assert client.post(url("delete_draft", draft)).status_code == status
    assert Application.objects.filter(pk=draft.pk).exists()


def test_empty_drafts_of_closed_calls_are_purged(enterprise_user, open_call):
    # (each new draft is made after the previous one was filled: an untouched one would be reused)
    with_file = services.application_create(actor=enterprise_user, call=open_call)
    upload(enterprise_user, with_file, "business_licence")
    filled = save(
        enterprise_user, services.application_create(actor=enterprise_user, call=open_call), valid_draft()
    )
    empty = services.application_create(actor=enterprise_user, call=open_call)
    assert len({empty.pk, filled.pk, with_file.pk}) == 3
    out = StringIO()
    call_command("purge_empty_drafts", stdout=out)
    assert Application.objects.filter(pk=empty.pk).exists()  # its call is still open

    close(open_call)
    call_command("purge_empty_drafts", stdout=out)
    assert "已删除 1 份空白草稿" in out.getvalue()
    assert not Application.objects.filter(pk=empty.pk).exists()
    assert Application.objects.filter(pk__in=[filled.pk, with_file.pk]).count() == 2
    assert AuditEvent.objects.filter(action="application.delete_draft", object_id=str(empty.pk)).exists()
