"""Workbook sheets → one :class:`chain_gap._read.RawTable`: which sheets, merged cells, several sheets stacked.

The policy for several sheets is the same for XLSX and Excel 2003 XML: a named sheet is read; with
``sheet="*"`` every sheet holding a table of the best sheet's kind is read and each row remembers its
sheet; with no sheet named, one such sheet is read, and several are refused
(``xlsx-multiple-sheets``, naming them) rather than silently read in part. Merged cells below the
header are filled down within the merge (``merged-fill-down``). Imported by
:func:`chain_gap._read.read_raw` on first use (it imports that module).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from chain_gap import _xlsx, errors
from chain_gap._dupcols import check_duplicate_columns
from chain_gap._issues import ReadIssue
from chain_gap._read import HEADER_SCAN_ROWS, RawTable, _header_score, _tabulate, match_columns, norm_header
from chain_gap._text import ReadError

errors.register(
    "xlsx-multiple-sheets",
    "有 {count} 个工作表表头相同（{sheets}）；请用 --sheet 指定其一，或 --sheet '*' 全部读取",
    "{count} sheets share the same header ({sheets}); pick one with --sheet NAME, or read them all with --sheet '*'",
)
errors.register("xlsx-no-sheets", "XLSX 工作簿中没有工作表", "is an XLSX workbook without sheets")
errors.register(
    "xlsx-no-sheet", "没有名为「{sheet}」的工作表；现有工作表：{sheets}", "has no sheet {sheet!r}; sheets: {sheets}"
)


def _sheet_table(wb: _xlsx.Workbook, sh: _xlsx.Sheet, fields: Mapping[str, Sequence[str]] | None) -> RawTable:
    """One sheet streamed into a table; merged cells in data columns filled down, with warnings."""
    found = _xlsx.SheetRows()
    table = _tabulate(list(wb.rows(sh, found)), fields, "xlsx", None, sheet=sh.name, file=wb.file)
    header_row = table.header_row or 0
    skipped = {i.row for i in table.skipped}
    for w in found.warnings:  # cell warnings of data rows only, named by their column
        if w.row is None or w.row <= header_row or w.row in skipped:
            continue
        if not _is_data_row(table, w.row) and w.code != "value-formula-no-cache":
            continue  # a row of uncalculated formulas only reads as blank: its warnings are all that is left
        col = _xlsx._col_index(w.field) if w.field else -1
        w.field = table.header[col] if 0 <= col < len(table.header) else w.field
        table.warnings.append(w)
    _fill_merges(table, found.merges, wb.file)
    return table


def _is_data_row(table: RawTable, row: int) -> bool:
    i = bisect.bisect_left(table.row_numbers, row)
    return i < len(table.row_numbers) and table.row_numbers[i] == row


def _fill_merges(table: RawTable, merges: list[tuple[int, int, int, int]], file: str) -> None:
    """Copy the value of each merged cell below the header into the data rows the merge covers.

    Only the merge's first column is filled (a merge that spans columns shows one value); merges
    that begin on or above the header (titles) are left alone; an empty cell is never overwritten
    by a different value, only filled.
    """
    if table.header_row is None or not table.row_numbers:
        return
    nums = table.row_numbers
    for r1, c1, r2, _c2 in sorted(merges):
        if r2 <= r1 or r1 <= table.header_row or c1 >= len(table.header):
            continue
        top = bisect.bisect_left(nums, r1)
        if top >= len(nums) or nums[top] != r1:
            continue  # the merge starts on a skipped or blank row
        col = table.columns[c1]
        value = col[top]
        if not value.strip():
            continue
        filled = 0
        for i in range(top + 1, bisect.bisect_right(nums, r2)):
            if not col[i].strip():
                col[i] = value
                filled += 1
        if filled:
            table.warnings.append(
                ReadIssue(
                    file,
                    r1,
                    table.header[c1],
                    value,
                    "merged-fill-down",
                    f"merged cell over rows {r1}-{r2}: value copied into {filled} row(s) below",
                    table.sheet,
                )
            )
    table.warnings.sort(key=lambda w: w.row or 0)


def _shape(table: RawTable, fields: Mapping[str, Sequence[str]] | None) -> tuple[str, ...]:
    """What makes two sheets "the same shape": the fields their headers match, else the header."""
    if table.header_row is None:
        return ()
    if fields is not None:
        return tuple(sorted(match_columns(table.header, fields)))
    return tuple(norm_header(h) for h in table.header if h.strip())


def _same_kind(
    shape: tuple[str, ...],
    best_shape: tuple[str, ...],
    fields: Mapping[str, Sequence[str]] | None,
    score: int,
    best: int,
) -> bool:
    """True when a sheet holds a table of the same kind as the best one (one per county is common).

    With a mapping: its header matches at least two of the best sheet's fields (all of them when the
    best matches fewer), so a county sheet missing one column still counts and a summary sheet
    (区县, 企业数) does not. Without a mapping: the same header cells.
    """
    if not shape or score == 0:
        return False
    if fields is None:
        return shape == best_shape
    common = len(set(shape) & set(best_shape))
    return common >= min(2, len(best_shape)) and score >= min(2, best)


def read_xlsx(path: Path, fields: Mapping[str, Sequence[str]] | None, sheet: str | None) -> RawTable:
    """Read an XLSX workbook with the streaming reader.

    Parameters
    ----------
    path : Path
        The workbook.
    fields : dict or None
        Field → header synonyms; the header is the row that matches the most.
    sheet : str or None
        A sheet name; ``"*"`` for every sheet of the best header's shape (each row remembers its
        sheet); None: the one sheet whose header matches best. When several sheets share that
        header (one per county is common) the workbook is refused (``xlsx-multiple-sheets``) rather
        than silently read in part; other non-empty sheets get an ``xlsx-sheet-ignored`` warning.

    Returns
    -------
    RawTable
    """
    wb = _xlsx.open_workbook(path)
    try:

        def probe(sh: _xlsx.Sheet) -> list[tuple[int, list[str]]]:
            return list(wb.rows(sh, _xlsx.SheetRows(), limit=HEADER_SCAN_ROWS * 4))

        return pick_sheets(wb.file, wb.sheets, probe, lambda sh: _sheet_table(wb, sh, fields), fields, sheet, "xlsx")
    finally:
        wb.close()


def pick_sheets(
    file: str,
    sheets: Sequence[_xlsx.Sheet],
    probe: Callable[[_xlsx.Sheet], list[tuple[int, list[str]]]],
    full: Callable[[_xlsx.Sheet], RawTable],
    fields: Mapping[str, Sequence[str]] | None,
    sheet: str | None,
    fmt: str,
) -> RawTable:
    """The sheet(s) of a workbook to read (see :func:`read_xlsx` for the policy).

    ``probe`` gives a sheet's first rows (for the header search), ``full`` the sheet as a table.

    Parameters
    ----------
    file : str
        The workbook, named in warnings and errors.
    sheets : sequence of Sheet
        The workbook's sheets.
    probe : callable
        Sheet → its first rows as ``(row number, cells)``.
    full : callable
        Sheet → the sheet as a table.
    fields : Mapping or None
        Field → header synonyms.
    sheet : str or None
        The sheet asked for, as in :func:`read_xlsx`.
    fmt : str
        The table's format (``"xlsx"``, ``"xml2003"``).

    Returns
    -------
    RawTable
    """
    names = [s.name for s in sheets]
    if not names:
        raise ReadError(code="xlsx-no-sheets")
    if sheet is not None and sheet != "*":
        if sheet not in names:
            raise ReadError(
                code="xlsx-no-sheet",
                sheet=sheet,
                sheets=", ".join(names),
            )
        return full(sheets[names.index(sheet)])
    candidates = [s for s in sheets if not s.hidden] or list(sheets)
    if len(candidates) == 1:
        table = full(candidates[0])
        if sheet == "*":
            table.row_sheets = [candidates[0].name] * len(table.row_numbers)
        return _note_hidden(table, sheets, candidates, probe, file)
    heads = [(sh, _tabulate(probe(sh), fields, fmt, None, sheet=sh.name, file=file)) for sh in candidates]
    scored = [(_header_score(t.header, fields) if t.header_row is not None else 0, sh, t) for sh, t in heads]
    best = max(score for score, _, _ in scored)
    if best == 0:
        return full(candidates[0])  # no header anywhere: the loader says so
    best_shape = next(_shape(t, fields) for score, _, t in scored if score == best)
    same = [sh for score, sh, t in scored if _same_kind(_shape(t, fields), best_shape, fields, score, best)]
    if len(same) > 1 and sheet is None:
        raise ReadError(code="xlsx-multiple-sheets", count=len(same), sheets=", ".join(s.name for s in same))
    ignored = [sh for _, sh, t in scored if sh not in same and (t.row_numbers or t.header_row)]
    tables = [full(sh) for sh in same]
    if len(tables) > 1:  # stacking joins columns by header text: a header twice in a sheet is checked first
        for t in tables:
            check_duplicate_columns(t, fields, file)
    table = tables[0] if len(tables) == 1 else _stack(tables)
    if sheet == "*" and table.row_sheets is None:
        table.row_sheets = [table.sheet or ""] * len(table.row_numbers)
    for sh in ignored:
        reason = f"its header differs from the one read ({table.sheet})"
        table.warnings.append(ReadIssue(file, None, "", sh.name, "xlsx-sheet-ignored", reason, sh.name))
    return _note_hidden(table, sheets, candidates, probe, file)


def _note_hidden(
    table: RawTable,
    sheets: Sequence[_xlsx.Sheet],
    candidates: Sequence[_xlsx.Sheet],
    probe: Callable[[_xlsx.Sheet], list[tuple[int, list[str]]]],
    file: str,
) -> RawTable:
    """``table`` with an ``xlsx-sheet-ignored`` warning for each hidden sheet left unread that holds cells.

    Hidden sheets are not read unless named with ``--sheet`` (they hold lookups and old copies more often
    than data), but rows in one must not vanish without a word: the user may have hidden a county's sheet.
    """
    for sh in sheets:
        if sh in candidates or not sh.hidden:
            continue
        if any(any(str(c).strip() for c in cells) for _, cells in probe(sh)):
            reason = f"hidden sheet (not read; name it with --sheet {sh.name!r} to read it)"
            table.warnings.append(ReadIssue(file, None, "", sh.name, "xlsx-sheet-ignored", reason, sh.name))
    return table


def _stack(tables: list[RawTable]) -> RawTable:
    """Several sheets' tables as one: columns matched by header text, each row keeps its sheet."""
    header: list[str] = list(dict.fromkeys(h for t in tables for h in t.header))
    pos = {h: i for i, h in enumerate(header)}
    columns: list[list[str]] = [[] for _ in header]
    numbers: list[int] = []
    sheets: list[str] = []
    for t in tables:
        n = len(t.row_numbers)
        start = len(numbers)
        have = set()
        for h, col in zip(t.header, t.columns):
            if h in have:  # a duplicated header text (checked to agree): it fills the first one's blanks
                target = columns[pos[h]]
                for k, v in enumerate(col):
                    if v.strip() and not target[start + k].strip():
                        target[start + k] = v
                continue
            have.add(h)
            columns[pos[h]].extend(col)
        for h in header:
            if h not in have:
                columns[pos[h]].extend([""] * n)
        numbers.extend(t.row_numbers)
        sheets.extend([t.sheet or ""] * n)
    first = tables[0]
    return RawTable(
        header=header,
        columns=columns,
        row_numbers=numbers,
        header_row=first.header_row,
        encoding=None,
        fmt="xlsx",
        sheet=", ".join(t.sheet or "" for t in tables),
        # the first sheet's header row; each sheet's own is where its rows start
        blank_rows=sum(t.blank_rows for t in tables),
        physical_rows=sum(t.physical_rows for t in tables),
        skipped=[i for t in tables for i in t.skipped],
        warnings=[i for t in tables for i in t.warnings],
        row_sheets=sheets,
        preamble=[line for t in tables for line in t.preamble],
    )
