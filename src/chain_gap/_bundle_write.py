"""Writing a bundle's parts and swapping its manifest: the steps :func:`chain_gap.io.save` and
:func:`chain_gap.io.append` share (group the graph into tables, encode them as content-named parts,
commit the new manifest atomically, drop the parts it no longer references, undo on error).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chain_gap import _bundle as B
from chain_gap._atomic import default_mode
from chain_gap._bundle import KEYS as _KEYS
from chain_gap._bundle import BundleError, BundleWarning
from chain_gap._memory import release
from chain_gap._paths import is_bundle

#: Rows per row group of a part: a save holds the graph plus one chunk of rows as Arrow, not a whole table.
CHUNK_ROWS = 65_536


def _current(root: Path) -> dict[str, Any] | None:
    """The manifest at ``root`` in v2 shape, or ``None`` for a new bundle (a damaged one is overwritten)."""
    if not is_bundle(root):
        return None
    try:
        return B.view(B.read_manifest(root, B.schema_version()))
    except BundleError as exc:
        if exc.code == "bundle-version":
            raise  # written by a newer chain-gap: never downgrade it
        return None


def _encode_section(root: Path, section: str, groups: dict[str, tuple[list[Any], ...]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in sorted(groups):
        *key_cols, rows = groups[kind]
        entry, types = write_rows(root, section, kind, key_cols, rows)
        out[kind] = {"count": len(rows), "columns": types, "parts": [entry]}
    release()  # the chunks' pages, kept by Arrow's and C's allocators otherwise
    return out


def write_rows(
    root: Path, section: str, kind: str, key_cols: list[list[Any]], rows: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Write the rows of one kind as one part, streamed in row groups of :data:`CHUNK_ROWS` rows.

    The table holds what :func:`chain_gap._bundle.encode_table` makes of all the rows at once (same
    columns, storage types and values), sorted by its keys; only one chunk of it is ever built.
    UTF-8 byte order is code point order, so the rows come out as a Python sort would put them.

    Returns
    -------
    tuple of (dict, dict)
        The part's manifest entry (with ``rows`` and ``columns``) and property → storage type.
    """
    names = _KEYS[section]
    n = len(rows)
    props: set[str] = set().union(*rows) if rows else set()
    if not props.isdisjoint(names):
        raise BundleError(
            f"a property may not be named {' / '.join(sorted(props & set(names)))} (a key column); cannot save"
        )
    props.discard("kind")
    order = sorted(props)
    # a property's storage type is decided over all its values (one transient column at a time)
    types = {p: B.column_type(list(map(dict.get, rows, repeat(p)))) for p in order}
    # the sort order over all rows; the key columns themselves are built per chunk (a sorted copy of
    # every key string as Arrow would sit beside the graph for the whole write)
    keys = pa.table({k: pa.array(col, type=pa.string()) for k, col in zip(names, key_cols, strict=True)})
    positions = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in names]).to_numpy()
    del keys
    release()
    schema = pa.schema([*(pa.field(k, pa.string()) for k in names), *(pa.field(p, B._ARROW[types[p]]) for p in order)])
    (root / B.PARTS).mkdir(mode=default_mode(folder=True), exist_ok=True)
    tmp = root / B.PARTS / f".tmp-{os.getpid()}-{B._safe(section)}-{B._safe(kind)}"
    try:
        with open(tmp, "wb") as fh:
            out = _Hashing(fh)  # a Python file: a write error is the OSError itself (disk full …)
            with pq.ParquetWriter(out, schema, compression="zstd") as writer:
                for start in range(0, n, CHUNK_ROWS):
                    at = positions[start : start + CHUNK_ROWS].tolist()
                    chunk = [rows[i] for i in at]
                    arrays = [pa.array([col[i] for i in at], type=pa.string()) for col in key_cols]
                    arrays.extend(_property_arrays(chunk, order, types))
                    writer.write_table(pa.Table.from_arrays(arrays, schema=schema), row_group_size=CHUNK_ROWS)
            fh.flush()
            os.fsync(fh.fileno())
        entry = _commit_part(root, section, kind, tmp, out, ".parquet")
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    entry.update(rows=n, columns=types)
    return entry, types


def _property_arrays(rows: list[dict[str, Any]], order: list[str], types: dict[str, str]) -> list[pa.Array]:
    """The property columns of a chunk of rows, typed as ``types`` says (the logic of ``encode_table``)."""
    n = len(rows)
    found = B.gather_columns(rows, order)
    out = []
    for p in order:
        values = found.pop(p, None)
        ctype = types[p]
        out.append(pa.array(B._encode(values if values is not None else [None] * n, ctype), type=B._ARROW[ctype]))
    return out


class _Hashing:
    """A write-only file for ``pyarrow`` that hashes the bytes as they go to the real file."""

    def __init__(self, fh: Any) -> None:
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def write(self, data: Any) -> int:
        self.sha.update(data)
        self.size += len(memoryview(data))
        return int(self.fh.write(data))

    def flush(self) -> None:
        self.fh.flush()

    def tell(self) -> int:
        return self.size

    @property
    def closed(self) -> bool:
        return bool(self.fh.closed)

    def close(self) -> None:  # the caller closes the real file after fsync
        pass


def _file_sha(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _commit_part(root: Path, prefix: str, name: str, tmp: Path, out: _Hashing, suffix: str) -> dict[str, Any]:
    """Name the durable file ``tmp`` (written through ``out``) by its content, as
    :func:`chain_gap._bundle.write_part` names a part, or drop it when an intact copy is there; its entry."""
    sha, size = out.sha.hexdigest(), out.size
    rel = f"{B.PARTS}/{prefix}-{B._safe(name) + '-' if name else ''}{sha[:24]}{suffix}"
    target = root / rel
    if target.is_file() and target.stat().st_size == size and _file_sha(target) == sha:
        tmp.unlink()
    else:
        os.chmod(tmp, default_mode())
        os.replace(tmp, target)
    return {"file": rel, "sha256": sha, "bytes": size}


def _group(
    G: nx.MultiDiGraph, skip: set[str] | frozenset[str] = frozenset()
) -> tuple[dict[str, tuple[list[Any], ...]], dict[str, tuple[list[Any], ...]], int]:
    """Columns of keys and the rows, by node kind and by edge kind (read straight from networkx's dicts).

    Nodes in ``skip`` (references to nodes stored already) are not rows.
    """
    nodes: dict[str, tuple[list[Any], ...]] = {}
    for nid, attrs in G._node.items():
        if nid in skip:
            continue
        kind = attrs.get("kind")
        group = nodes.get(kind)
        if group is None:
            if kind is None:
                raise BundleError(f"node {nid!r} has no 'kind'; cannot save")
            group = nodes[kind] = ([], [])
        group[0].append(nid)
        group[1].append(attrs)
    edges: dict[str, tuple[list[Any], ...]] = {}
    n_edges = 0
    for u, nbrs in G._succ.items():
        for v, keydict in nbrs.items():
            for attrs in keydict.values():
                kind = attrs.get("kind")
                group = edges.get(kind)
                if group is None:
                    if kind is None:
                        raise BundleError(f"edge {u!r} -> {v!r} has no 'kind'; cannot save")
                    group = edges[kind] = ([], [], [])
                group[0].append(u)
                group[1].append(v)
                group[2].append(attrs)
                n_edges += 1
    return nodes, edges, n_edges


def _graph_part(root: Path, attrs: dict[str, Any]) -> dict[str, Any]:
    # the data vintage is the manifest's (io.load puts it on the graph): never stored twice
    attrs = {k: v for k, v in attrs.items() if k != "data_vintage"}
    data = json.dumps(attrs, ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")
    return B.write_part(root, "graph", "", data, ".json")


def _commit(root: Path, base: dict[str, Any] | None, manifest: dict[str, Any], stale: list[Path], vin: Any) -> None:
    """Swap in ``manifest`` (unless nothing changed), then remove what no manifest refers to any more."""
    unchanged = (
        base is not None
        and base.get("format") == B.FORMAT
        and {k: v for k, v in base.items() if k != "loads"} == {k: v for k, v in manifest.items() if k != "loads"}
    )
    if unchanged and base is not None and not _new_vintage(base, vin):
        now = base
    else:
        if vin is not None:
            manifest["loads"] = [*manifest["loads"], vin]
        B.write_manifest(root, manifest)
        now = manifest
    B.remove(B.leftovers(root, now), root)
    keep = B.referenced(now)
    cleaned = [p for p in stale if p.relative_to(root).as_posix() not in keep]
    if base is not None and base.get("format") == 1:
        warnings.warn(f"{root}: bundle migrated from format 1 to {B.FORMAT}", BundleWarning, stacklevel=4)
    if cleaned:
        names = ", ".join(p.relative_to(root).as_posix() for p in cleaned[:5]) + (" …" if len(cleaned) > 5 else "")
        warnings.warn(
            f"{root}: removed {len(cleaned)} leftover file(s) of an interrupted write ({names})",
            BundleWarning,
            stacklevel=4,
        )


def _new_vintage(base: dict[str, Any], vin: Any) -> bool:
    """A load of unchanged data that states another data vintage than the bundle's is recorded (this
    is how a bundle written before vintages, or with a wrong one, gets its date: load again with
    ``--vintage``)."""
    if not isinstance(vin, dict) or not vin.get("data_vintage"):
        return False
    now = B.data_vintage(base)
    return now is None or now["date"] != vin["data_vintage"]


def _stale(root: Path, base: dict[str, Any] | None) -> list[Path]:
    files = B.leftovers(root, base)
    if base is not None and base.get("format") == 1:  # v1 files are superseded by the migration, not debris
        files = [f for f in files if f.parent.name == B.PARTS or f.name.startswith(".manifest")]
    return files


@contextlib.contextmanager
def _undo_on_error(root: Path, base: dict[str, Any] | None, stale: list[Path]) -> Iterator[None]:
    """On any failure before the manifest swap (an error, Ctrl-C), delete the parts this write made.

    The old manifest and its parts are untouched either way; this keeps the folder as clean as it was.
    Leftovers that were there before (``stale``) stay for the next write to report.
    """
    try:
        yield
    except BaseException:
        if (
            base is None
            or not (root / B.MANIFEST).is_file()
            or B.view(B.read_manifest(root, B.schema_version())) == base
        ):
            before = set(stale)
            with contextlib.suppress(OSError, BundleError):
                B.remove([f for f in B.leftovers(root, base) if f not in before], root)
        raise
