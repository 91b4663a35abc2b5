"""Every report file and report page on the demo data at a frozen clock, as SHA-256 digests.

    .venv/bin/python -m tests.reporting.snapshot OUT.json [--pages DIR]

Used to show that a refactoring changes no figure: run it before and after and compare the
JSON files (`diff`). It makes a fresh embedded database in a temporary directory, seeds the
demo at 2026-06-15 10:00 Stockholm time, orders every report kind in both formats for each demo
project (all organisations and the first organisation) as its coordinator and as the
organisation contact, and digests the bytes of each file. With `--pages` it also writes the
HTML of every report page (CSRF tokens blanked) to DIR so two runs can be diffed page by page.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="digiproj-snapshot-"))
os.environ.pop("DATABASE_URL", None)
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["DJANGO_SQLITE_PATH"] = str(WORK / "db.sqlite3")
os.environ["DJANGO_PRIVATE_ROOT"] = str(WORK / "private")
os.environ["DJANGO_MEDIA_ROOT"] = str(WORK / "media")
os.environ["DJANGO_EMAIL_FILE_PATH"] = str(WORK / "mail")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiproj.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from freezegun import freeze_time  # noqa: E402

from digiproj.accounts.models import User  # noqa: E402
from digiproj.projects.models import Project, Role  # noqa: E402
from digiproj.projects.permissions import project_access  # noqa: E402

FROZEN = "2026-06-15 08:00:00"  # UTC: 10:00 in Stockholm

REPORT_PAGES = [
    "reporting:index",
    "reporting:indicators",
    "reporting:register",
    "reporting:time",
    "reporting:competence",
    "reporting:activities",
    "reporting:scb",
    "goals:dashboard",
    "goals:change_theory",
    "goals:mapping",
    "goals:final_report",
]
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reports(project: Project, user: User, label: str, out: dict[str, str]) -> None:
    from reporting import reports, services

    access = project_access(user, project)
    assert access is not None
    organisations = [None, project.organisations.order_by("name").values_list("pk", flat=True)[0]]
    for kind in sorted(reports.AVAILABLE):
        for file_format in ("xlsx", "csv"):
            for organisation_id in organisations:
                key = f"{project.diarienummer} {label} {kind} {file_format} org={organisation_id}"
                try:
                    run = services.report_run_create(
                        access=access,
                        user=user,
                        kind=kind,
                        file_format=file_format,
                        period_start=project.start_date,
                        period_end=project.end_date,
                        organisation_id=organisation_id,
                    )
                except ValidationError as error:
                    out[key] = "refused: " + "; ".join(error.messages)
                    continue
                except PermissionDenied:
                    out[key] = "refused: permission"
                    continue
                run.refresh_from_db()
                if run.status != run.Status.DONE:
                    out[key] = f"{run.status}: {run.error}"
                    continue
                with run.file.open("rb") as handle:
                    out[key] = _digest(handle.read())
                out[key + " content"] = run.content_checksum


def _pages(project: Project, user: User, label: str, out: dict[str, str], pages: Path | None):
    client = Client()
    client.force_login(user)
    for name in REPORT_PAGES:
        url = reverse(name, kwargs={"project_id": project.pk})
        response = client.get(url)
        body = CSRF.sub(rb'\1"', response.content)
        key = f"{project.diarienummer} {label} page {name}"
        out[key] = f"{response.status_code} {_digest(body)}"
        if pages is not None:
            target = pages / f"{project.pk}-{label}-{name.replace(':', '-')}.html"
            target.write_bytes(body)


def main(argv: list[str]) -> int:
    target = Path(argv[0])
    pages = Path(argv[argv.index("--pages") + 1]) if "--pages" in argv else None
    if pages is not None:
        pages.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    with freeze_time(FROZEN), translation.override("sv"):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", force=True, verbosity=0)
        for project in Project.objects.order_by("diarienummer"):
            for role in (Role.COORDINATOR, Role.CONTACT):
                user = (
                    User.objects.filter(memberships__project=project, memberships__role=role)
                    .order_by("pk")
                    .first()
                )
                if user is None:
                    continue
                _reports(project, user, role, out)
                _pages(project, user, role, out, pages)
    target.write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    sys.stdout.write(f"{target}: {len(out)} digests ({WORK})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
