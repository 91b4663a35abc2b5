"""Bulk changes from the participant list: all the chosen or none (one transaction), each
row saved as itself so its history says what changed and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess

from ..models import Participation
from .records import participation_end
from .registration import invitation_create


@transaction.atomic
def participations_update_many(
    *, access: ProjectAccess, participations: QuerySet[Participation], changes: dict[str, str]
) -> int:
    """Set the same values (role group, education level, workplace, nearest manager) on
    everyone chosen. Only the changed fields are checked and written: an old record's other
    fields do not stop the change."""
    access.require("participants.edit")
    changes = {
        name: value.strip().lower() if name == "manager_email" else value.strip()
        for name, value in changes.items()
    }
    others = [f.name for f in Participation._meta.fields if f.name not in changes]
    count = 0
    for participation in participations.select_for_update(of=("self",)):
        for name, value in changes.items():
            setattr(participation, name, value)
        participation.clean_fields(exclude=others)
        participation._change_reason = _("Ändrat för flera deltagare på en gång")
        participation.save(update_fields=[*changes, "updated_at"])
        count += 1
    return count


@transaction.atomic
def participations_end_many(
    *,
    access: ProjectAccess,
    participations: QuerySet[Participation],
    end_date: dt.date,
    end_reason: str,
) -> int:
    """End every chosen participation that is still going on, or none: a date before
    someone's start is named, with whom, and nothing is written."""
    access.require("participants.edit")
    errors: list[str] = []
    count = 0
    for participation in participations.filter(end_date__isnull=True).select_for_update(
        of=("self",)
    ):
        try:
            participation_end(participation=participation, end_date=end_date, end_reason=end_reason)
        except ValidationError as error:
            errors.extend(
                _("%(name)s: %(problem)s") % {"name": participation.full_name, "problem": m}
                for m in error.messages
            )
        count += 1
    if errors:
        raise ValidationError(errors)
    return count


def participations_invite(
    *, access: ProjectAccess, participations: QuerySet[Participation], by_user_id: int
) -> dict[str, int]:
    """Invite to the platform everyone chosen who has an address and no login yet. Returns
    how many were invited, already had an invitation waiting, or had no address."""
    access.require("participants.edit")
    outcome: dict[str, Any] = {"invited": 0, "waiting": 0, "no_address": 0}
    for participation in participations.filter(user__isnull=True).select_related("organisation"):
        if not participation.email:
            outcome["no_address"] += 1
            continue
        try:
            invitation_create(
                project=access.project,
                organisation=participation.organisation,
                email=participation.email,
                invited_by_id=by_user_id,
            )
        except ValidationError:
            outcome["waiting"] += 1  # an invitation waits already (or she has a login)
        else:
            outcome["invited"] += 1
    return outcome
