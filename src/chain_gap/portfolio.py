"""County division of labour (错位发展): every county-level unit of an area × every chain.

For a city (or a province) the policy asks each county (县 / 市辖区 / 县级市, and each functional zone
with a county-level code: 开发区, 高新区 …) to settle on one or two leading industries, "实现错位发展、
协同发展，避免无序竞争". :func:`portfolio` computes, for every unit of the area and every chain:

* the specialisation ``S = Σ w · min(LQ*, cap) / cap`` over the chain's leaf links with a local
  producer (template weights renormalised to 1 over the links the data can see, so S is in [0, 1]);
* the feasibility ``F`` = the weight-averaged relatedness density (ORACLES M6) of the links the unit
  lacks, against all units of the same level in the data;
* the suggested leading chains: the best ``leading_max`` by S with S ≥ ``leading_floor``, else the best
  by F marked 培育 (to cultivate), each with a plain-Chinese reason that cites the numbers;
* the overlaps: a chain several units lead (or cultivate) while none of them is strong in it
  (S < ``strong_bar``) is a 无序竞争 risk; the unit with the highest S is suggested as the lead and the
  others as its suppliers where their present links feed the lead's present links (the template's
  ``feeds``), else to choose another chain (协同 rather than competition).

The settings are ``graph/config/portfolio.toml`` (:func:`chain_gap.config.load_portfolio`); the
"no data" rule of the gap table holds: a level the data hardly hold (fewer than
``[data] min_level_coverage`` of the located firms reach it) gives no numbers, and a link no firm in
the data is linked to is left out of S and F. Worked example: ``docs/portfolio.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import codes, frames, metrics, reasons
from chain_gap._gapctx import GapError, _Context, _lq_all
from chain_gap.chains import ChainSpec, list_chains, load_chain
from chain_gap.config import GapsConfig, PortfolioConfig, load_gaps, load_portfolio
from chain_gap.labels import ACTIVITY_LABELS

__all__ = [
    "ROLE_LABELS",
    "UNIT_KINDS",
    "Portfolio",
    "PortfolioError",
    "portfolio",
    "unit_kind",
    "units_of",
]


class PortfolioError(GapError):
    """Bad arguments to the division-of-labour analysis (an area that is not a city or province …)."""

    default_code = "portfolio-error"


#: Kind of a county-level unit → (Chinese, English) label. Functional zones are units of their own.
UNIT_KINDS: dict[str, tuple[str, str]] = {
    "district": ("市辖区", "district"),
    "county": ("县", "county"),
    "county_city": ("县级市", "county-level city"),
    "devzone": ("开发区", "development zone"),
    "hightech": ("高新区", "high-tech zone"),
    "zone": ("功能区", "functional zone"),
    "city": ("地级市", "city"),
}
FUNCTIONAL_KINDS = frozenset({"devzone", "hightech", "zone"})

#: A unit's role in a chain → (Chinese, English).
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "lead": ("主导", "leading"),
    "cultivate": ("培育", "to cultivate"),
    "": ("", ""),
}
#: Roles in a shared chain → (Chinese, English).
SHARE_ROLES: dict[str, tuple[str, str]] = {
    "lead": ("牵头", "lead"),
    "supplier": ("配套", "supplier"),
    "differentiate": ("错位另选", "choose another chain"),
}


def unit_kind(code: str, name: str = "") -> str:
    """The kind of a county-level unit by its GB/T 2260 code (and name).

    Codes ``xxxx01``–``xxxx20`` are 市辖区, ``xxxx21``–``xxxx69`` 县, ``xxxx81``–``xxxx99`` (and the
    ``xx90xx`` province-governed units) 县级市; ``xxxx70``–``xxxx79`` are the functional zones the
    statistical division codes give a county-level code (开发区, 高新区, 产业集聚区 …): 高新区 when the
    name says 高新, 开发区 when it says 开发区, else 功能区.

    Parameters
    ----------
    code : str
        6-digit county-level code (a city code gives ``"city"``).
    name : str
        The unit's name.

    Returns
    -------
    str
        A key of :data:`UNIT_KINDS`.
    """
    c = str(code)
    if c.endswith("00"):
        return "city"
    tail = int(c[4:6])
    if 70 <= tail <= 79:
        if "高新" in name:
            return "hightech"
        if "开发区" in name:
            return "devzone"
        return "zone"
    if c[2:4] == "90" or tail >= 81:
        return "county_city"
    return "district" if tail <= 20 else "county"


def units_of(area: str | codes.Region, level: str = "county") -> pd.DataFrame:
    """The units of an area: its county-level units (or, for a province, its cities), in code order.

    Parameters
    ----------
    area : str or Region
        A city or a province (code or name).
    level : str
        ``"county"`` (default; every county-level unit, functional zones included) or ``"city"``
        (a province's cities).

    Returns
    -------
    pandas.DataFrame
        unit, unit_name, kind, kind_zh, kind_en, functional (bool).
    """
    reg = codes.resolve_region(area)
    if reg.level not in ("city", "province"):
        raise PortfolioError(f"{reg.name}（{reg.code}）是县级单位；县域分工请给出所属的市或省")
    if level not in ("county", "city"):
        raise PortfolioError(f"unknown unit level {level!r}; use county or city")
    if level == "city" and reg.level != "province":
        raise PortfolioError(f"{reg.name} is a city: its units are counties (level='county')")
    df = codes.regions()
    inside = df["city"] == reg.code if reg.level == "city" else df["province"] == reg.code
    df = df[inside & (df["level"] == level) & (df["code"] != reg.code)]
    df = df[~df["name"].isin(codes.PLACEHOLDER_NAMES)].sort_values("code")
    kinds = [unit_kind(c, n) if level == "county" else "city" for c, n in zip(df["code"], df["name"])]
    return pd.DataFrame(
        {
            "unit": df["code"].to_numpy(),
            "unit_name": df["name"].to_numpy(),
            "kind": kinds,
            "kind_zh": [UNIT_KINDS[k][0] for k in kinds],
            "kind_en": [UNIT_KINDS[k][1] for k in kinds],
            "functional": [k in FUNCTIONAL_KINDS for k in kinds],
        }
    )


@dataclass
class Portfolio:
    """The division of labour of one area, as DataFrames.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per unit and chain: unit, unit_name, kind_zh, functional, chain, chain_name, chain_name_en,
        no_data, s, f, rank (by S in the area), links, present, missing, local_firms, top_links,
        top_missing, role (``lead`` / ``cultivate`` / ""), role_zh.
    units : pandas.DataFrame
        One row per unit: unit, unit_name, kind, kind_zh, kind_en, functional, no_data, leading
        (chain names), cultivate, leading_ids, reasons, reasons_en.
    overlaps : pandas.DataFrame
        One row per chain two or more units hold: chain, chain_name, n_units, units, max_s, strong_bar,
        risk (bool: none strong → 无序竞争 risk), lead, lead_name, suppliers, differentiate, suggestion,
        suggestion_en.
    roles : pandas.DataFrame
        One row per (shared chain, unit): chain, chain_name, unit, unit_name, s, share_role
        (``lead`` / ``supplier`` / ``differentiate``), share_role_zh, feeds (the lead's links the unit's
        present links feed), alternative (the unit's next chain), reasons.
    attrs : dict
        area, area_name, level (of the units), activity, activity_zh, settings in force, banner (what the
        data cannot say), no_data_chains.
    """

    scores: pd.DataFrame
    units: pd.DataFrame
    overlaps: pd.DataFrame
    roles: pd.DataFrame
    attrs: dict[str, Any] = field(default_factory=dict)
    contexts: dict[str, _Context] = field(default_factory=dict, repr=False)

    def matrix(self, value: str = "s", lang: str = "zh") -> pd.DataFrame:
        """Units × chains of one column of :attr:`scores` (``"s"`` or ``"f"``), chains in shipped order.

        Parameters
        ----------
        value : str
            ``"s"`` (specialisation, default) or ``"f"`` (feasibility).
        lang : str
            Chain and unit names in ``"zh"`` (default) or ``"en"``; a functional zone's name carries its kind.

        Returns
        -------
        pandas.DataFrame
            Indexed by unit name, one column per chain; NaN where the data say nothing (no data).
        """
        sc = self.scores
        col = "chain_name" if lang == "zh" else "chain_name_en"
        wide = sc.pivot_table(index="unit", columns="chain", values=value, aggfunc="first", dropna=False)
        chains = list(dict.fromkeys(sc["chain"]))
        units = list(dict.fromkeys(sc["unit"]))
        wide = wide.reindex(index=units, columns=chains)
        wide.columns = [str(sc.loc[sc["chain"] == c, col].iloc[0]) for c in chains]
        wide.index = pd.Index(
            [unit_label(r, lang) for r in frames.rows(self.units.set_index("unit").loc[units].reset_index())]
        )
        return wide


def unit_label(r: Any, lang: str = "zh") -> str:
    """A unit's name as a leader reads it: functional zones carry their kind (``…（功能区）``)."""
    if not r.functional:
        return str(r.unit_name)
    return f"{r.unit_name}（{r.kind_zh}）" if lang == "zh" else f"{r.unit_name} ({r.kind_en})"


def _num(x: float, nd: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def _chain_scores(
    ctx: _Context, units: pd.DataFrame, cap: float, basis: str, cfg: GapsConfig
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """S, F and their parts for every unit of the area in one chain (vectorised over the units)."""
    spec = ctx.spec
    E = float(ctx.region_total.sum())

    def Er_of(code: str) -> float:
        return float(ctx.region_total.get(code, 0.0))

    links = ctx.links.set_index("link")
    national = ctx.counts.sum(axis=0).reindex(links.index).fillna(0)
    seen = [lk for lk in links.index if national[lk] > 0]
    level_ok = ctx.level_coverage >= cfg.data.min_level_coverage
    chain_no_data = not level_ok or not seen
    w = links["weight"].astype(float).reindex(seen)
    w = w / w.sum() if len(w) and w.sum() > 0 else pd.Series(1.0 / max(len(seen), 1), index=seen)
    lq: Any = _lq_all(ctx.X, ctx.region_total).reindex(columns=seen)  # (pandas-stubs cannot follow .loc here)
    active = ctx.X.index[ctx.X.sum(axis=1) > 0]
    dens: Any = (
        metrics.density(ctx.X.loc[active, seen]) if len(active) >= 2 and len(seen) >= 2 else pd.DataFrame(columns=seen)
    )
    mem = ctx.mem
    firms: Any = mem.groupby(ctx.level)["ent_id"].nunique() if len(mem) else pd.Series(dtype=int)
    names: Any = links["link_name"]
    rows = []
    present_sets: dict[str, set[str]] = {}
    for u in units.itertuples():
        unit = str(u.unit)
        base = {"unit": unit, "chain": spec.id, "chain_name": spec.name, "chain_name_en": spec.name_en}
        has_firms = unit in ctx.region_total.index and float(ctx.region_total.get(unit, 0.0)) > 0
        if chain_no_data or not has_firms:
            rows.append(
                {
                    **base,
                    "no_data": True,
                    "no_data_why": "level" if not level_ok else "chain" if not seen else "unit",
                    "s": math.nan,
                    "f": math.nan,
                    "links": len(seen),
                    "present": 0,
                    "missing": 0,
                    "local_firms": 0,
                    "top_links": "",
                    "top_missing": "",
                }
            )
            continue
        cnt: Any = ctx.counts.loc[unit].reindex(seen).fillna(0)
        present = cnt > 0
        present_sets[unit] = {str(k) for k in present.index[present]}
        if basis == "ci_low":  # the refinement for small counts: the lower end of the LQ* interval
            e = ctx.X.loc[unit, seen].to_numpy(float)
            Ep = ctx.X[seen].sum(axis=0).to_numpy(float)
            res = metrics.location_quotient(e, Er_of(unit), Ep, E, level=cfg.verdict.level)
            q = pd.Series(np.asarray(res.ci_low, dtype=float), index=seen)
        else:
            q = lq.loc[unit].astype(float)
        q = q.replace([np.inf], cap).fillna(0.0).clip(upper=cap)
        contrib = (w * q / cap).where(present, 0.0)
        s = float(contrib.sum())
        miss = [lk for lk in seen if not present[lk]]
        if miss and len(dens):
            d = dens.loc[unit, miss] if unit in dens.index else pd.Series(0.0, index=miss)
            f = float((w[miss] * d).sum() / w[miss].sum()) if w[miss].sum() > 0 else math.nan
            best_missing = d.sort_values(ascending=False).head(3)
            top_missing = "、".join(f"{names[k]}（关联密度{v:.2f}）" for k, v in best_missing.items() if v > 0)
        else:
            f, top_missing = math.nan, ""
        top = contrib[contrib > 0].sort_values(ascending=False).head(3)
        top_links = "、".join(f"{names[k]}（{int(cnt[k])}家，LQ*={lq.loc[unit, k]:.2f}）" for k in top.index)
        rows.append(
            {
                **base,
                "no_data": False,
                "no_data_why": "",
                "s": round(s, 4),
                "f": round(f, 4) if not math.isnan(f) else math.nan,
                "links": len(seen),
                "present": int(present.sum()),
                "missing": len(miss),
                "local_firms": int(firms.get(unit, 0)),
                "top_links": top_links,
                "top_missing": top_missing,
            }
        )
    info = {
        "level_ok": level_ok,
        "level_coverage": ctx.level_coverage,
        "links_seen": len(seen),
        "links_left_out": len(links) - len(seen),
        "weights": w,
        "present": present_sets,
    }
    return pd.DataFrame(rows), info


def portfolio(
    G: nx.MultiDiGraph,
    area: str,
    *,
    chains: Iterable[str | ChainSpec] | None = None,
    activity: str = "firms",
    level: str = "county",
    config: PortfolioConfig | Mapping[str, Any] | str | Path | None = None,
    gaps_config: GapsConfig | Mapping[str, Any] | str | Path | None = None,
) -> Portfolio:
    """The division of labour of a city's (or province's) units across chains.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    area : str
        A city or province (code or name: ``"商丘市"``, ``"411400"``, ``"河南省"``).
    chains : iterable of str or ChainSpec, optional
        Chains compared (default every shipped chain, in the order ``chain-gap chains list`` gives).
    activity : str
        ``"firms"`` (count, default), ``"revenue"`` or ``"reg_capital"``: the LQ* of S is on it.
    level : str
        Units: ``"county"`` (every county-level unit, functional zones included) or, for a province,
        ``"city"``.
    config : PortfolioConfig, Mapping, str, pathlib.Path or None
        The ``[portfolio]`` settings (default ``graph/config/portfolio.toml``).
    gaps_config : GapsConfig, Mapping, str, pathlib.Path or None
        The gap settings whose ``[data]`` rule decides what is ``no_data`` (default the shipped file).

    Returns
    -------
    Portfolio
        scores, units, overlaps and roles (DataFrames) and the attrs that say what was used.
    """
    pcfg = load_portfolio(config)
    gcfg = load_gaps(gaps_config)
    reg = codes.resolve_region(area)
    units = units_of(reg, level)
    specs = [load_chain(c) for c in (chains if chains is not None else list_chains()["id"])]
    if not specs:
        raise PortfolioError("no chain to compare")
    cap = float(pcfg.portfolio.lq_cap)
    if pcfg.portfolio.lq_basis not in ("lq_star", "ci_low"):
        raise PortfolioError(
            f"{pcfg.source}: portfolio.lq_basis must be lq_star or ci_low, not {pcfg.portfolio.lq_basis!r}"
        )
    parts, contexts, infos = [], {}, {}
    unlinked = []
    with frames.snapshot(G):
        for spec in specs:
            if not any(n in G for n in frames.links(G, spec)["link_node"]):
                # never linked (chain-gap link was not run for it): the data say nothing of it
                unlinked.append(spec)
                infos[spec.id] = {"level_ok": True, "level_coverage": 1.0, "links_seen": 0, "links_left_out": 0}
                parts.append(_unlinked_rows(spec, units))
                continue
            ctx = _Context(G, spec, level, activity, "performer")
            sc, info = _chain_scores(ctx, units, cap, pcfg.portfolio.lq_basis, gcfg)
            parts.append(sc)
            contexts[spec.id] = ctx
            infos[spec.id] = info
    scores = pd.concat(parts, ignore_index=True)
    scores = units[["unit", "unit_name", "kind_zh", "kind_en", "functional"]].merge(scores, on="unit", how="right")
    scores["rank"] = scores.groupby("chain")["s"].rank(ascending=False, method="min")
    scores["role"] = ""
    unit_rows = []
    order = {s.id: i for i, s in enumerate(specs)}
    n_units = len(units)
    for u in frames.rows(units):
        mine = scores[(scores["unit"] == u.unit) & ~scores["no_data"]]
        lead, cult = _leading(mine, pcfg, order)
        scores.loc[(scores["unit"] == u.unit) & scores["chain"].isin(lead), "role"] = "lead"
        scores.loc[(scores["unit"] == u.unit) & scores["chain"].isin(cult), "role"] = "cultivate"
        zh, en = _unit_reason(u, mine, lead, cult, pcfg, n_units, "全市" if reg.level == "city" else "全省")
        by_id = scores.drop_duplicates("chain").set_index("chain")
        unit_rows.append(
            {
                **u._asdict(),
                "no_data": mine.empty,
                "leading": "、".join(str(by_id.loc[c, "chain_name"]) for c in lead),
                "cultivate": "、".join(str(by_id.loc[c, "chain_name"]) for c in cult),
                "leading_ids": list(lead) + list(cult),
                "reasons": zh,
                "reasons_en": en,
            }
        )
    scores["role_zh"] = scores["role"].map(lambda r: ROLE_LABELS[r][0])
    unit_df = pd.DataFrame(unit_rows)
    present = {(u, c): links for c, info in infos.items() for u, links in cast(dict, info.get("present", {})).items()}
    overlaps, roles = _overlaps(scores, present, specs, pcfg)
    attrs = _attrs(reg, level, activity, pcfg, gcfg, specs, infos, scores, unlinked)
    attrs["no_data_chains"] += [s.id for s in unlinked if s.id not in attrs["no_data_chains"]]
    return Portfolio(scores, unit_df, overlaps, roles, attrs, contexts)


def _unlinked_rows(spec: ChainSpec, units: pd.DataFrame) -> pd.DataFrame:
    """The rows of a chain the graph was never linked to: no data for every unit."""
    return pd.DataFrame(
        {
            "unit": units["unit"].to_numpy(),
            "chain": spec.id,
            "chain_name": spec.name,
            "chain_name_en": spec.name_en,
            "no_data": True,
            "no_data_why": "unlinked",
            "s": math.nan,
            "f": math.nan,
            "links": len(spec.leaves()),
            "present": 0,
            "missing": 0,
            "local_firms": 0,
            "top_links": "",
            "top_missing": "",
        }
    )


def _leading(mine: pd.DataFrame, pcfg: PortfolioConfig, order: Mapping[str, int]) -> tuple[list[str], list[str]]:
    """The unit's leading chains (S ≥ floor, best S first) or, when none qualifies, its best chain by F."""
    p = pcfg.portfolio
    if mine.empty:
        return [], []
    m = mine.assign(_o=mine["chain"].map(order), _f=mine["f"].fillna(-1.0))
    ok = m[m["s"] >= p.leading_floor].sort_values(["s", "_f", "_o"], ascending=[False, False, True])
    if len(ok):
        return list(ok["chain"].head(int(p.leading_max))), []
    cand = m[m["f"].notna()].sort_values(["f", "s", "_o"], ascending=[False, False, True])
    return [], list(cand["chain"].head(1))


def _unit_reason(
    u: Any, mine: pd.DataFrame, lead: list[str], cult: list[str], pcfg: PortfolioConfig, n_units: int, area: str
) -> tuple[str, str]:
    """The plain-language reason of a unit's suggestion, the numbers cited (Chinese, English)."""
    p = pcfg.portfolio
    kind = f"（{u.kind_zh}，作为独立单元参与分工）" if u.functional else ""
    kind_en = f" ({u.kind_en}, a unit of its own)" if u.functional else ""
    if mine.empty:
        return (
            f"{u.unit_name}{kind}：数据中没有定位到该单位的企业，或该级别数据不足（无数据，不作建议）",
            f"{u.unit_name}{kind_en}: no firm of the data is located here, or the data hardly hold this level "
            "(no data, no suggestion)",
        )
    by: Any = mine.set_index("chain")
    if lead:
        parts, parts_en = [], []
        for c in lead:
            r = by.loc[c]
            parts.append(
                f"{r.chain_name}（专业化S={r.s:.2f}，在{area}{n_units}个单位中排第{int(r['rank'])}；"
                f"{r.present}/{r.links}个环节有本地企业，主要为{r.top_links or '—'}）"
            )
            parts_en.append(
                f"{r.chain_name_en} (S={r.s:.2f}, rank {int(r['rank'])} of {n_units} units; "
                f"{r.present}/{r.links} links with local producers)"
            )
        return (
            f"{u.unit_name}{kind}：建议主导产业为" + "；".join(parts) + f"。门槛S≥{p.leading_floor:.2f}。",
            f"{u.unit_name}{kind_en}: suggested leading chains "
            + "; ".join(parts_en)
            + f". Floor S ≥ {p.leading_floor:.2f}.",
        )
    best = mine.sort_values("s", ascending=False).iloc[0]
    head = f"{u.unit_name}{kind}：各产业链专业化均低于门槛S≥{p.leading_floor:.2f}（最高为{best.chain_name} S={best.s:.2f}）"
    head_en = (
        f"{u.unit_name}{kind_en}: no chain reaches the floor S ≥ {p.leading_floor:.2f} "
        f"(best {best.chain_name_en} S={best.s:.2f})"
    )
    if not cult:
        return head + "，且缺失环节的关联密度无法计算，暂不建议。", head_en + "; feasibility cannot be computed."
    r = by.loc[cult[0]]
    return (
        head + f"；建议培育{r.chain_name}：缺失环节的加权关联密度F={r.f:.2f}，为各链最高"
        f"（较易进入：{r.top_missing or '—'}）。",
        head_en + f"; suggested to cultivate {r.chain_name_en}: weighted density of its missing links F={r.f:.2f}, "
        "the highest of all chains.",
    )


def _overlaps(
    scores: pd.DataFrame,
    present_of: Mapping[tuple[str, str], set[str]],
    specs: list[ChainSpec],
    pcfg: PortfolioConfig,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chains held by two or more units: 无序竞争 risk when none is strong; lead, suppliers, the others."""
    bar = pcfg.portfolio.strong_bar
    held = scores[scores["role"] != ""]
    over_rows, role_rows = [], []
    for spec in specs:
        h = held[held["chain"] == spec.id]
        if len(h) < 2:
            continue
        h = h.assign(_f=h["f"].fillna(-1.0)).sort_values(["s", "_f", "unit"], ascending=[False, False, True])
        lead = h.iloc[0]
        max_s = float(lead["s"])
        risk = max_s < bar
        lead_links = present_of.get((lead["unit"], spec.id), set())
        names = {lf.id: lf.name for lf in spec.leaves()}
        suppliers, others = [], []
        role_rows.append(
            _role_row(
                spec, lead, "lead", "", "", f"{lead['unit_name']}在{spec.name}的专业化最高（S={max_s:.2f}），建议牵头"
            )
        )
        for r in frames.rows(h.iloc[1:]):
            mine = present_of.get((r.unit, spec.id), set())
            edges = [(a, b) for a, b, _ in spec.feeds_edges() if a in mine and b in lead_links]
            if edges:
                suppliers.append(r.unit_name)
                feeds = "、".join(f"{names[a]}→{names[b]}" for a, b in edges[:4])
                why = f"{r.unit_name}（S={r.s:.2f}）的本地环节可向{lead['unit_name']}配套：{feeds}"
                role_rows.append(_role_row(spec, r, "supplier", feeds, "", why))
            else:
                others.append(r.unit_name)
                alt = _alternative(scores, r.unit, spec.id, pcfg)
                why = f"{r.unit_name}（S={r.s:.2f}）在{spec.name}没有向{lead['unit_name']}供货的本地环节，" + (
                    f"建议错位发展，次选{alt}" if alt else "建议错位发展、另选主导产业"
                )
                role_rows.append(_role_row(spec, r, "differentiate", "", alt, why))
        names_all = "、".join(h["unit_name"])
        if risk:
            zh = (
                f"{names_all}均以{spec.name}为主导/培育产业，但无一达到较强水平（最高S={max_s:.2f}<{bar:.2f}），"
                f"存在无序竞争风险；建议由{lead['unit_name']}牵头"
            )
            en = (
                f"{len(h)} units lead or cultivate {spec.name_en}, none strong (max S={max_s:.2f} < {bar:.2f}): "
                f"risk of disorderly competition; suggested lead {lead['unit_name']}"
            )
        else:
            zh = f"{names_all}均以{spec.name}为主导/培育产业，{lead['unit_name']}已较强（S={max_s:.2f}≥{bar:.2f}），建议由其牵头"
            en = f"{len(h)} units hold {spec.name_en}; {lead['unit_name']} is strong (S={max_s:.2f} ≥ {bar:.2f}) and leads"
        if suppliers:
            zh += f"，{'、'.join(suppliers)}按上下游关系配套（协同）"
            en += f"; {', '.join(suppliers)} supply it along the chain"
        if others:
            zh += f"，{'、'.join(others)}与牵头单位无上下游配套，宜错位另选"
            en += f"; {', '.join(others)} have no link feeding the lead and should choose another chain"
        over_rows.append(
            {
                "chain": spec.id,
                "chain_name": spec.name,
                "chain_name_en": spec.name_en,
                "n_units": len(h),
                "units": names_all,
                "max_s": round(max_s, 4),
                "strong_bar": bar,
                "risk": risk,
                "lead": lead["unit"],
                "lead_name": lead["unit_name"],
                "suppliers": "、".join(suppliers),
                "differentiate": "、".join(others),
                "suggestion": zh + "。",
                "suggestion_en": en + ".",
            }
        )
    ocols = [
        "chain", "chain_name", "chain_name_en", "n_units", "units", "max_s", "strong_bar", "risk", "lead",
        "lead_name", "suppliers", "differentiate", "suggestion", "suggestion_en",
    ]  # fmt: skip
    rcols = [
        "chain",
        "chain_name",
        "unit",
        "unit_name",
        "s",
        "share_role",
        "share_role_zh",
        "feeds",
        "alternative",
        "reasons",
    ]
    return pd.DataFrame(over_rows, columns=ocols), pd.DataFrame(role_rows, columns=rcols)


def _role_row(spec: ChainSpec, r: Any, role: str, feeds: str, alt: str, why: str) -> dict[str, Any]:
    get = r.get if hasattr(r, "get") else lambda k: getattr(r, k)
    return {
        "chain": spec.id,
        "chain_name": spec.name,
        "unit": get("unit"),
        "unit_name": get("unit_name"),
        "s": get("s"),
        "share_role": role,
        "share_role_zh": SHARE_ROLES[role][0],
        "feeds": feeds,
        "alternative": alt,
        "reasons": why,
    }


def _alternative(scores: pd.DataFrame, unit: str, chain: str, pcfg: PortfolioConfig) -> str:
    """The unit's best other chain by S (S > 0) that it does not already hold (``name S=…``), '' when none."""
    m = scores[(scores["unit"] == unit) & (scores["chain"] != chain) & (scores["role"] == "") & ~scores["no_data"]]
    m = m[m["s"] > 0]
    if m.empty:
        return ""
    r = m.sort_values(["s", "chain"], ascending=[False, True]).iloc[0]
    return f"{r.chain_name}（S={r.s:.2f}）"


def _attrs(
    reg: Any,
    level: str,
    activity: str,
    pcfg: PortfolioConfig,
    gcfg: GapsConfig,
    specs: list[ChainSpec],
    infos: Mapping[str, Mapping[str, Any]],
    scores: pd.DataFrame,
    unlinked: list[ChainSpec],
) -> dict[str, Any]:
    bad_level = [s for s in specs if not infos[s.id]["level_ok"]]
    no_chain = [
        s for s in specs if infos[s.id]["level_ok"] and not infos[s.id]["links_seen"] and "present" in infos[s.id]
    ]
    banner, banner_en = reasons.portfolio_banner(
        level=level,
        min_level_coverage=gcfg.data.min_level_coverage,
        bad_level=[(s.name, s.name_en, float(infos[s.id]["level_coverage"])) for s in bad_level],
        no_chain=[(s.name, s.name_en) for s in no_chain],
        left_out=[
            (s.name, s.name_en, int(infos[s.id]["links_left_out"]))
            for s in specs
            # at a level the data hardly hold, the links "seen" are those of the few firms that reach it: a
            # count of them would read as a real finding, so a no-data chain lists none
            if infos[s.id]["links_left_out"] and infos[s.id]["links_seen"] and infos[s.id]["level_ok"]
        ],
        unlinked=[(s.name, s.name_en) for s in unlinked],
    )
    return {
        "area": reg.code,
        "area_name": reg.name,
        "level": level,
        "activity": activity,
        "activity_zh": ACTIVITY_LABELS["zh"][activity],
        "config": pcfg.as_dict(),
        "gaps_data": {"min_level_coverage": gcfg.data.min_level_coverage},
        "banner": banner,
        "banner_en": banner_en,
        "no_data_chains": [s.id for s in bad_level + no_chain],
        "level_has_data": not bad_level or len(bad_level) < len(specs),
        "chains": [s.id for s in specs],
    }
