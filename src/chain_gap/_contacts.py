"""The contacts side table of a graph: ``G.graph["contacts"]``, its merge and its Arrow form.

Interface (other modules rely on it): ``G.graph["contacts"]`` is a pandas DataFrame indexed by the
enterprise node id (``ent:…``, index name ``ent_id``) with the string columns
:data:`CONTACT_COLUMNS` (missing = NA); no key means no contacts were loaded. It is never part of
the graph-level JSON: :mod:`chain_gap.io` stores it as the bundle's side table ``contacts`` (in the
same manifest commit as the graph) and reads it back; :mod:`chain_gap.neo4j` writes it onto the
Enterprise nodes and pulls it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "CONTACTS",
    "CONTACT_COLUMNS",
    "attach",
    "from_arrow",
    "merge_contacts",
    "node_props",
    "of",
    "pop_node_props",
    "to_arrow",
    "without",
]

CONTACTS = "contacts"
"""The key in ``G.graph``, the bundle's side-table name and the ``io.load(only=...)`` key."""

CONTACT_COLUMNS = ("legal_rep", "phone", "email", "website", "address")
"""Columns of the contacts side table, in order."""


def of(G: nx.MultiDiGraph | None) -> pd.DataFrame | None:
    """The contacts table of ``G`` (None when none were loaded)."""
    if G is None:
        return None
    t = G.graph.get(CONTACTS)
    return t if t is not None and hasattr(t, "reindex") else None


def attach(df: pd.DataFrame, G: nx.MultiDiGraph | None, contacts: bool = True) -> pd.DataFrame:
    """``df`` (a table with an ``ent_id`` column) with the firms' contact columns added.

    Unchanged when ``contacts`` is False (outputs shared outside the bureau), when ``G`` holds no
    contacts or ``df`` no ``ent_id``; firms without contacts get empty cells.

    Parameters
    ----------
    df : pandas.DataFrame
        A target list, the local firms …
    G : networkx.MultiDiGraph or None
        The graph whose ``G.graph["contacts"]`` is read.
    contacts : bool
        False: leave them out.

    Returns
    -------
    pandas.DataFrame
        A new frame (``df`` is not changed).
    """
    table = of(G) if contacts else None
    if table is None or "ent_id" not in df.columns:
        return df
    sub = table.reindex(df["ent_id"].astype(str).to_numpy())
    out = df.copy()
    for c in CONTACT_COLUMNS:
        out[c] = [None if _na(v) else str(v) for v in sub[c].tolist()]
    return out


def node_props(G: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """Enterprise id → its non-empty contact values, for the firms of ``G`` (what Neo4j stores on the
    Enterprise nodes as the properties :data:`CONTACT_COLUMNS`).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.

    Returns
    -------
    dict
    """
    table = of(G)
    if table is None or not len(table):
        return {}
    nodes = G.nodes
    out: dict[str, dict[str, str]] = {}
    for nid, rec in zip(table.index, table.to_dict("records")):
        if nid in nodes and nodes[nid].get("kind") == "Enterprise":
            vals = {str(c): str(v) for c, v in rec.items() if not _na(v)}
            if vals:
                out[str(nid)] = vals
    return out


def pop_node_props(G: nx.MultiDiGraph) -> None:
    """Move contact properties of ``G``'s Enterprise nodes (a Neo4j pull) into ``G.graph["contacts"]``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The pulled graph, changed in place (no key is added when no firm has a contact).
    """
    found: dict[str, dict[str, str]] = {}
    for nid, a in G.nodes(data=True):
        if a.get("kind") != "Enterprise":
            continue
        vals = {c: str(a.pop(c)) for c in CONTACT_COLUMNS if c in a}
        vals = {c: v for c, v in vals.items() if v}
        if vals:
            found[str(nid)] = vals
    if found:
        G.graph[CONTACTS] = merge_contacts(None, found)


def without(attrs: dict[str, Any]) -> dict[str, Any]:
    """Graph-level data without the contacts table (what goes into the graph JSON)."""
    return {k: v for k, v in attrs.items() if k != CONTACTS} if CONTACTS in attrs else attrs


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """The table as Arrow (``ent_id`` first, every column a string), sorted by id, for the bundle.

    Parameters
    ----------
    df : pandas.DataFrame
        A contacts table.

    Returns
    -------
    pyarrow.Table
    """
    import pyarrow as pa

    d = df.reindex(columns=list(CONTACT_COLUMNS)).sort_index()
    arrays = [pa.array([str(i) for i in d.index], type=pa.string())]
    for c in CONTACT_COLUMNS:
        arrays.append(pa.array([None if _na(v) else str(v) for v in d[c].tolist()], type=pa.string()))
    return pa.table(arrays, names=["ent_id", *CONTACT_COLUMNS])


def from_arrow(table: pa.Table) -> pd.DataFrame:
    """The contacts table of a bundle's side table.

    Parameters
    ----------
    table : pyarrow.Table
        What :func:`to_arrow` wrote.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    cols = table.column_names
    data = {
        c: pd.array(table.column(c).to_pylist() if c in cols else [None] * table.num_rows, dtype="string")
        for c in CONTACT_COLUMNS
    }
    out = pd.DataFrame(data, index=pd.Index(table.column("ent_id").to_pylist(), name="ent_id", dtype=object))
    if not out.index.is_monotonic_increasing:  # parts appended (io.append): one table sorted by id again
        out = out.groupby(level=0, sort=True).last() if out.index.has_duplicates else out.sort_index()
    return out


def _na(v: Any) -> bool:
    import pandas as pd

    return v is None or (not isinstance(v, str) and bool(pd.isna(v))) or v == ""


def _blank_none(v: Any) -> Any:
    """A contact cell as the table holds it: ``""`` and None are missing, other values text."""
    return None if v is None or v == "" else str(v)


def merge_contacts(
    old: pd.DataFrame | None,
    new: dict[str, dict[str, str]] | pd.DataFrame,
    renamed: dict[str, str] | None = None,
    *,
    consume: bool = False,
) -> pd.DataFrame:
    """The contacts table after a load: ``old`` re-keyed by ``renamed``, then each non-empty new value
    replacing the old one of its firm and column (a newer export wins; an empty cell never erases).

    Parameters
    ----------
    old : pandas.DataFrame or None
        The table before the load.
    new : dict or pandas.DataFrame
        Enterprise id → column → value, from this load (or a contacts table appended).
    renamed : dict
        Old enterprise id → new id, for firms the load re-keyed.
    consume : bool
        Empty the dicts of ``new`` column by column as the table takes their values (the loader's
        own dicts: a column's strings are freed as its table column is made, instead of all of
        them coexisting with the whole table).

    Returns
    -------
    pandas.DataFrame
        Indexed by enterprise id (sorted), the :data:`CONTACT_COLUMNS` as strings, missing = NA.
    """
    import pandas as pd

    moved = renamed or {}

    def final(nid: str) -> str:
        seen = set()
        while nid in moved and nid not in seen:
            seen.add(nid)
            nid = moved[nid]
        return nid

    if isinstance(new, pd.DataFrame):
        fresh = new.reindex(columns=list(CONTACT_COLUMNS)).astype("string").replace("", pd.NA)
    else:
        # column by column from the loader's per-firm dicts: ``DataFrame.from_dict(orient="index")``
        # builds a row list and an object matrix of all firms first (~500 B a firm over the dicts)
        rows = new.values()
        take = (lambda r, c: r.pop(c, None)) if consume else dict.get
        fresh = pd.DataFrame(
            {c: pd.array([_blank_none(take(r, c)) for r in rows], dtype="string") for c in CONTACT_COLUMNS},
            index=pd.Index(list(new), dtype=object),
        )
    if old is not None and len(old):
        base = old.reindex(columns=list(CONTACT_COLUMNS)).astype("string").replace("", pd.NA)
        if moved:
            base.index = pd.Index([final(str(n)) for n in base.index], dtype=object)
            base = base[~base.index.duplicated(keep="last")]
        fresh = fresh.combine_first(base) if len(fresh) else base
    if (old is not None and len(old)) or isinstance(new, pd.DataFrame):  # else: made as stored just above
        fresh = fresh.reindex(columns=list(CONTACT_COLUMNS)).astype("string").replace("", pd.NA)
    out = fresh.sort_index()
    out.index = pd.Index([str(i) for i in out.index], name="ent_id", dtype=object)
    return out
