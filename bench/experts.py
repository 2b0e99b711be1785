"""Expert review benchmark: drawing panels of 5 experts for 2,000 applications from a pool of 1,000,
and ranking the applications by their final score — each timed beside the equivalent SQL.

    .venv/bin/python bench/experts.py                       # SQLite, then PostgreSQL
    .venv/bin/python bench/experts.py --backends sqlite --applications 500 --experts 300

For each database a fresh one is made (SQLite under var/bench/experts-sqlite/, PostgreSQL
``jigai_bench_experts``, dropped afterwards) and migrated, then filled in bulk: the default
catalog and a published call, N applications in expert review (each its own enterprise, spread
over the manufacturing divisions and the call's directions), a pool of M experts (1–3 directions,
0–2 industries; one in ten works at an applicant enterprise), relations between applicants and
institutions, and declared conflicts — so the conflict rules have something to exclude.

Measured (best of ``--repeat`` runs; each draw starts from an empty panel):

* **draw** — :func:`jigai.experts.draw.expert_panel_draw`, the whole service: the pool,
  relations and conflicts read in a few queries, candidates and the seeded draw in Python, the
  assignments and draw records written with ``bulk_create``, the audit event and the experts'
  notices. Beside it, **draw SQL**: one ``INSERT … SELECT`` that picks 5 random matching,
  conflict-free experts per application with ``ROW_NUMBER() OVER (PARTITION BY application ORDER
  BY random())`` (no reproducible seed, no draw records, no fall-back to the whole pool: the work
  the database cannot avoid).
* **ranking** — :func:`jigai.decisions.selectors.call_ranking` (every application in comprehensive
  review, best final score first, with the amounts and the running total) after the panel is
  scored and closed. Beside it, **ranking SQL**: the same query run directly, every row fetched.
* the query count of the expert's assignment list (page and API) for the experts with the fewest
  and the most assignments: it must not grow with the list.

The ratio is service ÷ SQL; the target is ≤ 10. Each database runs in its own process (Django's
settings are per process); the results are printed and written to bench/results/experts-*.json.
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
# Run as ``python bench/experts.py`` the script's folder comes first on the path, where
# a bench module could shadow an installed package: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.database import scratch_database  # noqa: E402 - after the path is set

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jigai_bench_experts"
TARGET_RATIO = 10.0
RESULTS_DIR = ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--applications", type=int, default=2000, help="专家评审中的申报数（默认 %(default)s）"
    )
    parser.add_argument("--experts", type=int, default=1000, help="专家库人数（默认 %(default)s）")
    parser.add_argument("--per-application", type=int, default=5, help="每个项目的专家人数")
    parser.add_argument("--repeat", type=int, default=3, help="每项测量的次数（取最快一次）")
    parser.add_argument("--seed", type=int, default=42, help="数据生成的随机种子")
    parser.add_argument("--backends", default="sqlite,postgresql", help="逗号分隔：sqlite,postgresql")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_EXPERTS_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--strict", action="store_true", help="有目标未达成时以 1 退出")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the parent: one child process per database --------------------------------------------------
def run_backend(vendor: str, args: argparse.Namespace) -> dict[str, Any] | None:
    try:
        url, var_dir, cleanup = scratch_database("experts", vendor, args.postgres_url)
    except Exception as exc:  # e.g. PostgreSQL not reachable: say so and go on
        print(f"== {vendor}: 数据库不可用，跳过（{exc}）")
        return None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jigai.settings_test",  # plain static files, immediate tasks, locmem mail
        "DATABASE_URL": url,
        "JIGAI_VAR_DIR": str(var_dir),
        "JIGAI_TASK_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-experts-secret-key-not-for-production-0123456789"),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "bench.experts",
        "--child",
        vendor,
        "--applications",
        str(args.applications),
        "--experts",
        str(args.experts),
        "--per-application",
        str(args.per_application),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
    ]
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
    ok = True
    data = result["data"]
    print()
    print(
        f"== {result['label']} — {data['applications']} 个申报 × {args.per_application} 名专家，"
        f"专家库 {data['experts']} 人（数据生成 {data['seconds']:.1f} 秒；取 {args.repeat} 次中最快）"
    )
    head = ["measure", "service ms", "SQL ms", "ratio", "target", ""]
    rows = [head]
    for name, service, sql in (
        ("draw panels", result["draw_ms"], result["draw_sql_ms"]),
        ("rank by final score", result["rank_ms"], result["rank_sql_ms"]),
    ):
        ratio = service / sql if sql else float("inf")
        passed = ratio <= TARGET_RATIO
        ok = ok and passed
        rows.append(
            [
                name,
                f"{service:.1f}",
                f"{sql:.1f}",
                f"{ratio:.2f}",
                f"≤ {TARGET_RATIO:g}",
                "PASS" if passed else "FAIL",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        f"   draw: {result['draw']['assignments']} assignments for {result['draw']['applications']} "
        f"applications, {result['draw']['from_whole_pool']} from the whole pool; "
        f"SQL drew {result['draw_sql_rows']} rows"
    )
    counts = result["queries"]
    flat = counts["page_few"] == counts["page_many"] and counts["api_few"] == counts["api_many"]
    ok = ok and flat
    print(
        f"   expert's list, queries for {counts['few_assignments']} vs {counts['many_assignments']} "
        f"assignments: page {counts['page_few']} vs {counts['page_many']}, "
        f"API {counts['api_few']} vs {counts['api_many']} — {'flat' if flat else 'NOT FLAT'}"
    )
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
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"experts-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "results": results}, ensure_ascii=False, indent=1))
    print(f"\n结果已写入 {out.relative_to(ROOT)}")
    return 1 if args.strict and not ok else 0


# --- the child: one database, inside Django ---------------------------------------------------------
def _best(repeat: int, run: Callable[[], Any], reset: Callable[[], None] | None = None) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(max(1, repeat)):
        if reset is not None:
            reset()
        began = time.perf_counter()
        value = run()
        best = min(best, (time.perf_counter() - began) * 1000)
    return best, value


def _generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from jigai.accounts.choices import OrganisationKind, Role
    from jigai.accounts.models import Organisation, User
    from jigai.applications.choices import ApplicationStatus
    from jigai.applications.models import Application
    from jigai.calls.services import call_create, call_publish
    from jigai.catalog.choices import CatalogItemKind
    from jigai.catalog.defaults import default_catalog_items
    from jigai.catalog.services import catalog_version_create, catalog_version_publish
    from jigai.enterprises.choices import EnterpriseStatus
    from jigai.enterprises.models import Enterprise
    from jigai.experts.models import ExpertConflict, ExpertProfile
    from jigai.reference.choices import IndustryLevel
    from jigai.reference.codes import generate_credit_code
    from jigai.reference.models import District, Industry

    rng = random.Random(args.seed)
    commission = Organisation.objects.create(
        name="上海市经济和信息化委员会", kind=OrganisationKind.MUNICIPAL_COMMISSION
    )
    officer = User.objects.create(username="municipal", role=Role.MUNICIPAL_OFFICER, organisation=commission)
    head = User.objects.create(username="municipal_head", role=Role.MUNICIPAL_HEAD, organisation=commission)
    catalog = catalog_version_publish(
        actor=head,
        version=catalog_version_create(
            actor=officer, year=2026, title="2026年上海市重点技术改造支持目录", rows=default_catalog_items()
        ),
    )
    now = timezone.now()
    call = call_publish(
        actor=head,
        call=call_create(
            actor=officer,
            catalog_version=catalog,
            title="专家评审基准测试批次",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=30),
            district_forward_date=(now - dt.timedelta(days=28)).date(),
            year=2026,
        ),
    )
    call.refresh_from_db()
    directions = list(catalog.items.filter(kind=CatalogItemKind.DIRECTION).values_list("pk", flat=True))
    divisions = list(
        Industry.objects.filter(level=IndustryLevel.DIVISION, is_industrial=True).values_list(
            "code", flat=True
        )
    )
    districts = list(District.objects.values_list("code", flat=True))
    codes: set[str] = set()

    def credit_code(district: str) -> str:
        while True:
            code = generate_credit_code(rng, division=district)
            if code not in codes:
                codes.add(code)
                return code

    with transaction.atomic():
        specs = [(rng.choice(districts), rng.choice(divisions)) for _ in range(args.applications)]
        credit = [credit_code(d) for d, _i in specs]
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"上海基准制造有限公司{n}",
                kind=OrganisationKind.ENTERPRISE,
                credit_code=credit[n],
                district_id=d,
            )
            for n, (d, _i) in enumerate(specs)
        )
        enterprises = Enterprise.objects.bulk_create(
            Enterprise(
                organisation_id=org.pk,
                credit_code=credit[n],
                name=org.name,
                district_id=specs[n][0],
                industry_id=specs[n][1],
                employees=500,
                operating_revenue=Decimal("50000"),
                size="large",
                status=EnterpriseStatus.CONFIRMED,
            )
            for n, org in enumerate(orgs)
        )
        assert call.current_rules is not None
        Application.objects.bulk_create(
            (
                Application(
                    call=call,
                    rules=call.current_rules,
                    enterprise_id=e.pk,
                    district_id=e.district_id,
                    reference_number=f"JG2026-{e.district_id}-{n:05d}",
                    name=f"基准技术改造项目{n}",
                    status=ApplicationStatus.EXPERT_REVIEW,
                    direction_id=rng.choice(directions),
                    total_investment=Decimal(rng.randrange(20_000_000, 500_000_000)),
                    created_by=officer,
                    submitted_at=now,
                )
                for n, e in enumerate(enterprises, start=1)
            ),
            batch_size=1000,
        )
        institutions = Organisation.objects.bulk_create(
            Organisation(name=f"上海某研究院{n}", kind=OrganisationKind.INSTITUTION)
            for n in range(max(10, args.experts // 5))
        )
        users = User.objects.bulk_create(
            User(
                username=f"bx{n:05d}",
                role=Role.EXPERT,
                password="!",  # noqa: S106 - an unusable password: nobody signs in as these
                organisation_id=(rng.choice(orgs).pk if rng.random() < 0.1 else rng.choice(institutions).pk),
            )
            for n in range(args.experts)
        )
        profiles = ExpertProfile.objects.bulk_create(
            ExpertProfile(user_id=u.pk, title="高级工程师") for u in users
        )
        through_d = ExpertProfile.directions.through
        through_i = ExpertProfile.industries.through
        through_d.objects.bulk_create(
            through_d(expertprofile_id=p.pk, catalogitem_id=d)
            for p in profiles
            for d in rng.sample(directions, rng.randint(1, 3))
        )
        through_i.objects.bulk_create(
            through_i(expertprofile_id=p.pk, industry_id=i)
            for p in profiles
            for i in rng.sample(divisions, rng.randint(0, 2))
        )
        related = Organisation.related_organisations.through
        pairs = {(rng.choice(orgs).pk, rng.choice(institutions).pk) for _ in range(args.applications // 5)}
        related.objects.bulk_create(
            [related(from_organisation_id=a, to_organisation_id=b) for a, b in pairs]
            + [related(from_organisation_id=b, to_organisation_id=a) for a, b in pairs]
        )
        conflicts = {
            (rng.choice(profiles).pk, rng.choice(orgs + institutions).pk) for _ in range(args.experts // 3)
        }
        ExpertConflict.objects.bulk_create(
            ExpertConflict(expert_id=e, organisation_id=o, reason="基准测试") for e, o in conflicts
        )
    return {"call": call, "officer": officer, "head": head}


DRAW_SQL = """
INSERT INTO bench_draw (application_id, expert_id)
SELECT application_id, expert_id FROM (
  SELECT m.application_id, m.expert_id,
         ROW_NUMBER() OVER (PARTITION BY m.application_id ORDER BY RANDOM()) AS rn
  FROM (
    SELECT a.id AS application_id, ed.expertprofile_id AS expert_id
    FROM applications_application a
    JOIN catalog_catalogitem d ON d.id = a.direction_id
    LEFT JOIN catalog_catalogitem f ON f.id = d.parent_id
    JOIN catalog_catalogitem ci ON ci.code IN (d.code, COALESCE(f.code, ''))
    JOIN review_expertprofile_directions ed ON ed.catalogitem_id = ci.id
    WHERE a.call_id = %(call)s AND a.status = 'expert_review'
    UNION
    SELECT a.id, ei.expertprofile_id
    FROM applications_application a
    JOIN enterprises_enterprise ent ON ent.id = a.enterprise_id
    JOIN reference_industry ind ON ind.code = ent.industry_id
    JOIN review_expertprofile_industries ei
      ON ei.industry_id IN (ent.industry_id, COALESCE(ind.parent_id, ''))
    WHERE a.call_id = %(call)s AND a.status = 'expert_review'
  ) m
  JOIN applications_application a ON a.id = m.application_id
  JOIN enterprises_enterprise ent ON ent.id = a.enterprise_id
  JOIN review_expertprofile e ON e.id = m.expert_id
  JOIN accounts_user u ON u.id = e.user_id
  WHERE e.is_active AND u.is_active
    AND (u.organisation_id IS NULL OR u.organisation_id <> ent.organisation_id)
    AND NOT EXISTS (SELECT 1 FROM accounts_organisation_related_organisations r
                    WHERE r.from_organisation_id = ent.organisation_id
                      AND r.to_organisation_id = u.organisation_id)
    AND NOT EXISTS (SELECT 1 FROM review_expertconflict ec
                    WHERE ec.expert_id = e.id
                      AND (ec.organisation_id = ent.organisation_id
                           OR ec.organisation_id IN (SELECT r2.to_organisation_id
                                                     FROM accounts_organisation_related_organisations r2
                                                     WHERE r2.from_organisation_id = ent.organisation_id)))
) ranked WHERE rn <= %(k)s
"""


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from jigai.accounts.models import User
    from jigai.applications.choices import ApplicationStatus
    from jigai.applications.models import Application
    from jigai.experts.choices import AssignmentStatus
    from jigai.experts.draw import expert_panel_draw
    from jigai.experts.models import Assignment, Panel
    from jigai.experts.scoring import expert_panel_close
    from jigai.notifications.models import Notification

    call_command("migrate", verbosity=0)
    reverse("review:expert_assignments")  # load the URL configuration before anything is timed
    began = time.perf_counter()
    made = _generate(args)
    generated = time.perf_counter() - began
    call, officer = made["call"], made["officer"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def reset_panel() -> None:
        Panel.objects.all().delete()
        Notification.objects.all().delete()

    def draw() -> Any:
        return expert_panel_draw(
            actor=officer,
            call=call,
            experts_per_application=args.per_application,
            deadline=timezone.now() + dt.timedelta(days=14),
            seed="bench",
        )

    draw_ms, summary = _best(args.repeat, draw, reset_panel)

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_draw")
        cursor.execute("CREATE TABLE bench_draw (application_id bigint, expert_id bigint)")
    sql = DRAW_SQL.replace("%(call)s", str(call.pk)).replace("%(k)s", str(args.per_application))

    def draw_sql() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            return int(cursor.rowcount)

    def reset_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_draw")

    draw_sql_ms, sql_rows = _best(args.repeat, draw_sql, reset_sql)

    # The expert's list: query counts for the experts with the fewest and the most assignments.
    per_expert = sorted(
        Assignment.objects.values("expert__user_id")
        .annotate(n=Count("id"))
        .values_list("expert__user_id", "n"),
        key=lambda r: r[1],
    )
    queries: dict[str, Any] = {"few_assignments": per_expert[0][1], "many_assignments": per_expert[-1][1]}
    for label, (user_id, _n) in (("few", per_expert[0]), ("many", per_expert[-1])):
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        client.get("/review/expert/?tab=all")
        with CaptureQueriesContext(connection) as page:
            assert client.get("/review/expert/?tab=all").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/review/expert/assignments?limit=100").status_code == 200
        queries[f"page_{label}"], queries[f"api_{label}"] = len(page), len(api)

    # Score everything, close the panel, move the applications on: then rank.
    rng = random.Random(args.seed)
    rows = list(Assignment.objects.select_related("application").only("pk", "application__total_investment"))
    for a in rows:
        a.status = AssignmentStatus.SCORED
        a.total_score = Decimal(rng.randrange(5000, 9800)) / 100
        a.investment_opinion = (a.application.total_investment * Decimal("0.9")).quantize(Decimal("0.01"))
        a.scored_at = timezone.now()
    Assignment.objects.bulk_update(
        rows, ["status", "total_score", "investment_opinion", "scored_at"], batch_size=2000
    )
    panel = Panel.objects.get(call=call)
    close_ms, _ = _best(1, lambda: expert_panel_close(actor=officer, panel=panel))
    Application.objects.filter(call=call).update(status=ApplicationStatus.COMPREHENSIVE_REVIEW)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rank_ms, rank_sql_ms = _rank(args, call, made["head"])
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "label": "SQLite" if connection.vendor == "sqlite" else "PostgreSQL",
                "data": {"applications": args.applications, "experts": args.experts, "seconds": generated},
                "draw": {
                    "applications": summary.applications,
                    "assignments": summary.assignments,
                    "from_whole_pool": summary.from_whole_pool,
                },
                "draw_ms": draw_ms,
                "draw_sql_ms": draw_sql_ms,
                "draw_sql_rows": sql_rows,
                "close_ms": close_ms,
                "rank_ms": rank_ms,
                "rank_sql_ms": rank_sql_ms,
                "queries": queries,
            }
        )
    )
    return 0


def _rank(args: argparse.Namespace, call: Any, actor: Any) -> tuple[float, float]:
    """``call_ranking`` (the decision part of the review) beside its query run directly."""
    from django.db import connection
    from django.db.models import Avg, F, Q

    from jigai.applications.choices import ApplicationStatus
    from jigai.applications.models import Application
    from jigai.experts.choices import AssignmentStatus

    queryset = (
        Application.objects.filter(call=call, status=ApplicationStatus.COMPREHENSIVE_REVIEW)
        .select_related("enterprise", "district", "rules", "decision")
        .annotate(
            opinion_mean=Avg(
                "expert_assignments__investment_opinion",
                filter=Q(expert_assignments__status=AssignmentStatus.SCORED),
            )
        )
        .order_by(
            F("decision__final_score").desc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "id"
        )
    )
    try:
        from jigai.decisions.selectors import call_ranking

        def rank() -> int:
            return len(call_ranking(actor=actor, call=call).rows)
    except ImportError:  # the decision part not there: rank with the same query through the ORM

        def rank() -> int:
            return len(list(queryset))

    rank_ms, count = _best(args.repeat, rank)
    assert count == args.applications, count
    sql, params = queryset.query.sql_with_params()

    def rank_sql() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    rank_sql_ms, _ = _best(args.repeat, rank_sql)
    return rank_ms, rank_sql_ms


if __name__ == "__main__":
    sys.exit(main())
