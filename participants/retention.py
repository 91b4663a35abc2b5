"""Participants' part of the retention run after a project's `retain_until` (digiproj.retention).

The participations stay in every list and report (they are not erased: the funder's figures
count them), with their dates, organisation, role group, education level, employment status,
end reason, salary cost and reported gender. What goes: names, email, phone, workplace, the
reason for a gender override, correction requests' texts, the login when nothing else uses
it, the invitations and waiting registrations, and the personnummer when no project whose
retention has not run still holds the person. Each rule is in services.anonymisation, which
a person's erasure uses as well.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from digiproj.projects.models import Project
from digiproj.retention import Rule

from .models import CorrectionRequest, Invitation, Participation, PendingRegistration, Person
from .services import anonymisation


def identities_to_anonymise(project: Project) -> QuerySet[Person]:
    """The identities of the project's participants that no other project still needs (see
    anonymisation.participations_needing_identity), and that are not anonymous already."""
    needed_elsewhere = (
        Participation.objects.current()
        .filter(person=OuterRef("pk"), project__retention_record__isnull=True)
        .exclude(project=project)
    )
    return (
        Person.objects.filter(pk__in=Participation.objects.filter(project=project).values("person"))
        .exclude(personnummer__startswith="X")
        .exclude(Exists(needed_elsewhere))
    )


def _anonymise_each(people: QuerySet[Person]) -> int:
    return sum(anonymisation.identity_anonymise(person) for person in people.order_by("pk"))


def retention_rules(project: Project) -> list[Rule]:
    participations = Participation.objects.filter(project=project)
    ids = list(participations.values_list("pk", flat=True))
    logins = anonymisation.logins_unused_after(
        participations.values_list("user_id", flat=True), besides=ids
    )
    return [
        # The whole history is rewritten by the anonymise rules, so not here as well.
        *anonymisation.participation_contact_rules(ids, history=False),
        *anonymisation.participation_anonymise_rules(ids),
        Rule(
            "logins",
            get_user_model().objects.filter(pk__in=logins),
            lambda rows: anonymisation.logins_delete(list(rows.values_list("pk", flat=True))),
        ),
        Rule("personnummer", identities_to_anonymise(project), _anonymise_each),
        Rule(
            "comments",
            CorrectionRequest.objects.filter(participation__project=project).exclude(message=""),
            {"message": "", "message_key": ""},
        ),
        # Invitations the participants registered through lose their address above; the
        # others (never used, or their participation gone) are of no use any more.
        Rule(
            "contacts",
            Invitation.objects.filter(project=project).exclude(participation_id__in=ids),
            None,
        ),
        Rule("contacts", PendingRegistration.objects.filter(link__project=project), None),
    ]
