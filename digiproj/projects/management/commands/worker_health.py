from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiproj import health


class Command(BaseCommand):
    help = (
        "Kontrollerar att en Celery-worker tar emot en uppgift via brokern och svarar inom "
        "några sekunder (för övervakning: avslutas med kod 1 annars)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=health.WORKER_TIMEOUT_SECONDS,
            help="Sekunder att vänta på svar (standard %(default)s).",
        )

    def handle(self, *args: Any, timeout: float, **options: Any) -> None:
        check = health.worker_check(timeout=timeout)
        if not check.ok:
            raise CommandError(health.describe(check, timeout=timeout))
        self.stdout.write(health.describe(check, timeout=timeout))
