"""Script and formula payloads in every free-text field: every page escapes them and every
spreadsheet cell that leaves the platform is neutralised.

Generic on purpose, so a new model field, page or download is covered without editing this
file: the demo data is seeded, every user-writable CharField/TextField of every model of our
apps is overwritten with a payload (introspected, not listed), and each demo login then walks
every page it can reach by following links from the start page (href, hx-get, GET forms),
plus the anonymous survey links. HTML must never carry a payload unescaped; every xlsx and
CSV met on the way, and every report kind and the survey export ordered through the views,
is read back with openpyxl and csv.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import Resolver404, resolve, reverse

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.spreadsheets import FORMULA_PREFIXES

OUR_APPS = ("accounts", "projects", "participants", "surveys", "activities", "goals", "reporting")

# What a person or a member of staff can type: the rest are codes, hashes, tokens and
# addresses that the code itself writes or validates (a payload there would only break the
# demo data, not test escaping). DigComp's framework is shipped data nobody edits.
NOT_FREE_TEXT = {
    "password",
    "personnummer",
    "organisationsnummer",
    "diarienummer",
    "programme_area",
    "specific_objective",
    "intervention_code",
    "code",
    "nonce",
    "token",
    "token_hash",
    "slug",
    "manager_token",
    "manager_code_hash",
    "manager_signed_method",
    "content_hash",
    "file_checksum",
    "content_checksum",
    "fingerprint",
    "language",
    "gender",
    "role_group",
    "target_role_group",
    "activity_kind",
    "context",
    "history_change_reason",
}
NOT_USER_DATA = {"DigCompArea", "DigCompCompetence", "DigCompLevel"}

XSS = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
SHORT_XSS = "<i>'x"
RAW_MARKERS = ("<script>alert(1)", "<img src=x", "<i>'x")
ESCAPED_MARKER = "&lt;script&gt;alert(1)"


def _free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__ in NOT_USER_DATA:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if isinstance(field, models.EmailField | models.URLField | models.SlugField):
                continue
            if field.choices or field.primary_key or field.name in NOT_FREE_TEXT:
                continue
            if field.max_length is not None and field.max_length < 20:
                continue
            found.append((model, field))
    return found


def _fill_with_payloads() -> int:
    """Every free-text value becomes a payload starting with a formula sign (rotating through
    = + - @ tab CR) and ending with the row's pk (unique fields stay unique)."""
    fields = _free_text_fields()
    for number, (model, field) in enumerate(fields):
        sign = FORMULA_PREFIXES[number % len(FORMULA_PREFIXES)]
        body = XSS if field.max_length is None or field.max_length >= 80 else SHORT_XSS
        text = Concat(Value(sign + body), Cast("pk", models.CharField()))
        if field.max_length is not None:
            text = Left(text, field.max_length)
        model._base_manager.exclude(**{field.name: ""}).update(**{field.name: text})
        # Empty optional texts (help texts, descriptions) get the payload too.
        model._base_manager.filter(**{field.name: ""}).update(**{field.name: text})
    return len(fields)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "hx-get"):
            if values.get(name):
                self.links.append(values[name] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "get":
            self.links.append(values.get("action") or "")


SKIP = ("/static/", "/admin/", "/accounts/logout", "/i18n/", "/media/")


def _normal(url: str, current: str) -> str | None:
    if not url or url.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path or urlsplit(current).path
    if not path.startswith("/"):
        return None
    if path.startswith(SKIP):
        return None
    query = urlencode(sorted(parse_qsl(parts.query)))
    return path + (f"?{query}" if query else "")


def _route(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url
    return match.route + "?" + ",".join(sorted(k for k, _v in parse_qsl(urlsplit(url).query)))


class Walk:
    def __init__(self) -> None:
        self.pages: Counter[str] = Counter()
        self.escaped_hits = 0
        self.files: list[str] = []
        self.failures: list[str] = []

    def check_html(self, url: str, body: str) -> None:
        self.pages[_route(url)] += 1
        self.escaped_hits += body.count(ESCAPED_MARKER)
        for marker in RAW_MARKERS:
            if marker in body:
                at = body.index(marker)
                self.failures.append(f"{url}: unescaped {marker!r}: …{body[at - 80 : at + 40]}…")

    def check_file(self, url: str, name: str, content: bytes) -> None:
        self.files.append(name)
        for where, cell, data_type in _cells(name, content):
            if data_type == "f":
                self.failures.append(f"{url} ({name}) {where}: a live formula {cell!r}")
            elif isinstance(cell, str) and _unneutralised(cell):
                self.failures.append(f"{url} ({name}) {where}: {cell!r} is not neutralised")


def _unneutralised(text: str) -> bool:
    from digiproj.spreadsheets import starts_like_formula

    return starts_like_formula(text)


def _cells(name: str, content: bytes):
    if content.startswith(b"PK"):
        book = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type
        return
    text = content.decode("utf-8-sig")
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=";"), 1):
        for column, value in enumerate(row, 1):
            yield f"row {number} col {column}", value, "s"


def _download_name(response) -> str | None:
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "")
    if "attachment" in disposition or "spreadsheet" in kind or "csv" in kind:
        found = re.search(r'filename="?([^";]+)', disposition)
        return found.group(1) if found else kind
    return None


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _walk(client, start: list[str], walk: Walk, *, per_route: int = 3, limit: int = 1500) -> None:
    queue = deque(start)
    seen: set[str] = set(start)
    per: Counter[str] = Counter()
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        route = _route(url)
        if per[route] >= per_route:
            continue
        per[route] += 1
        visited += 1
        response = client.get(url)
        if response.status_code >= 500:
            walk.failures.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        name = _download_name(response)
        body = _body(response)
        if name is not None:
            if name.endswith((".xlsx", ".csv")) or body[:2] == b"PK":
                walk.check_file(url, name, body)
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        html = body.decode()
        walk.check_html(url, html)
        parser = _Links()
        parser.feed(html)
        for link in parser.links:
            target = _normal(link, url)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)


def _order_every_report(client, walk: Walk, capture) -> None:
    """Every report kind in both formats, ordered through the page as a coordinator does."""
    from digiproj.projects.models import Project
    from reporting import reports
    from reporting.models import ReportRun

    for project in Project.objects.all():
        for kind in reports.AVAILABLE:
            for file_format in ("xlsx", "csv"):
                with capture(execute=True):
                    client.post(
                        reverse("reporting:index", args=[project.pk]),
                        {
                            "kind": kind,
                            "file_format": file_format,
                            "period_start": project.start_date.isoformat(),
                            "period_end": project.end_date.isoformat(),
                        },
                    )
    runs = ReportRun.objects.filter(status=ReportRun.Status.DONE)
    assert {(r.kind, r.file_format) for r in runs} >= {
        (k, f) for k in reports.AVAILABLE for f in ("xlsx", "csv")
    }
    for run in runs:
        url = reverse("reporting:download", args=[run.project_id, run.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        walk.check_file(url, f"{run.kind}.{run.file_format}", _body(response))


def _export_every_round(client, walk: Walk, capture) -> None:
    from surveys.models import Round, SurveyExport

    for round_ in Round.objects.select_related("survey"):
        with capture(execute=True):
            client.post(
                reverse("surveys:export_create", args=[round_.survey.project_id, round_.pk])
            )
    exports = SurveyExport.objects.filter(status=SurveyExport.Status.DONE)
    assert exports.exists()
    for export in exports.select_related("round__survey"):
        url = reverse("surveys:export_download", args=[export.round.survey.project_id, export.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        walk.check_file(url, "survey-export.xlsx", _body(response))


def _preview_an_import(client, walk: Walk) -> None:
    """An uploaded file's cells are shown on the preview (rows and refused cells alike)."""
    from digiproj.projects.models import ProjectOrganisation
    from tests.factories import participant_test_pnr

    link = ProjectOrganisation.objects.select_related("organisation").first()
    header = "Personnummer;Förnamn;Efternamn;Arbetsgivare;Startdatum"
    rows = [
        f"{participant_test_pnr(900)};{XSS};{SHORT_XSS};{link.organisation.organisationsnummer};"
        "2024-03-01",
        f"{participant_test_pnr(901)};={XSS};Test;{link.organisation.organisationsnummer};"
        "2024-03-01",
    ]
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")
    response = client.post(
        reverse("participants:import", args=[link.project_id]),
        {"file": SimpleUploadedFile("d.csv", data, content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert ESCAPED_MARKER in html
    walk.check_html(response.request["PATH_INFO"], html)


@pytest.mark.django_db
def test_payloads_in_every_free_text_field_are_escaped_and_neutralised(
    client, django_capture_on_commit_callbacks
):
    from digiproj.accounts.models import User
    from surveys import services as survey_services
    from surveys.models import Answer, Invitation, Question, Response

    generator.seed(participants_per_project=4, force=True)
    # Free-text answers, as respondents write them (the demo answers only scales).
    text_question = Question.objects.filter(kind=Question.Kind.SHORT_TEXT).first()
    if text_question is None:
        first = Question.objects.order_by("pk").first()
        text_question = Question.objects.create(
            section=first.section, order=99, kind=Question.Kind.LONG_TEXT, text_sv="Övrigt"
        )
    for response in Response.objects.filter(round__survey=text_question.section.survey):
        Answer.objects.create(response=response, question=text_question, value_text="x")
    filled = _fill_with_payloads()
    assert filled > 40  # the introspection found the models' texts

    walk = Walk()
    for login in DEMO_LOGINS:
        client.force_login(User.objects.get(email=login.email))
        _walk(client, ["/"], walk)
    client.logout()
    tokens = [
        reverse(
            "surveys:answer",
            args=[i.round.survey.project_id, survey_services.invitation_token(i)],
        )
        for i in Invitation.objects.select_related("round__survey")[:3]
    ]
    assert tokens, "the demo has an open round with invitations"
    _walk(client, tokens, walk)

    coordinator = User.objects.get(email=DEMO_LOGINS[0].email)
    client.force_login(coordinator)
    _order_every_report(client, walk, django_capture_on_commit_callbacks)
    _export_every_round(client, walk, django_capture_on_commit_callbacks)
    _preview_an_import(client, walk)

    assert not walk.failures, "\n".join(walk.failures[:40])
    # Not vacuous: the walk met many pages, the payloads on them, and the files.
    assert len(walk.pages) > 40, sorted(walk.pages)
    assert walk.escaped_hits > 100
    for route in ("forhandsvisning", "svara", "deltagare"):
        assert any(route in page for page in walk.pages), route
    assert len(walk.files) >= 20, walk.files
