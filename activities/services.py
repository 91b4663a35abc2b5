"""Writes of activities, sessions, enrolments, attendance, self-reported time and certificates.

Every write validates first and saves nothing on error (`@transaction.atomic` plus
`ValidationError` with a Swedish message saying what is wrong and what to do).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digiproj.projects.models import Membership, Project
from participants.models import Participation, Person

from . import selectors
from .models import (
    Activity,
    Attendance,
    CalendarFeed,
    Certificate,
    Enrolment,
    SelfReportedTime,
    Session,
)

MAX_SESSION_HOURS = 24
# Attendance changed this long after a session ended is a late change and needs a reason.
LATE_CHANGE_AFTER = dt.timedelta(days=7)
MANAGER_CODE_MAX_ATTEMPTS = 5
ACTIVITY_FIELDS = ("kind", "title", "description", "digcomp_areas", "target_group")
SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "enrolment_deadline",
    "teacher",
)


def _local(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y H:i")


# --- activities -------------------------------------------------------------------------


def _check_teachers(project: Project, teachers: Iterable[Any]) -> None:
    allowed = set(
        Membership.objects.filter(
            project=project, role__in=[Membership.Role.TEACHER, Membership.Role.COORDINATOR]
        ).values_list("user_id", flat=True)
    )
    for teacher in teachers:
        if teacher is not None and teacher.pk not in allowed:
            raise ValidationError(
                {
                    "teachers": _(
                        "%(name)s är inte utbildare eller samordnare i projektet. "
                        "Lägg till rollen först."
                    )
                    % {"name": teacher.get_full_name() or teacher.email}
                }
            )


def _clean_areas(areas: Iterable[Any]) -> list[int]:
    cleaned = sorted({int(a) for a in areas})
    if any(a < 1 or a > 5 for a in cleaned):
        raise ValidationError({"digcomp_areas": _("DigComp-områden är numrerade 1–5.")})
    return cleaned


@transaction.atomic
def activity_create(
    *,
    project: Project,
    kind: str,
    title: str,
    description: str = "",
    digcomp_areas: Iterable[Any] = (),
    target_group: str = "",
    teachers: Iterable[Any] = (),
) -> Activity:
    teachers = list(teachers)
    _check_teachers(project, teachers)
    activity = Activity(
        project=project,
        kind=kind,
        title=title.strip(),
        description=description,
        digcomp_areas=_clean_areas(digcomp_areas),
        target_group=target_group.strip(),
    )
    activity.full_clean()
    activity.save()
    activity.teachers.set(teachers)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, teachers: Iterable[Any] | None = None, **fields: Any
) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    for name, value in fields.items():
        if name not in ACTIVITY_FIELDS:
            raise TypeError(name)
        setattr(activity, name, value)
    activity.digcomp_areas = _clean_areas(activity.digcomp_areas)
    if activity.kind == Activity.Kind.RECORDED and activity.sessions.exists():
        raise ValidationError(
            {
                "kind": _(
                    "Aktiviteten har tillfällen och kan inte bli inspelat material. "
                    "Ta bort tillfällena först eller välj en annan typ."
                )
            }
        )
    activity.full_clean()
    activity.save()
    if teachers is not None:
        teachers = list(teachers)
        _check_teachers(activity.project, teachers)
        activity.teachers.set(teachers)
    return activity


# --- sessions ---------------------------------------------------------------------------


def _validate_session(session: Session) -> None:
    errors: dict[str, str] = {}
    if session.activity.kind == Activity.Kind.RECORDED:
        raise ValidationError(
            _("Inspelat material har inga tillfällen: deltagarna rapporterar sin tid själva.")
        )
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            errors["ends_at"] = _(
                "Sluttiden (%(end)s) måste vara efter starttiden (%(start)s). Rätta sluttiden."
            ) % {"end": _local(session.ends_at), "start": _local(session.starts_at)}
        elif session.ends_at - session.starts_at > dt.timedelta(hours=MAX_SESSION_HOURS):
            errors["ends_at"] = _(
                "Ett tillfälle kan vara högst %(hours)s timmar. Dela upp det i flera tillfällen."
            ) % {"hours": MAX_SESSION_HOURS}
    if session.capacity is not None and session.capacity < 1:
        errors["capacity"] = _("Antal platser måste vara minst 1, eller tomt för obegränsat.")
    if (
        session.enrolment_deadline
        and session.starts_at
        and session.enrolment_deadline > session.starts_at
    ):
        errors["enrolment_deadline"] = _(
            "Sista anmälningsdag kan inte ligga efter att tillfället börjar."
        )
    if not session.place and not session.online_url:
        errors["place"] = _("Ange en plats eller en länk till mötet.")
    if errors:
        raise ValidationError(errors)
    if session.teacher_id:
        _check_teachers(session.activity.project, [session.teacher])


@transaction.atomic
def session_create(*, activity: Activity, **fields: Any) -> Session:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(unknown)
    session = Session(activity=activity, **fields)
    _validate_session(session)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, session: Session, confirm_moved: bool = False, **fields: Any) -> Session:
    """Change a session. Moving it once attendance is taken needs `confirm_moved` and may
    never make it shorter than minutes already registered."""
    session = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
    old_start, old_end = session.starts_at, session.ends_at
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(name)
        setattr(session, name, value)
    _validate_session(session)
    moved = (session.starts_at, session.ends_at) != (old_start, old_end)
    if moved:
        taken = session.attendances.aggregate(n=Count("pk"), longest=Max("minutes"))
        if taken["n"]:
            if not confirm_moved:
                raise ValidationError(
                    _(
                        "Närvaro är redan registrerad för %(n)s deltagare på tillfället. "
                        "Bekräfta att du vill flytta det, eller låt tiden vara."
                    )
                    % {"n": taken["n"]},
                    code="moved_after_attendance",
                )
            if (taken["longest"] or 0) > session.duration_minutes:
                raise ValidationError(
                    {
                        "ends_at": _(
                            "Tillfället blir %(new)s minuter långt, men någon har redan "
                            "%(max)s minuters närvaro. Ändra närvaron först."
                        )
                        % {"new": session.duration_minutes, "max": taken["longest"]}
                    }
                )
    session.full_clean()
    session.save()
    return session


# --- enrolment --------------------------------------------------------------------------


@dataclass
class EnrolmentResult:
    enrolment: Enrolment
    created: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.enrolment.status == Enrolment.Status.WAITING


def _deadline(session: Session) -> dt.datetime:
    return session.enrolment_deadline or session.starts_at


def _overlap_warnings(session: Session, participation: Participation) -> list[str]:
    others = (
        Enrolment.objects.filter(
            participation__person_id=participation.person_id,
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITING],
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session__activity")
    )
    return [
        _(
            "Observera: %(name)s är redan anmäld till %(title)s %(when)s, som överlappar "
            "det här tillfället."
        )
        % {
            "name": participation.person.full_name,
            "title": other.session.activity.title,
            "when": _local(other.session.starts_at),
        }
        for other in others
    ]


@transaction.atomic
def enrolment_create(
    *,
    session: Session,
    participation: Participation,
    by_user_id: int | None,
    now: dt.datetime | None = None,
) -> EnrolmentResult:
    """Enrol one person. The session row is locked while seats are counted, so under any
    concurrency the last seat goes to exactly one person; the rest go on the waiting list."""
    now = now or timezone.now()
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=session.pk)
    )
    if participation.project_id != session.activity.project_id:
        raise ValidationError(_("Personen deltar inte i det här projektet."))
    if now > _deadline(session):
        raise ValidationError(
            _(
                "Sista anmälningsdag för tillfället var %(deadline)s. Anmälan är stängd; "
                "välj ett annat tillfälle eller kontakta samordnaren."
            )
            % {"deadline": _local(_deadline(session))},
            code="after_deadline",
        )
    existing = (
        Enrolment.objects.filter(session=session, participation=participation)
        .exclude(status=Enrolment.Status.CANCELLED)
        .first()
    )
    if existing:
        return EnrolmentResult(existing, created=False)
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    enrolment = Enrolment(session=session, participation=participation, enrolled_by_id=by_user_id)
    if session.capacity is None or enrolled < session.capacity:
        enrolment.status = Enrolment.Status.ENROLLED
    else:
        last = session.enrolments.aggregate(m=Max("waiting_position"))["m"] or 0
        enrolment.status = Enrolment.Status.WAITING
        enrolment.waiting_position = last + 1
    enrolment.full_clean()
    enrolment.save()
    return EnrolmentResult(
        enrolment, created=True, warnings=_overlap_warnings(session, participation)
    )


@dataclass
class GroupResult:
    enrolled: int = 0
    waiting: int = 0
    already: int = 0
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def enrolment_create_for_group(
    *, session: Session, participations: QuerySet[Participation], by_user_id: int | None
) -> GroupResult:
    """Enrol everyone in `participations` (already scoped by the caller); all or nothing."""
    result = GroupResult()
    for participation in participations.select_related("person").order_by(
        "person__last_name", "pk"
    ):
        one = enrolment_create(session=session, participation=participation, by_user_id=by_user_id)
        if not one.created:
            result.already += 1
        elif one.waiting:
            result.waiting += 1
        else:
            result.enrolled += 1
        result.warnings.extend(one.warnings)
    return result


@transaction.atomic
def enrolment_cancel(
    *,
    enrolment: Enrolment,
    by_user_id: int | None,
    override_deadline: bool = False,
    now: dt.datetime | None = None,
) -> Enrolment | None:
    """Cancel an enrolment; returns the enrolment promoted from the waiting list, if any.

    Before the deadline the first on the waiting list takes the freed seat and gets exactly
    one mail (the task is idempotent through `promotion_notified_at`)."""
    now = now or timezone.now()
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.CANCELLED:
        return None
    before_deadline = now <= _deadline(session)
    if not before_deadline and not override_deadline:
        raise ValidationError(
            _("Sista dag att avboka var %(deadline)s. Kontakta samordnaren om du inte kan komma.")
            % {"deadline": _local(_deadline(session))},
            code="after_deadline",
        )
    was_enrolled = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.waiting_position = None
    enrolment.cancelled_at = now
    enrolment.full_clean()
    enrolment.save()
    if not (was_enrolled and before_deadline):
        return None
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    if session.capacity is not None and enrolled >= session.capacity:
        return None
    first = (
        session.enrolments.select_for_update()
        .filter(status=Enrolment.Status.WAITING)
        .order_by("waiting_position", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Enrolment.Status.ENROLLED
    first.waiting_position = None
    first.promoted_at = now
    first.full_clean()
    first.save()
    from . import tasks

    tasks.enrolment_promotion_notify_task.delay_on_commit(first.pk)
    return first


def enrolment_promotion_notify(*, enrolment_id: int) -> bool:
    """Mail the person moved up from the waiting list, once. Returns whether a mail was sent."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("session__activity", "participation__person")
            .filter(pk=enrolment_id)
            .first()
        )
        if (
            enrolment is None
            or enrolment.promotion_notified_at is not None
            or enrolment.status != Enrolment.Status.ENROLLED
        ):
            return False
        person = enrolment.participation.person
        if person.email:
            with translation.override("sv"):
                send_mail(
                    _("Du har fått en plats: %(title)s")
                    % {"title": enrolment.session.activity.title},
                    _(
                        "Hej %(name)s!\n\nEn plats har blivit ledig och du är nu anmäld till "
                        "%(title)s %(when)s.\n\nKan du inte komma? Avboka under Mina aktiviteter."
                    )
                    % {
                        "name": person.first_name,
                        "title": enrolment.session.activity.title,
                        "when": _local(enrolment.session.starts_at),
                    },
                    None,
                    [person.email],
                )
        enrolment.promotion_notified_at = timezone.now()
        enrolment.save(update_fields=["promotion_notified_at", "updated_at"])
    return True


def enrolment_reminders_send(
    *, now: dt.datetime | None = None, ahead: dt.timedelta | None = None
) -> int:
    """Remind everyone enrolled in a session starting within `ahead` (default 24 h). Each
    enrolment is claimed with a conditional update first, so a rerun never mails twice."""
    now = now or timezone.now()
    ahead = ahead or dt.timedelta(hours=24)
    due = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED,
        reminder_sent_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + ahead,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if not Enrolment.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue  # another worker got there first
            enrolment = Enrolment.objects.select_related(
                "session__activity", "participation__person"
            ).get(pk=pk)
            person = enrolment.participation.person
            if not person.email:
                continue
            session = enrolment.session
            with translation.override("sv"):
                send_mail(
                    _("Påminnelse: %(title)s") % {"title": session.activity.title},
                    _("Hej %(name)s!\n\nVälkommen till %(title)s %(when)s, %(where)s.")
                    % {
                        "name": person.first_name,
                        "title": session.activity.title,
                        "when": _local(session.starts_at),
                        "where": session.place or session.online_url,
                    },
                    None,
                    [person.email],
                )
            sent += 1
    return sent


# --- attendance -------------------------------------------------------------------------


@dataclass
class AttendanceMark:
    participation_id: int
    present: bool
    minutes: int | None = None


def _signed_certificate_exists(participation_ids: Iterable[int], session: Session) -> bool:
    month = selectors.month_start(timezone.localtime(session.starts_at).date())
    return Certificate.objects.filter(
        participation_id__in=list(participation_ids),
        month=month,
        participant_signed_at__isnull=False,
    ).exists()


@transaction.atomic
def attendance_save(
    *,
    session: Session,
    marks: list[AttendanceMark],
    by_user_id: int | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Save a session's attendance list, all rows or none. Returns how many rows changed."""
    now = now or timezone.now()
    session = Session.objects.select_for_update().get(pk=session.pk)
    length = session.duration_minutes
    enrolled = dict(
        session.enrolments.filter(status=Enrolment.Status.ENROLLED).values_list(
            "participation_id", "participation__person__first_name"
        )
    )
    existing = {a.participation_id: a for a in session.attendances.all()}
    errors: list[str] = []
    to_save: list[Attendance] = []
    for row, mark in enumerate(marks, start=1):
        if mark.participation_id not in enrolled:
            errors.append(
                _(
                    "Rad %(row)s: personen är inte anmäld till tillfället. Anmäl personen "
                    "först, sedan kan närvaron registreras."
                )
                % {"row": row}
            )
            continue
        minutes = (length if mark.minutes is None else mark.minutes) if mark.present else 0
        if minutes < 0 or minutes > length:
            errors.append(
                _("Rad %(row)s: minuter måste vara mellan 0 och %(max)s (tillfällets längd).")
                % {"row": row, "max": length}
            )
            continue
        attendance = existing.get(mark.participation_id)
        if attendance and (attendance.present, attendance.minutes) == (mark.present, minutes):
            continue
        if attendance is None:
            attendance = Attendance(session=session, participation_id=mark.participation_id)
        attendance.present = mark.present
        attendance.minutes = minutes
        attendance.marked_by_id = by_user_id
        attendance.marked_at = now
        to_save.append(attendance)
    if errors:
        raise ValidationError(errors)
    if not to_save:
        return 0
    late = now > session.ends_at + LATE_CHANGE_AFTER or _signed_certificate_exists(
        [a.participation_id for a in to_save], session
    )
    reason = reason.strip()
    if late and not reason:
        raise ValidationError(
            _(
                "Det här är en sen ändring (mer än %(days)s dagar efter tillfället, eller en "
                "närvarorapport är redan underskriven). Skriv ett skäl till ändringen."
            )
            % {"days": LATE_CHANGE_AFTER.days},
            code="reason_required",
        )
    for attendance in to_save:
        attendance.change_reason = reason if late else ""
        attendance._change_reason = reason  # recorded in the history row
        attendance.full_clean()
        attendance.save()
    return len(to_save)


# --- self-reported time -----------------------------------------------------------------


@transaction.atomic
def self_report_create(
    *,
    activity: Activity,
    participation: Participation,
    date: dt.date,
    minutes: int,
    comment: str = "",
    by_user_id: int | None,
) -> SelfReportedTime:
    if participation.project_id != activity.project_id:
        raise ValidationError(_("Personen deltar inte i aktivitetens projekt."))
    errors: dict[str, str] = {}
    if activity.kind != Activity.Kind.RECORDED:
        # Time at sessions comes from the attendance list; reporting it too would count twice.
        errors["activity"] = _(
            "Egen tid rapporteras bara för inspelat material. Tid på tillfällen registreras "
            "i närvarolistan."
        )
    if date > timezone.localdate():
        errors["date"] = _("Datumet ligger i framtiden. Rapportera tid du redan har lagt.")
    elif date < participation.start_date:
        errors["date"] = _("Datumet ligger före ditt deltagande i projektet började.")
    if minutes < 1 or minutes > 24 * 60:
        errors["minutes"] = _("Minuter måste vara mellan 1 och 1440 (ett dygn).")
    if errors:
        raise ValidationError(errors)
    report = SelfReportedTime(
        activity=activity,
        participation=participation,
        date=date,
        minutes=minutes,
        comment=comment.strip(),
        reported_by_id=by_user_id,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def self_report_decide(
    *, report: SelfReportedTime, approve: bool, by_user_id: int
) -> SelfReportedTime:
    report = SelfReportedTime.objects.select_for_update().get(pk=report.pk)
    status = SelfReportedTime.Status.APPROVED if approve else SelfReportedTime.Status.REJECTED
    if report.status == status:
        return report  # a repeated click changes nothing
    report.status = status
    report.decided_by_id = by_user_id
    report.decided_at = timezone.now()
    report.full_clean()
    report.save()
    return report


# --- certificates -----------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def certificate_sign_participant(
    *, participation: Participation, month: dt.date, user_id: int
) -> Certificate:
    """The participant signs the month. Signing again after a change replaces the old hash
    and clears the manager's (now void) signature."""
    month = selectors.month_start(month)
    data = selectors.certificate_data(participation=participation, month=month)
    if not data["rows"]:
        raise ValidationError(_("Det finns inga timmar att intyga för månaden."))
    digest = selectors.certificate_hash(data)
    certificate, _created = Certificate.objects.select_for_update().get_or_create(
        participation=participation, month=month
    )
    if certificate.participant_signed_at and certificate.content_hash == digest:
        return certificate
    certificate.content_hash = digest
    certificate.participant_signed_at = timezone.now()
    certificate.participant_signed_by_id = user_id
    certificate.manager_signed_at = None
    certificate.manager_signed_by = None
    certificate.manager_signed_name = ""
    certificate.manager_signed_method = ""
    certificate.manager_token = None
    certificate.manager_code_hash = ""
    certificate.manager_code_attempts = 0
    certificate.save()
    return certificate


@transaction.atomic
def certificate_request_manager(
    *, certificate: Certificate, email: str, base_url: str
) -> Certificate:
    """Send the nearest manager a link and a one-time code to sign with."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    state = selectors.certificate_state(certificate)
    if state != selectors.CertificateState.PARTICIPANT_SIGNED:
        raise ValidationError(
            _("Deltagaren måste skriva under den aktuella rapporten innan chefen kan göra det.")
        )
    certificate.manager_email = email.strip().lower()
    certificate.full_clean()
    code = f"{secrets.randbelow(10**6):06d}"
    certificate.manager_token = secrets.token_urlsafe(32)
    certificate.manager_code_hash = _code_hash(code)
    certificate.manager_code_attempts = 0
    certificate.manager_code_sent_at = timezone.now()
    certificate.save()
    person = certificate.participation.person
    url = base_url + reverse("activities_manager_sign", args=[certificate.manager_token])
    with translation.override("sv"):
        subject = _("Närvarorapport att skriva under")
        body = _(
            "Hej!\n\n%(name)s har skrivit under sin närvarorapport för %(month)s i projektet "
            "%(project)s och anger dig som närmaste chef.\n\nÖppna länken och skriv in "
            "engångskoden för att granska och skriva under:\n%(url)s\n\nEngångskod: %(code)s\n"
        ) % {
            "name": person.full_name,
            "month": date_format(certificate.month, "F Y"),
            "project": certificate.participation.project.name,
            "url": url,
            "code": code,
        }
    transaction.on_commit(lambda: send_mail(subject, body, None, [certificate.manager_email]))
    return certificate


def certificate_sign_manager(
    *,
    certificate: Certificate,
    name: str,
    code: str = "",
    user: Any = None,
) -> Certificate:
    """The manager signs, logged in with the address the request went to, or with the code.

    A wrong code is counted in its own committed transaction (then the error is raised), so
    the attempt limit holds."""
    wrong_code = False
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        state = selectors.certificate_state(certificate)
        if state == selectors.CertificateState.VOID:
            raise ValidationError(
                _(
                    "Uppgifterna i rapporten har ändrats efter att deltagaren skrev under. "
                    "Deltagaren måste skriva under igen först."
                )
            )
        if state == selectors.CertificateState.SIGNED:
            return certificate
        if state != selectors.CertificateState.PARTICIPANT_SIGNED:
            raise ValidationError(_("Deltagaren har inte skrivit under rapporten än."))
        logged_in = bool(
            user is not None
            and user.is_authenticated
            and certificate.manager_email
            and user.email.lower() == certificate.manager_email.lower()
        )
        if not logged_in:
            if not certificate.manager_code_hash:
                raise ValidationError(_("Koden är redan använd eller har inte skickats."))
            if certificate.manager_code_attempts >= MANAGER_CODE_MAX_ATTEMPTS:
                raise ValidationError(
                    _(
                        "För många felaktiga försök. Be deltagaren eller samordnaren skicka "
                        "en ny kod."
                    )
                )
            if not hmac.compare_digest(certificate.manager_code_hash, _code_hash(code.strip())):
                certificate.manager_code_attempts += 1
                certificate.save(update_fields=["manager_code_attempts"])
                wrong_code = True
        if not wrong_code:
            if not name.strip():
                raise ValidationError({"name": _("Skriv ditt namn.")})
            certificate.manager_signed_at = timezone.now()
            certificate.manager_signed_by = user if logged_in else None
            certificate.manager_signed_name = name.strip()
            certificate.manager_signed_method = "login" if logged_in else "code"
            certificate.manager_code_hash = ""  # one-time
            certificate.save()
    if wrong_code:
        raise ValidationError({"code": _("Fel kod. Kontrollera koden i e-postmeddelandet.")})
    return certificate


# --- calendar feed ----------------------------------------------------------------------


def calendar_feed_get_or_create(*, person: Person) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        person=person, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def participants_in_group(
    *,
    participations: QuerySet[Participation],
    organisation_id: int | None = None,
    role_group: str = "",
    person_ids: QuerySet[Any] | None = None,
) -> QuerySet[Participation]:
    """Narrow a (scoped) participation queryset to a group for group enrolment.

    `person_ids` is the hook for the surveys app: pass e.g.
    `surveys.selectors.person_ids_below_level(project, area=4, level=3)`, a queryset of
    Person ids, and only those people are enrolled."""
    qs = participations.filter(end_date__isnull=True)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if role_group:
        qs = qs.filter(role_group=role_group)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    return qs
