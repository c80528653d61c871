"""Gap verdicts per chain link for a region, with the numbers behind every verdict.

One row per leaf link of a chain: local and national activity, the location quotient with its
confidence interval (the formulas are in docs/formulas.md), concentration (HHI), the cascade loss its local firms carry,
relatedness density and complexity (Atlas PCI / COG) when several regions exist, the
region's percentile among its peers, a verdict (missing / weak / fragile / strong / anchored),
an action (补链 fill / 延链 extend / 补强 reinforce / 强链 strengthen / 以商招商 leverage / 对接外部供给
secure_supply / 以资源换产业 resource_swap / none; the verdict → action table is in docs/formulas.md)
read off the verdict, the chain's ``feeds`` DAG and the template's ``resource_bound`` flag, a link
priority (the weighted priority formula), a plain Chinese ``reasons`` sentence and the numbers behind
it in ``basis`` (技术依据).

Verdict thresholds live in ``graph/config/gaps.toml``; every analysis says which activity
variable it used (``activity`` column).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import codes, frames, metrics, reasons, vocab
from chain_gap._gapctx import (
    GapError,
    _complexity,
    _Context,
    _listed_main_business,
    _local_cascade,
    _lq_all,
    _national_leader,
    _peer_index,
    _specialised,
)
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.config import GapsConfig, PriorityWeights, VerdictSettings, load_gaps
from chain_gap.labels import ACTION_LABELS, ACTIVITY_LABELS, VERDICT_LABELS

ACTIVITIES = ACTIVITY_LABELS["zh"]
VERDICT_ZH = VERDICT_LABELS["zh"]
ACTION_ZH = ACTION_LABELS["zh"]


def load_config(path: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The verdict, priority and anchor settings as a nested mapping (default ``graph/config/gaps.toml``).

    Validated by :func:`chain_gap.config.load_gaps` (unknown keys refused); analyses use the typed
    :class:`~chain_gap.config.GapsConfig` that function returns.

    Parameters
    ----------
    path : str, pathlib.Path, Mapping or None
        A TOML file or a nested mapping shaped like it (only the keys it changes); ``None`` reads the
        shipped ``graph/config/gaps.toml``.

    Returns
    -------
    dict
        The settings, every section filled in.
    """
    return load_gaps(path).as_dict()


def table_all(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    level: str = "city",
    *,
    activity: str = "firms",
    roles: Iterable[str] | str | None = "performer",
) -> pd.DataFrame:
    """Local activity and LQ* for every region of one level at once (vectorised, no verdicts).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    level : str
        Region level compared: ``"province"``, ``"city"`` or ``"county"``.
    activity : str
        ``"firms"`` (count), ``"revenue"`` or ``"reg_capital"``.
    roles : str, iterable of str or None
        Link roles counted, as in :func:`table`.

    Returns
    -------
    pandas.DataFrame
        Long, one row per region and link: region, link, local (firm count), local_activity,
        region_total, national, national_total, lq_star, activity.
    """
    ctx = _Context(G, chain, level, activity, roles, counts_only=True)
    lq = _lq_all(ctx.X, ctx.region_total)
    long = ctx.X.stack().rename("local_activity").reset_index()  # type: ignore[call-overload]  # a Series
    long.columns = ["region", "link", "local_activity"]
    long["local"] = ctx.counts.stack().to_numpy().astype(int)
    long["region_total"] = long["region"].map(ctx.region_total).to_numpy()
    long["national"] = long["link"].map(ctx.X.sum(axis=0)).to_numpy()
    long["national_total"] = float(ctx.region_total.sum())
    long["lq_star"] = lq.stack().to_numpy()
    long["activity"] = activity
    return long


def table(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    activity: str = "firms",
    peers: Iterable[str] | None = None,
    roles: Iterable[str] | str | None = "performer",
    config: GapsConfig | Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """The gap table of one chain for one region: one row per leaf link, in template order.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (enterprises linked with :func:`chain_gap.link.attach`).
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name (``"411400"``, ``"商丘市"``, ``"商丘"``, ``"河南省"``); its level
        (province / city / county) sets the peers' level.
    activity : str
        ``"firms"`` (count), ``"revenue"`` or ``"reg_capital"``; the ``activity`` column says which.
    peers : iterable of str, optional
        Regions to compare with (same level); default all regions of that level in the data.
    roles : str, iterable of str or None
        Link roles counted (default ``"performer"``: producers, or the role a distribution / service
        link declares; ``None`` counts sellers and users too).
    config : GapsConfig, Mapping, str, pathlib.Path or None
        Verdict settings (dict or TOML path); default ``graph/config/gaps.toml``.

    Returns
    -------
    pandas.DataFrame
        chain, region, region_name, level, link, link_name, link_name_en, stage, group, group_name,
        group_name_en, weight, activity, local, local_activity, region_total, national,
        national_total, lq, lq_star, ci_low, ci_high, hhi, single_firm, cascade_loss, density, pci,
        cog, peer_percentile, anchor_firms, resource_bound, verdict, verdict_zh, action, action_zh,
        direction, gap, priority, top_local, reasons (the plain sentence staff read aloud), basis (技术依据:
        LQ* with its interval, HHI, weight, gap, priority).
    """
    cfg = load_gaps(config)
    reg = codes.resolve_region(region)
    ctx = _Context(G, chain, reg.level, activity, roles)
    return _table(ctx, reg, peers, cfg)


def _table(ctx: _Context, reg: Any, peers: Iterable[str] | None, cfg: GapsConfig) -> pd.DataFrame:
    code = reg.code
    L = ctx.links.copy()
    leaf_ids = list(L["link"])
    e_act = ctx.X.loc[code] if code in ctx.X.index else pd.Series(0.0, index=leaf_ids)
    e_cnt = ctx.counts.loc[code] if code in ctx.counts.index else pd.Series(0, index=leaf_ids)
    Er = float(ctx.region_total.get(code, 0.0))
    E = float(ctx.region_total.sum())
    Ep = ctx.X.sum(axis=0).reindex(leaf_ids).fillna(0.0)
    nat_cnt = ctx.counts.sum(axis=0).reindex(leaf_ids).fillna(0)
    # national standing: the region's share of the nation's activity in each link and its rank among the
    # regions of its level (ties share the better rank; 0 where the region has none)
    share = (e_act / Ep.replace(0.0, np.nan)).reindex(leaf_ids).fillna(0.0)
    ranks = ctx.X.rank(axis=0, ascending=False, method="min")
    rank = ranks.loc[code].reindex(leaf_ids) if code in ranks.index else pd.Series(np.nan, index=leaf_ids)
    rank = rank.where(e_act.reindex(leaf_ids).to_numpy() > 0)
    res = metrics.location_quotient(e_act.to_numpy(float), Er, Ep.to_numpy(float), E, level=cfg.verdict.level)
    out = pd.DataFrame(
        {
            "chain": ctx.spec.id,
            "region": code,
            "region_name": reg.name,
            "level": reg.level,
            "link": leaf_ids,
            "link_name": L["link_name"],
            "link_name_en": L["link_name_en"],
            "stage": L["stage"],
            "group": L["group"],
            "group_name": L["group_name"],
            "group_name_en": L["group_name_en"],
            "weight": L["weight"],
            "activity": ctx.activity,
            "local": e_cnt.to_numpy().astype(int),
            "local_activity": e_act.to_numpy(float),
            "region_total": Er,
            "national": nat_cnt.to_numpy().astype(int),
            "national_activity": Ep.to_numpy(float),
            "national_total": E,
            "lq": np.asarray(res.lq, dtype=float),
            "lq_star": np.asarray(res.lq_star, dtype=float),
            "ci_low": np.asarray(res.ci_low, dtype=float),
            "ci_high": np.asarray(res.ci_high, dtype=float),
            "national_share": share.to_numpy(float),
            "national_rank": rank.to_numpy(float),
            "n_regions": len(ctx.X.index),
        }
    )
    local = ctx.mem[ctx.mem[reg.level] == code] if len(ctx.mem) else ctx.mem
    # concentration and single points of failure
    hhi, top, known, top_share = {}, {}, {}, {}
    for link, grp in local.groupby("link") if len(local) else []:
        sizes = grp["_size"].to_numpy(float)
        ok = ~np.isnan(sizes)
        known[link] = float(ok.mean())
        if known[link] >= cfg.data.min_known_sizes and ok.sum() > 0:
            hhi[link] = metrics.hhi(sizes[ok])
            total = float(sizes[ok].sum())
            top_share[link] = float(sizes[ok].max()) / total if total > 0 else math.nan
        top[link] = "、".join(grp.sort_values("_size", ascending=False)["name"].astype(str).head(5))
    out["hhi"] = out["link"].map(hhi).astype(float)
    out["top_share"] = out["link"].map(top_share).astype(float)  # the largest firm's share, as HHI is computed
    out["sizes_known"] = out["link"].map(known).astype(float)
    out["single_firm"] = out["local"] == 1
    out["top_local"] = [top.get(k, "") for k in out["link"]]
    casc = _local_cascade(ctx, local) if len(local) else {}
    out["cascade_loss"] = out["link"].map(casc).astype(float)
    # feasibility and complexity against the peers
    peer_idx = _peer_index(ctx, code, peers)
    Xp = ctx.X.loc[peer_idx]
    n_peers = int((Xp.sum(axis=1) > 0).sum())
    if n_peers >= 2 and code in Xp.index:
        dens = metrics.density(Xp.loc[Xp.sum(axis=1) > 0] if code in Xp.index[Xp.sum(axis=1) > 0] else Xp)
        out["density"] = out["link"].map(dens.loc[code]).astype(float) if code in dens.index else np.nan
        pci, cog, cnote = _complexity(ctx, peer_idx, code)
        lq_peers = _lq_all(Xp, ctx.region_total.loc[peer_idx])
        pct = (
            lq_peers.rank(pct=True, method="max").loc[code]
            if code in lq_peers.index
            else pd.Series(np.nan, index=leaf_ids)
        )
        out["peer_percentile"] = out["link"].map(pct).astype(float)
    else:
        out["density"] = np.nan
        pci, cog, cnote = pd.Series(dtype=float), pd.Series(dtype=float), "单一地区，未计算关联密度和复杂度"
        out["peer_percentile"] = np.nan
    out["pci"] = out["link"].map(pci).astype(float)
    out["cog"] = out["link"].map(cog).astype(float)
    out["n_peers"] = n_peers
    # anchors (链主)
    anc = anchors(ctx.G, ctx.spec, code, _ctx=ctx, config=cfg)
    if len(anc):  # largest first, then id: the same text whatever order the graph holds the firms in
        size = pd.to_numeric(anc["revenue"], errors="coerce").fillna(pd.to_numeric(anc["reg_capital"], errors="coerce"))
        anc = anc.assign(_size=size.fillna(-1.0)).sort_values(
            ["_size", "ent_id"], ascending=[False, True], kind="stable"
        )
    anchor_by_link = anc.groupby("link")["name"].apply(lambda s: "、".join(s.astype(str))).to_dict() if len(anc) else {}
    out["anchor_firms"] = [anchor_by_link.get(k, "") for k in out["link"]]
    level_ok = ctx.level_coverage >= cfg.data.min_level_coverage
    out["no_data"] = (out["national"] == 0) | (not level_ok)
    out["verdict"] = _verdicts(out, cfg.verdict)
    out["verdict_zh"] = out["verdict"].map(VERDICT_ZH)
    bound = {leaf.id: leaf.resource_bound for leaf in ctx.spec.leaves()}
    out["resource_bound"] = out["link"].map(bound).fillna(False).astype(bool)
    out["action"], out["direction"] = _actions(out, ctx.feeds)
    out["action_zh"] = out["action"].map(ACTION_ZH)
    lqs = out["lq_star"].fillna(0.0).clip(upper=1.0)
    out["gap"] = out["weight"] * (1.0 - lqs)
    out["priority"] = _priority(out, cfg.priority.as_dict())
    present = set(out.loc[out["local"] > 0, "link"])
    names = ctx.links.set_index("link")["link_name"]

    def _names(ids: Iterable[str]) -> str:
        return "、".join(str(names.get(i, i)) for i in ids)

    out["reasons"] = [
        reasons.gap_reason(
            r,
            activity=ctx.activity,
            level=reg.level,
            cfg=cfg,
            upstream=nx.ancestors(ctx.feeds, r.link),
            downstream=nx.descendants(ctx.feeds, r.link),
            present=present,
            names=_names,
            level_coverage=ctx.level_coverage,
        )
        for r in frames.rows(out)
    ]
    out["basis"] = [reasons.gap_basis(r, activity=ctx.activity, cfg=cfg) for r in frames.rows(out)]
    n_nodata = int((out["national"] == 0).sum())
    banner, banner_en = reasons.coverage_banner(
        level=reg.level,
        level_ok=level_ok,
        level_coverage=ctx.level_coverage,
        national_firms=ctx.national_firms,
        no_data_links=n_nodata,
        inferred_share=ctx.level_inferred,
        inactive=ctx.inactive,
    )
    out.attrs.update(
        {
            "activity": ctx.activity,
            "activity_zh": ACTIVITIES[ctx.activity],
            "complexity_note": cnote,
            "region": code,
            "region_name": reg.name,
            "chain": ctx.spec.id,
            "chain_name": ctx.spec.name,
            "level_coverage": ctx.level_coverage,
            "level_inferred": ctx.level_inferred,
            "level_has_data": level_ok,
            "population": ctx.population,
            "national_firms": ctx.national_firms,
            "no_data_links": n_nodata,
            "coverage_banner": banner,
            "coverage_banner_en": banner_en,
            "inactive_excluded": ctx.inactive,
            "config": cfg.as_dict(),  # the settings in force, so notes and pages state the ones this table used
        }
    )
    return out


def _priority(out: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    W = {k: float(weights.get(k, 0.0)) for k in PriorityWeights().as_dict()}  # the weights of gaps.toml
    need = out["action"].isin(vocab.TARGET_ACTIONS)  # the links firms can be attracted into
    pr = pd.Series(0.0, index=out.index)
    if not need.any():
        return pr
    feats = out.loc[need, list(W)].astype(float)
    usable = {k: w for k, w in W.items() if feats[k].notna().any()}
    if not usable:
        return pr
    total = sum(usable.values())
    feats = feats[list(usable)].fillna(0.0)
    pr.loc[need] = metrics.link_priority(feats, {k: w / total for k, w in usable.items()}).to_numpy()
    return pr.round(4)


def _verdicts(out: pd.DataFrame, v: VerdictSettings) -> list[str]:
    """The verdict rule (``[verdict]`` of gaps.toml), one verdict per row of the table."""
    verdict = []
    for r in frames.rows(out):
        if r.no_data:
            verdict.append(vocab.NO_DATA)
        elif r.local == 0:
            verdict.append("missing")
        elif (
            r.local == 1
            or (not math.isnan(r.hhi) and r.hhi > v.fragile_hhi)
            or (not math.isnan(r.cascade_loss) and r.cascade_loss >= v.fragile_cascade and r.local <= 2)
        ):
            verdict.append("fragile")
        elif r.local >= v.strong_min_firms and (_specialised(r, v) or _national_leader(r, v)):
            verdict.append("anchored" if r.anchor_firms else "strong")
        else:
            verdict.append("weak")
    return verdict


def _actions(out: pd.DataFrame, feeds: nx.DiGraph) -> tuple[list[str], list[str]]:
    """The action rule (the verdict → action table of docs/formulas.md), one action and direction per row.

    A missing link is 补链 when local links sit both up- and downstream of it along ``feeds``, else 延链
    (direction upstream / downstream / detached); weak and fragile links are 补强; strong links 强链 (锻长板);
    anchored links 以商招商. A resource-bound link cannot be attracted: missing → 对接外部供给 (its
    direction still says where it sits), present → 以资源换产业. ``no_data`` gets no action.
    """
    present = set(out.loc[out["local"] > 0, "link"])
    by_verdict = {"weak": "reinforce", "fragile": "reinforce", "strong": "strengthen", "anchored": "leverage"}
    action, direction = [], []
    for r in frames.rows(out):
        if r.verdict == "missing":
            up = nx.ancestors(feeds, r.link) & present
            down = nx.descendants(feeds, r.link) & present
            where = "between" if up and down else "upstream" if down else "downstream" if up else "detached"
            action.append("secure_supply" if r.resource_bound else "fill" if where == "between" else "extend")
            direction.append(where)
        elif r.verdict in by_verdict:
            action.append("resource_swap" if r.resource_bound else by_verdict[r.verdict])
            direction.append("")
        else:
            action.append("none")
            direction.append("")
    return action, direction


def summary(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    gaps: pd.DataFrame | None = None,
    activity: str = "firms",
) -> dict[str, Any]:
    """Headline numbers of a region's chain.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    gaps : pandas.DataFrame, optional
        The region's gap table (:func:`table`) when already computed.
    activity : str
        Activity variable used when the gap table is computed here.

    Returns
    -------
    dict
        region, region_name, chain, chain_name, activity, links (leaf count), completeness ``c``
        (share of links with a local producer, over the links that are not ``no_data``; NaN when every
        link is), ``wc`` (weighted), ``sc`` (supply-weighted, NaN without supply data), verdict counts, action counts and the five links with the highest priority
        (among the links targets can be attracted into, :data:`chain_gap.vocab.TARGET_ACTIONS`).
    """
    spec = load_chain(chain)
    t = gaps if gaps is not None else table(G, spec, region, activity=activity)
    # completeness over the links the data can see: a no_data link is neither present nor missing, and at
    # a level the data hardly hold (every link no_data) there is no completeness to state (NaN)
    seen = t[t["verdict"] != vocab.NO_DATA]
    weights = dict(zip(seen["link"], seen["weight"]))
    n = dict(zip(seen["link"], seen["local"]))
    ratio = supply_ratio(G, spec, str(t["region"].iloc[0]), present={k for k, v in n.items() if v > 0})
    base: dict[Any, float] = {k: v for k, v in ratio.items() if k in weights} if ratio is not None else {}
    base = base or dict.fromkeys(weights, 0.0)
    if weights:
        c, wc, sc = metrics.completeness(weights, n, base)
    else:
        c = wc = sc = math.nan
    top = t[t["action"].isin(vocab.TARGET_ACTIONS)].sort_values("priority", ascending=False).head(5)
    return {
        "region": str(t["region"].iloc[0]),
        "region_name": str(t["region_name"].iloc[0]),
        "chain": spec.id,
        "chain_name": spec.name,
        "activity": t["activity"].iloc[0],
        "links": len(t),
        "c": round(float(c), 4),
        "wc": round(float(wc), 4),
        "sc": round(float(sc), 4) if ratio is not None else math.nan,
        "verdicts": {v: int((t["verdict"] == v).sum()) for v in VERDICT_ZH},
        "actions": {a: int((t["action"] == a).sum()) for a in ACTION_ZH},
        "top_priorities": [(r.link, r.link_name, r.action, float(r.priority)) for r in frames.rows(top)],
    }


def supply_ratio(
    G: nx.MultiDiGraph, chain: str | ChainSpec, region: str, present: set[str] | None = None
) -> dict[str, float] | None:
    """Local supply / local demand per link from ``SUPPLIES`` edges (None when the graph has none).

    Demand for link s = value bought by firms of the region from producers of s anywhere;
    local supply = the part bought from producers of s in the region. Links without recorded
    demand count 1 when present locally, 0 otherwise.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph with ``SUPPLIES`` edges.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    present : set of str, optional
        Leaf ids with a local producer, for links without recorded demand.

    Returns
    -------
    dict or None
        Leaf id → ratio in [0, 1]; ``None`` when the graph has no ``SUPPLIES`` edge.
    """
    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    sup = [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if k == vocab.SUPPLIES]
    if not sup:
        return None
    link_of: dict[str, set[str]] = {}
    for leaf in spec.leaves():
        lid = f"link:{spec.id}/{leaf.id}"
        if lid in G:
            for u, _, k, d in G.in_edges(lid, keys=True, data=True):
                if (
                    k == vocab.LINKED_TO
                    and d.get("decision") == "confirmed"
                    and d.get("performs", d.get("role") == "producer")
                ):
                    link_of.setdefault(u, set()).add(leaf.id)

    ends = pd.Series(list({x for u, v, _ in sup for x in (u, v)}))
    level = frames.region_level(ends.map(lambda n: G.nodes[n].get("region")), reg.level)
    local_firm = dict(zip(ends, level == reg.code))
    demand: dict[str, float] = {}
    local: dict[str, float] = {}
    for u, v, d in sup:
        if not local_firm[v] or u not in link_of:
            continue
        val = float(d.get("value") or 1.0)
        for s in link_of[u]:
            demand[s] = demand.get(s, 0.0) + val
            if local_firm[u]:
                local[s] = local.get(s, 0.0) + val
    present = present or set()
    return {
        leaf.id: (
            local.get(leaf.id, 0.0) / demand[leaf.id] if demand.get(leaf.id) else (1.0 if leaf.id in present else 0.0)
        )
        for leaf in spec.leaves()
    }


def compare(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    regions: Iterable[str],
    *,
    activity: str = "firms",
    flat: bool = False,
) -> pd.DataFrame:
    """One row per link, one column group (local, lq_star, verdict, action) per region.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    regions : iterable of str
        Regions of one level (codes or names).
    activity : str
        Activity variable (``firms``, ``revenue``, ``reg_capital``).
    flat : bool
        One level of column names (``商丘市:verdict``) and the link id as a column, for a sheet or CSV;
        default a ``(region, field)`` column MultiIndex indexed by link.

    Returns
    -------
    pandas.DataFrame
        Link name, stage and ``link_name_en``, then ``local``, ``lq_star``, ``verdict``,
        ``action`` per region.
    """
    regs = [codes.resolve_region(r) for r in regions]
    levels = {r.level for r in regs}
    if len(levels) != 1:
        raise GapError("compare needs regions of one level (all cities, or all provinces...)")
    ctx = _Context(G, chain, levels.pop(), activity, "performer")
    cfg = load_gaps()
    parts = []
    for r in regs:
        t = _table(ctx, r, None, cfg).set_index("link")
        cols = t[["local", "lq_star", "verdict", "action"]]
        cols.columns = pd.MultiIndex.from_product([[r.name], cols.columns])
        parts.append(cols)
    base = ctx.links.set_index("link")[["link_name", "stage", "link_name_en"]]
    base.columns = pd.MultiIndex.from_product([["link"], base.columns])
    out = pd.concat([base, *parts], axis=1)
    if flat:
        out.columns = pd.Index([f"{pair[0]}:{pair[1]}" for pair in out.columns.to_flat_index()])
        out = out.reset_index()
    return out


def anchors(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    config: GapsConfig | Mapping[str, Any] | str | Path | None = None,
    _ctx: _Context | None = None,
) -> pd.DataFrame:
    """链主 (anchor firms) of a chain in a region: size rule plus the supply network.

    A local producer is an anchor when its revenue (else registered capital × ``capital_factor``)
    reaches the threshold of the chain's category, or when it induces local output through its purchases
    (anchor pull > 0, the anchor-pull formula of docs/formulas.md) and has at least ``min_local_partners`` local suppliers or customers.
    Where the data carry no size for the firm (listed-company data), a listed firm whose main business
    is the link (its lines there ≥ ``listed_main_share`` of revenue, or its Shenwan industry is the
    link's) is an anchor by proxy.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    config : GapsConfig, Mapping, str, pathlib.Path or None
        Anchor settings (``[anchor]`` of ``gaps.toml``); default the shipped file.

    Returns
    -------
    pandas.DataFrame
        ent_id, name, link, revenue, reg_capital, size_rule (bool), proxy_rule (bool: the listed-company
        proxy of data without sizes), anchor_pull, local_partners, reason.
    """
    cfg = load_gaps(config).anchor
    spec = load_chain(chain)
    if _ctx is None:
        reg = codes.resolve_region(region)
        _ctx = _Context(G, spec, reg.level, "firms", "performer")
        code = reg.code
    else:
        code = str(region)
    mem = _ctx.mem
    local = mem[mem[_ctx.level] == code] if len(mem) else mem
    cols = [
        "ent_id",
        "name",
        "link",
        "revenue",
        "reg_capital",
        "size_rule",
        "proxy_rule",
        "anchor_pull",
        "local_partners",
        "reason",
    ]
    if not len(local):
        return pd.DataFrame(columns=cols)
    thr = cfg.revenue_threshold(spec.category)
    factor = cfg.capital_factor
    rev = pd.to_numeric(local["revenue"], errors="coerce")
    cap = pd.to_numeric(local["reg_capital"], errors="coerce")
    size_rule = (rev >= thr) | (rev.isna() & (cap >= thr * factor))
    main, by_industry = _listed_main_business(_ctx.G, local, cfg.listed_main_share, spec.id)
    proxy_rule = rev.isna() & cap.isna() & main
    firms = set(local["ent_id"])
    Z: dict[tuple[str, str], float] = {}
    for u in firms:
        for v, by_key in G.succ[u].items():
            d = by_key.get(vocab.SUPPLIES)
            if d is not None and v in firms:
                Z[(u, v)] = Z.get((u, v), 0.0) + float(d.get("value") or 0.0)
    partners = dict.fromkeys(firms, 0)
    for u, v in Z:
        partners[u] += 1
        partners[v] += 1
    pull = pd.Series(0.0, index=sorted(firms))
    if Z:
        ids = sorted({x for uv in Z for x in uv})
        Z_ = np.zeros((len(ids), len(ids)))
        pos = {x: i for i, x in enumerate(ids)}
        for (u, v), val in Z.items():
            Z_[pos[u], pos[v]] += val
        Zdf = pd.DataFrame(Z_, index=ids, columns=ids)
        out_rev = local.drop_duplicates("ent_id").set_index("ent_id").reindex(ids)
        output = pd.to_numeric(out_rev["revenue"], errors="coerce").fillna(0.0)
        output = output.where(output >= Zdf.sum(axis=1), Zdf.sum(axis=1) * 1.25)
        with contextlib.suppress(ValueError):
            pull.loc[ids] = metrics.anchor_pull(Zdf, output).reindex(ids).to_numpy()
    min_p = cfg.min_local_partners
    rows = []
    for r, sr, pr, ind in zip(frames.rows(local), size_rule, proxy_rule, by_industry):
        net = pull.get(r.ent_id, 0.0) > 0 and partners.get(r.ent_id, 0) >= min_p
        if not (sr or net or pr):
            continue
        why = reasons.anchor_reason(
            size_rule=bool(sr),
            proxy=bool(pr),
            line_share=math.nan if ind else r.line_share,
            revenue=r.revenue,
            reg_capital=r.reg_capital,
            category=spec.category,
            pull=float(pull[r.ent_id]) if net else 0.0,
            partners=partners.get(r.ent_id, 0),
        )
        rows.append(
            {
                "ent_id": r.ent_id,
                "name": r.name,
                "link": r.link,
                "revenue": r.revenue,
                "reg_capital": r.reg_capital,
                "size_rule": bool(sr),
                "proxy_rule": bool(pr),
                "anchor_pull": float(pull.get(r.ent_id, 0.0)),
                "local_partners": partners.get(r.ent_id, 0),
                "reason": why,
            }
        )
    return pd.DataFrame(rows, columns=cols)
