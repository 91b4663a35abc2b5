"""Tid och medfinansiering on hours, certificates and a closing phase worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from activities.models import Activity, Attendance, Certificate, SelfReportedTime
from activities.services import certificate_sign_participant
from digiproj.projects.models import UnitCost
from participants import personnummer as pnr
from participants.models import PersonnummerReveal
from tests.factories import ActivityFactory, SessionFactory
from tests.reporting.conftest import PERIOD, run_report

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _attend(activity, participation, day, minutes):
    start = dt.datetime.combine(day, dt.time(9), tzinfo=STOCKHOLM)
    session = SessionFactory(
        activity=activity, starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    return Attendance.objects.create(
        session=session,
        participation=participation,
        present=True,
        minutes=minutes,
        marked_at=timezone.now(),
    )


def _sign_both(participation, month, user):
    certificate_sign_participant(participation=participation, month=month, user_id=user.pk)
    Certificate.objects.filter(participation=participation, month=month).update(
        manager_signed_at=timezone.now(), manager_signed_name="Chef Chefsson"
    )


@pytest.fixture
def hours(small_project):
    """
    P1 (K, north)  Feb: 120 + 50 = 170 min -> 2 h, certified by both -> 2 × 250 kr = 500 kr
                   Mar: 90 min -> 1 h, not certified
    P2 (M, north)  Feb: 120 + 30 self-reported = 150 min, signed by both, then attendance
                   changed to 100 -> 130 min -> 2 h, certificate void -> not certified
    P6 (K, south)  Jun 10: 60 min -> 1 h (not certified); Jun 20: 120 min in the closing phase
    """
    project = small_project["project"]
    project.closing_start = dt.date(2024, 6, 15)
    project.budgeted_cofinancing = Decimal("10000")
    project.save()
    UnitCost.objects.create(project=project, year=2024, sek_per_hour=Decimal("250.00"))
    p, user = small_project["p"], small_project["coordinator"]
    workshop = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP, title="Workshop A")
    recorded = ActivityFactory(project=project, kind=Activity.Kind.RECORDED, title="Film B")
    _attend(workshop, p["P1"], dt.date(2024, 2, 5), 120)
    _attend(workshop, p["P1"], dt.date(2024, 2, 20), 50)
    _attend(workshop, p["P1"], dt.date(2024, 3, 5), 90)
    changed = _attend(workshop, p["P2"], dt.date(2024, 2, 5), 120)
    SelfReportedTime.objects.create(
        activity=recorded,
        participation=p["P2"],
        date=dt.date(2024, 2, 7),
        minutes=30,
        status=SelfReportedTime.Status.APPROVED,
    )
    _attend(workshop, p["P6"], dt.date(2024, 6, 10), 60)
    _attend(workshop, p["P6"], dt.date(2024, 6, 20), 120)
    _sign_both(p["P1"], dt.date(2024, 2, 1), user)
    _sign_both(p["P2"], dt.date(2024, 2, 1), user)
    changed.minutes = 100  # a late change voids it
    changed.save(update_fields=["minutes"])
    return small_project


def _report(world):
    return run_report(world, "tid")


def test_per_participant_and_month(hours):
    rows = _report(hours)["Per deltagare och månad"]
    header = rows[0]
    # Keyed by the masked number: birth dates differ, while Faker's first names may repeat.
    got = {(r[2], r[header.index("Månad")]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    p = {k: v.person.masked_personnummer for k, v in hours["p"].items()}
    p1_feb = got[(p["P1"], "2024-02")]
    assert (p1_feb["Minuter"], p1_feb["Timmar"], p1_feb["Intygad"]) == (170, 2, "Ja")
    assert (p1_feb["Timkostnad (kr)"], p1_feb["Värde (kr)"]) == (250, 500)
    p1_mar = got[(p["P1"], "2024-03")]
    assert (p1_mar["Timmar"], p1_mar["Intygad"], p1_mar["Värde (kr)"]) == (1, "Nej", None)
    p2_feb = got[(p["P2"], "2024-02")]
    assert (p2_feb["Minuter"], p2_feb["Timmar"], p2_feb["Intygad"]) == (130, 2, "Nej")
    p6_jun = got[(p["P6"], "2024-06")]
    assert (p6_jun["Minuter"], p6_jun["Timmar"], p6_jun["Minuter i avslutsfasen"]) == (60, 1, 120)


def test_summary_against_budget(hours):
    summary = {r[0]: r[1] for r in _report(hours)["Summering"][1:]}
    assert summary["Intygade timmar"] == 2
    assert summary["Ej intygade timmar (inte värderade)"] == 4
    assert summary["Timmar i avslutsfasen (inte medfinansiering)"] == 2
    assert summary["Medfinansiering, värde av intygad tid (kr)"] == 500
    assert summary["Budgeterad medfinansiering (kr)"] == 10000
    assert summary["Andel av budget (%)"] == 5


def test_by_organisation_month_and_gender(hours):
    rows = _report(hours)["Per organisation och månad"]
    header = rows[0]
    got = {(r[0], r[2]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    north_feb = got[("Norra kommun", "2024-02")]
    assert north_feb["Intygade timmar kvinnor"] == 2
    assert north_feb["Intygade timmar män"] == 0
    assert north_feb["Värde kvinnor (kr)"] == 500
    assert north_feb["Ej intygade timmar"] == 2
    assert got[("Södra kommun", "2024-06")]["Ej intygade timmar"] == 1


def test_per_activity_rows(hours):
    rows = _report(hours)["Per aktivitet"]
    p2 = hours["p"]["P2"].person.masked_personnummer
    mine = sorted((r[4], r[5]) for r in rows[1:] if r[2] == p2)
    assert mine == [("Film B", 30), ("Workshop A", 100)]


def test_real_cost_method_uses_the_participants_salary(hours):
    project = hours["project"]
    project.cofinancing_method = project.CofinancingMethod.REAL_COST
    project.save()
    p1 = hours["p"]["P1"]
    p1.annual_salary_cost = Decimal("516000")  # / 1720 h = 300 kr/h
    p1.save()
    rows = _report(hours)["Per deltagare och månad"]
    header = rows[0]
    feb = next(
        r
        for r in rows[1:]
        if r[2] == p1.person.masked_personnummer and r[header.index("Månad")] == "2024-02"
    )
    assert feb[header.index("Timkostnad (kr)")] == 300
    assert feb[header.index("Värde (kr)")] == 600


def test_missing_unit_cost_is_said_not_guessed(hours):
    UnitCost.objects.all().delete()
    summary = {r[0]: r[1] for r in _report(hours)["Summering"][1:]}
    assert summary["Medfinansiering, värde av intygad tid (kr)"] == 0
    assert "Enhetskostnad saknas för 2024: timmarna är inte värderade." in summary


def test_indicators_include_hours_by_gender(hours):
    rows = run_report(hours, "indikatorer")["Timmar per kön"][1:]
    # K: P1 170 + 90, P6 60 + 120 = 440 min; M: P2 100 + 30 = 130 min; in all 570 min.
    assert rows == [("Kvinnor", 7.33), ("Män", 2.17), ("Totalt", 9.5)]


def test_time_page_figures_and_their_rows(client, hours):
    import re
    from decimal import Decimal as D

    from django.urls import reverse

    client.force_login(hours["coordinator"])
    url = reverse("reporting:time", args=[hours["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    feb = next(
        r.figures for r in response.context["months"] if r.figures.month == dt.date(2024, 2, 1)
    )
    assert (feb.certified["K"], feb.certified["M"], feb.uncertified["total"]) == (2, 0, 2)
    assert feb.value == 500
    html = response.content.decode()
    links = re.findall(r'<td class="num"><a href="([^"]+)">([\d.]+)</a></td>', html)
    assert len(links) >= 8
    for href, figure in links:
        rows = client.get(href.replace("&amp;", "&")).context["rows"]
        assert sum((r.hours for r in rows), D(0)) == D(figure), href


def test_time_page_is_scoped_for_contacts(client, hours):
    from django.urls import reverse

    client.force_login(hours["contact"])  # south: only P6
    response = client.get(
        reverse("reporting:time", args=[hours["project"].pk]),
        {"period_start": PERIOD[0], "period_end": PERIOD[1]},
    )
    assert [r.figures.month for r in response.context["months"]] == [dt.date(2024, 6, 1)]


@pytest.mark.parametrize("sessions", [1, 10])
def test_time_page_query_count_does_not_grow(
    client, small_project, django_assert_num_queries, sessions
):
    from django.urls import reverse

    workshop = ActivityFactory(project=small_project["project"], kind=Activity.Kind.WORKSHOP)
    for day in range(sessions):
        for name in ("P1", "P2", "P6"):
            _attend(
                workshop, small_project["p"][name], dt.date(2024, 3, 1) + dt.timedelta(days=day), 60
            )
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:time", args=[small_project["project"].pk])
    # 5 base + organisation choices + hours (2) + certificates + people + unit costs
    with django_assert_num_queries(11):
        client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})


def test_participant_register_has_hours_in_the_period(hours):
    rows = run_report(hours, "deltagare")["Deltagare"]
    header = rows[0]
    # Birth dates differ, so the masked numbers (ÅÅÅÅMMDD-****) tell the people apart.
    by_person = {r[2]: r[header.index("Timmar i perioden")] for r in rows[1:]}
    p = {k: v.person.masked_personnummer for k, v in hours["p"].items()}
    # P1 170 + 90 min; P2 100 + 30; P6 60 + 120 (closing phase too: these are hours, not value)
    assert by_person[p["P1"]] == 4.33
    assert by_person[p["P2"]] == 2.17
    assert by_person[p["P6"]] == 3
    assert by_person[p["P3"]] == 0


def test_register_page_matches_the_file(client, hours):
    from django.urls import reverse

    client.force_login(hours["coordinator"])
    url = reverse("reporting:register", args=[hours["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    shown = {p.person.masked_personnummer: h for p, h in response.context["rows"]}
    rows = run_report(hours, "deltagare")["Deltagare"]
    header = rows[0]
    in_file = {r[2]: r[header.index("Timmar i perioden")] for r in rows[1:]}
    assert {k: float(v) for k, v in shown.items()} == in_file


@pytest.mark.parametrize("extra", [0, 9])
def test_register_page_query_count_is_bounded(
    client, small_project, django_assert_num_queries, extra
):
    from django.urls import reverse

    from tests.factories import ParticipationFactory

    ParticipationFactory.create_batch(
        extra,
        project=small_project["project"],
        organisation=small_project["north"],
        start_date=dt.date(2024, 2, 1),
    )
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:register", args=[small_project["project"].pk])
    # 5 base + organisation choices + count + page + hours (one counted-time query)
    with django_assert_num_queries(9):
        client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})


def test_time_page_value_links_to_the_certified_rows(client, hours):
    from django.urls import reverse

    client.force_login(hours["coordinator"])
    url = reverse("reporting:time", args=[hours["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    feb = next(r for r in response.context["months"] if r.figures.month == dt.date(2024, 2, 1))
    rows = client.get(feb.links["total"]).context["rows"]
    assert sum(r.value or 0 for r in rows) == feb.figures.value == 500


def test_indicator_page_hours_by_gender_link_to_the_people_behind_them(client, hours):
    from decimal import Decimal as D

    from django.urls import reverse

    client.force_login(hours["coordinator"])
    url = reverse("reporting:indicators", args=[hours["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    figures = {str(r["label"]): r for r in response.context["hours_by_gender"]}
    assert (figures["kvinnor"]["hours"], figures["män"]["hours"], figures["totalt"]["hours"]) == (
        D("7.33"),
        D("2.17"),
        D("9.50"),
    )
    for row in figures.values():
        people = client.get(row["url"]).context["rows"]
        assert (D(sum(p.minutes for p in people)) / 60).quantize(D("0.01")) == row["hours"]


def _full_number_run(world, *, full: bool):
    from digiproj.projects.permissions import project_access
    from reporting import services

    run = services.report_run_create(
        access=project_access(world["coordinator"], world["project"]),
        user=world["coordinator"],
        kind="tid",
        file_format="xlsx",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        full_personnummer=full,
    )
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = list(book["Per deltagare och månad"].iter_rows(values_only=True))
    return run, {r[rows[0].index("Personnummer")] for r in rows[1:]}


def test_full_personnummer_logs_each_person_shown_once(hours):
    """Full numbers on "Per deltagare och månad" and "Per aktivitet": every person shown is
    logged once, as the register does (the file showed them without a log before)."""
    run, shown = _full_number_run(hours, full=True)
    assert shown
    assert all("*" not in number for number in shown)
    revealed = PersonnummerReveal.objects.filter(
        user=hours["coordinator"], context=f"report:{run.pk}"
    )
    assert revealed.count() == len(shown)  # once per person, not per month or sheet
    numbers = revealed.values_list("participation__person__personnummer", flat=True)
    assert {pnr.display(n) for n in numbers} == shown


def test_masked_numbers_log_nothing(hours):
    _run, shown = _full_number_run(hours, full=False)
    assert all(number.endswith("-****") for number in shown)
    assert not PersonnummerReveal.objects.exists()
