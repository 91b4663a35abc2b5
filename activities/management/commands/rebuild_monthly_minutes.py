"""manage.py rebuild_monthly_minutes: the monthly table (activities.monthly) anew from the
attendance and self-reported time, after time was written past the services (a restore from
backup, rows loaded by SQL). With --check it only reports the rows that differ."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities import monthly


class Command(BaseCommand):
    help = "Bygger om månadstiden (tabellen som rapporterna summerar) från närvaro och egen tid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Bygg inte om: visa bara raderna som skiljer sig från närvaron och egen tid.",
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            differing = monthly.stale()
            for row in differing[:20]:
                self.stdout.write(str(row))
            if differing:
                raise CommandError(
                    f"{len(differing)} rader i månadstiden stämmer inte: "
                    "kör kommandot utan --check."
                )
            self.stdout.write("Månadstiden stämmer med närvaron och egen tid.")
            return
        rows = monthly.rebuild()
        self.stdout.write(f"Månadstiden byggd om: {rows} rader.")
