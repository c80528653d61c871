"""Load the files people really have into the chain-gap graph.

招商 teams get enterprise data as vendor exports (企查查 / 天眼查 style), registry and 规上企业 lists,
listed-company lists and hand-made spreadsheets: Chinese headers, GBK or UTF-8, title rows above
the header, duplicates, typos in codes, capital written as "5000万元人民币". This module reads such
files through a *mapping* (``loaders/<id>.yaml``: which headers mean which field, and what type each
field is), normalises every value, and merges the records into a :class:`networkx.MultiDiGraph`.

Nothing is lost silently: every data row is **loaded** (a new node or edge), **merged** into one that
already exists, or **rejected** with its row number and a reason; a value that cannot be used but
does not invalidate the row (an invalid USCC, an unknown region, "注册资本: 面议") becomes a
**warning** and the row still loads. The load report reconciles ``rows_in = loaded + merged +
rejected`` for every file.

Identity follows the registry: one enterprise per 统一社会信用代码 (USCC); without a valid USCC, one
per stock code; without either, one per normalised name within a province. When a second record
reaches an existing enterprise its fields are merged one by one: empty fields are filled, and on a
conflict the value already in the graph is kept and the conflict is reported. Each kept value
remembers where it came from (``provenance``: field → ``"file:row"``). Loading the same files again
changes nothing.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx
import pandas as pd
import yaml

from chain_gap import codes, normalize
from chain_gap._atomic import atomic_path
from chain_gap._read import RawTable, ReadError, header_unit, match_columns, read_raw
from chain_gap._resources import loaders_dir
from chain_gap.errors import ChainGapError
from chain_gap.schema import SchemaError, add_edge, add_node, name_hash

__all__ = [
    "MAX_NAME",
    "MAX_TEXT",
    "FieldSpec",
    "LoadError",
    "LoadResult",
    "Mapping",
    "list_mappings",
    "load",
    "load_mapping",
    "read_table",
    "write_rejects",
    "write_report",
]

MAX_TEXT = 20_000
"""Longest text value kept (characters); longer values (a 10 MB 经营范围 cell) are cut with a warning."""

MAX_NAME = 200
"""Longest usable enterprise name; a longer "name" is a broken row, not a firm."""

PROGRESS_MIN_ROWS = 5_000
"""``progress=True`` shows a bar only when the files hold more rows than this."""

FIELD_TYPES = (
    "name",
    "uscc",
    "stock",
    "region",
    "address",
    "industry",
    "text",
    "capital",
    "amount",
    "date",
    "int",
    "float",
    "list",
    "tags",
    "json",
)
KINDS = (
    "enterprise",
    "supply",
    "overrides",
    "folder",
    "industry",
    "industry_parent",
    "enterprise_industry",
    "product",
    "enterprise_product",
    "product_relation",
    "industry_upstream",
)
ISSUE_COLUMNS = ["file", "row", "field", "value", "reason"]
CONFLICT_COLUMNS = ["ent_id", "field", "kept", "other", "kept_from", "other_from"]

# cells that mean "no value" in vendor exports
_EMPTY = {
    "",
    "-",
    "--",
    "---",
    "—",
    "——",
    "/",
    "\\",
    "暂无",
    "无",
    "n/a",
    "na",
    "null",
    "none",
    "nan",
    "未公开",
    "不公开",
    "#n/a",
    "(空)",
    "（空）",
}
_SPLIT = re.compile(r"[,，;；、|｜\n]+")
_FORMULA = ("=", "+", "-", "@")
_LINK_RE = re.compile(r"^(?:link:)?([a-z0-9_]+)/([a-z0-9_]+)$")


class LoadError(ChainGapError):
    """A file that cannot be loaded at all (unreadable, empty, missing a required header, unknown
    mapping). The message is one line and names the file."""

    default_code = "load-error"


# ============================================================================================
# mappings


@dataclass
class FieldSpec:
    """One field of a mapping: which headers feed it and what type its text is."""

    name: str
    synonyms: list[str]
    required: bool = False
    type: str = "text"
    tag_map: dict[str, str] | None = None
    keep_unmapped: bool = True
    resolve: str | None = None


@dataclass
class Mapping:
    """A source format (``loaders/<id>.yaml``); a ``folder`` mapping holds one sub-mapping per file."""

    id: str
    kind: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    name: str = ""
    name_en: str = ""
    file: str | None = None
    scheme: str | None = None
    relations: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    files: list[Mapping] = field(default_factory=list)
    path: Path | None = None

    def synonyms(self) -> dict[str, list[str]]:
        """Field name → accepted headers, in priority order."""
        return {f.name: list(f.synonyms) for f in self.fields.values()}


def _mapping_from_dict(data: Any, where: str, parent_id: str | None = None) -> Mapping:
    if not isinstance(data, dict):
        raise LoadError(f"{where}: a mapping must be a YAML dictionary")
    mid = str(data.get("id") or parent_id or "")
    kind = str(data.get("kind", "enterprise"))
    if kind not in KINDS:
        raise LoadError(f"{where}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    fields: dict[str, FieldSpec] = {}
    for fname, spec in (data.get("fields") or {}).items():
        spec = spec or {}
        ftype = str(spec.get("type", "text"))
        if ftype not in FIELD_TYPES:
            raise LoadError(
                f"{where}: field {fname!r} has unknown type {ftype!r}; expected one of {', '.join(FIELD_TYPES)}"
            )
        syn = spec.get("synonyms") or [fname]
        fields[str(fname)] = FieldSpec(
            name=str(fname),
            synonyms=[str(s) for s in syn],
            required=bool(spec.get("required", False)),
            type=ftype,
            tag_map={str(k): str(v) for k, v in (spec.get("tag_map") or {}).items()} or None,
            keep_unmapped=bool(spec.get("keep_unmapped", True)),
            resolve=spec.get("resolve"),
        )
    m = Mapping(
        id=mid,
        kind=kind,
        fields=fields,
        name=str(data.get("name", "")),
        name_en=str(data.get("name_en", "")),
        file=data.get("file"),
        scheme=data.get("scheme"),
        relations=dict(data.get("relations") or {}),
        tags=[str(t) for t in data.get("tags") or []],
    )
    if kind == "folder":
        m.files = [_mapping_from_dict(sub, f"{where} files[{i}]", mid) for i, sub in enumerate(data.get("files") or [])]
        if not m.files:
            raise LoadError(f"{where}: a folder mapping needs a `files` list")
    elif not fields:
        raise LoadError(f"{where}: mapping has no fields")
    return m


def list_mappings() -> list[str]:
    """Ids of the mappings shipped in ``loaders/``."""
    return sorted(p.stem for p in loaders_dir().glob("*.yaml"))


def load_mapping(name_or_path: str | os.PathLike[str] | Mapping) -> Mapping:
    """Load a source mapping by id (``"qcc"``) or from a YAML file path.

    Raises
    ------
    LoadError
        Unknown id (the message lists the shipped ones), unreadable or malformed YAML.
    """
    if isinstance(name_or_path, Mapping):
        return name_or_path
    ref = str(name_or_path)
    if ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref:
        path = Path(ref)
    else:
        path = loaders_dir() / f"{ref}.yaml"
        if not path.is_file():
            raise LoadError(f"unknown source mapping {ref!r}; shipped mappings: {', '.join(list_mappings())}")
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise LoadError(f"{path}: mapping file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path}: not a valid YAML mapping ({str(exc).splitlines()[0]})") from None
    m = _mapping_from_dict(data, str(path))
    if not m.id:
        m.id = path.stem
    m.path = path
    return m


# ============================================================================================
# reading


def _field_synonyms(
    fields: Mapping | dict[str, Any] | None,
) -> tuple[dict[str, list[str]] | None, dict[str, FieldSpec]]:
    if fields is None:
        return None, {}
    if isinstance(fields, Mapping):
        specs = dict(fields.fields)
    else:
        specs = {}
        for k, v in fields.items():
            if isinstance(v, FieldSpec):
                specs[k] = v
            else:
                specs[k] = FieldSpec(name=k, synonyms=[str(s) for s in (v or [k])])
    return {k: list(s.synonyms) for k, s in specs.items()}, specs


def _dedupe(header: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h if h else f"(column {i + 1})"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def _read(
    path: str | os.PathLike[str], *, sheet: str | None = None, fields: Mapping | dict[str, Any] | None = None
) -> tuple[RawTable, dict[str, Any]]:
    """:func:`read_table` without the DataFrame: the raw columns the loader iterates over."""
    p = Path(path)
    synonyms, specs = _field_synonyms(fields)
    try:
        raw: RawTable = read_raw(p, synonyms, sheet)
    except ReadError as exc:
        raise LoadError(f"{p}: {exc}") from None
    header = _dedupe(raw.header)
    matched = match_columns(raw.header, synonyms) if synonyms else {}
    missing = [s for s in specs.values() if s.required and s.name not in matched]
    if missing:
        found = ", ".join(h for h in raw.header if h) or "none"
        expected = "; ".join(f"{s.name}: {' / '.join(s.synonyms)}" for s in missing)
        where = f" (sheet {raw.sheet})" if raw.sheet else ""
        raise LoadError(f"{p}{where}: missing required column(s) — expected {expected}; headers found: {found}")
    info = {
        "path": str(p),
        "format": raw.fmt,
        "encoding": raw.encoding,
        "sheet": raw.sheet,
        "header_row": raw.header_row,
        "headers": header,
        "columns": {f: [header[i] for i in cols] for f, cols in matched.items()},
        "units": {f: u for f, cols in matched.items() for u in [header_unit(raw.header[cols[0]])] if u},
        "bad_rows": list(raw.bad_rows),
        "blank_rows": raw.blank_rows,
    }
    return raw, info


def read_table(
    path: str | os.PathLike[str], *, sheet: str | None = None, fields: Mapping | dict[str, Any] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a CSV / TSV / XLSX / JSONL file as text, finding the header row.

    Parameters
    ----------
    path : the file. The format comes from its content first (an XLSX is a zip whatever its name),
        then its suffix; a delimited file's separator is the one whose header matches best.
    sheet : XLSX sheet name; default: the first sheet whose header matches the fields, else the best.
    fields : a :class:`Mapping`, or field → synonyms. The header is the row, among the first 20,
        that matches the most fields, so title rows and merged title cells above it are skipped.
        Required fields of a mapping must all be found.

    Returns
    -------
    (DataFrame, info)
        Every column is text (missing cells are ``""``); columns keep the file's header texts and the
        index holds the 1-based line (CSV/JSONL) or row (XLSX) number a user sees in their editor.
        ``info`` has ``path, format, encoding, sheet, header_row, headers, columns`` (field → matched
        headers in priority order), ``units`` (field → unit announced in the header, e.g. 万元),
        ``bad_rows`` (unparseable JSON lines as ``(row, value, reason)``) and ``blank_rows``.

    Raises
    ------
    LoadError
        The file cannot be read at all, or lacks a required header (the message lists the headers
        found and the synonyms expected).
    """
    raw, info = _read(path, sheet=sheet, fields=fields)
    df = pd.DataFrame({h: pd.Series(col, dtype=str) for h, col in zip(info["headers"], raw.columns)})
    df.index = pd.Index(raw.row_numbers, name="row", dtype="int64")
    return df, info


# ============================================================================================
# results


@dataclass
class LoadResult:
    """What :func:`load` did.

    Attributes
    ----------
    graph : the graph loaded into (the one passed in, updated in place, or a new one).
    rejects : rows not loaded: ``file, row, field, value, reason``.
    warnings : values not used although their row loaded, same columns.
    report : ``{"files": [{path, rows_in, loaded, merged, rejected, warnings}], "totals": {...}}``.
    conflicts : fields where two records disagree: ``ent_id, field, kept, other, kept_from, other_from``.
    """

    graph: nx.MultiDiGraph
    rejects: pd.DataFrame
    warnings: pd.DataFrame
    report: dict[str, Any]
    conflicts: pd.DataFrame


def _atomic_write(path: str | os.PathLike[str], write: Callable[[Any], None], *, encoding: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
        write(fh)


def _safe_cell(v: Any) -> Any:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a leading quote."""
    if isinstance(v, str) and v.startswith(_FORMULA):
        return "'" + v
    return v


def write_rejects(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write the rejected rows as CSV (UTF-8 with BOM so Excel opens it), atomically.

    Formula-like values are neutralised with a leading ``'`` so opening the file runs nothing.
    """
    df = result.rejects.copy()
    for col in ("file", "field", "value", "reason"):
        df[col] = [_safe_cell(v) for v in df[col].tolist()]
    _atomic_write(path, lambda fh: df.to_csv(fh, index=False), encoding="utf-8-sig")


def write_report(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write the load report as JSON (UTF-8, Chinese kept readable), atomically."""
    _atomic_write(
        path, lambda fh: (json.dump(result.report, fh, ensure_ascii=False, indent=2), fh.write("\n")), encoding="utf-8"
    )


# ============================================================================================
# value parsing


def _clean(v: Any) -> str:
    if v is None:
        return ""
    s = str(v)
    t = s.strip()
    if t.lower() in _EMPTY:
        return ""
    return t


def _split(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text) if p.strip() and p.strip().lower() not in _EMPTY]


def _short(v: Any, n: int = 200) -> str:
    s = "" if v is None else str(v)
    return s if len(s) <= n else s[:n] + f"…(+{len(s) - n} chars)"


# Fast paths of the name and credit-code normalisers for the overwhelmingly common clean cell.
# A name made only of CJK unified ideographs (U+4E00–U+9FFF, which NFKC leaves unchanged and which
# are all letters), ASCII letters and digits and round brackets is already what
# ``normalize.clean_name`` would make of it except for the brackets, which it writes full-width;
# its ``normalize_name`` key is the lower-cased text without brackets. Anything else goes through
# the normalisers themselves, so the results are identical.
_FAST_NAME = re.compile(r"[\u4e00-\u9fff0-9A-Za-z（）()]+")
_FAST_USCC = re.compile(rf"[{normalize.USCC_CHARSET}]{{2}}\d{{6}}[{normalize.USCC_CHARSET}]{{10}}")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _clean_name(raw: str) -> str:
    """``normalize.clean_name(raw) or ""`` with a fast path for plain CJK / ASCII names."""
    if _FAST_NAME.fullmatch(raw):
        return raw.replace("(", "（").replace(")", "）")
    return normalize.clean_name(raw) or ""


def _norm_name(name: str) -> str:
    """``normalize.normalize_name(name)`` with a fast path for plain CJK / ASCII names."""
    if _FAST_NAME.fullmatch(name):
        return (
            name.replace("（", "")
            .replace("）", "")
            .replace("(", "")
            .replace(")", "")
            .lower()
            .replace("有限责任公司", "有限公司")
        )
    return normalize.normalize_name(name)


def _valid_usccs(values: Sequence[str]) -> dict[str, str | None]:
    """Cell text → canonical valid USCC (or None) for every distinct non-empty cell.

    Cells already in canonical form (18 characters of the GB 32100 alphabet, upper case) are
    checked together with numpy: the check character is ``(31 - Σ value × weight mod 31) mod 31``
    over positions 1–17. Other spellings (lower case, spaces, full-width) go through
    ``normalize.normalize_uscc`` and ``normalize.uscc_valid``.
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


def _parse_money_text(text: str, unit: str | None, capital: bool) -> tuple[float | None, str | None]:
    """(value in CNY, currency) of an amount cell; (None, None) when unreadable.

    A bare number is yuan: it is read directly (what ``normalize.parse_capital`` would return);
    everything else goes through ``parse_capital`` / ``parse_amount``. A header unit (万元) applies
    to a bare number.
    """
    if unit is None and _PLAIN_NUMBER.fullmatch(text):
        val = float(text)
        if not math.isinf(val):
            return val, ("CNY" if capital else None)
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


def _parse_int_text(text: str) -> int | None:
    t = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    m = re.fullmatch(r"(\d+)(?:\.0+)?\s*(人|名|个|年)?", t)
    return int(m.group(1)) if m else None


def _parse_date_text(text: str) -> str | None:
    try:
        d = normalize.parse_date(text)
    except (ValueError, TypeError):
        d = None
    if d is None:
        return None
    return d if isinstance(d, str) else d.isoformat()


@cache
def _stock_symbol(code: Any) -> str | None:
    """``normalize.stock_symbol`` memoised: the index asks for the same few thousand codes."""
    return normalize.stock_symbol(code)


@cache
def _region_table() -> dict[str, tuple[str, str, str, str]]:
    """code → (name, level, parent, province)."""
    df = codes.regions()
    out = {}
    for c, n, lv, par, prov in zip(
        df["code"].astype(str),
        df["name"].astype(str),
        df["level"].astype(str),
        df["parent"].fillna("").astype(str),
        df["province"].fillna("").astype(str),
    ):
        out[c] = (n, lv, par, prov)
    return out


@cache
def _county_codes() -> frozenset[str]:
    """Codes of the county-level regions."""
    return frozenset(c for c, rec in _region_table().items() if rec[1] == "county")


@cache
def _ancestors(code: str) -> tuple[str, ...]:
    """Parent, grandparent … of a region code (memoised: the code table is fixed)."""
    tab = _region_table()
    out: list[str] = []
    cur = tab.get(code, ("", "", "", ""))[2]
    while cur and cur in tab and cur not in out:
        out.append(cur)
        cur = tab[cur][2]
    return tuple(out)


@cache
def _province_of(code: str | None) -> str:
    if not code:
        return ""
    rec = _region_table().get(code)
    if rec and rec[3]:
        return rec[3]
    return code[:2] + "0000" if len(code) == 6 and code.isdigit() else ""


def _num_eq(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


# ============================================================================================
# the loader


@dataclass
class _FileStats:
    path: str
    rows_in: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rows_in": self.rows_in,
            "loaded": self.loaded,
            "merged": self.merged,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }


_REGION_FIELDS = ("region", "province", "city", "county")


class _Rows:
    """Column access for one table: coalesced / combined field values per row."""

    def __init__(self, raw: RawTable, info: dict[str, Any], mapping: Mapping):
        self.n = len(raw.row_numbers)
        self.numbers = raw.row_numbers
        by_head = dict(zip(info["headers"], raw.columns))
        self.cols: dict[str, list[list[str]]] = {}
        for f, heads in info["columns"].items():
            self.cols[f] = [by_head[h] for h in heads]
        self.units = info.get("units", {})
        self.extra = [col for h, col in by_head.items() if str(h).startswith("(column ")]
        self.mapping = mapping

        self._first: dict[str, list[str]] = {}
        self._all: dict[str, list[list[str]]] = {}
        self._usccs: dict[str, str | None] | None = None

    def valid_uscc(self, raw: str) -> str | None:
        """Canonical valid USCC of a ``uscc`` cell of this table, or None (checked column-wise)."""
        if self._usccs is None:
            self._usccs = _valid_usccs(self.column("uscc"))
        return self._usccs.get(raw)

    def column(self, f: str) -> list[str]:
        """:meth:`first` for every row at once (computed once per field, on unique cell texts)."""
        out = self._first.get(f)
        if out is None:
            cols = self.cols.get(f)
            if not cols:
                out = [""] * self.n
            else:
                out = _first_cells(cols[0])
                for col in cols[1:]:
                    if "" in out:  # empty cells fall back to the next matching column
                        nxt = _first_cells(col)
                        out = [v or w for v, w in zip(out, nxt)]
            self._first[f] = out
        return out

    def first(self, f: str, i: int) -> str:
        """The field's value in row ``i``: the first non-empty matching cell, stripped; ``""`` if none."""
        col = self._first.get(f)
        return (col if col is not None else self.column(f))[i]

    def all(self, f: str, i: int) -> list[str]:
        """Every non-empty matching cell of the field in row ``i`` (list and tags fields)."""
        return self.all_column(f)[i]

    def all_column(self, f: str) -> list[list[str]]:
        """:meth:`all` for every row at once (the lists are shared: do not change them)."""
        out = self._all.get(f)
        if out is None:
            cols = [_map_unique(_clean, col) for col in self.cols.get(f, ())]
            if not cols:
                out = [[] for _ in range(self.n)]
            elif len(cols) == 1:
                out = [[v] if v else [] for v in cols[0]]
            else:
                out = [[v for v in vals if v] for vals in zip(*cols)]
            self._all[f] = out
        return out


def _first_cells(col: Sequence[str]) -> list[str]:
    """Cells as :meth:`_Rows.first` sees them: stripped, ``""`` for the "no value" words."""
    # "" is one of the _EMPTY words; no "no value" word is longer than 5 characters. Each distinct
    # cell is checked once; the column is rewritten only when one of them is such a word.
    cells = list(map(str.strip, col))
    empty = {v for v in dict.fromkeys(cells) if len(v) <= 5 and v and v.lower() in _EMPTY}
    if not empty:
        return cells
    return [v if v not in empty else "" for v in cells]


def _map_unique(fn: Callable[[str], Any], values: Sequence[str], distinct: bool = False) -> list[Any]:
    """``[fn(v) for v in values]`` computing ``fn`` once per distinct value (exports repeat cells);
    ``distinct=True`` for columns whose values rarely repeat (names), where a memo costs more."""
    if distinct:
        return list(map(fn, values))
    uniq = list(dict.fromkeys(values))
    if 2 * len(uniq) > len(values):
        return list(map(fn, values))
    memo = dict(zip(uniq, map(fn, uniq)))
    return list(map(memo.__getitem__, values))


class _Loader:
    def __init__(self, G: nx.MultiDiGraph):
        self.G = G
        self.rejects: list[tuple[str, int, str, str, str]] = []
        self.warnings: list[tuple[str, int, str, str, str]] = []
        self.conflicts: list[tuple[str, str, str, str, str, str]] = []
        self.stats: list[_FileStats] = []
        # node id → field → "file:row"; a record created in this load is held as (fields, "file:row")
        # a record created in this load is held as "file:row" with its fields in prov_fields (one
        # shared tuple per field set), until a merge needs the dict
        self.prov: dict[str, dict[str, str] | str] = {}
        self.prov_fields: dict[str, tuple[str, ...]] = {}
        self._field_sets: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.touched: set[str] = set()
        # per-load memo of the code tables: exports repeat the same few hundred region and
        # industry texts thousands of times
        self._region_memo: dict[tuple[str, str, str | None, tuple[str, ...]], str | None] = {}
        self._industry_memo: dict[str, str | None] = {}
        self._address_memo: dict[str, str | None] = {}
        self._region_nodes: dict[str, str] = {}
        self._product_memo: dict[str, tuple[str, str] | None] = {}
        self._stock_memo: dict[str, tuple[str | None, str | None]] = {}
        self._edge_shapes: set[tuple[str, Any, Any]] = set()
        self._pid_memo: dict[str, str] = {}
        self._product_ids_memo: dict[str, tuple[str, str] | None] = {"": None}  # see _product_ids
        self._industry_nodes: dict[str, str] = {}
        self._money_memo: dict[tuple[str, str | None, bool], tuple[float | None, str | None]] = {}
        self._int_memo: dict[str, int | None] = {}
        self._tags_memo: dict[tuple[int, tuple[str, ...]], list[str]] = {}
        self._products_memo: dict[str, list[str]] = {}
        # id(mapping) → region texts of a row → (code, unknown (field, text) pairs)
        self._region_fields_memo: dict[int, dict[tuple[str, ...], tuple[str | None, list[tuple[str, str]]]]] = {}
        self._ent_schema_checked = False
        self._product_checked = False
        # a plain MultiDiGraph (dict factories): nodes and edges can be written to its dicts directly
        self._plain = type(G) is nx.MultiDiGraph
        self._succ, self._pred = G._succ, G._pred
        self._ent_edge_ok: set[tuple[str, str]] = set()  # (edge kind, target) checked from an enterprise
        self._build_index()

    # ---------------------------------------------------------------- index of enterprises
    def _build_index(self) -> None:
        self.by_uscc: dict[str, str] = {}
        self.by_stock: dict[str, str] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.node_key: dict[str, tuple[str, str]] = {}
        self.sw_by_name: dict[str, str] = {}
        for nid, a in self.G.nodes(data=True):
            kind = a.get("kind")
            if kind == "Enterprise":
                self._index(nid)
            elif kind == "Industry" and a.get("scheme") == "sw2021" and a.get("name"):
                self.sw_by_name.setdefault(str(a["name"]), nid)

    def _index(self, nid: str) -> None:
        a = self.G._node[nid]
        u = a.get("uscc")
        if u:
            self.by_uscc[str(u)] = nid
        sc = a.get("stock_code")
        if sc:
            self.by_stock[_stock_symbol(str(sc)) or str(sc)] = nid
        node_key = self.node_key
        if nid in node_key:
            old = node_key.pop(nid)
            if self.by_key.get(old) == nid:
                del self.by_key[old]
            self.by_name[old[0]].discard(nid)
        nn = str(a.get("name_norm") or "")
        if nn:
            key = (nn, _province_of(a.get("region")))
            self.by_key.setdefault(key, nid)
            self.by_name[nn].add(nid)
            node_key[nid] = key

    def _unindex(self, nid: str) -> None:
        a = self.G.nodes[nid]
        if a.get("uscc") and self.by_uscc.get(str(a["uscc"])) == nid:
            del self.by_uscc[str(a["uscc"])]
        if a.get("stock_code"):
            sym = _stock_symbol(str(a["stock_code"])) or str(a["stock_code"])
            if self.by_stock.get(sym) == nid:
                del self.by_stock[sym]
        old = self.node_key.pop(nid, None)
        if old is not None:
            if self.by_key.get(old) == nid:
                del self.by_key[old]
            self.by_name[old[0]].discard(nid)

    @staticmethod
    def _ideal_id(uscc: str | None, stock: str | None, name_norm: str, region: str | None) -> str:
        if uscc:
            return f"ent:{uscc}"
        if stock:
            return f"ent:stock:{_stock_symbol(stock) or stock}"
        return f"ent:name:{name_hash(name_norm, _province_of(region))}"

    def _find(self, uscc: str | None, stock: str | None, name_norm: str, region: str | None) -> str | None:
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc]
        sym = _stock_symbol(stock) if stock else None
        if sym and sym in self.by_stock:
            cand = self.by_stock[sym]
            cu = self.G.nodes[cand].get("uscc")
            if not (uscc and cu and cu != uscc):
                return cand
        if not name_norm:
            return None
        prov = _province_of(region)
        cands: list[str] = []
        if (name_norm, prov) in self.by_key:
            cands.append(self.by_key[(name_norm, prov)])
        if prov and (name_norm, "") in self.by_key:
            cands.append(self.by_key[(name_norm, "")])
        if not prov and len(self.by_name.get(name_norm, ())) == 1:
            cands.extend(self.by_name[name_norm])
        for cand in cands:
            a = self.G.nodes[cand]
            if uscc and a.get("uscc") and a["uscc"] != uscc:
                continue
            if sym and a.get("stock_code") and _stock_symbol(str(a["stock_code"])) != sym:
                continue
            return cand
        return None

    def lookup(self, text: str) -> tuple[str | None, str]:
        """Find an enterprise from one cell holding an ent id, a USCC, a stock code or a name.

        Returns ``(node id or None, how)`` with how in ``id|uscc|stock|name|ambiguous|unknown``.
        """
        t = text.strip()
        if t.startswith("ent:"):
            return (t, "id") if t in self.G and self.G.nodes[t].get("kind") == "Enterprise" else (None, "unknown")
        u = normalize.normalize_uscc(t)
        if u and normalize.uscc_valid(u):
            return self.by_uscc.get(u), "uscc"
        if re.fullmatch(r"(?i)(s[hz]|bj)?\s*\d{6}(\.(s[hz]|bj))?", t):
            st = normalize.normalize_stock_code(t)
            sym = _stock_symbol(st) if st else None
            if sym:
                return self.by_stock.get(sym), "stock"
        nn = normalize.normalize_name(t)
        hits = sorted(self.by_name.get(nn, ()))
        if len(hits) == 1:
            return hits[0], "name"
        if len(hits) > 1:
            return None, "ambiguous"
        return None, "name"

    # ---------------------------------------------------------------- bookkeeping
    def warn(self, st: _FileStats, row: int, fld: str, value: Any, reason: str) -> None:
        self.warnings.append((st.path, row, fld, _short(value), reason))
        st.warnings += 1

    def reject(self, st: _FileStats, row: int, fld: str, value: Any, reason: str) -> None:
        self.rejects.append((st.path, row, fld, _short(value), reason))
        st.rejected += 1

    def _prov(self, nid: str) -> dict[str, str]:
        p = self.prov.get(nid)
        if isinstance(p, str):  # a record created in this load: every field from one row
            p = self.prov[nid] = dict.fromkeys(self.prov_fields.pop(nid), p)
        elif p is None:
            raw = self.G.nodes[nid].get("provenance")
            try:
                p = json.loads(raw) if raw else {}
            except (TypeError, ValueError):
                p = {}
            self.prov[nid] = p
        return p

    def finish(self) -> None:
        cache = getattr(self.G, "__networkx_cache__", None)  # as networkx does after each change
        if cache:
            cache.clear()
        nodes = self.G._node
        keys_memo: dict[tuple[str, ...], list[str]] = {}
        for nid in self.touched:
            a = nodes.get(nid)
            if a is None:
                continue
            p = self.prov.get(nid)
            if p is None:
                continue
            if isinstance(p, str):
                # json.dumps(dict(sorted(...)), ensure_ascii=False) of {field: where for each field}
                fields, where = self.prov_fields[nid], p
                pieces = keys_memo.get(fields)
                if pieces is None:  # '{"a": ', ', "b": ', '}' to be joined with the quoted place
                    keys = [json.dumps(k, ensure_ascii=False) for k in sorted(dict.fromkeys(fields))]
                    pieces = keys_memo[fields] = (
                        (["{" + keys[0] + ": "] + [", " + k + ": " for k in keys[1:]] + ["}"]) if keys else ["{}"]
                    )
                if where.isprintable() and '"' not in where and "\\" not in where:
                    w = '"' + where + '"'  # nothing json.dumps would escape
                else:
                    w = json.dumps(where, ensure_ascii=False)
                a["provenance"] = w.join(pieces)
            else:
                a["provenance"] = json.dumps(dict(sorted(p.items())), ensure_ascii=False)

    # ---------------------------------------------------------------- dispatch
    def run(
        self, path: str, mapping: Mapping, raw: RawTable, info: dict[str, Any], tick: Callable[[int], None]
    ) -> None:
        st = _FileStats(path)
        self.stats.append(st)
        rows = _Rows(raw, info, mapping)
        src = Path(path).name
        for row, value, reason in info.get("bad_rows", []):
            st.rows_in += 1
            self.reject(st, row, "", value, reason)
        batch = self._BATCH.get(mapping.kind)
        if batch is not None and not rows.extra:
            # the relation files hold 10^5 rows each: one loop with the per-row logic inlined
            # (same order of nodes, edges, rejects and warnings as the row handlers)
            st.rows_in += rows.n
            batch(self, rows, st, src, mapping)
            tick(rows.n)
            return
        if mapping.kind == "enterprise":
            handler = self._prepare_enterprise(rows, mapping)
        else:
            handler = getattr(self, f"_row_{mapping.kind}")
        for i in range(rows.n):
            st.rows_in += 1
            row_no = rows.numbers[i]
            for col in rows.extra:
                if _clean(col[i]):
                    self.warn(st, row_no, "", col[i], "more cells than the header has columns; extra cell ignored")
            try:
                handler(rows, i, row_no, st, src, mapping)
            except SchemaError as exc:  # a record the graph model refuses: reported, never raised
                self.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
            tick(1)

    # ---------------------------------------------------------------- typed values
    def _name(self, raw: str, st: _FileStats, row_no: int, f: str) -> str:
        if not raw:
            return ""
        if len(raw) > MAX_NAME:
            return ""
        name = _clean_name(raw)
        if name.startswith(_FORMULA):
            self.warn(st, row_no, f, raw, "name looks like a spreadsheet formula; kept as text (outputs neutralise it)")
        return name

    def _region_of(
        self,
        m: Mapping,
        memo: dict[tuple[str, ...], tuple[str | None, list[tuple[str, str]]]],
        texts: tuple[str, ...],
        addr: str | None,
        st: _FileStats,
        row_no: int,
        uscc: str | None,
    ) -> str | None:
        """Most specific GB/T 2260 code of a row from its region / province / city / county texts
        (``memo``: their results for mapping ``m``), its address (None when the mapping has no
        address field) and last the registration-authority code in its USCC."""
        hit = memo.get(texts)
        if hit is None:
            hit = memo[texts] = self._region_fields(m, dict(zip(_REGION_FIELDS, texts)))
        best, unknown = hit
        for f, text in unknown:
            self.warn(st, row_no, f, text, "unknown region; row loaded without it")
        if addr is not None and addr and (best is None or best not in _county_codes()):
            if addr not in self._address_memo:
                try:
                    r = codes.region_from_address(addr[:500])
                except codes.RegionError:
                    r = None
                self._address_memo[addr] = r.code if r is not None else None
            code = self._address_memo[addr]
            if code is not None:
                if best is None or best in _ancestors(code):
                    best = code
            elif best is None:
                self.warn(st, row_no, "address", addr, "no region found in the address")
        if best is None and uscc:
            cand = uscc[2:8]
            if cand in _region_table():
                best = cand
        return best

    def _region_fields(self, m: Mapping, text_of: dict[str, str]) -> tuple[str | None, list[tuple[str, str]]]:
        """Most specific code the region / province / city / county texts of a row give, and the
        (field, text) pairs that name no known region. Memoised per distinct combination."""
        found: list[str] = []
        unknown: list[tuple[str, str]] = []
        # a qualified name (河南省商丘市睢阳区) settles county names used in several places (鼓楼区)
        parts = [text_of[f] for f in ("province", "city", "county") if f in m.fields and m.fields[f].resolve is None]
        parts = [p for p in parts if p]
        if len(parts) > 1:
            joined = "".join(parts)
            if joined not in self._address_memo:
                try:
                    self._address_memo[joined] = codes.resolve_region(joined).code
                except codes.RegionError:
                    self._address_memo[joined] = None
            if self._address_memo[joined] is not None:
                found.append(self._address_memo[joined])
                parts_ok = True
            else:
                parts_ok = False
        else:
            parts_ok = False
        for f in _REGION_FIELDS:
            spec = m.fields.get(f)
            if spec is None:
                continue
            if parts_ok and f in ("province", "city", "county") and spec.resolve is None:
                continue
            text = text_of[f]
            if not text:
                continue
            key = (text, f, spec.resolve, tuple(found))
            if key not in self._region_memo:
                self._region_memo[key] = self._resolve_region_text(text, f, spec, found)
            code = self._region_memo[key]
            if code is None:
                unknown.append((f, text))
            else:
                found.append(code)
        return self._most_specific(found), unknown

    def _resolve_region_text(self, text: str, f: str, spec: FieldSpec, context: list[str]) -> str | None:
        if spec.resolve == "province_short":
            code = codes.province_from_short(text)
            if code is not None:
                return getattr(code, "code", code)
        try:
            r = codes.resolve_region(text)
        except codes.RegionError:
            r = None
        if r is not None:
            # a short name like 朝阳区 exists in several cities: prefer the one under what is known
            if context and not any(c == r.code or c in _ancestors(r.code) for c in context):
                for ctx in context:
                    alt = self._resolve_under(text, ctx)
                    if alt:
                        return alt
            return r.code
        for ctx in context:
            alt = self._resolve_under(text, ctx)
            if alt:
                return alt
        return None

    @staticmethod
    @cache
    def _resolve_under(text: str, parent: str) -> str | None:
        """The region under ``parent`` named ``text`` (or a name it starts / is the start of);
        memoised for the process: it scans the whole code table, which never changes."""
        tab = _region_table()
        t = text.strip()
        for code, (name, _lv, _par, _prov) in tab.items():
            if parent in _ancestors(code) and (name == t or name.startswith(t) or t.startswith(name)):
                return code
        return None

    @staticmethod
    def _most_specific(found: list[str]) -> str | None:
        best = None
        order = {"province": 0, "city": 1, "county": 2}
        for c in found:
            lv = order.get(_region_table().get(c, ("", "province"))[1], 0)
            if best is None:
                best = c
                continue
            blv = order.get(_region_table().get(best, ("", "province"))[1], 0)
            if lv > blv and (best in _ancestors(c) or _province_of(c) == _province_of(best)):
                best = c
        return best

    def _money(
        self, rows: _Rows, i: int, f: str, st: _FileStats, row_no: int, capital: bool
    ) -> tuple[float | None, str | None]:
        text = rows.first(f, i)
        if not text:
            return None, None
        key = (text, rows.units.get(f), capital)
        hit = self._money_memo.get(key)
        if hit is None:
            hit = self._money_memo[key] = _parse_money_text(*key)
        if hit[0] is None:
            self.warn(st, row_no, f, text, "cannot read the amount; row loaded without it")
        return hit

    def _int(self, rows: _Rows, i: int, f: str, st: _FileStats, row_no: int) -> int | None:
        text = rows.first(f, i)
        if not text:
            return None
        memo = self._int_memo
        n = memo[text] if text in memo else memo.setdefault(text, _parse_int_text(text))
        if n is None:
            self.warn(st, row_no, f, text, "not a whole number; row loaded without it")
        return n

    def _tags_column(self, rows: _Rows, f: str) -> list[list[str]]:
        """Tags of field ``f`` for every row, computed once per distinct combination of cells
        (the lists are shared between rows: copy before changing one)."""
        spec = rows.mapping.fields[f]
        memo = self._tags_memo
        out = []
        for vals in rows.all_column(f):
            key = (id(spec), tuple(vals))
            tags = memo.get(key)
            if tags is None:
                tags = memo[key] = self._tags_of(spec, vals)
            out.append(tags)
        return out

    @staticmethod
    def _tags_of(spec: FieldSpec, vals: list[str]) -> list[str]:
        out: list[str] = []
        if spec.tag_map is not None and not vals and "" in spec.tag_map:
            vals = [""]
        for v in vals:
            parts = [v] if spec.tag_map and v in spec.tag_map else (_split(v) or [v])
            for p in parts:
                if spec.tag_map is not None:
                    t = spec.tag_map.get(p)
                    if t is None and spec.keep_unmapped:
                        t = p
                else:
                    t = p
                if t and t not in out:
                    out.append(t)
        return out

    # ---------------------------------------------------------------- enterprise rows
    def _prepare_enterprise(self, rows: _Rows, m: Mapping) -> Callable[..., None]:
        """The row handler of an enterprise table, with every field parsed column-wise first.

        Exports repeat the same region, industry, capital and date texts thousands of times, so
        each distinct cell text of a column is parsed once, before the row loop; the loop then only
        assembles records in file order and reports warnings and rejects exactly where a per-row
        parse would (same order, same texts).
        """
        f = m.fields
        n = rows.n
        empty = [""] * n

        def col(name: str) -> list[str]:
            return rows.column(name) if name in f else empty

        def name_text(raw: str) -> str:
            return _clean_name(raw) if raw and len(raw) <= MAX_NAME else ""

        raw_names, raw_shorts = col("name"), col("short_name")
        names = _map_unique(name_text, raw_names, distinct=True)
        shorts = _map_unique(name_text, raw_shorts)
        norms = _map_unique(lambda v: _norm_name(v) if v else "", names, distinct=True)
        has_uscc, has_stock = "uscc" in f, "stock_code" in f
        uscc_raw = col("uscc")
        valid_uscc = _valid_usccs(uscc_raw) if has_uscc else {}
        stock_raw = col("stock_code")
        stocks = _map_unique(lambda v: self._stock(v)[0] if v else None, stock_raw) if has_stock else []
        region_texts = list(zip(*(col(x) for x in _REGION_FIELDS)))
        region_memo = self._region_fields_memo.setdefault(id(m), {})
        has_address = "address" in f
        addresses = col("address")
        has_industry = "industry" in f
        ind_raw = col("industry")

        def industry_of(raw: str) -> tuple[str | None, bool]:
            if not raw:
                return None, False
            if raw not in self._industry_memo:
                self._industry_memo[raw] = codes.resolve_industry(raw)
            code = self._industry_memo[raw]
            return code, bool(code and codes.is_class_code(code))

        industries = _map_unique(industry_of, ind_raw) if has_industry else []
        has_scope = "scope" in f
        scopes = col("scope")

        def parsed(name: str, parse: Callable[[str], Any]) -> tuple[bool, list[str], list[Any]]:
            if name not in f:
                return False, empty, []
            texts = rows.column(name)
            return True, texts, _map_unique(lambda t: parse(t) if t else None, texts)

        units = rows.units
        has_cap, cap_raw, caps = parsed("reg_capital", lambda t: _parse_money_text(t, units.get("reg_capital"), True))
        has_rev, rev_raw, revs = parsed("revenue", lambda t: _parse_money_text(t, units.get("revenue"), False))
        has_emp, emp_raw, emps = parsed("employees", _parse_int_text)
        has_date, date_raw, dates = parsed("founded", _parse_date_text)
        tag_cols = [self._tags_column(rows, fname) for fname, spec in f.items() if spec.type == "tags"]
        base_tags = list(m.tags)
        has_products = "products" in f
        pmemo = self._products_memo

        def products_of(v: str) -> list[str]:
            names_ = pmemo.get(v)
            if names_ is None:
                names_ = pmemo[v] = [
                    p for p in (_clean_name(p) for p in _split(v[:MAX_TEXT])) if p and len(p) <= MAX_NAME
                ]
            return names_

        product_cells = rows.all_column("products") if has_products else []
        warn, reject = self.warn, self.reject
        formula = "name looks like a spreadsheet formula; kept as text (outputs neutralise it)"

        def row(rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
            where = f"{src}:{row_no}"
            rec: dict[str, Any] = {}
            # name: the legal name, else the short name (证券简称) standing in for it
            raw_name, raw_short = raw_names[i], raw_shorts[i]
            name, short = names[i], shorts[i]
            if name.startswith(_FORMULA):
                warn(st, row_no, "name", raw_name, formula)
            if short.startswith(_FORMULA):
                warn(st, row_no, "short_name", raw_short, formula)
            legal = bool(name)
            if legal:
                name_norm = norms[i]
            else:
                name = short
                if not name:
                    if max(len(raw_name), len(raw_short)) > MAX_NAME:
                        reject(
                            st,
                            row_no,
                            "name",
                            raw_name or raw_short,
                            f"name longer than {MAX_NAME} characters: not a usable enterprise name",
                        )
                    else:
                        reject(st, row_no, "name", raw_name or raw_short, "no usable enterprise name")
                    return
                name_norm = _norm_name(name)
            if not name_norm:
                reject(st, row_no, "name", raw_name or raw_short, "no usable enterprise name")
                return
            rec["name"] = name
            rec["name_norm"] = name_norm
            if short:
                rec["short_name"] = short
            uscc = None
            if has_uscc:
                raw = uscc_raw[i]
                if raw:
                    u = valid_uscc[raw]
                    if u:
                        uscc = u
                        rec["uscc"] = u
                    else:
                        rec["uscc_raw"] = _short(raw, 64)
                        warn(
                            st,
                            row_no,
                            "uscc",
                            raw,
                            "invalid USCC (GB 32100-2015 check failed); raw value "
                            "kept as uscc_raw, identity falls back to stock code/name",
                        )
            stock = None
            if has_stock:
                raw = stock_raw[i]
                if raw:
                    stock = stocks[i]
                    if stock:
                        rec["stock_code"] = stock
                    else:
                        warn(st, row_no, "stock_code", raw, "not a stock code; ignored")
            region = self._region_of(
                m, region_memo, region_texts[i], addresses[i] if has_address else None, st, row_no, uscc
            )
            if region:
                rec["region"] = region
            if has_industry:
                raw = ind_raw[i]
                if raw:
                    code, is_class = industries[i]
                    if is_class:
                        rec["industry_code"] = code
                    elif code:
                        warn(
                            st,
                            row_no,
                            "industry",
                            raw,
                            f"industry {code} is not a GB/T 4754 小类 (4-digit) code; not classified",
                        )
                    else:
                        warn(st, row_no, "industry", raw, "unknown GB/T 4754-2017 industry code or name")
            if has_scope:
                v = scopes[i]
                if len(v) > MAX_TEXT:
                    warn(st, row_no, "scope", v, f"value longer than {MAX_TEXT:,} characters; truncated")
                    v = v[:MAX_TEXT]
                if v:
                    rec["scope"] = v
            if has_cap and cap_raw[i]:
                val, cur = caps[i]
                if val is None:
                    warn(st, row_no, "reg_capital", cap_raw[i], "cannot read the amount; row loaded without it")
                else:
                    rec["reg_capital"] = val
                    if cur:
                        rec["currency"] = cur
            if has_rev and rev_raw[i]:
                val = revs[i][0]
                if val is None:
                    warn(st, row_no, "revenue", rev_raw[i], "cannot read the amount; row loaded without it")
                else:
                    rec["revenue"] = val
            if has_emp and emp_raw[i]:
                k = emps[i]
                if k is None:
                    warn(st, row_no, "employees", emp_raw[i], "not a whole number; row loaded without it")
                else:
                    rec["employees"] = k
            if has_date and date_raw[i]:
                d = dates[i]
                if d is None:
                    warn(st, row_no, "founded", date_raw[i], "cannot read the date; row loaded without it")
                else:
                    rec["founded"] = d
            tags = list(base_tags)
            for tc in tag_cols:
                for t in tc[i]:
                    if t not in tags:
                        tags.append(t)
            if tags:
                rec["tags"] = tags
            products: list[str] = []
            if has_products:
                for v in product_cells[i]:
                    for p in products_of(v):
                        if p not in products:
                            products.append(p)
            if products:
                rec["products"] = products
            nid, new = self.upsert(rec, legal, where, m.id)
            if new:
                st.loaded += 1
            else:
                st.merged += 1
            for p in products:
                self._makes(nid, p, None)

        return row

    def upsert(self, rec: dict[str, Any], legal: bool, where: str, source: str) -> tuple[str, bool]:
        """Create or merge one enterprise record; return ``(node id, created)``."""
        G = self.G
        uscc, stock = rec.get("uscc"), rec.get("stock_code")
        nid = self._find(uscc, stock, rec["name_norm"], rec.get("region"))
        if nid is None:
            nid = self._ideal_id(uscc, stock, rec["name_norm"], rec.get("region"))
            if nid in G._node:
                nid = f"ent:name:{name_hash(rec['name_norm'] + '|' + (uscc or stock or ''), _province_of(rec.get('region')))}"
            if self._ent_schema_checked and rec.get("name") not in (None, ""):
                # same node as schema.add_node makes (kind first, None values dropped); the
                # schema check ran on the first enterprise and the required name is present
                attrs = {"kind": "Enterprise"}
                attrs.update(rec if None not in rec.values() else {k: v for k, v in rec.items() if v is not None})
                attrs["source"] = source
                if self._plain:  # what MultiDiGraph.add_node does for a new node
                    G._succ[nid] = {}
                    G._pred[nid] = {}
                    G._node[nid] = attrs
                else:
                    G.add_node(nid, **attrs)
            else:
                props = dict(rec)
                props["source"] = source
                add_node(G, "Enterprise", nid.split(":", 1)[1], **props)
                self._ent_schema_checked = True
            # every field comes from this row: kept compact until a merge needs the dict
            fields = tuple(rec)
            self.prov_fields[nid] = self._field_sets.setdefault(fields, fields)
            self.prov[nid] = where
            self.touched.add(nid)
            self._index(nid)
            self._edges(nid, new=True)
            return nid, True
        a = G.nodes[nid]
        p = self._prov(nid)
        changed_identity = False
        for k, v in rec.items():
            old = a.get(k)
            if k == "name_norm":
                continue
            if k in ("tags", "products"):
                cur = list(old or [])
                add = [x for x in v if x not in cur]
                if add:
                    a[k] = cur + add
                    p.setdefault(k, where)
                continue
            if old in (None, "", []):
                a[k] = v
                p[k] = where
                if k == "name":
                    a["name_norm"] = rec["name_norm"]
                    p["name_norm"] = where
                if k in ("uscc", "stock_code", "region"):
                    changed_identity = True
                continue
            if k == "name":
                if normalize.normalize_name(str(old)) == rec["name_norm"]:
                    continue
                if legal and a.get("short_name") and old == a.get("short_name"):
                    a["name"] = v
                    a["name_norm"] = rec["name_norm"]
                    p["name"] = p["name_norm"] = where
                    changed_identity = True
                    continue
                if not legal:
                    continue  # a short name never contradicts a legal name
            elif k == "region":
                if old == v or v in _ancestors(str(old)):
                    continue
                if str(old) in _ancestors(v):
                    a[k] = v
                    p[k] = where
                    changed_identity = True
                    continue
            elif k in ("short_name", "uscc_raw"):
                continue  # 简称 change over time (ST, A-share suffixes): not identity, not a conflict
            elif k == "stock_code" and _stock_symbol(str(old)) == _stock_symbol(str(v)):
                continue
            if _num_eq(old, v):
                continue
            self.conflicts.append((nid, k, _short(old), _short(v), p.get(k, ""), where))
        srcs = [s for s in str(a.get("source") or "").split(",") if s]
        if source not in srcs:
            a["source"] = ",".join(sorted(srcs + [source]))
        self.touched.add(nid)
        if changed_identity:
            nid = self._rekey(nid)
        self._edges(nid)
        return nid, False

    def _rekey(self, nid: str) -> str:
        a = self.G.nodes[nid]
        self._unindex(nid)
        ideal = self._ideal_id(a.get("uscc"), a.get("stock_code"), str(a.get("name_norm") or ""), a.get("region"))
        if ideal != nid and ideal not in self.G:
            nx.relabel_nodes(self.G, {nid: ideal}, copy=False)
            if nid in self.prov:
                self.prov[ideal] = self.prov.pop(nid)
            if nid in self.prov_fields:
                self.prov_fields[ideal] = self.prov_fields.pop(nid)
            self.touched.discard(nid)
            self.touched.add(ideal)
            for ov in self.G.graph.get("overrides", []) or []:
                if ov.get("ent_id") == nid:
                    ov["ent_id"] = ideal
            self.conflicts = [(ideal if c[0] == nid else c[0],) + c[1:] for c in self.conflicts]
            nid = ideal
        self._index(nid)
        return nid

    def _edges(self, nid: str, new: bool = False) -> None:
        G = self.G
        nodes = G._node
        a = nodes[nid]
        region = a.get("region")
        if region:
            rid = self._region_nodes.get(str(region))
            if rid is None or rid not in nodes:
                rid = self._region_nodes[str(region)] = codes.add_region(G, str(region))
            if not new:  # a node created just now has no edges yet
                if self._plain:  # G.out_edges(nid, keys=True) read straight from the adjacency dict
                    stale = [v for v, keydict in self._succ[nid].items() if "LOCATED_IN" in keydict and v != rid]
                else:
                    stale = [v for _, v, k in G.out_edges(nid, keys=True) if k == "LOCATED_IN" and v != rid]
                for v in stale:
                    G.remove_edge(nid, v, key="LOCATED_IN")
            self._ent_edge(nid, rid, "LOCATED_IN")
        code = a.get("industry_code")
        if code:
            iid = self._industry_nodes.get(str(code))
            if iid is None or iid not in nodes:
                iid = self._industry_nodes[str(code)] = codes.add_industry(G, str(code))
            self._ent_edge(nid, iid, "CLASSIFIED_AS")

    def _ent_edge(self, u: str, v: str, kind: str) -> bool:
        """:meth:`_edge` without properties from the enterprise ``u``; return True when new.

        Once an edge of ``kind`` from an enterprise to ``v`` has passed :meth:`_edge` (and its
        schema check), later ones to the same ``v`` are written straight into the graph's dicts.
        """
        if (kind, v) in self._ent_edge_ok:  # only ever filled for a plain MultiDiGraph
            succ_u = self._succ[u]
            keydict = succ_u.get(v)
            if keydict is None:
                succ_u[v] = self._pred[v][u] = {kind: {"kind": kind}}
                return True
            if kind in keydict:
                return False
            keydict[kind] = {"kind": kind}
            return True
        new = self._edge(u, v, kind)
        if self._plain:
            self._ent_edge_ok.add((kind, v))
        return new

    def _product_key(self, raw: str) -> tuple[str, str] | None:
        """(clean name, matching key) of a product name, memoised: relation files repeat names."""
        hit = self._product_memo.get(raw, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        name = _clean_name(raw).strip()
        key = _norm_name(name) if name else ""
        out = (name, key) if key and len(name) <= MAX_NAME else None
        self._product_memo[raw] = out
        return out

    def _product(self, raw: str) -> str | None:
        pid = self._pid_memo.get(raw)
        if pid is not None and pid in self.G._node:
            return pid
        nk = self._product_key(raw)
        if nk is None:
            return None
        pid = f"product:{nk[1]}"
        G = self.G
        if pid not in G._node:
            if self._plain and self._product_checked:
                # what schema.add_node makes of a new product (its required name is not empty)
                G._succ[pid] = {}
                G._pred[pid] = {}
                G._node[pid] = {"kind": "Product", "name": nk[0]}
            else:
                add_node(G, "Product", nk[1], name=nk[0])
                self._product_checked = True
        self._pid_memo[raw] = pid
        return pid

    def _product_ids(self, values: Sequence[str]) -> list[tuple[str, str] | None]:
        """``(product id, clean name)`` of every cell (None when not a usable product name).

        :meth:`_product_key` on each distinct cell, with the plain CJK / ASCII names (nearly all)
        cleaned and keyed together: their ``_clean_name`` / ``_norm_name`` fast paths are plain
        ``str.replace`` / ``str.lower`` calls, which give the same result on the names joined by
        line breaks (no such name holds one) as on each name alone.
        """
        memo, ids = self._product_memo, self._product_ids_memo
        uniq = [v for v in dict.fromkeys(values) if v not in ids]  # "" is in ids: no name
        todo = [v for v in uniq if v not in memo]
        fast = list(compress(todo, map(_FAST_NAME.fullmatch, todo)))
        if fast:
            names = "\n".join(fast).replace("(", "（").replace(")", "）")
            keys = names.replace("（", "").replace("）", "").lower().replace("有限责任公司", "有限公司").split("\n")
            for raw, name, key in zip(fast, names.split("\n"), keys):
                memo[raw] = (name, key) if key and len(name) <= MAX_NAME else None
        if len(fast) < len(todo):
            for raw in todo:
                if raw not in memo:
                    self._product_key(raw)
        for raw in uniq:
            nk = memo[raw]
            ids[raw] = (f"product:{nk[1]}", nk[0]) if nk is not None else None
        return list(map(ids.__getitem__, values))

    def _batch_product(self, rows: _Rows, st: _FileStats, src: str, m: Mapping) -> None:
        """:meth:`_row_product` for every row."""
        col = rows.column("name")
        ids = self._product_ids(col)
        nodes, succ, pred = self.G._node, self._succ, self._pred
        fast = self._plain and self._product_checked
        numbers = rows.numbers
        loaded = merged = 0
        for i, hit in enumerate(ids):
            try:
                if hit is None:
                    self.reject(st, numbers[i], "name", col[i], "no usable product name")
                    continue
                pid = hit[0]
                if pid in nodes:
                    merged += 1
                    continue
                if fast:
                    succ[pid] = {}
                    pred[pid] = {}
                    nodes[pid] = {"kind": "Product", "name": hit[1]}
                else:
                    self._product(col[i])
                    fast = self._plain and self._product_checked
                loaded += 1
            except SchemaError as exc:
                self.reject(st, numbers[i], "", "", f"does not fit the graph schema: {exc}")
        st.loaded += loaded
        st.merged += merged

    def _batch_enterprise_product(self, rows: _Rows, st: _FileStats, src: str, m: Mapping) -> None:
        """:meth:`_row_enterprise_product` for every row."""
        prods = rows.column("product")
        ids = self._product_ids(prods)
        has_share = "share" in m.fields
        shares = rows.column("share") if has_share else []
        stocks = rows.column("stock_code")
        stock_of = {v: self._stock(v) if v else (None, None) for v in dict.fromkeys(stocks)}
        G = self.G
        nodes, succ, pred = G._node, self._succ, self._pred
        plain = self._plain
        fast = plain and self._product_checked
        by_stock, ok_ent, shapes = self.by_stock, self._ent_edge_ok, self._edge_shapes
        numbers = rows.numbers
        loaded = merged = 0
        for i, hit in enumerate(ids):
            row_no = numbers[i]
            try:
                if hit is None:
                    self.reject(st, row_no, "product", prods[i], "no usable product name")
                    continue
                pid = hit[0]
                if pid not in nodes:
                    if fast:
                        succ[pid] = {}
                        pred[pid] = {}
                        nodes[pid] = {"kind": "Product", "name": hit[1]}
                    else:
                        self._product(prods[i])
                        fast = plain and self._product_checked
                share = None
                if has_share:
                    s = shares[i]
                    if s:
                        try:
                            share = float(s)
                            if not math.isfinite(share):
                                raise ValueError
                        except ValueError:
                            self.warn(st, row_no, "share", s, "share is not a number; edge loaded without it")
                            share = None
                stock, sym = stock_of[stocks[i]]
                if not stock:
                    self.reject(st, row_no, "stock_code", stocks[i], "no valid stock code: cannot tell which company")
                    continue
                nid = by_stock.get(sym or "")
                if nid is None:
                    nid = self._ent_by_stock(rows, i, row_no, st, src, m)
                    if nid is None:
                        continue
                if share is None:
                    if ("MAKES", pid) in ok_ent:
                        succ_u = succ[nid]
                        keydict = succ_u.get(pid)
                        if keydict is None:
                            succ_u[pid] = pred[pid][nid] = {"MAKES": {"kind": "MAKES"}}
                            new = True
                        elif "MAKES" in keydict:
                            new = False
                        else:
                            keydict["MAKES"] = {"kind": "MAKES"}
                            new = True
                    else:
                        new = self._ent_edge(nid, pid, "MAKES")
                elif plain and ("MAKES", nodes[nid].get("kind"), nodes[pid].get("kind")) in shapes:
                    keydict = succ[nid].get(pid)
                    data = keydict.get("MAKES") if keydict is not None else None
                    if data is not None:
                        data.update(share=share)
                        new = False
                    else:
                        data = {"kind": "MAKES", "share": share}
                        if keydict is None:
                            succ[nid][pid] = pred[pid][nid] = {"MAKES": data}
                        else:
                            keydict["MAKES"] = data
                        new = True
                else:
                    new = self._edge(nid, pid, "MAKES", share=share)
                if new:
                    loaded += 1
                else:
                    merged += 1
            except SchemaError as exc:
                self.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
        st.loaded += loaded
        st.merged += merged

    def _batch_product_relation(self, rows: _Rows, st: _FileStats, src: str, m: Mapping) -> None:
        """:meth:`_row_product_relation` for every row."""
        A, B, R = rows.column("from"), rows.column("to"), rows.column("rel")
        ida, idb = self._product_ids(A), self._product_ids(B)
        rel_of: dict[str, tuple[bool, str] | None] = {}
        for rel in dict.fromkeys(R):
            spec = m.relations.get(rel)
            rel_of[rel] = None if spec is None else (bool(spec.get("reverse")), str(spec.get("edge", "INPUT_OF")))
        unknown_rel = f"unknown relation; expected one of {', '.join(m.relations)}"
        G = self.G
        nodes, succ, pred = G._node, self._succ, self._pred
        plain = self._plain
        fast = plain and self._product_checked
        shapes = self._edge_shapes
        # every product id of this table names a Product node or none yet (new ones are Products):
        # then an edge kind whose Product → Product shape has been checked needs no further lookups
        all_products = plain and all(
            nodes[p].get("kind") == "Product" for p in {h[0] for h in ida + idb if h is not None} if p in nodes
        )
        direct: set[str] = set()
        numbers = rows.numbers
        loaded = merged = 0
        for i, rel in enumerate(R):
            row_no = numbers[i]
            try:
                spec = rel_of[rel]
                if spec is None:
                    self.reject(st, row_no, "rel", rel, unknown_rel)
                    continue
                ha, hb = ida[i], idb[i]
                if ha is not None and ha[0] not in nodes:
                    if fast:
                        pid = ha[0]
                        succ[pid] = {}
                        pred[pid] = {}
                        nodes[pid] = {"kind": "Product", "name": ha[1]}
                    else:
                        self._product(A[i])
                        fast = plain and self._product_checked
                if hb is not None and hb[0] not in nodes:
                    if fast:
                        pid = hb[0]
                        succ[pid] = {}
                        pred[pid] = {}
                        nodes[pid] = {"kind": "Product", "name": hb[1]}
                    else:
                        self._product(B[i])
                        fast = plain and self._product_checked
                if ha is None or hb is None:
                    self.reject(
                        st,
                        row_no,
                        "from" if ha is None else "to",
                        A[i] if ha is None else B[i],
                        "no usable product name",
                    )
                    continue
                u, v = (hb[0], ha[0]) if spec[0] else (ha[0], hb[0])
                if u == v:
                    self.reject(st, row_no, "to", B[i], "a product related to itself (self-loop)")
                    continue
                kind = spec[1]
                ok = kind in direct
                if not ok and plain and (kind, nodes[u].get("kind"), nodes[v].get("kind")) in shapes:
                    ok = True
                    if all_products and (kind, "Product", "Product") in shapes:
                        direct.add(kind)
                if ok:
                    keydict = succ[u].get(v)
                    if keydict is None:
                        succ[u][v] = pred[v][u] = {kind: {"kind": kind}}
                        loaded += 1
                    elif kind in keydict:
                        merged += 1
                    else:
                        keydict[kind] = {"kind": kind}
                        loaded += 1
                elif self._edge(u, v, kind):
                    loaded += 1
                else:
                    merged += 1
            except SchemaError as exc:
                self.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
        st.loaded += loaded
        st.merged += merged

    _BATCH: ClassVar[dict[str, Callable[..., None]]] = {}

    def _stock(self, raw: str) -> tuple[str | None, str | None]:
        """(normalised stock code, 6-digit symbol) of a cell, memoised."""
        hit = self._stock_memo.get(raw)
        if hit is None:
            code = normalize.normalize_stock_code(raw)
            hit = self._stock_memo[raw] = (code, _stock_symbol(code) if code else None)
        return hit

    def _makes(self, nid: str, product: str, share: float | None) -> bool:
        pid = self._product(product)
        if pid is None:
            return False
        if share is None:
            return self._ent_edge(nid, pid, "MAKES")
        return self._edge(nid, pid, "MAKES", share=share)

    def _ent_by_stock(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> str | None:
        """The enterprise a relation row refers to (by stock code; created from the 简称 if absent)."""
        raw = rows.first("stock_code", i)
        stock, sym = self._stock(raw) if raw else (None, None)
        if not stock:
            self.reject(st, row_no, "stock_code", raw, "no valid stock code: cannot tell which company")
            return None
        nid = self.by_stock.get(sym or "")
        if nid is not None:
            return nid
        short = self._name(rows.first("short_name", i), st, row_no, "short_name") if "short_name" in m.fields else ""
        if not short:
            self.reject(st, row_no, "stock_code", raw, "company not in the graph and no name given")
            return None
        self.warn(st, row_no, "stock_code", raw, "company not in the company list; created from its short name")
        nid, _ = self.upsert(
            {"name": short, "name_norm": normalize.normalize_name(short), "short_name": short, "stock_code": stock},
            False,
            f"{src}:{row_no}",
            m.id,
        )
        return nid

    # ---------------------------------------------------------------- chain-kg style rows
    def _row_industry(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        code, name = rows.first("code", i), rows.first("name", i)
        if not code or not name:
            self.reject(st, row_no, "code" if not code else "name", code or name, "industry needs a code and a name")
            return
        scheme = m.scheme or "sw2021"
        prefix = "sw" if scheme.startswith("sw") else scheme
        iid = f"industry:{prefix}:{code}"
        new = iid not in self.G
        add_node(
            self.G,
            "Industry",
            f"{prefix}:{code}",
            name=name,
            scheme=scheme,
            code=code,
            level=_sw_level(code) if prefix == "sw" else None,
        )
        self.sw_by_name.setdefault(name, iid)
        if new:
            st.loaded += 1
        else:
            st.merged += 1

    def _row_industry_parent(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        prefix = "sw" if (m.scheme or "sw2021").startswith("sw") else m.scheme
        child, parent = rows.first("child", i), rows.first("parent", i)
        u, v = f"industry:{prefix}:{child}", f"industry:{prefix}:{parent}"
        for fld, nid, raw in (("child", u, child), ("parent", v, parent)):
            if not raw or nid not in self.G:
                self.reject(st, row_no, fld, raw, "unknown industry code (not in the industry list)")
                return
        self._count_edge(st, u, v, "PART_OF")

    def _edge(self, u: str, v: str, kind: str, **props: Any) -> bool:
        """Add or update one edge; return True when it is new.

        Same contract as :func:`chain_gap.schema.add_edge` (one edge per (u, v, kind), ``None``
        properties not stored). The first edge of each (kind, end kinds) goes through
        ``schema.add_edge``, which validates it against ``graph/schema.yaml``; later edges of the
        same shape skip the repeated lookups, which is most of the time of a 100k-edge file.
        """
        G = self.G
        nodes = G._node
        shape = (kind, nodes[u].get("kind"), nodes[v].get("kind"))
        if shape not in self._edge_shapes:
            existed = G.has_edge(u, v, key=kind)
            add_edge(G, u, v, kind, **props)
            self._edge_shapes.add(shape)
            return not existed
        clean = {k: val for k, val in props.items() if val is not None} if props else props
        keydict = G._adj[u].get(v)
        data = keydict.get(kind) if keydict is not None else None
        if data is not None:
            data.update(clean)
            return False
        if self._plain:
            # what MultiDiGraph.add_edge does for two existing nodes, without its per-call
            # overhead; the graph's conversion cache is cleared once in finish()
            data = {"kind": kind}
            data.update(clean)
            if keydict is None:
                keydict = {kind: data}
                G._succ[u][v] = keydict
                G._pred[v][u] = keydict
            else:
                keydict[kind] = data
            return True
        G.add_edge(u, v, key=kind, kind=kind, **clean)
        return True

    def _count_edge(self, st: _FileStats, u: str, v: str, kind: str, **props: Any) -> None:
        if not self._edge(u, v, kind, **props):
            st.merged += 1
        else:
            st.loaded += 1

    def _row_enterprise_industry(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        prefix = "sw" if (m.scheme or "sw2021").startswith("sw") else m.scheme
        code = rows.first("industry_code", i)
        iid = f"industry:{prefix}:{code}"
        if not code:
            self.reject(st, row_no, "industry_code", code, "no industry code")
            return
        if iid not in self.G:
            name = rows.first("industry_name", i) if "industry_name" in m.fields else ""
            if not name:
                self.reject(st, row_no, "industry_code", code, "unknown industry code (not in the industry list)")
                return
            self.warn(st, row_no, "industry_code", code, f"industry not in the industry list; added as {name}")
            add_node(
                self.G,
                "Industry",
                f"{prefix}:{code}",
                name=name,
                scheme=m.scheme or "sw2021",
                code=code,
                level=_sw_level(code) if prefix == "sw" else None,
            )
            self.sw_by_name.setdefault(name, iid)
        nid = self._ent_by_stock(rows, i, row_no, st, src, m)
        if nid is None:
            return
        self._count_edge(st, nid, iid, "CLASSIFIED_AS")

    def _row_product(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        raw = rows.first("name", i)
        nk = self._product_key(raw) if raw else None
        if nk is None:
            self.reject(st, row_no, "name", raw, "no usable product name")
            return
        existed = f"product:{nk[1]}" in self.G
        self._product(raw)
        if existed:
            st.merged += 1
        else:
            st.loaded += 1

    def _row_enterprise_product(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        raw = rows.first("product", i)
        if not raw or self._product(raw) is None:
            self.reject(st, row_no, "product", raw, "no usable product name")
            return
        share = None
        if "share" in m.fields:
            s = rows.first("share", i)
            if s:
                try:
                    share = float(s)
                    if not math.isfinite(share):
                        raise ValueError
                except ValueError:
                    self.warn(st, row_no, "share", s, "share is not a number; edge loaded without it")
                    share = None
        nid = self._ent_by_stock(rows, i, row_no, st, src, m)
        if nid is None:
            return
        if self._makes(nid, raw, share):
            st.loaded += 1
        else:
            st.merged += 1

    def _row_product_relation(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        a, b, rel = rows.first("from", i), rows.first("to", i), rows.first("rel", i)
        spec = m.relations.get(rel)
        if spec is None:
            self.reject(st, row_no, "rel", rel, f"unknown relation; expected one of {', '.join(m.relations)}")
            return
        pa, pb = (self._product(a) if a else None), (self._product(b) if b else None)
        if pa is None or pb is None:
            self.reject(st, row_no, "from" if pa is None else "to", a if pa is None else b, "no usable product name")
            return
        u, v = (pb, pa) if spec.get("reverse") else (pa, pb)
        if u == v:
            self.reject(st, row_no, "to", b, "a product related to itself (self-loop)")
            return
        self._count_edge(st, u, v, str(spec.get("edge", "INPUT_OF")))

    def _row_industry_upstream(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        name, ups_raw = rows.first("industry", i), rows.first("ups", i)
        target = self.sw_by_name.get(name)
        if target is None:
            self.reject(st, row_no, "industry", name, "unknown industry name (not in the industry list)")
            return
        try:
            ups = json.loads(ups_raw) if ups_raw else {}
            if not isinstance(ups, dict):
                raise ValueError
        except ValueError:
            self.reject(st, row_no, "ups", ups_raw, "ups is not a JSON object of industry → count")
            return
        if not ups:
            self.warn(st, row_no, "ups", ups_raw, "no upstream industries listed; nothing to load")
            st.loaded += 1
            return
        new = False
        for up_name, count in ups.items():
            src_id = self.sw_by_name.get(str(up_name))
            if src_id is None:
                self.warn(st, row_no, "ups", up_name, "unknown upstream industry name; pair skipped")
                continue
            try:
                cnt = int(count)
            except (TypeError, ValueError):
                self.warn(st, row_no, "ups", f"{up_name}: {count}", "count is not a whole number; pair skipped")
                continue
            if src_id == target:
                continue  # an industry's own purchases are not an upstream relation
            new = self._edge(src_id, target, "UPSTREAM_OF", count=cnt) or new
        if new:
            st.loaded += 1
        else:
            st.merged += 1

    # ---------------------------------------------------------------- supply & overrides
    def _party(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping, f: str) -> str | None:
        text = rows.first(f, i)
        if not text:
            self.reject(st, row_no, f, text, f"no {f} given")
            return None
        if len(text) > MAX_NAME:
            self.reject(st, row_no, f, text, f"{f} longer than {MAX_NAME} characters")
            return None
        nid, how = self.lookup(text)
        if nid is not None:
            return nid
        if how == "ambiguous":
            self.reject(
                st, row_no, f, text, "name matches several enterprises in different regions; give the USCC instead"
            )
            return None
        if how in ("uscc", "stock", "id"):
            self.reject(st, row_no, f, text, f"{how} not in the graph; load the enterprise list first")
            return None
        name = self._name(text, st, row_no, f)
        nn = normalize.normalize_name(name) if name else ""
        if not nn:
            self.reject(st, row_no, f, text, "no usable enterprise name")
            return None
        nid, _ = self.upsert({"name": name, "name_norm": nn}, True, f"{src}:{row_no}", m.id)
        return nid

    def _row_supply(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        u = self._party(rows, i, row_no, st, src, m, "supplier")
        if u is None:
            return
        v = self._party(rows, i, row_no, st, src, m, "customer")
        if v is None:
            return
        if u == v:
            self.reject(st, row_no, "customer", rows.first("customer", i), "supplier and customer are the same firm")
            return
        value = self._money(rows, i, "value", st, row_no, capital=False)[0] if "value" in m.fields else None
        year = self._int(rows, i, "year", st, row_no) if "year" in m.fields else None
        source = rows.first("source", i) if "source" in m.fields else ""
        if self.G.has_edge(u, v, key="SUPPLIES"):
            old = self.G.edges[u, v, "SUPPLIES"]
            if old.get("year") is not None and (year is None or int(old["year"]) > year):
                st.merged += 1
                return
        self._count_edge(st, u, v, "SUPPLIES", value=value, year=year, source=source or m.id)

    def _row_overrides(self, rows: _Rows, i: int, row_no: int, st: _FileStats, src: str, m: Mapping) -> None:
        text = rows.first("enterprise", i)
        nid, how = self.lookup(text) if text else (None, "unknown")
        if nid is None:
            reason = (
                "name matches several enterprises; use the ent_id or USCC"
                if how == "ambiguous"
                else "enterprise not in the graph"
            )
            self.reject(st, row_no, "enterprise", text, reason)
            return
        link = rows.first("link", i)
        mm = _LINK_RE.match(link.strip().lower()) if link else None
        if not mm:
            self.reject(st, row_no, "link", link, "link must look like <chain>/<link>, e.g. nev/cathode")
            return
        chain, leaf = mm.group(1), mm.group(2)
        problem = _check_leaf(chain, leaf)
        if problem:
            self.reject(st, row_no, "link", link, problem)
            return
        raw_dec = rows.first("decision", i)
        decision = _DECISIONS.get(raw_dec.strip().lower()) if raw_dec else None
        if decision is None:
            self.reject(st, row_no, "decision", raw_dec, "decision must be confirm or reject (确认 / 驳回)")
            return
        entry: dict[str, Any] = {"ent_id": nid, "link": f"{chain}/{leaf}", "decision": decision}
        role = rows.first("role", i).lower() if "role" in m.fields else ""
        if role:
            role = _ROLES.get(role, role)
            if role not in ("producer", "seller", "user"):
                self.warn(st, row_no, "role", role, "role must be producer, seller or user; ignored")
            else:
                entry["role"] = role
        entry["note"] = rows.first("note", i) if "note" in m.fields else ""
        entry["source"] = f"{src}:{row_no}"
        ovs: list[dict[str, Any]] = list(self.G.graph.get("overrides") or [])
        for j, ov in enumerate(ovs):
            if ov.get("ent_id") == nid and ov.get("link") == entry["link"]:
                same = {k: v for k, v in ov.items() if k != "source"} == {
                    k: v for k, v in entry.items() if k != "source"
                }
                if not same:
                    ovs[j] = entry
                st.merged += 1
                break
        else:
            ovs.append(entry)
            st.loaded += 1
        self.G.graph["overrides"] = ovs


_DECISIONS = {
    "confirm": "confirm",
    "confirmed": "confirm",
    "yes": "confirm",
    "y": "confirm",
    "确认": "confirm",
    "通过": "confirm",
    "是": "confirm",
    "保留": "confirm",
    "reject": "reject",
    "rejected": "reject",
    "no": "reject",
    "n": "reject",
    "驳回": "reject",
    "否": "reject",
    "剔除": "reject",
    "拒绝": "reject",
}
_ROLES = {"生产": "producer", "生产商": "producer", "销售": "seller", "经销": "seller", "用户": "user", "使用": "user"}
_Loader._BATCH.update(
    product=_Loader._batch_product,
    enterprise_product=_Loader._batch_enterprise_product,
    product_relation=_Loader._batch_product_relation,
)


@cache
def _chain_leaves(chain: str) -> frozenset[str] | str:
    from chain_gap.chains import ChainError, load_chain

    try:
        spec = load_chain(chain)
    except ChainError as exc:
        return str(exc)
    return frozenset(spec.leaf_ids())


def _check_leaf(chain: str, leaf: str) -> str | None:
    leaves = _chain_leaves(chain)
    if isinstance(leaves, str):
        return leaves
    if leaf not in leaves:
        return f"{chain}/{leaf} is not a leaf link of chain {chain} (decisions attach to leaf links)"
    return None


def _sw_level(code: str) -> int:
    """Shenwan-2021 level from its 6-digit code: 110000 → 1, 110100 → 2, 110101 → 3."""
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


# ============================================================================================
# load


def _jobs(paths: Iterable[str | os.PathLike[str]], mapping: Mapping) -> tuple[list[tuple[str, Mapping]], list[str]]:
    """Expand the paths into (file, sub-mapping) pairs; a folder mapping reads its files in order."""
    jobs: list[tuple[str, Mapping]] = []
    notes: list[str] = []
    for p in paths:
        path = Path(p)
        if mapping.kind != "folder":
            if path.is_dir():
                raise LoadError(f"{path}: is a folder; mapping {mapping.id!r} reads one file at a time")
            jobs.append((str(path), mapping))
            continue
        if path.is_dir():
            present = 0
            for sub in mapping.files:
                fp = path / str(sub.file)
                if fp.exists():
                    jobs.append((str(fp), sub))
                    present += 1
                else:
                    notes.append(str(fp))
            if present == 0:
                raise LoadError(
                    f"{path}: none of the files of mapping {mapping.id!r} is here "
                    f"(expected {', '.join(str(s.file) for s in mapping.files)})"
                )
        else:
            sub = next((s for s in mapping.files if s.file == path.name), None)
            if sub is None:
                raise LoadError(
                    f"{path}: not one of the files of mapping {mapping.id!r} "
                    f"(expected {', '.join(str(s.file) for s in mapping.files)})"
                )
            jobs.append((str(path), sub))
    if mapping.kind == "folder":  # the folder's files in dependency order, whatever order given
        order = {id(s): k for k, s in enumerate(mapping.files)}
        jobs.sort(key=lambda j: order[id(j[1])])
    return jobs, notes


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    source: str | Mapping,
    G: nx.MultiDiGraph | None = None,
    *,
    progress: bool | Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Load source files into the graph through a mapping.

    Parameters
    ----------
    paths : one file, or several; for the ``chain-kg`` mapping the folder (or some of its files).
    source : a mapping id in ``loaders/`` (qcc, tianyancha, enterprises, ashare, chain-kg, supply,
        overrides), a mapping YAML path, or a :class:`Mapping`.
    G : the graph to update in place; a new :class:`networkx.MultiDiGraph` when None.
    progress : None/False for no progress; True for a tqdm bar when the files hold more than
        5,000 rows; or a callable ``(rows done, rows total)`` counted over all files.

    Returns
    -------
    LoadResult
        The graph, rejects, warnings, conflicts and the report (``rows_in = loaded + merged +
        rejected`` per file).

    Raises
    ------
    LoadError
        Unknown mapping, a file that cannot be read at all or lacks a required header. All files
        are read before the graph is touched, so a LoadError leaves ``G`` unchanged.
    """
    mapping = load_mapping(source)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    jobs, missing = _jobs(list(paths), mapping)
    # reading and loading create millions of small lists and dicts that all live on (cells, rows,
    # graph attributes); the cyclic garbage collector would rescan them again and again (a third
    # of the load time, more when a large graph is already in memory) for no garbage
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        tables = [(p, sub, *_read(p, fields=sub)) for p, sub in jobs]
        if G is None:
            G = nx.MultiDiGraph()
        total = sum(len(raw.row_numbers) + len(info["bad_rows"]) for _, _, raw, info in tables)
        done = 0
        bar = None
        cb: Callable[[int, int], None] | None = None
        if progress is True:
            if total > PROGRESS_MIN_ROWS:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, desc=f"loading {mapping.id}", unit="rows")
        elif callable(progress):
            cb = progress
        step = max(1, min(1000, total // 100 or 1))

        def tick(n: int) -> None:
            """``n`` rows done: report every multiple of ``step`` and the total passed on the way,
            as ``n`` single-row ticks would (batch-loaded tables tick once)."""
            nonlocal done
            start, done = done, done + n
            if bar is None and cb is None:
                return
            marks = list(range((start // step + 1) * step, done + 1, step))
            if start < total <= done and total % step:
                marks.append(total)
            for d in marks:
                if bar is not None:
                    bar.update(d - bar.n)
                if cb is not None:
                    cb(d, total)

        loader = _Loader(G)
        try:
            for path, sub, raw, info in tables:
                loader.run(path, sub, raw, info, tick)
            loader.finish()
        finally:
            if bar is not None:
                bar.update(total - bar.n)
                bar.close()
    finally:
        if gc_was_enabled:
            if gc.get_freeze_count() == 0:
                # file into the oldest generation, unscanned, what the load created: re-enabled, the
                # collector would otherwise first trace the whole new graph as young objects (half a
                # second per 200,000 enterprises) to find nothing. Cycles are still collected by the
                # next full collection.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
    if cb is not None and done != total:
        cb(total, total)
    if cb is not None and total == 0:
        cb(0, 0)
    warnings = [
        (
            str(Path(m).parent),
            0,
            "",
            Path(m).name,
            f"file {Path(m).name} of mapping {mapping.id} not found in the folder; skipped",
        )
        for m in missing
    ] + loader.warnings
    files = [s.as_dict() for s in loader.stats]
    totals = {k: sum(f[k] for f in files) for k in ("rows_in", "loaded", "merged", "rejected", "warnings")}
    totals["warnings"] += len(missing)
    totals["files"] = len(files)
    totals["conflicts"] = len(loader.conflicts)
    report = {"files": files, "totals": totals}
    return LoadResult(
        graph=G,
        rejects=pd.DataFrame(loader.rejects, columns=ISSUE_COLUMNS).astype({"row": "int64"}),
        warnings=pd.DataFrame(warnings, columns=ISSUE_COLUMNS).astype({"row": "int64"}),
        report=report,
        conflicts=pd.DataFrame(loader.conflicts, columns=CONFLICT_COLUMNS),
    )
