"""Only the audit administrator reads the audit trail; the filters select what they say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from jigai.accounts.choices import Role
from jigai.audit.models import AuditEvent
from jigai.audit.selectors import audit_event_get, audit_event_list, can_read_audit
from jigai.audit.services import audit_record
from jigai.core import context
from jigai.core.permissions import PermissionRefused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.AUDITOR])
def test_every_other_role_is_refused_with_a_reason(role_users: dict[str, Any], role: str) -> None:
    decision = can_read_audit(role_users[role])
    assert not decision.allowed
    assert decision.reason
    with pytest.raises(PermissionRefused) as refused:
        audit_event_list(actor=role_users[role])
    assert refused.value.reason == decision.reason
    assert refused.value.action == "audit.read"


@pytest.mark.parametrize(("role", "name"), [(Role.SYSADMIN, "系统管理员"), (Role.SECADMIN, "安全管理员")])
def test_the_other_two_administrators_are_told_it_is_separation_of_duties(
    role_users: dict[str, Any], role: str, name: str
) -> None:
    audit_record(actor=role_users[role], action="user.create")
    decision = can_read_audit(role_users[role])
    assert decision.reason == f"三员分立：{name}不能查阅审计日志，审计日志只由审计管理员查阅。"
    with pytest.raises(PermissionRefused):
        audit_event_get(actor=role_users[role], pk=AuditEvent.objects.get().pk)


def test_anonymous_and_inactive_users_are_refused(role_users: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert can_read_audit(AnonymousUser()).reason == "请先登录。"
    assert can_read_audit(None).reason == "请先登录。"
    auditor = role_users[Role.AUDITOR]
    auditor.is_active = False
    assert can_read_audit(auditor).reason == "账户已停用。"


def test_the_auditor_reads_every_event_newest_first(role_users: dict[str, Any]) -> None:
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.ENTERPRISE):
        audit_record(actor=role_users[role], action="test.read")
    events = audit_event_list(actor=role_users[Role.AUDITOR])
    assert [e.seq for e in events] == [3, 2, 1]
    assert [e.role for e in events] == [Role.ENTERPRISE, Role.SECADMIN, Role.SYSADMIN]


def _at(when: datetime, **kwargs: Any) -> AuditEvent:
    with mock.patch("jigai.audit.services.timezone.now", return_value=when):
        return audit_record(actor=None, **kwargs)


def test_dates_are_days_in_shanghai(auditor: Any) -> None:
    # 2026-01-20 in Shanghai runs from 2026-01-19 16:00 to 2026-01-20 16:00 UTC.
    _at(datetime(2026, 1, 19, 15, 59, 59, tzinfo=UTC), action="test.day19")
    _at(datetime(2026, 1, 19, 16, 0, 0, tzinfo=UTC), action="test.day20.first")
    _at(datetime(2026, 1, 20, 15, 59, 59, 999999, tzinfo=UTC), action="test.day20.last")
    _at(datetime(2026, 1, 20, 16, 0, 0, tzinfo=UTC), action="test.day21")

    def actions(**filters: Any) -> list[str]:
        return [e.action for e in audit_event_list(actor=auditor, **filters)]

    day = date(2026, 1, 20)
    assert actions(date_from=day, date_to=day) == ["test.day20.last", "test.day20.first"]
    assert actions(date_from=day) == ["test.day21", "test.day20.last", "test.day20.first"]
    assert actions(date_to=day) == ["test.day20.last", "test.day20.first", "test.day19"]
    assert actions(since=datetime(2026, 1, 20, 16, 0, 0, tzinfo=UTC)) == ["test.day21"]


def test_a_reversed_date_range_is_refused(auditor: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        audit_event_list(actor=auditor, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
    assert error.value.message_dict == {"date_to": ["结束日期不能早于开始日期。"]}


def test_filters(auditor: Any, role_users: dict[str, Any]) -> None:
    sysadmin = role_users[Role.SYSADMIN]
    token = context.set_current(
        context.RequestContext(ip_address="10.1.2.3", request_id="req-1", channel="web")
    )
    try:
        audit_record(actor=sysadmin, action="user.create", obj=role_users[Role.EXPERT])
        audit_record(actor=sysadmin, action="user.deactivate", obj=role_users[Role.EXPERT], outcome="denied")
    finally:
        context.reset(token)
    audit_record(actor=None, username="ghost", action="auth.login", outcome="failure")
    audit_record(actor=None, action="userx.other")

    def seqs(**filters: Any) -> list[int]:
        return [e.seq for e in audit_event_list(actor=auditor, **filters)]

    expert_id = str(role_users[Role.EXPERT].pk)
    assert seqs(username=sysadmin.username) == [2, 1]
    assert seqs(username=sysadmin.username.upper()) == []  # account names are case-sensitive
    assert seqs(username="ghost") == [3]
    assert seqs(action="user.") == [2, 1]
    assert seqs(action="user") == [4, 2, 1]
    assert seqs(action="auth.login") == [3]
    assert seqs(object_type="accounts.user", object_id=expert_id) == [2, 1]
    assert seqs(object_type="accounts.user", object_id="0") == []
    assert seqs(outcome="denied") == [2]
    assert seqs(outcome=["denied", "failure"]) == [3, 2]
    assert seqs(ip_address="10.1.2.3") == [2, 1]
    assert seqs(request_id="req-1") == [2, 1]
    assert seqs(request_id="req-1", outcome="success") == [1]


def test_an_unknown_outcome_is_refused(auditor: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        audit_event_list(actor=auditor, outcome="maybe")
    assert error.value.message_dict == {"outcome": ["未知的结果：maybe。"]}


def test_the_list_takes_the_same_number_of_queries_however_many_events(
    auditor: Any, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        audit_record(actor=None, action=f"test.{n}")
    with django_assert_num_queries(1):
        list(audit_event_list(actor=auditor))
    for n in range(20):
        audit_record(actor=None, action=f"test.more{n}")
    with django_assert_num_queries(1):
        list(audit_event_list(actor=auditor, since=datetime.now(UTC) - timedelta(days=1)))
