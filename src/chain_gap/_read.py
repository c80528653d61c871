"""Private reading helpers for :mod:`chain_gap.load`: bytes → text → rows of strings.

The files 招商 teams hold come from vendor exports and hand-made spreadsheets: GBK or UTF-8 with or
without BOM, title rows above the header, merged title cells, trailing blank rows, Excel's UTF-16
"Unicode text". Everything here turns such a file into a list of header strings plus data rows of
strings, each with the 1-based line (CSV/JSONL) or row (XLSX) number a user sees in their editor.
Nothing is converted to numbers: every value stays text until the mapping says what it is.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from chain_gap import _csv, errors
from chain_gap._issues import ReadIssue
from chain_gap._jsonl import read_jsonl_text
from chain_gap._rows import REASONS, RowJudge, one_cell
from chain_gap._text import ReadError, decode_text, mhtml_html, ole_kind, read_bytes, sniff
from chain_gap.normalize import unit_from_header, unwrap_excel_text

HEADER_SCAN_ROWS = 20
"""How many leading rows may hold title lines before the header row."""

_DELIMITERS = (",", "\t", ";", "|")

errors.register(
    "read-xls-legacy", "是旧版 .xls 工作簿；请另存为 .xlsx 或 CSV", "is a legacy .xls workbook; save it as .xlsx or CSV"
)

__all__ = ["RawTable", "ReadError", "ReadIssue", "read_raw", "read_table_raw"]


@dataclass
class RawTable:
    """A file read as text: header cells, data rows, their row numbers and the row accounting.

    Attributes
    ----------
    header : list of str
        Header cells (stripped); cells beyond the header width get ``"(column N)"``.
    columns : list of list of str
        Column-major: one list of cell texts per header cell.
    row_numbers : list of int
        1-based row (XLSX, HTML) or line where the record starts (CSV, JSONL) of each data row.
    header_row : int or None
        Row of the header; None for JSONL or when no header was found.
    encoding : str or None
        Text encoding; None for XLSX.
    fmt : str
        ``csv``, ``tsv``, ``jsonl``, ``xlsx`` or ``html``.
    sheet : str or None
        The sheet read; with ``sheet="*"`` the sheets read, joined by ``", "``.
    bad_rows : list of (int, str, str)
        Rows that are not records (a JSON line that is not an object): ``(row, value, reason)``;
        the loader rejects them.
    blank_rows : int
        Blank rows after the header (not data rows).
    physical_rows : int
        Every non-blank row after the header as physically in the file (JSONL: every non-blank
        line or array element), whatever became of it.
    skipped : list of ReadIssue
        Rows after the header that are not data (footers, repeated headers), never in ``columns``.
    warnings : list of ReadIssue
        Doubts about kept rows and cells (merged cells filled down, formulas without a cached
        result, an unbalanced quote recovered, sheets not read).
    row_sheets : list of str or None
        With ``sheet="*"``, the sheet of each data row (parallel to ``row_numbers``); else None.
    preamble : list of str
        The title lines above the header (non-blank cells joined by a space): where an export
        states its date (:mod:`chain_gap._vintage`).
    """

    header: list[str]
    columns: list[list[str]]
    row_numbers: list[int]
    header_row: int | None
    encoding: str | None
    fmt: str
    sheet: str | None = None
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    blank_rows: int = 0
    physical_rows: int = 0
    skipped: list[ReadIssue] = field(default_factory=list)
    warnings: list[ReadIssue] = field(default_factory=list)
    row_sheets: list[str] | None = None
    preamble: list[str] = field(default_factory=list)

    def reconciles(self) -> bool:
        """True when every physical row is a data row, a bad row or a skipped row, once."""
        return self.physical_rows == len(self.row_numbers) + len(self.bad_rows) + len(self.skipped)

    def where(self, i: int) -> str:
        """Where data row ``i`` is, as a user finds it: ``"12"``, or ``"睢阳区!12"`` when sheets were stacked."""
        row = str(self.row_numbers[i])
        return f"{self.row_sheets[i]}!{row}" if self.row_sheets is not None else row

    def issue_rows(self) -> list[dict[str, object]]:
        """Every skip and warning as a line of the warnings file (``file, sheet, row, field, value,
        code, reason``), in row order (file-level issues first)."""
        issues = sorted(chain(self.skipped, self.warnings), key=lambda x: (x.sheet or "", x.row or 0))
        return [x.as_dict() for x in issues]

    def issue_counts(self) -> dict[str, int]:
        """Skips and warnings counted by code (what the CLI summary prints)."""
        out: dict[str, int] = {}
        for issue in chain(self.skipped, self.warnings):
            out[issue.code] = out.get(issue.code, 0) + 1
        return dict(sorted(out.items()))


# --------------------------------------------------------------------------------------------
# header matching

_PAREN = re.compile(r"[（(\[【].*?[）)\]】]")


def norm_header(text: str) -> str:
    """Canonical form of a header cell for matching: NFKC, lower case, no spaces or markers.

    Full-width letters and brackets become half-width, ``*`` required-markers, spaces, underscores
    and hyphens go, so ``"统一社会信用代码 *"``, ``"USCC"`` and ``"uscc"`` compare equal to their
    synonyms.
    """
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = re.sub(r"[\s*_\-:：·.]+", "", t)
    return t


def header_unit(text: str) -> str | None:
    """The unit a header announces, e.g. ``"注册资本(万元)"`` / ``"注册资本（单位：万元）"`` → ``"万元"``.

    A money unit is found by :func:`chain_gap.normalize.unit_from_header` (brackets, 单位：, a
    trailing ``/万元``); otherwise the text in brackets is returned as it is (``"认缴"``), so that a
    bare number under an unknown unit stays unreadable rather than silently read as yuan.
    """
    money = unit_from_header(text)
    if money is not None:
        return money.text
    m = re.search(r"[（(\[【]\s*([^）)\]】]*)\s*[）)\]】]", unicodedata.normalize("NFKC", str(text)))
    return m.group(1).strip() if m else None


def header_keys(text: str) -> tuple[str, str]:
    """Two match keys for a header: the whole normalised text and the text without brackets."""
    full = norm_header(text)
    bare = norm_header(_PAREN.sub("", unicodedata.normalize("NFKC", str(text))))
    return full, bare


def match_columns(header: Sequence[str], fields: Mapping[str, Sequence[str]]) -> dict[str, list[int]]:
    """Columns matching each field, ordered by the field's synonym priority.

    A header matches a synonym when their normalised forms are equal, either with or without a
    bracketed unit (``注册资本(万元)`` matches ``注册资本``). A column is claimed by the first field
    (in mapping order) whose synonym it matches, so one column never feeds two fields.
    """
    keys = [header_keys(h) for h in header]
    claimed: set[int] = set()
    out: dict[str, list[int]] = {}
    for fname, synonyms in fields.items():
        cols: list[int] = []
        for syn in synonyms:
            s = norm_header(syn)
            for i, (full, bare) in enumerate(keys):
                if i in claimed or i in cols or not s:
                    continue
                if full == s or bare == s:
                    cols.append(i)
        if cols:
            out[fname] = cols
            claimed.update(cols)
    return out


def _header_score(cells: Sequence[str], fields: Mapping[str, Sequence[str]] | None) -> int:
    if fields is None:
        return 1 if any(c.strip() for c in cells) else 0
    return len(match_columns(cells, fields))


def find_header(rows: Sequence[Sequence[str]], fields: Mapping[str, Sequence[str]] | None) -> int | None:
    """Index (0-based, into ``rows``) of the header row among the first rows, or None.

    The header is the row whose cells match the most mapping fields; on a tie the earliest such row
    wins. Title rows ("2024年规上企业名单", merged cells) above it match nothing and are skipped.
    """
    best, best_i = 0, None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _header_score(row, fields)
        if score > best:
            best, best_i = score, i
    return best_i


# --------------------------------------------------------------------------------------------
# bytes → text (kept for callers of the old names)


def sniff_kind(path: Path, head: bytes) -> str:
    """``xlsx``, ``xls``, ``html``, ``jsonl``, ``tsv`` or ``csv`` (see :func:`chain_gap._text.sniff`)."""
    return sniff(path, head)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes strictly; return ``(text, encoding)`` (see :func:`chain_gap._text.decode_text`)."""
    t = decode_text(data)
    return t.text, t.encoding


# --------------------------------------------------------------------------------------------
# delimited text


def _blank(row: Sequence[str]) -> bool:
    """True when no cell holds anything but whitespace."""
    return not "".join(row).strip()


def _head_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting a whole 100 MB file to look at its first lines."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n:  # line n ended inside the chunk: lines 1..n are complete
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


def _head_records(head: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(head.splitlines(), delimiter=delimiter))
    except csv.Error:
        return None


def _pick_delimiter(head: str, fields: Mapping[str, Sequence[str]] | None, kind: str) -> tuple[str, int]:
    """The delimiter whose header matches best, and the width of that header row."""
    best, best_score, best_width = ",", (-1, -1), 0
    for d in ("\t",) if kind == "tsv" else _DELIMITERS:
        rows = _head_records(head, d)
        if rows is None:
            continue
        nonblank = [r for r in rows if not _blank(r)]
        hi = find_header(nonblank, fields)
        score = _header_score(nonblank[hi], fields) if hi is not None else 0
        width = max((len(r) for r in rows), default=0)
        if (score, width) > best_score:
            best, best_score = d, (score, width)
            best_width = len(nonblank[hi]) if hi is not None else width
    return best, best_width


def read_csv_text(
    text: str, fields: Mapping[str, Sequence[str]] | None, kind: str, encoding: str, file: str = ""
) -> RawTable:
    """Parse delimited text; the header row is found among the first rows.

    A record that swallowed whole rows behind an unbalanced quote is split back into its rows
    (``csv-unbalanced-quote`` warning), see :mod:`chain_gap._csv`.
    """
    head = "\n".join(_head_lines(text, HEADER_SCAN_ROWS * 4))
    delimiter, width = _pick_delimiter(head, fields, kind)
    records, issues = _csv.records(text, delimiter, width, file)
    table = _tabulate(records, fields, "tsv" if delimiter == "\t" else "csv", encoding, file=file)
    table.warnings[:0] = issues
    return table


def _tabulate(
    records: list[tuple[int, list[str]]],
    fields: Mapping[str, Sequence[str]] | None,
    fmt: str,
    encoding: str | None,
    sheet: str | None = None,
    file: str = "",
) -> RawTable:
    """Find the header among the first records; sort the rest into data, blank and skipped rows."""
    nonblank = [(n, r) for n, r in records[: HEADER_SCAN_ROWS * 4] if not _blank(r)]
    hi = find_header([r for _, r in nonblank], fields)
    if hi is None:
        header: list[str] = nonblank[0][1] if nonblank else []
        return RawTable(
            header=[h.strip() for h in header],
            columns=[[] for _ in header],
            row_numbers=[],
            header_row=None,
            encoding=encoding,
            fmt=fmt,
            sheet=sheet,
        )
    header_line, header = nonblank[hi]
    width = len(header)
    judge = RowJudge(header, [syn for syns in (fields or {}).values() for syn in syns])
    gate = judge.gate
    perm: list[int | None] | None = None  # column order of a repeated header that differs
    warnings: list[ReadIssue] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    skipped: list[ReadIssue] = []
    blank = 0
    started = False
    heads = [h.strip() for h in header]
    for n, rec in records:
        if not started:
            started = n == header_line
            continue
        joined = "".join(rec)
        if not joined.strip():
            blank += 1
            continue
        if '="' in joined:  # ="000001": a code written as an Excel text formula to keep its zeros
            rec = [unwrap_excel_text(c) if c[:1] == "=" else c for c in rec]
        c0 = rec[0][:1]  # most rows are firms, told apart by their first character without a call
        code = judge.kind(rec) if (c0 in gate or not c0 or c0.isspace() or c0 >= "\uff00") else None
        if code is not None:
            if code == "row-repeated-header" and rows and numbers[-1] >= n - 3 and one_cell(rows[-1]):
                # the one-cell title line of the next export, just above its header
                title = rows.pop()
                skipped.append(_skip(file, numbers.pop(), heads, title, "row-repeated-title", sheet))
            skipped.append(_skip(file, n, heads, rec, code, sheet))
            if code == "row-repeated-header":  # the next export may order its columns differently
                perm = _permutation(heads, rec)
                if perm is not None:
                    warnings.append(
                        ReadIssue(
                            file,
                            n,
                            "",
                            " | ".join(c.strip() for c in rec),
                            "row-columns-reordered",
                            "this repeated header orders the columns differently; the rows below are read by it",
                            sheet,
                        )
                    )
            continue
        if perm is not None:
            rec = [rec[j] if j is not None and j < len(rec) else "" for j in perm] + [
                rec[j] for j in range(len(rec)) if j not in perm
            ]
        if len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)
        numbers.append(n)
    # cells beyond the header width (a stray trailing comma, a shifted row) get their own columns so
    # that nothing is dropped silently: the loader reports them.
    extra = max((len(r) for r in rows), default=width) - width
    header = heads + [f"(column {width + i + 1})" for i in range(max(extra, 0))]
    if extra > 0:
        rows = [r + [""] * (len(header) - len(r)) for r in rows]
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in header]
    skipped.sort(key=lambda x: x.row or 0)
    return RawTable(
        header=header,
        columns=columns,
        row_numbers=numbers,
        header_row=header_line,
        encoding=encoding,
        fmt=fmt,
        sheet=sheet,
        blank_rows=blank,
        physical_rows=len(numbers) + len(skipped),
        skipped=skipped,
        warnings=warnings,
        preamble=[" ".join(c.strip() for c in r if c and not c.isspace()) for _, r in nonblank[:hi]],
    )


def _permutation(header: Sequence[str], again: Sequence[str]) -> list[int | None] | None:
    """For each header column, its position in a repeated header ``again``; None when all in place.

    Columns are matched by their normalised text; a column ``again`` spells differently (another
    language: the mapping's synonyms) keeps its position.
    """
    norms = [norm_header(c) for c in again]
    keys = [norm_header(h) for h in header]
    perm: list[int | None] = [None] * len(header)
    used: set[int] = set()
    for i, key in enumerate(keys):
        if key and i < len(norms) and norms[i] == key:
            perm[i] = i
            used.add(i)
    for i, key in enumerate(keys):
        if perm[i] is None and key:
            j = next((k for k, v in enumerate(norms) if v == key and k not in used), None)
            if j is not None:
                perm[i] = j
                used.add(j)
    for i in range(len(header)):
        if perm[i] is None and i not in used and i < len(norms):
            perm[i] = i
            used.add(i)
    return None if all(j == i for i, j in enumerate(perm) if j is not None) else perm


def _skip(file: str, row: int, header: Sequence[str], rec: Sequence[str], code: str, sheet: str | None) -> ReadIssue:
    """The skip issue of a footer / repeated header / title row: field of its first non-empty cell."""
    col = next((i for i, c in enumerate(rec) if c and not c.isspace()), 0)
    name = header[col] if col < len(header) else ""
    value = " | ".join(c.strip() for c in rec if c and not c.isspace())
    return ReadIssue(file, row, name, value, code, REASONS[code], sheet)


def read_raw(path: str | Path, fields: Mapping[str, Sequence[str]] | None = None, sheet: str | None = None) -> RawTable:
    """Read any supported file into a :class:`RawTable`; raise :class:`ReadError` if impossible.

    Parameters
    ----------
    path : str or Path
        CSV / TSV / XLSX / JSONL, an Excel 2003 XML spreadsheet, or an HTML / MHTML table saved as
        ``.xls``; the format comes from the content first, then the suffix.
    fields : mapping or None
        Field → header synonyms (the header is the row matching the most).
    sheet : str or None
        Workbook sheet name, ``"*"`` for every sheet holding the same kind of table, None to choose
        (see :func:`chain_gap._sheets.read_xlsx`).

    Returns
    -------
    RawTable
        ``physical_rows`` counts every non-blank row after the header; each is a data row, a
        ``bad_rows`` entry or a ``skipped`` issue (:meth:`RawTable.reconciles`).

    Raises
    ------
    ReadError
        The file cannot be read; ``code`` says why, ``params`` what the message names.
    """
    path = Path(path)
    data = read_bytes(path)
    if not data.strip():
        raise ReadError(code="read-empty")
    kind = sniff(path, data[:4096])
    file = str(path)
    if kind == "xls":
        what = ole_kind(path)
        if what == "encrypted":
            raise ReadError(code="xlsx-encrypted")
        if what == "doc":
            raise ReadError(code="read-not-a-table", what="Word 文档", what_en="a Word document")
        raise ReadError(code="read-xls-legacy")
    if kind == "mhtml":
        html_bytes = mhtml_html(data)
        if html_bytes is None:
            raise ReadError(code="read-html", suffix=path.suffix.lower() or "(no suffix)")
        data, kind = html_bytes, "html"
    if kind == "xlsx":
        from chain_gap._sheets import read_xlsx  # imports this module: loaded on first use

        del data
        return read_xlsx(path, fields, sheet)
    if kind == "spreadsheetml":
        from chain_gap import _spreadsheetml

        return _spreadsheetml.read(data, file, fields, sheet)
    text = decode_text(data)
    del data
    if not text.text.strip():
        raise ReadError(code="read-empty")
    if kind == "html":
        from chain_gap._html import read_html_text

        table = read_html_text(text.text, fields, file, path.suffix.lower() or "(no suffix)")
        table.encoding = text.encoding
    elif kind == "jsonl" or (kind == "csv" and _json_like(text.text)):
        table = read_jsonl_text(text.text, text.encoding)
    else:
        table = read_csv_text(text.text, fields, kind, text.encoding, file=file)
    if text.bad_lines:
        table.warnings[:0] = [
            ReadIssue(file, n, "", "", "value-bad-bytes", "bytes that are not UTF-8 in this row shown as \ufffd")
            for n in text.bad_lines
        ]
    if text.nul_lines:
        table.warnings[:0] = [
            ReadIssue(file, n, "", "", "value-nul-byte", "NUL bytes in this row removed") for n in text.nul_lines
        ]
    return table


def _json_like(text: str) -> bool:
    """True for a ``.csv``-named file that holds JSON Lines or a JSON array."""
    start = text.lstrip()
    if not start.startswith(("{", "[")):
        return False
    first = start.splitlines()[0]
    try:
        json.loads(first if first.startswith("{") else text)
    except json.JSONDecodeError:
        return False
    return True


def read_table_raw(
    path: str | Path, fields: Mapping[str, Sequence[str]] | None = None, sheet: str | None = None
) -> RawTable:
    """:func:`read_raw` for callers holding a ``str`` path: the loader's single entry point.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    fields : Mapping, optional
        Field → header synonyms.
    sheet : str, optional
        Sheet name, or ``"*"`` for every sheet of the best header's shape.

    Returns
    -------
    RawTable
    """
    return read_raw(Path(path), fields, sheet)
