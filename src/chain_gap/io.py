"""The graph bundle on disk: Parquet node and edge tables plus a manifest.

Layout of a bundle folder::

    manifest.json          schema version, counts per node/edge kind, column types, sha256 per file
    graph.json             graph-level data (e.g. reviewer overrides, data vintage)
    nodes/<Kind>.parquet   one row per node: id + properties
    edges/<KIND>.parquet   one row per edge: start_id, end_id + properties

Why this shape: one table per kind maps 1:1 onto Neo4j labels and relationship types and lets pandas or
DuckDB read a bundle without chain-gap. Writes are atomic (a complete temporary folder is renamed into
place) and deterministic (rows sorted by id, no timestamps), so saving the same graph twice gives
byte-identical files, which is how idempotent loads are checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from chain_gap.errors import ChainGapError
from chain_gap.schema import schema

BUNDLE_FORMAT = 1


class BundleError(ChainGapError):
    """A bundle folder that is missing, incomplete or of another format."""

    default_code = "bundle-error"


def _column_type(values: list[Any]) -> str:
    """Pick one storage type for a property from its non-null values."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "string"
    if kinds <= {bool}:
        return "bool"
    if kinds <= {int}:
        return "int"
    if kinds <= {int, float}:
        return "float"
    if kinds <= {str}:
        return "string"
    if kinds <= {list, tuple} and all(isinstance(x, str) for v in values if v is not None for x in v):
        return "list"
    return "json"


_ARROW = {
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "string": pa.string(),
    "list": pa.list_(pa.string()),
    "json": pa.string(),
}


def _encode(values: list[Any], ctype: str) -> list[Any]:
    if ctype == "json":
        return [None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str) for v in values]
    if ctype == "float":
        return [None if v is None else float(v) for v in values]
    if ctype == "list":
        return [None if v is None else list(v) for v in values]
    return values


def _table(keys: dict[str, list[str]], rows: list[dict[str, Any]]) -> tuple[pa.Table, dict[str, str]]:
    """One Arrow table: the key columns, then one typed column per property (sorted by name)."""
    props = sorted({k for r in rows for k in r} - set(keys) - {"kind"})
    cols: dict[str, pa.Array] = {k: pa.array(v, type=pa.string()) for k, v in keys.items()}
    types: dict[str, str] = {}
    for p in props:
        values = [r.get(p) for r in rows]
        ctype = _column_type(values)
        types[p] = ctype
        cols[p] = pa.array(_encode(values, ctype), type=_ARROW[ctype])
    return pa.table(cols), types


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``G`` as a bundle folder at ``path``, atomically.

    The bundle is first written completely into a temporary sibling folder, then swapped in with
    ``os.replace``; a crash leaves either the old bundle or the new one, never a mix.

    Returns
    -------
    Path
        The bundle folder.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        (tmp / "nodes").mkdir()
        (tmp / "edges").mkdir()
        manifest: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "schema_version": schema()["version"],
            "nodes": {},
            "edges": {},
            "files": {},
        }
        by_kind: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for nid, attrs in G.nodes(data=True):
            kind = attrs.get("kind")
            if kind is None:
                raise BundleError(f"node {nid!r} has no 'kind'; cannot save")
            if "id" in attrs:
                raise BundleError(f"node {nid!r}: a property may not be named 'id' (the column of node ids)")
            by_kind.setdefault(kind, []).append((nid, attrs))
        for kind in sorted(by_kind):
            items = sorted(by_kind[kind], key=lambda r: r[0])
            table, types = _table({"id": [i for i, _ in items]}, [a for _, a in items])
            pq.write_table(table, tmp / "nodes" / f"{kind}.parquet", compression="zstd")
            manifest["nodes"][kind] = {"count": len(items), "columns": types}
        by_ekind: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        for u, v, attrs in G.edges(data=True):
            kind = attrs.get("kind")
            if kind is None:
                raise BundleError(f"edge {u!r} -> {v!r} has no 'kind'; cannot save")
            if "start_id" in attrs or "end_id" in attrs:
                raise BundleError(f"edge {u!r} -> {v!r}: properties may not be named start_id / end_id")
            by_ekind.setdefault(kind, []).append((u, v, attrs))
        for kind in sorted(by_ekind):
            items = sorted(by_ekind[kind], key=lambda r: (r[0], r[1]))
            table, types = _table(
                {"start_id": [u for u, _, _ in items], "end_id": [v for _, v, _ in items]}, [a for _, _, a in items]
            )
            pq.write_table(table, tmp / "edges" / f"{kind}.parquet", compression="zstd")
            manifest["edges"][kind] = {"count": len(items), "columns": types}
        with open(tmp / "graph.json", "w", encoding="utf-8") as fh:
            json.dump(G.graph, fh, ensure_ascii=False, sort_keys=True, indent=1, default=str)
        for f in sorted(tmp.rglob("*")):
            if f.is_file():
                manifest["files"][f.relative_to(tmp).as_posix()] = _sha256(f)
        manifest["totals"] = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
        with open(tmp / "manifest.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, sort_keys=True, indent=1)
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
        os.replace(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a bundle; raises :class:`BundleError` when ``path`` is not a bundle."""
    p = Path(path) / "manifest.json"
    if not p.is_file():
        raise BundleError(f"{path}: not a chain-gap bundle (no manifest.json)")
    with open(p, encoding="utf-8") as fh:
        manifest = json.load(fh)
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{path}: bundle format {manifest.get('format')} is not supported (expected {BUNDLE_FORMAT})")
    return manifest


def _decode_rows(table: pa.Table, types: dict[str, str]) -> list[dict[str, Any]]:
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    n = table.num_rows
    names = list(cols)
    rows = []
    for i in range(n):
        row = {}
        for name in names:
            v = cols[name][i]
            if v is None:
                continue
            if types.get(name) == "json":
                v = json.loads(v)
            row[name] = v
        rows.append(row)
    return rows


def load(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a bundle written by :func:`save` back into a ``networkx.MultiDiGraph``."""
    root = Path(path)
    manifest = read_manifest(root)
    G = nx.MultiDiGraph()
    gfile = root / "graph.json"
    if gfile.is_file():
        with open(gfile, encoding="utf-8") as fh:
            G.graph.update(json.load(fh))
    for kind, meta in manifest["nodes"].items():
        f = root / "nodes" / f"{kind}.parquet"
        if not f.is_file():
            raise BundleError(f"{root}: missing {f.relative_to(root)} listed in the manifest")
        for row in _decode_rows(pq.read_table(f), meta["columns"]):
            nid = row.pop("id")
            G.add_node(nid, kind=kind, **row)
    for kind, meta in manifest["edges"].items():
        f = root / "edges" / f"{kind}.parquet"
        if not f.is_file():
            raise BundleError(f"{root}: missing {f.relative_to(root)} listed in the manifest")
        for row in _decode_rows(pq.read_table(f), meta["columns"]):
            u = row.pop("start_id")
            v = row.pop("end_id")
            G.add_edge(u, v, key=kind, kind=kind, **row)
    return G
