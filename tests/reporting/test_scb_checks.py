"""The SCB month checked before its file is made or the month marked sent, one test per rule,
each with the text the coordinator reads on the SCB page and in the refusal."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from digiproj.dates import months_between
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import project_access
from participants.models import Participation, Person, PersonnummerReveal
from reporting import selectors, services
from reporting.models import ReportRun, ScbSubmission
from tests.factories import ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 8, 15)
MARCH = dt.date(2024, 3, 1)


def _access(world):
    return project_access(world["coordinator"], world["project"])


def _send(world, month):
    services.scb_month_mark_sent(access=_access(world), user=world["coordinator"], month=month)


def _send_through(world, last):
    for month in months_between(world["project"].start_date, last):
        _send(world, month)


def _month(world, month, today=TODAY):
    return selectors.scb_month(access=_access(world), month=month, today=today)


def _messages(world, month, today=TODAY):
    return [p.message for p in _month(world, month, today).problems]


def _page(client, world):
    client.force_login(world["coordinator"])
    return client.get(reverse("reporting:scb", args=[world["project"].pk])).content.decode()


def _refusal(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def _order_march(world):
    return services.scb_file_order(
        access=_access(world), user=world["coordinator"], month=MARCH, file_format="xlsx"
    )


def _file_rows(run):
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book["SCB"].iter_rows(values_only=True))[1:]


def test_a_clean_month_passes_and_can_be_sent(small_project, client):
    _send_through(small_project, dt.date(2024, 2, 1))
    assert _month(small_project, MARCH).problems == []
    html = _page(client, small_project)
    assert "Klar att skicka" in html
    _send(small_project, MARCH)
    assert _month(small_project, MARCH).status == "sent"


def test_wrong_check_digit_is_named_with_the_masked_number_and_stops_file_and_sending(
    small_project, client
):
    _send_through(small_project, dt.date(2024, 2, 1))
    p6 = small_project["p"]["P6"]
    good = p6.person.personnummer
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    # A number the forms would refuse, put there some other way (an old import, a shell).
    Person.objects.filter(pk=p6.person_id).update(personnummer=bad)

    message = (
        f"{p6.first_name} {p6.last_name}: personnumret {good[:8]}-**** är inte giltigt "
        "(fel kontrollsiffra)."
    )
    assert message in _messages(small_project, MARCH)
    html = _page(client, small_project)
    assert message in html
    assert bad not in html  # the page never shows the full number
    assert reverse("participants:edit", args=[small_project["project"].pk, p6.pk]) in html
    assert _refusal(lambda: _send(small_project, MARCH)) == [f"2024-03: {message}"]
    assert _refusal(lambda: _order_march(small_project)) == [f"2024-03: {message}"]
    assert not ReportRun.objects.exists()
    assert not ScbSubmission.objects.filter(month=MARCH).exists()

    Person.objects.filter(pk=p6.person_id).update(personnummer=good)  # mended
    assert _month(small_project, MARCH).problems == []


def test_a_number_in_the_wrong_form_is_a_format_problem(small_project):
    p6 = small_project["p"]["P6"]
    Person.objects.filter(pk=p6.person_id).update(personnummer=p6.person.personnummer[2:])
    assert any(
        "är inte giltigt (fel format, ska vara tolv siffror)." in m
        for m in _messages(small_project, MARCH)
    )


def test_an_employer_without_a_valid_organisationsnummer_is_a_missing_required_field(
    small_project, client
):
    _send_through(small_project, dt.date(2024, 2, 1))
    south = small_project["south"]
    Organisation.objects.filter(pk=south.pk).update(organisationsnummer="")
    p6 = small_project["p"]["P6"]
    message = (
        f"{p6.first_name} {p6.last_name}: arbetsgivaren Södra kommun har inget giltigt "
        "organisationsnummer (–)."
    )
    assert _messages(small_project, MARCH) == [message]
    assert message in _page(client, small_project)
    assert _refusal(lambda: _order_march(small_project)) == [f"2024-03: {message}"]


def test_protected_identity_is_written_as_scbs_placeholder_and_not_logged(small_project):
    Participation.objects.filter(
        pk__in=[small_project["p"]["P2"].pk, small_project["p"]["P6"].pk]
    ).update(protected_identity=True)
    run = _order_march(small_project)
    rows = _file_rows(run)
    # P2, a man born 1980-01-10; P6, a woman born 1999-03-01 (ordered by the real number).
    assert [r[1] for r in rows] == ["19800110Tf19", "19990301Tf29"]
    assert [r[5] for r in rows] == ["Ja", "Ja"]
    with run.file.open("rb") as handle:
        content = handle.read()
    for name in ("P2", "P6"):
        assert small_project["p"][name].person.personnummer.encode() not in content
    assert not PersonnummerReveal.objects.filter(context=f"scb:{run.pk}").exists()


def test_months_are_not_skipped(small_project, client):
    # 2023-01 (P5 started) is the first month with rows; nothing is sent yet.
    message = (
        "Skicka 2023-01 först: SCB läser månadsfilerna i tidsordning, och en tidigare månad "
        "med nya eller avslutade deltagare är inte skickad eller har ändrats."
    )
    assert _messages(small_project, MARCH) == [message]
    assert _refusal(lambda: _send(small_project, MARCH)) == [f"2024-03: {message}"]
    html = _page(client, small_project)
    assert 'href="#scb-2023-01"' in html
    assert 'id="scb-2023-01"' in html
    # Ordering the file is allowed (it may be prepared); only sending waits.
    run = _order_march(small_project)
    run.refresh_from_db()
    assert run.status == "done"
    # Months with nothing to report do not hold the later ones back.
    _send(small_project, dt.date(2023, 1, 1))
    assert _messages(small_project, dt.date(2023, 6, 1)) == []
    assert "Inget att rapportera" in _page(client, small_project)


def test_an_earlier_month_changed_after_sending_holds_back_the_later_ones(small_project):
    _send_through(small_project, dt.date(2024, 2, 1))
    # P7 joins with a start in January, already sent: January must be sent again first.
    ParticipationFactory(
        project=small_project["project"],
        person=PersonFactory(),
        organisation=small_project["north"],
        start_date=dt.date(2024, 1, 20),
    )
    assert _month(small_project, dt.date(2024, 1, 1)).status == "changed"
    assert _messages(small_project, MARCH) == [
        "Skicka 2024-01 först: SCB läser månadsfilerna i tidsordning, och en tidigare månad "
        "med nya eller avslutade deltagare är inte skickad eller har ändrats."
    ]


@freeze_time("2024-03-20 12:00:00")
def test_a_month_not_over_cannot_be_sent(small_project):
    _send_through(small_project, dt.date(2024, 2, 1))
    message = "Månaden är inte slut. SCB tar emot uppgifterna för månaden från och med 2024-04-01."
    today = dt.date(2024, 3, 20)
    assert _messages(small_project, MARCH, today) == [message]
    assert _refusal(lambda: _send(small_project, MARCH)) == [f"2024-03: {message}"]


def test_dates_outside_the_project_are_reported_before_anything_is_sent(small_project, client):
    early = ParticipationFactory(
        project=small_project["project"],
        person=PersonFactory(),
        organisation=small_project["north"],
        start_date=dt.date(2022, 12, 1),
    )
    name = f"{early.first_name} {early.last_name}"
    message = (
        f"{name}: startdatumet 2022-12-01 ligger före projektets start (2023-01-01) och kommer "
        "inte med i någon månadsfil."
    )
    first = dt.date(2023, 1, 1)
    assert message in _messages(small_project, first)
    assert _refusal(lambda: _send(small_project, first)) == [f"2023-01: {message}"]
    assert message in _page(client, small_project)

    Participation.objects.filter(pk=early.pk).update(
        start_date=dt.date(2023, 2, 1), end_date=dt.date(2026, 1, 31)
    )
    assert _messages(small_project, first) == [
        f"{name}: slutdatumet 2026-01-31 ligger efter projektets slut (2025-12-31) och kommer "
        "inte med i någon månadsfil."
    ]


def test_a_long_list_of_problems_is_summed_up_in_the_refusal(small_project):
    _send_through(small_project, dt.date(2024, 2, 1))
    for _ in range(7):
        ParticipationFactory(
            project=small_project["project"],
            person=PersonFactory(),
            organisation=small_project["south"],
            start_date=MARCH,
        )
    Organisation.objects.filter(pk=small_project["south"].pk).update(organisationsnummer="1")
    refusal = _refusal(lambda: _send(small_project, MARCH))
    assert len(refusal) == 6
    assert refusal[-1] == "2024-03: 3 problem till, se SCB-sidan."


def test_english_reader_gets_english_problems(small_project, client):
    from django.utils import translation

    with translation.override("en"):
        assert _messages(small_project, MARCH) == [
            "Send 2023-01 first: SCB reads the monthly files in order of month, and an earlier "
            "month with new or ended participants has not been sent or has changed."
        ]
