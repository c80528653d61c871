"""Gap verdicts and actions on a hand-made graph where each outcome is known by construction."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from factories import REGION, toy_chain, verdict_graph

from chain_gap import gaps, metrics


@pytest.fixture(scope="module")
def G():
    return verdict_graph()


@pytest.fixture(scope="module")
def table(G):
    return gaps.table(G, toy_chain(), REGION).set_index("link")


# The verdict → action table (docs/formulas.md): weak and fragile links are 补强 reinforce; a strong link
# is 强链 strengthen (锻长板: attract a leading firm), so it gets an action and targets too; an anchored
# link is 以商招商 leverage (its 链主's suppliers, not the target list).
EXPECTED = {
    "ore": ("missing", "extend", "upstream"),
    "material": ("fragile", "reinforce", ""),
    "cell": ("missing", "fill", "between"),
    "bms": ("fragile", "reinforce", ""),
    "pack": ("anchored", "leverage", ""),
    "motor": ("strong", "strengthen", ""),
    "vehicle": ("missing", "fill", "between"),
    "charging": ("weak", "reinforce", ""),
}


@pytest.mark.parametrize("link", list(EXPECTED))
def test_verdict_and_action_by_construction(table, link):
    verdict, action, direction = EXPECTED[link]
    row = table.loc[link]
    assert (row["verdict"], row["action"], row["direction"]) == (verdict, action, direction), row["reasons"]


def test_counts_and_lq_match_the_formula(table):
    row = table.loc["charging"]
    assert row["local"] == 4 and row["region_total"] == 100
    assert row["national"] == 200 and row["national_total"] == 2000
    ref = metrics.location_quotient(4, 100, 200, 2000)
    assert row["lq"] == pytest.approx(ref.lq) and row["lq_star"] == pytest.approx(ref.lq_star)
    assert row["ci_low"] == pytest.approx(ref.ci_low) and row["ci_high"] == pytest.approx(ref.ci_high)
    assert row["ci_low"] < 1 < row["ci_high"]  # small count: interval straddles 1 → not strong
    assert math.isnan(table.loc["ore", "ci_low"])  # absent link: no interval


def test_reason_is_plain_words_and_the_numbers_are_in_the_basis(table):
    for link, row in table.iterrows():
        # the sentence staff read aloud: the local count and the action, no statistics
        assert f"{row['local']}家" in row["reasons"] or "没有该环节企业" in row["reasons"], (link, row["reasons"])
        assert row["reasons"].endswith(f"→ 建议{row['action_zh']}"), (link, row["reasons"])
        for word in ("LQ", "HHI", "区间", "权重", "缺口"):
            assert word not in row["reasons"], (link, word, row["reasons"])
        # the numbers behind it, in 技术依据: one LQ (LQ*) with its interval, weight and gap
        if row["verdict"] != "missing":
            assert f"LQ*={row['lq_star']:.2f}（95%区间{row['ci_low']:.2f}–{row['ci_high']:.2f}）" in row["basis"]
            assert "LQ=" not in row["basis"]
        assert f"权重{row['weight']:.3f}，缺口{row['gap']:.3f}" in row["basis"], (link, row["basis"])
    assert "上游" in table.loc["cell", "reasons"] and "正极材料" in table.loc["cell", "reasons"]
    assert "链主" in table.loc["pack", "reasons"]
    # fragile: one firm, or one firm holding the link (bms: HHI ≈ 1), read as "one stoppage breaks it"
    assert table.loc["material", "reasons"].startswith("本地仅1家，一家停产即断链")
    assert "一家企业占九成以上" in table.loc["bms", "reasons"] and "HHI=" in table.loc["bms", "basis"]
    assert "长板" in table.loc["motor", "reasons"]


def test_hhi_and_single_firm(table):
    assert table.loc["material", "single_firm"]
    assert table.loc["bms", "hhi"] > 0.99
    assert table.loc["motor", "hhi"] == pytest.approx(0.1)


def test_priority_only_for_links_firms_can_be_attracted_into(table):
    # fill / extend / reinforce / strengthen enter the priority; leverage (the anchored pack) does not
    acting = table["action"].isin(["fill", "extend", "reinforce", "strengthen"])
    assert (table.loc[~acting, "priority"] == 0).all() and table.loc["pack", "priority"] == 0
    assert (table.loc[acting, "priority"] >= 0).all()
    assert table["priority"].max() > 0
    assert table.loc["motor", "priority"] > 0  # the strong link is ranked with the others (强链)
    # the big missing links (cell .25, vehicle .30) have the largest gaps
    assert set(table["gap"].nlargest(2).index) == {"cell", "vehicle"}


def test_activity_variable_is_named(G):
    t = gaps.table(G, toy_chain(), REGION, activity="revenue")
    assert (t["activity"] == "revenue").all()
    assert t.set_index("link").loc["pack", "local_activity"] == pytest.approx(2.5e9 + 29 * 1e8)
    with pytest.raises(gaps.GapError):
        gaps.table(G, toy_chain(), REGION, activity="profit")


def test_region_by_name_and_sellers_not_counted(G):
    by_name = gaps.table(G, toy_chain(), "商丘")
    assert (by_name["region"] == REGION).all()
    everyone = gaps.table(G, toy_chain(), REGION, roles=None)
    pd.testing.assert_series_equal(by_name["local"], everyone["local"])  # no sellers in this graph


def test_summary_completeness(G, table):
    s = gaps.summary(G, toy_chain(), REGION)
    present = (table["local"] > 0).sum()
    assert s["c"] == pytest.approx(present / len(table))
    assert s["wc"] == pytest.approx(table.loc[table["local"] > 0, "weight"].sum())
    assert s["verdicts"]["missing"] == 3 and s["actions"]["fill"] == 2
    assert math.isnan(s["sc"])  # no supply data in this graph


def test_table_all_is_consistent_with_table(G, table):
    allr = gaps.table_all(G, toy_chain(), "city")
    mine = allr[allr["region"] == REGION].set_index("link")
    assert (mine["local"] == table["local"]).all()
    assert mine["lq_star"].to_numpy() == pytest.approx(table["lq_star"].to_numpy())
    # every firm counted once: per link, the regions add up to the national count
    assert (allr.groupby("link")["local"].sum().reindex(table.index) == table["national"]).all()


def test_compare_regions(G):
    t = gaps.compare(G, toy_chain(), ["商丘市", "郑州市"])
    assert ("商丘市", "verdict") in t.columns and ("郑州市", "verdict") in t.columns
    assert t.loc["pack", ("商丘市", "verdict")] == "anchored"


def test_anchors(G):
    a = gaps.anchors(G, toy_chain(), REGION)
    # the 2.5e9 pack firm and the 1e10 bms firm pass the emerging-chain revenue rule (2e9)
    assert sorted(a["link"]) == ["bms", "pack"] and a["size_rule"].all()
    assert "营业收入" in a.set_index("link").loc["pack", "reason"]


def test_chain_with_no_linked_firm_gives_no_data_not_missing():
    # no firm anywhere in the data is linked to any link: the data cannot see the chain, so no verdict
    # is invented (it was 8 x "missing, 延链" before)
    import networkx as nx

    from chain_gap import targets
    from chain_gap.chains import add_to_graph
    from chain_gap.schema import add_node

    G = nx.MultiDiGraph()
    add_node(G, "Enterprise", "X", name="某公司", region="411402")
    add_to_graph(G, toy_chain())
    t = gaps.table(G, toy_chain(), REGION)
    assert (t["verdict"] == "no_data").all() and (t["action"] == "none").all()
    assert (t["priority"] == 0).all()
    assert t["reasons"].str.contains("无数据").all()
    assert "全国" in t.attrs["coverage_banner"]
    assert targets.rank(G, toy_chain(), REGION).empty


def test_region_level_matches_region_levels():
    import pandas as pd

    from chain_gap import frames

    codes = pd.Series(["411402", "411400", "410000", "110101", "419001", "", None, "41140", "abcdef"])
    full = frames.region_levels(codes)
    for level in ("province", "city", "county"):
        assert list(frames.region_level(codes, level)) == list(full[level])


@pytest.fixture(scope="module")
def resource_chain(tmp_path_factory):
    """The toy chain with its ore (锂矿) and material links flagged resource_bound, as a mine would be."""
    from factories import TOY

    from chain_gap.chains import load_chain

    text = TOY.read_text(encoding="utf-8")
    for head in ("        name: 锂矿\n", "        name: 正极材料\n"):
        text = text.replace(head, head + "        resource_bound: true\n", 1)
    path = tmp_path_factory.mktemp("chains") / "toy.yaml"
    path.write_text(text, encoding="utf-8")
    return load_chain(path)


def test_resource_bound_links_are_not_extended_and_get_no_targets(G, resource_chain):
    from chain_gap import targets

    t = gaps.table(G, resource_chain, REGION).set_index("link")
    # a missing mine cannot be attracted to the region: 对接外部供给, not 延链; it still says where it sits
    ore = t.loc["ore"]
    assert (ore["verdict"], ore["action"], ore["direction"], ore["action_zh"]) == (
        "missing",
        "secure_supply",
        "upstream",
        "对接外部供给",
    )
    assert ore["resource_bound"] and "自然资源" in ore["reasons"] and ore["priority"] == 0
    # a present resource-bound link: 以资源换产业, outside the priority as well
    assert t.loc["material", "action"] == "resource_swap" and t.loc["material", "priority"] == 0
    # the other links keep their actions
    assert t.loc["cell", "action"] == "fill" and t.loc["motor", "action"] == "strengthen"
    ranked = targets.rank(G, resource_chain, REGION)
    assert len(ranked) and not set(ranked["link"]) & {"ore", "material", "pack"}
    # without the flag the same ore firms elsewhere are 延链 candidates: the flag, not the data, removes them
    assert "ore" in set(targets.rank(G, toy_chain(), REGION, top=None)["link"])
