"""Values as staff read them: plain Python values, numbers, money, widths and safe embedded JSON.

Shared by the map, the panorama, the Excel writer and the HTML report, so a number reads the same
in every output ("—" for a missing value, "∞" for an infinite one, 万元 for money in Chinese).
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

import pandas as pd

__all__ = [
    "banner",
    "banner_pair",
    "display_width",
    "fmt_int",
    "fmt_money",
    "fmt_num",
    "fmt_pct",
    "is_missing",
    "level_text",
    "number",
    "plain",
    "script_json",
    "text",
    "unit_width",
]


def plain(v: Any) -> Any:
    """Plain Python value: numpy scalars unwrapped, NaN / NA / NaT as ``None``; containers unchanged.

    Parameters
    ----------
    v : object
        Any value.

    Returns
    -------
    object
    """
    if v is None:
        return None
    if isinstance(v, (list, tuple, dict)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item") and not isinstance(v, str):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return v
    return v


def text(v: Any) -> str:
    """``v`` as text; a missing value is the empty string.

    Parameters
    ----------
    v : object
        Any value.

    Returns
    -------
    str
    """
    v = plain(v)
    return "" if v is None else str(v)


def number(v: Any) -> float | None:
    """``v`` as a float, or ``None`` when it is missing or not a number.

    Parameters
    ----------
    v : object
        Any value.

    Returns
    -------
    float or None
    """
    v = plain(v)
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def is_missing(v: Any) -> bool:
    """None, NaN, NaT or pd.NA (scalars only; containers are never missing).

    Parameters
    ----------
    v : object
        Any value.

    Returns
    -------
    bool
    """
    try:
        res = pd.isna(v)
    except (TypeError, ValueError):
        return False
    if isinstance(res, bool):
        return res
    return getattr(res, "shape", None) == () and bool(res)  # numpy scalar bool


def fmt_num(v: Any, nd: int = 2) -> str:
    """A number with thousands separators and ``nd`` decimals; "—" when missing, "∞" when infinite.

    Parameters
    ----------
    v : object
        A number (or a missing value).
    nd : int
        Decimals shown.

    Returns
    -------
    str
    """
    x = number(v)
    if x is None:
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.{nd}f}"


def fmt_int(v: Any) -> str:
    """A count with thousands separators; "—" when missing or infinite.

    Parameters
    ----------
    v : object
        A count (or a missing value).

    Returns
    -------
    str
    """
    x = number(v)
    return "—" if x is None or math.isinf(x) else f"{round(x):,}"


def fmt_pct(v: Any) -> str:
    """A share as a percentage with one decimal (0.755 → "75.5%"); "—" when missing.

    Parameters
    ----------
    v : object
        A share, 1 = 100 % (or a missing value).

    Returns
    -------
    str
    """
    return "—" if is_missing(v) else f"{float(v) * 100:.1f}%"


def fmt_money(v: Any, lang: str) -> str:
    """CNY amounts as staff quote them: 万元 in Chinese, millions in English.

    Parameters
    ----------
    v : object
        An amount in CNY (or a missing value).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        ``"—"`` when missing or infinite.
    """
    x = number(v)
    if x is None or math.isinf(x):
        return "—"
    if lang == "zh":
        w = x / 1e4
        return f"{w:,.0f} 万元" if abs(w) >= 10 else f"{w:,.2f} 万元"
    m = x / 1e6
    return f"CNY {m:,.1f} m" if abs(m) >= 10 else f"CNY {m:,.2f} m"


def banner_pair(table: Any, key: str = "coverage_banner") -> tuple[str, str]:
    """The coverage banner of a gap table (or target list) as ``(zh, en)``; ``("", "")`` when there is none.

    The sentences are built once, from the table's numbers, by :func:`chain_gap.reasons.coverage_banner`
    (``attrs["coverage_banner"]`` / ``attrs["coverage_banner_en"]``); every renderer shows them through
    this function so the map, the report, the workbooks, the briefing and the panorama say the same.
    A table whose attrs hold only the Chinese sentence (made before the English one existed) shows it
    in both languages rather than nothing.

    Parameters
    ----------
    table : pandas.DataFrame or mapping
        A gap table / target list (its ``attrs`` are read), or its attrs.
    key : str
        The attr of the Chinese sentence (its English twin is ``key + "_en"``): ``"banner"`` for a
        division of labour (:func:`chain_gap.reasons.portfolio_banner`) and its catalogue.

    Returns
    -------
    tuple of str
    """
    attrs = getattr(table, "attrs", table) or {}
    zh = text(attrs.get(key))
    en = text(attrs.get(key + "_en")) or zh
    return zh, en


def banner(table: Any, lang: str, key: str = "coverage_banner") -> str:
    """The coverage banner of ``table`` in ``lang`` (``"zh"`` or ``"en"``); ``""`` when there is none.

    Parameters
    ----------
    table : pandas.DataFrame or mapping
        A gap table / target list, or its attrs.
    lang : str
        ``"zh"`` or ``"en"``.
    key : str
        As for :func:`banner_pair`.

    Returns
    -------
    str
    """
    zh, en = banner_pair(table, key)
    return en if lang == "en" else zh


def level_text(level: float) -> str:
    """A confidence level as a percentage for prose: 0.95 → "95%", 0.9 → "90%", 0.975 → "97.5%".

    Parameters
    ----------
    level : float
        A confidence level in (0, 1).

    Returns
    -------
    str
    """
    return f"{round(float(level) * 100, 6):g}%"


def display_width(s: str) -> int:
    """Width of ``s`` in Excel character units: CJK and full-width characters count double.

    Parameters
    ----------
    s : str
        The text.

    Returns
    -------
    int
    """
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def unit_width(s: str) -> float:
    """Width of ``s`` in em: CJK / full-width glyphs 1 em, others about 0.55 em.

    Parameters
    ----------
    s : str
        The text.

    Returns
    -------
    float
    """
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56 for ch in s)


def script_json(obj: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (a JSON data block or JavaScript).

    ``<``, ``>`` and ``&`` only occur inside JSON strings, so escaping them as ``\\u003c`` etc.
    keeps the value identical for ``JSON.parse`` while making ``</script>`` and ``<!--``
    impossible; U+2028/2029 are escaped for old JavaScript parsers.

    Parameters
    ----------
    obj : object
        Any JSON-serialisable value.

    Returns
    -------
    str
    """
    s = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
