"""The real server under test (gunicorn with gunicorn.conf.py) and its memory, sampled every 50 ms."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

import psutil

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``gunicorn -c gunicorn.conf.py`` on a free port of 127.0.0.1, with the given environment."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.port = free_port()
        self.host = "127.0.0.1"
        self.log_path = log_dir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, **self.env, "ACCESS_LOG": str(self.log_path.with_name("gunicorn-access.log"))}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"{self.host}:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn 已退出（{self.process.returncode}），见 {self.log_path}")
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=2)
                conn.request("GET", "/api/v1/ping")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn 在 {timeout} 秒内未就绪，见 {self.log_path}")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


class RssSampler:
    """Sums the resident memory of the gunicorn master and its workers every 50 ms; ``take_peak``
    returns the highest sum since the last call (MB)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.master = psutil.Process(pid)
        self.interval = interval
        self._peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        total = 0
        try:
            for proc in [self.master, *self.master.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
        except psutil.NoSuchProcess:
            return 0
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss = self.sample()
            with self._lock:
                self._peak = max(self._peak, rss)

    def take_peak(self) -> float:
        with self._lock:
            peak, self._peak = self._peak, self.sample()
        return peak / (1024 * 1024)
