"""manage.py retention_report: the data protection officer's dry run of the retention after
retain_until, for every project (or one), and with --execute the run itself, now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiproj import retention
from digiproj.projects.models import Project, RetentionRecord


class Command(BaseCommand):
    help = (
        "Visar per projekt vad gallringen efter arkiveringsdatumet tar bort eller gör anonymt "
        "och när (bara antal, aldrig uppgifterna). Med --execute körs gallringen nu för de "
        "projekt vars datum har passerat; den görs aldrig före datumet och aldrig två gånger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", metavar="DIARIENUMMER", help="Bara det här projektet.")
        parser.add_argument(
            "--execute", action="store_true", help="Kör gallringen nu för projekt som är på tur."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.order_by("retain_until", "diarienummer")
        if options["project"]:
            projects = projects.filter(diarienummer=options["project"])
            if not projects.exists():
                raise CommandError(f"Inget projekt med diarienummer {options['project']}.")
        if options["execute"]:
            due = retention.retention_due().filter(pk__in=projects.values("pk"))
            for project_id in list(due.values_list("pk", flat=True)):
                retention.retention_run(
                    project_id=project_id, trigger=RetentionRecord.Trigger.COMMAND
                )
        for preview in retention.retention_previews(projects):
            self.stdout.write(self._describe(preview))

    def _describe(self, preview: retention.RetentionPreview) -> str:
        project = preview.project
        if preview.record is not None:
            when = f"gallrat {preview.record.ran_at:%Y-%m-%d %H:%M}"
        elif preview.run_date is not None:
            when = f"gallras från {preview.run_date:%Y-%m-%d}"
        else:
            when = "inget arkiveringsdatum, ingen gallring planerad"
        what = ", ".join(preview.lines) or "inga personuppgifter"
        return f"{project.diarienummer} {project.name}: {when}: {what}"
