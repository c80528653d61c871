"""Hand-made graphs for tests: every number is known by construction."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from chain_gap import codes
from chain_gap.chains import add_to_graph, load_chain
from chain_gap.schema import add_edge, add_node, link_id

TOY = Path(__file__).parent / "data" / "chains" / "toy.yaml"
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
            link_id("toy", link),
            "LINKED_TO",
            role=role,
            confidence=0.9,
            method="test",
            evidence="hand-made",
            decision=decision,
            primary=True,
            chain="toy",
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


CHAIN_KG_MINI = Path(__file__).parent / "data" / "chain_kg_mini"


def chain_kg_mini(folder: Path) -> Path:
    """Write the hand-made chain-kg folder (``tests/data/chain_kg_mini``) into ``folder`` under the
    real folder's file names (``company.json`` …) and return ``folder``, ready for
    ``load.load(folder, "chain-kg")``."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in CHAIN_KG_MINI.glob("*.jsonl"):
        (folder / f"{src.stem}.json").write_bytes(src.read_bytes())
    return folder


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
