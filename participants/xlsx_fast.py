"""A fast, text-only reader of one worksheet of an already opened openpyxl workbook.

openpyxl parses every cell into an ElementTree element and a cell dict, which makes reading
a 50,000-row participant file take seconds. Participant import only needs each cell as text,
so this reads the sheet's XML with pyexpat callbacks and reuses what openpyxl already loaded
(shared strings, the styles that are dates, the date epoch).

Same rules as the openpyxl path: a formula is returned as "=…" (never its cached result), so
the import refuses it; DTD entity declarations are refused (no entity-expansion bombs).
The result is checked against the openpyxl reader in tests/participants/test_xlsx_fast.py;
importing.py falls back to openpyxl if this reader fails on an unusual file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SEP = "\x01"


class UnsafeXml(ValueError):
    pass


class SheetTooLarge(ValueError):
    """The sheet goes past a bound (`kind`: "columns", "cells" or "cell") while it is read,
    before the rows it would build exist in memory."""

    def __init__(self, kind: str, row: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.row = row


EXCEL_CELL_CHARS = 32_767  # Excel's own limit for one cell


class _HeadSizedSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, sized from the head of its XML only. openpyxl looks for
    <dimension> until <sheetData> *ends*, so a sheet without one is parsed once in full
    (keeping every element) just to open the workbook: the 104 s and 5.9 GB of the
    expanding upload. <dimension> precedes <sheetData>, so stopping at its start is enough."""

    # ReadOnlyWorksheet's own private members, used here as its _get_size uses them (its
    # stubs leave private members out).
    _get_source: Callable[[], IO[bytes]]
    _min_column: int | None
    _min_row: int | None
    _max_column: int | None
    _max_row: int | None

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension = SheetDimension.from_tree(element)
                    # Serialisable.from_tree always builds one; the stub's None is for
                    # subclasses that override it.
                    assert dimension is not None
                    self._min_column, self._min_row, self._max_column, self._max_row = (
                        dimension.boundaries
                    )
                    return
                if element.tag == DATA_TAG:
                    return


class _Reader(ExcelReader):
    def read_worksheets(self) -> None:
        # ExcelReader.read_worksheets' read-only branch, with the sheet class above.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _HeadSizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            # As ExcelReader does. The stubs type a sheet's state in the file as possibly None
            # and the worksheet's as never None, and leave the private _sheets out.
            worksheet.sheet_state = sheet.state  # type: ignore[assignment]
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]


def open_workbook(source: Any) -> Any:
    """openpyxl.load_workbook(read_only=True, data_only=False, keep_vba=False) without its
    full parse of each sheet on opening. Formulas stay formulas (never evaluated)."""
    reader = _Reader(source, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    reader.read()
    return reader.wb


def _column(reference: str) -> int:
    letters = reference.rstrip("0123456789")
    return column_index_from_string(letters)


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def iter_sheet_rows(
    workbook: Any, sheet: Any, *, max_columns: int = 16_384, max_cells: int | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) for every row with cells; values are str, int, float,
    bool, dt.date or dt.datetime, and formulas are "=…" strings. Raises SheetTooLarge for a
    cell right of `max_columns`, more than `max_cells` cells or a cell longer than Excel
    allows: a row is a list as wide as its last cell, so one cell in column XFD would make
    every row 16,384 values."""
    shared = sheet._shared_strings
    date_styles = workbook._date_formats
    timedelta_styles = workbook._timedelta_formats
    epoch = workbook.epoch

    rows: list[tuple[int, list[Any]]] = []
    state: dict[str, Any] = {
        "row": 0,
        "cells": {},
        "col": 0,
        "type": "n",
        "style": 0,
        "value": None,
        "formula": None,
        "text": None,  # collecting character data into this list, or None
        "inline": [],
        "in_phonetic": False,
        "cells_seen": 0,
        "text_len": 0,
    }

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(SEP, 1)[-1]
        if tag == "row":
            reference = attrs.get("r")
            state["row"] = int(reference) if reference else state["row"] + 1
            state["cells"] = {}
            state["col"] = 0
        elif tag == "c":
            reference = attrs.get("r")
            state["col"] = _column(reference) if reference else state["col"] + 1
            state["cells_seen"] += 1
            if state["col"] > max_columns:
                raise SheetTooLarge("columns", state["row"])
            if max_cells is not None and state["cells_seen"] > max_cells:
                raise SheetTooLarge("cells", state["row"])
            state["type"] = attrs.get("t", "n")
            style = attrs.get("s")
            state["style"] = int(style) if style else 0
            state["value"] = None
            state["formula"] = None
            state["inline"] = []
        elif tag == "v":
            state["text"], state["text_len"] = [], 0
        elif tag == "f":
            state["text"], state["text_len"] = [], 0
            state["formula"] = ""
        elif tag == "rPh":
            state["in_phonetic"] = True
        elif tag == "t" and state["type"] == "inlineStr" and not state["in_phonetic"]:
            state["text"], state["text_len"] = [], 0

    def end(name: str) -> None:
        tag = name.rsplit(SEP, 1)[-1]
        if tag == "v":
            state["value"] = "".join(state["text"])
            state["text"] = None
        elif tag == "f":
            state["formula"] = "".join(state["text"])
            state["text"] = None
        elif tag == "rPh":
            state["in_phonetic"] = False
        elif tag == "t" and state["text"] is not None and state["type"] == "inlineStr":
            state["inline"].append("".join(state["text"]))
            state["text"] = None
        elif tag == "c":
            state["cells"][state["col"]] = _value(state)
        elif tag == "row" and state["cells"]:
            cells = state["cells"]
            rows.append((state["row"], [cells.get(i) for i in range(1, max(cells) + 1)]))

    def _value(cell: dict[str, Any]) -> Any:
        if cell["formula"] is not None:
            return "=" + cell["formula"]
        kind, value = cell["type"], cell["value"]
        if kind == "inlineStr":
            return "".join(cell["inline"]) or None
        if value is None or value == "":
            return None
        if kind == "s":
            return str(shared[int(value)])
        if kind == "b":
            return bool(int(value))
        if kind in ("str", "e"):
            return value
        if kind == "d":
            return from_ISO8601(value)
        number = _number(value)
        if cell["style"] in date_styles:
            try:
                return from_excel(number, epoch, timedelta=cell["style"] in timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def characters(data: str) -> None:
        if state["text"] is not None:
            state["text_len"] += len(data)
            if state["text_len"] > EXCEL_CELL_CHARS:
                raise SheetTooLarge("cell", state["row"])
            state["text"].append(data)

    def refuse_entities(*_args: Any) -> None:
        raise UnsafeXml("entity declarations are not allowed")

    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = refuse_entities
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.buffer_text = True

    with sheet._get_source() as source:
        while True:
            chunk = source.read(1 << 16)
            if not chunk:
                parser.Parse(b"", True)
                break
            parser.Parse(chunk, False)
            if rows:
                yield from rows
                rows.clear()
    yield from rows
