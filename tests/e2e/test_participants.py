"""Participants in the browser: invitation → registration on a phone → own data; a
coordinator imports a file with errors, fixes it and imports. axe on every page."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import axe_violations, login
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"


@pytest.fixture
def setup(db):
    project = ProjectFactory(name="Digitalt lyft")
    org = ProjectOrganisationFactory(project=project, organisation__name="Umeå kommun").organisation
    coordinator = MembershipFactory(project=project, user__email="samordnare@example.test").user
    ParticipationFactory(project=project, organisation=org)
    return {"project": project, "org": org, "coordinator": coordinator}


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Deltagare"
    sheet.append(["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ok(page: Page) -> None:
    assert axe_violations(page) == []


def test_invitation_registration_on_phone(setup, live_server, page: Page, browser: Browser):
    base = live_server.url
    project = setup["project"]
    login(page, base, "samordnare@example.test", PASSWORD)
    page.goto(f"{base}/p/{project.pk}/deltagare/inbjudningar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudningar")
    _ok(page)
    page.get_by_label("E-post till personen").fill("sara@example.test")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.get_by_text("Inbjudan skickas till sara@example.test")).to_be_visible()
    _ok(page)
    path = re.search(r"(/inbjudan/\S+/)", mail.outbox[-1].body).group(1)

    phone = browser.new_context(viewport={"width": 375, "height": 800})
    mobile = phone.new_page()
    mobile.goto(f"{base}{path}")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Registrera dig")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    _ok(mobile)
    mobile.get_by_label("Personnummer eller samordningsnummer").fill(participant_test_pnr(5))
    mobile.get_by_label("Förnamn").fill("Sara")
    mobile.get_by_label("Efternamn").fill("Lind")
    mobile.get_by_label("Telefon").fill("070-1112233")
    mobile.get_by_label("Yrkesgrupp").select_option("support")
    mobile.get_by_label("Jag har läst informationen").check()
    mobile.get_by_label("Välj lösenord").fill("kort")
    mobile.get_by_label("Upprepa lösenordet").fill("kort")
    mobile.get_by_role("button", name="Registrera mig").click()
    expect(
        mobile.locator(".field-error").get_by_text("Det här lösenordet är för kort")
    ).to_be_visible()
    _ok(mobile)
    mobile.get_by_label("Välj lösenord").fill("ett-langt-Losen-123")
    mobile.get_by_label("Upprepa lösenordet").fill("ett-langt-Losen-123")
    mobile.get_by_role("button", name="Registrera mig").click()

    expect(mobile.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    # Her name as she gave it to the project, in that project's card (names are held per
    # participation since a person is shared by projects).
    card = mobile.locator("section", has=mobile.get_by_role("heading", name="Digitalt lyft"))
    expect(card).to_be_visible()
    expect(card.locator("dd", has_text="Sara Lind")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    _ok(mobile)
    mobile.get_by_role("link", name="Mitt samtycke").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Mitt samtycke")
    _ok(mobile)
    mobile.goto(f"{base}/mina-sidor/rattelse/")
    _ok(mobile)
    mobile.get_by_label("Vad ska rättas?").fill("Fel arbetsplats")
    mobile.get_by_role("button", name="Skicka").click()
    expect(mobile.get_by_text("har fått din begäran")).to_be_visible()
    mobile.goto(f"{base}/")
    mobile.get_by_role("link", name="Mina uppgifter").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")

    # The used link says so, clearly.
    anonymous = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    anonymous.goto(f"{base}{path}")
    expect(anonymous.get_by_text("Länken har redan använts")).to_be_visible()
    _ok(anonymous)
    phone.close()


def test_coordinator_imports_with_errors_then_fixed(setup, live_server, page: Page):
    base = live_server.url
    project, org = setup["project"], setup["org"]
    login(page, base, "samordnare@example.test", PASSWORD)
    page.goto(f"{base}/p/{project.pk}/deltagare/")
    _ok(page)
    page.get_by_role("link", name="Importera från fil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera deltagare")
    _ok(page)

    rows = [
        [participant_test_pnr(i), "Anna", f"Ek{i}", org.organisationsnummer, "2024-03-01"]
        for i in range(1, 4)
    ]
    bad = [row[:] for row in rows]
    bad[1][0] = "19701301-9802"
    bad[2][3] = "Okänd AB"
    page.get_by_label("Fil med deltagare").set_input_files(
        {"name": "deltagare.xlsx", "mimeType": "application/octet-stream", "buffer": _xlsx(bad)}
    )
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska import")
    expect(page.get_by_text("2 rader behöver rättas")).to_be_visible()
    errors = page.get_by_role("table", name="Fel i filen")
    expect(errors).to_contain_text("datum som inte finns")
    expect(errors).to_contain_text("deltar inte i projektet")
    _ok(page)

    page.get_by_label("Fil med deltagare").set_input_files(
        {"name": "deltagare.xlsx", "mimeType": "application/octet-stream", "buffer": _xlsx(rows)}
    )
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_text("Inga fel hittades")).to_be_visible()
    # The file has no Yrkesgrupp column: what its rows get is said before the import.
    expect(page.get_by_text("3 rader får Yrkesgrupp: Okänd")).to_be_visible()
    _ok(page)
    page.get_by_role("button", name="Importera 3 deltagare").click()
    expect(page.get_by_text("3 deltagare importerades")).to_be_visible()
    expect(page.get_by_text("4 deltagare", exact=True)).to_be_visible()
    _ok(page)
    # The preview, reloaded after the import, says it is done (and offers no second import).
    from participants.models import ParticipantImport

    done = ParticipantImport.objects.latest("pk")
    page.goto(f"{base}/p/{project.pk}/deltagare/import/{done.pk}/")
    expect(page.get_by_text("3 deltagare.")).to_be_visible()
    expect(page.get_by_role("button", name="Importera 3 deltagare")).to_have_count(0)
    _ok(page)
    page.goto(f"{base}/p/{project.pk}/deltagare/")

    # The list's filters and the other staff pages.
    page.get_by_label("Sök namn, födelsedatum eller personnummer").fill("Ek2")
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("link", name="Ek2, Anna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Ek2")
    _ok(page)
    page.get_by_label("Slutdatum").fill("2024-06-30")
    page.get_by_label("Anledning").select_option("completed")
    page.get_by_role("button", name="Avsluta deltagandet").click()
    expect(page.get_by_text("Deltagandet är avslutat.")).to_be_visible()
    expect(page.get_by_role("button", name="Återuppta deltagandet")).to_be_visible()
    _ok(page)
    page.get_by_role("button", name="Radera personuppgifter").click()
    expect(page.locator(".field-error").get_by_text("Kryssa i rutan")).to_be_visible()
    _ok(page)
    page.get_by_role("link", name="Ändra uppgifter").click()
    _ok(page)
    page.goto(f"{base}/p/{project.pk}/deltagare/ny/")
    _ok(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    _ok(page)


def test_open_registration_link_pages(setup, live_server, page: Page):
    from participants import services

    link = services.registration_link_create(
        project=setup["project"], organisation=None, created_by_id=setup["coordinator"].pk
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/registrera/{link.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera dig")
    _ok(page)
    page.get_by_label("E-post").fill("ny@example.test")
    page.get_by_label("Personnummer eller samordningsnummer").fill(participant_test_pnr(7))
    page.get_by_label("Förnamn").fill("Nils")
    page.get_by_label("Efternamn").fill("Berg")
    page.get_by_label("Arbetsgivare").select_option(str(setup["org"].pk))
    page.get_by_label("Jag har läst informationen").check()
    page.get_by_label("Välj lösenord").fill("ett-langt-Losen-123")
    page.get_by_label("Upprepa lösenordet").fill("ett-langt-Losen-123")
    page.get_by_role("button", name="Registrera mig").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta din e-post")
    _ok(page)
    services.registration_link_set_active(link=link, is_active=False)
    page.goto(f"{live_server.url}/registrera/{link.slug}/")
    expect(page.get_by_text("Registreringen är stängd")).to_be_visible()
    _ok(page)
