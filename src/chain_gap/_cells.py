"""Cell values spreadsheets and vendor exports write their own way: Excel text formulas
(``="000001"``), units announced in a header (``注册资本（单位：万元）``) and 企查查 staff-size ranges.

Part of :mod:`chain_gap.normalize` (re-exported there); the helpers it shares with the rest of the
module are looked up from it at call time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


def _n() -> Any:
    from chain_gap import normalize

    return normalize


# ========================================================================= Excel text cells


def unwrap_excel_text(s: Any) -> str:
    """The text of a cell written as an Excel text formula: ``="000001"`` → ``"000001"``.

    Exporters write codes as ``="000001"`` (or ``'000001``) so that Excel keeps their leading zeros;
    read as data, the wrapper is not part of the value. Doubled quotes inside are undone. Any other
    value is returned as text unchanged (``""`` for an empty cell); a leading apostrophe is removed
    only before digits, so a neutralised ``'=HYPERLINK(…)`` stays neutralised.

    Parameters
    ----------
    s : object
        A cell value.

    Returns
    -------
    str
    """
    if _n()._missing(s):
        return ""
    t = str(s)
    m = re.fullmatch(r'\s*=\s*"((?:[^"]|"")*)"\s*', t)
    if m:
        return m.group(1).replace('""', '"')
    if re.fullmatch(r"'\d[\d\s\-]*", t):
        return t[1:]
    return t


# =========================================================================== header units


@dataclass(frozen=True)
class HeaderUnit:
    """A unit announced in a header: ``注册资本（单位：万元）`` → text 万元, multiplier 1e4, CNY.

    Attributes
    ----------
    text : str
        The unit as written, without 单位： and brackets (``"万元"``, ``"万美元"``).
    multiplier : float
        What a bare number in the column is multiplied by to be in units of the currency.
    currency : str
        ISO code of the currency (``"CNY"`` when the unit names none but 元).
    """

    text: str
    multiplier: float
    currency: str


_UNIT_PATTERNS = (
    re.compile(r"单位\s*[:：]?\s*([^\s)）\]】,，;；]+)"),
    re.compile(r"[（(\[【]\s*([^）)\]】]*?)\s*[）)\]】]"),
    re.compile(r"[/／]\s*([^\s/／]+)\s*$"),
)


def unit_from_header(header: Any) -> HeaderUnit | None:
    """The money unit a header announces, or None when it announces none (or something else).

    Reads ``注册资本（单位：万元）``, ``注册资本(万元)``, ``注册资本[万元人民币]``,
    ``注册资本/万元``, ``注册资本 单位:亿元``, ``注册资本（万美元）``. A bracket that holds no money
    unit (``注册资本（认缴）``) gives None: the caller keeps treating such a bare number as unknown.

    Parameters
    ----------
    header : object
        A column header.

    Returns
    -------
    HeaderUnit or None
    """
    t = _n()._text(header)
    if not t:
        return None
    for pat in _UNIT_PATTERNS:
        for m in pat.finditer(t):
            unit = re.sub(r"^单位\s*[:：]?\s*", "", m.group(1).strip())
            parsed = _money_unit(unit)
            if parsed is not None:
                return HeaderUnit(unit, *parsed)
    return None


def _money_unit(unit: str) -> tuple[float, str] | None:
    """(multiplier, currency) of a unit text such as 万元 / 亿元人民币 / 万美元, else None."""
    low = re.sub(r"[\s()（）]", "", unit.lower()).replace("人民币元", "人民币")
    toks = _n()._tokens(low)
    if not low or not toks:
        return None
    mults = [tok for tok in toks if tok in _n()._MULTIPLIERS]
    currencies = {_n()._CURRENCY_WORDS[tok] for tok in toks if tok in _n()._CURRENCY_WORDS}
    has_money = bool(currencies) or any(tok in _n()._YUAN_WORDS for tok in toks)
    if len(mults) > 1 or len(currencies) > 1 or not has_money:
        return None
    return (_n()._MULTIPLIERS[mults[0]] if mults else 1.0), (currencies.pop() if currencies else "CNY")


# ============================================================================ staff sizes


@dataclass(frozen=True)
class StaffRange:
    """A staff size as 企查查 / 天眼查 state it: a range with a midpoint.

    Attributes
    ----------
    low : int
        Smallest head count the text allows (0 for "少于50人").
    high : int or None
        Largest head count, None for an open range ("5000人以上").
    mid : float
        The midpoint of a closed range, the bound of an open one (a lower bound, not an estimate).
    """

    low: int
    high: int | None
    mid: float


_STAFF_NUM = r"(\d[\d,]*)"
_STAFF_UNIT = r"\s*(?:人|名|位)?"


def parse_staff(s: Any) -> StaffRange | None:
    """A staff-size cell as a range: ``"100-499人"`` → 100–499, midpoint 299.5.

    Also ``"少于50人"`` / ``"50人以下"`` / ``"小于50"`` (0–50), ``"5000人以上"`` / ``"10000+"`` /
    ``"大于1000人"`` (open: 5000–, midpoint 5000), a plain count ``"35"`` / ``"35人"`` (35–35).
    ``None`` for anything else (``"未披露"``, ``"-"``); never raises.

    Parameters
    ----------
    s : object
        A staff-size cell.

    Returns
    -------
    StaffRange or None
    """
    if isinstance(s, bool) or _n()._missing(s):
        return None
    if isinstance(s, int):
        return StaffRange(s, s, float(s)) if s >= 0 else None
    if isinstance(s, float):
        return StaffRange(int(s), int(s), s) if s.is_integer() and s >= 0 else None
    t = re.sub(r"\s+", "", _n()._text(s))
    t = t.replace("，", ",")
    try:
        if m := re.fullmatch(rf"{_STAFF_NUM}{_STAFF_UNIT}(?:-|~|～|—|–|至|到){_STAFF_NUM}{_STAFF_UNIT}", t):
            lo, hi = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
            if lo > hi:
                return None
            return StaffRange(lo, hi, (lo + hi) / 2)
        if m := re.fullmatch(
            rf"(?:少于|小于|不足|低于|<){_STAFF_NUM}{_STAFF_UNIT}|{_STAFF_NUM}{_STAFF_UNIT}(?:以下|以内)", t
        ):
            hi = int((m.group(1) or m.group(2)).replace(",", ""))
            return StaffRange(0, hi, hi / 2)
        if m := re.fullmatch(
            rf"(?:多于|大于|超过|>){_STAFF_NUM}{_STAFF_UNIT}|{_STAFF_NUM}{_STAFF_UNIT}(?:以上|及以上|\+)", t
        ):
            lo = int((m.group(1) or m.group(2)).replace(",", ""))
            return StaffRange(lo, None, float(lo))
        if m := re.fullmatch(rf"{_STAFF_NUM}(?:\.0+)?{_STAFF_UNIT}", t):
            n = int(m.group(1).replace(",", ""))
            return StaffRange(n, n, float(n))
    except (ValueError, TypeError):
        return None
    return None
