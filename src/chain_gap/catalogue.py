"""招商引资产业目录: per unit and leading chain, the links to attract and what to attract for each.

Built on the county division of labour (:func:`chain_gap.portfolio.portfolio`): for every unit of the
area and every chain the unit leads or cultivates, one row per link whose gap action (the unit's gap
table, :func:`chain_gap.gaps.table`) is 补链 / 强链 / 延链, with

* what to attract: the link's products and keywords (the chain template);
* the kind of firm (``[catalogue]`` of ``graph/config/portfolio.toml``, first rule that holds):
  **链主** when the link integrates the chain (at least ``owner_min_inputs`` links feed it and its
  weight is at least ``owner_weight_factor`` × the chain's mean leaf weight), **专精特新** when at least
  ``specialised_share`` of its producers nationally carry a 专精特新 / 小巨人 tag, else **配套**;
* the typical scale: median revenue and registered capital of the link's producers nationally;
* at most ``links_per_chain`` links per unit and chain, by the gap table's priority;
* the ranked target firms of the link (:func:`chain_gap.targets.rank`, the top ``targets_per_link``),
  firms of the area itself left out (they are partners, not targets);
* 以商招商: the local firms a newcomer would buy from (producers in the links feeding it) and supply
  (producers in the links it feeds), in the unit and elsewhere in the area.

Every row carries ``brief``: one paragraph in Chinese, ready to paste into a 项目策划 brief.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import codes, frames, gaps, targets, vocab
from chain_gap.chains import ChainSpec
from chain_gap.config import GapsConfig, PortfolioConfig, load_gaps, load_portfolio
from chain_gap.labels import ACTION_LABELS, STAGE_LABELS, VERDICT_LABELS
from chain_gap.portfolio import ROLE_LABELS, Portfolio, portfolio

__all__ = ["FIRM_KINDS", "SPECIALISED_TAGS", "catalogue", "firm_kind"]

#: Kind of firm to attract → (Chinese, English).
FIRM_KINDS: dict[str, tuple[str, str]] = {
    "owner": ("链主", "chain leader"),
    "specialised": ("专精特新", "specialised SME"),
    "supplier": ("配套", "supplier"),
}
#: Tags that mark a 专精特新 producer.
SPECIALISED_TAGS = frozenset({"专精特新", "小巨人", "专精特新小巨人"})

COLUMNS = [
    "unit",
    "unit_name",
    "kind_zh",
    "chain",
    "chain_name",
    "role_zh",
    "link",
    "link_name",
    "link_name_en",
    "stage",
    "action",
    "action_zh",
    "verdict_zh",
    "priority",
    "local",
    "products",
    "firm_kind",
    "firm_kind_zh",
    "firm_kind_why",
    "national_producers",
    "median_revenue",
    "median_capital",
    "targets",
    "n_targets",
    "buy_from",
    "sell_to",
    "area_partners",
    "brief",
]


def firm_kind(
    spec: ChainSpec, link: str, specialised_share: float, config: PortfolioConfig | None = None
) -> tuple[str, str]:
    """The kind of firm a link calls for (链主 / 专精特新 / 配套) and why, by the ``[catalogue]`` rule.

    Parameters
    ----------
    spec : ChainSpec
        The chain.
    link : str
        Leaf id.
    specialised_share : float
        Share of the link's producers nationally tagged 专精特新 / 小巨人 (NaN when unknown).
    config : PortfolioConfig, optional
        The settings (default the shipped ``portfolio.toml``).

    Returns
    -------
    (str, str)
        A key of :data:`FIRM_KINDS` and the reason in Chinese.
    """
    c = load_portfolio(config).catalogue
    leaves = spec.leaves()
    weights = {lf.id: float(lf.weight or 0.0) for lf in leaves}
    mean_w = sum(weights.values()) / len(weights) if weights else 0.0
    inputs = [a for a, b, _ in spec.feeds_edges() if b == link]
    w = weights.get(link, 0.0)
    if len(inputs) >= c.owner_min_inputs and w >= c.owner_weight_factor * mean_w:
        return "owner", (
            f"{len(inputs)}个环节向其供货、价值权重{w:.3f}≥链均值{mean_w:.3f}×{c.owner_weight_factor:g}："
            "整合环节，宜引进链主企业带动配套"
        )
    if not math.isnan(specialised_share) and specialised_share >= c.specialised_share:
        return "specialised", (
            f"全国该环节生产企业中{specialised_share:.0%}为专精特新/小巨人（≥{c.specialised_share:.0%}）：宜引进专精特新企业"
        )
    return "supplier", "非整合环节、专精特新占比不高：宜引进配套企业"


def _size(df: pd.DataFrame) -> pd.Series:
    rev = pd.to_numeric(df["revenue"], errors="coerce")
    cap = pd.to_numeric(df["reg_capital"], errors="coerce")
    return rev.where(rev > 0, cap).fillna(0.0)


def _wan(x: float) -> str:
    return "—" if x is None or math.isnan(x) else f"{x / 1e4:,.0f}万元"


def _firm_list(df: pd.DataFrame, names: Mapping[str, str], k: int, anchors: set[str], where: bool = False) -> str:
    if df.empty:
        return ""
    d = df.assign(_s=_size(df)).sort_values(["_s", "name"], ascending=[False, True]).drop_duplicates("ent_id").head(k)
    out = []
    for r in frames.rows(d):
        tag = "，链主" if r.ent_id in anchors else ""
        place = f"{r.county_name}，" if where else ""
        out.append(f"{r.name}（{place}{names.get(r.link, r.link)}{tag}）")
    return "、".join(out)


def catalogue(
    G: nx.MultiDiGraph,
    area: str | Portfolio,
    *,
    units: Iterable[str] | None = None,
    chains: Iterable[str] | None = None,
    config: PortfolioConfig | Mapping[str, Any] | str | Path | None = None,
    gaps_config: GapsConfig | Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """The 招商引资产业目录 of an area: one row per (unit, leading chain, link to attract).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    area : str or Portfolio
        A city or province (then its portfolio is computed with the settings given), or a computed
        :class:`~chain_gap.portfolio.Portfolio`.
    units : iterable of str, optional
        Only these units (codes or names); default every unit of the area.
    chains : iterable of str, optional
        The chains per unit; default each unit's leading chains (主导 and 培育).
    config : PortfolioConfig, Mapping, str, pathlib.Path or None
        ``portfolio.toml`` settings (the ``[catalogue]`` rules).
    gaps_config : GapsConfig, Mapping, str, pathlib.Path or None
        The gap settings (verdicts, actions, the no-data rule).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`; money in CNY. ``attrs`` say what was left out (no data).
    """
    pcfg = load_portfolio(config)
    gcfg = load_gaps(gaps_config)
    pf = area if isinstance(area, Portfolio) else portfolio(G, area, config=pcfg, gaps_config=gcfg)
    want = None if units is None else {codes.resolve_region(u).code for u in units}
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    area_code = str(pf.attrs["area"])
    area_level = codes.resolve_region(area_code).level
    reg_names = codes.regions().set_index("code")["name"]
    with frames.snapshot(G):
        for u in frames.rows(pf.units):
            if want is not None and u.unit not in want:
                continue
            mine = list(chains) if chains is not None else list(u.leading_ids)
            for cid in mine:
                ctx = pf.contexts.get(cid)
                if ctx is None:
                    from chain_gap._gapctx import _Context

                    ctx = _Context(G, cid, pf.attrs["level"], pf.attrs["activity"], "performer")
                    pf.contexts[cid] = ctx
                spec = ctx.spec
                reg = codes.resolve_region(u.unit)
                gt = gaps._table(ctx, reg, None, gcfg)
                if not gt.attrs.get("level_has_data", True) or gt["no_data"].all():
                    skipped.append(f"{u.unit_name}·{spec.name}")
                    continue
                role = pf.scores.loc[(pf.scores["unit"] == u.unit) & (pf.scores["chain"] == cid), "role"]
                role_zh = ROLE_LABELS.get(str(role.iloc[0]) if len(role) else "", ("", ""))[0]
                rows.extend(_rows(G, ctx, spec, u, reg, gt, role_zh, pcfg, gcfg, (area_code, area_level), reg_names))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out.attrs.update(
        {
            "area": area_code,
            "area_name": pf.attrs["area_name"],
            "skipped_no_data": skipped,
            "config": pcfg.as_dict(),
            "banner": pf.attrs.get("banner", ""),
            "banner_en": pf.attrs.get("banner_en", ""),
        }
    )
    return out


def _rows(
    G: nx.MultiDiGraph,
    ctx: Any,
    spec: ChainSpec,
    u: Any,
    reg: Any,
    gt: pd.DataFrame,
    role_zh: str,
    pcfg: PortfolioConfig,
    gcfg: GapsConfig,
    area: tuple[str, str],
    reg_names: pd.Series,
) -> list[dict[str, Any]]:
    c = pcfg.catalogue
    area_code, area_level = area
    need = gt[gt["action"].isin(vocab.TARGET_ACTIONS)].sort_values("priority", ascending=False, kind="stable")
    if c.links_per_chain > 0:
        need = need.head(int(c.links_per_chain))
    if need.empty:
        return []
    mem = ctx.mem
    level = ctx.level
    names = {lf.id: lf.name for lf in spec.leaves()}
    leaf = {lf.id: lf for lf in spec.leaves()}
    nat = mem.drop_duplicates(["ent_id", "link"])
    num = nat.assign(
        revenue=pd.to_numeric(nat["revenue"], errors="coerce"),
        reg_capital=pd.to_numeric(nat["reg_capital"], errors="coerce"),
    )
    med_rev = num.groupby("link")["revenue"].median()
    med_cap = num.groupby("link")["reg_capital"].median()
    n_prod = nat.groupby("link")["ent_id"].nunique()
    tagged = nat["tags"].map(lambda t: bool(SPECIALISED_TAGS & set(t or ())))
    spec_share = tagged.groupby(nat["link"]).mean()
    local = mem[mem[level] == reg.code]
    in_area = mem[(mem[area_level] == area_code) & (mem[level] != reg.code)]
    in_area = in_area.assign(county_name=in_area[level].map(reg_names).fillna(in_area[level]))
    anc = gaps.anchors(G, spec, reg.code, _ctx=ctx, config=gcfg)
    anchors = set(anc["ent_id"]) if len(anc) else set()
    # firms elsewhere in the area are partners (area_partners), not targets: one county luring another's
    # firm away is the 无序竞争 the division of labour is meant to prevent
    ranked = targets.rank(G, spec, reg.code, gap_table=gt, filters={"exclude_regions": [area_code]})
    out = []
    for r in frames.rows(need):
        lk = r.link
        ups = [a for a, b, _ in spec.feeds_edges() if b == lk]
        downs = [b for a, b, _ in spec.feeds_edges() if a == lk]
        share = float(spec_share.get(lk, math.nan))
        kind, why = firm_kind(spec, lk, share, pcfg)
        tg = ranked[ranked["link"] == lk].head(c.targets_per_link)
        tg_text = "；".join(f"{t.name}（{t.region_name}，目标清单第{int(t.rank)}位）" for t in frames.rows(tg))
        buy = _firm_list(local[local["link"].isin(ups)], names, c.anchors_per_link, anchors)
        sell = _firm_list(local[local["link"].isin(downs)], names, c.anchors_per_link, anchors)
        partners = _firm_list(in_area[in_area["link"].isin(ups + downs)], names, c.anchors_per_link, set(), where=True)
        lf = leaf[lk]
        products = "、".join(list(lf.products) or list(lf.keywords)[:5])
        mrev = float(med_rev.get(lk, math.nan))
        mcap = float(med_cap.get(lk, math.nan))
        action_zh = ACTION_LABELS["zh"].get(r.action, r.action)
        brief = (
            f"【{action_zh}】{r.link_name}（{spec.name}·{STAGE_LABELS['zh'].get(r.stage, r.stage)}）："
            f"本地{r.local}家（{VERDICT_LABELS['zh'].get(r.verdict, r.verdict)}），"
            f"拟引进{FIRM_KINDS[kind][0]}企业，主要产品：{products or '—'}；"
            f"全国同环节生产企业{int(n_prod.get(lk, 0))}家，营业收入中位数{_wan(mrev)}、注册资本中位数{_wan(mcap)}"
        )
        if tg_text:
            brief += f"；重点目标企业：{tg_text}"
        if buy:
            brief += f"；落地后可就近采购：{buy}"
        if sell:
            brief += f"；可就近供货：{sell}"
        if partners and not (buy or sell):
            brief += f"；市内可配套：{partners}"
        out.append(
            {
                "unit": u.unit,
                "unit_name": u.unit_name,
                "kind_zh": u.kind_zh,
                "chain": spec.id,
                "chain_name": spec.name,
                "role_zh": role_zh,
                "link": lk,
                "link_name": r.link_name,
                "link_name_en": r.link_name_en,
                "stage": r.stage,
                "action": r.action,
                "action_zh": action_zh,
                "verdict_zh": r.verdict_zh,
                "priority": float(r.priority),
                "local": int(r.local),
                "products": products,
                "firm_kind": kind,
                "firm_kind_zh": FIRM_KINDS[kind][0],
                "firm_kind_why": why,
                "national_producers": int(n_prod.get(lk, 0)),
                "median_revenue": mrev,
                "median_capital": mcap,
                "targets": tg_text,
                "n_targets": int((ranked["link"] == lk).sum()),
                "buy_from": buy,
                "sell_to": sell,
                "area_partners": partners,
                "brief": brief + "。",
            }
        )
    return out
