"""The rules that make a participant anonymous, one function per rule. Both a person's
erasure (rights.person_erase) and the retention run after a project's `retain_until`
(participants.retention) call these, so each rule is written once.

What stays is what the funder's figures need: the participation's dates, organisation, role
group, education level, employment status, end reason, salary cost and reported gender, and
the identity's gender and an age that is the same at every start date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from digiproj.retention import Rule, rules_apply

from ..models import Invitation, Participation, Person


def participations_needing_identity(person_id: int, *, besides: Iterable[int]) -> QuerySet:
    """The participations, other than `besides`, that still need the person's identity: not
    erased, and in a project whose retention has not run yet. A person shared with such a
    project keeps personnummer and birth date for it."""
    return (
        Participation.objects.current()
        .filter(person_id=person_id, project__retention_record__isnull=True)
        .exclude(pk__in=list(besides))
    )


def logins_unused_after(user_ids: Iterable[int | None], *, besides: Iterable[int]) -> list[int]:
    """The logins among `user_ids` that nothing uses once the participations `besides` let
    go of them: not a staff login, no other participation (in any project: that project
    linked it and still holds it), no staff role."""
    from digiproj.projects.models import Membership

    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return []
    used = set(
        Participation.objects.filter(user_id__in=ids)
        .exclude(pk__in=list(besides))
        .values_list("user_id", flat=True)
    ) | set(Membership.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    return sorted(
        get_user_model()
        .objects.filter(pk__in=ids - used, is_staff=False, is_superuser=False)
        .values_list("pk", flat=True)
    )


def logins_delete(user_ids: list[int]) -> int:
    """Delete logins (their addresses, MFA devices and calendar feed go with them) and blank
    what the admin's log says about them (it names the login)."""
    if not user_ids:
        return 0
    user_model = get_user_model()
    log_entries_rule(user_model, user_ids).apply()
    user_model.objects.filter(pk__in=user_ids).delete()
    return len(user_ids)


def participation_contact_rules(ids: list[int], *, history: bool = True) -> list[Rule]:
    """Email, phone, the nearest manager kept for the certificates and the link to the
    login go, from the participations, their history
    (unless the caller rewrites it whole: participation_anonymise_rules) and the invitations
    they were registered through. The login itself: logins_unused_after."""
    rows = Participation.objects.filter(pk__in=ids)
    rules = [
        Rule("contacts", rows.exclude(email=""), {"email": ""}),
        Rule("contacts", rows.exclude(phone=""), {"phone": ""}),
        Rule(
            "contacts",
            rows.exclude(manager_name="", manager_email=""),
            {"manager_name": "", "manager_email": ""},
        ),
        Rule("links", rows.exclude(user=None), {"user": None}),
        Rule(
            "contacts",
            Invitation.objects.filter(participation_id__in=ids).exclude(email=""),
            {"email": ""},
        ),
    ]
    if history:
        rules.append(
            Rule(
                "history",
                Participation.history.filter(id__in=ids).filter(
                    ~Q(email="")
                    | ~Q(phone="")
                    | ~Q(manager_name="")
                    | ~Q(manager_email="")
                    | Q(user__isnull=False)
                ),
                {"email": "", "phone": "", "manager_name": "", "manager_email": "", "user": None},
            )
        )
    return rules


def participations_contact_erase(participations: QuerySet[Participation]) -> Counter[str]:
    return rules_apply(
        participation_contact_rules(list(participations.values_list("pk", flat=True)))
    )


def participation_anonymise_rules(ids: list[int]) -> list[Rule]:
    """Names, the workplace and the free-text reason for a gender override are replaced, in
    the participations and every history row of them, and the admin's log no longer names
    them. The override itself stays: it is the gender reported."""
    rows = Participation.objects.filter(pk__in=ids)
    erased = _("Raderad")
    return [
        Rule(
            "names",
            rows.exclude(first_name=erased, last_name=""),
            {"first_name": erased, "last_name": ""},
        ),
        Rule("workplaces", rows.exclude(workplace=""), {"workplace": ""}),
        # The database requires a reason with an override: a placeholder, not the text.
        Rule(
            "comments",
            rows.exclude(gender_override_reason="").exclude(gender_override_reason=erased),
            {"gender_override_reason": erased},
        ),
        Rule(
            "history",
            Participation.history.filter(id__in=ids),
            {
                "first_name": erased,
                "last_name": "",
                "email": "",
                "phone": "",
                "user": None,
                "workplace": "",
                "gender_override_reason": "",
                "history_change_reason": "",
            },
        ),
        log_entries_rule(Participation, ids),
    ]


def participations_anonymise(participations: QuerySet[Participation]) -> Counter[str]:
    return rules_apply(
        participation_anonymise_rules(list(participations.values_list("pk", flat=True)))
    )


def identity_anonymous_birth_date(born: dt.date, starts: Iterable[dt.date]) -> dt.date:
    """The earliest day of the birth year that gives the same age at every start date: the
    reports count age at start (and its band), so those stay while the birthday goes."""
    earlier = [(s.month, s.day) for s in starts if (s.month, s.day) < (born.month, born.day)]
    if not earlier:
        return born.replace(month=1, day=1)
    month, day = max(earlier)
    try:
        return dt.date(born.year, month, day) + dt.timedelta(days=1)
    except ValueError:  # 29 February of a start, in a birth year without one
        return dt.date(born.year, 3, 1)


def identity_anonymise(person: Person) -> bool:
    """Replace the personnummer with a number that names nobody, keep the gender it showed
    and an age-preserving birth date (identity_anonymous_birth_date), and delete its
    history. Call only when no participation needs the identity any more. False when it
    was anonymous already."""
    if person.personnummer.startswith("X"):
        return False
    starts = Participation.objects.filter(person=person).values_list("start_date", flat=True)
    person.personnummer = f"X{person.pk:011d}"
    person.birth_date = identity_anonymous_birth_date(person.birth_date, starts)
    person.save()
    Person.history.filter(id=person.pk).delete()
    log_entries_rule(Person, [person.pk]).apply()
    return True


def log_entries_rule(model: type, ids: Iterable[int]) -> Rule:
    """The admin's log keeps each object's name as it was (`object_repr`): blank it."""
    content_type = ContentType.objects.get_for_model(model)
    return Rule(
        "history",
        LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(i) for i in ids]
        ).filter(~Q(object_repr="") | ~Q(change_message="")),
        {"object_repr": "", "change_message": ""},
    )
