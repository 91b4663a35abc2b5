"""Health checks for load balancers and monitors: `/healthz` (this web process can reach its
database and cache) and `/healthz/worker` plus `manage.py worker_health` (a Celery worker takes
a task from the broker and answers within seconds).

The answers carry no personal data and no error text (which may name hosts or users): only
which check failed, the exception's class, and how long each took. The web check is kept apart
from the worker check on purpose: a load balancer that took every web node out because the
worker is down would turn a delay in reports into a full outage.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from digiproj.celery import app as celery_app

logger = logging.getLogger(__name__)

# How long the worker check waits for an answer; a monitor's own timeout should be longer.
WORKER_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    seconds: float
    detail: str = ""


def _timed(name: str, probe: Callable[[], str | None]) -> Check:
    started = time.monotonic()
    try:
        detail = probe() or ""
    except Exception as exc:  # any failure is the answer, not a 500
        logger.warning("health check %s failed: %s", name, type(exc).__name__, exc_info=True)
        return Check(name, False, round(time.monotonic() - started, 3), type(exc).__name__)
    return Check(name, True, round(time.monotonic() - started, 3), detail)


def _database() -> None:
    # One trivial query: no table is read, so the check stays cheap at any data size.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    # Through the configured cache (Redis with CACHE_URL set): write, read back, delete.
    key = f"digiproj:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


class BrokerUnreachable(Exception):
    pass


class NoWorkerAnswered(Exception):
    pass


def _worker(timeout: float) -> str:
    from celery.exceptions import TimeoutError as CeleryTimeoutError

    from digiproj.jobs import broker_errors
    from digiproj.projects.tasks import system_status_task

    if celery_app.conf.task_always_eager:
        return _("ingen broker konfigurerad: uppgifterna körs i webbprocessen")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        # Expires with the wait: a worker that comes back later drops it instead of running
        # a pile of stale health checks.
        result = system_status_task.apply_async(expires=timeout)
    except broker_errors() as exc:
        raise BrokerUnreachable from exc
    try:
        result.get(timeout=timeout)
    except CeleryTimeoutError as exc:
        raise NoWorkerAnswered from exc
    finally:
        result.forget()
    return ""


def web_checks() -> list[Check]:
    return [_timed("database", _database), _timed("cache", _cache)]


def worker_check(*, timeout: float = WORKER_TIMEOUT_SECONDS) -> Check:
    """A real task through the broker to a worker and back (the worker reads the database)."""
    return _timed("worker", lambda: _worker(timeout))


def describe(check: Check, *, timeout: float = WORKER_TIMEOUT_SECONDS) -> str:
    """One line for a person (the management command, logs)."""
    if check.ok:
        line = _("%(name)s: ok (%(seconds).2f s)") % {"name": check.name, "seconds": check.seconds}
        return f"{line} – {check.detail}" if check.detail else line
    reasons = {
        "BrokerUnreachable": _("brokern (%(host)s) går inte att nå") % {"host": _broker_host()},
        "NoWorkerAnswered": _("ingen worker svarade inom %(seconds)s s")
        % {"seconds": f"{timeout:g}"},
    }
    return _("%(name)s: FEL – %(reason)s") % {
        "name": check.name,
        "reason": reasons.get(check.detail, check.detail),
    }


def _broker_host() -> str:
    # Host and port only: the URL may hold a password.
    from urllib.parse import urlsplit

    parts = urlsplit(settings.CELERY_BROKER_URL)
    return f"{parts.hostname}:{parts.port}" if parts.hostname else "not configured"


def _answer(checks: list[Check]) -> JsonResponse:
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "error",
        "checks": {
            check.name: {k: v for k, v in asdict(check).items() if k != "name"} for check in checks
        },
    }
    return JsonResponse(body, status=200 if ok else 503)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """No login, no session, no CSRF: a load balancer's probe. 200 when healthy, else 503."""
    return _answer(web_checks())


@require_GET
def healthz_worker(request: HttpRequest) -> JsonResponse:
    return _answer([worker_check()])
