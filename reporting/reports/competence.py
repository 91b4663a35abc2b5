"""Kompetensutveckling: DigComp levels and their paired change. CompetencePresenter holds
the figures (levels per area and round, paired change per group, suppression applied) that
the page and the file both show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from digiproj.collation import swedish_key
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period
from surveys import digcomp, suppression
from surveys import selectors as survey_selectors
from surveys.models import Round

from .base import (
    Progress,
    dimension_labels,
    level,
)

# The groupings of the paired change, in the file's order (None: everyone paired).
GROUPINGS: tuple[str | None, ...] = (None, "gender", "organisation", "role_group")


@dataclass(frozen=True)
class AreaLevel:
    """One area in one round: respondents and their mean level (None when suppressed)."""

    area: int
    round: Round
    n: int
    level: Decimal | None
    suppressed: bool


@dataclass(frozen=True)
class PairedChange:
    """One area for one group of the people who answered both rounds: their mean levels
    before and after and the mean change, as shown (None when the group is suppressed).
    `exact_before`/`exact_after` are the unrounded means, for the page's bar lengths."""

    group: Any  # the group's key: a gender, an organisation's pk, a role group; None for all
    area: int
    n: int
    before: Decimal | None
    after: Decimal | None
    change: Decimal | None
    suppressed: bool
    exact_before: Any
    exact_after: Any
    secondary: bool = False  # hidden only so that a smaller group cannot be worked out


@dataclass(frozen=True)
class PairedPerson:
    """A person behind a paired-change figure (personnummer masked)."""

    last_name: str
    first_name: str
    personnummer: str
    before: Any
    after: Any

    @property
    def change(self) -> Any:
        return self.after - self.before


@dataclass
class CompetencePresenter:
    """Kompetensutveckling for a period (and organisation): the rounds compared, the levels
    per area and round, and the paired change per grouping, each read once."""

    access: ProjectAccess
    period: Period
    organisation_id: int | None
    baseline: Round | None = field(init=False)
    follow_up: Round | None = field(init=False)
    threshold: int = field(init=False)
    _change: dict[str | None, list[PairedChange]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.baseline, self.follow_up = survey_selectors.round_pair_for_period(
            access=self.access, start=self.period.start, end=self.period.end
        )
        self.threshold = self.access.project.survey_anonymity_threshold

    @property
    def version(self) -> str:
        """The DigComp version the change is in: the follow-up's (else the baseline's)."""
        round_ = self.follow_up or self.baseline
        return round_.digcomp_version if round_ else digcomp.LATEST

    @property
    def version_note(self) -> str:
        """Why there is no change when the two rounds are of different DigComp versions."""
        baseline, follow_up = self.baseline, self.follow_up
        if baseline and follow_up and baseline.digcomp_version != follow_up.digcomp_version:
            return digcomp.not_comparable_message(
                baseline.digcomp_version, follow_up.digcomp_version
            )
        return ""

    @cached_property
    def _names(self) -> dict[str, dict[int, str]]:
        versions = {r.digcomp_version for r in (self.baseline, self.follow_up) if r}
        return {
            v: {a.number: a.name for a in survey_selectors.areas(version=v)}
            for v in versions | {self.version}
        }

    @property
    def area_names(self) -> dict[int, str]:
        """The DigComp areas of the compared version: number -> name."""
        return self._names[self.version]

    def area_label(self, number: int, version: str | None = None) -> str:
        name = self._names.get(version or self.version, {}).get(number)
        return f"{number} {name}" if name is not None else str(number)

    @property
    def paired(self) -> bool:
        """Whether there is a paired comparison: both rounds, neither anonymous, one
        DigComp version."""
        baseline, follow_up = self.baseline, self.follow_up
        return bool(
            baseline
            and follow_up
            and not (baseline.anonymous or follow_up.anonymous)
            and not self.version_note
        )

    @cached_property
    def levels(self) -> list[AreaLevel]:
        """Per round compared (baseline first) and area: respondents and mean level."""
        rows = []
        for round_ in (r for r in (self.baseline, self.follow_up) if r is not None):
            averages = survey_selectors.area_averages(
                access=self.access, round_id=round_.pk, organisation_id=self.organisation_id
            )
            for row in suppression.suppress(averages, threshold=self.threshold):
                rows.append(
                    AreaLevel(
                        area=row["area"],
                        round=round_,
                        n=row["n"],
                        level=level(row["level"]),
                        suppressed=row["suppressed"],
                    )
                )
        return rows

    def change(self, group_by: str | None) -> list[PairedChange]:
        """The paired change per group of `group_by` (see GROUPINGS) and area; [] unless
        paired. Groups in the selector's order (by key, then area)."""
        if not self.paired:
            return []
        if group_by not in self._change:
            assert self.baseline is not None
            assert self.follow_up is not None
            rows = survey_selectors.paired_change(
                access=self.access,
                baseline_id=self.baseline.pk,
                follow_up_id=self.follow_up.pk,
                group_by=group_by,
                organisation_id=self.organisation_id,
            )
            exact = [(row["baseline"], row["follow_up"]) for row in rows]
            # A breakdown is judged against the overall figures it adds up to.
            totals = None
            if group_by is not None:
                totals = {row.area: row.n for row in self.change(None)}
            self._change[group_by] = [
                PairedChange(
                    group=row["grp"],
                    area=row["area"],
                    n=row["n"],
                    before=level(row["baseline"]),
                    after=level(row["follow_up"]),
                    change=level(row["change"]),
                    suppressed=row["suppressed"],
                    secondary=row["secondary"],
                    exact_before=None if row["suppressed"] else before,
                    exact_after=None if row["suppressed"] else after,
                )
                for row, (before, after) in zip(
                    suppression.suppress(rows, threshold=self.threshold, totals=totals),
                    exact,
                    strict=True,
                )
            ]
        return self._change[group_by]


def paired_people(
    *,
    access: ProjectAccess,
    baseline_id: int,
    follow_up_id: int,
    area: int,
    gender: str | None,
    organisation_id: int | None,
) -> list[PairedPerson] | None:
    """The people behind one paired-change figure; None where the figure is not shown
    person by person: rounds not both the project's and identified, or a suppressed group."""
    rounds = survey_selectors.round_list(access=access).filter(pk__in=[baseline_id, follow_up_id])
    if len(rounds) != 2 or any(r.anonymous for r in rounds):
        return None
    if not _figure_shown(access, baseline_id, follow_up_id, area, gender, organisation_id):
        return None  # a hidden figure is not shown person by person either
    people = survey_selectors.paired_people(
        access=access,
        baseline_id=baseline_id,
        follow_up_id=follow_up_id,
        area=area,
        gender=gender,
        organisation_id=organisation_id,
    )
    rows = [
        PairedPerson(
            last_name=p["last_name"],
            first_name=p["first_name"],
            personnummer=pnr.mask(p["personnummer"]),
            before=p["before"],
            after=p["after"],
        )
        for p in people
    ]
    return rows


def _figure_shown(
    access: ProjectAccess,
    baseline_id: int,
    follow_up_id: int,
    area: int,
    gender: str | None,
    organisation_id: int | None,
) -> bool:
    """Whether the page and the file show this figure: the same suppression, primary and
    secondary (a gender's figure is judged against everyone's)."""

    def change(group_by: str | None) -> list[dict[str, Any]]:
        return survey_selectors.paired_change(
            access=access,
            baseline_id=baseline_id,
            follow_up_id=follow_up_id,
            group_by=group_by,
            organisation_id=organisation_id,
        )

    threshold = access.project.survey_anonymity_threshold
    if gender is None:
        rows = suppression.suppress(change(None), threshold=threshold)
    else:
        totals = suppression.totals_by_area(change(None))
        rows = [
            r
            for r in suppression.suppress(change("gender"), threshold=threshold, totals=totals)
            if r["grp"] == gender
        ]
    return any(r["area"] == area and not r["suppressed"] for r in rows)


@dataclass(frozen=True)
class Competence:
    """Kompetensutveckling: DigComp area levels at baseline and follow-up, and the paired
    change for people who answered both, overall and by gender, organisation and role
    group; groups under the project's threshold are suppressed."""

    title = "Kompetensutveckling"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        competence = CompetencePresenter(
            access=access, period=period, organisation_id=run.organisation_id
        )
        levels = Table(
            title=_("Nivåer per område"),
            columns=[
                Column(_("Område"), "text", 36),
                Column(_("Omgång"), "text", 28),
                Column(_("Antal svar"), "int", 10),
                Column(_("Medelnivå (1–8)"), "decimal", 14),
                Column(_("Anmärkning"), "text", 24),
                Column(_("DigComp-version"), "text", 14),
            ],
            rows=[
                [
                    competence.area_label(row.area, row.round.digcomp_version),
                    f"{row.round.survey.title}: {row.round.name}",
                    row.n,
                    row.level,
                    suppression.remark(row, competence.threshold),
                    digcomp.label(row.round.digcomp_version),
                ]
                for row in competence.levels
            ],
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
                Column(_("DigComp-version"), "text", 14),
            ],
            rows=_change_rows(competence)
            if competence.paired
            else [_not_paired_row(competence.version_note)],
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
            _(
                "DigComp-version: varje omgång följer sin enkäts version (2.2 eller 3.0). "
                "Förändring beräknas bara mellan omgångar med samma version; nulägesmätningen "
                "väljs därför i uppföljningens version när en sådan finns."
            ),
        ]


def _not_paired_row(version_note: str = "") -> list[Any]:
    text = version_note or _(
        "Ingen parad jämförelse: det behövs en nulägesmätning och en "
        "uppföljning med identifierade svar."
    )
    return ["", "", text, None, None, None, None, "", ""]


def _change_rows(competence: CompetencePresenter) -> list[list[Any]]:
    """The paired change per grouping, organisations and role groups by name (Swedish)."""
    labels = dimension_labels(competence.access)
    rows: list[list[Any]] = []
    for group_by in GROUPINGS:
        title, names = (_("Alla"), {None: _("Alla")}) if group_by is None else labels[group_by]
        changes = competence.change(group_by)
        if group_by in ("organisation", "role_group"):
            changes = sorted(
                changes, key=lambda r: (swedish_key(str(names.get(r.group, ""))), r.area)
            )
        rows.extend(
            [
                str(title),
                str(names.get(row.group, row.group or "–")),
                competence.area_label(row.area),
                row.n,
                row.before,
                row.after,
                row.change,
                suppression.remark(row, competence.threshold),
                digcomp.label(competence.version),
            ]
            for row in changes
        )
    return rows
