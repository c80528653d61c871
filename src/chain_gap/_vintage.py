"""The data vintage: the date the data describe (an export date, an as-of date), never a file's mtime.

Vendor exports and registry lists say when they were taken, in a title row above the header
("企查查导出 导出时间：2026-10-08 14:33"), in a footer line ("数据截止：2026年6月30日") or in a
column ("导出日期" on every row). A copied file's modification time says when it was copied, so it
is never read. This module finds such a date in what the reader kept of a table (its title lines,
its skipped footer rows, its header and columns) and parses the dates staff type
(``--vintage 2026-06`` / ``2026-06-30``). Dates are kept as ISO text of the precision given
(``YYYY-MM`` or ``YYYY-MM-DD``), so a month stays a month.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from chain_gap import errors
from chain_gap.errors import ChainGapError

__all__ = ["VintageError", "compare", "find_in_table", "of_graph", "parse", "parse_user", "vintage"]

errors.register(
    "vintage-bad-date",
    "数据日期 {value!r} 无法识别：请写成 YYYY-MM 或 YYYY-MM-DD（如 2026-06 或 2026-06-30）",
    "data vintage {value!r} not understood: write YYYY-MM or YYYY-MM-DD (e.g. 2026-06 or 2026-06-30)",
)


class VintageError(ChainGapError, ValueError):
    """A data vintage the user gave that is not a date."""

    default_code = "vintage-bad-date"


#: Labels that say the date after them is the data's (export, as-of, query, generation date).
#: 打印 / 制表 dates are left out: a list printed today may hold last year's data.
LABELS = (
    "导出时间",
    "导出日期",
    "导出于",
    "数据日期",
    "数据时间",
    "数据截止",
    "数据截至",
    "数据更新",
    "数据版本",
    "截止日期",
    "截至日期",
    "截止时间",
    "截至时间",
    "统计截止",
    "统计截至",
    "查询时间",
    "查询日期",
    "生成时间",
    "生成日期",
    "快照日期",
    "截至",
    "截止",
    "export date",
    "exported at",
    "exported",
    "data date",
    "as of",
)

_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?:\s*[-/.年]\s*(?P<m>\d{1,2})(?!\d)(?:\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d))?"
    r"|(?P<m8>\d\d)(?P<d8>\d\d)(?!\d))"
)
_LABEL_RE = re.compile("|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)))
_NEAR = 24  # characters between a label and its date


def _squash(text: str) -> str:
    """NFKC, lower case, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def parse(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD`` or ``YYYY-MM``, or ``None``.

    Reads ``2026-10-08``, ``2026/10/8 14:33``, ``2026.10.08``, ``2026年10月8日``, ``20261008``,
    ``2026-06`` and ``2026年6月``; a month or day out of range is no date.

    Parameters
    ----------
    text : str
        A cell or a line.

    Returns
    -------
    str or None
    """
    for m in _DATE.finditer(unicodedata.normalize("NFKC", str(text))):
        y = int(m.group("y"))
        if m.group("m8"):
            mo, d = int(m.group("m8")), int(m.group("d8"))
        else:
            mo, d = int(m.group("m")), int(m.group("d")) if m.group("d") else 0
        if not 1 <= mo <= 12:
            continue
        if d:
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                continue
        return f"{y:04d}-{mo:02d}"
    return None


def parse_user(value: str) -> str:
    """A vintage the user typed (``--vintage``), strictly ``YYYY-MM`` or ``YYYY-MM-DD``.

    Parameters
    ----------
    value : str
        What was typed.

    Returns
    -------
    str
        The normalised date.

    Raises
    ------
    VintageError
        Not such a date.
    """
    text = str(value).strip()
    got = parse(text) if re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", text) else None
    if got is None:
        raise VintageError(code="vintage-bad-date", value=text)
    return got


def labelled(text: str) -> str | None:
    """The date that follows a vintage label in ``text`` (``"导出时间：2026-10-08"`` → ``"2026-10-08"``).

    Parameters
    ----------
    text : str
        A title line or a footer row.

    Returns
    -------
    str or None
    """
    s = _squash(text)
    for m in _LABEL_RE.finditer(s):
        got = parse(s[m.end() : m.end() + _NEAR])
        if got is not None:
            return got
    return None


def _key(d: str) -> tuple[int, int, int]:
    parts = [int(p) for p in d.split("-")]
    return (parts[0], parts[1], parts[2] if len(parts) > 2 else 0)


def latest(dates: Iterable[str]) -> str | None:
    """The most recent of ISO dates of either precision, or ``None``."""
    ds = [d for d in dates if d]
    return max(ds, key=_key) if ds else None


def compare(a: str | None, b: str | None) -> int | None:
    """-1, 0 or 1 as vintage ``a`` is older than, the same as or newer than ``b``; ``None`` when unknown.

    A month and a day in that month are the same vintage as far as the data can tell (0).
    """
    if not a or not b:
        return None
    ka, kb = _key(a), _key(b)
    if ka[:2] == kb[:2] and (ka[2] == 0 or kb[2] == 0 or ka[2] == kb[2]):
        return 0
    return -1 if ka < kb else 1


def _is_vintage_header(h: str) -> bool:
    s = _squash(h).replace(" ", "")
    return bool(s) and any(s.startswith(lab.replace(" ", "")) for lab in LABELS if len(lab) >= 4)


def find_in_table(
    preamble: Sequence[str],
    header: Sequence[str],
    columns: Sequence[Sequence[str]],
    footers: Sequence[tuple[int, str]],
    file: str,
) -> tuple[str, str] | None:
    """The vintage a table states, and where it says so.

    A column headed by a vintage label (导出日期, 数据截止日期 …) wins: its latest date. Else the
    latest labelled date in the title lines above the header and in the skipped footer rows.

    Parameters
    ----------
    preamble : sequence of str
        The title lines above the header.
    header, columns : sequences
        The header cells and the columns of the data rows.
    footers : sequence of (int, str)
        Row number and text of the rows skipped as footers.
    file : str
        The file name, for the ``from`` text.

    Returns
    -------
    (str, str) or None
        The date and a sentence naming where it was read.
    """
    for h, col in zip(header, columns):
        if _is_vintage_header(h):
            got = latest(d for d in (parse(c) for c in col if c) if d)
            if got:
                return got, f"{file} 的「{h}」列"
    found: list[tuple[str, str]] = []
    for i, line in enumerate(preamble):
        d = labelled(line)
        if d:
            found.append((d, f"{file} 表头上方第 {i + 1} 行：{line.strip()[:60]}"))
    for row, line in footers:
        d = labelled(line)
        if d:
            found.append((d, f"{file} 第 {row} 行：{line.strip()[:60]}"))
    if not found:
        return None
    best = latest(d for d, _ in found)
    return next(f for f in found if f[0] == best)


def of_graph(G: Any) -> str:
    """The data vintage of a graph as text (``""`` when unknown).

    The bundle's vintage (``G.graph["data_vintage"]``, set by :func:`chain_gap.io.load` from the
    manifest) first, then a note set on the graph (``G.graph["vintage"]``); both when they differ.

    Parameters
    ----------
    G : networkx.MultiDiGraph or None

    Returns
    -------
    str
    """
    if G is None:
        return ""
    dv = G.graph.get("data_vintage")
    date_ = str(dv.get("date") or "") if isinstance(dv, dict) else ""
    note = str(G.graph.get("vintage") or "")
    if date_ and note and note != date_:
        return f"{date_}（{note}）"
    return date_ or note


def vintage(
    files: Iterable[str | os.PathLike[str]],
    *,
    source: str | None = None,
    rows: dict[str, Any] | None = None,
    data_vintage: str | None = None,
    vintage_from: str | None = None,
) -> dict[str, Any]:
    """The vintage entry of one load, for ``save(..., vintage=)``.

    Parameters
    ----------
    files : iterable of str or os.PathLike
        The source files of the load (a folder is recorded by name, without a hash).
    source : str, optional
        The mapping or source name (``"qcc"``).
    rows : dict, optional
        Row counts of the load, e.g. the ``totals`` of its report.
    data_vintage : str, optional
        The date the data describe (``YYYY-MM`` or ``YYYY-MM-DD``; an export date, never a file's
        mtime), checked by :func:`chain_gap._vintage.parse_user`.
    vintage_from : str, optional
        Where that date was read (``"--vintage"``, a title row, a column).

    Returns
    -------
    dict
        ``time`` (UTC, ISO 8601), ``source``, ``files`` (name, sha256, bytes), ``rows`` and, when
        given, ``data_vintage`` and ``vintage_from``.
    """
    entries: list[dict[str, Any]] = []
    for f in files:
        if os.path.isdir(f):
            entries.append({"name": Path(f).name, "sha256": None, "bytes": None})
            continue
        h = hashlib.sha256()
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        entries.append({"name": Path(f).name, "sha256": h.hexdigest(), "bytes": os.path.getsize(f)})
    out: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "files": entries,
        "rows": dict(rows or {}),
    }
    if data_vintage is not None:
        out["data_vintage"] = parse_user(data_vintage)
        out["vintage_from"] = vintage_from or ""
    return out
