"""与上次相比 on the chain map: the block of the overview panel and the badges on changed links.

One synthetic demo run (two vintages). The former target that has since set up locally gets a
hostile name in the newer bundle before the comparison, so the block must show it as text; the
demo's own map must carry the block with the comparison's counts.
"""

from __future__ import annotations

import re
import warnings

import pytest
from factories import map_data

from chain_gap import demo, io, report, vintages

XSS = "<img src=x onerror=alert('since')>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("map-changes")
    res = demo.run(base / "demo", n=4000, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", vintages.ChangesWarning)
        ch0 = vintages.changes(res["bundle"], res["bundle_next"], "nev", "411400")
        assert len(ch0.settled) >= 1 and ch0.summary["healed"] + ch0.summary["newly_missing"] >= 2
        G = io.load(res["bundle_next"])
        victim = ch0.settled["new_ent_id"].iloc[0]
        G.nodes[victim]["name"] = XSS
        ch = vintages.changes(res["bundle"], G, "nev", "411400")
    zh = report.write_map(G, "nev", "411400", base / "out" / "map.html", changes=ch)
    en = report.write_map(G, "nev", "411400", base / "out" / "map_en.html", changes=ch, lang="en")
    plain = report.write_map(G, "nev", "411400", base / "out" / "map_plain.html")
    return {"res": res, "ch": ch, "G": G, "zh": zh, "en": en, "plain": plain}


def test_block_data_holds_the_comparisons_counts_and_badges(built):
    ch, html = built["ch"], built["zh"].read_text(encoding="utf-8")
    assert XSS not in html  # the firm name travels escaped in the JSON block only
    d = map_data(html)["changes"]
    s = ch.summary
    assert d["vintages"] == f"{s['old_vintage']} → {s['new_vintage']}"
    assert {c["key"]: c["count"] for c in d["counts"]} == {
        k: s[k] for k in ("healed", "newly_missing", "verdict_changes", "settled")
    }
    assert XSS in [f["name"] for f in d["settled"]]
    healed, missing = set(ch.healed["link"]), set(ch.newly_missing["link"])
    nodes = {n["id"]: n for n in map_data(html)["nodes"]}
    for link, n in nodes.items():
        want = "新补上" if link in healed else "新缺失" if link in missing else None
        if want:
            assert n["change"] == want
        elif link in set(ch.verdicts["link"]):
            assert n["change"] == "诊断变化"
        else:
            assert n["change"] is None
    # links healed first, then newly missing, then the other verdict changes
    order = [x["status"] for x in d["links"]]
    assert order == sorted(order, key=["healed", "newly_missing", "verdict_changed"].index)
    plain = built["plain"].read_text(encoding="utf-8")
    assert map_data(plain)["changes"] is None and 'class="cg-note cg-change-note"' not in plain
    assert all(n["change"] is None for n in map_data(plain)["nodes"])


def test_english_block_reads_english(built):
    d = map_data(built["en"].read_text(encoding="utf-8"))["changes"]
    assert d["title"] == "Since last time"
    en_names = dict(zip(built["ch"].links["link"], built["ch"].links["link_name_en"], strict=True))
    assert [x["name"] for x in d["links"]] == [en_names[x["id"]] for x in d["links"]]
    assert {x["badge"] for x in d["links"]} <= {"healed", "newly missing", "verdict changed"}
    assert not any(re.search(r"[\u4e00-\u9fff]", x["name"] + x["verdicts"]) for x in d["links"])


def test_demo_map_carries_the_comparison(built):
    res = built["res"]
    d = map_data((res["map"]).read_text(encoding="utf-8"))
    assert d["changes"] is not None
    counts = {c["key"]: c["count"] for c in d["changes"]["counts"]}
    assert counts == {k: res["changes_counts"][k] for k in counts}
    assert "与上次相比" in res["report"].read_text(encoding="utf-8")  # report.html shows it too


@pytest.mark.browser
def test_block_in_chromium(chromium, built):
    ch = built["ch"]
    page, rec = chromium.open(built["zh"], wait_ms=500)
    block = page.locator("#cg-changes")
    assert block.count() == 1
    assert block.locator("h3").inner_text().startswith("与上次相比")
    shown = {c.get_attribute("data-key"): int(c.get_attribute("data-count")) for c in block.locator(".cg-count").all()}
    assert shown == {k: ch.summary[k] for k in ("healed", "newly_missing", "verdict_changes", "settled")}
    assert XSS in block.locator("ul.cg-settled").inner_text()
    assert page.evaluate("document.querySelectorAll('img').length") == 0  # the name made no element
    # a changed link: its badge in the block, the tooltip and the link's panel
    first = block.locator("button.cg-changed").first
    link = first.get_attribute("data-link")
    badge = first.locator(".cg-badge").inner_text()
    assert badge == ("新补上" if link in set(ch.healed["link"]) else "新缺失")
    tip = page.evaluate(f"network.body.data.nodes.get({link!r}).title.textContent")
    assert badge in tip
    first.click()
    assert page.locator("#cg-panel h2.cg-title").inner_text() == ch.links.set_index("link").loc[link, "link_name"]
    assert page.locator("#cg-panel .cg-change").inner_text() == badge
    assert page.locator(".cg-change-note").count() == 1
    assert rec.dialogs == [] and rec.console_errors == [] and rec.page_errors == [] and rec.blocked == [], rec
    page.close()
