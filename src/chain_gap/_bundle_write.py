"""Writing a bundle's parts and swapping its manifest: the steps :func:`chain_gap.io.save` and
:func:`chain_gap.io.append` share (group the graph into tables, encode them as content-named parts,
commit the new manifest atomically, drop the parts it no longer references, undo on error).
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow.compute as pc

from chain_gap import _bundle as B
from chain_gap._bundle import KEYS as _KEYS
from chain_gap._bundle import BundleError, BundleWarning
from chain_gap._paths import is_bundle


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
        names = _KEYS[section]
        table, types = B.encode_table(dict(zip(names, key_cols, strict=True)), rows)
        # Columns are read in graph order (memory locality), then Arrow sorts the table by its keys:
        # UTF-8 byte order is code point order, so the rows come out as a Python sort would put them.
        table = table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in names]))
        entry = B.write_part(root, section, kind, B.parquet_bytes(table), ".parquet")
        entry.update(rows=table.num_rows, columns=types)
        out[kind] = {"count": len(rows), "columns": types, "parts": [entry]}
    return out


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
