"""What link.attach holds per LINKED_TO edge: key-sharing dicts an analyst edits like any edge data,
one object per repeated value, and the same edges on graph classes written through networkx."""

from __future__ import annotations

import copy
import pickle
import sys

import networkx as nx
import pytest
from factories import toy_chain

from chain_gap import _fastgraph, _memory, io, link
from chain_gap.schema import add_node, link_id

SCOPE = "锂离子电池、电芯的研发、生产、销售"


def _graph(cls: type = nx.MultiDiGraph, n: int = 3) -> nx.MultiDiGraph:
    G = cls()
    for i in range(n):
        add_node(G, "Enterprise", f"F{i}", name=f"测试{i}有限公司", scope=SCOPE, industry_code="3841")
    add_node(G, "Enterprise", "P", name="测试电机有限公司", products=["永磁同步电机"])
    return G


def _linked(G: nx.MultiDiGraph) -> dict[tuple[str, str], dict]:
    return {(u, v): dict(d) for u, v, k, d in G.edges(keys=True, data=True) if k == "LINKED_TO"}


def test_linked_to_data_is_a_plain_dict_an_analyst_can_edit(tmp_path):
    G = _graph()
    link.attach(G, [toy_chain()])
    u, v = "ent:F0", link_id("toy", "cell")
    d = G.edges[u, v, "LINKED_TO"]
    assert type(d) is dict and d["decision"] == "confirmed"
    d["note"] = "已走访"  # a key the linker never writes
    d["confidence"] = 0.5
    del d["lines"]
    G.add_edge(u, v, key="LINKED_TO", reviewer="张三")  # networkx updates the edge's own dict
    got = G.edges[u, v, "LINKED_TO"]
    assert got["note"] == "已走访" and got["reviewer"] == "张三" and got["confidence"] == 0.5 and "lines" not in got
    # the other firms' edges with the same evidence are untouched
    other = G.edges["ent:F1", v, "LINKED_TO"]
    assert "note" not in other and other["confidence"] != 0.5 and "lines" in other
    for H in (pickle.loads(pickle.dumps(G)), copy.deepcopy(G), G.copy()):
        assert _linked(H) == _linked(G)
    G.remove_edge(u, v, "LINKED_TO")
    assert not G.has_edge(u, v, "LINKED_TO") and G.has_edge("ent:F1", v, "LINKED_TO")
    io.save(G, tmp_path / "b")

    def stored(edges: dict) -> dict:  # a bundle stores no None values (line_share of firms without shares)
        return {e: {k: x for k, x in d.items() if x is not None} for e, d in edges.items()}

    assert stored(_linked(io.load(tmp_path / "b"))) == stored(_linked(G))


def test_relinking_after_an_edit_replaces_the_automatic_edges():
    G = _graph()
    link.attach(G, [toy_chain()])
    before = _linked(G)
    G.edges["ent:F0", link_id("toy", "cell"), "LINKED_TO"]["note"] = "x"
    link.attach(G, [toy_chain()])
    assert _linked(G) == before


def test_repeated_values_are_one_object():
    G = _graph(n=4)
    link.attach(G, [toy_chain()])
    v = link_id("toy", "cell")
    ds = [G.edges[f"ent:F{i}", v, "LINKED_TO"] for i in range(4)]
    assert len({d["evidence"] for d in ds}) == 1
    for key in ("evidence", "method", "confidence"):
        assert len({id(d[key]) for d in ds}) == 1, key


def test_a_graph_subclass_gets_the_same_links():
    class Sub(nx.MultiDiGraph):
        pass

    G, H = _graph(), _graph(Sub)
    link.attach(G, [toy_chain()])
    link.attach(H, [toy_chain()])
    assert _linked(H) == _linked(G) and _linked(G)


@pytest.mark.skipif(not _fastgraph.KEY_SHARING, reason="key-sharing dicts are measured on CPython 3.11")
def test_linked_to_dicts_and_their_key_dicts_share_key_tables():
    G = _graph()
    link.attach(G, [toy_chain()])
    u, v = "ent:F0", link_id("toy", "cell")
    d = G.edges[u, v, "LINKED_TO"]
    assert sys.getsizeof(d) < 0.5 * sys.getsizeof(dict(d))
    keydict = G._succ[u][v]
    assert sys.getsizeof(keydict) < 0.6 * sys.getsizeof(dict(keydict))


def test_release_keeps_objects_intact():
    G = _graph()
    link.attach(G, [toy_chain()])
    before = _linked(G)
    _memory.release()
    assert _linked(G) == before
