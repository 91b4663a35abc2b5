"""Reads of activities, sessions, enrolments, attendance and hours, scoped to one project."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from digiproj.collation import swedish, swedish_key
from digiproj.dates import local_midnight, month_end, month_start
from digiproj.numbers import round_half_up
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

from . import hours as counted_time
from .models import Activity, Attendance, Certificate, Enrolment, SelfReportedTime, Session

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


def attendance_sheet(*, access: ProjectAccess, session: Session) -> QuerySet[Enrolment]:
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


# --- hours ------------------------------------------------------------------------------


def hours_by_day(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int, dt.date], int]:
    """Counted minutes per (participation, activity, date) on days in [start, end]."""
    rows = counted_time.counted_rows(participations=participations, start=start, end=end)
    return counted_time.minutes_by(rows, "pid", "act", "day")


def hours_by_month(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], int]:
    """Counted minutes per (participation, first day of month) on days in [start, end]."""
    rows = counted_time.counted_rows(participations=participations, start=start, end=end)
    return counted_time.minutes_by(rows, "pid", "month")


def minutes_by_month_and_activity(
    *, participations: QuerySet[Participation], start: dt.date, end: dt.date
) -> dict[tuple[int, int, dt.date], int]:
    """Counted minutes per (participation, activity, first day of month) in [start, end]."""
    rows = counted_time.counted_rows(participations=participations, start=start, end=end)
    return counted_time.minutes_by(rows, "pid", "act", "month")


def hours_for_month(minutes: int, rounding: str) -> Decimal:
    """Reported hours for one month's minutes: whole hours rounded down where the project
    says so (ESF 2014–2020 area 1 practice), otherwise hours with two decimals."""
    if rounding == Project.HourRounding.FLOOR_MONTH:
        return Decimal(minutes // 60)
    hours = round_half_up(Decimal(minutes) / 60, 2)
    assert hours is not None
    return hours


def participant_hours(*, participation: Participation) -> dict[str, Any]:
    """One participant's minutes per month and in total, with the reported (rounded) hours."""
    project = participation.project
    months = hours_by_month(
        participations=[participation.pk], start=project.start_date, end=project.end_date
    )
    rows = [
        {
            "month": month,
            "minutes": minutes,
            "hours": hours_for_month(minutes, project.hour_rounding),
        }
        for (_pid, month), minutes in sorted(months.items(), key=lambda kv: kv[0][1])
    ]
    return {
        "months": rows,
        "minutes": sum(r["minutes"] for r in rows),
        "hours": sum((r["hours"] for r in rows), Decimal(0)),
    }


def hours_by_activity(*, participation: Participation) -> list[dict[str, Any]]:
    """One participant's counted minutes per activity over the whole project."""
    project = participation.project
    rows = counted_time.counted_rows(
        participations=[participation.pk], start=project.start_date, end=project.end_date
    )
    totals = {act: minutes for (act,), minutes in counted_time.minutes_by(rows, "act").items()}
    titles = dict(Activity.objects.filter(pk__in=list(totals)).values_list("pk", "title"))
    return sorted(
        ({"activity": titles[pk], "minutes": m} for pk, m in totals.items()),
        key=lambda r: r["activity"],
    )


def _certificate_payload(
    participation: Participation,
    month: dt.date,
    by_day: dict[tuple[int, int, dt.date], int],
    titles: dict[int, str],
) -> dict[str, Any]:
    """What one monthly certificate shows (and what its hash covers)."""
    rows = [
        {"date": day.isoformat(), "activity": titles[activity_id], "minutes": minutes}
        for (pid, activity_id, day), minutes in sorted(
            by_day.items(), key=lambda kv: (kv[0][2], titles[kv[0][1]])
        )
        if pid == participation.pk and month_start(day) == month
    ]
    person, org, project = participation.person, participation.organisation, participation.project
    total = sum(r["minutes"] for r in rows)
    return {
        "project": project.name,
        "diarienummer": project.diarienummer,
        "month": month.strftime("%Y-%m"),
        "name": participation.full_name,
        "personnummer": person.personnummer,
        "employer": org.name,
        "organisationsnummer": org.organisationsnummer,
        "rows": rows,
        "total_minutes": total,
        "hours": str(hours_for_month(total, project.hour_rounding)),
    }


def certificate_data_for_months(
    *, participation: Participation, months: list[dt.date]
) -> dict[dt.date, dict[str, Any]]:
    """The data of several monthly certificates, read with three queries in all."""
    participation = Participation.objects.select_related("person", "organisation", "project").get(
        pk=participation.pk
    )
    months = sorted({month_start(m) for m in months})
    if not months:
        return {}
    by_day = hours_by_day(
        participations=[participation.pk], start=months[0], end=month_end(months[-1])
    )
    titles = dict(Activity.objects.filter(pk__in={k[1] for k in by_day}).values_list("pk", "title"))
    return {month: _certificate_payload(participation, month, by_day, titles) for month in months}


def certified_months(
    *, participations: QuerySet[Participation], start: dt.date, end: dt.date
) -> set[tuple[int, dt.date]]:
    """(participation, month) pairs of months touching [start, end] whose certificate is
    signed by both the participant and the manager and still matches the data (a later
    change voids it).

    A certificate covers its whole month, so it is checked against the whole month's data
    even when the period (or the part before a closing phase) ends or starts inside it;
    which of its days are valued is the caller's period, not the certificate's.

    Reads the signed certificates, the hours behind them and the people in five queries;
    only the hash comparison runs per certificate.
    """
    signed = list(
        Certificate.objects.filter(
            participation__in=participations,
            month__gte=month_start(start),
            month__lte=end,
            participant_signed_at__isnull=False,
            manager_signed_at__isnull=False,
        ).values_list("participation_id", "month", "content_hash")
    )
    if not signed:
        return set()
    ids = {pid for pid, _m, _h in signed}
    last = max(month for _p, month, _h in signed)
    by_day = hours_by_day(participations=list(ids), start=month_start(start), end=month_end(last))
    titles = dict(Activity.objects.filter(pk__in={k[1] for k in by_day}).values_list("pk", "title"))
    people = Participation.objects.select_related("person", "organisation", "project").in_bulk(ids)
    return {
        (pid, month)
        for pid, month, digest in signed
        if certificate_hash(_certificate_payload(people[pid], month, by_day, titles)) == digest
    }


def certificate_data(*, participation: Participation, month: dt.date) -> dict[str, Any]:
    """Everything a närvarorapport shows. Its hash is what the signatures are bound to."""
    month = month_start(month)
    return certificate_data_for_months(participation=participation, months=[month])[month]


def certificate_overview(*, participation: Participation) -> list[dict[str, Any]]:
    """Every month with hours, its certificate and that certificate's state (void included)."""
    hours = participant_hours(participation=participation)
    months = [row["month"] for row in hours["months"]]
    data = certificate_data_for_months(participation=participation, months=months)
    certificates = {c.month: c for c in Certificate.objects.filter(participation=participation)}
    return [
        {
            **row,
            "certificate": certificates.get(row["month"]),
            "state": certificate_state(certificates.get(row["month"]), data[row["month"]]),
        }
        for row in hours["months"]
    ]


def certificate_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class CertificateState(enum.StrEnum):
    UNSIGNED = "unsigned"
    PARTICIPANT_SIGNED = "participant_signed"
    SIGNED = "signed"
    VOID = "void"  # data changed after signing: the signatures no longer hold


def certificate_state(certificate: Certificate | None, data: dict[str, Any] | None = None) -> str:
    if certificate is None or certificate.participant_signed_at is None:
        return CertificateState.UNSIGNED
    if data is None:
        data = certificate_data(participation=certificate.participation, month=certificate.month)
    if certificate_hash(data) != certificate.content_hash:
        return CertificateState.VOID
    if certificate.manager_signed_at:
        return CertificateState.SIGNED
    return CertificateState.PARTICIPANT_SIGNED


def certificate_get(*, participation: Participation, month: dt.date) -> Certificate | None:
    return (
        Certificate.objects.filter(participation=participation, month=month_start(month))
        .select_related("participant_signed_by", "manager_signed_by")
        .first()
    )


def participant_addresses(*, participation: Participation) -> set[str]:
    """Every address that reaches the participant herself: her record's email, her login's
    email and any address of her login (allauth), lower-cased."""
    from allauth.account.models import EmailAddress

    # The record and login this project holds (names and addresses are per participation).
    addresses = {participation.email}
    if participation.user_id:
        addresses.add(participation.user.email)
        addresses.update(
            EmailAddress.objects.filter(user_id=participation.user_id).values_list(
                "email", flat=True
            )
        )
    return {a.strip().lower() for a in addresses if a and a.strip()}


def manager_is_participant(
    *, participation: Participation, email: str = "", user: Any = None
) -> bool:
    """The one rule that the nearest manager is another person than the participant: not one
    of her own addresses, and not signed in as her."""
    # Signed in with any login that holds a participation of the same person is her.
    if (
        user is not None
        and user.is_authenticated
        and Participation.objects.filter(person_id=participation.person_id, user=user).exists()
    ):
        return True
    return bool(email.strip()) and email.strip().lower() in participant_addresses(
        participation=participation
    )


def manager_signature_verified(certificate: Certificate) -> bool:
    """Whether the manager's signature is a digital signature of another person: made with
    the one-time code mailed to the manager, or logged in with that address, and by someone
    who is not the participant. Anything else is printed as an empty line to sign on paper."""
    if certificate.manager_signed_at is None or certificate.manager_signed_method not in {
        "code",
        "login",
    }:
        return False
    return not manager_is_participant(
        participation=certificate.participation,
        email=certificate.manager_email,
        user=certificate.manager_signed_by,
    )


def certificate_for_manager_token(token: str) -> Certificate | None:
    return (
        Certificate.objects.filter(manager_token=token)
        .select_related("participation__person", "participation__organisation")
        .select_related("participation__project")
        .first()
        if token
        else None
    )


def certificate_for_manager(certificate: Certificate, data: dict[str, Any]) -> dict[str, Any]:
    """What the manager's signing page shows, and nothing more: name, month, employer and the
    time per date. The personnummer only masked; no email, phone or other participant data."""
    from participants import personnummer as pnr

    return {
        "name": data["name"],
        "personnummer": pnr.mask(data["personnummer"]),
        "employer": data["employer"],
        "project": data["project"],
        "month": certificate.month,
        "rows": data["rows"],
        "total_minutes": data["total_minutes"],
        "hours": data["hours"],
    }


def organisation_summary(
    *, access: ProjectAccess, organisation_id: int, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Sammanställning: per participant of one organisation, hours per month in [start, end]
    with each month's certificate state."""
    participations = list(
        Participation.objects.filter(project=access.project, organisation_id=organisation_id)
        .filter(access.participation_q())
        .select_related("person")
        .order_by("last_name", "first_name", "pk")
    )
    months = hours_by_month(participations=[p.pk for p in participations], start=start, end=end)
    certificates = {
        (c.participation_id, c.month): c
        for c in Certificate.objects.filter(
            participation__in=[p.pk for p in participations], month__gte=start, month__lte=end
        )
    }
    by_participation: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for (pid, month), minutes in sorted(months.items(), key=lambda kv: kv[0][1]):
        by_participation[pid].append((month, minutes))
    # A certificate is certified only if both signed and its data still hash the same; the
    # data are recomputed once per participant that has signed certificates (an export).
    states: dict[tuple[int, dt.date], str] = {}
    for participation in participations:
        signed = [
            m
            for (pid, m), c in certificates.items()
            if pid == participation.pk and c.participant_signed_at
        ]
        if signed:
            data = certificate_data_for_months(participation=participation, months=signed)
            for month in signed:
                cert = certificates[(participation.pk, month)]
                states[(participation.pk, month)] = certificate_state(cert, data[month])
    return [
        {
            "participation": participation,
            "month": month,
            "minutes": minutes,
            "hours": hours_for_month(minutes, access.project.hour_rounding),
            "certificate": certificates.get((participation.pk, month)),
            "state": states.get((participation.pk, month), CertificateState.UNSIGNED),
        }
        for participation in participations
        for month, minutes in by_participation[participation.pk]
    ]


def hours_overview(
    *, access: ProjectAccess, month: dt.date
) -> tuple[QuerySet[Participation], dict[int, int]]:
    """Participants in scope and their minutes in one month (one GROUP BY per source)."""
    participations = participation_choices(access=access)
    minutes = hours_by_month(
        participations=participations.values("pk"), start=month, end=month_end(month)
    )
    return participations, {pid: total for (pid, _m), total in minutes.items()}


# --- statistics for reports -------------------------------------------------------------


def _report_participations(
    access: ProjectAccess, organisation_id: int | None = None
) -> QuerySet[Participation]:
    """The participations a report's hours cover: the project's, within the user's scope (a
    contact: their organisation), optionally one organisation's. (Erased ones have no
    counted time: counted_rows leaves them out.)"""
    qs = Participation.objects.filter(project=access.project).filter(access.participation_q())
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def activity_statistics(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    organisation_id: int | None = None,
    genders: tuple[str, ...] = ("K", "M"),
    group_by_kind: bool = False,
) -> list[dict[str, Any]]:
    """Per activity (or per activity type): sessions held in [start, end] (Stockholm days),
    people enrolled, people present and counted minutes by gender (see activities.hours).
    People are counted within the user's scope (a contact: their organisation), each once
    per activity (or type).

    The counted rows are summed per (activity, person) first and then counted per gender,
    one statement, so no DISTINCT runs over millions of attendance rows."""
    lo, hi = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    key = "activity__kind" if group_by_kind else "activity_id"
    scope = access.participation_q("participation")
    if organisation_id:
        scope &= Q(participation__organisation_id=organisation_id)
    counted = counted_time.counted_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
    )
    counted_sql, counted_params = counted_time.rows_sql(counted)
    columns = []
    for gender in (*genders, "total"):
        cond = "" if gender == "total" else f" FILTER (WHERE x.gender = '{gender}')"
        present_cond = (
            "FILTER (WHERE x.present = 1)"
            if gender == "total"
            else f"FILTER (WHERE x.present = 1 AND x.gender = '{gender}')"
        )
        columns.append(f'COUNT(*) {present_cond} AS "present_{gender}"')
        columns.append(f'COALESCE(SUM(x.m){cond}, 0) AS "minutes_{gender}"')
    # x: one row per (activity or type, person) with their minutes and whether they attended.
    k = "kind" if group_by_kind else "act"
    sql = (
        f"SELECT x.k AS k, {', '.join(columns)} FROM ("  # noqa: S608 – only our own SQL
        f"SELECT u.{k} AS k, u.pid, u.gender, SUM(u.m) AS m, MAX(u.att) AS present "
        f"FROM ({counted_sql}) u GROUP BY u.{k}, u.pid, u.gender) x GROUP BY x.k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, counted_params)
        names = [c[0] for c in cursor.description]
        people = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    held = Count("sessions", filter=Q(sessions__starts_at__gte=lo, sessions__starts_at__lt=hi))
    qs = Activity.objects.filter(project=access.project)
    if group_by_kind:
        kinds = dict(Activity.Kind.choices)
        rows = sorted(
            qs.values("kind")
            .annotate(sessions_held=held, activities=Count("pk", distinct=True))
            .order_by(),
            key=lambda row: swedish_key(str(kinds.get(row["kind"], row["kind"]))),
        )
    else:
        rows = list(
            qs.values("pk", "title", "kind")
            .annotate(sessions_held=held)
            .order_by(swedish("title"), "pk")
        )
    enrolled = dict(
        Enrolment.objects.filter(
            session__activity__project=access.project,
            session__starts_at__gte=lo,
            session__starts_at__lt=hi,
            status=Enrolment.Status.ENROLLED,
            participation__erased_at__isnull=True,  # as in every count
        )
        .filter(scope)
        .values("session__" + key)
        .annotate(n=Count("participation", distinct=True))
        .values_list("session__" + key, "n")
    )
    for row in rows:
        ident = row["kind"] if group_by_kind else row["pk"]
        row["enrolled"] = enrolled.get(ident, 0)
        figures = people.get(ident, {})
        for gender in (*genders, "total"):
            row[f"present_{gender}"] = figures.get(f"present_{gender}") or 0
            row[f"minutes_{gender}"] = int(figures.get(f"minutes_{gender}") or 0)
    return rows


def minutes_by_gender(
    *, access: ProjectAccess, start: dt.date, end: dt.date, organisation_id: int | None = None
) -> dict[str, int]:
    """Counted minutes on days in [start, end] per reported gender, within the user's scope."""
    rows = counted_time.counted_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
    )
    return {gender: m for (gender,), m in counted_time.minutes_by(rows, "gender").items()}


def minutes_outside_participation(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> int:
    """Minutes in [start, end] on days outside the participations' start and end dates:
    recorded but not counted (the reports show them apart)."""
    rows = counted_time.counted_rows(
        participations=participations, start=start, end=end, outside=True
    )
    return counted_time.minutes_by(rows).get((), 0)


def activity_people(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
) -> dict[int, dict[str, int]]:
    """The people behind activity_statistics' figures for one activity (or type): per
    participation, counted minutes present at its sessions in [start, end], approved
    self-reported minutes, and whether they attended; the same rows as the figures."""
    rows = counted_time.counted_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
        activity_id=activity_id,
        kind=kind,
    )
    people: dict[int, dict[str, int]] = defaultdict(lambda: {"present": 0, "own": 0})
    for (pid, att), minutes in counted_time.minutes_by(rows, "pid", "att", zero=True).items():
        if att:
            people[pid]["present"] = minutes
            people[pid]["attended"] = 1
        else:
            people[pid]["own"] = minutes
    return dict(people)


def minutes_by_participation(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Counted minutes per participation on days in [start, end]."""
    rows = counted_time.counted_rows(participations=participations, start=start, end=end)
    return {pid: m for (pid,), m in counted_time.minutes_by(rows, "pid").items()}


def activity_sessions_held(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[Session]:
    """The sessions behind activity_statistics' "sessions held": starting in [start, end]."""
    qs = Session.objects.filter(
        activity__project=access.project,
        starts_at__gte=local_midnight(start),
        starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
    ).select_related("activity")
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    if kind is not None:
        qs = qs.filter(activity__kind=kind)
    return qs.order_by("starts_at", "pk")


def activity_enrolled(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
) -> set[int]:
    """The participations behind activity_statistics' "enrolled" figure."""
    sessions = activity_sessions_held(
        access=access, start=start, end=end, activity_id=activity_id, kind=kind
    )
    qs = Enrolment.objects.filter(
        session__in=sessions,
        status=Enrolment.Status.ENROLLED,
        participation__erased_at__isnull=True,
    ).filter(access.participation_q("participation"))
    if organisation_id:
        qs = qs.filter(participation__organisation_id=organisation_id)
    return set(qs.values_list("participation_id", flat=True))
