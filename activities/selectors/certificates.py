"""Reads of monthly certificates: the data a certificate shows, its state today, the months
the reports count as certified, a participant's and an organisation's overview, and the
manager's signing page. What a certificate is (hash, state) is activities.certificates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from activities import hours as counted_time
from activities.certificates import (
    CertificateData,
    CertificateState,
    certificate_payload,
    certificate_state,
    month_over,
)
from activities.models import Activity, Certificate
from activities.selectors.time_totals import hours_by_day, hours_by_month, participant_hours
from digiproj.dates import month_end, month_start
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants.models import Participation


def certificate_data_for_months(
    *, participation: Participation, months: list[dt.date]
) -> dict[dt.date, CertificateData]:
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
    return {month: certificate_payload(participation, month, by_day, titles) for month in months}


def states_now(certificates: list[Certificate]) -> dict[int, CertificateState]:
    """Each signed certificate's state (by pk) against its month's data as they are now: the
    hours behind them, the activities' titles and the people in three queries for all of
    them; only the hash comparison is worked out per certificate. A certificate covers its
    whole month, so it is checked against the whole month's data."""
    signed = [c for c in certificates if c.participant_signed_at]
    if not signed:
        return {}
    ids = {c.participation_id for c in signed}
    first, last = min(c.month for c in signed), max(c.month for c in signed)
    by_day = hours_by_day(participations=list(ids), start=first, end=month_end(last))
    titles = dict(Activity.objects.filter(pk__in={k[1] for k in by_day}).values_list("pk", "title"))
    people = Participation.objects.select_related("person", "organisation", "project").in_bulk(ids)
    return {
        c.pk: certificate_state(
            c, certificate_payload(people[c.participation_id], c.month, by_day, titles)
        )
        for c in signed
    }


def certified_months(
    *, participations: QuerySet[Participation], start: dt.date, end: dt.date
) -> set[tuple[int, dt.date]]:
    """(participation, month) pairs of months touching [start, end] whose certificate is
    signed by both the participant and the manager and still matches the data (a later
    change voids it).

    A certificate covers its whole month, so it is checked against the whole month's data
    even when the period (or the part before a closing phase) ends or starts inside it;
    which of its days are valued is the caller's period, not the certificate's. Five
    queries (states_now)."""
    signed = list(
        Certificate.objects.filter(
            participation__in=participations,
            month__gte=month_start(start),
            month__lte=end,
            participant_signed_at__isnull=False,
            manager_signed_at__isnull=False,
        ).only(
            "participation", "month", "content_hash", "participant_signed_at", "manager_signed_at"
        )
    )
    states = states_now(signed)
    return {
        (c.participation_id, c.month) for c in signed if states[c.pk] == CertificateState.SIGNED
    }


def certificate_data(*, participation: Participation, month: dt.date) -> CertificateData:
    """Everything a närvarorapport shows. Its hash is what the signatures are bound to."""
    month = month_start(month)
    return certificate_data_for_months(participation=participation, months=[month])[month]


def certificate_state_now(certificate: Certificate) -> CertificateState:
    """A certificate's state against its month's data as they are now (read here; a page
    that has read them already asks activities.certificates.certificate_state)."""
    data = certificate_data(participation=certificate.participation, month=certificate.month)
    return certificate_state(certificate, data)


def certificate_overview(*, participation: Participation) -> list[dict[str, Any]]:
    """Every month with hours, its certificate, that certificate's state (void included) and
    whether the month is over (only then can it be signed)."""
    hours = participant_hours(participation=participation)
    months = [row["month"] for row in hours["months"]]
    data = certificate_data_for_months(participation=participation, months=months)
    certificates = {c.month: c for c in Certificate.objects.filter(participation=participation)}
    return [
        {
            **row,
            "certificate": certificates.get(row["month"]),
            "state": certificate_state(certificates.get(row["month"]), data[row["month"]]),
            "month_over": month_over(row["month"]),
        }
        for row in hours["months"]
    ]


def certificate_get(*, participation: Participation, month: dt.date) -> Certificate | None:
    return (
        Certificate.objects.filter(participation=participation, month=month_start(month))
        .select_related("participant_signed_by", "manager_signed_by")
        .first()
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


def certificate_for_manager(certificate: Certificate, data: CertificateData) -> dict[str, Any]:
    """What the manager's signing page shows, and nothing more: name, month, employer and the
    time per date. The personnummer only masked; no email, phone or other participant data."""
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
    # A certificate is certified only if both signed and its data still hash the same.
    now = states_now(list(certificates.values()))
    states = {key: now[c.pk] for key, c in certificates.items() if c.pk in now}
    return [
        {
            "participation": participation,
            "month": month,
            "minutes": minutes,
            "hours": counted_time.hours_for_month(minutes, access.project.hour_rounding),
            "certificate": certificates.get((participation.pk, month)),
            "state": states.get((participation.pk, month), CertificateState.UNSIGNED),
        }
        for participation in participations
        for month, minutes in by_participation[participation.pk]
    ]


def unsigned_count(*, access: ProjectAccess, month: dt.date) -> int:
    """How many participants in scope have counted time in `month` without a certificate
    signed by both them and a manager: the coordinator's to-do for the month just ended
    (the hours page shows each certificate's exact state, void ones included)."""
    month = month_start(month)
    with_time = _with_time(access=access, month=month)
    if not with_time:
        return 0
    signed = set(
        Certificate.objects.filter(
            participation_id__in=with_time,
            month=month,
            participant_signed_at__isnull=False,
            manager_signed_at__isnull=False,
        ).values_list("participation_id", flat=True)
    )
    return len(with_time - signed)


def _with_time(*, access: ProjectAccess, month: dt.date) -> set[int]:
    """The participations in scope with counted time in `month`."""
    participations = Participation.objects.filter(project=access.project).filter(
        access.participation_q()
    )
    return {
        pid
        for pid, _ in hours_by_month(
            participations=participations, start=month, end=month_end(month)
        )
    }


def to_send_for_signing(*, access: ProjectAccess, month: dt.date) -> tuple[list[int], int]:
    """Whom "send for signing" mails: those in scope with counted time in `month` who have
    neither signed it nor been sent it. Returns (their participation ids, of them with an
    address), and how many of them have no address (the coordinator is told)."""
    month = month_start(month)
    with_time = _with_time(access=access, month=month)
    done = set(
        Certificate.objects.filter(participation_id__in=with_time, month=month)
        .exclude(participant_signed_at__isnull=True, sign_requested_at__isnull=True)
        .values_list("participation_id", flat=True)
    )
    waiting = with_time - done
    reachable = sorted(
        Participation.objects.filter(pk__in=waiting).exclude(email="").values_list("pk", flat=True)
    )
    return reachable, len(waiting) - len(reachable)


def signing_states(*, participation_ids: list[int], month: dt.date) -> dict[int, str]:
    """The hours page's column: where each one's certificate of `month` stands — "signed",
    "participant_signed", "void" (changed since it was signed: to be signed again), "sent"
    (mailed, not signed yet) — checked against the data as they are now (states_now), in a
    bounded number of queries for a page."""
    certificates = list(
        Certificate.objects.filter(
            participation_id__in=participation_ids, month=month_start(month)
        ).only(
            "participation",
            "month",
            "content_hash",
            "sign_requested_at",
            "participant_signed_at",
            "manager_signed_at",
        )
    )
    now = states_now(certificates)
    states: dict[int, str] = {}
    for certificate in certificates:
        if certificate.pk in now:
            states[certificate.participation_id] = str(now[certificate.pk])
        elif certificate.sign_requested_at:
            states[certificate.participation_id] = "sent"
    return states
