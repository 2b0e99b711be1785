"""The enterprise's to-do: its drafts of open calls with the nearest deadline, and the open calls it
has not applied to yet with theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jigai.applications import services
from jigai.applications.tests.conftest import save, valid_draft
from jigai.calls.models import Call
from jigai.core.todos import todos_for

pytestmark = pytest.mark.django_db


def by_key(user):
    return {t.key: t for t in todos_for(user)}


def test_an_open_call_not_applied_to_is_a_todo_with_its_deadline(client, enterprise_user, open_call):
    todo = by_key(enterprise_user)["applications.open_calls"]
    assert todo.count == 1 and open_call.title in todo.hint and "还剩" in todo.hint
    assert "applications.drafts" not in by_key(enterprise_user)

    client.force_login(enterprise_user)
    home = client.get("/").content.decode()
    assert "正在申报的通知" in home and open_call.title in home


def test_a_draft_is_a_todo_until_its_call_closes(client, enterprise_user, open_call):
    draft = services.application_create(actor=enterprise_user, call=open_call)
    save(enterprise_user, draft, valid_draft())
    todos = by_key(enterprise_user)
    assert "applications.open_calls" not in todos  # applied: the draft's to-do says the rest
    drafts = todos["applications.drafts"]
    assert drafts.count == 1 and drafts.url == "/applications/mine/"
    assert "申报截止" in drafts.hint and "还剩 9 天" in drafts.hint

    client.force_login(enterprise_user)
    assert "未提交的申报草稿" in client.get("/").content.decode()

    Call.objects.filter(pk=open_call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert "applications.drafts" not in by_key(enterprise_user)


def test_a_submitted_application_is_no_longer_a_todo(enterprise_user, submitted):
    todos = by_key(enterprise_user)
    assert "applications.drafts" not in todos and "applications.open_calls" not in todos
