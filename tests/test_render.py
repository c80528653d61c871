"""Tests of chain_gap.render's own promises: prose from the settings in force, pages from our own
templates (independent of pyvis' page), fonts found without shelling out, inlining that cannot break out."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest
from factories import map_data
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from test_plot import FEEDS, make_firms, make_gaps, make_targets

from chain_gap import gaps as gaps_mod
from chain_gap.chains import load_chain
from chain_gap.plot import chain_map
from chain_gap.render import fonts, html_report, notes, templates
from chain_gap.render.inputs import PlotError
from chain_gap.render.text import level_text

DEJAVU = font_manager.findfont(FontProperties(family="DejaVu Sans"), fallback_to_default=False)


def config_at(level: float) -> dict:
    cfg = copy.deepcopy(gaps_mod.load_config())
    cfg["verdict"]["level"] = level
    return cfg


def test_level_text():
    assert level_text(0.95) == "95%"
    assert level_text(0.9) == "90%"
    assert level_text(0.975) == "97.5%"


# ------------------------------------------------------------------ prose reads the settings in force
def test_notes_follow_a_non_default_level_and_thresholds():
    cfg = config_at(0.90)
    cfg["verdict"]["fragile_hhi"] = 0.35
    cfg["verdict"]["strong_min_firms"] = 5
    gt = make_gaps()
    pack = notes.pack_notes(None, "nev", gt, None, "zh", config=cfg)
    text = "\n".join(pack.values())
    assert "90%置信区间" in pack["方法：区位熵 / LQ"]
    assert "HHI>0.35" in pack["方法：诊断 / verdicts"] and "≥5家" in pack["方法：诊断 / verdicts"]
    assert "95%" not in text and "HHI>0.4" not in text
    assert pack["诊断阈值 / verdict.level"] == "0.9"
    en = notes.pack_notes(None, "nev", gt, None, "en", config=cfg)
    assert "90% interval" in en["方法：区位熵 / LQ"] and "95%" not in "\n".join(en.values())
    g = notes.gap_notes(gt, "zh", None, config=cfg)
    assert "90%置信区间" in g["区位熵 / LQ"] and "HHI>0.35" in g["诊断规则 / verdicts"]
    assert "95%" not in "\n".join(g.values())


def test_default_prose_states_the_shipped_settings():
    cfg = gaps_mod.load_config()["verdict"]
    g = notes.gap_notes(make_gaps())
    assert f"{level_text(cfg['level'])}置信区间" in g["区位熵 / LQ"]
    assert f"HHI>{cfg['fragile_hhi']:g}" in g["诊断规则 / verdicts"]
    assert f"≥{cfg['strong_min_firms']}家" in g["诊断规则 / verdicts"]


def test_settings_come_from_the_table_attrs_when_not_given():
    gt = make_gaps()
    gt.attrs["config"] = config_at(0.80)
    assert "80%置信区间" in notes.gap_notes(gt)["区位熵 / LQ"]
    # an explicit config wins over the attrs
    assert "90%置信区间" in notes.gap_notes(gt, config=config_at(0.90))["区位熵 / LQ"]


def test_a_gap_table_carries_its_settings_to_the_prose():
    from factories import REGION, toy_chain, verdict_graph

    t = gaps_mod.table(verdict_graph(), toy_chain(), REGION, config=config_at(0.90))
    assert t.attrs["config"]["verdict"]["level"] == 0.90
    assert "90%置信区间" in notes.gap_notes(t)["区位熵 / LQ"]
    html = chain_map(t)
    facts = [v for n in map_data(html)["nodes"] for k, v in n["facts"] if k.startswith("区位熵")]
    assert any("90% 区间" in f for f in facts) and not any("95%" in f for f in facts)


def test_map_facts_show_the_level_in_force():
    def ci_facts(html: str) -> list[str]:
        return [v for n in map_data(html)["nodes"] for k, v in n["facts"] if k.startswith(("区位熵", "LQ"))]

    default = ci_facts(chain_map(make_gaps()))
    assert any("95% 区间" in f for f in default)
    at90 = ci_facts(chain_map(make_gaps(), config=config_at(0.90)))
    assert any("90% 区间" in f for f in at90) and not any("95%" in f for f in at90)
    en = ci_facts(chain_map(make_gaps(), lang="en", config=config_at(0.90)))
    assert any("90% CI" in f for f in en)


def test_report_page_header_shows_the_level_in_force():
    gt = make_gaps()
    summary = {
        "c": 0.5,
        "wc": 0.4,
        "sc": float("nan"),
        "verdicts": {},
        "actions": {},
        "top_priorities": [],
    }
    page = html_report.report_page(
        load_chain("nev"), gt, make_targets().iloc[0:0], summary, {"k": "v"}, b"png", config=config_at(0.90)
    )
    assert "区位熵 LQ*（90%区间）" in page and "95%" not in page
    en = html_report.report_page(
        load_chain("nev"), gt, make_targets().iloc[0:0], summary, {}, b"png", lang="en", config=config_at(0.90)
    )
    assert "LQ* (90% CI)" in en


# ------------------------------------------------------------------ the page is ours, not pyvis'
def test_map_does_not_use_pyvis_page_template(monkeypatch):
    from pyvis.network import Network

    def boom(*_a, **_k):
        raise AssertionError("pyvis' page template must not be used")

    monkeypatch.setattr(Network, "generate_html", boom)
    html = chain_map(make_gaps(), feeds=FEEDS, local_firms=make_firms(), targets=make_targets())
    assert html.startswith("<!DOCTYPE html>") and "vis.Network" in html
    assert html.count("</script>") == 4  # vis-network, data block, network set-up, the map's own script
    assert "bootstrap" not in html and "<center>" not in html


def test_vis_options_keep_the_font_stack_intact():
    html = chain_map(make_gaps())
    m = re.search(
        r"new vis\.Network\(document\.getElementById\(\"mynetwork\"\), \{ nodes: nodes, edges: edges \}, (\{.*?\})\);",
        html,
    )
    assert m
    face = json.loads(m.group(1))["nodes"]["font"]["face"]
    assert face.startswith('"Noto Sans CJK SC","Microsoft YaHei"')  # spaces kept (pyvis' set_options dropped them)


def test_inline_refuses_code_that_closes_its_element():
    with pytest.raises(PlotError, match="closing"):
        templates.inline("var a = '</script><script>alert(1)';", "x.js")
    with pytest.raises(PlotError, match="closing"):
        templates.inline("a{} </STYLE>", "x.css")
    assert str(templates.inline("var a = 1 < 2;", "ok.js")) == "var a = 1 < 2;"


def test_vis_network_comes_from_the_pyvis_package():
    js, css = templates.vis_network()
    assert "vis-network" in js[:2000] and len(js) > 100_000 and ".vis-network" in css


# ------------------------------------------------------------------ fonts without fc-list
def test_system_fonts_are_found_without_a_subprocess(monkeypatch):
    def no_subprocess(*_a, **_k):
        raise AssertionError("font discovery must not shell out")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    found = fonts._system_candidates()
    assert all(p.suffix.lower() in (".ttf", ".otf", ".ttc") for p in found)
    assert Path(DEJAVU) not in found
    if not found:
        pytest.skip("no system CJK font installed")
    need = {ord(c) for c in "产业链全景图"}
    assert any(need <= fonts._charmap(str(p)) for p in found)


def test_chinese_code_page_is_read_from_the_os2_table():
    assert fonts._declares_chinese(Path(DEJAVU)) is False
    cjk = [Path(e.fname) for e in font_manager.fontManager.ttflist if "CJK" in e.fname]
    if not cjk:
        pytest.skip("no system CJK font installed")
    assert fonts._declares_chinese(cjk[0]) is True
    assert fonts._declares_chinese(Path(__file__)) is False  # not a font at all
