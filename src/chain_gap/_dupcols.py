"""One header text on two columns of a table: refused when the columns disagree, a warning when they agree.

An export edited by hand often ends up with a column pasted twice (two 企业名称 columns, the second a
corrected copy). The loader reads a field from the first matching column and falls back to the next one
only where the first is empty, so a second column holding other values would be a silent choice between
them. Two columns under the same header that feed a field are therefore checked row by row:

``header-duplicate`` (warning)
    The two columns agree wherever both are filled: read as one column (the blanks of the first filled
    from the second), and the warning names the file, the header and both column positions.
``header-duplicate-conflict`` (error)
    They hold different values in some row: the file is refused, naming the header, both column
    positions and the first row where they differ, so the user deletes or renames one of them.

Columns no field of the mapping reads are not checked (they are not read).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chain_gap import errors
from chain_gap._issues import ReadIssue
from chain_gap._read import RawTable, header_keys, match_columns
from chain_gap._text import ReadError

__all__ = ["check_duplicate_columns", "column_label", "column_letter"]

errors.register(
    "header-duplicate-conflict",
    "{in_sheet}表头「{header}」出现在两列（第 {n1} 列 {l1} 和第 {n2} 列 {l2}），两列第 {row} 行的值不同"
    "（「{value1}」与「{value2}」），无法确定用哪一列；请删除或改名其中一列后重试",
    "{in_sheet_en}header {header} is on two columns ({first} and {second}) that differ in row {row} "
    "({value1!r} vs {value2!r}); delete or rename one of them and retry",
)
errors.register(
    "header-duplicate",
    "表头「{field}」出现在两列（{value}），两列凡都填写处均一致，已按一列读取",
    "header {field} is on two columns ({value}) that agree wherever both are filled; read as one column",
)


def column_letter(i: int) -> str:
    """The spreadsheet letter of 0-based column ``i``: ``"D"`` for 3, ``"AA"`` for 26."""
    n, letters = i + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def column_label(i: int) -> str:
    """The 1-based position and the spreadsheet letter of 0-based column ``i``: ``"4 (D)"``."""
    return f"{i + 1} ({column_letter(i)})"


def check_duplicate_columns(table: RawTable, fields: Mapping[str, Sequence[str]] | None, file: str) -> None:
    """Refuse or warn about a header text on two columns that feed one field (see the module docstring).

    Parameters
    ----------
    table : RawTable
        One table as read (one sheet); an ``header-duplicate`` warning is appended to its warnings.
    fields : mapping or None
        Field → header synonyms; None checks nothing (nothing is read by field).
    file : str
        The file, named in the warning.

    Raises
    ------
    ReadError
        ``header-duplicate-conflict``: two such columns differ in some row.
    """
    if not fields or table.header_row is None:
        return
    for cols in match_columns(table.header, fields).values():
        groups: dict[str, list[int]] = {}
        for i in cols:
            groups.setdefault(header_keys(table.header[i])[0], []).append(i)
        for same in groups.values():
            for other in same[1:]:
                _check_pair(table, same[0], other, file)


def _check_pair(table: RawTable, first: int, other: int, file: str) -> None:
    a, b = table.columns[first], table.columns[other]
    for k, (x, y) in enumerate(zip(a, b)):
        x, y = x.strip(), y.strip()
        if x and y and x != y:
            sheet = table.sheet or ""
            raise ReadError(
                code="header-duplicate-conflict",
                header=table.header[first],
                first=column_label(first),
                second=column_label(other),
                n1=first + 1,
                l1=column_letter(first),
                n2=other + 1,
                l2=column_letter(other),
                row=table.row_numbers[k],
                value1=errors.one_line(x, 60),
                value2=errors.one_line(y, 60),
                sheet=sheet,
                in_sheet=f"工作表「{sheet}」：" if sheet else "",
                in_sheet_en=f"sheet {sheet}: " if sheet else "",
            )
    where = f"{column_label(first)}, {column_label(other)}"
    reason = (
        f"header {table.header[first]} is on two columns ({where}) that agree wherever both are filled; read as one"
    )
    table.warnings.append(
        ReadIssue(file, table.header_row, table.header[first], where, "header-duplicate", reason, table.sheet)
    )
