"""Indikatorer on screen and the rows behind each figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from activities.selectors import statistics as activity_statistics
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting import selectors
from reporting.definitions import MEASURE_DEFINITIONS, MEASURES
from reporting.reports import base as report_base
from reporting.reports import indicators as indicator_report
from reporting.selectors import Period

from .common import PAGE_SIZE, ReportPage, drill_params, figure_params, report_context


@project_permission_required("reports.view")
def indicators(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    report = ReportPage.read(request, access)
    period, organisation_id = report.period, report.organisation_id
    labels = report_base.dimension_labels(access)
    columns = selectors.indicator_columns(access)
    base = drill_params(period, organisation_id)
    drill_url = reverse("reporting:drilldown", args=[access.project.pk])
    sections = []
    for dimension in indicator_report.INDICATOR_DIMENSIONS:
        title, key_labels = labels[dimension]
        rows = []
        for row in selectors.indicator_breakdown(
            access=access, period=period, dimension=dimension, organisation_id=organisation_id
        ):
            key = row["key"]
            cells = [
                {
                    "value": row[f"{m}_{g}"],
                    "url": f"{drill_url}?"
                    + urlencode(
                        {
                            **base,
                            "measure": m,
                            "gender": g,
                            "dim": dimension,
                            "value": "" if key is None else key,
                        }
                    ),
                }
                for m, g in columns
            ]
            rows.append(
                {
                    "label": key_labels.get(key, key if key not in (None, "") else "–"),
                    "cells": cells,
                }
            )
        sections.append({"dimension": dimension, "title": title, "rows": rows})
    context = report.context(
        **{
            "sections": sections,
            "gender_chart": _gender_chart(access, sections[0]["rows"][0]["cells"], columns),
            "columns": columns,
            "measures": MEASURES,
            "genders": participant_selectors.gender_labels(),
            "hours_by_gender": _hours_by_gender(access, period, organisation_id),
            "plan": _plan(access, sections[0]["rows"][0]["cells"], columns),
            "definitions": [
                MEASURE_DEFINITIONS[k] for k in ("scope", "started", "active", "ended", "age")
            ],
        }
    )
    return render(request, "reporting/indicators.html", context)


def _hours_by_gender(
    access: ProjectAccess, period: Period, organisation_id: int | None
) -> list[dict]:
    """Hours by gender (as in the indicator file), each linked to the people behind it."""
    minutes = activity_statistics.minutes_by_gender(
        access=access, start=period.start, end=period.end, organisation_id=organisation_id
    )
    labels = participant_selectors.gender_labels()
    base = drill_params(period, organisation_id)
    drill = reverse("reporting:activity_people", args=[access.project.pk])
    rows = []
    for gender in (*participant_selectors.genders_for(access), "total"):
        value = sum(minutes.values()) if gender == "total" else minutes.get(gender, 0)
        rows.append(
            {
                "label": labels[gender],
                "hours": report_base.hours_of(value),
                "url": f"{drill}?" + urlencode({**base, "gender": gender}),
            }
        )
    return rows


def _plan(access: ProjectAccess, cells: list[dict], columns: list) -> list[dict]:
    """Planned participants (from the grant decision) against those started in the period."""
    started = {g: cell for (m, g), cell in zip(columns, cells, strict=True) if m == "started"}
    project, labels = access.project, participant_selectors.gender_labels()
    planned = {
        "K": project.planned_women,
        "M": project.planned_men,
        "total": project.planned_participants,
    }
    return [
        {"label": labels[g], "planned": planned[g], "started": started[g]}
        for g in ("K", "M", "total")
    ]


def _gender_chart(access: ProjectAccess, cells: list[dict], columns: list) -> list[dict]:
    """Started, active and ended by gender as bar widths (the table below has the figures)."""
    values = {(m, g): cell["value"] for (m, g), cell in zip(columns, cells, strict=True)}
    genders = participant_selectors.genders_for(access)
    labels = participant_selectors.gender_labels()
    peak = max((values[(m, g)] for m in MEASURES for g in genders), default=0) or 1
    return [
        {
            "label": MEASURES[m],
            "bars": [
                {
                    "gender": g,
                    "label": labels[g],
                    "value": values[(m, g)],
                    "width": int(100 * values[(m, g)] / peak),
                }
                for g in genders
            ],
        }
        for m in MEASURES
    ]


@project_permission_required("reports.view")
def drilldown(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The rows behind one figure of the indicator page."""
    figure = figure_params(request, access, "period", "measure", "gender", "dimension", "value")
    rows = selectors.drilldown_rows(
        access=access,
        period=figure.period,
        measure=figure.measure,
        gender=figure.gender,
        dimension=figure.dimension,
        value=figure.value,
        organisation_id=figure.organisation_id,
    )
    page = paginate(request, rows, PAGE_SIZE)
    labels = report_base.dimension_labels(access)
    title, key_labels = labels[figure.dimension]
    genders = labels["gender"][1]  # the gender the figure counts them under, not as recorded
    context = report_context(
        access,
        page=page,
        rows=[(p, genders.get(p.reported_gender, "")) for p in page],
        period=figure.period,
        measure_label=MEASURES[figure.measure],
        gender_label=participant_selectors.gender_labels()[figure.gender],
        dimension_title=title,
        value_label=key_labels.get(figure.value, figure.value),
        dimension=figure.dimension,
    )
    return render(request, "reporting/drilldown.html", context)
