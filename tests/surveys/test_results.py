"""Results: person-level area means, paired change by hand, suppression of small groups,
contact scoping and a query count that does not grow with responses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from digiproj.projects.models import Membership
from digiproj.projects.permissions import ProjectAccess, project_access
from participants.personnummer import Gender
from surveys import selectors, services, suppression
from surveys.models import Answer, Question, Response, Round
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    RoundFactory,
    UserFactory,
)
from tests.surveys.conftest import past_round

pytestmark = pytest.mark.django_db


def _respond(round_, participation, levels: dict[str, int]) -> Response:
    person = participation.person
    response = Response.objects.create(
        round=round_,
        person=person,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
        gender=participation.gender,
        organisation=participation.organisation,
        role_group=participation.role_group,
    )
    questions = {
        q.competence.code: q
        for q in Question.objects.filter(section__survey=round_.survey).select_related("competence")
        if q.competence
    }
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[code], value_int=value)
        for code, value in levels.items()
    )
    services.area_levels_compute(responses=Response.objects.filter(pk=response.pk))
    return response


@pytest.fixture
def paired():
    project = ProjectFactory(survey_anonymity_threshold=2)
    survey = services.digcomp_survey_create(project=project)
    baseline = past_round(survey=survey, name="Före", purpose=Round.Purpose.BASELINE)
    follow_up = RoundFactory(survey=survey, name="Efter", purpose=Round.Purpose.FOLLOW_UP)
    org = OrganisationFactory()
    a = ParticipationFactory(project=project, organisation=org, person=PersonFactory())
    b = ParticipationFactory(
        project=project, organisation=org, person=PersonFactory(gender_code=Gender.MAN)
    )
    c = ParticipationFactory(project=project, organisation=org)
    d = ParticipationFactory(project=project, organisation=org)
    # A: area 1 before (2+4)/2 = 3 ("vet inte" left out), after (4+5+6)/3 = 5 → +2.
    #    area 2 before 3, after 3 → 0.
    _respond(baseline, a, {"1.1": 2, "1.2": 4, "1.3": 0, "2.1": 3})
    _respond(follow_up, a, {"1.1": 4, "1.2": 5, "1.3": 6, "2.1": 3})
    # B: area 1 before 1, after (2+2)/2 = 2 → +1. Area 2 only "vet inte" before: not paired.
    _respond(baseline, b, {"1.1": 1, "1.2": 1, "1.3": 1, "2.1": 0})
    _respond(follow_up, b, {"1.1": 2, "1.2": 2, "1.3": 0, "2.1": 5})
    # C answered only the baseline, D only the follow-up: neither is paired.
    _respond(baseline, c, {"1.1": 8, "1.2": 8, "1.3": 8})
    _respond(follow_up, d, {"1.1": 8, "1.2": 8, "1.3": 8})
    return locals()


def _by_area(rows):
    return {row["area"]: row for row in rows}


def _coordinator(project) -> ProjectAccess:
    return project_access(MembershipFactory(project=project).user, project)


def test_paired_change_matches_hand_computation(paired):
    rows = _by_area(
        selectors.paired_change(
            access=_coordinator(paired["project"]),
            baseline_id=paired["baseline"].pk,
            follow_up_id=paired["follow_up"].pk,
        )
    )
    # Area 1: A +2, B +1 → mean +1.5 over n = 2; before (3+1)/2 = 2, after (5+2)/2 = 3.5.
    assert rows[1]["n"] == 2
    assert rows[1]["change"] == pytest.approx(1.5)
    assert rows[1]["baseline"] == pytest.approx(2.0)
    assert rows[1]["follow_up"] == pytest.approx(3.5)
    # Area 2: only A has a level in both rounds: 3 → 3.
    assert rows[2]["n"] == 1
    assert rows[2]["change"] == pytest.approx(0.0)
    assert set(rows) == {1, 2}


def test_area_average_is_the_mean_of_person_levels(paired):
    rows = _by_area(
        selectors.area_averages(
            access=_coordinator(paired["project"]), round_id=paired["follow_up"].pk
        )
    )
    # A 5, B 2, D 8 → 5.0 (the mean of all 8 items would be 5.375).
    assert rows[1]["level"] == pytest.approx(5.0)
    assert rows[1]["n"] == 3


def test_groups_below_threshold_are_suppressed(paired):
    rows = selectors.paired_change(
        access=_coordinator(paired["project"]),
        baseline_id=paired["baseline"].pk,
        follow_up_id=paired["follow_up"].pk,
        group_by="gender",
    )
    suppression.suppress(rows, threshold=2)
    assert rows
    assert all(r["suppressed"] and r["change"] is None for r in rows)  # one woman, one man
    overall = suppression.suppress(
        selectors.paired_change(
            access=_coordinator(paired["project"]),
            baseline_id=paired["baseline"].pk,
            follow_up_id=paired["follow_up"].pk,
        ),
        threshold=2,
    )
    area = _by_area(overall)
    assert not area[1]["suppressed"]
    assert area[1]["change"] == pytest.approx(1.5)
    assert area[2]["suppressed"]
    assert area[2]["change"] is None


def test_results_page_shows_change_and_hides_small_groups(client, paired):
    coordinator = MembershipFactory(project=paired["project"])
    client.force_login(coordinator.user)
    url = reverse("surveys:results", args=[paired["project"].pk, paired["follow_up"].pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2,0 → 3,5 (+1,5)" in html
    assert "för få svar" in html
    assert "Förändring sedan nulägesmätningen" in html


def test_submitting_stores_the_area_levels(survey_world):
    project = survey_world["project"]
    survey = services.digcomp_survey_create(project=project)
    round_ = RoundFactory(survey=survey)
    invitation = InvitationFactory(round=round_, person=survey_world["participation"].person)
    sections = selectors.survey_structure(survey=survey)
    for section in sections:
        answers = {}
        for i, q in enumerate(section.questions.all()):
            # Area 1: 2, 6 and "vet inte" → 4.0; other areas alternate 0 (vet inte) and 3.
            answers[q.pk] = [2, 6, 0][i] if section.order == 0 else (3 if i % 2 else 0) or 1
        services.response_save_page(invitation_id=invitation.pk, section=section, answers=answers)
    services.response_submit(invitation_id=invitation.pk, sections=sections)

    levels = _by_area(
        selectors.person_profile(access=_coordinator(project), person_id=invitation.person_id)
    )
    assert levels[1]["level"] == pytest.approx(4.0)
    assert levels[1]["items"] == 2


def test_person_profile_has_a_level_per_area_per_round(paired):
    rows = selectors.person_profile(
        access=_coordinator(paired["project"]), person_id=paired["a"].person_id
    )
    levels = {(r["round_id"], r["area"]): r["level"] for r in rows}
    assert levels[(paired["baseline"].pk, 1)] == pytest.approx(3.0)
    assert levels[(paired["follow_up"].pk, 1)] == pytest.approx(5.0)


def test_contact_sees_only_own_organisation(client, paired):
    project = paired["project"]
    other_org = OrganisationFactory()
    e = ParticipationFactory(project=project, organisation=other_org)
    _respond(paired["follow_up"], e, {"1.1": 1})
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=other_org
    )
    client.force_login(contact.user)
    url = reverse("surveys:results", args=[project.pk, paired["follow_up"].pk])
    response = client.get(url)
    overall = response.context["averages"][0]["rows"]
    assert [row["n"] for row in overall] == [1]


def test_outsider_and_participant_get_404_or_403(client, paired):
    project = paired["project"]
    url = reverse("surveys:results", args=[project.pk, paired["follow_up"].pk])
    outsider = MembershipFactory(project=ProjectFactory())
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404
    other_url = reverse("surveys:results", args=[outsider.project.pk, paired["follow_up"].pk])
    assert client.get(other_url).status_code == 404


@pytest.mark.parametrize("responses", [1, 10])
def test_results_query_count_does_not_grow(client, django_assert_num_queries, responses):
    project = ProjectFactory()
    survey = services.digcomp_survey_create(project=project)
    baseline = past_round(survey=survey, purpose=Round.Purpose.BASELINE)
    follow_up = RoundFactory(survey=survey, purpose=Round.Purpose.FOLLOW_UP)
    for i in range(responses):
        participation = ParticipationFactory(project=project)
        levels = {"1.1": 1 + i % 8, "2.2": 3, "3.1": 0, "4.4": 5, "5.4": 2}
        _respond(baseline, participation, levels)
        _respond(follow_up, participation, levels)
    coordinator = MembershipFactory(project=project)
    client.force_login(coordinator.user)
    url = reverse("surveys:results", args=[project.pk, follow_up.pk])
    # 5 base + round, counts, areas, organisations, the 4 area breakdowns (one statement),
    # 3 for the survey's structure, distributions, baselines, the 4 paired-change breakdowns
    # (one statement), who has not answered.
    with django_assert_num_queries(17):
        assert client.get(url).status_code == 200


def test_anonymous_round_results_are_suppressed_below_threshold(client, survey_world):
    """Three anonymous answers with the default threshold 5: nothing but the count shows."""
    project = survey_world["project"]
    survey = services.digcomp_survey_create(project=project)
    round_ = RoundFactory(survey=survey, anonymous=True, purpose=Round.Purpose.FOLLOW_UP)
    sections = selectors.survey_structure(survey=survey)
    for level in (2, 5, 7):
        invitation = InvitationFactory(
            round=round_, person=ParticipationFactory(project=project).person
        )
        for section in sections:
            answers = {q.pk: level if section.order < 5 else 3 for q in section.questions.all()}
            services.response_save_page(
                invitation_id=invitation.pk, section=section, answers=answers
            )
        services.response_submit(invitation_id=invitation.pk, sections=sections)
    assert Response.objects.filter(round=round_, person__isnull=True).count() == 3

    client.force_login(MembershipFactory(project=project).user)
    response = client.get(reverse("surveys:results", args=[project.pk, round_.pk]))
    html = response.content.decode()
    overall = response.context["averages"][0]["rows"]
    assert [row["n"] for row in overall] == [3]
    assert all(cell["suppressed"] and cell["level"] is None for cell in overall[0]["cells"])
    assert "4,7" not in html  # the unsuppressed mean (2+5+7)/3 would show as 4,7
    assert "för få svar" in html
    assert response.context["change"] is None

    project.survey_anonymity_threshold = 3
    project.save()
    response = client.get(reverse("surveys:results", args=[project.pk, round_.pk]))
    cell = response.context["averages"][0]["rows"][0]["cells"][0]
    assert cell["level"] == pytest.approx(14 / 3)


@pytest.fixture
def two_organisations(paired):
    """The paired world plus E of another organisation, who answered both rounds."""
    project = paired["project"]
    other = OrganisationFactory()
    e = ParticipationFactory(project=project, organisation=other)
    _respond(paired["baseline"], e, {"1.1": 2, "1.2": 2})
    _respond(paired["follow_up"], e, {"1.1": 6, "1.2": 6})
    contact = MembershipFactory(project=project, role=Membership.Role.CONTACT, organisation=other)
    return {
        **paired,
        "other": other,
        "e": e,
        "contact": project_access(contact.user, project),
        "coordinator": _coordinator(project),
    }


def _result_calls(w, **extra):
    """Every survey result selector, called as a view would call it, with nothing but the
    access and the rounds (and `extra`, e.g. an organisation)."""
    base, follow = w["baseline"].pk, w["follow_up"].pk
    return {
        "area_levels": lambda a: sorted(
            (r["person"], r["area"], r["level"])
            for r in selectors.area_levels(access=a, round_ids=[base, follow], **extra)
        ),
        "area_averages": lambda a: selectors.area_averages(access=a, round_id=follow, **extra),
        "area_averages_by_org": lambda a: selectors.area_averages(
            access=a, round_id=follow, group_by="organisation", **extra
        ),
        "paired_change": lambda a: selectors.paired_change(
            access=a, baseline_id=base, follow_up_id=follow, **extra
        ),
        "paired_people": lambda a: list(
            selectors.paired_people(
                access=a, baseline_id=base, follow_up_id=follow, area=1, **extra
            )
        ),
        "question_distributions": lambda a: selectors.question_distributions(
            access=a, round_id=follow, **extra
        ),
        "response_counts": lambda a: selectors.response_counts(access=a, round_id=follow, **extra),
    }


def test_contact_calling_the_result_selectors_gets_only_their_organisation(two_organisations):
    w = two_organisations
    as_contact = {name: call(w["contact"]) for name, call in _result_calls(w).items()}
    narrowed = _result_calls(w, organisation_id=w["other"].pk)
    for name, call in narrowed.items():
        # exactly what a coordinator sees when choosing the contact's organisation
        assert as_contact[name] == call(w["coordinator"]), name
    assert as_contact["area_averages"] != _result_calls(w)["area_averages"](w["coordinator"])
    assert [r["n"] for r in as_contact["area_averages"] if r["area"] == 1] == [1]
    assert {r["grp"] for r in as_contact["area_averages_by_org"]} == {w["other"].pk}
    assert [p["person_id"] for p in as_contact["paired_people"]] == [w["e"].person_id]
    assert {person for person, _a, _l in as_contact["area_levels"]} == {w["e"].person_id}
    assert as_contact["response_counts"]["responses"] == 1
    assert _by_area(as_contact["paired_change"])[1]["change"] == pytest.approx(4.0)


def test_contact_cannot_widen_their_scope_by_naming_another_organisation(two_organisations):
    w = two_organisations
    for name, call in _result_calls(w, organisation_id=w["org"].pk).items():
        result = call(w["contact"])
        if name == "response_counts":
            assert result["responses"] == 0, name
        else:
            assert not result, name


def test_result_selectors_count_nothing_of_another_projects_rounds(two_organisations):
    outsider = _coordinator(ProjectFactory())
    for name, call in _result_calls(two_organisations).items():
        result = call(outsider)
        assert not result or result == {"invited": 0, "answered": 0, "responses": 0}, name


def test_participant_profile_is_their_own_only(two_organisations):
    w = two_organisations
    participation = w["e"]
    participation.user = UserFactory()
    participation.save()
    access = project_access(participation.user, w["project"])
    assert access.is_participant
    own = selectors.person_profile(access=access)
    assert {(r["round_id"], r["level"]) for r in own if r["area"] == 1} == {
        (w["baseline"].pk, 2.0),
        (w["follow_up"].pk, 6.0),
    }
    assert selectors.person_profile(access=access, person_id=w["a"].person_id) == []


def test_results_page_summary_first_and_who_has_not_answered(client, paired):
    """The summary (rate, everyone's levels and change) comes before the groups, which fold
    away; the coordinator sees who has not answered, per organisation."""
    project, follow_up = paired["project"], paired["follow_up"]
    late = ParticipationFactory(project=project, organisation=paired["org"], last_name="Öberg")
    InvitationFactory(round=follow_up, person=late.person, organisation=late.organisation)
    coordinator = MembershipFactory(project=project)
    client.force_login(coordinator.user)
    html = client.get(reverse("surveys:results", args=[project.pk, follow_up.pk])).content.decode()
    summary, rest = html.split('id="areas-heading"')
    assert "Svarsfrekvens" in summary
    assert "<caption>Alla svarande</caption>" in summary
    assert "<details" not in summary
    assert "<summary>Per kön</summary>" in rest
    not_answered = html.split('id="not-answered-heading"')[1]
    assert f"{late.last_name}, {late.first_name}" in not_answered
    # Only she was invited by link and has not answered (the others answered without a link).
    assert f"{paired['org'].name} (1)" in not_answered

    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=paired["org"]
    )
    client.force_login(contact.user)
    html = client.get(reverse("surveys:results", args=[project.pk, follow_up.pk])).content.decode()
    assert 'id="not-answered-heading"' not in html  # for the coordinator only


def test_no_list_of_who_has_not_answered_for_an_anonymous_round(client, survey_world):
    round_ = survey_world["round"]
    round_.anonymous = True
    round_.save()
    coordinator = MembershipFactory(project=survey_world["project"])
    client.force_login(coordinator.user)
    url = reverse("surveys:results", args=[survey_world["project"].pk, round_.pk])
    assert 'id="not-answered-heading"' not in client.get(url).content.decode()
