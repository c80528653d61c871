"""Provenance stored once per source: what the analyst reads is what the graph held before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from chain_gap import io, provenance
from chain_gap import load as L
from chain_gap import neo4j as cg
from chain_gap.schema import add_node

DATA = Path(__file__).parent / "data"
OLD = DATA / "bundle_v2_schema1"  # written by the code before shared sources (JSON per firm)
SRC = DATA / "provenance_src"
U1, U2 = "ent:91411403MA00000015", "ent:91410100MA00000021"

# what the old code wrote for these firms after loading a.csv then b.csv (read from OLD)
EXPECTED = {
    U1: {
        **dict.fromkeys(
            ["currency", "employees", "name", "name_norm", "products", "reg_capital", "region", "tags", "uscc"],
            "a.csv:2",
        ),
        "scope": "b.csv:2",
    },
    U2: dict.fromkeys(["currency", "name", "name_norm", "products", "reg_capital", "region", "uscc"], "a.csv:3"),
}


def _ents(G: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise")


def _copy(tmp_path: Path, files: tuple[str, ...] = ("a.csv", "b.csv")) -> list[Path]:
    out = []
    for f in files:
        shutil.copy(SRC / f, tmp_path / f)
        out.append(tmp_path / f)
    return out


def test_old_bundle_loads_with_the_provenance_it_was_written_with(tmp_path):
    G = io.load(OLD)
    assert all(G.nodes[n]["provenance"].startswith("{") for n in _ents(G))  # JSON text, as stored
    for nid, want in EXPECTED.items():
        assert provenance.of(G, nid) == want
        assert provenance.as_json(G, nid) == G.nodes[nid]["provenance"]


def test_a_fresh_load_gives_the_same_provenance_as_the_old_code_through_the_helper(tmp_path):
    a, b = _copy(tmp_path)
    bundle = tmp_path / "new.bundle"
    L.load_into(bundle, [a], "enterprises")
    L.load_into(bundle, [b], "enterprises")
    G, old = io.load(bundle), io.load(OLD)
    assert _ents(G) == _ents(old)
    for nid in _ents(G):
        value = G.nodes[nid]["provenance"]
        assert not value.startswith("{")  # references into the source table, not a JSON copy per firm
        assert provenance.of(G, nid) == provenance.of(old, nid)
        assert provenance.as_json(G, nid) == old.nodes[nid]["provenance"]  # byte for byte the old text
    table = G.graph[provenance.SOURCES]
    assert {s["where"] for s in table.values()} == {"a.csv:", "b.csv:"}
    assert all(s["fields"] == sorted(s["fields"]) for s in table.values())


def test_one_source_per_file_and_field_set_however_many_firms(tmp_path):
    rows = ["name,uscc,region,employees"] + [f"样例{i:04d}新能源科技有限公司,,411403,{i + 1}" for i in range(500)]
    f = tmp_path / "many.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    G = L.load([f], "enterprises").graph
    ents = _ents(G)
    assert len(ents) == 500
    assert len(G.graph[provenance.SOURCES]) == 1
    (sid,) = G.graph[provenance.SOURCES]
    assert sorted(G.nodes[n]["provenance"] for n in ents) == sorted(f"{sid}:{i}" for i in range(2, 502))
    p = provenance.of(G, ents[0])
    assert set(p.values()) == {p["name"]} and p["name"].startswith("many.csv:")


def test_loading_the_same_file_again_leaves_the_bundle_byte_identical(tmp_path):
    a, b = _copy(tmp_path)
    bundle = tmp_path / "city.bundle"
    L.load_into(bundle, [a], "enterprises")
    L.load_into(bundle, [b], "enterprises")
    before = {p.name: p.read_bytes() for p in [bundle / "manifest.json", *sorted((bundle / "parts").iterdir())]}
    L.load_into(bundle, [b], "enterprises")
    L.load_into(bundle, [a], "enterprises")
    after = {p.name: p.read_bytes() for p in [bundle / "manifest.json", *sorted((bundle / "parts").iterdir())]}
    assert after == before
    io.save(io.load(bundle), tmp_path / "copy.bundle")  # load → save: the same parts, sources included
    assert sorted(p.name for p in (tmp_path / "copy.bundle" / "parts").iterdir()) == sorted(
        p.name for p in (bundle / "parts").iterdir()
    )


def test_loading_into_an_old_bundle_keeps_its_provenance_and_adds_the_new(tmp_path):
    old = tmp_path / "old.bundle"
    shutil.copytree(OLD, old)
    (c,) = _copy(tmp_path, ("a.csv",))
    c = c.rename(tmp_path / "c.csv")
    c.write_text(
        c.read_text(encoding="utf-8").replace(",35,", ",,").replace("高新技术企业", "专精特新"), encoding="utf-8"
    )
    L.load_into(old, [c], "enterprises")
    G = io.load(old)
    assert provenance.of(G, U2) == EXPECTED[U2]  # every field was already known: kept from a.csv
    p = provenance.of(G, U1)
    assert {k: v for k, v in p.items() if k != "tags"} == {k: v for k, v in EXPECTED[U1].items() if k != "tags"}
    assert p["tags"] == "a.csv:2"  # merged tags keep where the first came from
    assert G.nodes[U1]["tags"] == ["高新技术企业", "专精特新"]


def test_append_merges_the_source_tables(tmp_path):
    a, b = _copy(tmp_path)
    bundle = tmp_path / "city.bundle"
    L.load_into(bundle, [a], "enterprises")
    D = L.load([b], "enterprises").graph
    new = [n for n in _ents(D) if n not in (U1, U2)]
    D.remove_nodes_from([n for n in D if n not in new])
    io.append(bundle, D)
    G = io.load(bundle)
    assert provenance.of(G, U2) == EXPECTED[U2]  # the bundle's own sources survive D's graph data
    assert set(provenance.of(G, new[0]).values()) == {"b.csv:3"}


def test_neo4j_receives_the_json_text(tmp_path):
    a, b = _copy(tmp_path)
    G = L.load([a, b], "enterprises").graph
    rows = {r["id"]: r["props"] for kind, _, p in cg.node_batches(G) if kind == "Enterprise" for r in p["rows"]}
    old = io.load(OLD)
    assert rows[U1]["provenance"] == old.nodes[U1]["provenance"]
    assert provenance.SOURCES not in json.loads(cg._graph_json(G))
    out = tmp_path / "export"
    cg.export_admin_import(G, out)
    text = next(out.glob("nodes_Enterprise*.csv")).read_text(encoding="utf-8")
    assert "a.csv:2" in text and "b.csv:2" in text


def test_a_clashing_source_id_falls_back_to_json_and_a_missing_source_is_named():
    G = nx.MultiDiGraph()
    add_node(G, "Enterprise", "x", name="甲")
    ref = provenance.Interner(G)
    value = ref.one(("name",), "f.csv:7")
    sid = value.split(":")[0]
    G.graph[provenance.SOURCES][sid] = {"where": "other.csv:", "fields": ["name"]}  # pretend a clash
    fresh = provenance.Interner(G)
    assert fresh.one(("name",), "f.csv:7") == json.dumps({"name": "f.csv:7"}, ensure_ascii=False)
    G.nodes["ent:x"]["provenance"] = "deadbeef:3"
    with pytest.raises(ValueError, match="deadbeef"):
        provenance.of(G, "ent:x")


def test_references_round_trip_any_where_text():
    G = nx.MultiDiGraph()
    add_node(G, "Enterprise", "x", name="甲")
    ref = provenance.Interner(G)
    p = {"name": "路径 含空格.xlsx[表1]:12", "region": "name", "scope": "b.csv:0012", "uscc": "c.csv:9"}
    G.nodes["ent:x"]["provenance"] = ref.many(p)
    assert provenance.of(G, "ent:x") == dict(sorted(p.items()))
    assert provenance.as_json(G, "ent:x") == json.dumps(dict(sorted(p.items())), ensure_ascii=False)
