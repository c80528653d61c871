"""The graph model: node kinds, ids and edge kinds from ``graph/schema.yaml``.

The graph is a plain :class:`networkx.MultiDiGraph`. These helpers only make sure
that what goes in has a namespaced id, a ``kind`` and the required properties, so
that every later stage (frames, Neo4j push, bundle files) can rely on them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import networkx as nx
import yaml

from chain_gap import _fastgraph, vocab
from chain_gap._resources import graph_dir
from chain_gap.errors import ChainGapError


class SchemaError(ChainGapError, ValueError):
    """A node or edge that does not fit ``graph/schema.yaml``."""

    default_code = "schema-error"


@cache
def schema() -> dict[str, Any]:
    """The parsed ``graph/schema.yaml``.

    Returns
    -------
    dict
        ``nodes`` and ``edges``, each kind → its spec (prefix, required and optional properties).
    """
    with open(graph_dir() / "schema.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def node_kinds() -> list[str]:
    """Names of the node kinds, in schema order.

    Returns
    -------
    list of str
    """
    return list(schema()["nodes"])


def edge_kinds() -> list[str]:
    """Names of the edge kinds, in schema order.

    Returns
    -------
    list of str
    """
    return list(schema()["edges"])


def node_id(kind: str, key: str) -> str:
    """The namespaced id of a node, e.g. ``node_id("Region", "411400") == "region:411400"``.

    Parameters
    ----------
    kind : str
        A node kind of the schema (``"Enterprise"``, ``"Region"`` …).
    key : str
        The node's key within its kind; surrounding blanks are stripped.

    Returns
    -------
    str
        ``<prefix>:<key>``.

    Raises
    ------
    SchemaError
        Unknown kind or empty key.
    """
    spec = schema()["nodes"].get(kind)
    if spec is None:
        raise SchemaError(f"unknown node kind {kind!r}; expected one of {node_kinds()}")
    key = str(key).strip()
    if not key:
        raise SchemaError(f"empty key for a {kind} node")
    return f"{spec['prefix']}:{key}"


def link_id(chain: str, link: str) -> str:
    """Id of a chain link node: ``link:<chain>/<link>``.

    Parameters
    ----------
    chain : str
        Chain id.
    link : str
        Link id within the chain.

    Returns
    -------
    str
    """
    return node_id(vocab.LINK, f"{chain}/{link}")


def name_hash(name_norm: str, region: str | None = None) -> str:
    """Stable short hash used as enterprise key when there is no USCC or stock code.

    Parameters
    ----------
    name_norm : str
        The normalised firm name.
    region : str, optional
        Region code, so that namesakes in different regions get different keys.

    Returns
    -------
    str
        16 hexadecimal characters.
    """
    raw = f"{name_norm}|{region or ''}".encode()
    return hashlib.sha1(raw).hexdigest()[:16]


def add_node(G: nx.MultiDiGraph, kind: str, key: str, **props: Any) -> str:
    """Add (or update) a node of ``kind`` with namespaced id; return the id.

    Properties given as ``None`` are not stored, so a later source cannot erase a
    known value with a blank one. Required properties must be present after the
    update.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph, modified in place.
    kind : str
        A node kind of the schema.
    key : str
        The node's key within its kind.
    **props
        Node properties; ``None`` values are skipped.

    Returns
    -------
    str
        The node id.

    Raises
    ------
    SchemaError
        Unknown kind, a node of another kind with that id, or a required property missing.
    """
    nid = node_id(kind, key)
    spec = schema()["nodes"][kind]
    clean = {k: v for k, v in props.items() if v is not None}
    if nid in G:
        existing = G.nodes[nid]
        if existing.get("kind") != kind:
            raise SchemaError(f"node {nid} exists with kind {existing.get('kind')!r}, not {kind!r}")
        existing.update(clean)
        attrs = existing
    else:
        G.add_node(nid, kind=kind, **clean)
        attrs = G.nodes[nid]
    missing = [p for p in spec.get("required", []) if attrs.get(p) in (None, "")]
    if missing:
        raise SchemaError(f"{kind} node {nid} lacks required properties {missing}")
    return nid


def add_edge(G: nx.MultiDiGraph, u: str, v: str, kind: str, **props: Any) -> str:
    """Add an edge of ``kind`` between existing nodes; one edge per (u, v, kind).

    The edge key is the kind, so adding the same edge twice updates it instead of
    duplicating it: loads stay idempotent.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph, modified in place.
    u, v : str
        Ids of the start and end nodes, both already in ``G``.
    kind : str
        An edge kind of the schema, allowed between the kinds of ``u`` and ``v``.
    **props
        Edge properties; ``None`` values are skipped.

    Returns
    -------
    str
        The edge key (``kind``).

    Raises
    ------
    SchemaError
        Unknown kind, a missing end node, ends of the wrong kinds or a required property missing.
    """
    spec = schema()["edges"].get(kind)
    if spec is None:
        raise SchemaError(f"unknown edge kind {kind!r}; expected one of {edge_kinds()}")
    for end, allowed in ((u, spec["from"]), (v, spec["to"])):
        if end not in G:
            raise SchemaError(f"{kind} edge {u} -> {v}: node {end} is not in the graph")
        if G.nodes[end].get("kind") not in allowed:
            raise SchemaError(f"{kind} edge {u} -> {v}: {end} is a {G.nodes[end].get('kind')}, expected {allowed}")
    missing = [p for p in spec.get("required", []) if props.get(p) in (None, "")]
    if missing:
        raise SchemaError(f"{kind} edge {u} -> {v} lacks required properties {missing}")
    clean = {k: val for k, val in props.items() if val is not None}
    if G.has_edge(u, v, key=kind):
        _fastgraph.update_edge(G, u, v, kind, clean)
    else:
        G.add_edge(u, v, key=kind, kind=kind, **clean)
    return kind


def validate(G: nx.MultiDiGraph) -> list[str]:
    """Check every node and edge against the schema.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.

    Returns
    -------
    list of str
        One line per problem; empty when the graph is valid.
    """
    problems: list[str] = []
    nodes = schema()["nodes"]
    edges = schema()["edges"]
    prefixes = {spec["prefix"]: kind for kind, spec in nodes.items()}
    for nid, attrs in G.nodes(data=True):
        kind = attrs.get("kind")
        if kind not in nodes:
            problems.append(f"node {nid}: unknown kind {kind!r}")
            continue
        prefix = str(nid).split(":", 1)[0]
        if prefixes.get(prefix) != kind:
            problems.append(f"node {nid}: id prefix {prefix!r} does not match kind {kind}")
        for p in nodes[kind].get("required", []):
            if attrs.get(p) in (None, ""):
                problems.append(f"node {nid}: missing required property {p!r}")
    for u, v, _k, attrs in G.edges(keys=True, data=True):
        kind = attrs.get("kind")
        spec = edges.get(kind)
        if spec is None:
            problems.append(f"edge {u}->{v}: unknown kind {kind!r}")
            continue
        if G.nodes[u].get("kind") not in spec["from"] or G.nodes[v].get("kind") not in spec["to"]:
            problems.append(f"edge {u}->{v} ({kind}): {G.nodes[u].get('kind')} -> {G.nodes[v].get('kind')} not allowed")
        for p in spec.get("required", []):
            if attrs.get(p) in (None, ""):
                problems.append(f"edge {u}->{v} ({kind}): missing required property {p!r}")
    return problems
