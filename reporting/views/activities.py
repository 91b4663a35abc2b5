"""Aktiviteter on screen, the people and the sessions behind each figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from activities.models import Activity
from activities.selectors import statistics as activity_statistics
from digiproj.collation import swedish
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting import selectors
from reporting.reports import base as report_base

from .common import ReportPage, drill_params, figure_params, report_context


@project_permission_required("reports.view")
def activities_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Aktiviteter on screen: per type and per activity, sessions held, enrolled, people
    present and hours by gender; hours per type as a chart; figures link to their people."""
    report = ReportPage.read(request, access)
    period, organisation_id = report.period, report.organisation_id
    genders = selectors.genders_for(access)
    labels = report_base.gender_labels()
    kinds = dict(Activity.Kind.choices)
    base = drill_params(period, organisation_id)
    drill = reverse("reporting:activity_people", args=[access.project.pk])
    sessions_drill = reverse("reporting:activity_sessions", args=[access.project.pk])
    tables = []
    for by_kind in (True, False):
        rows = activity_statistics.activity_statistics(
            access=access,
            start=period.start,
            end=period.end,
            organisation_id=organisation_id,
            genders=tuple(genders),
            group_by_kind=by_kind,
        )
        for row in rows:
            target = {"kind": row["kind"]} if by_kind else {"activity": row["pk"]}
            row["label"] = kinds.get(row["kind"], row["kind"]) if by_kind else row["title"]
            row["sessions_url"] = f"{sessions_drill}?" + urlencode({**base, **target})
            row["enrolled_url"] = f"{drill}?" + urlencode(
                {**base, **target, "gender": "total", "enrolled": 1}
            )
            row["cells"] = [
                {
                    "present": row[f"present_{g}"],
                    "hours": report_base.hours_of(row[f"minutes_{g}"]),
                    "present_url": f"{drill}?"
                    + urlencode({**base, **target, "gender": g, "present": 1}),
                    "hours_url": f"{drill}?" + urlencode({**base, **target, "gender": g}),
                }
                for g in (*genders, "total")
            ]
        tables.append(rows)
    per_kind = tables[0]
    peak = max((row["minutes_total"] for row in per_kind), default=0) or 1
    chart = [
        {
            "label": row["label"],
            "bars": [
                {"gender": g, "width": int(100 * row[f"minutes_{g}"] / peak)} for g in genders
            ],
        }
        for row in per_kind
    ]
    context = report.context(
        per_kind=per_kind,
        per_activity=tables[1],
        chart=chart,
        gender_labels=[(g, labels[g]) for g in (*genders, "total")],
    )
    return render(request, "reporting/activities.html", context)


@project_permission_required("reports.view")
def activity_people(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The people behind one figure of the activities page, with their minutes."""
    figure = figure_params(
        request, access, "period", "activity", "kind", "gender", "enrolled", "present"
    )
    period, activity_id, kind = figure.period, figure.activity, figure.kind
    organisation_id, gender = figure.organisation_id, figure.gender
    # One activity, one type, or (neither) every activity of the project.
    if activity_id is not None and kind is not None:
        raise Http404
    figures = activity_statistics.activity_people(
        access=access,
        start=period.start,
        end=period.end,
        activity_id=activity_id,
        kind=kind,
        organisation_id=organisation_id,
    )
    wanted = set(figures)
    if figure.enrolled:
        wanted = activity_statistics.activity_enrolled(
            access=access,
            start=period.start,
            end=period.end,
            activity_id=activity_id,
            kind=kind,
            organisation_id=organisation_id,
        )
    people = participant_selectors.participation_list(access=access).filter(pk__in=wanted)
    if gender != "total":
        people = people.alias(
            reported_gender=participant_selectors.reported_gender(access.project)
        ).filter(reported_gender=gender)
    rows = []
    ordered = people.order_by(swedish("last_name"), swedish("first_name"), "pk")
    for participation in ordered:
        minutes = figures.get(participation.pk, {"present": 0, "own": 0})
        if figure.present and not minutes.get("attended"):
            continue
        rows.append(
            {
                "participation": participation,
                **minutes,
                "minutes": minutes["present"] + minutes["own"],
            }
        )
    context = report_context(
        access,
        rows=rows,
        present_only=figure.present,
        enrolled_only=figure.enrolled,
        total_hours=report_base.hours_of(sum(r["minutes"] for r in rows)),
        gender_label=report_base.gender_labels()[gender],
    )
    return render(request, "reporting/activity_people.html", context)


@project_permission_required("reports.view")
def activity_sessions(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The sessions behind one "sessions held" figure of the activities page."""
    figure = figure_params(request, access, "period", "activity", "kind")
    period, activity_id, kind = figure.period, figure.activity, figure.kind
    if (activity_id is None) == (kind is None):
        raise Http404
    sessions = activity_statistics.activity_sessions_held(
        access=access, start=period.start, end=period.end, activity_id=activity_id, kind=kind
    )
    context = report_context(access, sessions=list(sessions))
    return render(request, "reporting/activity_sessions.html", context)
