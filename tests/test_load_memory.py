"""The loader lets go of each loaded block of rows (issue 15): results must not depend on the blocks."""

from __future__ import annotations

import pandas as pd
import pytest

from chain_gap import load, synth
from chain_gap.load import table as load_table
from chain_gap.load.identity import NameIndex


def _source(tmp_path):
    ents, _ = synth.generate(n=120, seed=3, chains=("nev",), focus=None)
    ents = ents.drop(columns=["true_link"])
    # the same firms again later in the file (merges across blocks), with bad and odd cells
    again = ents.iloc[::7].copy()
    again["reg_capital"] = "面议"
    again["phone"] = "not a phone"
    no_uscc = ents.iloc[3:9].copy()
    no_uscc["uscc"] = "INVALID"
    rows = pd.concat([ents, again, no_uscc, ents.iloc[:2].assign(name="")], ignore_index=True)
    p = tmp_path / "ents.csv"
    rows.to_csv(p, index=False)
    return p


def _result(path):
    res = load.load([path], "enterprises")
    G = res.graph
    return (
        dict(G.nodes(data=True)),
        sorted(G.edges(keys=True, data=True)),
        res.report,
        res.rejects,
        res.warnings,
        res.conflicts,
        G.graph.get("contacts"),
    )


def test_loading_in_released_blocks_gives_the_same_graph_and_issues(tmp_path, monkeypatch):
    path = _source(tmp_path)
    whole = _result(path)
    monkeypatch.setattr(load, "RELEASE_ROWS", 5)
    blocks = _result(path)
    assert whole[0] == blocks[0] and whole[1] == blocks[1] and whole[2] == blocks[2]
    for a, b in zip(whole[3:], blocks[3:], strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert whole[2]["totals"]["merged"] > 0 and len(whole[4]) > 0 and whole[6] is not None


def test_released_rows_read_as_empty_and_the_others_as_they_were(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("name,region\n甲公司,410102\n乙公司,410103\n丙公司,410104\n", encoding="utf-8")
    mapping = load.load_mapping("enterprises")
    raw, info = load_table.read_raw_table(p, fields=mapping)
    rows = load_table.Rows(raw, info, mapping)
    names = rows.column("name")
    rows.release(0, 2)
    assert names == ["", "", "丙公司"] and rows.first("region", 2) == "410104" and rows.column("region")[0] == ""


def test_the_name_index_holds_one_id_or_a_set():
    ix = NameIndex()
    assert ix.get("甲") == ()
    ix.add("甲", "ent:1")
    ix.add("甲", "ent:1")
    assert ix.get("甲") == ("ent:1",)
    ix.add("甲", "ent:2")
    assert sorted(ix.get("甲")) == ["ent:1", "ent:2"]
    ix.discard("甲", "ent:1")
    assert ix.get("甲") == ("ent:2",)
    ix.discard("甲", "ent:3")  # not there: nothing happens
    ix.discard("乙", "ent:3")
    assert ix.get("甲") == ("ent:2",)
    ix.discard("甲", "ent:2")
    assert ix.get("甲") == ()
    with pytest.raises(AttributeError):
        ix.other = 1  # slots: no per-index dict


def test_equal_texts_are_one_string_in_the_graph(tmp_path):
    # a normal form equal to the name is the name's object; firms repeating one scope share it
    p = tmp_path / "ents.csv"
    scope = "锂离子电池的研发、生产、销售"
    rows = [{"企业名称": f"测试{i}科技有限公司", "经营范围": scope, "统一社会信用代码": ""} for i in range(8)]
    rows.append({"企业名称": "测试八科技有限公司", "经营范围": "软件开发", "统一社会信用代码": ""})
    pd.DataFrame(rows).to_csv(p, index=False)
    G = load.load([p], "enterprises").graph
    firms = [a for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise"]
    assert len(firms) == 9
    assert len({id(a["scope"]) for a in firms if a["scope"] == scope}) == 1
    assert {a["scope"] for a in firms} == {scope, "软件开发"}
    assert all(a["name_norm"] == a["name"] for a in firms)  # these names are their own normal form
    assert all(a["name_norm"] is a["name"] for a in firms)
