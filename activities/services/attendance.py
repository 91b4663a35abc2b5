"""Attendance lists (late changes need a reason and keep history) and self-reported time."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import monthly
from activities.hours import outside_participation_message, within_participation
from activities.models import (
    Activity,
    Attendance,
    Certificate,
    Enrolment,
    SelfReportedTime,
    Session,
)
from digiproj.dates import local_date, month_start
from digiproj.integrity import unique_or_message
from digiproj.mail import services as mail
from participants.models import Participation

from ._common import local_text

# Attendance changed this long after a session ended is a late change and needs a reason.
LATE_CHANGE_AFTER = dt.timedelta(days=7)


# --- attendance -------------------------------------------------------------------------


@dataclass
class AttendanceMark:
    participation_id: int
    present: bool
    minutes: int | None = None


def signed_certificate_ids(participation_ids: Iterable[int], session: Session) -> set[int]:
    """Those of the participations whose certificate for the session's month is signed."""
    month = month_start(local_date(session.starts_at))
    return set(
        Certificate.objects.filter(
            participation_id__in=list(participation_ids),
            month=month,
            participant_signed_at__isnull=False,
        ).values_list("participation_id", flat=True)
    )


def attendance_change_is_late(
    *, session: Session, now: dt.datetime, changed_ids: Iterable[int], signed_ids: set[int]
) -> bool:
    """The rule for a late change, which needs a reason: more than LATE_CHANGE_AFTER after
    the session, or a change for someone whose certificate of that month is signed
    (`signed_ids`, from signed_certificate_ids). The attendance list and the import from
    a meeting report both ask it, so both ask for the reason in the same cases."""
    return now > session.ends_at + LATE_CHANGE_AFTER or not signed_ids.isdisjoint(changed_ids)


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
    if session.starts_at > now:
        raise ValidationError(
            _("Tillfället har inte börjat än (%(start)s). Närvaron registreras när det har börjat.")
            % {"start": local_text(session.starts_at)},
            code="not_started",
        )
    length = session.duration_minutes
    enrolled = {
        e.participation_id: e.participation
        for e in session.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
            "participation__person"
        )
    }
    day = local_date(session.starts_at)
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
        participation = enrolled[mark.participation_id]
        if mark.present and not within_participation(participation, day):
            # Present outside the participation's dates would not count (activities.hours).
            errors.append(
                _("Rad %(row)s (%(name)s): %(problem)s")
                % {
                    "row": row,
                    "name": participation.full_name,
                    "problem": outside_participation_message(participation, day),
                }
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
    changed_ids = [a.participation_id for a in to_save]
    signed_ids = signed_certificate_ids(changed_ids, session)
    late = attendance_change_is_late(
        session=session, now=now, changed_ids=changed_ids, signed_ids=signed_ids
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
    with monthly.batched():  # the monthly table: once per person, not once per row
        for attendance in to_save:
            attendance.change_reason = reason if late else ""
            # Recorded in the history row; simple_history reads the attribute, has no types.
            attendance._change_reason = reason  # type: ignore[attr-defined]
            attendance.full_clean()
            attendance.save()
    _signatures_void_notify(session=session, participation_ids=signed_ids, reason=reason)
    return len(to_save)


def _signatures_void_notify(*, session: Session, participation_ids: set[int], reason: str) -> None:
    """A signed month changed: its signatures no longer hold (the certificate's hash no
    longer matches), so the participant is mailed to sign again; once per signed version."""
    certificates = Certificate.objects.filter(
        participation_id__in=participation_ids,
        month=month_start(local_date(session.starts_at)),
        participant_signed_at__isnull=False,
    ).values_list("pk", "content_hash")
    for pk, content_hash in certificates:
        mail.request(
            "certificate_changed",
            once_per=f"{pk}:{content_hash}",
            certificate_id=pk,
            reason=reason,
        )


# --- self-reported time -----------------------------------------------------------------


def _already_reported() -> ValidationError:
    return ValidationError(
        _(
            "Tiden är redan rapporterad: formuläret skickades två gånger. Den räknas en gång "
            "och väntar på godkännande."
        ),
        code="already_reported",
    )


@transaction.atomic
def self_report_create(
    *,
    activity: Activity,
    participation: Participation,
    date: dt.date,
    minutes: int,
    comment: str = "",
    by_user_id: int | None,
    submit_token: uuid.UUID | None = None,
) -> SelfReportedTime:
    """Report own time. `submit_token` comes from the form: the same form sent twice makes
    one row, and the second send gets the "already reported" error (code already_reported),
    also when both arrive at once (the unique constraint decides)."""
    if (
        submit_token is not None
        and SelfReportedTime.objects.filter(
            participation=participation, submit_token=submit_token
        ).exists()
    ):
        raise _already_reported()
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
    elif not within_participation(participation, date):
        errors["date"] = outside_participation_message(participation, date)
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
        submit_token=submit_token,
    )
    report.full_clean(exclude=["submit_token"])  # the constraint below answers a repeat
    # The loser of a race (both passed the check above) gets the same answer.
    with unique_or_message(SelfReportedTime, "uniq_self_report_submit", _already_reported()):
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


@transaction.atomic
def self_reports_approve_many(*, reports: QuerySet[SelfReportedTime], by_user_id: int) -> int:
    """Approve the pending time of everyone chosen (the caller scopes `reports`), each as
    self_report_decide would; time decided already is left as it is. Returns how many."""
    count = 0
    with monthly.batched():
        for report in reports.filter(status=SelfReportedTime.Status.PENDING):
            self_report_decide(report=report, approve=True, by_user_id=by_user_id)
            count += 1
    return count
