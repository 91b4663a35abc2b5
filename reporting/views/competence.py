"""Kompetensutveckling on screen and the people behind each group."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import personnummer as pnr
from reporting import selectors
from reporting.reports import base as report_base
from surveys import selectors as survey_selectors

from .common import ReportPage, figure_params, report_context


@project_permission_required("reports.view")
def competence_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Kompetensutveckling on screen: DigComp levels before and after per area (chart and
    table), paired change overall and by gender, each group size a link to its people."""
    report = ReportPage.read(request, access)
    period, organisation_id = report.period, report.organisation_id
    baseline, follow_up = survey_selectors.round_pair_for_period(
        access=access, start=period.start, end=period.end
    )
    context = report.context(
        baseline=baseline,
        follow_up=follow_up,
        areas=[],
        threshold=access.project.survey_anonymity_threshold,
    )
    if baseline and follow_up and not (baseline.anonymous or follow_up.anonymous):
        threshold = access.project.survey_anonymity_threshold
        genders = selectors.genders_for(access)
        labels = report_base.gender_labels()
        names = {a.number: a.name for a in survey_selectors.areas()}
        rows = {}
        for group_by in (None, "gender"):
            for row in survey_selectors.suppress(
                survey_selectors.paired_change(
                    access=access,
                    baseline_id=baseline.pk,
                    follow_up_id=follow_up.pk,
                    group_by=group_by,
                    organisation_id=organisation_id,
                ),
                threshold=threshold,
            ):
                rows[(row["area"], row["grp"] or "total")] = row
        drill = reverse("reporting:competence_people", args=[access.project.pk])
        base = {"baseline": baseline.pk, "follow_up": follow_up.pk}
        if organisation_id:
            base["org"] = organisation_id
        for number, name in sorted(names.items()):
            overall = rows.get((number, "total"))
            groups = []
            for key in (*genders, "total"):
                row = rows.get((number, key))
                link = None
                if row and not row["suppressed"]:
                    link = f"{drill}?" + urlencode({**base, "area": number, "gender": key})
                groups.append({"label": labels[key], "row": row, "link": link})
            context["areas"].append(
                {
                    "number": number,
                    "name": name,
                    "overall": overall,
                    "groups": groups,
                    "before_width": int(100 * overall["baseline"] / 8)
                    if overall and not overall["suppressed"]
                    else 0,
                    "after_width": int(100 * overall["follow_up"] / 8)
                    if overall and not overall["suppressed"]
                    else 0,
                }
            )
    return render(request, "reporting/competence.html", context)


@project_permission_required("reports.view")
def competence_people(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The people behind one paired-change figure (never for a suppressed group)."""
    figure = figure_params(request, access, "baseline", "follow_up", "area", "gender")
    baseline_id, follow_up_id, area = figure.baseline, figure.follow_up, figure.area
    gender, organisation_id = figure.gender, figure.organisation_id
    rounds = survey_selectors.round_list(access=access).filter(pk__in=[baseline_id, follow_up_id])
    if len(rounds) != 2 or any(r.anonymous for r in rounds):
        raise Http404
    people = list(
        survey_selectors.paired_people(
            access=access,
            baseline_id=baseline_id,
            follow_up_id=follow_up_id,
            area=area,
            gender=None if gender == "total" else gender,
            organisation_id=organisation_id,
        )
    )
    if len(people) < access.project.survey_anonymity_threshold:
        raise Http404  # a suppressed group is not shown person by person either
    for person in people:
        person["personnummer"] = pnr.mask(person["personnummer"])
        person["change"] = person["after"] - person["before"]
    context = report_context(
        access,
        people=people,
        area=area,
        gender_label=report_base.gender_labels().get(gender, gender),
    )
    return render(request, "reporting/competence_people.html", context)
