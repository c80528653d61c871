"""Industries (GB/T 4754-2017): the 国民经济行业分类 table and code / name resolution.

``graph/codes/gbt4754_2017.csv`` is the 国民经济行业分类 tree (门类 letter, 大类 2 digits, 中类 3
digits, 小类 4 digits, including the 2019 amendment) with the 战略性新兴产业分类(2018) paths of each
小类, read once, lazily, on first use. Firms and chain links are classified by 小类.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap._resources import graph_dir
from chain_gap.codes._errors import IndustryError
from chain_gap.schema import add_edge, add_node

__all__ = [
    "add_industry",
    "class_codes",
    "industries",
    "industry_name",
    "is_class_code",
    "resolve_industry",
    "strategic_path",
]


@cache
def _industries_df() -> pd.DataFrame:
    path = graph_dir() / "codes" / "gbt4754_2017.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in df.columns:
        df[col] = df[col].astype(str).str.strip()  # a few names carry trailing spaces
    df["level"] = df["level"].astype(int)
    return df


def _name_key(text: str) -> str:
    """Industry-name key tolerant of width, spaces, brackets and list punctuation."""
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s()\[\]{}（）【】、,，;；:：.·'\"“”‘’]", "", t)


@cache
def _industry_index() -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, ...]], frozenset[str]]:
    rows: dict[str, dict[str, Any]] = {}
    names: dict[str, list[str]] = {}
    for rec in _industries_df().to_dict("records"):
        rows[str(rec["code"])] = {str(k): v for k, v in rec.items()}
        names.setdefault(_name_key(rec["name"]), []).append(rec["code"])
    # a name shared by a 中类 and its only 小类 resolves to the 小类 (the level firms use)
    by_name = {k: tuple(sorted(v, key=lambda c: -int(rows[c]["level"]))) for k, v in names.items()}
    classes = frozenset(c for c, r in rows.items() if r["level"] == 4)
    return rows, by_name, classes


def industries() -> pd.DataFrame:
    """GB/T 4754-2017 table: level (int 1–4), code, name, parent_code, section, tags and paths.

    Returns
    -------
    pandas.DataFrame
        One row per code of every level.
    """
    return _industries_df().copy()


def class_codes() -> frozenset[str]:
    """All 小类 (level-4) codes, e.g. ``"3841"``.

    Returns
    -------
    frozenset of str
    """
    return _industry_index()[2]


def is_class_code(code: Any) -> bool:
    """True when ``code`` is exactly a 4-digit 小类 code of the table.

    Parameters
    ----------
    code : object
        Any value; only a string holding a 小类 code of the table (blanks around it allowed) passes.

    Returns
    -------
    bool
    """
    return isinstance(code, str) and code.strip() in class_codes()


def _industry_row(code: Any) -> dict[str, Any]:
    c = "" if code is None else str(code).strip()
    row = _industry_index()[0].get(c)
    if row is None:
        raise IndustryError(f"unknown GB/T 4754-2017 industry code {c!r}: not in graph/codes/gbt4754_2017.csv")
    return row


def industry_name(code: str) -> str:
    """Official name of an industry code (门类 letter, 2-, 3- or 4-digit code).

    Parameters
    ----------
    code : str
        A code of the table.

    Returns
    -------
    str

    Raises
    ------
    IndustryError
        The code is not in the table.
    """
    return str(_industry_row(code)["name"])


_CODE_RE = re.compile(r"^([A-Ta-t])?[-_ .]?(\d{2,4})(?!\d)(.*)$")


def resolve_industry(text: Any) -> str | None:
    """Read an industry code from a code, a name, or both.

    Accepts ``3841``, ``C3841``, ``C-3841``, ``3841 锂离子电池制造``, ``[3841]锂离子电池制造``, a
    门类 letter alone, and names with trivial variants (width, spaces, brackets, 、).
    A name shared by several levels resolves to the most detailed one. When both a code
    and a name are given they must agree (an old GB/T 4754-2011 code with its name would
    not); a section letter must be the code's 门类.

    Parameters
    ----------
    text : object
        A code, a name, or a code followed by its name.

    Returns
    -------
    str or None
        The table code, or ``None`` when the text is not a known industry.
    """
    if text is None or (isinstance(text, float) and text != text):
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip()
    t = re.sub(r"^[\[(（【]\s*([A-Za-z]?\s*\d{2,4})\s*[\])）】]", r"\1 ", t)
    if not t:
        return None
    rows, by_name, _ = _industry_index()
    if len(t) == 1 and t.upper() in rows and rows[t.upper()]["level"] == 1:
        return t.upper()
    m = _CODE_RE.match(t)
    if m:
        section, code, rest = m.group(1), m.group(2), m.group(3)
        row = rows.get(code)
        if row is None or (section and section.upper() != row["section"]):
            return None
        rest_key = _name_key(rest.lstrip("-_:：、 "))
        if rest_key and rest_key in by_name and code not in by_name[rest_key]:
            return None
        return code
    cands = by_name.get(_name_key(t))
    return cands[0] if cands else None


def strategic_path(code: str) -> list[str]:
    """战略性新兴产业分类(2018) paths of a 小类 (``产业 > 子产业 > 活动``), empty if none.

    Parameters
    ----------
    code : str
        A 小类 code.

    Returns
    -------
    list of str
    """
    raw = str(_industry_row(code).get("strategic_paths") or "")
    out = []
    for p in raw.split("||"):
        norm = " > ".join(part.strip() for part in p.split(">") if part.strip())
        if norm:
            out.append(norm)
    return out


def add_industry(G: nx.MultiDiGraph, code: str) -> str:
    """Add ``industry:gb4754:<code>`` and its ancestors (PART_OF child → parent); return its id.

    ``code`` may be anything :func:`resolve_industry` accepts.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph, modified in place.
    code : str
        An industry code or name.

    Returns
    -------
    str
        The node id of the industry.

    Raises
    ------
    IndustryError
        The code is not in the table.
    """
    c = resolve_industry(code)
    if c is None:
        raise IndustryError(f"unknown GB/T 4754-2017 industry {str(code)!r}: not in graph/codes/gbt4754_2017.csv")
    rows = _industry_index()[0]
    ids: list[str] = []
    cur: str | None = c
    seen: set[str] = set()
    while cur and cur in rows and cur not in seen:
        seen.add(cur)
        row = rows[cur]
        ids.append(
            add_node(
                G, vocab.INDUSTRY, f"gb4754:{cur}", name=row["name"], scheme="gb4754", code=cur, level=int(row["level"])
            )
        )
        cur = row["parent_code"] or None
    for child, parent in itertools.pairwise(ids):
        add_edge(G, child, parent, vocab.PART_OF)
    return ids[0]
