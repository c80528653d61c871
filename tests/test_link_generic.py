"""Generic terms of a leaf (issue 14): a product line headed only by a word that names the product class
without the link's market or stage (锂电池 for vehicle power cells, 货车 for commercial NEVs, 集成电路 for IC
design) counts ``product_generic``, below ``confirmed``; a second clue (a Shenwan industry of the link, a scope
keyword) confirms it. Also the Shenwan rows that corroborate generic parts and motor words."""

from __future__ import annotations

import networkx as nx
import pandas as pd
from factories import TOY, chain_kg_mini, linked_edge, listed_firm

from chain_gap import link
from chain_gap import load as L
from chain_gap.chain_rules import validate_file
from chain_gap.config import LinkConfig
from chain_gap.schema import link_id

XW = pd.DataFrame(
    [
        {"sw_code": "630701", "sw_name": "锂电池", "chain": "nev", "link": "battery_cell", "strength": 0.5, "note": ""},
    ]
)


def test_a_generic_line_alone_is_uncertain_and_a_second_clue_confirms_it():
    G = nx.MultiDiGraph()
    listed_firm(G, "TOOL", {"锂电池": 0.4, "电动工具": 0.6})  # tool packs: 锂电池 says no vehicle market
    listed_firm(G, "CELL", {"锂电池": 0.8}, ("630701", "锂电池"))  # filed under the lithium-battery industry
    listed_firm(G, "POWER", {"动力锂电池": 0.5})  # the line itself names the vehicle market
    link.attach(G, ["nev"], crosswalk=XW)
    tool = linked_edge(G, "TOOL", "nev", "battery_cell")
    assert tool["decision"] == "uncertain" and tool["confidence"] == 0.45
    assert "泛称:锂电池" in tool["evidence"] and tool["role"] == "producer"
    cell = linked_edge(G, "CELL", "nev", "battery_cell")
    assert cell["decision"] == "confirmed" and "申万:锂电池" in cell["evidence"]
    assert "泛称" in cell["evidence"]  # the reader sees why a second clue was needed
    power = linked_edge(G, "POWER", "nev", "battery_cell")
    assert power["decision"] == "confirmed" and "泛称" not in power["evidence"]
    # the strength is a setting: at the full product strength the generic line confirms alone again
    link.attach(G, ["nev"], config=LinkConfig(product_generic=0.7), crosswalk=XW)
    assert linked_edge(G, "TOOL", "nev", "battery_cell")["decision"] == "confirmed"


def test_generic_words_of_the_shipped_templates_need_a_second_clue():
    """Railway wagons (货车), LED lighting (LED), a chip distributor (集成电路) and LED-bulb heatsinks (散热器)
    stay uncertain on their line alone; an auto-parts maker's 散热器 and a vehicle-electrics maker's
    交流感应电机 are confirmed by their Shenwan industry (shipped crosswalk)."""
    G = nx.MultiDiGraph()
    listed_firm(G, "WAGON", {"货车": 0.55})
    listed_firm(G, "LAMP", {"LED": 0.33})
    listed_firm(G, "DIST", {"集成电路": 0.85})
    listed_firm(G, "BULB", {"散热器": 0.52})
    listed_firm(G, "RAD", {"密封件": 0.4, "散热器": 0.17}, ("280205", "其他汽车零部件"))
    listed_firm(G, "MOTOR", {"电机控制器": 0.79, "交流感应电机": 0.05}, ("280206", "汽车电子电气系统"))
    link.attach(G, ["nev", "electronics"])
    assert linked_edge(G, "WAGON", "nev", "commercial_ev")["decision"] == "uncertain"
    assert linked_edge(G, "LAMP", "electronics", "led")["decision"] == "uncertain"
    assert linked_edge(G, "DIST", "electronics", "ic_design")["decision"] == "uncertain"
    assert linked_edge(G, "BULB", "nev", "thermal_parts")["decision"] == "uncertain"
    assert linked_edge(G, "RAD", "nev", "thermal_parts")["decision"] == "confirmed"
    assert linked_edge(G, "MOTOR", "nev", "drive_motor")["decision"] == "confirmed"
    assert linked_edge(G, "MOTOR", "nev", "motor_controller")["decision"] == "confirmed"


def test_generic_terms_on_the_chain_kg_fixture(tmp_path):
    """The hand-made chain-kg folder: 甲电科技's line 示范电芯 is headed by the generic 电芯 (no market), so the
    firm is an uncertain cell maker; the same firm under a lithium-battery industry is confirmed."""
    res = L.load(chain_kg_mini(tmp_path / "chain-kg"), "chain-kg")
    G = res.graph
    ent = "ent:stock:300901"  # 甲电科技
    lid = link_id("nev", "battery_cell")
    link.attach(G, ["nev"], crosswalk=XW.iloc[0:0])
    e = G.edges[ent, lid, "LINKED_TO"]
    assert e["decision"] == "uncertain" and "泛称:电芯" in e["evidence"]
    xw = pd.DataFrame(
        [{"sw_code": "990101", "sw_name": "示范锂电池", "chain": "nev", "link": "battery_cell", "strength": 0.5}]
    ).assign(note="")
    link.attach(G, ["nev"], crosswalk=xw)
    assert G.edges[ent, lid, "LINKED_TO"]["decision"] == "confirmed"


def test_generic_terms_need_a_reason_and_must_be_terms_of_the_leaf(tmp_path):
    text = TOY.read_text(encoding="utf-8")
    no_reason = text.replace("products: [动力电芯]", "products: [动力电芯]\n        generic_terms: [动力电芯]", 1)
    stray = text.replace(
        "products: [动力电芯]",
        "products: [动力电芯]\n        generic_terms: [锂电池]\n        generic_reason: consumer cells too",
        1,
    )
    ok = text.replace(
        "products: [动力电芯]",
        "products: [动力电芯]\n        generic_terms: [动力电芯]\n        generic_reason: storage cells too",
        1,
    )
    for name, body in (("a", no_reason), ("b", stray), ("c", ok)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "toy.yaml").write_text(body, encoding="utf-8")
    assert any("needs a 'generic_reason' note" in p for p in validate_file(tmp_path / "a" / "toy.yaml"))
    assert any("generic term '锂电池' is not one of" in p for p in validate_file(tmp_path / "b" / "toy.yaml"))
    assert validate_file(tmp_path / "c" / "toy.yaml") == []
