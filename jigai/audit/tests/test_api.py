"""The audit API: filters, one event with its changes, the verification."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jigai.accounts.choices import Role
from jigai.audit.choices import Outcome
from jigai.audit.models import AuditEvent
from jigai.audit.services import audit_record

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit/events"


@pytest.fixture
def api(client: Client, auditor: Any) -> Client:
    client.force_login(auditor)
    return client


def test_the_list_is_paginated_and_filtered(api: Client) -> None:
    for n in range(3):
        audit_record(actor=None, username="alice", action=f"auth.login{n}", outcome=Outcome.FAILURE)
    audit_record(actor=None, username="bob", action="user.create")
    body = api.get(EVENTS, {"limit": 2}).json()
    assert body["count"] == 4
    assert [e["seq"] for e in body["items"]] == [4, 3]
    body = api.get(EVENTS, {"username": "alice", "outcome": "failure", "offset": "2"}).json()
    assert body["count"] == 3
    assert [e["seq"] for e in body["items"]] == [1]
    item = body["items"][0]
    assert item["outcome_label"] == "失败"
    assert item["occurred_at"].endswith(("Z", "+00:00"))
    assert "changes" not in item
    assert api.get(EVENTS, {"action": "user."}).json()["count"] == 1
    assert api.get(EVENTS, {"outcome": ["failure", "success"]}).json()["count"] == 4


def test_bad_filters_are_422_with_the_field(api: Client) -> None:
    response = api.get(EVENTS, {"outcome": "maybe"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    response = api.get(EVENTS, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "date_to", "message": "结束日期不能早于开始日期。"}]


def test_one_event_with_its_changes(api: Client, role_users: dict[str, Any]) -> None:
    event = audit_record(
        actor=role_users[Role.SYSADMIN],
        action="user.deactivate",
        changes={"is_active": {"before": True, "after": False}},
    )
    body = api.get(f"{EVENTS}/{event.pk}").json()
    assert body["changes"] == {"is_active": {"before": True, "after": False}}
    assert body["role_label"] == "系统管理员"
    assert body["hash"] == event.hash
    missing = api.get(f"{EVENTS}/999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_verify_reports_and_records(api: Client, chain: list[AuditEvent], behind_the_back: Any) -> None:
    body = api.post("/api/v1/audit/verify").json()
    assert body["ok"] is True
    assert body["checked"] == 5
    assert body["summary"] == "审计链完整：共 5 条事件"
    assert body["problem"] is None
    assert body["last_seq"] == 5
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", ["mallory", 2])
    body = api.post("/api/v1/audit/verify").json()
    assert body["ok"] is False
    assert body["problem"] == {
        "seq": 2,
        "event_id": chain[1].pk,
        "kind": "changed",
        "message": "事件 #2 的内容与其哈希不符：该事件被修改。",
        "expected_seq": 2,
    }
    outcomes = list(
        AuditEvent.objects.filter(action="audit.verify").order_by("seq").values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.SUCCESS, Outcome.FAILURE]


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN])
def test_the_other_administrators_are_refused_with_the_reason(
    client: Client, role_users: dict[str, Any], role: str
) -> None:
    client.force_login(role_users[role])
    response = client.get(EVENTS)
    assert response.status_code == 403
    assert "三员分立" in response.json()["message"]
