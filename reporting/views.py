from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import selectors as activity_selectors
from activities.models import Activity
from digiproj import dates
from digiproj.collation import swedish
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from digiproj.storage import private_file_response
from participants import personnummer as pnr
from participants import selectors as participant_selectors
from surveys import selectors as survey_selectors

from . import forms, permissions, selectors, services
from .definitions import MEASURE_DEFINITIONS, MEASURES
from .reports import base as report_base
from .reports import cofinancing
from .reports import indicators as indicator_report
from .selectors import Period

PAGE_SIZE = 100  # rows per page of the drill-downs and the register


def _drill_params(period: Period, organisation_id: int | None) -> dict[str, object]:
    """The query string a figure's link carries: its period and, if chosen, organisation."""
    params: dict[str, object] = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if organisation_id:
        params["org"] = organisation_id
    return params


def _period_param(params: Any) -> Period:
    """The period of a drill-down link; KeyError/ValueError for a missing or bad date."""
    return Period(dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"]))


@project_permission_required("reports.view")
def report_index(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ReportOrderForm(request.POST or None, access=access)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        try:
            run = services.report_run_create(
                access=access,
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_format=form.cleaned_data["file_format"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                organisation_id=form.organisation_id(),
                full_personnummer=form.cleaned_data.get("full_personnummer", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 503 if getattr(error, "code", None) == "broker_unavailable" else 400
        else:
            messages.success(request, _("Rapporten är beställd och görs i bakgrunden."))
            return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)
    runs = permissions.report_runs_visible(access).select_related("requested_by", "organisation")[
        :20
    ]
    context = {"access": access, "project": access.project, "form": form, "runs": runs}
    return render(request, "reporting/report_index.html", context, status=status)


@project_permission_required("reports.view")
def report_run_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    run = permissions.report_run_get_for_user(access, pk)
    template = "reporting/_run_status.html" if request.htmx else "reporting/report_run.html"
    return render(request, template, {"access": access, "project": access.project, "run": run})


@project_permission_required("reports.view")
def report_run_download(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    run = permissions.report_run_get_for_user(access, pk, download=True)
    if run.status != run.Status.DONE or not run.file:
        raise Http404
    return private_file_response(run.file, filename=run.filename)


def _period_form(
    request: HttpRequest, access: ProjectAccess
) -> tuple[forms.PeriodForm, Period | None, int | None]:
    form = forms.PeriodForm(request.GET or None, access=access)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        org = form.organisation_id()  # a contact's form has no organisation to choose
        return form, Period(data["period_start"], data["period_end"]), org
    project = access.project
    return form, Period(project.start_date, project.end_date), None


@project_permission_required("reports.view")
def indicators(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form, period, organisation_id = _period_form(request, access)
    labels = report_base.dimension_labels(access)
    columns = selectors.indicator_columns(access)
    base = _drill_params(period, organisation_id)
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
    minutes = activity_selectors.minutes_by_gender(
        access=access, start=period.start, end=period.end, organisation_id=organisation_id
    )
    labels = report_base.gender_labels()
    base = _drill_params(period, organisation_id)
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
        period = _period_param(params)
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


@project_permission_required("reports.scb")
def scb_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    months = selectors.scb_overview(access=access, today=timezone.localdate())
    drill = reverse("reporting:drilldown", args=[access.project.pk])
    for m in months:  # the rows behind each month's figures (the same filters as the file)
        period = {"from": m.month.isoformat(), "to": dates.month_end(m.month).isoformat()}
        m.new_url = f"{drill}?" + urlencode({**period, "measure": "started"})
        m.ended_url = f"{drill}?" + urlencode({**period, "measure": "ended"})
    context = {
        "access": access,
        "project": access.project,
        "months": months,
        "resend": [m for m in months if m.status in ("changed", "resend")],
    }
    return render(request, "reporting/scb.html", context)


@require_POST
@project_permission_required("reports.scb")
def scb_order(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        # A tampered month or format (a CR/LF in it, say): say what is wrong, order nothing.
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("reporting:scb", project_id=access.project.pk)
    first = dates.month_start(form.cleaned_data["month"])
    try:
        run = services.report_run_create(
            access=access,
            user=request.user,
            kind="scb",
            file_format=form.cleaned_data["file_format"] or "csv",
            period_start=first,
            period_end=dates.month_end(first),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reporting:scb", project_id=access.project.pk)
    return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)


@require_POST
@project_permission_required("reports.scb")
def scb_mark_sent(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        submission = services.scb_month_mark_sent(
            access=access, user=request.user, month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(month)s är markerad som skickad till SCB.")
            % {"month": f"{submission.month:%Y-%m}"},
        )
    return redirect("reporting:scb", project_id=access.project.pk)


@project_permission_required("reports.view")
def time_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Tid och medfinansiering on screen: hours per month by gender, as a chart and a table."""
    form, period, organisation_id = _period_form(request, access)
    time = cofinancing.TimeFigures(access=access, period=period, organisation_id=organisation_id)
    genders = selectors.genders_for(access)
    months = cofinancing.time_by_month(time, genders)
    base = _drill_params(period, organisation_id)
    drill = reverse("reporting:time_rows", args=[access.project.pk])
    peak = max((row["certified_total"] + row["uncertified_total"] for row in months), default=0)
    for row in months:
        month = row["month"].strftime("%Y-%m")
        row["links"] = {
            g: f"{drill}?" + urlencode({**base, "month": month, "gender": g, "certified": 1})
            for g in (*genders, "total")
        }
        row["uncertified_link"] = f"{drill}?" + urlencode(
            {**base, "month": month, "gender": "total", "certified": 0}
        )
        row["bars"] = [
            (g, int(100 * (row[f"certified_{g}"] + row[f"uncertified_{g}"]) / peak) if peak else 0)
            for g in genders
        ]
        row["cells"] = [(row[f"certified_{g}"], row["links"][g]) for g in genders]
    labels = report_base.gender_labels()
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "months": months,
        "gender_labels": [(g, labels[g]) for g in genders],
        "warnings": sorted(time.warnings),
        "outside_label": report_base.OUTSIDE_LABEL,
        "outside_hours": report_base.hours_of(time.outside_minutes)
        if time.outside_minutes
        else None,
    }
    return render(request, "reporting/time.html", context)


@project_permission_required("reports.view")
def time_rows(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The person-months behind one month and gender of the time page."""
    params = request.GET
    try:
        period = _period_param(params)
        month = dt.date.fromisoformat(params["month"] + "-01")
        gender = params.get("gender", "total")
        organisation_id = int(params["org"]) if params.get("org") else None
    except (KeyError, ValueError):
        raise Http404 from None
    if gender not in (*selectors.genders_for(access), "total"):
        raise Http404
    time = cofinancing.TimeFigures(access=access, period=period, organisation_id=organisation_id)
    rows = cofinancing.time_rows(time, month=month, gender=gender)
    if params.get("certified") in ("0", "1"):
        rows = [r for r in rows if r["certified"] == (params["certified"] == "1")]
    context = {
        "access": access,
        "project": access.project,
        "rows": rows,
        "month": month,
        "gender_label": report_base.gender_labels()[gender],
        "total_hours": sum((r["hours"] for r in rows), start=0),
    }
    return render(request, "reporting/time_rows.html", context)


@project_permission_required("reports.view")
def competence_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Kompetensutveckling on screen: DigComp levels before and after per area (chart and
    table), paired change overall and by gender, each group size a link to its people."""
    form, period, organisation_id = _period_form(request, access)
    baseline, follow_up = survey_selectors.round_pair_for_period(
        access=access, start=period.start, end=period.end
    )
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "baseline": baseline,
        "follow_up": follow_up,
        "areas": [],
        "threshold": access.project.survey_anonymity_threshold,
    }
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
    params = request.GET
    try:
        baseline_id, follow_up_id = int(params["baseline"]), int(params["follow_up"])
        area, gender = int(params["area"]), params.get("gender", "total")
        organisation_id = int(params["org"]) if params.get("org") else None
    except (KeyError, ValueError):
        raise Http404 from None
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
    context = {
        "access": access,
        "project": access.project,
        "people": people,
        "area": area,
        "gender_label": report_base.gender_labels().get(gender, gender),
    }
    return render(request, "reporting/competence_people.html", context)


@project_permission_required("reports.view")
def activities_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Aktiviteter on screen: per type and per activity, sessions held, enrolled, people
    present and hours by gender; hours per type as a chart; figures link to their people."""
    form, period, organisation_id = _period_form(request, access)
    genders = selectors.genders_for(access)
    labels = report_base.gender_labels()
    kinds = dict(Activity.Kind.choices)
    base = _drill_params(period, organisation_id)
    drill = reverse("reporting:activity_people", args=[access.project.pk])
    sessions_drill = reverse("reporting:activity_sessions", args=[access.project.pk])
    tables = []
    for by_kind in (True, False):
        rows = activity_selectors.activity_statistics(
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
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "per_kind": per_kind,
        "per_activity": tables[1],
        "chart": chart,
        "gender_labels": [(g, labels[g]) for g in (*genders, "total")],
    }
    return render(request, "reporting/activities.html", context)


@project_permission_required("reports.view")
def activity_people(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The people behind one figure of the activities page, with their minutes."""
    params = request.GET
    try:
        period = _period_param(params)
        activity_id = int(params["activity"]) if params.get("activity") else None
        kind = params.get("kind") or None
        organisation_id = int(params["org"]) if params.get("org") else None
        gender = params.get("gender", "total")
    except (KeyError, ValueError):
        raise Http404 from None
    # One activity, one type, or (neither) every activity of the project.
    if (activity_id is not None and kind is not None) or gender not in (
        *selectors.genders_for(access),
        "total",
    ):
        raise Http404
    figures = activity_selectors.activity_people(
        access=access,
        start=period.start,
        end=period.end,
        activity_id=activity_id,
        kind=kind,
        organisation_id=organisation_id,
    )
    wanted = set(figures)
    if params.get("enrolled"):
        wanted = activity_selectors.activity_enrolled(
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
        if params.get("present") and not minutes.get("attended"):
            continue
        rows.append(
            {
                "participation": participation,
                **minutes,
                "minutes": minutes["present"] + minutes["own"],
            }
        )
    context = {
        "access": access,
        "project": access.project,
        "rows": rows,
        "present_only": bool(params.get("present")),
        "enrolled_only": bool(params.get("enrolled")),
        "total_hours": report_base.hours_of(sum(r["minutes"] for r in rows)),
        "gender_label": report_base.gender_labels()[gender],
    }
    return render(request, "reporting/activity_people.html", context)


@project_permission_required("reports.view")
def register(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Deltagarförteckning on screen: everyone active in the period, with hours, paginated
    (hours are read for the shown page only, so the page costs the same at any size)."""
    form, period, organisation_id = _period_form(request, access)
    rows = selectors.participant_register(
        access=access, period=period, organisation_id=organisation_id
    )
    page = paginate(request, rows, PAGE_SIZE)
    minutes = activity_selectors.minutes_by_participation(
        participations=[p.pk for p in page],
        start=period.start,
        end=period.end,
    )
    for participation in page:
        participation.hours_in_period = report_base.hours_of(minutes.get(participation.pk, 0))
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "page": page,
    }
    return render(request, "reporting/register.html", context)


@project_permission_required("reports.view")
def activity_sessions(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The sessions behind one "sessions held" figure of the activities page."""
    params = request.GET
    try:
        period = _period_param(params)
        activity_id = int(params["activity"]) if params.get("activity") else None
        kind = params.get("kind") or None
    except (KeyError, ValueError):
        raise Http404 from None
    if (activity_id is None) == (kind is None):
        raise Http404
    sessions = activity_selectors.activity_sessions_held(
        access=access, start=period.start, end=period.end, activity_id=activity_id, kind=kind
    )
    context = {"access": access, "project": access.project, "sessions": list(sessions)}
    return render(request, "reporting/activity_sessions.html", context)
