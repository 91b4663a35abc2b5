"""Writes of activities and their sessions (DST-correct, nothing half-saved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import (
    Activity,
    Session,
)
from digiproj.dates import local_date
from digiproj.projects.models import Membership, Project
from digiproj.projects.periods import outside_project_message, within_project

from ._common import local_text as _local

MAX_SESSION_HOURS = 24
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "description",
    "digcomp_areas",
    "target_group",
    "attendance_minimum_minutes",
)
SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "enrolment_deadline",
    "teacher",
)


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
    attendance_minimum_minutes: int = 1,
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
        attendance_minimum_minutes=attendance_minimum_minutes,
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
    project = session.activity.project
    # Both ends count: a session that runs past the project's last day is outside it too.
    for field in ("starts_at", "ends_at"):
        moment = getattr(session, field)
        if moment and field not in errors and not within_project(project, local_date(moment)):
            errors[field] = outside_project_message(project, local_date(moment))
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
                    ngettext(
                        "Närvaro är redan registrerad för %(n)s deltagare på tillfället. "
                        "Bekräfta att du vill flytta det, eller låt tiden vara.",
                        "Närvaro är redan registrerad för %(n)s deltagare på tillfället. "
                        "Bekräfta att du vill flytta det, eller låt tiden vara.",
                        taken["n"],
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
