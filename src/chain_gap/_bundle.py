"""The bundle's on-disk format: immutable part files under a manifest that is swapped atomically.

Version 2 layout::

    manifest.json                     the only mutable file; replaced atomically (temp, fsync, rename)
    parts/graph-<sha>.json            graph-level data (reviewer overrides, synthetic banner, vintage)
    parts/nodes-<Kind>-<sha>.parquet  rows of one node kind: id + properties
    parts/edges-<KIND>-<sha>.parquet  rows of one edge kind: start_id, end_id + properties
    parts/tables-<name>-<sha>.parquet side tables (e.g. contacts), listed under "tables"
    .lock                             the writers' lock (``filelock``)

Parts are named by the sha256 of their bytes and never change once written, so a save only writes
the parts whose content changed, an append adds parts without rewriting the others, and a kill at any
moment leaves the previous manifest pointing at complete, untouched files. A kind may have several
parts: rows of a later part replace rows of an earlier one with the same key (id, or start/end/kind).
The manifest records per kind the row count and column types, per part its file, sha256, size and
rows, the side tables, and the list of loads (the data vintage: time, source files and their sha256,
row counts). Version-1 bundles (one ``nodes/<Kind>.parquet`` per kind and a ``graph.json``) are read
as they are and rewritten as version 2 by the next write.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from chain_gap import errors
from chain_gap._atomic import default_mode
from chain_gap._bundle_confine import PartOutside, confined
from chain_gap._bundle_share import share_equal, shared_lists, shared_strings
from chain_gap._fastgraph import attr_dict, shared_attrs
from chain_gap.errors import ChainGapError

FORMAT = 2
READABLE = (1, 2)
MANIFEST = "manifest.json"
PARTS = "parts"

errors.register(
    "bundle-no-manifest",
    "{path}：不是 chain-gap 数据包（not a chain-gap bundle：缺少 manifest.json）",
    "{path}: not a chain-gap bundle (no manifest.json)",
)
errors.register(
    "bundle-version",
    "{file}：数据包版本不受支持（bundle format {found}，schema {schema}；本程序支持 format ≤ {expected}，"
    "schema ≤ {expected_schema}）；请升级 chain-gap",
    "{file}: bundle format {found} (schema {schema}) is not supported (this chain-gap reads format ≤ {expected}, "
    "schema ≤ {expected_schema}); upgrade chain-gap",
)
errors.register(
    "bundle-checksum",
    "{file}：校验和与清单不符（文件被改动或损坏）；请从备份恢复数据包，或重新 load 源文件",
    "{file}: checksum does not match the manifest (the file was edited or damaged); "
    "restore the bundle from a backup or load the source files again",
)
errors.register(
    "bundle-missing-file",
    "{file}：清单列出的文件不存在（数据包不完整）；请从备份恢复数据包，或重新 load 源文件",
    "{file}: listed in the manifest but missing (incomplete bundle); "
    "restore the bundle from a backup or load the source files again",
)
errors.register(
    "bundle-counts",
    "{file}：{what} 的行数为 {found}，清单记录为 {expected}（数据包被改动）；请从备份恢复或重新 load",
    "{file}: {what} has {found} rows, the manifest says {expected} (the bundle was edited); "
    "restore it from a backup or load again",
)
errors.register(
    "bundle-damaged",
    "{file}：无法读取（{problem}）；请从备份恢复数据包，或重新 load 源文件",
    "{file}: cannot be read ({problem}); restore the bundle from a backup or load the source files again",
)


class BundleError(ChainGapError):
    """A bundle folder that is missing, incomplete, damaged or of another format."""

    default_code = "bundle-error"


class BundleWarning(UserWarning):
    """Something chain-gap repaired in a bundle on its own (leftovers removed, version 1 migrated)."""


# ------------------------------------------------------------------ encoding rows as Arrow tables


def column_type(values: list[Any]) -> str:
    """Pick one storage type for a property from its non-null values.

    Parameters
    ----------
    values : list
        The property's values, ``None`` included.

    Returns
    -------
    str
        ``"string"``, ``"bool"``, ``"int"``, ``"float"``, ``"list"`` or ``"json"``.
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
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


def gather_columns(rows: list[dict[str, Any]], props: Any) -> dict[str, list[Any]]:
    """The values of ``props`` in ``rows`` as one list per property (None where a row lacks it).

    Dense rows are read one pass per property; sparse ones in one pass over the rows, touching only
    the properties present (the result may then hold other keys too: callers take what they need).
    """
    props = list(props)
    n = len(rows)
    if not props:
        return {}
    if sum(map(len, rows)) > 0.6 * n * (len(props) + 1):
        return {p: list(map(dict.get, rows, itertools.repeat(p))) for p in props}
    found: dict[str, list[Any]] = {}
    for i, r in enumerate(rows):
        for k, v in r.items():
            col = found.get(k)
            if col is None:
                col = found[k] = [None] * n
            col[i] = v
    return found


def encode_table(keys: dict[str, list[str]], rows: list[dict[str, Any]]) -> tuple[pa.Table, dict[str, str]]:
    """One Arrow table: the key columns, then one typed column per property (sorted by name).

    Dense properties are read one column at a time; sparse ones in one pass over the rows that
    touches only the properties a row has.

    Parameters
    ----------
    keys : dict
        Key column name → values (one per row).
    rows : list of dict
        The properties of each row.

    Returns
    -------
    tuple of (pyarrow.Table, dict)
        The table and property → storage type.
    """
    props: set[str] = set().union(*rows) if rows else set()
    if not props.isdisjoint(keys):
        raise BundleError(
            f"a property may not be named {' / '.join(sorted(props & set(keys)))} (a key column); cannot save"
        )
    props -= {"kind"}
    found = gather_columns(rows, props)
    for k in (*keys, "kind"):
        found.pop(k, None)
    cols: dict[str, pa.Array] = {k: pa.array(v, type=pa.string()) for k, v in keys.items()}
    types: dict[str, str] = {}
    for p in sorted(found):
        values = found.pop(p)
        ctype = column_type(values)
        types[p] = ctype
        cols[p] = pa.array(_encode(values, ctype), type=_ARROW[ctype])
    return pa.table(cols), types


def decode_columns(
    table: pa.Table, types: dict[str, str], keys: tuple[str, ...], kind: str
) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    """The key columns as lists and one property dict per row (``kind`` first, nulls left out, JSON decoded).

    Rows are key-sharing dicts (:func:`chain_gap._fastgraph.attr_dict`: the keys are stored once per
    kind), each filled by one C-level ``update(zip(...))`` from the columns without nulls (and those
    with a few, whose nulls are then deleted); a mostly-null column is written only where it has a
    value. Repeated strings share one object (:mod:`chain_gap._bundle_share`).

    Parameters
    ----------
    table : pyarrow.Table
        A stored part.
    types : dict
        Property → storage type, as recorded in the manifest.
    keys : tuple of str
        The key columns.
    kind : str
        The node or edge kind of the part.

    Returns
    -------
    tuple of (list of list, list of dict)
    """
    n = table.num_rows
    key_cols = [table.column(k).to_pylist() for k in keys]
    dense_names: list[str] = ["kind"]
    dense_cols: list[Any] = [itertools.repeat(kind, n)]
    holes: list[tuple[str, Any]] = []  # (name, indices of the nulls to delete)
    sparse: list[tuple[str, list[Any]]] = []
    unique: list[tuple[Any, list[Any]]] = []  # string columns of distinct values, as decoded
    for name in table.column_names:
        if name in keys:
            continue
        column = table.column(name)
        ctype = types.get(name)
        col = shared_strings(column) if ctype == "string" else shared_lists(column) if ctype == "list" else None
        if col is None:
            col = column.to_pylist()
            if types.get(name) == "string" and n >= 256:
                share_equal(column, col, unique)
                unique.append((column, col))
        if types.get(name) == "json":
            col = [None if v is None else json.loads(v) for v in col]
        nulls = column.null_count
        if nulls == 0 or nulls < n // 4:
            dense_names.append(name)
            dense_cols.append(col)
            if nulls:
                holes.append((name, np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False)).tolist()))
        else:
            sparse.append((name, col))
    if len(dense_names) == 1 and not sparse and len(keys) == 2:  # edges without properties: one shared dict
        dicts: list[dict[str, Any]] = [shared_attrs(kind)] * n
    else:  # key-sharing dicts, one key table per kind (_fastgraph.attr_dict)
        make = attr_dict("node" if len(keys) == 1 else "edge", kind, [*dense_names, *(s for s, _ in sparse)])
        dicts = []
        append = dicts.append
        for row in zip(*dense_cols):
            d = make()
            d.update(zip(dense_names, row))
            append(d)
    for name, idx in holes:
        for i in idx:
            del dicts[i][name]
    for name, col in sparse:
        for d, v in zip(dicts, col, strict=True):
            if v is not None:
                d[name] = v
    return key_cols, dicts


def parquet_bytes(table: pa.Table) -> pa.Buffer:
    """``table`` as Parquet bytes (zstd), deterministic for the same table and pyarrow version.

    Parameters
    ----------
    table : pyarrow.Table
        The table.

    Returns
    -------
    pyarrow.Buffer
    """
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


# ------------------------------------------------------------------ durable writes


def fsync_dir(path: Path) -> None:
    """Make a rename or new file in folder ``path`` durable (no-op where folders cannot be opened).

    Parameters
    ----------
    path : pathlib.Path
        The folder.
    """
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_durably(target: Path, data: bytes | pa.Buffer, tmp: Path) -> None:
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, default_mode())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sha256_bytes(data: bytes | pa.Buffer) -> str:
    """Hex sha256 of ``data`` (any object with the buffer protocol).

    Parameters
    ----------
    data : bytes or pyarrow.Buffer
        The content.

    Returns
    -------
    str
    """
    return hashlib.sha256(memoryview(data)).hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", name)[:60] or "_"


def write_part(root: Path, prefix: str, name: str, data: bytes | pa.Buffer, suffix: str) -> dict[str, Any]:
    """Write one immutable part named by its content (reusing an intact existing copy); its manifest entry.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    prefix : str
        Part family (``nodes``, ``edges``, ``tables``, ``graph``).
    name : str
        Kind or table name, part of the file name (``""`` for the graph part).
    data : bytes or pyarrow.Buffer
        The content.
    suffix : str
        File suffix (``.parquet``, ``.json``).

    Returns
    -------
    dict
        The manifest entry: ``file``, ``sha256``, ``bytes``.
    """
    sha = sha256_bytes(data)
    rel = f"{PARTS}/{prefix}-{_safe(name) + '-' if name else ''}{sha[:24]}{suffix}"
    target = root / rel
    size = len(memoryview(data))
    reuse = False
    if target.is_file() and target.stat().st_size == size:
        reuse = sha256_bytes(target.read_bytes()) == sha
    if not reuse:
        (root / PARTS).mkdir(mode=default_mode(folder=True), exist_ok=True)
        _write_durably(target, data, root / PARTS / f".tmp-{os.getpid()}-{sha[:12]}")
    return {"file": rel, "sha256": sha, "bytes": size}


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    """Swap in ``manifest``: written to a temporary name, fsynced, renamed over ``manifest.json``.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    manifest : dict
        The new manifest.
    """
    data = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    fsync_dir(root / PARTS)
    _write_durably(root / MANIFEST, data, root / f".manifest.json.tmp-{os.getpid()}")
    fsync_dir(root)


# ------------------------------------------------------------------ reading and verifying


def read_manifest(root: Path, schema_version: int) -> dict[str, Any]:
    """The parsed manifest, refused when missing, unreadable or of an unknown version.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    schema_version : int
        The schema version the code reads, for the version check.

    Returns
    -------
    dict

    Raises
    ------
    BundleError
        Missing, unreadable or of an unknown version.
    """
    p = root / MANIFEST
    if not p.is_file():
        raise BundleError(code="bundle-no-manifest", path=str(root))
    try:
        manifest = json.loads(p.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleError(code="bundle-damaged", file=str(p), problem=f"manifest is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise BundleError(code="bundle-damaged", file=str(p), problem="manifest is not a JSON object")
    fmt, sv = manifest.get("format"), manifest.get("schema_version")
    if fmt not in READABLE or not isinstance(sv, int) or isinstance(sv, bool) or sv > schema_version or sv < 1:
        raise BundleError(
            code="bundle-version",
            file=str(p),
            found=fmt,
            schema=sv,
            expected=FORMAT,
            expected_schema=schema_version,
        )
    try:
        view(manifest)
    except PartOutside as exc:
        raise BundleError(code="bundle-part-outside", file=str(p), part=errors.one_line(exc.part, 120)) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BundleError(code="bundle-damaged", file=str(p), problem=f"manifest is incomplete ({exc!r})") from None
    return manifest


def view(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest in version-2 shape (a version-1 manifest is translated; nothing is written).

    Parameters
    ----------
    manifest : dict
        A manifest of any version.

    Returns
    -------
    dict
    """
    if manifest["format"] == FORMAT:
        for section in ("nodes", "edges", "tables"):
            for meta in manifest[section].values():
                for part in meta["parts"]:
                    confined(part["file"], PARTS), str(part["sha256"]), int(part["rows"])
        confined(manifest["graph"]["file"], PARTS)
        int(manifest["totals"]["nodes"])
        return manifest
    files: dict[str, str] = manifest["files"]
    out: dict[str, Any] = {"format": 1, "schema_version": manifest["schema_version"], "tables": {}, "loads": []}
    for section in ("nodes", "edges"):
        out[section] = {}
        for kind, meta in manifest[section].items():
            rel = confined(f"{section}/{kind}.parquet", section)
            out[section][kind] = {
                "count": int(meta["count"]),
                "columns": dict(meta["columns"]),
                "parts": [{"file": rel, "sha256": files.get(rel), "rows": int(meta["count"])}],
            }
    out["graph"] = {"file": "graph.json", "sha256": files.get("graph.json")}
    out["totals"] = manifest.get("totals") or {
        "nodes": sum(m["count"] for m in out["nodes"].values()),
        "edges": sum(m["count"] for m in out["edges"].values()),
    }
    return out


def read_verified(root: Path, entry: dict[str, Any]) -> bytes:
    """The bytes of one part, after checking that it exists and matches its recorded sha256 and size.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    entry : dict
        The part's manifest entry.

    Returns
    -------
    bytes

    Raises
    ------
    BundleError
        Missing file or mismatching checksum or size.
    """
    p = root / entry["file"]
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise BundleError(code="bundle-missing-file", file=str(p)) from None
    except IsADirectoryError:
        raise BundleError(code="bundle-damaged", file=str(p), problem="a folder where a file should be") from None
    if entry.get("sha256") is None or sha256_bytes(data) != entry["sha256"]:
        raise BundleError(code="bundle-checksum", file=str(p))
    return data


def read_parquet(root: Path, entry: dict[str, Any], what: str, columns: list[str] | None = None) -> pa.Table:
    """One verified Parquet part as an Arrow table, its row count checked against the manifest.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    entry : dict
        The part's manifest entry.
    what : str
        What the part holds, for the error message (``"nodes Enterprise"``).
    columns : list of str, optional
        The columns to decode (the whole file is verified either way); default all.

    Returns
    -------
    pyarrow.Table
    """
    data = read_verified(root, entry)
    p = root / entry["file"]
    try:
        table = pq.read_table(pa.BufferReader(data), columns=columns)
    except (pa.ArrowException, OSError) as exc:
        raise BundleError(code="bundle-damaged", file=str(p), problem=errors.one_line(str(exc), 120)) from None
    if table.num_rows != int(entry["rows"]):
        raise BundleError(code="bundle-counts", file=str(p), what=what, found=table.num_rows, expected=entry["rows"])
    return table


def read_graph_attrs(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The graph-level data (``G.graph``), verified; it holds reviewers' decisions and the synthetic banner.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    manifest : dict
        The manifest.

    Returns
    -------
    dict
    """
    entry = manifest["graph"]
    data = read_verified(root, entry)
    try:
        attrs = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleError(code="bundle-damaged", file=str(root / entry["file"]), problem=str(exc)) from None
    if not isinstance(attrs, dict):
        raise BundleError(code="bundle-damaged", file=str(root / entry["file"]), problem="not a JSON object")
    return attrs


def referenced(manifest: dict[str, Any]) -> set[str]:
    """Every file (relative path) a version-2 manifest refers to.

    Parameters
    ----------
    manifest : dict
        A version-2 manifest.

    Returns
    -------
    set of str
    """
    files = {manifest["graph"]["file"]}
    for section in ("nodes", "edges", "tables"):
        for meta in manifest.get(section, {}).values():
            files.update(p["file"] for p in meta["parts"])
    return files


def leftovers(root: Path, manifest: dict[str, Any] | None) -> list[Path]:
    """Files of chain-gap inside ``root`` that the current manifest does not use (safe to delete).

    Unreferenced parts and temporary files under ``parts/``, hidden temporary manifests, and, once the
    bundle is version 2, the version-1 files (``nodes/*.parquet``, ``edges/*.parquet``, ``graph.json``).
    Anything else in the folder is the user's and is left alone.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder.
    manifest : dict or None
        The current manifest; ``None`` when there is none yet.

    Returns
    -------
    list of pathlib.Path
    """
    keep = referenced(manifest) if manifest is not None and manifest.get("format") == FORMAT else None
    out: list[Path] = []
    parts = root / PARTS
    if parts.is_dir():
        for f in parts.iterdir():
            rel = f"{PARTS}/{f.name}"
            if f.is_file() and (f.name.startswith(".tmp-") or (keep is not None and rel not in keep)):
                out.append(f)
    out.extend(f for f in root.glob(".manifest.json.tmp-*") if f.is_file())
    if keep is not None:
        for section in ("nodes", "edges"):
            if (root / section).is_dir():
                out.extend(f for f in (root / section).glob("*.parquet") if f.is_file())
        if (root / "graph.json").is_file():
            out.append(root / "graph.json")
    return sorted(out)


def remove(paths: list[Path], root: Path) -> None:
    """Delete ``paths`` (leftovers) and the version-1 folders they leave empty.

    Parameters
    ----------
    paths : list of pathlib.Path
        Files to delete (from :func:`leftovers`).
    root : pathlib.Path
        The bundle folder.
    """
    for f in paths:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    for section in ("nodes", "edges"):
        with contextlib.suppress(OSError):
            (root / section).rmdir()


#: Key columns of the node and edge tables.
KEYS: dict[str, tuple[str, ...]] = {"nodes": ("id",), "edges": ("start_id", "end_id")}


def schema_version() -> int:
    """The graph schema's version (``graph/schema.yaml``), stored in every manifest."""
    from chain_gap.schema import schema

    return int(schema()["version"])


def data_vintage(manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The data vintage of the last load that stated one (see :func:`chain_gap.io.data_vintage`)."""
    stated = [ld for ld in manifest.get("loads") or [] if isinstance(ld, dict) and ld.get("data_vintage")]
    if not stated:
        return None
    best = stated[-1]  # loads are in the order they happened: a later statement corrects an earlier one
    return {
        "date": str(best["data_vintage"]),
        "from": str(best.get("vintage_from") or ""),
        "loaded": best.get("time"),
        "loads": len(stated),
    }
