"""Applies the core's role rules to participant objects."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess

from . import selectors
from .models import (
    CorrectionRequest,
    Invitation,
    ParticipantImport,
    Participation,
    RegistrationLink,
)


def participation_get_for_user(access: ProjectAccess, pk: int) -> Participation:
    """A participation in the user's scope; anything else (another project, another
    organisation for a contact) is a 404, so ids cannot be probed."""
    participation = selectors.participation_detail(access=access, pk=pk)
    if participation is None:
        raise Http404
    return participation


def participant_import_get_for_user(access: ProjectAccess, pk: int) -> ParticipantImport:
    """An upload the user made (a coordinator: any in the project); otherwise 404."""
    upload = selectors.participant_import_get(access=access, pk=pk)
    if upload is None:
        raise Http404
    return upload


def import_organisation_for(access: ProjectAccess) -> Organisation | None:
    """A contact imports only into their own organisation; a coordinator into any of the
    project's organisations (named per row). A contact for several organisations imports
    into the first of them by name: the import names no organisation per row for a contact,
    and never one outside her scope."""
    if access.is_coordinator:
        return None
    # Besides coordinators only contacts import, and a contact always has an organisation
    # (the constraint contact_has_organisation).
    assert access.organisation_ids
    return Organisation.objects.filter(pk__in=access.organisation_ids).order_by("name").first()


def correction_get(participation: Participation, pk: int) -> CorrectionRequest:
    return get_object_or_404(participation.correction_requests.filter(pk=pk))


def invitation_get_for_user(access: ProjectAccess, pk: int) -> Invitation:
    return get_object_or_404(selectors.invitation_list(access=access).filter(pk=pk))


def registration_link_get_for_user(access: ProjectAccess, pk: int) -> RegistrationLink:
    return get_object_or_404(selectors.registration_link_list(access=access).filter(pk=pk))
