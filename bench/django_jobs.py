"""The bench's work inside Django, run in a child process against a bench database:

    DATABASE_URL=… JIGAI_VAR_DIR=… python -m bench.django_jobs <task> '<JSON arguments>'

prints one line of JSON (the last line of its output). Everything goes through the platform's own
services and selectors, as a user's request would:

* ``tokens`` — an API token for each username (``api_token_create``);
* ``ready_submissions`` — N confirmed enterprises with a user each start an application in the open
  call, save a complete draft and upload every attachment (``application_create``,
  ``application_save_draft``, ``attachment_upload``), and get an API token: the drafts that the
  concurrency scenario submits all at once;
* ``submission_outcome`` — the status and reference number of those applications afterwards, and
  any reference number given twice in the whole table;
* ``query_counts`` — the SQL queries of one request to each path, through Django's test client
  with the user's token, counted with ``CaptureQueriesContext``;
* ``export_filters`` — ``amount_min`` values of the requested support that select about N rows of
  the municipal officer's list each, for the export scenario.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jigai.settings")

TOKEN_DAYS = 2


def tokens(usernames: list[str]) -> dict[str, str]:
    from jigai.accounts.models import User
    from jigai.accounts.services import api_token_create

    out = {}
    for username in usernames:
        _token, raw = api_token_create(
            actor=User.objects.get(username=username), name="bench", days=TOKEN_DAYS
        )
        out[username] = raw
    return out


def ready_submissions(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` eligible drafts in the open call, each of another enterprise, with its user's token."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from jigai.accounts.choices import Role
    from jigai.accounts.models import User
    from jigai.accounts.services import api_token_create
    from jigai.applications import services
    from jigai.applications.attachments import attachment_upload
    from jigai.applications.drafts import draft_parse
    from jigai.applications.eligibility import eligibility_check
    from jigai.applications.models import Application
    from jigai.calls.models import Call
    from jigai.demo.applications import demo_pdf
    from jigai.demo.projects import Applicant, ProjectGenerator, Windows
    from jigai.enterprises.models import Enterprise

    now = timezone.now()
    call = next(c for c in Call.objects.order_by("-opens_at") if c.is_open(now))
    closed = Call.objects.exclude(pk=call.pk).order_by("-opens_at").first()
    windows = Windows(
        closed_opens=closed.opens_at if closed else call.opens_at,
        closed_closes=closed.closes_at if closed else call.opens_at,
        open_opens=call.opens_at,
        open_closes=call.closes_at,
        now=now,
    )
    users: dict[int | None, Any] = {}
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE, is_active=True).exclude(
        username="enterprise_demo"
    )
    for user in enterprise_users.order_by("id").iterator():
        users.setdefault(user.organisation_id, user)
        if len(users) >= count * 3:
            break
    enterprises = list(
        Enterprise.objects.filter(organisation_id__in=users, status="confirmed").order_by("id")[:count]
    )
    if len(enterprises) < count:
        raise RuntimeError(f"只有 {len(enterprises)} 家已确认且有用户的企业，不足 {count} 家")
    applicants = [Applicant(e.pk, e.district_id, e.industry_id, e.address) for e in enterprises]
    generator = ProjectGenerator(seed, windows)
    specs = generator.ready_drafts(applicants, "bench-submissions")
    out = []
    for enterprise, applicant, spec in zip(enterprises, applicants, specs, strict=True):
        attempt = 0
        while Application.objects.filter(project_code=spec.project_code).exists():  # a code already in use
            attempt += 1
            (spec,) = generator.ready_drafts([applicant], f"bench-submissions-{attempt}")
        user = users[enterprise.organisation_id]
        application = services.application_create(actor=user, call=call)
        application = services.application_save_draft(
            actor=user, application=application, data=draft_parse(spec.draft_input()), expected_lock_version=0
        )
        for code in spec.attachments:
            content = demo_pdf(f"Jigai bench document: {code}, project {spec.project_code}")
            attachment_upload(
                actor=user,
                application=application,
                requirement_code=code,
                uploaded_file=SimpleUploadedFile(f"{code}.pdf", content, content_type="application/pdf"),
            )
        failed = [r.message for r in eligibility_check(application) if not r.passed]
        if failed:
            raise RuntimeError(f"准备的草稿不符合申报条件：{failed}")
        _token, raw = api_token_create(actor=user, name="bench", days=TOKEN_DAYS)
        out.append({"id": application.pk, "token": raw, "district": enterprise.district_id})
    return out


def submission_outcome(ids: list[int]) -> dict[str, Any]:
    from django.db.models import Count

    from jigai.applications.models import Application

    found = Application.objects.filter(pk__in=ids).values_list("pk", "status", "reference_number")
    rows = {pk: (status, number) for pk, status, number in found}
    twice = list(
        Application.objects.exclude(reference_number=None)
        .values("reference_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("reference_number", flat=True)
    )
    return {
        "statuses": {str(pk): rows.get(pk, ("missing", None))[0] for pk in ids},
        "numbers": {str(pk): rows.get(pk, ("missing", None))[1] for pk in ids},
        "duplicated_numbers": twice,
    }


def query_counts(requests: list[dict[str, str]]) -> dict[str, Any]:
    """``requests``: [{name, path, username}] → {name: {queries, status, count}}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    raw = tokens(sorted({r["username"] for r in requests}))
    out = {}
    for request in requests:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw[request['username']]}", HTTP_HOST="127.0.0.1")
        client.get(request["path"])  # warm: the first request loads what every later one finds ready
        with CaptureQueriesContext(connection) as captured:
            response = client.get(request["path"])
        body = response.json() if response.status_code == 200 else {}
        out[request["name"]] = {
            "queries": len(captured.captured_queries),
            "status": response.status_code,
            "rows": body.get("count"),
            "items": len(body.get("items", [])),
            "sql": [q["sql"][:300] for q in captured.captured_queries],
        }
    return out


def export_filters(rows: list[int], username: str) -> list[dict[str, Any]]:
    """For each wanted row count, the ``amount_min`` selecting about that many rows of the user's
    list (the requested support of the N-th largest), and the count it selects."""
    from jigai.accounts.models import User
    from jigai.applications.selectors import application_list

    actor = User.objects.get(username=username)
    everything = application_list(actor=actor)
    total = everything.count()
    out = []
    for wanted in rows:
        n = min(wanted, total)
        if n == 0:
            continue
        ordered = everything.order_by("-requested_support", "id").values_list("requested_support", flat=True)
        threshold = ordered[n - 1]
        selected = everything.filter(requested_support__gte=threshold).count()
        out.append({"wanted": wanted, "amount_min": str(threshold), "rows": selected})
    return out


TASKS: dict[str, Callable[..., Any]] = {
    "tokens": tokens,
    "ready_submissions": ready_submissions,
    "submission_outcome": submission_outcome,
    "query_counts": query_counts,
    "export_filters": export_filters,
}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    task, arguments = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    result = TASKS[task](**arguments)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
