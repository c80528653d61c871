"""Read-level issues: what the reader skipped or doubted in a file, each with a stable code.

A :class:`ReadIssue` names the file, the row a user sees in their editor (Excel's row number, the
CSV line where the record starts), the column, the value (cut to one short line) and a stable
``code`` users and tests filter on, in the spirit of frictionless' error types. The ``reason`` is a
one-line English text for the warnings CSV; :meth:`ReadIssue.message` renders the zh/en template
registered for the code.

Codes (skips are never returned as data rows, warnings keep their row):

``row-footer`` (skip)
    小计 / 合计 / 总计 / 制表人 / 数据来源 / 注： … rows below or between the data.
``row-repeated-header`` (skip)
    A second header line (concatenated exports).
``row-repeated-title`` (skip)
    A one-cell title line right above a repeated header (the title of the next export).
``row-columns-reordered`` (warning)
    A repeated header that orders the columns differently: the rows below it are read by its order.
``row-serial-only`` (skip)
    Only a serial number (序号) and nothing else: an unused row of a template.
``merged-fill-down`` (warning)
    A merged cell (区县 / 城市 over a block of rows) whose value was copied into each row it covers.
``value-formula-no-cache`` (warning)
    An XLSX formula cell without a cached result: read as empty, which it is not.
``value-excel-error`` (warning)
    An XLSX cell holding an Excel error (``#N/A``, ``#REF!``): kept as that text.
``value-excel-blank-date`` (warning)
    An XLSX date cell holding serial 0 (Excel's blank date 1899-12-30): read as empty.
``value-nul-byte`` (warning)
    NUL bytes inside a row of a text file: removed.
``value-bad-bytes`` (warning)
    Bytes that are not UTF-8 in a row of an otherwise UTF-8 file: shown as U+FFFD.
``csv-unbalanced-quote`` (warning)
    A field opening a quote that never closes where it should: the row is read with the quote as a
    literal character and the rows after it are read as rows, not swallowed into one field.
``xlsx-sheet-ignored`` (warning)
    A non-empty sheet of the workbook that was not read (its header differs from the one read, or it is
    hidden).
``header-duplicate`` (warning, :mod:`chain_gap._dupcols`)
    One header text on two columns a field reads that agree wherever both are filled: read as one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from chain_gap import errors

#: Longest value kept in an issue (characters): a message stays one readable line.
VALUE_LIMIT = 200

SKIP_CODES = ("row-footer", "row-repeated-header", "row-repeated-title", "row-serial-only")
WARNING_CODES = (
    "row-columns-reordered",
    "merged-fill-down",
    "value-formula-no-cache",
    "value-excel-error",
    "value-excel-blank-date",
    "value-nul-byte",
    "value-bad-bytes",
    "csv-unbalanced-quote",
    "xlsx-sheet-ignored",
    "header-duplicate",
)

_TEMPLATES = {
    "row-footer": (
        "第{row}行是表尾（合计、制表人、数据来源等），不是企业，已跳过",
        "row {row} is a footer (total, author, source …), not a firm; skipped",
    ),
    "row-repeated-header": (
        "第{row}行重复了表头（多份导出拼接），已跳过",
        "row {row} repeats the header (concatenated exports); skipped",
    ),
    "row-repeated-title": (
        "第{row}行是重复表头上方的标题行，已跳过",
        "row {row} is a title line above a repeated header; skipped",
    ),
    "row-serial-only": (
        "第{row}行只有序号，没有内容（模板中未填写的行），已跳过",
        "row {row} holds only a serial number (an unused template row); skipped",
    ),
    "row-columns-reordered": (
        "第{row}行重复的表头列顺序不同，其下各行按该顺序读取",
        "row {row} repeats the header in another column order; the rows below are read by it",
    ),
    "merged-fill-down": (
        "第{row}行起的合并单元格「{field}」已向下填充：{reason}",
        "merged cell {field} from row {row} filled down: {reason}",
    ),
    "value-formula-no-cache": (
        "第{row}行「{field}」是没有缓存结果的公式（{value}），按空值读取；请在 Excel 中打开并保存后重试",
        "row {row}, {field}: formula without a cached result ({value}) read as empty; open and save the file in Excel and retry",
    ),
    "value-excel-error": (
        "第{row}行「{field}」是 Excel 错误值 {value}",
        "row {row}, {field}: Excel error value {value}",
    ),
    "value-excel-blank-date": (
        "第{row}行「{field}」是 Excel 的空日期（1899-12-30），按空值读取",
        "row {row}, {field}: Excel's blank date (1899-12-30) read as empty",
    ),
    "value-nul-byte": ("第{row}行含 NUL 字节，已删除", "row {row} holds NUL bytes; removed"),
    "value-bad-bytes": (
        "第{row}行含有不是 UTF-8 的字节，显示为 \ufffd",
        "row {row} holds bytes that are not UTF-8, shown as \ufffd",
    ),
    "csv-unbalanced-quote": (
        "第{row}行的引号没有闭合；该行按字面读取，其后的行照常读取",
        "row {row} opens a quote that is not closed; the row is read literally and the rows after it as rows",
    ),
    "xlsx-sheet-ignored": ("工作表「{sheet}」未读取：{reason}", "sheet {sheet} not read: {reason}"),
}
for _code, (_zh, _en) in _TEMPLATES.items():
    errors.register(_code, _zh, _en)


def cut(value: Any, limit: int = VALUE_LIMIT) -> str:
    """``value`` as one short line: whitespace runs folded, cut to ``limit`` characters.

    Parameters
    ----------
    value : object
        Any value.
    limit : int
        Longest result.

    Returns
    -------
    str
    """
    return errors.one_line(str(value), limit=limit)


@dataclass
class ReadIssue:
    """One skipped row or one warning of the reader.

    Attributes
    ----------
    file : str
        The file as given to the reader.
    row : int or None
        1-based row a user sees (Excel row, CSV line where the record starts); None for the file.
    field : str
        The header of the column concerned, ``""`` for the whole row.
    value : str
        The value concerned, one line of at most :data:`VALUE_LIMIT` characters.
    code : str
        Stable code (see the module docstring).
    reason : str
        One-line English reason, for the warnings CSV.
    sheet : str or None
        XLSX sheet the row is on.
    """

    file: str
    row: int | None
    field: str
    value: str
    code: str
    reason: str
    sheet: str | None = None

    def __post_init__(self) -> None:
        self.value = cut(self.value)
        self.reason = cut(self.reason, 500)

    def message(self, lang: str | None = None) -> str:
        """The code's zh/en template filled with this issue (one line), else the English reason."""
        params = {k: ("" if v is None else v) for k, v in asdict(self).items()}
        return errors.render(self.code, params, self.reason, lang)

    def as_dict(self) -> dict[str, Any]:
        """``file, sheet, row, field, value, code, reason``: one line of the warnings file."""
        return {
            "file": self.file,
            "sheet": self.sheet or "",
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "code": self.code,
            "reason": self.reason,
        }
