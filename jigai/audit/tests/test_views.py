"""The auditor's pages: filters, the detail with before/after values, the inline verification,
the CSV export; the 403 page for everyone else."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record
from jigai.audit.views import csv_cell

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")


@pytest.fixture
def auditor_client(client: Client, auditor: Any) -> Client:
    client.force_login(auditor)
    return client


def _rows(response: Any) -> list[int]:
    """The seqs in the results table, in order."""
    import re

    return [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', response.content.decode())]


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.MUNICIPAL_HEAD, Role.ENTERPRISE])
def test_other_roles_get_the_403_page_with_the_reason(
    client: Client, role_users: dict[str, Any], role: str
) -> None:
    user = role_users[role]
    audit_record(actor=user, action="user.create")
    client.force_login(user)
    event = AuditEvent.objects.get()
    for url in (LIST, reverse("audit:event_detail", args=[event.pk]), reverse("audit:event_export")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "审计管理员" in response.content.decode()  # the reason names who may
        assert "user.create" not in response.content.decode()
    response = client.post(reverse("audit:verify"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.verify").exclude(outcome=Outcome.DENIED).exists()
    # Each refusal is itself recorded.
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=user.pk).count() == 4


def test_the_separation_of_duties_reason_is_shown_to_the_sysadmin(
    client: Client, role_users: dict[str, Any]
) -> None:
    client.force_login(role_users[Role.SYSADMIN])
    response = client.get(LIST)
    assert response.status_code == 403
    assert "三员分立：系统管理员不能查阅审计日志，审计日志只由审计管理员查阅。" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_list_shows_events_in_shanghai_time(auditor_client: Client, role_users: dict[str, Any]) -> None:
    sysadmin = role_users[Role.SYSADMIN]
    with mock.patch(
        "jigai.audit.services.timezone.now", return_value=datetime(2026, 1, 20, 1, 2, 3, tzinfo=UTC)
    ):
        audit_record(actor=sysadmin, action="user.create", object_repr="李四", outcome=Outcome.SUCCESS)
    response = auditor_client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-01-20 09:02:03" in page
    assert sysadmin.username in page
    assert "上海市经济和信息化委员会" in page
    assert "系统管理员" in page
    assert "user.create" in page
    assert "李四" in page
    assert 'class="badge text-bg-success">成功' in page
    assert "校验审计链" in page


def test_filters_in_the_query_string(auditor_client: Client) -> None:
    audit_record(actor=None, username="alice", action="auth.login", outcome=Outcome.FAILURE)
    audit_record(actor=None, username="bob", action="auth.login")
    audit_record(
        actor=None, username="alice", action="user.create", object_type="accounts.user", object_id="7"
    )
    audit_record(actor=None, username="carol", action="auth.logout", outcome=Outcome.DENIED)

    assert _rows(auditor_client.get(LIST)) == [4, 3, 2, 1]
    assert _rows(auditor_client.get(LIST, {"username": "alice"})) == [3, 1]
    assert _rows(auditor_client.get(LIST, {"action": "auth."})) == [4, 2, 1]
    assert _rows(auditor_client.get(LIST, {"action": "auth.login", "outcome": "failure"})) == [1]
    assert _rows(auditor_client.get(LIST, {"outcome": ["failure", "denied"]})) == [4, 1]
    assert _rows(auditor_client.get(LIST, {"object_type": "accounts.user", "object_id": "7"})) == [3]
    assert _rows(auditor_client.get(LIST, {"date_from": "2000-01-01", "date_to": "2000-01-31"})) == []
    assert _rows(auditor_client.get(LIST, {"recent": "24"})) == [4, 3, 2, 1]


def test_the_filter_form_keeps_the_input_when_dates_are_reversed(auditor_client: Client) -> None:
    audit_record(actor=None, action="auth.login")
    response = auditor_client.get(
        LIST, {"date_from": "2026-02-01", "date_to": "2026-01-01", "username": "alice"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in page
    assert 'value="alice"' in page
    assert 'value="2026-02-01"' in page
    assert _rows(response) == []


def test_htmx_filtering_returns_only_the_results(auditor_client: Client) -> None:
    audit_record(actor=None, username="alice", action="auth.login")
    response = auditor_client.get(LIST, {"username": "alice"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="audit-table"' in page
    assert "<html" not in page
    assert _rows(response) == [1]


def test_the_list_is_paginated(auditor_client: Client) -> None:
    for n in range(55):
        audit_record(actor=None, action=f"test.{n}")
    first = auditor_client.get(LIST)
    assert _rows(first) == list(range(55, 5, -1))
    assert "共 55 条" in first.content.decode()
    assert _rows(auditor_client.get(LIST, {"page": 2})) == [5, 4, 3, 2, 1]


def test_the_detail_shows_before_and_after_values(auditor_client: Client, role_users: dict[str, Any]) -> None:
    event = audit_record(
        actor=role_users[Role.SYSADMIN],
        action="user.deactivate",
        obj=role_users[Role.EXPERT],
        changes={"is_active": {"before": True, "after": False}, "note": {"before": None, "after": "离职"}},
        message="专家已离职",
    )
    response = auditor_client.get(reverse("audit:event_detail", args=[event.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "审计事件 #1" in page
    assert '<tr data-field="is_active">' in page
    assert '<td class="before"><pre class="mb-0 small">true</pre></td>' in page
    assert '<td class="after"><pre class="mb-0 small">false</pre></td>' in page
    assert '<td class="after"><pre class="mb-0 small">离职</pre></td>' in page
    assert "专家已离职" in page
    assert event.hash in page
    assert 'id="event-integrity" data-ok="true"' in page
    expert = role_users[Role.EXPERT]
    assert f"?object_type=accounts.user&amp;object_id={expert.pk}" in page


def test_the_detail_of_a_changed_event_says_so(auditor_client: Client, behind_the_back: Any) -> None:
    event = audit_record(actor=None, action="test.one", message="原文")
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET message = %s WHERE id = %s", ["篡改", event.pk])
    page = auditor_client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()
    assert 'id="event-integrity" data-ok="false"' in page
    assert "本事件内容与哈希不符" in page


def test_an_unknown_event_is_404(auditor_client: Client) -> None:
    assert auditor_client.get(reverse("audit:event_detail", args=[999])).status_code == 404


def test_the_verify_button_shows_the_result_inline(auditor_client: Client, chain: list[AuditEvent]) -> None:
    response = auditor_client.post(reverse("audit:verify"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="verify-outcome" data-ok="true"' in page
    assert response["HX-Trigger"] == "audit-verified"  # the results reload
    assert "审计链完整：共 5 条事件" in page
    recorded = AuditEvent.objects.get(action="audit.verify")
    assert recorded.actor_username == "shenji"
    assert recorded.outcome == Outcome.SUCCESS


def test_the_verify_button_names_the_broken_event(
    auditor_client: Client, chain: list[AuditEvent], behind_the_back: Any
) -> None:
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [4])
    page = auditor_client.post(reverse("audit:verify"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-ok="false"' in page
    assert "事件 #5 之前的事件 #4 已不存在：事件被删除。" in page
    assert reverse("audit:event_detail", args=[chain[4].pk]) in page
    assert AuditEvent.objects.get(action="audit.verify").outcome == Outcome.FAILURE


def test_verify_without_javascript_redirects_with_a_message(
    auditor_client: Client, chain: list[AuditEvent]
) -> None:
    response = auditor_client.post(reverse("audit:verify"), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "审计链完整：共 5 条事件" in response.content.decode()


def test_verify_needs_post(auditor_client: Client) -> None:
    assert auditor_client.get(reverse("audit:verify")).status_code == 405


def test_csv_export_of_the_filtered_list(auditor_client: Client) -> None:
    audit_record(actor=None, username="alice", action="auth.login", message='=HYPERLINK("http://x")')
    audit_record(actor=None, username="bob", action="auth.login")
    response = auditor_client.get(reverse("audit:event_export"), {"username": "alice"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["序号", "时间（北京时间）", "操作人账号"]
    assert len(rows) == 2
    assert rows[1][0] == "1"
    assert rows[1][2] == "alice"
    assert rows[1][10] == '\'=HYPERLINK("http://x")'
    export = AuditEvent.objects.get(action="audit.export")
    assert "username=alice" in export.message


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("普通文本", "普通文本"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


def test_the_auditors_todo_counts_recent_refusals_and_failures(client: Client, auditor: Any) -> None:
    with mock.patch("jigai.audit.services.timezone.now", return_value=datetime(2000, 1, 1, tzinfo=UTC)):
        audit_record(actor=None, action="auth.login", outcome=Outcome.FAILURE)  # long ago
    audit_record(actor=None, action="auth.login", outcome=Outcome.FAILURE)
    audit_record(actor=None, action="permission.denied", outcome=Outcome.DENIED)
    audit_record(actor=None, action="auth.login", outcome=Outcome.SUCCESS)
    from jigai.core.todos import todos_for

    (todo,) = [t for t in todos_for(auditor) if t.key == "audit.recent_problems"]
    assert todo.label == "近24小时拒绝/失败事件"
    assert todo.count == 2
    client.force_login(auditor)
    assert _rows(client.get(todo.url)) == [3, 2]
    home = client.get(reverse("core:home")).content.decode()
    assert "近24小时拒绝/失败事件" in home


def test_no_other_role_gets_the_auditors_todo(role_users: dict[str, Any]) -> None:
    from jigai.core.todos import todos_for

    for role, user in role_users.items():
        if role != Role.AUDITOR:
            assert all(t.key != "audit.recent_problems" for t in todos_for(user))


def test_operations_read_as_words_with_the_code_beside(
    auditor_client: Client, role_users: dict[str, Any]
) -> None:
    event = audit_record(actor=role_users[Role.SYSADMIN], action="user.deactivate", object_repr="王五")
    audit_record(actor=role_users[Role.SYSADMIN], action="something.unlabelled")
    page = auditor_client.get(LIST).content.decode()
    assert "停用账户" in page and "user.deactivate" in page
    assert "something.unlabelled" in page  # an unknown code is shown as itself
    detail = auditor_client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()
    assert "停用账户" in detail


def test_every_action_the_code_records_has_a_label() -> None:
    """Each literal ``action="area.verb"`` given to the audit trail, and each transition of the
    application workflow table (audited as ``application.<action>``), has its words in
    jigai.audit.labels."""
    import re
    from pathlib import Path

    from jigai.applications import workflow
    from jigai.audit.labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    recorded: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts or "migrations" in path.parts:
            continue
        recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    recorded |= {f"application.{t.action}" for t in workflow.transitions()}
    missing = sorted(recorded - ACTION_LABELS.keys())
    assert not missing, missing
