"""Every report kind: the same figure read from the page, from the Excel file and from the
CSV file; and in every table, women + men (+ non-binary where reportable) = total.

The seeded project (2014–2020) has a person in two projects who is recorded non-binary
through the other (ESF+) project, a survey answer whose gender snapshot differs from the
register, a month cut by the closing phase (June 2024), names and organisations that byte
order sorts wrongly, and hours whose per-gender rounding misses the total by 0.01.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance, Certificate, SelfReportedTime
from activities.services import certificate_sign_participant
from digiproj.dates import STOCKHOLM
from digiproj.projects.models import Project, UnitCost
from digiproj.projects.permissions import project_access
from goals.models import Goal
from participants import personnummer as pnr
from participants.models import Participation
from reporting import services
from reporting.definitions import ROUNDING
from surveys.models import AreaLevel, Response, Round
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    RoundFactory,
    SessionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

START, END = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
GENDERS = ("kvinnor", "män", "icke-binära")


def _person(born: dt.date, gender: str, last: str, first: str, index: int = 0):
    number = pnr.test_number(born, index, gender=gender)
    person = PersonFactory(personnummer=number, birth_date=born, gender_from_number=gender)
    # The names are what the project holds: given to its participation below.
    person.names = {"last_name": last, "first_name": first}
    return person


def _attend(activity, participation, when: dt.datetime, minutes: int) -> None:
    session = SessionFactory(
        activity=activity, starts_at=when, ends_at=when + dt.timedelta(hours=3)
    )
    Attendance.objects.create(
        session=session,
        participation=participation,
        present=True,
        minutes=minutes,
        marked_at=timezone.now(),
    )


@pytest.fixture
def world(db):
    project = ProjectFactory(
        programme_period=Project.ProgrammePeriod.ESF_2014_2020,
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2025, 12, 31),
        closing_start=dt.date(2024, 6, 17),  # June is cut by the closing phase
        planned_participants=10,
        planned_women=6,
        planned_men=4,
        survey_anonymity_threshold=2,
    )
    UnitCost.objects.create(project=project, year=2024, sek_per_hour=Decimal("250.00"))
    are, angel = OrganisationFactory(name="Åre kommun"), OrganisationFactory(name="Ängelholm")
    for org in (are, angel):
        ProjectOrganisationFactory(project=project, organisation=org)
    people = {
        "A": (_person(dt.date(1999, 5, 1), "K", "Åberg", "Anna"), are, dt.date(2024, 2, 1), None),
        "B": (
            _person(dt.date(1980, 1, 10), "M", "Ängström", "Bo"),
            angel,
            dt.date(2024, 1, 15),
            dt.date(2024, 5, 31),
        ),
        "C": (
            _person(dt.date(1962, 3, 3), "M", "Zetterlund", "Cim"),
            angel,
            dt.date(2024, 3, 1),
            None,
        ),
        "D": (_person(dt.date(1990, 7, 7), "K", "Öst", "Doris"), are, dt.date(2024, 6, 10), None),
        "E": (
            _person(dt.date(1985, 2, 2), "M", "Eriksson", "Erik"),
            are,
            dt.date(2024, 2, 1),
            None,
        ),
    }
    p = {}
    for key, (person, org, start, end) in people.items():
        p[key] = ParticipationFactory(
            project=project,
            person=person,
            **person.names,
            organisation=org,
            start_date=start,
            end_date=end,
            end_reason="completed" if end else "",
        )
    # C also takes part in an ESF+ project and has told both projects they are non-binary
    # (the override is held per participation).
    plus = ProjectFactory(programme_period=Project.ProgrammePeriod.ESF_PLUS_2021_2027)
    ParticipationFactory(project=plus, person=p["C"].person, start_date=dt.date(2024, 2, 1))
    Participation.objects.filter(person=p["C"].person).update(
        gender_override="X", gender_override_reason="Anmält av deltagaren"
    )
    coordinator = MembershipFactory(project=project).user

    workshop = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP, title="Årskurs")
    webinar = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP, title="Ändringar")
    recorded = ActivityFactory(project=project, kind=Activity.Kind.RECORDED, title="Film")
    may = dt.datetime(2024, 5, 20, 10, tzinfo=STOCKHOLM)
    june = dt.datetime(2024, 6, 18, 10, tzinfo=STOCKHOLM)  # in the closing phase
    _attend(workshop, p["A"], may, 20)  # women 0.33 h, men 0.33 h, total 40 min = 0.67 h
    _attend(webinar, p["B"], may, 20)
    _attend(workshop, p["A"], dt.datetime(2024, 6, 3, 10, tzinfo=STOCKHOLM), 60)
    _attend(workshop, p["C"], dt.datetime(2024, 6, 3, 10, tzinfo=STOCKHOLM), 30)
    _attend(webinar, p["D"], june, 45)
    _attend(webinar, p["E"], dt.datetime(2024, 3, 4, 10, tzinfo=STOCKHOLM), 125)
    SelfReportedTime.objects.create(
        activity=recorded,
        participation=p["C"],
        date=dt.date(2024, 6, 4),
        minutes=45,
        status=SelfReportedTime.Status.APPROVED,
    )
    certificate_sign_participant(
        participation=p["E"], month=dt.date(2024, 3, 1), user_id=coordinator.pk
    )
    Certificate.objects.filter(participation=p["E"]).update(
        manager_signed_at=timezone.now(), manager_signed_name="Chef Chefsson"
    )

    survey = SurveyFactory(project=project, title="DigComp")
    baseline = RoundFactory(
        survey=survey,
        name="Start",
        purpose=Round.Purpose.BASELINE,
        opens_at=timezone.make_aware(dt.datetime(2024, 2, 10)),
        closes_at=timezone.make_aware(dt.datetime(2024, 3, 10)),
    )
    follow_up = RoundFactory(
        survey=survey,
        name="Slut",
        purpose=Round.Purpose.FOLLOW_UP,
        opens_at=timezone.make_aware(dt.datetime(2024, 6, 1)),
        closes_at=timezone.make_aware(dt.datetime(2024, 6, 30)),
    )
    levels = {"A": (2.0, 3.25), "B": (3.0, 4.0), "C": (1.5, 3.4), "D": (4.0, 5.0), "E": (2.5, 3.0)}
    for key, (before, after) in levels.items():
        for round_, level, when in ((baseline, before, 2), (follow_up, after, 6)):
            response = Response.objects.create(
                round=round_,
                person=p[key].person,
                status=Response.Status.SUBMITTED,
                # C's snapshot says non-binary, as recorded when they answered
                gender=Participation.objects.get(pk=p[key].pk).gender,
                organisation=p[key].organisation,
                role_group=p[key].role_group,
                submitted_at=timezone.make_aware(dt.datetime(2024, when, 15)),
            )
            for area in (1, 2):
                AreaLevel.objects.create(response=response, area=area, level=level, items=4)
    for title, measure, extra in (
        ("Deltagare", Goal.Measure.PARTICIPANTS, {}),
        ("Timmar", Goal.Measure.HOURS, {}),
        ("Nivå", Goal.Measure.AREA_LEVEL, {"area": 1}),
    ):
        Goal.objects.create(
            project=project,
            title=title,
            measure=measure,
            step=Goal.Step.OUTPUTS,
            target_value=Decimal(10),
            target_date=dt.date(2025, 12, 31),
            **extra,
        )
    return {"project": project, "coordinator": coordinator, "p": p}


# --- reading the three sources --------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> of a page as its body rows of cell texts (th and td)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._body = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._body = False
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(client, name: str, **params) -> list[list[list[str]]]:
    response = client.get(
        reverse(name, args=[params.pop("project").pk]),
        {"period_start": START.isoformat(), "period_end": END.isoformat(), **params},
    )
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def number(text) -> Decimal | None:
    """A figure as a page or a file shows it: 1 234,5 / 12,50 timmar / 64,0 % / 3.33."""
    if text is None or text == "":
        return None
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    cleaned = re.sub(r"[^\d,.\-–]", "", text.replace("\xa0", "").replace(" ", ""))
    if cleaned in ("", "–", "-"):
        return None
    return Decimal(cleaned.replace(",", "."))


def order(world, kind: str, file_format: str, *, start=START, end=END):
    run = services.report_run_create(
        access=project_access(world["coordinator"], world["project"]),
        user=world["coordinator"],
        kind=kind,
        file_format=file_format,
        period_start=start,
        period_end=end,
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        return handle.read()


def files(world, kind: str, **period) -> list[dict[str, list[list]]]:
    """The report's tables from the xlsx and from the csv: {title: data rows (with header)}."""
    book = openpyxl.load_workbook(io.BytesIO(order(world, kind, "xlsx", **period)))
    xlsx = {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }
    text = order(world, kind, "csv", **period).decode("utf-8-sig")
    sections, current = {}, []
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            sections[current[0][0]] = current[1:]
            current = []
        else:
            current.append(row)
    data_sheets = [n for n in xlsx if n != "Om rapporten"]
    if len(data_sheets) == 1:
        sections = {data_sheets[0]: current}
    else:
        sections[current[0][0]] = current[1:]
    assert set(sections) == set(data_sheets)
    return [xlsx, sections]


def figures(rows: list[list], keys: int) -> dict[tuple, list[Decimal | None]]:
    """Data rows (header dropped) as {first `keys` cells: the numbers of the other cells}."""
    return {tuple(str(c) for c in row[:keys]): [number(c) for c in row[keys:]] for row in rows[1:]}


# --- the same figure on the page and in the files -------------------------------------------


def test_indicators_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    tables = page_tables(client, "reporting:indicators", project=world["project"])
    titles = ["Alla deltagare", "Ålder vid start", "Utbildningsnivå", "Yrkesgrupp"]
    titles += ["Organisation", "Avslutsorsak"]
    for source in files(world, "indikatorer"):
        for index, title in enumerate(titles):
            page = {(r[0],): [number(c) for c in r[1:]] for r in tables[index]}
            assert figures(source[title], 1) == page, title
            assert list(page) == [(str(r[0]),) for r in source[title][1:]]  # same order
        hours = {(r[0].capitalize(),): [number(c) for c in r[1:]] for r in tables[len(titles) + 1]}
        assert figures(source["Timmar per kön"], 1) == hours
        plan = {(r[0].capitalize(),): [number(c) for c in r[1:]] for r in tables[len(titles)]}
        assert figures(source["Plan och utfall"], 1) == plan
    assert [r[0] for r in tables[1]] == ["<25", "25–54", ">54"]


def test_register_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    (table,) = page_tables(client, "reporting:register", project=world["project"])
    page = [(r[0], r[2], number(r[5])) for r in table]
    for source in files(world, "deltagare"):
        rows = source["Deltagare"][1:]
        assert [(f"{r[0]}, {r[1]}", r[5], number(r[13])) for r in rows] == page
    assert [r[0].split(",")[0] for r in table] == [
        "Eriksson",
        "Åberg",
        "Öst",
        "Zetterlund",
        "Ängström",
    ]


def test_time_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    (table,) = page_tables(client, "reporting:time", project=world["project"])
    page = {r[0]: [number(c) for c in r[1:]] for r in table}
    assert page["2024-03"][0:3] == [Decimal(0), Decimal("2.00"), Decimal("2.00")]
    for source in files(world, "tid"):
        by_month: dict[str, list[Decimal]] = {}
        for row in source["Per organisation och månad"][1:]:
            values = [number(c) or Decimal(0) for c in row[3:]]
            # certified K, M, total; uncertified; value total
            wanted = [values[0], values[1], values[2], values[6], values[5]]
            sums = by_month.setdefault(row[2], [Decimal(0)] * 5)
            by_month[row[2]] = [a + b for a, b in zip(sums, wanted, strict=True)]
        assert by_month == page


def test_scb_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    response = client.get(reverse("reporting:scb", args=[world["project"].pk]))
    parser = _Tables()
    parser.feed(response.content.decode())
    page = {r[0]: (int(r[1]), int(r[2])) for r in parser.tables[0]}
    for month in ("2024-01", "2024-05", "2024-06"):
        first = dt.date.fromisoformat(f"{month}-01")
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        for source in files(world, "scb", start=first, end=last):
            rows = source["SCB"][1:]
            new = sum(1 for r in rows if str(r[2])[:7] == month)
            ended = sum(1 for r in rows if r[3] not in (None, ""))
            assert (new, ended) == page[month], month


def test_competence_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    (table,) = page_tables(client, "reporting:competence", project=world["project"])
    page, area = {}, None
    for row in table:
        if re.match(r"^\d ", row[0]):  # the first row of an area carries its name
            area, row = row[0].split(" ")[0], row[1:]
        if number(row[1]) == 0:
            continue  # nobody to pair: the file has no row for it
        group = {"Totalt": "Alla"}.get(row[0], row[0])
        page[(area, group)] = [number(c) for c in row[1:]]
    assert page[("1", "Män")][0] == 3  # B, C (reported a man here) and E
    assert page[("1", "Alla")][3] == Decimal("1.13")
    for source in files(world, "kompetens"):
        rows = {
            (r[2].split(" ")[0], r[1]): [number(c) for c in r[3:7]]
            for r in source["Parad förändring"][1:]
            if r[0] in ("Alla", "Kön")
        }
        assert rows == page


def test_activities_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    per_kind, per_activity = page_tables(client, "reporting:activities", project=world["project"])
    for source in files(world, "aktiviteter"):
        kinds = {r[0]: [number(c) for c in r[2:]] for r in source["Per typ"][1:]}
        assert kinds == {r[0]: [number(c) for c in r[1:]] for r in per_kind}
        activities = {r[0]: [number(c) for c in r[2:]] for r in source["Per aktivitet"][1:]}
        assert activities == {r[0]: [number(c) for c in r[1:]] for r in per_activity}
    assert [r[0] for r in per_activity] == ["Film", "Årskurs", "Ändringar"]


def test_goals_page_and_files_agree(client, world):
    client.force_login(world["coordinator"])
    response = client.get(
        reverse("goals:dashboard", args=[world["project"].pk]), {"datum": END.isoformat()}
    )
    parser = _Tables()
    parser.feed(response.content.decode())
    page = {}
    for row in parser.tables[0]:
        title = row[0].split(" ")[0]
        genders = dict(re.findall(r"(Kvinnor|Män): ([\d,\xa0]+)", row[6]))
        page[title] = (
            number(row[1]),
            number(row[2]),
            number(genders.get("Kvinnor")),
            number(genders.get("Män")),
        )
    assert page["Nivå"][0] == Decimal("3.73")
    for source in files(world, "mal"):
        rows = {
            r[0]: (number(r[5]), number(r[7]), number(r[14]), number(r[15]))
            for r in source["Mål och uppföljning"][1:]
        }
        assert rows == page


# --- women + men (+ X) = total, in every table of every report kind ------------------------


def _column_sums(title: str, rows: list[list]) -> int:
    """Check every "… totalt" column against its gender columns; the number checked."""
    header, checked = [str(c) for c in rows[0]], 0
    for index, name in enumerate(header):
        if "totalt" not in name:
            continue
        parts = [
            header.index(name.replace("totalt", g))
            for g in GENDERS
            if name.replace("totalt", g) in header
        ]
        assert len(parts) >= 2, (title, name)
        for row in rows[1:]:
            total = number(row[index]) or Decimal(0)
            summed = sum((number(row[i]) or Decimal(0) for i in parts), Decimal(0))
            if "Timmar" in name or "timmar" in name:
                # Hours per gender are rounded each; the total from the exact minutes (the
                # note in Om rapporten says so): they may differ by 0.01 per part.
                assert abs(summed - total) <= Decimal("0.01") * (len(parts) - 1), (title, name, row)
            else:
                assert summed == total, (title, name, row)
            checked += 1
    return checked


def _row_sums(title: str, rows: list[list]) -> int:
    """Tables with a row per gender and a Totalt row: each numeric column adds up."""
    labels = [str(r[0]).lower() for r in rows[1:]]
    if "totalt" not in labels:
        return 0
    total = rows[1 + labels.index("totalt")]
    parts = [rows[1 + labels.index(g)] for g in GENDERS if g in labels]
    if len(parts) < 2:
        return 0
    checked = 0
    for index in range(1, len(total)):
        if number(total[index]) is None:
            continue
        summed = sum((number(p[index]) or Decimal(0) for p in parts), Decimal(0))
        tolerance = Decimal("0.01") * (len(parts) - 1) if "Timmar" in title else Decimal(0)
        assert abs(summed - number(total[index])) <= tolerance, (title, total, parts)
        checked += 1
    return checked


@pytest.mark.parametrize(
    "kind", ["indikatorer", "deltagare", "scb", "aktiviteter", "tid", "kompetens", "mal"]
)
def test_women_and_men_add_up_to_the_total_in_every_table(world, kind):
    period = {"start": dt.date(2024, 6, 1), "end": END} if kind == "scb" else {}
    xlsx, _csv = files(world, kind, **period)
    checked = 0
    for title, rows in xlsx.items():
        if title == "Om rapporten":
            assert str(ROUNDING) in [r[1] for r in rows]
            continue
        checked += _column_sums(title, rows) + _row_sums(title, rows)
        if title == "Parad förändring":  # each paired person is in one gender group
            for area in {r[2] for r in rows[1:] if r[0] == "Alla"}:
                everyone = next(r[3] for r in rows[1:] if r[0] == "Alla" and r[2] == area)
                assert sum(r[3] for r in rows[1:] if r[0] == "Kön" and r[2] == area) == everyone
                checked += 1
        if title == "Mål och uppföljning":
            for row in rows[1:]:
                if row[0] in ("Deltagare", "Timmar"):
                    assert abs(
                        Decimal(str(row[14])) + Decimal(str(row[15])) - Decimal(str(row[5]))
                    ) <= Decimal("0.1")
                    checked += 1
        if title in ("Deltagare", "SCB"):  # one row per participant: genders as reportable
            genders = {r[3] for r in rows[1:]} if title == "Deltagare" else set()
            assert genders <= {"Kvinnor", "Män"}
            checked += 1
    assert checked


# --- the page's figures (its context, from the report's presenter) are the file's ----------


def _sheets(world, kind: str, organisation=None) -> dict[str, list[list]]:
    """The report as written through services and writers, read back with openpyxl:
    {sheet: data rows (header dropped)}."""
    run = services.report_run_create(
        access=project_access(world["coordinator"], world["project"]),
        user=world["coordinator"],
        kind=kind,
        file_format="xlsx",
        period_start=START,
        period_end=END,
        organisation_id=organisation.pk if organisation else None,
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)][1:]
        for name in book.sheetnames
    }


def _context(client, world, name: str, **params):
    client.force_login(world["coordinator"])
    response = client.get(
        reverse(name, args=[world["project"].pk]),
        {"period_start": START.isoformat(), "period_end": END.isoformat(), **params},
    )
    assert response.status_code == 200
    return response.context


def test_time_page_shows_the_files_hours_per_month_and_gender_and_their_value(client, world):
    months = [line.figures for line in _context(client, world, "reporting:time")["months"]]
    page = {
        m.month.strftime("%Y-%m"): {
            "certified": {g: m.certified[g] for g in ("K", "M", "total")},
            "uncertified": {g: m.uncertified[g] for g in ("K", "M", "total")},
            "value": m.value,
        }
        for m in months
    }
    genders = {"Kvinnor": "K", "Män": "M"}
    file: dict[str, dict] = {}
    for row in _sheets(world, "tid")["Per deltagare och månad"]:
        gender, month, hours, certified, value = genders[row[3]], row[5], row[7], row[8], row[10]
        figures = file.setdefault(
            month,
            {
                "certified": dict.fromkeys(("K", "M", "total"), Decimal(0)),
                "uncertified": dict.fromkeys(("K", "M", "total"), Decimal(0)),
                "value": Decimal(0),
            },
        )
        kind = "certified" if certified == "Ja" else "uncertified"
        for key in (gender, "total"):
            figures[kind][key] += number(hours)
        figures["value"] += number(value) or Decimal(0)
    shown = {m: f for m, f in file.items() if m in page}
    assert shown == page
    # A month the page leaves out has only closing-phase time: nothing counted in the file.
    for month in set(file) - set(page):
        assert file[month]["certified"]["total"] == file[month]["uncertified"]["total"] == 0
    assert page["2024-03"]["certified"] == {"K": 0, "M": Decimal("2.00"), "total": Decimal(2)}
    assert page["2024-03"]["value"] == Decimal("500.00")  # 2 h × 250 kr, certified
    # June: A's 60 minutes, C's 30 + 45 self-reported (whole hours down per month), not certified.
    assert page["2024-06"]["uncertified"] == {"K": 1, "M": 1, "total": 2}


def test_time_drill_down_rows_are_the_files_person_months(client, world):
    context = _context(client, world, "reporting:time")
    may = next(line for line in context["months"] if line.figures.month == dt.date(2024, 5, 1))
    client.force_login(world["coordinator"])
    url = may.links["total"].replace("certified=1", "certified=0")
    page = [
        (r.last_name, r.minutes, r.hours, r.certified, r.value)
        for r in client.get(url).context["rows"]
    ]
    file = [
        (r[0], r[6], number(r[7]), r[8] == "Ja", number(r[10]))
        for r in _sheets(world, "tid")["Per deltagare och månad"]
        if r[5] == "2024-05" and r[8] == "Nej"
    ]
    assert [(n, m, number(h), c, v) for n, m, h, c, v in page] == file
    assert len(file) == 2  # A and B, 20 minutes each


def _paired(areas) -> dict[tuple[str, str], tuple]:
    """The page's paired change: (area, group) -> (n, before, after, change, suppressed)."""
    names = {"totalt": "Alla"}
    return {
        (str(area.number), names.get(str(g.label), str(g.label).capitalize())): (
            g.row.n,
            g.row.before,
            g.row.after,
            g.row.change,
            g.row.suppressed,
        )
        for area in areas
        for g in area.groups
        if g.row is not None
    }


def _file_paired(rows, groupings=("Alla", "Kön")) -> dict[tuple[str, str], tuple]:
    return {
        (r[2].split(" ")[0], r[1]): (
            r[3],
            number(r[4]),
            number(r[5]),
            number(r[6]),
            # Hidden: for too few answers, or to protect such a group ("dold: …").
            (r[7] or "").startswith(("för få svar", "dold")),
        )
        for r in rows
        if r[0] in groupings
    }


@pytest.mark.parametrize("organisation", [None, "Åre kommun"])
def test_competence_page_shows_the_files_paired_change_and_suppression(client, world, organisation):
    from digiproj.projects.models import Organisation

    org = Organisation.objects.get(name=organisation) if organisation else None
    params = {"organisation": org.pk} if org else {}
    context = _context(client, world, "reporting:competence", **params)
    page = _paired(context["areas"])
    sheets = _sheets(world, "kompetens", organisation=org)
    assert _file_paired(sheets["Parad förändring"]) == page
    if org is None:
        assert page[("1", "Alla")] == (5, Decimal("2.60"), Decimal("3.73"), Decimal("1.13"), False)
    else:  # Åre: A and D (women) and E, the only man: his group is suppressed on both,
        # and so are the women, who with Åre's total would give his change away.
        assert page[("1", "Män")] == (1, None, None, None, True)
        assert page[("1", "Kvinnor")] == (2, None, None, None, True)


def test_competence_file_levels_and_groups_are_the_presenters(world):
    """What the page does not show (levels per round, organisations, role groups) comes
    from the same presenter the page reads."""
    from reporting.reports.competence import CompetencePresenter
    from reporting.selectors import Period

    access = project_access(world["coordinator"], world["project"])
    competence = CompetencePresenter(access=access, period=Period(START, END), organisation_id=None)
    sheets = _sheets(world, "kompetens")
    levels = [
        (r[0].split(" ")[0], r[1].split(": ")[1], r[2], number(r[3]))
        for r in sheets["Nivåer per område"]
    ]
    assert levels == [
        (str(row.area), row.round.name, row.n, row.level) for row in competence.levels
    ]
    assert levels[0] == ("1", "Start", 5, Decimal("2.60"))
    for grouping, group_by in (("Organisation", "organisation"), ("Yrkesgrupp", "role_group")):
        rows = [r for r in sheets["Parad förändring"] if r[0] == grouping]
        expected = competence.change(group_by)
        assert sorted((r[2].split(" ")[0], r[3], number(r[6])) for r in rows) == sorted(
            (str(c.area), c.n, c.change) for c in expected
        )
        assert rows


def test_activities_page_shows_the_files_sessions_enrolled_present_and_hours(client, world):
    context = _context(client, world, "reporting:activities")
    sheets = _sheets(world, "aktiviteter")

    def page(lines):
        return {
            str(line.figures.label): [line.figures.sessions_held, line.figures.enrolled]
            + [line.figures.present[g] for g in ("K", "M", "total")]
            + [line.figures.hours[g] for g in ("K", "M", "total")]
            for line in lines
        }

    def file(rows):
        return {str(r[0]): [r[2], r[3], *r[4:7], *(number(c) for c in r[7:10])] for r in rows}

    assert page(context["per_kind"]) == file(sheets["Per typ"])
    assert page(context["per_activity"]) == file(sheets["Per aktivitet"])
    workshop = page(context["per_kind"])["Workshop"]
    # Two workshops: 6 sessions, A (80 min) and D (45) women, B, C and E (175 min) men.
    assert workshop == [6, 0, 2, 3, 5, Decimal("2.08"), Decimal("2.92"), Decimal("5.00")]


# --- Indikatorer, Deltagarförteckning, SCB: the page's context against the files ------------


def _page(client, world, name: str, **params):
    response = client.get(
        reverse(name, args=[world["project"].pk]),
        {"period_start": START.isoformat(), "period_end": END.isoformat(), **params},
    )
    assert response.status_code == 200
    return response.context


def test_indicator_page_context_holds_the_files_figures(client, world):
    """Every dimension, plan against outcome, hours by gender: the numbers the page renders
    are the file's; competence change by gender is the competence page's."""
    client.force_login(world["coordinator"])
    context = _page(client, world, "reporting:indicators")
    competence = _page(client, world, "reporting:competence")
    change = {
        (str(area.number), group.label.capitalize()): [group.row.n, group.row.change]
        for area in competence["areas"]
        for group in area.groups
        if group.row and not group.row.suppressed and group.label != "totalt"
    }
    assert change  # the seeded rounds pair people of both genders
    for source in files(world, "indikatorer"):
        for section in context["sections"]:
            page = [[row["label"], *(c["value"] for c in row["cells"])] for row in section["rows"]]
            assert [[str(r[0]), *map(number, r[1:])] for r in source[section["title"]][1:]] == [
                [r[0], *map(number, r[1:])] for r in page
            ], section["dimension"]
        plan = [
            [row["label"].capitalize(), row["planned"], row["started"]["value"]]
            for row in context["plan"]
        ]
        assert [[r[0], number(r[1]), number(r[2])] for r in source["Plan och utfall"][1:]] == [
            [r[0], number(r[1]), number(r[2])] for r in plan
        ]
        hours = [[row["label"].capitalize(), row["hours"]] for row in context["hours_by_gender"]]
        assert [[r[0], number(r[1])] for r in source["Timmar per kön"][1:]] == hours
        in_file = {
            (r[1].split(" ")[0], r[0]): [number(r[2]), number(r[3])]
            for r in source["Kompetensförändring per kön"][1:]
            if not r[4]
        }
        assert in_file == {k: [number(v[0]), number(v[1])] for k, v in change.items()}


def test_register_page_context_holds_the_files_people_and_hours(client, world):
    client.force_login(world["coordinator"])
    context = _page(client, world, "reporting:register")
    page = [
        (p.last_name, p.first_name, p.person.masked_personnummer, h) for p, h in context["rows"]
    ]
    assert len(page) == 5
    for source in files(world, "deltagare"):
        rows = source["Deltagare"][1:]
        assert [(r[0], r[1], r[2], number(r[13])) for r in rows] == page


def test_scb_page_context_counts_the_rows_of_each_months_file(client, world):
    client.force_login(world["coordinator"])
    response = client.get(reverse("reporting:scb", args=[world["project"].pk]))
    page = {m.month: (m.new, m.ended) for m, _links in response.context["months"]}
    for month in (dt.date(2024, m, 1) for m in range(1, 7)):
        last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        for source in files(world, "scb", start=month, end=last):
            rows = source["SCB"][1:]
            new = sum(1 for r in rows if str(r[2])[:7] == f"{month:%Y-%m}")
            ended = sum(1 for r in rows if r[3] not in (None, ""))
            assert (new, ended) == page[month], month
