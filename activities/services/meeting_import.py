"""Attendance from a meeting's attendance report (Teams, Zoom): read into a draft, confirmed
into enrolments, saved names and attendance in one transaction, or cancelled.

The draft (AttendanceImport) holds what was read from the files, never the files: they are
read in the request, from memory (digiproj.uploads), and dropped. Confirmed, cancelled or
expired, the draft is emptied of the names, addresses and times it held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.meeting_reports import ParsedReport, merge_reports, parse_report, people_to_json
from activities.models import AttendanceImport, MeetingNameMapping, Session
from activities.selectors import meeting_import as selectors
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

from .attendance import AttendanceMark, attendance_save
from .enrolment import enrolment_create

MAX_FILES = 10
_EMPTIED: dict[str, list[object]] = {"people": [], "reports": []}


@dataclass(frozen=True)
class ReportFile:
    name: str
    data: bytes


def _read(session: Session, files: Sequence[ReportFile], locale: str) -> list[ParsedReport]:
    reports = []
    for number, file in enumerate(files, start=1):
        try:
            reports.append(
                parse_report(
                    file.data,
                    session_start=session.starts_at,
                    session_end=session.ends_at,
                    locale=locale or None,
                )
            )
        except ValidationError as error:
            if len(files) == 1:
                raise
            raise ValidationError(
                _("Fil %(n)s (%(name)s): %(message)s")
                % {"n": number, "name": file.name, "message": " ".join(error.messages)},
                code=getattr(error, "code", None),
            ) from None
    return reports


@transaction.atomic
def attendance_import_create(
    *,
    session: Session,
    user_id: int,
    files: Sequence[ReportFile],
    locale: str = "",
    now: dt.datetime | None = None,
) -> AttendanceImport:
    """Read one or more reports of the session's meeting (versions of one report merge),
    each clipped to the session, into a draft for the preview. A file that cannot be read
    raises the parser's ValidationError, and nothing is kept."""
    if not files:
        raise ValidationError(_("Välj minst en fil."), code="no_files")
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Ladda upp högst %(n)s filer åt gången.") % {"n": MAX_FILES}, code="too_many"
        )
    reports = _read(session, files, locale)
    people = merge_reports(reports, session_start=session.starts_at, session_end=session.ends_at)
    draft = AttendanceImport(
        session=session,
        created_by_id=user_id,
        locale=locale,
        reports=[
            {
                "name": file.name,
                "format": report.format.value,
                "date_order": report.date_order and report.date_order.value,
                "date_order_source": report.date_order_source and report.date_order_source.value,
            }
            for file, report in zip(files, reports, strict=True)
        ],
        people=people_to_json(people),
        created_at=now or timezone.now(),
    )
    draft.full_clean()
    draft.save()
    return draft


def _expired() -> ValidationError:
    return ValidationError(
        _(
            "Förhandsgranskningen är äldre än ett dygn och kan inte längre bekräftas. Ladda "
            "upp rapporten igen."
        ),
        code="expired",
    )


def _save_mappings(
    project_id: int, mappings: Sequence[tuple[str, int | None]], user_id: int, now: dt.datetime
) -> None:
    for key, participation_id in mappings:
        MeetingNameMapping.objects.update_or_create(
            project_id=project_id,
            name_key=key,
            defaults={
                "participation_id": participation_id,
                "saved_by_id": user_id,
                "saved_at": now,
            },
        )


def attendance_import_confirm(
    *,
    access: ProjectAccess,
    attendance_import: AttendanceImport,
    choices: selectors.ImportChoices,
    reason: str = "",
    now: dt.datetime | None = None,
) -> AttendanceImport:
    """Save the preview as the user confirmed it, all of it or nothing: the enrolments ticked
    (through enrolment_create, as people who were there), the names chosen (saved for the
    next import), then the attendance through attendance_save, which refuses people not
    enrolled and asks the late-change reason. The draft's row is locked and only a draft is
    confirmed, so a confirm sent twice writes once; the second gets the confirmed import."""
    now = now or timezone.now()
    with transaction.atomic():
        draft = (
            AttendanceImport.objects.select_for_update(of=("self",))
            .select_related("session__activity")
            .get(pk=attendance_import.pk)
        )
        if draft.status != AttendanceImport.Status.DRAFT:
            return draft
        if selectors.attendance_import_expired(draft, now=now):
            raise _expired()
        session = draft.session
        plan = selectors.attendance_import_match(access=access, attendance_import=draft).plan(
            choices, now=now
        )
        participations = Participation.objects.filter(pk__in=plan.to_enrol)
        for participation in participations:
            enrolment_create(
                session=session,
                participation=participation,
                by_user_id=access.user_id,
                now=now,
                present_at_session=True,
            )
        _save_mappings(access.project.pk, plan.mappings, access.user_id, now)
        draft.changed_count = attendance_save(
            session=session,
            marks=[
                AttendanceMark(row.candidate.pk, row.present, row.new_minutes)
                for row in plan.rows
                if row.written
            ],
            by_user_id=access.user_id,
            reason=reason,
            now=now,
        )
        draft.status = AttendanceImport.Status.CONFIRMED
        draft.finished_at = now
        for name, empty in _EMPTIED.items():
            setattr(draft, name, type(empty)())
        draft.save()
        return draft


def attendance_import_cancel(*, attendance_import: AttendanceImport) -> None:
    """Forget a draft that will not be saved (it holds names and addresses)."""
    AttendanceImport.objects.filter(
        pk=attendance_import.pk, status=AttendanceImport.Status.DRAFT
    ).update(status=AttendanceImport.Status.CANCELLED, finished_at=timezone.now(), **_EMPTIED)


def attendance_imports_expire(*, now: dt.datetime | None = None) -> int:
    """Empty the drafts nobody confirmed within DRAFT_VALID_FOR (run by beat): what they
    read from the files is not kept longer than the preview can use it."""
    now = now or timezone.now()
    return AttendanceImport.objects.filter(
        status=AttendanceImport.Status.DRAFT, created_at__lt=now - selectors.DRAFT_VALID_FOR
    ).update(status=AttendanceImport.Status.CANCELLED, finished_at=now, **_EMPTIED)
