"""nev vehicle and battery rules of issue 14: vehicle makers across segments (a truck maker's main 乘用车 line),
pack / system lines as evidence of cells only with a second clue, and the observed brake, special-vehicle and
testing words of the template. Unit graphs plus the hand-made chain-kg fixture (``tests/data/chain_kg_mini``,
extended here by rows of the same shape)."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
from factories import TOY, chain_kg_mini, linked_edge, listed_firm

from chain_gap import link
from chain_gap import load as L
from chain_gap._link_segments import SEGMENT_NOTE
from chain_gap.chain_rules import validate_file
from chain_gap.config import LinkConfig, load_link
from chain_gap.schema import link_id

TRUCKS = ("280102", "商用载货车")
CARS = ("280502", "综合乘用车")


def test_a_main_line_of_the_other_segment_confirms_a_vehicle_maker_and_a_small_one_does_not():
    G = nx.MultiDiGraph()
    listed_firm(G, "TRUCKCAR", {"整车": 0.93, "乘用车": 0.46, "载货汽车": 0.37}, TRUCKS)  # builds cars as a main line
    listed_firm(G, "RENAMED", {"商用车": 0.91, "乘用车": 0.024}, TRUCKS)  # a renamed truck maker's last car sales
    listed_firm(G, "PICKUP", {"销售轻型商用车": 0.63, "MPV": 0.25, "SUV": 0.23}, TRUCKS)  # body types, no segment word
    listed_firm(G, "CARVAN", {"乘用车": 0.70, "商用车": 0.16}, CARS)  # a car maker's van and light-truck line
    listed_firm(G, "NOVEH", {"乘用车": 0.50, "电动工具": 0.5})  # no vehicle industry at all
    link.attach(G, ["nev"])
    e = linked_edge(G, "TRUCKCAR", "nev", "passenger_ev")
    assert e["decision"] == "confirmed" and e["role"] == "producer"
    assert f"申万:商用载货车{SEGMENT_NOTE}" in e["evidence"] and "泛称:乘用车" in e["evidence"]
    assert linked_edge(G, "TRUCKCAR", "nev", "commercial_ev")["decision"] == "confirmed"  # its own segment, as before
    assert linked_edge(G, "RENAMED", "nev", "passenger_ev")["decision"] == "uncertain"
    assert linked_edge(G, "PICKUP", "nev", "passenger_ev")["decision"] == "uncertain"
    assert linked_edge(G, "CARVAN", "nev", "commercial_ev")["decision"] == "confirmed"
    assert (
        linked_edge(G, "NOVEH", "nev", "passenger_ev")["decision"] == "uncertain"
    )  # a segment word alone stays generic
    # the share floor and the strength are settings of link.toml
    link.attach(G, ["nev"], config=LinkConfig(segment_line_share=0.02, product_min_share=0.002))
    assert linked_edge(G, "RENAMED", "nev", "passenger_ev")["decision"] == "confirmed"
    link.attach(G, ["nev"], config=LinkConfig(segment_corroboration=0.0, product_min_share=0.002))
    assert linked_edge(G, "TRUCKCAR", "nev", "passenger_ev")["decision"] == "uncertain"


def test_shipped_settings_of_the_segment_rule():
    cfg = load_link()
    assert cfg.segment_line_share == 0.10 and cfg.segment_corroboration == 0.30
    assert cfg.product_generic + cfg.segment_corroboration * (1 - cfg.product_generic) >= cfg.confirmed


def test_a_parts_maker_naming_a_segment_is_no_vehicle_maker():
    """A counter-industry (auto parts) vetoes the vehicle words, so the segment rule never sees them."""
    G = nx.MultiDiGraph()
    listed_firm(G, "GEAR", {"乘用车": 0.4, "商用车": 0.3}, ("280203", "底盘与发动机系统"))
    link.attach(G, ["nev"])
    for leaf in ("passenger_ev", "commercial_ev"):
        e = linked_edge(G, "GEAR", "nev", leaf)
        assert e is None or e["decision"] == "rejected"


def test_new_energy_vehicle_without_a_segment_needs_a_vehicle_industry():
    G = nx.MultiDiGraph()
    listed_firm(G, "UPS", {"光伏集成": 0.76, "新能源车": 0.003})  # a power-supply maker's side line
    listed_firm(G, "EVCAR", {"新能源车": 0.6}, ("280501", "电动乘用车"))
    link.attach(G, ["nev"])
    assert linked_edge(G, "UPS", "nev", "passenger_ev")["decision"] == "uncertain"
    assert linked_edge(G, "EVCAR", "nev", "passenger_ev")["decision"] == "confirmed"


def test_pack_and_system_lines_are_cells_only_with_a_second_clue():
    """动力电池系统 / 动力锂电池组 confirm the pack link alone; the cell link needs a battery industry or scope."""
    G = nx.MultiDiGraph()
    listed_firm(G, "SYS", {"动力电池系统": 0.82}, ("630701", "锂电池"))  # a cell maker filed under lithium batteries
    listed_firm(G, "GROUP", {"动力锂电池组": 0.86}, ("630701", "锂电池"))
    listed_firm(G, "PACKER", {"动力电池系统": 0.28, "线缆": 0.7})  # a pack assembler without cells
    link.attach(G, ["nev"])
    for key in ("SYS", "GROUP"):
        cell = linked_edge(G, key, "nev", "battery_cell")
        assert cell["decision"] == "confirmed" and "申万:锂电池" in cell["evidence"] and "泛称" in cell["evidence"]
        assert linked_edge(G, key, "nev", "battery_pack")["decision"] == "confirmed"
    assert linked_edge(G, "PACKER", "nev", "battery_pack")["decision"] == "confirmed"
    assert linked_edge(G, "PACKER", "nev", "battery_cell")["decision"] == "uncertain"


def test_words_observed_in_product_lines_brake_special_vehicle_testing_charging_thermal_powertrain():
    G = nx.MultiDiGraph()
    listed_firm(G, "DISC", {"盘式制动器": 0.49, "鼓式制动器": 0.26})
    listed_firm(G, "PADS", {"汽车刹车片": 0.48, "飞机刹车副": 0.27})
    listed_firm(G, "WIND", {"工业制动器": 0.58, "风电制动系统": 0.30})  # industrial and wind-turbine brakes
    listed_firm(G, "ROTOR", {"制动盘": 0.58})  # generic: rail and wind brakes too
    listed_firm(G, "ROTOR2", {"制动盘": 0.58}, ("280203", "底盘与发动机系统"))
    listed_firm(G, "SWEEP", {"环卫清洁装备": 0.69, "新能源环卫装备": 0.009})
    listed_firm(G, "LAB", {"汽车测试与研发": 0.44, "装备业务": 0.54})
    listed_firm(G, "PILE", {"电力操作电源": 0.48, "电动汽车充电电源": 0.38})
    listed_firm(G, "SWAP", {"智能变配电系统": 0.39, "电动汽车智能充换电系统": 0.048})
    listed_firm(G, "EGR", {"EGR阀": 0.6, "EGR冷却器": 0.14}, ("280203", "底盘与发动机系统"))  # an ICE part
    listed_firm(G, "AC", {"小车空调": 0.54, "小车热管理": 0.53})
    listed_firm(G, "PT", {"纯电动动力总成系统": 0.96})
    listed_firm(G, "ICEPT", {"动力总成": 0.52}, ("280203", "底盘与发动机系统"))  # an engine maker's powertrains
    link.attach(G, ["nev"])
    assert linked_edge(G, "DISC", "nev", "brake")["decision"] == "confirmed"
    assert linked_edge(G, "PADS", "nev", "brake")["decision"] == "confirmed"
    assert linked_edge(G, "WIND", "nev", "brake") is None
    assert linked_edge(G, "ROTOR", "nev", "brake")["decision"] == "uncertain"
    assert linked_edge(G, "ROTOR2", "nev", "brake")["decision"] == "confirmed"
    assert linked_edge(G, "SWEEP", "nev", "special_ev")["decision"] == "confirmed"
    assert linked_edge(G, "LAB", "nev", "test_certification")["decision"] == "confirmed"
    assert linked_edge(G, "PILE", "nev", "charging_equipment")["decision"] == "confirmed"
    assert linked_edge(G, "SWAP", "nev", "charging_equipment")["decision"] == "confirmed"
    egr = linked_edge(G, "EGR", "nev", "thermal_parts")
    assert egr is None or egr["decision"] != "confirmed"
    assert linked_edge(G, "AC", "nev", "thermal_parts")["decision"] == "confirmed"
    assert linked_edge(G, "PT", "nev", "e_axle")["decision"] == "confirmed"
    icept = linked_edge(G, "ICEPT", "nev", "e_axle")
    assert icept is None or icept["decision"] != "confirmed"


def test_segment_terms_must_be_generic_terms_of_the_leaf(tmp_path):
    text = TOY.read_text(encoding="utf-8")
    stray = text.replace(
        "products: [动力电芯]",
        "products: [动力电芯]\n        generic_terms: [动力电芯]\n        generic_reason: storage cells too"
        "\n        segment_terms: [锂电池]",
        1,
    )
    ok = text.replace(
        "products: [动力电芯]",
        "products: [动力电芯]\n        generic_terms: [动力电芯]\n        generic_reason: storage cells too"
        "\n        segment_terms: [动力电芯]",
        1,
    )
    for name, body in (("a", stray), ("b", ok)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "toy.yaml").write_text(body, encoding="utf-8")
    assert any(
        "segment term '锂电池' is not one of the leaf's generic_terms" in p
        for p in validate_file(tmp_path / "a" / "toy.yaml")
    )
    assert validate_file(tmp_path / "b" / "toy.yaml") == []


def _append(folder, name: str, rows: list[dict]) -> None:
    with (folder / name).open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_vehicle_and_battery_rules_on_the_chain_kg_fixture(tmp_path):
    """The fixture in chain-kg's own shape, with a truck maker reporting a main car line and a small one, and a
    cell maker whose only line is its pack system: loaded by the chain-kg mapping and linked."""
    kg = chain_kg_mini(tmp_path / "chain-kg")
    firms = [
        ("示卡汽车", "600921.SH", "示例示卡汽车股份有限公司"),
        ("示解汽车", "600922.SH", "示例示解汽车股份有限公司"),
    ]
    firms.append(("示池时代", "300921.SZ", "示例示池时代新能源股份有限公司"))
    _append(
        kg,
        "company.json",
        [
            {"name": n, "fullname": f, "code": c.split(".")[0], "location": "上海证券交易所", "time": "2010-01-01"}
            for n, c, f in firms
        ],
    )
    lines = [("示卡汽车", "600921.SH", "载货汽车", 0.5), ("示卡汽车", "600921.SH", "乘用车", 0.46)]
    lines += [("示解汽车", "600922.SH", "商用车", 0.9), ("示解汽车", "600922.SH", "乘用车", 0.024)]
    lines += [("示池时代", "300921.SZ", "动力电池系统", 0.82)]
    _append(
        kg,
        "company_product.json",
        [
            {"company_name": n, "company_code": c, "product_name": p, "rel": "主营产品", "rel_weight": w}
            for n, c, p, w in lines
        ],
    )
    inds = [("600921.SH", "示卡汽车", "990202", "示范载货车"), ("600922.SH", "示解汽车", "990202", "示范载货车")]
    inds.append(("300921.SZ", "示池时代", "990101", "示范锂电池"))
    _append(
        kg,
        "company_industry.json",
        [
            {"company_code": c, "industry_code": i, "industry_name": iname, "company_name": n, "rel": "所属行业"}
            for c, n, i, iname in inds
        ],
    )
    G = L.load(kg, "chain-kg").graph
    xw = pd.DataFrame(
        [
            {"sw_code": "990202", "sw_name": "示范载货车", "chain": "nev", "link": "commercial_ev", "strength": 0.65},
            {"sw_code": "990101", "sw_name": "示范锂电池", "chain": "nev", "link": "battery_cell", "strength": 0.5},
        ]
    ).assign(note="")
    link.attach(G, ["nev"], crosswalk=xw)
    car = link_id("nev", "passenger_ev")
    assert G.edges["ent:stock:600921", car, "LINKED_TO"]["decision"] == "confirmed"
    assert G.edges["ent:stock:600922", car, "LINKED_TO"]["decision"] == "uncertain"
    cell = G.edges["ent:stock:300921", link_id("nev", "battery_cell"), "LINKED_TO"]
    assert cell["decision"] == "confirmed" and "泛称:动力电池系统" in cell["evidence"]
    # without the lithium-battery industry the same firm is a pack maker and an uncertain cell maker
    link.attach(G, ["nev"], crosswalk=xw.iloc[:1])
    assert G.edges["ent:stock:300921", link_id("nev", "battery_cell"), "LINKED_TO"]["decision"] == "uncertain"
    assert G.edges["ent:stock:300921", link_id("nev", "battery_pack"), "LINKED_TO"]["decision"] == "confirmed"
