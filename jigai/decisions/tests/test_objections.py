"""Objections (异议) during publicity: lodging (anyone, rate limited, content-checked attachment,
refused outside the period) and handling (dismissed, or upheld: the application leaves the list)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jigai.accounts.choices import Role
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import ApplicationTransition
from jigai.audit.models import AuditEvent
from jigai.core.permissions import PermissionRefused
from jigai.core.testing.factories import user_for_role
from jigai.decisions.choices import ObjectionStatus
from jigai.decisions.models import Decision, Objection, ProposedList
from jigai.decisions.objections import objection_handle, objection_lodge
from jigai.decisions.publicity import proposed_list_approve
from jigai.decisions.tests.factories_decision import PDF, PNG, close_publicity, head, in_publicity, officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def lodge(proposed_list: ProposedList, **overrides: Any) -> Objection:
    values: dict[str, Any] = {
        "actor": None,
        "proposed_list": proposed_list,
        "name": "李四",
        "contact": "13912345678",
        "content": "该企业申报的设备投资与实际不符。",
    }
    values.update(overrides)
    return objection_lodge(**values)


def test_anyone_lodges_an_objection_during_the_period_with_a_pdf():
    _call, applications, proposed_list = in_publicity()
    objection = lodge(
        proposed_list,
        application_id=applications[0].pk,
        uploaded_file=SimpleUploadedFile("证明.pdf", PDF, content_type="application/octet-stream"),
        ip_address="203.0.113.9",
    )
    assert objection.status == ObjectionStatus.OPEN
    assert objection.application == applications[0]
    assert objection.attachment_type == "pdf" and objection.attachment_name == "证明.pdf"
    assert objection.ip_address == "203.0.113.9"
    event = AuditEvent.objects.get(action="review.objection_lodge")
    assert event.actor_id is None and event.object_id == str(objection.pk)
    assert "13912345678" not in str(event.changes)


def test_an_objection_after_the_period_is_refused():
    _call, _applications, proposed_list = in_publicity()
    close_publicity(proposed_list)
    with pytest.raises(ValidationError) as refused:
        lodge(proposed_list)
    assert "公示期已于" in str(refused.value) and "结束，不再受理异议" in str(refused.value)
    assert not Objection.objects.exists()


def test_an_objection_before_the_period_starts_is_refused():
    _call, _applications, proposed_list = in_publicity()
    start = timezone.localdate() + dt.timedelta(days=3)
    ProposedList.objects.filter(pk=proposed_list.pk).update(publicity_starts_on=start)
    proposed_list.refresh_from_db()
    with pytest.raises(ValidationError, match="开始后才能提出异议"):
        lodge(proposed_list)


def test_bad_objections_are_refused_field_by_field():
    _call, _applications, proposed_list = in_publicity()
    with pytest.raises(ValidationError) as empty:
        lodge(proposed_list, name=" ", contact="", content="")
    assert set(empty.value.message_dict) == {"name", "contact", "content"}
    with pytest.raises(ValidationError) as not_listed:
        lodge(proposed_list, application_id=999999)
    assert not_listed.value.message_dict["application_id"] == ["所选项目不在本公示名单中。"]
    exe = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationError) as wrong_type:
        lodge(proposed_list, uploaded_file=exe)
    assert "只能是 PDF、JPG 或 PNG" in wrong_type.value.message_dict["attachment"][0]
    assert "Windows 可执行程序" in wrong_type.value.message_dict["attachment"][0]
    big = SimpleUploadedFile("大.png", PNG + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as too_big:
        lodge(proposed_list, uploaded_file=big)
    assert "超过上限 10 MB" in too_big.value.message_dict["attachment"][0]
    assert not Objection.objects.exists()


def test_a_dismissed_objection_changes_nothing_on_the_list():
    _call, applications, proposed_list = in_publicity()
    objection = lodge(proposed_list, application_id=applications[0].pk)
    handled = objection_handle(
        actor=officer(), objection=objection, outcome="dismissed", reason="经核实，设备发票齐全，投资属实。"
    )
    assert handled.status == ObjectionStatus.DISMISSED
    assert handled.handled_by == officer() and handled.handling_reason.startswith("经核实")
    applications[0].refresh_from_db()
    assert applications[0].status == ApplicationStatus.PUBLICITY
    proposed_list.refresh_from_db()
    assert proposed_list.total_support == Decimal("6000000.00")
    with pytest.raises(ValidationError, match="不能重复处理"):
        objection_handle(actor=officer(), objection=objection, outcome="upheld", reason="再次处理")


def test_an_upheld_objection_removes_the_application_and_updates_the_total(client):
    _call, applications, proposed_list = in_publicity()
    removed, kept = applications
    objection = lodge(proposed_list)  # names no project: the officer says which
    with pytest.raises(ValidationError, match="须指明所涉及的项目"):
        objection_handle(actor=officer(), objection=objection, outcome="upheld", reason="情况属实")

    objection_handle(
        actor=officer(),
        objection=objection,
        outcome="upheld",
        reason="经核实，该项目已获其他市级专项资金支持，不得重复支持。",
        application_id=removed.pk,
    )

    removed.refresh_from_db()
    kept.refresh_from_db()
    assert removed.status == ApplicationStatus.NOT_APPROVED
    assert kept.status == ApplicationStatus.PUBLICITY
    transition = ApplicationTransition.objects.get(application=removed, action="objection_upheld")
    assert transition.comment.startswith("经核实，该项目已获其他市级专项资金支持")
    decision = Decision.objects.get(application=removed)
    assert decision.removed_at is not None and decision.removal_reason.startswith("经核实")
    proposed_list.refresh_from_db()
    assert proposed_list.total_support == Decimal("3000000.00")
    event = AuditEvent.objects.get(action="review.objection_handle")
    assert event.changes["list_total_support"] == {"before": "6000000.00", "after": "3000000.00"}
    page = client.get("/publicity/").content.decode()
    assert removed.name not in page and kept.name in page
    assert "共 1 个项目，拟支持合计 300.00 万元" in page
    # The approval then takes the remaining application only.
    close_publicity(proposed_list)
    proposed_list_approve(actor=head(), call=proposed_list.call)
    kept.refresh_from_db()
    removed.refresh_from_db()
    assert (kept.status, removed.status) == (ApplicationStatus.APPROVED, ApplicationStatus.NOT_APPROVED)


def test_only_the_municipal_officer_handles_objections():
    _call, _applications, proposed_list = in_publicity()
    objection = lodge(proposed_list)
    for role in (Role.MUNICIPAL_HEAD, Role.DISTRICT_OFFICER, Role.EXPERT):
        with pytest.raises(PermissionRefused):
            objection_handle(actor=user_for_role(role), objection=objection, outcome="dismissed", reason="x")


def test_the_upheld_transition_cannot_be_taken_without_an_upheld_objection():
    from jigai.applications.services import application_transition

    _call, applications, _list = in_publicity()
    with pytest.raises(ValidationError, match="只有异议经处理予以采纳后"):
        application_transition(
            actor=officer(), application=applications[0], action="objection_upheld", comment="直接移出"
        )


# --- through the API and the page -------------------------------------------------------------
def test_the_api_takes_objections_and_limits_them_per_address(client):
    _call, applications, proposed_list = in_publicity()
    url = f"/api/v1/review/publicity/{proposed_list.pk}/objections"
    body = {"name": "王五", "contact": "wang@example.com", "content": "申报数据存疑。"}
    first = client.post(
        url, {**body, "application_id": applications[1].pk, "attachment": SimpleUploadedFile("a.png", PNG)}
    )
    assert first.status_code == 201, first.content
    assert "异议已收到" in first.json()["message"]
    assert Objection.objects.get().attachment_type == "png"
    for _ in range(4):
        assert client.post(url, body).status_code == 201
    limited = client.post(url, body)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    assert Objection.objects.count() == 5
    # another address is not limited
    assert client.post(url, body, REMOTE_ADDR="198.51.100.7").status_code == 201


def test_the_api_refuses_an_objection_after_the_period(client):
    _call, _applications, proposed_list = in_publicity()
    close_publicity(proposed_list)
    response = client.post(
        f"/api/v1/review/publicity/{proposed_list.pk}/objections",
        {"name": "王五", "contact": "123", "content": "异议"},
    )
    assert response.status_code == 422
    assert "不再受理异议" in response.json()["message"]


def test_the_page_takes_an_objection_and_says_when_the_limit_is_reached(client):
    _call, applications, proposed_list = in_publicity()
    url = f"/publicity/{proposed_list.pk}/"
    form = {
        "name": "赵六",
        "contact": "021-12345678",
        "content": "项目建设地点与实际不符。",
        "reference_number": applications[0].reference_number,
    }
    response = client.post(url, form, follow=True)
    assert "您的异议已收到" in response.content.decode()
    assert Objection.objects.get().application == applications[0]
    unknown = client.post(url, {**form, "reference_number": "JG2026-000000-0000"})
    assert unknown.status_code == 422
    assert "本公示名单中没有申报编号为" in unknown.content.decode()
    assert 'value="赵六"' in unknown.content.decode()  # the input is kept
    for _ in range(3):
        client.post(url, form)
    limited = client.post(url, form)
    assert limited.status_code == 429
    assert "每小时最多提交 5 次异议" in limited.content.decode()
    assert Objection.objects.count() == 4


def test_the_officer_handles_objections_through_the_api(client):
    _call, applications, proposed_list = in_publicity()
    objection = lodge(proposed_list, application_id=applications[0].pk)
    client.force_login(officer())
    listed = client.get("/api/v1/review/objections?status=open")
    assert listed.status_code == 200
    assert [o["id"] for o in listed.json()["items"]] == [objection.pk]
    response = client.post(
        f"/api/v1/review/objections/{objection.pk}/handle",
        {"outcome": "upheld", "reason": "情况属实"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "upheld"
    applications[0].refresh_from_db()
    assert applications[0].status == ApplicationStatus.NOT_APPROVED
    again = client.post(
        f"/api/v1/review/objections/{objection.pk}/handle",
        {"outcome": "dismissed", "reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 422 and "不能重复处理" in again.json()["message"]


def test_the_officer_handles_an_objection_on_its_page(client):
    _call, _applications, proposed_list = in_publicity()
    objection = lodge(proposed_list, uploaded_file=SimpleUploadedFile("证明.pdf", PDF))
    client.force_login(officer())
    page = client.get(f"/review/objections/{objection.pk}/")
    assert page.status_code == 200 and "该企业申报的设备投资与实际不符" in page.content.decode()
    download = client.get(f"/review/objections/{objection.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    missing_reason = client.post(
        f"/review/objections/{objection.pk}/", {"outcome": "dismissed", "reason": ""}
    )
    assert missing_reason.status_code == 422
    done = client.post(
        f"/review/objections/{objection.pk}/", {"outcome": "dismissed", "reason": "不属实"}, follow=True
    )
    assert "已处理" in done.content.decode()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    # Enterprises and districts see no objections.
    client.force_login(user_for_role(Role.DISTRICT_OFFICER))
    assert client.get("/review/objections/").status_code == 403
