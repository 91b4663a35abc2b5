"""The report catalogue: each kind turns selector rows into tables (via builders)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from activities import selectors as activity_selectors
from activities.models import Activity
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants import services as participant_services
from participants.models import Participation

from . import builders, selectors
from .builders import Column, Table
from .definitions import AGE_BANDS, MEASURE_DEFINITIONS, MEASURES
from .models import ReportRun
from .selectors import Period

Progress = Callable[[int], None]


def gender_labels() -> dict[str, str]:
    return {"K": _("kvinnor"), "M": _("män"), "X": _("icke-binära"), "total": _("totalt")}


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


INDICATOR_DIMENSIONS = ["total", "age_band", "isced", "role_group", "organisation", "end_reason"]


@dataclass(frozen=True)
class Indicators:
    title = "Indikatorer"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        labels = dimension_labels(access)
        columns = selectors.indicator_columns(access)
        measure_labels = {k: str(v) for k, v in MEASURES.items()}
        tables = []
        for index, dimension in enumerate(INDICATOR_DIMENSIONS):
            title, key_labels = labels[dimension]
            rows = selectors.indicator_breakdown(
                access=access,
                period=period,
                dimension=dimension,
                organisation_id=run.organisation_id,
            )
            tables.append(
                builders.indicator_table(
                    title=str(title),
                    dimension_title=str(title),
                    rows=rows,
                    key_labels={k: str(v) for k, v in key_labels.items()},
                    columns=columns,
                    measure_labels=measure_labels,
                    gender_labels=gender_labels(),
                )
            )
            progress(10 + 60 * (index + 1) // len(INDICATOR_DIMENSIONS))
        tables.append(self._plan(access, tables[0]))
        return tables

    def _plan(self, access: ProjectAccess, total: Table) -> Table:
        project = access.project
        started = dict(zip([c.title for c in total.columns], total.rows[0], strict=True))
        g = gender_labels()
        measure = str(MEASURES["started"])
        table = Table(
            title=_("Plan och utfall"),
            columns=[
                Column(_("Grupp"), "text", 20),
                Column(_("Planerat"), "int"),
                Column(_("Startade i perioden"), "int"),
            ],
        )
        for key, planned in (
            ("K", project.planned_women),
            ("M", project.planned_men),
            ("total", project.planned_participants),
        ):
            title = f"{measure} {g[key]}".lower().capitalize()
            table.rows.append([g[key].capitalize(), planned, started.get(title)])
        return table

    def definitions(self) -> list[str]:
        return [
            str(MEASURE_DEFINITIONS[k])
            for k in ("scope", "started", "active", "ended", "gender", "age")
        ]


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
            ],
        )
        rows = selectors.participant_register(
            access=access, period=period, organisation_id=run.organisation_id
        ).values_list(
            "pk",
            "person__last_name",
            "person__first_name",
            "person__personnummer",
            "person__gender",
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
        ids = []
        for row in rows.iterator(chunk_size=2000):
            (
                pk,
                last,
                first,
                number,
                gender,
                age,
                org,
                orgnr,
                workplace,
                role,
                isced,
                start,
                end,
                reason,
            ) = row
            ids.append(pk)
            table.rows.append(
                [
                    last,
                    first,
                    pnr.display(number) if run.full_personnummer else pnr.mask(number),
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
                ]
            )
        progress(60)
        if run.full_personnummer:
            participant_services.personnummer_reveal_bulk(
                participation_ids=ids, user_id=run.requested_by_id, context=f"report:{run.pk}"
            )
        return [table]

    def definitions(self) -> list[str]:
        return [
            str(MEASURE_DEFINITIONS["scope"]),
            _("Med: alla deltagare som var aktiva någon gång under perioden (se Aktiva)."),
            str(MEASURE_DEFINITIONS["active"]),
            _(
                "Personnummer visas maskerade (ÅÅÅÅMMDD-****) om inte en projektsamordnare valt "
                "fullständiga; varje sådant uttag loggas."
            ),
        ]


@dataclass(frozen=True)
class ScbFile:
    """The monthly participant file for Statistics Sweden: one row per participation that
    started or ended in the month, ordered by personnummer, full 12-digit numbers (so only
    coordinators order it, and every number in it is logged as shown)."""

    title = "SCB-fil"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        table = Table(
            title=_("SCB"),
            columns=[
                Column(_("Diarienummer"), "text", 12),
                Column(_("Personnummer"), "text", 14),
                Column(_("Startdatum"), "date", 12),
                Column(_("Slutdatum"), "date", 12),
                Column(_("Organisationsnummer"), "text", 14),
                Column(_("Skyddad identitet"), "text", 10),
            ],
        )
        ids = []
        rows = selectors.scb_rows(access=access, period=period).values_list(
            "pk",
            "person__personnummer",
            "start_date",
            "end_date",
            "organisation__organisationsnummer",
            "person__protected_identity",
        )
        for pk, number, start, end, orgnr, protected in rows.iterator(chunk_size=2000):
            ids.append(pk)
            ended_in_month = end is not None and period.start <= end <= period.end
            table.rows.append(
                [
                    access.project.diarienummer,
                    number,
                    start,
                    end if ended_in_month else None,
                    orgnr,
                    _("Ja") if protected else "",
                ]
            )
        progress(60)
        participant_services.personnummer_reveal_bulk(
            participation_ids=ids, user_id=run.requested_by_id, context=f"scb:{run.pk}"
        )
        return [table]

    def definitions(self) -> list[str]:
        return [
            _(
                "Nya: deltagare vars startdatum ligger i månaden. Avslutade: deltagare vars "
                "slutdatum ligger i månaden (slutdatum anges bara då)."
            ),
            _("Ordning: stigande personnummer. Personnummer med tolv siffror."),
            _(
                "Rättas en tidigare månad ska den och alla senare redan skickade månader "
                "skickas om."
            ),
        ]


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
            rows = activity_selectors.activity_statistics(
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
                        row[index] = row[index].quantize(Decimal("0.01"))
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
        ]


AVAILABLE: dict[str, Indicators | ParticipantRegister | ScbFile | Activities] = {
    "indikatorer": Indicators(),
    "deltagare": ParticipantRegister(),
    "scb": ScbFile(),
    "aktiviteter": Activities(),
}


def make(
    *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
) -> tuple[list[Table], Table, str]:
    """The data tables, the "Om rapporten" table that describes them, and their checksum."""
    report = AVAILABLE[run.kind]
    tables = report.build(access=access, run=run, period=period, progress=progress)
    checksum = builders.content_checksum(tables)
    organisation = run.organisation.name if run.organisation_id else _("Alla organisationer")
    about = builders.about_table(
        title=_("Om rapporten"),
        parameters=[
            (_("Rapport"), str(run.get_kind_display())),
            (_("Projekt"), f"{access.project.name} ({access.project.diarienummer})"),
            (_("Period"), f"{run.period_start:%Y-%m-%d} – {run.period_end:%Y-%m-%d}"),
            (_("Organisation"), str(organisation)),
            (_("Programperiod"), str(access.project.get_programme_period_display())),
            (_("Beställd av"), run.requested_by.email),
            (_("Beställd"), formats.date_format(run.created_at.date(), "Y-m-d")),
            (
                _("Reproducerbarhet"),
                _("Samma parametrar och samma data ger samma innehåll och samma kontrollsumma."),
            ),
        ],
        definitions=report.definitions(),
        checksum_label=_("Kontrollsumma (SHA-256)"),
        checksum=checksum,
        parameter_title=_("Uppgift"),
        value_title=_("Värde"),
    )
    return tables, about, checksum
