"""``manage.py serve_demo``, the last step of ``make run``: gunicorn and the task worker run under it
and stop with it — on SIGTERM (what make passes on; SIGINT is handled alike), and when one of them
ends by itself.

Real processes on a free port of 127.0.0.1 with a scratch SQLite database (about a minute)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks need Linux")

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def env(tmp_path_factory: Any) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("serve-demo")
    values = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "jigai.settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "JIGAI_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": "serve-demo-test-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ACCESS_LOG": "",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
    }
    subprocess.run(
        [sys.executable, MANAGE, "migrate", "--noinput", "-v", "0"], env=values, check=True, timeout=300
    )
    return values


@pytest.fixture
def served(
    env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], list[psutil.Process]]]:
    """serve_demo answering on its port, and its children (gunicorn master and workers, the worker)."""
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    process = subprocess.Popen(
        [sys.executable, MANAGE, "serve_demo", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("serve_demo did not answer: " + (tmp_path / "serve.log").read_text()[-2000:])
        time.sleep(0.5)
    children = psutil.Process(process.pid).children(recursive=True)
    commands = [" ".join(child.cmdline()) for child in children]
    assert any("gunicorn" in c for c in commands) and any("db_worker" in c for c in commands), commands
    try:
        yield process, children
    finally:
        if process.poll() is None:
            process.kill()
        for child in children:
            if child.is_running():
                child.kill()
        log.close()


def test_sigterm_stops_the_server_and_the_worker(served):
    # what make passes on when it is sent SIGTERM; SIGINT (Ctrl-C) takes the same way
    process, children = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert alive == []


def test_when_the_worker_ends_the_server_is_stopped_too(served):
    process, children = served
    worker = next(child for child in children if "db_worker" in " ".join(child.cmdline()))
    worker.kill()
    assert process.wait(timeout=60) != 0
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert alive == []
