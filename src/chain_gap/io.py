"""The graph bundle on disk: Parquet tables of nodes and edges under a verified manifest.

A bundle is a folder (format in :mod:`chain_gap._bundle`): immutable part files named by their
sha256, one or more per node or edge kind, a graph-level JSON part, optional side tables, and
``manifest.json`` listing them with counts, column types, checksums, the schema version and the
data vintage (one entry per load that changed the data).

Why this shape: one table per kind maps 1:1 onto Neo4j labels and relationship types and lets
pandas or DuckDB read a bundle without chain-gap; content-named parts make saves crash-safe (the
manifest is swapped atomically, the old parts stay untouched until the new manifest is durable) and
cheap to repeat (unchanged parts are reused, so saving the same graph twice writes nothing and gives
byte-identical files, which is how idempotent loads are checked).

Rules every writer follows (DESIGN "Reliability"): a bundle path is a bundle or absent
(:func:`chain_gap._paths.check_bundle_path`); one writer at a time holds the bundle's lock
(:func:`locked`, :func:`edit`); :func:`load` verifies counts and checksums of what it reads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import filelock
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from chain_gap import _bundle as B
from chain_gap import _bundle_parts as _parts
from chain_gap import _contacts, errors, provenance
from chain_gap._atomic import default_mode, user_os_errors
from chain_gap._bundle import BundleError, BundleWarning
from chain_gap._bundle_read import build as _build
from chain_gap._bundle_write import (
    _commit,
    _current,
    _encode_section,
    _graph_part,
    _group,
    _new_vintage,
    _stale,
    _undo_on_error,
)
from chain_gap._memory import gc_paused
from chain_gap._paths import LOCK, _resolve, check_bundle_path, is_bundle
from chain_gap._vintage import vintage

__all__ = [
    "BUNDLE_FORMAT",
    "BundleError",
    "BundleWarning",
    "Edit",
    "append",
    "data_vintage",
    "edit",
    "load",
    "locked",
    "migrate",
    "put_table",
    "read_manifest",
    "read_side_table",
    "read_table",
    "save",
    "vintage",
    "vintages",
]

BUNDLE_FORMAT = B.FORMAT
#: Seconds a second writer waits for the bundle's lock before giving up (``CHAIN_GAP_LOCK_TIMEOUT``).
LOCK_TIMEOUT = 600.0

errors.register(
    "bundle-locked",
    "{path}：另一个 chain-gap 进程正在写入该数据包，等待 {timeout:.0f} 秒后仍未结束；请等它完成后重试",
    "{path}: another chain-gap process is writing this bundle and did not finish within {timeout:.0f} s; "
    "retry when it is done",
)

_KEYS = B.KEYS
_held = threading.local()


# ------------------------------------------------------------------ the lock


def _recover_siblings(root: Path) -> None:
    """Put back or remove the hidden ``.NAME.old-*`` / ``.NAME.tmp-*`` folders a version-1 save left.

    A version-1 save that was killed between its two renames left no bundle at the path, only the old
    one under ``.NAME.old-PID``: it is renamed back. Temporary folders are removed. Both are reported.
    """
    parent = root.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{root.name}.old-*"))
    tmps = sorted(parent.glob(f".{root.name}.tmp-*"))
    if not olds and not tmps:
        return
    restored = None
    if not os.path.lexists(root):
        for old in olds:
            if is_bundle(old):
                with contextlib.suppress(OSError):
                    os.replace(old, root)
                    restored = old
                    break
    removed = [p for p in (*olds, *tmps) if p != restored and p.is_dir() and not p.is_symlink()]
    for p in removed:
        shutil.rmtree(p, ignore_errors=True)
    msg = f"{root}: "
    if restored is not None:
        msg += f"restored the bundle from {restored.name} (left by an interrupted save); "
    if removed:
        msg += f"removed {len(removed)} leftover folder(s) of interrupted saves ({', '.join(p.name for p in removed)})"
    warnings.warn(msg.rstrip("; "), BundleWarning, stacklevel=4)


@contextlib.contextmanager
def locked(
    path: str | os.PathLike[str],
    *,
    timeout: float | None = None,
    waiting: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Hold the bundle's writer lock for the block (a read-modify-write must run inside one).

    The path must be a bundle or absent (else ``bundle-not-a-bundle``, nothing touched); an absent
    one is created as an empty folder with the user's normal permissions. A second writer waits up to
    ``timeout`` seconds (default :data:`LOCK_TIMEOUT`, or ``CHAIN_GAP_LOCK_TIMEOUT``), calling
    ``waiting`` once when it starts to wait, then fails with ``bundle-locked``. Re-entrant in one thread.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    timeout : float, optional
        Seconds to wait for another writer.
    waiting : callable, optional
        Told the path when the lock is busy (the CLI prints "waiting for another writer").

    Yields
    ------
    Path
        The bundle folder, locked.
    """
    root = check_bundle_path(path)
    key = str(_resolve(root))
    held: dict[str, int] = _held.__dict__.setdefault("paths", {})
    if key in held:
        held[key] += 1
        try:
            yield root
        finally:
            held[key] -= 1
        return
    if timeout is None:
        timeout = float(os.environ.get("CHAIN_GAP_LOCK_TIMEOUT") or LOCK_TIMEOUT)
    _recover_siblings(root)
    with user_os_errors(root):
        root.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(root / LOCK), mode=default_mode())
    with user_os_errors(root / LOCK):
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if waiting is not None:
                waiting(root)
            try:
                lock.acquire(timeout=timeout)
            except filelock.Timeout:
                raise BundleError(code="bundle-locked", path=str(root), timeout=timeout) from None
    held[key] = 1
    try:
        yield root
    finally:
        del held[key]
        lock.release()


# ------------------------------------------------------------------ reading


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a bundle as stored.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.

    Returns
    -------
    dict
        The parsed ``manifest.json``.

    Raises
    ------
    BundleError
        ``path`` is not a readable bundle.
    """
    return B.read_manifest(Path(path), B.schema_version())


def _manifest_stamp(root: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(root / B.MANIFEST)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def _read_consistent(root: Path, fn: Callable[[dict[str, Any]], Any], attempts: int = 8) -> Any:
    """Run ``fn`` on the manifest; retry when a concurrent writer swapped it and removed old parts meanwhile.

    A swap is told by the manifest's inode and mtime (a rename makes a new inode), not by its bytes:
    a writer can swap back to identical content while old parts are gone.
    """
    for attempt in range(attempts):
        stamp = _manifest_stamp(root)
        manifest = B.view(read_manifest(root))
        try:
            return fn(manifest)
        except BundleError as exc:
            if exc.code != "bundle-missing-file" or attempt == attempts - 1:
                raise
            if stamp is not None and _manifest_stamp(root) == stamp:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def load(path: str | os.PathLike[str], *, only: Mapping[str, Iterable[str] | None] | None = None) -> nx.MultiDiGraph:
    """Read a bundle into a ``networkx.MultiDiGraph``, verifying it first.

    Every file read is checked against the manifest (exists, sha256, row count), and the counts per
    kind and in total must match what was saved; a bundle edited by hand, truncated or incomplete is
    refused with a one-line :class:`BundleError` naming the file (``bundle-checksum``,
    ``bundle-missing-file``, ``bundle-counts``, ``bundle-damaged``, ``bundle-version``). Version-1
    bundles are read as they are.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    only : mapping, optional
        Node or edge kind → the properties to read (``None``: all). Only those kinds are read (and
        only their parts verified); edges to a node of a kind not read are left out. For a command
        that reads a few kinds of a large bundle (``chain-gap gaps`` reads firms, links and their
        memberships: :data:`chain_gap._cli.GAPS_READS`). Default: the whole bundle.

    Returns
    -------
    networkx.MultiDiGraph
        Every node and edge with its ``kind`` and properties (of the kinds asked for), and the
        bundle's graph-level data.
    """
    root = Path(path)

    def build(manifest: dict[str, Any]) -> nx.MultiDiGraph:
        G = _build(root, manifest, only)
        dv = B.data_vintage(manifest)
        if dv is not None:  # derived from the manifest on every read; never stored in the graph part
            G.graph["data_vintage"] = dv
        return G

    with gc_paused():
        return _read_consistent(root, build)


def read_table(path: str | os.PathLike[str], section: str, kind: str, columns: Iterable[str] | None = None) -> pa.Table:
    """One node or edge kind as an Arrow table, reading and verifying only that kind's parts.

    For commands that need two tables of a large bundle: no graph is built and no other file is
    hashed. JSON-typed columns stay JSON strings (see the manifest's ``columns``).

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    section : {"nodes", "edges"}
        Which family of tables.
    kind : str
        The node kind (``"Enterprise"``) or edge kind (``"LINKED_TO"``).
    columns : iterable of str, optional
        Decode only these columns (and the key columns); a column a part lacks comes out null for
        its rows. Every file is verified either way. Default: all.

    Returns
    -------
    pyarrow.Table
        The rows of that kind, a row stored in a later part replacing an earlier one with the same id.
    """
    root = Path(path)
    keys = _KEYS[section]
    wanted = None if columns is None else list(dict.fromkeys([*keys, *columns]))

    def read(manifest: dict[str, Any]) -> pa.Table:
        meta = manifest[section].get(kind)
        if meta is None:
            raise BundleError(f"{root}: no {section} of kind {kind!r} in this bundle", code="bundle-no-kind")
        tables = []
        for p in meta["parts"]:
            cols = None
            if wanted is not None:  # a part written before a column existed lacks it
                try:
                    have = set(pq.read_schema(root / p["file"]).names)
                except (pa.ArrowException, OSError):  # read_parquet names the damage (checksum first)
                    have = set(wanted)
                cols = [c for c in wanted if c in have]
            tables.append(B.read_parquet(root, p, f"{section} {kind}", columns=cols))
        t = _parts.merge_parts(tables, keys)
        if wanted is not None:
            for c in wanted:
                if c not in t.column_names:
                    t = t.append_column(c, pa.nulls(t.num_rows, pa.string()))
        return t

    return _read_consistent(root, read)


def read_side_table(path: str | os.PathLike[str], name: str) -> pa.Table:
    """A side table (e.g. ``"contacts"``) stored with :func:`put_table`, verified.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    name : str
        Name of the side table.

    Returns
    -------
    pyarrow.Table
    """
    root = Path(path)

    def read(manifest: dict[str, Any]) -> pa.Table:
        meta = manifest["tables"].get(name)
        if meta is None:
            raise BundleError(f"{root}: no side table {name!r} in this bundle", code="bundle-no-kind")
        return pa.concat_tables([B.read_parquet(root, p, f"table {name}") for p in meta["parts"]])

    return _read_consistent(root, read)


def vintages(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The data vintage of a bundle: one entry per load that changed it.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.

    Returns
    -------
    list of dict
        Oldest first, each with ``time``, ``source``, ``files`` (name, sha256, bytes) and ``rows``.
    """
    return list(B.view(read_manifest(path)).get("loads", []))


def data_vintage(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The data vintage of a bundle: the date its data describe, or ``None`` when no load stated one.

    The ``data_vintage`` of the most recent load that stated one (an export date read from the
    files, or the user's ``--vintage``, which thus corrects an earlier one), with where it came from. A bundle written before vintages were recorded
    has none: it still loads, its vintage is unknown.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.

    Returns
    -------
    dict or None
        ``date`` (``YYYY-MM`` or ``YYYY-MM-DD``), ``from`` (the title row, column or ``--vintage``
        it was read from), ``loaded`` (UTC time of that load) and ``loads`` (how many loads stated one).
    """
    return B.data_vintage(B.view(read_manifest(path)))


# ------------------------------------------------------------------ writing


def _save_locked(root: Path, G: nx.MultiDiGraph, vin: dict[str, Any] | None) -> Path:
    base = _current(root)
    stale = _stale(root, base)
    with _undo_on_error(root, base, stale), user_os_errors(root), gc_paused():
        nodes, edges, n_edges = _group(G)
        manifest: dict[str, Any] = {
            "format": B.FORMAT,
            "schema_version": B.schema_version(),
            "nodes": _encode_section(root, "nodes", nodes),
            "edges": _encode_section(root, "edges", edges),
            "graph": _graph_part(root, _contacts.without(G.graph)),
            "tables": _parts.with_contacts(root, dict(base["tables"]) if base else {}, _contacts.of(G)),
            "loads": list(base["loads"]) if base else [],
            "totals": {"nodes": G.number_of_nodes(), "edges": n_edges},
        }
        if (
            vin is not None
            and base is not None
            and _parts.same_rows(root, base, manifest)
            and not _new_vintage(base, vin)
        ):
            vin = None  # compacting appended parts is no load: the same file loaded again is no new vintage
        _commit(root, base, manifest, stale, vin)
    return root


def save(
    G: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    vintage: dict[str, Any] | None = None,
) -> Path:
    """Write ``G`` as the bundle at ``path``, atomically and under the bundle's lock.

    The path must be a bundle or absent. Parts whose content did not change are reused; the new
    manifest is swapped in only when it is durable, so a kill at any moment leaves the old or the new
    bundle. Side tables and the list of loads of the bundle already at ``path`` are kept. When nothing
    changed, nothing is written (and ``vintage`` is not recorded: loading the same file twice is
    not a new vintage). A version-1 bundle at ``path`` is rewritten as version 2.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Every node and edge needs a ``kind`` property.
    path : str or os.PathLike
        The bundle folder.
    vintage : dict, optional
        The load that produced this state (:func:`vintage`), appended to the manifest's ``loads``.

    Returns
    -------
    Path
        The bundle folder.
    """
    with locked(path) as root:
        return _save_locked(root, G, vintage)


def _append_locked(root: Path, D: nx.MultiDiGraph, vin: dict[str, Any] | None) -> Path:
    base = _current(root)
    if base is None or base.get("format") != B.FORMAT:
        G = load(root) if base is not None else nx.MultiDiGraph()
        old_contacts = _contacts.of(G)
        sources = dict(G.graph)
        G.graph.update(D.graph)
        provenance.merge_sources(G.graph, sources)
        if _contacts.of(D) is not None:
            G.graph[_contacts.CONTACTS] = _contacts.merge_contacts(old_contacts, D.graph[_contacts.CONTACTS])
        _add_all(G, D)
        return _save_locked(root, G, vin)
    ends = {n for n, a in D.nodes(data=True) if not a}  # bare nodes: ends of edges, already in the bundle
    if ends:  # an edge to a node the bundle lacks would make a bundle that fails its own counts
        missing = _parts.missing_ids(root, base, ends)
        if missing:
            raise BundleError(
                f"{root}: cannot append edges to nodes that are neither in the bundle nor appended "
                f"({len(missing)}, e.g. {sorted(missing)[0]!r})",
                code="bundle-append-dangling",
            )
    stale = _stale(root, base)
    with _undo_on_error(root, base, stale), user_os_errors(root), gc_paused():
        nodes, edges, _ = _group(D, skip=ends)
        manifest = dict(base)
        # new rows are written as this version writes them: say so, so an older chain-gap refuses them
        manifest["schema_version"] = max(int(base.get("schema_version") or 1), B.schema_version())
        attrs = B.read_graph_attrs(root, base)
        sources = dict(attrs)
        attrs.update(_contacts.without(D.graph))
        provenance.merge_sources(attrs, sources)
        manifest["graph"] = _graph_part(root, attrs)
        if _contacts.of(D) is not None:
            manifest["tables"] = _parts.append_contacts(root, base, D.graph[_contacts.CONTACTS])
        for section, groups in (("nodes", nodes), ("edges", edges)):
            new = _encode_section(root, section, groups)
            merged = dict(base[section])
            for kind, meta in new.items():
                old = merged.get(kind)
                if old is None:
                    merged[kind] = meta
                    continue
                parts = [*old["parts"], *meta["parts"]]
                count = _parts.count_after_append(root, old, meta["parts"], list(_KEYS[section]))
                merged[kind] = {"count": count, "columns": {**old["columns"], **meta["columns"]}, "parts": parts}
            manifest[section] = merged
        manifest["totals"] = {s: sum(m["count"] for m in manifest[s].values()) for s in ("nodes", "edges")}
        _commit(root, base, manifest, stale, vin)
    return root


def _add_all(G: nx.MultiDiGraph, D: nx.MultiDiGraph) -> None:
    for nid, attrs in D.nodes(data=True):
        if nid in G:
            G.nodes[nid].clear()
        G.add_node(nid, **attrs)
    for u, v, k, attrs in D.edges(keys=True, data=True):
        if G.has_edge(u, v, k):  # D's row replaces the edge's data
            G.remove_edge(u, v, k)
        G.add_edge(u, v, key=k, **attrs)


def append(path: str | os.PathLike[str], D: nx.MultiDiGraph, *, vintage: dict[str, Any] | None = None) -> Path:
    """Add the nodes and edges of ``D`` to the bundle at ``path`` as new parts, without rewriting the rest.

    The cost is that of ``D`` (plus reading the id columns of the kinds it touches, to keep the counts
    exact), so a small load into a big bundle stays small. A row of ``D`` whose id (edge: start, end,
    kind) is already in the bundle replaces that row as a whole: give complete rows. A node of ``D``
    without any property is a reference to a node of the bundle (the end of a new edge): it must exist
    there (else ``bundle-append-dangling``) and is not rewritten. ``D.graph`` is
    merged into the bundle's graph-level data. :func:`save` compacts the parts again. A version-1
    bundle is migrated first.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.
    D : networkx.MultiDiGraph
        The nodes and edges to add, each with a ``kind`` property.
    vintage : dict, optional
        The load that produced ``D`` (:func:`vintage`), appended to the manifest's ``loads``.

    Returns
    -------
    pathlib.Path
        The bundle folder.
    """
    with locked(path) as root:
        return _append_locked(root, D, vintage)


def put_table(path: str | os.PathLike[str], name: str, table: pa.Table) -> Path:
    """Store (replace) the side table ``name`` of a bundle, e.g. the contacts table, under the lock.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder (an existing version-2 bundle).
    name : str
        Name of the side table.
    table : pyarrow.Table
        Its rows.

    Returns
    -------
    pathlib.Path
        The bundle folder.
    """
    with locked(path) as root:
        base = _current(root)
        if base is None or base.get("format") != B.FORMAT:
            raise BundleError(code="bundle-no-manifest", path=str(root))
        stale = _stale(root, base)
        with _undo_on_error(root, base, stale), user_os_errors(root):
            entry = B.write_part(root, "tables", name, B.parquet_bytes(table), ".parquet")
            entry.update(rows=table.num_rows)
            manifest = dict(base)
            manifest["tables"] = {**base["tables"], name: {"count": table.num_rows, "parts": [entry]}}
            _commit(root, base, manifest, stale, None)
    return root


def migrate(path: str | os.PathLike[str]) -> bool:
    """Rewrite a version-1 bundle as version 2 (under the lock).

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder.

    Returns
    -------
    bool
        ``True`` when it was migrated, ``False`` when it was version 2 already or absent.
    """
    with locked(path) as root:
        base = _current(root)
        if base is None or base.get("format") == B.FORMAT:
            return False
        _save_locked(root, load(root), None)
        return True


class Edit:
    """A bundle held for a read-modify-write (see :func:`edit`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def exists(self) -> bool:
        """Whether a bundle is there already (``False``: the first save creates it)."""
        return is_bundle(self.path)

    def load(self) -> nx.MultiDiGraph | None:
        """The bundle's graph, verified, or ``None`` when the bundle does not exist yet.

        Returns
        -------
        networkx.MultiDiGraph or None
        """
        return load(self.path) if self.exists else None

    def save(self, G: nx.MultiDiGraph, *, vintage: dict[str, Any] | None = None) -> Path:
        """:func:`save` ``G`` here (the lock is already held).

        Parameters
        ----------
        G : networkx.MultiDiGraph
            The new state of the bundle.
        vintage : dict, optional
            The load that produced it (:func:`vintage`).

        Returns
        -------
        pathlib.Path
            The bundle folder.
        """
        return _save_locked(self.path, G, vintage)

    def append(self, D: nx.MultiDiGraph, *, vintage: dict[str, Any] | None = None) -> Path:
        """:func:`append` ``D`` here (the lock is already held).

        Parameters
        ----------
        D : networkx.MultiDiGraph
            The nodes and edges to add.
        vintage : dict, optional
            The load that produced them (:func:`vintage`).

        Returns
        -------
        pathlib.Path
            The bundle folder.
        """
        return _append_locked(self.path, D, vintage)


@contextlib.contextmanager
def edit(
    path: str | os.PathLike[str],
    *,
    timeout: float | None = None,
    waiting: Callable[[Path], None] | None = None,
) -> Iterator[Edit]:
    """Hold the bundle's lock across a read-modify-write, so that concurrent writers lose nothing.

    Example::

        with io.edit("city.bundle") as bundle:
            G = bundle.load()                    # None for a new bundle
            res = load.load(files, "qcc", G)
            bundle.save(res.graph, vintage=io.vintage(files, source="qcc", rows=res.report["totals"]))

    See :func:`locked` for the path rule, ``timeout`` and ``waiting``.

    Parameters
    ----------
    path : str or os.PathLike
        The bundle folder (a bundle or absent).
    timeout : float, optional
        Seconds to wait for the lock, as in :func:`locked`.
    waiting : callable, optional
        Called once with the bundle path when the wait for another writer starts, as in :func:`locked`.

    Yields
    ------
    Edit
        The held bundle.
    """
    with locked(path, timeout=timeout, waiting=waiting) as root:
        yield Edit(root)
