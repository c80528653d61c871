"""load._fastgraph writes into networkx's dicts: it must build the graph schema.add_node/add_edge build."""

from __future__ import annotations

import networkx as nx
import pytest

from chain_gap._fastgraph import FastGraph
from chain_gap.schema import add_edge, add_node, node_id

NODES = [
    ("Enterprise", "91350900587527783P", {"name": "示例甲电", "name_norm": "示例甲电", "region": "350902"}),
    ("Enterprise", "stock:300901", {"name": "示例乙材", "short_name": "乙材", "tags": ["listed"]}),
    ("Product", "示范电芯", {"name": "示范电芯"}),
    ("Product", "示范正极材料", {"name": "示范正极材料"}),
    ("Region", "350902", {"name": "蕉城区", "level": "county", "province": "350000", "city": "350900"}),
]
EDGES = [
    ("ent:91350900587527783P", "product:示范电芯", "MAKES", {"share": 0.6}),
    ("ent:stock:300901", "product:示范电芯", "MAKES", {}),
    ("product:示范正极材料", "product:示范电芯", "INPUT_OF", {}),
    ("ent:91350900587527783P", "region:350902", "LOCATED_IN", {}),
    ("ent:91350900587527783P", "product:示范电芯", "MAKES", {"share": 0.65}),  # an update
    ("ent:91350900587527783P", "product:示范正极材料", "MAKES", {}),
    ("ent:stock:300901", "product:示范电芯", "MAKES", {"share": 0.1}),  # an update adding a property
]


def _schema_graph() -> tuple[nx.MultiDiGraph, list[bool]]:
    G = nx.MultiDiGraph()
    for kind, key, props in NODES:
        add_node(G, kind, key, **props)
    new = []
    for u, v, kind, props in EDGES:
        new.append(not G.has_edge(u, v, key=kind))
        add_edge(G, u, v, kind, **props)
    return G, new


def _fast_graph(cls: type[nx.MultiDiGraph], bulk: bool) -> tuple[nx.MultiDiGraph, list[bool]]:
    G = cls()
    fg = FastGraph(G)
    nodes = [(node_id(kind, key), {"kind": kind, **props}) for kind, key, props in NODES]
    if bulk:
        fg.add_nodes(nodes)
    else:
        for nid, attrs in nodes:
            fg.add_node(nid, attrs)
    new = [fg.add_edge(u, v, kind, dict(props)) for u, v, kind, props in EDGES]
    fg.changed()
    return G, new


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert list(a.in_edges(keys=True, data=True)) == list(b.in_edges(keys=True, data=True))
    assert {n: dict(a.pred[n]) for n in a} == {n: dict(b.pred[n]) for n in b}
    assert nx.utils.graphs_equal(a, b)


@pytest.mark.parametrize("bulk", [False, True])
def test_fast_writes_build_the_schema_graph(bulk):
    want, want_new = _schema_graph()
    got, got_new = _fast_graph(nx.MultiDiGraph, bulk)
    _same(want, got)
    assert got_new == want_new
    # the written dicts are networkx's own: later API calls see them and keep them consistent
    assert got.number_of_edges() == 5 and got.in_degree("product:示范电芯") == 3
    got.remove_node("product:示范电芯")
    assert got.number_of_edges() == 2 and "product:示范电芯" not in got.pred["product:示范正极材料"]


def test_a_graph_subclass_goes_through_networkx():
    class Sub(nx.MultiDiGraph):
        pass

    want, want_new = _schema_graph()
    got, got_new = _fast_graph(Sub, bulk=False)
    assert not FastGraph(got).plain and FastGraph(nx.MultiDiGraph()).plain
    _same(want, got)
    assert got_new == want_new


def test_add_edges_counts_new_edges_and_targets_lists_by_kind():
    G, _ = _schema_graph()
    fg = FastGraph(G)
    assert fg.targets("ent:91350900587527783P", "MAKES") == ["product:示范电芯", "product:示范正极材料"]
    assert fg.targets("ent:91350900587527783P", "LOCATED_IN") == ["region:350902"]
    n = fg.add_edges(
        [
            ("ent:stock:300901", "product:示范正极材料", "MAKES", None),
            ("ent:stock:300901", "product:示范电芯", "MAKES", None),  # exists
        ]
    )
    assert n == 1 and G.edges["ent:stock:300901", "product:示范正极材料", "MAKES"] == {"kind": "MAKES"}


def test_changed_clears_the_networkx_cache():
    G = nx.MultiDiGraph()
    fg = FastGraph(G)
    fg.add_nodes([("product:a", {"kind": "Product", "name": "a"}), ("product:b", {"kind": "Product", "name": "b"})])
    G.__networkx_cache__["probe"] = "stale"
    fg.add_edge("product:a", "product:b", "INPUT_OF")
    fg.changed()
    assert "probe" not in G.__networkx_cache__


def _bundle_graph(tmp_path):
    from chain_gap import io

    G, _ = _schema_graph()
    add_node(G, "Region", "350900", name="宁德市", level="city", province="350000", city="350900")
    add_edge(G, "ent:stock:300901", "region:350900", "LOCATED_IN")
    io.save(G, tmp_path / "b.bundle")
    return G, io.load(tmp_path / "b.bundle")


def test_edges_without_properties_share_one_read_only_dict(tmp_path):
    from chain_gap._fastgraph import SharedAttrs

    G0, G = _bundle_graph(tmp_path)
    data = [d for _, _, k, d in G.edges(keys=True, data=True) if k == "LOCATED_IN"]
    assert len(data) == 2 and data[0] is data[1] and type(data[0]) is SharedAttrs
    assert data[0] == {"kind": "LOCATED_IN"}
    assert nx.utils.edges_equal(G.edges(keys=True, data=True), G0.edges(keys=True, data=True))
    e = ("ent:91350900587527783P", "region:350902", "LOCATED_IN")
    for write in (
        lambda d: d.__setitem__("note", 1),
        lambda d: d.update(note=1),
        lambda d: d.pop("kind"),
        lambda d: d.clear(),
        lambda d: d.__delitem__("kind"),
    ):
        with pytest.raises(TypeError, match="shared, read-only"):
            write(G.edges[e])
    G.edges[e].update(kind="LOCATED_IN")  # a write that changes nothing is fine
    add_edge(G, *e, note="核实")  # the schema's add_edge gives the edge its own dict
    assert G.edges[e] == {"kind": "LOCATED_IN", "note": "核实"}
    assert G.edges["ent:stock:300901", "region:350900", "LOCATED_IN"] == {"kind": "LOCATED_IN"}
    assert G.pred["region:350902"]["ent:91350900587527783P"]["LOCATED_IN"]["note"] == "核实"  # both maps


def test_shared_edge_dicts_survive_pickle_deepcopy_and_copy(tmp_path):
    import copy
    import pickle

    from chain_gap import io

    _, G = _bundle_graph(tmp_path)
    for H in (pickle.loads(pickle.dumps(G)), copy.deepcopy(G), G.copy()):
        assert nx.utils.edges_equal(H.edges(keys=True, data=True), G.edges(keys=True, data=True))
    H = G.copy()  # networkx's copy: a plain dict per edge, writable
    H.edges["ent:stock:300901", "region:350900", "LOCATED_IN"]["note"] = 1
    assert "note" not in G.edges["ent:stock:300901", "region:350900", "LOCATED_IN"]
    before = sorted(p.name for p in (tmp_path / "b.bundle" / "parts").iterdir())
    io.save(G, tmp_path / "b.bundle")  # the shared dicts save as the rows they came from
    assert sorted(p.name for p in (tmp_path / "b.bundle" / "parts").iterdir()) == before
