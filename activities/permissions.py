"""Applies the core's role rules to activity objects: out of scope is a 404."""

from __future__ import annotations

import enum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

from .models import Activity, AttendanceImport, Enrolment, SelfReportedTime, Session
from .selectors import sessions as session_selectors


def activity_get_for_user(access: ProjectAccess, pk: int) -> Activity:
    return get_object_or_404(session_selectors.activity_list(access=access).filter(pk=pk))


def session_get_for_user(access: ProjectAccess, pk: int) -> Session:
    """A session of the project; a teacher only sees the sessions they lead or teach."""
    return get_object_or_404(
        session_selectors.session_list_with_counts(access=access).filter(pk=pk)
    )


def session_get_for_participant(access: ProjectAccess, pk: int) -> Session:
    """A session of the project the participant holds a live enrolment in (enrolled or
    waiting). Only her own enrolment counts: someone else's cancellation hides nothing."""
    hers = (
        Enrolment.objects.filter(session=OuterRef("pk"))
        .filter(access.participation_q("participation"))
        .exclude(status=Enrolment.Status.CANCELLED)
    )
    return get_object_or_404(
        Session.objects.select_related("activity")
        .filter(activity__project=access.project)
        .filter(Exists(hers)),
        pk=pk,
    )


def enrolment_get_for_user(access: ProjectAccess, pk: int) -> Enrolment:
    """An enrolment of someone in the user's scope (contact: own organisation; participant:
    themself). Teachers do not manage enrolments."""
    if access.is_teacher:
        raise Http404
    return get_object_or_404(
        Enrolment.objects.filter(pk=pk, session__activity__project=access.project)
        .filter(access.participation_q("participation"))
        .select_related("session__activity", "participation__person")
    )


def participation_for_enrolment(access: ProjectAccess, pk: int) -> Participation:
    return get_object_or_404(session_selectors.participation_choices(access=access).filter(pk=pk))


def self_report_get_for_user(access: ProjectAccess, pk: int) -> SelfReportedTime:
    return get_object_or_404(session_selectors.self_report_list(access=access).filter(pk=pk))


def participation_for_hours(access: ProjectAccess, pk: int) -> Participation:
    """A participation whose hours the user may see: staff in scope, or the participant."""
    if access.is_teacher:
        raise Http404
    return get_object_or_404(
        Participation.objects.current()
        .filter(project=access.project, pk=pk)
        .filter(access.participation_q())
        .select_related("person", "organisation", "project")
    )


def require_own_participation(access: ProjectAccess) -> Participation:
    """The signed-in participant's own participation in the project."""
    if not access.is_participant:
        raise PermissionDenied
    return participation_for_hours(
        access,
        Participation.objects.filter(project=access.project)
        .filter(access.participation_q())
        .values_list("pk", flat=True)
        .first()
        or 0,
    )


class PersonnummerShown(enum.StrEnum):
    OWN = "own"  # the participant's own number, to herself
    REVEALED = "revealed"  # the full number to staff allowed to reveal it (logged)
    MASKED = "masked"  # YYYYMMDD-****


def certificate_personnummer_shown(
    access: ProjectAccess | None, participation: Participation
) -> PersonnummerShown:
    """What personnummer a certificate (närvarorapport) file shows its reader.

    The funder's certificate needs all 12 digits. Staff who may reveal personnummer (the
    core's "participants.reveal_personnummer") may produce it, and that is a logged reveal;
    the participant sees her own; everyone else — a contact person, the nearest manager
    holding the signing link (no access at all) — sees it masked."""
    if access is None:
        return PersonnummerShown.MASKED
    if access.is_participant:
        own = access.person_id is not None and access.person_id == participation.person_id
        return PersonnummerShown.OWN if own else PersonnummerShown.MASKED
    if access.can("participants.reveal_personnummer"):
        return PersonnummerShown.REVEALED
    return PersonnummerShown.MASKED


def attendance_import_get_for_user(access: ProjectAccess, pk: int) -> AttendanceImport:
    """An attendance import the user made themself, of a session whose attendance they may
    mark. Anyone else's is a 404, a coordinator's too: a draft holds what that user's file
    said, about people the other user may not see."""
    return get_object_or_404(
        AttendanceImport.objects.filter(
            pk=pk,
            created_by_id=access.user_id,
            session__in=session_selectors.session_list(access=access).values("pk"),
        ).select_related("session__activity")
    )
