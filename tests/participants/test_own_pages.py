"""The participant's own pages: my data, consent, downloads, correction requests."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from participants.models import CorrectionRequest
from tests.factories import MembershipFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    user = UserFactory()
    participation = ParticipationFactory(user=user, first_name="Maja")
    other = ParticipationFactory(first_name="Annan")
    return {"user": user, "participation": participation, "other": other}


def test_my_data_shows_only_my_record(client, me):
    client.force_login(me["user"])
    html = client.get(reverse("selfservice:my_data")).content.decode()
    assert "Maja" in html
    assert "Annan" not in html
    assert me["participation"].project.name in html
    assert me["participation"].person.personnummer not in html  # masked on screen


def test_home_links_to_my_data(client, me):
    client.force_login(me["user"])
    assert reverse("selfservice:my_data") in client.get(reverse("home")).content.decode()


def test_user_without_person_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("selfservice:my_data")).status_code == 404
    assert client.get(reverse("selfservice:my_data_download", args=["json"])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("selfservice:my_data"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_download_json_and_excel(client, me):
    client.force_login(me["user"])
    response = client.get(reverse("selfservice:my_data_download", args=["json"]))
    data = json.loads(response.content)
    assert data["deltaganden"][0]["förnamn"] == "Maja"
    assert (
        data["person"]["personnummer"].replace("-", "") == me["participation"].person.personnummer
    )
    assert [p["projekt"] for p in data["deltaganden"]] == [me["participation"].project.name]
    response = client.get(reverse("selfservice:my_data_download", args=["xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Person", "Deltaganden"]
    assert "Annan" not in str([c.value for ws in workbook for row in ws for c in row])


def test_consent_page(client, me):
    client.force_login(me["user"])
    html = client.get(reverse("selfservice:my_consent")).content.decode()
    assert "Europeiska socialfonden" in html


def test_correction_request_reaches_coordinator(client, me):
    client.force_login(me["user"])
    response = client.post(reverse("selfservice:my_correction"), {"message": "Fel arbetsplats"})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.participation == me["participation"]
    project = me["participation"].project
    coordinator = MembershipFactory(project=project).user
    client.force_login(coordinator)
    url = reverse("participants:detail", args=[project.pk, me["participation"].pk])
    assert "Fel arbetsplats" in client.get(url).content.decode()
    handled = reverse(
        "participants:correction_handled",
        args=[project.pk, me["participation"].pk, correction.pk],
    )
    client.post(handled)
    correction.refresh_from_db()
    assert correction.handled_by == coordinator
    assert "Fel arbetsplats" not in client.get(url).content.decode()


def test_empty_correction_is_refused(client, me):
    client.force_login(me["user"])
    response = client.post(reverse("selfservice:my_correction"), {"message": ""})
    assert response.status_code == 200
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize("rows", [1, 10])
def test_my_data_query_count_is_bounded(client, django_assert_num_queries, rows):
    user = UserFactory()
    first = ParticipationFactory(user=user)
    ParticipationFactory.create_batch(rows - 1, person=first.person, user=user)
    client.force_login(user)
    # session, user, MFA check, person, participations with project and organisation
    with django_assert_num_queries(5):
        response = client.get(reverse("selfservice:my_data"))
    assert len(response.context["participations"]) == rows


@pytest.mark.parametrize("fmt", ["json\r\nX-Injected: 1", "xlsx\n", "csv", "exe"])
def test_unknown_download_format_is_a_400_with_a_message(client, me, fmt):
    """A CR/LF in the format reached the Content-Disposition header: 500 (BadHeaderError)."""
    client.force_login(me["user"])
    response = client.get(reverse("selfservice:my_data_download", args=[fmt]))
    assert response.status_code == 400
    assert "X-Injected" not in response
    assert "Välj JSON eller Excel (xlsx)" in response.content.decode()


def test_double_sent_correction_request_is_one_request_with_a_clear_message(client, me):
    """Issue 17, item 14: a double click, a resent form or a second tab adds nothing."""
    client.force_login(me["user"])
    url = reverse("selfservice:my_correction")
    client.post(url, {"message": "Fel arbetsplats"})
    response = client.post(url, {"message": "  Fel   arbetsplats "}, follow=True)
    assert CorrectionRequest.objects.count() == 1
    assert "redan mottagen" in response.content.decode()
    # Another request is another row.
    client.post(url, {"message": "Fel utbildningsnivå"})
    assert CorrectionRequest.objects.count() == 2


def test_correction_request_is_all_or_nothing_over_the_projects(me, monkeypatch):
    from participants import services

    ParticipationFactory(person=me["participation"].person, user=me["user"])
    saved = []
    original = CorrectionRequest.save

    def fail_second(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 2:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CorrectionRequest, "save", fail_second)
    with pytest.raises(RuntimeError):
        services.correction_request_submit(user_id=me["user"].pk, message="Fel namn")
    assert not CorrectionRequest.objects.exists()  # not half-written


def test_the_database_refuses_a_second_identical_open_request(me):
    from django.db import IntegrityError, transaction

    from participants import services

    services.correction_request_submit(user_id=me["user"].pk, message="Fel namn")
    first = CorrectionRequest.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.create(
            participation=first.participation, message="Fel namn", message_key=first.message_key
        )
