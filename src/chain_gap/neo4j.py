"""Neo4j as the system of record beyond one machine: push, pull and bulk-import files.

Three ways between the in-memory graph and Neo4j 5:

* :func:`push` — batched, parameterised ``UNWIND … MERGE`` per node kind and edge kind, after the
  uniqueness constraints and indexes generated from ``graph/schema.yaml``; idempotent.
* :func:`export_admin_import` — CSV files in the ``neo4j-admin database import full`` header format,
  for first loads at national scale (tens of millions of firms), with a README giving the command.
* :func:`pull` — a chain-scoped subgraph back into a plain ``networkx.MultiDiGraph`` with the same ids,
  kinds and property types, so ``gaps.table``, ``targets.rank`` and the chain map run unchanged.

Mapping. A node of kind ``K`` becomes a node with label ``K`` and its namespaced id in the property
``id`` (unique per label); an edge of kind ``T`` becomes a relationship of type ``T`` (one per
(start, end, type), like the MultiDiGraph key). Property values travel only as query parameters: the
query texts are fixed templates in which only labels and relationship types from the trusted schema
appear, and those are checked against ``^[A-Za-z_][A-Za-z0-9_]*$`` too. Values Neo4j cannot store
natively (dicts, mixed lists) are stored as JSON strings; which properties were encoded is recorded
on the single ``(:ChainGapMeta {id: 'meta'})`` node, which also holds the graph-level data
(``G.graph``: reviewer overrides, data vintage …) as one JSON string, so a pull restores both.

Credentials come only from the environment (``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``,
optionally ``NEO4J_DATABASE``), never from arguments that would end up in shell history.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import math
import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from chain_gap import _contacts, provenance, vocab
from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError
from chain_gap.schema import schema

ID_SPACE = "cg"
"""The one ``neo4j-admin`` ID space: node ids are namespaced already (``ent:…``, ``link:…``)."""
META_LABEL = "ChainGapMeta"
META_ID = "meta"
PULL_KEY = "neo4j_pull"
"""``G.graph`` key describing what a pulled graph holds (chain, region, enterprises); never pushed."""

INDEXED: dict[str, tuple[str, ...]] = {
    vocab.ENTERPRISE: ("region", "uscc", "stock_code", "name_norm", "industry_code"),
    vocab.LINK: ("chain",),
    vocab.REGION: ("level",),
    vocab.INDUSTRY: ("code",),
}
"""Properties that pulls and the cookbook filter on (beyond ``id``, which the constraints index)."""

STUB_PROPERTIES = ("name", "region", "revenue", "reg_capital", "employees", "synthetic", "linkable", "tags")
"""What a pull keeps of enterprises not linked to the chain: enough for the LQ denominators, which count
only the population the linker could place (``linkable``) and leave out delisted firms (``tags``)."""

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REGION_RE = re.compile(r"^\d{6}$")
_DB_RE = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{0,62}$")
_TRANSIENT_NAMES = ("TransientError", "ServiceUnavailable", "SessionExpired")
_ARRAY_DELIMITERS = (";", "|", "\x1f")
_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
_sleep = time.sleep


class Neo4jError(ChainGapError):
    """A Neo4j problem users can act on (no server configured, authentication, unreachable, bad data)."""

    default_code = "neo4j-error"


# --------------------------------------------------------------------------- schema → Cypher


def _name(x: str, what: str = "label") -> str:
    """``x`` if it is a safe Cypher identifier, else :class:`Neo4jError` (never interpolate anything else)."""
    if not isinstance(x, str) or not _NAME_RE.match(x):
        raise Neo4jError(f"{what} {x!r} is not a plain identifier; refusing to put it into Cypher")
    return x


def constraints() -> list[str]:
    """One uniqueness constraint on ``id`` per node label of the schema (plus the meta node).

    Uniqueness constraints are available in Neo4j 5 Community and give the ``MERGE`` lookups of
    :func:`push` an index; ``IF NOT EXISTS`` makes re-running them a no-op.
    """
    labels = list(schema()["nodes"]) + [META_LABEL]
    return [
        f"CREATE CONSTRAINT cg_{_name(lab).lower()}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE"
        for lab in labels
    ]


def indexes() -> list[str]:
    """Range indexes on the properties pulls and cookbook queries filter on (:data:`INDEXED`).

    Range indexes also serve ``STARTS WITH``, which is how a region-scoped pull selects the
    enterprises of a province or city by code prefix.
    """
    nodes = schema()["nodes"]
    out = []
    for label, props in INDEXED.items():
        if label not in nodes:
            raise Neo4jError(f"index on unknown node kind {label!r}; graph/schema.yaml has {list(nodes)}")
        for p in props:
            if p not in nodes[label].get("properties", {}):
                raise Neo4jError(f"index on {label}.{p}, which graph/schema.yaml does not define")
            out.append(
                f"CREATE INDEX cg_{_name(label).lower()}_{_name(p, 'property')} IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.{p})"
            )
    return out


def constraints_script() -> str:
    """The text of ``graph/cypher/constraints.cypher`` (constraints and indexes, one per line)."""
    head = [
        "// chain-gap: uniqueness constraints and indexes for Neo4j 5, generated from graph/schema.yaml",
        "// by chain_gap.neo4j.constraints_script(); do not edit by hand (a test compares this file).",
        "// Run after `neo4j-admin database import full`, e.g.:",
        '//   cypher-shell -a "$NEO4J_URI" -u "$NEO4J_USER" -p "$NEO4J_PASSWORD" -f constraints.cypher',
        "// chain_gap.neo4j.push runs the same statements itself.",
        "",
        "// one node per id and label",
    ]
    body = [f"{q};" for q in constraints()] + ["", "// properties that pulls and the cookbook filter on"]
    body += [f"{q};" for q in indexes()]
    return "\n".join(head + body) + "\n"


def _node_query(label: str) -> str:
    return (
        f"UNWIND $rows AS row\nMERGE (n:{_name(label)} {{id: row.id}})\nSET n += row.props\nRETURN count(*) AS written"
    )


def _edge_query(rel_type: str, src: str, dst: str) -> str:
    return (
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{_name(src)} {{id: row.source}})\n"
        f"MATCH (b:{_name(dst)} {{id: row.target}})\n"
        f"MERGE (a)-[r:{_name(rel_type, 'relationship type')}]->(b)\n"
        f"SET r += row.props\n"
        f"RETURN count(*) AS written"
    )


_META_READ = "MATCH (m:ChainGapMeta {id: $id}) RETURN m.json_properties AS json_properties, m.graph AS graph"
_META_WRITE = (
    "MERGE (m:ChainGapMeta {id: $id})\n"
    "SET m.graph = $graph, m.json_properties = $json_properties, m.schema_version = $schema_version\n"
    "RETURN count(*) AS written"
)

# --------------------------------------------------------------------------- property values


def _py(v: Any) -> Any:
    """numpy scalars / arrays → Python values; everything else unchanged."""
    mod = type(v).__module__
    if mod == "numpy":
        return v.tolist() if hasattr(v, "tolist") else v.item()
    return v


def _value_type(v: Any) -> str:
    v = _py(v)
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int" if -(2**63) <= v < 2**63 else "json"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, (list, tuple)):
        inner = {_value_type(x) for x in v}
        if not inner:
            return "list"
        if len(inner) == 1 and (t := next(iter(inner))) in ("str", "int", "float", "bool"):
            return f"list_{t}"
        if inner == {"int", "float"}:
            return "list_float"
        return "json"
    return "json"


def _merge_types(types: set[str]) -> str:
    """One storage type per property of a kind (for JSON decoding and the typed CSV columns)."""
    if not types:
        return "str"
    if len(types) == 1:
        t = next(iter(types))
        return "list_str" if t == "list" else t
    if types == {"int", "float"}:
        return "float"
    lists = types - {"list"}
    if all(t.startswith("list_") for t in lists):
        if len(lists) == 1:
            return next(iter(lists))
        if lists == {"list_int", "list_float"}:
            return "list_float"
    return "json"


def _check_node(nid: Any, attrs: Mapping[str, Any]) -> str:
    kind = attrs.get("kind")
    if kind is None:
        raise Neo4jError(f"node {nid!r} has no 'kind'; cannot write it to Neo4j")
    if kind not in schema()["nodes"]:
        raise Neo4jError(f"node {nid!r} has kind {kind!r}, which graph/schema.yaml does not define")
    if not isinstance(nid, str):
        raise Neo4jError(f"node id {nid!r} is not a string")
    if "id" in attrs:
        raise Neo4jError(f"node {nid}: property 'id' is reserved for the node id in Neo4j")
    return kind


def _check_edge(u: Any, v: Any, attrs: Mapping[str, Any]) -> str:
    kind = attrs.get("kind")
    if kind is None:
        raise Neo4jError(f"edge {u!r} -> {v!r} has no 'kind'; cannot write it to Neo4j")
    if kind not in schema()["edges"]:
        raise Neo4jError(f"edge {u} -> {v} has kind {kind!r}, which graph/schema.yaml does not define")
    return kind


def property_types(G: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """Storage type of every property per node kind and edge kind.

    Types: ``bool``, ``int``, ``float``, ``str``, ``list_str`` / ``list_int`` / ``list_float`` /
    ``list_bool`` (homogeneous lists, which Neo4j stores natively) and ``json`` (anything else:
    dicts, mixed lists, a property holding strings on some nodes and numbers on others), which is
    stored as a JSON string and decoded again on pull. Also checks every node and edge has a
    schema kind.
    """
    seen: dict[str, dict[str, set[str]]] = {}
    for nid, attrs in G.nodes(data=True):
        kind = _check_node(nid, attrs)
        d = seen.setdefault(kind, {})
        for k, val in attrs.items():
            if k != "kind" and val is not None:
                d.setdefault(k, set()).add(_value_type(val))
    for u, v, attrs in G.edges(data=True):
        kind = _check_edge(u, v, attrs)
        d = seen.setdefault(kind, {})
        for k, val in attrs.items():
            if k != "kind" and val is not None:
                d.setdefault(k, set()).add(_value_type(val))
    return {kind: {p: _merge_types(ts) for p, ts in props.items()} for kind, props in seen.items()}


def json_properties(types: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
    """Per kind, the properties stored as JSON strings (from :func:`property_types`)."""
    out = {kind: sorted(p for p, t in props.items() if t == "json") for kind, props in types.items()}
    return {k: v for k, v in sorted(out.items()) if v}


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def _encode(v: Any, ctype: str) -> Any:
    v = _py(v)
    if ctype == "json":
        return _dumps(v)
    if ctype == "list_float":
        return [float(x) for x in v]
    if ctype.startswith("list_"):
        return list(v)
    return v


def _props(attrs: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    return {k: _encode(v, types.get(k, "json")) for k, v in attrs.items() if k != "kind" and v is not None}


def _graph_json(G: nx.MultiDiGraph) -> str:
    # the contacts side table goes onto the Enterprise nodes instead (see node_batches), and so does
    # the provenance source table (each node gets its provenance as JSON text)
    return _dumps({k: v for k, v in G.graph.items() if k not in (PULL_KEY, _contacts.CONTACTS, provenance.SOURCES)})


def _value(G: nx.MultiDiGraph, nid: str, p: str, cprops: Mapping[str, Mapping[str, str]]) -> Any:
    """Property ``p`` of node ``nid`` as Neo4j stores it (provenance as JSON text, contacts from the side table)."""
    a = G.nodes[nid]
    if p == "provenance" and a.get("kind") == "Enterprise":
        return provenance.as_json(G, nid)
    return a.get(p, cprops.get(nid, {}).get(p))


# --------------------------------------------------------------------------- batches


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_batch_size(batch_size: int) -> None:
    if not isinstance(batch_size, int) or batch_size < 1:
        raise Neo4jError(f"batch_size must be a positive integer, not {batch_size!r}")


def _ids_by_kind(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Node ids grouped by their (checked) kind, in graph order."""
    by_kind: dict[str, list[str]] = {}
    for nid, attrs in G.nodes(data=True):
        by_kind.setdefault(_check_node(nid, attrs), []).append(nid)
    return by_kind


def node_batches(
    G: nx.MultiDiGraph,
    batch_size: int = 10_000,
    *,
    types: Mapping[str, Mapping[str, str]] | None = None,
    contacts: bool = True,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The node writes of :func:`push`: ``(kind, query, params)`` per batch, kinds in schema order.

    ``query`` is the fixed template ``UNWIND $rows AS row MERGE (n:<Kind> {id: row.id}) SET n +=
    row.props``; ``params == {"rows": [{"id": …, "props": {…}}, …]}`` with at most ``batch_size``
    rows. Every node appears in exactly one row; ``None`` values are left out (``SET +=`` would
    delete the property), ``kind`` is the label, JSON-typed properties are encoded. The contacts
    side table (``G.graph["contacts"]``) becomes string properties of the Enterprise nodes
    (legal_rep, phone, email, website, address), which :func:`pull` moves back into the table.
    """
    _check_batch_size(batch_size)
    types = property_types(G) if types is None else types
    by_kind = _ids_by_kind(G)
    cprops = _contacts.node_props(G) if contacts else {}
    for kind in schema()["nodes"]:
        ids = by_kind.get(kind)
        if not ids:
            continue
        query = _node_query(kind)
        ktypes = types.get(kind, {})
        for chunk in _chunks(ids, batch_size):
            rows = [{"id": nid, "props": _props(G.nodes[nid], ktypes)} for nid in chunk]
            if kind == "Enterprise":  # provenance as the JSON text (the graph shares its sources)
                for row in rows:
                    if "provenance" in row["props"]:
                        row["props"]["provenance"] = provenance.as_json(G, row["id"])
            if cprops and kind == "Enterprise":
                for row in rows:
                    row["props"].update(cprops.get(row["id"], {}))
            yield kind, query, {"rows": rows}


def edge_batches(
    G: nx.MultiDiGraph, batch_size: int = 10_000, *, types: Mapping[str, Mapping[str, str]] | None = None
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The relationship writes of :func:`push`: ``(kind, query, params)`` per batch.

    Edges are grouped by (kind, start kind, end kind) because the fixed template matches both ends
    by label and id before ``MERGE (a)-[r:<KIND>]->(b) SET r += row.props``; ``params == {"rows":
    [{"source": …, "target": …, "props": {…}}, …]}``. Every edge appears in exactly one row.
    """
    _check_batch_size(batch_size)
    types = property_types(G) if types is None else types
    groups: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]] = {}
    for u, v, attrs in G.edges(data=True):
        kind = _check_edge(u, v, attrs)
        key = (kind, G.nodes[u].get("kind"), G.nodes[v].get("kind"))
        groups.setdefault(key, []).append((u, v, attrs))
    order = {k: i for i, k in enumerate(schema()["edges"])}
    nodes_order = {k: i for i, k in enumerate(schema()["nodes"])}
    for key in sorted(groups, key=lambda k: (order[k[0]], nodes_order.get(k[1], 99), nodes_order.get(k[2], 99))):
        kind, src, dst = key
        query = _edge_query(kind, src, dst)
        ktypes = types.get(kind, {})
        for chunk in _chunks(groups[key], batch_size):
            rows = [{"source": u, "target": v, "props": _props(a, ktypes)} for u, v, a in chunk]
            yield kind, query, {"rows": rows}


# --------------------------------------------------------------------------- connection


def _first_line(exc: BaseException) -> str:
    msg = str(getattr(exc, "message", None) or exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__


def _is_transient(exc: BaseException) -> bool:
    return any(c.__name__ in _TRANSIENT_NAMES for c in type(exc).__mro__)


@contextlib.contextmanager
def _translate(where: str) -> Iterator[None]:
    """Turn driver exceptions into one-line :class:`Neo4jError` messages."""
    from neo4j import exceptions as nx4

    try:
        yield
    except Neo4jError:
        raise
    except nx4.AuthError as exc:
        raise Neo4jError(
            f"Neo4j authentication failed at {where}: check NEO4J_USER and NEO4J_PASSWORD ({_first_line(exc)})"
        ) from None
    except (nx4.ServiceUnavailable, nx4.SessionExpired) as exc:
        raise Neo4jError(f"Neo4j at {where} is unreachable: {_first_line(exc)}") from None
    except nx4.Neo4jError as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        raise Neo4jError(f"Neo4j at {where} refused the request ({code}): {_first_line(exc)}") from None
    except (nx4.DriverError, nx4.ConfigurationError) as exc:
        raise Neo4jError(f"Neo4j driver error for {where}: {_first_line(exc)}") from None


def _uri(uri: str | None) -> str:
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise Neo4jError("no Neo4j server configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD)")
    parts = urlsplit(uri)
    if parts.username or parts.password or "@" in parts.netloc:
        raise Neo4jError("NEO4J_URI must not contain credentials; set NEO4J_USER and NEO4J_PASSWORD instead")
    if parts.scheme not in _SCHEMES or not parts.netloc:
        raise Neo4jError(
            f"NEO4J_URI {uri!r} is not a Bolt URI like neo4j://host:7687 or bolt://host:7687 "
            f"(schemes: {', '.join(_SCHEMES)})"
        )
    return uri


def _database(database: str | None) -> str | None:
    return database or os.environ.get("NEO4J_DATABASE") or None


def connect(uri: str | None = None) -> Any:
    """A verified ``neo4j.Driver`` for ``uri`` (default ``NEO4J_URI``) with credentials from the environment.

    ``NEO4J_USER`` defaults to ``neo4j``; without ``NEO4J_PASSWORD`` no authentication is sent
    (servers started with ``NEO4J_AUTH=none``). The caller closes the driver.

    Raises
    ------
    Neo4jError
        No URI configured, credentials in the URI, authentication failed, server unreachable.
    """
    from neo4j import GraphDatabase

    where = _uri(uri)
    password = os.environ.get("NEO4J_PASSWORD")
    auth = (os.environ.get("NEO4J_USER") or "neo4j", password) if password is not None else None
    with _translate(where):
        try:
            driver = GraphDatabase.driver(where, auth=auth)
        except ValueError as exc:
            raise Neo4jError(f"NEO4J_URI {where!r} is not usable: {_first_line(exc)}") from None
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
    return driver


def _consume(session: Any, query: str) -> Any:
    return session.run(query).consume()


AWAIT_INDEXES = "CALL db.awaitIndexes(300)"


class IndexWaitWarning(UserWarning):
    """The server could not be asked to wait for its new indexes (a Bolt server that is not Neo4j)."""


def _await_indexes(session: Any) -> None:
    """Wait until the new indexes are online; servers without ``db.awaitIndexes`` get a warning, not an error.

    ``db.awaitIndexes`` is Neo4j's own procedure. Other servers that speak Bolt (Memgraph, ArcadeDB) answer
    ``Neo.ClientError.Procedure.ProcedureNotFound`` (or a syntax error for ``CALL``); the push goes on
    then, since MERGE is correct without an online index, only slower until it is built.
    """
    from neo4j.exceptions import ClientError

    try:
        session.run(AWAIT_INDEXES).consume()
    except ClientError as exc:
        code = getattr(exc, "code", None) or ""
        if code not in ("Neo.ClientError.Procedure.ProcedureNotFound", "Neo.ClientError.Statement.SyntaxError"):
            raise
        warnings.warn(
            f"the server has no db.awaitIndexes ({code}); pushing without waiting for the indexes",
            IndexWaitWarning,
            stacklevel=3,
        )


def _retrying(fn: Callable[[], Any], retries: int, backoff: float) -> Any:
    """Run ``fn``; on a transient error or lost connection try again up to ``retries`` times.

    This sits on top of the driver's own retry of managed transactions (``execute_write`` retries
    for up to 30 s): a batch that still fails then — a leader switch, a restart — gets a few more
    chances with exponential backoff before the push stops with a one-line error.
    """
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not _is_transient(exc):
                raise
            if attempt >= retries:
                raise Neo4jError(f"Neo4j kept failing after {retries} retries: {_first_line(exc)}") from None
            _sleep(backoff * (2**attempt))
            attempt += 1


def _tx_write(tx: Any, query: str, params: dict[str, Any]) -> tuple[int, int, int]:
    result = tx.run(query, params)
    record = result.single()
    counters = getattr(result.consume(), "counters", None)
    written = int(record["written"]) if record is not None else 0
    return (
        written,
        int(getattr(counters, "nodes_created", 0) or 0),
        int(getattr(counters, "relationships_created", 0) or 0),
    )


def _tx_meta(tx: Any, graph: str, jprops: dict[str, list[str]], version: Any) -> None:
    old = tx.run(_META_READ, {"id": META_ID}).single()
    merged = {k: set(v) for k, v in jprops.items()}
    if old is not None and old["json_properties"]:
        for k, v in json.loads(old["json_properties"]).items():
            merged.setdefault(k, set()).update(v)
    tx.run(
        _META_WRITE,
        {
            "id": META_ID,
            "graph": graph,
            "schema_version": version,
            "json_properties": _dumps({k: sorted(v) for k, v in sorted(merged.items())}),
        },
    ).consume()


# --------------------------------------------------------------------------- push


def push(
    G: nx.MultiDiGraph,
    uri: str | None = None,
    database: str | None = None,
    batch_size: int = 10_000,
    *,
    progress: bool | None = None,
    driver: Any = None,
    retries: int = 3,
    backoff: float = 1.0,
    contacts: bool = True,
) -> dict[str, Any]:
    """Write ``G`` into Neo4j: constraints and indexes first, then batched ``UNWIND … MERGE``.

    Parameters
    ----------
    G : the graph (every node and edge with a schema ``kind``).
    uri : server URI; default ``NEO4J_URI``. Credentials only from ``NEO4J_USER`` / ``NEO4J_PASSWORD``.
    database : database name; default ``NEO4J_DATABASE``, else the server's default database.
    batch_size : rows per transaction.
    progress : show a tqdm progress bar (rows written).
    driver : an open ``neo4j.Driver`` (or a test double); not closed here. Default: :func:`connect`.
    retries, backoff : extra attempts per statement after transient errors, waiting ``backoff * 2**i`` s.
    contacts : write the contacts side table as properties of the Enterprise nodes (False: leave them out).

    Returns
    -------
    dict
        ``nodes`` and ``edges``: rows written per kind; ``nodes_created`` and
        ``relationships_created`` as reported by the server (0 on a repeated push);
        ``batches``; ``schema_statements``.

    Notes
    -----
    Idempotent: nodes are merged on (label, id), relationships on (start, type, end), properties
    set with ``+=``, so pushing the same graph twice changes nothing. It is an upsert, not a sync:
    nodes, edges or properties removed from ``G`` since an earlier push stay in Neo4j. Graph-level
    data (``G.graph``) replaces the meta node's copy: with several graphs in one database, the last
    push's overrides and vintage win.
    """
    _check_batch_size(batch_size)
    types = property_types(G)
    from tqdm.auto import tqdm

    own = driver is None
    where = _uri(uri) if own else (uri or os.environ.get("NEO4J_URI") or "the given driver")
    drv = connect(where) if own else driver
    out: dict[str, Any] = {
        "nodes": {},
        "edges": {},
        "nodes_created": 0,
        "relationships_created": 0,
        "batches": 0,
        "schema_statements": 0,
    }
    bar = tqdm(total=G.number_of_nodes() + G.number_of_edges(), unit="row", desc="Neo4j push", disable=not progress)
    try:
        with _translate(where), drv.session(database=_database(database)) as session:
            for q in constraints() + indexes():
                _retrying(functools.partial(_consume, session, q), retries, backoff)
                out["schema_statements"] += 1
            _retrying(functools.partial(_await_indexes, session), retries, backoff)
            for section, batches in (
                ("nodes", node_batches(G, batch_size, types=types, contacts=contacts)),
                ("edges", edge_batches(G, batch_size, types=types)),
            ):
                for kind, query, params in batches:
                    written, nc, rc = _retrying(
                        functools.partial(session.execute_write, _tx_write, query, params), retries, backoff
                    )
                    sent = len(params["rows"])
                    if written != sent:
                        raise Neo4jError(
                            f"{kind}: Neo4j wrote {written} of {sent} rows in a batch "
                            f"(relationship ends missing in the database?)"
                        )
                    out[section][kind] = out[section].get(kind, 0) + sent
                    out["nodes_created"] += nc
                    out["relationships_created"] += rc
                    out["batches"] += 1
                    bar.update(sent)
            _retrying(
                lambda: session.execute_write(_tx_meta, _graph_json(G), json_properties(types), schema()["version"]),
                retries,
                backoff,
            )
    finally:
        bar.close()
        if own:
            drv.close()
    return out


# --------------------------------------------------------------------------- pull


def region_prefix(code: str) -> str:
    """The significant prefix of a GB/T 2260 code: an enterprise is in the region when its code starts with it.

    ``410000`` (province) → ``41``; ``411400`` (city, also ``110100`` 市辖区 and the 省直辖县级
    placeholders such as ``419000``) → ``4114``; a county code → all six digits.
    """
    c = str(code).strip()
    if not _REGION_RE.match(c):
        raise Neo4jError(f"region {code!r} is not a 6-digit GB/T 2260 code (e.g. 411400)")
    if c.endswith("0000"):
        return c[:2]
    if c.endswith("00"):
        return c[:4]
    return c


_ROW = "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
_REL = "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props"
_LINKED = (
    "MATCH (e:Enterprise)-[:LINKED_TO]->(:Link {chain: $chain})\n"
    "WHERE $prefix IS NULL OR e.region STARTS WITH $prefix\n"
    "WITH DISTINCT e\n"
)

PULL_NODE_QUERIES: dict[str, str] = {
    "chain": (
        "MATCH (n:Chain {id: $chain_node})\n" + _ROW + "\nUNION ALL\n"
        "MATCH (n:Link) WHERE n.chain = $chain\n" + _ROW + "\nUNION ALL\n"
        "MATCH (:Link {chain: $chain})-[:CLASSIFIED_AS]->(i:Industry)\nWITH DISTINCT i AS n\n" + _ROW
    ),
    "enterprises": _LINKED + "WITH e AS n\n" + _ROW,
    "regions": (
        _LINKED + "MATCH (e)-[:LOCATED_IN]->(r0:Region)\nWITH DISTINCT r0\n"
        "MATCH (r0)-[:PART_OF*0..]->(n:Region)\nWITH DISTINCT n\n" + _ROW
    ),
    "stubs": (
        "MATCH (n:Enterprise)\n"
        "WHERE ($prefix IS NULL OR n.region STARTS WITH $prefix)\n"
        "  AND NOT EXISTS { MATCH (n)-[:LINKED_TO]->(l:Link) WHERE l.chain = $chain }\n"
        "RETURN n.id AS id, labels(n) AS labels, "
        "n {" + ", ".join(f".{p}" for p in STUB_PROPERTIES) + "} AS props"
    ),
}
"""Fixed, parameterised node queries of :func:`pull` (rows ``{id, labels, props}``)."""

PULL_REL_QUERIES: dict[str, str] = {
    "chain": (
        "MATCH (a:Link {chain: $chain})-[r:PART_OF]->(b)\n"
        "WHERE (b:Link AND b.chain = $chain) OR (b:Chain AND b.id = $chain_node)\n" + _REL + "\nUNION ALL\n"
        "MATCH (a:Link {chain: $chain})-[r:FEEDS]->(b:Link {chain: $chain})\n" + _REL + "\nUNION ALL\n"
        "MATCH (a:Link {chain: $chain})-[r:CLASSIFIED_AS]->(b:Industry)\n" + _REL
    ),
    "linked_to": (
        "MATCH (a:Enterprise)-[r:LINKED_TO]->(b:Link {chain: $chain})\n"
        "WHERE $prefix IS NULL OR a.region STARTS WITH $prefix\n" + _REL
    ),
    "located_in": _LINKED + "WITH e AS a\nMATCH (a)-[r:LOCATED_IN]->(b:Region)\n" + _REL,
    "region_part_of": (
        _LINKED + "MATCH (e)-[:LOCATED_IN]->(r0:Region)\nWITH DISTINCT r0\n"
        "MATCH (r0)-[:PART_OF*0..]->(a:Region)\nWITH DISTINCT a\n"
        "MATCH (a)-[r:PART_OF]->(b:Region)\n" + _REL
    ),
    "supplies_linked": (
        _LINKED + "WITH e AS a\nMATCH (a)-[r:SUPPLIES]->(b:Enterprise)\n"
        "WHERE ($prefix IS NULL OR b.region STARTS WITH $prefix)\n"
        "  AND EXISTS { MATCH (b)-[:LINKED_TO]->(l:Link) WHERE l.chain = $chain }\n" + _REL
    ),
    "supplies_all": (
        "MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)\n"
        "WHERE $prefix IS NULL OR (a.region STARTS WITH $prefix AND b.region STARTS WITH $prefix)\n" + _REL
    ),
}
"""Fixed, parameterised relationship queries of :func:`pull` (rows ``{source, target, type, props}``)."""


def _plain(v: Any) -> Any:
    """Driver values → graph values: temporal / spatial types (set by other tools) become strings."""
    if isinstance(v, (str, bool, int, float)) or v is None:
        return v
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return str(v)


class _Builder:
    """Adds result rows to a graph; nodes must arrive before the relationships that use them."""

    def __init__(self, json_props: Mapping[str, Iterable[str]] | None = None):
        self.G = nx.MultiDiGraph()
        self.json = {k: set(v) for k, v in (json_props or {}).items()}
        self.node_kinds = set(schema()["nodes"])
        self.edge_kinds = set(schema()["edges"])

    def _decode(self, kind: str, props: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        jset = self.json.get(kind, set())
        for k, v in (props or {}).items():
            if k in ("id", "kind") or v is None:
                continue
            if k in jset and isinstance(v, str):
                try:
                    v = json.loads(v)
                except json.JSONDecodeError:
                    raise Neo4jError(f"{where}: property {k!r} is marked JSON but does not parse") from None
            out[k] = _plain(v)
        return out

    def node(self, row: Mapping[str, Any]) -> None:
        nid = row.get("id")
        if not isinstance(nid, str) or not nid:
            raise Neo4jError(f"result row without a string id: {dict(row)!r:.200}")
        kind = row.get("kind")
        if kind is None:
            kinds = [lab for lab in row.get("labels") or [] if lab in self.node_kinds]
            if len(kinds) != 1:
                raise Neo4jError(f"node {nid}: labels {row.get('labels')!r} do not name exactly one chain-gap kind")
            kind = kinds[0]
        elif kind not in self.node_kinds:
            raise Neo4jError(f"node {nid}: kind {kind!r} is not in graph/schema.yaml")
        props = self._decode(kind, row.get("props"), f"node {nid}")
        if nid in self.G:
            if self.G.nodes[nid].get("kind") != kind:
                raise Neo4jError(f"node {nid} came back as both {self.G.nodes[nid].get('kind')} and {kind}")
            self.G.nodes[nid].update(props)
        else:
            self.G.add_node(nid, kind=kind, **props)

    def rel(self, row: Mapping[str, Any]) -> None:
        u, v, kind = row.get("source"), row.get("target"), str(row.get("type") or row.get("kind") or "")
        if kind not in self.edge_kinds:
            raise Neo4jError(f"relationship {u} -> {v}: type {kind!r} is not in graph/schema.yaml")
        for end in (u, v):
            if end not in self.G:
                raise Neo4jError(f"{kind} relationship {u} -> {v}: node {end} is not among the pulled nodes")
        props = self._decode(kind, row.get("props"), f"{kind} {u} -> {v}")
        if self.G.has_edge(u, v, key=kind):
            self.G.edges[u, v, kind].update(props)
        else:
            self.G.add_edge(u, v, key=kind, kind=kind, **props)


def records_to_graph(
    nodes: Iterable[Mapping[str, Any]],
    rels: Iterable[Mapping[str, Any]],
    *,
    graph: Mapping[str, Any] | None = None,
    json_properties: Mapping[str, Iterable[str]] | None = None,
) -> nx.MultiDiGraph:
    """Build a graph from query result rows (pure; what :func:`pull` does with the server's answers).

    Parameters
    ----------
    nodes : rows ``{"id", "labels": [...] | "kind", "props": {...}}``. The kind is the one label that
        is a schema node kind; ``id`` and ``kind`` inside ``props`` are ignored; rows for the same id merge.
    rels : rows ``{"source", "target", "type", "props"}``; both ends must be among ``nodes``.
    graph : graph-level data for ``G.graph`` (the meta node's ``graph`` JSON, decoded).
    json_properties : per kind, properties stored as JSON strings (decoded back to lists / dicts).

    Returns
    -------
    networkx.MultiDiGraph
        Same ids, kinds and property types as the pushed graph (lists come back as lists).

    Raises
    ------
    Neo4jError
        A row without id, a node whose labels name no (or several) chain-gap kinds, a relationship
        of an unknown type or whose end is not among the nodes: never dropped silently.
    """
    b = _Builder(json_properties)
    for row in nodes:
        b.node(row)
    for row in rels:
        b.rel(row)
    if graph:
        b.G.graph.update(graph)
    return b.G


def _tx_feed(tx: Any, query: str, params: dict[str, Any], sink: Callable[[dict[str, Any]], None]) -> int:
    n = 0
    for record in tx.run(query, params):
        sink(record.data())
        n += 1
    return n


def pull(
    uri: str | None = None,
    database: str | None = None,
    chain: Any = None,
    region: str | None = None,
    *,
    all_enterprises: bool = True,
    driver: Any = None,
    retries: int = 3,
    backoff: float = 1.0,
) -> nx.MultiDiGraph:
    """Read one chain's subgraph from Neo4j into a ``networkx.MultiDiGraph`` analyses accept unchanged.

    Parameters
    ----------
    uri, database, driver, retries, backoff : as for :func:`push`.
    chain : chain id (``"nev"``) or a chain spec.
    region : optional GB/T 2260 code; keeps only enterprises whose ``region`` starts with its
        significant prefix (:func:`region_prefix`). Default ``None``: the whole country.
    all_enterprises : also pull every other enterprise in scope as a stub with
        :data:`STUB_PROPERTIES` only (default True); see Notes.

    Returns
    -------
    networkx.MultiDiGraph
        The Chain and its Link nodes with PART_OF / FEEDS / CLASSIFIED_AS (and the Industry nodes
        those point to); the enterprises LINKED_TO the chain's links with those edges; their
        LOCATED_IN regions and all PART_OF ancestors; SUPPLIES edges among the pulled enterprises;
        ``G.graph`` from the meta node plus ``G.graph["neo4j_pull"]`` saying what was pulled.

    Notes
    -----
    The location quotient compares a region's share of a link with the national share, and both
    denominators are *all* enterprises (``gaps.table`` counts every Enterprise node in the graph),
    not only the chain's firms. So by default the other enterprises come along as light stubs (no
    edges except SUPPLIES, only the properties the denominators and the supply fit read); with
    ``all_enterprises=False`` the pull is much smaller at national scale, but LQ then measures
    specialisation within the chain's own firm population. A ``region``-scoped pull also drops the
    rest of the country, so national counts, LQ and verdicts on it are *not* national figures: use it
    to browse or list a region's firms, and ``region=None`` (the default) for gap analysis.
    MAKES / Product nodes and enterprise CLASSIFIED_AS edges are not pulled (no analysis reads them).
    """
    if chain is None:
        raise Neo4jError("pull needs a chain id, e.g. chain='nev'")
    chain_id = str(getattr(chain, "id", chain)).strip()
    if not chain_id:
        raise Neo4jError("pull needs a chain id, e.g. chain='nev'")
    prefix = region_prefix(region) if region is not None else None
    params = {"chain": chain_id, "chain_node": f"chain:{chain_id}", "prefix": prefix}
    own = driver is None
    where = _uri(uri) if own else (uri or os.environ.get("NEO4J_URI") or "the given driver")
    drv = connect(where) if own else driver
    try:
        with _translate(where), drv.session(database=_database(database)) as session:
            meta: list[dict[str, Any]] = []
            _retrying(
                lambda: session.execute_read(_tx_feed, _META_READ, {"id": META_ID}, meta.append), retries, backoff
            )
            jprops = json.loads(meta[0]["json_properties"]) if meta and meta[0].get("json_properties") else {}
            graph = json.loads(meta[0]["graph"]) if meta and meta[0].get("graph") else {}
            b = _Builder(jprops)
            node_keys = ["chain", "enterprises", "regions"] + (["stubs"] if all_enterprises else [])
            rel_keys = [
                "chain",
                "linked_to",
                "located_in",
                "region_part_of",
                "supplies_all" if all_enterprises else "supplies_linked",
            ]
            for key in node_keys:
                _retrying(
                    functools.partial(session.execute_read, _tx_feed, PULL_NODE_QUERIES[key], params, b.node),
                    retries,
                    backoff,
                )
                if key == "chain" and params["chain_node"] not in b.G:
                    raise Neo4jError(f"chain {chain_id!r} is not in the Neo4j database; push a graph with it first")
            for key in rel_keys:
                _retrying(
                    functools.partial(session.execute_read, _tx_feed, PULL_REL_QUERIES[key], params, b.rel),
                    retries,
                    backoff,
                )
    finally:
        if own:
            drv.close()
    G = b.G
    G.graph.update(graph)
    _contacts.pop_node_props(G)
    G.graph[PULL_KEY] = {
        "chain": chain_id,
        "region": None if region is None else str(region).strip(),
        "all_enterprises": bool(all_enterprises),
    }
    return G


# --------------------------------------------------------------------------- neo4j-admin import files

_CSV_TYPES = {
    "bool": "boolean",
    "int": "long",
    "float": "double",
    "str": "string",
    "json": "string",
    "list_str": "string[]",
    "list_int": "long[]",
    "list_float": "double[]",
    "list_bool": "boolean[]",
}


def _fmt_scalar(v: Any) -> str:
    v = _py(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    return str(v)


def _fmt(v: Any, ctype: str, delim: str) -> str:
    if v is None:
        return ""
    if ctype == "json":
        return _dumps(_py(v))
    if ctype.startswith("list_"):
        items = [float(x) for x in v] if ctype == "list_float" else list(_py(v))
        return delim.join(_fmt_scalar(x) for x in items)
    if ctype == "float":
        return _fmt_scalar(float(v))
    return _fmt_scalar(v)


def _pick_delimiter(G: nx.MultiDiGraph, types: Mapping[str, Mapping[str, str]], wanted: str | None) -> str:
    """The array delimiter: ``;`` unless a list element contains it, then ``|``, then U+001F."""
    elements: list[str] = []
    for kind_attrs in (a for _, a in G.nodes(data=True)), (a for _, _, a in G.edges(data=True)):
        for a in kind_attrs:
            kt = types.get(a.get("kind"), {})
            for k, v in a.items():
                if v is not None and kt.get(k) == "list_str":
                    elements.extend(v)
    candidates = (wanted,) if wanted else _ARRAY_DELIMITERS
    for d in candidates:
        if len(d) != 1 or d in ',"\r\n':
            raise Neo4jError(f"array delimiter {d!r} must be one character other than comma, quote or newline")
        if not any(d in x for x in elements):
            return d
    raise Neo4jError(
        f"list values contain every usable array delimiter {candidates!r}; pass array_delimiter= with another character"
    )


def _delimiter_arg(d: str) -> str:
    return f"'{d}'" if d.isprintable() and d not in "'\\" else f"U+{ord(d):04X}"


def _atomic_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> tuple[int, bool]:
    """Write one CSV atomically (RFC 4180 quoting, CRLF); return (data rows, any multi-line field)."""
    n, multi = 0, False
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        for row in rows:
            if not multi and any(("\n" in f or "\r" in f) for f in row):
                multi = True
            w.writerow(row)
            n += 1
    return n, multi


def _atomic_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def export_admin_import(
    G: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    *,
    database: str = "neo4j",
    array_delimiter: str | None = None,
    contacts: bool = True,
) -> dict[str, int]:
    """Write ``neo4j-admin database import full`` CSV files for ``G`` into ``out_dir``.

    Files: ``nodes_<Kind>.csv`` per node kind (header ``id:ID(cg),:LABEL,<prop>:<type>…``), the meta
    node in ``nodes_ChainGapMeta.csv``, ``rels_<KIND>.csv`` per edge kind (header
    ``:START_ID(cg),:END_ID(cg),:TYPE,<prop>:<type>…``), ``constraints.cypher`` and a ``README.md``
    with the exact import command. Each file is written atomically; stale ``nodes_*.csv`` /
    ``rels_*.csv`` from an earlier export into the same folder are removed so a glob cannot pick
    them up.

    Design decisions: one global ID space ``cg`` (ids are namespaced already, so they cannot clash
    across kinds, and relationship files need no per-kind space); the ``id`` column is named, so
    the id is also stored as the ``id`` property, exactly as :func:`push` stores it. Integers are
    ``long`` and reals ``double`` (``int`` / ``float`` are 32-bit in the import tool and would
    truncate revenues). Lists of strings are ``string[]`` joined by the array delimiter: ``;``
    unless an element contains it, then ``|``, then U+001F (the importer has no escape for the array
    delimiter); the README's command names the one used. Empty strings and empty lists are written
    as empty fields, which the importer treats as absent (analyses read absent tags as ``[]``).
    Files are UTF-8 without BOM, RFC 4180 quoted; ``--multiline-fields=true`` is added when a value
    contains a line break. These files feed the importer only: string cells are not neutralised
    for spreadsheets. The contacts side table (``G.graph["contacts"]``) becomes string columns of
    ``nodes_Enterprise.csv`` (legal_rep, phone, email, website, address), as :func:`push` stores
    them; ``contacts=False`` leaves them out.

    Returns
    -------
    dict
        Data rows written per CSV file name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not isinstance(database, str) or not _DB_RE.match(database):
        raise Neo4jError(f"database name {database!r} is not a valid Neo4j database name")
    types = property_types(G)
    delim = _pick_delimiter(G, types, array_delimiter)
    counts: dict[str, int] = {}
    multiline = False
    node_files: list[str] = []
    rel_files: list[str] = []
    by_kind = _ids_by_kind(G)
    cprops = _contacts.node_props(G) if contacts else {}
    for kind in schema()["nodes"]:
        ids = by_kind.get(kind)
        if not ids:
            continue
        kt = dict(types.get(kind, {}))
        if kind == "Enterprise" and cprops:  # the contacts side table as string properties
            kt.update({c: "str" for c in _contacts.CONTACT_COLUMNS if c not in kt})
        props = [_name(p, "property") for p in sorted(kt)]
        header = [f"id:ID({ID_SPACE})", ":LABEL"] + [
            p if kt[p] in ("str", "json") else f"{p}:{_CSV_TYPES[kt[p]]}" for p in props
        ]
        rows = ([nid, kind] + [_fmt(_value(G, nid, p, cprops), kt[p], delim) for p in props] for nid in ids)
        fname = f"nodes_{kind}.csv"
        counts[fname], m = _atomic_csv(out / fname, header, rows)
        multiline |= m
        node_files.append(fname)
    meta_row = [META_ID, META_LABEL, _graph_json(G), _dumps(json_properties(types)), str(schema()["version"])]
    fname = f"nodes_{META_LABEL}.csv"
    counts[fname], m = _atomic_csv(
        out / fname, [f"id:ID({ID_SPACE})", ":LABEL", "graph", "json_properties", "schema_version:long"], [meta_row]
    )
    multiline |= m
    node_files.append(fname)
    by_ekind: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for u, v, attrs in G.edges(data=True):
        by_ekind.setdefault(_check_edge(u, v, attrs), []).append((u, v, attrs))
    for kind in schema()["edges"]:
        edges = by_ekind.get(kind)
        if not edges:
            continue
        kt = types.get(kind, {})
        props = [_name(p, "property") for p in sorted(kt)]
        header = [f":START_ID({ID_SPACE})", f":END_ID({ID_SPACE})", ":TYPE"] + [
            p if kt[p] in ("str", "json") else f"{p}:{_CSV_TYPES[kt[p]]}" for p in props
        ]
        rows = ([u, v, kind] + [_fmt(a.get(p), kt[p], delim) for p in props] for u, v, a in edges)
        fname = f"rels_{_name(kind, 'relationship type')}.csv"
        counts[fname], m = _atomic_csv(out / fname, header, rows)
        multiline |= m
        rel_files.append(fname)
    keep = set(counts)
    for stale in list(out.glob("nodes_*.csv")) + list(out.glob("rels_*.csv")):
        if stale.name not in keep:
            stale.unlink()
    _atomic_text(out / "constraints.cypher", constraints_script())
    _atomic_text(out / "README.md", _import_readme(node_files, rel_files, counts, database, delim, multiline))
    return counts


def import_command(
    node_files: list[str],
    rel_files: list[str],
    database: str = "neo4j",
    array_delimiter: str = ";",
    multiline: bool = False,
) -> str:
    """The ``neo4j-admin database import full`` command line for the given files (shell-ready, one option a line)."""
    parts = [
        f"neo4j-admin database import full {database}",
        "--overwrite-destination=true",
        "--id-type=string",
        f"--array-delimiter={_delimiter_arg(array_delimiter)}",
    ]
    if multiline:
        parts.append("--multiline-fields=true")
    parts += [f"--nodes={f}" for f in node_files] + [f"--relationships={f}" for f in rel_files]
    return " \\\n  ".join(parts)


def _import_readme(
    node_files: list[str], rel_files: list[str], counts: Mapping[str, int], database: str, delim: str, multiline: bool
) -> str:
    cmd = import_command(node_files, rel_files, database, delim, multiline)
    table = "\n".join(f"| `{f}` | {counts[f]:,} |" for f in node_files + rel_files)
    delim_note = (
        "`;` (no list element contains it)"
        if delim == ";"
        else f"`{_delimiter_arg(delim)}`: some list elements contain `;`, and the importer cannot escape "
        "the array delimiter"
    )
    return f"""# chain-gap graph: files for `neo4j-admin database import full` (Neo4j 5)

Written by `chain_gap.neo4j.export_admin_import` (CLI: `chain-gap neo4j export`). For the first
load of a large graph into an empty database; for updates use `chain-gap neo4j push`, which merges.

| file | rows |
|---|---|
{table}

Format: UTF-8, RFC 4180 quoting, one global ID space `{ID_SPACE}` (node ids are namespaced, e.g.
`ent:91350900587527783P`, `link:nev/cathode`), ids also stored as property `id`; integers `long`,
reals `double`, lists `string[]`; array delimiter {delim_note}. Multi-line values:
{"yes, hence `--multiline-fields=true`" if multiline else "none"}. Graph-level data (overrides,
vintage) is on the single `(:{META_LABEL} {{id: '{META_ID}'}})` node.

## 1. Import (the database must be stopped; this replaces database `{database}`)

Run in this folder:

```sh
{cmd}
```

With Docker (official `neo4j:5` image; data in the volume `neo4j-data`), from this folder:

```sh
docker run --rm -v "$PWD":/import -w /import -v neo4j-data:/data neo4j:5 \\
  {cmd}
```

## 2. Constraints and indexes (after starting Neo4j)

```sh
cypher-shell -a "$NEO4J_URI" -u "$NEO4J_USER" -p "$NEO4J_PASSWORD" -d {database} -f constraints.cypher
```

`constraints.cypher` is a copy of `graph/cypher/constraints.cypher`. Later pushes
(`chain-gap neo4j push`) run the same statements (all `IF NOT EXISTS`) and then merge on `id`.
"""
