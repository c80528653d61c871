"""A small load into a big bundle at the cost of the small file (``load --into``, issue 15).

Loading 2,000 new firms into a bundle of a million used to read the whole bundle into a graph,
merge, and save it again: the cost of the bundle, not of the file. When every row of the files is
a firm the bundle does not hold yet, none of that is needed. :func:`load_new` reads only the
identity columns of the bundle's firms (id, USCC, stock code, normalised name), loads the files into
an empty graph whose loader knows those identities, and returns that graph as the delta to append
(:func:`chain_gap.io.append`: new parts, nothing rewritten).

The rule is conservative and exact: the moment a row could reach a firm of the bundle — the same
USCC, stock code or normalised name anywhere, an id the bundle holds, a relation or supply row that
names firms — the loader stops (:class:`TouchesBundle`) and the caller does the whole-bundle load, so
a merge, a conflict report or a re-key always runs against the real records. A fast load therefore
gives the same bundle content and the same report as the whole-bundle load. Regions and industries
the delta shares with the bundle become references (the bundle's rows stay as they are).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import networkx as nx

from chain_gap import vocab
from chain_gap.errors import ChainGapError

if TYPE_CHECKING:
    import pyarrow as pa

    from chain_gap.load import LoadResult
    from chain_gap.load.mapping import Mapping

__all__ = ["KnownIds", "TouchesBundle", "known_ids", "load_new"]


class TouchesBundle(ChainGapError):
    """The load would reach a firm the bundle holds: load against the whole bundle instead (internal:
    :func:`load_new` catches it; never reaches a user)."""


class KnownIds:
    """The identities of a bundle's firms, as the loader matches them (see the module notes).

    The bundle's identity columns stay Arrow arrays: the keys a load asks about are collected and
    matched against them in blocks of :attr:`BLOCK` with one vectorised ``is_in`` per column, so a
    small load into a million-firm bundle never turns a million values into Python objects, and a
    load that reaches the bundle still stops within a block of its first such row.
    """

    BLOCK = 4096

    def __init__(self, table: pa.Table | None = None) -> None:
        self._t = table
        self._pending: dict[str, set[str]] = {"id": set(), "uscc": set(), "name_norm": set()}
        self._n = 0
        self._stocks: frozenset[str] = frozenset()
        self._names: frozenset[str] = frozenset()
        if table is None:
            return
        import pyarrow.compute as pc

        from chain_gap import normalize
        from chain_gap.load.values import stock_symbol

        # the few rows the vectorised match cannot see as stored: stock codes in any spelling
        # (600373, 600373.SH) and firms saved without a normalised name
        stock = _strings(table.column("stock_code"))
        codes = pc.drop_null(stock).to_pylist() if stock is not None else []
        self._stocks = frozenset(stock_symbol(str(s)) or str(s) for s in codes if s)
        norm = _strings(table.column("name_norm"))
        name = _strings(table.column("name"))
        if name is not None:
            if norm is None:
                raw = name.to_pylist()
            else:
                raw = pc.filter(name, pc.or_kleene(pc.is_null(norm), pc.equal(norm, ""))).to_pylist()
            self._names = frozenset(normalize.normalize_name(str(n)) for n in raw if n)

    def check(self, uscc: str | None, stock_sym: str | None, name_norm: str | None) -> None:
        """Note a record's identity keys; stop when one is the bundle's (a superset of a match)."""
        if self._t is None:
            return
        p = self._pending
        if uscc:
            p["uscc"].add(uscc)
        if stock_sym and stock_sym in self._stocks:
            raise TouchesBundle
        if name_norm:
            if name_norm in self._names:
                raise TouchesBundle
            p["name_norm"].add(name_norm)
        self._count()

    def check_id(self, nid: str) -> None:
        """Note a node id the load would create; stop when the bundle holds it."""
        if self._t is None:
            return
        self._pending["id"].add(nid)
        self._count()

    def _count(self) -> None:
        self._n += 1
        if self._n >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        """Match the keys noted since the last flush; raise :class:`TouchesBundle` on any hit."""
        self._n = 0
        if self._t is None:
            return
        for col, values in self._pending.items():
            if values and _any_in(self._t.column(col), values):
                raise TouchesBundle
            values.clear()

    def holds(self, ids: Iterable[str]) -> bool:
        """Whether the bundle holds any of these node ids."""
        wanted = set(ids)
        return self._t is not None and bool(wanted) and _any_in(self._t.column("id"), wanted)


def _strings(col: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """A string column as plain strings (dictionary-decoded); None for an all-null column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(col.type):
        return None
    if pa.types.is_dictionary(col.type):
        col = pc.cast(col, col.type.value_type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    return col


def _any_in(col: pa.ChunkedArray, values: set[str]) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    s = _strings(col)
    if s is None:
        return False
    return bool(pc.any(pc.is_in(s, value_set=pa.array(sorted(values), s.type))).as_py())


def known_ids(bundle: str | os.PathLike[str]) -> KnownIds:
    """Read the identity columns of the bundle's firms (every part verified, nothing else decoded).

    Parameters
    ----------
    bundle : str or os.PathLike
        A chain-gap bundle.

    Returns
    -------
    KnownIds
    """
    from chain_gap import io

    m = io.read_manifest(bundle)
    if vocab.ENTERPRISE not in m.get("nodes", {}):
        return KnownIds()
    return KnownIds(
        io.read_table(bundle, "nodes", vocab.ENTERPRISE, columns=["uscc", "stock_code", "name", "name_norm"])
    )


def load_new(
    bundle: str | os.PathLike[str],
    files: list[str | os.PathLike[str]],
    source: str | Mapping,
    *,
    sheet: str | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
) -> tuple[LoadResult, nx.MultiDiGraph] | None:
    """Load ``files`` as new firms only; ``None`` when they touch the bundle's (load it whole then).

    Call it with the bundle's lock held (:func:`chain_gap.io.edit`).

    Parameters
    ----------
    bundle : str or os.PathLike
        An existing chain-gap bundle.
    files, source, sheet, progress
        As for :func:`chain_gap.load.load`. Only mappings of enterprise tables take this path.

    Returns
    -------
    (LoadResult, networkx.MultiDiGraph) or None
        The load's result (its graph holds only what the files add) and the delta to append, in
        which the regions and industries the bundle holds already are bare references.
    """
    from chain_gap.load import _jobs, load, load_mapping

    mapping = load_mapping(source)
    jobs, _ = _jobs(list(files), mapping)
    if not jobs or any(sub.kind != "enterprise" for _, sub in jobs):
        return None  # relations and supply rows name firms of the bundle by design
    known = known_ids(bundle)
    try:
        res = load(files, source, None, progress=progress, sheet=sheet, known=known)
        known.flush()
    except TouchesBundle:
        return None
    D = res.graph
    if known.holds(n for n, a in D.nodes(data=True) if a.get("kind") == vocab.ENTERPRISE):
        return None  # a safety net: the checks above should have stopped such a load
    shared = _held(bundle, D)
    for n in shared:  # the bundle's row stays; the delta's edges end at it
        D.nodes[n].clear()
    return res, D


def _held(bundle: str | os.PathLike[str], D: nx.MultiDiGraph) -> set[str]:
    """The nodes of ``D`` other than firms that the bundle holds already."""
    from chain_gap import io

    m = io.read_manifest(bundle)
    kinds: dict[str, list[str]] = {}
    for n, a in D.nodes(data=True):
        k = a.get("kind")
        if k != vocab.ENTERPRISE and k in m.get("nodes", {}):
            kinds.setdefault(str(k), []).append(n)
    held: set[str] = set()
    for k, ids in kinds.items():
        have = set(io.read_table(bundle, "nodes", k, columns=[]).column("id").to_pylist())
        held.update(n for n in ids if n in have)
    return held
