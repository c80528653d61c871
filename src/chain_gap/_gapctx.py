"""The gap analysis' working context: one chain's tidy tables for all regions of one level, computed once.

:class:`_Context` holds the member table, the region × link activity and count matrices and the feeds
DAG that :mod:`chain_gap.gaps` reads for every region it is asked about, plus the vectorised helpers
(LQ* of every region, peers, cascade loss, complexity) those tables feed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from chain_gap import codes, errors, frames, metrics, vocab
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.config import VerdictSettings
from chain_gap.errors import ChainGapError
from chain_gap.labels import ACTIVITY_LABELS

ACTIVITIES = ACTIVITY_LABELS["zh"]


errors.register(
    "gaps-chain-unlinked",
    "数据包尚未对产业链「{name}」（{chain}）挂链，无法诊断；请先运行 chain-gap link BUNDLE --chain {chain}",
    "The bundle was never linked to the chain {chain} ({name}), so it cannot be analysed; run "
    "chain-gap link BUNDLE --chain {chain} first",
)


class GapError(ChainGapError, ValueError):
    """Bad arguments to a gap analysis (unknown activity, region outside the data...)."""

    default_code = "gap-error"


def _activity(ents: pd.DataFrame, activity: str) -> pd.Series:
    if activity not in ACTIVITIES:
        raise GapError(f"unknown activity {activity!r}; choose one of {', '.join(ACTIVITIES)}")
    if activity == "firms":
        return pd.Series(1.0, index=ents.index)
    return pd.to_numeric(ents[activity], errors="coerce").fillna(0.0).astype(float)


def _size(df: pd.DataFrame) -> pd.Series:
    """Firm size for concentration: revenue, else registered capital; NaN when neither is known."""
    rev = pd.to_numeric(df["revenue"], errors="coerce")
    cap = pd.to_numeric(df["reg_capital"], errors="coerce")
    return rev.where(rev > 0, cap).where(lambda s: s > 0).astype(float)


def level_reach(ents: pd.DataFrame, level: str) -> tuple[float, float]:
    """(coverage, inferred share) of ``level``: the share of the located firms (a 6-digit region code)
    whose code reaches ``level``, inferred codes included, and the share of those that reach it only by
    inference (``region_inferred`` set). ``ents`` is :func:`chain_gap.frames.enterprises` with ``region``,
    ``region_inferred`` and the ``level`` column, inactive firms already left out."""
    located = ents["region"].fillna("").astype(str).str.len() == 6
    reach = located & (ents[level] != "")
    coverage = float(reach.sum() / located.sum()) if located.any() else 0.0
    inferred = ents["region_inferred"].notna() & (ents["region_inferred"].astype(str) != "")
    share = float((reach & inferred).sum() / reach.sum()) if reach.any() else 0.0
    return coverage, share


class _Context:
    """Everything one chain needs for all regions of one level, computed once (vectorised)."""

    def __init__(
        self,
        G: nx.MultiDiGraph,
        chain: str | ChainSpec,
        level: str,
        activity: str,
        roles: Iterable[str] | str | None,
        *,
        counts_only: bool = False,
    ):
        """``counts_only``: the member table carries only what the region × link matrices need (the
        firm's region and activity), not the names, sizes and tags one region's table reads."""
        if level not in ("province", "city", "county"):
            raise GapError(f"unknown region level {level!r}")
        self.G = G
        self.spec = load_chain(chain)
        self.level = level
        self.activity = activity
        self.links = frames.links(G, self.spec)
        if not any(n in G for n in self.links["link_node"]):
            raise GapError(code="gaps-chain-unlinked", chain=self.spec.id, name=self.spec.name)
        want = ["region", "region_inferred", "linkable", "tags"] + ([activity] if activity != "firms" else [])
        ents = frames.enterprises(G, want, levels=[level])
        inactive = ents["tags"].map(vocab.is_inactive).astype(bool)
        self.inactive = int(inactive.sum())
        ents = ents[~inactive].drop(columns=["tags"])
        # level coverage: the share of located firms whose code reaches the asked level, inferred
        # codes (region_inferred: name head, A-share area city) included; level_inferred is the share
        # of those that reach it only by inference
        self.level_coverage, self.level_inferred = level_reach(ents, level)
        ents = ents.drop(columns=["region_inferred"])
        # the reference population: firms the linker can read (evidence of any kind), when it said so
        linkable = ents["linkable"]
        if linkable.notna().any():
            ents = ents[linkable.fillna(False).astype(bool)]
        self.population = "linkable" if linkable.notna().any() else "all"
        self.ents = ents.drop(columns=["linkable"])
        self.ents["_act"] = _activity(self.ents, activity)
        lean = ["region"] + ([activity] if activity != "firms" else [])
        mem = frames.members(G, self.spec, roles=roles, active_only=True, columns=lean if counts_only else None)
        mem = mem.drop_duplicates(["ent_id", "link"])
        mem["_act"] = _activity(mem, activity).to_numpy() if len(mem) else []
        if not counts_only:
            mem["_size"] = _size(mem) if len(mem) else []
        self.mem = mem
        self.national_firms = int(mem["ent_id"].nunique()) if len(mem) else 0
        ents_l = self.ents[self.ents[level] != ""]
        self.region_total = ents_l.groupby(level)["_act"].sum()
        leaf_ids = list(self.links["link"])
        mem_l = mem[mem[level].fillna("") != ""] if len(mem) else mem
        if len(mem_l):
            X = mem_l.groupby([level, "link"])["_act"].sum().unstack(fill_value=0).astype(float)
        else:
            X = pd.DataFrame(dtype=float)
        self.X = X.reindex(index=self.region_total.index, columns=leaf_ids, fill_value=0.0).fillna(0.0)
        counts = (
            mem_l.groupby([level, "link"]).size().unstack(fill_value=0) if len(mem_l) else pd.DataFrame(dtype=float)
        )
        self.counts = counts.reindex(index=self.region_total.index, columns=leaf_ids, fill_value=0).fillna(0)
        self.feeds = nx.DiGraph()
        self.feeds.add_nodes_from(leaf_ids)
        for a, b, ess in self.spec.feeds_edges():
            self.feeds.add_edge(a, b, essential=ess)


def _lq_all(X: pd.DataFrame, Er: pd.Series) -> pd.DataFrame:
    """LQ* of every region × link (rest-of-nation reference), 0 where there is no local activity."""
    E = float(Er.sum())
    Ep = X.sum(axis=0)
    num = X.div(Er.replace(0, np.nan), axis=0)
    den = (Ep - X).div((E - Er).replace(0, np.nan), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return out.where(X > 0, 0.0)


def _peer_index(ctx: _Context, code: str, peers: Iterable[str] | None) -> pd.Index:
    if peers is None:
        return ctx.X.index
    idx = []
    for p in peers:
        r = codes.resolve_region(p)
        if r.level != ctx.level:
            raise GapError(f"peer {p} ({r.name}) is a {r.level}, not a {ctx.level} like the region")
        idx.append(r.code)
    idx = list(dict.fromkeys(idx + [code]))
    return pd.Index([i for i in idx if i in ctx.X.index])


def _local_cascade(ctx: _Context, local: pd.DataFrame) -> dict[str, float]:
    """Largest share of the local chain's value lost when one local firm of a link fails (M5)."""
    present = set(local["link"])
    if not present:
        return {}
    needs = {
        b: [a for a, _, d in ctx.feeds.in_edges(b, data=True) if d.get("essential", True) and a in present]
        for b in present
    }
    makers = local.groupby("link")["ent_id"].apply(list).to_dict()
    w = ctx.links.set_index("link")["weight"]
    values = {p: float(w.get(p, 0.0)) for p in present}
    if sum(values.values()) <= 0:
        return {}
    loss = metrics.cascade_loss(needs, makers, values)
    out: dict[str, float] = {}
    for link, firms in makers.items():
        out[str(link)] = max(float(loss.get(f, 0.0)) for f in firms)
    return out


def _complexity(ctx: _Context, peer_idx: pd.Index, code: str) -> tuple[pd.Series, pd.Series, str]:
    X = ctx.X.loc[peer_idx]
    X = X.loc[X.sum(axis=1) > 0, X.sum(axis=0) > 0]
    if X.shape[0] < 2 or X.shape[1] < 2:
        return pd.Series(dtype=float), pd.Series(dtype=float), "地区或环节过少，未计算复杂度"
    note = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cx = metrics.complexity(X)
    if any(issubclass(c.category, metrics.SmallSampleWarning) for c in caught):
        note = f"仅{X.shape[0]}个地区（少于50），复杂度指标仅供参考"
    pci = cx.drop_duplicates("link").set_index("link")["pci"]
    cog = cx[cx["region"] == code].set_index("link")["cog"] if code in set(cx["region"]) else pd.Series(dtype=float)
    return pci, cog, note


def _specialised(r: Any, v: VerdictSettings) -> bool:
    """Strong route (a): the LQ* interval's lower end clears ``strong_ci_low``."""
    return not math.isnan(r.ci_low) and r.ci_low >= v.strong_ci_low


def _national_leader(r: Any, v: VerdictSettings) -> bool:
    """Strong route (b), scale: among the first ``leader_top_n`` regions of the level by the link's activity,
    at least ``leader_min_share`` of the nation's, and LQ* ≥ ``leader_min_lq`` (gaps.toml explains why)."""
    return (
        not math.isnan(r.national_rank)
        and r.national_rank <= v.leader_top_n
        and r.national_share >= v.leader_min_share
        and not math.isnan(r.lq_star)
        and r.lq_star >= v.leader_min_lq
    )


def _listed_main_business(
    G: nx.MultiDiGraph, local: pd.DataFrame, main_share: float, chain: str
) -> tuple[pd.Series, pd.Series]:
    """Whether each membership row is a listed firm whose main business is the link (the 链主 proxy), and
    whether the Shenwan industry (not the line share) is what says so.

    The industry counts only when the crosswalk says it *is* the link: its strength for the link alone
    reaches the linker's ``confirmed`` threshold (锂 → lithium, 集成电路封测 → packaging_test). A shared
    industry (其他汽车零部件 → brake / interior / thermal parts …, 0.30) names a firm's market, not its main
    business in one link: it made a brake 链主 of a firm whose brake line is 3 % of its revenue. The
    crosswalk is the one ``link.attach`` used on ``G`` (:func:`chain_gap._link_shenwan.industries_that_confirm`)."""
    from chain_gap._link_shenwan import industries_that_confirm
    from chain_gap.config import load_link

    listed = local["tags"].map(lambda t: vocab.LISTED_TAG in (t or ()) and not vocab.is_inactive(t))
    share = pd.to_numeric(local["line_share"], errors="coerce")
    own = industries_that_confirm(G, chain, load_link().confirmed)
    names = local["evidence"].astype(str).str.findall(r"申万:([^;；]+)")
    shenwan = pd.Series(
        [any((str(lk), n.strip()) in own for n in ns) for lk, ns in zip(local["link"], names)], index=local.index
    )
    by_share = share >= main_share
    return listed & (by_share | shenwan), listed & ~by_share & shenwan
