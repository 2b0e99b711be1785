"""``manage.py seed_demo`` and ``manage.py setup_demo``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jigai.accounts.models import User
from jigai.applications.models import Application, Attachment
from jigai.audit.models import AuditEvent
from jigai.calls.models import Call
from jigai.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_URL
from jigai.demo.generators import DemoGenerator
from jigai.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_seed_demo_generates_the_requested_set():
    output = _run("seed_demo", "--seed", "5", "--enterprises", "30", "--enterprise-users", "4")
    assert "30 家企业" in output
    expected = {e.credit_code for e in DemoGenerator(5).enterprises(30)}
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == expected
    assert User.objects.filter(role="enterprise").count() >= 4
    # the default 400 applications, but no enterprise applies more than six times
    assert 0 < Application.objects.count() <= 6 * User.objects.filter(role="enterprise").count()


def test_seed_demo_for_the_bench_applications_without_attachment_files():
    output = _run(
        "seed_demo",
        "--enterprises",
        "60",
        "--enterprise-users",
        "60",
        "--applications",
        "150",
        "--no-attachments",
    )
    assert "150 份申报" in output
    assert Application.objects.count() == 150
    assert not Attachment.objects.exists()


def test_seed_demo_refuses_politely_when_data_exists_and_force_regenerates_keeping_the_audit_trail():
    _run("seed_demo", "--seed", "5", "--enterprises", "20", "--enterprise-users", "2")
    first_events = set(AuditEvent.objects.values_list("seq", flat=True))
    with pytest.raises(CommandError) as exc:
        _run("seed_demo", "--seed", "6", "--enterprises", "20")
    assert "--force" in str(exc.value)
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {
        e.credit_code for e in DemoGenerator(5).enterprises(20)
    }

    output = _run("seed_demo", "--seed", "6", "--enterprises", "25", "--enterprise-users", "2", "--force")
    assert "审计日志保留" in output
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {
        e.credit_code for e in DemoGenerator(6).enterprises(25)
    }
    assert first_events <= set(AuditEvent.objects.values_list("seq", flat=True))
    assert AuditEvent.objects.filter(action="demo.wipe").count() == 1
    assert AuditEvent.objects.filter(action="demo.seed").count() == 2


def test_setup_demo_creates_the_demo_set_once_and_always_prints_the_logins(client):
    output = _run("setup_demo", "--enterprises", "40", "--applications", "60")
    assert "已生成演示数据" in output and "60 份申报" in output
    assert Application.objects.count() == 60
    assert Call.objects.filter(status="published").count() == 2
    for account in DEMO_ACCOUNTS:
        assert account.username in output
        assert account.description_en in output
    assert DEMO_PASSWORD in output and DEMO_URL in output
    assert "不存在" not in output
    counts = (User.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count())
    assert counts[1] == 40

    again = _run("setup_demo", "--enterprises", "40", "--applications", "60")
    assert "已生成演示数据" not in again
    assert "enterprise_demo" in again and DEMO_PASSWORD in again
    assert (User.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count()) == counts
    assert client.login(username="district_pd_head", password=DEMO_PASSWORD)
    # make run passes the address it serves on (PORT=8765 make run)
    elsewhere = _run("setup_demo", "--url", "http://127.0.0.1:8765")
    assert "http://127.0.0.1:8765" in elsewhere and DEMO_URL not in elsewhere


def test_setup_demo_on_a_database_with_other_users_marks_missing_demo_logins():
    User.objects.create_user(username="someone", password="x", role="municipal_officer")
    output = _run("setup_demo")
    assert not Enterprise.objects.exists()
    assert "enterprise_demo（不存在 missing）" in output
