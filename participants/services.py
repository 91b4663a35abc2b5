"""Writes of participants. Every write validates first and saves nothing on error."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from . import personnummer as pnr
from .models import Participation, Person

audit_log = logging.getLogger("digiproj.audit")


def person_derived_fields(personnummer12: str) -> dict[str, Any]:
    """Birth date and gender follow from the number; stored so reports can group by them."""
    return {
        "birth_date": pnr.birth_date(personnummer12),
        "gender_from_number": pnr.gender_from_number(personnummer12),
    }


@transaction.atomic
def person_get_or_create(
    *, personnummer: str, first_name: str, last_name: str, email: str = "", phone: str = ""
) -> tuple[Person, bool]:
    """One Person per human: an existing number is reused, never duplicated."""
    number = pnr.normalize(personnummer)
    existing = Person.objects.select_for_update().filter(personnummer=number).first()
    if existing:
        return existing, False
    person = Person(
        personnummer=number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        **person_derived_fields(number),
    )
    person.full_clean(exclude=["gender"])
    person.save()
    return person, True


@transaction.atomic
def participation_create(
    *,
    project: Project,
    person: Person,
    organisation: Organisation,
    start_date: dt.date,
    **fields: Any,
) -> Participation:
    if Participation.objects.filter(project=project, person=person).exists():
        raise ValidationError(
            _("%(name)s (%(pnr)s) är redan deltagare i projektet."),
            params={"name": person.full_name, "pnr": person.masked_personnummer},
            code="duplicate_in_project",
        )
    participation = Participation(
        project=project, person=person, organisation=organisation, start_date=start_date, **fields
    )
    participation.full_clean()
    participation.save()
    return participation


def personnummer_reveal(*, participation: Participation, user_id: int, context: str) -> str:
    """Return the full number and log who saw whose, and when (never the number itself)."""
    from .models import PersonnummerReveal

    PersonnummerReveal.objects.create(user_id=user_id, participation=participation, context=context)
    audit_log.info(
        "personnummer revealed: user=%s participation=%s context=%s",
        user_id,
        participation.pk,
        context,
    )
    return pnr.display(participation.person.personnummer)


def personnummer_reveal_bulk(*, participation_ids: list[int], user_id: int, context: str) -> int:
    """Log that full numbers of many participants were shown at once (a report file)."""
    from .models import PersonnummerReveal

    PersonnummerReveal.objects.bulk_create(
        [
            PersonnummerReveal(user_id=user_id, participation_id=pk, context=context)
            for pk in participation_ids
        ],
        batch_size=5000,
    )
    audit_log.info(
        "personnummer revealed in bulk: user=%s count=%s context=%s",
        user_id,
        len(participation_ids),
        context,
    )
    return len(participation_ids)
