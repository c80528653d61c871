"""What the CLI used to compute itself now lives in the API (the CLI only prints)."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import REGION, toy_chain, verdict_graph

from chain_gap import codes, gaps, link, targets, vocab


@pytest.fixture(scope="module")
def G():
    return verdict_graph()


def test_decision_counts_match_the_edges(G):
    counts = link.decision_counts(G)
    edges = [d.get("decision", "") for _, _, k, d in G.edges(keys=True, data=True) if k == vocab.LINKED_TO]
    assert sum(counts.values()) == len(edges) > 0
    assert counts == dict(sorted(pd.Series(edges).value_counts().to_dict().items()))
    assert link.decision_counts(G, chain="no-such-chain") == {}


def test_compare_flat_is_one_header_row(G):
    other = codes.resolve_region("郑州市").code
    wide = gaps.compare(G, toy_chain(), [REGION, other])
    flat = gaps.compare(G, toy_chain(), [REGION, other], flat=True)
    assert isinstance(wide.columns, pd.MultiIndex)
    assert list(flat.columns[:3]) == ["link", "link:link_name", "link:stage"]
    assert f"{codes.resolve_region(REGION).name}:verdict" in flat.columns
    assert len(flat) == len(wide)


def test_rank_with_stability_adds_the_column(G):
    plain = targets.rank(G, toy_chain(), REGION, top=5)
    st = targets.rank(G, toy_chain(), REGION, top=5, with_stability=True)
    assert "stability" not in plain.columns
    assert st["stability"].between(0, 1).all()
    assert st["ent_id"].tolist() == plain["ent_id"].tolist()
