"""Supply directions of the templates (issue 14): foundries and OSATs reach power-device and sensor houses,
fabless design is fed by the foundry, the semiconductor links added for 招商 exist and take part in the flow,
and the review script benchmarks/truth/check_feeds.py counts chain-kg's input-of relations both ways."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import networkx as nx
import pytest
from factories import chain_kg_mini

from chain_gap import link
from chain_gap.chains import load_chain, template_paths, validate_file

TRUTH = Path(__file__).resolve().parents[1] / "benchmarks" / "truth"

NEW_LINKS = {
    # new leaf -> a leaf its output must reach through feeds
    "photomask": "wafer_fab",
    "eda_ip": "ic_design",
    "semi_equipment_parts": "semi_equipment",
    "electronic_silicon": "silicon_wafer",
    "precious_metal_materials": "packaging_test",
    "solder_pastes": "ems",
    "electronic_resins": "ccl",
    "sic_powder": "compound_semi",
}


def _flow(chain: str, essential_only: bool = False) -> nx.DiGraph:
    spec = load_chain(chain)
    g = nx.DiGraph()
    g.add_nodes_from(spec.leaf_ids())
    g.add_edges_from((a, b) for a, b, ess in spec.feeds_edges() if ess or not essential_only)
    return g


def _check_feeds():
    spec = importlib.util.spec_from_file_location("truth_check_feeds", TRUTH / "check_feeds.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass resolves annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("src", ["wafer_fab", "packaging_test"])
@pytest.mark.parametrize("dst", ["discrete_power", "sensors"])
def test_foundries_and_osats_supply_power_device_and_sensor_houses(src, dst):
    assert nx.has_path(_flow("electronics"), src, dst)


def test_fabless_design_is_fed_by_the_foundry_not_the_other_way():
    spec = load_chain("electronics")
    edges = {(a, b): ess for a, b, ess in spec.feeds_edges()}
    assert ("ic_design", "wafer_fab") not in edges
    assert not nx.has_path(_flow("electronics", essential_only=True), "ic_design", "wafer_fab")
    # the chips a design house sells are foundry wafers packaged by an OSAT, and they go into devices
    assert edges[("wafer_fab", "ic_design")] and edges[("packaging_test", "ic_design")]
    assert nx.has_path(_flow("electronics"), "ic_design", "smartphones")


@pytest.mark.parametrize(("leaf", "reaches"), sorted(NEW_LINKS.items()))
def test_new_semiconductor_links_feed_the_chain(leaf, reaches):
    spec = load_chain("electronics")
    lk = spec.links[leaf]
    assert lk.leaf and lk.weight > 0 and lk.products and lk.industry_codes and lk.exclusions
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lk.name), lk.name
    assert nx.has_path(_flow("electronics"), leaf, reaches)
    assert nx.has_path(_flow("electronics"), leaf, "smartphones") or leaf == "sic_powder"


def test_every_template_still_validates():
    problems = {p.name: validate_file(p) for p in template_paths()}
    assert problems and all(v == [] for v in problems.values()), problems


def test_crosswalk_maps_shenwan_industries_to_new_links():
    xw = link.load_shenwan_crosswalk()
    el = xw[xw.chain == "electronics"]
    pairs = set(zip(el.sw_name, el.link, strict=True))
    assert ("半导体材料", "photomask") in pairs
    assert ("半导体设备", "semi_equipment_parts") in pairs
    assert set(el.link) - {"*"} <= set(load_chain("electronics").leaf_ids())  # "*": a counter-industry


def test_new_link_terms_match_product_lines_not_their_machines():
    """The linker's product-line matching puts a photomask or industrial-silicon line on the new links and
    leaves solar wafers, slicing machines and solar pastes off them."""
    cf = _check_feeds()
    names = {
        "石英掩膜版",
        "工业硅块",
        "键合金丝",
        "数控多晶硅倒角机",
        "多晶硅片",
        "太阳能电池银浆",
        "汽车零部件",
        "焊锡机",
    }
    got = cf.leaf_products(load_chain("electronics"), names)
    assert "photomask" in got["石英掩膜版"]
    assert "electronic_silicon" in got["工业硅块"]
    assert "precious_metal_materials" in got["键合金丝"]
    for off in ("数控多晶硅倒角机", "多晶硅片", "太阳能电池银浆", "汽车零部件", "焊锡机"):
        assert not got.get(off, set()) & set(NEW_LINKS), (off, got.get(off))


def _append(path: Path, rows: list[dict]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_check_feeds_counts_both_directions_on_the_mini_folder(tmp_path, capsys):
    kg = chain_kg_mini(tmp_path / "chain-kg")
    up = "上游材料"
    # invented rows: three claim that cells are an input of cathode material (the wrong way round), and
    # five that electrolyte goes into separator films (no feed of the template joins the two)
    _append(
        kg / "product_product.json",
        [{"from_entity": "示范正极材料", "to_entity": f"示范{i}电芯", "rel": up} for i in "甲乙丙"]
        + [{"from_entity": f"示范{i}湿法隔膜", "to_entity": "示范电解液", "rel": up} for i in "一二三四五"],
    )
    cf = _check_feeds()
    names, pairs, sub = cf.input_edges(kg)
    assert ("示范正极材料", "示范电芯") in pairs and ("示范碳酸锂", "示范正极材料") in pairs
    assert ("示范电芯", "示范电芯") not in pairs  # self-loop dropped
    assert sub["示范三元材料"] == {"示范正极材料"}  # 产品小类: to is a sub-class of from
    rv = cf.review(load_chain("nev"), names, pairs, sub, min_n=5, ratio=2.0)
    supported = {(a, b): (f, k) for a, b, _, f, k in rv.supported}
    contradicted = {(a, b): (f, k) for a, b, _, f, k in rv.contradicted}
    assert supported[("lithium", "cathode")] == (1, 0)  # 下游产品 read as from → to, twice the same pair
    assert supported[("battery_cell", "battery_pack")] == (1, 0)
    assert supported[("electrolyte", "battery_cell")] == (1, 0)
    assert contradicted[("cathode", "battery_cell")] == (1, 3)
    assert [(a, b, f, k, path) for a, b, f, k, path in rv.missing] == [("electrolyte", "separator", 5, 0, False)]
    assert cf.main(["--kg", str(kg), "--chain", "nev"]) == 0
    out = capsys.readouterr().out
    assert "cathode → battery_cell: 1 along, 3 against" in out
    assert "electrolyte → separator: 5 along, 0 against; NO feeds path" in out


def test_check_feeds_skips_without_data(tmp_path, capsys):
    assert _check_feeds().main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out
