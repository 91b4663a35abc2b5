"""The participant list: search, filters, sorting, pagination keeping the filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from participants import personnummer as pnr
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project = ProjectFactory()
    umea = ProjectOrganisationFactory(project=project, organisation__name="Umeå").organisation
    pitea = ProjectOrganisationFactory(project=project, organisation__name="Piteå").organisation
    anna = ParticipationFactory(
        project=project,
        organisation=umea,
        person=PersonFactory(personnummer=participant_test_pnr(0, year=1980)),
        first_name="Anna",
        last_name="Berg",
        role_group="admin",
        start_date=dt.date(2024, 2, 1),
    )
    bo = ParticipationFactory(
        project=project,
        organisation=pitea,
        person=PersonFactory(
            personnummer=participant_test_pnr(1, gender=pnr.Gender.MAN, year=1990),
            gender_code=pnr.Gender.MAN,
        ),
        first_name="Bo",
        last_name="Andersson",
        role_group="manager",
        start_date=dt.date(2024, 5, 1),
        end_date=dt.date(2024, 9, 1),
        end_reason="completed",
    )
    coordinator = MembershipFactory(project=project).user
    return locals()


def _names(client, project, **params):
    response = client.get(reverse("participants:list", args=[project.pk]), params)
    assert response.status_code == 200
    return [p.first_name for p in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Bo", "Anna"]),  # sorted by last name
        ({"q": "berg"}, ["Anna"]),
        ({"q": "bo anders"}, ["Bo"]),
        ({"q": "19800101"}, ["Anna"]),
        ({"q": "900101"}, ["Bo"]),
        ({"q": "19900101-****"}, ["Bo"]),
        ({"gender": "M"}, ["Bo"]),
        ({"gender": "K"}, ["Anna"]),
        ({"status": "active"}, ["Anna"]),
        ({"status": "ended"}, ["Bo"]),
        ({"role_group": "manager"}, ["Bo"]),
        ({"sort": "-namn"}, ["Anna", "Bo"]),
        ({"sort": "start"}, ["Anna", "Bo"]),
        ({"sort": "-start"}, ["Bo", "Anna"]),
        ({"sort": "fodd"}, ["Anna", "Bo"]),
        ({"sort": "org"}, ["Bo", "Anna"]),
        ({"sort": "nonsense"}, ["Bo", "Anna"]),
    ],
)
def test_search_filter_sort(client, setup, params, expected):
    client.force_login(setup["coordinator"])
    assert _names(client, setup["project"], **params) == expected


def test_filter_by_organisation(client, setup):
    client.force_login(setup["coordinator"])
    assert _names(client, setup["project"], organisation=setup["pitea"].pk) == ["Bo"]


def test_full_number_search_does_not_match_hidden_digits(client, setup):
    """Only the birth-date part is searchable: the last four digits are never a search key."""
    client.force_login(setup["coordinator"])
    number = setup["anna"].person.personnummer
    assert _names(client, setup["project"], q=number[8:]) == []


def test_pagination_keeps_filters(client, setup):
    project = setup["project"]
    ParticipationFactory.create_batch(
        60, project=project, organisation=setup["umea"], role_group="support"
    )
    client.force_login(setup["coordinator"])
    response = client.get(
        reverse("participants:list", args=[project.pk]), {"role_group": "support", "sort": "-namn"}
    )
    html = response.content.decode()
    assert response.context["page"].paginator.count == 60
    assert "role_group=support&amp;sort=-namn&amp;sida=2" in html
    page2 = client.get(
        reverse("participants:list", args=[project.pk]),
        {"role_group": "support", "sort": "-namn", "sida": 2},
    )
    assert len(page2.context["page"]) == 10


@pytest.mark.parametrize("rows", [1, 10])
def test_filtered_list_query_count_is_bounded(client, django_assert_num_queries, rows):
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project).organisation
    ParticipationFactory.create_batch(rows, project=project, organisation=org, first_name="Anna")
    coordinator = MembershipFactory(project=project)
    client.force_login(coordinator.user)
    params = {
        "q": "anna",
        "organisation": org.pk,
        "status": "active",
        "gender": "K",
        "sort": "-start",
    }
    # session, user, MFA check, project, membership, organisation filter validation,
    # employer choices, count, page
    with django_assert_num_queries(9):
        response = client.get(reverse("participants:list", args=[project.pk]), params)
    assert len(response.context["page"]) == rows


def test_list_shows_gender_label(client, setup):
    client.force_login(setup["coordinator"])
    html = client.get(reverse("participants:list", args=[setup["project"].pk])).content.decode()
    assert "<td>Man</td>" in html
    assert "<td>Kvinna</td>" in html


def test_other_projects_organisation_in_filter_is_ignored_not_leaked(client, setup):
    foreign = ProjectOrganisationFactory().organisation
    client.force_login(setup["coordinator"])
    names = _names(client, setup["project"], organisation=foreign.pk, status="ended")
    assert names == ["Bo"]  # the valid filter still applies; the foreign id matches nothing


def _typed_forms(number: str) -> list[str]:
    """The ways a personnummer gets typed: 12 or 10 digits, with or without dash, spaced."""
    short = number[2:]
    return [
        number,
        f"{number[:8]}-{number[8:]}",
        short,
        f"{short[:6]}-{short[6:]}",
        f" {number[:8]} {number[8:]} ",
        f"{short[:6]} - {short[6:]}",
    ]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.parametrize("form_index", range(6))
def test_typed_personnummer_never_goes_into_the_url_and_finds_the_person(client, setup, form_index):
    project = setup["project"]
    number = setup["anna"].person.personnummer
    typed = _typed_forms(number)[form_index]
    client.force_login(setup["coordinator"])
    list_url = reverse("participants:list", args=[project.pk])
    response = client.post(list_url, {"q": typed, "status": "active"})
    assert response.status_code == 302
    location = response["Location"]
    assert number[2:] not in _digits(location)  # neither the 12 nor the 10 digits
    assert "status=active" in location
    page = client.get(location)
    assert [p.first_name for p in page.context["page"]] == ["Anna"]
    html = page.content.decode()
    assert number not in html
    assert f"{number[:8]}-{number[8:]}" not in html
    assert 'value="19800101-****"' in html  # the box shows what was searched, masked


def test_number_search_keeps_its_key_on_page_2_and_with_other_filters(client, setup):
    project = setup["project"]
    client.force_login(setup["coordinator"])
    list_url = reverse("participants:list", args=[project.pk])
    location = client.post(list_url, {"q": setup["bo"].person.personnummer})["Location"]
    key = location.split("nr=")[1]
    # Submitting the form again unchanged (the box shows the masked number) keeps the
    # search; a new text in the box replaces it.
    again = client.post(list_url, {"q": "19900101-****", "nr": key, "gender": "M"})["Location"]
    assert f"nr={key}" in again
    assert "gender=M" in again
    assert "q=" not in again
    page = client.get(again + "&sida=2")
    assert [p.first_name for p in page.context["page"]] == ["Bo"]
    other = client.post(list_url, {"q": "berg", "nr": key})["Location"]
    assert "nr=" not in other
    assert [p.first_name for p in client.get(other).context["page"]] == ["Anna"]


def test_old_link_with_a_number_in_q_is_redirected_without_it(client, setup):
    number = setup["anna"].person.personnummer
    client.force_login(setup["coordinator"])
    response = client.get(reverse("participants:list", args=[setup["project"].pk]), {"q": number})
    assert response.status_code == 302
    assert number[2:] not in _digits(response["Location"])


def test_number_key_of_another_session_finds_nothing_and_says_why(client, setup):
    project = setup["project"]
    list_url = reverse("participants:list", args=[project.pk])
    client.force_login(setup["coordinator"])
    location = client.post(list_url, {"q": setup["anna"].person.personnummer})["Location"]
    client.logout()
    client.force_login(setup["coordinator"])
    page = client.get(location)
    assert "Skriv numret igen" in page.content.decode()


def test_invalid_typed_number_is_explained_and_not_put_in_the_url(client, setup):
    number = setup["anna"].person.personnummer
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    client.force_login(setup["coordinator"])
    response = client.post(reverse("participants:list", args=[setup["project"].pk]), {"q": wrong})
    assert response.status_code == 400
    assert "fel kontrollsiffra" in response.content.decode()
    assert list(response.context["page"]) == []


def test_contact_finds_by_number_only_in_own_organisation(client, setup):
    project = setup["project"]
    contact = MembershipFactory(project=project, role="contact", organisation=setup["pitea"]).user
    client.force_login(contact)
    list_url = reverse("participants:list", args=[project.pk])
    location = client.post(list_url, {"q": setup["anna"].person.personnummer})["Location"]
    assert list(client.get(location).context["page"]) == []
