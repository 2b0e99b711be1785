"""Submissions at the same moment: none fails, none is lost, no reference number is given twice.

Real commits in parallel threads: the ``audit_transactional_db`` fixture (jigai/conftest.py), and
on SQLite the audit tests' ``threads_database`` (the in-memory test database copied to a WAL
file, as the platform runs; the checks then run in a thread too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jigai.accounts.choices import Role
from jigai.applications import services
from jigai.applications.choices import ApplicationStatus
from jigai.applications.models import Application, ReferenceCounter
from jigai.applications.tests.conftest import eligible_application_for, make_enterprise
from jigai.audit.services import audit_chain_check
from jigai.audit.tests.test_concurrency import in_threads, threads_database
from jigai.core.testing.factories import user_for_role

THREADS = 20


def test_twenty_simultaneous_submissions(audit_transactional_db: Any, open_call: Any, tmp_path: Path) -> None:
    drafts = []
    for n in range(THREADS):
        user = user_for_role(Role.ENTERPRISE, enterprise=make_enterprise(district_code="310115"))
        drafts.append((user, eligible_application_for(user, open_call, name=f"并发申报项目{n}")))

    def submit(i: int) -> str | None:
        user, application = drafts[i]
        return services.application_submit(actor=user, application=application).reference_number

    def check(_: int) -> dict[str, Any]:
        submitted = Application.objects.filter(status=ApplicationStatus.SUBMITTED)
        return {
            "numbers": sorted(submitted.values_list("reference_number", flat=True)),
            "counter": ReferenceCounter.objects.get(year=2026, district_id="310115").last_serial,
            "chain_ok": audit_chain_check().ok,
        }

    with threads_database(tmp_path):
        returned = in_threads(submit, THREADS)
        (result,) = in_threads(check, 1)

    assert [r for r in returned if not isinstance(r, str)] == []
    expected = [f"JG2026-310115-{n:05d}" for n in range(1, THREADS + 1)]
    assert sorted(returned) == expected
    assert not isinstance(result, Exception), result
    assert result == {"numbers": expected, "counter": THREADS, "chain_ok": True}
