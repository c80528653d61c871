"""JSON Lines (one object per line) or a JSON array of objects → a :class:`chain_gap._read.RawTable`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from chain_gap._text import ReadError

if TYPE_CHECKING:
    from chain_gap._read import RawTable


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

    Parameters
    ----------
    text : str
        The decoded file.
    encoding : str
        The encoding it was decoded with, recorded on the table.

    Returns
    -------
    RawTable
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
            raise ReadError(code="read-json-invalid", row=exc.lineno, detail=exc.msg) from None
        if not isinstance(arr, list):
            raise ReadError(code="read-json-not-array")
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
        raise ReadError(
            f"is not JSON Lines (line {bad[0][0]}: {bad[0][2]})",
            code="read-jsonl-invalid",
            row=bad[0][0],
            reason=bad[0][2],
        )
    # the union of keys in order of first appearance (JSON keys are strings)
    header = list(dict.fromkeys(chain.from_iterable(good_objs)))
    # every object holds every key when the key counts add up (an object's keys are distinct)
    complete = sum(map(len, good_objs)) == len(good_objs) * len(header)
    columns: list[list[str]] = []
    for k in header:
        col: list[Any] = list(map(itemgetter(k), good_objs)) if complete else [obj.get(k) for obj in good_objs]
        types = set(map(type, col))
        if types == {float}:  # a numeric column: what _json_text makes of each value
            col = list(map(repr, col))
        elif types - {str}:
            col = [_json_text(v) for v in col]
        columns.append(col)
    from chain_gap._read import RawTable  # the one-way import: _read imports this module

    return RawTable(
        header=header,
        columns=columns,
        row_numbers=good_numbers,
        header_row=None,
        encoding=encoding,
        fmt="jsonl",
        bad_rows=bad,
        blank_rows=blank,
        physical_rows=len(good_numbers) + len(bad),
    )
