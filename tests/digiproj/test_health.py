"""/healthz, /healthz/worker and `manage.py worker_health`: probes for load balancers and
monitors (digiproj/health.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from digiproj import health

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_ok_with_database_and_cache_without_login_or_session(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1):  # SELECT 1: cheap at any data size
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "Set-Cookie" not in response.headers  # no session, no CSRF cookie


@pytest.mark.django_db
def test_healthz_answers_503_when_the_cache_is_down(client, settings):
    # A Redis cache on a closed port: the real client fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"] == {
        "ok": False,
        "seconds": body["checks"]["cache"]["seconds"],
        "detail": "ConnectionError",  # the class only: error texts may name hosts
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def unreachable() -> None:
        raise OperationalError('connection to server at "db.example.se" failed')

    monkeypatch.setattr(health, "_database", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["detail"] == "OperationalError"
    assert b"db.example.se" not in response.content


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_behind_an_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/worker").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else is redirected


def test_healthz_takes_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_worker_check_without_a_broker_says_tasks_run_in_process(client):
    response = client.get("/healthz/worker")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True


def test_worker_health_command_says_when_the_broker_is_down(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        "DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "worker_health", "--timeout", "2"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "worker: FEL – brokern (127.0.0.1:1) går inte att nå" in result.stderr


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_health_gets_an_answer_from_the_real_worker_and_says_when_none_answers(
    worker, client, capsys
):
    call_command("worker_health")
    assert "worker: ok" in capsys.readouterr().out
    response = client.get("/healthz/worker")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True

    worker.stop()  # the `worker` fixture starts it again after the test
    with pytest.raises(CommandError, match="ingen worker svarade inom 2 s"):
        call_command("worker_health", timeout=2)
    response = client.get("/healthz/worker")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "NoWorkerAnswered"
