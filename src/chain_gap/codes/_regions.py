"""Administrative divisions (GB/T 2260): the 2023 统计用区划代码 table and name resolution.

``graph/codes/regions.csv`` holds the 2023 统计用区划代码 as 6-digit codes with three levels
(province / city / county), read once, lazily, on first use. Two kinds of rows are *placeholders*
rather than places: the ``市辖区`` city rows of the four municipalities (110100 …) together with
Chongqing's ``县`` (500200), and the ``省直辖县级行政区划`` / ``自治区直辖县级行政区划`` rows
(419000, 429000, 469000, 659000) that group county-level cities governed directly by a province
(济源市, 仙桃市, 石河子市 …). Placeholders keep their codes (a county's ``city`` is its
placeholder) but never match a name. The table also lists the four cities without counties
(东莞市, 中山市, 儋州市, 嘉峪关市) a second time as "county"; the copy whose code equals its own
parent (441900 under 441900) is dropped so that every code is unique.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap._resources import graph_dir
from chain_gap.codes._errors import RegionError
from chain_gap.errors import register
from chain_gap.schema import add_edge, add_node

__all__ = [
    "LEVELS",
    "PLACEHOLDER_NAMES",
    "Region",
    "add_region",
    "ancestors",
    "is_county",
    "is_region_code",
    "most_specific",
    "parent_code",
    "province_from_short",
    "province_of",
    "region_levels",
    "regions",
    "resolve_region",
    "resolve_under",
]

LEVELS = ("province", "city", "county")
_RANK = {lv: i for i, lv in enumerate(LEVELS)}

#: Names of rows that group places rather than name one; they never match by name.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

#: Administrative suffixes stripped to form short names (longest first). ``新区`` is not
#: official but 浦东新区 is routinely written 浦东.
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
)

#: The 55 minority nationalities; stripped (with or without 族) from autonomous-area names so
#: that 恩施土家族苗族自治州 is also known as 恩施州 and 恩施.
_ETHNIC = (
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)
_ETHNIC_RE = re.compile(r"^(.{2,}?)((?:(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + r")族?)+)$")

#: Short province names used by data vendors that are not plain suffix strips.
_PROVINCE_EXTRA = {"内蒙": "150000"}

#: Characters that, right after a *short* name in an address, suggest a street rather than a
#: place (上海路, 平原路, 北京东路): the short name is accepted there only when a smaller region
#: under it follows (唐山路南区, 河南南阳).
_STREETISH = frozenset("路街道巷弄胡同门桥村镇乡里号大东西南北中")
#: Separators skipped between the parts of an address.
_SEPARATORS = frozenset(" \t,，、;；:：()（）[]【】<>《》-_·./|\"'")
_ADDRESS_PREFIXES = ("中华人民共和国", "中国")


@dataclass(frozen=True, slots=True)
class Region:
    """One row of the division table.

    Attributes
    ----------
    code : str
        6-digit GB/T 2260 code.
    name : str
        Official name as in the table (``市辖区`` for municipal placeholders).
    level : str
        ``province`` | ``city`` | ``county``.
    province : str
        Code of the province (its own code for a province).
    city : str
        Code of the city (its own code for a city, the placeholder for a county of a
        municipality or a province-governed county, ``""`` for a province).
    full_name : str
        Names from province down, placeholders skipped (``河南省商丘市``,
        ``北京市海淀区``, ``河南省济源市``).
    """

    code: str
    name: str
    level: str
    province: str
    city: str
    full_name: str


@dataclass(frozen=True, slots=True)
class _Row:
    code: str
    name: str
    level: str
    parent: str
    province: str
    city: str


class _RegionIndex:
    """Lookup structures built once from ``regions.csv``."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.rows: dict[str, _Row] = {}
        for code, name, level, parent, province, city in zip(
            df["code"], df["name"], df["level"], df["parent"], df["province"], df["city"]
        ):
            self.rows[str(code)] = _Row(str(code), str(name), str(level), str(parent), str(province), str(city))
        full: dict[str, list[str]] = {}
        alias: dict[str, list[str]] = {}
        for row in self.rows.values():
            if self.is_placeholder(row.code):
                continue
            full.setdefault(row.name, []).append(row.code)
            for a in _aliases(row.name):
                alias.setdefault(a, []).append(row.code)
        for short, code in _PROVINCE_EXTRA.items():
            alias.setdefault(short, []).append(code)
        self.full = {k: tuple(v) for k, v in full.items()}
        # an alias never shadows a full name: 吉林 is 吉林省's short name and 吉林市's too
        self.alias = {k: tuple(dict.fromkeys(v)) for k, v in alias.items()}
        self.maxlen = max(len(k) for k in (*self.full, *self.alias))
        import ahocorasick  # declared dependency; a trie bounds the prefix look-ups

        self.trie = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for k in (*self.full, *self.alias):
            self.trie.add_word(k)
        self.regions: dict[str, Region] = {}

    def is_placeholder(self, code: str) -> bool:
        row = self.rows[code]
        return row.level == "city" and row.name in PLACEHOLDER_NAMES

    def ancestors(self, code: str) -> list[str]:
        """Codes above ``code``, nearest first."""
        out: list[str] = []
        cur = self.rows[code].parent
        while cur and cur in self.rows and cur not in out and cur != code:
            out.append(cur)
            cur = self.rows[cur].parent
        return out

    def under(self, code: str, anc: str) -> bool:
        """True when ``code`` lies strictly below ``anc``."""
        row = self.rows[code]
        return code != anc and anc in (row.parent, row.province, row.city)

    def region(self, code: str) -> Region:
        reg = self.regions.get(code)
        if reg is None:
            row = self.rows[code]
            chain = [*reversed(self.ancestors(code)), code]
            parts = [self.rows[c].name for c in chain if not self.is_placeholder(c)]
            if self.is_placeholder(code):  # 北京市市辖区 rather than an empty name
                parts = [self.rows[c].name for c in chain]
            reg = Region(
                code=code,
                name=row.name,
                level=row.level,
                province=row.province,
                city="" if row.level == "province" else row.city,
                full_name="".join(parts),
            )
            self.regions[code] = reg
        return reg

    def describe(self, codes: Iterable[str]) -> str:
        return ", ".join(f"{c} {self.region(c).full_name}" for c in codes)


def _aliases(name: str) -> set[str]:
    """Short names of an official name (恩施土家族苗族自治州 → 恩施州, 恩施土家族苗族, 恩施)."""
    out: set[str] = set()
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            base = name[: -len(suf)]
            out.add(base)
            if suf.startswith("自治"):
                m = _ETHNIC_RE.match(base)
                if m:
                    out.add(m.group(1))
                    out.add(m.group(1) + suf[-1])  # 恩施州, 白沙县, 莫力达瓦旗
                elif base.endswith("族"):
                    out.add(base[:-1])  # 鄂温克族自治旗 → 鄂温克
    return {a for a in out if len(a) >= 2 and a != name}


@cache
def _regions_df() -> pd.DataFrame:
    path = graph_dir() / "codes" / "regions.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in df.columns:
        df[col] = df[col].astype(str).str.strip()
    df = df[df["code"] != df["parent"]]  # 东莞市 etc. listed again as their own county
    df = df.drop_duplicates("code", keep="first").reset_index(drop=True)
    return df


@cache
def _index() -> _RegionIndex:
    return _RegionIndex(_regions_df())


def regions() -> pd.DataFrame:
    """The division table: columns code, name, level, parent, province, city (all ``str``).

    Missing parents/cities are ``""``. Codes are unique (see the module notes). A copy is
    returned, so callers may modify it.

    Returns
    -------
    pandas.DataFrame
    """
    return _regions_df().copy()


def _clean_text(text: Any) -> str:
    t = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"\s+", "", t)


def _pick(text: str, cands: Iterable[str]) -> Region:
    """One region from candidates: the highest level wins, a tie is an ambiguity error."""
    idx = _index()
    cands = list(dict.fromkeys(cands))
    top = min(_RANK[idx.rows[c].level] for c in cands)
    best = [c for c in cands if _RANK[idx.rows[c].level] == top]
    if len(best) == 1:
        return idx.region(best[0])
    raise RegionError(
        f"ambiguous region {text!r}: could be {idx.describe(best)}; "
        f"qualify it with the province or city (e.g. {idx.region(best[0]).full_name!r}) or give the 6-digit code"
    )


def _segment(idx: _RegionIndex, text: str, anc: str | None, depth: int = 0) -> set[str]:
    """Final codes of every way to read ``text`` as nested region names below ``anc``."""
    out: set[str] = set()
    if depth > 3:
        return out
    for n in range(min(len(text), idx.maxlen), 1, -1):
        part = text[:n]
        cands = (*idx.full.get(part, ()), *idx.alias.get(part, ()))
        for c in dict.fromkeys(cands):
            if anc is not None and not idx.under(c, anc):
                continue
            if n == len(text):
                out.add(c)
            else:
                out |= _segment(idx, text[n:], c, depth + 1)
    return out


def resolve_region(text: str | Region) -> Region:
    """Resolve a code or a name to one region.

    Accepted: a 6-digit code (``411400``), a 2- or 4-digit prefix (``41`` → 410000,
    ``4114`` → 411400), a 12-digit 统计用区划代码 that ends in six zeros, an official name
    (``商丘市``), a short name (``商丘``, ``内蒙古``, ``恩施州``, ``北京``) or a qualified name
    made of nested names (``河南省商丘市``, ``河南商丘``, ``商丘市梁园区``).

    When a name fits places at different levels the higher level wins (``吉林`` is 吉林省,
    ``朝阳`` is 朝阳市); places of the same level are an error that lists them (``朝阳区`` is
    in Beijing and in Changchun). An official name always beats a short name.

    Parameters
    ----------
    text : str
        A code or a name.

    Returns
    -------
    Region

    Raises
    ------
    RegionError
        Unknown or ambiguous input; the message lists the candidates with their codes, or for a
        typo the regions it is closest to (characters and toneless pinyin: 商邱 → 商丘市).
    """
    if isinstance(text, Region):  # resolved once at the boundary, passed down as is
        return text
    t = _clean_text(text)
    if not t or t.lower() in {"nan", "none", "null"}:
        raise RegionError("empty region: give a 6-digit code or a name such as '商丘市'")
    idx = _index()
    if re.fullmatch(r"\d+\.0+", t):  # a code read from a numeric spreadsheet column
        t = t.split(".", 1)[0]
    if t.isdigit():
        code = None
        if len(t) in (2, 4, 6):
            code = t.ljust(6, "0")
        elif len(t) in (9, 12) and set(t[6:]) == {"0"}:
            code = t[:6]
        if code is None or code not in idx.rows:
            raise RegionError(
                f"unknown region code {t!r}: not in graph/codes/regions.csv (GB/T 2260, 2023 统计用区划代码)"
            )
        return idx.region(code)
    for table in (idx.full, idx.alias):
        cands = table.get(t)
        if cands:
            return _pick(t, cands)
    found = _segment(idx, t, None)
    if found:
        return _pick(t, found)
    hits = _did_you_mean(idx, t)
    raise RegionError(
        code="region-unknown",
        text=t,
        hint_zh="，您是否要找：" + "、".join(f"{idx.rows[h].name}（{h}）" for h in hits) + "？"
        if hits
        else "：它不是 GB/T 2260 代码，也不是 graph/codes/regions.csv 中的省、市、县名称",
        hint_en="; did you mean " + " / ".join(f"{idx.rows[h].name} ({h})" for h in hits) + "?" if hits else "",
    )


register(
    "region-unknown",
    "未找到地区「{text}」{hint_zh}",
    "unknown region {text!r}: not a GB/T 2260 code or a province/city/county name in graph/codes/regions.csv{hint_en}",
)


def _did_you_mean(idx: _RegionIndex, t: str) -> list[str]:
    """The codes of the regions closest to a typo, best first (empty when none is close)."""
    from chain_gap._suggest import suggest

    names: dict[str, list[str]] = {}
    for table in (idx.full, idx.alias):
        for name, codes_ in table.items():
            for code in codes_:
                names.setdefault(code, []).append(name)
    return [h.key for h in suggest(t, names) if h.key in idx.rows]


def _known(code: Any) -> str:
    c = _clean_text(code)
    if c not in _index().rows:
        raise RegionError(f"unknown region code {c!r}: not in graph/codes/regions.csv")
    return c


def region_levels(code: str) -> dict[str, str | None]:
    """Province, city and county codes of a region (``None`` above its own level).

    A county of a municipality reports its placeholder city (110108 → city 110100), so
    city-level aggregation keeps every county inside a city.

    Parameters
    ----------
    code : str
        A 6-digit code of the table.

    Returns
    -------
    dict
        ``province``, ``city``, ``county`` → code or ``None``.

    Raises
    ------
    RegionError
        The code is not in the table.
    """
    c = _known(code)
    row = _index().rows[c]
    return {
        "province": row.province or None,
        "city": (row.city or None) if row.level != "province" else None,
        "county": c if row.level == "county" else None,
    }


def parent_code(code: str) -> str | None:
    """Code of the region directly above (``None`` for a province).

    Parameters
    ----------
    code : str
        A 6-digit code of the table.

    Returns
    -------
    str or None

    Raises
    ------
    RegionError
        The code is not in the table.
    """
    c = _known(code)
    return _index().rows[c].parent or None


def is_region_code(code: str) -> bool:
    """True when ``code`` is exactly a 6-digit code of the division table.

    Parameters
    ----------
    code : str
        Any value.

    Returns
    -------
    bool
    """
    return code in _index().rows


def is_county(code: str) -> bool:
    """True when ``code`` is a county-level code of the table (the most specific level).

    Parameters
    ----------
    code : str
        Any value.

    Returns
    -------
    bool
    """
    row = _index().rows.get(code)
    return row is not None and row.level == "county"


@cache
def ancestors(code: str) -> tuple[str, ...]:
    """Codes above ``code``, nearest first (``411402`` → ``("411400", "410000")``).

    ``()`` for a province or a code not in the table. Memoised: the table never changes.

    Parameters
    ----------
    code : str
        A 6-digit code.

    Returns
    -------
    tuple of str
    """
    idx = _index()
    if code not in idx.rows:
        return ()
    return tuple(idx.ancestors(code))


@cache
def province_of(code: str | None) -> str:
    """Province code of a region code; ``""`` when there is none.

    A code not in the table but shaped like one (6 digits) is taken at its word: its first two
    digits name the province (``419999`` → ``410000``), as GB/T 2260 builds codes.

    Parameters
    ----------
    code : str or None
        A region code.

    Returns
    -------
    str
    """
    if not code:
        return ""
    row = _index().rows.get(code)
    if row is not None and row.province:
        return row.province
    return code[:2] + "0000" if len(code) == 6 and code.isdigit() else ""


@cache
def resolve_under(text: str, parent: str) -> str | None:
    """The first region of the table below ``parent`` named ``text``, or named by a prefix of
    ``text``, or whose name starts with ``text``; ``None`` when there is none.

    This settles a short name used in several places (朝阳区 is in Beijing and in Changchun) once
    the province or city around it is known. Memoised: it scans the whole table.

    Parameters
    ----------
    text : str
        A place name, possibly followed by more text (an address).
    parent : str
        Code of the province or city to search below.

    Returns
    -------
    str or None
        The region code.
    """
    t = text.strip()
    for code, row in _index().rows.items():
        name = row.name
        if parent in ancestors(code) and (name == t or name.startswith(t) or t.startswith(name)):
            return code
    return None


def most_specific(found: Iterable[str]) -> str | None:
    """The most specific of several codes read for one place, in the order they were read.

    A later code replaces the current one only when it is of a deeper level and lies below it or
    in the same province; a code not in the table counts as a province. ``None`` for no codes.

    Parameters
    ----------
    found : iterable of str
        Region codes, in the order they were read.

    Returns
    -------
    str or None
    """
    rows = _index().rows

    def rank(c: str) -> int:
        row = rows.get(c)
        return _RANK.get(row.level if row is not None else "province", 0)

    best: str | None = None
    for c in found:
        if best is None:
            best = c
            continue
        if rank(c) > rank(best) and (best in ancestors(c) or province_of(c) == province_of(best)):
            best = c
    return best


def province_from_short(name: str) -> str | None:
    """Province code of a short area name as used by A-share lists.

    Such lists put 深圳 (and sometimes 大连, 宁波, 青岛, 厦门) beside the provinces; any such city
    name maps to its province (深圳 → 440000). Vendors also write 内蒙 for 内蒙古.

    Parameters
    ----------
    name : str
        A short province or city name (``河南``, ``深圳``, ``内蒙``).

    Returns
    -------
    str or None
        ``None`` for an empty or unknown name.
    """
    t = _clean_text(name)
    if not t or t.lower() in {"nan", "none", "null"}:
        return None
    idx = _index()
    for table in (idx.full, idx.alias):
        provs = [c for c in table.get(t, ()) if idx.rows[c].level == "province"]
        if len(provs) == 1:
            return provs[0]
    try:
        return resolve_region(t).province
    except RegionError:
        return None


def add_region(G: nx.MultiDiGraph, code: str) -> str:
    """Add the Region node of ``code`` and its ancestors, linked by ``PART_OF``; return its id.

    ``code`` may be anything :func:`resolve_region` accepts. Re-adding is harmless. A
    placeholder city (110100 市辖区) is named by its full name (``北京市市辖区``) so that it
    reads sensibly in tables and maps.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph, modified in place.
    code : str
        A region code or name.

    Returns
    -------
    str
        The node id of the region.
    """
    reg = resolve_region(code)
    idx = _index()
    chain = [reg.code, *idx.ancestors(reg.code)]
    ids: list[str] = []
    for c in chain:
        r = idx.region(c)
        ids.append(
            add_node(
                G,
                vocab.REGION,
                c,
                name=r.full_name if idx.is_placeholder(c) else r.name,
                level=r.level,
                province=r.province,
                city=r.city or None,
            )
        )
    for child, parent in itertools.pairwise(ids):
        add_edge(G, child, parent, vocab.PART_OF)
    return ids[0]
