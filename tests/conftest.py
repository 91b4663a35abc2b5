"""Shared test set-up: fast hashing, mail in memory, media in a temp dir, tasks in-process
(except `integration` tests, which go through the real Redis broker to a real worker)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import _state as _celery_state
from django.conf import settings
from django.core.cache import cache

from digiproj.celery import app as celery_app

# Real identity-provider processes for the single sign-on tests (started only when asked for).
pytest_plugins = ["tests.idp.fixtures"]

REQUIRE_SERVICES = os.environ.get("DIGIPROJ_REQUIRE_SERVICES") == "1"
BASE_DIR = Path(__file__).resolve().parent.parent


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    where = (
        f"{db.get('HOST') or 'local'}:{db.get('PORT') or '-'}" if engine != "sqlite3" else "file"
    )
    return [
        f"digiproj database: {engine} at {where}, test database test_{Path(str(db['NAME'])).name}",
        f"digiproj Celery broker: {settings.CELERY_BROKER_URL or 'none (tasks run in-process)'}",
    ]


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_SERVICES and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        raise pytest.UsageError("make test must run against PostgreSQL (DATABASE_URL not set)")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, request) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    cache.clear()  # rate limits and cached lookups must not leak between tests
    eager_before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = request.node.get_closest_marker("integration") is None
    yield
    celery_app.conf.task_always_eager = eager_before
    # An eager task marks the process "joins would block" while it runs and puts the old
    # value back after, unlocked: eager tasks in 20 threads at once (the parallel-enrolment
    # tests, each enrolment asking for its mail) can leave it marked, and every later
    # result.get() in this process would then refuse ("Never call result.get() within a
    # task"). A worker process sets it on purpose; a test process must start each test clear.
    _celery_state._set_task_join_will_block(False)


@dataclass
class CeleryWorker:
    """A real `celery worker` process on the test database, started and stopped by the tests."""

    env: dict[str, str]
    log_path: Path
    media_root: Path
    private_root: Path
    mail_dir: Path
    name: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}@localhost")
    process: subprocess.Popen | None = None
    base_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_env = dict(self.env)

    def start(self, timeout: float = 30) -> None:
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "digiproj",
                    "worker",
                    "-l",
                    "info",
                    "--concurrency=1",
                    "-n",
                    self.name,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {self.log_path.read_text()[-3000:]}")
            replies = celery_app.control.ping(destination=[self.name], timeout=0.5) or []
            if replies:
                return
        raise RuntimeError(f"celery worker did not answer: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crashed machine would."""
        if self.process:
            subprocess.run(["pkill", "-KILL", "-P", str(self.process.pid)], check=False)
            self.process.kill()
            self.process.wait()
            self.process = None

    def kill_pool_child(self) -> int:
        """SIGKILL the pool process running tasks (the worker's main process survives, as
        when a task's process is killed for running out of memory). Returns its pid."""
        assert self.process is not None
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert children, "the worker has no pool process"
        pid = int(children[0])
        os.kill(pid, 9)
        return pid

    def restart(self, **env: str) -> None:
        """Restart with extra environment (e.g. a test-only delay), or back to the defaults."""
        self.stop()
        self.env = {**self.base_env, **env}
        self.start()

    def mails(self) -> list[str]:
        return [p.read_text() for p in sorted(self.mail_dir.glob("*.log"))]


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[CeleryWorker]:
    """A real Celery worker consuming from the Redis broker, reading the test database."""
    if not settings.CELERY_BROKER_URL:
        if REQUIRE_SERVICES:
            pytest.fail("CELERY_BROKER_URL is not set; `make test` sets it")
        pytest.skip("no Celery broker configured; `make test` runs these against Redis")
    from django.db import connection

    db = connection.settings_dict  # after django_db_setup: the test database
    url = (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}"
    )
    base = tmp_path_factory.mktemp("celery")
    (base / "media").mkdir()
    (base / "private").mkdir()
    (base / "mail").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(base / "media"),
        "DJANGO_PRIVATE_ROOT": str(base / "private"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(base / "mail"),
        "DJANGO_CONN_MAX_AGE": "0",
    }
    celery_app.control.purge()
    worker = CeleryWorker(
        env=env,
        log_path=base / "worker.log",
        media_root=base / "media",
        private_root=base / "private",
        mail_dir=base / "mail",
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker, settings) -> Iterator[CeleryWorker]:
    """The real worker, with this test's files where the worker writes them; restored after."""
    settings.MEDIA_ROOT = str(celery_worker.media_root)
    settings.PRIVATE_STORAGE_ROOT = str(celery_worker.private_root)
    yield celery_worker
    if celery_worker.env != celery_worker.base_env or celery_worker.process is None:
        celery_worker.restart()


@pytest.fixture(autouse=True)
def _digcomp_framework(request, _django_db_marker) -> None:
    """Transactional tests empty every table, the rows of data migrations too: put the
    DigComp framework (shipped as data) back for a database test that runs after one."""
    if request.node.get_closest_marker("django_db") is None:
        return
    load_digcomp_frameworks()


@pytest.fixture(autouse=True)
def _monthly_minutes_exact(request, _django_db_marker) -> Iterator[None]:
    """After every database test, the monthly table (activities.monthly) must hold exactly
    what the attendance and self-reported time make: a write that changed time without
    refreshing it fails the test that made it, whatever the test was about."""
    yield
    from django.db import connection

    if request.node.get_closest_marker("django_db") is None or connection.needs_rollback:
        return  # no database, or a test that broke its transaction on purpose
    from activities import monthly

    assert monthly.stale() == [], "the monthly table differs from the time recorded"


def load_digcomp_frameworks() -> None:
    """DigComp 2.2 and 3.0 as their data migrations write them, unless already there."""
    from django.apps import apps as django_apps

    from surveys.models import DigCompArea, DigCompCompetence, DigCompLevel

    if DigCompArea.objects.exists():
        return
    # 0003 wrote 2.2 before rows had a version (0008 marked them 2.2): do the same.
    importlib.import_module("surveys.migrations.0003_digcomp_framework").load(django_apps, None)
    for model in (DigCompArea, DigCompCompetence, DigCompLevel):
        model.objects.filter(version="").update(version="2.2")
    importlib.import_module("surveys.migrations.0009_digcomp_3_0").load(django_apps, None)


class JobQueue(list):
    """Jobs handed to the broker, kept instead of run (see the `job_queue` fixture)."""

    def run(self) -> None:
        """Run every kept job as a worker would (Celery's apply: retries and all)."""
        from django.utils.module_loading import import_string

        for task_path, job_id in list(self):
            import_string(task_path).apply(args=[job_id])


@pytest.fixture
def job_queue(monkeypatch) -> JobQueue:
    """Background jobs (digiproj.jobs) are queued here instead of running at once, so a test
    can see a job waiting, then run it (and run it again, as a redelivered message)."""
    from digiproj import jobs

    queue = JobQueue()
    monkeypatch.setattr(
        jobs, "_publish", lambda task_path, job_id: queue.append((task_path, job_id))
    )
    return queue
