"""An HTML table saved with an ``.xls`` name, read as the table it is.

Many Chinese web systems "export to Excel" by sending an HTML page with an ``.xls`` name; Excel opens
it (after a warning), so users take it for a workbook. It is read here as the largest ``<table>`` of
the page: one record per ``<tr>`` (row numbers count the table's rows from 1, as Excel shows them
when it opens the page), ``colspan`` cells widened with empty cells, ``rowspan`` cells filled down
into the rows they cover with a ``merged-fill-down`` warning. A page without a table is refused
naming it as HTML (``read-html``), not as "missing required column". Imported by
:func:`chain_gap._read.read_raw` on first use (it imports that module).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree, html

from chain_gap._issues import ReadIssue
from chain_gap._read import RawTable, _tabulate
from chain_gap._text import ReadError

_MAX_SPAN = 10_000


def _span(cell: Any, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), _MAX_SPAN))
    except ValueError:
        return 1


def _text(cell: Any) -> str:
    """A cell's text: ``<br>`` as line breaks, runs of spaces folded, ends stripped."""
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return re.sub(r"[ \t\r\f\v\u00a0]+", " ", cell.text_content()).strip()


def read_html_text(
    text: str,
    fields: Mapping[str, Sequence[str]] | None,
    file: str,
    suffix: str,
) -> RawTable:
    """The largest table of an HTML page as a :class:`chain_gap._read.RawTable` (``fmt="html"``).

    Parameters
    ----------
    text : str
        The decoded page.
    fields : Mapping or None
        Field → header synonyms; the header is the row that matches the most.
    file : str
        Named in warnings and errors.
    suffix : str
        The file's suffix, named in the messages (an ``.xls`` that is a web page).

    Returns
    -------
    RawTable

    Raises
    ------
    ReadError
        ``read-html``: the page holds no table.
    """
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        doc = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise ReadError(code="read-html", suffix=suffix) from None
    tables = list(doc.iter("table"))  # a data table nested in a layout table counts its own rows
    if not tables:
        raise ReadError(code="read-html", suffix=suffix)
    table = max(tables, key=lambda t: sum(1 for _ in _rows(t)))
    records: list[tuple[int, list[str]]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, value)
    fills: list[tuple[ReadIssue, int]] = []
    for n, tr in enumerate(_rows(table), start=1):
        cells: list[str] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            col = _take_pending(pending, cells, col)
            value = _text(td)
            cs, rs = _span(td, "colspan"), _span(td, "rowspan")
            cells.append(value)
            cells.extend([""] * (cs - 1))
            if rs > 1 and value:
                pending[col] = (rs - 1, value)
                reason = f"rowspan={rs}: value copied into the rows below"
                fills.append((ReadIssue(file, n, "", value, "merged-fill-down", reason), col))
            col += cs
        _take_pending(pending, cells, col)
        records.append((n, cells))
    out = _tabulate(records, fields, "html", None, sheet=None, file=file)
    header_row = out.header_row or 0
    for w, c in fills:
        if w.row is not None and w.row > header_row:
            w.field = out.header[c] if c < len(out.header) else ""
            out.warnings.append(w)
    return out


def _take_pending(pending: dict[int, tuple[int, str]], cells: list[str], col: int) -> int:
    """Put the values of cells spanning down from rows above into ``cells`` from ``col``; the next column."""
    while col in pending:
        left, value = pending[col]
        cells.append(value)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (left - 1, value)
        col += 1
    return col


def _rows(table: Any) -> list[Any]:
    """The ``<tr>`` of a table in order (inside thead / tbody / tfoot or not), not of nested tables."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
