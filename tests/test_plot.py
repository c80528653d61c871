"""Tests of the interactive chain map (chain_gap.plot).

The fixtures are hand-made gap / firm / target tables with the columns of the lead's contract,
so these tests do not depend on the gap analytics being right.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from factories import map_data

from chain_gap.plot import (
    ACTION_LABELS,
    VERDICT_COLORS,
    VERDICT_LABELS,
    VERDICTS,
    PlotError,
    chain_map,
    write_html,
)

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"

# (leaf, zh name, en name, stage, group, group zh, group en, verdict, local, weight)
LEAVES = [
    ("lithium", "锂资源", "Lithium", "upstream", "minerals", "矿产资源", "Minerals", "missing", 0, 0.04),
    ("nickel", "镍钴资源", "Nickel & cobalt", "upstream", "minerals", "矿产资源", "Minerals", "missing", 0, 0.03),
    ("cathode", "正极材料", "Cathode", "upstream", "materials", "电池材料", "Battery materials", "weak", 2, 0.08),
    ("anode", "负极材料", "Anode", "upstream", "materials", "电池材料", "Battery materials", "strong", 9, 0.05),
    (
        "electrolyte",
        "电解液",
        "Electrolyte",
        "upstream",
        "materials",
        "电池材料",
        "Battery materials",
        "fragile",
        1,
        0.03,
    ),
    ("separator", "隔膜", "Separator", "upstream", "materials", "电池材料", "Battery materials", "weak", 1, 0.03),
    (
        "cell",
        "动力电池电芯",
        "Battery cells",
        "midstream",
        "battery",
        "动力电池",
        "Traction battery",
        "anchored",
        14,
        0.12,
    ),
    (
        "pack",
        "电池包（PACK）",
        "Battery packs",
        "midstream",
        "battery",
        "动力电池",
        "Traction battery",
        "strong",
        6,
        0.06,
    ),
    ("bms", "电池管理系统", "BMS", "midstream", "battery", "动力电池", "Traction battery", "fragile", 1, 0.04),
    ("motor", "驱动电机", "Traction motor", "midstream", "drive", "电驱动系统", "Electric drive", "weak", 3, 0.07),
    (
        "inverter",
        "电机控制器",
        "Motor controller",
        "midstream",
        "drive",
        "电驱动系统",
        "Electric drive",
        "missing",
        0,
        0.05,
    ),
    ("passenger", "乘用车整车", "Passenger cars", "downstream", "vehicle", "整车制造", "Vehicles", "anchored", 4, 0.15),
    ("bus", "商用车整车", "Commercial vehicles", "downstream", "vehicle", "整车制造", "Vehicles", "strong", 3, 0.08),
    (
        "charging",
        "充电设施",
        "Charging",
        "downstream",
        "charging",
        "充换电服务",
        "Charging & swapping",
        "weak",
        5,
        0.06,
    ),
    (
        "swap",
        "换电站",
        "Battery swapping",
        "downstream",
        "charging",
        "充换电服务",
        "Charging & swapping",
        "missing",
        0,
        0.03,
    ),
    (
        "recycling",
        "动力电池回收",
        "Battery recycling",
        "downstream",
        "recycling",
        "回收利用",
        "Recycling",
        "fragile",
        1,
        0.04,
    ),
]
# the verdict → action table of docs/formulas.md (missing links here sit between local links)
ACTION_OF = {
    "missing": "fill",
    "weak": "reinforce",
    "fragile": "reinforce",
    "strong": "strengthen",
    "anchored": "leverage",
}
FEEDS = [
    ("nev/lithium", "nev/cathode"),
    ("nev/nickel", "nev/cathode"),
    ("nev/cathode", "nev/cell"),
    ("nev/anode", "nev/cell"),
    ("nev/electrolyte", "nev/cell"),
    ("nev/separator", "nev/cell"),
    ("nev/cell", "nev/pack"),
    ("nev/bms", "nev/pack"),
    ("nev/pack", "nev/passenger"),
    ("nev/pack", "nev/bus"),
    ("nev/motor", "nev/passenger"),
    ("nev/inverter", "nev/passenger"),
    ("nev/pack", "nev/swap"),
    ("nev/passenger", "nev/recycling"),
]


def make_gaps(leaves=LEAVES, region="411400", region_name="商丘市") -> pd.DataFrame:
    rows = []
    for i, (leaf, zh, en, stage, group, gzh, gen, verdict, local, w) in enumerate(leaves):
        lq = local / 4.0
        rows.append(
            {
                "chain": "nev",
                "region": region,
                "region_name": region_name,
                "link": f"nev/{leaf}",
                "link_name": zh,
                "link_name_en": en,
                "stage": stage,
                "group": f"nev/{group}",
                "group_name": gzh,
                "group_name_en": gen,
                "weight": w,
                "activity": "firms",
                "local": local,
                "local_activity": float(local),
                "region_total": 5200,
                "national": 800 + 37 * i,
                "national_total": 1_000_000,
                "lq": lq,
                "lq_star": lq * 1.01,
                "ci_low": None if local == 0 else lq * 0.4,
                "ci_high": None if local == 0 else lq * 2.1,
                "hhi": None if local == 0 else 1.0 / local,
                "single_firm": local == 1,
                "verdict": verdict,
                "verdict_zh": VERDICT_LABELS["zh"][verdict],
                "action": ACTION_OF[verdict],
                "action_zh": ACTION_LABELS["zh"][ACTION_OF[verdict]],
                "priority": round(0.9 - 0.05 * i, 2),
                "reasons": f"本地 {local} 家，区位熵 {lq:.2f}",
                "basis": f"本地{local}家；LQ*={lq * 1.01:.2f}",
                "gap": round(w * max(0.0, 1 - lq * 1.01), 4),
            }
        )
    return pd.DataFrame(rows)


def make_firms() -> pd.DataFrame:
    rows = [
        ("e1", "商丘锂能新材料有限公司", "91411400MA0000001X", "nev/cathode", "producer", "confirmed", 5e7, 3.2e8),
        ("e2", XSS_IMG, "91411400MA0000002X", "nev/cathode", "producer", "uncertain", 1e7, 2e7),
        ("e3", XSS_SCRIPT, "91411400MA0000003X", "nev/bms", "producer", "confirmed", 2e6, 5e6),
        ("e4", "豫东电芯科技股份有限公司", "91411400MA0000004X", "nev/cell", "producer", "confirmed", 8e8, 6e9),
        ("e5", "被复核排除的公司", "91411400MA0000005X", "nev/cathode", "seller", "rejected", 1e6, 1e6),
        ("e6", "别的链的公司", "91411400MA0000006X", "textile/yarn", "producer", "confirmed", 1e6, 1e6),
    ]
    return pd.DataFrame(
        rows, columns=["ent_id", "name", "uscc", "link", "role", "decision", "reg_capital", "revenue"]
    ).assign(region="411400", region_name="商丘市", confidence=0.9)


def make_targets() -> pd.DataFrame:
    rows = [
        (1, "t1", "宁德某新能源科技有限公司", "nev/cathode", 0.91, "全国正极材料产能前十"),
        (2, "t2", XSS_SCRIPT, "nev/cathode", 0.80, "距离近"),
        (3, "t3", "合肥某电控有限公司", "nev/inverter", 0.77, "配套本地整车"),
    ]
    df = pd.DataFrame(rows, columns=["rank", "ent_id", "name", "link", "score", "reasons"])
    return df.assign(
        uscc="91340100MA0000009X", region="350900", region_name="宁德市", link_name="正极材料", action="fill"
    )


def build(**kw) -> str:
    args = {"feeds": FEEDS, "local_firms": make_firms(), "targets": make_targets(), "vintage": "2024年12月"}
    args.update(kw)
    gaps = args.pop("gaps", None)
    return chain_map(make_gaps() if gaps is None else gaps, **args)


def vis_nodes(html: str) -> list[dict]:
    m = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", html)
    assert m, "vis node DataSet missing"
    return json.loads(m.group(1))


# ------------------------------------------------------------------ non-browser tests
def test_page_has_no_external_resource_and_inlines_vis():
    html = build()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "jsdelivr" not in html and "cdnjs" not in html
    assert "vis.Network" in html  # the library itself is inlined
    assert html.startswith("<!DOCTYPE html>")


def test_every_leaf_is_a_node_coloured_by_verdict_and_sized_by_activity():
    nodes = {n["id"]: n for n in vis_nodes(build())}
    assert len(nodes) == len(LEAVES)
    for leaf, *_rest in LEAVES:
        verdict = _rest[6]
        assert nodes[f"nev/{leaf}"]["color"] == VERDICT_COLORS[verdict]
    assert nodes["nev/cell"]["size"] > nodes["nev/pack"]["size"] > nodes["nev/lithium"]["size"]
    # stages run left to right
    xs = {s: [n["x"] for i, n in nodes.items() if n["level"] == k] for k, s in enumerate(["u", "m", "d"])}
    assert max(xs["u"]) < min(xs["m"]) and max(xs["m"]) < min(xs["d"])


def test_legend_chips_define_their_verdict_and_one_lq_is_shown():
    from chain_gap.vocab import VERDICT_DEFINITIONS

    html = build()
    for v, words in VERDICT_DEFINITIONS["zh"].items():
        assert f'data-verdict="{v}" title="{words}"' in html, v  # hover on the chip: the definition
    cathode = next(n for n in map_data(html)["nodes"] if n["id"] == "nev/cathode")
    facts = dict(cathode["facts"])
    lq_rows = [k for k in facts if "LQ" in k]
    assert lq_rows == ["区位熵 LQ*（按企业数）"], facts  # LQ* alone, not LQ and LQ* side by side
    row = make_gaps().set_index("link").loc["nev/cathode"]
    assert (
        facts[lq_rows[0]].startswith(f"{row['lq_star']:.2f}（95% 区间")
        and f"{row['lq']:.2f}（" not in facts[lq_rows[0]]
    )
    # the rest of the numbers behind the plain reason (技术依据), in the hover and panel, none repeated
    assert facts["权重 / 缺口"] == f"{row['weight']:.3f} / {row['gap']:.3f}"
    assert len(cathode["facts"]) == len(facts)
    en = dict(next(n for n in map_data(build(lang="en"))["nodes"] if n["id"] == "nev/cathode")["facts"])
    assert "LQ* (by firm count)" in en and "Weight / gap" in en


def test_palette_is_complete_and_distinct():
    assert set(VERDICT_COLORS) == set(VERDICTS)
    assert len(set(VERDICT_COLORS.values())) == len(VERDICTS)
    for lang in ("zh", "en"):
        assert set(VERDICT_LABELS[lang]) == set(VERDICTS)


def test_names_are_escaped_but_kept_as_data():
    html = build()
    assert XSS_IMG not in html
    assert XSS_SCRIPT not in html
    assert "</script><script>alert" not in html
    data = map_data(html)
    cathode = next(n for n in data["nodes"] if n["id"] == "nev/cathode")
    assert XSS_IMG in [f["name"] for f in cathode["firms"]]
    assert XSS_SCRIPT in [x["name"] for x in cathode["targets"]]
    # a hostile title is escaped in <title> and <h1>
    html2 = build(title=XSS_SCRIPT)
    assert XSS_SCRIPT not in html2
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html2


def test_firm_lists_follow_review_decisions():
    data = map_data(build())
    cathode = next(n for n in data["nodes"] if n["id"] == "nev/cathode")
    names = [f["name"] for f in cathode["firms"]]
    assert names == ["商丘锂能新材料有限公司", XSS_IMG]  # producers by revenue; rejected left out
    assert cathode["firms_excluded"] == 1
    assert cathode["firms"][1]["uncertain"] is True
    assert cathode["firms"][0]["capital"] == "5,000 万元"
    all_names = [f["name"] for n in data["nodes"] for f in n["firms"]]
    assert "别的链的公司" not in all_names
    assert [x["name"] for x in cathode["targets"]] == ["宁德某新能源科技有限公司", XSS_SCRIPT]


def test_lang_switch():
    zh = build()
    en = build(lang="en")
    assert "上游" in zh and "缺失" in zh and "正极材料" in zh
    assert "Upstream" in en and "Missing" in en and "Cathode" in en
    en_nodes = {n["id"]: n for n in vis_nodes(en)}
    assert en_nodes["nev/cathode"]["label"].startswith("Cathode")
    for word in ("上游", "缺失", "补链", "本地企业"):
        assert word not in en
    assert map_data(en)["text"]["local_firms"] == "Local firms"


def test_title_vintage_and_synthetic_banner():
    html = build(title="新能源汽车产业链招商地图")
    assert "<title>新能源汽车产业链招商地图</title>" in html
    assert "2024年12月" in html and "商丘市" in html
    assert "合成演示数据" not in html
    syn = build(synthetic=True)
    assert 'id="cg-synthetic"' in syn and "合成演示数据" in syn and "synthetic demo data" in syn


def test_large_chain_aggregates_to_groups_and_says_so():
    html = build(max_nodes=10)
    nodes = vis_nodes(html)
    groups = {f"nev/{leaf[4]}" for leaf in LEAVES}
    assert {n["id"] for n in nodes} == groups
    data = map_data(html)
    assert data["aggregated"] is True and data["leaf_count"] == len(LEAVES)
    assert 'id="cg-aggregated"' in html and "已按二级环节汇总" in html
    by_id = {n["id"]: n for n in data["nodes"]}
    # minerals: two missing leaves → red; battery materials: weak carries most weight (.11 vs .05/.03)
    assert by_id["nev/minerals"]["verdict"] == "missing"
    assert by_id["nev/materials"]["verdict"] == "weak"
    assert sorted(by_id["nev/materials"]["leaves"]) == ["nev/anode", "nev/cathode", "nev/electrolyte", "nev/separator"]
    # the group's firm list is the union of its leaves' firms
    assert XSS_IMG in [f["name"] for f in by_id["nev/materials"]["firms"]]
    # feeds collapse onto groups, without self-loops
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", html).group(1))
    pairs = {(e["from"], e["to"]) for e in edges}
    assert ("nev/materials", "nev/battery") in pairs
    assert all(a != b for a, b in pairs)
    # at the threshold, no aggregation
    assert len(vis_nodes(build(max_nodes=len(LEAVES)))) == len(LEAVES)


def test_feeds_are_drawn_as_arrows():
    html = build()
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", html).group(1))
    assert {(e["from"], e["to"]) for e in edges} == set(FEEDS)
    assert all(e["arrows"] == "to" for e in edges)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda g: g.drop(columns=["verdict"]), "missing column"),
        (lambda g: g.assign(verdict=["bogus"] + list(g["verdict"][1:])), "row 0 (link 'nev/lithium'): field 'verdict'"),
        (lambda g: g.assign(stage=list(g["stage"][:3]) + ["sideways"] + list(g["stage"][4:])), "row 3"),
        (lambda g: pd.concat([g, g.iloc[[2]]], ignore_index=True), "duplicated"),
        (lambda g: g.assign(region=["411400"] * 15 + ["410100"]), "mixes"),
        (lambda g: g.iloc[0:0], "no rows"),
    ],
)
def test_bad_gap_tables_give_one_line_errors(mutate, message):
    with pytest.raises(PlotError, match=re.escape(message)):
        chain_map(mutate(make_gaps()))


def test_feed_to_unknown_link_is_an_error():
    with pytest.raises(PlotError, match="nev/nowhere"):
        chain_map(make_gaps(), feeds=[("nev/cell", "nev/nowhere")])


def test_write_html_is_utf8_and_atomic(tmp_path):
    html = build()
    out = write_html(html, tmp_path / "sub" / "map.html")
    assert out.read_text(encoding="utf-8") == html
    write_html(html.replace("商丘市", "开封市"), out)  # overwrite in place
    assert "开封市" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]  # no temp file left behind


# ------------------------------------------------------------------ browser tests
@pytest.mark.browser
def test_map_in_headless_chromium(chromium, tmp_path):
    path = write_html(build(synthetic=True), tmp_path / "map.html")
    page, rec = chromium.open(path)
    nodes = page.evaluate("network.body.data.nodes.get()")
    assert len(nodes) == len(LEAVES)
    expected = {f"nev/{leaf[0]}": VERDICT_COLORS[leaf[7]] for leaf in LEAVES}
    assert {n["id"]: n["color"] for n in nodes} == expected
    # every node is actually placed on the canvas inside its stage band
    positions = page.evaluate("network.getPositions()")
    assert set(positions) == set(expected)
    # the legend counts match the table
    missing_chip = page.locator('.cg-chip[data-verdict="missing"] b').inner_text()
    assert missing_chip == str(sum(1 for leaf in LEAVES if leaf[7] == "missing"))
    assert page.locator("#cg-synthetic").is_visible()

    # click the cathode node at its drawn position: the side panel lists its local firms
    dom = page.evaluate(
        "(() => { const p = network.getPositions(['nev/cathode'])['nev/cathode']; return network.canvasToDOM(p); })()"
    )
    box = page.locator("#mynetwork canvas").bounding_box()
    page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])
    page.wait_for_timeout(200)
    assert page.locator("#cg-panel h2").inner_text() == "正极材料"
    firms = page.locator("#cg-firms .cg-firm").all_inner_texts()
    assert firms == ["商丘锂能新材料有限公司", XSS_IMG]  # the hostile name shows as text
    targets = page.locator("#cg-targets .cg-firm").all_inner_texts()
    assert targets == ["宁德某新能源科技有限公司", XSS_SCRIPT]
    assert page.locator("#cg-panel img").count() == 0
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0

    # hover shows a tooltip built as text
    page.mouse.move(box["x"] + dom["x"] + 1, box["y"] + dom["y"] + 1)
    page.wait_for_timeout(600)
    tip = page.locator("div.vis-tooltip")
    assert tip.is_visible() and "正极材料" in tip.inner_text() and XSS_IMG in tip.inner_text()

    # the bms node carries the </script> name; select it through the page API too
    page.evaluate("window.chainMap.select('nev/bms')")
    assert page.locator("#cg-firms .cg-firm").all_inner_texts() == [XSS_SCRIPT]

    page.evaluate("window.chainMap.overview()")
    page.locator("#cg-fit").click()
    shot = tmp_path / "map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    assert rec.dialogs == [], rec.dialogs
    assert rec.console_errors == [], rec.console_errors
    assert rec.page_errors == [], rec.page_errors
    assert rec.blocked == [], rec.blocked
    page.close()


@pytest.mark.browser
def test_aggregated_english_map_in_chromium(chromium, tmp_path):
    path = write_html(build(lang="en", max_nodes=8), tmp_path / "map_en.html")
    page, rec = chromium.open(path)
    nodes = page.evaluate("network.body.data.nodes.get()")
    assert len(nodes) == len({leaf[4] for leaf in LEAVES})
    assert page.locator("#cg-aggregated").is_visible()
    page.evaluate("window.chainMap.select('nev/materials')")
    assert page.locator("#cg-panel h2").inner_text() == "Battery materials"
    assert XSS_IMG in page.locator("#cg-firms .cg-firm").all_inner_texts()
    page.screenshot(path=str(tmp_path / "map_en.png"))
    assert rec.dialogs == [] and rec.console_errors == [] and rec.page_errors == [] and rec.blocked == []
    page.close()


@pytest.mark.browser
def test_harness_catches_network_requests_and_dialogs(chromium, tmp_path):
    """The checks above are only worth something if the harness does see these events."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.jsdelivr.net/x.js"></script>'
        "</head><body><script>console.error('oops'); alert(1);</script></body></html>",
        encoding="utf-8",
    )
    page, rec = chromium.open(bad)
    assert rec.blocked == ["https://cdn.jsdelivr.net/x.js"]
    assert rec.dialogs == ["alert: 1"]
    assert any("oops" in e for e in rec.console_errors)
    page.close()
