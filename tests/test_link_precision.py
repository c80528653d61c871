"""Classes of wrong 挂链 edges found in the hand-judged precision samples (issue 14), through the chain-kg loader.

The hand-made chain-kg folder (``tests/data/chain_kg_mini``) plus the rows of ``tests/data/chain_kg_precision``
(invented firms, real Shenwan 2021 codes so the shipped crosswalk applies):

* non-road vehicles: the nev parts links name road-vehicle parts; a line qualified by rail, aircraft, ship or
  off-road machinery (航空座椅, 轨道交通刹车片) is excluded, and a bare 座椅 line is generic (a train-seat
  supplier's) — an auto-parts industry confirms the seat maker;
* communication equipment: bare 通信设备 / 网络设备 / 通信终端 lines are generic (a packaging maker's customer
  segment, an integrator's 网络设备与终端, a card maker's 通信终端销售); the network-equipment industry or a
  qualified name (宽带移动通信设备) confirms the maker;
* power cells: a bare 动力电池 line is generic (lead-acid traction batteries)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from factories import chain_kg_with

from chain_gap import link
from chain_gap import load as L
from chain_gap.schema import link_id

EXTRA = Path(__file__).parent / "data" / "chain_kg_precision"


@pytest.fixture(scope="module")
def G(tmp_path_factory) -> nx.MultiDiGraph:
    folder = chain_kg_with(tmp_path_factory.mktemp("kg") / "chain-kg", EXTRA)
    G = L.load(folder, "chain-kg").graph
    link.attach(G, ["nev", "electronics"])
    return G


def _edge(G: nx.MultiDiGraph, code: str, chain: str, leaf: str) -> dict | None:
    u, v = f"ent:stock:{code}", link_id(chain, leaf)
    assert u in G, f"fixture firm {code} not loaded"
    return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None


def _decision(G: nx.MultiDiGraph, code: str, chain: str, leaf: str) -> str | None:
    e = _edge(G, code, chain, leaf)
    return e["decision"] if e else None


def test_a_bare_seat_line_of_a_rail_supplier_is_no_confirmed_car_interior(G):
    e = _edge(G, "301951", "nev", "interior")
    assert e is not None and e["decision"] == "uncertain"
    assert "泛称:座椅" in e["evidence"]  # the reviewer sees why it waits for a second clue


def test_a_seat_maker_keeps_its_vehicle_seats_and_loses_its_aircraft_seats(G):
    e = _edge(G, "301952", "nev", "interior")
    assert e["decision"] == "confirmed" and "申万:车身附件及饰件" in e["evidence"]
    assert "排除词:航空" in e["evidence"]  # 航空座椅 is read, and set aside, as an aircraft part
    assert e["lines"] == 1  # only 车辆座椅 counts as an interior line


def test_rail_brake_pads_are_not_a_road_vehicle_brake(G):
    assert _decision(G, "301953", "nev", "brake") in (None, "rejected")
    assert _decision(G, "301954", "nev", "brake") == "confirmed"  # 汽车刹车片


def test_bare_communication_words_need_a_second_clue(G):
    assert _decision(G, "301955", "electronics", "comm_equipment") == "uncertain"  # packaging: customer segment
    assert _decision(G, "301956", "electronics", "comm_equipment") == "uncertain"  # integrator's 网络设备与终端
    assert _decision(G, "301959", "electronics", "comm_equipment") == "uncertain"  # 通信终端销售 of a card maker
    maker = _edge(G, "301957", "electronics", "comm_equipment")
    assert maker["decision"] == "confirmed" and "泛称:通信设备" in maker["evidence"]
    assert "申万:通信网络设备及器件" in maker["evidence"]
    qualified = _edge(G, "301958", "electronics", "comm_equipment")
    assert qualified["decision"] == "confirmed" and "泛称" not in qualified["evidence"]


def test_a_bare_power_battery_line_needs_a_lithium_industry(G):
    """动力电池 alone also names lead-acid traction batteries: a lead-acid maker's line stays uncertain, a maker
    under the lithium-battery industry is a confirmed cell maker."""
    lead = _edge(G, "301960", "nev", "battery_cell")
    assert lead["decision"] == "uncertain" and "泛称:动力电池" in lead["evidence"]
    assert _decision(G, "301961", "nev", "battery_cell") == "confirmed"
