"""Run one benchmark step in a fresh Python process and print its figures as JSON.

The parent's memory (freed but still resident) would hide what a step needs; a fresh process
shows the real peak resident memory of doing just that step (Django loaded included).
Usage: python -m tests.bench.child module:function '[json args]'
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiproj.settings")

import django


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    module, function = sys.argv[1].split(":")
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else []
    target = getattr(importlib.import_module(module), function)
    start_mib = _status_mib("VmRSS")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = target(*args)
        seconds = time.perf_counter() - started
    figures = {
        "seconds": seconds,
        "peak_mib": _status_mib("VmHWM"),
        "start_mib": start_mib,
        "queries": len(queries),
        "result": result,
    }
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
