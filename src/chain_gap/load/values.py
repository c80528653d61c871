"""Cell values: the "no value" words, name and credit-code cleaning, amounts, counts and dates.

Exports repeat the same cell texts thousands of times and hold millions of cells, so the common
clean cell takes a fast path that gives exactly what the :mod:`chain_gap.normalize` functions
would, and everything else goes through those functions themselves.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from chain_gap import normalize, vocab

__all__ = [
    "EMPTY",
    "FORMULA",
    "MAX_NAME",
    "MAX_TEXT",
    "clean",
    "clean_name",
    "first_cells",
    "map_unique",
    "norm_name",
    "num_eq",
    "parse_date_text",
    "parse_int_text",
    "parse_money_text",
    "short",
    "split",
    "stock_symbol",
    "valid_usccs",
]

MAX_TEXT = 20_000
"""Longest text value kept (characters); longer values (a 10 MB 经营范围 cell) are cut with a warning."""

MAX_NAME = 200
"""Longest usable enterprise name; a longer "name" is a broken row, not a firm."""

EMPTY = vocab.NO_VALUE_WORDS
"""Cells that mean "no value" in vendor exports (compared lower-cased)."""

FORMULA = ("=", "+", "-", "@")
"""First characters that make a spreadsheet read a cell as a formula."""

_SPLIT = re.compile(r"[,，;；、|｜\n]+")


def clean(v: Any) -> str:
    """The cell stripped, ``""`` for a "no value" word or None.

    Parameters
    ----------
    v : object
        A cell value.

    Returns
    -------
    str
    """
    if v is None:
        return ""
    t = str(v).strip()
    if t.lower() in EMPTY:
        return ""
    return t


def split(text: str) -> list[str]:
    """The parts of a list cell (``,，;；、|`` or line breaks between them), "no value" parts dropped.

    Parameters
    ----------
    text : str
        A list cell.

    Returns
    -------
    list of str
    """
    return [p.strip() for p in _SPLIT.split(text) if p.strip() and p.strip().lower() not in EMPTY]


def short(v: Any, n: int = 200) -> str:
    """The value as text, cut to ``n`` characters (with the count cut) for reports.

    Parameters
    ----------
    v : object
        Any value; ``None`` gives ``""``.
    n : int
        Longest text kept.

    Returns
    -------
    str
    """
    s = "" if v is None else str(v)
    return s if len(s) <= n else s[:n] + f"…(+{len(s) - n} chars)"


def first_cells(col: Sequence[str]) -> list[str]:
    """Cells as the first value of a field: stripped, ``""`` for the "no value" words.

    Parameters
    ----------
    col : sequence of str
        The cells of one column.

    Returns
    -------
    list of str
    """
    # "" is one of the EMPTY words; no "no value" word is longer than 5 characters. Each distinct
    # cell is checked once; the column is rewritten only when one of them is such a word.
    cells = list(map(str.strip, col))
    empty = {v for v in dict.fromkeys(cells) if len(v) <= 5 and v and v.lower() in EMPTY}
    if not empty:
        return cells
    return [v if v not in empty else "" for v in cells]


def map_unique(fn: Callable[[str], Any], values: Sequence[str], distinct: bool = False) -> list[Any]:
    """``[fn(v) for v in values]`` computing ``fn`` once per distinct value (exports repeat cells);
    ``distinct=True`` for columns whose values rarely repeat (names), where a memo costs more.

    Parameters
    ----------
    fn : callable
        The per-cell function.
    values : sequence of str
        The cells.
    distinct : bool
        Skip the memo and call ``fn`` on every cell.

    Returns
    -------
    list
        ``fn(v)`` per cell, in order.
    """
    if distinct:
        return list(map(fn, values))
    uniq = list(dict.fromkeys(values))
    if 2 * len(uniq) > len(values):
        return list(map(fn, values))
    memo = dict(zip(uniq, map(fn, uniq)))
    return list(map(memo.__getitem__, values))


# Fast paths of the name and credit-code normalisers for the overwhelmingly common clean cell.
# A name made only of CJK unified ideographs (U+4E00–U+9FFF, which NFKC leaves unchanged and which
# are all letters), ASCII letters and digits and round brackets is already what
# ``normalize.clean_name`` would make of it except for the brackets, which it writes full-width;
# its ``normalize_name`` key is the lower-cased text without brackets. Anything else goes through
# the normalisers themselves, so the results are identical.
FAST_NAME = re.compile(r"[\u4e00-\u9fff0-9A-Za-z（）()]+")
_FAST_USCC = re.compile(rf"[{normalize.USCC_CHARSET}]{{2}}\d{{6}}[{normalize.USCC_CHARSET}]{{10}}")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def clean_name(raw: str) -> str:
    """``normalize.clean_name(raw) or ""`` with a fast path for plain CJK / ASCII names.

    Parameters
    ----------
    raw : str
        A name cell.

    Returns
    -------
    str
    """
    if FAST_NAME.fullmatch(raw):
        return raw.replace("(", "（").replace(")", "）")
    return normalize.clean_name(raw) or ""


def norm_name(name: str) -> str:
    """``normalize.normalize_name(name)`` with a fast path for plain CJK / ASCII names.

    Parameters
    ----------
    name : str
        A name cell.

    Returns
    -------
    str
    """
    if FAST_NAME.fullmatch(name):
        return (
            name.replace("（", "")
            .replace("）", "")
            .replace("(", "")
            .replace(")", "")
            .lower()
            .replace("有限责任公司", "有限公司")
        )
    return normalize.normalize_name(name)


def valid_usccs(values: Sequence[str]) -> dict[str, str | None]:
    """Cell text → canonical valid USCC (or None) for every distinct non-empty cell.

    Cells already in canonical form (18 characters of the GB 32100 alphabet, upper case) are
    checked together with numpy: the check character is ``(31 - Σ value × weight mod 31) mod 31``
    over positions 1–17. Other spellings (lower case, spaces, full-width) go through
    ``normalize.normalize_uscc`` and ``normalize.uscc_valid``.

    Parameters
    ----------
    values : sequence of str
        Credit-code cells.

    Returns
    -------
    dict
        Cell text → canonical USCC, or ``None`` when the cell is not a valid code.
    """
    import numpy as np

    out: dict[str, str | None] = {}
    fast: list[str] = []
    for v in dict.fromkeys(values):
        if not v:
            continue
        if len(v) == 18 and _FAST_USCC.fullmatch(v):
            fast.append(v)
        else:
            u = normalize.normalize_uscc(v)
            out[v] = u if u and normalize.uscc_valid(u) else None
    if fast:
        charset = normalize.USCC_CHARSET.encode("ascii")
        lut = np.zeros(256, dtype=np.int64)
        lut[np.frombuffer(charset, dtype=np.uint8)] = np.arange(len(charset))
        codes_ = np.frombuffer("".join(fast).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        total = lut[codes_[:, :17]] @ np.asarray(normalize.USCC_WEIGHTS, dtype=np.int64)
        check = np.frombuffer(charset, dtype=np.uint8)[(31 - total % 31) % 31]
        ok = (check == codes_[:, 17]).tolist()
        for v, good in zip(fast, ok):
            out[v] = v if good else None
    return out


def parse_money_text(text: str, unit: str | None, capital: bool) -> tuple[float | None, str | None]:
    """(value in CNY, currency) of an amount cell; (None, None) when unreadable.

    A bare number is yuan: it is read directly (what ``normalize.parse_capital`` would return);
    everything else goes through ``parse_capital`` / ``parse_amount``. A header unit (万元) applies
    to a bare number.

    Parameters
    ----------
    text : str
        The cell.
    unit : str or None
        The money unit the column header announces (``万元``), if any.
    capital : bool
        Read as registered capital (:func:`~chain_gap.normalize.parse_capital`, which also gives the
        currency) rather than as an amount such as revenue (negative values allowed, no currency).

    Returns
    -------
    tuple of (float or None, str or None)
        The value in CNY and the currency it was stated in (``None`` for an amount that is not capital).
    """
    val: float | None
    cur: str | None
    if unit is None and _PLAIN_NUMBER.fullmatch(text):
        plain = float(text)
        if not math.isinf(plain):
            return plain, ("CNY" if capital else None)
    probe = text
    if unit and re.fullmatch(r"[\d.,]+", text.replace(" ", "")):
        probe = text + unit
    try:
        if capital:
            val, cur = normalize.parse_capital(probe)
        else:
            val, cur = normalize.parse_amount(probe), None
    except (ValueError, TypeError):
        val, cur = None, None
    if val is None:
        return None, None
    return float(val), cur


def parse_int_text(text: str) -> int | None:
    """A whole number written as ``1,200``, ``35人``, ``12.0``; None otherwise.

    Parameters
    ----------
    text : str
        The cell.

    Returns
    -------
    int or None
    """
    t = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    m = re.fullmatch(r"(\d+)(?:\.0+)?\s*(人|名|个|年)?", t)
    return int(m.group(1)) if m else None


#: How far ahead of today a date field may lie (days): none for a founding date, a year for a listing
#: date (an IPO already scheduled). Years before 1800 are refused by ``normalize.parse_date`` already.
FUTURE_DAYS = {"founded": 0, "listed_on": 366}


def looks_negative(text: str) -> bool:
    """True for a cell written as a negative number (``-100``, ``－5万元``, ``(100)`` accounting style).

    Parameters
    ----------
    text : str
        The cell.

    Returns
    -------
    bool
    """
    t = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    return bool(re.match(r"-\s*\d|\(\s*\d[\d,.]*\s*\)$", t))


def implausible_date(field: str, iso: str, today: _dt.date | None = None) -> str | None:
    """Why the date ``iso`` of ``field`` cannot be true (it lies in the future), or None.

    Parameters
    ----------
    field : str
        ``founded`` or ``listed_on`` (see :data:`FUTURE_DAYS`).
    iso : str
        The date as the loader keeps it (ISO ``YYYY-MM-DD``; other text is not judged).
    today : datetime.date, optional
        Default: today.

    Returns
    -------
    str or None
        The English reason, for the warnings file.
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    today = today or _dt.date.today()
    latest = (today + _dt.timedelta(days=FUTURE_DAYS.get(field, 0))).isoformat()
    if iso > latest:
        return f"date in the future (after {latest}): not possible for {field}; row loaded without it"
    return None


def parse_date_text(text: str) -> str | None:
    """ISO date (or what ``normalize.parse_date`` keeps as text) of a date cell; None if unreadable.

    Parameters
    ----------
    text : str
        The cell.

    Returns
    -------
    str or None
    """
    try:
        d = normalize.parse_date(text)
    except (ValueError, TypeError):
        d = None
    if d is None:
        return None
    return d if isinstance(d, str) else d.isoformat()


@cache
def stock_symbol(code: Any) -> str | None:
    """``normalize.stock_symbol`` memoised: the index asks for the same few thousand codes.

    Parameters
    ----------
    code : object
        A stock code in any spelling.

    Returns
    -------
    str or None
    """
    return normalize.stock_symbol(code)


def num_eq(a: Any, b: Any) -> bool:
    """Equal values, numbers compared with a tolerance (a merge is not a conflict over 1e-9, relative or absolute).

    Parameters
    ----------
    a, b : object
        The two values.

    Returns
    -------
    bool
    """
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b
