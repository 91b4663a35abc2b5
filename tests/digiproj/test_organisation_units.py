"""Units of one organisation (a kommun's Komvux and Lärcentrum) share its organisationsnummer:
the number and the name together tell them apart."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digiproj.projects import services
from digiproj.projects.models import Organisation, ProjectOrganisation
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FALKENBERG = "212000-1322"


def _add(client, project, **data):
    url = reverse("project_organisations", args=[project.pk])
    return client.post(url, {"kind": "kommun", "role": "employer", **data})


def test_two_units_with_one_number_take_part_apart(client):
    coordinator = MembershipFactory()
    client.force_login(coordinator.user)
    project = coordinator.project
    for name in ("Komvux Falkenberg", "Lärcentrum Falkenberg"):
        response = _add(client, project, organisationsnummer="2120001322", name=name)
        assert response.status_code == 302
    units = Organisation.objects.filter(organisationsnummer=FALKENBERG).order_by("name")
    assert [u.name for u in units] == ["Komvux Falkenberg", "Lärcentrum Falkenberg"]
    assert ProjectOrganisation.objects.filter(project=project).count() == 2


def test_the_same_unit_is_found_again_whatever_the_case_of_its_name():
    first = services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="Komvux")
    again = services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="KOMVUX ")
    assert first == again
    assert Organisation.objects.count() == 1


def test_a_number_alone_is_enough_only_when_one_organisation_has_it():
    only = services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="Komvux")
    assert services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="") == only
    services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="Lärcentrum")
    with pytest.raises(ValidationError, match="Flera enheter"):
        services.organisation_find_or_create(organisationsnummer=FALKENBERG, name="")
    with pytest.raises(ValidationError, match="Skriv organisationens namn"):
        services.organisation_find_or_create(organisationsnummer="212000-2742", name="")


def test_the_database_refuses_one_unit_twice():
    Organisation.objects.create(organisationsnummer=FALKENBERG, name="Komvux")
    duplicate = Organisation(organisationsnummer=FALKENBERG, name="komvux")
    with pytest.raises(ValidationError, match="organisationsnumret och namnet"):
        duplicate.full_clean()
