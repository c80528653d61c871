"""企业画像 (firm profiles): what staff look up about one firm, read from the graph for a few firms.

The chain map opens a card per firm it lists (its local firms and its targets). The card's facts are
not in the gap or target tables, so they are read here for exactly those firms: identity, size,
founding date, status, products with their shares, business scope, tags, every link of the chain the
firm is linked to (with the evidence and confidence of each 挂链), and, when the bundle carries the
contacts side table (``G.graph["contacts"]``, indexed by enterprise node id), the contact fields.

:func:`local_firms` (re-exported as ``chain_gap.report.local_firms``) is the 本地企业清单 the map,
the panorama and the Excel files list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap.chains import ChainSpec, load_chain

__all__ = ["CONTACT_COLUMNS", "firm_profiles", "local_firms"]

#: Columns of the contacts side table the card shows, in this order.
CONTACT_COLUMNS = ("legal_rep", "phone", "email", "website", "address")

_NODE_FIELDS = ("name", "uscc", "stock_code", "region", "reg_capital", "founded", "tags", "scope", "short_name")


def _contacts(G: nx.MultiDiGraph, ids: list[str]) -> pd.DataFrame | None:
    table = G.graph.get("contacts")
    if not isinstance(table, pd.DataFrame) or not len(table):
        return None
    cols = [c for c in CONTACT_COLUMNS if c in table.columns]
    if not cols:
        return None
    return table.loc[table.index.intersection(ids), cols]


def firm_profiles(
    G: nx.MultiDiGraph, chain: str | ChainSpec, ent_ids: Iterable[str], *, contacts: bool = True
) -> pd.DataFrame:
    """One profile row per enterprise of ``ent_ids`` found in ``G`` (others are skipped).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        The chain whose links the profile lists.
    ent_ids : iterable of str
        Enterprise node ids (``ent:…``); duplicates are read once.
    contacts : bool
        Add the contact columns of ``G.graph["contacts"]`` when the graph carries that table;
        ``False`` leaves them out (for a copy that leaves the bureau).

    Returns
    -------
    pandas.DataFrame
        ``ent_id``, ``name``, ``uscc``, ``stock_code``, ``region``, ``reg_capital`` (CNY),
        ``founded``, ``tags`` (list), ``scope``, ``short_name``, ``products`` (list of
        ``(name, share or None)``), ``links`` (list of dicts ``link, role, decision, confidence,
        method, evidence`` for this chain's links, best confidence first), then the contact
        columns present (``legal_rep, phone, email, website, address``) when ``contacts``.
    """
    spec = load_chain(chain)
    ids = [i for i in dict.fromkeys(str(x) for x in ent_ids) if i in G]
    rows: list[dict[str, Any]] = []
    for nid in ids:
        a = G.nodes[nid]
        if a.get("kind") != vocab.ENTERPRISE:
            continue
        row: dict[str, Any] = {"ent_id": nid, **{f: a.get(f) for f in _NODE_FIELDS}}
        products: list[tuple[str, float | None]] = []
        links: list[dict[str, Any]] = []
        for _u, v, d in G.out_edges(nid, data=True):
            kind = d.get("kind")
            if kind == vocab.MAKES:
                share = d.get("share")
                products.append((str(G.nodes[v].get("name") or v.split(":", 1)[-1]), share))
            elif kind == vocab.LINKED_TO and d.get("chain", G.nodes[v].get("chain")) == spec.id:
                links.append(
                    {
                        "link": v.split("/", 1)[1] if "/" in v else v,
                        "role": d.get("role"),
                        "decision": d.get("decision"),
                        "confidence": d.get("confidence"),
                        "method": d.get("method"),
                        "evidence": d.get("evidence"),
                    }
                )
        if not products:
            products = [(str(p), None) for p in a.get("products") or []]
        products.sort(key=lambda p: -(p[1] if isinstance(p[1], int | float) else -1.0))
        links.sort(key=lambda x: -(x["confidence"] if isinstance(x["confidence"], int | float) else 0.0))
        row["products"] = products
        row["links"] = links
        rows.append(row)
    out = pd.DataFrame(rows, columns=["ent_id", *_NODE_FIELDS, "products", "links"])
    if contacts:
        extra = _contacts(G, list(out["ent_id"]))
        if extra is not None:
            out = out.merge(extra.astype(object), left_on="ent_id", right_index=True, how="left")
    return out


def local_firms(G: Any, chain: str | ChainSpec, region: str) -> pd.DataFrame:
    """本地企业清单: every firm of the region linked to the chain (all roles and decisions).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        Region code or name.

    Returns
    -------
    pandas.DataFrame
        One row per firm and link: ent_id, name, uscc, region, region_name, link, role, confidence,
        decision, primary, reg_capital, revenue, evidence, tags, and ``counted``: whether the gap
        table counts the firm in its link (confirmed, the link's performer role, still operating);
        by link, role, then revenue descending.
    """
    from chain_gap import codes, frames, vocab
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    mem = frames.members(G, spec, roles=None, decisions=None)
    loc = mem[mem[reg.level] == reg.code].copy() if len(mem) else mem
    loc["region_name"] = frames.region_names(loc["region"]).to_numpy() if len(loc) else []
    performer = {lk.id: lk.performer for lk in spec.links.values()}
    loc["counted"] = (
        [
            d == "confirmed" and r == performer.get(k, "producer") and not vocab.is_inactive(t)
            for d, r, k, t in zip(loc["decision"], loc["role"], loc["link"], loc["tags"])
        ]
        if len(loc)
        else []
    )
    cols = [
        "ent_id",
        "name",
        "uscc",
        "region",
        "region_name",
        "link",
        "role",
        "confidence",
        "decision",
        "primary",
        "reg_capital",
        "revenue",
        "evidence",
        "tags",
        "counted",
    ]
    return (
        loc[cols]
        .sort_values(["link", "role", "revenue"], ascending=[True, True, False], na_position="last")
        .reset_index(drop=True)
    )
