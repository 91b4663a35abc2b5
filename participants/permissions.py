"""Applies the core's role rules to participant objects."""

from __future__ import annotations

from django.http import Http404

from digiproj.projects.permissions import ProjectAccess

from . import selectors
from .models import Participation


def participation_get_for_user(access: ProjectAccess, pk: int) -> Participation:
    """A participation in the user's scope; anything else (another project, another
    organisation for a contact) is a 404, so ids cannot be probed."""
    participation = selectors.participation_list(access=access).filter(pk=pk).first()
    if participation is None:
        raise Http404
    return participation
