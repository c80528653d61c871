"""Reading a source table: the file as text columns, its header matched to a mapping's fields.

The reader itself (formats, encodings, the header row) is :mod:`chain_gap._read`; this module turns
its result into what the loader iterates over (:class:`Rows`: the field values of every row) and
into :func:`read_table`'s DataFrame for people who want to look at a file the way the loader does.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._dupcols import check_duplicate_columns
from chain_gap._read import RawTable, ReadError, header_unit, match_columns, read_raw
from chain_gap.load.issues import LoadError
from chain_gap.load.mapping import FieldSpec, Mapping
from chain_gap.load.values import clean, first_cells, map_unique, valid_usccs

__all__ = ["Rows", "read_raw_table", "read_table", "split_sheets"]


def _field_synonyms(
    fields: Mapping | dict[str, Any] | None,
) -> tuple[dict[str, Sequence[str]] | None, dict[str, FieldSpec]]:
    if fields is None:
        return None, {}
    if isinstance(fields, Mapping):
        specs = dict(fields.fields)
    else:
        specs = {}
        for k, v in fields.items():
            if isinstance(v, FieldSpec):
                specs[k] = v
            else:
                specs[k] = FieldSpec(name=k, synonyms=[str(s) for s in (v or [k])])
    return {k: list(s.synonyms) for k, s in specs.items()}, specs


def _dedupe(header: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h if h else f"(column {i + 1})"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def read_raw_table(
    path: str | os.PathLike[str], *, sheet: str | None = None, fields: Mapping | dict[str, Any] | None = None
) -> tuple[RawTable, dict[str, Any]]:
    """:func:`read_table` without the DataFrame: the raw columns the loader iterates over.

    Parameters
    ----------
    path : str or os.PathLike
        The file, as in :func:`read_table`.
    sheet : str or None
        XLSX sheet name, as in :func:`read_table`.
    fields : Mapping, dict or None
        A :class:`Mapping`, or field → synonyms, as in :func:`read_table`.

    Returns
    -------
    tuple of (RawTable, dict)
        The columns as read and the ``info`` of :func:`read_table`.
    """
    p = Path(path)
    synonyms, specs = _field_synonyms(fields)
    try:
        raw: RawTable = read_raw(p, synonyms, sheet)
        check_duplicate_columns(raw, synonyms, str(p))  # stacked sheets were checked one by one
    except ReadError as exc:
        raise LoadError(exc.text, code=exc.code, where=str(p), **exc.params) from None
    header = _dedupe(raw.header)
    matched = match_columns(raw.header, synonyms) if synonyms else {}
    missing = [s for s in specs.values() if s.required and s.name not in matched]
    if missing:
        found = ", ".join(h for h in raw.header if h) or "none"
        expected = "; ".join(f"{s.name}: {' / '.join(s.synonyms)}" for s in missing)
        raise LoadError(
            code="load-missing-column",
            file=str(p),
            in_sheet=f"（工作表「{raw.sheet}」）" if raw.sheet else "",
            in_sheet_en=f" (sheet {raw.sheet})" if raw.sheet else "",
            expected=expected,
            found=found,
        )
    info = {
        "path": str(p),
        "format": raw.fmt,
        "encoding": raw.encoding,
        "sheet": raw.sheet,
        "header_row": raw.header_row,
        "headers": header,
        "columns": {f: [header[i] for i in cols] for f, cols in matched.items()},
        "units": {f: u for f, cols in matched.items() for u in [header_unit(raw.header[cols[0]])] if u},
        "bad_rows": list(raw.bad_rows),
        "blank_rows": raw.blank_rows,
    }
    return raw, info


def split_sheets(raw: RawTable) -> list[RawTable]:
    """A table read with ``sheet="*"`` as one table per sheet, each with its own row accounting.

    Rows of different sheets share row numbers (each sheet starts at its own header), so the loader
    counts, rejects and warns per sheet; a table of one sheet comes back as it is.

    Parameters
    ----------
    raw : RawTable
        A table read with ``sheet="*"``.

    Returns
    -------
    list of RawTable
    """
    if raw.row_sheets is None:
        return [raw]
    names = list(dict.fromkeys([*raw.row_sheets, *(i.sheet or "" for i in raw.skipped)]))
    if len(names) <= 1:
        return [dataclasses.replace(raw, sheet=names[0] if names else raw.sheet, row_sheets=None)]
    out = []
    for k, name in enumerate(names):
        idx = [i for i, s in enumerate(raw.row_sheets) if s == name]
        skipped = [i for i in raw.skipped if (i.sheet or "") == name]
        # a warning about a sheet that holds no rows read (a sheet ignored or hidden) or about the
        # whole workbook goes with the first sheet's table, keeping the sheet it names
        warns = [i for i in raw.warnings if (i.sheet or "") == name or (k == 0 and (i.sheet or "") not in names)]
        out.append(
            dataclasses.replace(
                raw,
                columns=[[col[i] for i in idx] for col in raw.columns],
                row_numbers=[raw.row_numbers[i] for i in idx],
                sheet=name,
                bad_rows=[],
                blank_rows=0,
                physical_rows=len(idx) + len(skipped),
                skipped=skipped,
                warnings=warns,
                row_sheets=None,
            )
        )
    return out


def read_table(
    path: str | os.PathLike[str], *, sheet: str | None = None, fields: Mapping | dict[str, Any] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a CSV / TSV / XLSX / JSONL file as text, finding the header row.

    Parameters
    ----------
    path : str or os.PathLike
        The file. The format comes from its content first (an XLSX is a zip whatever its name),
        then its suffix; a delimited file's separator is the one whose header matches best.
    sheet : str or None
        XLSX sheet name; default: the first sheet whose header matches the fields, else the best.
    fields : Mapping, dict or None
        A :class:`Mapping`, or field → synonyms. The header is the row, among the first 20, that
        matches the most fields, so title rows and merged title cells above it are skipped.
        Required fields of a mapping must all be found.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        Every column is text (missing cells are ``""``); columns keep the file's header texts and the
        index holds the 1-based line (CSV/JSONL) or row (XLSX) number a user sees in their editor.
        ``info`` has ``path, format, encoding, sheet, header_row, headers, columns`` (field → matched
        headers in priority order), ``units`` (field → unit announced in the header, e.g. 万元),
        ``bad_rows`` (unparseable JSON lines as ``(row, value, reason)``) and ``blank_rows``.

    Raises
    ------
    LoadError
        The file cannot be read at all, or lacks a required header (the message lists the headers
        found and the synonyms expected).
    """
    raw, info = read_raw_table(path, sheet=sheet, fields=fields)
    df = pd.DataFrame({h: pd.Series(col, dtype=str) for h, col in zip(info["headers"], raw.columns)})
    df.index = pd.Index(raw.row_numbers, name="row", dtype="int64")
    return df, info


class Rows:
    """Column access for one table: coalesced / combined field values per row."""

    def __init__(self, raw: RawTable, info: dict[str, Any], mapping: Mapping):
        self.n = len(raw.row_numbers)
        self.numbers = raw.row_numbers
        by_head = dict(zip(info["headers"], raw.columns))
        self.cols: dict[str, list[list[str]]] = {}
        for f, heads in info["columns"].items():
            self.cols[f] = [by_head[h] for h in heads]
        self.units = info.get("units", {})
        self.extra = [col for h, col in by_head.items() if str(h).startswith("(column ")]
        self.mapping = mapping

        self._first: dict[str, list[str]] = {}
        self._all: dict[str, list[list[str]]] = {}
        self._usccs: dict[str, str | None] | None = None
        self._raw = raw.columns

    def release(self, start: int, stop: int) -> None:
        """Let go of the cells of rows ``start`` to ``stop`` (loaded): they read as ``""`` from now on.

        A million-row export holds ~1 KB of cell strings a row; the graph keeps only the values it
        stores, so releasing the cells of each block as it is loaded keeps the text table from
        coexisting with the whole graph.
        """
        blank = [""] * (stop - start)
        seen: set[int] = set()
        cols: list[list[Any]] = [*self._raw, *self._first.values(), *self._all.values()]
        for col in cols:
            if id(col) not in seen:
                seen.add(id(col))
                col[start:stop] = blank

    def valid_uscc(self, raw: str) -> str | None:
        """Canonical valid USCC of a ``uscc`` cell of this table, or None (checked column-wise)."""
        if self._usccs is None:
            self._usccs = valid_usccs(self.column("uscc"))
        return self._usccs.get(raw)

    def column(self, f: str) -> list[str]:
        """:meth:`first` for every row at once (computed once per field, on unique cell texts)."""
        out = self._first.get(f)
        if out is None:
            cols = self.cols.get(f)
            if not cols:
                out = [""] * self.n
            else:
                out = first_cells(cols[0])
                for col in cols[1:]:
                    if "" in out:  # empty cells fall back to the next matching column
                        nxt = first_cells(col)
                        out = [v or w for v, w in zip(out, nxt)]
            self._first[f] = out
        return out

    def first(self, f: str, i: int) -> str:
        """The field's value in row ``i``: the first non-empty matching cell, stripped; ``""`` if none."""
        col = self._first.get(f)
        return (col if col is not None else self.column(f))[i]

    def all(self, f: str, i: int) -> list[str]:
        """Every non-empty matching cell of the field in row ``i`` (list and tags fields)."""
        return self.all_column(f)[i]

    def all_column(self, f: str) -> list[list[str]]:
        """:meth:`all` for every row at once (the lists are shared: do not change them)."""
        out = self._all.get(f)
        if out is None:
            cols = [map_unique(clean, col) for col in self.cols.get(f, ())]
            if not cols:
                out = [[] for _ in range(self.n)]
            elif len(cols) == 1:
                out = [[v] if v else [] for v in cols[0]]
            else:
                out = [[v for v in vals if v] for vals in zip(*cols)]
            self._all[f] = out
        return out
