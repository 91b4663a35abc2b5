"""Enrolling a group, cancelling an enrolment and mailing a month's certificates, asked
before they are done
(digiproj.confirm); the words come from the presenters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities import presenters
from activities.models import Enrolment, Session
from activities.selectors import certificates as certificate_selectors
from activities.selectors import sessions as session_selectors
from digiproj.confirm import confirmation_required
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation


def group_enrolment(
    request: HttpRequest,
    access: ProjectAccess,
    session: Session,
    group: QuerySet[Participation],
    group_name: str,
) -> HttpResponse | None:
    preview = session_selectors.group_enrolment_preview(session=session, participations=group)
    return confirmation_required(
        request,
        title=_("Anmäla gruppen till %(session)s?") % {"session": presenters.session_text(session)},
        consequences=presenters.group_enrolment_lines(preview, group_name),
        confirm_label=_("Anmäl gruppen"),
        cancel_url=reverse("activities:session", args=[access.project.pk, session.pk]),
        context={"project": access.project, "access": access},
    )


def cancellation(
    request: HttpRequest, access: ProjectAccess, enrolment: Enrolment
) -> HttpResponse | None:
    if access.is_participant:
        back = reverse("my_activities")
    else:
        back = reverse("activities:session", args=[access.project.pk, enrolment.session_id])
    return confirmation_required(
        request,
        title=_("Avboka anmälan?"),
        consequences=presenters.cancellation_lines(enrolment, own=access.is_participant),
        confirm_label=_("Avboka"),
        cancel_url=back,
        context={"project": access.project, "access": access},
    )


def send_for_signing(
    request: HttpRequest, access: ProjectAccess, *, month: dt.date, back: str
) -> HttpResponse | None:
    recipients, without_address = certificate_selectors.to_send_for_signing(
        access=access, month=month
    )
    when = date_format(month, "F Y")
    return confirmation_required(
        request,
        title=_("Skicka närvarorapporterna för %(month)s för underskrift?") % {"month": when},
        consequences=presenters.send_for_signing_lines(
            month=when, count=len(recipients), without_address=without_address
        ),
        confirm_label=_("Skicka mejlen"),
        cancel_url=back,
        context={"project": access.project, "access": access},
    )


def self_reports_approval(
    request: HttpRequest, access: ProjectAccess, chosen: QuerySet[Any], back: str
) -> HttpResponse | None:
    totals = chosen.aggregate(count=Count("pk"), minutes=Sum("minutes"))
    return confirmation_required(
        request,
        title=_("Godkänna den markerade tiden?"),
        consequences=[
            ngettext(
                "%(count)s rapport, %(minutes)s minuter, godkänns och räknas i timmarna.",
                "%(count)s rapporter, sammanlagt %(minutes)s minuter, godkänns och räknas i "
                "timmarna.",
                totals["count"],
            )
            % totals
        ],
        confirm_label=_("Godkänn"),
        cancel_url=back,
        context={"project": access.project, "access": access},
    )
