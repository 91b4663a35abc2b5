"""Demo data: the two seed projects (DIGILO and DigiWestum), their organisations, demo logins
and generated participants. Idempotent; the same generator with a size feeds the benchmarks.

Every personnummer is a *test* number (birth number 980–999, reserved by Skatteverket), so no
real person's number is ever used.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from faker import Faker

from digiproj.accounts.models import User
from digiproj.dates import STOCKHOLM
from digiproj.projects.models import (
    Membership,
    Organisation,
    Project,
    ProjectOrganisation,
    UnitCost,
)
from participants import personnummer as pnr
from participants.models import Participation, Person
from participants.services import person_derived_fields

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

ORGANISATIONS = {
    # name: (organisationsnummer, kind). Numbers pass the checksum; demo data only.
    "Umeå kommun": ("212000-2742", Organisation.Kind.KOMMUN),
    "Skellefteå kommun": ("212000-2783", Organisation.Kind.KOMMUN),
    "Piteå kommun": ("212000-2817", Organisation.Kind.KOMMUN),
    "Örnsköldsviks kommun": ("212000-2460", Organisation.Kind.KOMMUN),
    "Region Västerbotten": ("232100-0222", Organisation.Kind.REGION),
    "Nätverk Westum": ("802000-0009", Organisation.Kind.OTHER),
    "Lidköpings kommun": ("212000-1462", Organisation.Kind.KOMMUN),
    "Trollhättans stad": ("212000-1538", Organisation.Kind.KOMMUN),
    "Uddevalla kommun": ("212000-1512", Organisation.Kind.KOMMUN),
    "Vänersborgs kommun": ("212000-1595", Organisation.Kind.KOMMUN),
    "Alingsås kommun": ("212000-1470", Organisation.Kind.KOMMUN),
}

PROJECTS = [
    {
        "diarienummer": "2020/00268",
        "name": "DIGILO – Digital kompetens",
        "owner": "Umeå kommun",
        "employers": [
            "Umeå kommun",
            "Skellefteå kommun",
            "Örnsköldsviks kommun",
            "Piteå kommun",
            "Region Västerbotten",
        ],
        "fields": {
            "region": "Övre Norrland",
            "description": "Höja den digitala kompetensen hos administrativ personal och "
            "stödfunktioner i Umeå, Skellefteå, Örnsköldsvik, Piteå och Region Västerbotten.",
            "programme_period": Project.ProgrammePeriod.ESF_2014_2020,
            "programme_area": "1",
            "specific_objective": "1.1",
            "intervention_code": "117",
            "start_date": dt.date(2021, 3, 1),
            "end_date": dt.date(2023, 2, 28),
            "analysis_start": dt.date(2021, 3, 1),
            "analysis_end": dt.date(2021, 8, 31),
            "implementation_start": dt.date(2021, 9, 1),
            "implementation_end": dt.date(2022, 12, 31),
            "closing_start": dt.date(2023, 1, 1),
            "closing_end": dt.date(2023, 2, 28),
            "planned_participants": 400,
            "planned_women": 300,
            "planned_men": 100,
            "total_budget": Decimal("9800000"),
            "esf_support": Decimal("4900000"),
            "eu_cofinancing_rate": Decimal("50"),
            "budgeted_cofinancing": Decimal("2400000"),
            "cofinancing_method": Project.CofinancingMethod.UNIT_COST,
            "retain_until": dt.date(2028, 12, 31),
        },
    },
    {
        "diarienummer": "2020/00117",
        "name": "DigiWestum",
        "owner": "Nätverk Westum",
        "employers": [
            "Lidköpings kommun",
            "Trollhättans stad",
            "Uddevalla kommun",
            "Vänersborgs kommun",
            "Alingsås kommun",
        ],
        "fields": {
            "region": "Västsverige",
            "description": "Kompetensutveckling inom digitalisering för personalen hos "
            "Westums 35 kommunala lärcentra och vuxenutbildningar.",
            "programme_period": Project.ProgrammePeriod.ESF_2014_2020,
            "programme_area": "1",
            "specific_objective": "1.1",
            "intervention_code": "117",
            "start_date": dt.date(2020, 8, 1),
            "end_date": dt.date(2022, 7, 31),
            "analysis_start": dt.date(2020, 8, 1),
            "analysis_end": dt.date(2021, 1, 31),
            "implementation_start": dt.date(2021, 2, 1),
            "implementation_end": dt.date(2022, 5, 31),
            "closing_start": dt.date(2022, 6, 1),
            "closing_end": dt.date(2022, 7, 31),
            "planned_participants": 350,
            "total_budget": Decimal("3109687"),
            # 47.0 % of the budget, while the programme's EU rate is 50 %.
            "esf_support": Decimal("1462608"),
            "eu_cofinancing_rate": Decimal("50"),
            "budgeted_cofinancing": Decimal("1200000"),
            "cofinancing_method": Project.CofinancingMethod.UNIT_COST,
            "retain_until": dt.date(2027, 12, 31),
        },
    },
]

LIVE_PROJECT = {
    # An ESF+ project running today, so the demo shows upcoming sessions and an open survey.
    "diarienummer": "2025/00042",
    "name": "Digital vardag i Västerbotten (demo, ESF+)",
    "owner": "Region Västerbotten",
    "employers": ["Region Västerbotten", "Umeå kommun", "Skellefteå kommun"],
    "fields": {
        "region": "Övre Norrland",
        "description": "Demoprojekt: ett pågående ESF+-projekt med kommande tillfällen och en "
        "öppen självskattning.",
        "programme_period": Project.ProgrammePeriod.ESF_PLUS_2021_2027,
        "programme_area": "A",
        "specific_objective": "A1",
        "intervention_code": "146",
        "start_date": dt.date(2025, 9, 1),
        "end_date": dt.date(2027, 8, 31),
        "analysis_start": dt.date(2025, 9, 1),
        "analysis_end": dt.date(2026, 2, 28),
        "implementation_start": dt.date(2026, 3, 1),
        "implementation_end": dt.date(2027, 5, 31),
        "closing_start": dt.date(2027, 6, 1),
        "closing_end": dt.date(2027, 8, 31),
        "planned_participants": 120,
        "planned_women": 80,
        "planned_men": 40,
        "total_budget": Decimal("4200000"),
        "esf_support": Decimal("2100000"),
        "eu_cofinancing_rate": Decimal("50"),
        "budgeted_cofinancing": Decimal("900000"),
        "cofinancing_method": Project.CofinancingMethod.REAL_COST,
        "hour_rounding": Project.HourRounding.NONE,
        "retain_until": dt.date(2035, 12, 31),
    },
}

# Demo unit costs (kr per hour, lönegrupp 1) per year; the coordinator enters the real table.
UNIT_COSTS = {
    2020: Decimal("232.00"),
    2021: Decimal("238.00"),
    2022: Decimal("245.00"),
    2023: Decimal("254.00"),
}

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


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _user(email: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = (User.objects.create_superuser if superuser else User.objects.create_user)(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _project(spec: dict, orgs: dict[str, Organisation]) -> Project:
    project, _ = Project.objects.get_or_create(
        diarienummer=spec["diarienummer"],
        defaults={"name": spec["name"], "owner": orgs[spec["owner"]], **spec["fields"]},
    )
    ProjectOrganisation.objects.get_or_create(
        project=project, organisation=orgs[spec["owner"]], defaults={"role": "owner"}
    )
    for name in spec["employers"]:
        ProjectOrganisation.objects.get_or_create(
            project=project, organisation=orgs[name], defaults={"role": "employer"}
        )
    for year, cost in UNIT_COSTS.items():
        if spec["fields"]["start_date"].year <= year <= spec["fields"]["end_date"].year:
            UnitCost.objects.get_or_create(
                project=project, year=year, defaults={"sek_per_hour": cost}
            )
    return project


def _participants(
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


def seed(*, participants_per_project: int = 150) -> dict[str, int]:
    """Create or complete the demo data. Running it again changes nothing."""
    orgs = {}
    for name, (number, kind) in ORGANISATIONS.items():
        orgs[name], _ = Organisation.objects.get_or_create(
            organisationsnummer=number, defaults={"name": name, "kind": kind}
        )
    projects = [_project(spec, orgs) for spec in PROJECTS]
    digilo = projects[0]

    _user("admin@digiproj.test", "Ada", "Administratör", superuser=True)
    coordinator = _user("koordinator@digiproj.test", "Karin", "Samordnare")
    contact = _user("kontaktperson@digiproj.test", "Kent", "Kontakt")
    for project in projects:
        Membership.objects.get_or_create(
            user=coordinator, project=project, defaults={"role": Membership.Role.COORDINATOR}
        )
    Membership.objects.get_or_create(
        user=contact,
        project=digilo,
        defaults={"role": Membership.Role.CONTACT, "organisation": orgs["Umeå kommun"]},
    )

    created = 0
    for index, (spec, project) in enumerate(zip(PROJECTS, projects, strict=True)):
        employers = [orgs[name] for name in spec["employers"]]
        created += _participants(project, employers, participants_per_project, seed=index)

    # The demo participant: a login linked to a person in DIGILO, employed by Umeå kommun.
    participant_user = _user("deltagare@digiproj.test", "Dana", "Deltagare")
    if not Participation.objects.filter(user=participant_user).exists():
        number = pnr.test_number(dt.date(1984, 5, 17), 0, gender=pnr.Gender.WOMAN)
        person, _ = Person.objects.get_or_create(
            personnummer=number, defaults=person_derived_fields(number)
        )
        Participation.objects.get_or_create(
            person=person,
            project=digilo,
            defaults={
                "first_name": "Dana",
                "last_name": "Deltagare",
                "email": participant_user.email,
                "user": participant_user,
                "gender_from_number": person.gender_from_number,
                "organisation": orgs["Umeå kommun"],
                "workplace": "Kommunledningskontoret",
                "start_date": dt.date(2021, 9, 15),
                "consent_method": Participation.ConsentMethod.DIGITAL,
            },
        )
    # Activities, attendance and the DigComp survey for DIGILO (the demo participant's
    # project), so hours, certificates, results and reports have data to show.
    demo_person = Participation.objects.filter(user=participant_user).first().person
    umea = list(
        Participation.objects.filter(project=digilo, organisation=orgs["Umeå kommun"])
        .exclude(person=demo_person)
        .select_related("person", "organisation")
        .order_by("pk")[:39]
    ) + list(Participation.objects.filter(project=digilo, person=demo_person))
    _demo_activities(digilo, umea, upcoming=False)
    _demo_survey(digilo, umea, rng=random.Random(7), live=False)
    _demo_goals(digilo)

    # The running ESF+ project: a few participants (one non-binary, reported with a reason),
    # the demo participant among them, upcoming sessions and an open self-assessment.
    live = _project(LIVE_PROJECT, orgs)
    Membership.objects.get_or_create(
        user=coordinator, project=live, defaults={"role": Membership.Role.COORDINATOR}
    )
    live_employers = [orgs[name] for name in LIVE_PROJECT["employers"]]
    created += _participants(live, live_employers, min(participants_per_project, 60), seed=2)
    first = (
        Participation.objects.filter(project=live).order_by("pk").select_related("person").first()
    )
    if first and not first.gender_override:
        first.gender_override = pnr.Gender.NON_BINARY
        first.gender_override_reason = "Anmält av deltagaren"
        first.save(update_fields=["gender_override", "gender_override_reason"])
    Participation.objects.get_or_create(
        person=demo_person,
        project=live,
        defaults={
            "first_name": "Dana",
            "last_name": "Deltagare",
            "email": participant_user.email,
            "user": participant_user,
            "gender_from_number": demo_person.gender_from_number,
            "organisation": orgs["Umeå kommun"],
            "workplace": "Kommunledningskontoret",
            "start_date": dt.date(2026, 3, 2),
            "consent_method": Participation.ConsentMethod.DIGITAL,
            "annual_salary_cost": Decimal("560000"),
        },
    )
    live_people = list(
        Participation.objects.filter(project=live).select_related("person", "organisation")
    )
    _demo_activities(live, live_people, upcoming=True)
    _demo_survey(live, live_people, rng=random.Random(8), live=True)
    return {"projects": len(projects) + 1, "participants_created": created}


# --- activities, attendance and the DigComp self-assessment -------------------------------

DEMO_ACTIVITIES = [
    # (kind, title, DigComp areas, [(date, start hour, hours)])
    (
        "workshop",
        "Säker digital vardag",
        [4],
        [(dt.date(2021, 10, 5), 9, 3), (dt.date(2021, 11, 9), 9, 3)],
    ),
    ("lecture", "Digitalisering i kommunen", [2, 5], [(dt.date(2021, 9, 21), 13, 2)]),
    (
        "peer",
        "Kollegialt lärande: e-tjänster",
        [3, 5],
        [(dt.date(2022, 2, 8), 9, 2), (dt.date(2022, 3, 8), 9, 2)],
    ),
]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


def _demo_activities(
    project: Project, participations: list[Participation], *, upcoming: bool
) -> None:
    """A few activities with sessions; past sessions have everyone marked, so the hours,
    certificates and reports have something to show. Idempotent by title."""
    from activities.hours import within_participation
    from activities.models import Activity, Attendance, Enrolment, Session

    if Activity.objects.filter(project=project).exists():
        return
    plans = DEMO_ACTIVITIES
    if upcoming:
        today = timezone.localdate()
        today += dt.timedelta(days=(1 - today.weekday()) % 7)  # sessions on Tuesdays
        plans = [
            (
                "workshop",
                "Teams och delade dokument",
                [2, 3],
                [(today + dt.timedelta(days=7), 9, 3), (today + dt.timedelta(days=21), 9, 3)],
            ),
            (
                "lecture",
                "AI i offentlig förvaltning",
                [5],
                [(today + dt.timedelta(days=14), 13, 2)],
            ),
        ]
    now = timezone.now()
    for kind, title, areas, dates in plans:
        activity = Activity.objects.create(
            project=project,
            kind=kind,
            title=title,
            digcomp_areas=areas,
            target_group="Administrativ personal och stödfunktioner",
        )
        for day, hour, hours in dates:
            session = Session.objects.create(
                activity=activity,
                starts_at=_local(day, hour),
                ends_at=_local(day, hour) + dt.timedelta(hours=hours),
                place="Stadshuset, sal A" if kind != "lecture" else "",
                online_url="https://möte.example.se/digiproj" if kind == "lecture" else "",
                capacity=40,
                enrolment_deadline=_local(day, hour) - dt.timedelta(days=2),
            )
            # Only people taking part that day: time outside a participation's start and end
            # is refused where attendance is marked and never counted (activities.hours).
            taking_part = [p for p in participations if within_participation(p, day)]
            if session.ends_at >= now:  # upcoming: everyone not yet ended may enrol
                taking_part = [p for p in participations if p.end_date is None or p.end_date >= day]
            Enrolment.objects.bulk_create(
                Enrolment(session=session, participation=p, status=Enrolment.Status.ENROLLED)
                for p in taking_part
            )
            if session.ends_at < now:
                minutes = hours * 60
                Attendance.objects.bulk_create(
                    Attendance(
                        session=session,
                        participation=p,
                        present=i % 7 != 3,
                        minutes=0 if i % 7 == 3 else (minutes - 30 if i % 5 == 0 else minutes),
                        marked_at=session.ends_at,
                    )
                    for i, p in enumerate(taking_part)
                )


def _demo_survey(
    project: Project, participations: list[Participation], *, rng: random.Random, live: bool
) -> None:
    """The DigComp self-assessment. For a finished project: a baseline and a follow-up round
    with answers (levels a little higher at follow-up). For a running one: an open round."""
    from surveys import services as survey_services
    from surveys.models import Answer, DigCompArea, Question, Response, Round, Survey

    # DigComp ships as migration data; a test database flushed between tests may lack it.
    if Survey.objects.filter(project=project).exists() or not DigCompArea.objects.exists():
        return
    survey = survey_services.digcomp_survey_create(project=project)
    if live:
        today = timezone.now()
        round_ = survey_services.round_create(
            survey=survey,
            name="Nulägesmätning",
            purpose=Round.Purpose.BASELINE,
            opens_at=today - dt.timedelta(days=3),
            closes_at=today + dt.timedelta(days=30),
        )
        survey_services.round_invitations_create(round_=round_)
        return
    questions = list(
        Question.objects.filter(
            section__survey=survey, kind=Question.Kind.DIGCOMP_LEVEL
        ).values_list("pk", flat=True)
    )
    likert = list(
        Question.objects.filter(section__survey=survey, kind=Question.Kind.LIKERT).values_list(
            "pk", flat=True
        )
    )
    rounds = [
        survey_services.round_create(
            survey=survey,
            name=name,
            purpose=purpose,
            opens_at=_local(opens, 8),
            closes_at=_local(closes, 20),
        )
        for name, purpose, opens, closes in (
            (
                "Nulägesmätning hösten 2021",
                Round.Purpose.BASELINE,
                dt.date(2021, 9, 1),
                dt.date(2021, 10, 15),
            ),
            (
                "Uppföljning hösten 2022",
                Round.Purpose.FOLLOW_UP,
                dt.date(2022, 11, 1),
                dt.date(2022, 12, 10),
            ),
        )
    ]
    for step, round_ in enumerate(rounds):
        responses = Response.objects.bulk_create(
            Response(
                round=round_,
                person=p.person,
                status=Response.Status.SUBMITTED,
                gender=p.gender,
                organisation=p.organisation,
                role_group=p.role_group,
                submitted_at=round_.opens_at + dt.timedelta(days=3),
            )
            for p in participations
        )
        Answer.objects.bulk_create(
            Answer(
                response=r,
                question_id=q,
                value_int=min(8, max(1, rng.randint(1, 5) + step * rng.randint(0, 2))),
            )
            for r in responses
            for q in questions
        )
        # The motivation items (Likert 1–5), a little higher at follow-up: a separate random
        # source keeps the DigComp answers above as they were.
        motivation = random.Random(11 + step)
        Answer.objects.bulk_create(
            Answer(
                response=r,
                question_id=q,
                value_int=min(5, motivation.randint(2, 4) + step * motivation.randint(0, 1)),
            )
            for r in responses
            for q in likert
        )
    survey_services.area_levels_compute(responses=Response.objects.filter(round__in=rounds))


# --- DIGILO's change theory and goals, as its application names them -----------------------

DIGILO_THEORY = {
    "need": (
        "Kommunerna och regionen i övre Norrland står inför demografiska, ekonomiska och "
        "kompetensförsörjningsmässiga utmaningar. Administrativ personal och stödfunktioner "
        "behöver digital kompetens för att delta i arbetsplatsens digitala omställning."
    ),
    "activities": (
        "Kartläggning av digital kompetens (DigComp), workshops, föreläsningar och "
        "kollegialt lärande för administrativ personal och stödfunktioner."
    ),
    "outputs": "Deltagare från Umeå, Skellefteå, Örnsköldsvik, Piteå och Region Västerbotten "
    "som genomgått kompetensutveckling; genomförda tillfällen och deltagartimmar.",
    "short_term": "Ökad motivation och höjd digital kompetens hos deltagarna; kunskap om "
    "stödfunktioners roll i den digitala förändringen.",
    "long_term": "Medarbetare som aktivt deltar i framtidens arbetsliv och i arbetsplatsens "
    "digitala transformation; organisationer som kan leda digitalt förändringsarbete.",
}


def _demo_goals(project: Project) -> None:
    """DIGILO's delmål from its application, each tied to a measure the platform computes."""
    from goals.models import ChangeTheory, Goal

    ChangeTheory.objects.get_or_create(project=project, defaults=DIGILO_THEORY)
    if Goal.objects.filter(project=project).exists():
        return
    end = project.end_date
    main = Goal.objects.create(
        project=project,
        order=0,
        step=Goal.Step.LONG_TERM,
        title="Höjd digital kompetens hos medarbetare inom offentlig administration",
        measure=Goal.Measure.PARTICIPANTS,
        target_value=Decimal(150),
        target_date=end,
    )
    specs = [
        (
            "Ökad motivation att delta i den digitala utvecklingen",
            Goal.Step.SHORT_TERM,
            {
                "measure": Goal.Measure.QUESTION_CHANGE,
                "question_codes": ["M1", "M2", "M3", "M4"],
                "target_value": Decimal("0.3"),
            },
        ),
        (
            "Höjd digital kompetens: minst 60 % höjer sin nivå i minst ett område",
            Goal.Step.SHORT_TERM,
            {"measure": Goal.Measure.LEVEL_RAISED, "target_value": Decimal(60)},
        ),
        (
            "Kunskap om stödfunktioners roll i den digitala förändringen",
            Goal.Step.SHORT_TERM,
            {"measure": Goal.Measure.AREA_CHANGE, "area": 5, "target_value": Decimal("0.5")},
        ),
        (
            "Alla oavsett kön ska ha lika möjligheter att delta och bidra",
            Goal.Step.OUTPUTS,
            {
                "measure": Goal.Measure.HOURS,
                "target_value": Decimal(300),
                "equal_opportunities": True,
                "gap_threshold": Decimal(10),
            },
        ),
    ]
    for order, (title, step, fields) in enumerate(specs, start=1):
        Goal.objects.create(
            project=project,
            parent=main,
            order=order,
            step=step,
            title=title,
            target_date=end,
            **fields,
        )
