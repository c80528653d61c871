"""Targeting on a hand-made graph: the top three are known by construction."""

from __future__ import annotations

import pytest
from factories import OTHERS, REGION, add_firm, toy_chain, verdict_graph

from chain_gap import targets

QUALITY_ONLY = {"alpha": 1.0, "proximity": 0.0, "priority": {"gap": 1.0, "density": 0.0, "pci": 0.0, "cog": 0.0}}


@pytest.fixture(scope="module")
def G():
    G = verdict_graph()
    # three stars in the vehicle link (the largest gap, 0.30): best on every quality criterion, in order
    for key, rev in (("STAR1", 9e10), ("STAR2", 6e10), ("STAR3", 3e10)):
        add_firm(
            G,
            key,
            OTHERS[2],
            link="vehicle",
            revenue=rev,
            reg_capital=rev / 5,
            employees=int(rev / 1e6),
            founded="1990-01-01",
            tags=["上市", "小巨人", "专精特新"],
            name=f"{key}汽车股份有限公司",
        )
    # a firm of the vehicle link that is already present in 商丘 under the same USCC: skipped
    add_firm(
        G,
        "LOCALDUP",
        OTHERS[0],
        link="vehicle",
        revenue=9.5e10,
        reg_capital=2e10,
        employees=90000,
        founded="1990-01-01",
        tags=["上市", "小巨人", "专精特新"],
        name="重复企业股份有限公司",
    )
    G.nodes["ent:LOCALDUP"]["uscc"] = "91411400MA00000000"
    local = add_firm(G, "LOCALCOPY", "411402", name="重复企业股份有限公司商丘分公司")
    G.nodes[local]["uscc"] = "91411400MA00000000"
    return G


def test_top_three_by_construction(G):
    t = targets.rank(G, toy_chain(), REGION, weights=QUALITY_ONLY)
    assert list(t["ent_id"].head(3)) == ["ent:STAR1", "ent:STAR2", "ent:STAR3"]
    assert "ent:LOCALDUP" not in set(t["ent_id"])
    # only links firms can be attracted into (补链 / 延链 / 补强 / 强链), only firms outside the region
    assert set(t["action"]) <= {"fill", "extend", "reinforce", "strengthen"}
    assert "pack" not in set(t["link"])  # anchored: 以商招商 through its 链主's suppliers, not this list
    assert not t["region"].str.startswith("4114").any()
    assert t["score"].is_monotonic_decreasing and list(t["rank"]) == list(range(1, len(t) + 1))


def test_components_are_columns_and_reasons_name_the_gap(G):
    t = targets.rank(G, toy_chain(), REGION, top=20)
    for col in ("link_priority", "gap", "density", "resilience", "quality", "fit", "same_province"):
        assert col in t.columns
    assert (t["quality"].between(0, 1)).all()
    for r in t.itertuples():
        assert r.link_name in r.reasons and r.action_zh in ("补链", "延链", "补强", "强链")
        assert any(w in r.reasons for w in ("补齐", "延伸", "补强", "做强")), r.reasons


def test_strong_links_get_targets_too(G):
    # 强链 (锻长板): the strong motor link ranks leading firms elsewhere, with a reason that says so
    t = targets.rank(G, toy_chain(), REGION)
    motor = t[t["link"] == "motor"]
    assert len(motor) and (motor["action"] == "strengthen").all() and (motor["link_priority"] > 0).all()
    assert motor["reasons"].str.contains("优势环节「驱动电机」（锻长板）").all()


def test_score_is_m9(G):
    t = targets.rank(G, toy_chain(), REGION, weights={"alpha": 0.5, "proximity": 0.0})
    fmax = t["fit"].max()
    expected = t["link_priority"] * (0.5 * t["quality"] + 0.5 * t["fit"] / fmax)
    assert t["score"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-3)


def test_filters(G):
    t = targets.rank(G, toy_chain(), REGION, filters=["required_tags=小巨人"])
    assert set(t["ent_id"]) == {"ent:STAR1", "ent:STAR2", "ent:STAR3"}
    t = targets.rank(G, toy_chain(), REGION, filters=["min_capital=1亿"])
    assert (t["reg_capital"] >= 1e8).all() and len(t) >= 3
    t = targets.rank(G, toy_chain(), REGION, filters={"exclude_regions": "广东省"})
    assert not t["region"].str.startswith("44").any()
    t = targets.rank(G, toy_chain(), REGION, filters=["skip_present=false"], weights=QUALITY_ONLY)
    assert t["ent_id"].iloc[0] == "ent:LOCALDUP"
    with pytest.raises(targets.TargetError):
        targets.rank(G, toy_chain(), REGION, filters=["colour=red"])


def test_what_if_adding_a_vehicle_maker(G):
    res = targets.what_if(G, toy_chain(), REGION, ["ent:STAR1"])
    c0, c1 = res["delta"]["c"]
    assert c1 == pytest.approx(c0 + 1 / 8)
    ch = res["changes"].set_index("link")
    assert ch.loc["vehicle", "verdict_before"] == "缺失环节" and ch.loc["vehicle", "local_after"] == 1
    assert "ent:STAR1#whatif@411400" not in G  # the graph is left as it was
    with pytest.raises(targets.TargetError):
        targets.what_if(G, toy_chain(), REGION, ["ent:nope"])


def test_stability(G):
    s = targets.stability(G, toy_chain(), REGION, top=5, n=30, jitter=0.2, seed=1)
    assert len(s) == 5 and s.between(0, 1).all()
    s0 = targets.stability(G, toy_chain(), REGION, top=5, n=5, jitter=0.0)
    assert (s0 == 1.0).all()


def test_targets_discriminate_on_what_the_data_carry():
    """Listed-company data carry no sizes: the share of the firm's revenue in the link's products and
    its product lines tell candidates apart, side lines are left out unless asked for, and two firms of
    one link never share one reason sentence."""
    import networkx as nx
    from factories import COUNTY, OTHERS, add_firm

    from chain_gap.chains import add_to_graph

    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    for i in range(3):
        add_firm(G, f"L{i}", COUNTY, link="pack")  # the region has packs, not cells
    shares = [0.9, 0.6, 0.3, 0.12, 0.02]
    for i, share in enumerate(shares):
        nid = add_firm(G, f"C{i}", OTHERS[i], link="cell", tags=["listed"], founded="")
        d = G.edges[nid, "link:toy/cell", "LINKED_TO"]
        d["line_share"], d["lines"], d["evidence"] = share, 1 + i % 2, f"产品:电芯{i}"
    t = targets.rank(G, toy_chain(), REGION)
    cell = t[t["link"] == "cell"]
    assert list(cell["name"]) == [f"企业C{i}" for i in range(4)]  # the 2 % side line is left out
    assert cell["score"].nunique() == len(cell)
    assert cell["reasons"].nunique() == len(cell)
    assert "占其营收90%" in cell["reasons"].iloc[0]
    with_side = targets.rank(G, toy_chain(), REGION, filters=["side_lines=true"])
    assert "企业C4" in set(with_side["name"])


def test_two_candidates_of_one_link_never_share_a_reason_sentence():
    """Firms the data cannot tell apart (same region, no size, no lines) still get reasons of their own."""
    from factories import OTHERS, REGION, add_firm, toy_chain, verdict_graph

    G = verdict_graph()
    for key in ("TWIN1", "TWIN2", "TWIN3"):
        add_firm(G, key, OTHERS[0], link="cell", tags=["listed"])
    ranked = targets.rank(G, toy_chain(), REGION, top=500)
    for _, grp in ranked.groupby("link"):
        assert grp["reasons"].is_unique
    twins = ranked[ranked["ent_id"].str.contains("TWIN")]
    assert len(twins) == 3 and twins["reasons"].str.contains("本环节候选第").all()
    assert not ranked["reasons"].str.contains("listed").any()  # tags in Chinese
