"""What every report shares: the protocol a report follows, its labels and the rules its
texts state."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiproj.numbers import round_half_up
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants import services as participant_services
from participants.models import Participation
from participants.selectors import gender_labels
from reporting.builders import Table
from reporting.definitions import AGE_BANDS
from reporting.models import ReportRun
from reporting.selectors import Period

Progress = Callable[[int], None]

STREAM_CHUNK = 5_000  # rows fetched from a server-side cursor at a time


def stream(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql`, fetched STREAM_CHUNK at a time (a named, server-side cursor on
    PostgreSQL), so the whole result never sits in the worker's memory."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(STREAM_CHUNK):
            yield from rows


def no_progress(percent: int) -> None:
    """The progress of figures read for a page: nobody follows it."""


def number_shown(run: ReportRun) -> Callable[[str], str]:
    """How a report file shows a personnummer: in full if the coordinator chose so, masked
    (ÅÅÅÅMMDD-****) otherwise. A file that shows them in full calls full_numbers_logged."""
    return pnr.display if run.full_personnummer else pnr.mask


def full_numbers_logged(run: ReportRun, participation_ids: Iterable[int]) -> None:
    """Log every participation whose full number the file showed, once its last number has
    been written (a masked file logs nothing): the one rule for every report with numbers."""
    if run.full_personnummer:
        participant_services.personnummer_reveal_bulk(
            participation_ids=list(participation_ids),
            user_id=run.requested_by_id,
            context=f"report:{run.pk}",
        )


# What every report that shows hours says about the time it counts (activities.hours).
COUNTED_TIME_RULE = gettext_lazy(
    "Räknad tid: närvaro räknas på tillfällets startdag och egenrapporterad tid på sitt datum "
    "(svensk tid), perioden med första och sista dagen. Tid före deltagarens startdatum eller "
    "efter slutdatumet räknas inte, och inte heller tid för raderade deltaganden."
)
OUTSIDE_LABEL = gettext_lazy("Tid utanför deltagarnas start- och slutdatum (räknas inte), timmar")


def dimension_labels(access: ProjectAccess) -> dict[str, tuple[str, dict]]:
    """Dimension -> (title, value labels) for tables and drill-down pages."""
    orgs = dict(
        Organisation.objects.filter(project_organisations__project=access.project).values_list(
            "pk", "name"
        )
    )
    return {
        "total": (_("Alla deltagare"), {"total": _("Totalt")}),
        "gender": (_("Kön"), {k: v.capitalize() for k, v in gender_labels().items()}),
        "age_band": (
            _("Ålder vid start"),
            {b.key: b.label for b in AGE_BANDS[access.project.programme_period]},
        ),
        "isced": (_("Utbildningsnivå"), dict(Participation.Isced.choices)),
        "role_group": (_("Yrkesgrupp"), dict(Participation.RoleGroup.choices)),
        "organisation": (_("Organisation"), orgs),
        "end_reason": (
            _("Avslutsorsak"),
            {**dict(Participation.EndReason.choices), "": _("Ej avslutad")},
        ),
    }


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (no rounding per month: see Tid och medfinansiering)."""
    hours = round_half_up(Decimal(minutes) / 60, 2)
    assert hours is not None  # a number in, a number out
    return hours


def level(value: float | Decimal | None) -> Decimal | None:
    """A survey mean as every page, file and goal shows it (two places, half up)."""
    return round_half_up(value, 2)


class Report(Protocol):
    """A report kind: its title, the tables it writes and the definitions of its figures."""

    title: str

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]: ...

    def definitions(self) -> list[str]: ...
