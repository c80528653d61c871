"""Excel 2003 XML spreadsheets ("XML 电子表格 2003"), often saved with an ``.xls`` name, read as such.

Government and vendor systems export this format because it is plain XML. Each ``<Worksheet>`` is
a sheet; rows and cells may skip positions with ``ss:Index``; ``ss:MergeAcross`` / ``ss:MergeDown``
merge cells (a vertical merge below the header is filled down with a ``merged-fill-down`` warning,
as in XLSX); ``DateTime`` data become ISO dates. Sheets are chosen as in XLSX (several sheets of one
kind are refused unless ``sheet=`` names one or is ``"*"``). Imported by :func:`chain_gap._read.read_raw`
on first use (it imports that module).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from chain_gap._read import RawTable, _tabulate
from chain_gap._sheets import _fill_merges, pick_sheets
from chain_gap._text import ReadError
from chain_gap._xlsx import Sheet

_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_WS, _ROW, _CELL, _DATA = (f"{{{_SS}}}{t}" for t in ("Worksheet", "Row", "Cell", "Data"))
_NAME, _INDEX, _ACROSS, _DOWN, _TYPE = (f"{{{_SS}}}{a}" for a in ("Name", "Index", "MergeAcross", "MergeDown", "Type"))

Records = list[tuple[int, list[str]]]


def _int(v: str | None, default: int) -> int:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _value(cell: Any) -> str:
    data = cell.find(_DATA)
    if data is None:
        return ""
    text = "".join(data.itertext())
    if data.get(_TYPE) == "DateTime" and "T" in text:
        day, _, clock = text.partition("T")
        clock = clock.split(".")[0]
        return day if clock in ("", "00:00:00") else f"{day} {clock}"
    if data.get(_TYPE) == "Number" and text.endswith(".0"):
        return text[:-2]
    return text


def parse(data: bytes) -> list[tuple[str, Records, list[tuple[int, int, int, int]]]]:
    """``(sheet name, records, vertical merges)`` of every worksheet.

    Parameters
    ----------
    data : bytes
        The file.

    Returns
    -------
    list of tuple

    Raises
    ------
    ReadError
        ``xlsx-damaged``: the XML is not well-formed.
    """
    out: list[tuple[str, Records, list[tuple[int, int, int, int]]]] = []
    try:
        for _, ws in etree.iterparse(
            io.BytesIO(data), events=("end",), tag=_WS, resolve_entities=False, no_network=True, huge_tree=False
        ):
            records: Records = []
            merges: list[tuple[int, int, int, int]] = []
            n = 0
            for row in ws.iter(_ROW):
                n = _int(row.get(_INDEX), n + 1)
                cells: list[str] = []
                for cell in row.iter(_CELL):
                    col = _int(cell.get(_INDEX), len(cells) + 1) - 1
                    if col > len(cells):
                        cells.extend([""] * (col - len(cells)))
                    cells.append(_value(cell))
                    across = _int(cell.get(_ACROSS), 0)
                    down = _int(cell.get(_DOWN), 0)
                    if down > 0:
                        merges.append((n, col, n + down, col + across))
                    cells.extend([""] * across)
                records.append((n, cells))
            out.append((ws.get(_NAME, f"Sheet{len(out) + 1}"), records, merges))
            ws.clear()
    except etree.XMLSyntaxError as exc:
        raise ReadError(code="xlsx-damaged", part="(XML 2003)", detail=str(exc)[:160]) from None
    return out


def read(data: bytes, file: str, fields: Mapping[str, Sequence[str]] | None, sheet: str | None) -> RawTable:
    """An Excel 2003 XML spreadsheet as a :class:`chain_gap._read.RawTable` (``fmt="xml2003"``).

    Parameters
    ----------
    data : bytes
        The file.
    file : str
        Named in warnings and errors.
    fields : Mapping or None
        Field → header synonyms.
    sheet : str or None
        The sheet asked for, as in :func:`chain_gap._sheets.read_xlsx`.

    Returns
    -------
    RawTable
    """
    sheets = parse(data)
    by_name = {name: (records, merges) for name, records, merges in sheets}
    meta = [Sheet(name, "") for name, _, _ in sheets]

    def full(sh: Sheet) -> RawTable:
        records, merges = by_name[sh.name]
        table = _tabulate(records, fields, "xml2003", None, sheet=sh.name, file=file)
        _fill_merges(table, merges, file)
        return table

    def probe(sh: Sheet) -> Records:
        return by_name[sh.name][0][:80]

    return pick_sheets(file, meta, probe, full, fields, sheet, "xml2003")
