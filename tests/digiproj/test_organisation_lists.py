"""Organisations in bulk on the project's organisations page: paste or upload a list, see
each row's errors, confirm; saved in one transaction or not at all. Edit and remove."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from digiproj.projects.models import Organisation, ProjectOrganisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectOrganisationFactory,
    _luhn_complete,
)

pytestmark = pytest.mark.django_db

# DigiWestum's 35 member organisations, as a coordinator would paste them from Excel (tabs).
WESTUM = [(_luhn_complete(f"2125{n:05d}"), f"Lärcentrum {n}") for n in range(35)]


def _pasted(rows) -> str:
    header = "Organisationsnummer\tNamn\tTyp\tRoll"
    return "\n".join(
        [header, *(f"{nr}\t{name}\tkommun\tdeltagande arbetsgivare" for nr, name in rows)]
    )


@pytest.fixture
def coordinator(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def _preview(client, project, **data):
    return client.post(reverse("project_organisations_list", args=[project.pk]), data)


def _save(client, project, text):
    return client.post(
        reverse("project_organisations_list_save", args=[project.pk]), {"text": text}
    )


def test_35_organisations_with_two_bad_rows_are_shown_and_none_saved(client, coordinator):
    project = coordinator.project
    rows = list(WESTUM)
    rows[4] = ("212500-0049", rows[4][1])  # a wrong check digit
    rows[20] = (rows[20][0], '=HYPERLINK("https://evil.example")')
    response = _preview(client, project, text=_pasted(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 rader behöver rättas" in page
    assert "inte ett giltigt organisationsnummer" in page
    assert "börjar som en formel" in page
    assert len(response.context["rows"]) == 35
    assert [row.line for row in response.context["wrong"]] == [6, 22]  # header is line 1
    assert response.context["text"] == ""  # nothing to confirm
    # The list sent anyway is checked again and refused whole.
    assert _save(client, project, _pasted(rows)).status_code == 302
    assert not ProjectOrganisation.objects.filter(project=project).exists()


def test_a_corrected_list_is_confirmed_and_saved_whole(client, coordinator):
    project = coordinator.project
    response = _preview(client, project, text=_pasted(WESTUM))
    assert response.status_code == 200
    assert "35 organisationer kan läggas till" in response.content.decode()
    saved = _save(client, project, response.context["text"])
    assert saved.status_code == 302
    links = ProjectOrganisation.objects.filter(project=project)
    assert links.count() == 35
    assert {link.role for link in links} == {ProjectOrganisation.Role.EMPLOYER}
    # Pasting the list again finds them all taking part already.
    again = _preview(client, project, text=_pasted(WESTUM[:2]))
    assert "deltar redan i projektet" in again.content.decode()


def test_numbers_are_normalised_and_two_units_share_one(client, coordinator):
    project = coordinator.project
    text = "2120001322;Komvux Falkenberg;kommun;samverkanspart\n212000-1322;Lärcentrum Falkenberg"
    response = _preview(client, project, text=text)
    assert response.status_code == 200
    _save(client, project, response.context["text"])
    units = Organisation.objects.filter(organisationsnummer="212000-1322")
    assert {u.name for u in units} == {"Komvux Falkenberg", "Lärcentrum Falkenberg"}
    roles = dict(
        ProjectOrganisation.objects.filter(project=project).values_list(
            "organisation__name", "role"
        )
    )
    assert roles == {"Komvux Falkenberg": "partner", "Lärcentrum Falkenberg": "employer"}


def test_a_row_twice_and_a_number_alone_for_several_units_are_row_errors(client, coordinator):
    OrganisationFactory(organisationsnummer="212000-1322", name="Komvux")
    OrganisationFactory(organisationsnummer="212000-1322", name="Lärcentrum")
    text = "212000-2742;Umeå kommun\n2120002742;umeå kommun\n212000-1322;;kommun;okänd"
    response = _preview(client, coordinator.project, text=text)
    errors = {row.line: " ".join(row.errors) for row in response.context["wrong"]}
    assert "Samma organisation står redan på rad 1" in errors[2]
    assert "Flera enheter" in errors[3]
    assert "Okänd roll" in errors[3]


def test_an_xlsx_and_a_csv_file_are_read_like_a_pasted_list(client, coordinator):
    book = Workbook()
    sheet = book.active
    sheet.append(["organisationsnummer", "namn", "typ", "roll"])
    for number, name in WESTUM[:3]:
        sheet.append([number, name, "Kommun", "Samverkanspart"])
    data = io.BytesIO()
    book.save(data)
    xlsx = io.BytesIO(data.getvalue())
    xlsx.name = "westum.xlsx"
    response = _preview(client, coordinator.project, file=xlsx)
    assert response.status_code == 200, response.context["form"].errors
    assert [row.role for row in response.context["rows"]] == ["partner"] * 3
    csv = io.BytesIO("\ufeffnr;namn\n212000-2742;Umeå kommun\n".encode())
    csv.name = "lista.csv"
    response = _preview(client, coordinator.project, file=csv)
    assert [row.name for row in response.context["rows"]] == ["Umeå kommun"]


def test_a_contact_may_not_add_organisations(client):
    org = OrganisationFactory()
    contact = MembershipFactory(role="contact", organisation=org)
    client.force_login(contact.user)
    assert _preview(client, contact.project, text=_pasted(WESTUM[:1])).status_code == 403
    assert _save(client, contact.project, _pasted(WESTUM[:1])).status_code == 403


def test_the_organisations_list_costs_the_same_at_any_size(
    client, coordinator, django_assert_max_num_queries
):
    project = coordinator.project
    url = reverse("project_organisations", args=[project.pk])
    for _ in range(3):
        ProjectOrganisationFactory(project=project)
    client.get(url)  # warm caches (session, site)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for _ in range(30):
        link = ProjectOrganisationFactory(project=project)
        ParticipationFactory(project=project, organisation=link.organisation)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["links"]) == 33


def test_an_organisation_with_participants_is_not_removed(client, coordinator):
    project = coordinator.project
    link = ProjectOrganisationFactory(project=project, organisation__name="Ale kommun")
    ParticipationFactory.create_batch(2, project=project, organisation=link.organisation)
    url = reverse("project_organisation_remove", args=[project.pk, link.pk])
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Ale kommun kan inte tas bort: 2 deltagare i projektet hör till den." in (
        response.content.decode()
    )
    assert ProjectOrganisation.objects.filter(pk=link.pk).exists()


def test_an_organisation_without_participants_is_removed_after_confirmation(client, coordinator):
    project = coordinator.project
    link = ProjectOrganisationFactory(project=project)
    url = reverse("project_organisation_remove", args=[project.pk, link.pk])
    assert "Ta bort organisationen" in client.post(url).content.decode()
    assert ProjectOrganisation.objects.filter(pk=link.pk).exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not ProjectOrganisation.objects.filter(pk=link.pk).exists()
    assert Organisation.objects.filter(pk=link.organisation_id).exists()


def test_an_organisation_is_edited_and_a_shared_ones_name_is_kept(client, coordinator):
    project = coordinator.project
    link = ProjectOrganisationFactory(project=project, organisation__name="Ale kommun")
    url = reverse("project_organisation_edit", args=[project.pk, link.pk])
    data = {"name": "Ale kommun, Lärcentrum", "kind": "kommun", "role": "partner"}
    assert client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert (link.organisation.name, link.role) == ("Ale kommun, Lärcentrum", "partner")
    ProjectOrganisationFactory(organisation=link.organisation)  # now in another project too
    refused = client.post(url, {**data, "name": "Något annat"})
    assert refused.status_code == 400
    assert "deltar i fler projekt" in refused.content.decode()
    other = ProjectOrganisationFactory()
    outside = reverse("project_organisation_edit", args=[project.pk, other.pk])
    assert client.get(outside).status_code == 404
