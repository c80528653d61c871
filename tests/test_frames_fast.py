"""The fast table reads (issue 15) give the tables the previous code gave, and no stale ones.

The previous implementations of ``frames.members`` (a tuple per edge, all attributes) and
``frames.region_level`` (five pandas string passes over every row) are kept here as the reference;
the gap tables and target lists computed through them must equal the ones the fast path computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from chain_gap import frames, gaps, link, load, synth, targets, vocab
from chain_gap.chains import load_chain

REGION = "411400"


def _ref_region_level(codes: pd.Series, level: str) -> pd.Series:
    s = codes.fillna("").astype(str).str.strip()
    ok = (s.str.len() == 6) & s.str.isdigit()
    if level == "province":
        out = s.str[:2] + "0000"
    elif level == "city":
        out = (s.str[:4] + "00").where(~s.str.endswith("0000"), "")
    elif level == "county":
        out = s.where(~s.str.endswith("00"), "")
    else:
        raise ValueError(f"unknown region level {level!r}")
    return out.where(ok, "")


def _ref_members(
    G: Any,
    chain: Any = None,
    *,
    roles: Any = "performer",
    decisions: Any = ("confirmed",),
    ents: pd.DataFrame | None = None,
    active_only: bool = False,
    columns: Any = None,
) -> pd.DataFrame:
    chain_id = load_chain(chain).id if chain is not None else None
    performer_only = roles == "performer"
    roles_ = None if roles is None or performer_only else {roles} if isinstance(roles, str) else set(roles)
    dec_ = set(decisions) if decisions is not None else None
    targets_ = [
        n
        for n, a in G.nodes(data=True)
        if a.get("kind") == vocab.LINK and a.get("leaf") and (chain_id is None or a.get("chain") == chain_id)
    ]
    rows = []
    for lid in targets_:
        for u, keydict in G._pred[lid].items():
            d = keydict.get(vocab.LINKED_TO)
            if d is None:
                continue
            if performer_only and not d.get("performs", d.get("role") == "producer"):
                continue
            if roles_ is not None and d.get("role") not in roles_:
                continue
            if dec_ is not None and d.get("decision") not in dec_:
                continue
            if active_only and vocab.is_inactive(G._node[u].get("tags")):
                continue
            rows.append(
                (u, G._node[lid].get("chain"), lid.split("/", 1)[1])
                + tuple(d.get(c) for c in ("role", "confidence", "decision"))
                + (bool(d.get("primary")),)
                + tuple(d.get(c) for c in ("method", "evidence", "lines", "line_share"))
            )
    mem = pd.DataFrame(rows, columns=frames._MEMBER_COLUMNS)
    mem["line_share"] = pd.to_numeric(mem["line_share"], errors="coerce").astype(float)
    if not rows:
        mem = mem.astype({"ent_id": object, "chain": object, "link": object})
    if ents is not None:
        return mem.merge(ents, on="ent_id", how="left")
    firms = list(dict.fromkeys(mem["ent_id"]))
    attrs = frames._frame(firms, [G._node[f] for f in firms], list(frames._ATTRS))[frames.ENTERPRISE_COLUMNS]
    return mem.merge(attrs, on="ent_id", how="left")


@pytest.fixture(scope="module")
def G(tmp_path_factory):
    d = tmp_path_factory.mktemp("fast")
    ents, supply = synth.generate(n=4000, seed=11, chains=("nev",), focus=None)
    ents.drop(columns=["true_link"]).to_csv(d / "ents.csv", index=False)
    supply.to_csv(d / "supply.csv", index=False)
    G = load.load([d / "ents.csv"], "enterprises").graph
    load.load([d / "supply.csv"], "supply", G)
    link.attach(G, ["nev"])
    # the corners the fast read must keep: an inactive member, a performs flag set to None, a
    # side line, a firm without a region
    firms = [n for n, a in G.nodes(data=True) if a.get("kind") == vocab.ENTERPRISE]
    edges = [(u, v) for u, v, k in G.edges(keys=True) if k == vocab.LINKED_TO]
    G.nodes[edges[0][0]]["tags"] = ["注销"]
    G.edges[edges[1][0], edges[1][1], vocab.LINKED_TO]["performs"] = None
    G.edges[edges[2][0], edges[2][1], vocab.LINKED_TO]["line_share"] = 0.05
    G.nodes[firms[3]]["region"] = None
    return G


def test_region_level_equals_the_string_passes():
    vals = ["411400", "411402", "410000", None, np.nan, "", " 411403 ", "41140", "4114a0", 411421, "419001"]
    codes = pd.Series(vals * 3, index=range(7, 7 + 3 * len(vals)), dtype=object)
    for level in ("province", "city", "county"):
        pd.testing.assert_series_equal(frames.region_level(codes, level), _ref_region_level(codes, level))
    with pytest.raises(ValueError, match="unknown region level"):
        frames.region_level(codes, "town")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"active_only": True},
        {"roles": None, "decisions": None},
        {"roles": ("producer", "user"), "decisions": ("confirmed", "candidate")},
        {"roles": "seller"},
    ],
)
def test_members_equals_the_previous_read(G, kwargs):
    fast = frames.members(G, "nev", **kwargs)
    assert len(fast) > 0 or kwargs.get("roles") == "seller"
    pd.testing.assert_frame_equal(fast, _ref_members(G, "nev", **kwargs))


def test_members_columns_keeps_only_the_attributes_asked_for(G):
    full = frames.members(G, "nev", active_only=True)
    lean = frames.members(G, "nev", active_only=True, columns=["region"])
    assert [c for c in lean.columns if c not in frames._MEMBER_COLUMNS] == ["region", "province", "city", "county"]
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)])


def _previous(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frames, "members", frames._snapshotted(_ref_members))
    monkeypatch.setattr(frames, "region_level", _ref_region_level)
    monkeypatch.setattr(targets, "_local_firms", lambda G, reg: frames.enterprises(G, ["region", "uscc", "name"]))
    monkeypatch.setattr(
        targets, "_supply_pairs", lambda G: [(u, v) for u, v, k in G.edges(keys=True) if k == vocab.SUPPLIES]
    )


def test_gap_tables_and_targets_equal_the_previous_path(G, monkeypatch):
    fast_all = gaps.table_all(G, "nev", "city")
    fast_one = gaps.table(G, "nev", REGION)
    fast_tg = targets.rank(G, "nev", REGION, top=50, gap_table=fast_one)
    fast_cmp = gaps.compare(G, "nev", [REGION, "410100"])
    assert fast_all["local"].sum() > 0 and fast_one["local"].sum() > 0 and len(fast_tg) > 0
    assert targets._supply_pairs(G) and fast_tg["fit"].max() > 0  # the supplier fit is exercised
    with monkeypatch.context() as m:
        _previous(m)
        old_all = gaps.table_all(G, "nev", "city")
        old_one = gaps.table(G, "nev", REGION)
        old_tg = targets.rank(G, "nev", REGION, top=50, gap_table=old_one)
        old_cmp = gaps.compare(G, "nev", [REGION, "410100"])
    pd.testing.assert_frame_equal(fast_all, old_all)
    pd.testing.assert_frame_equal(fast_one, old_one)
    pd.testing.assert_frame_equal(fast_tg, old_tg)
    pd.testing.assert_frame_equal(fast_cmp, old_cmp)


def test_no_stale_tables_after_an_analyst_edits_the_graph(G):
    """Between calls nothing is kept: an edit that changes neither node nor edge count shows."""
    H = G.copy()
    before = targets.rank(H, "nev", REGION, top=20)
    firm = before["ent_id"].iloc[0]
    H.nodes[firm]["region"] = REGION  # the best candidate moves into the region: no longer a target
    after = targets.rank(H, "nev", REGION, top=20)
    assert firm not in set(after["ent_id"])
    gt0 = gaps.table(G, "nev", REGION)
    gt1 = gaps.table(H, "nev", REGION)
    assert gt1["local"].sum() > gt0["local"].sum()


def test_a_target_list_reads_the_memberships_once(G, monkeypatch):
    """rank computes the gap table (and the stability draws rank again): one membership read for all."""
    from chain_gap import _fastgraph

    calls = {"n": 0}
    real = _fastgraph.pred_dict

    def counting(H):
        calls["n"] += 1
        return real(H)

    monkeypatch.setattr(_fastgraph, "pred_dict", counting)
    tg = targets.rank(G, "nev", REGION, top=10, with_stability=True)
    assert len(tg) > 0
    assert calls["n"] == 1
    calls["n"] = 0
    targets.rank(G, "nev", REGION, top=10)  # a new call reads the graph again: nothing kept between calls
    assert calls["n"] == 1
