"""招商目标企业清单: which firms elsewhere would close a region's gaps, ranked and explained.

Candidates are confirmed producers outside the region in links whose action firms can be attracted into
(补链 / 延链 / 补强 / 强链, :data:`chain_gap.vocab.TARGET_ACTIONS`). The score is the target score of
docs/formulas.md — link priority × firm score — and every component is a column: gap and priority of the
link, feasibility (relatedness density), resilience gain of a second maker (cascade loss), firm quality
(entropy-weight TOPSIS), fit to local buyers (supplier fit on supply pairs, else adjacency along ``feeds``)
and proximity. A Chinese ``reasons`` sentence names the gap
the firm closes and its strongest components.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import _fastgraph, _vintage, codes, frames, metrics, reasons, vocab
from chain_gap import gaps as gaps_mod
from chain_gap._targets_local import anchor_suppliers as anchor_suppliers  # re-exported: the public API
from chain_gap._targets_local import what_if as what_if
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.config import TargetProfile, load_targets
from chain_gap.errors import ChainGapError
from chain_gap.normalize import normalize_name


class TargetError(ChainGapError, ValueError):
    """Bad arguments to a targeting function."""

    default_code = "target-error"


Profile = TargetProfile  # the name earlier releases used


def _profile_dict(profile: TargetProfile) -> dict[str, Any]:
    return {
        "alpha": profile.alpha,
        "proximity": profile.proximity,
        "priority": dict(profile.priority),
        "tags": dict(profile.tags),
        "reference_year": profile.reference_year,
        "side_line_share": profile.side_line_share,
    }


def load_profile(path: str | Path | Mapping[str, Any] | TargetProfile | None = None) -> TargetProfile:
    """Read a weight profile (default: the shipped ``graph/config/targets.toml``).

    Parameters
    ----------
    path : str, Path, Mapping, TargetProfile or None
        A TOML file or a mapping shaped like it; unknown keys are refused (see
        :func:`chain_gap.config.load_targets`).

    Returns
    -------
    TargetProfile
    """
    return load_targets(path)


@dataclass
class Filters:
    """Which candidates to drop before ranking."""

    exclude_regions: list[str] = field(default_factory=list)
    min_capital: float | None = None
    required_tags: list[str] = field(default_factory=list)
    skip_present: bool = True
    side_lines: bool = False


def parse_filters(items: Iterable[str] | Mapping[str, Any] | Filters | None) -> Filters:
    """Build :class:`Filters` from ``key=value`` strings (the CLI's ``--filter``) or a mapping.

    Keys: ``exclude_regions`` (comma-separated codes or names), ``min_capital`` (CNY, accepts
    "5000万"), ``required_tags`` (comma-separated), ``skip_present`` (true/false), ``side_lines``
    (true/false: also rank firms for which the link is a side line, below the profile's
    ``side_line_share`` of their revenue).

    Parameters
    ----------
    items : iterable of str, Mapping, Filters or None
        ``key=value`` strings, a mapping of the same keys, or filters (returned as is); ``None`` gives
        the defaults (no filter, firms already present skipped).

    Returns
    -------
    Filters

    Raises
    ------
    TargetError
        A string without ``=``, an unknown key or a value that cannot be read.
    """
    if isinstance(items, Filters):
        return items
    if items is None:
        return Filters()
    raw: dict[str, Any] = dict(items) if isinstance(items, Mapping) else {}
    if not isinstance(items, Mapping):
        for it in items:
            if "=" not in it:
                raise TargetError(f"filter {it!r}: expected key=value")
            k, v = it.split("=", 1)
            raw[k.strip()] = v.strip()
    f = Filters()
    for k, v in raw.items():
        if k == "exclude_regions":
            vals = v if isinstance(v, list) else [x for x in str(v).split(",") if x.strip()]
            f.exclude_regions = [codes.resolve_region(str(x).strip()).code for x in vals]
        elif k == "min_capital":
            from chain_gap.normalize import parse_capital

            amount, _ = parse_capital(str(v))
            if amount is None:
                raise TargetError(f"filter min_capital={v!r}: not an amount")
            f.min_capital = amount
        elif k == "required_tags":
            f.required_tags = v if isinstance(v, list) else [x.strip() for x in str(v).split(",") if x.strip()]
        elif k == "skip_present":
            f.skip_present = str(v).lower() in ("1", "true", "yes", "y")
        elif k == "side_lines":
            f.side_lines = str(v).lower() in ("1", "true", "yes", "y")
        else:
            raise TargetError(
                f"unknown filter {k!r}; use exclude_regions, min_capital, required_tags, skip_present, side_lines"
            )
    return f


def _numeric(df: pd.DataFrame, col: str) -> pd.Series:
    """A column as floats (0 where missing or absent)."""
    if col not in df:
        return pd.Series(0.0, index=df.index)
    return pd.to_numeric(df[col], errors="coerce").fillna(0.0).astype(float)


def _years(dates: pd.Series, ref_year: int) -> pd.Series:
    year = pd.to_datetime(dates, errors="coerce").dt.year
    return (ref_year - year).clip(lower=0).fillna(0.0).astype(float)


def _quality(cands: pd.DataFrame, tag_points: Mapping[str, float], ref_year: int) -> pd.Series:
    """Entropy-weight TOPSIS over what the data carry, all benefit criteria.

    Per firm: size (revenue, registered capital, staff), age, listing age, tags; per firm and link, when
    the rows have them: the share of the firm's revenue in the link's products and the number of its
    product lines in the link (what tells listed firms apart when sizes are unknown). A criterion on
    which every candidate is equal is left out. Ages are counted to ``ref_year``.
    """
    age = _years(cands["founded"], ref_year)
    tags = cands["tags"].apply(lambda ts: sum(float(tag_points.get(t, 0.0)) for t in (ts or [])))
    X = pd.DataFrame(
        {
            "revenue": pd.to_numeric(cands["revenue"], errors="coerce").fillna(0.0),
            "reg_capital": pd.to_numeric(cands["reg_capital"], errors="coerce").fillna(0.0),
            "employees": pd.to_numeric(cands["employees"], errors="coerce").fillna(0.0),
            "age": age.astype(float),
            "listed_years": _years(cands["listed_on"], ref_year) if "listed_on" in cands else 0.0,
            "tags": tags.astype(float),
            "line_share": _numeric(cands, "line_share"),
            "lines": _numeric(cands, "lines"),
        },
        index=cands.index,
    )
    # sizes are heavy-tailed: rank on logs so one giant does not flatten everyone else
    for c in ("revenue", "reg_capital", "employees"):
        X[c] = np.log1p(X[c])
    X = X.loc[:, X.nunique() > 1]  # a criterion on which every firm is equal tells nothing
    if X.empty:
        # no information (e.g. listed companies with tags only): everyone is average, not ideal
        return pd.Series(0.5, index=cands.index)
    return metrics.topsis(X).reindex(cands.index).fillna(0.0)


@dataclass
class _Components:
    cands: pd.DataFrame  # one row per (firm, link) candidate pair with components
    gaps: pd.DataFrame
    region: Any
    chain: ChainSpec
    side_lines_left_out: int = 0


def _components(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    profile: Profile,
    filters: Filters,
    gap_table: pd.DataFrame | None,
) -> _Components:
    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    gt = gap_table if gap_table is not None else gaps_mod.table(G, spec, reg.code)
    need = gt[gt["action"].isin(vocab.TARGET_ACTIONS)].set_index("link")
    mem = frames.members(G, spec, active_only=True)
    mem = mem.drop_duplicates(["ent_id", "link"])
    is_local = mem[reg.level] == reg.code
    local = mem[is_local]
    cands = mem[~is_local & mem["link"].isin(need.index)].copy()
    # filters
    if filters.exclude_regions:
        ex = set(filters.exclude_regions)
        lv = cands[["province", "city", "county"]]
        cands = cands[~lv.isin(ex).any(axis=1)]
    if filters.min_capital is not None:
        cands = cands[pd.to_numeric(cands["reg_capital"], errors="coerce").fillna(0) >= filters.min_capital]
    if filters.required_tags:
        req = set(filters.required_tags)
        cands = cands[cands["tags"].apply(lambda ts: req.issubset(set(ts or [])))]
    side = pd.to_numeric(cands["line_share"], errors="coerce") < profile.side_line_share
    side_left_out = int(side.sum()) if not filters.side_lines else 0
    if not filters.side_lines:  # a link that is a side line of the firm: not whom a bureau calls first
        cands = cands[~side]
    if filters.skip_present and len(cands):
        cands = cands[~_present_in_region(_local_firms(G, reg), reg, cands)]
    cands = cands.reset_index(drop=True)
    if cands.empty:
        return _Components(cands, gt, reg, spec, side_left_out)
    # link components
    cands["gap"] = cands["link"].map(need["gap"]).astype(float)
    cands["density"] = cands["link"].map(need["density"]).astype(float)
    cands["action"] = cands["link"].map(need["action"])
    cands["link_name"] = cands["link"].map(need["link_name"])
    prio = gaps_mod._priority(gt.assign(), dict(profile.priority))
    cands["link_priority"] = cands["link"].map(pd.Series(prio.to_numpy(), index=gt["link"])).astype(float)
    cands["resilience"] = cands["link"].map(_resilience(spec, local)).fillna(0.0).astype(float)
    cands["quality"] = _quality(cands, profile.tags, profile.year(_vintage.of_graph(G))).to_numpy()
    cands["fit"] = _fit(G, spec, cands, local, reg)
    cands["same_province"] = cands["province"] == reg.province
    return _Components(cands, gt, reg, spec, side_left_out)


def _local_firms(G: nx.MultiDiGraph, reg: Any) -> pd.DataFrame:
    """USCC and name of every firm in the region: the region of all firms, the rest for the local ones."""
    ents = frames.enterprises(G, ["region"], levels=[reg.level])
    local = ents[ents[reg.level] == reg.code]
    node = _fastgraph.node_dict(G)
    ids = list(local["ent_id"])
    return local.assign(
        uscc=pd.Series([node[n].get("uscc") for n in ids], index=local.index, dtype=object),
        name=pd.Series([node[n].get("name") for n in ids], index=local.index, dtype=object),
    )


def _present_in_region(ents: pd.DataFrame, reg: Any, cands: pd.DataFrame) -> pd.Series:
    """Candidates already in the region: the same USCC, or a local branch (分公司) of the same company.

    A branch is recognised by name: "X有限公司商丘分公司" is a branch of "X有限公司" (the part of the
    name up to the last 公司 before 分公司, compared after name normalisation).
    """
    local_all = ents[ents[reg.level] == reg.code]
    uscc = set(local_all["uscc"].dropna())
    parents = set()
    for name in local_all["name"].dropna():
        if "分公司" in name:
            head = name[: name.rfind("分公司")]
            cut = head.rfind("公司")
            if cut > 0:
                parents.add(normalize_name(head[: cut + 2]))
    same_uscc = cands["uscc"].isin(uscc) & cands["uscc"].notna()
    if not parents:
        return same_uscc
    branch = cands["name"].fillna("").map(normalize_name).isin(parents)
    return same_uscc | branch


def _resilience(spec: ChainSpec, local: pd.DataFrame) -> dict[str, float]:
    """Drop in total local cascade loss from one more maker per link, 0 for absent links."""
    present = set(local["link"])
    if not present:
        return {}
    needs = {b: [a for a, bb, ess in spec.feeds_edges() if bb == b and ess and a in present] for b in present}
    makers = local.groupby("link")["ent_id"].apply(list).to_dict()
    w = {leaf.id: float(leaf.weight or 0.0) for leaf in spec.leaves()}
    values = {p: w.get(p, 0.0) for p in present}
    if sum(values.values()) <= 0:
        return {}
    return {str(k): float(v) for k, v in metrics.resilience_gain(needs, makers, values).items()}


def _supply_pairs(G: nx.MultiDiGraph) -> list[tuple[Any, Any]]:
    """(supplier, buyer) of every SUPPLIES edge, read from the successor dicts themselves (node →
    successor → key → data) rather than an edge view yielding every edge of the graph as a tuple."""
    supplies = vocab.SUPPLIES
    return [(u, v) for u, nbrs in G._succ.items() for v, keys in nbrs.items() if supplies in keys]


def _fit(G: nx.MultiDiGraph, spec: ChainSpec, cands: pd.DataFrame, local: pd.DataFrame, reg: Any) -> np.ndarray:
    pairs = _supply_pairs(G)
    local_ids = set(local["ent_id"])
    fit: np.ndarray = np.zeros(len(cands))
    if pairs:
        f = metrics.supplier_fit(pairs)
        if len(f):
            fdf = f.rename("fit").reset_index()
            fdf.columns = ["supplier", "buyer", "fit"]
            fdf = fdf[fdf["buyer"].isin(local_ids)]
            per = fdf.groupby("supplier")["fit"].sum()
            fit = cands["ent_id"].map(per).fillna(0.0).to_numpy(float)
    if not pairs or fit.max() <= 0:
        # adjacency along feeds: local producers in the links this link feeds or is fed by
        n_local = local.groupby("link")["ent_id"].nunique().to_dict()
        adj: dict[str, float] = {}
        for leaf in spec.leaves():
            nb = [b for a, b, _ in spec.feeds_edges() if a == leaf.id] + [
                a for a, b, _ in spec.feeds_edges() if b == leaf.id
            ]
            adj[leaf.id] = math.log1p(sum(n_local.get(x, 0) for x in nb))
        fit = cands["link"].map(adj).fillna(0.0).to_numpy(float)
    return fit


def _score(c: pd.DataFrame, profile: Profile) -> pd.Series:
    fmax = float(c["fit"].max()) if len(c) else 0.0
    fit_n = c["fit"] / fmax if fmax > 0 else 0.0 * c["fit"]
    firm = profile.alpha * c["quality"] + (1 - profile.alpha) * fit_n
    return c["link_priority"] * firm * (1 + profile.proximity * c["same_province"].astype(float))


@frames.reads_once
def rank(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    top: int | None = None,
    weights: str | Path | Mapping[str, Any] | Profile | None = None,
    filters: Iterable[str] | Mapping[str, Any] | Filters | None = None,
    gap_table: pd.DataFrame | None = None,
    with_stability: bool = False,
) -> pd.DataFrame:
    """Rank firms outside ``region`` that would close its gaps in ``chain``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name of the region that attracts the firms.
    top : int, optional
        Keep the best ``top`` rows (default all).
    weights : str, pathlib.Path, Mapping, Profile or None
        Weight profile (TOML path, mapping or :class:`Profile`); default ``graph/config/targets.toml``.
    filters : iterable of str, Mapping, Filters or None
        ``["min_capital=5000万", "required_tags=专精特新", "exclude_regions=河南省"]``, a mapping or
        :class:`Filters`. Firms already present in the region are skipped unless ``skip_present=false``.
    gap_table : pandas.DataFrame, optional
        The region's gap table if already computed.
    with_stability : bool
        Add a ``stability`` column: the share of ±20 % weight draws that keep the firm in
        the top ``min(top, 20)`` (see :func:`stability`).

    Returns
    -------
    pandas.DataFrame
        One row per firm (its best link): rank, ent_id, name, uscc, region, region_name, province_name,
        link, link_name, action, action_zh, score, link_priority, gap, density, resilience, quality,
        fit, same_province, reg_capital, revenue, founded, tags, other_links, reasons.
    """
    profile = load_profile(weights)
    comp = _components(G, chain, region, profile, parse_filters(filters), gap_table)
    c = comp.cands
    cols = [
        "rank",
        "ent_id",
        "name",
        "uscc",
        "region",
        "region_name",
        "province_name",
        "link",
        "link_name",
        "action",
        "action_zh",
        "score",
        "link_priority",
        "gap",
        "density",
        "resilience",
        "quality",
        "fit",
        "confidence",
        "same_province",
        "reg_capital",
        "revenue",
        "founded",
        "tags",
        "other_links",
        "reasons",
    ]
    if c.empty:
        out = pd.DataFrame(columns=cols)
        out.attrs.update(
            {
                "profile": _profile_dict(profile),
                "region": comp.region.code,
                "level_has_data": comp.gaps.attrs.get("level_has_data", True),
                "coverage_banner": comp.gaps.attrs.get("coverage_banner", ""),
                "coverage_banner_en": comp.gaps.attrs.get("coverage_banner_en", ""),
            }
        )
        return out
    c["score"] = _score(c, profile)
    fmax = float(c["fit"].max())
    c["fit_n"] = c["fit"] / fmax if fmax > 0 else 0.0
    # ties (common when firms carry no size data): the surer link first, then quality
    c = c.sort_values(["score", "confidence", "quality", "ent_id"], ascending=[False, False, False, True])
    best = c.drop_duplicates("ent_id")
    if top:
        best = best.head(int(top))
    best = best.copy()
    multi = c[c["ent_id"].isin(set(best["ent_id"]))]
    others = multi.groupby("ent_id", sort=False)["link_name"].agg(lambda s: "、".join(list(dict.fromkeys(s))[1:]))
    best["other_links"] = best["ent_id"].map(others).fillna("")
    gi = comp.gaps.set_index("link")
    best["direction"] = best["link"].map(gi["direction"]).fillna("")
    best["verdict_zh"] = best["link"].map(gi["verdict_zh"]).fillna("")
    names = codes.regions().set_index("code")["name"]
    best["region_name"] = frames.region_names(best["region"]).to_numpy()
    best["province_name"] = best["province"].map(names).fillna("")
    best["action_zh"] = best["action"].map(gaps_mod.ACTION_ZH)
    if "listed_on" in best:
        best["listed_years"] = _years(best["listed_on"], profile.year(_vintage.of_graph(G))).to_numpy()
    best["reasons"] = _distinct(best, [reasons.target_reason(r, comp.region.name) for r in frames.rows(best)])
    best["rank"] = np.arange(1, len(best) + 1)
    best["score"] = best["score"].round(6)
    for col in ("quality", "fit", "link_priority", "resilience", "density", "gap"):
        best[col] = best[col].astype(float).round(4)
    out = best[cols].reset_index(drop=True)
    out.attrs.update(
        {
            "profile": _profile_dict(profile),
            "region": comp.region.code,
            "region_name": comp.region.name,
            "chain": comp.chain.id,
            "chain_name": comp.chain.name,
            "level_has_data": comp.gaps.attrs.get("level_has_data", True),
            "coverage_banner": comp.gaps.attrs.get("coverage_banner", ""),
            "coverage_banner_en": comp.gaps.attrs.get("coverage_banner_en", ""),
            "side_lines_left_out": comp.side_lines_left_out,
        }
    )
    if with_stability:
        st = stability(G, comp.chain, comp.region.code, top=min(top or 20, 20), weights=profile, filters=filters)
        out["stability"] = out["ent_id"].map(st).fillna(0.0)
    return out


@frames.reads_once
def stability(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    top: int = 20,
    n: int = 200,
    jitter: float = 0.2,
    seed: int = 0,
    weights: Any = None,
    filters: Any = None,
) -> pd.Series:
    """Probability that each firm stays in the top ``top`` when every weight varies by ±``jitter``.

    The components are computed once; each of the ``n`` draws multiplies the link-priority weights,
    alpha and the proximity bonus by independent U(1 − jitter, 1 + jitter) factors and re-ranks.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    top : int
        Length of the top list whose membership is tested.
    n : int
        Number of weight draws.
    jitter : float
        Relative half-width of each weight's uniform draw (0.2 = ±20 %).
    seed : int
        Seed of the random generator, so the figures are reproducible.
    weights : str, pathlib.Path, Mapping, Profile or None
        Weight profile, as in :func:`rank`.
    filters : iterable of str, Mapping, Filters or None
        Candidate filters, as in :func:`rank`.

    Returns
    -------
    pandas.Series
        Indexed by ent_id (the firms in the baseline top list), values in [0, 1].
    """
    profile = load_profile(weights)
    comp = _components(G, chain, region, profile, parse_filters(filters), None)
    c = comp.cands
    if c.empty:
        return pd.Series(dtype=float, name="stability")
    rng = np.random.default_rng(seed)
    gt = comp.gaps
    base_top = _top_ids(c.assign(score=_score(c, profile)), top)
    hits = pd.Series(0, index=base_top, dtype=float)
    for _ in range(int(n)):
        f = rng.uniform(1 - jitter, 1 + jitter, size=len(profile.priority) + 2)
        pw = {k: w * f[i] for i, (k, w) in enumerate(profile.priority.items())}
        p2 = dataclasses.replace(
            profile, alpha=min(1.0, profile.alpha * f[-2]), proximity=profile.proximity * f[-1], priority=pw
        )
        prio = gaps_mod._priority(gt, dict(p2.priority))
        c2 = c.copy()
        c2["link_priority"] = c2["link"].map(pd.Series(prio.to_numpy(), index=gt["link"])).astype(float)
        ids = _top_ids(c2.assign(score=_score(c2, p2)), top)
        hits[hits.index.isin(ids)] += 1
    return (hits / float(n)).rename("stability")


def _top_ids(c: pd.DataFrame, top: int) -> list[str]:
    s = c.sort_values(
        ["score", "confidence", "quality", "ent_id"], ascending=[False, False, False, True]
    ).drop_duplicates("ent_id")
    return list(s["ent_id"].head(top))


def _distinct(best: pd.DataFrame, texts: list[str]) -> list[str]:
    """Two firms of one link never share one reason: a sentence two candidates would share gets each
    firm's rank among the link's candidates (the list is sorted by score), which is what tells them apart."""
    keys = list(zip(best["link"], texts))
    seen: dict[tuple[str, str], int] = {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
    nth: dict[str, int] = {}
    out = []
    for (lk, text), link in zip(keys, best["link"]):
        nth[link] = nth.get(link, 0) + 1
        out.append(f"{text}；本环节候选第{nth[link]}位" if seen[(lk, text)] > 1 else text)
    return out
