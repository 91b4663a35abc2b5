"""Aktiviteter: activities and sessions held, with enrolment, attendance and hours by gender."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from activities.models import Activity
from activities.selectors import statistics as activity_statistics
from digiproj.numbers import round_half_up
from digiproj.projects.permissions import ProjectAccess
from reporting import selectors
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    gender_labels,
)


@dataclass(frozen=True)
class Activities:
    """Aktiviteter: activities and sessions held, by type, with enrolment, attendance and
    hours by gender."""

    title = "Aktiviteter"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        genders = tuple(selectors.genders_for(access))
        g = gender_labels()
        kinds = dict(Activity.Kind.choices)
        tables = []
        for by_kind in (True, False):
            rows = activity_statistics.activity_statistics(
                access=access,
                start=period.start,
                end=period.end,
                organisation_id=run.organisation_id,
                genders=genders,
                group_by_kind=by_kind,
            )
            first = (
                [Column(_("Typ"), "text", 24)]
                if by_kind
                else [Column(_("Aktivitet"), "text", 36), Column(_("Typ"), "text", 20)]
            )
            table = Table(
                title=_("Per typ") if by_kind else _("Per aktivitet"),
                columns=first
                + ([Column(_("Aktiviteter"), "int", 11)] if by_kind else [])
                + [Column(_("Tillfällen"), "int", 11), Column(_("Anmälda"), "int", 10)]
                + [
                    Column(_("Närvarande %(g)s") % {"g": g[x]}, "int", 12)
                    for x in (*genders, "total")
                ]
                + [
                    Column(_("Timmar %(g)s") % {"g": g[x]}, "decimal", 12)
                    for x in (*genders, "total")
                ],
            )
            for row in rows:
                label = (
                    [str(kinds.get(row["kind"], row["kind"]))]
                    if by_kind
                    else [row["title"], str(kinds.get(row["kind"], row["kind"]))]
                )
                table.rows.append(
                    label
                    + ([row["activities"]] if by_kind else [])
                    + [row["sessions_held"], row["enrolled"]]
                    + [row[f"present_{x}"] for x in (*genders, "total")]
                    + [Decimal(row[f"minutes_{x}"]) / 60 for x in (*genders, "total")]
                )
            tables.append(table)
            progress(40 if by_kind else 70)
        for table in tables:
            for row in table.rows:
                for index, column in enumerate(table.columns):
                    if column.kind == "decimal":
                        row[index] = round_half_up(row[index], 2)
        return tables

    def definitions(self) -> list[str]:
        return [
            _("Tillfällen: tillfällen som börjar i perioden (svensk tid)."),
            _(
                "Anmälda: deltagare med en gällande anmälan (inte reserv eller avbokad) till "
                "något av periodens tillfällen."
            ),
            _(
                "Närvarande: deltagare markerade som närvarande vid minst ett av periodens "
                "tillfällen, räknade en gång per aktivitet."
            ),
            _(
                "Timmar: närvarominuter plus godkänd egenrapporterad tid i perioden, delat med "
                "60, utan avrundning per månad."
            ),
            str(COUNTED_TIME_RULE),
        ]
