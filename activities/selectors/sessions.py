"""Reads of activities, sessions, enrolments and attendance, scoped to one project, and the
participant's own sessions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from activities.models import Activity, Attendance, Enrolment, SelfReportedTime, Session
from digiproj.dates import local_midnight
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- activities and sessions ------------------------------------------------------------


def _teacher_q(access: ProjectAccess, path: str = "") -> Q:
    prefix = f"{path}__" if path else ""
    taught = Activity.objects.filter(teachers=access.user_id).values("pk")
    return Q(**{f"{prefix}teacher_id": access.user_id}) | Q(**{f"{prefix}activity__in": taught})


def session_list(*, access: ProjectAccess) -> QuerySet[Session]:
    """Sessions of the project this user may see; a teacher sees the ones they lead."""
    qs = Session.objects.filter(activity__project=access.project).select_related(
        "activity", "teacher"
    )
    if access.is_teacher:
        qs = qs.filter(_teacher_q(access))
    return qs


def session_list_upcoming(*, access: ProjectAccess, limit: int = 5) -> QuerySet[Session]:
    return (
        session_list(access=access)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at")[:limit]
    )


def session_list_with_counts(*, access: ProjectAccess) -> QuerySet[Session]:
    """Sessions with seats taken and waiting, counted in the database. A contact's counts
    cover all organisations (seats are shared), but they only see their own people."""
    return session_list(access=access).annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
    )


def session_calendar(*, access: ProjectAccess, start: dt.date, end: dt.date) -> QuerySet[Session]:
    return (
        session_list_with_counts(access=access)
        .filter(starts_at__gte=local_midnight(start), starts_at__lt=local_midnight(end))
        .order_by("starts_at", "pk")
    )


def activity_list(*, access: ProjectAccess) -> QuerySet[Activity]:
    qs = Activity.objects.filter(project=access.project)
    if access.is_teacher:
        mine = Session.objects.filter(_teacher_q(access)).values("activity_id")
        qs = qs.filter(Q(teachers=access.user_id) | Q(pk__in=mine)).distinct()
    return qs.annotate(
        session_count=Count("sessions", distinct=True),
        next_start=Subquery(
            Session.objects.filter(activity=OuterRef("pk"), starts_at__gte=timezone.now())
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
    ).order_by("title", "pk")


def enrolment_list(*, access: ProjectAccess, session: Session) -> QuerySet[Enrolment]:
    """A session's live enrolments this user may see (a contact: their organisation)."""
    qs = session.enrolments.exclude(status=Enrolment.Status.CANCELLED).select_related(
        "participation__person", "participation__organisation"
    )
    if not access.is_teacher:
        qs = qs.filter(access.participation_q("participation"))
    return qs.annotate(waiting_rank=_waiting_rank()).order_by(
        "status", "waiting_position", "participation__last_name", "pk"
    )


def _waiting_rank() -> Subquery:
    """Place on the waiting list counted over everyone (a contact sees the true place)."""
    ahead = (
        Enrolment.objects.filter(
            session=OuterRef("session"),
            status=Enrolment.Status.WAITING,
            waiting_position__lte=OuterRef("waiting_position"),
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead)


class AttendanceCells(TypedDict):
    """What attendance_sheet adds to each enrolment: its attendance row, if any (else None)."""

    att_present: bool | None
    att_minutes: int | None
    att_marked_at: dt.datetime | None
    att_reason: str | None


AttendanceRow: TypeAlias = "WithAnnotations[Enrolment, AttendanceCells]"


def attendance_sheet(*, access: ProjectAccess, session: Session) -> QuerySet[AttendanceRow]:
    """The enrolled people of a session, each with their attendance row (if any)."""
    att = Attendance.objects.filter(session=session, participation=OuterRef("participation"))
    return (
        enrolment_list(access=access, session=session)
        .filter(status=Enrolment.Status.ENROLLED)
        .annotate(
            att_present=Subquery(att.values("present")[:1]),
            att_minutes=Subquery(att.values("minutes")[:1]),
            att_marked_at=Subquery(att.values("marked_at")[:1]),
            att_reason=Subquery(att.values("change_reason")[:1]),
        )
        .order_by("participation__last_name", "participation__first_name", "pk")
    )


def attendance_history(*, access: ProjectAccess, session: Session) -> QuerySet[Any]:
    qs = Attendance.history.filter(session_id=session.pk).select_related("history_user")
    if not access.is_teacher:
        visible = Participation.objects.filter(project=access.project).filter(
            access.participation_q()
        )
        qs = qs.filter(participation_id__in=visible.values("pk"))
    return qs.order_by("-history_date")


def participation_choices(*, access: ProjectAccess) -> QuerySet[Participation]:
    """People a coordinator or contact may enrol: current participations in scope."""
    return (
        Participation.objects.current()
        .filter(project=access.project, end_date__isnull=True)
        .filter(access.participation_q())
        .select_related("person", "organisation")
        .order_by("last_name", "first_name", "pk")
    )


def self_report_list(*, access: ProjectAccess) -> QuerySet[SelfReportedTime]:
    return (
        SelfReportedTime.objects.filter(activity__project=access.project)
        .filter(access.participation_q("participation"))
        .select_related("activity", "participation__person", "participation__organisation")
        .order_by("status", "-date", "pk")
    )


def sessions_led_between(
    *, access: ProjectAccess, start: dt.datetime, end: dt.datetime
) -> QuerySet[Session]:
    """The sessions this user leads (as the session's teacher or one of the activity's)
    starting in [start, end), with how many are enrolled and how many are marked: a
    teacher's to-do of attendance lists."""
    return (
        Session.objects.filter(activity__project=access.project, starts_at__gte=start)
        .filter(starts_at__lt=end)
        .filter(_teacher_q(access))
        .select_related("activity")
        .annotate(
            enrolled_count=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.ENROLLED),
                distinct=True,
            ),
            marked_count=Count("attendances", distinct=True),
        )
        .order_by("starts_at", "pk")
    )


# --- the participant's own view ---------------------------------------------------------


def my_enrolments(*, user_id: int) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(
            participation__user_id=user_id,
            participation__erased_at__isnull=True,
        )
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("session__activity__project", "participation")
        .annotate(waiting_rank=_waiting_rank())
        .order_by("session__starts_at", "pk")
    )


def my_open_sessions(*, user_id: int) -> QuerySet[Session]:
    """Upcoming sessions in the participant's projects that are still open for enrolment."""
    now = timezone.now()
    mine = Enrolment.objects.filter(session=OuterRef("pk"), participation__user_id=user_id).exclude(
        status=Enrolment.Status.CANCELLED
    )
    return (
        Session.objects.filter(
            activity__project__participations__user_id=user_id,
            activity__project__participations__erased_at__isnull=True,
            activity__project__participations__end_date__isnull=True,
            starts_at__gt=now,
        )
        .filter(Q(enrolment_deadline__isnull=True) | Q(enrolment_deadline__gte=now))
        .exclude(Exists(mine))
        .select_related("activity__project")
        .annotate(
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)
            )
        )
        .order_by("starts_at", "pk")
    )


# --- seats ----------------------------------------------------------------------------------


def seats_left(session: Session) -> int | None:
    """Free seats of the session (None: no limit). The one rule of who gets a seat: an
    enrolment takes one while any is left, otherwise it goes on the waiting list."""
    if session.capacity is None:
        return None
    taken = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    return max(session.capacity - taken, 0)


class GroupPreview(TypedDict):
    total: int
    already: int
    enrolled: int
    waiting: int
    seats_left: int | None


def group_enrolment_preview(
    *, session: Session, participations: QuerySet[Participation]
) -> GroupPreview:
    """What enrolling the group would do, by the rule of seats_left, before it is done."""
    live = Enrolment.objects.filter(
        session=session,
        participation=OuterRef("pk"),
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITING],
    )
    counts = participations.aggregate(
        total=Count("pk"), already=Count("pk", filter=Q(Exists(live)))
    )
    new = counts["total"] - counts["already"]
    free = seats_left(session)
    enrolled = new if free is None else min(new, free)
    return GroupPreview(
        total=counts["total"],
        already=counts["already"],
        enrolled=enrolled,
        waiting=new - enrolled,
        seats_left=free,
    )
