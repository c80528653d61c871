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


def test_snapshot_builds_each_table_once_and_hands_out_copies(G, monkeypatch):
    from chain_gap import frames

    calls = {"n": 0}
    real = frames._frame

    def counting(*a, **k):
        calls["n"] += 1
        return real(*a, **k)

    monkeypatch.setattr(frames, "_frame", counting)
    with frames.snapshot(G):
        a = frames.enterprises(G, ["region"])
        a["scratch"] = 1  # a caller's change does not leak into the next caller's table
        b = frames.enterprises(G, ["region"])
        first = gaps.table(G, toy_chain(), REGION)
        again = gaps.table(G, toy_chain(), REGION)
    assert "scratch" not in b.columns
    inside = calls["n"]
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, gaps.table(G, toy_chain(), REGION))
    assert calls["n"] > inside  # outside the block nothing is reused
    # inside the block: one enterprises(["region"]) build, and one per distinct request of gaps.table
    calls["n"] = 0
    with frames.snapshot(G):
        gaps.table(G, toy_chain(), REGION)
        once = calls["n"]
        gaps.table(G, toy_chain(), REGION)
        assert calls["n"] == once


def test_snapshot_drops_tables_when_the_graph_changes(G):
    from chain_gap import frames

    H = G.copy()
    with frames.snapshot(H):
        n0 = len(frames.enterprises(H, ["region"]))
        H.add_node("ent:new", kind=vocab.ENTERPRISE, name="新企业", region=REGION)
        assert len(frames.enterprises(H, ["region"])) == n0 + 1
