"""Publicity benchmark: the public publicity page (公示, no sign-in) with 200,000 applications in the
database — its query count against a small database, and its time beside the SQL it runs.

    .venv/bin/python bench/publicity.py                         # SQLite, then PostgreSQL
    .venv/bin/python bench/publicity.py --backends sqlite --applications 20000

For each database a fresh one is made (SQLite under var/bench/publicity-sqlite/, PostgreSQL
``jigai_bench_publicity``, dropped afterwards) and migrated, then filled in bulk with two calls: one
whose proposed list is in publicity now, one whose list was approved (a past publicity). It is
filled twice:

1. **small** — ``--small`` applications, the current list with 5 of them, the past one with 3;
2. **large** — the same lists grown to ``--current`` and ``--past`` applications, and the database
   to ``--applications`` applications in every other state (submitted, in review, not approved…).

Measured on each fill, requested in-process through Django's test client as an anonymous visitor:

* the **query count** of the public index (/publicity/), a list's page (/publicity/<id>/, first
  page of 100) and the public API (GET /api/v1/review/public/publicity): they must be the same on
  both fills — a fixed number of queries whatever the number of applications;
* on the large fill, each page's **time** (best of ``--repeat``) beside **its SQL**: the very
  statements the request ran (captured), executed directly on the same connection with every row
  fetched. The ratio is page ÷ SQL: what templates and Python add on top of the database work. It
  is reported, not a target: on a list's page the SQL is an index range of 100 rows (well under a
  millisecond on SQLite), so the ratio is mostly the rendering of 100 table rows.

The result is PASS when each page's query count is the same on both fills.

Each database runs in its own process; results are printed and written to
bench/results/publicity-*.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as ``python bench/publicity.py`` the script's folder comes first on the path, where
# a bench module could shadow an installed package: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.database import print_table, scratch_database, write_results  # noqa: E402 - after the path is set

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jigai_bench_publicity"
RESULTS_DIR = ROOT / "bench" / "results"
PAGES = ("index", "list", "api")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=200_000, help="申报总数（默认 %(default)s）")
    parser.add_argument("--current", type=int, default=1000, help="正在公示的名单项目数（默认 %(default)s）")
    parser.add_argument("--past", type=int, default=600, help="往期（已批准）名单项目数（默认 %(default)s）")
    parser.add_argument("--small", type=int, default=20, help="小数据库的申报数（默认 %(default)s）")
    parser.add_argument("--enterprises", type=int, default=5000, help="企业数（默认 %(default)s）")
    parser.add_argument("--repeat", type=int, default=5, help="每项测量的次数（取最快一次）")
    parser.add_argument("--seed", type=int, default=42, help="数据生成的随机种子")
    parser.add_argument("--backends", default="sqlite,postgresql", help="逗号分隔：sqlite,postgresql")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_PUBLICITY_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--strict", action="store_true", help="有目标未达成时以 1 退出")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the parent: one child process per database --------------------------------------------------
def run_backend(vendor: str, args: argparse.Namespace) -> dict[str, Any] | None:
    try:
        url, var_dir, cleanup = scratch_database("publicity", vendor, args.postgres_url)
    except Exception as exc:  # e.g. PostgreSQL not reachable: say so and go on
        print(f"== {vendor}: 数据库不可用，跳过（{exc}）")
        return None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jigai.settings_test",  # plain static files, immediate tasks, locmem
        "DATABASE_URL": url,
        "JIGAI_VAR_DIR": str(var_dir),
        "JIGAI_TASK_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "bench-publicity-secret-key-not-for-production-0123456789"
        ),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "bench.publicity", "--child", vendor]
    for name in ("applications", "current", "past", "small", "enterprises", "repeat", "seed"):
        command += [f"--{name}", str(getattr(args, name))]
    try:
        completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        cleanup()
    if completed.returncode != 0:
        print(f"== {vendor}: 测量失败\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
        return None
    line = [ln for ln in completed.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


def print_result(result: dict[str, Any], args: argparse.Namespace) -> bool:
    data = result["data"]
    print()
    print(
        f"== {result['label']} — {data['applications']} 个申报，"
        f"正在公示 {data['current']} 个、往期 {data['past']} 个"
        f"（数据生成 {data['seconds']:.1f} 秒；取 {args.repeat} 次中最快）"
    )
    head = ["page", f"queries ({data['small']})", f"queries ({data['applications']})", "page ms", "SQL ms"]
    head += ["ratio", ""]
    rows = [head]
    ok = True
    for page in PAGES:
        small, large = result["queries_small"][page], result["queries_large"][page]
        page_ms, sql_ms = result["page_ms"][page], result["sql_ms"][page]
        ratio = page_ms / sql_ms if sql_ms else float("inf")
        passed = small == large
        ok = ok and passed
        rows.append(
            [
                result["paths"][page],
                str(small),
                str(large),
                f"{page_ms:.1f}",
                f"{sql_ms:.1f}",
                f"{ratio:.2f}",
                "PASS" if passed else "FAIL (queries grow)",
            ]
        )
    print_table(rows)
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    results = []
    ok = True
    for vendor in [b.strip() for b in args.backends.split(",") if b.strip()]:
        result = run_backend(vendor, args)
        if result is None:
            ok = False
            continue
        results.append(result)
        ok = print_result(result, args) and ok
    write_results("publicity", args, results)
    return 1 if args.strict and not ok else 0


# --- the child: one database, inside Django ---------------------------------------------------------
class Filler:
    """Bulk rows for the benchmark: enterprises, two calls with their lists, applications."""

    def __init__(self, args: argparse.Namespace) -> None:
        from django.utils import timezone

        from jigai.accounts.choices import OrganisationKind, Role
        from jigai.accounts.models import Organisation, User
        from jigai.calls.services import call_create, call_publish
        from jigai.catalog.defaults import default_catalog_items
        from jigai.catalog.services import catalog_version_create, catalog_version_publish
        from jigai.decisions.choices import ProposedListStatus
        from jigai.decisions.models import ProposedList
        from jigai.workdays.workingdays import publicity_closing

        self.rng = random.Random(args.seed)
        self.serial = 0
        commission = Organisation.objects.create(
            name="上海市经济和信息化委员会", kind=OrganisationKind.MUNICIPAL_COMMISSION
        )
        self.officer = User.objects.create(
            username="municipal", role=Role.MUNICIPAL_OFFICER, organisation=commission
        )
        head = User.objects.create(
            username="municipal_head", role=Role.MUNICIPAL_HEAD, organisation=commission
        )
        catalog = catalog_version_publish(
            actor=head,
            version=catalog_version_create(
                actor=self.officer,
                year=2026,
                title="2026年上海市重点技术改造支持目录",
                rows=default_catalog_items(),
            ),
        )
        now = timezone.now()
        self.now = now
        self.calls = []
        self.lists = []
        for n, (title, days_ago) in enumerate(
            (("公示基准测试批次（公示中）", 60), ("公示基准测试批次（往期）", 400))
        ):
            call = call_publish(
                actor=head,
                call=call_create(
                    actor=self.officer,
                    catalog_version=catalog,
                    title=title,
                    opens_at=now - dt.timedelta(days=days_ago),
                    closes_at=now - dt.timedelta(days=days_ago - 15),
                    district_forward_date=(now - dt.timedelta(days=days_ago - 17)).date(),
                    year=2026,
                    budget=Decimal("100000000000.00"),
                ),
            )
            call.refresh_from_db()
            self.calls.append(call)
            today = timezone.localdate()
            starts = today if n == 0 else today - dt.timedelta(days=300)
            ends, provisional = publicity_closing(starts, 5)
            self.lists.append(
                ProposedList.objects.create(
                    call=call,
                    status=ProposedListStatus.PUBLICITY if n == 0 else ProposedListStatus.APPROVED,
                    proposed_by=head,
                    proposed_at=now,
                    publicity_starts_on=starts,
                    publicity_ends_at=ends,
                    publicity_end_provisional=provisional,
                    publicity_working_days=5,
                    published_by=head,
                    approved_by=head if n else None,
                    approved_at=now if n else None,
                )
            )
        self.enterprises: list[Any] = []

    def enterprises_up_to(self, count: int) -> None:
        from jigai.accounts.choices import OrganisationKind
        from jigai.accounts.models import Organisation
        from jigai.enterprises.choices import EnterpriseStatus
        from jigai.enterprises.models import Enterprise
        from jigai.reference.codes import generate_credit_code
        from jigai.reference.models import District

        districts = list(District.objects.values_list("code", flat=True))
        codes = {e.credit_code for e in self.enterprises}
        specs: list[tuple[str, str]] = []
        while len(self.enterprises) + len(specs) < count:
            district = self.rng.choice(districts)
            code = generate_credit_code(self.rng, division=district)
            if code not in codes:
                codes.add(code)
                specs.append((district, code))
        n0 = len(self.enterprises)
        orgs = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"上海公示基准制造有限公司{n0 + n}",
                    kind=OrganisationKind.ENTERPRISE,
                    credit_code=c,
                    district_id=d,
                )
                for n, (d, c) in enumerate(specs)
            ),
            batch_size=2000,
        )
        self.enterprises += Enterprise.objects.bulk_create(
            (
                Enterprise(
                    organisation_id=org.pk,
                    credit_code=c,
                    name=org.name,
                    district_id=d,
                    industry_id="34",
                    employees=500,
                    operating_revenue=Decimal("50000"),
                    size="large",
                    status=EnterpriseStatus.CONFIRMED,
                )
                for org, (d, c) in zip(orgs, specs, strict=True)
            ),
            batch_size=2000,
        )

    def applications(self, count: int, *, call_index: int, status: str) -> list[Any]:
        from jigai.applications.models import Application

        call = self.calls[call_index]
        rows = []
        for _ in range(count):
            self.serial += 1
            enterprise = self.enterprises[self.serial % len(self.enterprises)]
            total = Decimal(self.rng.randrange(20_000_000, 400_000_000))
            rows.append(
                Application(
                    call=call,
                    rules=call.current_rules,
                    enterprise_id=enterprise.pk,
                    district_id=enterprise.district_id,
                    reference_number=f"JG2026-{enterprise.district_id}-{self.serial:06d}",
                    name=f"公示基准技术改造项目{self.serial}",
                    status=status,
                    total_investment=total,
                    requested_support=min(total / 10, Decimal("100000000")),
                    created_by=self.officer,
                    submitted_at=self.now,
                )
            )
        return list(Application.objects.bulk_create(rows, batch_size=2000))

    def list_members(self, count: int, *, list_index: int) -> None:
        """``count`` more applications on a list (publicity or approved), each with its decision."""
        from jigai.applications.choices import ApplicationStatus
        from jigai.decisions.models import Decision

        proposed_list = self.lists[list_index]
        status = ApplicationStatus.PUBLICITY if list_index == 0 else ApplicationStatus.APPROVED
        applications = self.applications(count, call_index=list_index, status=status)
        start = Decision.objects.filter(proposed_list=proposed_list).count()
        decisions = []
        for n, application in enumerate(applications, start=start + 1):
            support = min((application.total_investment / 10).quantize(Decimal("0.01")), Decimal("100000000"))
            decisions.append(
                Decision(
                    application=application,
                    final_score=Decimal(self.rng.randrange(6000, 9800)) / 100,
                    rank=n,
                    approved_investment=application.total_investment,
                    formula_support=support,
                    approved_support=support,
                    proposed_list=proposed_list,
                    decided_by=self.officer,
                    decided_at=self.now,
                )
            )
        Decision.objects.bulk_create(decisions, batch_size=2000)
        total = sum((d.approved_support or Decimal(0) for d in decisions), Decimal(0))
        proposed_list.total_support += total
        proposed_list.save(update_fields=["total_support"])

    def others(self, count: int) -> None:
        """Applications in every other state, spread over both calls."""
        from jigai.applications.choices import ApplicationStatus as S

        statuses = [
            S.SUBMITTED,
            S.DISTRICT_REVIEW,
            S.RECOMMENDED,
            S.EXPERT_REVIEW,
            S.NOT_APPROVED,
            S.WITHDRAWN,
        ]
        per = max(1, count // (len(statuses) * 2))
        made = 0
        while made < count:
            for call_index in (0, 1):
                for status in statuses:
                    n = min(per, count - made)
                    if n <= 0:
                        return
                    self.applications(n, call_index=call_index, status=status)
                    made += n


def _best(repeat: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        began = time.perf_counter()
        run()
        best = min(best, (time.perf_counter() - began) * 1000)
    return best


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    reverse("publicity:index")  # load the URL configuration before anything is timed
    began = time.perf_counter()
    filler = Filler(args)
    filler.enterprises_up_to(min(args.enterprises, args.small))
    filler.list_members(5, list_index=0)
    filler.list_members(3, list_index=1)
    filler.others(max(0, args.small - 8))
    current = filler.lists[0]
    paths = {
        "index": "/publicity/",
        "list": f"/publicity/{current.pk}/",
        "api": "/api/v1/review/public/publicity",
    }
    client = Client()

    def counts() -> dict[str, int]:
        out = {}
        for page, path in paths.items():
            client.get(path)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            out[page] = len(queries)
        return out

    small = counts()
    filler.enterprises_up_to(args.enterprises)
    filler.list_members(args.current - 5, list_index=0)
    filler.list_members(args.past - 3, list_index=1)
    filler.others(args.applications - args.current - args.past - (args.small - 8))
    generated = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = counts()

    page_ms, sql_ms = {}, {}
    for page, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        statements = [q["sql"] for q in captured.captured_queries]

        def get(path: str = path) -> Any:
            return client.get(path)

        page_ms[page] = _best(args.repeat, get)

        def run_sql(statements: list[str] = statements) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        sql_ms[page] = _best(args.repeat, run_sql)

    from jigai.applications.models import Application

    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "label": "SQLite" if connection.vendor == "sqlite" else "PostgreSQL",
                "data": {
                    "applications": Application.objects.count(),
                    "current": args.current,
                    "past": args.past,
                    "small": args.small,
                    "seconds": generated,
                },
                "paths": paths,
                "queries_small": small,
                "queries_large": large,
                "page_ms": page_ms,
                "sql_ms": sql_ms,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
