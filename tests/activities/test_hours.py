"""Hours and the monthly certificate: totals worked out by hand, signing, voiding, the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from activities import services
from activities.models import Activity
from activities.selectors import certificates as certificate_selectors
from activities.selectors import time_totals
from activities.services import AttendanceMark
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    ProjectOrganisationFactory,
    SelfReportedTimeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MARCH = dt.date(2026, 3, 1)


def _at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=STHLM)


@pytest.fixture
def month(world):
    """March 2026 for `world.own`, all numbers chosen so the totals can be checked by hand:

    2026-03-10 Workshop 09:00–12:00 present (180) + 13:00–14:30 partial 50 min -> 230
    2026-03-15 Recorded material, approved self-report                        ->  40
    2026-03-16 Recorded material, pending self-report (does not count)        ->   0
    2026-03-17 Recorded material, rejected self-report (does not count)       ->   0
    2026-03-24 Lecture 10:00–11:15 present                                    ->  75
    March total 345 min = 5 h 45 min -> 5 whole hours (rounded down per month)
    2026-04-02 Lecture 09:00–10:40 present -> April 100 min -> 1 whole hour
    Total 445 min; reported hours 5 + 1 = 6 (not floor(445/60) = 7).
    Someone else's attendance the same day must not count.
    """
    own = world.own
    workshop = world.activity
    workshop.title = "Workshop Excel"
    workshop.save()
    lecture = ActivityFactory(project=world.project, kind="lecture", title="Säkerhet i vardagen")
    recorded = ActivityFactory(project=world.project, kind="recorded", title="Film om Teams")
    s1 = SessionFactory(
        activity=workshop, starts_at=_at("2026-03-10", "09:00"), ends_at=_at("2026-03-10", "12:00")
    )
    s2 = SessionFactory(
        activity=workshop, starts_at=_at("2026-03-10", "13:00"), ends_at=_at("2026-03-10", "14:30")
    )
    s3 = SessionFactory(
        activity=lecture, starts_at=_at("2026-03-24", "10:00"), ends_at=_at("2026-03-24", "11:15")
    )
    s4 = SessionFactory(
        activity=lecture, starts_at=_at("2026-04-02", "09:00"), ends_at=_at("2026-04-02", "10:40")
    )
    for session in (s1, s2, s3, s4):
        EnrolmentFactory(session=session, participation=own)
    AttendanceFactory(session=s1, participation=own)
    AttendanceFactory(session=s2, participation=own, minutes=50)
    AttendanceFactory(session=s3, participation=own)
    AttendanceFactory(session=s4, participation=own)
    AttendanceFactory(session=s1, participation=world.foreign)
    SelfReportedTimeFactory(
        activity=recorded, participation=own, date=dt.date(2026, 3, 15), minutes=40
    )
    SelfReportedTimeFactory(
        activity=recorded,
        participation=own,
        date=dt.date(2026, 3, 16),
        minutes=30,
        status="pending",
    )
    SelfReportedTimeFactory(
        activity=recorded,
        participation=own,
        date=dt.date(2026, 3, 17),
        minutes=20,
        status="rejected",
    )
    return type("Month", (), locals())


def test_hours_per_date_activity_month_and_total(world, month):
    by_day = time_totals.hours_by_day(
        participations=[world.own.pk], start=MARCH, end=dt.date(2026, 5, 1)
    )
    assert by_day == {
        (world.own.pk, month.workshop.pk, dt.date(2026, 3, 10)): 230,
        (world.own.pk, month.recorded.pk, dt.date(2026, 3, 15)): 40,
        (world.own.pk, month.lecture.pk, dt.date(2026, 3, 24)): 75,
        (world.own.pk, month.lecture.pk, dt.date(2026, 4, 2)): 100,
    }
    hours = time_totals.participant_hours(participation=world.own)
    assert [(r["month"], r["minutes"], r["hours"]) for r in hours["months"]] == [
        (dt.date(2026, 3, 1), 345, Decimal(5)),
        (dt.date(2026, 4, 1), 100, Decimal(1)),
    ]
    assert hours["minutes"] == 445
    assert hours["hours"] == 6
    assert time_totals.hours_by_activity(participation=world.own) == [
        {"activity": "Film om Teams", "minutes": 40},
        {"activity": "Säkerhet i vardagen", "minutes": 75 + 100},
        {"activity": "Workshop Excel", "minutes": 180 + 50},
    ]


def test_without_rounding_hours_keep_minutes(world, month):
    world.project.hour_rounding = "none"
    world.project.save()
    world.own.refresh_from_db()
    hours = time_totals.participant_hours(participation=world.own)
    assert [r["hours"] for r in hours["months"]] == [Decimal("5.75"), Decimal("1.67")]


def test_only_approved_self_reported_time_counts(world, month):
    pending = month.recorded.self_reports.get(status="pending")
    services.self_report_decide(report=pending, approve=True, by_user_id=world.contact.pk)
    march = time_totals.participant_hours(participation=world.own)["months"][0]
    assert march["minutes"] == 345 + 30


def test_certificate_signed_by_both_then_voided_by_a_change(
    world, month, client, django_capture_on_commit_callbacks
):
    client.force_login(world.participant_user)
    url = reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])
    sign_url = reverse("activities:sign", args=[world.project.pk, 2026, 3])

    assert client.post(sign_url).status_code == 302
    cert = certificate_selectors.certificate_get(participation=world.own, month=MARCH)
    assert cert.participant_signed_by == world.participant_user
    assert certificate_selectors.certificate_state_now(cert) == "participant_signed"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "activities:certificate_request_manager",
                args=[world.project.pk, world.own.pk, 2026, 3],
            ),
            {"email": "chef@example.test"},
        )
    assert response.status_code == 302
    link_mail, code_mail = mail.outbox  # the link and the code in two mails
    for sent in (link_mail, code_mail):
        assert world.own.person.personnummer not in sent.body
    code = re.search(r"Engångskod: (\d{6})", code_mail.body).group(1)
    token = re.search(r"/intyg/signera/([^/]+)/", link_mail.body).group(1)

    client.logout()
    sign_page = reverse("activities_manager_sign", args=[token])
    wrong = client.post(
        sign_page, {"name": "Chef Chefsson", "code": "000000" if code != "000000" else "111111"}
    )
    assert "Fel kod" in wrong.content.decode()
    assert client.post(sign_page, {"name": "Chef Chefsson", "code": code}).status_code == 302
    cert.refresh_from_db()
    assert cert.manager_signed_name == "Chef Chefsson"
    assert cert.manager_signed_method == "code"
    assert certificate_selectors.certificate_state_now(cert) == "signed"
    # The code is one-time: it is gone once used.
    assert cert.manager_code_hash == ""

    # The PDF carries the data and both signatures.
    client.force_login(world.participant_user)
    pdf_url = reverse(
        "activities:certificate_file", args=[world.project.pk, world.own.pk, 2026, 3, "pdf"]
    )
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    pnr = world.own.person.personnummer
    assert f"{pnr[:8]}-{pnr[8:]}" in text
    assert world.own.full_name in text
    assert world.org.name in text
    assert world.org.organisationsnummer in text
    for line in ("2026-03-10", "2026-03-15", "2026-03-24", "Workshop Excel", "Film om Teams"):
        assert line in text
    assert "2026-04-02" not in text
    assert "2026-03-16" not in text
    assert "5:45" in text  # 345 minutes
    assert "Chef Chefsson" in text

    # Excel version of the same certificate.
    xlsx = client.get(pdf_url.replace("rapport.pdf", "rapport.xlsx"))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert 345 in values
    assert "Workshop Excel" in values

    # A late change to March attendance voids both signatures, and the page says so.
    services.attendance_save(
        session=month.s3,
        marks=[AttendanceMark(world.own.pk, present=True, minutes=30)],
        by_user_id=world.coordinator.pk,
        reason="Rättning",
    )
    cert.refresh_from_db()
    assert certificate_selectors.certificate_state_now(cert) == "void"
    page = client.get(url).content.decode()
    assert "Underskrifterna gäller inte längre" in page
    with pytest.raises(ValidationError, match="ändrats"):
        services.certificate_sign_manager(certificate=cert, name="Chef", user=None, code=code)

    # Signing again binds the new data; the manager must sign again.
    client.post(sign_url)
    cert.refresh_from_db()
    assert certificate_selectors.certificate_state_now(cert) == "participant_signed"
    assert cert.manager_signed_at is None
    assert (
        certificate_selectors.certificate_data(participation=world.own, month=MARCH)[
            "total_minutes"
        ]
        == 300
    )


def test_manager_can_sign_logged_in_with_the_requested_address(world, month):
    cert = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    services.certificate_request_manager(certificate=cert, email=world.contact.email)
    services.certificate_sign_manager(certificate=cert, name="Kontakt", user=world.contact)
    cert.refresh_from_db()
    assert cert.manager_signed_by == world.contact
    assert cert.manager_signed_method == "login"


def test_certificate_for_empty_month_is_refused(world):
    with pytest.raises(ValidationError, match="inga timmar"):
        services.certificate_sign_participant(
            participation=world.own, month=MARCH, user_id=world.participant_user.pk
        )


def test_participant_cannot_open_someone_elses_certificate(world, month, client):
    client.force_login(world.participant_user)
    url = reverse("activities:certificate", args=[world.project.pk, world.foreign.pk, 2026, 3])
    assert client.get(url).status_code == 404


def test_contact_sees_only_own_organisation_certificates(world, month, client):
    client.force_login(world.contact)
    own = reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])
    foreign = reverse("activities:certificate", args=[world.project.pk, world.foreign.pk, 2026, 3])
    assert client.get(own).status_code == 200
    assert client.get(foreign).status_code == 404


def test_organisation_summary_sheet(world, month, client):
    cert = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    services.certificate_request_manager(certificate=cert, email=world.contact.email)
    services.certificate_sign_manager(certificate=cert, name="Kontakt", user=world.contact)
    client.force_login(world.coordinator)
    url = reverse("activities:summary_xlsx", args=[world.project.pk])

    def sheet():
        response = client.get(url, {"organisation": world.org.pk})
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return rows, [r[2:] for r in rows if r and r[2] in ("2026-03", "2026-04")]

    rows, data = sheet()
    assert data == [("2026-03", 345, 5, "Ja"), ("2026-04", 100, 1, "Nej")]
    assert world.own.person.personnummer not in str(rows)  # masked in the sheet

    SelfReportedTimeFactory(
        activity=month.recorded, participation=world.own, date=dt.date(2026, 3, 20), minutes=15
    )
    _rows, data = sheet()
    assert data[0] == ("2026-03", 360, 6, "Nej, ändrad efter underskrift")


def test_summary_of_an_organisation_without_participants_is_a_sheet_without_rows(world, client):
    """A partner organisation with nobody enrolled yet: an empty Sammanställning, not a 500
    (counted time of no participations at all used to fail building its SQL)."""
    partner = ProjectOrganisationFactory(project=world.project).organisation
    client.force_login(world.coordinator)
    url = reverse("activities:summary_xlsx", args=[world.project.pk])
    response = client.get(url, {"organisation": partner.pk})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert not [r for r in rows if r and r[2] and str(r[2])[:2] == "20"]  # no month rows
    assert time_totals.hours_by_month(participations=[], start=MARCH, end=MARCH) == {}


@pytest.mark.parametrize("organisation", ["abc", "", "1e3", "-1"])
def test_summary_for_no_organisation_or_not_a_number_is_404_not_500(world, client, organisation):
    client.force_login(world.coordinator)
    url = reverse("activities:summary_xlsx", args=[world.project.pk])
    assert client.get(url, {"organisation": organisation}).status_code == 404


def test_summary_with_a_month_that_is_not_one_starts_at_the_project_start(world, client):
    client.force_login(world.coordinator)
    url = reverse("activities:summary_xlsx", args=[world.project.pk])
    response = client.get(url, {"organisation": world.org.pk, "fran": "mars"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_recorded_activity_kind_constant():
    assert Activity.Kind.RECORDED == "recorded"
