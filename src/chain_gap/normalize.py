"""Value normalisers for enterprise data: credit codes, stock codes, names, money, dates.

Pure functions on single values. They accept whatever a spreadsheet cell may hold (``str``,
numbers, ``None``, ``NaN``, ``datetime``) and never need pandas. Parsers return ``None``
for what they cannot read rather than guessing; the loaders turn that into a warning
naming the file, row and field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from chain_gap import vocab

__all__ = [
    "FX_DATE",
    "FX_TO_CNY",
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "HeaderUnit",
    "StaffRange",
    "clean_name",
    "is_blank_excel_date",
    "normalize_name",
    "normalize_stock_code",
    "normalize_uscc",
    "parse_amount",
    "parse_capital",
    "parse_date",
    "parse_staff",
    "stock_symbol",
    "unit_from_header",
    "unwrap_excel_text",
    "uscc_check_char",
    "uscc_valid",
]


def _missing(v: Any) -> bool:
    """None, NaN (float or pandas NA/NaT, which are not equal to themselves) or blank text."""
    if v is None:
        return True
    try:
        if v != v:  # NaN, pd.NA raises TypeError in bool context, handled below
            return True
    except (TypeError, ValueError):
        return True
    return isinstance(v, str) and not v.strip()


def _text(v: Any) -> str:
    return "" if _missing(v) else unicodedata.normalize("NFKC", str(v))


# ====================================================================== credit codes (USCC)

#: GB 32100-2015 统一社会信用代码 alphabet: digits and capitals without I, O, S, V, Z.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17 (3^(i-1) mod 31).
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_RE = re.compile(rf"^[{USCC_CHARSET}]{{2}}\d{{6}}[{USCC_CHARSET}]{{10}}$")


def uscc_check_char(body: str) -> str:
    """Check character (position 18) of the first 17 characters of a USCC.

    ``(31 - Σ value(c_i) × w_i mod 31) mod 31``, read back through the alphabet.

    Parameters
    ----------
    body : str
        The first 17 characters of the code.

    Returns
    -------
    str
        One character of the USCC alphabet.

    Raises
    ------
    ValueError
        ``body`` is not 17 characters of the alphabet.
    """
    if len(body) != 17 or any(c not in _USCC_VALUE for c in body):
        raise ValueError(f"USCC body must be 17 characters of {USCC_CHARSET}, got {body!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_uscc(s: Any) -> str | None:
    """Canonical form of a credit-code cell: NFKC, upper case, no spaces or hyphens.

    Does not validate (see :func:`uscc_valid`); ``None`` for an empty cell.

    Parameters
    ----------
    s : object
        A credit-code cell.

    Returns
    -------
    str or None
    """
    t = _text(s)
    t = re.sub(r"[\s\-‐‑‒–—―_]", "", t).upper()
    return t or None


def uscc_valid(s: Any) -> bool:
    """True for a well-formed 统一社会信用代码 (GB 32100-2015) with a correct check character.

    Structure: position 1 登记管理部门 and 2 机构类别 (any character of the alphabet: ``9`` for
    market regulators, ``5`` civil affairs, ``Y`` trade unions, ``A``/``N`` other registries …;
    python-stdnum wrongly rejects letters here), positions 3–8 the registering authority's
    6-digit division code, 9–17 the organisation code, 18 the check character. The value is
    normalised first (:func:`normalize_uscc`), so lower case and spaces are accepted.

    Parameters
    ----------
    s : object
        A credit-code cell.

    Returns
    -------
    bool
    """
    t = normalize_uscc(s)
    if t is None or len(t) != 18 or not _USCC_RE.match(t):
        return False
    return uscc_check_char(t[:17]) == t[17]


# ============================================================================ stock codes

_EXCHANGE_ALIASES = {
    "SH": "SH",
    "SS": "SH",
    "SSE": "SH",
    "XSHG": "SH",
    "SZ": "SZ",
    "SZE": "SZ",
    "SZSE": "SZ",
    "XSHE": "SZ",
    "BJ": "BJ",
    "BSE": "BJ",
}


def _infer_exchange(sym: str) -> str | None:
    """Exchange of a 6-digit A-share (and B-share) symbol from its leading digits."""
    if sym.startswith(("60", "68", "90")):
        return "SH"
    if sym.startswith(("00", "30", "20")):
        return "SZ"
    if sym.startswith(("4", "8", "92")):
        return "BJ"
    return None


def normalize_stock_code(s: Any) -> str | None:
    """Canonical ``<6 digits>.<SH|SZ|BJ>`` from the usual spellings.

    Accepts ``300229``, ``300229.SZ``, ``300229.sz``, ``sz300229``, ``SZ.300229``,
    ``600519.SS`` (Yahoo), ``600519.XSHG`` (Wind/JoinQuant), and symbols that lost their
    leading zeros in a spreadsheet (``2981`` → ``002981.SZ``). Without a suffix the exchange
    is inferred from the symbol (60/68/90 → SH, 00/30/20 → SZ, 4/8/92 → BJ). A suffix that
    contradicts the symbol (``600519.SZ``) or anything else gives ``None``.

    Parameters
    ----------
    s : object
        A stock-code cell.

    Returns
    -------
    str or None
    """
    if isinstance(s, bool):
        return None
    if isinstance(s, int):
        s = str(s)
    elif isinstance(s, float):
        if math.isnan(s) or not s.is_integer():
            return None
        s = str(int(s))
    t = re.sub(r"\s", "", _text(s)).upper()
    if not t:
        return None
    sym = exch = None
    if m := re.fullmatch(r"(\d{1,6})(?:\.0+)?", t):
        sym = m.group(1).zfill(6)
    elif m := re.fullmatch(r"(\d{6})[.\-_]?([A-Z]{2,4})", t):
        sym, exch = m.group(1), _EXCHANGE_ALIASES.get(m.group(2))
        if exch is None:
            return None
    elif m := re.fullmatch(r"([A-Z]{2,4})[.\-_:]?(\d{6})", t):
        exch, sym = _EXCHANGE_ALIASES.get(m.group(1)), m.group(2)
        if exch is None:
            return None
    else:
        return None
    inferred = _infer_exchange(sym)
    if exch is None:
        exch = inferred
    elif inferred is not None and inferred != exch:
        return None
    if exch is None:
        return None
    return f"{sym}.{exch}"


def stock_symbol(code: Any) -> str | None:
    """The 6-digit symbol of a stock code in any spelling (``300229.SZ`` → ``300229``).

    ``None`` when the value is not a stock code.

    Parameters
    ----------
    code : object
        A stock code in any spelling :func:`normalize_stock_code` reads.

    Returns
    -------
    str or None
    """
    norm = normalize_stock_code(code)
    return norm.split(".", 1)[0] if norm else None


# ================================================================================== names

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞`´]")
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"


def clean_name(s: Any) -> str:
    """A legal name fit for display.

    NFKC (full-width letters and digits become ASCII), zero-width characters and quotes
    removed, line breaks and runs of whitespace collapsed to one space, spaces between two
    Chinese characters removed (legal names have none), and round brackets written
    full-width （）as Chinese registrations print them. ``""`` for an empty cell.

    Parameters
    ----------
    s : object
        A name cell.

    Returns
    -------
    str
    """
    t = _text(s)
    if not t:
        return ""
    t = _ZERO_WIDTH.sub("", t)
    t = _QUOTES.sub("", t)
    t = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in t)
    t = re.sub(r"\s+", " ", t).strip()
    t = t.replace("(", "（").replace(")", "）")
    t = re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", t)
    return t


def normalize_name(s: Any) -> str:
    """Matching key of an enterprise or product name.

    NFKC, lower case, every bracket, space, punctuation mark and symbol removed (bracket
    *contents* stay: 华为技术（深圳）有限公司 and 华为技术有限公司 are different entities), and
    有限责任公司 written 有限公司 because registries and vendors use the two for the same
    company; 股份有限公司 is a different legal form and stays distinct. Branch markers
    (分公司) are kept: a branch is its own registration. ``""`` for an empty cell.

    Parameters
    ----------
    s : object
        A name cell.

    Returns
    -------
    str
    """
    t = _text(s)
    if not t:
        return ""
    t = _ZERO_WIDTH.sub("", t).lower()
    t = "".join(c for c in t if unicodedata.category(c)[0] not in "PSZC")
    return t.replace("有限责任公司", "有限公司")


# ================================================================================== money

#: Date the :data:`FX_TO_CNY` rates reflect.
FX_DATE = "2024-12-31"
#: CNY per unit of foreign currency: approximate PBOC central parity rates on
#: :data:`FX_DATE` (KRW and TWD cross rates via USD). Registered capital serves as a size
#: proxy, so one fixed table keeps results reproducible; the original currency is returned
#: alongside every converted value.
FX_TO_CNY: dict[str, float] = {
    "CNY": 1.0,
    "USD": 7.1884,
    "EUR": 7.5257,
    "JPY": 0.046233,
    "HKD": 0.92604,
    "GBP": 9.0765,
    "AUD": 4.5070,
    "CAD": 5.0498,
    "SGD": 5.3214,
    "CHF": 7.9977,
    "TWD": 0.2193,
    "KRW": 0.004889,
}

_CURRENCY_WORDS = {
    "人民币": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "美元": "USD",
    "美金": "USD",
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "hkd": "HKD",
    "hk$": "HKD",
    "欧元": "EUR",
    "eur": "EUR",
    "€": "EUR",
    "日元": "JPY",
    "日圆": "JPY",
    "jpy": "JPY",
    "英镑": "GBP",
    "gbp": "GBP",
    "£": "GBP",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "aud": "AUD",
    "加元": "CAD",
    "加拿大元": "CAD",
    "cad": "CAD",
    "新加坡元": "SGD",
    "sgd": "SGD",
    "瑞士法郎": "CHF",
    "chf": "CHF",
    "新台币": "TWD",
    "台币": "TWD",
    "twd": "TWD",
    "韩元": "KRW",
    "krw": "KRW",
}
#: The unit words 元/圆 say "yuan" only when no other currency is named (美元 contains 元).
_YUAN_WORDS = ("元", "圆")
_MULTIPLIERS = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "亿": 1e8, "千": 1e3}
_TOKEN_RE = re.compile(
    "|".join(re.escape(w) for w in sorted([*_CURRENCY_WORDS, *_YUAN_WORDS, *_MULTIPLIERS], key=len, reverse=True))
)
_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_EMPTY_WORDS = vocab.NO_VALUE_WORDS


def _tokens(text: str) -> list[str] | None:
    """Split unit text into known tokens; ``None`` if anything else is left over."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            return None
        out.append(m.group(0))
        pos = m.end()
    return out


def _parse_money(s: Any, allow_negative: bool) -> tuple[float | None, str | None]:
    if isinstance(s, bool) or _missing(s):
        return None, None
    if isinstance(s, (int, float)):
        v = float(s)
        if math.isinf(v) or (v < 0 and not allow_negative):
            return None, None
        return v, "CNY"
    t = _text(s).lower()
    t = re.sub(r"[\s,，_'()（）\[\]【】]", "", t)
    t = t.replace("人民币元", "人民币")
    if t in _EMPTY_WORDS:
        return None, None
    nums = list(_NUMBER_RE.finditer(t))
    if len(nums) != 1:
        return None, None
    m = nums[0]
    prefix, suffix = t[: m.start()], t[m.end() :]
    pre, suf = _tokens(prefix), _tokens(suffix)
    if pre is None or suf is None:
        return None, None
    if any(tok in _MULTIPLIERS for tok in pre):
        return None, None
    mults = [tok for tok in suf if tok in _MULTIPLIERS]
    if len(mults) > 1 or (mults and suf[0] != mults[0]):
        return None, None  # 万万, 元万: not an amount
    currencies = {_CURRENCY_WORDS[tok] for tok in (*pre, *suf) if tok in _CURRENCY_WORDS}
    if len(currencies) > 1:
        return None, None
    currency = currencies.pop() if currencies else "CNY"
    try:
        value = float(m.group(0))
    except ValueError:
        return None, None
    if value < 0 and not allow_negative:
        return None, None
    value *= _MULTIPLIERS[mults[0]] if mults else 1.0
    value *= FX_TO_CNY[currency]
    if math.isinf(value) or math.isnan(value):
        return None, None
    return value, currency


def parse_capital(s: Any) -> tuple[float | None, str | None]:
    """Registered capital in CNY and the currency it was stated in.

    ``5000万元人民币`` → (5.0e7, "CNY"); ``1.2亿`` → (1.2e8, "CNY"); ``100万美元`` →
    (1e6 × FX_TO_CNY["USD"], "USD"); ``5,000.00万元``, ``500万(元)``, ``3000万人民币元``,
    ``人民币5000万元``; a bare number is yuan (``12345``). Foreign amounts are converted with the
    fixed :data:`FX_TO_CNY` table. Anything else (two numbers, unknown words, negative
    amounts) gives ``(None, None)``; this function never raises.

    Parameters
    ----------
    s : object
        A registered-capital cell (text or number).

    Returns
    -------
    tuple of (float or None, str or None)
        The amount in CNY and the ISO currency code it was stated in.
    """
    try:
        return _parse_money(s, allow_negative=False)
    except Exception:
        return None, None


def parse_amount(s: Any) -> float | None:
    """An amount such as revenue, in yuan: ``12.5亿元`` → 1.25e9, ``3000万`` → 3e7, ``800`` → 800.

    Same grammar as :func:`parse_capital` (foreign currencies are converted to CNY) but
    negative values are allowed (losses). ``None`` when unreadable; never raises.

    Parameters
    ----------
    s : object
        An amount cell (text or number).

    Returns
    -------
    float or None
    """
    try:
        return _parse_money(s, allow_negative=True)[0]
    except Exception:
        return None


# ================================================================================== dates

_EXCEL_EPOCH = date(1899, 12, 30)
_YEAR_RANGE = (1800, 2100)


def _iso(y: int, m: int, d: int) -> str | None:
    if not (_YEAR_RANGE[0] <= y <= _YEAR_RANGE[1]):
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _excel_serial(n: float) -> str | None:
    """Excel 1900-system serial: 1 is 1900-01-01; 60 is the non-existent 1900-02-29."""
    if n != int(n) or n < 1 or n == 60:
        return None
    k = int(n)
    d = date(1899, 12, 31) + timedelta(days=k) if k < 60 else _EXCEL_EPOCH + timedelta(days=k)
    return _iso(d.year, d.month, d.day)


def parse_date(s: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` from the date spellings found in registry exports.

    ``2015-03-02``, ``2015/3/2``, ``2015.03.02``, ``20150302``, ``2015年3月2日``, any of these
    followed by a time, ``datetime``/``date`` objects, and Excel serial numbers (``42064``,
    as number or text). Impossible dates (2015-02-30), years outside 1800–2100, partial
    dates (2015年3月), day-first spellings (02/03/2015, ambiguous) and Excel's blank date
    1899-12-30 (:func:`is_blank_excel_date`) give ``None``.

    Parameters
    ----------
    s : object
        A date cell: text, number, ``datetime`` or ``date``.

    Returns
    -------
    str or None
    """
    if isinstance(s, bool) or _missing(s) or is_blank_excel_date(s):
        return None
    try:
        if isinstance(s, (datetime, date)):
            return _iso(s.year, s.month, s.day)
        if isinstance(s, (int, float)):
            if isinstance(s, float) and not s.is_integer():
                return None
            n = int(s)
            if 10_000_000 <= n <= 99_999_999:
                return _iso(n // 10000, n // 100 % 100, n % 100)
            return _excel_serial(n) if n < 100_000 else None
        t = _text(s).strip()
        if m := re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?", t):
            return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:[\sT].*)?", t):
            return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := re.fullmatch(r"(\d{1,5})(?:\.0+)?", t):
            return _excel_serial(int(m.group(1)))
    except (ValueError, TypeError, OverflowError, AttributeError):
        return None
    return None


def is_blank_excel_date(s: Any) -> bool:
    """True for Excel's "blank" date: serial 0 shown as 1899-12-30 (or 1900-01-00).

    An empty date cell with a date format, or a formula such as ``=IF(A2="","",A2)`` gone wrong,
    exports as 1899-12-30; no firm was founded that day, so it means "no date", not a date.

    Parameters
    ----------
    s : object
        A date cell.

    Returns
    -------
    bool
    """
    if isinstance(s, datetime):
        return s.date() == _EXCEL_EPOCH
    if isinstance(s, date):
        return s == _EXCEL_EPOCH
    if isinstance(s, bool) or _missing(s) or not isinstance(s, str):
        return False
    t = _text(s).strip()
    return bool(
        re.fullmatch(
            r"(1899\s*[-/.年]\s*12\s*[-/.月]\s*30|1900\s*[-/.年]\s*0?1\s*[-/.月]\s*0?0)\s*日?(?:[\sT]0?0:00(?::00)?)?",
            t,
        )
    )


# the Excel text cells, header units and staff ranges live in _cells (kept importable from here)
from chain_gap._cells import (  # noqa: E402
    HeaderUnit,
    StaffRange,
    parse_staff,
    unit_from_header,
    unwrap_excel_text,
)
