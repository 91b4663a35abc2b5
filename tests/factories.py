"""factory_boy factories for every model. Personnummer are Skatteverket test numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from activities.models import Activity, Session
from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, Project, ProjectOrganisation
from participants import personnummer as pnr
from participants.models import Participation, Person
from participants.services import person_derived_fields
from surveys import services as survey_services
from surveys.models import Invitation, Question, QuestionOption, Round, Section, Survey


def _luhn_complete(nine: str) -> str:
    for check in range(10):
        digits = nine + str(check)
        total = 0
        for i, ch in enumerate(digits):
            d = int(ch) * (2 if i % 2 == 0 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return f"{digits[:6]}-{digits[6:]}"
    raise AssertionError("unreachable")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", "secret-Passw0rd")

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    # 2128NNNNN: a range no hand-written number in the tests uses (they use real ones such
    # as Umeå's 212000-2627), so a long run's sequence never collides with them.
    organisationsnummer = factory.Sequence(lambda n: _luhn_complete(f"2128{n:05d}"))
    kind = Organisation.Kind.KOMMUN


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    diarienummer = factory.Sequence(lambda n: f"2024/{n:05d}")
    name = factory.Sequence(lambda n: f"Testprojekt {n}")
    owner = factory.SubFactory(OrganisationFactory)
    programme_period = Project.ProgrammePeriod.ESF_2014_2020
    programme_area = "1"
    specific_objective = "1.1"
    start_date = dt.date(2024, 1, 1)
    end_date = dt.date(2030, 12, 31)
    planned_participants = 100
    total_budget = Decimal("1000000")
    esf_support = Decimal("470000")


class ProjectOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = ProjectOrganisation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProjectOrganisation.Role.EMPLOYER


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Membership.Role.COORDINATOR


def _test_pnr(n: int, gender: str) -> str:
    return pnr.test_number(dt.date(1950, 1, 1) + dt.timedelta(days=n // 10), n % 10, gender=gender)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ("gender_code",)

    gender_code = pnr.Gender.WOMAN
    personnummer = factory.LazyAttributeSequence(lambda o, n: _test_pnr(n, o.gender_code))
    birth_date = factory.LazyAttribute(
        lambda o: person_derived_fields(o.personnummer)["birth_date"]
    )
    gender_from_number = factory.LazyAttribute(
        lambda o: person_derived_fields(o.personnummer)["gender_from_number"]
    )


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    person = factory.SubFactory(PersonFactory)
    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    start_date = dt.date(2024, 3, 1)
    # What the project holds about the person (see participants.models.Person).
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    gender_from_number = factory.LazyAttribute(lambda o: o.person.gender_from_number)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    project = factory.SubFactory(ProjectFactory)
    kind = Activity.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    place = "Stadshuset"
    capacity = 20


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Enkät {n}")


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round

    survey = factory.SubFactory(SurveyFactory)
    name = "Nulägesmätning"
    purpose = Round.Purpose.BASELINE
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


# --- activities (appended by the activities app) ----------------------------------------


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Enrolment"

    session = factory.SubFactory(SessionFactory)
    participation = factory.SubFactory(
        ParticipationFactory, project=factory.SelfAttribute("..session.activity.project")
    )
    status = "enrolled"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Attendance"

    session = factory.SubFactory(SessionFactory)
    participation = factory.SubFactory(
        ParticipationFactory, project=factory.SelfAttribute("..session.activity.project")
    )
    present = True
    minutes = factory.LazyAttribute(lambda o: o.session.duration_minutes)
    marked_at = factory.LazyFunction(timezone.now)


class SelfReportedTimeFactory(DjangoModelFactory):
    class Meta:
        model = "activities.SelfReportedTime"

    activity = factory.SubFactory(ActivityFactory, kind="recorded")
    participation = factory.SubFactory(
        ParticipationFactory, project=factory.SelfAttribute("..activity.project")
    )
    date = dt.date(2024, 5, 2)
    minutes = 45
    status = "approved"


# --- surveys -------------------------------------------------------------------------------


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n)
    title_sv = factory.Sequence(lambda n: f"Del {n}")


class QuestionFactory(DjangoModelFactory):
    """A question; choice kinds get options 1..n (`options__labels` to name them)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(lambda n: n)
    kind = Question.Kind.SINGLE
    text_sv = factory.Sequence(lambda n: f"Fråga {n}")
    required = True

    @factory.post_generation
    def options(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create or not self.is_choice:
            return
        if self.kind in (Question.Kind.LIKERT, Question.Kind.DIGCOMP_LEVEL) and not extracted:
            rows = survey_services.default_options(self.kind)
        else:
            labels = extracted or ["Ja", "Nej", "Kanske"]
            rows = [(i, label, "") for i, label in enumerate(labels, start=1)]
        QuestionOption.objects.bulk_create(
            QuestionOption(question=self, value=v, position=i, label_sv=sv, label_en=en)
            for i, (v, sv, en) in enumerate(rows)
        )


class InvitationFactory(DjangoModelFactory):
    """An invitation; its personal link token is `survey_services.invitation_token(inv)`."""

    class Meta:
        model = Invitation

    round = factory.SubFactory(RoundFactory)
    person = factory.SubFactory(PersonFactory)
    nonce = factory.Sequence(lambda n: f"{n:032x}")
    token_hash = factory.LazyAttribute(
        lambda o: survey_services.token_hash(
            survey_services.invitation_token(Invitation(nonce=o.nonce))
        )
    )


# participants


def participant_test_pnr(n: int, *, gender: str = pnr.Gender.WOMAN, year: int = 1970) -> str:
    """A Skatteverket test number (birth number 980–999), unique per n."""
    born = dt.date(year, 1, 1) + dt.timedelta(days=n // 10)
    return pnr.test_number(born, n % 10, gender=gender)
