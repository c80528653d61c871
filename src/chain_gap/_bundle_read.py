"""Building a :class:`networkx.MultiDiGraph` from a bundle's verified parts (what :func:`chain_gap.io.load`
does), optionally from only the kinds and properties one analysis reads.

Every row becomes networkx's own dicts (the analyst's view); memory is kept down by sharing strings:
repeated property values are one object each (:func:`chain_gap._bundle.decode_columns`), and the
adjacency dicts of the edges hold the node dicts' own id strings, not a copy per edge end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa

from chain_gap import _bundle as B
from chain_gap import _contacts, _fastgraph
from chain_gap._bundle import BundleError
from chain_gap._memory import release

__all__ = ["build"]


def _columns(meta: dict[str, Any], keys: tuple[str, ...], wanted: Iterable[str] | None) -> list[str] | None:
    if wanted is None:
        return None
    stored = set(meta["columns"])
    return [*keys, *sorted(stored.intersection(wanted))]


def build(
    root: Path, manifest: dict[str, Any], only: Mapping[str, Iterable[str] | None] | None = None
) -> nx.MultiDiGraph:
    """The graph of the bundle at ``root`` (``manifest`` already read), every part verified.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    manifest : dict
        Its manifest, in version-2 shape.
    only : mapping, optional
        Node or edge kind → the properties to read (``None``: all of them). Kinds not named are not
        read at all, and edges with an end of a kind not read are left out. Default: everything,
        with the row counts per kind and in total checked against the manifest.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    BundleError
        A part missing, damaged, or with other counts than the manifest's.
    """
    mpath = str(root / B.MANIFEST)
    G = nx.MultiDiGraph()
    G.graph.update(B.read_graph_attrs(root, manifest))
    contacts = manifest.get("tables", {}).get(_contacts.CONTACTS)
    if contacts is not None and (only is None or _contacts.CONTACTS in only):
        parts = [B.read_parquet(root, p, f"table {_contacts.CONTACTS}") for p in contacts["parts"]]
        G.graph[_contacts.CONTACTS] = _contacts.from_arrow(pa.concat_tables(parts))
        del parts
    totals = {"nodes": 0, "edges": 0}
    canon: dict[str, str] | None = None
    for section in ("nodes", "edges"):
        keys_ = B.KEYS[section]
        if section == "edges":
            canon = {k: k for k in G._node}  # edge ends share the node ids' strings
        for kind, meta in manifest[section].items():
            if only is not None and kind not in only:
                continue
            cols = _columns(meta, keys_, only[kind]) if only is not None else None
            added, complete = 0, True
            for part in meta["parts"]:
                table = B.read_parquet(root, part, f"{section} {kind}", columns=cols)
                keys, dicts = B.decode_columns(table, part.get("columns", meta["columns"]), keys_, kind)
                del table
                if section == "nodes":
                    added += _fastgraph.replace_nodes(G, keys[0], dicts)
                    continue
                if only is not None and canon is not None:  # leave out edges to kinds not read
                    keep = [u in canon and v in canon for u, v in zip(keys[0], keys[1], strict=True)]
                    if not all(keep):
                        complete = False
                        keys = [list(itertools.compress(k, keep)) for k in keys]
                        dicts = list(itertools.compress(dicts, keep))
                added += _fastgraph.replace_edges(G, kind, keys[0], keys[1], dicts, canon)
            if complete and added != meta["count"]:
                raise BundleError(
                    code="bundle-counts", file=mpath, what=f"{section} {kind}", found=added, expected=meta["count"]
                )
            totals[section] += added
    if only is None:
        totals["nodes"] = G.number_of_nodes()  # bare nodes made by edges to unknown ends count here
        for what, found in totals.items():
            if found != manifest["totals"][what]:
                raise BundleError(
                    code="bundle-counts", file=mpath, what=what, found=found, expected=manifest["totals"][what]
                )
    _fastgraph.clear_cache(G)
    # the decoded Arrow tables are gone; hand the pages Arrow's and the C allocator kept back to the system
    # (~10 % of what a read holds; the graph lives in Python's own allocator, never here)
    release()
    return G
