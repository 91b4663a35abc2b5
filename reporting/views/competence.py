"""Kompetensutveckling on screen and the people behind each group."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting.reports.competence import CompetencePresenter, PairedChange, paired_people
from surveys import digcomp

from .common import ReportPage, figure_params, report_context


@dataclass(frozen=True)
class GroupLine:
    label: str
    row: PairedChange | None  # None: nobody in the group answered both rounds
    link: str | None  # the people behind the figure; None for a suppressed group


@dataclass(frozen=True)
class AreaLine:
    """An area of the page: paired change for everyone and per gender, and the lengths (per
    cent of level 8) of its before and after bars."""

    number: int
    name: str
    groups: list[GroupLine]
    before_width: int
    after_width: int


def _area_lines(competence: CompetencePresenter, drill: str) -> list[AreaLine]:
    if not competence.paired:
        return []
    assert competence.baseline is not None
    assert competence.follow_up is not None
    rows = {(r.area, "total"): r for r in competence.change(None)}
    rows |= {(r.area, r.group): r for r in competence.change("gender")}
    base: dict[str, object] = {"baseline": competence.baseline.pk}
    base["follow_up"] = competence.follow_up.pk
    if competence.organisation_id:
        base["org"] = competence.organisation_id
    labels = participant_selectors.gender_labels()
    lines = []
    for number, name in sorted(competence.area_names.items()):
        groups = []
        for key in (*participant_selectors.genders_for(competence.access), "total"):
            row = rows.get((number, key))
            link = None
            if row and not row.suppressed:
                link = f"{drill}?" + urlencode({**base, "area": number, "gender": key})
            groups.append(GroupLine(label=labels[key], row=row, link=link))
        overall = rows.get((number, "total"))
        shown = overall is not None and not overall.suppressed
        lines.append(
            AreaLine(
                number=number,
                name=name,
                groups=groups,
                before_width=int(100 * overall.exact_before / 8) if shown and overall else 0,
                after_width=int(100 * overall.exact_after / 8) if shown and overall else 0,
            )
        )
    return lines


@project_permission_required("reports.view")
def competence_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Kompetensutveckling on screen: DigComp levels before and after per area (chart and
    table), paired change overall and by gender, each group size a link to its people."""
    report = ReportPage.read(request, access)
    competence = CompetencePresenter(
        access=access, period=report.period, organisation_id=report.organisation_id
    )
    drill = reverse("reporting:competence_people", args=[access.project.pk])
    context = report.context(
        baseline=competence.baseline,
        follow_up=competence.follow_up,
        areas=_area_lines(competence, drill),
        threshold=competence.threshold,
        version_label=digcomp.label(competence.version),
        version_note=competence.version_note,
    )
    return render(request, "reporting/competence.html", context)


@project_permission_required("reports.view")
def competence_people(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The people behind one paired-change figure (never for a suppressed group)."""
    figure = figure_params(request, access, "baseline", "follow_up", "area", "gender")
    assert figure.baseline is not None  # the three are required by the form
    assert figure.follow_up is not None
    assert figure.area is not None
    people = paired_people(
        access=access,
        baseline_id=figure.baseline,
        follow_up_id=figure.follow_up,
        area=figure.area,
        gender=None if figure.gender == "total" else figure.gender,
        organisation_id=figure.organisation_id,
    )
    if people is None:
        raise Http404
    context = report_context(
        access,
        people=people,
        area=figure.area,
        gender_label=participant_selectors.gender_labels().get(figure.gender, figure.gender),
    )
    return render(request, "reporting/competence_people.html", context)
