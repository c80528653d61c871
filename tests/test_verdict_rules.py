"""Verdict rules that must hold on data without sizes and with few producers (the listed-firm case):
the national-leader route to "strong", the 链主 proxy's Shenwan rule, and no completeness at a no-data level."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from factories import add_firm, toy_chain

from chain_gap import gaps, report
from chain_gap.chains import add_to_graph, load_chain
from chain_gap.schema import link_id

BIG = "410000"  # 400 of the nation's 1,000 firms, like 广东 among the listed firms
OTHERS = ["420000", "440000", "350000", "320000", "330000"]  # 120 firms each

#: local firms in BIG and firms in the other regions, per toy link (no sizes anywhere)
DESIGN = {
    "motor": (5, [2, 2, 1, 1, 1]),  # 5 of 12: first nationally, LQ* 1.07, interval far below 1 → strong (leader)
    "charging": (3, [2, 2, 2, 2, 1]),  # 3 of 12, first, but LQ* 0.50: under-represented for its size → weak
    "bms": (3, [0, 0, 0, 0, 0]),  # all 3 of the nation's: LQ* infinite, no interval → strong (leader)
    "pack": (2, [1, 1, 0, 0, 0]),  # 2 of 4: too few firms for any strong → weak
}


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    n = 0

    def firm(region: str, link: str | None) -> None:
        nonlocal n
        n += 1
        add_firm(G, f"L{n:05d}", region, link=link)

    for link, (local, rest) in DESIGN.items():
        for _ in range(local):
            firm(BIG, link)
        for region, k in zip(OTHERS, rest, strict=True):
            for _ in range(k):
                firm(region, link)
    for region, total in [(BIG, 400)] + [(r, 120) for r in OTHERS]:
        have = sum(1 for _, d in G.nodes(data=True) if d.get("kind") == "Enterprise" and d.get("region") == region)
        for _ in range(total - have):
            firm(region, None)
    return G


@pytest.fixture(scope="module")
def G():
    return _graph()


def test_a_national_leader_is_strong_without_a_significant_lq(G):
    t = gaps.table(G, toy_chain(), BIG).set_index("link")
    motor = t.loc["motor"]
    assert motor["region_total"] == 400 and motor["national_total"] == 1000
    assert motor["lq_star"] == pytest.approx((5 / 400) / (7 / 600)) and motor["ci_low"] < 1
    assert motor["national_share"] == pytest.approx(5 / 12) and motor["national_rank"] == 1
    assert motor["verdict"] == "strong" and motor["action"] == "strengthen"
    assert "占全国该环节企业的42%" in motor["reasons"] and "居第1位" in motor["reasons"]
    assert "占全国42%（第1位）" in motor["basis"]
    bms = t.loc["bms"]  # the region holds every producer of the nation: LQ* inf, no interval
    assert math.isinf(bms["lq_star"]) and math.isnan(bms["ci_low"]) and bms["verdict"] == "strong"
    # first nationally but fewer producers than its size predicts: not a leader of this link
    assert t.loc["charging", "lq_star"] == pytest.approx(0.5) and t.loc["charging", "verdict"] == "weak"
    assert t.loc["pack", "verdict"] == "weak"  # 2 firms: small counts never make a strong verdict


@pytest.mark.parametrize(
    "setting", [{"leader_top_n": 0}, {"leader_min_share": 0.5}, {"leader_min_lq": 1.2}], ids=lambda d: next(iter(d))
)
def test_each_leader_threshold_is_needed(G, setting):
    t = gaps.table(G, toy_chain(), BIG, config={"verdict": setting}).set_index("link")
    assert t.loc["motor", "verdict"] == "weak"
    assert "专业化程度未显示高于全国" in t.loc["motor", "reasons"]


def test_a_small_region_is_ranked_against_the_nation_not_its_peers(G):
    t = gaps.table(G, toy_chain(), "420000").set_index("link")
    assert t.loc["motor", "national_rank"] == 2 and t.loc["motor", "verdict"] == "weak"  # 2 firms
    assert math.isnan(t.loc["bms", "national_rank"]) and t.loc["bms", "verdict"] == "missing"


def _nev_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    add_to_graph(G, load_chain("nev"))
    for i in range(30):
        add_firm(G, f"N{i}", ["330000", "510000"][i % 2])
    return G


def test_the_shenwan_anchor_proxy_needs_an_industry_that_is_the_link():
    """A listed firm is a 链主 by proxy when its Shenwan industry is the link's own (the crosswalk's strength for
    the link alone confirms it, 锂 → lithium); a shared industry (其他汽车零部件 names six part links) with a
    3 % line is not, and the reason never calls a 3 % line the main business."""
    G = _nev_graph()
    li = add_firm(G, "LI", "510000", link="lithium", chain="nev", tags=["listed"])
    G.edges[li, link_id("nev", "lithium"), "LINKED_TO"].update(evidence="产品:碳酸锂; 申万:锂", line_share=0.2)
    parts = add_firm(G, "PARTS", "330000", link="brake", chain="nev", tags=["listed"])
    G.edges[parts, link_id("nev", "brake"), "LINKED_TO"].update(
        evidence="产品:制动器; 申万:其他汽车零部件", line_share=0.03
    )
    main = add_firm(G, "MAIN", "330000", link="brake", chain="nev", tags=["listed"])
    G.edges[main, link_id("nev", "brake"), "LINKED_TO"].update(evidence="产品:制动系统", line_share=0.83)
    sichuan = gaps.anchors(G, "nev", "510000").set_index("ent_id")
    assert list(sichuan.index) == [li] and "申万行业即本环节" in sichuan.loc[li, "reason"]
    assert "占营收" not in sichuan.loc[li, "reason"]  # the industry, not the 20 % line, made it the main business
    zhejiang = gaps.anchors(G, "nev", "330000").set_index("ent_id")
    assert list(zhejiang.index) == [main] and "占营收83%" in zhejiang.loc[main, "reason"]


def test_no_completeness_is_stated_at_a_level_the_data_hardly_hold():
    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    for i in range(40):  # firms located to provinces only, one of them to a county of 商丘
        add_firm(G, f"Q{i}", ["410000", "420000"][i % 2], link="cell" if i % 4 == 0 else None)
    add_firm(G, "Q-county", "411402", link="cell")
    t = gaps.table(G, toy_chain(), "411400")
    assert (t["verdict"] == "no_data").all()
    s = gaps.summary(G, toy_chain(), "411400", gaps=t)
    assert math.isnan(s["c"]) and math.isnan(s["wc"])
    empty = t.iloc[0:0]
    assert "链条完整度 无数据" in report.headline(G, toy_chain(), t, empty)
    assert "completeness no data" in report.headline(G, toy_chain(), t, empty, lang="en")
    ov = report.overview(G, toy_chain(), t, empty).set_index("item")["value"]
    assert ov["链条完整度"] == "无数据"
    # at a level with data, completeness counts the links the data can see, not the no_data ones
    prov = gaps.table(G, toy_chain(), "410000")
    seen = prov[prov["verdict"] != "no_data"]
    assert gaps.summary(G, toy_chain(), "410000", gaps=prov)["c"] == pytest.approx((seen["local"] > 0).mean())
