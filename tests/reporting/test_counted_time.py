"""Counted time (activities.hours) is the one source of every figure that shows hours: time
of an erased participation and time outside a participation's start and end count nowhere;
certified months are valued when the period or the closing phase cuts them; the real-cost
value is rounded once; the hours goal's group size ignores 0 minutes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance, Certificate, SelfReportedTime
from activities.selectors import certificates as certificate_selectors
from activities.selectors import time_totals
from activities.services import certificate_sign_participant
from digiproj.dates import local_midnight
from digiproj.projects.models import UnitCost
from digiproj.projects.permissions import project_access
from goals.figures import goal_measure
from goals.measures import Context
from goals.models import Goal
from goals.selectors import goal_units
from reporting.reports import base as report_base
from reporting.reports import time_figures
from reporting.selectors import Period
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ParticipationFactory,
    SessionFactory,
)
from tests.reporting.conftest import PERIOD, run_report

pytestmark = pytest.mark.django_db
D = Decimal


def _session(activity, day, hour=9, hours=3):
    start = local_midnight(day) + dt.timedelta(hours=hour)
    return SessionFactory(
        activity=activity, starts_at=start, ends_at=start + dt.timedelta(hours=hours)
    )


def _attend(session, participation, minutes):
    EnrolmentFactory(session=session, participation=participation)
    return Attendance.objects.create(
        session=session,
        participation=participation,
        present=True,
        minutes=minutes,
        marked_at=timezone.now(),
    )


def _own(activity, participation, day, minutes):
    return SelfReportedTime.objects.create(
        activity=activity,
        participation=participation,
        date=day,
        minutes=minutes,
        status=SelfReportedTime.Status.APPROVED,
    )


def _sign_both(participation, month, user):
    certificate_sign_participant(participation=participation, month=month, user_id=user.pk)
    Certificate.objects.filter(participation=participation, month=month).update(
        manager_signed_at=timezone.now(), manager_signed_name="Chef Chefsson"
    )


@pytest.fixture
def world(small_project):
    """P1 (K, north, from 02-01): Feb 5 workshop 120 + Feb 7 film 30, Feb signed by both.
    P2 (M, north, 2023-11-01 – 03-15): Feb 5 workshop 90. P6 (K, south, from 03-01): Jun 10
    workshop 60."""
    project = small_project["project"]
    UnitCost.objects.create(project=project, year=2024, sek_per_hour=D("245.00"))
    p = small_project["p"]
    workshop = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP, title="Workshop")
    film = ActivityFactory(project=project, kind=Activity.Kind.RECORDED, title="Film")
    feb5 = _session(workshop, dt.date(2024, 2, 5))
    _attend(feb5, p["P1"], 120)
    _own(film, p["P1"], dt.date(2024, 2, 7), 30)
    _attend(feb5, p["P2"], 90)
    _attend(_session(workshop, dt.date(2024, 6, 10)), p["P6"], 60)
    _sign_both(p["P1"], dt.date(2024, 2, 1), small_project["coordinator"])
    goal = Goal(
        project=project,
        measure=Goal.Measure.HOURS,
        title="Timmar",
        target_value=D(100),
        target_date=dt.date(2024, 12, 31),
    )
    goal.full_clean()
    goal.save()
    return {**small_project, "workshop": workshop, "film": film, "feb5": feb5, "goal": goal}


def _period_params():
    return {"period_start": PERIOD[0].isoformat(), "period_end": PERIOD[1].isoformat()}


def every_hours_figure(world, client) -> dict[str, object]:
    """Every figure that shows hours, from the pages, the files and the selectors behind the
    participant's and the organisation's pages, keyed by where it is shown."""
    project, user = world["project"], world["coordinator"]
    access = project_access(user, project)
    client.force_login(user)
    pk = project.pk
    figures: dict[str, object] = {}

    indicators = run_report(world, "indikatorer")
    figures["indicators file: Timmar per kön"] = indicators["Timmar per kön"]
    page = client.get(reverse("reporting:indicators", args=[pk]), _period_params())
    figures["indicators page: hours by gender"] = [
        (r["label"], r["hours"]) for r in page.context["hours_by_gender"]
    ]

    time = run_report(world, "tid")
    for sheet in (
        "Summering",
        "Per deltagare och månad",
        "Per aktivitet",
        "Per organisation och månad",
    ):
        figures[f"time file: {sheet}"] = time[sheet]
    page = client.get(reverse("reporting:time", args=[pk]), _period_params())
    figures["time page"] = [row.figures for row in page.context["months"]]

    activities = run_report(world, "aktiviteter")
    figures["activities file: Per typ"] = activities["Per typ"]
    figures["activities file: Per aktivitet"] = activities["Per aktivitet"]
    page = client.get(reverse("reporting:activities", args=[pk]), _period_params())
    figures["activities page"] = [
        [(c.present, c.hours) for c in row.cells] for row in page.context["per_kind"]
    ]
    people = client.get(
        reverse("reporting:activity_people", args=[pk]),
        {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()},
    )
    figures["activities drill-down"] = people.context["total_hours"]

    register = run_report(world, "deltagare")
    figures["register file"] = register["Deltagare"]
    page = client.get(reverse("reporting:register", args=[pk]), _period_params())
    figures["register page"] = sorted(str(hours) for _p, hours in page.context["rows"])

    result = goal_measure(world["goal"], Context(access=access, as_of=PERIOD[1]))
    figures["goal: hours"] = (result.figure.num, result.figure.n)
    figures["goal: by gender"] = {g: (f.num, f.n) for g, f in result.by_gender.items()}
    figures["goal: months"] = [m.figure.num for m in result.months]

    page = client.get(reverse("activities:hours", args=[pk]), {"month": "2024-02"})
    figures["hours overview page"] = sorted(r["minutes"] for r in page.context["rows"])
    for org in ("north", "south"):
        summary = certificate_selectors.organisation_summary(
            access=access, organisation_id=world[org].pk, start=PERIOD[0], end=PERIOD[1]
        )
        figures[f"Sammanställning {org}"] = sorted(
            (r["participation"].pk, r["month"], r["minutes"], r["state"]) for r in summary
        )
    for name in ("P1", "P2", "P6"):
        participation = world["p"][name]
        figures[f"{name} hours"] = time_totals.participant_hours(participation=participation)
        figures[f"{name} by activity"] = time_totals.hours_by_activity(participation=participation)
        figures[f"{name} certificates"] = [
            (row["month"], row["minutes"], row["state"])
            for row in certificate_selectors.certificate_overview(participation=participation)
        ]
    return figures


def _same(before: dict, after: dict) -> None:
    differing = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert differing == {}


def test_erased_participations_hours_are_out_of_every_figure(client, world):
    before = every_hours_figure(world, client)
    erased = ParticipationFactory(
        project=world["project"], organisation=world["north"], start_date=dt.date(2024, 1, 1)
    )
    _attend(world["feb5"], erased, 150)
    _own(world["film"], erased, dt.date(2024, 2, 8), 45)
    _sign_both(erased, dt.date(2024, 2, 1), world["coordinator"])
    erased.erased_at = timezone.now()
    erased.save(update_fields=["erased_at"])
    _same(before, every_hours_figure(world, client))


def test_time_outside_the_participation_is_out_of_every_figure(client, world):
    before = every_hours_figure(world, client)
    p = world["p"]
    # Recorded before the rule was enforced (no enrolment: these are only the time rows):
    # P6 at a session before her start, P2's own time after his end.
    Attendance.objects.create(
        session=world["feb5"],
        participation=p["P6"],
        present=True,
        minutes=180,
        marked_at=timezone.now(),
    )
    _own(world["film"], p["P2"], dt.date(2024, 3, 20), 60)
    after = every_hours_figure(world, client)
    summary = {row[0]: row[1] for row in after.pop("time file: Summering")}
    before.pop("time file: Summering")
    _same(before, after)
    # The time report shows what was left out, apart.
    assert summary[str(report_base.OUTSIDE_LABEL)] == 4
    client.force_login(world["coordinator"])
    page = client.get(reverse("reporting:time", args=[world["project"].pk]), _period_params())
    assert page.context["outside_hours"] == D("4.00")
    assert str(report_base.COUNTED_TIME_RULE) in str(run_report(world, "tid")["Om rapporten"])


def test_the_time_report_says_nothing_was_left_out_when_nothing_was(world):
    summary = {row[0] for row in run_report(world, "tid")["Summering"]}
    assert str(report_base.OUTSIDE_LABEL) not in summary


def test_same_figures_on_the_page_and_in_the_file(client, world):
    figures = every_hours_figure(world, client)
    # Aktiviteter: the page's hours per type are the file's.
    per_type = figures["activities file: Per typ"]
    header = per_type[0]
    hour_columns = [i for i, title in enumerate(header) if title.startswith("Timmar")]
    present_columns = [i for i, title in enumerate(header) if title.startswith("Närvarande")]
    file_rows = [
        [
            (row[p], D(str(row[h])).quantize(D("0.01")))
            for p, h in zip(present_columns, hour_columns, strict=True)
        ]
        for row in per_type[1:]
    ]
    assert figures["activities page"] == file_rows
    # Tid och medfinansiering: the page's certified hours and value per month are the file's.
    org_rows = figures["time file: Per organisation och månad"]
    header = org_rows[0]
    by_month: dict[str, list[D]] = {}
    for row in org_rows[1:]:
        sums = by_month.setdefault(row[2], [D(0), D(0)])
        sums[0] += D(str(row[header.index("Intygade timmar totalt")]))
        sums[1] += D(str(row[header.index("Värde totalt (kr)")]))
    page = {
        r.month.strftime("%Y-%m"): [r.certified["total"], r.value] for r in figures["time page"]
    }
    assert page == by_month
    # P1's 150 minutes in February: 2 whole hours (the project rounds down per month) × 245.
    assert by_month["2024-02"] == [D(2), D(490)]


# --- recording time: the participation's dates are enforced ---------------------------------


def test_attendance_outside_the_participation_is_refused(world):
    from django.core.exceptions import ValidationError

    from activities.services import AttendanceMark, attendance_save

    p = world["p"]
    before_start = _session(world["workshop"], dt.date(2024, 1, 20))
    EnrolmentFactory(session=before_start, participation=p["P1"])
    EnrolmentFactory(session=before_start, participation=p["P2"])
    with pytest.raises(ValidationError) as error:
        attendance_save(
            session=before_start,
            marks=[AttendanceMark(p["P2"].pk, True), AttendanceMark(p["P1"].pk, True)],
            by_user_id=world["coordinator"].pk,
            reason="Efterregistrering",
        )
    (message,) = error.value.messages
    assert "Rad 2" in message
    assert "2024-01-20" in message
    assert "2024-02-01" in message
    assert not Attendance.objects.filter(session=before_start).exists()  # nothing half-written
    # Absent is fine: it records that the person did not take part.
    attendance_save(
        session=before_start,
        marks=[AttendanceMark(p["P2"].pk, True), AttendanceMark(p["P1"].pk, False)],
        by_user_id=world["coordinator"].pk,
        reason="Efterregistrering",
    )
    assert Attendance.objects.filter(session=before_start).count() == 2


def test_self_reported_time_after_the_end_is_refused(world):
    from django.core.exceptions import ValidationError

    from activities.services import self_report_create

    with pytest.raises(ValidationError) as error:
        self_report_create(
            activity=world["film"],
            participation=world["p"]["P2"],
            date=dt.date(2024, 3, 16),
            minutes=30,
            by_user_id=None,
        )
    assert "slutdatum 2024-03-15" in error.value.message_dict["date"][0]
    # The last day of the participation still counts.
    self_report_create(
        activity=world["film"],
        participation=world["p"]["P2"],
        date=dt.date(2024, 3, 15),
        minutes=30,
        by_user_id=None,
    )


# --- certified months cut by the closing phase or the period --------------------------------


def test_certified_month_cut_by_the_closing_phase_is_valued(world):
    project, p6 = world["project"], world["p"]["P6"]
    project.closing_start = dt.date(2024, 6, 15)
    project.save()
    _attend(_session(world["workshop"], dt.date(2024, 6, 12)), p6, 60)  # + Jun 10: 2 h
    _attend(_session(world["workshop"], dt.date(2024, 6, 20)), p6, 60)  # closing phase
    _sign_both(p6, dt.date(2024, 6, 1), world["coordinator"])
    report = run_report(world, "tid")
    rows = report["Per deltagare och månad"]
    header = rows[0]
    june = next(
        dict(zip(header, r, strict=True))
        for r in rows[1:]
        if r[2] == p6.person.masked_personnummer and r[header.index("Månad")] == "2024-06"
    )
    assert june["Minuter"] == 120
    assert june["Intygad"] == "Ja"
    assert june["Värde (kr)"] == 490
    assert june["Minuter i avslutsfasen"] == 60
    summary = {r[0]: r[1] for r in report["Summering"][1:]}
    assert summary["Medfinansiering, värde av intygad tid (kr)"] == 980  # P1 Feb + P6 Jun


def test_certified_month_cut_by_the_period_is_valued(world):
    p6 = world["p"]["P6"]
    _attend(_session(world["workshop"], dt.date(2024, 6, 12)), p6, 60)
    _attend(_session(world["workshop"], dt.date(2024, 6, 20)), p6, 60)  # after the period
    _sign_both(p6, dt.date(2024, 6, 1), world["coordinator"])
    access = project_access(world["coordinator"], world["project"])
    time = time_figures.TimeFigures(
        access=access,
        period=Period(dt.date(2024, 6, 1), dt.date(2024, 6, 14)),
        organisation_id=None,
    )
    minutes, hours, certified, rate, value = time.figures(p6.pk, dt.date(2024, 6, 1))
    assert (minutes, hours, certified, rate, value) == (120, 2, True, D("245.00"), D("490.00"))


# --- the real-cost value is rounded once ------------------------------------------------------


def test_real_cost_value_is_rounded_once_from_minutes(client, world):
    project, p1 = world["project"], world["p"]["P1"]
    project.cofinancing_method = project.CofinancingMethod.REAL_COST
    project.hour_rounding = project.HourRounding.NONE
    project.save()
    p1.annual_salary_cost = D("500000")  # / 1720 h = 290.697674… kr/h
    p1.save()
    Certificate.objects.filter(participation=p1).delete()  # the hours on it changed: sign anew
    _sign_both(p1, dt.date(2024, 2, 1), world["coordinator"])
    # 150 min / 60 × 500000 / 1720 = 726.744… -> 726.74 (not 2.50 h × 290.70 = 726.75).
    rows = run_report(world, "tid")["Per deltagare och månad"]
    header = rows[0]
    feb = next(r for r in rows[1:] if r[2] == p1.person.masked_personnummer)
    assert feb[header.index("Timkostnad (kr)")] == 290.7
    assert feb[header.index("Värde (kr)")] == 726.74
    client.force_login(world["coordinator"])
    page = client.get(reverse("reporting:time", args=[project.pk]), _period_params())
    months = {r.figures.month: r.figures for r in page.context["months"]}
    assert months[dt.date(2024, 2, 1)].value == D("726.74")
    assert time_figures.cofinancing_value(
        minutes=150, rounding=project.hour_rounding, annual_cost=D("500000"), basis=1720
    ) == D("726.74")


# --- the hours goal's group size ------------------------------------------------------------


def test_hours_goal_group_size_leaves_out_people_present_for_0_minutes(world):
    p3 = world["p"]["P3"]  # K, from 05-01
    jun10 = world["workshop"].sessions.get(starts_at__date=dt.date(2024, 6, 10))
    _attend(jun10, p3, 0)
    access = project_access(world["coordinator"], world["project"])
    result = goal_measure(world["goal"], Context(access=access, as_of=PERIOD[1]))
    assert result.figure.num == 120 + 30 + 90 + 60
    assert result.figure.n == 3  # P1, P2, P6; not P3
    assert result.by_gender["K"].n == 2
    _result, rows = goal_units(goal=world["goal"], access=access, as_of=PERIOD[1])
    assert p3.pk not in {row["unit"] for row in rows}


def test_attendance_page_says_what_to_fix_for_a_day_before_the_start(client, world):
    p1 = world["p"]["P1"]  # from 2024-02-01
    before_start = _session(world["workshop"], dt.date(2024, 1, 20))
    EnrolmentFactory(session=before_start, participation=p1)
    client.force_login(world["coordinator"])
    url = reverse("activities:attendance", args=[world["project"].pk, before_start.pk])
    response = client.post(url, {f"p{p1.pk}": "1", f"m{p1.pk}": "", "reason": "Efterregistrering"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ligger före deltagandets startdatum 2024-02-01" in page
    assert not Attendance.objects.filter(session=before_start).exists()
