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
