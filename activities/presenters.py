"""What the activity pages show, shaped from selector reads: the calendar week, the hours
overview's and the Sammanställning's rows, the participant's own page and the signature
lines of a certificate file. No writes here, and no request: the views parse that (forms)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from activities import certificates, forms
from activities import hours as counted_time
from activities.certificates import CertificateState
from activities.meeting_reports import ReportFormat
from activities.models import Activity, Certificate, Enrolment, Session
from activities.selectors import certificates as certificate_selectors
from activities.selectors import sessions as session_selectors
from activities.selectors import time_totals
from digiproj.dates import STOCKHOLM
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from digiproj.projects.templatetags.dates import short_datetime
from participants.models import Participation


def calendar_week(*, access: ProjectAccess, monday: dt.date) -> dict[str, Any]:
    """The week from `monday`: each day with its sessions (Stockholm days), and the weeks
    before and after to page to."""
    sunday_after = monday + dt.timedelta(days=7)
    sessions = list(
        session_selectors.session_calendar(access=access, start=monday, end=sunday_after)
    )
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    return {
        "days": [
            {
                "date": day,
                "sessions": [s for s in sessions if timezone.localtime(s.starts_at).date() == day],
            }
            for day in days
        ],
        "monday": monday,
        "week": monday.isocalendar().week,
        "previous": monday - dt.timedelta(days=7),
        "next": sunday_after,
    }


SIGNING_LABELS = {
    "signed": gettext_lazy("Underskriven"),
    "participant_signed": gettext_lazy("Väntar på chefen"),
    "void": gettext_lazy("Ändrad efter underskrift – skrivs under igen"),
    "sent": gettext_lazy("Skickad, väntar på deltagaren"),
    "": gettext_lazy("Inte skickad"),
}


def hours_overview_rows(
    project: Project, participations: Iterable[Participation], month: dt.date
) -> list[dict[str, Any]]:
    """One row per participant of a page: the month's counted minutes, the hours reported
    and where the certificate stands (nothing to sign without time); read for the page's
    people only, whatever the project's size."""
    participations = list(participations)
    ids = [p.pk for p in participations]
    minutes = time_totals.month_minutes(participation_ids=ids, month=month)
    states = certificate_selectors.signing_states(participation_ids=ids, month=month)
    return [
        {
            "participation": p,
            "minutes": minutes.get(p.pk, 0),
            "hours": counted_time.hours_for_month(minutes.get(p.pk, 0), project.hour_rounding),
            "signing": SIGNING_LABELS[states.get(p.pk, "")] if minutes.get(p.pk) else "–",
        }
        for p in participations
    ]


def send_for_signing_lines(*, month: str, count: int, without_address: int) -> list[str]:
    """What "send for signing" will do, for its confirmation page."""
    lines = [
        ngettext(
            "%(count)s deltagare med tid i %(month)s får ett mejl om att skriva under sin "
            "närvarorapport.",
            "%(count)s deltagare med tid i %(month)s får var sitt mejl om att skriva under sin "
            "närvarorapport.",
            count,
        )
        % {"count": count, "month": month},
        _("Den som redan har skrivit under eller redan har fått mejlet får inget nytt."),
    ]
    if without_address:
        lines.append(
            ngettext(
                "%(count)s deltagare saknar e-postadress och får inget mejl.",
                "%(count)s deltagare saknar e-postadress och får inget mejl.",
                without_address,
            )
            % {"count": without_address}
        )
    return lines


def _certified_label(state: CertificateState) -> str:
    labels: dict[CertificateState, str] = {
        CertificateState.SIGNED: _("Ja"),
        CertificateState.PARTICIPANT_SIGNED: _("Väntar på chef"),
        CertificateState.VOID: _("Nej, ändrad efter underskrift"),
    }
    return labels.get(state, _("Nej"))


def summary_rows(
    *, access: ProjectAccess, organisation_id: int, start: dt.date, end: dt.date
) -> list[list[Any]]:
    """The Sammanställning's rows: per participant and month, the minutes, the hours and
    whether the month is certified (the personnummer masked)."""
    return [
        [
            r["participation"].full_name,
            r["participation"].person.masked_personnummer,
            r["month"].strftime("%Y-%m"),
            r["minutes"],
            float(r["hours"]),
            _certified_label(r["state"]),
        ]
        for r in certificate_selectors.organisation_summary(
            access=access, organisation_id=organisation_id, start=start, end=end
        )
    ]


def _my_project(participation: Participation) -> dict[str, Any]:
    return {
        "participation": participation,
        "certificates": certificate_selectors.certificate_overview(participation=participation),
        "hours": time_totals.participant_hours(participation=participation),
        "by_activity": time_totals.hours_by_activity(participation=participation),
        "report_form": forms.SelfReportForm(
            activities=Activity.objects.filter(
                project=participation.project, kind=Activity.Kind.RECORDED
            ),
            auto_id=f"id_{participation.pk}_%s",
        ),
    }


def my_activities(*, user_id: int, participations: list[Participation]) -> dict[str, Any]:
    """The participant's own page: per project her hours, certificates and a form to report
    time; her sessions to come and past, and the sessions she may still enrol in."""
    projects = [_my_project(participation) for participation in participations]
    enrolments = list(session_selectors.my_enrolments(user_id=user_id))
    now = timezone.now()
    return {
        "upcoming": [e for e in enrolments if e.session.ends_at >= now],
        "past": [e for e in enrolments if e.session.ends_at < now],
        "open_sessions": session_selectors.my_open_sessions(user_id=user_id)[:50],
        "projects": projects,
    }


# The certificate states a participant has to act on: not signed, or changed since.
_TO_SIGN = (CertificateState.UNSIGNED, CertificateState.VOID)


def participant_todo(
    *, user_id: int, participations: list[Participation], sessions: int = 3
) -> dict[str, Any]:
    """The participant's start page: certificates of months already over to sign (or sign
    again), and her next sessions."""
    to_sign = [
        {"participation": participation, **row}
        for participation in participations
        for row in certificate_selectors.certificate_overview(participation=participation)
        if row["month_over"] and row["state"] in _TO_SIGN
    ]
    upcoming = session_selectors.my_enrolments(user_id=user_id).filter(
        session__ends_at__gte=timezone.now()
    )
    return {"to_sign": to_sign, "next_sessions": list(upcoming[:sessions])}


def _signed_at(when: dt.datetime) -> str:
    return date_format(timezone.localtime(when, STOCKHOLM), "Y-m-d H:i")


def _manager_method(certificate: Certificate) -> str:
    if certificate.manager_signed_method == "login":
        return _("inloggad med %(email)s") % {"email": certificate.manager_email}
    return _("med engångskod skickad till %(email)s") % {"email": certificate.manager_email}


def certificate_signatures(
    certificate: Certificate | None, state: CertificateState
) -> list[tuple[str, str]]:
    """The signature lines of a certificate file: who signed, when (Stockholm time) and how.
    Only signatures on the data as they are (not void) are printed; only a verified other
    person's signature reads "digitalt underskrivet" for the manager, otherwise the line
    stays empty, to be signed on paper."""
    valid = state in (CertificateState.PARTICIPANT_SIGNED, CertificateState.SIGNED)
    participant = manager = ""
    if certificate and valid and certificate.participant_signed_at:
        participant = _("%(name)s, digitalt underskrivet %(when)s (inloggad i digiproj)") % {
            "name": certificate.participation.full_name,
            "when": _signed_at(certificate.participant_signed_at),
        }
    if certificate and valid and certificates.manager_signature_verified(certificate):
        assert certificate.manager_signed_at is not None  # verified means signed
        manager = _("%(name)s, digitalt underskrivet %(when)s (%(method)s)") % {
            "name": certificate.manager_signed_name,
            "when": _signed_at(certificate.manager_signed_at),
            "method": _manager_method(certificate),
        }
    return [(_("Deltagarens underskrift"), participant), (_("Närmaste chefs underskrift"), manager)]


# --- what a confirmation says (digiproj.confirm) ---------------------------------------------


def session_text(session: Session) -> str:
    return f"{session.activity.title}, {short_datetime(session.starts_at)}"


def group_enrolment_lines(preview: session_selectors.GroupPreview, group_name: str) -> list[str]:
    """Who gets a seat, who waits and who was already in, before the group is enrolled."""
    count, free = preview["waiting"], preview["seats_left"]
    lines = [
        ngettext(
            "%(count)s person i gruppen (%(group)s).",
            "%(count)s personer i gruppen (%(group)s).",
            preview["total"],
        )
        % {"count": preview["total"], "group": group_name},
        ngettext(
            "%(count)s anmäls till tillfället.",
            "%(count)s anmäls till tillfället.",
            preview["enrolled"],
        )
        % {"count": preview["enrolled"]},
    ]
    if count and free:
        lines.append(
            ngettext(
                "%(count)s hamnar på reservlistan: tillfället har bara %(free)s lediga platser.",
                "%(count)s hamnar på reservlistan: tillfället har bara %(free)s lediga platser.",
                count,
            )
            % {"count": count, "free": free}
        )
    elif count:
        lines.append(
            ngettext(
                "%(count)s hamnar på reservlistan: tillfället är fullt.",
                "%(count)s hamnar på reservlistan: tillfället är fullt.",
                count,
            )
            % {"count": count}
        )
    if preview["already"]:
        lines.append(
            ngettext(
                "%(count)s är redan anmäld och berörs inte.",
                "%(count)s är redan anmälda och berörs inte.",
                preview["already"],
            )
            % {"count": preview["already"]}
        )
    return lines


def cancellation_lines(enrolment: Enrolment, *, own: bool) -> list[str]:
    """Whose enrolment goes (the participant's own, or a named person's) and what happens to
    the seat."""
    session = enrolment.session
    if own:
        lines = [_("Din anmälan till %(session)s avbokas.") % {"session": session_text(session)}]
    else:
        lines = [
            _("Anmälan för %(name)s till %(session)s avbokas.")
            % {"name": enrolment.participation.full_name, "session": session_text(session)}
        ]
    if enrolment.status == Enrolment.Status.WAITING:
        lines.append(_("Platsen på reservlistan släpps."))
    elif session.enrolments.filter(status=Enrolment.Status.WAITING).exists():
        lines.append(_("Den första på reservlistan får platsen och ett mejl om det."))
    return lines


_DATE_ORDERS = {
    "day_first": gettext_lazy("datumen lästes som dag/månad/år"),
    "month_first": gettext_lazy("datumen lästes som månad/dag/år"),
}
_DATE_ORDER_SOURCES = {
    "locale": gettext_lazy("efter organisatörens språk"),
    "file": gettext_lazy("ett datum i filen kan bara läsas så"),
    "session_day": gettext_lazy("bara så hamnar datumen på tillfällets dag"),
}


def attendance_import_files(reports: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Each file of an attendance import: its name, what report it is and how its dates
    were read (shown, because 3/4 read the wrong way would be a month's error)."""
    shown = []
    for report in reports:
        dates = ""
        if report.get("date_order"):
            dates = str(_DATE_ORDERS[report["date_order"]])
            if report.get("date_order_source"):
                dates += " (" + str(_DATE_ORDER_SOURCES[report["date_order_source"]]) + ")"
        shown.append(
            {
                "name": report["name"],
                "kind": ReportFormat(report["format"]).label,
                "dates": dates,
            }
        )
    return shown
