"""The report catalogue: each kind turns selector rows into tables (via builders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import selectors as activity_selectors
from activities.models import Activity
from digiproj.collation import swedish_key
from digiproj.numbers import round_half_up
from digiproj.projects.models import Organisation, Project
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants import services as participant_services
from participants.models import Participation
from surveys import selectors as survey_selectors

from . import builders, goals, selectors
from .builders import Column, Table
from .definitions import AGE_BANDS, COMMON_DEFINITIONS, MEASURE_DEFINITIONS, MEASURES
from .models import ChangeTheory, Goal, ReportRun
from .selectors import Period

Progress = Callable[[int], None]

# What every report that shows hours says about the time it counts (activities.hours).
COUNTED_TIME_RULE = gettext_lazy(
    "Räknad tid: närvaro räknas på tillfällets startdag och egenrapporterad tid på sitt datum "
    "(svensk tid), perioden med första och sista dagen. Tid före deltagarens startdatum eller "
    "efter slutdatumet räknas inte, och inte heller tid för raderade deltaganden."
)
OUTSIDE_LABEL = gettext_lazy("Tid utanför deltagarnas start- och slutdatum (räknas inte), timmar")


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
        tables.append(self._hours(access, run, period))
        tables.append(self._competence(access, run, period))
        return tables

    def _hours(self, access: ProjectAccess, run: ReportRun, period: Period) -> Table:
        minutes = activity_selectors.minutes_by_gender(
            access=access, start=period.start, end=period.end, organisation_id=run.organisation_id
        )
        g = gender_labels()
        table = Table(
            title=_("Timmar per kön"),
            columns=[Column(_("Kön"), "text", 16), Column(_("Timmar"), "decimal", 12)],
        )
        for gender in selectors.genders_for(access):
            table.rows.append([g[gender].capitalize(), hours_of(minutes.get(gender, 0))])
        table.rows.append([g["total"].capitalize(), hours_of(sum(minutes.values()))])
        return table

    def _competence(self, access: ProjectAccess, run: ReportRun, period: Period) -> Table:
        """Paired DigComp change per area and gender (see Kompetensutveckling)."""
        table = Table(
            title=_("Kompetensförändring per kön"),
            columns=[
                Column(_("Kön"), "text", 16),
                Column(_("Område"), "text", 36),
                Column(_("Personer"), "int", 10),
                Column(_("Förändring"), "decimal", 12),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        baseline, follow_up = survey_selectors.round_pair_for_period(
            access=access, start=period.start, end=period.end
        )
        if not (baseline and follow_up) or baseline.anonymous or follow_up.anonymous:
            return table
        threshold = access.project.survey_anonymity_threshold
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas()}
        names = dimension_labels(access)["gender"][1]
        rows = survey_selectors.paired_change(
            access=access,
            baseline_id=baseline.pk,
            follow_up_id=follow_up.pk,
            group_by="gender",
            organisation_id=run.organisation_id,
        )
        for row in survey_selectors.suppress(rows, threshold=threshold):
            table.rows.append(
                [
                    str(names.get(row["grp"], row["grp"])),
                    areas.get(row["area"], str(row["area"])),
                    row["n"],
                    _level(row["change"]),
                    _("för få svar (under %(n)s)") % {"n": threshold} if row["suppressed"] else "",
                ]
            )
        return table

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
            *(str(MEASURE_DEFINITIONS[k]) for k in ("scope", "started", "active", "ended", "age")),
            _(
                "Timmar per kön: närvarominuter och godkänd egenrapporterad tid i perioden, "
                "delat med 60, oavsett intygande (se Tid och medfinansiering för intygad tid)."
            ),
            str(COUNTED_TIME_RULE),
            _(
                "Kompetensförändring per kön: parad förändring mellan den första "
                "nulägesmätningen och den senaste uppföljningen (se Kompetensutveckling)."
            ),
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
                Column(_("Timmar i perioden"), "decimal", 12),
            ],
        )
        rows = selectors.participant_register(
            access=access, period=period, organisation_id=run.organisation_id
        ).values_list(
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

        register = selectors.participant_register(
            access=access, period=period, organisation_id=run.organisation_id
        )
        minutes = activity_selectors.minutes_by_participation(
            participations=register, start=period.start, end=period.end
        )

        def lines() -> Iterator[list[Any]]:
            ids = []
            for row in rows.iterator(chunk_size=2000):
                pk, last, first, number, gender, age, org, orgnr, workplace, role, isced = row[:11]
                start, end, reason = row[11:]
                ids.append(pk)
                yield [
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
                    hours_of(minutes.get(pk, 0)),
                ]
            if run.full_personnummer:  # logged once every number has been written
                participant_services.personnummer_reveal_bulk(
                    participation_ids=ids, user_id=run.requested_by_id, context=f"report:{run.pk}"
                )

        table.rows = lines()
        table.expected_rows = rows.count()
        return [table]

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
        rows = selectors.scb_rows(
            access=access, period=period, organisation_id=run.organisation_id
        ).values_list(
            "pk",
            "person__personnummer",
            "start_date",
            "end_date",
            "organisation__organisationsnummer",
            "protected_identity",
        )

        def lines() -> Iterator[list[Any]]:
            ids = []
            for pk, number, start, end, orgnr, protected in rows.iterator(chunk_size=2000):
                ids.append(pk)
                ended_in_month = end is not None and period.start <= end <= period.end
                yield [
                    access.project.diarienummer,
                    number,
                    start,
                    end if ended_in_month else None,
                    orgnr,
                    _("Ja") if protected else "",
                ]
            participant_services.personnummer_reveal_bulk(
                participation_ids=ids, user_id=run.requested_by_id, context=f"scb:{run.pk}"
            )

        table.rows = lines()
        table.expected_rows = rows.count()
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


FLOOR_MONTH = Project.HourRounding.FLOOR_MONTH


@dataclass(frozen=True)
class Competence:
    """Kompetensutveckling: DigComp area levels at baseline and follow-up, and the paired
    change for people who answered both, overall and by gender, organisation and role
    group; groups under the project's threshold are suppressed."""

    title = "Kompetensutveckling"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        threshold = access.project.survey_anonymity_threshold
        baseline, follow_up = survey_selectors.round_pair_for_period(
            access=access, start=period.start, end=period.end
        )
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas()}
        too_few = _("för få svar (under %(n)s)") % {"n": threshold}
        org = run.organisation_id
        levels = Table(
            title=_("Nivåer per område"),
            columns=[
                Column(_("Område"), "text", 36),
                Column(_("Omgång"), "text", 28),
                Column(_("Antal svar"), "int", 10),
                Column(_("Medelnivå (1–8)"), "decimal", 14),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        for round_ in (r for r in (baseline, follow_up) if r is not None):
            rows = survey_selectors.area_averages(
                access=access, round_id=round_.pk, organisation_id=org
            )
            for row in survey_selectors.suppress(rows, threshold=threshold):
                levels.rows.append(
                    [
                        areas.get(row["area"], str(row["area"])),
                        f"{round_.survey.title}: {round_.name}",
                        row["n"],
                        _level(row["level"]),
                        too_few if row["suppressed"] else "",
                    ]
                )
        progress(40)
        change = Table(
            title=_("Parad förändring"),
            columns=[
                Column(_("Indelning"), "text", 16),
                Column(_("Grupp"), "text", 28),
                Column(_("Område"), "text", 36),
                Column(_("Personer"), "int", 10),
                Column(_("Före"), "decimal", 10),
                Column(_("Efter"), "decimal", 10),
                Column(_("Förändring"), "decimal", 12),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        if baseline and follow_up and not follow_up.anonymous and not baseline.anonymous:
            labels = dimension_labels(access)
            groupings = [
                (None, _("Alla"), {None: _("Alla")}),
                ("gender", labels["gender"][0], labels["gender"][1]),
                ("organisation", labels["organisation"][0], labels["organisation"][1]),
                ("role_group", labels["role_group"][0], labels["role_group"][1]),
            ]
            for group_by, title, names in groupings:
                rows = survey_selectors.paired_change(
                    access=access,
                    baseline_id=baseline.pk,
                    follow_up_id=follow_up.pk,
                    group_by=group_by,
                    organisation_id=org,
                )
                if group_by in ("organisation", "role_group"):  # by name, in Swedish order
                    rows.sort(key=lambda r: (swedish_key(str(names.get(r["grp"], ""))), r["area"]))
                for row in survey_selectors.suppress(rows, threshold=threshold):
                    change.rows.append(
                        [
                            str(title),
                            str(names.get(row["grp"], row["grp"] or "–")),
                            areas.get(row["area"], str(row["area"])),
                            row["n"],
                            _level(row["baseline"]),
                            _level(row["follow_up"]),
                            _level(row["change"]),
                            too_few if row["suppressed"] else "",
                        ]
                    )
        else:
            change.rows.append(
                [
                    "",
                    "",
                    _(
                        "Ingen parad jämförelse: det behövs en nulägesmätning och en "
                        "uppföljning med identifierade svar."
                    ),
                    None,
                    None,
                    None,
                    None,
                    "",
                ]
            )
        progress(70)
        return [levels, change]

    def definitions(self) -> list[str]:
        return [
            _(
                "Nivå: medelvärdet av personens självskattade nivåer (1–8) på områdets frågor; "
                '"vet inte" räknas inte. Gruppens nivå är medelvärdet över personerna.'
            ),
            _(
                "Parad förändring: uppföljningens nivå minus nulägesmätningens, bara för personer "
                "som svarat i båda omgångarna; gruppen följer uppföljningssvaret."
            ),
            _(
                "Grupper med färre svar än projektets gräns visas inte, så att ingen enskild "
                "kan pekas ut."
            ),
            _(
                "Omgångar: den första nulägesmätningen och den senaste uppföljningen som öppnat "
                "senast periodens sista dag."
            ),
        ]


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (no rounding per month: see Tid och medfinansiering)."""
    return round_half_up(Decimal(minutes) / 60, 2)


def cofinancing_value(
    *,
    minutes: int,
    rounding: str,
    unit_cost: Decimal | None = None,
    annual_cost: Decimal | None = None,
    basis: int | None = None,
) -> Decimal:
    """The value of one certified person-month, rounded once, to öre (half up).

    Unit cost: the month's reported hours (hours_for_month) × the unit cost per hour.
    Real cost: the hours × annual cost / annual hours basis, where the hours are the
    exact minutes / 60 (or the whole hours where the project rounds down per month); the
    hourly cost is never rounded on the way."""
    if unit_cost is not None:
        hours = activity_selectors.hours_for_month(minutes, rounding)
        return round_half_up(hours * unit_cost, 2)
    if annual_cost is None or not basis:
        raise ValueError("a unit cost, or an annual cost and a basis")
    exact = Decimal(minutes // 60 * 60) if rounding == FLOOR_MONTH else Decimal(minutes)
    return round_half_up(exact * annual_cost / (60 * basis), 2)


def _level(value: float | Decimal | None) -> Decimal | None:
    """A survey mean as every page, file and goal shows it (two places, half up)."""
    return round_half_up(value, 2)


class TimeFigures:
    """Hours per participant and month, whether the month is certified, and its value as
    co-financing: what the Tid och medfinansiering file and page both show. Each source is
    aggregated in the database; this only combines the aggregated rows."""

    def __init__(
        self,
        *,
        access: ProjectAccess,
        period: Period,
        organisation_id: int | None,
        activities: bool = False,
    ) -> None:
        project = self.project = access.project
        participations = selectors.participations_for_report(
            access=access, organisation_id=organisation_id, with_age=False
        )
        # Days are counted in [start, end], both included. Time from the closing phase's
        # first day is shown apart and never valued.
        last = period.end
        if project.closing_start and project.closing_start <= period.end:
            last = project.closing_start - dt.timedelta(days=1)
        eligible = last >= period.start
        self.monthly = (
            activity_selectors.hours_by_month(
                participations=participations, start=period.start, end=last
            )
            if eligible
            else {}
        )
        self.closing = (
            activity_selectors.hours_by_month(
                participations=participations,
                start=max(period.start, last + dt.timedelta(days=1)),
                end=period.end,
            )
            if last < period.end
            else {}
        )
        # A signed certificate certifies its whole month; the minutes valued are those above
        # (days in the period, before the closing phase).
        self.certified = (
            activity_selectors.certified_months(
                participations=participations, start=period.start, end=last
            )
            if eligible
            else set()
        )
        self.per_activity = (
            activity_selectors.minutes_by_month_and_activity(
                participations=participations, start=period.start, end=last
            )
            if activities and eligible
            else {}
        )
        # Recorded on days outside the participation's start and end: not counted anywhere.
        self.outside_minutes = activity_selectors.minutes_outside_participation(
            participations=participations, start=period.start, end=period.end
        )
        self.people = {
            row["pk"]: row
            for row in participations.filter(
                pk__in={pid for pid, _m in self.monthly} | {pid for pid, _m in self.closing}
            ).values(
                "pk",
                "last_name",
                "first_name",
                "person__personnummer",
                "reported_gender",
                "organisation_id",
                "organisation__name",
                "organisation__organisationsnummer",
                "annual_salary_cost",
            )
        }
        self.rates = dict(project.unit_costs.values_list("year", "sek_per_hour"))
        self.warnings: set[str] = set()
        people = self.people
        self.keys = sorted(
            set(self.monthly) | set(self.closing),
            key=lambda k: (
                swedish_key(people[k[0]]["organisation__name"]),
                swedish_key(people[k[0]]["last_name"]),
                swedish_key(people[k[0]]["first_name"]),
                k[0],
                k[1],
            ),
        )

    def rate_for(self, person: dict, month: dt.date) -> Decimal | None:
        """The hourly value shown: the unit cost, or the participant's hourly cost to öre
        (shown only; the value itself is computed unrounded, see cofinancing_value)."""
        project = self.project
        if project.cofinancing_method == project.CofinancingMethod.UNIT_COST:
            year = project.unit_cost_year or month.year
            if year not in self.rates:
                self.warnings.add(
                    _("Enhetskostnad saknas för %(year)s: timmarna är inte värderade.")
                    % {"year": year}
                )
                return None
            return self.rates[year]
        if person["annual_salary_cost"] is None:
            self.warnings.add(
                _("Årlig lönekostnad saknas för några deltagare: deras timmar är inte värderade.")
            )
            return None
        return round_half_up(person["annual_salary_cost"] / project.annual_hours_basis, 2)

    def value_for(self, person: dict, month: dt.date, minutes: int) -> Decimal | None:
        """The co-financing value of a certified person-month (None: cannot be valued)."""
        project = self.project
        if self.rate_for(person, month) is None:
            return None
        if project.cofinancing_method == project.CofinancingMethod.UNIT_COST:
            return cofinancing_value(
                minutes=minutes,
                rounding=project.hour_rounding,
                unit_cost=self.rates[project.unit_cost_year or month.year],
            )
        return cofinancing_value(
            minutes=minutes,
            rounding=project.hour_rounding,
            annual_cost=person["annual_salary_cost"],
            basis=project.annual_hours_basis,
        )

    def figures(
        self, pid: int, month: dt.date
    ) -> tuple[int, Decimal, bool, Decimal | None, Decimal | None]:
        """(minutes, reported hours, certified, hourly value, value) of one person-month."""
        minutes = self.monthly.get((pid, month), 0)
        hours = activity_selectors.hours_for_month(minutes, self.project.hour_rounding)
        is_certified = (pid, month) in self.certified
        rate = self.rate_for(self.people[pid], month) if is_certified and hours else None
        value = self.value_for(self.people[pid], month, minutes) if rate is not None else None
        return minutes, hours, is_certified, rate, value


def time_by_month(time: TimeFigures, genders: list[str]) -> list[dict[str, Any]]:
    """Per month: reported hours (certified and not) and value per gender and in total."""
    months: dict[dt.date, dict[str, Any]] = {}
    for pid, month in time.keys:
        if (pid, month) not in time.monthly:
            continue  # only closing-phase time that month
        _minutes, hours, is_certified, _rate, value = time.figures(pid, month)
        row = months.setdefault(month, {"month": month, "value": Decimal(0)})
        for key in (time.people[pid]["reported_gender"], "total"):
            kind = "certified" if is_certified else "uncertified"
            row[f"{kind}_{key}"] = row.get(f"{kind}_{key}", Decimal(0)) + hours
        row["value"] += value or 0
    rows = [months[m] for m in sorted(months)]
    for row in rows:
        for key in (*genders, "total"):
            row.setdefault(f"certified_{key}", Decimal(0))
            row.setdefault(f"uncertified_{key}", Decimal(0))
    return rows


def time_rows(time: TimeFigures, *, month: dt.date, gender: str) -> list[dict[str, Any]]:
    """The person-months behind one figure of time_by_month."""
    rows = []
    for pid, key_month in time.keys:
        person = time.people[pid]
        if key_month != month or (pid, month) not in time.monthly:
            continue
        if gender != "total" and person["reported_gender"] != gender:
            continue
        minutes, hours, is_certified, rate, value = time.figures(pid, month)
        rows.append(
            {
                "participation_id": pid,
                "name": f"{person['last_name']}, {person['first_name']}",
                "personnummer": pnr.mask(person["person__personnummer"]),
                "organisation": person["organisation__name"],
                "minutes": minutes,
                "hours": hours,
                "certified": is_certified,
                "rate": rate,
                "value": value,
            }
        )
    return rows


@dataclass(frozen=True)
class TimeAndCofinancing:
    """Tid och medfinansiering: hours per participant per month (certified and not), per
    activity, and the value of certified time as co-financing by the project's method,
    summed by organisation, month and gender against the budget. Closing-phase time is
    shown but never valued."""

    title = "Tid och medfinansiering"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        project = access.project
        genders = [*selectors.genders_for(access)]
        g = gender_labels()
        time = TimeFigures(
            access=access, period=period, organisation_id=run.organisation_id, activities=True
        )
        progress(45)
        closing, certified = time.closing, time.certified
        per_activity, people, warnings = time.per_activity, time.people, time.warnings
        titles = dict(
            Activity.objects.filter(pk__in={a for _p, a, _m in per_activity}).values_list(
                "pk", "title"
            )
        )

        def show_number(number: str) -> str:
            return pnr.display(number) if run.full_personnummer else pnr.mask(number)

        per_person = Table(
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
        )
        sums: dict[tuple[int, dt.date], dict[str, Decimal]] = {}
        totals = {
            "certified": Decimal(0),
            "uncertified": Decimal(0),
            "value": Decimal(0),
            "closing": 0,
        }
        genders_label = dict(dimension_labels(access)["gender"][1])
        keys = time.keys
        figures = time.figures

        # First pass: the sums by organisation, month and gender, and the totals (no rows kept).
        for pid, month in keys:
            person = people[pid]
            _minutes, hours, is_certified, _rate, value = figures(pid, month)
            bucket = sums.setdefault((person["organisation_id"], month), {})
            if is_certified:
                for key in (person["reported_gender"], "total"):
                    bucket[f"hours_{key}"] = bucket.get(f"hours_{key}", Decimal(0)) + hours
                    bucket[f"value_{key}"] = bucket.get(f"value_{key}", Decimal(0)) + (value or 0)
            else:
                bucket["uncertified"] = bucket.get("uncertified", Decimal(0)) + hours
            totals["certified" if is_certified else "uncertified"] += hours
            totals["value"] += value or 0
            totals["closing"] += closing.get((pid, month), 0)
        progress(60)

        def person_lines() -> Iterator[list[Any]]:
            for pid, month in keys:
                person = people[pid]
                minutes, hours, is_certified, rate, value = figures(pid, month)
                yield [
                    person["last_name"],
                    person["first_name"],
                    show_number(person["person__personnummer"]),
                    str(genders_label.get(person["reported_gender"], "")),
                    person["organisation__name"],
                    month.strftime("%Y-%m"),
                    minutes,
                    hours,
                    _("Ja") if is_certified else _("Nej"),
                    rate,
                    value,
                    closing.get((pid, month), 0),
                ]

        per_person.rows, per_person.expected_rows = person_lines(), len(keys)

        activity_table = Table(
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
            expected_rows=len(per_activity),
        )

        def activity_lines() -> Iterator[list[Any]]:
            ordered = sorted(
                per_activity,
                key=lambda k: (
                    swedish_key(people[k[0]]["last_name"]),
                    swedish_key(people[k[0]]["first_name"]),
                    k[0],
                    k[2],
                    swedish_key(titles[k[1]]),
                ),
            )
            for pid, activity_id, month in ordered:
                person = people[pid]
                yield [
                    person["last_name"],
                    person["first_name"],
                    show_number(person["person__personnummer"]),
                    month.strftime("%Y-%m"),
                    titles[activity_id],
                    per_activity[(pid, activity_id, month)],
                    _("Ja") if (pid, month) in certified else _("Nej"),
                ]

        activity_table.rows = activity_lines()

        org_names = {
            p["organisation_id"]: (p["organisation__name"], p["organisation__organisationsnummer"])
            for p in people.values()
        }
        org_table = Table(
            title=_("Per organisation och månad"),
            columns=[
                Column(_("Organisation"), "text", 26),
                Column(_("Organisationsnummer"), "text", 14),
                Column(_("Månad"), "text", 9),
            ]
            + [
                Column(_("Intygade timmar %(g)s") % {"g": g[x]}, "decimal", 12)
                for x in (*genders, "total")
            ]
            + [
                Column(_("Värde %(g)s (kr)") % {"g": g[x]}, "decimal", 14)
                for x in (*genders, "total")
            ]
            + [Column(_("Ej intygade timmar"), "decimal", 12)],
        )
        for (org_id, month), bucket in sorted(
            sums.items(), key=lambda kv: (swedish_key(org_names[kv[0][0]][0]), kv[0][1])
        ):
            org_table.rows.append(
                [*org_names[org_id], month.strftime("%Y-%m")]
                + [bucket.get(f"hours_{x}", Decimal(0)) for x in (*genders, "total")]
                + [
                    round_half_up(bucket.get(f"value_{x}", Decimal(0)), 2)
                    for x in (*genders, "total")
                ]
                + [bucket.get("uncertified", Decimal(0))]
            )

        budget = project.budgeted_cofinancing
        summary = Table(
            title=_("Summering"),
            columns=[Column(_("Uppgift"), "text", 48), Column(_("Värde"), "decimal", 16)],
        )
        summary.rows.extend(
            [
                [_("Intygade timmar"), totals["certified"]],
                [_("Ej intygade timmar (inte värderade)"), totals["uncertified"]],
                [
                    _("Timmar i avslutsfasen (inte medfinansiering)"),
                    round_half_up(Decimal(totals["closing"]) / 60, 2),
                ],
                [
                    _("Medfinansiering, värde av intygad tid (kr)"),
                    round_half_up(totals["value"], 2),
                ],
                [_("Budgeterad medfinansiering (kr)"), budget],
                [
                    _("Andel av budget (%)"),
                    round_half_up(totals["value"] / budget * 100, 2) if budget else None,
                ],
            ]
        )
        if time.outside_minutes:
            summary.rows.append([str(OUTSIDE_LABEL), hours_of(time.outside_minutes)])
        summary.rows.extend([[text, None] for text in sorted(warnings)])
        progress(75)
        return [summary, per_person, activity_table, org_table]

    def definitions(self) -> list[str]:
        return [
            _(
                "Timmar: närvarominuter plus godkänd egenrapporterad tid, summerade per deltagare "
                "och månad och avrundade enligt projektets inställning (hela timmar nedåt per "
                "månad i programområde 1 2014–2020)."
            ),
            _(
                "Intygad: månadens närvarorapport är underskriven av deltagaren och närmaste chef "
                "och uppgifterna har inte ändrats efter underskrifterna. Bara intygad tid värderas."
            ),
            _(
                "Värde: intygade timmar × enhetskostnaden (schablon för lönegrupp 1, utlysningens "
                "år eller timmarnas år enligt projektets inställning), eller intygade minuter / "
                "60 × deltagarens årliga lönekostnad inklusive sociala avgifter / projektets "
                "årsarbetstid. Värdet avrundas en gång, till öre; timkostnaden visas avrundad "
                "till öre."
            ),
            _("Avslutsfasen: tid från avslutsfasens första dag visas men värderas inte."),
            str(COUNTED_TIME_RULE),
        ]


@dataclass(frozen=True)
class GoalsFollowUp:
    """Mål och uppföljning: every goal's computed value at the period's last day against its
    target and plan, by gender, month by month; the change theory; the baseline mapping;
    and the final report summary (the same texts as on screen)."""

    title = "Mål och uppföljning"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        if run.organisation_id:
            # One organisation's figures: measured as its contact person sees them.
            access = access.as_contact_of(run.organisation_id)
        results = goals.goal_results(access=access, as_of=period.end)
        progress(50)
        genders = selectors.genders_for(access)
        labels = gender_labels()
        steps = dict(Goal.Step.choices)
        overview = Table(
            title=_("Mål och uppföljning"),
            columns=[
                Column(_("Mål"), "text", 40),
                Column(_("Delmål till"), "text", 30),
                Column(_("Steg i effektkedjan"), "text", 20),
                Column(_("Mäts som"), "text", 30),
                Column(_("Mätdag"), "date", 12),
                Column(_("Värde"), "decimal", 10),
                Column(_("Enhet"), "text", 8),
                Column(_("Gruppstorlek"), "int", 12),
                Column(_("Anmärkning"), "text", 20),
                Column(_("Riktning"), "text", 8),
                Column(_("Målvärde"), "decimal", 10),
                Column(_("Måldatum"), "date", 12),
                Column(_("Plan vid mätdagen"), "decimal", 12),
                Column(_("Status"), "text", 16),
                *(Column(labels[g].capitalize(), "decimal", 10) for g in genders),
                Column(_("Skillnad kvinnor–män"), "decimal", 12),
                Column(_("Över gränsen"), "text", 10),
                Column(_("Enkätomgångar"), "text", 30),
                Column(_("Definition"), "text", 60),
            ],
        )
        months = Table(
            title=_("Månadsvärden"),
            columns=[
                Column(_("Mål"), "text", 40),
                Column(_("Månad"), "text", 10),
                Column(_("Värde"), "decimal", 10),
                Column(_("Gruppstorlek"), "int", 12),
                Column(_("Plan"), "decimal", 10),
                Column(_("Anmärkning"), "text", 20),
            ],
        )
        too_few = _("för få svar")
        for result, _depth in results:
            goal, figure = result.goal, result.figure
            rounds = " → ".join(r["name"] for r in (result.baseline, result.measured) if r)
            overview.rows.append(
                [
                    goal.title,
                    goal.parent.title if goal.parent_id else "",
                    str(steps[goal.step]),
                    str(goal.get_measure_display()),
                    period.end,
                    figure.value,
                    result.unit,
                    figure.n,
                    too_few if figure.suppressed else "",
                    str(goal.get_direction_display()),
                    goal.target_value,
                    goal.target_date,
                    result.plan,
                    result.status_label,
                    *(
                        result.by_gender[g].value if g in result.by_gender else None
                        for g in genders
                    ),
                    result.gap,
                    _("ja") if result.gap_flagged else "",
                    rounds,
                    result.definition,
                ]
            )
            for month in result.months:
                if month.month < period.start.replace(day=1):
                    continue
                months.rows.append(
                    [
                        goal.title,
                        f"{month.month:%Y-%m}",
                        month.figure.value,
                        month.figure.n,
                        month.plan,
                        too_few if month.figure.suppressed else "",
                    ]
                )
        progress(70)
        return [
            overview,
            months,
            self._theory(access, results),
            self._mapping(access),
            Table(
                title=_("Slutrapport"),
                columns=[Column(_("Text att kopiera till slutrapporten"), "text", 120)],
                rows=[[line] for line in goals.final_report_lines(results)],
            ),
        ]

    def _theory(self, access: ProjectAccess, results: list) -> Table:
        theory = ChangeTheory.objects.filter(project=access.project).first()
        table = Table(
            title=_("Förändringsteori"),
            columns=[Column(_("Steg"), "text", 24), Column(_("Innehåll"), "text", 100)],
        )
        for step in ChangeTheory.STEPS:
            name = str(ChangeTheory._meta.get_field(step).verbose_name).capitalize()
            table.rows.append([name, getattr(theory, step, "") if theory else ""])
            for result, depth in results:
                if result.goal.step == step:
                    kind = _("Delmål") if depth else _("Mål")
                    table.rows.append(["", f"{kind}: {result.goal.title}"])
        return table

    def _mapping(self, access: ProjectAccess) -> Table:
        chosen, rows = goals.baseline_mapping(access=access)
        orgs = dimension_labels(access)["organisation"][1]
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas()}
        table = Table(
            title=_("Kartläggning"),
            columns=[
                Column(_("Enkätomgång"), "text", 28),
                Column(_("Organisation"), "text", 30),
                Column(_("Område"), "text", 36),
                Column(_("Antal svar"), "int", 10),
                Column(_("Medelnivå (1–8)"), "decimal", 14),
                Column(_("Anmärkning"), "text", 20),
            ],
        )
        for row in rows:
            table.rows.append(
                [
                    chosen["name"] if chosen else "",
                    orgs.get(row["grp"], _("Alla")) if row["grp"] else _("Alla"),
                    areas.get(row["area"], str(row["area"])),
                    row["n"],
                    _level(row["level"]),
                    _("för få svar") if row["suppressed"] else "",
                ]
            )
        return table

    def definitions(self) -> list[str]:
        return [
            _(
                "Värdena räknas ur projektets egna uppgifter per periodens sista dag (mätdagen); "
                "de skrivs aldrig in för hand."
            ),
            *(f"{label}: {goals.DEFINITIONS[key]}" for key, label in Goal.Measure.choices),
            _(
                "Plan: rak linje från startvärdet vid projektstart via etappmålen till målvärdet "
                "vid måldatumet. Status: uppnått (målvärdet nått), enligt plan (planen nådd), "
                "risk att inte nås (efter planen), inte uppnått (måldatumet passerat)."
            ),
            _(
                "Skillnad kvinnor–män: för antal och timmar skillnaden mellan kvinnors och mäns "
                "andel av totalen i procentenheter, annars skillnaden mellan deras värden."
            ),
            _(
                "Enkätvärden för grupper med färre svar än projektets gräns visas inte, så att "
                "ingen enskild kan pekas ut."
            ),
        ]


AVAILABLE: dict[
    str, Indicators | ParticipantRegister | ScbFile | Activities | TimeAndCofinancing
] = {
    "indikatorer": Indicators(),
    "deltagare": ParticipantRegister(),
    "scb": ScbFile(),
    "aktiviteter": Activities(),
    "tid": TimeAndCofinancing(),
    "kompetens": Competence(),
    "mal": GoalsFollowUp(),
}


def make(
    *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
) -> tuple[list[Table], Callable[[str], Table]]:
    """The data tables (rows possibly still to be read) and a maker of the "Om rapporten"
    table, which needs the checksum of what was written."""
    report = AVAILABLE[run.kind]
    tables = report.build(access=access, run=run, period=period, progress=progress)
    organisation = run.organisation.name if run.organisation_id else _("Alla organisationer")

    def about(checksum: str) -> Table:
        return builders.about_table(
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
                    _(
                        "Samma parametrar och samma data ger samma innehåll och samma "
                        "kontrollsumma."
                    ),
                ),
            ],
            definitions=[*report.definitions(), *(str(d) for d in COMMON_DEFINITIONS)],
            checksum_label=_("Kontrollsumma (SHA-256)"),
            checksum=checksum,
            parameter_title=_("Uppgift"),
            value_title=_("Värde"),
        )

    return tables, about
