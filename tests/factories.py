"""Hand-made graphs for tests: every number is known by construction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from chain_gap import codes
from chain_gap.chains import add_to_graph, load_chain
from chain_gap.schema import add_edge, add_node, link_id

TOY = Path(__file__).parent / "data" / "chains" / "toy.yaml"
TOY_FOOD = Path(__file__).parent / "data" / "chains" / "toy_food.yaml"
REGION = "411400"  # 商丘市
COUNTY = "411402"  # 梁园区 (a county of 商丘)
OTHERS = ["410102", "420102", "440305", "350902", "320102", "330102", "370102", "510104"]


def toy_chain():
    return load_chain(TOY)


def add_firm(
    G: nx.MultiDiGraph,
    key: str,
    region: str,
    *,
    name: str | None = None,
    link: str | None = None,
    role: str = "producer",
    decision: str = "confirmed",
    revenue: float | None = None,
    reg_capital: float | None = None,
    tags: list[str] | None = None,
    founded: str = "2015-01-01",
    employees: int = 50,
    chain: str = "toy",
) -> str:
    nid = add_node(
        G,
        "Enterprise",
        key,
        name=name or f"企业{key}",
        region=region,
        revenue=revenue,
        reg_capital=reg_capital,
        tags=tags or [],
        founded=founded,
        employees=employees,
    )
    rid = codes.add_region(G, region)
    add_edge(G, nid, rid, "LOCATED_IN")
    if link:
        add_edge(
            G,
            nid,
            link_id(chain, link),
            "LINKED_TO",
            role=role,
            confidence=0.9,
            method="test",
            evidence="hand-made",
            decision=decision,
            primary=True,
            chain=chain,
        )
    return nid


def verdict_graph() -> nx.MultiDiGraph:
    """商丘 (100 firms) against 8 other regions (1,900 firms), designed verdicts:

    ore missing/extend · material 1 firm fragile · cell missing between material and pack → fill ·
    bms 3 firms, one dominant → fragile · pack 30 firms incl. a 2.5e9 revenue anchor → anchored ·
    motor 10 equal firms → strong · vehicle missing between pack and charging → fill ·
    charging 4 firms vs 200 nationally → weak.
    """
    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    n = 0

    def firm(region: str, link: str | None, **kw) -> str:
        nonlocal n
        n += 1
        return add_firm(G, f"F{n:05d}", region, link=link, **kw)

    local = {"material": 1, "bms": 3, "pack": 30, "motor": 10, "charging": 4}
    for link, k in local.items():
        for i in range(k):
            kw = {"revenue": 1e8}
            if link == "bms":
                kw = {"revenue": 1e10 if i == 0 else 1e6}
            if link == "pack" and i == 0:
                kw = {"revenue": 2.5e9}
            firm(COUNTY, link, **kw)
    for _ in range(100 - sum(local.values())):
        firm(COUNTY, None)
    national = {
        "ore": 40,
        "material": 60,
        "cell": 80,
        "bms": 40,
        "pack": 10,
        "motor": 2,
        "vehicle": 50,
        "charging": 196,
    }
    for j, (link, k) in enumerate(national.items()):
        for i in range(k):
            firm(
                OTHERS[(i + j) % len(OTHERS)],
                link,
                revenue=1e8 * (1 + i % 7),
                reg_capital=5e7,
                tags=["专精特新"] if i % 5 == 0 else [],
            )
    rest = 2000 - n
    for i in range(rest):
        firm(OTHERS[i % len(OTHERS)], None)
    return G


def toy_food_chain():
    return load_chain(TOY_FOOD)


#: The division of labour of 商丘 built into :func:`portfolio_graph`: unit → {(chain, link): firms}.
PORTFOLIO_UNITS = {
    "411402": {("toy", "cell"): 5, ("toy", "pack"): 5, ("toy", "vehicle"): 5, ("toy", "motor"): 5},  # 梁园区
    "411481": {("toy", "ore"): 5, ("toy", "material"): 5, ("toy", "bms"): 5, ("toy", "charging"): 5},  # 永城市
    "411403": {("toy_food", "flour"): 5},  # 睢阳区
    "411421": {("toy_food", "grain"): 5},  # 民权县
    "411426": {("toy_food", "bakery"): 5},  # 夏邑县
    "411472": {("toy", "ore"): 1},  # 河南商丘经济开发区 (a functional zone)
}


def portfolio_graph() -> nx.MultiDiGraph:
    """商丘's units (100 firms each) against 8 other regions (200 firms each), both toy chains.

    Every chain firm of 商丘 sits in a link where the rest of the nation has 20 (toy) or 10 (toy_food)
    firms, so its LQ* is above 3 (5 firms: (5/100) / (20/2100) = 5.25) except the zone's single ore firm.
    Designed outcome (leading_floor 0.20, strong_bar 0.50):

    * 梁园区 leads toy, S = .25 + .10 + .30 + .10 = 0.75 (strong); 永城市 leads toy too, S = .05 + .10 + .05
      + .05 = 0.25; its material feeds 梁园区's cell and its bms 梁园区's pack → shared, no risk, 永城市 配套;
    * 睢阳区 (flour, S 0.45), 民权县 (grain, S 0.30) and 夏邑县 (bakery, S 0.25) all lead toy_food, none
      strong → 无序竞争 risk; 睢阳区 leads, 民权县 supplies it (grain → flour), 夏邑县 has nothing feeding
      flour → 错位另选;
    * the zone 411472 (one ore firm) reaches no floor → 培育 the chain with the best F;
    * 宁陵县 (411423) and the other units hold no firm → no data.
    Three of the ten grain producers elsewhere are 专精特新 (3 of 15 nationally: 20 %), none of the bakeries.
    """
    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    add_to_graph(G, toy_food_chain())
    n = 0

    def firm(region: str, chain: str | None, link: str | None, **kw) -> str:
        nonlocal n
        n += 1
        return add_firm(G, f"P{n:05d}", region, link=link, chain=chain or "toy", **kw)

    for unit, links in PORTFOLIO_UNITS.items():
        k = 0
        for (chain, link), count in links.items():
            for i in range(count):
                firm(unit, chain, link, revenue=1e8 * (1 + i), name=f"{unit}{link}企业{i + 1}")
                k += 1
        for _ in range(100 - k):
            firm(unit, None, None)
    toy_links = ["ore", "material", "cell", "bms", "pack", "motor", "vehicle", "charging"]
    for other in OTHERS:
        k = 0
        for j, link in enumerate(toy_links):
            for _i in range(20 // len(OTHERS) + (1 if (j + OTHERS.index(other)) % 2 == 0 else 0)):
                firm(other, "toy", link, revenue=2e8, reg_capital=5e7)
                k += 1
        for link, rev in (("grain", 3e8), ("flour", 2e8), ("bakery", 1e8)):
            for i in range(1 + (1 if OTHERS.index(other) < 2 else 0)):
                tags = ["专精特新"] if link == "grain" and OTHERS.index(other) < 3 and i == 0 else []
                firm(other, "toy_food", link, revenue=rev * (1 + OTHERS.index(other)), reg_capital=1e7, tags=tags)
                k += 1
        for _ in range(200 - k):
            firm(other, None, None)
    return G


CHAIN_KG_MINI = Path(__file__).parent / "data" / "chain_kg_mini"


def chain_kg_mini(folder: Path) -> Path:
    """Write the hand-made chain-kg folder (``tests/data/chain_kg_mini``) into ``folder`` under the
    real folder's file names (``company.json`` …) and return ``folder``, ready for
    ``load.load(folder, "chain-kg")``."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in CHAIN_KG_MINI.glob("*.jsonl"):
        (folder / f"{src.stem}.json").write_bytes(src.read_bytes())
    return folder


def chain_kg_with(folder: Path, extra: Path) -> Path:
    """:func:`chain_kg_mini` with the rows of another fixture folder (``tests/data/chain_kg_*``)
    appended file by file, for the tests of one chain's rules."""
    chain_kg_mini(folder)
    for src in extra.glob("*.jsonl"):
        dst = folder / f"{src.stem}.json"
        dst.write_text(dst.read_text(encoding="utf-8") + src.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def cli_run(*args: object):
    """``chain-gap ARGS`` through click's test runner."""
    from click.testing import CliRunner

    from chain_gap.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(res, exit_code: int = 2) -> str:
    """The run failed with ``exit_code`` and said why in exactly one ``错误：`` / ``Error:`` line."""
    assert res.exit_code == exit_code, res.output
    assert "Traceback" not in res.output
    errs = [line for line in res.output.splitlines() if line.startswith(("错误：", "Error:"))]
    assert len(errs) == 1, res.output
    return errs[0]


def vintage_pair() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph, dict[str, object]]:
    """Two vintages of :func:`verdict_graph` with designed changes in 商丘 (梁园区), and the design.

    Between the old and the new vintage: the only cathode-material firm moves to 郑州 (material
    goes missing); a cell maker of another province moves in and a new cell firm appears (cell
    heals, the mover was a target); a vehicle maker elsewhere opens a 商丘 branch (vehicle heals,
    settled by branch); one BMS firm is deregistered (注销); a pack firm is re-keyed (same name, new
    id) and a charging firm renamed under the same USCC, which must both count as the same firm.
    Ore stays missing.
    """
    import copy

    old = verdict_graph()
    mem = _members(old)
    cell_mover = next(e for e, link, county in mem if link == "cell" and county != COUNTY)
    vehicle_maker = next(e for e, link, county in mem if link == "vehicle" and county != COUNTY)
    old.nodes[vehicle_maker]["name"] = "远航汽车有限公司"
    old.nodes["ent:F00045"]["uscc"] = "91411400MA45ABCD1X"
    new = copy.deepcopy(old)
    new.nodes["ent:F00001"]["region"] = OTHERS[0]
    new.nodes[cell_mover]["region"] = COUNTY
    add_firm(new, "N00001", COUNTY, name="新兴电芯有限公司", link="cell", revenue=1e8)
    add_firm(new, "N00002", COUNTY, name="远航汽车有限公司商丘分公司", link="vehicle", revenue=1e8)
    new.nodes["ent:F00003"]["tags"] = ["注销"]
    _rekey(new, "ent:F00005", "G00005", {})
    _rekey(new, "ent:F00045", "H00045", {"name": "充电桩更名有限公司"})
    design = {
        "healed": {"cell", "vehicle"},
        "newly_missing": {"material"},
        "persistent": {"ore"},
        "entered": {("cell", cell_mover), ("cell", "ent:N00001"), ("vehicle", "ent:N00002")},
        "left": {("material", "ent:F00001"), ("bms", "ent:F00003")},
        "settled": {(cell_mover, "id"), (vehicle_maker, "branch")},
        "cell_mover": cell_mover,
        "vehicle_maker": vehicle_maker,
    }
    return old, new, design


def _members(G: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    out = []
    for u, v, d in G.edges(data=True):
        if d.get("kind") == "LINKED_TO":
            out.append((u, v.split("/", 1)[1], G.nodes[u]["region"]))
    return sorted(out)


def _rekey(G: nx.MultiDiGraph, old_id: str, key: str, changes: dict[str, object]) -> str:
    """Replace firm ``old_id`` by the same firm under a new node id (and ``changes``), edges kept."""
    attrs = {k: v for k, v in G.nodes[old_id].items() if k not in ("kind",)}
    attrs.update(changes)
    edges = [(v, k, dict(d)) for _, v, k, d in G.out_edges(old_id, keys=True, data=True)]
    G.remove_node(old_id)
    nid = add_node(G, "Enterprise", key, **attrs)
    for v, k, d in edges:
        G.add_edge(nid, v, key=k, **d)
    return nid


def map_data(html: str) -> dict:
    """The chain map's embedded data block (``<script type="application/json" id="cg-data">``)."""
    m = re.search(r'<script type="application/json" id="cg-data">(.*?)</script>', html, re.DOTALL)
    assert m, "data block missing"
    return json.loads(m.group(1))


def listed_firm(G: nx.MultiDiGraph, key: str, lines: dict[str, float], sw: tuple[str, str] | None = None) -> None:
    """A firm with chain-kg-style product lines (name → revenue share) and, optionally, a Shenwan 2021
    level-3 industry ``(code, name)``: what the linker reads of a listed firm."""
    add_node(G, "Enterprise", key, name=f"测试{key}有限公司")
    for name, share in lines.items():
        pid = add_node(G, "Product", name, name=name)
        add_edge(G, f"ent:{key}", pid, "MAKES", share=share)
    if sw:
        iid = add_node(G, "Industry", f"sw:{sw[0]}", name=sw[1], scheme="sw2021", code=sw[0], level=3)
        add_edge(G, f"ent:{key}", iid, "CLASSIFIED_AS")


def linked_edge(G: nx.MultiDiGraph, key: str, chain: str, leaf: str) -> dict | None:
    """The data of firm ``key``'s LINKED_TO edge to ``chain``/``leaf``, or None when it has none."""
    u, v = f"ent:{key}", link_id(chain, leaf)
    return G.edges[u, v, "LINKED_TO"] if G.has_edge(u, v, "LINKED_TO") else None
