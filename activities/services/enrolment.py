"""Enrolment: capacity under a row lock, the waiting list, promotion and reminder mails."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    CalendarFeed,
    Enrolment,
    Session,
)
from digiproj.integrity import is_unique_violation
from digiproj.mail import services as mail
from participants.models import Participation

from ..selectors.sessions import seats_left
from ._common import local_text as _local

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
            "name": participation.full_name,
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
    present_at_session: bool = False,
) -> EnrolmentResult:
    """Enrol one person. The session row is locked while seats are counted, so under any
    concurrency the last seat goes to exactly one person; the rest go on the waiting list.

    `present_at_session`: the person was at the session (an attendance import found her in
    the meeting's report) and is enrolled afterwards so that her attendance can be saved.
    The deadline and the seats are for planning who comes; they do not apply to someone who
    came, so she is enrolled (moved up, if she was waiting) whatever they say."""
    now = now or timezone.now()
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=session.pk)
    )
    if participation.project_id != session.activity.project_id:
        raise ValidationError(_("Personen deltar inte i det här projektet."))
    if now > _deadline(session) and not present_at_session:
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
    if existing and present_at_session and existing.status == Enrolment.Status.WAITING:
        existing.status, existing.waiting_position = Enrolment.Status.ENROLLED, None
        existing.promoted_at = now
        existing.full_clean()
        existing.save()
        return EnrolmentResult(existing, created=False)
    if existing:
        return EnrolmentResult(existing, created=False)
    enrolment = Enrolment(session=session, participation=participation, enrolled_by_id=by_user_id)
    # Someone who was at the session is enrolled whatever the seats (imported attendance).
    if present_at_session or seats_left(session) != 0:
        enrolment.status = Enrolment.Status.ENROLLED
    else:
        last = session.enrolments.aggregate(m=Max("waiting_position"))["m"] or 0
        enrolment.status = Enrolment.Status.WAITING
        enrolment.waiting_position = last + 1
    enrolment.full_clean()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        # Lost a race to the same enrolment (the session lock makes it rare): the answer
        # the first-come check above gives, "already enrolled", instead of a 500.
        if not is_unique_violation(error, Enrolment, "uniq_live_enrolment"):
            raise
        existing = (
            Enrolment.objects.filter(session=session, participation=participation)
            .exclude(status=Enrolment.Status.CANCELLED)
            .get()
        )
        return EnrolmentResult(existing, created=False)
    mail.request(
        "enrolment_confirmation",
        once_per=enrolment.pk,
        enrolment_id=enrolment.pk,
    )
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
    for participation in participations.select_related("person").order_by("last_name", "pk"):
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
    mail.request(
        "enrolment_cancelled",
        once_per=enrolment.pk,
        enrolment_id=enrolment.pk,
        by_staff=by_user_id is None or by_user_id != enrolment.participation.user_id,
    )
    if not (was_enrolled and before_deadline):
        return None
    if seats_left(session) == 0:
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
    mail.request("enrolment_promoted", once_per=first.pk, enrolment_id=first.pk)
    return first


def enrolment_promotion_notify(*, enrolment_id: int) -> bool:
    """Mail the person moved up from the waiting list, once. Returns whether a mail was sent."""
    return bool(mail.send("enrolment_promoted", enrolment_id, {"enrolment_id": enrolment_id}))


def enrolment_reminders_send(
    *, now: dt.datetime | None = None, ahead: dt.timedelta | None = None
) -> int:
    """Remind everyone enrolled in a session starting within `ahead` (default 24 h), once
    per enrolment (digiproj.mail's send_once: a rerun, or two beat runs at once, mail no
    one twice). Returns how many were mailed."""
    now = now or timezone.now()
    ahead = ahead or dt.timedelta(hours=24)
    due = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED,
        reminder_sent_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + ahead,
    ).values_list("pk", flat=True)
    return sum(mail.send("enrolment_reminder", pk, {"enrolment_id": pk}) for pk in list(due))


# --- calendar feed ----------------------------------------------------------------------


def calendar_feed_get_or_create(*, user_id: int) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user_id=user_id, defaults={"token": secrets.token_urlsafe(32)}
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
