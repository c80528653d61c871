"""What changed in a region's chain between two data vintages (与上次相比).

The policy asks a county to report progress on 延链补链: which missing links have been filled since
the last review, which have gone missing, which gaps persist, how the verdicts moved, which firms
entered or left each link, and which of the firms on the last target list have since set up in the
region. :func:`changes` answers from two bundles of the same region taken at different dates: it
runs the same gap analysis on both (same chain template, same settings) and compares them link by
link and firm by firm.

Firms are matched across the bundles by USCC, else by node id, else by normalised name (never two
firms whose USCCs differ), so a firm whose USCC was filled in between is not counted as one leaving
and one arriving. A former target counts as settled when it, or a local branch (X公司商丘分公司) of
it, is a local producer of the chain in the new bundle.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import _vintage, codes, errors, frames, vocab
from chain_gap import gaps as gaps_mod
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.errors import ChainGapError
from chain_gap.labels import ACTION_LABELS, VERDICT_LABELS
from chain_gap.normalize import normalize_name

__all__ = ["STATUS_LABELS", "Changes", "ChangesError", "ChangesWarning", "changes", "headline"]

errors.register(
    "changes-not-linked",
    "{side}数据包{at}中产业链「{chain}」还没有挂链，无法比较；请先运行 chain-gap link",
    "the {side_en} bundle{at} has no firm linked to chain {chain!r}; run chain-gap link first",
)
errors.register(
    "changes-no-region",
    "{side}数据包{at}中没有位于{region}的企业，无法比较（两份数据须覆盖同一地区）",
    "the {side_en} bundle{at} holds no firm located in {region}; both bundles must cover the region",
)
errors.register(
    "changes-no-level",
    "{side}数据包{at}的企业定位不到{level}级（{banner}），无法在该级别比较",
    "the {side_en} bundle{at} does not locate firms at the {level_en} level ({banner}); cannot compare there",
)


class ChangesError(ChainGapError, ValueError):
    """Two bundles that cannot be compared for this chain and region."""

    default_code = "changes-not-comparable"


class ChangesWarning(UserWarning):
    """The comparison runs but says less than it seems (same vintage, vintages in the wrong order)."""


#: Status of a link between the two vintages → (zh, en), in the order staff read them.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "healed": ("补上（缺失→有）", "healed (missing → present)"),
    "newly_missing": ("新缺失（有→缺失）", "newly missing (present → missing)"),
    "persistent": ("仍缺失", "still missing"),
    "verdict_changed": ("诊断变化", "verdict changed"),
    "unchanged": ("无变化", "unchanged"),
    "no_data": ("无数据，不比较", "no data, not compared"),
}
CHANGE_LABELS = {"entered": ("新进入", "entered"), "left": ("退出", "left")}
_UNKNOWN = ("未知", "unknown")
_LEVEL = {"province": ("省", "province"), "city": ("市", "city"), "county": ("县区", "county")}


@dataclass(frozen=True)
class Changes:
    """The comparison of two vintages of one region's chain (every table a DataFrame).

    Attributes
    ----------
    summary : dict
        chain, chain_name, region, region_name, level, old_vintage / new_vintage (``None`` when
        unknown) and where each was read, the headline counts (healed, newly_missing, persistent,
        verdict_changes, entered, left, settled), completeness old / new and ``notes`` (``notes_en``).
    links : pandas.DataFrame
        One row per leaf link: local firms, verdict, action and LQ* old and new, ``status``
        (:data:`STATUS_LABELS`), firms entered / left, and a ``reasons`` sentence (zh, ``reasons_en``).
    healed, newly_missing, persistent, verdicts : pandas.DataFrame
        The rows of ``links`` that healed, went missing, stayed missing, and whose verdict changed.
    firms : pandas.DataFrame
        One row per firm that entered or left a link: link, change, name, uscc, ent_id, region,
        ``matched_by`` (how it was found in the other bundle) and ``why`` (zh, ``why_en``).
    settled : pandas.DataFrame
        Targets of the old bundle that are local producers in the new one: the old rank, link and
        region, the new name, link(s), ent_id and ``matched_by`` (uscc / id / name / branch).
    """

    summary: dict[str, Any]
    links: pd.DataFrame
    firms: pd.DataFrame
    settled: pd.DataFrame
    healed: pd.DataFrame = field(repr=False)
    newly_missing: pd.DataFrame = field(repr=False)
    persistent: pd.DataFrame = field(repr=False)
    verdicts: pd.DataFrame = field(repr=False)


def _side(G: nx.MultiDiGraph | str | os.PathLike[str]) -> tuple[nx.MultiDiGraph, str]:
    if isinstance(G, nx.MultiDiGraph):
        return G, ""
    from chain_gap import io

    return io.load(G), str(G)


def _vintage_of(G: nx.MultiDiGraph) -> tuple[str | None, str]:
    dv = G.graph.get("data_vintage")
    if isinstance(dv, dict) and dv.get("date"):
        return str(dv["date"]), str(dv.get("from") or "")
    return None, ""


class _Finder:
    """One bundle's firms, to find a firm of the other bundle in: by USCC, else id, else normalised name."""

    def __init__(self, ents: pd.DataFrame):
        self.ents = ents.set_index("ent_id", drop=False)
        u = ents[ents["uscc"].notna() & (ents["uscc"].astype(str) != "")]
        self.by_uscc = dict(zip(u["uscc"].astype(str), u["ent_id"]))
        self._names: dict[str, str | None] | None = None

    def names(self) -> dict[str, str | None]:
        if self._names is None:  # built once, only when a firm is not found by USCC or id
            out: dict[str, str | None] = {}
            for eid, name in zip(self.ents["ent_id"], self.ents["name"]):
                key = normalize_name(name)
                if key:
                    out[key] = None if key in out else eid  # two firms of one name: ambiguous, no match
            self._names = out
        return self._names

    def find(self, uscc: Any, ent_id: Any, name: Any) -> tuple[str | None, str]:
        u = str(uscc) if isinstance(uscc, str) and uscc else ""
        if u and u in self.by_uscc:
            return self.by_uscc[u], "uscc"
        if ent_id in self.ents.index:
            other = self.ents.at[ent_id, "uscc"]
            if not (u and isinstance(other, str) and other and other != u):
                return str(ent_id), "id"
        hit = self.names().get(normalize_name(name))
        if hit is not None:
            other = self.ents.at[hit, "uscc"]
            if not (u and isinstance(other, str) and other and other != u):
                return hit, "name"
        return None, ""


def _check(G: nx.MultiDiGraph, spec: ChainSpec, reg: Any, side: str, where: str, ents: pd.DataFrame) -> None:
    zh_side, en_side = {"old": ("旧", "old"), "new": ("新", "new")}[side]
    w = f"（{where}）" if where else ""
    if frames.members(G, spec, roles=None, decisions=None).empty:
        raise ChangesError(code="changes-not-linked", side=zh_side, side_en=en_side, at=w, chain=spec.id)
    if not (ents[reg.level] == reg.code).any():
        raise ChangesError(
            code="changes-no-region", side=zh_side, side_en=en_side, at=w, region=f"{reg.name}（{reg.code}）"
        )


def _local(mem: pd.DataFrame, reg: Any) -> pd.DataFrame:
    if mem.empty:
        return mem.assign(**{reg.level: []})
    return mem[mem[reg.level] == reg.code].drop_duplicates(["ent_id", "link"])


def _region_name(code: Any) -> str:
    """The full name of a region code (广东省深圳市南山区), the code when unknown, ``""`` for none."""
    if not isinstance(code, str) or not code:
        return ""
    return str(frames.region_names(pd.Series([code])).iloc[0] or code)


def _why(
    m: str | None, other: _Finder, local_other: pd.DataFrame, reg: Any, link: str, names: Mapping[str, str], left: bool
) -> tuple[str, str]:
    """Why a firm left (``left``) or entered a link, read off the other bundle."""
    if m is None:
        return (
            ("新数据中无此企业", "not in the new data")
            if left
            else ("旧数据中无此企业（新出现）", "not in the old data")
        )
    row = other.ents.loc[m]
    if left and vocab.is_inactive(row.get("tags")):
        return "已注销 / 吊销 / 退市", "no longer operating (tags)"
    if row.get(reg.level) != reg.code:
        place = _region_name(row.get("region"))
        return (f"迁至{place}", f"moved to {place}") if left else (f"从{place}迁入", f"moved in from {place}")
    elsewhere = [str(k) for k in local_other.loc[local_other["ent_id"] == m, "link"] if k != link]
    if elsewhere:
        zh = "、".join(names.get(k, k) for k in elsewhere)
        return (
            (f"改挂{zh}", f"now in {', '.join(elsewhere)}") if left else (f"原挂{zh}", f"was in {', '.join(elsewhere)}")
        )
    if left:
        return "仍在本地，不再是此环节的生产企业", "still local, no longer a producer of this link"
    return "原已在本地，新挂此环节", "already local, newly linked here"


def _firms(
    lo: pd.DataFrame, ln: pd.DataFrame, f_old: _Finder, f_new: _Finder, reg: Any, names: Mapping[str, str]
) -> pd.DataFrame:
    rows = []
    for link in list(dict.fromkeys([*lo["link"], *ln["link"]])):
        old_l, new_l = lo[lo["link"] == link], ln[ln["link"] == link]
        new_ids, old_ids = set(new_l["ent_id"]), set(old_l["ent_id"])
        for change, here, ids, finder, other_local in (
            ("left", old_l, new_ids, f_new, ln),
            ("entered", new_l, old_ids, f_old, lo),
        ):
            for r in frames.rows(here):
                m, how = finder.find(r.uscc, r.ent_id, r.name)
                if m is not None and m in ids:
                    continue  # the same firm in both vintages
                zh, en = _why(m, finder, other_local, reg, link, names, change == "left")
                rows.append(
                    {
                        "link": link,
                        "link_name": names.get(link, link),
                        "change": change,
                        "change_zh": CHANGE_LABELS[change][0],
                        "name": r.name,
                        "uscc": r.uscc,
                        "ent_id": r.ent_id,
                        "region": r.region,
                        "region_name": _region_name(r.region),
                        "matched_by": how,
                        "other_ent_id": m or "",
                        "why": zh,
                        "why_en": en,
                    }
                )
    cols = ["link", "link_name", "change", "change_zh", "name", "uscc", "ent_id", "region", "region_name"]
    return pd.DataFrame(rows, columns=[*cols, "matched_by", "other_ent_id", "why", "why_en"])


def _branch_heads(local: pd.DataFrame) -> dict[str, str]:
    """Normalised parent name → ent_id of the local branches (分公司) among ``local``."""
    out: dict[str, str] = {}
    for eid, name in zip(local["ent_id"], local["name"].fillna("")):
        if "分公司" in name:
            head = name[: name.rfind("分公司")]
            cut = head.rfind("公司")
            if cut > 0:
                out.setdefault(normalize_name(head[: cut + 2]), eid)
    return out


def _settled(tg: pd.DataFrame, ln: pd.DataFrame, f_new: _Finder, names: Mapping[str, str]) -> pd.DataFrame:
    cols = [
        "old_rank",
        "name",
        "uscc",
        "old_region",
        "old_region_name",
        "old_link",
        "old_link_name",
        "old_score",
        "new_ent_id",
        "new_name",
        "new_links",
        "new_link_names",
        "matched_by",
    ]
    if tg.empty or ln.empty:
        return pd.DataFrame(columns=cols)
    local_ids = set(ln["ent_id"])
    links_of = ln.groupby("ent_id")["link"].agg(lambda s: list(dict.fromkeys(s))).to_dict()
    name_of = dict(zip(ln["ent_id"], ln["name"]))
    branches = _branch_heads(ln.drop_duplicates("ent_id"))
    rows = []
    for r in frames.rows(tg):
        m, how = f_new.find(r.uscc, r.ent_id, r.name)
        if m is None or m not in local_ids:
            b = branches.get(normalize_name(r.name))
            if b is None:
                continue
            m, how = b, "branch"
        rows.append(
            {
                "old_rank": int(r.rank),
                "name": r.name,
                "uscc": r.uscc,
                "old_region": r.region,
                "old_region_name": r.region_name,
                "old_link": r.link,
                "old_link_name": r.link_name,
                "old_score": float(r.score),
                "new_ent_id": m,
                "new_name": name_of.get(m, ""),
                "new_links": "、".join(links_of.get(m, [])),
                "new_link_names": "、".join(names.get(k, k) for k in links_of.get(m, [])),
                "matched_by": how,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _status(o: Any, n: Any) -> str:
    if o.verdict == vocab.NO_DATA or n.verdict == vocab.NO_DATA:
        return "no_data"
    if o.verdict == "missing" and n.local > 0:
        return "healed"
    if o.local > 0 and n.verdict == "missing":
        return "newly_missing"
    if o.verdict == "missing" and n.verdict == "missing":
        return "persistent"
    return "verdict_changed" if o.verdict != n.verdict else "unchanged"


def _link_reason(o: Any, n: Any, entered: int, left: int, lang: str) -> str:
    V, A = VERDICT_LABELS[lang], ACTION_LABELS[lang]
    if lang == "zh":
        text = (
            f"本地企业 {o.local} → {n.local} 家（新进入 {entered}，退出 {left}）；诊断 {V.get(o.verdict, o.verdict)} → "
        )
        text += f"{V.get(n.verdict, n.verdict)}，招商方向 {A.get(o.action, o.action)} → {A.get(n.action, n.action)}"
        return text
    text = f"local firms {o.local} → {n.local} ({entered} entered, {left} left); verdict "
    text += f"{V.get(o.verdict, o.verdict)} → {V.get(n.verdict, n.verdict)}, action {A.get(o.action, o.action)} → "
    return text + f"{A.get(n.action, n.action)}"


def _links(go: pd.DataFrame, gn: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    n_idx = gn.set_index("link")
    counts = firms.groupby(["link", "change"]).size() if len(firms) else pd.Series(dtype=int)
    rows = []
    for o in frames.rows(go):
        n = next(frames.rows(n_idx.loc[[o.link]].reset_index()))
        ent = int(counts.get((o.link, "entered"), 0))
        lef = int(counts.get((o.link, "left"), 0))
        st = _status(o, n)
        rows.append(
            {
                "link": o.link,
                "link_name": o.link_name,
                "link_name_en": o.link_name_en,
                "stage": o.stage,
                "status": st,
                "status_zh": STATUS_LABELS[st][0],
                "old_local": int(o.local),
                "new_local": int(n.local),
                "entered": ent,
                "left": lef,
                "old_verdict": o.verdict,
                "new_verdict": n.verdict,
                "old_verdict_zh": o.verdict_zh,
                "new_verdict_zh": n.verdict_zh,
                "old_action": o.action,
                "new_action": n.action,
                "old_action_zh": o.action_zh,
                "new_action_zh": n.action_zh,
                "old_lq_star": float(o.lq_star),
                "new_lq_star": float(n.lq_star),
                "weight": float(o.weight),
                "reasons": _link_reason(o, n, ent, lef, "zh"),
                "reasons_en": _link_reason(o, n, ent, lef, "en"),
            }
        )
    return pd.DataFrame(rows)


def changes(
    old: nx.MultiDiGraph | str | os.PathLike[str],
    new: nx.MultiDiGraph | str | os.PathLike[str],
    chain: str | ChainSpec,
    region: str,
    *,
    activity: str = "firms",
    config: Mapping[str, Any] | str | Path | None = None,
    targets_top: int | None = None,
    old_targets: pd.DataFrame | None = None,
) -> Changes:
    """Compare two vintages of one region's chain: links healed, newly missing, persistent gaps,
    verdict changes, firms that entered or left each link, and former targets that set up locally.

    Both bundles are analysed with the same template and settings (:func:`chain_gap.gaps.table`);
    a link that has no data in either vintage is reported as such and counted in no change.

    Parameters
    ----------
    old, new : networkx.MultiDiGraph, str or os.PathLike
        The earlier and the later bundle (a path is read with :func:`chain_gap.io.load`, whose
        manifest gives the vintage; a graph's vintage is ``G.graph["data_vintage"]``).
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        GB/T 2260 code or name.
    activity : str
        Activity variable of both gap tables.
    config : mapping, str, pathlib.Path or None
        Gaps settings for both tables (default the shipped ones).
    targets_top : int, optional
        How many of the old bundle's ranked targets count as "the targets" (default all).
    old_targets : pandas.DataFrame, optional
        The old target list as handed out (:func:`chain_gap.targets.rank`), instead of ranking again.

    Returns
    -------
    Changes

    Raises
    ------
    ChangesError
        A bundle where the chain is not linked (``changes-not-linked``), that holds no firm of the
        region (``changes-no-region``) or cannot locate firms at its level (``changes-no-level``).

    Warns
    -----
    ChangesWarning
        Both bundles have the same vintage, or the "old" one is the newer.
    """
    from chain_gap import targets

    spec = load_chain(chain)
    reg = codes.resolve_region(region)
    G_old, w_old = _side(old)
    G_new, w_new = _side(new)
    cols = ["name", "uscc", "region", "tags"]
    e_old = frames.enterprises(G_old, cols, levels=[reg.level])
    e_new = frames.enterprises(G_new, cols, levels=[reg.level])
    _check(G_old, spec, reg, "old", w_old, e_old)
    _check(G_new, spec, reg, "new", w_new, e_new)
    g_old = gaps_mod.table(G_old, spec, reg.code, activity=activity, config=config)
    g_new = gaps_mod.table(G_new, spec, reg.code, activity=activity, config=config)
    for side, w, t in (("old", w_old, g_old), ("new", w_new, g_new)):
        if t.attrs.get("level_has_data") is False:
            raise ChangesError(
                code="changes-no-level",
                side={"old": "旧", "new": "新"}[side],
                side_en=side,
                at=f"（{w}）" if w else "",
                level=_LEVEL[reg.level][0],
                level_en=_LEVEL[reg.level][1],
                banner=t.attrs.get("coverage_banner", ""),
            )
    names = dict(zip(g_old["link"], g_old["link_name"]))
    lo = _local(frames.members(G_old, spec, active_only=True), reg)
    ln = _local(frames.members(G_new, spec, active_only=True), reg)
    f_old, f_new = _Finder(e_old), _Finder(e_new)
    firms = _firms(lo, ln, f_old, f_new, reg, names)
    links = _links(g_old, g_new, firms)
    tg = (
        old_targets
        if old_targets is not None
        else targets.rank(G_old, spec, reg.code, top=targets_top, gap_table=g_old)
    )
    settled = _settled(tg, ln, f_new, names)
    for r in frames.rows(settled):  # an arriving firm that was on the last target list says so
        hit = (firms["change"] == "entered") & (firms["ent_id"] == r.new_ent_id)
        firms.loc[hit, "why"] = firms.loc[hit, "why"] + f"；上次招商目标（第 {r.old_rank} 名）已落地"
        firms.loc[hit, "why_en"] = firms.loc[hit, "why_en"] + f"; a former target (rank {r.old_rank}) set up here"
    v_old, from_old = _vintage_of(G_old)
    v_new, from_new = _vintage_of(G_new)
    notes = _notes(v_old, v_new, e_old, e_new)
    for zh, en in notes:
        warnings.warn(en if errors.current_lang() == "en" else zh, ChangesWarning, stacklevel=2)
    s_old = gaps_mod.summary(G_old, spec, reg.code, gaps=g_old)
    s_new = gaps_mod.summary(G_new, spec, reg.code, gaps=g_new)

    def pick(status: str) -> pd.DataFrame:
        return links[links["status"] == status].reset_index(drop=True)

    verdicts = links[(links["old_verdict"] != links["new_verdict"]) & (links["status"] != "no_data")]
    summary = {
        "chain": spec.id,
        "chain_name": spec.name,
        "chain_name_en": spec.name_en,
        "region": reg.code,
        "region_name": reg.name,
        "level": reg.level,
        "old_vintage": v_old,
        "new_vintage": v_new,
        "old_vintage_from": from_old,
        "new_vintage_from": from_new,
        "old_bundle": w_old,
        "new_bundle": w_new,
        "links": len(links),
        "healed": int((links["status"] == "healed").sum()),
        "newly_missing": int((links["status"] == "newly_missing").sum()),
        "persistent": int((links["status"] == "persistent").sum()),
        "verdict_changes": len(verdicts),
        "entered": int((firms["change"] == "entered").sum()),
        "left": int((firms["change"] == "left").sum()),
        "settled": len(settled),
        "old_targets": len(tg),
        "old_c": s_old["c"],
        "new_c": s_new["c"],
        "old_local_firms": int(lo["ent_id"].nunique()) if len(lo) else 0,
        "new_local_firms": int(ln["ent_id"].nunique()) if len(ln) else 0,
        "notes": [zh for zh, _ in notes],
        "notes_en": [en for _, en in notes],
    }
    return Changes(
        summary=summary,
        links=links,
        firms=firms,
        settled=settled,
        healed=pick("healed"),
        newly_missing=pick("newly_missing"),
        persistent=pick("persistent"),
        verdicts=verdicts.reset_index(drop=True),
    )


def _notes(v_old: str | None, v_new: str | None, e_old: pd.DataFrame, e_new: pd.DataFrame) -> list[tuple[str, str]]:
    """What the reader must know before trusting the comparison, (zh, en) (also raised as ChangesWarning)."""
    out = []
    cmp = _vintage.compare(v_old, v_new)
    if v_old is None or v_new is None:
        sides = [(z, e) for z, e, v in (("旧", "old", v_old), ("新", "new", v_new)) if v is None]
        out.append(
            (
                f"{'、'.join(z for z, _ in sides)}数据包未记录数据日期（导出时间），无法确认两份数据的先后",
                f"the {' and '.join(e for _, e in sides)} bundle records no data vintage (export date): "
                "which is the later cannot be checked",
            )
        )
    elif cmp == 0:
        out.append(
            (
                f"两个数据包的数据日期相同（{v_old} / {v_new}），比较的可能是同一份数据",
                f"both bundles have the same data vintage ({v_old} / {v_new}): this may compare the same data",
            )
        )
    elif cmp == 1:
        out.append(
            (
                f"“旧”数据包的数据日期 {v_old} 晚于“新”数据包的 {v_new}，请确认参数顺序",
                f"the 'old' bundle's vintage {v_old} is later than the 'new' one's {v_new}: check the order",
            )
        )
    n_old, n_new = len(e_old), len(e_new)
    if n_old and n_new and not 0.5 <= n_new / n_old <= 2:
        out.append(
            (
                f"两个数据包的企业总数相差较大（{n_old:,} → {n_new:,}），覆盖范围可能不同，区位熵等相对指标的变化需谨慎解读",
                f"the bundles' firm totals differ widely ({n_old:,} → {n_new:,}): coverage may differ, read LQ "
                "changes with care",
            )
        )
    return out


def headline(ch: Changes, lang: str = "zh") -> list[str]:
    """The headline lines of a comparison (what the CLI prints and the report's block opens with).

    Parameters
    ----------
    ch : Changes
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    list of str
    """
    s = ch.summary
    unk = _UNKNOWN[0 if lang == "zh" else 1]
    vo, vn = s["old_vintage"] or unk, s["new_vintage"] or unk
    if lang == "zh":
        return [
            f"{s['region_name']} · {s['chain_name']}：{vo} → {vn}",
            f"补上环节 {s['healed']} 个，新缺失 {s['newly_missing']} 个，仍缺失 {s['persistent']} 个，"
            f"诊断变化 {s['verdict_changes']} 个",
            f"企业新进入 {s['entered']} 家次，退出 {s['left']} 家次；上次招商目标中已在本地落地 {s['settled']} 家",
            f"链条完整度 {s['old_c']:.0%} → {s['new_c']:.0%}",
        ]
    return [
        f"{s['region_name']} · {s['chain_name_en']}: {vo} → {vn}",
        f"links healed {s['healed']}, newly missing {s['newly_missing']}, still missing {s['persistent']}, "
        f"verdict changes {s['verdict_changes']}",
        f"firms entered {s['entered']}, left {s['left']} (per link); former targets now local {s['settled']}",
        f"completeness {s['old_c']:.0%} → {s['new_c']:.0%}",
    ]
