"""The load test (#19 item 6): 20 coordinators at once against gunicorn with the production
settings on 127.0.0.1, for a bounded time, over the coordinator's main pages.

`run_load(...)` boots gunicorn exactly as deploy/gunicorn.conf.py and the systemd unit do
(DEBUG off, manifest static collected into a temporary root, secure cookies behind a proxy
header, PostgreSQL and the Redis cache of the bench's environment), runs locust headless
(tests/bench/locustfile.py) in its own process, and returns per page the request count, the
failures and p50/p95/p99 in milliseconds, with the number of gunicorn workers that were
killed (a timeout) or died. Everything it started is stopped, also on failure.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The coordinators arrive this many per second and log in (a deliberately slow password
# hash each); the figures are counted from when all are in (locust's --reset-stats).
SPAWN_RATE = 4


@dataclass
class PageLoad:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float


@dataclass
class LoadResult:
    pages: list[PageLoad]
    workers_killed: int
    seconds: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _production_env(port: int, root: Path) -> dict[str, str]:
    # gunicorn runs as shipped (deploy/gunicorn.conf.py: workers, timeout, max-requests);
    # LOAD_GUNICORN_WORKERS tries another worker count.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    if workers := os.environ.get("LOAD_GUNICORN_WORKERS"):
        env["GUNICORN_WORKERS"] = workers
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE": "1",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
            "DJANGO_STATIC_ROOT": str(root / "static"),
            "DJANGO_MEDIA_ROOT": str(root / "media"),
            "DJANGO_PRIVATE_ROOT": str(root / "private"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "rediscache://127.0.0.1:6379/5"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "DIGIPROJ_BASE_URL": f"https://127.0.0.1:{port}",
        }
    )
    return env


def _wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {base}/healthz within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _read_stats(prefix: Path) -> list[PageLoad]:
    pages = []
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            pages.append(
                PageLoad(
                    name=row["Name"],
                    requests=int(row["Request Count"]),
                    failures=int(row["Failure Count"]),
                    p50=float(row["50%"] or 0),
                    p95=float(row["95%"] or 0),
                    p99=float(row["99%"] or 0),
                )
            )
    return pages


def run_load(
    *, pages: dict[str, str], email: str, password: str, users: int = 20, seconds: int = 60
) -> LoadResult:
    """`users` coordinators logged in as `email` open `pages` for `seconds` seconds (after
    they have all arrived and logged in)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="digiproj-load-") as tmp:
        root = Path(tmp)
        env = _production_env(port, root)
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        gunicorn_log = root / "gunicorn.log"
        with open(gunicorn_log, "wb") as log:
            web = subprocess.Popen(
                [str(Path(python).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_healthy(base)
            load_env = {
                **os.environ,
                "LOAD_PAGES": json.dumps(pages),
                "LOAD_EMAIL": email,
                "LOAD_PASSWORD": password,
            }
            prefix = root / "locust"
            started = time.monotonic()
            subprocess.run(
                [
                    str(Path(python).with_name("locust")),
                    "-f",
                    str(Path(__file__).with_name("locustfile.py")),
                    "--headless",
                    "--host",
                    base,
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(SPAWN_RATE),
                    "--reset-stats",
                    "--run-time",
                    f"{seconds + users // SPAWN_RATE + 1}s",
                    "--stop-timeout",
                    "30",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=load_env,
                check=False,  # locust exits 1 when a request failed: the figures say so
                stdout=subprocess.DEVNULL,
            )
            failures = Path(f"{prefix}_failures.csv")
            if failures.exists() and os.environ.get("LOAD_SHOW_FAILURES"):
                print(failures.read_text())  # noqa: T201
            elapsed = time.monotonic() - started
        finally:
            _stop(web)
        text = gunicorn_log.read_text(errors="replace")
        killed = text.count("WORKER TIMEOUT") + text.count("was sent SIGKILL")
        return LoadResult(pages=_read_stats(prefix), workers_killed=killed, seconds=elapsed)
