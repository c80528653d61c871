"""The tables and sentences of the CLI's analysis commands (anchors, whatif, anchor-suppliers) as staff read them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from chain_gap import codes, vocab
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.labels import ACTION_LABELS, VERDICT_LABELS


def _region_name(code: Any) -> str:
    try:
        return codes.resolve_region(str(code)).name
    except codes.RegionError:
        return str(code or "")


def with_names(t: pd.DataFrame, chain: str | ChainSpec) -> pd.DataFrame:
    """``t`` with the link names of its ``link`` column (``link_name``) and the region names of ``region``."""
    spec = load_chain(chain)
    names = {leaf.id: leaf.name for leaf in spec.leaves()}
    out = t.copy()
    if "link" in out and "link_name" not in out:
        out["link_name"] = out["link"].map(names).fillna(out["link"])
    if "region" in out and "region_name" not in out:
        names_of = {c: _region_name(c) for c in out["region"].dropna().unique()}  # one lookup per region
        out["region_name"] = out["region"].map(names_of).fillna("")
    return out


def whatif_table(res: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per link whose local count, verdict or action changes, verdicts and actions in ``lang``."""
    b = res["before"].set_index("link")
    a = res["after"].set_index("link")
    vl, al = VERDICT_LABELS[lang], ACTION_LABELS[lang]
    t = pd.DataFrame(
        {
            "link_name": b["link_name"],
            "local_before": b["local"],
            "local_after": a["local"],
            "verdict_before": b["verdict"].map(vl),
            "verdict_after": a["verdict"].map(vl),
            "action_before": b["action"].map(al),
            "action_after": a["action"].map(al),
            "cascade_before": b["cascade_loss"],
            "cascade_after": a["cascade_loss"],
        }
    )
    changed = (t["local_before"] != t["local_after"]) | (b["verdict"] != a["verdict"]) | (b["action"] != a["action"])
    return t[changed].reset_index()


def whatif_lines(res: dict[str, Any], lang: str) -> str:
    """The headline of a what-if: completeness, missing links and cascade loss before → after."""
    d = res["delta"]
    if lang == "zh":
        return (
            f"链条完整度 {d['c'][0]:.0%} → {d['c'][1]:.0%}；加权完整度 {d['wc'][0]:.0%} → {d['wc'][1]:.0%}；"
            f"缺失环节 {d['missing'][0]} → {d['missing'][1]} 个；"
            f"断链级联损失合计 {d['cascade_total'][0]:.3f} → {d['cascade_total'][1]:.3f}"
        )
    return (
        f"completeness {d['c'][0]:.0%} → {d['c'][1]:.0%}; weighted {d['wc'][0]:.0%} → {d['wc'][1]:.0%}; "
        f"missing links {d['missing'][0]} → {d['missing'][1]}; "
        f"total cascade loss {d['cascade_total'][0]:.3f} → {d['cascade_total'][1]:.3f}"
    )


def anchor_supplier_notice(G: Any, chain: str | ChainSpec, region: str, t: pd.DataFrame) -> tuple[str, str] | None:
    """What staff must know about an anchor-supplier list: why it is empty, or that it rests on the
    chain's supply directions only because the data hold no supply relations (zh, en)."""
    from chain_gap import gaps

    has_supply = any(k == vocab.SUPPLIES for _, _, k in G.edges(keys=True))
    if t.empty:
        if gaps.anchors(G, chain, region).empty:
            if not has_supply:
                return (
                    "本地区在该链上没有链主企业，无从“以商招商”：数据中没有供货关系，链主只能按规模或上市主营认定，"
                    "本地没有企业达到；可用 supply 映射读入供货数据后重试",
                    "No anchor firm in this region on this chain: the data hold no supply relations, so anchors "
                    "can only be found by size or as listed firms, and no local firm qualifies; load supply data "
                    "(the supply mapping) and retry",
                )
            return (
                "本地区在该链上没有链主企业，无从“以商招商”；先看 chain-gap anchors 的认定规则",
                "No anchor firm in this region on this chain, so there are no anchor suppliers; see chain-gap anchors",
            )
        if not has_supply:
            return (
                "数据中没有供货关系（供应商—客户），链主上游环节在外地也没有生产企业，找不到可引进的供应商；"
                "可用 supply 映射读入供货数据后重试",
                "The data hold no supply relations and no producer elsewhere works in the links feeding the "
                "anchors, so no supplier can be suggested; load supply data (the supply mapping) and retry",
            )
        return (
            "链主的供应商与上游环节均在本地或未挂链，没有可引进的外地供应商",
            "The anchors' suppliers and upstream links are all local or unlinked: no outside supplier to suggest",
        )
    if not has_supply:
        return (
            "注意：数据中没有供货关系，以下供应商仅按链条上下游环节推断（非实际供货）",
            "Note: the data hold no supply relations; these suppliers are inferred from the chain's "
            "supply directions only (not actual deliveries)",
        )
    return None
