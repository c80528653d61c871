"""Where each enterprise value came from: field → ``"file:row"``, stored once per source.

The loader remembers, per enterprise, the ``file:row`` of every value it kept (see
:mod:`chain_gap.load.identity`). A million firms loaded from one export share one file and one set of
fields and differ only in the row number, so the graph stores the shared part once: the source
table ``G.graph["provenance_sources"]`` maps a short source id to ``{"where": "ents.csv:",
"fields": [...]}`` (the text before the row number and the fields taken from that row), and the
node's ``provenance`` property holds references, ``"<source id>:<row>"`` separated by spaces
(``"3f9c01ab:17"``: every listed field from ``ents.csv:17``).

A source id is the first 8 hex digits of the sha256 of its entry, so the same source has the same id
in every graph and bundle (tables of two graphs merge by union) and loading the same file twice
writes the same references. A node may also hold the provenance as a JSON object (bundles written
before schema version 2, graphs pulled from Neo4j, and the rare value whose source id would clash):
every reader here accepts both.

The analyst reads it with :func:`of` (the dict) or :func:`as_json` (the JSON text the property held
before: ``json.dumps(dict(sorted(...)), ensure_ascii=False)``); Neo4j receives that JSON text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["SOURCES", "Interner", "as_json", "expand", "merge_sources", "of"]

#: Key of ``G.graph`` holding the source table: source id → ``{"where": str, "fields": [str, ...]}``.
SOURCES = "provenance_sources"
PROPERTY = "provenance"


def _split(where: str) -> tuple[str, str]:
    """``where`` as (text before the trailing ASCII digits, the digits); either may be empty."""
    i = len(where)
    while i and where[i - 1] in "0123456789":
        i -= 1
    return where[:i], where[i:]


def _sid(head: str, fields: list[str]) -> str:
    text = json.dumps([head, fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def expand(value: Any, sources: Mapping[str, Any]) -> dict[str, str]:
    """The provenance ``value`` of a node (references or JSON) as field → ``"file:row"``, sorted by field.

    Parameters
    ----------
    value : str or None
        The node's ``provenance`` property.
    sources : mapping
        The graph's source table (``G.graph["provenance_sources"]``).

    Returns
    -------
    dict
        Empty when ``value`` is empty, or JSON that does not parse to an object.

    Raises
    ------
    ValueError
        A reference to a source the table lacks (a graph combined from another without
        :func:`merge_sources`).
    """
    if not value or not isinstance(value, str):
        return {}
    if value[0] == "{":
        try:
            p = json.loads(value)
        except ValueError:
            return {}
        return dict(sorted(p.items())) if isinstance(p, dict) else {}
    out: dict[str, str] = {}
    for piece in value.split(" "):
        sid, _, row = piece.partition(":")
        src = sources.get(sid)
        if src is None:
            raise ValueError(
                f"provenance {piece!r} names source {sid!r}, which G.graph[{SOURCES!r}] lacks "
                "(merge the source tables when combining graphs: chain_gap.provenance.merge_sources)"
            )
        where = src["where"] + row
        for f in src["fields"]:
            out[f] = where
    return dict(sorted(out.items()))


def of(G: nx.MultiDiGraph, nid: Any) -> dict[str, str]:
    """Where each value of node ``nid`` came from: field → ``"file:row"`` (sorted by field; ``{}`` when unknown).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.
    nid : str
        An enterprise id.

    Returns
    -------
    dict
    """
    return expand(G.nodes[nid].get(PROPERTY), G.graph.get(SOURCES) or {})


def as_json(G: nx.MultiDiGraph, nid: Any) -> str | None:
    """:func:`of` as the JSON text the ``provenance`` property held before sources were shared
    (``None`` when the node has none); what Neo4j stores.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.
    nid : str
        An enterprise id.

    Returns
    -------
    str or None
    """
    value = G.nodes[nid].get(PROPERTY)
    if value is None:
        return None
    if isinstance(value, str) and value[:1] == "{":
        return value
    return json.dumps(of(G, nid), ensure_ascii=False)


def merge_sources(graph: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Add the source table of another graph to ``graph``'s, so ``graph``'s graph can hold its nodes.

    Call it where one graph's ``G.graph`` is updated from another's (``G.graph.update(D.graph)``
    would replace the table, leaving ``G``'s own references unresolved).

    Parameters
    ----------
    graph : dict
        The receiving graph's ``G.graph`` (changed in place).
    other : mapping
        The other graph's ``G.graph``.
    """
    theirs = other.get(SOURCES)
    mine = graph.get(SOURCES)
    if theirs or mine:
        graph[SOURCES] = {**(mine or {}), **(theirs or {})}


class Interner:
    """Writes provenance references into one graph, adding sources to its table as they appear.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph; its ``G.graph["provenance_sources"]`` is created on the first new source.
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self._memo: dict[tuple[str, tuple[str, ...]], str | None] = {}

    def _source(self, head: str, fields: tuple[str, ...]) -> str | None:
        key = (head, fields)
        sid = self._memo.get(key, "")
        if sid != "":
            return sid
        names = sorted(set(fields))
        entry = {"where": head, "fields": names}
        sid = _sid(head, names)
        table = self.G.graph.get(SOURCES)
        if table is None:
            table = self.G.graph[SOURCES] = {}
        have = table.get(sid)
        if have is None:
            table[sid] = entry
        elif have != entry:  # an 8-digit clash: such nodes keep their provenance as JSON
            sid = None
        self._memo[key] = sid
        return sid

    def one(self, fields: tuple[str, ...], where: str) -> str:
        """The property value for a record whose ``fields`` all come from ``where``."""
        if not fields:
            return "{}"
        head, row = _split(where)
        sid = self._source(head, fields)
        if sid is None:
            return json.dumps(dict.fromkeys(sorted(fields), where), ensure_ascii=False)
        return f"{sid}:{row}"

    def many(self, p: Mapping[str, str]) -> str:
        """The property value for field → ``where`` (one reference per distinct ``where``)."""
        if not p:
            return "{}"
        by_where: dict[str, list[str]] = {}
        for f, where in p.items():
            by_where.setdefault(str(where), []).append(f)
        pieces = []
        for where in sorted(by_where):
            head, row = _split(where)
            sid = self._source(head, tuple(sorted(by_where[where])))
            if sid is None:
                return json.dumps(dict(sorted(p.items())), ensure_ascii=False)
            pieces.append(f"{sid}:{row}")
        return " ".join(pieces)
