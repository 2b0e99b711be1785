"""The databases under test: a generated SQLite file (cached under var/bench/, keyed by the numbers
of enterprises and applications, the seed and the generator's source) and a PostgreSQL database
``jigai_bench`` created and dropped per run; and a small one of each (10 applications) beside them,
for the query counts."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jigai_bench"
# The small database of the query counts: its lists have at most 10 rows.
SMALL_ENTERPRISES = 50
SMALL_APPLICATIONS = 10
# The generated open call closes 60 days after generation; a cache older than this is made again,
# so that the concurrency scenario always finds the call open.
CACHE_MAX_DAYS = 30
# The generator's output depends on these files: a change makes a new cache key.
GENERATOR_SOURCES = (
    "jigai/demo/generators.py",
    "jigai/demo/vocabulary.py",
    "jigai/demo/accounts.py",
    "jigai/demo/services.py",
    "jigai/demo/projects.py",
    "jigai/demo/project_vocabulary.py",
    "jigai/demo/applications.py",
    "jigai/demo/bulk.py",
    "jigai/demo/programme.py",
    "jigai/catalog/defaults.py",
    "jigai/calls/defaults.py",
    "jigai/reference/codes.py",
    "jigai/reference/sizes.py",
)


@dataclass
class Generation:
    """How the bench database came to be: the seed_demo run's own time, or the cache it came from."""

    enterprises: int
    applications: int
    seed: int
    seconds: float | None = None  # seed_demo's own measure (generation + writes, one transaction)
    wall_seconds: float | None = None  # the whole seed_demo process, Django start-up included
    migrate_seconds: float | None = None
    cached_from: str = ""

    def describe(self) -> str:
        what = f"{self.enterprises} 家企业、{self.applications} 份申报"
        if self.cached_from:
            earlier = f"，当时用时 {self.seconds:.1f} 秒" if self.seconds is not None else ""
            return f"{what}：使用缓存 {self.cached_from}{earlier}（--regenerate 重新生成）"
        return (
            f"{what}：生成用时 {self.seconds:.1f} 秒"
            f"（seed_demo 进程共 {self.wall_seconds:.1f} 秒；migrate {self.migrate_seconds:.1f} 秒）"
        )


@dataclass
class Backend:
    vendor: str  # "sqlite" or "postgresql"
    label: str
    database_url: str  # for Django (DATABASE_URL)
    sql_target: str  # for the driver baseline: the SQLite file, or a libpq URL
    var_dir: Path
    generation: Generation
    cleanup: list[str] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "JIGAI_VAR_DIR": str(self.var_dir)}


def manage(args: list[str], env: dict[str, str]) -> str:
    """Run ``manage.py`` with ``env`` added; its output, or an error carrying it."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} 失败：\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def _seed(env: dict[str, str], generation: Generation) -> None:
    began = time.perf_counter()
    manage(["migrate", "--noinput", "-v", "0"], env)
    generation.migrate_seconds = time.perf_counter() - began
    began = time.perf_counter()
    output = manage(
        [
            "seed_demo",
            "--seed",
            str(generation.seed),
            "--enterprises",
            str(generation.enterprises),
            "--enterprise-users",  # every enterprise has a user: the applications are spread over them
            str(generation.enterprises),
            "--applications",
            str(generation.applications),
            "--no-attachments",
        ],
        env,
    )
    generation.wall_seconds = time.perf_counter() - began
    found = re.search(r"用时 ([\d.]+) 秒", output)
    generation.seconds = float(found.group(1)) if found else generation.wall_seconds


def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:10]


def prepare_sqlite(
    *, enterprises: int, applications: int, seed: int, regenerate: bool, name: str = "sqlite"
) -> Backend:
    """A working copy of the cached database (generated first when missing or older than
    :data:`CACHE_MAX_DAYS`), migrated to the current schema; the cache itself is never served, so
    runs do not change it. ``name`` is the working copy's folder under var/bench/."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    key = f"cache-n{enterprises}-a{applications}-seed{seed}"
    cache = BENCH_DIR / f"{key}-{generator_fingerprint()}.sqlite3"
    meta_path = cache.with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    generation = Generation(enterprises=enterprises, applications=applications, seed=seed)
    stale = time.time() - float(meta.get("generated_at", 0)) > CACHE_MAX_DAYS * 86400
    if regenerate or stale or not cache.exists():
        build_dir = BENCH_DIR / f"build-{name}"
        shutil.rmtree(build_dir, ignore_errors=True)
        build_dir.mkdir(parents=True)
        building = build_dir / "jigai.sqlite3"
        _seed({"DATABASE_URL": f"sqlite:///{building}", "JIGAI_VAR_DIR": str(build_dir)}, generation)
        with sqlite3.connect(building) as conn:
            # Table statistics for the query planner, as VACUUM ANALYZE gives PostgreSQL below.
            conn.execute("ANALYZE")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        for old in BENCH_DIR.glob(f"{key}-*"):
            old.unlink()  # generated by an older generator, or too long ago
        shutil.move(building, cache)
        shutil.rmtree(build_dir, ignore_errors=True)
        meta_path.write_text(
            json.dumps(
                {
                    "seconds": generation.seconds,
                    "wall_seconds": generation.wall_seconds,
                    "migrate_seconds": generation.migrate_seconds,
                    "generated_at": time.time(),
                }
            )
        )
    else:
        generation.seconds = meta.get("seconds")
        generation.cached_from = str(cache.relative_to(ROOT))
    var_dir = fresh_var_dir(name)
    working = var_dir / "jigai.sqlite3"
    shutil.copyfile(cache, working)
    backend = Backend(
        vendor="sqlite",
        label="SQLite",
        database_url=f"sqlite:///{working}",
        sql_target=str(working),
        var_dir=var_dir,
        generation=generation,
    )
    manage(["migrate", "--noinput", "-v", "0"], backend.env)
    return backend


def fresh_var_dir(name: str) -> Path:
    """An empty JIGAI_VAR_DIR for the server (``staticfiles/`` made so whitenoise does not warn)."""
    var_dir = BENCH_DIR / name
    shutil.rmtree(var_dir, ignore_errors=True)
    (var_dir / "staticfiles").mkdir(parents=True)
    return var_dir


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def postgres_admin(url: str) -> tuple[str, str]:
    """The maintenance URL (database ``postgres``) and the bench database's name."""
    name = urlsplit(url).path.lstrip("/") or "jigai_bench"
    return _with_database(url, "postgres"), name


def prepare_postgres(*, url: str, enterprises: int, applications: int, seed: int) -> Backend | str:
    """A fresh ``jigai_bench`` database with the generated data, or why PostgreSQL is skipped."""
    import psycopg
    from psycopg import sql

    admin_url, name = postgres_admin(url)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        return f"PostgreSQL 不可用（{without_password(admin_url)}）：{str(exc).strip().splitlines()[0]}"
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    var_dir = fresh_var_dir(f"postgresql-{name}")
    generation = Generation(enterprises=enterprises, applications=applications, seed=seed)
    backend = Backend(
        vendor="postgresql",
        label="PostgreSQL",
        database_url=url,
        sql_target=url,
        var_dir=var_dir,
        generation=generation,
        cleanup=[name],
    )
    _seed(backend.env, generation)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return backend


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = postgres_admin(url)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def small_postgres_url(url: str) -> str:
    """The URL of the small PostgreSQL database beside the bench database."""
    _admin, name = postgres_admin(url)
    return _with_database(url, f"{name}_small")


def django_task(backend: Backend, task: str, **arguments: Any) -> Any:
    """Run a task of :mod:`bench.django_jobs` in the bench database; its JSON result."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.django_jobs", task, json.dumps(arguments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **backend.env, "DJANGO_SETTINGS_MODULE": "jigai.settings"},
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.django_jobs {task} 失败：\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def create_token(backend: Backend, username: str) -> str:
    """A personal API token of ``username``, issued through the accounts service in the bench DB."""
    return str(django_task(backend, "tokens", usernames=[username])[username])


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def scratch_database(kind: str, vendor: str, postgres_url: str) -> tuple[str, Path, Callable[[], None]]:
    """A fresh, empty database for an in-process bench (``kind`` names it: "experts", "publicity"):
    its URL, a var folder, and the function that drops it afterwards."""
    var_dir = ROOT / "var" / "bench" / f"{kind}-{vendor}"
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / "staticfiles").mkdir(exist_ok=True)
    if vendor == "sqlite":
        path = var_dir / f"{kind}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", var_dir, lambda: None
    name = urlsplit(postgres_url).path.lstrip("/") or f"jigai_bench_{kind}"
    _pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(postgres_url, f'CREATE DATABASE "{name}"')
    return (
        postgres_url,
        var_dir,
        lambda: _pg_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
    )


def print_table(rows: list[list[str]]) -> None:
    """Print a results table: the first row is the header, the first column left-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def write_results(name: str, args: Any, results: list[Any]) -> None:
    """Keep a bench run's arguments and results as bench/results/NAME-<UTC stamp>.json."""
    import datetime as dt
    import json

    root = Path(__file__).resolve().parent.parent
    results_dir = root / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = results_dir / f"{name}-{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "results": results}, ensure_ascii=False, indent=1))
    print(f"\n结果已写入 {out.relative_to(root)}")
