"""Every mail the platform sends, rendered in Swedish and in English: the project's name and
the sending organisation in each, links on the configured base URL, an HTML part in the
recipient's language, and the session's calendar file as Outlook reads it."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.db import transaction
from django.utils import timezone

from activities.models import Certificate, Enrolment
from digiproj.mail import services as mail
from participants.models import CorrectionRequest, Invitation
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    RoundFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "https://digiproj.example.se"
MEETING = "https://teams.example.com/l/meetup-join/19%3ameeting"


@pytest.fixture
def scene(settings):
    settings.DIGIPROJ_BASE_URL = BASE
    project = ProjectFactory(
        name="DigiWestum", owner=OrganisationFactory(name="Västra Götalandsregionen")
    )
    person = ParticipationFactory(project=project, first_name="Vera", email="vera@example.test")
    # An online session: the meeting link is all the place there is.
    session = SessionFactory(
        activity__project=project,
        activity__title="Teams för nybörjare",
        place="",
        online_url=MEETING,
        starts_at=dt.datetime(2024, 3, 12, 9, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2024, 3, 12, 11, 0, tzinfo=dt.UTC),
    )
    AttendanceFactory(session=session, participation=person)
    now = timezone.now()
    certificate = Certificate.objects.create(
        participation=person,
        month=dt.date(2024, 3, 1),
        content_hash="a" * 64,
        participant_signed_at=now,
        manager_email="chef@example.test",
        manager_token="t" * 43,
        manager_code_sent_at=now,
        manager_signed_at=now,
        manager_signed_name="Christina Chef",
        manager_rejected_name="Christina Chef",
        manager_rejection_comment="Den 12 mars var hon sjuk.",
    )
    return project, person, session, certificate


def _built(kind: str, **params) -> list:
    with transaction.atomic():  # the builders lock their rows, as in the worker
        return list(mail._BUILDERS[kind](**params))


def _all_mails(scene, language: str = "sv") -> dict[str, list]:
    """Each kind of mail, built the way the worker or the service builds it."""
    project, person, session, certificate = scene
    enrolled = EnrolmentFactory(session=session, participation=person)
    waiting = EnrolmentFactory(
        session=SessionFactory(activity=session.activity),
        status=Enrolment.Status.WAITING,
        waiting_position=1,
        participation=person,
    )
    cancelled = EnrolmentFactory(
        session=SessionFactory(activity=session.activity),
        status=Enrolment.Status.CANCELLED,
        participation=person,
    )
    coordinator = MembershipFactory(
        project=project, user__email="samordnare@example.test", user__language=language
    )
    newcomer = MembershipFactory(
        project=project,
        role="teacher",
        user__email="ny@example.test",
        user__password=None,
        user__language=language,
    )
    correction = CorrectionRequest.objects.create(participation=person, message="Fel efternamn")
    invitation = Invitation(
        project=project,
        organisation=person.organisation,
        email=person.email,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    round_ = RoundFactory(survey=SurveyFactory(project=project, title="DigComp-enkäten"))
    survey_context = {"name": "Vera", "round": round_, "url": f"{BASE}/enkat/x/"}
    compose = mail.compose
    # The manager is asked before she signs: her link and code first, then the rest.
    signed_at = certificate.manager_signed_at
    Certificate.objects.filter(pk=certificate.pk).update(manager_signed_at=None)
    manager_sign = _built("manager_sign", certificate_id=certificate.pk)
    Certificate.objects.filter(pk=certificate.pk).update(manager_signed_at=signed_at)
    return {
        "manager_sign": manager_sign,
        "enrolment_confirmed": _built("enrolment_confirmation", enrolment_id=enrolled.pk),
        "enrolment_waiting": _built("enrolment_confirmation", enrolment_id=waiting.pk),
        "enrolment_promoted": _built("enrolment_promoted", enrolment_id=enrolled.pk),
        "enrolment_cancelled": _built(
            "enrolment_cancelled", enrolment_id=cancelled.pk, by_staff=True
        ),
        "enrolment_reminder": _built("enrolment_reminder", enrolment_id=enrolled.pk),
        "certificate_to_sign": _built("certificate_to_sign", certificate_id=certificate.pk),
        "certificate_changed": _built(
            "certificate_changed", certificate_id=certificate.pk, reason="Närvaron rättad"
        ),
        "certificate_rejected": _built("certificate_rejected", certificate_id=certificate.pk),
        "certificate_signed_copy": _built("certificate_signed_copy", certificate_id=certificate.pk),
        "staff_welcome": _built("staff_welcome", membership_id=newcomer.pk),
        "staff_new_role": _built("staff_welcome", membership_id=coordinator.pk),
        "correction_request": _built("correction_request", correction_id=correction.pk),
        "invitation": [
            compose(
                "invitation",
                to=person.email,
                project=project,
                context={"invitation": invitation, "url": f"{BASE}/inbjudan/x/"},
            )
        ],
        "registration_confirm": [
            compose(
                "registration_confirm",
                to="ny.deltagare@example.test",
                project=project,
                language=None,
                context={"url": f"{BASE}/registrera/x/", "expires_at": timezone.now()},
            )
        ],
        "survey_invitation": [
            compose("survey_invitation", to=person.email, project=project, context=survey_context)
        ],
        "survey_reminder": [
            compose(
                "survey_invitation",
                to=person.email,
                project=project,
                context={**survey_context, "reminder": True},
            )
        ],
    }


def _speak(language: str, *emails: str) -> None:
    for email in emails:
        UserFactory(email=email, language=language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_mail_names_the_project_and_links_to_the_platform(scene, language):
    _speak(language, "vera@example.test", "chef@example.test", "ny.deltagare@example.test")
    built = _all_mails(scene, language)
    # Every registered kind is among them (a new mail cannot be added untested).
    assert set(mail._BUILDERS) <= {
        "enrolment_confirmation",
        *built,
        "manager_sign",
        "certificate_signed_copy",
    }
    greeting = {"sv": "Hej", "en": "Hello"}[language]
    for kind, messages in built.items():
        assert messages, kind
        for message in messages:
            text = message.body
            html, mimetype = message.alternatives[0]
            assert mimetype == "text/html"
            assert f'lang="{language}"' in html, kind
            for name in ("DigiWestum", "Västra Götalandsregionen"):  # project, sender
                assert name in text, kind
                assert name in html, kind
            assert text.startswith(greeting), (kind, text[:40])
            links = [u.rstrip(".,)") for u in re.findall(r"https?://\S+", text)]
            assert links, kind
            assert all(u.startswith(BASE) or u == MEETING for u in links), (kind, links)
            assert f'href="{BASE}' in html, kind
            assert "localhost" not in text, kind
            assert message.extra_headers["Content-Language"] == language
            if language == "en":  # translated throughout, not only the subject
                swedish = [w for w in (" och ", " är ", "Hej", " mejl", " projektet ") if w in text]
                assert swedish == [], (kind, swedish)


def test_the_reminder_says_it_is_a_reminder(scene):
    built = _all_mails(scene)
    (reminder,) = built["survey_reminder"]
    (first,) = built["survey_invitation"]
    assert reminder.subject.startswith("Påminnelse")
    assert "påminnelse" in reminder.body
    assert "påminnelse" not in first.body.lower()
    (session_reminder,) = built["enrolment_reminder"]
    assert session_reminder.subject.startswith("Påminnelse")


def test_the_enrolment_confirmation_carries_the_session_for_outlook(scene):
    (confirmation,) = _all_mails(scene)["enrolment_confirmed"]
    ((filename, content, mimetype),) = confirmation.attachments
    assert (filename, mimetype) == ("tillfalle.ics", "text/calendar")
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["LOCATION"]) == MEETING
    assert MEETING in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Teams för nybörjare"
    assert event["DTSTART"].dt == dt.datetime(2024, 3, 12, 9, 0, tzinfo=dt.UTC)
    assert str(event["UID"]).endswith("@digiproj.example.se")
    # The waiting list gets no calendar file: she has no seat yet.
    (waiting,) = _all_mails_again_waiting(scene)
    assert waiting.attachments == []


def _all_mails_again_waiting(scene):
    project, _person, session, _certificate = scene
    waiting = EnrolmentFactory(
        session=SessionFactory(activity=session.activity),
        status=Enrolment.Status.WAITING,
        waiting_position=1,
        participation=ParticipationFactory(project=project),
    )
    return _built("enrolment_confirmation", enrolment_id=waiting.pk)


def test_the_manager_gets_link_and_code_apart_and_only_the_hash_is_kept(scene):
    *_, certificate = scene
    certificate.manager_signed_at = None
    certificate.save()
    link, code = _built("manager_sign", certificate_id=certificate.pk)
    digits = re.search(r"\b(\d{6})\b", code.body).group(1)
    assert digits not in link.body
    assert "/intyg/signera/" in link.body
    assert "/intyg/signera/" not in code.body
    certificate.refresh_from_db()
    assert certificate.manager_code_hash
    assert digits not in certificate.manager_code_hash


def test_a_mail_is_sent_once_per_event(scene, mailoutbox):
    _project, person, session, _certificate = scene
    enrolment = EnrolmentFactory(session=session, participation=person)
    params = {"enrolment_id": enrolment.pk}
    assert mail.send("enrolment_confirmation", enrolment.pk, params) == 1
    assert mail.send("enrolment_confirmation", enrolment.pk, params) == 0
    assert len(mailoutbox) == 1


def test_a_failed_send_is_not_marked_sent(scene, monkeypatch, mailoutbox):
    from smtplib import SMTPServerDisconnected

    from django.core.mail import EmailMultiAlternatives

    from digiproj.mail.models import SentMail

    _project, person, session, _certificate = scene
    enrolment = EnrolmentFactory(session=session, participation=person)

    def fail(self, fail_silently=False):
        raise SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    with pytest.raises(SMTPServerDisconnected):
        mail.send("enrolment_confirmation", enrolment.pk, {"enrolment_id": enrolment.pk})
    assert not SentMail.objects.filter(sent_at__isnull=False).exists()
    enrolment.refresh_from_db()
    assert enrolment.confirmation_sent_at is None  # rolled back with the claim
    monkeypatch.undo()
    assert mail.send("enrolment_confirmation", enrolment.pk, {"enrolment_id": enrolment.pk}) == 1
