"""The chain on a map (产业地图): one value per region of a level, and region benchmarking (对标).

:func:`region_values` computes, for every region of one level inside a scope (the nation, a province
or a city), what the map colours: the chain's firms, its specialisation (LQ*), the verdict of one link,
or how many of a region's ranked targets come from there. Everything comes from
:func:`chain_gap.gaps.table_all` (local counts and LQ* of every region at once), the gap table's own
verdict rule (:func:`chain_gap.gaps.table` per region for the verdict metric) and
:func:`chain_gap.targets.rank` (the targets' origins).

:func:`peers` picks the regions a region is benchmarked against, :func:`benchmark` lays them out link
by link (Chinese-first headers; :func:`compare_sheet` does the same for ``chain-gap compare``).

The default peer rule: regions of the same level in the same province (for a province: all provinces)
that have the chain in the data, closest to the region in the chain's activity A (the sum over the
chain's leaf links of the local activity, firms by default) by |ln(1 + A_peer) − ln(1 + A_region)|;
ties go to the larger A, then the smaller code. Four peers by default (3–5 asked for).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import codes, frames, reasons, vocab
from chain_gap._gapctx import GapError, level_reach
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.config import load_gaps
from chain_gap.labels import ACTION_LABELS, STAGE_LABELS, VERDICT_LABELS

__all__ = ["LEVELS", "METRICS", "benchmark", "compare_sheet", "peers", "region_values", "scope"]

LEVELS = ("province", "city", "county")
METRICS = ("firms", "lq", "verdict", "targets")
_LQ_CAP = 3.0
#: Provincial-level regions drawn on every national map even when the division table in use lacks them.
EXTRA_PROVINCES = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}


def scope(region: str | None, level: str | None) -> tuple[str, str | None]:
    """(level drawn, code of the region that contains them or ``None`` for the nation).

    No region: the provinces of China. A region and a finer level: that level inside the region
    (商丘市 + county → 商丘's counties). Otherwise the region's level (or the one asked) inside its
    province, the nation for provinces.
    """
    if level is not None and level not in LEVELS:
        raise GapError(f"unknown region level {level!r}; choose one of {', '.join(LEVELS)}")
    if region is None:
        lv = level or "province"
        if lv != "province":
            raise GapError("a city or county map needs --region (the province or city it lies in)")
        return lv, None
    reg = codes.resolve_region(region)
    lv = level or reg.level
    if LEVELS.index(lv) > LEVELS.index(reg.level):
        return lv, reg.code
    return lv, (None if lv == "province" else reg.province)


def _in_scope(level: str, within: str | None) -> list[str]:
    df = codes.regions()
    df = df[df["level"] == level]
    if level == "city":
        # a municipality's placeholders (市辖区, 县) are left out; 省直辖县级行政区划 (济源, 仙桃 …) is drawn
        # as the union of its county-level cities, where the data count their firms at city level
        df = df[~df["name"].isin(("市辖区", "县"))]
    if within is not None:
        w = codes.resolve_region(within)
        col = "province" if w.level == "province" else "city"
        df = df[df[col] == w.code]
    out = sorted(df["code"].astype(str))
    if level == "province" and within is None:
        out += [c for c in EXTRA_PROVINCES if c not in out]
    return out


def _name(code: str) -> str:
    try:
        name = codes.resolve_region(code).name
    except codes.RegionError:
        return EXTRA_PROVINCES.get(code, code)
    if name.endswith("直辖县级行政区划"):
        df = codes.regions()
        inner = list(df.loc[(df["city"] == code) & (df["level"] == "county"), "name"])
        return "、".join(inner) if 0 < len(inner) <= 3 else f"{name}（{len(inner)}个县级市）"
    return name


def _chain_activity(long: pd.DataFrame) -> pd.Series:
    return long.groupby("region")["local_activity"].sum()


def region_values(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    *,
    level: str = "province",
    within: str | None = None,
    link: str | None = None,
    metric: str = "firms",
    activity: str = "firms",
    targets_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per region of ``level`` inside ``within``: what the map colours.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    level : str
        ``"province"``, ``"city"`` or ``"county"``.
    within : str, optional
        Code of the province or city holding the regions; ``None`` for the nation.
    link : str, optional
        A leaf link id: firms and LQ* of that link instead of the whole chain; needed for ``verdict``.
    metric : str
        ``firms``, ``lq``, ``verdict`` or ``targets`` (the column ``value`` holds it).
    activity : str
        Activity variable of the LQ* (``firms``, ``revenue``, ``reg_capital``).
    targets_table : pandas.DataFrame, optional
        Ranked targets (:func:`chain_gap.targets.rank`); their ``region`` codes give ``targets``.

    Returns
    -------
    pandas.DataFrame
        region, region_name, firms (distinct firms of the chain, or of the link), lq_star (the
        link's LQ*, or the chain's weighted LQ* Σ weight × min(LQ*, 3)), top_firms (the three
        largest, 、-joined), verdict (with ``link``), targets (with ``targets_table``), covered
        (the region is in the division table), value. ``attrs``: metric, level, within, link, link_name.
    """
    from chain_gap import gaps

    if metric not in METRICS:
        raise GapError(f"unknown map metric {metric!r}; choose one of {', '.join(METRICS)}")
    spec = load_chain(chain)
    leaves = {f"{leaf.id}": leaf for leaf in spec.leaves()}
    if link is not None and link not in leaves:
        raise GapError(f"{link!r} is not a leaf link of {spec.id}; leaf links: {', '.join(list(leaves)[:12])} …")
    if metric == "verdict" and link is None:
        raise GapError("the verdict map needs --link (one leaf link of the chain)")
    if metric == "targets" and targets_table is None:
        raise GapError("the targets map needs the ranked targets of a region (--region)")
    regs = _in_scope(level, within)
    long = gaps.table_all(G, spec, level, activity=activity)
    weights = frames.links(G, spec).set_index("link")["weight"].astype(float)
    if link is not None:
        one = long[long["link"] == link].set_index("region")
        lq = one["lq_star"]
    else:
        w = long["link"].map(weights).astype(float).fillna(0.0)  # float even when no row (string dtype)
        long = long.assign(_w=w * long["lq_star"].clip(upper=_LQ_CAP).fillna(0.0))
        lq = long.groupby("region")["_w"].sum() / max(float(weights.sum()), 1e-12)
    mem = frames.members(G, spec, roles="performer", active_only=True)
    if link is not None and len(mem):
        mem = mem[mem["link"] == link]
    firms = mem[mem[level].fillna("") != ""].groupby(level)["ent_id"].nunique() if len(mem) else pd.Series(dtype=int)
    top = _top_firms(mem, level)
    out = pd.DataFrame({"region": regs})
    out["region_name"] = [_name(c) for c in regs]
    out["firms"] = out["region"].map(firms).fillna(0).astype(int)
    out["lq_star"] = out["region"].map(lq).astype(float)
    out["top_firms"] = [top.get(c, "") for c in out["region"]]
    if metric == "verdict":
        out["verdict"] = _verdicts(G, spec, level, regs, str(link))
    if targets_table is not None and len(targets_table):
        lv = targets_table["region"].astype(str).map(lambda c: _level_code(c, level))
        out["targets"] = out["region"].map(lv.value_counts()).fillna(0).astype(int)
    elif targets_table is not None:
        out["targets"] = 0
    # regions outside the division table in use (a national map's 台湾 / 香港 / 澳门) hold no data
    out["covered"] = [codes.is_region_code(c) for c in regs]
    # a level the data do not locate enough firms to (A-share data hold provinces): every region is
    # "no data", as in the gap table, not a map of zeros
    notice = level_notice(G, level)
    level_ok = bool(notice.attrs["level_has_data"])
    if not level_ok:
        out["covered"] = False
    if "verdict" in out:
        out.loc[~out["covered"], "verdict"] = vocab.NO_DATA
    out.loc[~out["covered"], "lq_star"] = np.nan
    out["value"] = out[{"firms": "firms", "lq": "lq_star", "verdict": "verdict", "targets": "targets"}[metric]]
    out.attrs.update(
        {
            "metric": metric,
            "level": level,
            "within": within,
            "link": link,
            "link_name": leaves[link].name if link else "",
            "link_name_en": leaves[link].name_en if link else "",
            "chain": spec.id,
            "chain_name": spec.name,
            "chain_name_en": spec.name_en,
            "activity": activity,
        }
    )
    out.attrs.update(notice.attrs)
    return out


def level_notice(G: nx.MultiDiGraph, level: str) -> pd.DataFrame:
    """Whether the data locate enough firms to ``level`` to map it, as the gap table decides it.

    Returns an empty frame whose ``attrs`` hold ``level_coverage`` (share of the active located firms
    whose code reaches ``level``, inferred codes included), ``level_has_data`` (coverage ≥ gaps.toml's
    ``[data] min_level_coverage``) and, when it is not reached, the ``coverage_banner`` /
    ``coverage_banner_en`` sentences of :func:`chain_gap.reasons.coverage_banner`.
    """
    ents = frames.enterprises(G, ["region", "region_inferred", "tags"], levels=[level])
    ents = ents[~ents["tags"].map(vocab.is_inactive).astype(bool)]
    cov, inferred = level_reach(ents, level)
    ok = cov >= load_gaps().data.min_level_coverage
    out = pd.DataFrame()
    out.attrs.update(level_coverage=cov, level_has_data=ok)
    if not ok:
        zh, en = reasons.coverage_banner(
            level=level,
            level_ok=False,
            level_coverage=cov,
            national_firms=0,
            no_data_links=0,
            inferred_share=inferred,
            inactive=0,
        )
        out.attrs.update(coverage_banner=zh, coverage_banner_en=en)
    return out


def _top_firms(mem: pd.DataFrame, level: str, k: int = 3) -> dict[str, str]:
    """The ``k`` largest firms (revenue, else registered capital) of each region, 、-joined."""
    if not len(mem):
        return {}
    m = mem[mem[level].fillna("") != ""].drop_duplicates("ent_id").copy()
    rev = pd.to_numeric(m["revenue"], errors="coerce")
    m["_size"] = rev.where(rev > 0, pd.to_numeric(m["reg_capital"], errors="coerce"))
    m = m.sort_values(["_size", "name"], ascending=[False, True], na_position="last")
    top = m.groupby(level)["name"].apply(lambda s: "、".join(s.astype(str).head(k)))
    return {str(c): str(v) for c, v in top.items()}


def _level_code(code: str, level: str) -> str:
    try:
        return codes.region_levels(code).get(level) or ""
    except codes.RegionError:
        return ""


def _verdicts(G: nx.MultiDiGraph, spec: ChainSpec, level: str, regs: list[str], link: str) -> list[str]:
    """The gap table's verdict of ``link`` in each region (the same rule and settings as ``chain-gap gaps``)."""
    from chain_gap import gaps
    from chain_gap._gapctx import _Context
    from chain_gap.config import load_gaps

    ctx = _Context(G, spec, level, "firms", "performer")
    cfg = load_gaps()
    # the rule's first two branches need no table: no data anywhere (or too few firms located at this
    # level) → no_data, no local firm of the link → missing; only regions holding the link get a table
    no_data = float(ctx.counts[link].sum()) == 0 or ctx.level_coverage < cfg.data.min_level_coverage
    held = set(ctx.counts.index[ctx.counts[link] > 0])
    out = []
    for code in regs:
        if no_data:
            out.append(vocab.NO_DATA)
        elif code not in held:
            out.append("missing")
        else:
            t = gaps._table(ctx, codes.resolve_region(code), None, cfg)
            out.append(str(t.loc[t["link"] == link, "verdict"].iloc[0]))
    return out


# ---------------------------------------------------------------- benchmarking (对标)


def peers(G: nx.MultiDiGraph, chain: str | ChainSpec, region: str, *, k: int = 4, activity: str = "firms") -> list[str]:
    """The default peers of ``region`` (the rule of the module docstring): up to ``k`` codes."""
    reg = codes.resolve_region(region)
    long = gaps_long(G, chain, reg.level, activity)
    act = _chain_activity(long)
    same = _in_scope(reg.level, None if reg.level == "province" else reg.province)
    cand = act[act.index.isin(same) & (act.index != reg.code) & (act > 0)]
    a0 = math.log1p(float(act.get(reg.code, 0.0)))
    order = sorted(cand.index, key=lambda c: (abs(math.log1p(float(cand[c])) - a0), -float(cand[c]), c))
    return [str(c) for c in order[:k]]


def gaps_long(G: nx.MultiDiGraph, chain: str | ChainSpec, level: str, activity: str) -> pd.DataFrame:
    from chain_gap import gaps

    return gaps.table_all(G, chain, level, activity=activity)


def _check_peers(region: Any, given: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in given:
        r = codes.resolve_region(p)
        if r.level != region.level:
            raise GapError(f"peer {p} ({r.name}) is a {r.level}, not a {region.level} like {region.name}")
        if r.code != region.code and r.code not in out:
            out.append(r.code)
    if not 1 <= len(out) <= 5:
        raise GapError(f"give 1 to 5 peer regions other than {region.name} (got {len(out)})")
    return out


def benchmark(
    G: nx.MultiDiGraph,
    chain: str | ChainSpec,
    region: str,
    *,
    peer_regions: Iterable[str] | None = None,
    k: int = 4,
    activity: str = "firms",
    lang: str = "zh",
) -> pd.DataFrame:
    """对标表: the region and its peers link by link (local firms, LQ*, verdict), Chinese-first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        The region benchmarked.
    peer_regions : iterable of str, optional
        1–5 regions of the same level; default :func:`peers` (``k`` of them).
    k : int
        How many default peers.
    activity : str
        Activity variable.
    lang : str
        ``"zh"`` (default) or ``"en"`` headers and labels.

    Returns
    -------
    pandas.DataFrame
        :func:`compare_sheet` of the region first, then the peers; ``attrs["peers"]`` (codes),
        ``attrs["rule"]`` (how they were chosen, in ``lang``).
    """
    from chain_gap import gaps

    reg = codes.resolve_region(region)
    if peer_regions is None:
        chosen = peers(G, chain, reg.code, k=k, activity=activity)
        rule = (
            "默认对标地区：同省同级、本链活动量最接近的地区（|ln(1+A)−ln(1+A本地)| 最小，A 为各末级环节本地活动量之和）"
            if lang == "zh"
            else "default peers: same level, same province, closest in the chain's activity "
            "(smallest |ln(1+A) − ln(1+A_region)|, A = the local activity summed over the leaf links)"
        )
    else:
        chosen = _check_peers(reg, peer_regions)
        rule = "用户指定的对标地区" if lang == "zh" else "peers given by the user"
    t = gaps.compare(G, chain, [reg.code, *chosen], activity=activity, flat=True)
    out = compare_sheet(t, lang)
    out.attrs.update({"peers": chosen, "rule": rule, "region": reg.code, "region_name": reg.name})
    return out


_FIELD = {
    "zh": {"local": "本地企业", "lq_star": "区位熵LQ*", "verdict": "诊断", "action": "建议"},
    "en": {"local": "local firms", "lq_star": "LQ*", "verdict": "verdict", "action": "action"},
}
_BASE = {
    "zh": {"link": "环节代码", "link:link_name": "环节", "link:stage": "位置"},
    "en": {"link": "link", "link:link_name": "link name", "link:stage": "stage"},
}


def compare_sheet(flat: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The flat :func:`chain_gap.gaps.compare` table with headers and labels in ``lang`` (Chinese first).

    ``商丘市:lq_star`` → ``商丘市·区位熵LQ*``; verdicts, actions and stages through the vocabulary's
    labels (``missing`` → 缺失); the link names are the template's English ones with ``lang="en"``.
    """
    if lang not in _FIELD:
        raise GapError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    out = flat.copy()
    if "link:link_name_en" in out:  # one link-name column, in the sheet's language
        en = out.pop("link:link_name_en")
        if lang == "en":
            out["link:link_name"] = en.where(en.notna() & (en.astype(str) != ""), out["link:link_name"])
    names: dict[str, str] = {}
    for col in out.columns:
        if col in _BASE[lang]:
            names[col] = _BASE[lang][col]
            continue
        region, _, fld = str(col).rpartition(":")
        if fld == "verdict":
            out[col] = out[col].map(lambda v: VERDICT_LABELS[lang].get(v, v))
        elif fld == "action":
            out[col] = out[col].map(lambda v: ACTION_LABELS[lang].get(v, v))
        elif fld == "lq_star":
            out[col] = out[col].astype(float).round(2).replace([np.inf], np.nan)
        names[col] = f"{region}·{_FIELD[lang].get(fld, fld)}"
    if "link:stage" in out:
        out["link:stage"] = out["link:stage"].map(lambda s: STAGE_LABELS[lang].get(s, s))
    return out.rename(columns=names)
