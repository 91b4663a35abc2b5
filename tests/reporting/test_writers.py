"""The Excel and CSV writers: byte-identical reruns, typed cells, and a `later` table (a
summary filled after the tables it sums) kept in its place and in the checksum's order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
from freezegun import freeze_time

from reporting import writers
from reporting.builders import Column, ContentDigest, Table, content_checksum

COLUMNS = [
    Column("Namn", "text"),
    Column("Antal", "int"),
    Column("Timmar", "decimal"),
    Column("Start", "date"),
]
ROWS = [
    ["Åsa", 3, Decimal("1.50"), dt.date(2024, 1, 31)],
    ["=SUM(A1)", 0, None, None],
    ["", 12, Decimal("0.25"), dt.date(2024, 2, 1)],
]


def _tables(*, later: bool) -> list[Table]:
    summed: list[int] = []

    def lines():
        for row in ROWS:
            summed.append(row[1])
            yield row

    summary_rows = lambda: [["Summa", sum(summed)]]  # noqa: E731
    summary = Table(title="Summering", columns=[Column("Uppgift"), Column("Värde", "int")])
    if later:
        summary.later = summary_rows
    else:
        summary.rows = [["Summa", 15]]
    data = Table(title="Data", columns=COLUMNS, lines=lines())
    return [summary, data]


def test_xlsx_reruns_are_byte_identical_whatever_the_clock(tmp_path):
    with freeze_time("2024-01-01 10:00:00"):
        writers.write_xlsx(_tables(later=True), tmp_path / "a.xlsx")
    with freeze_time("2026-11-30 23:59:59"):
        writers.write_xlsx(_tables(later=True), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_xlsx_cells_are_typed_formatted_and_frozen(tmp_path):
    writers.write_xlsx(_tables(later=False), tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    sheet = book["Data"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 0
    header, first, formula, empty = list(sheet.iter_rows())
    assert [c.value for c in header] == ["Namn", "Antal", "Timmar", "Start"]
    assert header[0].font.b
    assert first[1].value == 3
    assert first[2].value == 1.5
    assert first[2].number_format == "#,##0.00"
    assert first[3].value == dt.datetime(2024, 1, 31)
    assert first[3].number_format == "yyyy-mm-dd"
    assert formula[0].value == "'=SUM(A1)"  # never a formula
    assert formula[0].data_type == "s"
    assert empty[0].value is None  # an empty text is an empty cell


def test_a_later_table_keeps_its_place_and_the_checksum(tmp_path):
    plain = content_checksum(_tables(later=False))
    xlsx, csv_digest = ContentDigest(), ContentDigest()
    writers.write_xlsx(_tables(later=True), tmp_path / "x.xlsx", digest=xlsx)
    writers.write_csv(_tables(later=True), tmp_path / "x.csv", digest=csv_digest)
    assert xlsx.hexdigest() == csv_digest.hexdigest() == plain
    assert xlsx.rows == 4
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Summering", "Data"]
    assert [list(r) for r in book["Summering"].iter_rows(values_only=True)] == [
        ["Uppgift", "Värde"],
        ["Summa", 15],
    ]
    writers.write_csv(_tables(later=False), tmp_path / "plain.csv")
    assert (tmp_path / "x.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()[:3] == [
        "Summering",
        "Uppgift;Värde",
        "Summa;15",
    ]
