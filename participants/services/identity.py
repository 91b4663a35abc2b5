"""The personnummer: one shared identity per number, its corrections, and the logged
reveals of the full number."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import personnummer as pnr
from ..models import Participation, Person

audit_log = logging.getLogger("digiproj.audit")


def person_derived_fields(personnummer12: str) -> dict[str, Any]:
    """Birth date and gender follow from the number; stored so reports can group by them."""
    return {
        "birth_date": pnr.birth_date(personnummer12),
        "gender_from_number": pnr.gender_from_number(personnummer12),
    }


@transaction.atomic
def person_get_or_create(*, personnummer: str) -> tuple[Person, bool]:
    """One identity per number: an existing number is reused, never duplicated. Only the
    identity is shared (see Person); nothing another project holds is read or changed."""
    number = pnr.normalize(personnummer)
    existing = Person.objects.select_for_update().filter(personnummer=number).first()
    if existing:
        return existing, False
    person = Person(personnummer=number, **person_derived_fields(number))
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Someone else created the same number a moment ago: theirs is the one identity.
        return Person.objects.get(personnummer=number), False
    return person, True


@transaction.atomic
def participation_set_personnummer(*, participation: Participation, personnummer: str) -> None:
    """Correct the number of one project's participant: the one place the identity changes.

    The shared Person is rewritten in place only when this participation is the only one
    holding it and the corrected number is new; otherwise this participation (with its
    survey invitations and responses in this project) moves to the identity of the corrected
    number, and the old identity is removed once nobody holds it. So a project never changes
    the identity another project holds, and the answer never says whether the number is
    known elsewhere."""
    number = pnr.normalize(personnummer)
    old = Person.objects.select_for_update().get(pk=participation.person_id)
    if number == old.personnummer:
        return
    target = Person.objects.select_for_update().filter(personnummer=number).first()
    sole_holder = not Participation.objects.filter(person=old).exclude(pk=participation.pk).exists()
    if target is None and sole_holder:
        old.personnummer = number
        for name, value in person_derived_fields(number).items():
            setattr(old, name, value)
        old.full_clean()
        old.save()
        person = old
    else:
        if target is None:
            target, _created = person_get_or_create(personnummer=number)
        if Participation.objects.filter(project=participation.project, person=target).exists():
            raise ValidationError(
                {
                    "personnummer": _(
                        "Personnumret tillhör redan en annan deltagare i projektet. "
                        "Kontrollera numret."
                    )
                }
            )
        _move_project_rows(participation=participation, old=old, new=target)
        person = target
    participation.person = person
    participation.gender_from_number = person.gender_from_number
    participation._change_reason = _("Personnummer rättat")
    participation.save()
    if person != old and not Participation.objects.filter(person=old).exists():
        _delete_unheld_person(old)


def _move_project_rows(*, participation: Participation, old: Person, new: Person) -> None:
    """Survey invitations and responses of this project follow its participation to the
    corrected identity. (Surveys key them by person; participants may not import surveys,
    so the models are looked up by name.)"""
    from django.apps import apps

    project_id = participation.project_id
    for label in ("surveys.Invitation", "surveys.Response"):
        model = apps.get_model(label)
        model.objects.filter(person=old, round__survey__project_id=project_id).update(person=new)


def _delete_unheld_person(person: Person) -> None:
    """An identity no project holds any more is removed, with its history."""
    from django.db.models import ProtectedError

    try:
        with transaction.atomic():
            Person.history.filter(id=person.pk).delete()
            person.delete()
    except ProtectedError:
        pass  # still referenced (a survey answer elsewhere): keep the bare identity


def person_personnummer_check(*, person: Person, personnummer: str) -> str:
    """A corrected number for `person`, normalised; refused (translated ValidationError on
    "personnummer") when it is not valid or belongs to another person."""
    try:
        number = pnr.normalize(personnummer)
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.error_list}) from exc
    if Person.objects.filter(personnummer=number).exclude(pk=person.pk).exists():
        raise ValidationError(
            {
                "personnummer": _(
                    "Personnumret tillhör en annan person i digiproj. Kontrollera "
                    "numret, eller kontakta en administratör om två poster ska slås ihop."
                )
            }
        )
    return number


@transaction.atomic
def person_personnummer_correct(*, person: Person, personnummer: str) -> Person:
    """Correct a person's number from the platform admin (the shared identity, for every
    project: the admin is nobody's project). The birth date and the gender the number shows
    follow it (person_derived_fields, copied to each participation), so the ESF figures
    never keep a stale gender; a participation's gender override with its reason stays in
    force, as its `gender` is generated from the override first. A project corrects only
    its own participation (participation_set_personnummer)."""
    number = person_personnummer_check(person=person, personnummer=personnummer)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if number == person.personnummer:
        return person
    person.personnummer = number
    for name, value in person_derived_fields(number).items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    # The participations' copy of the number's gender (their generated gender reads it).
    Participation.objects.filter(person=person).update(gender_from_number=person.gender_from_number)
    audit_log.info("personnummer corrected: person=%s", person.pk)
    return person


def personnummer_reveal(*, participation: Participation, user_id: int, context: str) -> str:
    """Return the full number and log who saw whose, and when (never the number itself)."""
    from ..models import PersonnummerReveal

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
    from ..models import PersonnummerReveal

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


def person_personnummer_reveal(*, person: Person, user_id: int, context: str) -> str:
    """The full number of a person seen outside one project (the Django admin), logged like
    a coordinator's reveal: one PersonnummerReveal for each of the person's participations,
    so every project holding the person sees it in its log. Without a participation there is
    nowhere to log it, so it is not shown."""
    ids = list(Participation.objects.filter(person=person).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(
            _("Personen har inget deltagande att logga visningen mot. Numret visas inte."),
            code="nothing_to_log",
        )
    personnummer_reveal_bulk(participation_ids=ids, user_id=user_id, context=context)
    return pnr.display(person.personnummer)
