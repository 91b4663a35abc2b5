"""Logs carry a request id and the user id, and never a personnummer, name or email address
(digiproj/logs.py)."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiproj.logs import logging_config, redact
from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from reporting import services as report_services
from reporting.models import ReportRun
from surveys.models import Response
from tests.factories import (
    MembershipFactory,
    ProjectOrganisationFactory,
    UserFactory,
    participant_test_pnr,
)
from tests.surveys.conftest import survey_world  # noqa: F401 – the fixture, for the journey

PEOPLE = [  # distinctive names, so a hit is never a word of the page or the code
    ("Ylvamaj", "Loggsdotter", "ylvamaj.loggsdotter@kommun.example.se"),
    ("Torbjörnulf", "Spårlösson", "torbjornulf.sparlosson@kommun.example.se"),
]


def _forms(number: str) -> list[str]:
    """A 12-digit personnummer in every way it is written."""
    short = number[2:]
    return [number, f"{number[:8]}-{number[8:]}", short, f"{short[:6]}-{short[6:]}"]


@pytest.fixture
def captured() -> io.StringIO:
    """Every record at DEBUG through the configured handler's filters and the JSON format."""
    stream = io.StringIO()
    config = logging_config(json_format=True, level="DEBUG")
    config["handlers"]["console"]["stream"] = stream  # type: ignore[index]
    # factory_boy (a test tool, not the application) logs the values it generates at DEBUG.
    config["loggers"]["factory"] = {"level": "INFO"}  # type: ignore[index]
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)
    logging.getLogger("factory").setLevel(logging.NOTSET)


def _records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_redact_replaces_personnummer_in_every_format_and_email_addresses():
    number = participant_test_pnr(3)
    for form in _forms(number):
        assert redact(f"pnr {form}.") == "pnr [personnummer]."
    assert redact("to a.b+c@kommun.example.se!") == "to [e-post]!"
    assert redact("user=2 count=61 context=scb:101") == "user=2 count=61 context=scb:101"


@pytest.mark.django_db
def test_a_record_carries_request_id_and_user_id_and_loses_personal_data(client, captured):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/", HTTP_X_REQUEST_ID="lb-1234")
    assert response["X-Request-ID"] == "lb-1234"
    logging.getLogger("digiproj.test").warning(
        "slip: %s %s", user.email, participant_test_pnr(1), exc_info=False
    )
    record = _records(captured)[-1]
    assert record["message"] == "slip: [e-post] [personnummer]"
    assert record["request_id"] == "-"  # outside a request


@pytest.mark.django_db
def test_request_id_is_made_when_missing_or_odd_and_returned(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a b\nc")["X-Request-ID"] != "a b\nc"


@pytest.mark.django_db
def test_lines_logged_in_a_request_name_its_id_and_the_user(client, captured, monkeypatch):
    from digiproj import health

    user = UserFactory()
    client.force_login(user)
    client.get("/")  # the user is loaded by this request's middleware

    def failing() -> None:
        raise OSError(f"disk of {user.email} full")

    monkeypatch.setattr(health, "_cache", failing)
    client.get("/healthz", HTTP_X_REQUEST_ID="req-42")
    record = next(r for r in _records(captured) if r["logger"] == "digiproj.health")
    assert record["request_id"] == "req-42"
    assert user.email not in json.dumps(record)  # the traceback's text is redacted too
    assert "[e-post]" in json.dumps(record)


@pytest.mark.django_db
def test_a_full_journey_logs_no_personnummer_name_or_email(client, captured, survey_world):  # noqa: F811
    project = survey_world["project"]
    umea = ProjectOrganisationFactory(project=project, organisation__name="Umeå kommun")
    coordinator = MembershipFactory(project=project, role=Membership.Role.COORDINATOR).user
    numbers = [participant_test_pnr(700 + i) for i in range(len(PEOPLE))]

    # Login, with a wrong password first.
    client.post(reverse("account_login"), {"login": coordinator.email, "password": "wrong"})
    client.post(
        reverse("account_login"), {"login": coordinator.email, "password": "secret-Passw0rd"}
    )
    assert client.get("/").status_code == 200

    # Participant import: preview with a bad row, then the good file confirmed.
    def workbook(rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(
            ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "E-post", "Startdatum"]
        )
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        return data.getvalue()

    rows = [
        [number, first, last, umea.organisation.organisationsnummer, email, "2024-03-01"]
        for number, (first, last, email) in zip(numbers, PEOPLE, strict=True)
    ]
    url = reverse("participants:import", args=[project.pk])
    bad = [[*rows[0][:5], "not a date"]]
    client.post(url, {"file": SimpleUploadedFile("d.xlsx", workbook(bad))}, follow=True)
    page = client.post(url, {"file": SimpleUploadedFile("d.xlsx", workbook(rows))}, follow=True)
    upload = page.context["upload"]
    client.post(reverse("participants:import_confirm", args=[project.pk, upload.pk]))
    assert project.participations.filter(person__personnummer__in=numbers).count() == 2

    # A report with full personnummer (the SCB file), run and downloaded.
    run = report_services.report_run_create(
        access=project_access(coordinator, project),
        user=coordinator,
        kind="scb",
        file_format="csv",
        period_start=project.start_date,
        period_end=project.end_date,
        organisation_id=None,
    )
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    with run.file.open("rb") as handle:
        assert numbers[0] in handle.read().decode("utf-8-sig")  # the file has them …

    # The participant list and a search by personnummer and by name.
    participants = reverse("participants:list", args=[project.pk])
    client.get(participants, {"q": numbers[0]})
    client.get(participants, {"q": PEOPLE[1][1]})

    # Survey answering.
    client.logout()
    answer = reverse("surveys:answer", args=[project.pk, survey_world["token"]])
    w = survey_world
    client.post(answer, {"del": "1", "action": "next", f"q{w['gate'].pk}": "1"})
    client.post(
        answer,
        {"del": "2", "action": "submit", f"q{w['follow'].pk}": "4", f"q{w['number'].pk}": "3"},
    )
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1

    # … and the logs none: scan every record.
    records = _records(captured)
    assert records  # the journey logged something (audit lines at least)
    participation = w["participation"]
    secrets = [coordinator.email, coordinator.first_name, coordinator.last_name]
    secrets += [participation.first_name, participation.last_name]
    secrets += _forms(participation.person.personnummer)
    for number, (first, last, email) in zip(numbers, PEOPLE, strict=True):
        secrets += [first, last, email, *_forms(number)]
    leaks = [
        (secret, record)
        for record in records
        for secret in secrets
        if secret and secret in json.dumps(record, ensure_ascii=False)
    ]
    assert leaks == []
    assert any(r["logger"] == "digiproj.audit" for r in records)  # reveals are logged, by id
