"""manage.py project_start: a new installation's first project and first coordinator."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiproj.projects import services
from digiproj.projects.models import Project


class Command(BaseCommand):
    help = (
        "Skapar det första projektet, dess projektägare och dess första projektsamordnare. "
        "Lösenordet läses från standard in med --password-stdin (aldrig från kommandoraden, "
        "där det syns i processlistan); utan det väljer samordnaren lösenord via Glömt lösenord."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--diarienummer", required=True, help="ÅÅÅÅ/NNNNN")
        parser.add_argument("--name", required=True, help="Projektnamn.")
        parser.add_argument("--owner", required=True, help="Projektägarens namn.")
        parser.add_argument("--owner-organisationsnummer", required=True, help="NNNNNN-NNNN")
        parser.add_argument(
            "--programme-period",
            choices=Project.ProgrammePeriod.values,
            default=Project.ProgrammePeriod.ESF_PLUS_2021_2027,
        )
        parser.add_argument("--programme-area", required=True, help="1, 2, … eller A–F.")
        parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--coordinator", required=True, help="Samordnarens e-postadress.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        password = sys.stdin.readline().rstrip("\n") if o["password_stdin"] else None
        if o["password_stdin"] and not password:
            raise CommandError("Inget lösenord på standard in.")
        try:
            membership = services.project_start(
                diarienummer=o["diarienummer"],
                name=o["name"],
                owner_name=o["owner"],
                owner_organisationsnummer=o["owner_organisationsnummer"],
                programme_period=o["programme_period"],
                programme_area=o["programme_area"],
                start_date=o["start"],
                end_date=o["end"],
                coordinator_email=o["coordinator"],
                coordinator_first_name=o["first_name"],
                coordinator_last_name=o["last_name"],
                coordinator_password=password,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Projekt {membership.project.diarienummer} (id {membership.project.pk}), "
            f"samordnare {membership.user.email}."
        )
