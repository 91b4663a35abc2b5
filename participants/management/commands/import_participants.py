"""`manage.py import_participants FILE --project DIARIENUMMER [--organisation ORGNR] [--dry-run]`

The same reading and checks as the upload page; all rows or none. Exits non-zero with every
row's problems on bad input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiproj.projects.models import Organisation, Project
from participants import importing, services


class Command(BaseCommand):
    help = "Importera deltagare från en .xlsx- eller CSV-fil (alla rader eller ingen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Sökväg till .xlsx eller .csv")
        parser.add_argument("--project", required=True, help="Projektets diarienummer")
        parser.add_argument(
            "--organisation", help="Organisationsnummer: alla rader gäller denna arbetsgivare"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera filen utan att spara något"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        project = Project.objects.filter(diarienummer=options["project"]).first()
        if project is None:
            raise CommandError(f"Inget projekt har diarienummer {options['project']}.")
        organisation = None
        if options["organisation"]:
            digits = re.sub(r"\D", "", options["organisation"])
            organisation = next(
                (
                    o
                    for o in Organisation.objects.filter(project_organisations__project=project)
                    if re.sub(r"\D", "", o.organisationsnummer) == digits
                ),
                None,
            )
            if organisation is None:
                raise CommandError(
                    f"Organisationen {options['organisation']} deltar inte i projektet."
                )
        try:
            table = importing.read_table(path.read_bytes(), path.name)
            count = services.participant_import_rows(
                project=project,
                organisation=organisation,
                table=table,
                user_id=None,
                dry_run=options["dry_run"],
            )
        except importing.ImportFileError as exc:
            raise CommandError(exc.message) from exc
        except services.ImportRowsInvalid as exc:
            for error in exc.row_errors:
                self.stderr.write(f"Rad {error['row']}, {error['column']}: {error['message']}")
            raise CommandError(
                f"{len(exc.row_errors)} fel i filen. Ingenting importerades."
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["dry_run"]:
            self.stdout.write(f"{count} rader är korrekta. Ingenting sparades (--dry-run).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{count} deltagare importerades."))
