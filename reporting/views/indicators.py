"""Indikatorer on screen and the rows behind each figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from activities.selectors import statistics as activity_statistics
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import selectors
from reporting.definitions import MEASURE_DEFINITIONS, MEASURES
from reporting.reports import base as report_base
from reporting.reports import indicators as indicator_report
from reporting.selectors import Period

from .common import PAGE_SIZE, drill_params, period_form, period_param


@project_permission_required("reports.view")
def indicators(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form, period, organisation_id = period_form(request, access)
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
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "organisation_id": organisation_id,
        "sections": sections,
        "gender_chart": _gender_chart(access, sections[0]["rows"][0]["cells"], columns),
        "columns": columns,
        "measures": MEASURES,
        "genders": report_base.gender_labels(),
        "hours_by_gender": _hours_by_gender(access, period, organisation_id),
        "plan": _plan(access, sections[0]["rows"][0]["cells"], columns),
        "definitions": [
            MEASURE_DEFINITIONS[k] for k in ("scope", "started", "active", "ended", "age")
        ],
    }
    return render(request, "reporting/indicators.html", context)


def _hours_by_gender(
    access: ProjectAccess, period: Period, organisation_id: int | None
) -> list[dict]:
    """Hours by gender (as in the indicator file), each linked to the people behind it."""
    minutes = activity_statistics.minutes_by_gender(
        access=access, start=period.start, end=period.end, organisation_id=organisation_id
    )
    labels = report_base.gender_labels()
    base = drill_params(period, organisation_id)
    drill = reverse("reporting:activity_people", args=[access.project.pk])
    rows = []
    for gender in (*selectors.genders_for(access), "total"):
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
    project, labels = access.project, report_base.gender_labels()
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
    genders = selectors.genders_for(access)
    labels = report_base.gender_labels()
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
    params = request.GET
    try:
        period = period_param(params)
        measure, gender = params["measure"], params.get("gender", "total")
        dimension, value = params.get("dim", "total"), params.get("value")
        organisation_id = int(params["org"]) if params.get("org") else None
    except (KeyError, ValueError):
        raise Http404 from None
    if (
        measure not in MEASURES
        or dimension not in selectors.DIMENSIONS
        or gender not in (*selectors.genders_for(access), "total")
    ):
        raise Http404
    if dimension == "organisation" and value:
        value = int(value) if value.isdigit() else None
    rows = selectors.drilldown_rows(
        access=access,
        period=period,
        measure=measure,
        gender=gender,
        dimension=dimension,
        value=value,
        organisation_id=organisation_id,
    )
    page = paginate(request, rows, PAGE_SIZE)
    labels = report_base.dimension_labels(access)
    title, key_labels = labels[dimension]
    genders = labels["gender"][1]
    for participation in page:  # the gender the figure counts them under, not as recorded
        participation.reported_gender_label = genders.get(participation.reported_gender, "")
    context = {
        "access": access,
        "project": access.project,
        "page": page,
        "period": period,
        "measure_label": MEASURES[measure],
        "gender_label": report_base.gender_labels()[gender],
        "dimension_title": title,
        "value_label": key_labels.get(value, value),
        "dimension": dimension,
    }
    return render(request, "reporting/drilldown.html", context)
