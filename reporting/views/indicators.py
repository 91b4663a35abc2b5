"""Indikatorer on screen and the rows behind each figure: the figures are the file's
(reports.indicators.IndicatorFigures); the page adds their links and the chart's widths."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting import selectors
from reporting.definitions import MEASURE_DEFINITIONS, MEASURES
from reporting.forms import FigureParams
from reporting.reports import base as report_base
from reporting.reports.exit_results import exit_results
from reporting.reports.indicators import IndicatorFigures

from .common import PAGE_SIZE, ReportPage, figure_params, report_context

DEFINED = ("scope", "started", "active", "ended", "age")  # the figures the page defines


@project_permission_required("reports.view")
def indicators(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Indikatorer on screen: every figure links to the participants behind it."""
    report = ReportPage.read(request, access)
    figures = IndicatorFigures.read(
        access=access, period=report.period, organisation_id=report.organisation_id
    )
    sections = _sections(report, figures)
    context = report.context(
        sections=sections,
        gender_chart=_gender_chart(access, figures.counts()),
        columns=figures.columns,
        measures=MEASURES,
        genders=participant_selectors.gender_labels(),
        hours_by_gender=_hours_by_gender(report, figures),
        plan=_plan(sections[0], figures),
        exit_results=exit_results(
            access=access, period=report.period, organisation_id=report.organisation_id
        ),
        definitions=[MEASURE_DEFINITIONS[k] for k in DEFINED],
    )
    return render(request, "reporting/indicators.html", context)


def _sections(report: ReportPage, figures: IndicatorFigures) -> list[dict[str, Any]]:
    """Each breakdown's rows with every count linked to its rows (drilldown)."""
    drill = reverse("reporting:drilldown", args=[report.access.project.pk])
    base = report.links()
    return [
        {
            "dimension": breakdown.dimension,
            "title": breakdown.title,
            "rows": [
                {
                    "label": row.label,
                    "cells": [
                        {
                            "value": count,
                            "url": f"{drill}?"
                            + urlencode(
                                {
                                    **base,
                                    "measure": m,
                                    "gender": g,
                                    "dim": breakdown.dimension,
                                    "value": "" if row.key is None else row.key,
                                }
                            ),
                        }
                        for (m, g), count in zip(figures.columns, row.counts, strict=True)
                    ],
                }
                for row in breakdown.rows
            ],
        }
        for breakdown in figures.breakdowns
    ]


def _plan(total: dict[str, Any], figures: IndicatorFigures) -> list[dict[str, Any]]:
    """Planned participants against those started, linked as in the "Alla deltagare" table."""
    cells = dict(zip(figures.columns, total["rows"][0]["cells"], strict=True))
    labels = participant_selectors.gender_labels()
    return [
        {
            "label": labels[row.gender],
            "planned": row.planned,
            "started": cells[("started", row.gender)],
        }
        for row in figures.plan
    ]


def _hours_by_gender(report: ReportPage, figures: IndicatorFigures) -> list[dict[str, Any]]:
    """Hours by gender, each linked to the people behind it."""
    labels = participant_selectors.gender_labels()
    drill = reverse("reporting:activity_people", args=[report.access.project.pk])
    base = report.links()
    return [
        {
            "label": labels[row.gender],
            "hours": row.hours,
            "url": f"{drill}?" + urlencode({**base, "gender": row.gender}),
        }
        for row in figures.hours
    ]


def _gender_chart(
    access: ProjectAccess, counts: dict[tuple[str, str], int]
) -> list[dict[str, Any]]:
    """Started, active and ended by gender as bar widths (the table below has the figures)."""
    genders = participant_selectors.genders_for(access)
    labels = participant_selectors.gender_labels()
    peak = max((counts[(m, g)] for m in MEASURES for g in genders), default=0) or 1
    return [
        {
            "label": MEASURES[m],
            "bars": [
                {
                    "gender": g,
                    "label": labels[g],
                    "value": counts[(m, g)],
                    "width": int(100 * counts[(m, g)] / peak),
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
    genders = labels["gender"][1]  # the gender the figure counts them under, not as recorded
    context = report_context(
        access,
        page=page,
        rows=[(p, genders.get(p.reported_gender, "")) for p in page],
        period=figure.period,
        dimension=figure.dimension,
        **_figure_labels(labels, figure),
    )
    return render(request, "reporting/drilldown.html", context)


def _figure_labels(
    labels: dict[str, tuple[str, dict[Any, Any]]], figure: FigureParams
) -> dict[str, Any]:
    """What the drill-down's heading says the figure is."""
    title, key_labels = labels[figure.dimension]
    return {
        "measure_label": MEASURES[figure.measure],
        "gender_label": participant_selectors.gender_labels()[figure.gender],
        "dimension_title": title,
        "value_label": key_labels.get(figure.value, figure.value),
    }
