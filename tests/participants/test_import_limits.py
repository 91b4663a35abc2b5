"""Bounds on an uploaded participant file, checked before it is parsed: a 1.7 MB .xlsx that
unpacked to gigabytes of XML once took the web process to 5.9 GB for 104 s."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import importing
from participants.importing import columns, reading
from participants.models import ParticipantImport
from tests.factories import MembershipFactory, ProjectOrganisationFactory, participant_test_pnr

SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Personnummer</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>F\xc3\xb6rnamn</t></is></c></row>'
)
SHEET_END = b"</sheetData></worksheet>"
# One value in Excel's last column: each such row would become a list of 16,384 cells.
FAR_ROW = b'<row><c r="XFD2"><v>1</v></c></row>'


class _RepeatingDeflate:
    """A deflate compressor for a part written as the same chunk over and over: a full flush
    after the chunk resets the dictionary, so every repeat compresses to the same bytes and
    is not compressed again. Builds a gigabyte part in about a second, in little memory."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(9, zlib.DEFLATED, -15)
        self._done: dict[int, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if id(data) not in self._done:
            self._done[id(data)] = self._zlib.compress(data) + self._zlib.flush(zlib.Z_FULL_FLUSH)
        return self._done[id(data)]

    def flush(self) -> bytes:
        return self._zlib.flush(zlib.Z_FINISH)


def _workbook(path: Path, *, repeat: bytes, megabytes: int) -> bytes:
    """A well-formed .xlsx (openpyxl's own parts) whose sheet XML is `megabytes` MB of
    `repeat`, streamed to disk."""
    template = openpyxl.Workbook()
    template.active.title = "Deltagare"
    buffer = io.BytesIO()
    template.save(buffer)
    chunk = repeat * ((1 << 20) // len(repeat))
    sheet_name = "xl/worksheets/sheet1.xml"
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            if item.filename != sheet_name:
                archive.writestr(item.filename, source.read(item))
        with archive.open(sheet_name, "w", force_zip64=True) as part:
            part._compressor = _RepeatingDeflate()  # zipfile's _ZipWriteFile calls only these two
            part.write(SHEET_START)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(SHEET_END)
    return path.read_bytes()


@pytest.fixture
def coordinator_client(client, db):
    membership = MembershipFactory()
    ProjectOrganisationFactory(project=membership.project)
    client.force_login(membership.user)
    client.project = membership.project
    return client


def _upload(client, data: bytes, name: str = "deltagare.xlsx"):
    url = reverse("participants:import", args=[client.project.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("sync_bytes", [10_000_000, 1_000], ids=["read-in-request", "worker"])
def test_expanding_xlsx_upload_is_refused_within_seconds_with_memory_bounded(
    coordinator_client, tmp_path, settings, sync_bytes
):
    settings.PARTICIPANT_IMPORT_SYNC_BYTES = sync_bytes  # either path: refused in the request
    data = _workbook(tmp_path / "bomb.xlsx", repeat=FAR_ROW, megabytes=1024)
    assert len(data) < 4 * 1024 * 1024  # a small upload that unpacks to 1 GB of XML

    # Warm up (URLconf, templates, the first request's imports) so only the upload counts.
    assert _upload(coordinator_client, b"x", "tom.csv").status_code == 200
    tracemalloc.start()
    started = time.monotonic()
    response = _upload(coordinator_client, data)
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 200
    assert elapsed < 5
    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    html = response.content.decode()
    assert "packas upp till mer än 80 MB" in html
    assert ParticipantImport.objects.count() == 0  # nothing stored, no worker started


def test_highly_compressed_part_is_refused_before_unpacking(tmp_path):
    data = _workbook(tmp_path / "dense.xlsx", repeat=FAR_ROW, megabytes=20)  # 20 MB < 80 MB
    with pytest.raises(importing.ImportFileError, match="packad mer än 100 gånger"):
        importing.read_table(data, "dense.xlsx")


def test_value_right_of_the_last_allowed_column_is_refused_as_read(tmp_path, monkeypatch):
    """Within the unpacking bounds, a far-right cell is refused while streaming, before a
    16,384-wide row is built (the ratio check is relaxed to reach the sheet)."""
    monkeypatch.setattr(reading, "MAX_COMPRESSION_RATIO", 10**9)
    data = _workbook(tmp_path / "wide.xlsx", repeat=FAR_ROW, megabytes=30)
    tracemalloc.start()
    with pytest.raises(importing.ImportFileError, match="längre till höger än kolumn 50"):
        importing.read_table(data, "wide.xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 60 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_too_many_cells_are_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 100)
    workbook = openpyxl.Workbook()
    workbook.active.append(["Personnummer", "Förnamn", "Efternamn"])
    for n in range(40):
        workbook.active.append([participant_test_pnr(n), "Anna", "Ek"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(importing.ImportFileError, match="fler än 100 celler"):
        importing.read_table(buffer.getvalue(), "many.xlsx")
    csv_data = "\r\n".join(f"{participant_test_pnr(n)};Anna;Ek" for n in range(40)).encode()
    with pytest.raises(importing.ImportFileError, match="fler än 100 celler"):
        importing.read_table(csv_data, "many.csv")


def test_csv_value_right_of_column_50_is_refused_but_trailing_separators_are_not():
    header = "Personnummer;Förnamn;Efternamn;Arbetsgivare;Startdatum"
    row = f"{participant_test_pnr(1)};Anna;Ek;Umeå;2024-03-01"
    wide = ("\r\n".join([header, row + ";" * 200 + "x"]) + "\r\n").encode()
    with pytest.raises(importing.ImportFileError, match="Rad 2 har värden längre till höger"):
        importing.read_table(wide, "wide.csv")
    trailing = ("\r\n".join([header, row + ";" * 200]) + "\r\n").encode()
    table = importing.read_table(trailing, "trailing.csv")
    assert len(table.rows[0]) == 1 + columns.MAX_COLUMNS


def test_cell_longer_than_excel_allows_is_refused(tmp_path):
    long_cell = b'<row><c r="A2" t="inlineStr"><is><t>' + b"a" * 40_000 + b"</t></is></c></row>"
    with pytest.raises(importing.ImportFileError, match="fler än 32 767 tecken"):
        importing.read_table(
            _workbook(tmp_path / "long.xlsx", repeat=long_cell, megabytes=1), "l.xlsx"
        )
