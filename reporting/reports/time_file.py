"""The Tid och medfinansiering file, streamed: its person-months and its minutes per
activity come from two ordered queries read through server-side cursors and are written
one at a time; only what the summary and "Per organisation och månad" show (sums per
organisation and month, the totals) is kept while they stream, and those two sheets are
made from it (the summary is a `later` table: it stands first and is filled last).

The figures are those of the page (cofinancing.TimePresenter over TimeFigures): the same
counted rows (activities.hours), the same valuation (TimeValuation), the same order
(Swedish collation in the database, as swedish_key in Python), the same rounding."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from activities import hours as counted_time
from activities.selectors import certificates as certificate_selectors
from activities.selectors import statistics as activity_statistics
from digiproj.collation import SWEDISH, swedish_key
from digiproj.numbers import round_half_up
from digiproj.projects.permissions import ProjectAccess
from participants.selectors import gender_labels, genders_for
from reporting import selectors
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period

from .base import (
    OUTSIDE_LABEL,
    dimension_labels,
    full_numbers_logged,
    hours_of,
    number_shown,
    stream,
)
from .time_figures import TimeValuation, to_ore, valued_until

# The participation columns the file's rows show, as aliases in the streamed SQL.
PEOPLE = {
    "x_pid": F("pk"),
    "x_last": F("last_name"),
    "x_first": F("first_name"),
    "x_pnr": F("person__personnummer"),
    "x_gender": F("reported_gender"),
    "x_org": F("organisation_id"),
    "x_org_name": F("organisation__name"),
    "x_orgnr": F("organisation__organisationsnummer"),
    "x_salary": F("annual_salary_cost"),
}


@functools.cache
def _month(ym: int) -> tuple[dt.date, str]:
    """A year*100+month as its first day and as the file shows it (YYYY-MM)."""
    ym = int(ym)
    return dt.date(ym // 100, ym % 100, 1), f"{ym // 100:04d}-{ym % 100:02d}"


def _sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


class TimeFile:
    """The four tables of the file, their rows read as they are written."""

    def __init__(self, *, access: ProjectAccess, run: ReportRun, period: Period) -> None:
        self.access, self.run, self.period = access, run, period
        project = access.project
        self.valuation = TimeValuation(project)
        self.rounding = project.hour_rounding
        self.genders = [*genders_for(access)]
        self.participations = selectors.participations_for_report(
            access=access, organisation_id=run.organisation_id, with_age=False
        )
        self.last = valued_until(project, period)
        self.eligible = self.last >= period.start
        # Signed months only (a set of the certificates' keys, not of every person-month).
        self.certified = (
            certificate_selectors.certified_months(
                participations=self.participations, start=period.start, end=self.last
            )
            if self.eligible
            else set()
        )
        self.outside_minutes = activity_statistics.minutes_outside_participation(
            participations=self.participations, start=period.start, end=period.end
        )
        # What the summary and the organisation sheet show, summed while the rows stream.
        self.org_sums: dict[tuple[int, dt.date], dict[str, Decimal]] = {}
        self.org_names: dict[int, tuple[str, str]] = {}
        self.certified_hours = self.uncertified_hours = self.value = Decimal(0)
        self.closing_minutes = 0
        self.shown_ids: list[int] = []

    def _people_sql(self) -> tuple[str, list[Any]]:
        return _sql(self.participations.order_by().values(**PEOPLE))

    # Per deltagare och månad ------------------------------------------------------------

    def person_month_query(self) -> tuple[str, list[Any]] | None:
        """The SQL (and its parameters) of the person-months in file order (None: no
        participations at all); the bench copies the same rows as its baseline."""
        period = self.period
        # Before the period's start nothing is valued: every minute is then closing time.
        cut = self.last if self.eligible else period.start - dt.timedelta(days=1)
        # The valued days up to the cut and the closing days after it, each read by month
        # (the month that the cut halves from its rows: counted_month_rows).
        parts: list[str] = []
        counted_params: list[Any] = []
        for start, end, eligible in (
            (period.start, min(cut, period.end), 1),
            (max(cut + dt.timedelta(days=1), period.start), period.end, 0),
        ):
            if start > end:
                continue
            try:
                sql, params = counted_time.rows_sql(
                    counted_time.counted_month_rows(
                        participations=self.participations,
                        start=start,
                        end=end,
                        by_activity=False,
                    )
                )
            except EmptyResultSet:
                return None
            parts.append(f"SELECT v.pid, v.ym, v.m, {eligible} AS e FROM ({sql}) v")  # noqa: S608 – our own SQL
            counted_params += params
        if not parts:
            return None
        people_sql, people_params = self._people_sql()
        c = connection.ops.quote_name(SWEDISH)
        # People ranked once in Swedish order (100,000 rows), their months sorted by that
        # rank: the collation never sorts the millions of rows.
        sql = (
            "WITH p AS MATERIALIZED (SELECT q.*, row_number() OVER (ORDER BY "  # noqa: S608
            f"q.x_org_name COLLATE {c}, q.x_last COLLATE {c}, q.x_first COLLATE {c}, q.x_pid) "
            f"AS rk FROM ({people_sql}) q) "
            "SELECT p.x_pid, p.x_last, p.x_first, p.x_pnr, p.x_gender, p.x_org, "
            "p.x_org_name, p.x_orgnr, p.x_salary, a.ym, a.eligible, a.closing FROM ("
            "SELECT u.pid, u.ym, "
            "SUM(CASE WHEN u.e = 1 THEN u.m ELSE 0 END) AS eligible, "
            "SUM(CASE WHEN u.e = 0 THEN u.m ELSE 0 END) AS closing "
            f"FROM ({' UNION ALL '.join(parts)}) u WHERE u.m > 0 GROUP BY u.pid, u.ym"
            ") a JOIN p ON p.x_pid = a.pid ORDER BY p.rk, a.ym"
        )
        return sql, [*people_params, *counted_params]

    def _person_month_rows(self) -> Iterator[tuple[Any, ...]]:
        query = self.person_month_query()
        if query is not None:
            yield from stream(*query)

    def person_lines(self) -> Iterator[list[Any]]:
        genders = dict(dimension_labels(self.access)["gender"][1])
        show, log = number_shown(self.run), self.run.full_personnummer
        valuation, certified, rounding = self.valuation, self.certified, self.rounding
        yes, no = _("Ja"), _("Nej")
        last_pid = None
        for row in self._person_month_rows():
            pid, last_name, first_name, number, gender, org_id, org, orgnr, salary = row[:9]
            (month, month_text), minutes, closing = _month(row[9]), int(row[10]), int(row[11])
            hours = counted_time.hours_for_month(minutes, rounding)
            is_certified = (pid, month) in certified
            person = {"annual_salary_cost": salary}
            rate = valuation.rate_for(person, month) if is_certified and hours else None
            value = valuation.value_for(person, month, minutes) if rate is not None else None
            self._add(org_id, org, orgnr, month, gender, hours, is_certified, value, closing)
            if log and pid != last_pid:
                self.shown_ids.append(pid)
            last_pid = pid
            yield [
                last_name,
                first_name,
                show(number),
                str(genders.get(gender, "")),
                org,
                month_text,
                minutes,
                hours,
                yes if is_certified else no,
                rate,
                value,
                closing,
            ]
        # Everyone on "Per aktivitet" has a row here too: logged once, as this sheet ends.
        full_numbers_logged(self.run, dict.fromkeys(self.shown_ids))

    def _add(
        self,
        org_id: int,
        org: str,
        orgnr: str,
        month: dt.date,
        gender: str,
        hours: Decimal,
        is_certified: bool,
        value: Decimal | None,
        closing: int,
    ) -> None:
        """One person-month into the sums of "Per organisation och månad" and the summary."""
        self.org_names[org_id] = (org, orgnr)
        bucket = self.org_sums.setdefault((org_id, month), {})
        if is_certified:
            self.certified_hours += hours
            for key in (gender, "total"):
                bucket[f"hours_{key}"] = bucket.get(f"hours_{key}", Decimal(0)) + hours
                bucket[f"value_{key}"] = bucket.get(f"value_{key}", Decimal(0)) + (value or 0)
        else:
            self.uncertified_hours += hours
            bucket["uncertified"] = bucket.get("uncertified", Decimal(0)) + hours
        self.value += value or 0
        self.closing_minutes += closing

    # Per aktivitet ----------------------------------------------------------------------

    def activity_query(self) -> tuple[str, list[Any]] | None:
        """The SQL (and its parameters) of the minutes per activity in file order (None:
        nothing is valued in the period)."""
        if not self.eligible:
            return None
        try:
            counted_sql, counted_params = counted_time.rows_sql(
                counted_time.counted_month_rows(
                    participations=self.participations, start=self.period.start, end=self.last
                )
            )
        except EmptyResultSet:
            return None
        people_sql, people_params = self._people_sql()
        c = connection.ops.quote_name(SWEDISH)
        sql = (
            "WITH p AS MATERIALIZED (SELECT q.x_pid, q.x_last, q.x_first, q.x_pnr, "  # noqa: S608
            f"row_number() OVER (ORDER BY q.x_last COLLATE {c}, q.x_first COLLATE {c}, q.x_pid) "
            f"AS rk FROM ({people_sql}) q), "
            "t AS MATERIALIZED (SELECT id, title, row_number() OVER "
            f"(ORDER BY title COLLATE {c}, id) AS rk FROM activities_activity "
            "WHERE project_id = %s) "
            "SELECT p.x_last, p.x_first, p.x_pnr, a.ym, t.title, a.minutes, p.x_pid FROM ("
            "SELECT u.pid, u.act, u.ym, SUM(u.m) AS minutes "
            f"FROM ({counted_sql}) u WHERE u.m > 0 GROUP BY u.pid, u.act, u.ym"
            ") a JOIN p ON p.x_pid = a.pid JOIN t ON t.id = a.act ORDER BY p.rk, a.ym, t.rk"
        )
        return sql, [*people_params, self.access.project.pk, *counted_params]

    def activity_lines(self) -> Iterator[list[Any]]:
        query = self.activity_query()
        if query is None:
            return
        show, certified = number_shown(self.run), self.certified
        yes, no = _("Ja"), _("Nej")
        for last_name, first_name, number, ym, title, minutes, pid in stream(*query):
            month, month_text = _month(ym)
            yield [
                last_name,
                first_name,
                show(number),
                month_text,
                title,
                int(minutes),
                yes if (pid, month) in certified else no,
            ]

    # Per organisation och månad and the summary (from the sums) -------------------------

    def organisation_lines(self) -> Iterator[list[Any]]:
        keys = (*self.genders, "total")
        names = self.org_names
        ordered = sorted(
            self.org_sums.items(), key=lambda kv: (swedish_key(names[kv[0][0]][0]), kv[0][1])
        )
        for (org_id, month), bucket in ordered:
            yield (
                [names[org_id][0], names[org_id][1], month.strftime("%Y-%m")]
                + [bucket.get(f"hours_{x}", Decimal(0)) for x in keys]
                + [to_ore(bucket.get(f"value_{x}", Decimal(0))) for x in keys]
                + [bucket.get("uncertified", Decimal(0))]
            )

    def summary_rows(self) -> list[list[Any]]:
        budget = self.access.project.budgeted_cofinancing
        value = to_ore(self.value)
        rows: list[list[Any]] = [
            [_("Intygade timmar"), self.certified_hours],
            [_("Ej intygade timmar (inte värderade)"), self.uncertified_hours],
            [_("Timmar i avslutsfasen (inte medfinansiering)"), hours_of(self.closing_minutes)],
            [_("Medfinansiering, värde av intygad tid (kr)"), value],
            [_("Budgeterad medfinansiering (kr)"), budget],
            [
                _("Andel av budget (%)"),
                round_half_up(value / budget * 100, 2) if budget else None,
            ],
        ]
        if self.outside_minutes:
            rows.append([str(OUTSIDE_LABEL), hours_of(self.outside_minutes)])
        rows.extend([[text, None] for text in sorted(self.valuation.warnings)])
        return rows

    def tables(self) -> list[Table]:
        g, keys = gender_labels(), (*self.genders, "total")
        summary_rows: Callable[[], list[list[Any]]] = self.summary_rows
        return [
            Table(
                title=_("Summering"),
                columns=[Column(_("Uppgift"), "text", 48), Column(_("Värde"), "decimal", 16)],
                later=summary_rows,
            ),
            Table(
                title=_("Per deltagare och månad"),
                columns=[
                    Column(_("Efternamn"), "text", 18),
                    Column(_("Förnamn"), "text", 14),
                    Column(_("Personnummer"), "text", 15),
                    Column(_("Kön"), "text", 9),
                    Column(_("Organisation"), "text", 26),
                    Column(_("Månad"), "text", 9),
                    Column(_("Minuter"), "int", 9),
                    Column(_("Timmar"), "decimal", 9),
                    Column(_("Intygad"), "text", 8),
                    Column(_("Timkostnad (kr)"), "decimal", 12),
                    Column(_("Värde (kr)"), "decimal", 12),
                    Column(_("Minuter i avslutsfasen"), "int", 12),
                ],
                lines=self.person_lines(),
            ),
            Table(
                title=_("Per aktivitet"),
                columns=[
                    Column(_("Efternamn"), "text", 18),
                    Column(_("Förnamn"), "text", 14),
                    Column(_("Personnummer"), "text", 15),
                    Column(_("Månad"), "text", 9),
                    Column(_("Aktivitet"), "text", 34),
                    Column(_("Minuter"), "int", 9),
                    Column(_("Intygad"), "text", 8),
                ],
                lines=self.activity_lines(),
            ),
            Table(
                title=_("Per organisation och månad"),
                columns=[
                    Column(_("Organisation"), "text", 26),
                    Column(_("Organisationsnummer"), "text", 14),
                    Column(_("Månad"), "text", 9),
                ]
                + [Column(_("Intygade timmar %(g)s") % {"g": g[x]}, "decimal", 12) for x in keys]
                + [Column(_("Värde %(g)s (kr)") % {"g": g[x]}, "decimal", 14) for x in keys]
                + [Column(_("Ej intygade timmar"), "decimal", 12)],
                lines=self.organisation_lines(),
            ),
        ]
