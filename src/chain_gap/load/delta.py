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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from chain_gap import vocab
from chain_gap.errors import ChainGapError

if TYPE_CHECKING:
    from chain_gap.load import LoadResult
    from chain_gap.load.mapping import Mapping

__all__ = ["KnownIds", "TouchesBundle", "known_ids", "load_new"]


class TouchesBundle(ChainGapError):
    """The load would reach a firm the bundle holds: load against the whole bundle instead (internal:
    :func:`load_new` catches it; never reaches a user)."""


@dataclass(frozen=True)
class KnownIds:
    """The identities of a bundle's firms, as the loader matches them (see the module notes)."""

    ids: frozenset[str]
    uscc: frozenset[str]
    stock: frozenset[str]
    names: frozenset[str]

    def check(self, uscc: str | None, stock_sym: str | None, name_norm: str | None) -> None:
        """Stop when any identity key of a record is one of the bundle's (a superset of a match)."""
        if (uscc and uscc in self.uscc) or (stock_sym and stock_sym in self.stock) or (name_norm in self.names):
            raise TouchesBundle

    def check_id(self, nid: str) -> None:
        """Stop when a node id the load would create is taken in the bundle."""
        if nid in self.ids:
            raise TouchesBundle


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
    from chain_gap import io, normalize
    from chain_gap.load.values import stock_symbol

    m = io.read_manifest(bundle)
    if vocab.ENTERPRISE not in m.get("nodes", {}):
        return KnownIds(frozenset(), frozenset(), frozenset(), frozenset())
    t = io.read_table(bundle, "nodes", vocab.ENTERPRISE, columns=["uscc", "stock_code", "name", "name_norm"])
    names = t.column("name").to_pylist()
    norms = [
        nn or (normalize.normalize_name(str(n)) if n else None)
        for nn, n in zip(t.column("name_norm").to_pylist(), names, strict=True)
    ]
    stocks = [stock_symbol(str(s)) or str(s) for s in t.column("stock_code").to_pylist() if s]
    return KnownIds(
        ids=frozenset(t.column("id").to_pylist()),
        uscc=frozenset(u for u in t.column("uscc").to_pylist() if u),
        stock=frozenset(stocks),
        names=frozenset(n for n in norms if n),
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
    except TouchesBundle:
        return None
    D = res.graph
    if any(n in known.ids for n, a in D.nodes(data=True) if a.get("kind") == vocab.ENTERPRISE):
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
