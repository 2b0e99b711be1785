"""Concurrent load: C client threads, each sending requests one after another until it has sent its
share or the time is up; latencies per request, and the errors."""

from __future__ import annotations

import http.client
import json
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# One client's unit of work: returns None when it went well, else what went wrong.
Call = Callable[[], str | None]
# Builds one client (its own connection) and returns its call and a close function.
ClientFactory = Callable[[], tuple[Call, Callable[[], None]]]


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def rps(self) -> float:
        return (self.count + self.errors) / self.seconds if self.seconds else 0.0


def run_load(factory: ClientFactory, *, clients: int, requests: int, max_seconds: float) -> LoadResult:
    """``clients`` threads × ``requests`` calls each, all starting together, stopping at
    ``max_seconds``. A failed call counts as an error and its latency is not kept."""
    result = LoadResult()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client() -> None:
        call, close = factory()
        mine: list[float] = []
        errors = 0
        first_error = ""
        try:
            start.wait()
            for _ in range(requests):
                if time.perf_counter() > deadline[0]:
                    break
                began = time.perf_counter()
                try:
                    problem = call()
                except Exception as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                if problem is None:
                    mine.append((time.perf_counter() - began) * 1000)
                else:
                    errors += 1
                    first_error = first_error or problem
        finally:
            close()
            with lock:
                result.latencies_ms.extend(mine)
                result.errors += errors
                result.first_error = result.first_error or first_error

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + max_seconds
    start.wait()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    result.timed_out = result.count + result.errors < clients * requests
    return result


# --- Clients --------------------------------------------------------------------------------
def http_client(
    host: str,
    port: int,
    path: str,
    *,
    token: str | None,
    expect_status: int = 200,
    check: Callable[[Any], str | None] | None = None,
) -> ClientFactory:
    """A keep-alive HTTP/1.1 client; the body of its first answer is checked with ``check``."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def factory() -> tuple[Call, Callable[[], None]]:
        conn = [http.client.HTTPConnection(host, port, timeout=60)]
        checked = [check is None]

        def call() -> str | None:
            try:
                conn[0].request("GET", path, headers=headers)
                response = conn[0].getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                conn[0].close()
                conn[0] = http.client.HTTPConnection(host, port, timeout=60)
                raise
            if response.status != expect_status:
                return f"HTTP {response.status}: {body[:200].decode('utf-8', 'replace')}"
            if not checked[0] and check is not None:
                checked[0] = True
                return check(json.loads(body))
            return None

        return call, lambda: conn[0].close()

    return factory


def sql_client(vendor: str, target: str, statements: tuple[str, ...]) -> ClientFactory:
    """Runs ``statements`` one after the other on the client's own connection and fetches every
    row, as the endpoint's database baseline. ``target`` is the SQLite file or the PostgreSQL URL."""

    def factory() -> tuple[Call, Callable[[], None]]:
        if vendor == "sqlite":
            sconn = sqlite3.connect(target, check_same_thread=False, timeout=30)
            sconn.execute("PRAGMA busy_timeout=30000")

            def scall() -> str | None:
                for sql in statements:
                    sconn.execute(sql).fetchall()
                return None

            return scall, sconn.close

        import psycopg

        pconn = psycopg.connect(target, autocommit=True)

        def pcall() -> str | None:
            with pconn.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql.encode())
                    cursor.fetchall()
            return None

        return pcall, pconn.close

    return factory
