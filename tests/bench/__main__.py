"""`make bench`: generate data at the sizes the issues name and print the figures.

Runs against the configured database (PostgreSQL under `make bench`), at the sizes in
BENCH_SIZES (default "demo,bench", tests/bench/data.py). Each module
`tests/bench/bench_*.py` defines `run(bench: Bench) -> None` and records figures with
`bench.record(name, value, unit)`. Select modules with `BENCH_ARGS=participants` etc.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiproj.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.bench import data  # noqa: E402


def _reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # resets VmHWM, the peak resident set size


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mib() -> float:
    return _status_mib("VmHWM")


@dataclass
class Measurement:
    seconds: float = 0.0
    peak_mib: float = 0.0  # the process's peak resident memory during the block
    start_mib: float = 0.0  # its resident memory when the block began
    queries: int = 0


@dataclass
class Bench:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self, name: str, value: Any, unit: str = "") -> None:
        text = f"{value:,.2f}".replace(",", " ") if isinstance(value, float) else str(value)
        self.rows.append((name, text, unit))
        print(f"  {name:<68} {text:>14} {unit}", flush=True)  # noqa: T201

    @contextmanager
    def measure(self, *, memory: bool = False) -> Iterator[Measurement]:
        """Wall time, query count and, with memory=True, the process's peak resident memory
        during the block (Linux: the high-water mark is reset first, so no tracing slows
        the code down)."""
        result = Measurement()
        if memory:
            _reset_peak_rss()
            result.start_mib = _status_mib("VmRSS")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            yield result
            result.seconds = time.perf_counter() - start
        result.queries = len(queries)
        if memory:
            result.peak_mib = _peak_rss_mib()
        reset_queries()

    def isolated(self, target: str, *args: Any) -> dict[str, Any]:
        """Run `module:function(*args)` in a fresh process (tests/bench/child.py): its time,
        queries and peak resident memory, not disturbed by what ran before in this one."""
        import json
        import subprocess

        output = subprocess.run(
            [sys.executable, "-m", "tests.bench.child", target, json.dumps(list(args))],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    def client_for(self, email: str) -> Client:
        from digiproj.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(email=email))
        return client

    def time_get(self, client: Client, url: str, *, repeat: int = 3) -> Measurement:
        """Median of `repeat` GETs after one warm-up; the page must answer 200."""
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times, queries = [], 0
        for _ in range(repeat):
            with self.measure() as m:
                response = client.get(url)
            assert response.status_code == 200
            times.append(m.seconds)
            queries = m.queries
        times.sort()
        return Measurement(seconds=times[len(times) // 2], queries=queries)


def _modules(selected: list[str]) -> list[Callable[[Bench], None]]:
    package = importlib.import_module("tests.bench")
    runs = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("bench_"):
            continue
        short = info.name.removeprefix("bench_")
        if selected and short not in selected:
            continue
        runs.append(importlib.import_module(f"tests.bench.{info.name}").run)
    return runs


def main(argv: list[str]) -> int:
    db = settings.DATABASES["default"]
    print(f"digiproj bench on {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}", flush=True)  # noqa: T201
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    bench = Bench()
    runs = _modules(argv)
    # Modules with SIZED = True run once per size (BENCH_SIZES, smallest first: the data
    # only grow), so the growth shows; the others once, at the bench size.
    for size in os.environ.get("BENCH_SIZES", "demo,bench").split(","):
        os.environ["BENCH_SIZE"] = size
        for run in runs:
            if getattr(sys.modules[run.__module__], "SIZED", False):
                print(f"\n[{run.__module__.rsplit('.', 1)[-1]} at {size} size]", flush=True)  # noqa: T201
                try:
                    run(bench)
                except data.SizeTooSmall as refused:
                    print(f"  skipped: {refused}", flush=True)  # noqa: T201
    os.environ["BENCH_SIZE"] = "bench"
    for run in runs:
        if not getattr(sys.modules[run.__module__], "SIZED", False):
            print(f"\n[{run.__module__.rsplit('.', 1)[-1]}]", flush=True)  # noqa: T201
            run(bench)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
