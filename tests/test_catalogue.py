"""招商引资产业目录 on the hand-made 商丘 (factories.portfolio_graph): links, kinds, scale, targets, anchors, sheet."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from factories import portfolio_graph, toy_chain, toy_food_chain

from chain_gap import catalogue, frames, portfolio
from chain_gap.render import portfolio as rp


@pytest.fixture(scope="module")
def G():
    return portfolio_graph()


@pytest.fixture(scope="module")
def pf(G):
    return portfolio.portfolio(G, "商丘市", chains=[toy_chain(), toy_food_chain()])


@pytest.fixture(scope="module")
def cat(G, pf):
    return catalogue.catalogue(G, pf)


def rows(cat, unit, chain):
    return cat[(cat["unit"] == unit) & (cat["chain"] == chain)].set_index("link")


def test_the_links_to_attract_are_the_gap_tables_actions_of_the_leading_chains(G, cat):
    from chain_gap import gaps, vocab

    r = rows(cat, "411403", "toy_food")  # 睢阳区 holds flour: grain upstream and bakery downstream are 延链
    t = gaps.table(G, toy_food_chain(), "411403").set_index("link")
    assert set(r.index) == set(t.index[t["action"].isin(vocab.TARGET_ACTIONS)]) >= {"grain", "bakery"}
    assert r.loc["grain", "action_zh"] == r.loc["bakery", "action_zh"] == "延链" and (r["role_zh"] == "主导").all()
    assert set(cat["unit"]) <= {"411402", "411481", "411403", "411421", "411426", "411472"}  # no-data units: none
    zone = rows(cat, "411472", "toy")
    assert (zone["role_zh"] == "培育").all() and zone.loc["ore", "action"] == "reinforce"  # one firm: fragile


def test_kind_of_firm_by_the_documented_rule(cat):
    r = rows(cat, "411403", "toy_food")
    assert r.loc["grain", "firm_kind_zh"] == "专精特新" and "20%" in r.loc["grain", "firm_kind_why"]  # 3 of 15
    assert r.loc["bakery", "firm_kind_zh"] == "配套"
    z = rows(cat, "411472", "toy")
    assert z.loc["vehicle", "firm_kind_zh"] == "链主"  # fed by pack and motor, weight .30 ≥ mean .125
    assert z.loc["pack", "firm_kind_zh"] == "配套"  # two inputs but weight .10 < mean .125
    assert catalogue.firm_kind(toy_chain(), "cell", 0.5)[0] == "specialised"


def test_typical_scale_is_the_national_median_of_the_links_producers(G, cat):
    mem = frames.members(G, toy_food_chain())
    for link in ("grain", "bakery"):
        want = float(pd.to_numeric(mem.loc[mem["link"] == link, "revenue"]).median())
        assert rows(cat, "411403", "toy_food").loc[link, "median_revenue"] == pytest.approx(want)
    assert rows(cat, "411403", "toy_food").loc["grain", "national_producers"] == 15  # 10 elsewhere + 民权县's 5


def test_targets_are_ranked_firms_outside_the_city(cat):
    r = rows(cat, "411403", "toy_food").loc["grain"]
    listed = r["targets"].split("；")
    assert len(listed) == 5 and all("目标清单第" in x for x in listed)
    assert "商丘" not in r["targets"]  # 民权县's grain firms are partners, not targets


def test_local_anchors_a_newcomer_buys_from_and_supplies(cat):
    r = rows(cat, "411403", "toy_food")
    assert "411403flour企业5（面粉加工）" in r.loc["grain", "sell_to"] and r.loc["grain", "buy_from"] == ""
    assert "411403flour企业5（面粉加工）" in r.loc["bakery", "buy_from"] and r.loc["bakery", "sell_to"] == ""
    m = rows(cat, "411402", "toy").loc["material"]  # 梁园区: material feeds its cells; ore sits in 永城市
    assert "411402cell企业" in m["sell_to"] and "（永城市，锂矿）" in m["area_partners"]
    brief = m["brief"]
    assert brief.startswith("【延链】正极材料") and "可就近供货" in brief and "万元" in brief


def test_catalogue_sheet_reads_in_excel(tmp_path, pf, cat):
    path = rp.write_portfolio_workbook(tmp_path / "p.xlsx", pf, cat, vintage="2026-06")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "县域分工矩阵",
        "主导产业建议",
        "同链竞争与协同",
        "协同分工",
        "招商引资产业目录",
        "数据说明",
    ]
    ws = wb["招商引资产业目录"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["县级单位", "产业链", "定位", "招商环节", "招商方向", "引进企业类型"]
    col = {h: i + 1 for i, h in enumerate(head)}
    assert ws.max_row == len(cat) + 1
    first = cat.iloc[0]
    rev = ws.cell(2, col["全国营收中位数(万元)"])
    assert rev.value == pytest.approx(first["median_revenue"] / 1e4) and rev.number_format == "#,##0.0"
    assert ws.cell(2, col["项目策划摘要"]).value == first["brief"]
    assert ws.cell(2, col["项目策划摘要"]).alignment.wrap_text
    assert ws.freeze_panes == "C2"  # header + 县级单位 + 产业链
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$1" and "招商引资产业目录" in ws.oddHeader.center.text
    assert "2026-06" in ws.oddFooter.left.text
    code = ws.cell(2, col["地区代码"])
    assert code.value == first["unit"] and code.number_format == "@"
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["环节代码"])].hidden
    m = wb["县域分工矩阵"]
    assert [c.value for c in m[1]][1:3] == ["测试电池汽车链", "测试食品链"]
    assert any("B2" in str(rng.sqref) for rng in m.conditional_formatting)  # S shaded on a colour scale
    notes = {r[0].value: r[1].value for r in wb["数据说明"].iter_rows(min_row=2)}
    assert "min(LQ*, 3) / 3" in notes["专业化S"] and "0.20" in notes["主导产业"]


def test_english_sheet_and_pages(tmp_path, pf, cat):
    tables, _ = rp.sheets(pf, cat, "en")
    assert "Investment catalogue" in tables and "kind of firm" in tables["Investment catalogue"].columns
    assert set(tables["Investment catalogue"]["kind of firm"]) <= {"chain leader", "specialised SME", "supplier"}
    page = rp.catalogue_page(pf, cat)
    assert "招商引资产业目录" in page and "<script" not in page and "【延链】" in page
    assert "default-src 'none'" in page


def test_hostile_names_stay_text(tmp_path):
    G = portfolio_graph()
    for _n, a in G.nodes(data=True):
        if a.get("kind") == "Enterprise" and a.get("name") == "411403flour企业5":
            a["name"] = '=HYPERLINK("x")<script>alert(1)</script>'
    pf = portfolio.portfolio(G, "商丘市", chains=[toy_food_chain()])
    cat = catalogue.catalogue(G, pf)
    page = rp.catalogue_page(pf, cat)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    path = rp.write_portfolio_workbook(tmp_path / "h.xlsx", pf, cat)
    ws = openpyxl.load_workbook(path)["招商引资产业目录"]
    vals = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert vals and all(not v.startswith("=") for v in vals)
