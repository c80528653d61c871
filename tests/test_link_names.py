"""Issue 14 recall classes: the name rule (a leaf's ``name_terms`` in the legal or short name of a firm with no
product line) and vague lines that a second clue confirms (通讯用板 of a PCB maker, 二次充电电池 of a vehicle maker).
Unit graphs plus the hand-made chain-kg fixture (``tests/data/chain_kg_mini``, extended by rows of its shape)."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
from factories import TOY, chain_kg_mini, linked_edge, listed_firm

from chain_gap import link
from chain_gap import load as L
from chain_gap.chain_rules import validate_file
from chain_gap.config import LinkConfig, load_link
from chain_gap.schema import add_edge, add_node, link_id


def _no_line_firm(G: nx.MultiDiGraph, key: str, name: str, short: str, sw: tuple[str, str] | None = None) -> None:
    add_node(G, "Enterprise", key, name=name, short_name=short)
    if sw:
        iid = add_node(G, "Industry", f"sw:{sw[0]}", name=sw[1], scheme="sw2021", code=sw[0], level=3)
        add_edge(G, f"ent:{key}", iid, "CLASSIFIED_AS")


def test_a_name_term_alone_is_uncertain_and_with_an_industry_of_the_link_confirmed():
    G = nx.MultiDiGraph()
    _no_line_firm(G, "COBALT", "示例腾钴业股份有限公司", "腾钴业")  # name only
    _no_line_firm(G, "TYRE", "示例森轮胎股份有限公司", "森轮胎", ("280204", "轮胎轮毂"))  # name + a broad industry
    _no_line_firm(G, "PCBX", "示例中富", "中富电路")  # an A-share-only firm: its short name is all it has
    _no_line_firm(G, "ICX", "示例君集成电路股份有限公司", "君集成")  # 电路 inside 集成电路 is no PCB
    listed_firm(G, "LINED", {"不锈钢": 0.9})  # a firm with lines is read by its lines
    G.nodes["ent:LINED"]["name"] = "示例钴业股份有限公司"
    link.attach(G, ["nev", "electronics"])
    e = linked_edge(G, "COBALT", "nev", "nickel_cobalt")
    assert e["decision"] == "uncertain" and "名称:钴业" in e["evidence"]
    e = linked_edge(G, "TYRE", "nev", "tyres")
    assert e["decision"] == "confirmed" and "申万:轮胎轮毂" in e["evidence"] and "名称:轮胎" in e["evidence"]
    assert linked_edge(G, "PCBX", "electronics", "pcb")["decision"] == "uncertain"
    assert linked_edge(G, "ICX", "electronics", "pcb") is None
    assert linked_edge(G, "LINED", "nev", "nickel_cobalt") is None
    # the strength is a setting of link.toml: at the old weak name strength the name alone links nothing
    link.attach(G, ["nev"], config=LinkConfig(name_term=0.20, product_min_share=0.002))
    assert linked_edge(G, "COBALT", "nev", "nickel_cobalt") is None


def test_shipped_name_term_strength():
    cfg = load_link()
    assert cfg.uncertain <= cfg.name_term < cfg.confirmed
    assert 1 - (1 - cfg.name_term) * (1 - 0.30) >= cfg.confirmed  # with the broadest Shenwan row it confirms


def test_vague_lines_confirm_with_the_firm_industry_only():
    G = nx.MultiDiGraph()
    listed_firm(G, "BOARD", {"通讯用板": 0.75, "计算机用板": 0.25}, ("270202", "印制电路板"))
    listed_firm(G, "BOARD2", {"通讯用板": 0.6})
    listed_firm(G, "EVMAKER", {"汽车": 0.5, "二次充电电池": 0.095}, ("280501", "电动乘用车"))
    listed_firm(G, "BATT", {"二次充电电池": 0.8})
    listed_firm(G, "TRUCK", {"二次充电电池": 0.1}, ("280102", "商用载货车"))
    link.attach(G, ["nev", "electronics"])
    assert linked_edge(G, "BOARD", "electronics", "pcb")["decision"] == "confirmed"
    assert linked_edge(G, "BOARD2", "electronics", "pcb")["decision"] == "uncertain"
    e = linked_edge(G, "EVMAKER", "nev", "battery_cell")
    assert e["decision"] == "confirmed" and "泛称:二次充电电池" in e["evidence"] and "申万:电动乘用车" in e["evidence"]
    assert linked_edge(G, "BATT", "nev", "battery_cell")["decision"] == "uncertain"
    assert linked_edge(G, "TRUCK", "nev", "battery_cell")["decision"] == "uncertain"


def test_name_terms_need_a_source(tmp_path):
    text = TOY.read_text(encoding="utf-8")
    bare = text.replace("products: [动力电芯]", "products: [动力电芯]\n        name_terms: [电池]", 1)
    ok = bare.replace("name_terms: [电池]", "name_terms: [电池]\n        name_source: firms' legal names", 1)
    for name, body in (("a", bare), ("b", ok)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "toy.yaml").write_text(body, encoding="utf-8")
    assert any("'name_terms' needs a 'name_source'" in p for p in validate_file(tmp_path / "a" / "toy.yaml"))
    assert validate_file(tmp_path / "b" / "toy.yaml") == []


def _append(folder, name: str, rows: list[dict]) -> None:
    with (folder / name).open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_name_rule_on_the_chain_kg_fixture(tmp_path):
    """chain-kg lists firms without product lines (listed after it was compiled): their legal name and Shenwan
    industry, loaded by the chain-kg mapping, are what the name rule reads."""
    kg = chain_kg_mini(tmp_path / "chain-kg")
    firms = [("示硅产业", "688926.SH", "示例示硅产业集团股份有限公司"), ("示钴业", "301929", "示例示钴业股份有限公司")]
    _append(
        kg,
        "company.json",
        [
            {"name": n, "fullname": f, "code": c, "location": "上海证券交易所", "time": "2021-01-01"}
            for n, c, f in firms
        ],
    )
    _append(
        kg,
        "company_industry.json",
        [
            {
                "company_code": "688926.SH",
                "industry_code": "990301",
                "industry_name": "示范半导体材料",
                "company_name": "示硅产业",
                "rel": "所属行业",
            }
        ],
    )
    G = L.load(kg, "chain-kg").graph
    xw = pd.DataFrame(
        [{"sw_code": "990301", "sw_name": "示范半导体材料", "chain": "electronics", "link": "silicon_wafer"}]
    ).assign(strength=0.35, note="")
    link.attach(G, ["nev", "electronics"], crosswalk=xw)
    wafer = G.edges["ent:stock:688926", link_id("electronics", "silicon_wafer"), "LINKED_TO"]
    assert wafer["decision"] == "confirmed" and "名称:硅产业" in wafer["evidence"]
    cobalt = G.edges["ent:stock:301929", link_id("nev", "nickel_cobalt"), "LINKED_TO"]
    assert cobalt["decision"] == "uncertain" and cobalt["role"] == "producer"
