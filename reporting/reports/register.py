"""Deltagarförteckning: one row per participant active in the period.

RegisterFigures says who is in it and their hours in the period; the page (one page of it)
and the file (all of it, streamed) read both from there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from activities.selectors import statistics as activity_statistics
from digiproj.projects.permissions import ProjectAccess
from reporting import selectors
from reporting.builders import Column, Table
from reporting.definitions import MEASURE_DEFINITIONS
from reporting.models import ReportRun
from reporting.selectors import Period

if TYPE_CHECKING:
    from reporting.selectors import AgedParticipation

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    dimension_labels,
    full_numbers_logged,
    hours_of,
    number_shown,
)

CHUNK = 2_000  # participants read, and their hours looked up, at a time


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class RegisterFigures:
    """Who is in the register (everyone active at some point in the period) and their hours
    in the period (present minutes plus approved own time, whether certified or not)."""

    access: ProjectAccess
    period: Period
    organisation_id: int | None

    def participations(self) -> QuerySet[AgedParticipation]:
        return selectors.participant_register(
            access=self.access, period=self.period, organisation_id=self.organisation_id
        )

    def hours_in_period(
        self, participations: QuerySet[AgedParticipation] | list[int]
    ) -> Callable[[int], Decimal]:
        """A participation's hours (by its id), read for these participations in one query."""
        minutes = activity_statistics.minutes_by_participation(
            participations=participations, start=self.period.start, end=self.period.end
        )
        return lambda pk: hours_of(minutes.get(pk, 0))


@dataclass(frozen=True)
class ParticipantRegister:
    title = "Deltagarförteckning"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        labels = dimension_labels(access)
        table = Table(
            title=_("Deltagare"),
            columns=[
                Column(_("Efternamn"), "text", 20),
                Column(_("Förnamn"), "text", 16),
                Column(_("Personnummer"), "text", 15),
                Column(_("Kön"), "text", 10),
                Column(_("Ålder vid start"), "int", 10),
                Column(_("Organisation"), "text", 28),
                Column(_("Organisationsnummer"), "text", 14),
                Column(_("Arbetsplats"), "text", 24),
                Column(_("Yrkesgrupp"), "text", 22),
                Column(_("Utbildningsnivå"), "text", 26),
                Column(_("Startdatum"), "date", 12),
                Column(_("Slutdatum"), "date", 12),
                Column(_("Avslutsorsak"), "text", 22),
                Column(_("Timmar i perioden"), "decimal", 12),
            ],
        )
        figures = RegisterFigures(access, period, run.organisation_id)
        rows = figures.participations().values_list(
            "pk",
            "last_name",
            "first_name",
            "person__personnummer",
            "reported_gender",
            "age_at_start",
            "organisation__name",
            "organisation__organisationsnummer",
            "workplace",
            "role_group",
            "isced",
            "start_date",
            "end_date",
            "end_reason",
        )
        genders = labels["gender"][1]
        show = number_shown(run)

        def lines() -> Iterator[list[Any]]:
            # Read through a server-side cursor, CHUNK rows at a time, each chunk's hours
            # in one query: memory stays flat whatever the number of participants.
            ids: list[int] = []
            for chunk in _chunks(rows.iterator(chunk_size=CHUNK)):
                hours = figures.hours_in_period([row[0] for row in chunk])
                for row in chunk:
                    yield self._line(row, hours, show, labels, genders)
                if run.full_personnummer:
                    ids.extend(row[0] for row in chunk)
            full_numbers_logged(run, ids)

        table.lines = lines()
        table.expected_rows = rows.count()
        return [table]

    @staticmethod
    def _line(
        row: tuple[Any, ...],
        hours: Callable[[int], Decimal],
        show: Callable[[str], str],
        labels: dict[str, tuple[str, dict]],
        genders: dict,
    ) -> list[Any]:
        pk, last, first, number, gender, age, org, orgnr, workplace, role, isced = row[:11]
        start, end, reason = row[11:]
        return [
            last,
            first,
            show(number),
            str(genders.get(gender, gender)),
            age,
            org,
            orgnr,
            workplace,
            str(labels["role_group"][1].get(role, role)),
            str(labels["isced"][1].get(isced, isced)),
            start,
            end,
            str(labels["end_reason"][1].get(reason, reason)) if end else "",
            hours(pk),
        ]

    def definitions(self) -> list[str]:
        return [
            _(
                "Timmar i perioden: närvarominuter plus godkänd egenrapporterad tid i perioden, "
                "delat med 60, oavsett intygande."
            ),
            str(COUNTED_TIME_RULE),
            str(MEASURE_DEFINITIONS["scope"]),
            _("Med: alla deltagare som var aktiva någon gång under perioden (se Aktiva)."),
            str(MEASURE_DEFINITIONS["active"]),
            _(
                "Personnummer visas maskerade (ÅÅÅÅMMDD-****) om inte en projektsamordnare valt "
                "fullständiga; varje sådant uttag loggas."
            ),
        ]
