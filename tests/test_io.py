"""The bundle: round trip, atomic and deterministic writes."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from chain_gap import io
from chain_gap.schema import add_edge, add_node


def _graph():
    G = nx.MultiDiGraph()
    e = add_node(
        G,
        "Enterprise",
        "91350900587527783P",
        name="宁德时代新能源科技股份有限公司",
        tags=["上市", "500强"],
        reg_capital=2.44e9,
        employees=100,
        synthetic=False,
    )
    r = add_node(G, "Region", "350900", name="宁德市", level="city")
    add_edge(G, e, r, "LOCATED_IN")
    s = add_node(G, "Enterprise", "91110000000000000X", name="供应商")
    add_edge(G, s, e, "SUPPLIES", value=1e6, year=2024, source="annual report")  # a property named source
    G.graph["overrides"] = [{"ent_id": e, "link": "nev/cell", "decision": "confirm"}]
    return G


def test_round_trip_keeps_types(tmp_path):
    G = _graph()
    io.save(G, tmp_path / "b")
    H = io.load(tmp_path / "b")
    assert set(H.nodes) == set(G.nodes)
    a = H.nodes["ent:91350900587527783P"]
    assert a["tags"] == ["上市", "500强"] and a["reg_capital"] == 2.44e9 and a["employees"] == 100
    assert a["synthetic"] is False
    assert H.has_edge("ent:91350900587527783P", "region:350900", "LOCATED_IN")
    assert H.edges["ent:91110000000000000X", "ent:91350900587527783P", "SUPPLIES"]["source"] == "annual report"
    assert H.graph["overrides"][0]["decision"] == "confirm"
    m = io.read_manifest(tmp_path / "b")
    assert m["nodes"]["Enterprise"]["count"] == 2 and m["totals"]["edges"] == 2


def test_save_is_deterministic_and_replaces_atomically(tmp_path):
    G = _graph()
    io.save(G, tmp_path / "b")
    m1 = (tmp_path / "b" / "manifest.json").read_bytes()
    io.save(io.load(tmp_path / "b"), tmp_path / "b")
    assert (tmp_path / "b" / "manifest.json").read_bytes() == m1
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # no temporary folders left behind


def test_failed_save_leaves_old_bundle(tmp_path):
    G = _graph()
    io.save(G, tmp_path / "b")
    G.add_node("bad")  # no kind
    with pytest.raises(io.BundleError):
        io.save(G, tmp_path / "b")
    assert io.load(tmp_path / "b").number_of_nodes() == 3
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_not_a_bundle(tmp_path):
    with pytest.raises(io.BundleError, match="not a chain-gap bundle"):
        io.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(io.BundleError, match="format 99"):
        io.load(tmp_path)
