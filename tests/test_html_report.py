"""The HTML report and the chain map built by the real pipeline, checked in headless Chromium.

One synthetic demo run per module; one local firm is renamed to an HTML-injection string before
anything is rendered, so every output has to carry it as text.
"""

from __future__ import annotations

import re

import pytest

from chain_gap import demo, gaps, io, report
from chain_gap.chains import load_chain
from chain_gap.vocab import ACTIONS

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("html-report")
    res = demo.run(base / "demo", n=4000, seed=1)
    G = io.load(res["bundle"])
    gt = gaps.table(G, "nev", "411400")
    # a firm the report names (main local firms of a link) and the map lists
    row = gt[gt["top_local"].fillna("") != ""].iloc[0]
    first = row["top_local"].split("、")[0]
    victim = next(n for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise" and a.get("name") == first)
    G.nodes[victim]["name"] = XSS
    paths = report.write_report(G, "nev", "411400", base / "out")
    return {"G": G, "paths": paths, "link": row["link"], "out": base / "out"}


def test_write_report_writes_every_file(built):
    paths = built["paths"]
    assert {p.name for p in paths.values()} == {
        "map.html",
        "panorama.png",
        "panorama.svg",
        "report.xlsx",
        "report.html",
        "gaps.xlsx",
        "targets.xlsx",
        "atlas.html",
        "briefing.pdf",
        # a city: its county division of labour next to the report (chain_gap.report_portfolio)
        "portfolio.xlsx",
        "county_matrix.png",
        "portfolio.html",
        "catalogue.html",
        "catalogue.csv",
    }
    for p in paths.values():
        assert p.parent == built["out"] and p.stat().st_size > 1000, p


def test_report_is_self_contained_and_escaped(built):
    html = built["paths"]["report"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the panorama, and for a city the county matrix (id portfolio-img)
    assert html.count("<img ") == 2 and 'id="portfolio-img"' in html and 'src="data:image/png;base64,' in html


def test_html_report_function_matches_file(built):
    html = report.html_report(built["G"], "nev", "411400", lang="en")
    assert "Completeness C" in html and "Gap table" in html and "完整度" not in html
    assert XSS not in html


@pytest.mark.browser
def test_report_in_chromium(chromium, built):
    G = built["G"]
    s = gaps.summary(G, "nev", "411400")
    page, rec = chromium.open(built["paths"]["report"], wait_ms=500)
    assert page.locator("#synthetic").is_visible()
    assert page.locator("#card-c .value").inner_text() == f"{s['c'] * 100:.1f}%"
    assert page.locator("#card-wc .value").inner_text() == f"{s['wc'] * 100:.1f}%"
    for v, n in s["verdicts"].items():
        assert page.locator(f'#verdict-counts [data-verdict="{v}"] b').inner_text() == str(n)
    for a in [a for a in ACTIONS if a != "none"]:  # every action of the verdict → action table has its chip
        assert page.locator(f'#action-counts [data-action="{a}"] b').inner_text() == str(s["actions"][a])
    assert page.locator("#priority-table tbody tr").count() == len(s["top_priorities"])
    assert page.locator("#gap-table tbody tr").count() == len(load_chain("nev").leaves())
    assert page.locator("#target-table tbody tr").count() == 30
    # the panorama is embedded and decoded
    assert page.evaluate("document.getElementById('panorama-img').naturalWidth") == 2400
    # the hostile name is text in the gap table, and created no element
    cell = page.locator(f'#gap-table tr[data-link="{built["link"]}"] td.firms')
    assert XSS in cell.inner_text()
    # the panorama, and for a city the county matrix picture
    assert page.evaluate("document.querySelectorAll('img').length") == 1 + page.locator("#portfolio-img").count()
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    shot = built["out"] / "report_screenshot.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    assert rec.dialogs == [] and rec.console_errors == [] and rec.page_errors == [] and rec.blocked == [], rec
    page.close()


@pytest.mark.browser
def test_pipeline_map_in_chromium(chromium, built):
    page, rec = chromium.open(built["paths"]["map"], wait_ms=500)
    nodes = page.evaluate("network.body.data.nodes.get()")
    assert len(nodes) == len(load_chain("nev").leaves())
    meta = page.locator(".cg-meta").inner_text()
    assert "新能源汽车" in meta and "nev" not in meta  # the chain's name, not its id
    assert page.locator("#cg-title").inner_text() == "商丘市 · 新能源汽车产业链招商地图"
    page.evaluate(f"window.chainMap.select({built['link']!r})")
    assert XSS in page.locator("#cg-firms .cg-firm").all_inner_texts()
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    shot = built["out"] / "map_screenshot.png"
    page.evaluate("window.chainMap.overview()")
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000
    assert rec.dialogs == [] and rec.console_errors == [] and rec.page_errors == [] and rec.blocked == [], rec
    page.close()
