from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db(transaction=True)


def test_esf_report_command_writes_the_same_report(small_project, tmp_path):
    out = tmp_path / "deltagare.csv"
    stdout = io.StringIO()
    call_command(
        "esf_report",
        project=small_project["project"].diarienummer,
        kind="deltagare",
        start=PERIOD[0],
        end=PERIOD[1],
        file_format="csv",
        output=out,
        stdout=stdout,
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 5  # header + P1, P2, P3, P6
    assert "kontrollsumma" in stdout.getvalue()


def test_esf_report_command_rejects_unknown_project(tmp_path):
    with pytest.raises(CommandError, match="Inget projekt"):
        call_command(
            "esf_report",
            project="1999/00001",
            kind="indikatorer",
            start="2024-01-01",
            end="2024-06-30",
            output=tmp_path / "x.xlsx",
        )
