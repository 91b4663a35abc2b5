"""manage.py esf_report: the same report code as the web page, written to a file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from digiproj.accounts.models import User
from digiproj.projects.models import Project, Role
from digiproj.projects.permissions import project_access
from reporting import reports, services
from reporting.models import ReportRun


class Command(BaseCommand):
    help = "Gör en ESF-rapport för ett projekt och en period och skriver den till en fil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Diarienummer, t.ex. 2020/00117.")
        parser.add_argument("--kind", required=True, choices=sorted(reports.AVAILABLE))
        parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--format", dest="file_format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--organisation", help="Organisationsnummer: bara den organisationen.")
        parser.add_argument(
            "--as-user",
            help="E-post för den som beställer (behörigheten avgör urvalet). Standard: första "
            "projektsamordnaren.",
        )
        parser.add_argument("--full-personnummer", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        project = Project.objects.filter(diarienummer=o["project"]).first()
        if project is None:
            raise CommandError(f"Inget projekt med diarienummer {o['project']}.")
        user = (
            User.objects.filter(email__iexact=o["as_user"]).first()
            if o["as_user"]
            else User.objects.filter(
                memberships__project=project, memberships__role=Role.COORDINATOR
            )
            .order_by("pk")
            .first()
        )
        access = project_access(user, project) if user else None
        if user is None or access is None:
            raise CommandError("Ingen beställare med behörighet i projektet (ange --as-user).")
        organisation_id = None
        if o["organisation"]:
            organisation_id = (
                project.organisations.filter(organisationsnummer=o["organisation"])
                .values_list("pk", flat=True)
                .first()
            )
            if organisation_id is None:
                raise CommandError(f"Organisationen {o['organisation']} deltar inte i projektet.")
        if transaction.get_connection().in_atomic_block:
            raise CommandError("Kör kommandot utanför en transaktion.")
        try:
            run = services.report_run_create(
                access=access,
                user=user,
                kind=o["kind"],
                file_format=o["file_format"],
                period_start=o["start"],
                period_end=o["end"],
                organisation_id=organisation_id,
                full_personnummer=o["full_personnummer"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        run = _wait(run)
        if run.status != ReportRun.Status.DONE:
            raise CommandError(run.error or f"Rapporten blev inte klar ({run.status}).")
        with run.file.open("rb") as source, o["output"].open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"{o['output']}: {run.row_count} rader, kontrollsumma {run.content_checksum}"
        )


def _wait(run: ReportRun, timeout: float = 3600) -> ReportRun:
    """With a broker the worker makes the file; wait for it (in-process it is already done)."""
    import time

    deadline = time.monotonic() + timeout
    run.refresh_from_db()
    while run.is_active and time.monotonic() < deadline:
        time.sleep(0.5)
        run.refresh_from_db()
    return run
