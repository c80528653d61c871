"""Delimited text → records, each with the line where it starts; an unbalanced quote swallows nothing.

Python's ``csv`` reads a field that opens a quote up to the next quote, however many lines later: one
stray ``"`` at the start of a name turns hundreds of rows into one field. A stray quote closes (if
at all) at the next quote character in the file, the opening quote of a later field, which is
followed by text: malformed quoting, which the parser in strict mode reports on the record where
the quote opened. That record's first line is read with the quote as a literal character, a
``csv-unbalanced-quote`` warning names it, and reading resumes on the next line. Quoted
line breaks inside a 经营范围 cell (lines that are not rows) are kept as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from chain_gap._issues import ReadIssue
from chain_gap._text import MAX_FIELD_CHARS, ReadError

csv.field_size_limit(MAX_FIELD_CHARS)

Record = tuple[int, list[str]]

#: one line and its terminator as ``io.StringIO(text, newline="")`` hands them out (``\r\n``, ``\r`` or
#: ``\n``, kept), or the last line without one
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their terminators, one at a time, exactly as iterating
    ``io.StringIO(text, newline="")`` gives them, without its copy of the whole text (4 bytes a
    character: 0.8 GB beside a 1M-row export's records)."""
    return (m.group() for m in _LINE.finditer(text))


class _Feed:
    """An iterator over lines that counts how many it has handed out (``pos``)."""

    def __init__(self, lines: list[str], pos: int) -> None:
        self.lines = lines
        self.pos = pos

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        line = self.lines[self.pos]
        self.pos += 1
        return line


def _literal(line: str, delimiter: str) -> list[str]:
    """``line`` split at the delimiter with quotes as ordinary characters."""
    return next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])


def _row_like(line: str, delimiter: str, width: int) -> bool:
    """True when ``line`` alone splits into about ``width`` cells: a row, not a cell's second line."""
    return width >= 2 and len(_literal(line, delimiter)) >= max(2, (width * 2 + 2) // 3)


def records(text: str, delimiter: str, width: int, file: str) -> tuple[list[Record], list[ReadIssue]]:
    """CSV records of ``text`` with the 1-based line where each starts, and the warnings made.

    Parameters
    ----------
    text : str
        The decoded file.
    delimiter : str
        One character.
    width : int
        Cells of the header row (a line of about that many cells is a row, not part of a field).
    file : str
        Named in the warnings.

    Returns
    -------
    tuple of (list of Record, list of ReadIssue)
        ``(line, cells)`` per record, and the warnings.

    Raises
    ------
    ReadError
        ``field-too-large`` (a field over the limit that is not an unbalanced quote) or
        ``csv-invalid``.
    """
    reader = csv.reader(lines(text), delimiter=delimiter, strict=True)
    try:
        recs = list(reader)
        if reader.line_num == len(recs):  # well-formed, and no record spans lines: record k is line k
            return list(zip(range(1, len(recs) + 1), recs)), []
        del recs
    except csv.Error:
        pass  # malformed quoting somewhere: read again record by record below, which finds it
    return _careful(list(lines(text)), delimiter, width, file)


def _careful(lines: list[str], delimiter: str, width: int, file: str) -> tuple[list[Record], list[ReadIssue]]:
    """Records with their start lines; a record whose quoting is malformed is read literally."""
    out: list[Record] = []
    issues: list[ReadIssue] = []
    i = 0
    while i < len(lines):
        feed = _Feed(lines, i)
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        start = i
        try:
            for rec in reader:
                out.append((start + 1, rec))
                start = feed.pos
            break
        except csv.Error as exc:
            # the record starting on line `start` opened a quote that closes wrongly or never: a
            # stray quote; a field over the limit without one is refused
            if "field larger" in str(exc) and not (_row_like(lines[start], delimiter, width) and '"' in lines[start]):
                raise ReadError(code="field-too-large", row=start + 1, limit=MAX_FIELD_CHARS) from None
            if start >= len(lines):
                raise ReadError(
                    f"is not valid CSV near line {feed.pos}: {exc}", code="csv-invalid", row=feed.pos, detail=str(exc)
                ) from None
        out.append((start + 1, _literal(lines[start], delimiter)))
        issues.append(
            ReadIssue(
                file,
                start + 1,
                "",
                lines[start],
                "csv-unbalanced-quote",
                "a quote opened in this row is not closed; the row is read with the quote as a character "
                "and the rows after it as rows",
            )
        )
        i = start + 1
    return out, issues
