"""End-to-end tests: the real server (gunicorn) on a fresh database, driven by Playwright in
Debian's Chromium.

The server runs in its own processes against its own database — a SQLite file in a temporary
folder, or, when the suite runs on PostgreSQL (``DATABASE_URL=postgres://…``), a fresh PostgreSQL
database created for the session and dropped after — loaded by ``manage.py setup_demo`` exactly as
``make run`` loads it. Nothing from the test database is shared with it.

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it). Without it the tests
are skipped, unless ``JIGAI_E2E_REQUIRED=1`` (set by CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("JIGAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("JIGAI_E2E_REQUIRED") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def live_server_url() -> Iterator[str]:
    _require_browser()
    workdir = Path(tempfile.mkdtemp(prefix="jigai-e2e-"))
    base_url = os.environ.get("DATABASE_URL", "")
    pg_url = ""
    if base_url.startswith(("postgres://", "postgresql://")):
        name = f"jigai_e2e_{os.getpid()}"
        pg_url = urlunparse(urlparse(base_url)._replace(path=f"/{name}"))
        _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(base_url, f'CREATE DATABASE "{name}"')
        database_url = pg_url
    else:
        database_url = f"sqlite:///{workdir / 'e2e.sqlite3'}"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jigai.settings",
        "DATABASE_URL": database_url,
        "JIGAI_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": "e2e-secret-key-not-for-production-0123456789",
        "JIGAI_TASK_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "ACCESS_LOG": "",
        # The demo accounts sign in with the password alone unless they enrol (test_two_factor does).
        "JIGAI_OTP_DEMO_EXEMPT": "1",
    }
    python = sys.executable
    manage = str(ROOT / "manage.py")
    log = open(workdir / "server.log", "w")
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["setup_demo"],
    ):
        subprocess.run(
            [python, manage, *args], env=env, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT
        )
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/ping", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "e2e server did not start:\n" + (workdir / "server.log").read_text()[-3000:]
                )
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if pg_url:
            _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{urlparse(pg_url).path.lstrip("/")}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(live_server_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server_url: str):
    context = browser.new_context(base_url=live_server_url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(page):
    """Sign in through the login page as ``username`` with the demo password."""
    from jigai.demo.accounts import DEMO_PASSWORD

    def _login(username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state("networkidle")

    return _login
