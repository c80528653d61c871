"""The chain map as staff use it: firm cards, arrows on demand, search, 链主 marks, counts that agree.

One synthetic demo run per module. A local firm of a link gets a hostile name and a contacts row
(the bundle's contacts side table: ``G.graph["contacts"]``, indexed by enterprise id) before the
map is written, so the card must show both as text.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from factories import map_data

from chain_gap import demo, gaps, io, report
from chain_gap.profiles import firm_profiles

XSS = "<script>alert('card')</script>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("map-features")
    res = demo.run(base / "demo", n=4000, seed=1)
    G = io.load(res["bundle"])
    lf = report.local_firms(G, "nev", "411400")
    row = lf[lf["counted"]].iloc[0]
    victim, link = row["ent_id"], row["link"]
    G.nodes[victim]["name"] = XSS
    G.graph["contacts"] = pd.DataFrame(
        {
            "legal_rep": ["张<b>三"],
            "phone": ["0370-1234567"],
            "email": ["zs@example.com"],
            "website": [""],
            "address": ["河南省商丘市梁园区示例路1号"],
        },
        index=[victim],
    )
    out = base / "out"
    path = report.write_map(G, "nev", "411400", out / "map.html")
    shared = report.write_map(G, "nev", "411400", out / "map_share.html", contacts=False)
    return {"G": G, "victim": victim, "link": link, "path": path, "shared": shared, "out": out}


def test_profiles_read_the_graph_and_the_contacts_table(built):
    G, victim = built["G"], built["victim"]
    p = firm_profiles(G, "nev", [victim, "ent:not-there"]).set_index("ent_id")
    assert list(p.index) == [victim]
    r = p.loc[victim]
    a = G.nodes[victim]
    assert r["uscc"] == a["uscc"] and r["reg_capital"] == a["reg_capital"] and r["founded"] == a["founded"]
    assert built["link"] in [lk["link"] for lk in r["links"]]
    assert r["phone"] == "0370-1234567"
    assert "phone" not in firm_profiles(G, "nev", [victim], contacts=False).columns


def test_card_data_is_escaped_and_contacts_can_be_left_out(built):
    html = built["path"].read_text(encoding="utf-8")
    assert XSS not in html and "张<b>三" not in html
    cards = map_data(html)["cards"]
    card = cards[built["victim"]]
    assert card["name"] == XSS
    assert ["legal_rep", "张<b>三"] in card["contacts"] and ["phone", "0370-1234567"] in card["contacts"]
    assert ["website", ""] not in card["contacts"]  # empty fields are not shown
    shared = built["shared"].read_text(encoding="utf-8")
    assert "0370-1234567" not in shared and "张&lt;b&gt;三" not in shared and "zs@example.com" not in shared
    assert map_data(shared)["cards"][built["victim"]]["contacts"] == []


def test_only_listed_firms_are_embedded(built):
    d = map_data(built["path"].read_text(encoding="utf-8"))
    listed = {f["id"] for n in d["nodes"] for f in n["firms"]} | {x["id"] for n in d["nodes"] for x in n["targets"]}
    assert set(d["cards"]) == listed


def test_node_counts_and_panel_headings_agree(built):
    G = built["G"]
    gt = gaps.table(G, "nev", "411400").set_index("link")
    lf = report.local_firms(G, "nev", "411400")
    d = map_data(built["path"].read_text(encoding="utf-8"))
    for n in d["nodes"]:
        local = int(gt.loc[n["id"], "local"])
        assert n["firms_counted"] == local, n["id"]
        assert n["firms_heading"].startswith(f"本地企业 {local}家"), n["firms_heading"]
        rest = lf[(lf["link"] == n["id"]) & (lf["decision"] != "rejected") & ~lf["counted"]]
        if len(rest):
            assert "未计入诊断" in n["firms_heading"]
            n_unc = int((rest["decision"] == "uncertain").sum())
            if n_unc:
                assert f"{n_unc} 家待核实" in n["firms_heading"]
        else:
            assert "另有" not in n["firms_heading"] and "诊断表计" not in n["firms_heading"]


def test_anchor_firms_are_marked(built):
    G = built["G"]
    anc = gaps.anchors(G, "nev", "411400")
    d = map_data(built["path"].read_text(encoding="utf-8"))
    by = {n["id"]: n for n in d["nodes"]}
    html = built["path"].read_text(encoding="utf-8")
    vis = {v["id"]: v for v in json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", html).group(1))}
    anchored = set(anc["link"]) if len(anc) else set()
    for lid, n in by.items():
        assert bool(n["anchors"]) == (lid in anchored), lid
        assert vis[lid]["label"].startswith("★ ") == (lid in anchored)
    for r in anc.itertuples():
        assert r.name in by[r.link]["anchors"]
        assert any(f["anchor"] and f["id"] == r.ent_id for f in by[r.link]["firms"])


# ------------------------------------------------------------------ browser
def _click_node(page, node_id):
    dom = page.evaluate(f"network.canvasToDOM(network.getPositions([{node_id!r}])[{node_id!r}])")
    box = page.locator("#mynetwork canvas").bounding_box()
    return box["x"] + dom["x"], box["y"] + dom["y"]


@pytest.mark.browser
def test_arrows_hidden_until_a_link_is_hovered_or_selected(chromium, built):
    page, rec = chromium.open(built["path"], wait_ms=500)
    n_edges = page.evaluate("edges.length")
    assert n_edges > 30
    visible = "edges.get({filter: function (e) { return !e.hidden; }}).map(function (e) { return e.id; }).sort()"
    assert page.evaluate(visible) == []
    # pick a link with several supply arrows
    lid = page.evaluate(
        "network.body.data.nodes.getIds().sort(function (a, b) {"
        " return network.getConnectedEdges(b).length - network.getConnectedEdges(a).length; })[0]"
    )
    expected = sorted(page.evaluate(f"network.getConnectedEdges({lid!r})"))
    assert 0 < len(expected) < n_edges
    x, y = _click_node(page, lid)
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    assert page.evaluate(visible) == expected  # hover shows them
    box = page.locator("#mynetwork canvas").bounding_box()
    empty = (box["x"] + 8, box["y"] + box["height"] - 8)
    page.mouse.move(*empty)
    page.wait_for_timeout(300)
    assert page.evaluate(visible) == []  # blur hides them
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.move(5, 5)  # leaving the canvas straight from the node hides them too
    page.wait_for_timeout(300)
    assert page.evaluate(visible) == []
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.move(5, 5)
    page.wait_for_timeout(200)
    assert page.evaluate(visible) == expected  # selection keeps them after the pointer leaves
    page.mouse.click(*empty)  # empty canvas: deselect
    page.wait_for_timeout(300)
    assert page.evaluate(visible) == []
    assert rec.console_errors == [] and rec.page_errors == [] and rec.blocked == [], rec
    page.close()


@pytest.mark.browser
def test_firm_card_opens_with_its_fields(chromium, built):
    G, victim, link = built["G"], built["victim"], built["link"]
    a = G.nodes[victim]
    page, rec = chromium.open(built["path"], wait_ms=500)
    assert page.locator("#cg-card").is_hidden()
    page.evaluate(f"window.chainMap.select({link!r})")
    page.locator(f'#cg-firms button.cg-firm[data-firm="{victim}"]').click()
    card = page.locator("#cg-card")
    assert card.is_visible()
    assert card.locator("h2").inner_text() == XSS  # the hostile name is text
    assert page.evaluate("document.querySelectorAll('#cg-card script, #cg-card b').length") == 0
    txt = card.inner_text()
    for s in (a["uscc"], a["founded"][:10], "统一社会信用代码", "注册资本", "万元", "经营状态", "成立日期"):
        assert s in txt, s
    assert "张<b>三" in card.locator("#cg-card-contacts").inner_text()
    assert "0370-1234567" in txt and "河南省商丘市梁园区示例路1号" in txt
    for p in a.get("products") or []:
        assert p in txt
    assert a["scope"][:20] in txt
    edge = G.edges[victim, f"link:nev/{link}", "LINKED_TO"]
    basis = card.locator("#cg-card-basis").inner_text()
    assert edge["evidence"] in basis and f"{edge['confidence']:.2f}" in basis
    others = {  # the card lists the firm's other links of this chain
        v.split("/", 1)[1]
        for _, v, k in G.out_edges(victim, keys=True)
        if k == "LINKED_TO" and v.startswith("link:nev/")
    }
    assert card.locator("#cg-card-links button").count() == len(others - {link})
    page.keyboard.press("Escape")
    assert card.is_hidden()
    # the shared copy has no contacts on the same card
    page2, rec2 = chromium.open(built["shared"], wait_ms=300)
    page2.evaluate(f"window.chainMap.select({link!r})")
    page2.locator(f'#cg-firms button.cg-firm[data-firm="{victim}"]').click()
    assert "0370-1234567" not in page2.locator("#cg-card").inner_text()
    assert "未载入联系方式" in page2.locator("#cg-card").inner_text()
    for r in (rec, rec2):
        assert r.dialogs == [] and r.console_errors == [] and r.page_errors == [] and r.blocked == [], r
    page.close()
    page2.close()


@pytest.mark.browser
def test_search_box_finds_links_and_firms(chromium, built):
    G, victim, link = built["G"], built["victim"], built["link"]
    page, rec = chromium.open(built["path"], wait_ms=500)
    d = page.evaluate("window.chainMap.data")
    node = next(n for n in d["nodes"] if n["id"] == link)
    # a link by a part of its Chinese name, chosen with the keyboard: selected, focused and shown
    page.locator("#cg-search").fill(node["name"][1:])
    first = page.locator("#cg-hits li.cg-hit").first
    assert first.get_attribute("data-kind") == "link"
    ids = [li.get_attribute("data-id") for li in page.locator('#cg-hits li[data-kind="link"]').all()]
    assert link in ids
    page.locator(f'#cg-hits li[data-id="{link}"]').click()
    assert page.evaluate("network.getSelectedNodes()") == [link]
    assert page.locator("#cg-panel h2").inner_text() == node["name"]
    # a firm by its USCC typed in lower case and full width: its card opens
    uscc = G.nodes[victim]["uscc"]
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in uscc.lower())
    page.locator("#cg-search").fill(wide)
    hits = page.locator("#cg-hits li.cg-hit")
    assert hits.count() == 1 and hits.first.get_attribute("data-id") == victim
    page.locator("#cg-search").press("Enter")
    assert page.locator("#cg-card").is_visible()
    assert page.locator("#cg-card h2").inner_text() == XSS
    # a firm by part of its name
    other = next(f for n in d["nodes"] for f in n["firms"] if f["id"] != victim and len(f["name"]) > 6)
    page.locator("#cg-search").fill(other["name"][2:6])
    assert other["id"] in [li.get_attribute("data-id") for li in page.locator('#cg-hits li[data-kind="firm"]').all()]
    page.locator("#cg-search").fill("不存在的环节名称xyz")
    assert page.locator("#cg-hits").inner_text() == "无匹配结果"
    assert rec.dialogs == [] and rec.console_errors == [] and rec.page_errors == [] and rec.blocked == [], rec
    page.close()
