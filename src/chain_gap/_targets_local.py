"""What a region gains from firms setting up in it: the what-if of a branch plant and 以商招商 suppliers.

:func:`what_if` recomputes a region's gap table as if given firms had set up there; :func:`anchor_suppliers`
lists, for each local 链主, the firms elsewhere likely to supply it. Split from :mod:`chain_gap.targets`
(module size), which re-exports both: ``chain_gap.targets.what_if`` and ``.anchor_suppliers`` are the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import _vintage, codes, frames, metrics, vocab
from chain_gap import gaps as gaps_mod
from chain_gap.chains import ChainSpec, load_chain

__all__ = ["anchor_suppliers", "what_if"]


def what_if(G: nx.MultiDiGraph, chain: str | ChainSpec, region: str, enterprise_ids: Iterable[str]) -> dict[str, Any]:
    """The region's gap table and summary after the given firms set up in it (e.g. a branch plant).

    Each firm is cloned into the region (its confirmed links copied) for the computation and removed
    afterwards, so ``G`` is unchanged on return.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph (unchanged on return).
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name of the region the firms set up in.
    enterprise_ids : iterable of str
        Enterprise node ids (``ent:…``) of the firms, e.g. the top rows of :func:`rank`.

    Returns
    -------
    dict
        ``before`` / ``after`` gap tables, ``summary_before`` / ``summary_after``, ``changes`` (one row per
        link whose local count, verdict or action changed), ``delta`` (completeness c / wc and total local
        cascade loss before → after), ``added`` (the firms and their links).
    """
    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    ids = [str(i) for i in enterprise_ids]
    missing = [i for i in ids if i not in G or G.nodes[i].get("kind") != vocab.ENTERPRISE]
    if missing:
        from chain_gap.targets import TargetError

        raise TargetError(f"unknown enterprise id(s): {', '.join(missing)}")
    before = gaps_mod.table(G, spec, reg.code)
    s_before = gaps_mod.summary(G, spec, reg.code, gaps=before)
    clones = []
    added_rows = []
    try:
        for i in ids:
            cid = f"{i}#whatif@{reg.code}"
            attrs = dict(G.nodes[i])
            attrs.update(region=reg.code, uscc=None, name=f"{attrs.get('name', '')}（{reg.name}新设）")
            G.add_node(cid, **{k: v for k, v in attrs.items() if v is not None})
            clones.append(cid)
            for _, lid, k, d in list(G.out_edges(i, keys=True, data=True)):
                if k == vocab.LINKED_TO and d.get("chain") == spec.id and d.get("decision") == "confirmed":
                    G.add_edge(cid, lid, key=k, **d)
                    added_rows.append(
                        {
                            "ent_id": i,
                            "name": G.nodes[i].get("name"),
                            "link": lid.split("/", 1)[1],
                            "link_name": G.nodes[lid].get("name"),
                            "role": d.get("role"),
                        }
                    )
        after = gaps_mod.table(G, spec, reg.code)
        s_after = gaps_mod.summary(G, spec, reg.code, gaps=after)
    finally:
        G.remove_nodes_from(clones)
    b = before.set_index("link")
    a = after.set_index("link")
    changes = pd.DataFrame(
        {
            "link_name": b["link_name"],
            "local_before": b["local"],
            "local_after": a["local"],
            "verdict_before": b["verdict_zh"],
            "verdict_after": a["verdict_zh"],
            "action_before": b["action_zh"],
            "action_after": a["action_zh"],
            "cascade_before": b["cascade_loss"],
            "cascade_after": a["cascade_loss"],
        }
    )
    changed = changes[
        (changes["local_before"] != changes["local_after"])
        | (changes["verdict_before"] != changes["verdict_after"])
        | (changes["action_before"] != changes["action_after"])
    ].reset_index()
    delta = {
        "c": (s_before["c"], s_after["c"]),
        "wc": (s_before["wc"], s_after["wc"]),
        "sc": (s_before["sc"], s_after["sc"]),
        "cascade_total": (float(b["cascade_loss"].fillna(0).sum()), float(a["cascade_loss"].fillna(0).sum())),
        "missing": (s_before["verdicts"]["missing"], s_after["verdicts"]["missing"]),
    }
    return {
        "before": before,
        "after": after,
        "summary_before": s_before,
        "summary_after": s_after,
        "changes": changed,
        "delta": delta,
        "added": pd.DataFrame(added_rows),
    }


def anchor_suppliers(G: nx.MultiDiGraph, chain: str | ChainSpec, region: str, *, per_anchor: int = 10) -> pd.DataFrame:
    """以商招商: for each local anchor firm, likely suppliers outside the region, with evidence.

    Evidence in order of strength: an existing supply pair (SUPPLIES edge into the anchor), a producer in
    a link that ``feeds`` the anchor's link (product adjacency), then the supplier fit (docs/formulas.md) of suppliers that sell
    to firms like the anchor.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    per_anchor : int
        Most suppliers listed per anchor firm.

    Returns
    -------
    pandas.DataFrame
        anchor_id, anchor_name, anchor_link, ent_id, name, region, link, link_name, evidence, score.
    """
    from chain_gap.targets import _quality, load_profile

    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    anc = gaps_mod.anchors(G, spec, reg.code)
    cols = [
        "anchor_id",
        "anchor_name",
        "anchor_link",
        "ent_id",
        "name",
        "region",
        "link",
        "link_name",
        "evidence",
        "score",
    ]
    if anc.empty:
        return pd.DataFrame(columns=cols)
    mem = frames.members(G, spec, active_only=True).drop_duplicates(["ent_id", "link"])
    outside = mem[mem[reg.level] != reg.code]
    qual = (
        _quality(
            outside.drop_duplicates("ent_id").set_index("ent_id"),
            load_profile().tags,
            load_profile().year(_vintage.of_graph(G)),
        )
        if len(outside)
        else pd.Series(dtype=float)
    )
    pairs = [(u, v) for u, v, k in G.edges(keys=True) if k == vocab.SUPPLIES]
    fit = metrics.supplier_fit(pairs) if pairs else pd.Series(dtype=float)
    link_names = {leaf.id: leaf.name for leaf in spec.leaves()}
    outside_ids = set(outside["ent_id"])
    rows = []
    for a in frames.rows(anc):
        found: dict[str, tuple[str, float, str]] = {}
        for u, _, k, d in G.in_edges(a.ent_id, keys=True, data=True):
            if k == vocab.SUPPLIES and u in outside_ids:
                found[u] = (f"已有供货关系（{d.get('year', '')}年，金额{float(d.get('value') or 0):,.0f}元）", 3.0, "")
        feeders = [x for x, y, _ in spec.feeds_edges() if y == a.link]
        for r in frames.rows(outside[outside["link"].isin(feeders)]):
            if r.ent_id not in found:
                found[r.ent_id] = (
                    f"所在环节「{link_names.get(r.link, r.link)}」为链主环节「{link_names.get(a.link, a.link)}」的上游",
                    1.0 + float(qual.get(r.ent_id, 0.0)),
                    r.link,
                )
        if len(fit):
            f_a = fit.xs(a.ent_id, level=1, drop_level=False) if a.ent_id in fit.index.get_level_values(1) else None
            if f_a is not None:
                for pair, v in f_a.items():
                    s = str(pair[0])  # type: ignore[index]  # (supplier, buyer) MultiIndex keys
                    if s in outside_ids and s not in found:
                        found[s] = (f"与链主的现有供应商客户重合（供应商契合度{v:.2f}）", float(v), "")
        best = sorted(found.items(), key=lambda kv: -kv[1][1])[:per_anchor]
        for ent, (ev, sc, link) in best:
            link = link or (
                outside.loc[outside["ent_id"] == ent, "link"].iloc[0] if (outside["ent_id"] == ent).any() else ""
            )
            rows.append(
                {
                    "anchor_id": a.ent_id,
                    "anchor_name": a.name,
                    "anchor_link": a.link,
                    "ent_id": ent,
                    "name": G.nodes[ent].get("name"),
                    "region": G.nodes[ent].get("region"),
                    "link": link,
                    "link_name": link_names.get(link, ""),
                    "evidence": ev,
                    "score": round(sc, 4),
                }
            )
    return pd.DataFrame(rows, columns=cols)
