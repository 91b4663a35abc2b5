"""Double submits answered without a 500 and with one row, on the embedded SQLite default (a
file database, in a child process with `make run`'s settings) and on PostgreSQL. The races
themselves are in tests/double_submits.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests import double_submits

BASE_DIR = Path(__file__).resolve().parents[2]

FIRST_COME = {
    "invitation": "En inbjudan till sara@example.test väntar redan på svar.",
    "survey_submit": "Dina svar är redan inskickade.",
    "certificate_signature": "Du har redan skrivit under närvarorapporten för månaden.",
    "self_report": "Tiden är redan rapporterad",
}


def _assert_first_come(name: str, result: dict) -> None:
    assert not [o for o in result["outcomes"] if o.startswith("500")], result
    assert result["rows"] == 1, result
    if name in FIRST_COME:
        [refused] = [o for o in result["outcomes"] if o != "ok"]
        assert result["outcomes"].count("ok") == 1, result
        assert refused.startswith(FIRST_COME[name]), result
    else:  # a second enrolment is "already enrolled", as the first-come check answers
        assert result["outcomes"] == ["ok", "ok"], result


def test_double_submits_on_embedded_sqlite_get_the_first_come_answer(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="digiproj.settings",
        DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    child = subprocess.run(
        [sys.executable, "-m", "tests.double_submits"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    results = json.loads(child.stdout.strip().splitlines()[-1])
    assert set(results) == set(double_submits.RACES)
    for name, result in results.items():
        _assert_first_come(name, result)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(double_submits.RACES))
def test_double_submits_on_postgresql_get_the_first_come_answer(name):
    if connection.vendor != "postgresql":
        pytest.fail("set DATABASE_URL to run the PostgreSQL races")
    _assert_first_come(name, double_submits.RACES[name]())
