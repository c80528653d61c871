"""Electronics 挂链 on how firms name their lines (issue 14), through the chain-kg loader.

The hand-made chain-kg folder (``tests/data/chain_kg_mini``) plus the electronics rows of
``tests/data/chain_kg_electronics`` (invented firms, real Shenwan 2021 codes so the shipped crosswalk applies):
PCB makers' layer-count lines, 电视机 against a TV-parts line, 显示器件 with and without the panel industry,
IoT modules against set-top boxes, earphones against earphone parts, drives, and device dies beside an
excluded LED-chip line."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from factories import chain_kg_with

from chain_gap import link
from chain_gap import load as L
from chain_gap.schema import link_id

EXTRA = Path(__file__).parent / "data" / "chain_kg_electronics"


@pytest.fixture(scope="module")
def G(tmp_path_factory) -> nx.MultiDiGraph:
    folder = chain_kg_with(tmp_path_factory.mktemp("kg") / "chain-kg", EXTRA)
    G = L.load(folder, "chain-kg").graph
    link.attach(G, ["electronics"])
    return G


def _edge(G: nx.MultiDiGraph, code: str, leaf: str) -> dict | None:
    u, v = f"ent:stock:{code}", link_id("electronics", leaf)
    assert u in G, f"fixture firm {code} not loaded"
    return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None


def _decision(G: nx.MultiDiGraph, code: str, leaf: str) -> str | None:
    e = _edge(G, code, leaf)
    return e["decision"] if e else None


def test_device_dies_are_discrete_devices_and_an_excluded_line_keeps_its_veto(G):
    """A device maker (Shenwan 分立器件) whose lines are 分立器件芯片销售 (device dies, named by their sale) and
    发光二极管芯片 (LED chips, an exclusion of discrete_power) is a confirmed discrete-device producer through the
    dies line; a broad industry (面板) whose firm's only clue is an excluded processing word (减薄) stays vetoed."""
    e = _edge(G, "301921", "discrete_power")
    assert e["decision"] == "confirmed" and "分立器件芯片" in e["evidence"] and e["role"] == "producer"
    assert "排除词:发光二极管" in e["evidence"]  # the LED-chip line is still read as what it is
    assert _decision(G, "301922", "display_panel") in (None, "rejected")


def test_layer_count_lines_are_pcb_with_the_industry_and_uncertain_alone(G):
    pcb = _edge(G, "301923", "pcb")
    assert pcb["decision"] == "confirmed" and "泛称:" in pcb["evidence"] and "申万:印制电路板" in pcb["evidence"]
    assert _decision(G, "301924", "pcb") == "uncertain"  # 多层板 of a wood firm: plywood


def test_tv_sets_and_display_devices(G):
    tv = _edge(G, "301925", "smart_tv_av")
    assert tv["decision"] == "confirmed" and "电视机" in tv["evidence"]
    assert _decision(G, "301926", "smart_tv_av") is None  # 电视机结构件: a part for TVs, not a TV
    assert _decision(G, "301927", "display_panel") == "confirmed"  # 显示器件业务 + Shenwan 面板
    assert _decision(G, "301928", "display_panel") == "uncertain"  # 显示器件 of a glass maker, alone


def test_modules_earphones_and_drives_by_their_line_names(G):
    assert _decision(G, "301929", "comm_equipment") == "confirmed"  # 无线通信模组
    assert _decision(G, "301930", "comm_equipment") in (None, "rejected")  # 有线电视接入设备: set-top boxes
    ear = _edge(G, "301931", "consumer_electronics")
    assert ear["decision"] == "confirmed" and "耳机部品" not in ear["evidence"]
    assert _decision(G, "301932", "consumer_electronics") is None  # 耳机线材: cable for earphones
    assert _decision(G, "301933", "industrial_electronics") == "confirmed"  # 变频器类
