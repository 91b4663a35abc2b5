"""The "Mål och uppföljning" report file: the same figures as the goal pages, read back from
a real Excel file, worked out by hand on the small project (see conftest.small_project)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from goals.models import ChangeTheory, Goal
from tests.reporting.conftest import PERIOD, run_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(small_project):
    project = small_project["project"]
    ChangeTheory.objects.create(
        project=project, need="Behovet i kommunerna", long_term="Digital förändring"
    )
    main = Goal.objects.create(
        project=project,
        title="Deltagare",
        step=Goal.Step.OUTPUTS,
        measure=Goal.Measure.PARTICIPANTS,
        target_value=Decimal(10),
        target_date=dt.date(2025, 12, 31),
        equal_opportunities=True,
        gap_threshold=Decimal(50),
    )
    Goal.objects.create(
        project=project,
        parent=main,
        order=1,
        title="Andel i Södra kommun",
        step=Goal.Step.OUTPUTS,
        measure=Goal.Measure.PARTICIPANT_SHARE,
        organisation=small_project["south"],
        target_value=Decimal(25),
        target_date=dt.date(2024, 6, 30),
    )
    return small_project


def _rows(sheet):
    header, *rows = sheet
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_goal_sheet_holds_the_hand_computed_figures(goals):
    sheets = run_report(goals, "mal")
    assert list(sheets)[:5] == [
        "Mål och uppföljning",
        "Månadsvärden",
        "Förändringsteori",
        "Kartläggning",
        "Slutrapport",
    ]
    first, second = _rows(sheets["Mål och uppföljning"])
    # Started by 2024-06-30: P1, P2, P3, P5, P6 (P4 starts in July) = 5; women P1, P3
    # (reported K), P5, P6 = 4, men P2 = 1; shares 80 % and 20 %: gap 60 points > 50.
    assert (first["Mål"], first["Värde"], first["Gruppstorlek"]) == ("Deltagare", 5, 5)
    assert (first["Kvinnor"], first["Män"]) == (4, 1)
    assert first["Skillnad kvinnor–män"] == 60
    assert first["Över gränsen"] == "ja"
    # Plan: 0 at the project's start 2023-01-01, 10 at 2025-12-31 (1095 days); on
    # 2024-06-30 (546 days in) 10 * 546 / 1095 = 4.99; 5 ≥ 4.99 but < 10: on track.
    assert first["Plan vid mätdagen"] == pytest.approx(4.99)
    assert first["Status"] == "Enligt plan"
    # In Södra kommun: P6 of the 5 = 20.0 % against 25 % by 2024-06-30: the date is the
    # period's last day, target not met, plan = target there: at risk.
    assert second["Delmål till"] == "Deltagare"
    assert (second["Värde"], second["Gruppstorlek"]) == (20, 5)
    assert second["Status"] == "Risk att inte nås"

    months = [r for r in _rows(sheets["Månadsvärden"]) if r["Mål"] == "Deltagare"]
    # The period's months: started by the end of Jan 2024: P2, P5 = 2; Feb +P1 = 3;
    # Mar +P6 = 4; Apr 4; May +P3 = 5; Jun 5.
    assert [(r["Månad"], r["Värde"]) for r in months] == [
        ("2024-01", 2),
        ("2024-02", 3),
        ("2024-03", 4),
        ("2024-04", 4),
        ("2024-05", 5),
        ("2024-06", 5),
    ]
    theory = sheets["Förändringsteori"]
    assert ("Behov", "Behovet i kommunerna") in theory
    # (An empty cell reads back as None.)
    assert (None, "Mål: Deltagare") in theory
    assert (None, "Delmål: Andel i Södra kommun") in theory
    summary = [row[0] for row in sheets["Slutrapport"][1:]]
    assert summary[0].startswith("Mål: Deltagare. Mått: Antal deltagare. Utfall 2024-06-30: 5")
    assert "kvinnor 4 (n=4), män 1 (n=1)" in summary[0]
    assert "Skillnaden mellan kvinnor och män är 60, över gränsen 50." in summary[0]
    assert PERIOD[1] == dt.date(2024, 6, 30)


def test_a_contact_gets_their_organisations_figures(goals):
    sheets = run_report(goals, "mal", user="contact")
    first = _rows(sheets["Mål och uppföljning"])[0]
    # The contact is Södra kommun's: only P6 (a woman) started there.
    assert (first["Värde"], first["Kvinnor"], first["Män"]) == (1, 1, 0)
