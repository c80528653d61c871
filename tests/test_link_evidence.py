"""挂链 evidence added for real listed-company data (issue 14): the Shenwan 2021 crosswalk, the
product-line floor, product lines typed as production, and the shipped crosswalk's integrity."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from factories import TOY, toy_chain

from chain_gap import link
from chain_gap.chains import load_chain
from chain_gap.schema import add_edge, add_node, link_id

XW = pd.DataFrame(
    [
        {"sw_code": "270107", "sw_name": "集成电路封测", "chain": "toy", "link": "cell", "strength": 0.65, "note": ""},
        {"sw_code": "630701", "sw_name": "锂电池", "chain": "toy", "link": "pack", "strength": 0.35, "note": ""},
    ]
)


def _graph(firms: dict[str, dict]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for key, props in firms.items():
        add_node(G, "Enterprise", key, **{"name": f"测试{key}有限公司", **props})
    return G


def _sw(G: nx.MultiDiGraph, ent: str, code: str, name: str) -> None:
    iid = add_node(G, "Industry", f"sw:{code}", name=name, scheme="sw2021", code=code, level=3)
    add_edge(G, f"ent:{ent}", iid, "CLASSIFIED_AS")


def _product(G: nx.MultiDiGraph, ent: str, name: str, share: float) -> None:
    pid = add_node(G, "Product", name, name=name)
    add_edge(G, f"ent:{ent}", pid, "MAKES", share=share)


def _edge(G, key, leaf):
    u, v = f"ent:{key}", link_id("toy", leaf)
    return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None


def test_shenwan_industry_counts_as_industry_evidence():
    G = _graph({"BARE": {}, "CORE": {}, "BROAD": {}, "WEAK": {}, "NONE": {}})
    for key in ("BARE", "CORE"):
        _sw(G, key, "270107", "集成电路封测")
    for key in ("BROAD", "WEAK"):
        _sw(G, key, "630701", "锂电池")
    for key in ("CORE", "BROAD"):
        _product(G, key, "引线框架", 0.9)  # own lines that name no link
    link.attach(G, [toy_chain()], crosswalk=XW)
    bare = _edge(G, "BARE", "cell")
    assert bare["decision"] == "confirmed" and bare["method"] == "industry_sw"
    assert "申万:集成电路封测" in bare["evidence"] and bare["role"] == "producer"
    # a core industry (strong enough to confirm alone) keeps its strength: Shenwan files by main business
    assert _edge(G, "CORE", "cell")["decision"] == "confirmed"
    # a broad industry of a firm whose own lines name another product is only a supporting clue
    assert _edge(G, "WEAK", "pack")["decision"] == "uncertain"
    assert _edge(G, "BROAD", "pack") is None
    assert _edge(G, "NONE", "cell") is None
    assert G.nodes["ent:BARE"]["linkable"] and not G.nodes["ent:NONE"]["linkable"]


def test_counter_industry_vetoes_the_links_words():
    xw = pd.concat(
        [
            XW,
            pd.DataFrame(
                [
                    {
                        "sw_code": "280203",
                        "sw_name": "底盘与发动机系统",
                        "chain": "toy",
                        "link": "cell",
                        "strength": -1.0,
                        "note": "",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    G = _graph({"PARTS": {}, "MAKER": {}})
    _product(G, "PARTS", "动力电芯", 0.9)
    _sw(G, "PARTS", "280203", "底盘与发动机系统")
    _product(G, "MAKER", "动力电芯", 0.9)
    link.attach(G, [toy_chain()], crosswalk=xw)
    parts = _edge(G, "PARTS", "cell")
    assert parts["decision"] == "rejected" and "申万:底盘与发动机系统" in parts["evidence"]
    assert _edge(G, "MAKER", "cell")["decision"] == "confirmed"


def test_traded_product_lines_make_a_seller():
    G = _graph({"TRADER": {}, "BOTH": {}})
    _product(G, "TRADER", "贸易-动力电芯", 0.5)
    _product(G, "BOTH", "贸易-动力电芯", 0.2)
    _product(G, "BOTH", "动力电芯", 0.6)
    link.attach(G, [toy_chain()], crosswalk=XW)
    assert _edge(G, "TRADER", "cell")["role"] == "seller"
    assert not _edge(G, "TRADER", "cell")["performs"]
    assert _edge(G, "BOTH", "cell")["role"] == "producer"


def test_shenwan_adds_to_a_minor_line_and_an_exclusion_cancels_it():
    G = _graph({"SIDE": {}, "EXCL": {}})
    _product(G, "SIDE", "电池包", 0.001)  # a scope phrase: medium clue only
    _sw(G, "SIDE", "630701", "锂电池")
    _product(G, "EXCL", "充电宝", 0.8)  # the cell link's exclusion says what the firm is
    _sw(G, "EXCL", "270107", "集成电路封测")
    link.attach(G, [toy_chain()], crosswalk=XW)
    side = _edge(G, "SIDE", "pack")
    assert side["confidence"] == pytest.approx(1 - 0.6 * 0.65) and side["decision"] == "confirmed"
    assert _edge(G, "EXCL", "cell") is None


def test_small_product_lines_count_but_scope_phrases_do_not():
    G = _graph({"SMALL": {}, "PHRASE": {}})
    _product(G, "SMALL", "大宗贸易", 0.97)
    _product(G, "SMALL", "动力电芯", 0.006)  # a 0.6 % line of a big firm is still its product
    _product(G, "PHRASE", "动力电芯", 0.001)  # chain-kg rows of exactly 0.001 are the scope cut up
    link.attach(G, [toy_chain()], crosswalk=XW)
    assert _edge(G, "SMALL", "cell")["decision"] == "confirmed"
    assert _edge(G, "SMALL", "cell")["method"].startswith("product")
    assert _edge(G, "PHRASE", "cell")["decision"] == "uncertain"


def test_a_product_line_is_own_output_whatever_its_verb():
    G = _graph({"FABLESS": {}, "SHOP": {"scope": "电芯销售"}})
    _product(G, "FABLESS", "电芯销售", 0.6)  # a designer's revenue line named by its sale
    _product(G, "FABLESS", "电芯代理", 0.001)  # scope phrase with a trade verb
    link.attach(G, [toy_chain()], crosswalk=XW)
    assert _edge(G, "FABLESS", "cell")["role"] == "producer"
    assert _edge(G, "SHOP", "cell")["role"] == "seller"


def test_shipped_crosswalk_names_real_leaves_and_valid_strengths():
    xw = link.load_shenwan_crosswalk()
    leaves = {c: {leaf.id for leaf in load_chain(c).leaves()} for c in set(xw["chain"])}
    assert all(r.link in leaves[r.chain] or (r.link == "*" and r.strength < 0) for r in xw.itertuples())
    assert xw["sw_code"].str.fullmatch(r"\d{6}").all()
    assert not xw.duplicated(["sw_code", "chain", "link"]).any()
    assert ((xw["strength"] != 0) & (xw["strength"].abs() <= 1)).all()


def test_crosswalk_with_bad_strength_is_refused(tmp_path):
    bad = tmp_path / "xw.csv"
    bad.write_text("sw_code,sw_name,chain,link,strength,note\n270107,封测,toy,cell,1.5,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="strength"):
        link.load_shenwan_crosswalk(bad)


def test_a_term_inside_a_longer_name_of_another_product_is_no_clue():
    G = _graph({"MACHINE": {}, "CELL": {}, "BIZ": {}})
    _product(G, "MACHINE", "动力电芯卷绕机", 0.9)  # a machine for cells is not a cell
    _product(G, "CELL", "三元正极材料及动力电芯", 0.9)
    _product(G, "BIZ", "动力电芯业务", 0.5)
    link.attach(G, [toy_chain()], crosswalk=XW)
    assert _edge(G, "MACHINE", "cell") is None
    assert _edge(G, "CELL", "cell")["decision"] == "confirmed"
    assert _edge(G, "CELL", "material")["decision"] == "confirmed"
    assert _edge(G, "BIZ", "cell")["decision"] == "confirmed"


def test_observed_terms_link_vehicle_makers_and_need_a_source(tmp_path):
    spec = load_chain("nev")
    pev = next(leaf for leaf in spec.leaves() if leaf.id == "passenger_ev")
    cev = next(leaf for leaf in spec.leaves() if leaf.id == "commercial_ev")
    assert "乘用车" in pev.observed_terms and pev.terms_source
    G = _graph({"BUS": {}, "GEAR": {}})
    _product(G, "BUS", "客车", 0.95)  # the NEV share is not stated: a bus maker builds NEV buses
    _product(G, "GEAR", "乘用车齿轮", 0.6)  # a gear for cars is no car
    link.attach(G, ["nev"], crosswalk=XW.iloc[0:0])
    # 客车 is one of commercial_ev's generic_terms (also dealers' bus sales): the line alone is uncertain
    e = G.edges["ent:BUS", link_id("nev", cev.id), "LINKED_TO"]
    assert e["decision"] == "uncertain" and e["role"] == "producer"
    _sw(G, "BUS", "280103", "商用载客车")  # a bus maker's Shenwan industry confirms it (shipped crosswalk)
    link.attach(G, ["nev"])
    e = G.edges["ent:BUS", link_id("nev", cev.id), "LINKED_TO"]
    assert e["decision"] == "confirmed" and e["role"] == "producer"
    assert not G.has_edge("ent:GEAR", link_id("nev", pev.id), "LINKED_TO")

    from chain_gap.chain_rules import validate_file

    text = TOY.read_text(encoding="utf-8").replace(
        "products: [动力电芯]", "products: [动力电芯]\n        observed_terms: [电芯]", 1
    )
    bad = tmp_path / "toy.yaml"
    bad.write_text(text, encoding="utf-8")
    assert any("terms_source" in p for p in validate_file(bad))


def test_observed_terms_count_only_as_the_head_of_a_product_line():
    """Words observed in product lines (锂离子电池, 传感器, 稀土) are generic: they name the link when they head
    a product line of the firm, never inside a registered scope or the firm's name, nor when more name
    follows them (a structural part for the product is another product)."""
    spec = load_chain("nev")
    cell = next(leaf for leaf in spec.leaves() if leaf.id == "battery_cell")
    assert "锂离子电池" in cell.observed_terms and "锂离子电池" not in cell.keywords
    G = _graph({"LINE": {}, "SCOPE": {"scope": "锂离子电池的销售；电子产品销售"}, "PART": {}, "SYS": {}})
    _product(G, "LINE", "二次锂离子电池", 0.77)
    _product(G, "PART", "锂离子电池结构件", 0.55)
    _product(G, "SYS", "动力电池系统", 0.82)  # how cell makers and pack assemblers name their systems
    add_node(G, "Enterprise", "NAME", name="测试锂离子电池有限公司")
    link.attach(G, ["nev"], crosswalk=XW.iloc[0:0])

    def edge(key, leaf):
        u, v = f"ent:{key}", link_id("nev", leaf)
        return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None

    # 锂离子电池 is also one of battery_cell's generic_terms (no market): the line alone is uncertain
    assert edge("LINE", "battery_cell")["decision"] == "uncertain"
    assert "产品:锂离子电池" in edge("LINE", "battery_cell")["evidence"]
    assert edge("SCOPE", "battery_cell") is None
    assert edge("NAME", "battery_cell") is None
    assert edge("PART", "battery_cell") is None
    # a pack / system line names the pack; it is a cell line only with a second clue (battery rule,
    # tests/test_link_segments.py): no Shenwan industry here, so an uncertain cell maker
    assert edge("SYS", "battery_cell")["decision"] == "uncertain"
    assert edge("SYS", "battery_pack")["decision"] == "confirmed"


def test_machine_maker_industries_name_their_customers_not_their_products():
    """A ``*`` counter-industry row (lithium-battery equipment makers, supply-chain traders) vetoes the product
    hits of every leaf of the chain the industry does not map itself: such firms report revenue by the
    industry they serve (a "锂电池" segment of a winding-machine maker). Machine links stay open to them."""
    xw = pd.concat(
        [
            XW,
            pd.DataFrame(
                [
                    {
                        "sw_code": "630703",
                        "sw_name": "锂电专用设备",
                        "chain": "toy",
                        "link": "*",
                        "strength": -1,
                        "note": "",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    G = _graph({"EQUIP": {}, "MAKER": {}})
    _sw(G, "EQUIP", "630703", "锂电专用设备")
    _product(G, "EQUIP", "锂离子电池", 0.92)  # revenue by customer industry
    _product(G, "MAKER", "锂离子电池", 0.92)
    link.attach(G, [toy_chain()], crosswalk=xw)
    assert _edge(G, "MAKER", "cell")["decision"] == "confirmed"
    e = _edge(G, "EQUIP", "cell")
    assert e is None or e["decision"] == "rejected"
    assert e is None or "申万:锂电专用设备" in e["evidence"]
    machines = link._machine_links([load_chain("electronics")])
    assert link_id("electronics", "semi_equipment") in machines
    assert link_id("electronics", "wafer_fab") not in machines


def test_attach_keeps_which_industries_of_its_crosswalk_confirm_alone(tmp_path):
    """What the 链主 proxy reads later (gaps.anchors): the crosswalk's pairs whose strength reaches the
    ``confirmed`` threshold, per chain linked, kept through a bundle round trip."""
    from chain_gap import io
    from chain_gap._link_shenwan import CONFIRMING
    from chain_gap.config import load_link

    G = _graph({"A": {}})
    link.attach(G, [toy_chain()], crosswalk=XW)
    want = [[r.link, r.sw_name] for r in XW.itertuples() if r.strength >= load_link().confirmed]
    assert G.graph[CONFIRMING]["toy"] == want and want  # 0.65 confirms, 0.35 does not
    io.save(G, tmp_path / "b.bundle")
    assert io.load(tmp_path / "b.bundle").graph[CONFIRMING]["toy"] == want
    link.attach(G, [toy_chain()], crosswalk=XW.assign(strength=0.1))
    assert G.graph[CONFIRMING]["toy"] == []
