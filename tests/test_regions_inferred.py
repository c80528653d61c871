"""Region inference for firms whose city or county the data do not state (docs/regions.md).

The name-head parser on its own, then the rules end to end on the hand-made chain-kg folder
(tests/data/chain_kg_mini, whose nine place-headed firms are invented) merged with an A-share-shaped
list that states provinces, then the level coverage and the targets of a city-level request.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from factories import chain_kg_mini

from chain_gap import codes, gaps, link, targets
from chain_gap import load as L

# --------------------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    ("name", "stated", "code"),
    [
        ("郑州宇通客车股份有限公司", None, "410100"),  # a prefecture-level city, nothing stated
        ("郑州宇通客车股份有限公司", "410000", "410100"),  # consistent with the stated province
        ("江阴兴澄特种钢铁有限公司", "320000", "320281"),  # a county-level city inside the province
        ("江苏江阴兴澄特种钢铁有限公司", None, "320281"),  # …or after the province the name gives
        ("深圳市华强实业股份有限公司", "440000", "440300"),
        ("河南省郑州市中原区某某有限公司", None, "410102"),  # full names down to the district
        ("长安区某某汽车有限公司", "610000", "610116"),  # a district by its full name
        ("郑州中原某某有限公司", "410000", "410100"),  # the short district name is dropped, the city kept
        ("浙江海正药业股份有限公司", None, "330000"),  # a province when nothing is stated
        ("重庆长安汽车股份有限公司", None, "500000"),  # 重庆, not 长安区 of 西安
    ],
)
def test_name_head_infers_the_place_a_legal_name_starts_with(name, stated, code):
    got = codes.infer_from_name(name, stated)
    assert got.code == code and got.conflict is None


@pytest.mark.parametrize(
    ("name", "stated"),
    [
        ("江阴兴澄特种钢铁有限公司", None),  # a short county name needs a known province
        ("东方电气股份有限公司", "510000"),  # 东方市 is in 海南: a word, not this firm's seat
        ("东方电气股份有限公司", None),
        ("重庆长安汽车股份有限公司", "500000"),  # nothing below 重庆 at the head
        ("长安汽车有限公司", "610000"),  # a short district name is a word (长安, 中原, 新华)
        ("中原内配集团股份有限公司", "410000"),
        ("中国石油化工股份有限公司", None),
        ("华夏银行股份有限公司", "110000"),
        ("长城汽车股份有限公司", "130000"),
        ("黄河旋风股份有限公司", "410000"),
        ("吉林化纤股份有限公司", "220000"),  # 吉林 inside 吉林省 is the province, not 吉林市
        ("北京银行股份有限公司", "110000"),
        ("郑州市", None),  # a place alone is no firm name
        ("宇通客车股份有限公司", "410102"),  # a stated county is final
    ],
)
def test_false_heads_and_stated_counties_give_nothing(name, stated):
    got = codes.infer_from_name(name, stated)
    assert got.code is None and got.conflict is None


def test_a_head_outside_the_stated_province_is_a_conflict_not_a_code():
    got = codes.infer_from_name("郑州宇通客车股份有限公司", "440000")
    assert got.code is None and got.conflict is not None and got.conflict.code == "410100"
    # a short county name outside the province is a common word, not a contradiction
    assert codes.infer_from_name("东方电气股份有限公司", "510000").conflict is None


def test_area_city_reads_cities_among_the_provinces():
    assert codes.city_from_short("深圳") == "440300"
    assert codes.city_from_short("大连") == "210200"
    assert [codes.city_from_short(x) for x in ("河南", "吉林", "内蒙", "", "火星")] == [None] * 5


# --------------------------------------------------------------------------- end to end

AREAS = {
    "600911.SH": "河南",  # 郑州示例客车: the name head narrows 河南 to 郑州市
    "000911.SZ": "江苏",  # 江阴示例特钢: 江阴市 once 江苏 is stated
    "600912.SH": "四川",  # 东方示例电气: stays 四川 (东方市 is a false head)
    "000912.SZ": "重庆",  # 重庆长安示例汽车: stays 重庆
    "000913.SZ": "陕西",  # 长安示例汽车: stays 陕西 (no short district names)
    "600913.SH": "北京",  # 中国示例航材
    "300911.SZ": "广东",  # 郑州示例电池: contradicts the head; 广东 is kept, with a warning
    "300912.SZ": "深圳",  # 深圳市示例电子
    "300913.SZ": "福建",  # 宁德示例动力电池: 宁德市
    "300901.SZ": "福建",  # 示例甲电: no head, stays 福建
    "600901.SH": "深圳",  # 示例丙车: the area says the city
}
CELLS = ["300913", "300911", "600911", "300901", "000911"]  # the firms making cells below (300901: 示范电芯)


def _ashare(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ts_code", "symbol", "name", "area", "industry", "list_date"])
        for code, area in AREAS.items():
            w.writerow([code, code[:6], f"简称{code[:6]}", area, "", "20100101"])
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("regions")
    kg = chain_kg_mini(tmp / "chain-kg")
    with open(kg / "company_product.json", "a", encoding="utf-8") as fh:
        for code in CELLS[:3] + CELLS[4:]:
            # 动力锂电池, not the generic 电芯 / bare 动力电池 (no chemistry or market: alone only an
            # uncertain link, see test_link_generic and test_link_precision)
            row = {"company_name": "", "company_code": code, "product_name": "示范动力锂电池", "rel_weight": 0.9}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    first = L.load(kg, "chain-kg")
    before = {n: a.get("region") for n, a in first.graph.nodes(data=True)}
    second = L.load(_ashare(tmp / "stock_basic.csv"), "ashare", first.graph)
    return before, second


def _region(G, code):
    a = G.nodes[f"ent:stock:{code}"]
    return a.get("region"), a.get("region_inferred")


def test_each_rule_on_the_chain_kg_fixture_with_an_ashare_list(loaded):
    _, second = loaded
    G = second.graph
    assert _region(G, "600911") == ("410100", "name_head")
    assert _region(G, "000911") == ("320281", "name_head")  # stated 江苏 let the short county name count
    assert _region(G, "300913") == ("350900", "name_head")
    assert _region(G, "300912")[0] == "440300" and _region(G, "300912")[1] in ("name_head", "area_city")
    assert _region(G, "600901") == ("440300", "area_city")
    # false heads and stated codes: no inference, no mark
    assert _region(G, "600912") == ("510000", None)
    assert _region(G, "000912") == ("500000", None)  # inferred 重庆 from the name, then stated: unmarked
    assert _region(G, "000913") == ("610000", None)
    assert _region(G, "600913") == ("110000", None)
    assert _region(G, "300901") == ("350000", None)
    # the LOCATED_IN edge follows the code
    assert G.has_edge("ent:stock:600911", "region:410100", "LOCATED_IN")
    assert not G.has_edge("ent:stock:600911", "region:410000", "LOCATED_IN")


def test_an_inferred_code_never_contradicts_a_stated_province(loaded):
    before, second = loaded
    # before the A-share list the name head gave 郑州; the list states 广东, which wins
    assert before["ent:stock:300911"] == "410100"
    assert _region(second.graph, "300911") == ("440000", None)
    w = second.warnings
    hit = w[w["code"] == "region-name-head-conflict"]
    assert list(hit["value"]) == ["郑州示例电池股份有限公司"]
    assert Path(hit["file"].iloc[0]).name == "stock_basic.csv" and int(hit["row"].iloc[0]) == 8
    assert second.report["codes"]["region-name-head-conflict"] == 1
    assert "region" not in set(second.conflicts["field"])  # not a merge conflict of two stated codes


@pytest.fixture(scope="module")
def linked(loaded):
    G = loaded[1].graph.copy()
    link.attach(G, ["nev"])
    return G


def test_city_coverage_counts_inferred_codes_and_says_so(linked):
    G = linked
    ents = [a for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise" and a.get("region")]
    at_city = [a for a in ents if codes.resolve_region(a["region"]).level != "province"]
    t = gaps.table(G, "nev", "宁德市")
    assert t.attrs["level_coverage"] == pytest.approx(len(at_city) / len(ents))
    assert t.attrs["level_inferred"] == 1.0  # every city code of the fixture is inferred
    assert "推断" in t.attrs["coverage_banner"] and "region_inferred" in t.attrs["coverage_banner"]
    prov = gaps.table(G, "nev", "福建省")
    assert "推断" not in prov.attrs["coverage_banner"]  # at province level every code is stated


def test_city_targets_never_recommend_a_firm_inferred_inside_the_city(linked):
    G = linked
    cfg = {"data": {"min_level_coverage": 0.0}}
    t = gaps.table(G, "nev", "宁德市", config=cfg)
    cell = t[t["local"] > 0]
    assert len(cell)  # the 宁德 firm, inferred inside the city, is its local producer
    ranked = targets.rank(G, "nev", "宁德市", gap_table=t)
    assert len(ranked), "the fixture's other cell makers are candidates"
    assert "ent:stock:300913" not in set(ranked["ent_id"])
    assert not (ranked["region"].astype(str).str[:4] == "3509").any()
    # a county request: the 江阴 firm is local to 江阴市 and never its target
    t2 = gaps.table(G, "nev", "江阴市", config=cfg)
    assert t2.loc[t2["link"].isin(cell["link"]), "local"].sum() >= 1
    ranked2 = targets.rank(G, "nev", "江阴市", gap_table=t2)
    assert "ent:stock:000911" not in set(ranked2["ent_id"])
