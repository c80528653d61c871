"""Memory per firm (issue 15): key-sharing attribute dicts and key dicts, and the streamed save.

The analyst's view must not change: every dict is a plain ``dict`` that networkx, ``copy`` and
``pickle`` treat as any other, and a streamed part holds exactly the table of all rows at once.
"""

from __future__ import annotations

import copy
import errno
import math
import os
import pickle
import sys
import tracemalloc

import networkx as nx
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chain_gap import _atomic, _bundle, _bundle_write, _fastgraph, io
from chain_gap._fastgraph import FastGraph
from chain_gap.schema import add_edge, add_node

N = 300  # above the 256 rows where the reader starts sharing strings


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    regions = [add_node(G, "Region", code, name=f"地区{code}", level="county") for code in ("350902", "410102")]
    ind = add_node(G, "Industry", "gb4754:3841", name="锂离子电池制造", scheme="gb4754", code="3841", level=4)
    link = add_node(G, "Link", "nev/cell", name="电芯", chain="nev", stage="midstream", level=3, leaf=True)
    for i in range(N):
        props = {
            "name": f"示例{i}电池有限公司",
            "name_norm": f"示例{i}电池",
            "region": "350902" if i % 3 else "410102",
            "scope": f"锂电池 {i}",
            "tags": ["专精特新"] if i % 2 else [],
            "reg_capital": i if i % 5 else float(i) + 0.5,  # ints and floats: one float column
            "founded": f"20{i % 20:02d}-01-01",
            "source": "ents",
        }
        if i % 40 == 0:  # a sparse column
            props["listed_on"] = "2020-01-01"
        e = add_node(G, "Enterprise", f"E{i:06d}", **{k: v for k, v in props.items() if v != []})
        add_edge(G, e, regions[i % 2], "LOCATED_IN")
        add_edge(G, e, ind, "CLASSIFIED_AS")
        if i % 4 == 0:
            add_edge(
                G,
                e,
                link,
                "LINKED_TO",
                decision="confirmed",
                performs=True,
                score=i / N,
                method="keyword",
                evidence=f"锂电池 {i}",
            )
    G.graph["synthetic"] = True
    return G


def _same(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    assert {n: dict(G.pred[n]) for n in G} == {n: dict(H.pred[n]) for n in H}


# ------------------------------------------------------------------ streamed save


def test_a_streamed_part_holds_the_table_of_all_rows_at_once(tmp_path, monkeypatch):
    G = _graph()
    io.save(G, tmp_path / "whole")  # N rows fit one chunk
    monkeypatch.setattr(_bundle_write, "CHUNK_ROWS", 7)
    io.save(G, tmp_path / "chunked")
    nodes, edges, _ = _bundle_write._group(G)
    m = io.read_manifest(tmp_path / "chunked")
    whole = io.read_manifest(tmp_path / "whole")
    for section, groups in (("nodes", nodes), ("edges", edges)):
        assert set(m[section]) == set(groups)
        for kind, (*key_cols, rows) in groups.items():
            names = _bundle.KEYS[section]
            want, types = _bundle.encode_table(dict(zip(names, key_cols, strict=True)), rows)
            want = want.take(pc.sort_indices(want, sort_keys=[(k, "ascending") for k in names]))
            (part,) = m[section][kind]["parts"]
            f = tmp_path / "chunked" / part["file"]
            assert pq.read_table(f).equals(want), kind
            assert pq.ParquetFile(f).metadata.num_row_groups == math.ceil(len(rows) / 7)
            assert m[section][kind]["columns"] == types == whole[section][kind]["columns"]
            assert part["rows"] == len(rows) and part["bytes"] == f.stat().st_size
            assert part["sha256"] == _bundle.sha256_bytes(f.read_bytes())
    assert m["totals"] == whole["totals"]
    _same(io.load(tmp_path / "chunked"), G)
    _same(io.load(tmp_path / "whole"), G)


def test_saving_the_same_graph_again_writes_nothing(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(), b)
    before = {p.name: p.stat().st_mtime_ns for p in (b / "parts").iterdir()}
    io.save(io.load(b), b)
    assert {p.name: p.stat().st_mtime_ns for p in (b / "parts").iterdir()} == before


def test_a_full_disk_during_a_streamed_part_is_a_user_error_and_keeps_the_old_bundle(tmp_path, monkeypatch):
    b = tmp_path / "b"
    io.save(_graph(), b)
    before = sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))

    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_bundle_write._Hashing, "write", full)
    G = _graph()
    G.nodes["ent:E000001"]["scope"] = "changed"
    with pytest.raises(_atomic.WriteError) as exc:
        io.save(G, b)
    assert exc.value.code == "disk-full"
    monkeypatch.undo()
    assert sorted(p.relative_to(b).as_posix() for p in b.rglob("*")) == before  # no temporary file left
    _same(io.load(b), _graph())


# ------------------------------------------------------------------ key-sharing dicts


def _all_dicts(G: nx.MultiDiGraph) -> list[dict]:
    out = list(G._node.values())
    for nbrs in G._succ.values():
        for keydict in nbrs.values():
            out.append(keydict)
            out.extend(keydict.values())
    return out


def test_loaded_dicts_are_plain_dicts_that_copy_pickle_and_change_like_any(tmp_path):
    io.save(_graph(), tmp_path / "b")
    G = io.load(tmp_path / "b")
    assert {type(d) for d in _all_dicts(G)} <= {dict, _fastgraph.SharedAttrs}
    assert type(G.nodes["ent:E000001"]) is dict and type(G._succ["ent:E000001"]["region:410102"]) is dict
    _same(G, _graph())
    for H in (pickle.loads(pickle.dumps(G)), copy.deepcopy(G), G.copy(), G.subgraph(list(G)).copy()):
        _same(H, G)
    tags = [d["tags"] for d in G._node.values() if "tags" in d]
    # a list per firm (one firm's may change alone), its strings one object per distinct value
    assert len(tags) == N // 2 and len({id(t) for t in tags}) == len(tags) and len({id(t[0]) for t in tags}) == 1
    a = G.nodes["ent:E000001"]
    assert copy.copy(a) == a and dict(a) == a and a.copy() == a and type(a.copy()) is dict
    # adding, deleting and re-adding keys changes that dict only
    a["score"] = 1.5
    for k in [f"extra{i}" for i in range(40)]:  # more keys than the shared table has room for
        a[k] = k
    del a["scope"]
    assert a["score"] == 1.5 and a["extra39"] == "extra39" and "scope" not in a
    assert list(a)[-1] == "extra39"
    a["tags"].append("小巨人")
    assert G.nodes["ent:E000003"]["tags"] == ["专精特新"]
    b = G.nodes["ent:E000002"]
    assert "score" not in b and "extra0" not in b and b["scope"] == "锂电池 2"
    a["scope"] = "new"
    assert list(a)[-1] == "scope"
    io.save(G, tmp_path / "b")
    H = io.load(tmp_path / "b")
    assert H.nodes["ent:E000001"] == a and H.nodes["ent:E000002"] == b


def test_networkx_edits_of_pairs_keep_to_their_pair(tmp_path):
    """Every (u, v) pair has its own key dict, shared only by its successor and predecessor maps."""
    io.save(_graph(), tmp_path / "b")
    for G in (io.load(tmp_path / "b"), _fast_built()):
        r = "region:350902"
        firms = sorted(u for u in G.pred[r])
        f, g = firms[0], firms[1]
        assert G._succ[f][r] is G._pred[r][f] and G._succ[f][r] is not G._succ[g][r]
        G.add_edge(f, r, key="SUPPLIES", kind="SUPPLIES", share=0.5)  # another kind on the same pair
        assert set(G[f][r]) == {"LOCATED_IN", "SUPPLIES"} and set(G[g][r]) == {"LOCATED_IN"}
        G.remove_edge(f, r, "LOCATED_IN")
        assert set(G[f][r]) == {"SUPPLIES"} and set(G.pred[r][f]) == {"SUPPLIES"}
        assert all(set(G[u][r]) == {"LOCATED_IN"} for u in firms[1:])
        G.remove_edge(f, r, "SUPPLIES")
        assert r not in G[f] and f not in G.pred[r] and set(G.pred[r]) == set(firms[1:])
        G.remove_edge(g, r)  # networkx's popitem path
        assert r not in G[g] and G.has_edge(firms[2], r, "LOCATED_IN")
        assert G.number_of_edges(firms[2], r) == 1


def _fast_built() -> nx.MultiDiGraph:
    """The graph of :func:`_graph` as the loader writes it (FastGraph)."""
    src = _graph()
    G = nx.MultiDiGraph()
    fg = FastGraph(G)
    for n, a in src.nodes(data=True):
        fg.add_node(n, dict(a))
    for u, v, k, d in src.edges(keys=True, data=True):
        fg.add_edge(u, v, k, {x: y for x, y in d.items() if x != "kind"})
    fg.changed()
    _same(G, src)
    return G


def _held(make) -> float:
    """Bytes held per object by the list ``make()`` returns (tracemalloc, the list itself excluded)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        objs = make()
        held = tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(objs)
    finally:
        tracemalloc.stop()
    return held / len(objs)


@pytest.mark.skipif(not _fastgraph.KEY_SHARING, reason="key-sharing dicts are measured on CPython 3.11")
def test_a_bundle_read_holds_firms_in_key_sharing_dicts(tmp_path):
    io.save(_graph(), tmp_path / "b")
    part = io.read_manifest(tmp_path / "b")["nodes"]["Enterprise"]["parts"][0]
    table = pq.read_table(tmp_path / "b" / part["file"])

    def read():
        return _bundle.decode_columns(table, part["columns"], ("id",), "Enterprise")[1]

    shared = _held(read)  # values and dicts, as the reader makes them
    plain = _held(lambda: [dict(d) for d in read()])  # the same values in ordinary dicts
    assert plain - shared > 100, (shared, plain)


@pytest.mark.skipif(not _fastgraph.KEY_SHARING, reason="key-sharing dicts are measured on CPython 3.11")
def test_key_dicts_and_attribute_dicts_are_smaller_than_ordinary_ones():
    make_key = _fastgraph.attr_dict("keys", "LOCATED_IN", ("LOCATED_IN",))
    data = _fastgraph.shared_attrs("LOCATED_IN")

    def keydicts():
        out = []
        for _ in range(2000):
            d = make_key()
            d["LOCATED_IN"] = data
            out.append(d)
        return out

    assert _held(keydicts) < 0.6 * _held(lambda: [{"LOCATED_IN": data} for _ in range(2000)])
    keys = ["kind", "name", "name_norm", "region", "scope", "tags", "reg_capital", "founded", "source", "uscc"]
    keys += ["industry_code", "provenance", "currency", "linkable", "short_name"]
    make = _fastgraph.attr_dict("node", "TestKind", keys)

    def attrs():
        out = []
        for _ in range(2000):
            d = make()
            d.update(zip(keys, keys))
            out.append(d)
        return out

    assert _held(attrs) < 0.6 * _held(lambda: [dict(zip(keys, keys)) for _ in range(2000)])
    assert type(make()) is dict and make() == {}
