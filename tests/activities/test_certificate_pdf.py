"""The signed certificate PDF read back (#14 item 2, "signing like the funder expects"): who
signed, when (Stockholm time) and how on each signature line, the diarienummer, the EU
co-funding statement beside the emblem the platform draws, and what a screen reader needs
(language, title, tags in reading order, the emblem's alternative text)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from activities import exports, services
from activities.models import Certificate
from digiproj.mail import services as digiproj_mail
from tests.factories import AttendanceFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
MARCH = dt.date(2026, 3, 1)
MANAGER = "chef@example.test"


@pytest.fixture
def signed(world):
    """March 2026 for `world.own`, signed by her and by her manager with the mailed code;
    the signing instants then set to known ones: in winter time (UTC+1) for her, in
    summer time (UTC+2) for the manager."""
    world.project.diarienummer = "2024/04711"
    world.project.save()
    world.own.first_name, world.own.last_name = "Anna", "Andersson"
    world.own.save()
    start = dt.datetime(2026, 3, 10, 9, tzinfo=STHLM)
    session = SessionFactory(
        activity=world.activity, starts_at=start, ends_at=start.replace(hour=12)
    )
    EnrolmentFactory(session=session, participation=world.own)
    AttendanceFactory(session=session, participation=world.own)
    cert = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.certificate_request_manager(certificate=cert, email=MANAGER)
    code = re.search(r"Engångskod: (\d{6})", mail.outbox[-1].body).group(1)
    services.certificate_sign_manager(certificate=cert, name="Cecilia Chef", code=code)
    Certificate.objects.filter(pk=cert.pk).update(
        participant_signed_at=dt.datetime(2026, 3, 31, 13, 5, tzinfo=UTC),
        manager_signed_at=dt.datetime(2026, 4, 2, 7, 10, tzinfo=UTC),
    )
    return cert


def _pdf(client, world, user) -> PdfReader:
    client.force_login(user)
    url = reverse(
        "activities:certificate_file", args=[world.project.pk, world.own.pk, 2026, 3, "pdf"]
    )
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _structure(reader: PdfReader) -> list[tuple[str, str | None]]:
    """(role, alternative text) of each element under the document's structure root."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    document = root["/K"][0].get_object()
    assert document["/S"] == "/Document"
    return [(kid.get_object()["/S"], kid.get_object().get("/Alt")) for kid in document["/K"]]


def test_each_signature_line_names_who_signed_when_and_how(world, signed, client):
    text = _text(_pdf(client, world, world.participant_user))
    lines = " ".join(text[text.index("Deltagarens underskrift:") :].split())  # wrapped lines
    assert lines == (
        "Deltagarens underskrift: Anna Andersson, digitalt underskrivet 2026-03-31 15:05 "
        "(inloggad i digiproj) "
        "Närmaste chefs underskrift: Cecilia Chef, digitalt underskrivet 2026-04-02 09:10 "
        f"(med engångskod skickad till {MANAGER})"
    )


def test_a_manager_signed_in_with_the_requested_address_is_named_so(world, signed, client):
    Certificate.objects.filter(pk=signed.pk).update(
        manager_signed_method="login", manager_signed_by=world.coordinator
    )
    Certificate.objects.filter(pk=signed.pk).update(manager_email=world.coordinator.email)
    text = " ".join(_text(_pdf(client, world, world.coordinator)).split())
    assert "Cecilia Chef, digitalt underskrivet 2026-04-02 09:10 (inloggad med " in text
    assert world.coordinator.email in text


def test_the_pdf_carries_the_diarienummer_and_the_eu_statement(world, signed, client):
    text = _text(_pdf(client, world, world.contact))
    assert "Projekt: " + world.project.name + " (2024/04711)" in text
    assert text.splitlines()[0] == "Medfinansieras av Europeiska unionen"  # read first


def test_the_pdf_says_its_language_and_title(world, signed, client):
    reader = _pdf(client, world, world.participant_user)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the name
    meta = reader.metadata
    assert meta.title == "Närvarorapport 2026-03, Anna Andersson"
    assert meta.author == f"{world.project.name} (2024/04711)"
    assert "2024/04711" in meta.subject
    assert "medfinansieras av Europeiska unionen" in meta.subject


def test_every_text_is_tagged_in_reading_order_and_the_emblem_has_alt_text(world, signed, client):
    reader = _pdf(client, world, world.participant_user)
    structure = _structure(reader)
    assert structure[0] == ("/Figure", "Europeiska unionens flagga")
    assert structure[1:3] == [("/P", None), ("/H1", None)]  # the statement, then the heading
    assert {role for role, _alt in structure[1:]} == {"/P", "/H1"}
    # One marked sequence per element, and no text outside them.
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert len(re.findall(r"<</MCID \d+>> BDC", content)) == len(structure)
    outside = re.sub(r"BDC.*?EMC", "", content, flags=re.DOTALL)
    assert " Tj" not in outside
    assert "TJ" not in outside


def test_the_language_is_the_one_the_pdf_is_written_in(world, signed):
    from activities.selectors import certificates as certificate_selectors

    data = certificate_selectors.certificate_data(participation=world.own, month=MARCH)
    with translation.override("en"):
        content = exports.certificate_pdf(data, [], personnummer="")
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "en"


def test_the_eu_emblem_is_drawn_by_its_graphic_rules(world, signed, client):
    height = 18.0
    stars = exports.eu_emblem_stars(height)
    assert len(stars) == 12
    for x, y in stars:
        assert math.hypot(x, y) == pytest.approx(height / 3)  # a third of the height
    assert stars[0] == pytest.approx((0, -height / 3))  # at twelve o'clock
    angles = sorted(math.degrees(math.atan2(x, -y)) % 360 for x, y in stars)
    assert angles == pytest.approx([30 * hour for hour in range(12)])
    # Drawn, not an image: Reflex Blue and Yellow fills, and no image in the file.
    reader = _pdf(client, world, world.participant_user)
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert re.search(r"0(\.0+)? 0\.20*  ?0\.60* rg", content)
    assert re.search(r"1(\.0+)? 0\.80* 0(\.0+)? rg", content)
    assert not reader.pages[0].images


def test_the_managers_copy_names_both_signatures_and_masks_the_number(world, signed):
    mail.outbox.clear()
    # What the worker sends once the signature commits (digiproj.mail, activities.mails).
    digiproj_mail.send("certificate_signed_copy", signed.pk, {"certificate_id": signed.pk})
    (_name, content, _mimetype) = mail.outbox[0].attachments[0]
    text = _text(PdfReader(io.BytesIO(content)))
    assert "Anna Andersson, digitalt underskrivet 2026-03-31 15:05" in text
    assert "Cecilia Chef, digitalt underskrivet 2026-04-02 09:10" in text
    assert "Medfinansieras av Europeiska unionen" in text
    assert "2024/04711" in text
    number = world.own.person.personnummer
    assert number not in text
    assert f"{number[:8]}-{number[8:]}" not in text
