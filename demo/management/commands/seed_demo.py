from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import generator
from demo.people import DEMO_LOGINS


class Command(BaseCommand):
    help = "Skapar demodata: DIGILO och DigiWestum, demoinloggningar och deltagare (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants", type=int, default=150, help="Deltagare per projekt (standard 150)."
        )
        parser.add_argument(
            "--print-logins", action="store_true", help="Skriv ut demoinloggningarna."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Skapa demodata även i en annan databas än den inbäddade (t.ex. PostgreSQL).",
        )

    def handle(
        self, *args: Any, participants: int, print_logins: bool, force: bool, **options: Any
    ) -> None:
        try:
            result = generator.seed(participants_per_project=participants, force=force)
        except generator.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demodata klar: {result['projects']} projekt, "
            f"{result['participants_created']} nya deltagare."
        )
        if print_logins:
            for login in DEMO_LOGINS:
                self.stdout.write(f"{login.role}: {login.email} / {login.password}")
