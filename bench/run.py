"""``make bench``: API latency against the real server, on SQLite and then PostgreSQL.

For each database: generate N enterprises and A applications (``seed_demo``), start gunicorn with
gunicorn.conf.py, sign in with API tokens (the municipal officer, a district officer), and for
every entry of bench/endpoints.py drive C concurrent clients; measure beside it the trivial
``/api/v1/ping`` on the same server and the endpoint's SQL run directly through the driver with as
many threads. Then the scenarios of bench/scenarios.py: SQL queries per request on the big and a
small database, concurrent submissions, and the server's memory while exporting. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scenarios
from bench.database import (
    DEFAULT_POSTGRES_URL,
    ROOT,
    SMALL_APPLICATIONS,
    SMALL_ENTERPRISES,
    Backend,
    django_task,
    drop_postgres,
    prepare_postgres,
    prepare_sqlite,
    small_postgres_url,
    without_password,
)
from bench.endpoints import ENDPOINTS, PING_PATH, BenchEndpoint
from bench.load import LoadResult, http_client, run_load, sql_client
from bench.server import RssSampler, Server

SCENARIOS = ("queries", "submissions", "export")

RESULTS_DIR = ROOT / "bench" / "results"


@dataclass
class Measure:
    p50_ms: float
    p95_ms: float
    rps: float
    requests: int
    errors: int
    first_error: str
    seconds: float
    timed_out: bool
    rss_mb: float | None = None

    @classmethod
    def of(cls, result: LoadResult, rss_mb: float | None = None) -> Measure:
        return cls(
            result.p50,
            result.p95,
            result.rps,
            result.count,
            result.errors,
            result.first_error,
            result.seconds,
            result.timed_out,
            rss_mb,
        )


@dataclass
class EndpointResult:
    name: str
    path: str
    http: Measure
    sql: Measure
    ping: Measure  # measured just before the endpoint, on the same server
    ratio: float
    max_ratio: float

    @property
    def passed(self) -> bool:
        return self.http.errors == 0 and self.http.requests > 0 and self.ratio <= self.max_ratio


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000, help="企业数量（默认 %(default)s）")
    parser.add_argument("--applications", type=int, default=200_000, help="申报数量（默认 %(default)s）")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", type=int, default=8, help="并发客户端（线程）数")
    parser.add_argument("--requests", type=int, default=400, help="每个客户端的请求数")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="每项测量的时间上限（秒）")
    parser.add_argument("--backends", default="sqlite,postgresql", help="逗号分隔：sqlite,postgresql")
    parser.add_argument("--only", default="", help="只测名称或路径包含此文字的端点")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--regenerate", action="store_true", help="忽略 SQLite 缓存，重新生成")
    parser.add_argument("--keep-postgres", action="store_true", help="结束后保留 jigai_bench 数据库")
    parser.add_argument("--strict", action="store_true", help="有目标未达成时以 1 退出")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="逗号分隔：queries（每次请求的 SQL 数）、submissions（并发提交）、export（导出内存）；空则不跑",
    )
    parser.add_argument("--submissions", type=int, default=50, help="并发提交的申报数（默认 %(default)s）")
    parser.add_argument(
        "--export-rows", default="10000,100000", help="导出场景的两个行数（默认 %(default)s）"
    )
    return parser.parse_args(argv)


def measure_backend(
    backend: Backend, small: Backend | None, endpoints: list[BenchEndpoint], args: argparse.Namespace
) -> dict[str, Any]:
    wanted = set(_scenarios(args))
    usernames = sorted({e.username for e in endpoints if e.auth} | {scenarios.EXPORT_USER})
    tokens: dict[str, str] = django_task(backend, "tokens", usernames=usernames)
    prepared: list[dict[str, Any]] = []
    prepare_seconds = 0.0
    if "submissions" in wanted and args.submissions > 0:
        print(f"准备 {args.submissions} 份待提交的申报（经业务服务）…", flush=True)
        prepared, prepare_seconds = scenarios.prepare_submissions(backend, args.submissions, args.seed)
    load = {"clients": args.clients, "requests": args.requests, "max_seconds": args.max_seconds}
    results: list[EndpointResult] = []
    submissions: scenarios.Submissions | None = None
    with Server(backend.env, backend.var_dir) as server, RssSampler(server.pid) as rss:

        def http(endpoint: BenchEndpoint) -> Measure:
            factory = http_client(
                server.host,
                server.port,
                endpoint.path,
                token=tokens[endpoint.username] if endpoint.auth else None,
                expect_status=endpoint.expect_status,
                check=endpoint.check,
            )
            run_load(factory, clients=args.clients, requests=5, max_seconds=args.max_seconds)  # warm-up
            rss.take_peak()
            return Measure.of(run_load(factory, **load), rss.take_peak())

        ping_endpoint = BenchEndpoint(name="ping", path=PING_PATH, sql=(), max_ratio=math.inf, auth=False)
        first_ping = http(ping_endpoint)
        for endpoint in endpoints:
            ping = http(ping_endpoint)
            measured = http(endpoint)
            sql = Measure.of(run_load(sql_client(backend.vendor, backend.sql_target, endpoint.sql), **load))
            ratio = measured.p50_ms / (sql.p50_ms + ping.p50_ms)
            results.append(
                EndpointResult(endpoint.name, endpoint.path, measured, sql, ping, ratio, endpoint.max_ratio)
            )
        if prepared:
            submissions = scenarios.concurrent_submissions(backend, server, prepared, prepare_seconds)
    print_table(backend, first_ping, results, args)
    report: dict[str, Any] = {
        "vendor": backend.vendor,
        "generation": asdict(backend.generation),
        "ping": asdict(first_ping),
        "endpoints": [{**asdict(r), "passed": r.passed} for r in results],
        "scenarios": {},
    }
    if "queries" in wanted and small is not None:
        counts = scenarios.query_counts(backend, small, endpoints)
        scenarios.print_query_counts(counts)
        report["scenarios"]["queries"] = {**asdict(counts), "passed": counts.passed}
    if submissions is not None:
        scenarios.print_submissions(submissions)
        report["scenarios"]["submissions"] = {**asdict(submissions), "passed": submissions.passed}
    if "export" in wanted:
        rows = [int(n) for n in args.export_rows.split(",") if n.strip()]
        export = scenarios.export_memory(backend, tokens[scenarios.EXPORT_USER], rows)
        scenarios.print_export_memory(export)
        report["scenarios"]["export"] = {**asdict(export), "ratio": export.ratio, "passed": export.passed}
    return report


def _scenarios(args: argparse.Namespace) -> list[str]:
    return [name.strip() for name in args.scenarios.split(",") if name.strip()]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _row(name: str, m: Measure) -> list[str]:
    return [name, _fmt(m.p50_ms, 2), _fmt(m.p95_ms, 2), _fmt(m.rps, 0), _fmt(m.rss_mb), str(m.errors)]


def print_table(
    backend: Backend, ping: Measure, results: list[EndpointResult], args: argparse.Namespace
) -> None:
    head = [
        "endpoint",
        "p50 ms",
        "p95 ms",
        "req/s",
        "RSS MB",
        "errors",
        "sql p50",
        "sql p95",
        "sql req/s",
        "ping p50",
        "ratio",
        "target",
        "",
    ]
    rows = [[*_row(f"ping {PING_PATH}", ping), "", "", "", "", "", "", "baseline"]]
    for r in results:
        rows.append(
            [
                *_row(r.name, r.http),
                _fmt(r.sql.p50_ms, 2),
                _fmt(r.sql.p95_ms, 2),
                _fmt(r.sql.rps, 0),
                _fmt(r.ping.p50_ms, 2),
                _fmt(r.ratio, 2),
                f"≤ {r.max_ratio:g}",
                "PASS" if r.passed else "FAIL",
            ]
        )
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    print()
    print(
        f"== {backend.label} — {args.clients} clients × {args.requests} requests "
        f"(≤ {args.max_seconds:g} s each); ratio = p50 / (sql p50 + ping p50)"
    )
    print(f"   data: {backend.generation.describe()}")
    for n, row in enumerate([head, *rows]):
        cells = [_pad(cell, widths[i], left=i in (0, len(row) - 1)) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        if r.http.errors:
            print(f"   {r.name}: {r.http.errors} errors, first: {r.http.first_error}")
        if r.http.timed_out:
            print(f"   {r.name}: stopped at the time limit after {r.http.requests + r.http.errors} requests")


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return text + gap if left else gap + text


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    endpoints = [e for e in ENDPOINTS if args.only in e.name or args.only in e.path]
    vendors = [v.strip() for v in args.backends.split(",") if v.strip()]
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "args": {**vars(args), "postgres_url": without_password(args.postgres_url)},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "web_concurrency": os.environ.get("WEB_CONCURRENCY", "3 (gunicorn.conf.py)"),
            "web_threads": os.environ.get("WEB_THREADS", "4 (gunicorn.conf.py)"),
        },
        "backends": [],
        "skipped": [],
    }
    for vendor in vendors:
        sizes = f"{args.enterprises} 家企业、{args.applications} 份申报，随机种子 {args.seed}"
        small_wanted = "queries" in _scenarios(args)
        if vendor == "sqlite":
            print(f"准备 SQLite 数据库（{sizes}）…", flush=True)
            backend = prepare_sqlite(
                enterprises=args.enterprises,
                applications=args.applications,
                seed=args.seed,
                regenerate=args.regenerate,
            )
            small = None
            if small_wanted:
                small = prepare_sqlite(
                    enterprises=SMALL_ENTERPRISES,
                    applications=SMALL_APPLICATIONS,
                    seed=args.seed,
                    regenerate=args.regenerate,
                    name="sqlite-small",
                )
            report["backends"].append(measure_backend(backend, small, endpoints, args))
        elif vendor in {"postgresql", "postgres", "pg"}:
            print(f"准备 PostgreSQL 数据库（{sizes}）…", flush=True)
            prepared = prepare_postgres(
                url=args.postgres_url,
                enterprises=args.enterprises,
                applications=args.applications,
                seed=args.seed,
            )
            if isinstance(prepared, str):
                print(f"跳过 PostgreSQL：{prepared}")
                report["skipped"].append({"vendor": "postgresql", "reason": prepared})
                continue
            small_url = small_postgres_url(args.postgres_url)
            try:
                small_pg = None
                if small_wanted:
                    made = prepare_postgres(
                        url=small_url,
                        enterprises=SMALL_ENTERPRISES,
                        applications=SMALL_APPLICATIONS,
                        seed=args.seed,
                    )
                    small_pg = made if isinstance(made, Backend) else None
                report["backends"].append(measure_backend(prepared, small_pg, endpoints, args))
            finally:
                if not args.keep_postgres:
                    drop_postgres(args.postgres_url)
                drop_postgres(small_url)
        else:
            print(f"未知数据库：{vendor}", file=sys.stderr)
            return 2
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"bench-{stamp}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\n结果已写入 {out.relative_to(ROOT)}")
    failed = [
        f"{b['vendor']}: {e['name']}" for b in report["backends"] for e in b["endpoints"] if not e["passed"]
    ] + [
        f"{b['vendor']}: {name}"
        for b in report["backends"]
        for name, outcome in b["scenarios"].items()
        if not outcome["passed"]
    ]
    if failed:
        print(f"未达目标：{', '.join(failed)}" + ("" if args.strict else "（--strict 时以 1 退出）"))
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
