"""The fast worksheet reader gives the same cell texts as openpyxl's own reader."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.worksheet.formula import ArrayFormula

from participants import importing, xlsx_fast
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _texts(rows):
    out = []
    for number, cells in rows:
        texts = [importing._cell_text(c) for c in cells]
        while texts and texts[-1] == "":
            texts.pop()
        if any(texts):
            # A formula is refused whatever its exact text: compare only that it is one.
            out.append((number, ["=" if t.startswith("=") else t for t in texts]))
    return out


def _both(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = workbook.worksheets[0]
    fast = _texts(xlsx_fast.iter_sheet_rows(workbook, sheet))
    slow = _texts(enumerate(sheet.iter_rows(values_only=True), start=1))
    workbook.close()
    return fast, slow


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_same_as_openpyxl_for_every_cell_kind():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Personnummer", "Förnamn", "Tal", "Datum", "Tid", "Sant", "Formel"])
    sheet.append(
        [
            197001019800,
            "Åsa & <Öberg>",
            540000.5,
            dt.date(2024, 3, 1),
            dt.datetime(2024, 3, 1, 8, 30),
            True,
            "=1+1",
        ]
    )
    sheet.append(["19700101-9800", "  mellanslag  ", 0, dt.datetime(2024, 3, 1), None, False, None])
    sheet["A6"] = "efter ett hål"  # empty rows 4–5
    sheet["E6"] = 3  # empty cells in between
    sheet["B7"] = CellRichText(["fet ", TextBlock(InlineFont(b=True), "text")])
    sheet["C8"] = ArrayFormula("C8:C8", "=SUM(C2:C3)")
    sheet["D9"] = '=HYPERLINK("http://x")'
    fast, slow = _both(_save(workbook))
    assert fast == slow
    assert fast[1][1][:2] == ["197001019800", "Åsa & <Öberg>"]


def test_same_as_openpyxl_for_inline_strings():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Deltagare")
    sheet.append(["Personnummer", "Förnamn"])
    for i in range(50):
        sheet.append([f"1970010{i % 9 + 1}-9800", f"Namn {i}", dt.date(2024, 1, 1), i * 1.5])
    fast, slow = _both(_save(workbook))
    assert fast == slow
    assert len(fast) == 51


def test_same_as_openpyxl_for_the_template():
    project = ProjectFactory()
    data = importing.template_workbook(project, [project.owner])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook["Deltagare"].append(["19700101-9800", "Anna", "Ek", project.owner.organisationsnummer])
    fast, slow = _both(_save(workbook))
    assert fast == slow


def test_entity_declarations_are_refused(monkeypatch):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Personnummer", "Förnamn"])
    workbook.active.append(["19700101-9800", "Anna"])
    source = zipfile.ZipFile(io.BytesIO(_save(workbook)))
    buffer = io.BytesIO()
    doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", doctype + b"<worksheet", 1)
            target.writestr(item, content)
    # No silent fallback to another parser: the file is refused.
    monkeypatch.setattr(
        openpyxl.worksheet._read_only.ReadOnlyWorksheet,
        "iter_rows",
        lambda *a, **k: pytest.fail("fell back to openpyxl"),
    )
    with pytest.raises(importing.ImportFileError, match="skadad"):
        importing.read_table(buffer.getvalue(), "bomb.xlsx")
