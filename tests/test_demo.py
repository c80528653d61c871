"""Acceptance on the demo data: every verdict and every target is explained by its numbers."""

from __future__ import annotations

import pytest

from chain_gap import demo, gaps, io, targets


@pytest.fixture(scope="module")
def G(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    demo.run(out, n=8000, seed=5)
    return io.load(out / "bundle")


@pytest.fixture(scope="module")
def table(G):
    return gaps.table(G, "nev", "商丘市")


# the verdict → action table (docs/formulas.md), for links that are not resource-bound
ACTION_OF = {"weak": "reinforce", "fragile": "reinforce", "strong": "strengthen", "anchored": "leverage"}


def test_every_verdict_and_action_is_backed_by_numbers(table):
    assert len(table) >= 30 and table["verdict"].nunique() >= 3
    for r in table.itertuples():
        # the numbers, in 技术依据: counts, one LQ (LQ*) with its interval, weight and gap
        assert f"本地{r.local}家/全国{r.national}家" in r.basis, r.basis
        if r.verdict == "no_data":  # no firm nationally: nothing to weigh, no action
            assert r.national == 0 and r.action == "none" and "无数据" in r.reasons
            continue
        assert f"权重{r.weight:.3f}，缺口{r.gap:.3f}" in r.basis
        if r.verdict == "missing":
            assert r.local == 0 and "本地没有该环节企业" in r.reasons
            assert r.action == (
                "secure_supply" if r.resource_bound else "fill" if r.direction == "between" else "extend"
            )
        else:
            assert f"本地{'仅' if r.local <= 2 else '有'}{r.local}家" in r.reasons
            assert f"LQ*={r.lq_star:.2f}（95%区间{r.ci_low:.2f}–{r.ci_high:.2f}）" in r.basis
            assert r.action == ("resource_swap" if r.resource_bound else ACTION_OF[r.verdict])
        assert "LQ" not in r.reasons and "HHI" not in r.reasons  # the sentence read aloud has no statistics
        if r.verdict == "strong":
            assert r.ci_low >= 1 and r.local >= 3
        if r.verdict == "weak":
            assert r.ci_low < 1
        if r.verdict == "fragile":
            assert r.local == 1 or r.hhi > 0.4 or r.cascade_loss >= 0.3
            assert "一家停产" in r.reasons or "断链风险" in r.reasons
        if r.action != "none":
            assert r.reasons.endswith(f"→ 建议{r.action_zh}")
        if r.action in ("fill", "extend", "reinforce", "strengthen"):
            assert f"优先级{r.priority:.2f}" in r.basis
        else:
            assert r.priority == 0 and "优先级" not in r.basis
    # the demo's chain has resource-bound links (锂 / 镍钴 / 石墨 / 稀土): none is 延链 or 补链
    bound = table[table["resource_bound"]]
    assert len(bound) == 4 and set(bound["action"]) <= {"secure_supply", "resource_swap"}


def test_top_20_targets_state_the_gap_they_close(G, table):
    t = targets.rank(G, "nev", "商丘市", top=20, gap_table=table)
    assert len(t) == 20
    need = set(table.loc[table["action"].isin(["fill", "extend", "reinforce", "strengthen"]), "link"])
    for r in t.itertuples():
        assert r.link in need
        assert f"「{r.link_name}」" in r.reasons and r.region[:4] != "4114"


def test_what_if_top_three_reports_completeness(G, table):
    top3 = list(targets.rank(G, "nev", "商丘市", top=3, gap_table=table)["ent_id"])
    res = targets.what_if(G, "nev", "商丘市", top3)
    c0, c1 = res["delta"]["c"]
    added_links = set(res["added"]["link"])
    newly_present = {lk for lk in added_links if table.set_index("link").loc[lk, "local"] == 0}
    seen = int((table["verdict"] != "no_data").sum())  # completeness counts the links the data can see
    assert c1 == pytest.approx(c0 + len(newly_present) / seen, abs=1e-4)  # summary rounds to 4 places
    assert len(res["changes"]) >= 1


def test_demo_prints_no_findfont_lines(tmp_path, caplog, capfd):
    # matplotlib logs "findfont: Failed to find font weight bold …" when asked for a face that does not
    # exist; the demo's panorama asks only for faces it has, so a newcomer's first run stays clean
    import logging

    caplog.set_level(logging.WARNING)
    demo.run(tmp_path / "out", n=2000, seed=3)
    out, err = capfd.readouterr()
    assert "findfont" not in out + err
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
