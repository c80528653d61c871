"""Writing nodes and edges straight into a :class:`networkx.MultiDiGraph`'s dicts.

A relation file of chain-kg holds 10^5 rows; ``MultiDiGraph.add_node`` / ``add_edge`` cost more per
call than everything else the loader does for such a row (argument packing, attribute-dict
factories, cache invalidation). For a plain ``MultiDiGraph`` (the dict factories networkx uses by
default) :class:`FastGraph` writes what those methods would write, directly; for any other graph
class it calls them. This module is the only place in chain-gap that touches networkx's private
attributes; ``tests/test_load_fastgraph.py`` checks that it builds the same graph as
:func:`chain_gap.schema.add_node` / :func:`~chain_gap.schema.add_edge`.

The edge key is the edge kind (one edge per ``(u, v, kind)``, as ``schema.add_edge`` makes), and the
caller validates what it writes: the loader sends the first node and edge of each shape through
``schema`` before it uses these methods for the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

__all__ = [
    "KEY_SHARING",
    "FastGraph",
    "SharedAttrs",
    "attr_dict",
    "clear_cache",
    "new_keydict",
    "node_dict",
    "pred_dict",
    "replace_edges",
    "replace_nodes",
    "shared_attrs",
    "update_edge",
]


class SharedAttrs(dict):
    """The one attribute dict ``{"kind": K}`` every edge of kind ``K`` without properties refers to.

    A million firms have two such edges each (LOCATED_IN, CLASSIFIED_AS); a dict apiece would be
    ~200 B an edge. It reads like any edge-data dict; a write that would change it raises
    ``TypeError`` (it would change every edge of the kind): give the edge its own data with
    ``G.remove_edge(u, v, key)`` then ``G.add_edge(u, v, key, kind=K, **attrs)``, or
    :func:`chain_gap.schema.add_edge`, which does that for you. Pickling and ``copy.deepcopy`` keep it
    shared; ``G.copy()`` gives each edge a plain dict.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"the data of {self.get('kind')} edges without properties is one shared, read-only dict; "
            "to give one edge its own properties use chain_gap.schema.add_edge(G, u, v, kind, ...) "
            "or G.remove_edge(u, v, key) then G.add_edge(u, v, key, kind=..., ...)"
        )

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self or self[key] != value:
            self._refuse()

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v  # allowed only when it changes nothing

    def __ior__(self, other: Any) -> SharedAttrs:  # type: ignore[misc]
        self.update(other)
        return self

    __delitem__ = clear = pop = popitem = setdefault = _refuse

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return shared_attrs, (str(self["kind"]),)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedAttrs:
        return self


_SHARED: dict[str, SharedAttrs] = {}

# ------------------------------------------------------------------ key-sharing dicts

KEY_SHARING = sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
"""Whether :func:`attr_dict` makes key-sharing dicts (CPython 3.11, where their layout was measured)."""

_MAKERS: dict[tuple[str, str, tuple[str, ...]], Callable[[], dict[str, Any]]] = {}


def attr_dict(family: str, kind: str, keys: Iterable[str]) -> Callable[[], dict[str, Any]]:
    """A maker of empty attribute dicts that share one key table, for dicts that hold ``keys``.

    CPython stores the keys of an instance ``__dict__`` once per class (a *split table*, PEP 412):
    such a dict is a real ``dict`` (``type(d) is dict``; it pickles, copies and compares like any
    other) but holds only its values. A firm's 15 attributes take ~224 B instead of ~472 B; a
    ``{kind: data}`` key dict of a (u, v) pair 96 B instead of 192 B. Keys may be added, deleted and
    inserted in any order; a dict CPython cannot keep split (more keys than the table has room
    for, a non-``str`` key) silently becomes an ordinary one. Elsewhere (other Pythons lay out instance
    dicts differently; not measured) the maker is ``dict``.

    The table is filled with ``keys`` before the first dict is made (a table that grows after
    dicts were made turns them into ordinary dicts at twice the size), so there is one class per
    ``(family, kind, keys)``.

    Parameters
    ----------
    family : str
        ``"node"``, ``"edge"`` or ``"keys"`` (the key dicts of adjacency pairs).
    kind : str
        The node or edge kind.
    keys : iterable of str
        Every key the dicts are expected to hold (at most 30), in their usual order.

    Returns
    -------
    callable
        ``make()`` returns a new empty dict.
    """
    names = tuple(keys)
    make = _MAKERS.get((family, kind, names))
    if make is None:
        if KEY_SHARING and len(names) <= 30:
            cls = type(f"_{family}_{kind}", (), {"__module__": __name__})

            def make(cls: type = cls) -> dict[str, Any]:
                return cls().__dict__

            seed = make()
            for k in names:
                seed[k] = None
        else:
            make = dict
        _MAKERS[(family, kind, names)] = make
    return make


_KEYDICTS: dict[str, Callable[[], dict[str, Any]]] = {}


def new_keydict(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A new key dict ``{kind: data}`` of a (u, v) pair (what networkx keeps per pair), key-sharing.

    The successor and predecessor maps share it, as ``MultiDiGraph.add_edge`` does; networkx adds
    and deletes its keys (another edge kind on the pair, ``remove_edge``) like any dict's.
    """
    make = _KEYDICTS.get(kind)
    if make is None:
        make = _KEYDICTS[kind] = attr_dict("keys", kind, (kind,))
    d = make()
    d[kind] = data
    return d


def shared_attrs(kind: str) -> SharedAttrs:
    """The shared read-only data ``{"kind": kind}`` of every edge of ``kind`` without properties."""
    d = _SHARED.get(kind)
    if d is None:
        d = dict.__new__(SharedAttrs)
        dict.__setitem__(d, "kind", kind)
        d = _SHARED.setdefault(kind, d)
    return d


def update_edge(G: nx.MultiDiGraph, u: Any, v: Any, key: Any, props: dict[str, Any]) -> None:
    """``G.edges[u, v, key].update(props)``, giving the edge its own dict first when it holds the shared one."""
    keydict = G._succ[u][v]
    data = keydict[key]
    if type(data) is SharedAttrs:
        if all(k in data and data[k] == val for k, val in props.items()):
            return
        keydict[key] = {**data, **props}  # the successor and predecessor maps share this keydict
        clear_cache(G)
    else:
        data.update(props)


class FastGraph:
    """Bulk writes into one graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph written to. Call :meth:`changed` when done: direct writes do not clear the
        conversion cache networkx keeps on the graph.

    Attributes
    ----------
    nodes : dict
        The graph's node id → attribute dict (read it; add nodes through :meth:`add_node`).
    plain : bool
        True when ``G`` is exactly a ``MultiDiGraph``, whose dicts are written directly.
    """

    __slots__ = ("G", "_adj", "_pred", "_succ", "nodes", "plain")

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.plain = type(G) is nx.MultiDiGraph
        self.nodes: dict[Any, dict[str, Any]] = G._node
        self._adj: dict[Any, dict[Any, dict[Any, dict[str, Any]]]] = G._adj
        self._succ: dict[Any, dict[Any, dict[Any, dict[str, Any]]]] = G._succ
        self._pred: dict[Any, dict[Any, dict[Any, dict[str, Any]]]] = G._pred

    def add_node(self, nid: str, attrs: dict[str, Any]) -> None:
        """Add the node ``nid``, not yet in the graph, with ``attrs`` (the dict itself is kept)."""
        if self.plain:  # what MultiDiGraph.add_node does for a new node
            self._succ[nid] = {}
            self._pred[nid] = {}
            self.nodes[nid] = attrs
        else:
            self.G.add_node(nid, **attrs)

    def add_nodes(self, nodes: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """:meth:`add_node` for each ``(id, attrs)``."""
        for nid, attrs in nodes:
            self.add_node(nid, attrs)

    def add_edge(self, u: str, v: str, kind: str, props: dict[str, Any] | None = None) -> bool:
        """Add the edge ``(u, v, kind)`` between two nodes of the graph, or update it.

        A new edge holds ``{"kind": kind, **props}``; an existing one is updated with ``props``.
        ``props`` must not hold ``None`` values (the schema never stores them).

        Returns
        -------
        bool
            True when the edge is new.
        """
        keydict = self._adj[u].get(v)
        if keydict is not None:
            data = keydict.get(kind)
            if data is not None:
                if props:
                    if type(data) is SharedAttrs:
                        keydict[kind] = {**data, **props}
                    else:
                        data.update(props)
                return False
        if not self.plain:
            if props:
                self.G.add_edge(u, v, key=kind, kind=kind, **props)
            else:
                self.G.add_edge(u, v, key=kind, kind=kind)
            return True
        # what MultiDiGraph.add_edge does for two existing nodes, without its per-call overhead
        data = {"kind": kind, **props} if props else shared_attrs(kind)
        if keydict is None:
            self._succ[u][v] = self._pred[v][u] = new_keydict(kind, data)
        else:
            keydict[kind] = data
        return True

    def add_edge_data(self, u: str, v: str, kind: str, data: dict[str, Any]) -> None:
        """Set the data of edge ``(u, v, kind)`` between two nodes of the graph to ``data`` itself.

        ``data`` (a fresh dict holding ``"kind"``, e.g. from :func:`attr_dict`) replaces what the edge
        held, as ``G.add_edge(u, v, key=kind, **data)`` on a new edge would store a copy of it; a
        (u, v) pair without edges gets a key-sharing key dict. For a graph class other than a plain
        ``MultiDiGraph`` this is ``remove_edge`` (if there) then ``add_edge``.
        """
        if not self.plain:
            if self.G.has_edge(u, v, kind):
                self.G.remove_edge(u, v, kind)
            self.G.add_edge(u, v, key=kind, **data)
            return
        keydict = self._succ[u].get(v)
        if keydict is None:
            self._succ[u][v] = self._pred[v][u] = new_keydict(kind, data)
        else:
            keydict[kind] = data

    def add_edges(self, edges: Iterable[tuple[str, str, str, dict[str, Any] | None]]) -> int:
        """:meth:`add_edge` for each ``(u, v, kind, props)``; return how many were new."""
        add = self.add_edge
        return sum(add(u, v, kind, props) for u, v, kind, props in edges)

    def targets(self, u: str, kind: str) -> list[str]:
        """The nodes ``u`` has an edge of ``kind`` to."""
        return [v for v, keydict in self._succ[u].items() if kind in keydict]

    def changed(self) -> None:
        """Clear the conversion cache networkx keeps on the graph, as its own methods do after
        each change (call once after a series of direct writes)."""
        cache = getattr(self.G, "__networkx_cache__", None)
        if cache:
            cache.clear()


def node_dict(G: nx.MultiDiGraph) -> dict[Any, dict[str, Any]]:
    """Node id → attribute dict of ``G`` (what ``G.nodes[n]`` returns, without a view per call); read only."""
    return G._node


def pred_dict(G: nx.MultiDiGraph) -> dict[Any, dict[Any, dict[Any, dict[str, Any]]]]:
    """Node → predecessor → key → edge data of ``G`` (what ``G.pred`` shows); read only."""
    return G._pred


# the bundle reader: rows of immutable parts, a later part replacing an earlier row


def replace_nodes(G: nx.MultiDiGraph, ids: list[str], dicts: list[dict[str, Any]]) -> int:
    """Add one part's node rows; a row whose id exists replaces that node's data. Returns the new nodes.

    Fills networkx's adjacency dicts directly (what ``add_nodes_from`` does, without copying each
    row's dict): the rows are fresh dicts made for this graph.
    """
    node, succ, pred = G._node, G._succ, G._pred
    new = 0
    for nid, d in zip(ids, dicts, strict=True):
        attrs = node.get(nid)
        if attrs is None:
            node[nid] = d
            succ[nid] = {}
            pred[nid] = {}
            new += 1
        else:  # a later part replaces the row, not merges into it
            attrs.clear()
            attrs.update(d)
    return new


def replace_edges(
    G: nx.MultiDiGraph,
    kind: str,
    us: list[str],
    vs: list[str],
    dicts: list[dict[str, Any]],
    canon: dict[str, str] | None = None,
) -> int:
    """Add one part's edge rows with key ``kind``; an existing (u, v, kind) is replaced. Returns the new edges.

    As ``MultiDiGraph.add_edge`` does, the successor and predecessor maps share one key dict per
    (u, v); an end that is not a node becomes a bare node (the totals check then refuses the bundle).
    ``canon`` maps a node id to the very string object the node dict holds, so the adjacency keys of
    millions of edges share their ends' strings instead of holding a copy each.
    """
    succ, pred = G._succ, G._pred
    for x in {*us, *vs}.difference(succ):
        G.add_node(x)
    if canon is not None:
        get = canon.get
        us = [get(u, u) for u in us]
        vs = [get(v, v) for v in vs]
    new = 0
    make_keydict = attr_dict("keys", kind, (kind,))
    for u, v, d in zip(us, vs, dicts, strict=True):
        su = succ[u]
        keydict = su.get(v)
        if keydict is None:
            kd = make_keydict()
            kd[kind] = d
            su[v] = pred[v][u] = kd
            new += 1
            continue
        old = keydict.get(kind)
        if old is None:
            keydict[kind] = d
            new += 1
        elif type(old) is SharedAttrs or type(d) is SharedAttrs:
            keydict[kind] = d  # the row replaces the edge's data (never written into a shared dict)
        else:
            old.clear()
            old.update(d)
    return new


def clear_cache(G: nx.MultiDiGraph) -> None:
    """Drop networkx's cached views of ``G`` after direct writes (networkx ≥ 3.3 caches them)."""
    if hasattr(nx, "_clear_cache"):
        nx._clear_cache(G)
