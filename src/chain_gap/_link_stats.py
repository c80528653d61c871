"""Counts over a linked graph (split out of :mod:`chain_gap.link`, which re-exports them)."""

from __future__ import annotations

import networkx as nx

from chain_gap import vocab


def decision_counts(G: nx.MultiDiGraph, chain: str | None = None) -> dict[str, int]:
    """How many ``LINKED_TO`` edges carry each decision (confirmed / uncertain / rejected).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A linked graph.
    chain : str, optional
        Count only this chain's edges.

    Returns
    -------
    dict
        ``{decision: count}``, sorted by decision.
    """
    counts: dict[str, int] = {}
    for _, _, k, d in G.edges(keys=True, data=True):
        if k == vocab.LINKED_TO and (chain is None or d.get("chain") == chain):
            dec = str(d.get("decision", ""))
            counts[dec] = counts.get(dec, 0) + 1
    return dict(sorted(counts.items()))


def linked_chains(G: nx.MultiDiGraph) -> list[str]:
    """Ids of the chains whose templates are in the graph (those :func:`attach` has linked)."""
    return sorted(
        a["chain_id"] if "chain_id" in a else n.split(":", 1)[1]
        for n, a in G.nodes(data=True)
        if a.get("kind") == vocab.CHAIN
    )
