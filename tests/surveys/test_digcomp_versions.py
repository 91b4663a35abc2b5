"""DigComp 3.0 beside 2.2: the data, the version a survey records (locked once answered),
profiles and paired change within one version, worked out by hand, and a pair of two
versions refused with the reason on the page, in the report and on a goal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.models import Goal
from surveys import digcomp, forms, results, selectors, services
from surveys.models import DigCompArea, DigCompCompetence, DigCompLevel, Round, Survey
from tests.factories import MembershipFactory, ParticipationFactory, ProjectFactory, RoundFactory
from tests.surveys.conftest import past_round
from tests.surveys.test_results import _coordinator, _respond

pytestmark = pytest.mark.django_db


def test_digcomp_3_0_is_shipped_beside_2_2():
    areas = DigCompArea.objects.filter(version="3.0").order_by("number")
    assert [a.number for a in areas] == [1, 2, 3, 4, 5]
    assert areas[0].name_en == "Information search, evaluation and management"
    assert areas[3].name_en == "Safety, wellbeing and responsible use"
    v30 = DigCompCompetence.objects.filter(version="3.0")
    assert v30.count() == 21
    assert [v30.filter(area__number=n).count() for n in range(1, 6)] == [3, 6, 4, 4, 4]
    assert not v30.exclude(area__version="3.0").exists()
    assert v30.get(code="1.2").name_en == "Evaluating information"
    assert DigCompCompetence.objects.filter(version="2.2").count() == 21
    levels = DigCompLevel.objects.filter(version="3.0").order_by("level")
    assert [lv.level for lv in levels] == list(range(1, 9))
    # Each main level spans two sub-levels, and the data says so as the rule does.
    for lv in levels:
        main = digcomp.main_level("3.0", lv.level)
        assert main is not None
        assert lv.label_sv.startswith(main.name)
    assert [lv.band for lv in levels][::2] == [
        "basic",
        "intermediate",
        "advanced",
        "highly_advanced",
    ]


def test_main_level_rule_by_hand():
    assert [digcomp.main_level("3.0", s).number for s in range(1, 9)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert digcomp.main_level("3.0", 4.49).name == "Mellannivå"
    assert digcomp.main_level("3.0", 4.5).name == "Avancerad nivå"  # rounds half up to 5
    assert digcomp.main_level("3.0", 8).sub_levels == (7, 8)
    assert digcomp.main_level("2.2", 7).name == "Högt specialiserad"
    assert digcomp.main_level("3.0", None) is None


def test_new_survey_is_3_0_and_existing_keep_theirs():
    project = ProjectFactory()
    assert services.survey_create(project=project, title="Ny").digcomp_version == "3.0"
    survey = services.digcomp_survey_create(project=project, version="2.2")
    copy = services.survey_copy(survey=survey, new_version=True)
    assert copy.digcomp_version == "2.2"
    level_question = survey.sections.first().questions.first()
    assert level_question.competence.version == "2.2"
    assert level_question.options.first().label_sv.startswith("Jag klarar enkla")


def test_ready_3_0_survey_uses_its_competences_and_sub_levels():
    survey = services.digcomp_survey_create(project=ProjectFactory())
    sections = selectors.survey_structure(survey=survey)
    questions = [q for s in sections[:5] for q in s.questions.all()]
    assert len(questions) == 21
    assert {q.competence.version for q in questions} == {"3.0"}
    assert sections[0].title_sv == "1. Söka, värdera och hantera information"
    labels = [o.label_sv for o in questions[0].options.all()]
    assert labels[0].startswith("Grundnivå 1")
    assert labels[7].startswith("Mycket avancerad nivå 8")
    assert labels[8] == "Vet inte"


def test_version_can_change_until_answered_then_it_is_locked():
    project = ProjectFactory()
    survey = services.survey_create(project=project, title="Egen")
    services.survey_update(survey=survey, title="Egen", digcomp_version="2.2")
    assert Survey.objects.get(pk=survey.pk).digcomp_version == "2.2"

    ready = services.digcomp_survey_create(project=project, version="2.2")
    with pytest.raises(ValidationError) as exc:  # its questions are tied to 2.2 competences
        services.survey_update(survey=ready, title=ready.title, digcomp_version="3.0")
    assert exc.value.error_dict["digcomp_version"][0].code == "version_in_use"

    round_ = past_round(survey=survey, name="Före", purpose=Round.Purpose.BASELINE)
    _respond(round_, ParticipationFactory(project=project), {})
    Survey.objects.filter(pk=survey.pk).update(locked_at=round_.opens_at)  # as an answer does
    survey.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.survey_update(survey=survey, title="Egen", digcomp_version="3.0")
    assert exc.value.error_dict["digcomp_version"][0].code == "locked"
    services.survey_update(survey=survey, title="Nytt namn")  # renaming still works
    assert forms.SurveyForm(instance=survey).fields["digcomp_version"].disabled
    assert round_.digcomp_version == "2.2"


def test_question_competence_must_be_of_the_surveys_version():
    survey = services.survey_create(project=ProjectFactory(), title="Egen")  # 3.0
    section = services.section_create(survey=survey, title_sv="Del")
    old = DigCompCompetence.objects.get(version="2.2", code="1.1")
    with pytest.raises(ValidationError) as exc:
        services.question_create(
            section=section, kind="digcomp_level", text_sv="Söka", competence_id=old.pk
        )
    assert exc.value.error_dict["competence"][0].code == "competence_version"
    form = forms.QuestionForm(section=section)
    assert set(form.fields["competence"].queryset.values_list("version", flat=True)) == {"3.0"}


@pytest.fixture
def two_versions():
    """A (and B) answer a 2.2 baseline and a 3.0 follow-up, and a 3.0 baseline too (A).
    A, area 1: 2.2 baseline (2+4)/2 = 3; 3.0 baseline (3+3+6)/3 = 4; 3.0 follow-up
    (5+6+7)/3 = 6. Within 3.0: 6 − 4 = +2. Across versions there is nothing to pair."""
    project = ProjectFactory(survey_anonymity_threshold=1)
    old = services.digcomp_survey_create(project=project, version="2.2")
    new = services.digcomp_survey_create(project=project, version="3.0")
    old_base = past_round(survey=old, name="Före 2.2", purpose=Round.Purpose.BASELINE)
    new_base = past_round(survey=new, name="Före 3.0", purpose=Round.Purpose.BASELINE)
    follow = RoundFactory(survey=new, name="Efter", purpose=Round.Purpose.FOLLOW_UP)
    a = ParticipationFactory(project=project)
    _respond(old_base, a, {"1.1": 2, "1.2": 4})
    _respond(new_base, a, {"1.1": 3, "1.2": 3, "1.3": 6})
    _respond(follow, a, {"1.1": 5, "1.2": 6, "1.3": 7})
    return locals()


def test_paired_change_within_a_version_by_hand(two_versions):
    w = two_versions
    access = _coordinator(w["project"])
    rows = selectors.paired_change(
        access=access, baseline_id=w["new_base"].pk, follow_up_id=w["follow"].pk
    )
    (area1,) = [r for r in rows if r["area"] == 1]
    assert (area1["baseline"], area1["follow_up"], area1["change"], area1["n"]) == (
        pytest.approx(4.0),
        pytest.approx(6.0),
        pytest.approx(2.0),
        1,
    )


def test_pair_across_versions_is_refused(two_versions):
    w = two_versions
    access = _coordinator(w["project"])
    assert (
        selectors.paired_change(
            access=access, baseline_id=w["old_base"].pk, follow_up_id=w["follow"].pk
        )
        == []
    )
    people = selectors.paired_people(
        access=access, baseline_id=w["old_base"].pk, follow_up_id=w["follow"].pk, area=1
    )
    assert list(people) == []


def test_results_page_pairs_within_the_version_and_explains_otherwise(client, two_versions):
    w = two_versions
    client.force_login(MembershipFactory(project=w["project"]).user)
    url = reverse("surveys:results", args=[w["project"].pk, w["follow"].pk])
    page = client.get(url)
    # By default the baseline of the follow-up's own version.
    assert page.context["change"]["baseline"]["pk"] == w["new_base"].pk
    assert page.context["version"] == "3.0"
    html = page.content.decode()
    assert "DigComp 3.0" in html
    assert "Avancerad nivå" in html  # 6.0 shown by its main level
    chosen = client.get(url, {"baslinje": w["old_base"].pk})
    assert chosen.context["change"]["tables"] == []
    assert (
        "Nulägesmätningen använder DigComp 2.2 och uppföljningen DigComp 3.0; förändring kan "
        "bara beräknas inom samma version." in chosen.content.decode()
    )


def test_profile_is_one_table_per_version(two_versions):
    w = two_versions
    rows = selectors.person_profile(access=_coordinator(w["project"]), person_id=w["a"].person_id)
    tables = results.profile(rows)
    assert [t["version"] for t in tables] == ["3.0", "2.2"]
    new = tables[0]
    assert [r["name"] for r in new["rounds"]] == ["Före 3.0", "Efter"]
    area1 = new["rows"][0]["values"]
    assert [v["level"] for v in area1] == [pytest.approx(4.0), pytest.approx(6.0)]
    assert str(area1[1]["main"]) == "Avancerad nivå"
    assert tables[1]["rows"][0]["values"][0]["level"] == pytest.approx(3.0)


def test_competence_report_picks_the_same_version_and_says_which(two_versions):
    from reporting.reports.competence import CompetencePresenter
    from reporting.selectors import Period

    w = two_versions
    period = Period(w["old_base"].opens_at.date(), w["follow"].closes_at.date())
    presenter = CompetencePresenter(
        access=_coordinator(w["project"]), period=period, organisation_id=None
    )
    assert presenter.baseline.pk == w["new_base"].pk  # not the first (2.2) baseline
    assert presenter.paired
    assert presenter.version == "3.0"
    assert presenter.change(None)[0].change == pytest.approx(2.0)

    w["new_base"].responses.all().delete()
    w["new_base"].delete()
    presenter = CompetencePresenter(
        access=_coordinator(w["project"]), period=period, organisation_id=None
    )
    assert presenter.baseline.pk == w["old_base"].pk
    assert not presenter.paired
    assert "DigComp 2.2 och uppföljningen DigComp 3.0" in presenter.version_note


def test_goal_refuses_rounds_of_two_versions(two_versions):
    w = two_versions
    goal = Goal(
        project=w["project"],
        title="Höjd nivå",
        measure=Goal.Measure.AREA_CHANGE,
        area=1,
        baseline_round=w["old_base"],
        round=w["follow"],
    )
    with pytest.raises(ValidationError) as exc:
        goal.clean()
    assert "samma version" in str(exc.value)
