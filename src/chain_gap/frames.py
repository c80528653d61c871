"""Tidy DataFrames extracted from the graph once: the input of every analysis.

Modelled on ``osmnx.convert.graph_to_gdfs``: the graph stays the system of record, and these
functions give analysts plain pandas tables with one row per enterprise, per enterprise–link
membership or per chain link.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import _fastgraph, vocab
from chain_gap._memory import gc_paused
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.schema import link_id

ENTERPRISE_COLUMNS = [
    "ent_id",
    "name",
    "uscc",
    "stock_code",
    "region",
    "province",
    "city",
    "county",
    "industry_code",
    "reg_capital",
    "revenue",
    "employees",
    "founded",
    "listed_on",
    "tags",
    "synthetic",
]


# --------------------------------------------------------------------------------------------------
# snapshots: build each tidy table once per graph state

_SNAPSHOTS: dict[int, dict[Any, pd.DataFrame]] = {}
_F = TypeVar("_F", bound=Callable[..., pd.DataFrame])


@contextlib.contextmanager
def snapshot(G: nx.MultiDiGraph) -> Iterator[nx.MultiDiGraph]:
    """Build each tidy table of ``G`` once while the block runs, and reuse it.

    Inside the block :func:`enterprises` and :func:`members` return a copy of the table built the first
    time they were asked for it with the same arguments, so a report that runs gaps, targets and the
    local-firm list reads the graph once instead of once per analysis. The graph must not change inside
    the block (a change in its node count or in the number of linked node pairs drops the tables, as a guard).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph the analyses read.

    Yields
    ------
    networkx.MultiDiGraph
        ``G`` itself.
    """
    key = id(G)
    outer = key in _SNAPSHOTS
    if not outer:
        _SNAPSHOTS[key] = {}
    try:
        yield G
    finally:
        if not outer:
            _SNAPSHOTS.pop(key, None)


_R = TypeVar("_R", bound=Callable[..., Any])


def reads_once(fn: _R) -> _R:
    """Run an analysis whose first argument is the graph inside :func:`snapshot`, so the analyses it
    calls (a target list computes the gap table, the gap table the anchors) share one read."""

    @functools.wraps(fn)
    def wrapper(G: nx.MultiDiGraph, *args: Any, **kwargs: Any) -> Any:
        with snapshot(G):
            return fn(G, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _snapshotted(fn: _F) -> _F:
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(G: nx.MultiDiGraph, *args: Any, **kwargs: Any) -> pd.DataFrame:
        cache = _SNAPSHOTS.get(id(G))
        if cache is None:
            with gc_paused():
                return fn(G, *args, **kwargs)
        state = _shape(G)
        if cache.get("_state") != state:
            cache.clear()
            cache["_state"] = state  # type: ignore[assignment]
        # the key of the arguments as bound, defaults filled in: members(G, spec) and
        # members(G, spec, roles="performer") are the same table
        bound = sig.bind(G, *args, **kwargs)
        bound.apply_defaults()
        try:
            key = (fn.__name__, _freeze(dict(list(bound.arguments.items())[1:])))
        except TypeError:  # an argument that cannot be a key (a DataFrame): no reuse
            with gc_paused():
                return fn(G, *args, **kwargs)
        if key not in cache:
            with gc_paused():
                cache[key] = fn(G, *args, **kwargs)
        return cache[key].copy()

    return wrapper  # type: ignore[return-value]


def _shape(G: nx.MultiDiGraph) -> tuple[int, int]:
    """Nodes and linked node pairs of ``G``, the snapshot's guard against a graph changed inside it.

    Not ``number_of_edges``: on a multigraph that walks a degree view of every node (over a second
    at 200,000 firms, per table asked for); the lengths of the successor dicts cost milliseconds."""
    return len(G), sum(map(len, G._succ.values()))


def _freeze(value: Any) -> Any:
    if isinstance(value, ChainSpec):
        return ("chain", value.id, str(value.path))
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, set | frozenset) else tuple(items)
    if isinstance(value, pd.DataFrame | pd.Series):
        raise TypeError("not a key")
    hash(value)
    return value


def rows(df: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``df`` as named tuples (``itertuples``), typed loosely for the analyses' loops.

    Parameters
    ----------
    df : pandas.DataFrame
        Any tidy table.

    Returns
    -------
    iterator
        One named tuple per row, the index first.
    """
    return iter(df.itertuples())


def region_levels(codes: pd.Series) -> pd.DataFrame:
    """Split 6-digit GB/T 2260 codes into province / city / county columns.

    A code ending in ``0000`` is a province (no city or county known), one ending in ``00`` a city
    (including the ``市辖区`` rows of municipalities and the 省直辖县级 placeholders such as 419000),
    anything else a county. Unknown or malformed codes give empty strings at every level.

    Parameters
    ----------
    codes : pandas.Series
        6-digit GB/T 2260 region codes.

    Returns
    -------
    pandas.DataFrame
        Columns ``province``, ``city``, ``county`` on the index of ``codes``.
    """
    return pd.DataFrame(
        {level: region_level(codes, level) for level in ("province", "city", "county")}, index=codes.index
    )


def region_level(codes: pd.Series, level: str) -> pd.Series:
    """The code of one level (``province``, ``city`` or ``county``) for each 6-digit region code.

    :func:`region_levels` gives all three; region totals of a million firms need only one.

    Parameters
    ----------
    codes : pandas.Series
        6-digit GB/T 2260 region codes.
    level : str
        ``"province"``, ``"city"`` or ``"county"``.

    Returns
    -------
    pandas.Series
        The code at that level, ``""`` when the code is malformed or coarser than ``level``.

    Raises
    ------
    ValueError
        ``level`` is not one of the three.
    """
    if level not in ("province", "city", "county"):
        raise ValueError(f"unknown region level {level!r}")
    # a million firms carry a few thousand distinct codes: derive each level once per distinct code
    # and spread it with one take, instead of five Python-level string passes over every row
    idx, uniq = pd.factorize(codes, use_na_sentinel=True)
    derived = [_level_of(u, level) for u in uniq]
    table = np.array([*derived, ""], dtype=object)  # the last slot: missing codes (sentinel -1)
    return pd.Series(table[idx], index=codes.index, dtype="str")


def _level_of(code: Any, level: str) -> str:
    s = str(code).strip()
    if len(s) != 6 or not s.isdigit():
        return ""
    if level == "province":
        return s[:2] + "0000"
    if level == "city":
        return "" if s.endswith("0000") else s[:4] + "00"
    return "" if s.endswith("00") else s


def region_names(codes: pd.Series) -> pd.Series:
    """Full names ("河南省商丘市梁园区") of 6-digit region codes, vectorised; "" when unknown.

    The placeholder rows of the admin table (市辖区, 省直辖县级行政区划) are left out of the name.

    Parameters
    ----------
    codes : pandas.Series
        6-digit GB/T 2260 region codes.

    Returns
    -------
    pandas.Series
        The full name of each code, on the index of ``codes``.
    """
    from chain_gap.codes import regions

    names = regions().set_index("code")["name"]
    names = names.where(~names.isin(["市辖区", "省直辖县级行政区划"]), "")
    lv = region_levels(codes)
    out = lv["province"].map(names).fillna("")
    for col in ("city", "county"):
        out = out + lv[col].map(names).fillna("")
    return out


_ATTRS = [
    "name",
    "uscc",
    "stock_code",
    "region",
    "region_inferred",
    "industry_code",
    "reg_capital",
    "revenue",
    "employees",
    "founded",
    "listed_on",
    "tags",
    "synthetic",
]


def _frame(
    ids: list[str],
    rows: Iterable[dict[str, Any]],
    cols: list[str],
    levels: Iterable[str] = ("province", "city", "county"),
) -> pd.DataFrame:
    rows = rows if isinstance(rows, list) else list(rows)
    values = [[a.get(c) for a in rows] for c in cols]  # one pass per column: twice the per-row loop's speed
    data: dict[str, Any] = {"ent_id": ids, **dict(zip(cols, values))}
    if "tags" in data:
        data["tags"] = [t if isinstance(t, list) else list(t) if t else [] for t in data["tags"]]
    if "synthetic" in data:
        data["synthetic"] = [bool(x) for x in data["synthetic"]]
    df = pd.DataFrame(data)
    df["ent_id"] = df["ent_id"].astype(object)
    for col in ("reg_capital", "revenue", "employees"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    if "region" in df:
        for level in levels:
            df[level] = region_level(df["region"], level)
    return df


@_snapshotted
def enterprises(
    G: nx.MultiDiGraph, columns: Iterable[str] | None = None, levels: Iterable[str] = ("province", "city", "county")
) -> pd.DataFrame:
    """One row per Enterprise node with its region split into province / city / county.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.
    columns : iterable of str, optional
        Attributes to extract (default all of :data:`ENTERPRISE_COLUMNS`); asking only for what an
        analysis needs (e.g. ``["region"]`` for region totals) saves most of the time on a million firms.
    levels : iterable of str
        Region levels to derive from ``region`` (default all three).

    Returns
    -------
    pandas.DataFrame
        ``ent_id``, the requested attributes and, when ``region`` is among them, ``province``, ``city``,
        ``county``; ``reg_capital`` and ``revenue`` in CNY (NaN when unknown), ``tags`` a list.
    """
    cols = list(columns) if columns is not None else list(_ATTRS)
    ids: list[str] = []
    rows: list[dict[str, Any]] = []
    for n, a in G.nodes(data=True):
        if a.get("kind") == vocab.ENTERPRISE:
            ids.append(n)
            rows.append(a)
    df = _frame(ids, rows, cols, levels)
    if columns is None:
        return df[ENTERPRISE_COLUMNS]
    return df


def links(G: nx.MultiDiGraph, chain: str | ChainSpec) -> pd.DataFrame:
    """The leaf links of ``chain`` in template order, with their level-2 group and weights.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (the template itself is read from ``chain``).
    chain : str or ChainSpec
        Chain id or spec.

    Returns
    -------
    pandas.DataFrame
        Columns link, link_node, link_name, link_name_en, stage, group, group_name, group_name_en,
        weight, industry_codes, upstream (leaf ids feeding it), downstream (leaf ids it feeds).
    """
    spec = load_chain(chain)
    rows = []
    for leaf in spec.leaves():
        top = leaf
        while top.parent is not None:
            top = spec.links[top.parent]
        rows.append(
            {
                "link": leaf.id,
                "link_node": link_id(spec.id, leaf.id),
                "link_name": leaf.name,
                "link_name_en": leaf.name_en,
                "stage": leaf.stage,
                "group": top.id,
                "group_name": top.name,
                "group_name_en": top.name_en,
                "weight": float(leaf.weight or 0.0),
                "industry_codes": list(leaf.industry_codes),
                "upstream": [a for a, b, _ in spec.feeds_edges() if b == leaf.id],
                "downstream": [b for a, b, _ in spec.feeds_edges() if a == leaf.id],
            }
        )
    return pd.DataFrame(rows)


@_snapshotted
def members(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec | None = None,
    *,
    roles: Iterable[str] | str | None = "performer",
    decisions: Iterable[str] | None = ("confirmed",),
    ents: pd.DataFrame | None = None,
    active_only: bool = False,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per enterprise–link membership (``LINKED_TO`` edge) with enterprise attributes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec, optional
        Restrict to one chain (default: all chains present in the graph).
    roles : str, iterable of str or None
        ``"performer"`` (default): firms whose role is the one that carries out the link — producers,
        or sellers / users for the distribution and service links a template marks with ``performer``;
        this is what gap analysis counts. A tuple of roles keeps those roles; None keeps all.
    decisions : iterable of str or None
        Decisions to keep (default confirmed); None keeps all.
    ents : pandas.DataFrame, optional
        The result of :func:`enterprises` when the caller already has it; by default the attributes of
        the member firms only are read from the graph.
    active_only : bool
        Leave out firms whose tags say they no longer operate (delisted, 注销, 吊销 …;
        :data:`chain_gap.vocab.INACTIVE_TAGS`); gap analysis and targeting set it.
    columns : iterable of str, optional
        The enterprise attributes to attach (default all of :data:`ENTERPRISE_COLUMNS`); with
        ``region`` among them, ``province`` / ``city`` / ``county`` come too. The all-cities gap
        table asks only for what it counts.

    Returns
    -------
    pandas.DataFrame
        ``ent_id``, ``chain``, ``link``, ``role``, ``confidence``, ``decision``, ``primary``, ``method``,
        ``evidence``, ``lines``, ``line_share``, then the enterprise attributes (the columns of ``ents``
        when given).
    """
    chain_id = load_chain(chain).id if chain is not None else None
    performer_only = roles == "performer"
    roles_ = None if roles is None or performer_only else {roles} if isinstance(roles, str) else set(roles)
    dec_ = set(decisions) if decisions is not None else None
    node, pred = _fastgraph.node_dict(G), _fastgraph.pred_dict(G)  # no view objects per edge
    targets = [
        n
        for n, a in node.items()
        if a.get("kind") == vocab.LINK and a.get("leaf") and (chain_id is None or a.get("chain") == chain_id)
    ]
    # one pass over the memberships keeps (firm, link, edge dict); the columns are then read one at
    # a time from those dicts, which is about twice as fast as building a tuple per edge
    us: list[Any] = []
    lids: list[Any] = []
    ds: list[dict[str, Any]] = []
    linked_to, is_inactive = vocab.LINKED_TO, vocab.is_inactive
    for lid in targets:
        for u, keydict in pred[lid].items():
            d = keydict.get(linked_to)
            if d is None:
                continue
            if performer_only:
                performs = d.get("performs", _UNSET)
                if not (d.get("role") == "producer" if performs is _UNSET else performs):
                    continue
            if roles_ is not None and d.get("role") not in roles_:
                continue
            if dec_ is not None and d.get("decision") not in dec_:
                continue
            if active_only:
                tags = node[u].get("tags")
                if tags and is_inactive(tags):
                    continue
            us.append(u)
            lids.append(lid)
            ds.append(d)
    chain_of = {lid: node[lid].get("chain") for lid in targets}
    leaf_of = {lid: lid.split("/", 1)[1] for lid in targets}
    data: dict[str, Any] = {
        "ent_id": us,
        "chain": [chain_of[x] for x in lids],
        "link": [leaf_of[x] for x in lids],
    }
    for col in ("role", "confidence", "decision"):
        data[col] = [d.get(col) for d in ds]
    data["primary"] = [bool(d.get("primary")) for d in ds]
    for col in ("method", "evidence", "lines", "line_share"):
        data[col] = [d.get(col) for d in ds]
    mem = pd.DataFrame(data if us else [], columns=_MEMBER_COLUMNS)  # no rows: object columns, as before
    mem["line_share"] = pd.to_numeric(mem["line_share"], errors="coerce").astype(float)
    if not us:
        mem = mem.astype({"ent_id": object, "chain": object, "link": object})
    if ents is not None:
        return mem.merge(ents, on="ent_id", how="left")
    firms = list(dict.fromkeys(us))
    cols = list(_ATTRS) if columns is None else [c for c in _ATTRS if c in set(columns)]
    attrs = _frame(firms, [node[f] for f in firms], cols)
    if columns is None:
        attrs = attrs[ENTERPRISE_COLUMNS]
    return mem.merge(attrs, on="ent_id", how="left")


_UNSET = object()
_MEMBER_COLUMNS = [
    "ent_id",
    "chain",
    "link",
    "role",
    "confidence",
    "decision",
    "primary",
    "method",
    "evidence",
    "lines",
    "line_share",
]
