"""``manage.py serve_demo`` (run by ``make run``): gunicorn and the database task worker side by side,
started together and stopped together.

Both run as children of this command, in its process group, so Ctrl-C in the terminal reaches all
three. SIGINT, SIGTERM or SIGHUP sent to this command alone (``make`` passes SIGTERM on to it) stops
both children gracefully (SIGTERM, then SIGKILL after gunicorn's graceful timeout); when one child
ends by itself, the other is stopped too and the command exits non-zero. On Linux the children are
also told to stop should this command itself be killed (``PR_SET_PDEATHSIG``), so no server or
worker outlives ``make run``. In production run gunicorn and the worker under a supervisor (see
docs/operations.md) instead.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: gunicorn's graceful_timeout (gunicorn.conf.py) plus a little
GRACE_SECONDS = 25.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # The children take the default handling of the signals this process catches.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


class Command(BaseCommand):
    help = "同时运行 gunicorn 和任务进程（make run 使用），收到 Ctrl-C 或 SIGTERM 时一并停止。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        manage = str(settings.BASE_DIR / "manage.py")
        bind = f"{options['host']}:{options['port']}"
        commands = {
            "worker": [sys.executable, manage, "db_worker", "--queue-name", "default"],
            "gunicorn": [
                sys.executable,
                "-m",
                "gunicorn",
                "jigai.wsgi",
                "-c",
                "gunicorn.conf.py",
                "-b",
                bind,
            ],
        }
        stop = threading.Event()
        received: list[int] = []

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            received.append(signum)
            stop.set()

        for signum in STOP_SIGNALS:
            signal.signal(signum, on_signal)
        children = {
            name: subprocess.Popen(command, cwd=settings.BASE_DIR, preexec_fn=_die_with_parent)  # noqa: S603
            for name, command in commands.items()
        }
        while not stop.is_set() and all(child.poll() is None for child in children.values()):
            stop.wait(0.5)
        ended = [name for name, child in children.items() if child.poll() is not None]
        self._stop(children)
        if not received and ended:
            raise CommandError(f"{'、'.join(ended)} 已退出，其余进程已停止。")

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
