"""County division of labour on a hand-made 商丘 where the split and the overlaps are known by construction."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from factories import PORTFOLIO_UNITS, portfolio_graph, toy_chain, toy_food_chain

from chain_gap import codes, gaps, metrics, portfolio


@pytest.fixture(scope="module")
def G():
    return portfolio_graph()


@pytest.fixture(scope="module")
def pf(G):
    return portfolio.portfolio(G, "商丘市", chains=[toy_chain(), toy_food_chain()])


def s_of(pf, unit, chain):
    row = pf.scores[(pf.scores["unit"] == unit) & (pf.scores["chain"] == chain)]
    return float(row["s"].iloc[0])


def test_every_county_level_unit_of_the_city_is_a_unit_and_zones_are_labelled(pf):
    units = pf.units.set_index("unit")
    expected = codes.regions().query("city == '411400' and level == 'county'")["code"]
    assert set(units.index) == set(expected)
    assert units.loc["411472", "kind_zh"] == "开发区" and units.loc["411472", "functional"]
    assert units.loc["411471", "kind_zh"] == "功能区" and units.loc["411471", "functional"]
    assert units.loc["411402", "kind_zh"] == "市辖区" and not units.loc["411402", "functional"]
    assert units.loc["411421", "kind_zh"] == "县" and units.loc["411481", "kind_zh"] == "县级市"
    assert "（开发区，作为独立单元参与分工）" in units.loc["411472", "reasons"]
    assert "河南商丘经济开发区（开发区）" in list(pf.matrix().index)


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [("130171", "石家庄高新技术产业开发区", "hightech"), ("411472", "河南商丘经济开发区", "devzone"),
     ("411471", "豫东综合物流产业聚集区", "zone"), ("411403", "睢阳区", "district"), ("419001", "济源市", "county_city")],
)  # fmt: skip
def test_unit_kind_by_code_and_name(code, name, kind):
    assert portfolio.unit_kind(code, name) == kind


def test_s_is_the_weighted_capped_lq_of_the_present_links(G, pf):
    # S by the formula, from the gap table's own LQ* (same counts): Σ w · min(LQ*, 3) / 3 over present links
    for unit in PORTFOLIO_UNITS:
        for spec in (toy_chain(), toy_food_chain()):
            t = gaps.table(G, spec, unit)
            w = t["weight"] / t["weight"].sum()
            want = float((w * t["lq_star"].clip(upper=3.0) / 3.0).where(t["local"] > 0, 0.0).sum())
            assert s_of(pf, unit, spec.id) == pytest.approx(want, abs=1e-4), (unit, spec.id)
    # the designed values: every 5-firm link is above the cap
    assert s_of(pf, "411402", "toy") == pytest.approx(0.25 + 0.10 + 0.30 + 0.10)
    assert s_of(pf, "411403", "toy_food") == pytest.approx(0.45)
    assert s_of(pf, "411421", "toy_food") == pytest.approx(0.30)
    assert s_of(pf, "411426", "toy_food") == pytest.approx(0.25)
    ref = metrics.location_quotient(1, 100, 26, 2200)  # the zone's one ore firm: e 1, E_r 100, E_p 26, E 2200
    assert s_of(pf, "411472", "toy") == pytest.approx(0.05 * float(ref.lq_star) / 3, abs=1e-4)


def test_f_is_the_weighted_density_of_the_missing_links_as_in_the_gap_table(G, pf):
    for unit in ("411402", "411472", "411403"):
        t = gaps.table(G, toy_chain(), unit)
        miss = t[t["local"] == 0]
        want = float((miss["weight"] * miss["density"]).sum() / miss["weight"].sum())
        got = pf.scores[(pf.scores["unit"] == unit) & (pf.scores["chain"] == "toy")]["f"].iloc[0]
        assert got == pytest.approx(want, abs=1e-4)


def test_leading_chains_by_construction(pf):
    u = pf.units.set_index("unit")
    assert u.loc["411402", "leading_ids"] == ["toy"] and u.loc["411481", "leading_ids"] == ["toy"]
    for unit in ("411403", "411421", "411426"):
        assert u.loc[unit, "leading_ids"] == ["toy_food"]
    assert "专业化S=0.45" in u.loc["411403", "reasons"] and "面粉加工（5家" in u.loc["411403", "reasons"]


def test_a_unit_below_the_floor_is_told_to_cultivate_the_chain_with_the_best_f(pf):
    zone = pf.scores[pf.scores["unit"] == "411472"].set_index("chain")
    assert (zone["s"] < 0.20).all()
    best = zone["f"].idxmax()
    assert zone.loc[best, "role"] == "cultivate" and (zone["role"] != "lead").all()
    reason = pf.units.set_index("unit").loc["411472", "reasons"]
    assert "低于门槛S≥0.20" in reason and f"F={zone.loc[best, 'f']:.2f}" in reason and "培育" in reason


def test_units_without_firms_are_no_data_never_zero(pf):
    sc = pf.scores[pf.scores["unit"] == "411423"]  # 宁陵县: no firm in the data
    assert sc["no_data"].all() and sc["s"].isna().all()
    u = pf.units.set_index("unit").loc["411423"]
    assert u["no_data"] and u["leading_ids"] == [] and "无数据" in u["reasons"]


def test_overlap_without_a_strong_unit_is_a_risk_with_lead_supplier_and_differentiate(pf):
    o = pf.overlaps.set_index("chain").loc["toy_food"]
    assert o["risk"] and o["lead"] == "411403" and o["max_s"] == pytest.approx(0.45)
    assert o["suppliers"] == "民权县" and o["differentiate"] == "夏邑县"
    assert "无序竞争风险" in o["suggestion"] and "睢阳区牵头" in o["suggestion"]
    roles = pf.roles[pf.roles["chain"] == "toy_food"].set_index("unit")
    assert roles.loc["411421", "share_role"] == "supplier" and roles.loc["411421", "feeds"] == "小麦收储→面粉加工"
    assert roles.loc["411426", "share_role"] == "differentiate" and roles.loc["411426", "feeds"] == ""


def test_overlap_with_a_strong_lead_is_no_risk_and_suppliers_follow_the_feeds(pf):
    o = pf.overlaps.set_index("chain").loc["toy"]
    assert not o["risk"] and o["lead"] == "411402" and "已较强" in o["suggestion"]
    r = pf.roles[pf.roles["chain"] == "toy"].set_index("unit")
    assert r.loc["411481", "share_role"] == "supplier"
    assert set(r.loc["411481", "feeds"].split("、")) == {"正极材料→电芯", "电池管理系统→电池包"}
    assert r.loc["411472", "share_role"] == "differentiate"  # its ore feeds material, which 梁园区 lacks


def test_settings_move_the_rules(G):
    strict = portfolio.portfolio(
        G, "商丘市", chains=[toy_chain(), toy_food_chain()], config={"portfolio": {"strong_bar": 0.4}}
    )
    assert not strict.overlaps.set_index("chain").loc["toy_food", "risk"]  # 0.45 ≥ 0.40: strong now
    high = portfolio.portfolio(
        G, "商丘市", chains=[toy_chain(), toy_food_chain()], config={"portfolio": {"leading_floor": 0.5}}
    )
    u = high.units.set_index("unit")
    assert u.loc["411402", "leading_ids"] == ["toy"] and u.loc["411403", "cultivate"] != ""
    ci = portfolio.portfolio(G, "商丘市", chains=[toy_food_chain()], config={"portfolio": {"lq_basis": "ci_low"}})
    t = gaps.table(G, toy_food_chain(), "411403").set_index("link")
    want = 0.45 * min(float(t.loc["flour", "ci_low"]), 3.0) / 3.0
    assert ci.scores.set_index("unit").loc["411403", "s"] == pytest.approx(want, abs=1e-4)


def test_a_chain_no_firm_is_linked_to_is_no_data_and_said_so(G):
    from chain_gap.chains import add_to_graph, load_chain

    unlinked = portfolio.portfolio(G, "商丘市", chains=[toy_chain(), "food"])  # chain-gap link never ran for food
    assert unlinked.scores.loc[unlinked.scores["chain"] == "food", "no_data"].all()
    assert "尚未挂链" in unlinked.attrs["banner"] and "food" in unlinked.attrs["no_data_chains"]
    H = G.copy()
    add_to_graph(H, load_chain("food"))  # linked, but no firm of the data is in any of its links
    empty = portfolio.portfolio(H, "商丘市", chains=[toy_chain(), "food"])
    assert empty.scores.loc[empty.scores["chain"] == "food", "s"].isna().all()
    assert "全国无企业挂链" in empty.attrs["banner"]
    assert s_of(empty, "411402", "toy") == pytest.approx(0.75)  # the other chain is untouched


def test_a_level_the_data_hardly_hold_gives_no_data_for_every_unit():
    import networkx as nx
    from factories import add_firm

    from chain_gap.chains import add_to_graph

    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    for i in range(40):  # firms located to provinces only (the A-share list knows no more)
        add_firm(G, f"Q{i}", ["410000", "420000", "440000"][i % 3], link="cell" if i % 4 == 0 else None)
    # one firm reaches a county (2 % of the located firms): the level is still one the data hardly hold, and
    # the banner must not count the links that firm happens to see as if they were judged
    add_firm(G, "Q-county", "411402", link="cell")
    pf = portfolio.portfolio(G, "商丘市", chains=[toy_chain()])
    assert pf.scores["no_data"].all() and pf.scores["s"].isna().all()
    assert pf.attrs["level_has_data"] is False and "无法在该级别判断分工" in pf.attrs["banner"]
    assert "不计入S和F" not in pf.attrs["banner"] and "left out of S and F" not in pf.attrs["banner_en"]
    assert pf.overlaps.empty and all(not x for x in pf.units["leading_ids"])


def test_a_county_is_not_an_area():
    with pytest.raises(portfolio.PortfolioError):
        portfolio.units_of("梁园区")


def test_matrix_is_units_by_chains(pf):
    m = pf.matrix()
    assert list(m.columns) == ["测试电池汽车链", "测试食品链"] and len(m) == 11
    assert m.loc["睢阳区", "测试食品链"] == pytest.approx(0.45) and math.isnan(m.loc["宁陵县", "测试食品链"])
    assert isinstance(pf.matrix("f", "en"), pd.DataFrame)
