"""Funds benchmark: drafting and approving a fund plan of 2,000 projects, and the budget execution
page and API with 200,000 projects and their payments in the database.

    .venv/bin/python bench/funds.py                          # SQLite, then PostgreSQL
    .venv/bin/python bench/funds.py --backends sqlite --projects 20000

For each database a fresh one is made (SQLite under var/bench/funds-sqlite/, PostgreSQL
``jigai_bench_funds``, dropped afterwards) and migrated. In it, in one child process:

1. **Plan.** ``--plan`` approved projects (written in bulk, as the review leaves them) are drafted
   into one plan by the municipal officer (:func:`jigai.funds.services.fund_plan_draft`), approved
   by the head and then by the finance officer, which commits the whole plan against the budgets in
   one transaction. Printed: each step's time and query count.
2. **Execution.** The database is filled twice with approved projects in issued plans (their shares,
   instalments, and a payment of each one's first municipal instalment, the bank account
   SM4-encrypted): a small fill (``--small``) and a large one (``--projects``). The budget entries
   are written with them, so that the figures are what the ledger would hold. Measured, as the
   finance officer, through Django's test client in-process: the budget execution page (/funds/), a
   budget's drill-down page (first page of 50 projects), the API list (GET /api/v1/funds/budgets)
   and the API drill-down (GET /api/v1/funds/budgets/{id}/projects?limit=50).

   * the **query count** of each on both fills: it must be the same (constant whatever the size);
   * on the large fill each one's **time** (best of ``--repeat``) beside **its SQL** — the very
     statements the request ran, executed directly on the same connection with every row fetched.
     The ratio page ÷ SQL is printed; the target is at most 3.

PASS when the query counts are equal and the ratio is at most 3. Results are printed and written
to bench/results/funds-*.json.
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
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.database import print_table, scratch_database, write_results  # noqa: E402 - after the path is set

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jigai_bench_funds"
RESULTS_DIR = ROOT / "bench" / "results"
PAGES = ("execution_page", "drill_down_page", "execution_api", "drill_down_api")
TARGET_RATIO = 3.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plan", type=int, default=2000, help="资金计划的项目数（默认 %(default)s）")
    parser.add_argument("--projects", type=int, default=200_000, help="已下达项目总数（默认 %(default)s）")
    parser.add_argument("--small", type=int, default=20, help="小数据库的项目数（默认 %(default)s）")
    parser.add_argument("--enterprises", type=int, default=5000, help="企业数（默认 %(default)s）")
    parser.add_argument("--repeat", type=int, default=5, help="每项测量的次数（取最快一次）")
    parser.add_argument("--seed", type=int, default=42, help="数据生成的随机种子")
    parser.add_argument("--backends", default="sqlite,postgresql", help="逗号分隔：sqlite,postgresql")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_FUNDS_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--strict", action="store_true", help="有目标未达成时以 1 退出")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the parent: one child process per database --------------------------------------------------
def run_backend(vendor: str, args: argparse.Namespace) -> dict[str, Any] | None:
    try:
        url, var_dir, cleanup = scratch_database("funds", vendor, args.postgres_url)
    except Exception as exc:  # e.g. PostgreSQL not reachable: say so and go on
        print(f"== {vendor}: 数据库不可用，跳过（{exc}）")
        return None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jigai.settings_test",
        "DATABASE_URL": url,
        "JIGAI_VAR_DIR": str(var_dir),
        "JIGAI_TASK_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-funds-secret-key-not-for-production-0123456789"),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "bench.funds", "--child", vendor]
    for name in ("plan", "projects", "small", "enterprises", "repeat", "seed"):
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
    print(f"== {result['label']} — 资金计划 {data['plan']} 个项目")
    for step, (ms, queries) in result["plan_steps"].items():
        print(f"  {step:<16} {ms:10.1f} ms  {queries:6d} queries")
    print(
        f"== {result['label']} — 预算执行：{data['projects']} 个已下达项目，{data['payments']} 笔拨付"
        f"（数据生成 {data['seconds']:.1f} 秒；取 {args.repeat} 次中最快）"
    )
    head = [
        "page",
        f"queries ({data['small']})",
        f"queries ({data['projects']})",
        "page ms",
        "SQL ms",
        "ratio",
        "",
    ]
    rows = [head]
    ok = True
    for page in PAGES:
        small, large = result["queries_small"][page], result["queries_large"][page]
        page_ms, sql_ms = result["page_ms"][page], result["sql_ms"][page]
        ratio = page_ms / sql_ms if sql_ms else float("inf")
        constant, fast = small == large, ratio <= TARGET_RATIO
        ok = ok and constant and fast
        verdict = (
            "PASS" if constant and fast else ("FAIL (queries grow)" if not constant else "FAIL (ratio > 3)")
        )
        rows.append(
            [
                result["paths"][page],
                str(small),
                str(large),
                f"{page_ms:.1f}",
                f"{sql_ms:.1f}",
                f"{ratio:.2f}",
                verdict,
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
    write_results("funds", args, results)
    return 1 if args.strict and not ok else 0


# --- the child: one database, inside Django ---------------------------------------------------------
class Filler:
    """Bulk rows: enterprises, one call, approved projects, issued plans with shares and payments."""

    def __init__(self, args: argparse.Namespace) -> None:
        from django.utils import timezone

        from jigai.accounts.choices import OrganisationKind, Role
        from jigai.accounts.models import Organisation, User
        from jigai.calls.services import call_create, call_publish
        from jigai.catalog.defaults import default_catalog_items
        from jigai.catalog.services import catalog_version_create, catalog_version_publish
        from jigai.funds import services
        from jigai.funds.choices import BudgetSource
        from jigai.reference.models import District

        self.rng = random.Random(args.seed)
        self.serial = 0
        self.now = timezone.now()
        commission = Organisation.objects.create(
            name="上海市经济和信息化委员会", kind=OrganisationKind.MUNICIPAL_COMMISSION
        )
        bureau = Organisation.objects.create(name="上海市财政局", kind=OrganisationKind.FINANCE_BUREAU)
        self.officer = User.objects.create(
            username="municipal", role=Role.MUNICIPAL_OFFICER, organisation=commission
        )
        self.head = User.objects.create(
            username="municipal_head", role=Role.MUNICIPAL_HEAD, organisation=commission
        )
        self.finance = User.objects.create(username="finance", role=Role.FINANCE_OFFICER, organisation=bureau)
        catalog = catalog_version_publish(
            actor=self.head,
            version=catalog_version_create(
                actor=self.officer,
                year=2026,
                title="2026年上海市重点技术改造支持目录",
                rows=default_catalog_items(),
            ),
        )
        self.call = call_publish(
            actor=self.head,
            call=call_create(
                actor=self.officer,
                catalog_version=catalog,
                title="资金基准测试批次",
                opens_at=self.now - dt.timedelta(days=200),
                closes_at=self.now - dt.timedelta(days=185),
                district_forward_date=(self.now - dt.timedelta(days=183)).date(),
                year=2026,
            ),
        )
        self.call.refresh_from_db()
        self.districts = list(District.objects.values_list("code", flat=True))
        huge = Decimal("2000000000000.00")  # 2万亿: enough for 200,000 projects, exact in a double
        services.budget_create(
            actor=self.finance, fiscal_year=2026, source=BudgetSource.MUNICIPAL, amount=huge
        )
        services.budget_create(
            actor=self.finance, fiscal_year=2026, source=BudgetSource.NATIONAL_MATCHING, amount=huge
        )
        for code in self.districts:
            finance_bureau = Organisation.objects.create(
                name=f"{code}财政局", kind=OrganisationKind.DISTRICT_FINANCE_BUREAU, district_id=code
            )
            officer = User.objects.create(
                username=f"finance_{code}", role=Role.DISTRICT_FINANCE_OFFICER, organisation=finance_bureau
            )
            services.budget_create(
                actor=officer,
                fiscal_year=2026,
                source=BudgetSource.DISTRICT,
                district=District.objects.get(pk=code),
                amount=huge,
            )
        self.enterprises: list[Any] = []

    def enterprises_up_to(self, count: int) -> None:
        from jigai.accounts.choices import OrganisationKind
        from jigai.accounts.models import Organisation
        from jigai.enterprises.choices import EnterpriseStatus
        from jigai.enterprises.models import Enterprise
        from jigai.reference.codes import generate_credit_code

        codes = {e.credit_code for e in self.enterprises}
        specs: list[tuple[str, str]] = []
        while len(self.enterprises) + len(specs) < count:
            district = self.rng.choice(self.districts)
            code = generate_credit_code(self.rng, division=district)
            if code not in codes:
                codes.add(code)
                specs.append((district, code))
        n0 = len(self.enterprises)
        orgs = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"上海资金基准制造有限公司{n0 + n}",
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

    def approved(self, count: int) -> list[Any]:
        """``count`` approved (立项) projects with their decision's amounts."""
        from jigai.applications.choices import ApplicationStatus
        from jigai.applications.models import Application
        from jigai.decisions.models import Decision

        rows = []
        for _ in range(count):
            self.serial += 1
            enterprise = self.enterprises[self.serial % len(self.enterprises)]
            total = Decimal(self.rng.randrange(20_000_000, 200_000_000))
            rows.append(
                Application(
                    call=self.call,
                    rules=self.call.current_rules,
                    enterprise_id=enterprise.pk,
                    district_id=enterprise.district_id,
                    reference_number=f"JG2026-{enterprise.district_id}-{self.serial:06d}",
                    name=f"资金基准技术改造项目{self.serial}",
                    status=ApplicationStatus.APPROVED,
                    total_investment=total,
                    fixed_asset_investment=(total * Decimal("0.7")).quantize(Decimal("0.01")),
                    requested_support=total / 10,
                    created_by=self.officer,
                    submitted_at=self.now,
                )
            )
        applications = list(Application.objects.bulk_create(rows, batch_size=2000))
        Decision.objects.bulk_create(
            (
                Decision(
                    application=a,
                    rank=n,
                    approved_investment=a.total_investment,
                    formula_support=(a.total_investment / 10).quantize(Decimal("0.01")),
                    approved_support=(a.total_investment / 10).quantize(Decimal("0.01")),
                    decided_by=self.head,
                    decided_at=self.now,
                )
                for n, a in enumerate(applications, start=1)
            ),
            batch_size=2000,
        )
        return applications

    def issued(self, count: int) -> tuple[int, int]:
        """``count`` more projects in an issued plan: a municipal and a district share each, their
        two instalments, a payment of the first municipal instalment, and the ledger
        entries. Returns (projects, payments) written."""
        from django.db.models import F

        from jigai.funds import crypto
        from jigai.funds.choices import EntryKind, FundPlanStatus, ShareLevel
        from jigai.funds.models import (
            Budget,
            BudgetEntry,
            FundPlan,
            FundPlanItem,
            FundShare,
            Instalment,
            Payment,
        )

        budgets = {(b.source, b.district_id): b for b in Budget.objects.all()}
        plan = FundPlan.objects.create(
            call=self.call,
            fiscal_year=2026,
            title=f"基准资金计划 {self.serial}",
            status=FundPlanStatus.APPROVED,
            drafted_by=self.officer,
            head_approved_by=self.head,
            finance_approved_by=self.finance,
        )
        written = payments = 0
        chunk = 5000
        account = crypto.encrypt("6222021234567891234")  # one ciphertext: the bench measures reads
        while written < count:
            n = min(chunk, count - written)
            applications = self.approved(n)
            items = FundPlanItem.objects.bulk_create(
                (
                    FundPlanItem(
                        plan=plan,
                        application=a,
                        district_id=a.district_id,
                        approved_support=a.total_investment / 10,
                        municipal_amount=a.total_investment / 20,
                        district_amount=a.total_investment / 20,
                    )
                    for a in applications
                ),
                batch_size=2000,
            )
            shares = FundShare.objects.bulk_create(
                (
                    FundShare(
                        item=item,
                        level=level,
                        budget=budgets[("municipal", None)]
                        if level == "municipal"
                        else budgets[("district", item.district_id)],
                        amount=item.municipal_amount,
                        committed=item.municipal_amount,
                    )
                    for item in items
                    for level in (ShareLevel.MUNICIPAL, ShareLevel.DISTRICT)
                ),
                batch_size=2000,
            )
            instalments = Instalment.objects.bulk_create(
                (
                    Instalment(
                        share=s,
                        sequence=seq,
                        trigger="approval" if seq == 1 else "acceptance",
                        percent=Decimal("0.5"),
                        amount=s.amount / 2,
                        payable=seq == 1,
                    )
                    for s in shares
                    for seq in (1, 2)
                ),
                batch_size=2000,
            )
            paid = [
                i
                for k, i in enumerate(instalments)
                if i.sequence == 1 and i.share.level == "municipal" and k % 4 == 0
            ]
            made = Payment.objects.bulk_create(
                (
                    Payment(
                        instalment=i,
                        share=i.share,
                        amount=i.amount,
                        paid_on=self.now.date(),
                        voucher_number=f"基准{i.pk}",
                        bank_account_encrypted=account,
                        idempotency_key=f"bench-{i.pk}",
                        request_digest="0" * 64,
                        recorded_by=self.finance,
                    )
                    for i in paid
                ),
                batch_size=2000,
            )
            Instalment.objects.filter(pk__in=[i.pk for i in paid]).update(paid=F("amount"))
            FundShare.objects.filter(pk__in=[i.share_id for i in paid]).update(paid=F("amount") / 2)
            entries = [
                BudgetEntry(
                    budget=s.budget,
                    kind=EntryKind.COMMITMENT,
                    amount=s.amount,
                    plan=plan,
                    share=s,
                    created_by=self.finance,
                )
                for s in shares
            ] + [
                BudgetEntry(
                    budget=p.share.budget,
                    kind=EntryKind.DISBURSEMENT,
                    amount=p.amount,
                    payment=p,
                    share=p.share,
                    created_by=self.finance,
                )
                for p in made
            ]
            BudgetEntry.objects.bulk_create(entries, batch_size=2000)
            moves: dict[int, list[Decimal]] = {}
            for s in shares:
                moves.setdefault(s.budget_id or 0, [Decimal(0), Decimal(0)])[0] += s.amount
            for p in made:
                moves.setdefault(p.share.budget_id or 0, [Decimal(0), Decimal(0)])[1] += p.amount
            for budget in Budget.objects.filter(pk__in=list(moves)):
                committed, disbursed = moves[budget.pk]
                # exact Decimals, as the ledger writes them (SQLite would add F() in binary floats)
                Budget.objects.filter(pk=budget.pk).update(
                    committed=budget.committed + committed,
                    available=budget.available - committed,
                    disbursed=budget.disbursed + disbursed,
                )
            written += n
            payments += len(made)
        return written, payments


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

    from jigai.funds import services
    from jigai.funds.choices import BudgetSource
    from jigai.funds.models import Budget, Payment

    call_command("migrate", verbosity=0)
    filler = Filler(args)
    filler.enterprises_up_to(min(args.enterprises, 500))

    # 1. a plan of --plan projects: draft, head approval, finance approval (commit)
    plan_projects = filler.approved(args.plan)
    plan_steps: dict[str, tuple[float, int]] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            out = run()
            plan_steps[name] = ((time.perf_counter() - began) * 1000, len(queries))
        return out

    plan = step(
        "draft",
        lambda: services.fund_plan_draft(
            actor=filler.officer, call=filler.call, application_ids=[a.pk for a in plan_projects]
        ),
    )
    plan = step(
        "head_approve",
        lambda: services.fund_plan_transition(actor=filler.head, plan=plan, action="head_approve"),
    )
    step(
        "finance_approve",
        lambda: services.fund_plan_transition(actor=filler.finance, plan=plan, action="finance_approve"),
    )

    # 2. budget execution on a small and a large fill
    began = time.perf_counter()
    filler.issued(args.small)
    municipal = Budget.objects.get(source=BudgetSource.MUNICIPAL)
    paths = {
        "execution_page": "/funds/",
        "drill_down_page": f"/funds/budgets/{municipal.pk}/",
        "execution_api": "/api/v1/funds/budgets?limit=100",
        "drill_down_api": f"/api/v1/funds/budgets/{municipal.pk}/projects?limit=50",
    }
    client = Client()
    client.force_login(filler.finance)

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
    filler.issued(max(0, args.projects - args.small - args.plan))
    generated = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = counts()

    page_ms, sql_ms = {}, {}
    for page, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # the session and user look-ups are the test client's, not the page's: measured with it
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

    from jigai.funds.models import FundPlanItem

    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "label": "SQLite" if connection.vendor == "sqlite" else "PostgreSQL",
                "data": {
                    "plan": args.plan,
                    "projects": FundPlanItem.objects.count(),
                    "payments": Payment.objects.count(),
                    "small": args.small,
                    "seconds": generated,
                },
                "plan_steps": plan_steps,
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
