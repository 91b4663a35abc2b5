"""Deltagarförteckning: one row per participant active in the period.

RegisterFigures says who is in it and their hours in the period; the page (one page of it)
and the file (all of it, streamed) read both from there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from activities import hours as counted_time
from activities.selectors import statistics as activity_statistics
from digiproj.collation import SWEDISH
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
    stream,
)

# What a row of the file reads, in order (then the minutes in the period).
FILE_COLUMNS = [
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
]


def _date(value: Any) -> dt.date | None:
    """A date column read by plain SQL (SQLite gives its text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


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

    def file_query(self) -> tuple[str, list[Any]]:
        """The whole register in the file's order with each participation's counted minutes
        in the period joined on, as one statement to stream (FILE_COLUMNS, then minutes)."""
        people = (
            self.participations()
            .order_by()
            .values(**{f"r{i}": F(name) for i, name in enumerate(FILE_COLUMNS)})
        )
        people_sql, people_params = people.query.sql_with_params()
        counted_sql, counted_params = counted_time.rows_sql(
            counted_time.counted_month_rows(
                participations=self.participations(),
                start=self.period.start,
                end=self.period.end,
                by_activity=False,
            )
        )
        c = connection.ops.quote_name(SWEDISH)
        sql = (
            f"SELECT q.*, h.m FROM ({people_sql}) q LEFT JOIN ("  # noqa: S608
            f"SELECT u.pid, SUM(u.m) AS m FROM ({counted_sql}) u WHERE u.m > 0 GROUP BY u.pid"
            ") h ON h.pid = q.r0 "
            f"ORDER BY q.r6 COLLATE {c}, q.r1 COLLATE {c}, q.r2 COLLATE {c}, q.r0"
        )
        return sql, [*people_params, *counted_params]


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
        genders = labels["gender"][1]
        show = number_shown(run)

        def lines() -> Iterator[list[Any]]:
            # One ordered statement, read through a server-side cursor: memory stays flat
            # whatever the number of participants.
            ids: list[int] = []
            for row in stream(*figures.file_query()):
                if run.full_personnummer:
                    ids.append(row[0])
                yield self._line(row, show, labels, genders)
            full_numbers_logged(run, ids)

        table.lines = lines()
        table.expected_rows = figures.participations().count()
        return [table]

    @staticmethod
    def _line(
        row: tuple[Any, ...],
        show: Callable[[str], str],
        labels: dict[str, tuple[str, dict]],
        genders: dict,
    ) -> list[Any]:
        _pk, last, first, number, gender, age, org, orgnr, workplace, role, isced = row[:11]
        start, end, reason, minutes = _date(row[11]), _date(row[12]), row[13], row[14]
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
            hours_of(minutes or 0),
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
