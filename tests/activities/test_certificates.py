"""Monthly certificates (närvarorapport) at the seams (#17 items 4, 7, 8 and 14): what each
reader's file shows, the manager's link, the manager as another person, the PDF font, and a
double click on a signature."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from activities import services
from activities.models import Certificate
from activities.selectors import certificates as certificate_selectors
from participants import personnummer as pnr
from participants.models import PersonnummerReveal
from tests.factories import AttendanceFactory, EnrolmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MARCH = dt.date(2026, 3, 1)
MANAGER = "chef@example.test"


@pytest.fixture
def march(world):
    """One workshop morning in March 2026 for `world.own` (180 minutes)."""
    world.own.phone = "070-123 45 67"
    world.own.save()
    start = dt.datetime(2026, 3, 10, 9, tzinfo=STHLM)
    session = SessionFactory(
        activity=world.activity, starts_at=start, ends_at=start.replace(hour=12)
    )
    EnrolmentFactory(session=session, participation=world.own)
    AttendanceFactory(session=session, participation=world.own)
    return session


def _file_url(world, fmt: str) -> str:
    return reverse(
        "activities:certificate_file", args=[world.project.pk, world.own.pk, 2026, 3, fmt]
    )


def _text(response) -> str:
    if response["Content-Type"] == "application/pdf":
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    ws = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def _sign_and_request(world, email: str = MANAGER) -> tuple[Certificate, str, str]:
    """The participant signs and asks `email` to sign; returns the link's token and the code."""
    cert = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the mail goes after commit
        services.certificate_request_manager(certificate=cert, email=email)
    cert.refresh_from_db()
    return cert, cert.manager_token, _code(mail.outbox[-1].body)


def _code(body: str) -> str:
    return re.search(r"Engångskod: (\d{6})", body).group(1)


# --- item 4: what the certificate shows, per role ------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_coordinator_certificate_shows_full_personnummer_logged_as_reveal(
    world, march, client, fmt
):
    client.force_login(world.coordinator)
    text = _text(client.get(_file_url(world, fmt)))
    assert pnr.display(world.own.person.personnummer) in text
    reveal = PersonnummerReveal.objects.get()
    assert (reveal.user, reveal.participation) == (world.coordinator, world.own)
    assert reveal.context == f"certificate_{fmt}"


def test_platform_admin_certificate_shows_full_personnummer_logged_as_reveal(world, march, client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert pnr.display(world.own.person.personnummer) in _text(client.get(_file_url(world, "pdf")))
    assert PersonnummerReveal.objects.get().user == admin


def test_teacher_gets_no_certificate(world, march, client):
    client.force_login(world.teacher)
    assert client.get(_file_url(world, "pdf")).status_code == 403  # no hours.view
    assert not PersonnummerReveal.objects.exists()


def test_unknown_certificate_format_is_404_and_reveals_nothing(world, march, client):
    client.force_login(world.coordinator)
    assert client.get(_file_url(world, "csv")).status_code == 404
    assert not PersonnummerReveal.objects.exists()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_contact_certificate_masks_personnummer(world, march, client, fmt):
    client.force_login(world.contact)
    response = client.get(_file_url(world, fmt))
    assert response.status_code == 200
    text = _text(response)
    number = world.own.person.personnummer
    assert pnr.mask(number) in text
    assert number[8:] not in text.replace(number[:8], "")  # the last four digits nowhere
    assert not PersonnummerReveal.objects.exists()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_participant_certificate_shows_her_own_personnummer(world, march, client, fmt):
    client.force_login(world.participant_user)
    text = _text(client.get(_file_url(world, fmt)))
    assert pnr.display(world.own.person.personnummer) in text
    assert not PersonnummerReveal.objects.exists()  # her own number is no reveal


def test_certificate_page_says_what_the_files_show(world, march, client):
    url = reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])
    client.force_login(world.coordinator)
    assert "loggas" in client.get(url).content.decode()
    client.force_login(world.contact)
    page = client.get(url).content.decode()
    assert "visar personnumret maskerat" in page
    assert world.own.person.personnummer not in page
    assert not PersonnummerReveal.objects.exists()  # opening the page reveals nothing


# --- item 7: the manager's link shows the minimum, works once, expires ---------------------


def test_manager_link_shows_only_what_signing_needs(world, march, client):
    _cert, token, _c = _sign_and_request(world)
    page = client.get(reverse("activities_manager_sign", args=[token])).content.decode()
    person = world.own
    for shown in (
        person.full_name,
        world.org.name,
        "2026-03-10",
        "180",
        pnr.mask(person.person.personnummer),
    ):
        assert shown in page
    for hidden in (
        person.person.personnummer,
        pnr.display(person.person.personnummer),
        person.email,
        person.phone,
        world.participant_user.email,
        world.org.organisationsnummer,
    ):
        assert hidden not in page


def test_manager_link_stops_working_once_used(world, march, client):
    cert, token, code = _sign_and_request(world)
    url = reverse("activities_manager_sign", args=[token])
    assert client.post(url, {"name": "Chef Chefsson", "code": code}).status_code == 302
    after = client.get(url)
    page = after.content.decode()
    assert after.status_code == 200
    assert "Länken är redan använd" in page
    assert world.own.full_name not in page  # nothing of the report any more
    assert "<form" not in page.split("<main", 1)[-1]
    # The same form sent again (a double click): the same clear answer, nothing changes.
    cert.refresh_from_db()
    signed_at = cert.manager_signed_at
    again = client.post(url, {"name": "Någon annan", "code": code})
    assert again.status_code == 200
    assert "Länken är redan använd" in again.content.decode()
    cert.refresh_from_db()
    assert (cert.manager_signed_at, cert.manager_signed_name) == (signed_at, "Chef Chefsson")


def test_manager_link_expires(world, march, client):
    cert, token, code = _sign_and_request(world)
    url = reverse("activities_manager_sign", args=[token])
    later = cert.manager_code_sent_at + services.MANAGER_LINK_VALID_FOR + dt.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(url)
        assert page.status_code == 410
        assert "Länken har gått ut" in page.content.decode()
        assert world.own.full_name not in page.content.decode()
        refused = client.post(url, {"name": "Chef Chefsson", "code": code})
    assert refused.status_code == 410
    cert.refresh_from_db()
    assert cert.manager_signed_at is None
    assert "gäller till" in mail.outbox[-1].body  # the mail says how long


def test_the_link_and_the_code_go_in_two_mails(world, march):
    """One mail gone astray is not enough to sign in the manager's name."""
    _cert, token, code = _sign_and_request(world)
    link_mail, code_mail = mail.outbox
    assert link_mail.to == code_mail.to == [MANAGER]
    assert token in link_mail.body
    assert code not in link_mail.body
    assert "Engångskoden kommer i ett eget mejl." in link_mail.body
    assert code in code_mail.body
    assert token not in code_mail.body
    assert world.own.project.name in code_mail.body
    assert "gäller till" in code_mail.body


def test_the_manager_gets_the_signed_report_as_a_pdf(world, march):
    cert, _token, code = _sign_and_request(world)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.certificate_sign_manager(certificate=cert, name="Chef Chefsson", code=code)
    (copy,) = mail.outbox
    assert copy.to == [MANAGER]
    assert world.own.full_name in copy.subject
    (name, content, mimetype) = copy.attachments[0]
    assert (name, mimetype) == ("narvarorapport-2026-03.pdf", "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Chef Chefsson" in text  # who signed, on her line
    assert "digitalt underskrivet" in text
    number = world.own.person.personnummer
    assert number not in text  # masked on the manager's copy
    assert f"{number[:8]}-****" in text


def test_the_manager_can_decline_with_a_comment_and_the_participant_is_told(world, march, client):
    cert, token, code = _sign_and_request(world)
    url = reverse("activities_manager_sign", args=[token])
    # Declining needs a reason; nothing is recorded without one.
    missing = client.post(url, {"name": "Chef Chefsson", "code": code, "decision": "reject"})
    assert "Skriv varför du inte skriver under" in missing.content.decode()
    cert.refresh_from_db()
    assert cert.manager_rejected_at is None
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(
            url,
            {
                "name": "Chef Chefsson",
                "code": code,
                "decision": "reject",
                "comment": "Den 12 mars var hon på semester.",
            },
            follow=True,
        )
    assert "Deltagaren har fått din kommentar" in done.content.decode()
    cert.refresh_from_db()
    assert (cert.manager_signed_at, cert.manager_rejected_name) == (None, "Chef Chefsson")
    (told,) = mail.outbox
    assert told.to == [world.own.email]
    assert "Den 12 mars var hon på semester." in told.body
    # The link is answered: it does not sign afterwards.
    again = client.post(url, {"name": "Chef Chefsson", "code": code, "decision": "sign"})
    assert "Du har svarat att du inte skriver under" in again.content.decode()
    cert.refresh_from_db()
    assert cert.manager_signed_at is None
    # The participant sees why, and may ask again: a new request clears the answer.
    client.force_login(world.participant_user)
    page = client.get(
        reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])
    ).content.decode()
    assert "Chef Chefsson (närmaste chef) skrev inte under" in page
    _cert, _token, _code = _sign_and_request_again(cert)
    cert.refresh_from_db()
    assert cert.manager_rejected_at is None


def _sign_and_request_again(cert):
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.certificate_request_manager(certificate=cert, email=MANAGER)
    cert.refresh_from_db()
    return cert, cert.manager_token, _code(mail.outbox[-1].body)


def test_manager_link_closes_after_too_many_wrong_codes(world, march, client):
    _cert, token, code = _sign_and_request(world)
    url = reverse("activities_manager_sign", args=[token])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.certificates.MANAGER_CODE_MAX_ATTEMPTS):
        assert "Fel kod" in client.post(url, {"name": "X", "code": wrong}).content.decode()
    closed = client.get(url)
    assert closed.status_code == 410
    assert "För många felaktiga försök" in closed.content.decode()
    assert client.post(url, {"name": "X", "code": code}).status_code == 410


def test_unknown_or_replaced_manager_link_gives_a_clear_page(world, march, client):
    _cert, token, _c = _sign_and_request(world)
    # The participant signs again (after a change): the old link is replaced.
    Certificate.objects.update(participant_signed_at=None)
    services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    response = client.get(reverse("activities_manager_sign", args=[token]))
    assert response.status_code == 404
    assert "Länken gäller inte" in response.content.decode()


# --- item 8: the manager is another person than the participant ----------------------------


@pytest.mark.parametrize("which", ["person_email", "login_email", "other_login_address"])
def test_participant_cannot_name_her_own_address_as_manager(world, march, client, which):
    user = world.participant_user
    EmailAddress.objects.create(user=user, email="privat@example.test", verified=True)
    own = {
        "person_email": world.own.email,
        "login_email": user.email.upper(),
        "other_login_address": " privat@example.test ",
    }[which]
    services.certificate_sign_participant(participation=world.own, month=MARCH, user_id=user.pk)
    client.force_login(user)
    response = client.post(
        reverse(
            "activities:certificate_request_manager",
            args=[world.project.pk, world.own.pk, 2026, 3],
        ),
        {"email": own},
        follow=True,
    )
    assert "en annan person än deltagaren" in response.content.decode()
    assert mail.outbox == []
    cert = Certificate.objects.get()
    assert cert.manager_token is None
    assert cert.manager_email == ""


def test_manager_cannot_sign_while_logged_in_as_the_participant(world, march, client):
    cert, token, code = _sign_and_request(world)
    assert mail.outbox[-1].to == [MANAGER]  # the code goes to the manager's address
    client.force_login(world.participant_user)
    url = reverse("activities_manager_sign", args=[token])
    page = client.get(url)
    assert page.status_code == 403
    assert "Du är inloggad som deltagaren" in page.content.decode()
    refused = client.post(url, {"name": "Chef Chefsson", "code": code})
    assert refused.status_code == 403
    cert.refresh_from_db()
    assert cert.manager_signed_at is None
    with pytest.raises(ValidationError, match="inloggad som deltagaren"):
        services.certificate_sign_manager(
            certificate=cert, name="Chef", code=code, user=world.participant_user
        )


def test_manager_logged_in_with_the_participants_address_cannot_sign(world, march):
    """The logged-in path (user's email == the requested address) must not let the
    participant through either, e.g. on a request made before the rule."""
    cert, _token, _c = _sign_and_request(world)
    Certificate.objects.filter(pk=cert.pk).update(manager_email=world.participant_user.email)
    cert.refresh_from_db()
    with pytest.raises(ValidationError, match="inloggad som deltagaren"):
        services.certificate_sign_manager(certificate=cert, name="Jag", user=world.participant_user)
    cert.refresh_from_db()
    assert cert.manager_signed_at is None


def _pdf_manager_line(client, world) -> str:
    client.force_login(world.participant_user)
    text = _text(client.get(_file_url(world, "pdf")))
    return next(line for line in text.splitlines() if line.startswith("Närmaste chefs underskrift"))


def test_pdf_reads_digitally_signed_only_for_a_verified_other_person(world, march, client):
    cert, token, code = _sign_and_request(world)
    client.post(reverse("activities_manager_sign", args=[token]), {"name": "Chef C", "code": code})
    assert "Chef C, digitalt underskrivet" in _pdf_manager_line(client, world)

    # A signature made before the rule by the participant herself (her own address, her login).
    Certificate.objects.filter(pk=cert.pk).update(
        manager_email=world.own.email,
        manager_signed_by=world.participant_user,
        manager_signed_method="login",
    )
    line = _pdf_manager_line(client, world)
    assert "digitalt underskrivet" not in line
    assert "Chef C" not in line
    assert "____" in line  # an empty line to sign on paper


def test_migration_clears_manager_signatures_made_by_the_participant(world, march):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("activities.migrations.0003_self_report_token_void_self_signed")
    own, _t, _c = _sign_and_request(world)
    Certificate.objects.filter(pk=own.pk).update(
        manager_email=world.own.email,
        manager_signed_at=timezone.now(),
        manager_signed_name="Jag själv",
        manager_signed_method="code",
    )
    migration.void_self_signed_manager_signatures(apps, None)
    own.refresh_from_db()
    assert own.manager_signed_at is None
    assert certificate_selectors.certificate_state_now(own) == "participant_signed"
    assert "ogiltig" in own.history.first().history_change_reason


# --- item 14: a font that covers people's names ---------------------------------------------


def test_certificate_pdf_prints_names_outside_latin1(world, march, client):
    person = world.own
    person.first_name, person.last_name = "Łukasz", "Nguyễn"
    person.save()
    world.org.name = "Ærø kommun – Đống Đa"
    world.org.save()
    client.force_login(world.participant_user)
    text = _text(client.get(_file_url(world, "pdf")))
    assert "Łukasz Nguyễn" in text
    assert "Ærø kommun – Đống Đa" in text
    assert "?" not in text


# --- #17 item 6: a double-clicked signature ------------------------------------------------


def test_participant_signature_sent_twice_is_one_signature(world, march, client):
    client.force_login(world.participant_user)
    sign = reverse("activities:sign", args=[world.project.pk, 2026, 3])
    first = client.post(sign, follow=True)
    signed_at = Certificate.objects.get().participant_signed_at
    second = client.post(sign, follow=True)
    assert first.status_code == second.status_code == 200
    assert "Du har redan skrivit under" in second.content.decode()
    assert Certificate.objects.get().participant_signed_at == signed_at


def test_participant_signature_race_on_the_unique_row_gives_the_same_answer(world, march):
    """Both requests find no certificate yet; the second one's insert hits uniq_certificate
    and must end like the first-come check (no IntegrityError)."""
    first = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    real = services.certificates._certificate_for_update
    calls: list[int] = []

    def miss_first(participation, month):
        calls.append(1)
        return None if len(calls) == 1 else real(participation, month)

    with (
        mock.patch.object(services.certificates, "_certificate_for_update", miss_first),
        pytest.raises(ValidationError, match="redan skrivit under") as exc,
    ):
        services.certificate_sign_participant(
            participation=world.own, month=MARCH, user_id=world.participant_user.pk
        )
    assert exc.value.code == "already_signed"
    assert len(calls) == 1  # the check missed; the insert lost to the unique constraint
    assert Certificate.objects.get().participant_signed_at == first.participant_signed_at
