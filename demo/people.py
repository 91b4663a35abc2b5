"""Demo people: the demo logins and staff, generated participants (test personnummer only)
and the demo participant, who takes part in DIGILO and in the running ESF+ project."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.db import transaction
from faker import Faker

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, Project
from participants import personnummer as pnr
from participants.models import Participation, Person
from participants.services import person_derived_fields

T = TypeVar("T")

DEMO_PASSWORD = "Demo-digiproj-2026"  # noqa: S105 – printed by `make run`, demo only


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = [
    DemoLogin("koordinator", "koordinator@digiproj.test"),
    DemoLogin("kontaktperson", "kontaktperson@digiproj.test"),
    DemoLogin("deltagare", "deltagare@digiproj.test"),
    DemoLogin("administratör", "admin@digiproj.test"),
]

ROLE_GROUPS = [
    (Participation.RoleGroup.ADMIN_STAFF, 60),
    (Participation.RoleGroup.SUPPORT, 30),
    (Participation.RoleGroup.MANAGER, 8),
    (Participation.RoleGroup.OTHER, 2),
]
ISCED = [
    (Participation.Isced.ISCED_3_4, 45),
    (Participation.Isced.ISCED_5_8, 45),
    (Participation.Isced.ISCED_0_2, 5),
    (Participation.Isced.UNKNOWN, 5),
]


# Birth dates 1945–2004, spread evenly: n -> (date, slot) is one-to-one for n < 10 × DAYS,
# because the stride is prime to the number of days. Each project's people get their own n.
BIRTH_BASE = dt.date(1945, 1, 1)
BIRTH_DAYS = 21_900
BIRTH_STRIDE = 7_919
PERSONS_PER_SEED = 105_000


def _birth(n: int) -> tuple[dt.date, int]:
    slot, index = divmod(n, BIRTH_DAYS)
    if slot > 9:
        raise ValueError("too many demo persons for the test-number range")
    return BIRTH_BASE + dt.timedelta(days=(index * BIRTH_STRIDE) % BIRTH_DAYS), slot


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def seed_user(email: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = (User.objects.create_superuser if superuser else User.objects.create_user)(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_participants(
    project: Project, employers: list[Organisation], count: int, *, seed: int, batch: int = 5000
) -> int:
    """Create `count` participants in the project (those already there are kept)."""
    rng = random.Random(seed)
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    start_from = project.implementation_start or project.start_date
    end_to = project.implementation_end or project.end_date
    span = (end_to - start_from).days
    created = 0
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        persons, rows = [], []
        for i in range(offset, offset + size):
            gender = pnr.Gender.WOMAN if rng.random() < 0.7 else pnr.Gender.MAN
            born, slot = _birth(i + seed * PERSONS_PER_SEED)
            number = pnr.test_number(born, slot, gender=gender)
            first = (
                fake.first_name_female() if gender == pnr.Gender.WOMAN else fake.first_name_male()
            )
            last = fake.last_name()
            derived = person_derived_fields(number)
            persons.append(Person(personnummer=number, **derived))
            start = start_from + dt.timedelta(days=rng.randrange(max(span, 1)))
            ended = rng.random() < 0.15
            end = min(start + dt.timedelta(days=rng.randrange(30, 300)), end_to) if ended else None
            rows.append(
                {
                    "number": number,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first}.{last}.{i}@{project.pk}.demo.test".lower().replace(" ", ""),
                    "gender_from_number": derived["gender_from_number"],
                    "organisation": rng.choice(employers),
                    "role_group": _pick(rng, ROLE_GROUPS),
                    "isced": _pick(rng, ISCED),
                    "start_date": start,
                    "end_date": end,
                    "end_reason": Participation.EndReason.COMPLETED if end else "",
                    "annual_salary_cost": Decimal(rng.randrange(420_000, 720_000, 1000)),
                }
            )
        with transaction.atomic():
            Person.objects.bulk_create(persons, ignore_conflicts=True, batch_size=2000)
            ids = dict(
                Person.objects.filter(personnummer__in=[r["number"] for r in rows]).values_list(
                    "personnummer", "pk"
                )
            )
            participations = [
                Participation(
                    person_id=ids[r.pop("number")],
                    project=project,
                    consent_method=Participation.ConsentMethod.DIGITAL,
                    **r,
                )
                for r in rows
            ]
            before = Participation.objects.filter(project=project).count()
            Participation.objects.bulk_create(
                participations, ignore_conflicts=True, batch_size=2000
            )
            created += Participation.objects.filter(project=project).count() - before
    return created


def seed_staff(projects: list[Project], *, contact_organisation: Organisation) -> User:
    """The admin, the coordinator of every project given, and a contact person for
    `contact_organisation` in the first (DIGILO). Returns the coordinator."""
    seed_user("admin@digiproj.test", "Ada", "Administratör", superuser=True)
    coordinator = seed_user("koordinator@digiproj.test", "Karin", "Samordnare")
    contact = seed_user("kontaktperson@digiproj.test", "Kent", "Kontakt")
    for project in projects:
        Membership.objects.get_or_create(
            user=coordinator, project=project, defaults={"role": Membership.Role.COORDINATOR}
        )
    Membership.objects.get_or_create(
        user=contact,
        project=projects[0],
        defaults={"role": Membership.Role.CONTACT, "organisation": contact_organisation},
    )
    return coordinator


def _demo_participation_defaults(
    user: User, person: Person, employer: Organisation, start_date: dt.date
) -> dict[str, Any]:
    return {
        "first_name": "Dana",
        "last_name": "Deltagare",
        "email": user.email,
        "user": user,
        "gender_from_number": person.gender_from_number,
        "organisation": employer,
        "workplace": "Kommunledningskontoret",
        "start_date": start_date,
        "consent_method": Participation.ConsentMethod.DIGITAL,
    }


def seed_demo_participant(project: Project, user: User, employer: Organisation) -> Person:
    """The demo participant's person: the login `user`, taking part in `project` (DIGILO)
    since 2021, employed by `employer`."""
    existing = Participation.objects.filter(user=user).select_related("person").first()
    if existing is not None:
        return existing.person
    number = pnr.test_number(dt.date(1984, 5, 17), 0, gender=pnr.Gender.WOMAN)
    person, _ = Person.objects.get_or_create(
        personnummer=number, defaults=person_derived_fields(number)
    )
    Participation.objects.get_or_create(
        person=person,
        project=project,
        defaults=_demo_participation_defaults(user, person, employer, dt.date(2021, 9, 15)),
    )
    return person


def seed_demo_participant_joins(
    project: Project, person: Person, user: User, employer: Organisation
) -> None:
    """The demo participant in the running project too, since March 2026."""
    defaults = _demo_participation_defaults(user, person, employer, dt.date(2026, 3, 2))
    Participation.objects.get_or_create(
        person=person,
        project=project,
        defaults={**defaults, "annual_salary_cost": Decimal("560000")},
    )


def seed_non_binary(project: Project) -> None:
    """The project's first participant is non-binary, as reported by them (with a reason)."""
    first = (
        Participation.objects.filter(project=project)
        .order_by("pk")
        .select_related("person")
        .first()
    )
    if first and not first.gender_override:
        first.gender_override = pnr.Gender.NON_BINARY
        first.gender_override_reason = "Anmält av deltagaren"
        first.save(update_fields=["gender_override", "gender_override_reason"])
