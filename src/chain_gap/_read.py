"""Private reading helpers for :mod:`chain_gap.load`: bytes → text → rows of strings.

The files 招商 teams hold come from vendor exports and hand-made spreadsheets: GBK or UTF-8 with or
without BOM, title rows above the header, merged title cells, trailing blank rows, Excel's UTF-16
"Unicode text". Everything here turns such a file into a list of header strings plus data rows of
strings, each with the 1-based line (CSV/JSONL) or row (XLSX) number a user sees in their editor.
Nothing is converted to numbers: every value stays text until the mapping says what it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from chain_gap.errors import ChainGapError

HEADER_SCAN_ROWS = 20
"""How many leading rows may hold title lines before the header row."""

_BINARY_SAMPLE = 64 * 1024
_DELIMITERS = (",", "\t", ";", "|")

# csv's default 128 KB field limit would turn a long 经营范围 cell into an exception; the loader
# truncates long values itself, with a warning.
try:
    csv.field_size_limit(sys.maxsize)
except OverflowError:  # pragma: no cover - 32-bit C long
    csv.field_size_limit(2**31 - 1)


class ReadError(ChainGapError):
    """A file that cannot be read at all; the message is one line without the path."""

    default_code = "read-error"


@dataclass
class RawTable:
    """A file read as text: header cells, data rows and their 1-based row numbers."""

    header: list[str]
    columns: list[list[str]]  # column-major: one list of cell texts per header cell
    row_numbers: list[int]
    header_row: int | None
    encoding: str | None
    fmt: str
    sheet: str | None = None
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, value, reason)
    blank_rows: int = 0


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
    """The unit a header announces in brackets, e.g. ``"注册资本(万元)"`` → ``"万元"``."""
    m = re.search(r"[（(\[【]\s*([^）)\]】]*)\s*[）)\]】]", unicodedata.normalize("NFKC", str(text)))
    return m.group(1).strip() if m else None


def header_keys(text: str) -> tuple[str, str]:
    """Two match keys for a header: the whole normalised text and the text without brackets."""
    full = norm_header(text)
    bare = norm_header(_PAREN.sub("", unicodedata.normalize("NFKC", str(text))))
    return full, bare


def match_columns(header: Sequence[str], fields: dict[str, Sequence[str]]) -> dict[str, list[int]]:
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


def _header_score(cells: Sequence[str], fields: dict[str, Sequence[str]] | None) -> int:
    if fields is None:
        return 1 if any(c.strip() for c in cells) else 0
    return len(match_columns(cells, fields))


def find_header(rows: Sequence[Sequence[str]], fields: dict[str, Sequence[str]] | None) -> int | None:
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
# bytes → text


def sniff_kind(path: Path, head: bytes) -> str:
    """``xlsx``, ``xls``, ``jsonl``, ``tsv`` or ``csv`` from magic bytes first, then the suffix."""
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"  # not a zip: reported as unreadable by the xlsx reader
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes; return ``(text, encoding)``.

    Order, strictly: a UTF-16 byte-order mark (Excel's "Unicode text" export) is honoured; then
    UTF-8 (a UTF-8 BOM is removed), then GB18030 (a superset of GBK and GB2312, what Chinese Excel
    writes), then charset-normalizer's best guess. Every attempt is strict: a file is never decoded
    with replacement characters. Binary content (NUL bytes, many control characters) is refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError(f"has a UTF-16 byte-order mark but invalid UTF-16 data ({exc.reason})") from None
    if b"\x00" in data[:_BINARY_SAMPLE]:
        raise ReadError("is not a text table (binary content: NUL bytes)")
    text: str | None = None
    enc = ""
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            text, enc = data.decode(candidate), candidate
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise ReadError("has an unknown text encoding (not UTF-8, not GB18030, not detectable)")
        try:
            text, enc = data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            raise ReadError(f"cannot be decoded (detected encoding {best.encoding} fails)") from None
    sample = text[:_BINARY_SAMPLE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if sample and controls > max(3, len(sample) // 100):
        raise ReadError("is not a text table (binary content: control characters)")
    return text, enc


# --------------------------------------------------------------------------------------------
# readers


def _blank(row: Sequence[str]) -> bool:
    """True when no cell holds anything but whitespace."""
    return not "".join(row).strip()


def _csv_records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """CSV records with the 1-based line number where each record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    prev = 0
    try:
        for rec in reader:
            yield prev + 1, rec
            prev = reader.line_num
    except csv.Error as exc:
        raise ReadError(f"is not valid CSV near line {reader.line_num}: {exc}") from None


def _head_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting a whole 100 MB file to look at its first lines."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n:  # line n ended inside the chunk: lines 1..n are complete
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


def _pick_delimiter(text: str, fields: dict[str, Sequence[str]] | None, kind: str) -> str:
    if kind == "tsv":
        return "\t"
    head = "\n".join(_head_lines(text, HEADER_SCAN_ROWS + 1))
    best, best_score = ",", (-1, -1)
    for d in _DELIMITERS:
        try:
            rows = [r for _, r in _csv_records(head, d)]
        except ReadError:
            continue
        score = max((_header_score(r, fields) for r in rows), default=0)
        width = max((len(r) for r in rows), default=0)
        if (score, width) > best_score:
            best, best_score = d, (score, width)
    return best


def read_csv_text(text: str, fields: dict[str, Sequence[str]] | None, kind: str, encoding: str) -> RawTable:
    """Parse delimited text; the header row is found among the first rows."""
    delimiter = _pick_delimiter(text, fields, kind)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        recs = list(reader)
    except csv.Error as exc:
        raise ReadError(f"is not valid CSV near line {reader.line_num}: {exc}") from None
    if reader.line_num == len(recs):  # no record spans lines: record k starts on line k
        records = list(zip(range(1, len(recs) + 1), recs))
    else:  # quoted line breaks: track where each record starts
        records = list(_csv_records(text, delimiter))
    return _tabulate(records, fields, "tsv" if delimiter == "\t" else "csv", encoding)


def _tabulate(
    records: list[tuple[int, list[str]]],
    fields: dict[str, Sequence[str]] | None,
    fmt: str,
    encoding: str | None,
    sheet: str | None = None,
) -> RawTable:
    nonblank = [(n, r) for n, r in records[: HEADER_SCAN_ROWS * 4] if not _blank(r)]
    hi = find_header([r for _, r in nonblank], fields)
    if hi is None:
        header_line = None
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
    rows: list[list[str]] = []
    numbers: list[int] = []
    blank = 0
    started = False
    for n, rec in records:
        if not started:
            started = n == header_line
            continue
        if _blank(rec):
            blank += 1
            continue
        if len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)
        numbers.append(n)
    # cells beyond the header width (a stray trailing comma, a shifted row) get their own columns so
    # that nothing is dropped silently: the loader reports them.
    extra = max((len(r) for r in rows), default=width) - width
    header = [h.strip() for h in header] + [f"(column {width + i + 1})" for i in range(max(extra, 0))]
    if extra > 0:
        rows = [r + [""] * (len(header) - len(r)) for r in rows]
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in header]
    return RawTable(
        header=header,
        columns=columns,
        row_numbers=numbers,
        header_row=header_line,
        encoding=encoding,
        fmt=fmt,
        sheet=sheet,
        blank_rows=blank,
    )


def _json_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    return json.dumps(v, ensure_ascii=False, sort_keys=False)


def read_jsonl_text(text: str, encoding: str) -> RawTable:
    """JSON Lines (one object per line) or a JSON array of objects.

    The header is the union of keys in order of first appearance. A line that is not a JSON object
    becomes a bad row (the loader rejects it with the line number), not an exception. Well-formed
    files are parsed in one pass (the lines joined into one JSON array); only a file with a broken
    line is parsed line by line to find it.
    """
    stripped = text.lstrip()
    bad: list[tuple[int, str, str]] = []
    blank = 0
    numbers: list[int] = []
    objs: list[Any] = []
    if stripped.startswith("["):
        try:
            arr = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(arr, list):
            raise ReadError("is not a JSON array of objects")
        numbers = list(range(1, len(arr) + 1))
        objs = arr
    else:
        lines = text.splitlines()
        keep_numbers: Sequence[int]
        if all(map(str.strip, lines)):  # no blank line (the usual case): line k is record k
            keep_numbers, keep_lines = range(1, len(lines) + 1), lines
        else:
            keep_numbers = [n for n, line in enumerate(lines, start=1) if line.strip()]
            keep_lines = [lines[n - 1] for n in keep_numbers]
        blank = len(lines) - len(keep_lines)
        try:
            objs = json.loads("[" + ",".join(keep_lines) + "]")
            if len(objs) != len(keep_lines):  # a line holding two values separated by a comma
                raise ValueError
            numbers = list(keep_numbers)
        except ValueError:
            objs, numbers = [], []
            for n, line in zip(keep_numbers, keep_lines):
                try:
                    objs.append(json.loads(line))
                    numbers.append(n)
                except json.JSONDecodeError as exc:
                    bad.append((n, line[:200], f"invalid JSON ({exc.msg})"))
    good_objs: list[dict[str, Any]] = []
    good_numbers: list[int] = []
    if set(map(type, objs)) <= {dict}:  # json makes plain dicts: every record is an object
        good_objs, good_numbers = objs, numbers
    else:
        for n, obj in zip(numbers, objs):
            if isinstance(obj, dict):
                good_objs.append(obj)
                good_numbers.append(n)
            else:
                bad.append((n, _json_text(obj)[:200], "not a JSON object"))
    bad.sort()
    if not good_objs and len(bad) >= 3:
        raise ReadError(f"is not JSON Lines (line {bad[0][0]}: {bad[0][2]})")
    # the union of keys in order of first appearance (JSON keys are strings)
    header = list(dict.fromkeys(chain.from_iterable(good_objs)))
    # every object holds every key when the key counts add up (an object's keys are distinct)
    complete = sum(map(len, good_objs)) == len(good_objs) * len(header)
    columns = []
    for k in header:
        col = list(map(itemgetter(k), good_objs)) if complete else [obj.get(k) for obj in good_objs]
        types = set(map(type, col))
        if types == {float}:  # a numeric column: what _json_text makes of each value
            col = list(map(repr, col))
        elif types - {str}:
            col = [_json_text(v) for v in col]
        columns.append(col)
    return RawTable(
        header=header,
        columns=columns,
        row_numbers=good_numbers,
        header_row=None,
        encoding=encoding,
        fmt="jsonl",
        bad_rows=bad,
        blank_rows=blank,
    )


def _cell_text(v: Any) -> str:
    """Excel cell → text. Integral floats lose their ``.0``; dates become ISO strings."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v)


def read_xlsx(path: Path, fields: dict[str, Sequence[str]] | None, sheet: str | None) -> RawTable:
    """Read an XLSX workbook: the named sheet, else the first sheet whose header matches best.

    Merged title cells above the header hold their text in the top-left cell only, so they match no
    synonym and are skipped by the header search. Row numbers are Excel's row numbers.
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(f"is not a readable XLSX workbook ({type(exc).__name__}: {str(exc)[:120]})") from None
    except Exception as exc:  # openpyxl raises many kinds on damaged workbooks
        raise ReadError(f"is not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        names = wb.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise ReadError(f"has no sheet {sheet!r}; sheets: {', '.join(names)}")
            candidates = [sheet]
        else:
            candidates = names
        best: RawTable | None = None
        best_score = -1
        for name in candidates:
            ws = wb[name]
            records = [
                (i, [_cell_text(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            table = _tabulate(records, fields, "xlsx", None, sheet=name)
            score = _header_score(table.header, fields) if table.header_row is not None else 0
            if fields is not None and score > 0 and score == len(fields):
                return table
            if score > best_score:
                best, best_score = table, score
        assert best is not None or not candidates
        if best is None:
            raise ReadError("has no sheets")
        return best
    finally:
        wb.close()


def read_raw(path: Path, fields: dict[str, Sequence[str]] | None = None, sheet: str | None = None) -> RawTable:
    """Read any supported file into a :class:`RawTable`; raise :class:`ReadError` if impossible."""
    try:
        if path.is_dir():
            raise ReadError("is a folder, not a file")
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ReadError("does not exist") from None
    except PermissionError:
        raise ReadError("cannot be opened (permission denied)") from None
    except IsADirectoryError:
        raise ReadError("is a folder, not a file") from None
    except OSError as exc:
        raise ReadError(f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ReadError("is empty")
    kind = sniff_kind(path, data[:8])
    if kind == "xls":
        raise ReadError("is a legacy .xls workbook; save it as .xlsx or CSV")
    if kind == "xlsx":
        del data
        return read_xlsx(path, fields, sheet)
    text, enc = decode(data)
    del data
    if not text.strip():
        raise ReadError("is empty")
    if kind == "jsonl":
        return read_jsonl_text(text, enc)
    if kind == "csv" and text.lstrip().startswith(("{", "[")):
        first = text.lstrip().splitlines()[0]
        try:
            json.loads(first if first.startswith("{") else text)
            return read_jsonl_text(text, enc)
        except json.JSONDecodeError:
            pass
    return read_csv_text(text, fields, kind, enc)
