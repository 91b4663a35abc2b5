from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]


def test_swedish_first_and_stockholm_time():
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]
    assert settings.TIME_ZONE == "Europe/Stockholm"


def test_check_deploy_is_clean_with_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SECRET_KEY": "k" * 20 + "Zq8#x!2mV$wP0rT9&yL4nB7^cF1hJ6@dS3",
        "DJANGO_SECURE": "1",
        "DJANGO_ALLOWED_HOSTS": "digiproj.example.se",
        "DIGIPROJ_BASE_URL": "https://digiproj.example.se",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    # Without the base URL the same settings fail, and say what to set.
    del env["DIGIPROJ_BASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "digiproj.E002" in result.stderr + result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_are_swedish_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert "Logga in" in response.content.decode()


@pytest.mark.django_db
def test_language_switcher_gives_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in with your email address" in html  # our own catalogue, compiled


@pytest.mark.django_db
def test_an_english_request_leaves_the_thread_in_its_own_language(client):
    """The next request, task or test in this thread must not inherit English."""
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("sv"):
        assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
        assert translation.get_language() == "sv"
        assert translation.gettext("Logga in") == "Logga in"


def test_smtp_is_configured_from_the_environment():
    env = {
        "PATH": os.environ["PATH"],
        "EMAIL_URL": "smtp+tls://mailer:hemligt@smtp.example.se:587",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.se",
        "587",
        "True",
    ]


def test_embedded_default_is_sqlite_eager_console_mail():
    env = {"PATH": os.environ["PATH"]}
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "False",
    ]
