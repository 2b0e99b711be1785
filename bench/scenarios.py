"""The bench's scenarios beside the latency table (issue 3's targets):

* **query counts** — the SQL queries of one request to each endpoint, on the big database and on
  a small one (10 applications): the same number, or the page does work per row;
* **concurrent submissions** — N enterprises each submit a ready draft at the same moment (N
  threads, one connection each, released together): every one must succeed, none may be lost
  (still not submitted afterwards), no reference number may be given twice;
* **export memory** — the server's peak memory (resident set of the gunicorn master and its one
  worker, sampled every 50 ms) while it exports about 10,000 and about 100,000 rows of the
  municipal list as .xlsx; each export on a fresh server, warmed up by a small export first. The
  larger may take at most 1.5 × the memory of the smaller: the export streams.
"""

from __future__ import annotations

import http.client
import os
import statistics
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench.database import Backend, django_task
from bench.endpoints import BenchEndpoint
from bench.server import RssSampler, Server

EXPORT_PATH = "/api/v1/applications/export"
EXPORT_TARGET = 1.5
EXPORT_USER = "municipal"


# --- Query counts ---------------------------------------------------------------------------------
@dataclass
class QueryCounts:
    big_rows: int
    small_rows: int
    rows: list[dict[str, Any]] = field(default_factory=list)  # name, big, small, equal, statuses

    @property
    def passed(self) -> bool:
        return bool(self.rows) and all(
            r["equal"] and r["big_status"] == r["small_status"] == 200 for r in self.rows
        )


def query_counts(big: Backend, small: Backend, endpoints: list[BenchEndpoint]) -> QueryCounts:
    requests = [{"name": e.name, "path": e.path, "username": e.username} for e in endpoints if e.auth]
    on_big = django_task(big, "query_counts", requests=requests)
    on_small = django_task(small, "query_counts", requests=requests)
    result = QueryCounts(big_rows=big.generation.applications, small_rows=small.generation.applications)
    for request in requests:
        b, s = on_big[request["name"]], on_small[request["name"]]
        result.rows.append(
            {
                "name": request["name"],
                "big": b["queries"],
                "small": s["queries"],
                "equal": b["queries"] == s["queries"],
                "big_status": b["status"],
                "small_status": s["status"],
                "big_page": f"{b['items']}/{b['rows']}",
                "small_page": f"{s['items']}/{s['rows']}",
                "sql": b["sql"],
            }
        )
    return result


def print_query_counts(result: QueryCounts) -> None:
    print(f"\n   SQL queries per request ({result.big_rows:,} applications vs {result.small_rows}):")
    for r in result.rows:
        verdict = "equal" if r["equal"] else "DIFFERENT"
        print(
            f"     {r['name']}: {r['big']} vs {r['small']} queries — {verdict} "
            f"(page/total {r['big_page']} vs {r['small_page']}; HTTP {r['big_status']}/{r['small_status']})"
        )


# --- Concurrent submissions -----------------------------------------------------------------------
@dataclass
class Submissions:
    requested: int
    successes: int = 0
    errors: int = 0
    lost: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    p50_ms: float = float("nan")
    max_ms: float = float("nan")
    first_error: str = ""
    prepare_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (
            self.successes == self.requested and self.errors == 0 and self.lost == 0 and self.duplicates == 0
        )


def prepare_submissions(backend: Backend, count: int, seed: int) -> tuple[list[dict[str, Any]], float]:
    """The ready drafts and their users' tokens (made through the services, before the server starts)."""
    began = time.perf_counter()
    prepared = django_task(backend, "ready_submissions", count=count, seed=seed)
    return prepared, time.perf_counter() - began


def concurrent_submissions(
    backend: Backend, server: Server, prepared: list[dict[str, Any]], prepare_seconds: float
) -> Submissions:
    result = Submissions(requested=len(prepared), prepare_seconds=prepare_seconds)
    barrier = threading.Barrier(len(prepared) + 1)
    outcomes: list[tuple[int, float, str]] = [(0, 0.0, "")] * len(prepared)

    def submit(n: int, item: dict[str, Any]) -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=300)
        try:
            conn.connect()
            barrier.wait()
            began = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/applications/{item['id']}/submit",
                headers={"Authorization": f"Bearer {item['token']}", "Content-Length": "0"},
            )
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - began) * 1000
            outcomes[n] = (response.status, elapsed, body[:300].decode("utf-8", "replace"))
        except Exception as exc:
            outcomes[n] = (0, 0.0, f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    threads = [
        threading.Thread(target=submit, args=(n, item), daemon=True) for n, item in enumerate(prepared)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    latencies = [ms for status, ms, _body in outcomes if status == 200]
    result.successes = len(latencies)
    result.errors = len(prepared) - result.successes
    result.first_error = next((f"HTTP {s}: {b}" for s, _ms, b in outcomes if s != 200), "")
    if latencies:
        result.p50_ms, result.max_ms = statistics.median(latencies), max(latencies)
    outcome = django_task(backend, "submission_outcome", ids=[item["id"] for item in prepared])
    result.lost = sum(1 for status in outcome["statuses"].values() if status != "submitted")
    numbers = [n for n in outcome["numbers"].values() if n]
    result.duplicates = len(numbers) - len(set(numbers)) + len(outcome["duplicated_numbers"])
    return result


def print_submissions(result: Submissions) -> None:
    print(
        f"\n   {result.requested} concurrent submissions: {result.successes} succeeded, "
        f"{result.errors} errors, {result.lost} lost, {result.duplicates} duplicate reference numbers — "
        f"{'PASS' if result.passed else 'FAIL'} (target {result.requested}/0/0/0)"
    )
    print(
        f"     all answered in {result.seconds:.1f} s; latency p50 {result.p50_ms:.0f} ms, "
        f"max {result.max_ms:.0f} ms (drafts prepared through the services in {result.prepare_seconds:.1f} s)"
    )
    if result.first_error:
        print(f"     first error: {result.first_error}")


# --- Export memory --------------------------------------------------------------------------------
@dataclass
class ExportRun:
    wanted: int
    rows: int  # rows the filter selects
    sheet_rows: int  # data rows found in the workbook
    status: int
    seconds: float
    size_mb: float
    rest_mb: float  # the server after warming up, before the export
    peak_mb: float
    error: str = ""


@dataclass
class ExportMemory:
    runs: list[ExportRun] = field(default_factory=list)
    skipped: str = ""

    @property
    def ratio(self) -> float:
        if len(self.runs) < 2 or not self.runs[0].peak_mb:
            return float("nan")
        return self.runs[-1].peak_mb / self.runs[0].peak_mb

    @property
    def passed(self) -> bool:
        return (
            len(self.runs) >= 2
            and all(r.status == 200 and r.sheet_rows == r.rows for r in self.runs)
            and self.ratio <= EXPORT_TARGET
        )


def _count_sheet_rows(path: str) -> int:
    """Data rows of the workbook's first sheet (its ``<row`` elements less the header), streamed."""
    with zipfile.ZipFile(path) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        count, carry = 0, b""
        with archive.open(sheet) as stream:
            while chunk := stream.read(1 << 20):
                data = carry + chunk
                count += data.count(b"<row ")
                carry = data[-4:]  # too short to hold a whole "<row ", long enough for a split one
        return count - 1


def _get_to_file(server: Server, path: str, token: str) -> tuple[int, float, str, str]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=900)
    began = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as out:
        while chunk := response.read(1 << 16):
            out.write(chunk)
    conn.close()
    return response.status, time.perf_counter() - began, out.name, response.getheader("Content-Type", "")


def export_memory(backend: Backend, token: str, wanted_rows: list[int]) -> ExportMemory:
    result = ExportMemory()
    filters = django_task(backend, "export_filters", rows=[1, *wanted_rows], username=EXPORT_USER)
    if len(filters) < 2:
        result.skipped = "没有可导出的申报"
        return result
    warm_up, *measured = filters
    env = {**backend.env, "WEB_CONCURRENCY": "1"}
    for item in measured:
        with Server(env, backend.var_dir) as server, RssSampler(server.pid) as rss:
            warm_path = f"{EXPORT_PATH}?{urlencode({'amount_min': warm_up['amount_min']})}"
            _get_to_file(server, warm_path, token)  # loads the export's code paths and openpyxl
            time.sleep(0.3)
            rest = rss.take_peak()
            status, seconds, path, _type = _get_to_file(
                server, f"{EXPORT_PATH}?{urlencode({'amount_min': item['amount_min']})}", token
            )
            peak = rss.take_peak()
        run = ExportRun(
            wanted=item["wanted"],
            rows=item["rows"],
            sheet_rows=0,
            status=status,
            seconds=seconds,
            size_mb=0.0,
            rest_mb=rest,
            peak_mb=peak,
        )
        try:
            if status == 200:
                run.size_mb = os.path.getsize(path) / (1024 * 1024)
                run.sheet_rows = _count_sheet_rows(path)
            else:
                with open(path, "rb") as f:
                    run.error = f.read(300).decode("utf-8", "replace")
        except (zipfile.BadZipFile, StopIteration, OSError) as exc:
            run.error = f"不是有效的 .xlsx：{exc}"
        finally:
            os.unlink(path)
        result.runs.append(run)
    return result


def print_export_memory(result: ExportMemory) -> None:
    if result.skipped:
        print(f"\n   export: skipped — {result.skipped}")
        return
    print("\n   export GET /api/v1/applications/export (municipal, one gunicorn worker, fresh server each):")
    for r in result.runs:
        print(
            f"     ~{r.wanted:,} rows (amount_min filter selects {r.rows:,}; sheet has {r.sheet_rows:,}): "
            f"HTTP {r.status}, {r.seconds:.1f} s, {r.size_mb:.1f} MB file, "
            f"server RSS at rest {r.rest_mb:.0f} MB, peak {r.peak_mb:.0f} MB "
            f"(+{r.peak_mb - r.rest_mb:.0f} MB)"
        )
        if r.error:
            print(f"       error: {r.error}")
    if len(result.runs) >= 2:
        print(
            f"     peak ratio {result.runs[-1].wanted:,} / {result.runs[0].wanted:,} rows: "
            f"{result.ratio:.2f} (target ≤ {EXPORT_TARGET}) — {'PASS' if result.passed else 'FAIL'}"
        )
