"""The safe Excel writer: what staff open in Excel, with codes as text and formulas inert.

Two things go wrong with naive ``DataFrame.to_excel`` exports of enterprise tables:

* **codes lose their meaning**: a USCC such as ``91350900587527783P`` survives, but a GB/T 4754
  code ``0119``, a stock code ``001234`` or a region code held as an integer turns into a number,
  drops leading zeros and is right-aligned; staff then cannot VLOOKUP it against their lists;
* **formula injection**: a firm name such as ``=HYPERLINK("http://evil","点击")`` becomes a live
  formula in Excel or WPS.

:func:`write_workbook` writes every code column as text, every string as a string (xlsxwriter with
``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` all off) and additionally
passes every text cell through :func:`neutralise`, which prefixes a ``'`` to text starting with
``= + - @`` (or tab / carriage return). The prefix is redundant inside this workbook, but it keeps
the cell inert when staff copy it into another sheet, export to CSV or paste into WPS, which is
where injection usually bites (OWASP "CSV injection" guidance).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError
from chain_gap.render._layout import Formats, Page, write_sheet
from chain_gap.render.columns import Col
from chain_gap.render.text import display_width, is_missing

__all__ = [
    "CODE_COLUMNS",
    "FORMULA_PREFIXES",
    "Page",
    "ReportError",
    "display_width",
    "is_code_column",
    "neutralise",
    "write_csv",
    "write_workbook",
]


class ReportError(ChainGapError, ValueError):
    """An output that cannot be written as asked (bad sheet name, unwritable path...)."""

    default_code = "report-error"


#: First characters that make Excel, WPS or LibreOffice treat a typed/pasted cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Columns always written as text: identifiers whose leading zeros or letters matter.
CODE_COLUMNS: frozenset[str] = frozenset(
    {
        "uscc",
        "region",
        "ent_id",
        "id",
        "code",
        "stock",
        "stock_code",
        "industry",
        "industry_code",
        "gb4754",
        "parent_code",
        "province",
        "city",
        "county",
        "postcode",
        "zip",
        "phone",
        "tel",
        "reg_no",
        "org_code",
    }
)

_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Make a cell value inert for spreadsheet programs.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``; anything else (numbers, other text, ``None``) is returned unchanged. Numbers are not
    touched: a negative number is data, a string ``"-1+1"`` could be a formula.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``value``, or the text with a leading ``'``.

    Examples
    --------
    >>> neutralise('=HYPERLINK("x")')
    '\\'=HYPERLINK("x")'
    >>> neutralise("商丘市")
    '商丘市'
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def is_code_column(name: str, text_columns: Iterable[str] = ()) -> bool:
    """Whether column ``name`` holds codes that must be written as text.

    True for the names in :data:`CODE_COLUMNS`, anything ending in ``_code``, ``_id`` or
    ``uscc``, and any name in ``text_columns``.

    Parameters
    ----------
    name : str
        A column name.
    text_columns : iterable of str
        More names to treat as code columns.

    Returns
    -------
    bool
    """
    n = str(name).strip().lower()
    return n in CODE_COLUMNS or n.endswith(("_code", "_id", "uscc")) or str(name) in set(text_columns)


def _code_text(v: Any) -> str:
    """A code as text; integral floats (``411400.0`` from a column with gaps) lose the ``.0``."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "item") and not isinstance(v, str):
        return _code_text(v.item())
    return str(v)


def _cell(v: Any, is_code: bool) -> tuple[str, Any]:
    """Classify a value into (kind, python value): blank, text, number, bool, datetime."""
    if isinstance(v, (list, tuple, set, frozenset)) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) == 1):
        items = v.tolist() if hasattr(v, "tolist") else (sorted(v, key=str) if isinstance(v, (set, frozenset)) else v)
        return "text", "、".join(_code_text(x) if is_code else str(x) for x in items if not is_missing(x))
    if isinstance(v, dict):
        return "text", json.dumps(v, ensure_ascii=False, default=str)
    if is_missing(v):
        return "blank", None
    if is_code:
        return "text", _code_text(v)
    if hasattr(v, "item") and not isinstance(v, (str, pd.Timestamp)):
        v = v.item()
    if isinstance(v, bool):
        return "bool", v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isinf(v):
            return "literal", "∞" if v > 0 else "-∞"
        if isinstance(v, int) and abs(v) > 2**53:  # beyond double precision: keep every digit
            return "text", str(v)
        return "number", v
    if isinstance(v, pd.Timestamp):
        return "datetime", v.to_pydatetime().replace(tzinfo=None)
    if isinstance(v, (_dt.datetime, _dt.date)):
        if isinstance(v, _dt.datetime):
            v = v.replace(tzinfo=None)
        return "datetime", v
    return "text", str(v)


def _check_sheet_names(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ReportError(f"sheet name {name!r}: must be a non-empty string")
        if len(name) > 31:
            raise ReportError(f"sheet name {name!r}: longer than Excel's 31 characters")
        if _INVALID_SHEET.search(name) or name.startswith("'") or name.endswith("'"):
            raise ReportError(f"sheet name {name!r}: contains one of [ ] : * ? / \\ or a leading/trailing '")
        if name.lower() in seen:
            raise ReportError(f"sheet name {name!r}: used twice (Excel ignores case)")
        seen.add(name.lower())


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    """Columns as written: a *named* index becomes the first column(s).

    An unnamed index (a RangeIndex, or the leftover positions of a filtered frame) carries no
    information for staff and is not written.
    """
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    if isinstance(df.columns, pd.MultiIndex):
        df = df.copy()
        df.columns = [" / ".join(str(x) for x in col if str(x)) for col in df.columns]
    return df


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Mapping[str, pd.DataFrame],
    *,
    text_columns: Iterable[str] = (),
    notes: Mapping[str, Any] | None = None,
    notes_sheet: str = "数据说明",
    notes_header: tuple[str, str] = ("项目", "说明"),
    columns: Mapping[str, Mapping[str, Col]] | None = None,
    lang: str = "zh",
    page: Page | None = None,
) -> Path:
    """Write DataFrames to one ``.xlsx`` workbook that is safe to hand to staff.

    Parameters
    ----------
    path
        Target file; written atomically (temp file in the same folder, then ``os.replace``), so a
        reader never sees a half-written workbook and a failed write leaves the old one intact.
    sheets
        Sheet name → DataFrame, in order. Names follow Excel's rules (≤ 31 characters, none of
        ``[]:*?/\\``, unique ignoring case) or :class:`ReportError` is raised before anything is
        written. A named index is written as leading column(s); an unnamed one is not.
    text_columns
        Extra columns to write as text, on top of :func:`is_code_column`'s defaults (``uscc``,
        ``region``, ``*_code``, ``*_id``...). Integer-typed codes are converted with ``str``;
        leading zeros already lost upstream cannot be restored, so load codes as strings.
    notes
        Optional key/value rows (sources, vintage, parameters, method notes, attribution) written
        to a last sheet named ``notes_sheet`` with the header ``notes_header`` (项目 / 说明).

    columns
        Sheet name → header → column spec (:mod:`chain_gap.render.columns`): number format, width,
        wrap, verdict fill, dropdown, outline group. Headers without a spec get one from their name
        and dtype (:func:`chain_gap.render.columns.raw_col`).
    lang
        ``"zh"`` (default) or ``"en"``: booleans as 是/否 or yes/no, the dropdown words, the footer.
    page
        What the printed header and footer say (title, region, chain, data vintage); without it
        the footer says the run date.

    Every sheet gets a bold, wrapped, frozen header row (repeated on every printed page), frozen
    leading column(s), an auto-filter, landscape A4 fit to one page wide, and a footer with page X
    of Y. Missing values are empty cells, lists are joined with "、", dicts become JSON, booleans
    read 是/否, text is passed through :func:`neutralise`.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    import xlsxwriter

    target = Path(path)
    names = list(sheets)
    if notes is not None:
        names.append(notes_sheet)
    if not names:
        raise ReportError(f"{target}: no sheet to write")
    _check_sheet_names(names)
    for name, df in sheets.items():
        if not isinstance(df, pd.DataFrame):
            raise ReportError(f"sheet {name!r}: expected a pandas DataFrame, got {type(df).__name__}")
    text_columns = tuple(text_columns)

    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": False,
            },
        )
        fmts = Formats(wb)
        specs = dict(columns or {})
        tables = dict(sheets)
        if notes is not None:
            tables[notes_sheet] = pd.DataFrame(
                {notes_header[0]: [str(k) for k in notes], notes_header[1]: list(notes.values())}
            )
            specs[notes_sheet] = {
                notes_header[0]: Col("item", notes_header[0], notes_header[0], "reason", 32, freeze=True),
                notes_header[1]: Col("note", notes_header[1], notes_header[1], "reason", 100),
            }
        for name, df in tables.items():
            write_sheet(
                wb.add_worksheet(name),
                _frame(df),
                fmts,
                cell=_cell,
                neutralise=neutralise,
                text_columns=text_columns,
                columns=specs.get(name),
                lang=lang,
                page=page,
                sheet=name,
            )
        wb.close()
    return target


def write_csv(path: str | os.PathLike[str], df: pd.DataFrame) -> Path:
    """Write a CSV that Excel opens correctly (UTF-8 with BOM), formula-like cells neutralised, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file to write.
    df : pandas.DataFrame
        The table.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    target = Path(path)
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    with atomic_path(target) as tmp:
        safe.to_csv(tmp, index=False, encoding="utf-8-sig")
    return target
