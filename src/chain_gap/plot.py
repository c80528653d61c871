"""Interactive chain map: one self-contained HTML page per (chain, region).

招商 staff open this page on government intranets with no internet access, look rather than read,
and click into a link to see who is already there and whom to attract. So the page:

* is a single HTML file with vis-network inlined (pyvis ``cdn_resources="in_line"``) and every
  external ``<script src>`` / ``<link href>`` that pyvis adds (bootstrap from jsdelivr, ...) removed;
* lays the chain out left to right, upstream → midstream → downstream, as three shaded bands with
  the level-2 groups as headings, at fixed positions with physics off (a force layout would put a
  battery material next to a charging pile, which reads as nonsense to a domain user);
* colours every leaf link by its verdict with a fixed palette (:data:`VERDICT_COLORS`, shared with
  the Excel and report writers) and sizes it by local activity;
* carries all data-dependent text in one ``<script type="application/json">`` block and renders it
  with ``textContent`` only. Tooltips are DOM elements built from that block, never pyvis ``title``
  strings: pyvis 0.3.2 switches to a template that assigns ``title`` with ``innerHTML`` as soon as
  any title contains the substring ``href``, so a firm name could otherwise inject markup.

Above ``max_nodes`` leaf links the map aggregates to the level-2 groups (one node per group) and
says so on the page; per-group drill-down pages are not written yet, the gap table (Excel) holds
the leaf-level detail.
"""

from __future__ import annotations

import html as _html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "ACTIVITY_LABELS",
    "ROLE_LABELS",
    "STAGES",
    "STAGE_LABELS",
    "VERDICTS",
    "VERDICT_COLORS",
    "VERDICT_LABELS",
    "FontError",
    "PlotError",
    "chain_map",
    "cjk_font",
    "panorama",
    "write_html",
    "write_panorama",
]


class PlotError(ChainGapError, ValueError):
    """Input the chain map cannot draw (missing column, unknown verdict, mixed regions...)."""

    default_code = "plot-error"


# --------------------------------------------------------------------------------------------
# Shared vocabulary: palette and labels (reused by chain_gap.report and the panorama)
# --------------------------------------------------------------------------------------------
from chain_gap.labels import (  # noqa: E402  re-exported: plot.VERDICT_COLORS etc. stay public
    ACTION_LABELS,
    ACTIONS,
    ACTIVITY_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
    STAGES,
    VERDICT_COLORS,
    VERDICT_LABELS,
    VERDICTS,
)

_STAGE_BAND = {  # band fill, band title colour
    "upstream": ("#eef3fa", "#2f5d8a"),
    "midstream": ("#eef6f0", "#2e6b45"),
    "downstream": ("#fbf3ea", "#8a5a22"),
}

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "default_title": "{region} · {chain}产业链招商地图",
        "meta_region": "地区",
        "meta_chain": "产业链",
        "meta_vintage": "数据时点",
        "vintage_unknown": "未注明",
        "size_note": "圆点大小 = 本地{activity}",
        "arrow_note": "箭头 = 供给关系（上游 → 下游）",
        "fit": "全图",
        "synthetic": "合成演示数据 · synthetic demo data —— 企业与数字均为程序生成，不代表真实情况",
        "aggregated": "本链共 {n} 个末级环节，超过单图上限 {max}，已按二级环节汇总为 {m} 个节点显示；"
        "各末级环节的明细请查看链条诊断表（Excel）。",
        "overview_title": "使用说明",
        "howto": "点击图中任一环节，可在此查看该环节的诊断数字、本地企业和招商目标企业；"
        "鼠标悬停可快速查看要点。滚轮缩放，拖动平移。",
        "priority_title": "优先关注环节",
        "priority_none": "暂无需要行动的环节。",
        "summary_title": "环节诊断汇总",
        "back": "← 返回总览",
        "facts": "诊断数字",
        "reasons": "判断依据",
        "local_firms": "本地企业",
        "targets": "招商目标企业",
        "col_name": "企业名称",
        "col_role": "角色",
        "col_capital": "注册资本",
        "col_revenue": "营业收入",
        "col_rank": "排名",
        "col_region": "所在地",
        "col_score": "得分",
        "no_local": "本地暂无该环节企业。",
        "no_targets": "该环节暂无推荐目标企业。",
        "targets_not_given": "本图未附招商目标清单。",
        "firms_not_given": "本图未附本地企业名单。",
        "more": "仅显示前 {shown} 家，共 {n} 家。",
        "excluded": "另有 {n} 家经复核不属于该环节，已排除。",
        "uncertain": "待核实",
        "top_firms": "主要本地企业",
        "click_hint": "点击查看企业名单",
        "stage_count": "{stage} · {n} 个环节",
        "unit_firms": "{n}家",
        "unit_links": "{n}个环节",
        "verdict": "诊断",
        "action": "建议",
        "stage": "所处阶段",
    },
    "en": {
        "default_title": "{chain} chain map · {region}",
        "meta_region": "Region",
        "meta_chain": "Chain",
        "meta_vintage": "Data vintage",
        "vintage_unknown": "not stated",
        "size_note": "Dot size = local {activity}",
        "arrow_note": "Arrow = supplies (upstream → downstream)",
        "fit": "Fit",
        "synthetic": "Synthetic demo data · 合成演示数据 — firms and numbers are generated, not real",
        "aggregated": "This chain has {n} leaf links, more than the {max} a map can show; they are "
        "aggregated into {m} level-2 groups. The gap table (Excel) holds the leaf detail.",
        "overview_title": "How to read this map",
        "howto": "Click a link to see its numbers, local firms and target firms here; hover for a "
        "summary. Scroll to zoom, drag to pan.",
        "priority_title": "Links to act on first",
        "priority_none": "No link needs action.",
        "summary_title": "Verdicts",
        "back": "← Back to overview",
        "facts": "Numbers",
        "reasons": "Why",
        "local_firms": "Local firms",
        "targets": "Target firms",
        "col_name": "Firm",
        "col_role": "Role",
        "col_capital": "Reg. capital",
        "col_revenue": "Revenue",
        "col_rank": "Rank",
        "col_region": "Region",
        "col_score": "Score",
        "no_local": "No local firm in this link.",
        "no_targets": "No target firm for this link.",
        "targets_not_given": "No target list was attached to this map.",
        "firms_not_given": "No local firm list was attached to this map.",
        "more": "Showing the first {shown} of {n}.",
        "excluded": "{n} more were rejected in review and are not shown.",
        "uncertain": "to verify",
        "top_firms": "Main local firms",
        "click_hint": "Click for the firm lists",
        "stage_count": "{stage} · {n} links",
        "unit_firms": "{n} firms",
        "unit_links": "{n} links",
        "verdict": "Verdict",
        "action": "Action",
        "stage": "Stage",
    },
}

_HEADER_ONLY = {
    "default_title",
    "meta_region",
    "meta_chain",
    "meta_vintage",
    "vintage_unknown",
    "size_note",
    "arrow_note",
    "fit",
    "synthetic",
    "aggregated",
}

_GAP_REQUIRED = (
    "chain",
    "region",
    "region_name",
    "link",
    "link_name",
    "stage",
    "group",
    "group_name",
    "verdict",
    "action",
    "local",
    "local_activity",
    "national",
    "lq",
    "ci_low",
    "ci_high",
    "hhi",
    "priority",
    "reasons",
)
_FIRM_REQUIRED = ("name", "link")
_TARGET_REQUIRED = ("name", "link", "score")

_MAX_FIRMS_SHOWN = 50
_MAX_TARGETS_SHOWN = 20
_TOOLTIP_FIRMS = 3

# layout (vis canvas units)
_COL_W = 200
_ROW_H = 92
_HEADER_H = 40
_STAGE_GAP = 70
_BAND_TOP = 78
_SIZE_MIN, _SIZE_MAX = 9.0, 26.0

_FONT = '"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif'


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _py(v: Any) -> Any:
    """Plain Python value (numpy scalars unwrapped, NaN/NA → None)."""
    if v is None:
        return None
    if isinstance(v, (list, tuple, dict)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item") and not isinstance(v, str):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return v
    return v


def _s(v: Any) -> str:
    v = _py(v)
    return "" if v is None else str(v)


def _num(v: Any) -> float | None:
    v = _py(v)
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _fmt_num(v: Any, nd: int = 2) -> str:
    x = _num(v)
    if x is None:
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.{nd}f}"


def _fmt_int(v: Any) -> str:
    x = _num(v)
    return "—" if x is None or math.isinf(x) else f"{round(x):,}"


def _fmt_money(v: Any, lang: str) -> str:
    """CNY amounts as staff quote them: 万元 in Chinese, millions in English."""
    x = _num(v)
    if x is None or math.isinf(x):
        return "—"
    if lang == "zh":
        w = x / 1e4
        return f"{w:,.0f} 万元" if abs(w) >= 10 else f"{w:,.2f} 万元"
    m = x / 1e6
    return f"CNY {m:,.1f} m" if abs(m) >= 10 else f"CNY {m:,.2f} m"


def _firms_unit(v: Any, lang: str) -> str:
    n = _fmt_int(v)
    if lang == "en" and n == "1":
        return "1 firm"
    return _TEXT[lang]["unit_firms"].format(n=n)


def _fmt_activity(v: Any, activity: str, lang: str) -> str:
    if activity == "firms":
        return _firms_unit(v, lang)
    return _fmt_money(v, lang)


def _script_json(obj: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, so escaping them as ``\\u003c`` etc.
    keeps the value identical for ``JSON.parse`` while making ``</script>`` and ``<!--``
    impossible; U+2028/2029 are escaped for old JavaScript parsers.
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _esc(text: Any) -> str:
    return _html.escape(_s(text), quote=True)


def _check_columns(df: pd.DataFrame, required: Sequence[str], what: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise PlotError(f"{what}: missing column(s) {missing}; present: {list(df.columns)}")


# --------------------------------------------------------------------------------------------
# input → node records
# --------------------------------------------------------------------------------------------
def _leaf_records(gaps: pd.DataFrame) -> list[dict[str, Any]]:
    _check_columns(gaps, _GAP_REQUIRED, "gap table")
    if len(gaps) == 0:
        raise PlotError("gap table: no rows; nothing to draw")
    for col in ("chain", "region"):
        values = sorted({_s(v) for v in gaps[col]})
        if len(values) != 1:
            raise PlotError(
                f"gap table: column '{col}' mixes {values}; pass the rows of one chain and one region to chain_map()"
            )
    rows = gaps.to_dict("records")
    seen: set[str] = set()
    out = []
    for i, r in enumerate(rows):
        link = _s(r["link"]).strip()
        where = f"gap table row {i} (link {link!r})"
        if not link:
            raise PlotError(f"gap table row {i}: field 'link' is empty")
        if link in seen:
            raise PlotError(f"{where}: field 'link' is duplicated; one row per leaf link expected")
        seen.add(link)
        for field, allowed in (("stage", STAGES), ("verdict", VERDICTS), ("action", ACTIONS)):
            if _s(r[field]) not in allowed:
                raise PlotError(f"{where}: field '{field}' is {_s(r[field])!r}; expected one of {list(allowed)}")
        local = _num(r["local"])
        if local is None or local < 0:
            raise PlotError(f"{where}: field 'local' is {r['local']!r}; expected a count >= 0")
        activity = _s(r.get("activity")) or "firms"
        if activity not in ACTIVITY_LABELS["zh"]:
            raise PlotError(f"{where}: field 'activity' is {activity!r}; expected one of {list(ACTIVITY_LABELS['zh'])}")
        rec = {k: _py(v) for k, v in r.items()}
        rec["link"] = link
        rec["local"] = round(local)
        rec["activity"] = activity
        rec["_row"] = i
        out.append(rec)
    return out


def _firm_lists(
    local_firms: pd.DataFrame | None, links: set[str], lang: str
) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Local firms per link, producers first then by revenue and capital; rejected links apart."""
    if local_firms is None:
        return {}, {}
    _check_columns(local_firms, _FIRM_REQUIRED, "local firms")
    per: dict[str, list[dict]] = {}
    excluded: Counter[str] = Counter()
    roles = ROLE_LABELS[lang]
    for r in local_firms.to_dict("records"):
        link = _s(r["link"])
        if link not in links:
            continue  # a firm of another chain or region table: not this map's business
        if _s(r.get("decision")) == "rejected":
            excluded[link] += 1
            continue
        role = _s(r.get("role"))
        per.setdefault(link, []).append(
            {
                "id": _s(r.get("ent_id")) or _s(r.get("uscc")) or _s(r["name"]),
                "name": _s(r["name"]),
                "role": roles.get(role, role),
                "producer": role in ("", "producer"),
                "uncertain": _s(r.get("decision")) == "uncertain",
                "capital": _fmt_money(r.get("reg_capital"), lang),
                "revenue": _fmt_money(r.get("revenue"), lang),
                "_rev": _num(r.get("revenue")) or 0.0,
                "_cap": _num(r.get("reg_capital")) or 0.0,
            }
        )
    for firms in per.values():
        firms.sort(key=lambda f: (not f["producer"], -f["_rev"], -f["_cap"], f["name"]))
    return per, dict(excluded)


def _target_lists(targets: pd.DataFrame | None, links: set[str]) -> dict[str, list[dict]]:
    if targets is None:
        return {}
    _check_columns(targets, _TARGET_REQUIRED, "targets")
    per: dict[str, list[dict]] = {}
    for i, r in enumerate(targets.to_dict("records")):
        link = _s(r["link"])
        if link not in links:
            continue
        score = _num(r["score"])
        rank = _num(r.get("rank"))
        per.setdefault(link, []).append(
            {
                "id": _s(r.get("ent_id")) or _s(r.get("uscc")) or _s(r["name"]),
                "name": _s(r["name"]),
                "region": _s(r.get("region_name")) or _s(r.get("region")),
                "score": _fmt_num(score, 3),
                "reasons": _s(r.get("reasons")),
                "_score": score if score is not None else -math.inf,
                "_rank": rank if rank is not None else math.inf,
                "_i": i,
            }
        )
    for ts in per.values():
        ts.sort(key=lambda t: (t["_rank"], -t["_score"], t["_i"]))
    return per


def _public(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in it.items() if not k.startswith("_")} for it in items]


def _leaf_node(
    r: Mapping[str, Any], firms: list[dict], n_excluded: int, tlist: list[dict] | None, lang: str
) -> dict[str, Any]:
    name = (_s(r.get("link_name_en")) if lang == "en" else "") or _s(r["link_name"]) or r["link"]
    group = (_s(r.get("group_name_en")) if lang == "en" else "") or _s(r["group_name"]) or _s(r["group"])
    act = r["activity"]
    ci_lo, ci_hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
    lq_txt = _fmt_num(r.get("lq"))
    extra = []
    if _num(r.get("lq_star")) is not None:
        extra.append(f"LQ* {_fmt_num(r.get('lq_star'))}")
    if ci_lo is not None and ci_hi is not None:
        extra.append(("95% 区间 " if lang == "zh" else "95% CI ") + f"{_fmt_num(ci_lo)}–{_fmt_num(ci_hi)}")
    if extra:
        lq_txt += ("（" + "，".join(extra) + "）") if lang == "zh" else " (" + ", ".join(extra) + ")"
    hhi_txt = _fmt_num(r.get("hhi"))
    if bool(_py(r.get("single_firm"))):
        hhi_txt += "（仅 1 家企业）" if lang == "zh" else " (single firm)"
    act_label = ACTIVITY_LABELS[lang][act]
    if lang == "zh":
        facts = [["本地企业", _firms_unit(r["local"], lang) + f"（全国 {_fmt_int(r.get('national'))} 家）"]]
        if act != "firms":
            facts.append([f"本地{act_label}", _fmt_activity(r.get("local_activity"), act, lang)])
        facts += [
            [f"区位熵 LQ（按{act_label}）", lq_txt],
            ["集中度 HHI", hhi_txt],
            ["优先级", _fmt_num(r.get("priority"))],
        ]
    else:
        facts = [["Local firms", f"{_fmt_int(r['local'])} (national {_fmt_int(r.get('national'))})"]]
        if act != "firms":
            facts.append([f"Local {act_label}", _fmt_activity(r.get("local_activity"), act, lang)])
        facts += [[f"LQ (by {act_label})", lq_txt], ["HHI", hhi_txt], ["Priority", _fmt_num(r.get("priority"))]]
    return {
        "id": r["link"],
        "name": name,
        "stage": r["stage"],
        "stage_label": STAGE_LABELS[lang][r["stage"]],
        "group": _s(r["group"]),
        "group_name": group,
        "verdict": r["verdict"],
        "action": r["action"],
        "local": r["local"],
        "facts": facts,
        "reasons": _s(r.get("reasons")),
        "firms": _public(firms[:_MAX_FIRMS_SHOWN]),
        "firms_total": len(firms),
        "firms_excluded": n_excluded,
        "targets": None if tlist is None else _public(tlist[:_MAX_TARGETS_SHOWN]),
        "targets_total": None if tlist is None else len(tlist),
        "top_firms": [f["name"] for f in firms[:_TOOLTIP_FIRMS]],
        "label": f"{name}\n" + _firms_unit(r["local"], lang),
        "_activity": _num(r.get("local_activity")) or 0.0,
        "_priority": _num(r.get("priority")) or 0.0,
        "_weight": _num(r.get("weight")) if _num(r.get("weight")) is not None else 1.0,
    }


def _dominant(weights: Mapping[str, float], order: Sequence[str]) -> str:
    """Key with the largest weight; ties go to the earlier (more severe) key in ``order``."""
    return max(order, key=lambda k: (weights.get(k, -1.0), -order.index(k)))


def _aggregate(leaves: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One node per level-2 group.

    Colour = the verdict holding the largest template weight among the group's leaves (ties go
    to the more severe verdict), so a group mostly missing shows red even if one leaf is strong;
    the tooltip lists the count of leaves per verdict so nothing is hidden by the summary.
    """
    t = _TEXT[lang]
    groups: dict[str, list[dict]] = {}
    for leaf in leaves:
        groups.setdefault(leaf["group"], []).append(leaf)
    out = []
    for gid, members in groups.items():
        vw: dict[str, float] = {}
        aw: dict[str, float] = {}
        for m in members:
            vw[m["verdict"]] = vw.get(m["verdict"], 0.0) + m["_weight"]
            if m["action"] != "none":
                aw[m["action"]] = aw.get(m["action"], 0.0) + m["_weight"]
        verdict = _dominant(vw, VERDICTS)
        action = _dominant(aw, ACTIONS[:-1]) if aw else "none"
        stage = Counter(m["stage"] for m in members).most_common(1)[0][0]
        counts = Counter(m["verdict"] for m in members)
        vtxt = ("、" if lang == "zh" else ", ").join(
            f"{VERDICT_LABELS[lang][v]} {counts[v]}" for v in VERDICTS if counts[v]
        )
        local = sum(m["local"] for m in members)
        firms: dict[str, dict] = {}
        for m in members:
            for f in m["firms"]:
                firms.setdefault(f["id"], f)
        has_targets = members[0]["targets"] is not None
        tl: list[dict] = []
        if has_targets:
            seen: set[str] = set()
            for m in members:
                for x in m["targets"]:
                    if x["id"] not in seen:
                        seen.add(x["id"])
                        tl.append(x)
            tl.sort(key=lambda x: -(_num(x["score"].replace(",", "")) or -math.inf))
        worst = sorted(members, key=lambda m: -m["_priority"])[:3]
        name = members[0]["group_name"] or gid
        n = len(members)
        if lang == "zh":
            facts = [
                ["末级环节", f"{n} 个（{vtxt}）"],
                ["本地企业（各环节合计）", t["unit_firms"].format(n=f"{local:,}")],
                ["优先环节", "、".join(m["name"] for m in worst)],
            ]
            reasons = (
                f"按二级环节汇总：{n} 个末级环节中 {vtxt}；颜色取权重最大的诊断结论。"
                f"各环节合计本地企业 {local:,} 家（同一企业可能挂多个环节）。"
            )
        else:
            facts = [
                ["Leaf links", f"{n} ({vtxt})"],
                ["Local firms (sum over links)", f"{local:,}"],
                ["Links to act on", ", ".join(m["name"] for m in worst)],
            ]
            reasons = (
                f"Aggregated level-2 group: {vtxt} among {n} leaf links; the colour is the "
                f"verdict with the largest template weight. {local:,} local firm-links in total "
                f"(a firm may be counted in several links)."
            )
        all_firms = list(firms.values())
        out.append(
            {
                "id": gid,
                "name": name,
                "stage": stage,
                "stage_label": STAGE_LABELS[lang][stage],
                "group": gid,
                "group_name": name,
                "verdict": verdict,
                "action": action,
                "local": local,
                "facts": facts,
                "reasons": reasons,
                "firms": all_firms[:_MAX_FIRMS_SHOWN],
                "firms_total": sum(m["firms_total"] for m in members),
                "firms_excluded": sum(m["firms_excluded"] for m in members),
                "targets": tl[:_MAX_TARGETS_SHOWN] if has_targets else None,
                "targets_total": len(tl) if has_targets else None,
                "top_firms": [f["name"] for f in all_firms[:_TOOLTIP_FIRMS]],
                "label": f"{name}\n" + t["unit_links"].format(n=n),
                "leaves": [m["id"] for m in members],
                "_activity": sum(m["_activity"] for m in members),
                "_priority": max(m["_priority"] for m in members),
                "_weight": sum(m["_weight"] for m in members),
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------------------------
def _columns_per_stage(totals: Mapping[str, float]) -> dict[str, int]:
    """Columns per stage band so that the whole map is about as wide as a screen (≈ 1.45 : 1).

    A single tall column per stage would make a 100-link chain a thin strip whose labels are
    unreadable at "fit"; too many columns the other way round. Tries column heights from four
    rows up and keeps the one whose overall aspect ratio is closest to a landscape screen.
    """
    biggest = max(totals.values(), default=0.0)
    best: tuple[float, dict[str, int]] | None = None
    rows = 4
    while True:
        h_cap = rows * _ROW_H
        cols = {st: max(1, math.ceil(t / h_cap)) for st, t in totals.items()}
        width = sum(cols.values()) * _COL_W + _STAGE_GAP * (len(totals) - 1)
        height = max((t / cols[st] for st, t in totals.items()), default=_ROW_H) + _BAND_TOP
        score = abs(math.log(width / max(height, 1.0) / 1.45))
        if best is None or score < best[0] - 1e-9:
            best = (score, cols)
        if h_cap >= biggest:
            break
        rows += 1
    assert best is not None
    return best[1]


def _layout(
    nodes: list[dict[str, Any]], with_headers: bool, lang: str, leaf_counts: Mapping[str, int]
) -> tuple[dict[str, tuple[float, float]], list[dict], list[dict]]:
    """Fixed positions: stages as bands left to right, groups as headed blocks flowed into columns.

    Returns node positions, stage bands and group headings (canvas coordinates).
    """
    pos: dict[str, tuple[float, float]] = {}
    headers: list[dict] = []
    stage_cols: dict[str, list[float]] = {}
    stage_blocks: dict[str, list[tuple[str | None, list[dict]]]] = {}
    for stage in STAGES:
        members = [n for n in nodes if n["stage"] == stage]
        blocks: list[tuple[str | None, list[dict]]] = []
        if with_headers:
            by_group: dict[str, list[dict]] = {}
            names: dict[str, str] = {}
            for n in members:
                by_group.setdefault(n["group"], []).append(n)
                names.setdefault(n["group"], n["group_name"])
            blocks = [(names[g], ms) for g, ms in by_group.items()]
        elif members:
            blocks = [(None, members)]
        stage_blocks[stage] = blocks
    totals = {
        st: sum((_HEADER_H if h is not None else 0) + _ROW_H * len(ms) for h, ms in bl)
        for st, bl in stage_blocks.items()
    }
    n_cols = _columns_per_stage(totals)
    x_cursor = 0.0
    max_h = float(_ROW_H)
    for stage in STAGES:
        blocks = stage_blocks[stage]
        total = totals[stage]
        target = total / n_cols[stage]
        cols: list[list[tuple[str, Any]]] = [[]]
        heights = [0.0]
        for head, ms in blocks:
            for j, n in enumerate(ms):
                unit_h = _ROW_H + (_HEADER_H if (head is not None and j == 0) else 0)
                if heights[-1] > 0 and heights[-1] + unit_h > target * 1.1 and len(cols) < n_cols[stage]:
                    cols.append([])
                    heights.append(0.0)
                if head is not None and (j == 0 or not cols[-1]):
                    cols[-1].append(("head", head if j == 0 else head + ("（续）" if lang == "zh" else " (cont.)")))
                    heights[-1] += _HEADER_H
                cols[-1].append(("node", n))
                heights[-1] += _ROW_H
        xs = []
        for col in cols:
            x = x_cursor + _COL_W / 2
            xs.append(x)
            y = 0.0
            for kind, item in col:
                if kind == "head":
                    headers.append({"x": x, "y": y + 22, "text": item, "w": _COL_W - 24})
                    y += _HEADER_H
                else:
                    pos[item["id"]] = (x, y + 30)
                    y += _ROW_H
            max_h = max(max_h, y)
            x_cursor += _COL_W
        stage_cols[stage] = xs
        x_cursor += _STAGE_GAP
    bands = []
    for stage in STAGES:
        xs = stage_cols[stage]
        fill, ink = _STAGE_BAND[stage]
        n = leaf_counts.get(stage, 0)
        bands.append(
            {
                "x0": xs[0] - _COL_W / 2 + 6,
                "x1": xs[-1] + _COL_W / 2 - 6,
                "y0": -_BAND_TOP,
                "y1": max_h + 16,
                "fill": fill,
                "ink": ink,
                "label": _TEXT[lang]["stage_count"].format(stage=STAGE_LABELS[lang][stage], n=n),
            }
        )
    return pos, bands, headers


# --------------------------------------------------------------------------------------------
# page
# --------------------------------------------------------------------------------------------
_CSS = """
html,body{margin:0;padding:0;height:100%;}
body{display:grid;grid-template-columns:minmax(0,1fr) 400px;grid-template-rows:auto minmax(0,1fr);
  height:100vh;font-family:__FONT__;color:#1f2328;background:#f6f7f9;}
#cg-header{grid-column:1/-1;grid-row:1;background:#fff;border-bottom:1px solid #dde1e6;
  padding:10px 20px 8px 20px;}
#cg-synthetic{background:#fff4ce;border:1px solid #e0b400;color:#6b5200;font-weight:600;
  padding:6px 12px;margin:0 0 8px 0;border-radius:4px;font-size:14px;}
#cg-header h1{font-size:22px;margin:0 0 4px 0;font-weight:700;letter-spacing:.5px;}
.cg-meta{font-size:13px;color:#57606a;}
.cg-meta b{color:#1f2328;font-weight:600;}
.cg-legend{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin-top:8px;font-size:13px;}
.cg-chip{display:inline-flex;align-items:center;gap:5px;}
.cg-chip i{display:inline-block;width:13px;height:13px;border-radius:50%;}
.cg-chip b{font-weight:700;}
.cg-note{color:#57606a;}
#cg-fit{margin-left:auto;font:inherit;font-size:13px;padding:3px 12px;border:1px solid #c4cad1;
  background:#fff;border-radius:4px;cursor:pointer;}
#cg-fit:hover{background:#eef1f4;}
#cg-aggregated{margin-top:6px;font-size:13px;color:#7a4b00;background:#fff8e6;padding:4px 10px;
  border-left:3px solid #f29900;}
.card{grid-column:1;grid-row:2;position:relative;min-height:0;min-width:0;}
#mynetwork{width:100% !important;height:100% !important;float:none !important;border:none !important;
  background:#fff !important;}
#cg-panel{grid-column:2;grid-row:2;overflow-y:auto;background:#fff;border-left:1px solid #dde1e6;
  padding:14px 18px 24px 18px;font-size:14px;line-height:1.55;}
#cg-panel h2{font-size:19px;margin:2px 0 4px 0;}
#cg-panel h3{font-size:15px;margin:16px 0 6px 0;padding-bottom:3px;border-bottom:1px solid #e6e9ed;}
.cg-sub{color:#57606a;font-size:13px;}
.cg-badge{display:inline-block;color:#fff;border-radius:3px;padding:1px 8px;margin-right:6px;
  font-size:13px;font-weight:600;}
.cg-badge.cg-action{background:#fff;color:#1f2328;border:1px solid #8c959f;}
table.cg-facts,table.cg-list{border-collapse:collapse;width:100%;font-size:13px;}
table.cg-facts td{padding:3px 4px;border-bottom:1px solid #f0f2f4;vertical-align:top;}
table.cg-facts td:first-child{color:#57606a;white-space:nowrap;width:42%;}
table.cg-list th{text-align:left;font-weight:600;color:#57606a;border-bottom:1px solid #d0d7de;
  padding:3px 4px;white-space:nowrap;}
table.cg-list td{padding:4px 4px;border-bottom:1px solid #f0f2f4;vertical-align:top;}
table.cg-list td.cg-num{text-align:right;white-space:nowrap;}
.cg-why{color:#57606a;font-size:12px;}
.cg-flag{color:#9a6700;font-size:12px;margin-left:4px;}
.cg-reasons{background:#f6f8fa;border-radius:4px;padding:6px 8px;font-size:13px;white-space:pre-wrap;}
.cg-empty{color:#8c959f;}
.cg-more{color:#8c959f;font-size:12px;margin-top:4px;}
button.cg-link{display:flex;align-items:center;gap:8px;width:100%;text-align:left;font:inherit;
  font-size:14px;background:#fff;border:1px solid #e1e4e8;border-radius:4px;padding:5px 8px;
  margin:0 0 5px 0;cursor:pointer;}
button.cg-link:hover{background:#f3f6f9;border-color:#c4cad1;}
button.cg-link i{flex:none;display:inline-block;width:11px;height:11px;border-radius:50%;}
button.cg-link span.cg-name{flex:1;}
button.cg-back{font:inherit;font-size:13px;background:none;border:none;color:#0969da;cursor:pointer;
  padding:0;margin-bottom:6px;}
div.vis-tooltip{font-family:__FONT__ !important;background:#fff !important;border:1px solid #c4cad1 !important;
  border-radius:4px !important;box-shadow:0 3px 10px rgba(0,0,0,.15) !important;padding:8px 10px !important;
  white-space:normal !important;max-width:340px;color:#1f2328 !important;font-size:13px !important;}
.cg-tip-title{font-weight:700;font-size:15px;margin-bottom:3px;}
.cg-tip .cg-badge{margin:2px 6px 4px 0;}
table.cg-tip-table{border-collapse:collapse;}
table.cg-tip-table td{padding:1px 0;vertical-align:top;}
table.cg-tip-table td:first-child{color:#57606a;white-space:nowrap;padding-right:10px;}
.cg-tip-hint{color:#8c959f;font-size:12px;margin-top:4px;}
""".replace("__FONT__", _FONT)

_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("cg-data").textContent);
  var T = DATA.text;
  var byId = {};
  DATA.nodes.forEach(function (d) { byId[d.id] = d; });
  var panel = document.getElementById("cg-panel");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fill(tpl, vals) {
    var s = tpl;
    Object.keys(vals).forEach(function (k) { s = s.split("{" + k + "}").join(String(vals[k])); });
    return s;
  }
  function badge(d) {
    var wrap = el("div");
    var v = el("span", "cg-badge", DATA.verdict_labels[d.verdict]);
    v.style.background = DATA.colors[d.verdict];
    wrap.appendChild(v);
    wrap.appendChild(el("span", "cg-badge cg-action", T.action + "：" + DATA.action_labels[d.action]));
    return wrap;
  }
  function tooltip(d) {
    var box = el("div", "cg-tip");
    box.appendChild(el("div", "cg-tip-title", d.name));
    box.appendChild(badge(d));
    var rows = d.facts.slice();
    if (d.top_firms.length) { rows.push([T.top_firms, d.top_firms.join(DATA.sep)]); }
    var tb = el("table", "cg-tip-table");
    rows.forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("td", null, f[0]));
      tr.appendChild(el("td", null, f[1]));
      tb.appendChild(tr);
    });
    box.appendChild(tb);
    box.appendChild(el("div", "cg-tip-hint", T.click_hint));
    return box;
  }
  nodes.update(DATA.nodes.map(function (d) { return { id: d.id, title: tooltip(d) }; }));

  function table(headers, rows, numCols) {
    var t = el("table", "cg-list");
    var tr = el("tr");
    headers.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) {
        var td = el("td", numCols.indexOf(i) >= 0 ? "cg-num" : null);
        if (c instanceof Node) { td.appendChild(c); } else { td.textContent = String(c); }
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }
  function clear() { while (panel.firstChild) { panel.removeChild(panel.firstChild); } panel.scrollTop = 0; }

  function showLink(id) {
    var d = byId[id];
    if (!d) { return; }
    clear();
    var back = el("button", "cg-back", T.back);
    back.addEventListener("click", function () { network.unselectAll(); showOverview(); });
    panel.appendChild(back);
    panel.appendChild(el("h2", "cg-title", d.name));
    panel.appendChild(el("div", "cg-sub", d.stage_label + " · " + d.group_name));
    var b = badge(d); b.style.margin = "8px 0 0 0"; panel.appendChild(b);
    panel.appendChild(el("h3", null, T.facts));
    var ft = el("table", "cg-facts");
    d.facts.forEach(function (f) {
      var tr = el("tr"); tr.appendChild(el("td", null, f[0])); tr.appendChild(el("td", null, f[1]));
      ft.appendChild(tr);
    });
    panel.appendChild(ft);
    if (d.reasons) {
      panel.appendChild(el("h3", null, T.reasons));
      panel.appendChild(el("div", "cg-reasons", d.reasons));
    }
    var sec = el("section"); sec.id = "cg-firms";
    sec.appendChild(el("h3", null, T.local_firms + "（" + d.firms_total + "）"));
    if (!DATA.has_firms) {
      sec.appendChild(el("div", "cg-empty", T.firms_not_given));
    } else if (!d.firms.length) {
      sec.appendChild(el("div", "cg-empty", T.no_local));
    } else {
      sec.appendChild(table([T.col_name, T.col_role, T.col_capital, T.col_revenue], d.firms.map(function (f) {
        var name = el("span", "cg-firm", f.name);
        var cell = el("span"); cell.appendChild(name);
        if (f.uncertain) { cell.appendChild(el("span", "cg-flag", T.uncertain)); }
        return [cell, f.role, f.capital, f.revenue];
      }), [2, 3]));
      if (d.firms_total > d.firms.length) {
        sec.appendChild(el("div", "cg-more", fill(T.more, { shown: d.firms.length, n: d.firms_total })));
      }
    }
    if (d.firms_excluded) { sec.appendChild(el("div", "cg-more", fill(T.excluded, { n: d.firms_excluded }))); }
    panel.appendChild(sec);
    var ts = el("section"); ts.id = "cg-targets";
    ts.appendChild(el("h3", null, T.targets + (d.targets ? "（" + d.targets_total + "）" : "")));
    if (d.targets === null) {
      ts.appendChild(el("div", "cg-empty", T.targets_not_given));
    } else if (!d.targets.length) {
      ts.appendChild(el("div", "cg-empty", T.no_targets));
    } else {
      ts.appendChild(table([T.col_rank, T.col_name, T.col_region, T.col_score], d.targets.map(function (x, i) {
        var cell = el("div"); cell.appendChild(el("div", "cg-firm", x.name));
        if (x.reasons) { cell.appendChild(el("div", "cg-why", x.reasons)); }
        return [i + 1, cell, x.region, x.score];
      }), [0, 3]));
      if (d.targets_total > d.targets.length) {
        ts.appendChild(el("div", "cg-more", fill(T.more, { shown: d.targets.length, n: d.targets_total })));
      }
    }
    panel.appendChild(ts);
  }

  function showOverview() {
    clear();
    panel.appendChild(el("h2", null, T.overview_title));
    panel.appendChild(el("div", "cg-sub", T.howto));
    panel.appendChild(el("h3", null, T.priority_title));
    if (!DATA.priority.length) { panel.appendChild(el("div", "cg-empty", T.priority_none)); }
    DATA.priority.forEach(function (id) {
      var d = byId[id];
      var btn = el("button", "cg-link");
      var dot = el("i"); dot.style.background = DATA.colors[d.verdict]; btn.appendChild(dot);
      btn.appendChild(el("span", "cg-name", d.name));
      btn.appendChild(el("span", "cg-sub", DATA.verdict_labels[d.verdict] + " · " + DATA.action_labels[d.action]));
      btn.addEventListener("click", function () { select(id); });
      panel.appendChild(btn);
    });
    panel.appendChild(el("h3", null, T.summary_title));
    var ft = el("table", "cg-facts");
    DATA.summary.forEach(function (s) {
      var tr = el("tr"); tr.appendChild(el("td", null, s[0])); tr.appendChild(el("td", null, s[1]));
      ft.appendChild(tr);
    });
    panel.appendChild(ft);
  }

  function select(id) {
    network.selectNodes([id]);
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    var c = document.getElementById("mynetwork");
    if (p.x < 0 || p.y < 0 || p.x > c.clientWidth || p.y > c.clientHeight) {
      network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    }
    showLink(id);
  }

  network.on("beforeDrawing", function (ctx) {
    DATA.bands.forEach(function (b) {
      ctx.fillStyle = b.fill;
      ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
      ctx.fillStyle = b.ink;
      ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, 5);
      ctx.font = "bold 24px " + DATA.font;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(b.label, (b.x0 + b.x1) / 2, b.y0 + 38, b.x1 - b.x0 - 12);
    });
    DATA.headers.forEach(function (h) {
      ctx.fillStyle = "#3d4752";
      ctx.font = "bold 15px " + DATA.font;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(h.text, h.x, h.y, h.w);
      ctx.fillStyle = "#c9d1d9";
      ctx.fillRect(h.x - h.w / 2, h.y + 13, h.w, 1);
    });
  });
  network.on("click", function (p) {
    if (p.nodes.length) { showLink(p.nodes[0]); } else { showOverview(); }
  });
  // fit the stage bands (not only the nodes, which is all vis' own fit() knows about)
  function fitBands() {
    var c = document.getElementById("mynetwork");
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    DATA.bands.forEach(function (b) {
      x0 = Math.min(x0, b.x0); x1 = Math.max(x1, b.x1); y0 = Math.min(y0, b.y0); y1 = Math.max(y1, b.y1);
    });
    if (!isFinite(x0) || !c.clientWidth || !c.clientHeight) { network.fit(); return; }
    var scale = Math.min(c.clientWidth / (x1 - x0), c.clientHeight / (y1 - y0)) * 0.96;
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: Math.min(scale, 1.3),
                     animation: false });
  }
  document.getElementById("cg-fit").addEventListener("click", fitBands);
  window.addEventListener("resize", fitBands);
  showOverview();
  fitBands();
  window.chainMap = { data: DATA, show: showLink, select: select, overview: showOverview, fit: fitBands };
})();
"""

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _strip_external(page: str) -> str:
    """Remove every external ``<script src>``, ``<link href>`` and HTML comment outside scripts.

    Inline ``<script>``/``<style>`` blocks (vis-network itself) are kept byte for byte; only
    markup between them is edited, so the minified library cannot be corrupted.
    """
    out: list[str] = []
    last = 0
    for m in _BLOCK.finditer(page):
        out.append(_strip_markup(page[last : m.start()]))
        block = m.group(0)
        opening = block[: block.index(">") + 1]
        if not (m.group(1).lower() == "script" and re.search(r"\bsrc\s*=", opening, re.IGNORECASE)):
            out.append(block)
        last = m.end()
    out.append(_strip_markup(page[last:]))
    return "".join(out)


def _strip_markup(part: str) -> str:
    part = re.sub(r"<!--.*?-->", "", part, flags=re.DOTALL)
    part = re.sub(r"<link\b[^>]*>", "", part, flags=re.IGNORECASE)
    part = re.sub(r"<script\b[^>]*\bsrc\s*=[^>]*>\s*</script\s*>", "", part, flags=re.IGNORECASE)
    part = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", part, flags=re.IGNORECASE)
    return part


def chain_map(
    gaps: pd.DataFrame,
    *,
    feeds: Iterable[tuple[str, str]] = (),
    local_firms: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    title: str | None = None,
    vintage: str | None = None,
    lang: str = "zh",
    synthetic: bool = False,
    max_nodes: int = 500,
) -> str:
    """Build the interactive chain map of one chain in one region as a self-contained HTML page.

    Parameters
    ----------
    gaps
        The gap table of one chain and one region (one row per leaf link), as built by
        ``chain_gap.gaps``; columns include ``link, link_name, stage, group, group_name, verdict,
        action, local, local_activity, national, lq, ci_low, ci_high, hhi, priority, reasons``.
    feeds
        ``(from_link, to_link)`` leaf-id pairs of the template's FEEDS edges, drawn as arrows.
    local_firms
        Local firms with ``ent_id, name, link, role, decision, reg_capital, revenue`` (CNY);
        links reviewed as ``rejected`` are not listed but counted on the page.
    targets
        Ranked target firms with ``rank, name, region_name, link, score, reasons``.
    title, vintage
        Page title (default: region + chain) and the data vintage shown under it.
    lang
        ``"zh"`` (default) or ``"en"`` for every label; firm names are shown as given.
    synthetic
        Show the "合成演示数据 / synthetic demo data" banner.
    max_nodes
        Above this many leaf links the map draws one node per level-2 group instead and says so.

    Returns
    -------
    str
        The HTML page. It loads nothing from the network; write it with :func:`write_html`.

    Raises
    ------
    PlotError
        On a missing column, an unknown stage/verdict/action, a duplicated link, rows of several
        regions or chains, or a FEEDS pair naming a link that is not in the gap table.
    """
    from pyvis.network import Network  # heavy import, only when a map is drawn

    if lang not in _TEXT:
        raise PlotError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = _TEXT[lang]
    leaves_raw = _leaf_records(gaps)
    link_ids = {r["link"] for r in leaves_raw}
    feed_pairs: list[tuple[str, str]] = []
    for i, pair in enumerate(feeds):
        try:
            a, b = (str(x) for x in pair)
        except (TypeError, ValueError):
            raise PlotError(f"feeds item {i}: {pair!r} is not a (from_link, to_link) pair") from None
        for end in (a, b):
            if end not in link_ids:
                raise PlotError(f"feeds item {i}: link {end!r} of ({a!r}, {b!r}) is not in the gap table")
        feed_pairs.append((a, b))

    firms, excluded = _firm_lists(local_firms, link_ids, lang)
    tmap = _target_lists(targets, link_ids)
    leaves = [
        _leaf_node(
            r,
            firms.get(r["link"], []),
            excluded.get(r["link"], 0),
            None if targets is None else tmap.get(r["link"], []),
            lang,
        )
        for r in leaves_raw
    ]

    aggregated = len(leaves) > max_nodes
    if aggregated:
        drawn = _aggregate(leaves, lang)
        to_group = {leaf["id"]: leaf["group"] for leaf in leaves}
        edges = sorted({(to_group[a], to_group[b]) for a, b in feed_pairs if to_group[a] != to_group[b]})
    else:
        drawn = leaves
        edges = list(dict.fromkeys(feed_pairs))
    pos, bands, headers = _layout(
        drawn, with_headers=not aggregated, lang=lang, leaf_counts=Counter(leaf["stage"] for leaf in leaves)
    )

    max_act = max((n["_activity"] for n in drawn), default=0.0)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading="")
    for n in drawn:
        share = math.sqrt(max(n["_activity"], 0.0) / max_act) if max_act > 0 else 0.0
        x, y = pos[n["id"]]
        net.add_node(
            n["id"],
            label=n["label"],
            shape="dot",
            color=VERDICT_COLORS[n["verdict"]],
            size=round(_SIZE_MIN + (_SIZE_MAX - _SIZE_MIN) * share, 1),
            x=x,
            y=y,
            physics=False,
            level=STAGES.index(n["stage"]),
        )
    for a, b in edges:
        if abs(pos[a][0] - pos[b][0]) < 1:  # same column: bow the arrow out so it clears the labels
            net.add_edge(a, b, smooth={"enabled": True, "type": "curvedCW", "roundness": 0.45})
        else:
            net.add_edge(a, b)
    net.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "layout": {"randomSeed": 1},
                "interaction": {
                    "hover": True,
                    "tooltipDelay": 120,
                    "navigationButtons": False,
                    "keyboard": False,
                    "multiselect": False,
                    "dragNodes": False,
                },
                "nodes": {
                    "font": {
                        "size": 15,
                        "face": _FONT,
                        "color": "#1f2328",
                        "strokeWidth": 4,
                        "strokeColor": "#ffffff",
                        "multi": False,
                    },
                    "borderWidth": 1.5,
                    "borderWidthSelected": 4,
                    "shadow": {"enabled": True, "size": 4, "x": 1, "y": 1, "color": "rgba(0,0,0,0.18)"},
                },
                "edges": {
                    "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                    "color": {"color": "#9aa7b4", "highlight": "#1f2328", "hover": "#57606a", "opacity": 0.45},
                    "width": 1.2,
                    "selectionWidth": 2,
                    "smooth": {
                        "enabled": True,
                        "type": "cubicBezier",
                        "forceDirection": "horizontal",
                        "roundness": 0.45,
                    },
                },
            }
        )
    )
    page = net.generate_html()
    page = _strip_external(page)

    # ---- header, legend, panel and data ---------------------------------------------------
    first = leaves_raw[0]
    region_name = _s(first["region_name"]) or _s(first["region"])
    chain = _s(first["chain"])
    zh_name, en_name = _chain_names(gaps, chain)
    chain_label = zh_name if lang == "zh" else en_name
    page_title = title or t["default_title"].format(region=region_name, chain=chain_label)
    activity = first["activity"]
    counts = Counter(leaf["verdict"] for leaf in leaves)
    chips = "".join(
        f'<span class="cg-chip" data-verdict="{v}"><i style="background:{VERDICT_COLORS[v]}"></i>'
        f"{_esc(VERDICT_LABELS[lang][v])} <b>{counts.get(v, 0)}</b></span>"
        for v in VERDICTS
    )
    meta = (
        f"{_esc(t['meta_region'])}：<b>{_esc(region_name)}</b>（{_esc(first['region'])}）"
        f" · {_esc(t['meta_chain'])}：<b>{_esc(chain_label)}</b>"
        f" · {_esc(t['meta_vintage'])}：<b>{_esc(vintage or t['vintage_unknown'])}</b>"
    )
    if lang == "en":
        meta = meta.replace("：", ": ").replace("（", " (").replace("）", ")")
    header = ['<header id="cg-header">']
    if synthetic:
        header.append(f'<div id="cg-synthetic" role="note">⚠ {_esc(t["synthetic"])}</div>')
    header.append(f'<h1 id="cg-title">{_esc(page_title)}</h1><div class="cg-meta">{meta}</div>')
    header.append(
        f'<div class="cg-legend" id="cg-legend">{chips}'
        f'<span class="cg-note">● {_esc(t["size_note"].format(activity=ACTIVITY_LABELS[lang][activity]))}</span>'
        f'<span class="cg-note">{_esc(t["arrow_note"])}</span>'
        f'<button id="cg-fit" type="button">{_esc(t["fit"])}</button></div>'
    )
    if aggregated:
        header.append(
            f'<div id="cg-aggregated">{_esc(t["aggregated"].format(n=len(leaves), max=max_nodes, m=len(drawn)))}</div>'
        )
    header.append("</header>")

    priority = [n["id"] for n in sorted(drawn, key=lambda n: -n["_priority"]) if n["action"] != "none"][:10]
    summary = [
        [
            STAGE_LABELS[lang][s],
            " · ".join(
                f"{VERDICT_LABELS[lang][v]} {sum(1 for x in leaves if x['stage'] == s and x['verdict'] == v)}"
                for v in VERDICTS
                if any(x["stage"] == s and x["verdict"] == v for x in leaves)
            )
            or "—",
        ]
        for s in STAGES
    ]
    data = {
        "lang": lang,
        "chain": chain,
        "chain_name": chain_label,
        "region": _s(first["region"]),
        "region_name": region_name,
        "vintage": vintage,
        "synthetic": bool(synthetic),
        "aggregated": aggregated,
        "leaf_count": len(leaves),
        "has_firms": local_firms is not None,
        "has_targets": targets is not None,
        "text": {k: v for k, v in t.items() if k not in _HEADER_ONLY},
        "sep": "、" if lang == "zh" else ", ",
        "font": _FONT,
        "colors": VERDICT_COLORS,
        "verdict_labels": VERDICT_LABELS[lang],
        "action_labels": ACTION_LABELS[lang],
        "nodes": [{k: v for k, v in n.items() if not k.startswith("_") and k != "label"} for n in drawn],
        "bands": bands,
        "headers": headers,
        "priority": priority,
        "summary": summary,
    }

    head_extra = (
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="chain-gap">'
        f"<title>{_esc(page_title)}</title><style>{_CSS}</style>"
    )
    if '<meta charset="utf-8">' in page:
        page = page.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + head_extra, 1)
    else:
        page = page.replace("<head>", '<head><meta charset="utf-8">' + head_extra, 1)
    page = re.sub(
        r"^\s*<html>", '<!DOCTYPE html>\n<html lang="%s">' % ("zh-CN" if lang == "zh" else "en"), page, count=1
    )
    body_tail = (
        f'<aside id="cg-panel" aria-live="polite"></aside>'
        f'<script type="application/json" id="cg-data">{_script_json(data)}</script>'
        f"<script>{_JS}</script>"
    )
    page = page.replace("<body>", "<body>" + "".join(header), 1)
    idx = page.rfind("</body>")
    page = page[:idx] + body_tail + page[idx:]
    if _EXTERNAL.search(page):  # a guarantee, not a hope: the page must work with no network
        raise RuntimeError("chain map still references an external resource; pyvis template changed?")
    return page


def write_html(html: str, path: str | os.PathLike[str]) -> Path:
    """Write ``html`` to ``path`` as UTF-8, atomically (temp file in the same folder + rename).

    pyvis' own ``write_html`` uses the platform encoding and crashes on Chinese Windows; a
    half-written map on a shared drive is worse than none, hence the rename.
    """
    target = Path(path)
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
    return target


# --------------------------------------------------------------------------------------------
# Panorama image (产业链全景图): PNG/SVG for slides and printed reports
# --------------------------------------------------------------------------------------------
class FontError(ChainGapError, RuntimeError):
    """No font with Chinese glyphs is available, so Chinese labels would render as empty boxes."""

    default_code = "font-missing"


#: Files looked for, in order, inside the ``mplfonts`` package (a PyPI dependency that ships
#: CJK fonts). Sans-serif first: slides are read from a distance and 黑体-style faces survive
#: projectors and down-scaling far better than 宋体-style serif faces.
_MPLFONTS_FILES: tuple[str, ...] = (
    "NotoSansCJKsc-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "SimHei.ttf",
    "NotoSerifCJKsc-Regular.otf",
    "SourceHanSerifSC-Regular.otf",
)
#: Characters every usable font must have: the fixed vocabulary of the panorama.
_CJK_PROBE = "产业链全景图上中下游缺失薄弱脆弱较强链主带动补强延家环节优先关注数据时点合成演示"
_SYSTEM_HINTS = (
    "cjk",
    "han sans",
    "hansans",
    "wqy",
    "wenquanyi",
    "yahei",
    "msyh",
    "simhei",
    "pingfang",
    "droid sans fallback",
    "droidsansfallback",
    "ukai",
    "uming",
    "simsun",
    "notosanssc",
)
_FONT_HELP = (
    "no font with Chinese glyphs found: `pip install mplfonts` (ships Noto Sans CJK) or install a "
    "system CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk), then retry"
)
_FALLBACK_FAMILY = "DejaVu Sans"  # matplotlib's bundled font, for symbols a CJK face might lack

_font_cache: dict[str, Any] = {}
_charmaps: dict[str, frozenset[int]] = {}


def _charmap(path: str) -> frozenset[int]:
    """Code points a font file has glyphs for (cached by path)."""
    if path not in _charmaps:
        from matplotlib.ft2font import FT2Font

        _charmaps[path] = frozenset(FT2Font(path).get_charmap())
    return _charmaps[path]


def _mplfonts_candidates() -> list[Path]:
    """CJK font files shipped by the ``mplfonts`` package, found without importing it.

    ``importlib.util.find_spec`` locates the package directory without running its
    ``__init__``; mplfonts' own set-up (``mplfonts init``) copies fonts into matplotlib's data
    directory and rewrites its rc file, which a library must not do behind a user's back.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("mplfonts")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for loc in spec.submodule_search_locations:
        for name in _MPLFONTS_FILES:
            p = Path(loc) / "fonts" / name
            if p.is_file():
                out.append(p)
    return out


def _system_candidates() -> list[Path]:
    """CJK fonts of the system: ``fc-list :lang=zh`` first, then matplotlib's own font list."""
    import shutil
    import subprocess

    from matplotlib import font_manager

    found: list[Path] = []
    fc = shutil.which("fc-list")
    if fc:
        try:
            res = subprocess.run(
                [fc, "-f", "%{file}\n", ":lang=zh"], capture_output=True, text=True, timeout=20, check=False
            )
            found += [Path(line.strip()) for line in res.stdout.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            pass
    for entry in font_manager.fontManager.ttflist:
        label = f"{entry.name} {Path(entry.fname).name}".lower()
        if any(h in label for h in _SYSTEM_HINTS):
            found.append(Path(entry.fname))

    def rank(p: Path) -> tuple[int, int, str]:  # sans before serif, SC before other locales, regular first
        n = p.name.lower()
        return (0 if "sans" in n or "hei" in n else 1, 0 if "sc" in n or "cn" in n else 1, ("bold" in n) * 1, n)

    return sorted(dict.fromkeys(p for p in found if p.suffix.lower() in (".ttf", ".otf", ".ttc")), key=rank)


def _font_candidates() -> list[Path]:
    """Font files to try, best first: mplfonts' fonts, then system fonts."""
    return _mplfonts_candidates() + _system_candidates()


def cjk_font() -> tuple[Path, str]:
    """Locate a font with Chinese glyphs and register it with matplotlib.

    Tries the fonts shipped by the ``mplfonts`` PyPI package first (so a fresh ``pip install``
    renders Chinese with no system set-up), then system CJK fonts. A candidate is accepted only
    if its character map really covers the panorama's fixed vocabulary, so a mislabelled or
    Latin-only file can never produce empty "tofu" boxes. The font is registered with
    ``font_manager.fontManager.addfont`` only (matplotlib's data directory is not touched).

    Returns
    -------
    (path, family)
        The font file and the family name to use in ``FontProperties``.

    Raises
    ------
    FontError
        No usable font; the one-line message says how to install one.
    """
    if "font" in _font_cache:
        return _font_cache["font"]
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    need = {ord(c) for c in _CJK_PROBE}
    for path in _font_candidates():
        try:
            if not need <= _charmap(str(path)):
                continue
            family = FT2Font(str(path)).family_name
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):
            continue  # unreadable or unsupported file: try the next one
        _font_cache["font"] = (path, family)
        return path, family
    raise FontError(_FONT_HELP)


def _check_glyphs(texts: Iterable[str], font_paths: Sequence[str]) -> None:
    """Raise :class:`FontError` if a character of ``texts`` is in none of ``font_paths``."""
    have = frozenset().union(*(_charmap(p) for p in font_paths))
    for text in texts:
        for ch in text:
            if ch.isspace() or ord(ch) in have:
                continue
            raise FontError(
                f"character {ch!r} (U+{ord(ch):04X}) in {text!r} has no glyph in "
                f"{', '.join(Path(p).name for p in font_paths)}; remove it from the label "
                f"or install a fuller CJK font (apt-get install fonts-noto-cjk)"
            )


_PANO_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{region} · {chain}产业链全景图",
        "subtitle": "地区代码 {code} · 数据时点：{vintage} · 末级环节 {n} 个，本地已有企业 {present} 个",
        "stage": "{stage} · {n}个环节",
        "cont": "（续）",
        "count": "{n}家",
        "legend_priority": "粗框★ = 优先关注（前{k}）",
        "legend_count": "N家 = 本地企业数",
        "legend_action": "建议：补链 = 补齐断点 · 强链 = 做强薄弱 · 延链 = 向外延伸",
        "synthetic": "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况 · synthetic demo data",
        "watermark": "合成演示数据",
        "credit": "chain-gap 链条诊断",
    },
    "en": {
        "title": "{chain} chain panorama · {region}",
        "subtitle": "Region {code} · data vintage: {vintage} · {n} leaf links, {present} with local firms",
        "stage": "{stage} · {n} links",
        "cont": " (cont.)",
        "count": "{n} firms",
        "legend_priority": "Bold frame ★ = act first (top {k})",
        "legend_count": "N firms = local firms in the link",
        "legend_action": "Fill = close a gap · Strengthen = weak link · Extend = beyond local chain",
        "synthetic": "Synthetic demo data — firms and numbers are generated, not real · 合成演示数据",
        "watermark": "SYNTHETIC DEMO",
        "credit": "chain-gap gap analysis",
    },
}

#: Slide geometry: 16:9 at 16 × 9 inches; PNG at 150 dpi is 2400 × 1350 px, sharp on a
#: 1080p projector and still sharp when a slide is printed. Text sizes below are in points
#: at this size, so a slide showing the image full-width shows 10 pt text as about 8 pt.
_PANO_SIZE = (16.0, 9.0)
_PANO_DPI = 150
_PANO_TOP_PRIORITIES = 5
_EM_W = 1.0 / 72.0  # inches per point


def _unit_width(text: str) -> float:
    """Width of ``text`` in em: CJK / full-width glyphs 1 em, others about 0.55 em."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56 for ch in text)


def _wrap(text: str, max_em: float, width: Callable[[str], float] = _unit_width) -> list[str]:
    """Break ``text`` into balanced lines no wider than ``max_em`` em.

    Chinese wraps between any two characters (but never before closing punctuation); Latin
    text wraps at spaces or hyphens, and a single over-long word is split as a last resort.
    Lines are balanced ("锂资源与 / 锂盐", not "锂资源与锂 / 盐"): a lone character on the
    last line reads as a typo on a poster.
    """
    lines = _wrap_greedy(text, max_em, width)
    if len(lines) < 2:
        return lines
    total = width(" ".join(lines))
    line_em = total / len(lines)
    while line_em < max_em:
        balanced = _wrap_greedy(text, line_em, width, split_words=False)
        if balanced is not None and len(balanced) <= len(lines):
            return balanced
        line_em += 0.25
    return lines


def _wrap_greedy(
    text: str, max_em: float, width: Callable[[str], float] = _unit_width, split_words: bool = True
) -> Any:
    """Greedy line breaking; ``None`` if a word is wider than a line and ``split_words`` is off."""
    text = " ".join(text.split())
    if width(text) <= max_em:
        return [text]
    tokens: list[str] = re.findall(r"[A-Za-z0-9&'./+-]+(?:\s+)?|\s+|.", text)
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        trial = cur + tok
        if width(trial.rstrip()) <= max_em or not cur.strip():
            if width(trial.rstrip()) > max_em and not cur.strip():
                if not split_words:
                    return None
                # one token wider than the line: split it by characters
                for ch in tok:
                    if width((cur + ch).rstrip()) > max_em and cur.strip():
                        lines.append(cur.rstrip())
                        cur = ""
                    cur += ch
                continue
            cur = trial
            continue
        if tok[:1] in "）)，、。：；,.;:":  # closing punctuation stays on its line
            cur = trial
            continue
        carry = ""
        if cur.rstrip()[-1:] in "（(“《" and len(cur.rstrip()) > 1:  # an opening bracket moves down
            carry, cur = cur.rstrip()[-1], cur.rstrip()[:-1]
        lines.append(cur.rstrip())
        cur = carry + tok.lstrip()
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def _fit_lines(
    text: str,
    width_pt: float,
    size: float,
    max_lines: int,
    min_size: float,
    width: Callable[[str], float] = _unit_width,
) -> tuple[list[str], float]:
    """Lines and font size so ``text`` fits ``width_pt`` in ≤ ``max_lines`` lines.

    Shrinks the font in 5 % steps down to ``min_size``; past that the last line is cut with "…"
    (the full name stays in the gap table).
    """
    s = size
    while True:
        lines = _wrap(text, width_pt / s, width)
        if len(lines) <= max_lines:
            return lines, s
        if s * 0.95 < min_size:
            break
        s *= 0.95
    lines = _wrap(text, width_pt / s, width)[:max_lines]
    last = lines[-1]
    while last and width(last + "…") > width_pt / s:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines, s


def _flow(
    blocks: list[tuple[str, list[dict]]], k: int, head_u: float, gap_u: float, slack: float
) -> tuple[list[list[tuple[str, Any]]], float]:
    """Flow group blocks top to bottom into ``k`` columns; a split group repeats its heading."""
    total = sum(head_u + len(ms) + gap_u for _, ms in blocks) - gap_u
    target = total / k * slack
    cols: list[list[tuple[str, Any]]] = [[]]
    heights = [0.0]
    for name, members in blocks:
        whole = head_u + len(members)
        for j, m in enumerate(members):
            # a group is kept in one column unless it is taller than a column on its own
            need = (whole if j == 0 else 1.0) + (gap_u if j == 0 and cols[-1] else 0.0)
            may_split = j == 0 or whole > target
            if may_split and cols[-1] and heights[-1] + need > target and len(cols) < k:
                cols.append([])
                heights.append(0.0)
            if j == 0 or not cols[-1] or cols[-1][-1][0] == "gap":
                if cols[-1] and j == 0:
                    cols[-1].append(("gap", None))
                    heights[-1] += gap_u
                cols[-1].append(("head", (name, j > 0)))
                heights[-1] += head_u
            cols[-1].append(("leaf", m))
            heights[-1] += 1.0
    return cols, max(heights)


def _best_flow(
    blocks: list[tuple[str, list[dict]]], k: int, head_u: float, gap_u: float
) -> tuple[list[list[tuple[str, Any]]], float]:
    if not blocks:
        return [[]], 0.0
    best = None
    for slack in (1.0, 1.04, 1.08, 1.12, 1.2, 1.3):
        cols, h = _flow(blocks, k, head_u, gap_u, slack)
        if best is None or h < best[1] - 1e-9:
            best = (cols, h)
    assert best is not None
    return best


def _text_color(hex_color: str) -> str:
    """Black or white, whichever contrasts more with ``hex_color`` (WCAG relative luminance)."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#1f2328" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def _chain_names(gaps: pd.DataFrame, chain: str) -> tuple[str, str]:
    """(Chinese, English) chain name: from the gap table's attrs, else the chain template, else the id."""
    zh = _s(gaps.attrs.get("chain_name")) if hasattr(gaps, "attrs") else ""
    en = _s(gaps.attrs.get("chain_name_en")) if hasattr(gaps, "attrs") else ""
    if not (zh and en):
        from chain_gap.chains import ChainError, load_chain

        try:
            spec = load_chain(chain)
            zh, en = zh or spec.name, en or spec.name_en
        except ChainError:
            pass  # a gap table of a template that is not installed: show the id
    return zh or chain, en or zh or chain


def panorama(
    gaps: pd.DataFrame,
    *,
    title: str | None = None,
    vintage: str | None = None,
    lang: str = "zh",
    synthetic: bool = False,
) -> Any:
    """Draw the 产业链全景图 (chain panorama) of one chain in one region as a 16:9 figure.

    The familiar poster of Chinese industrial-chain planning documents: three columns 上游 /
    中游 / 下游, the level-2 groups as headed blocks, and one box per leaf link filled with its
    verdict colour (:data:`VERDICT_COLORS`, the same as the map and the report) carrying the link
    name, the local firm count ("12家") and the recommended action (补链 / 强链 / 延链). The five
    links with the highest priority get a bold frame and a star, because the first question of a
    leadership meeting is "where do we start". Box grid, column split and font size are chosen
    so that ~50 links fit a slide at a readable size (names wrap; very long ones shrink, then
    are cut with "…"; the full names stay in the gap table).

    Parameters
    ----------
    gaps
        Gap table of one chain and one region (see :func:`chain_map`).
    title
        Figure title; default "{region} · {chain}产业链全景图".
    vintage
        Data vintage shown under the title.
    lang
        ``"zh"`` (default) or ``"en"``.
    synthetic
        Add a banner and a faint watermark saying the data are synthetic.

    Returns
    -------
    matplotlib.figure.Figure
        A figure on the Agg canvas (no pyplot state is touched); save it with
        :func:`write_panorama`.

    Raises
    ------
    PlotError
        On a bad gap table (same checks as :func:`chain_map`).
    FontError
        When no CJK font is available, or a label holds a character no available font can draw.
    """
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import FancyBboxPatch, Rectangle

    if lang not in _TEXT:
        raise PlotError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = _PANO_TEXT[lang]
    rows = _leaf_records(gaps)
    _font_path, family = cjk_font()
    fallback_path = font_manager.findfont(FontProperties(family=_FALLBACK_FAMILY), fallback_to_default=True)
    families = [family, _FALLBACK_FAMILY]

    first = rows[0]
    chain = _s(first["chain"])
    zh_name, en_name = _chain_names(gaps, chain)
    region_name = _s(first["region_name"]) or _s(first["region"])
    fig_title = title or t["title"].format(region=region_name, chain=zh_name if lang == "zh" else en_name)
    present = sum(1 for r in rows if r["local"] > 0)
    subtitle = t["subtitle"].format(
        code=_s(first["region"]), vintage=vintage or _TEXT[lang]["vintage_unknown"], n=len(rows), present=present
    )
    acting = sorted((r for r in rows if r["action"] != "none"), key=lambda r: -(_num(r.get("priority")) or 0.0))
    top = {r["link"] for r in acting[:_PANO_TOP_PRIORITIES]}

    def name_of(r: Mapping[str, Any]) -> str:
        return (_s(r.get("link_name_en")) if lang == "en" else "") or _s(r["link_name"]) or r["link"]

    def group_of(r: Mapping[str, Any]) -> str:
        return (_s(r.get("group_name_en")) if lang == "en" else "") or _s(r["group_name"]) or _s(r["group"])

    stage_blocks: dict[str, list[tuple[str, list[dict]]]] = {}
    for stage in STAGES:
        by_group: dict[str, list[dict]] = {}
        names: dict[str, str] = {}
        for r in rows:
            if r["stage"] == stage:
                by_group.setdefault(_s(r["group"]), []).append(r)
                names.setdefault(_s(r["group"]), group_of(r))
        stage_blocks[stage] = [(names[g], ms) for g, ms in by_group.items()]
    stages = [s for s in STAGES if stage_blocks[s]]

    # ---- page geometry (inches, y grows downwards) -----------------------------------------
    W, H = _PANO_SIZE
    margin = 0.28
    y = 0.18
    banner = None
    if synthetic:
        banner = (y, 0.40)
        y += 0.52
    title_y = y + 0.22
    sub_y = title_y + 0.42
    content_top = sub_y + 0.32
    legend_y = H - 0.32
    content_bottom = H - 0.62
    stage_head_h = 0.42
    stage_gap = 0.22
    col_gap = 0.10
    pad = 0.10
    head_u, gap_u = 0.62, 0.22  # group heading and inter-group gap, in leaf-row units

    fig = Figure(figsize=_PANO_SIZE, dpi=_PANO_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    widths: dict[tuple[str, bool], float] = {}

    def em(s: str, bold: bool = False) -> float:
        """Rendered width of ``s`` in em (measured once at 10 pt; text scales linearly)."""
        key = (s, bold)
        if key not in widths:
            prop = FontProperties(family=families, size=10, weight="bold" if bold else "normal")
            px = renderer.get_text_width_height_descent(s, prop, ismath=False)[0] if s else 0.0
            widths[key] = px * 72.0 / _PANO_DPI / 10.0
        return widths[key]

    def em_bold(s: str) -> float:
        return em(s, True)

    # ---- choose leaf columns per stage and the font size -----------------------------------
    avail_w = W - 2 * margin - stage_gap * (len(stages) - 1)
    avail_h = content_bottom - content_top - stage_head_h - 2 * pad
    name_em = sorted(em_bold(name_of(r)) for r in rows)
    typical_em = name_em[min(len(name_em) - 1, int(0.85 * len(name_em)))]
    best: tuple[tuple[float, int], float, float, dict[str, int], dict[str, Any]] | None = None
    import itertools

    for ks in itertools.product(range(1, 7), repeat=len(stages)):
        k = dict(zip(stages, ks))
        flows = {s: _best_flow(stage_blocks[s], k[s], head_u, gap_u) for s in stages}
        units = max(h for _, h in flows.values())
        box_w = (avail_w - sum(2 * pad + (k[s] - 1) * col_gap for s in stages)) / sum(ks)
        if box_w <= 0.3:
            continue
        row_h = avail_h / units
        # a box holds two name lines and one count line: ≈ 3.9 line-heights of the font size
        size_h = (row_h - 0.08) / (3.9 * _EM_W)
        size_w = (box_w - 0.12) / (math.ceil(typical_em / 2 + 0.5) * _EM_W)
        size = min(size_h, size_w, 15.0)
        # a group split over two columns reads worse than slightly smaller text: 4 % per split;
        # at equal size prefer wider boxes (fewer, longer lines read better than many short ones)
        splits = sum(
            1 for cols, _ in flows.values() for col in cols for kind, item in col if kind == "head" and item[1]
        )
        score = (round(size * (1 - 0.04 * splits), 1), -sum(ks))
        if best is None or score > best[0]:
            best = (score, size, row_h, k, flows)
    if best is None:
        raise PlotError(f"gap table: {len(rows)} links do not fit a panorama; draw the chain map instead")
    _score, size, row_h, k, flows = best
    size = max(size, 6.0)
    row_h = min(row_h, size * 5.2 * _EM_W)  # do not blow up boxes of a small chain
    head_size = min(size * 1.08, 15.0)

    # ---- figure --------------------------------------------------------------------------
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    ax.set_axis_off()
    drawn: list[tuple[str, bool]] = []

    def text(x: float, yy: float, s: str, size_pt: float, **kw: Any) -> None:
        drawn.append((s, kw.get("weight") == "bold"))
        ax.text(x, yy, s, fontsize=size_pt, family=families, **kw)

    if banner is not None:
        ax.add_patch(
            Rectangle(
                (margin, banner[0]),
                W - 2 * margin,
                banner[1],
                facecolor="#fff4ce",
                edgecolor="#e0b400",
                linewidth=1.2,
                zorder=1,
            )
        )
        text(
            W / 2,
            banner[0] + banner[1] / 2,
            t["synthetic"],
            13,
            ha="center",
            va="center",
            color="#6b5200",
            weight="bold",
            zorder=2,
        )
    text(margin, title_y, fig_title, 22, ha="left", va="center", color="#1f2328", weight="bold")
    text(margin, sub_y, subtitle, 12, ha="left", va="center", color="#57606a")

    x = margin
    for stage in stages:
        cols, _units = flows[stage]
        n_cols = k[stage]
        box_w = (avail_w - sum(2 * pad + (k[s] - 1) * col_gap for s in stages)) / sum(k.values())
        stage_w = 2 * pad + n_cols * box_w + (n_cols - 1) * col_gap
        fill, ink = _STAGE_BAND[stage]
        ax.add_patch(
            FancyBboxPatch(
                (x, content_top),
                stage_w,
                content_bottom - content_top,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=fill,
                edgecolor="none",
                zorder=0,
            )
        )
        ax.add_patch(
            FancyBboxPatch(
                (x, content_top),
                stage_w,
                stage_head_h,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=ink,
                edgecolor="none",
                zorder=1,
            )
        )
        n_stage = sum(len(ms) for _, ms in stage_blocks[stage])
        label = t["stage"].format(stage=STAGE_LABELS[lang][stage], n=n_stage)
        lines, ls = _fit_lines(label, (stage_w - 0.16) * 72, 16, 1, 11, em_bold)
        if lines[0].endswith("…"):  # a narrow stage: its name alone
            lines, ls = _fit_lines(STAGE_LABELS[lang][stage], (stage_w - 0.16) * 72, 16, 1, 9, em_bold)
        text(
            x + stage_w / 2,
            content_top + stage_head_h / 2,
            lines[0],
            ls,
            ha="center",
            va="center",
            color="white",
            weight="bold",
            zorder=2,
        )
        for ci, col in enumerate(cols):
            cx = x + pad + ci * (box_w + col_gap)
            yy = content_top + stage_head_h + pad
            block_top: float | None = None
            for kind, item in col + [("end", None)]:
                if kind in ("gap", "end", "head") and block_top is not None:
                    ax.add_patch(
                        FancyBboxPatch(
                            (cx - 0.04, block_top),
                            box_w + 0.08,
                            yy - block_top,
                            boxstyle="round,pad=0,rounding_size=0.05",
                            facecolor="white",
                            edgecolor="#c9d1d9",
                            linewidth=0.8,
                            zorder=1,
                            alpha=0.9,
                        )
                    )
                    block_top = None
                if kind == "gap":
                    yy += gap_u * row_h
                elif kind == "head":
                    block_top = yy
                    name, cont = item
                    hh = head_u * row_h
                    label = name + (t["cont"] if cont else "")
                    lines, hs = _fit_lines(label, (box_w - 0.1) * 72, head_size, 1, head_size * 0.8, em_bold)
                    if lines[-1].endswith("…"):  # too long for one line: two smaller lines
                        small = min(head_size * 0.8, (hh - 0.04) / (2 * 1.15 * _EM_W))
                        lines, hs = _fit_lines(label, (box_w - 0.1) * 72, small, 2, small * 0.8, em_bold)
                    for li, ln in enumerate(lines):
                        text(
                            cx + box_w / 2,
                            yy + hh / 2 + (li - (len(lines) - 1) / 2) * hs * 1.15 * _EM_W,
                            ln,
                            hs,
                            ha="center",
                            va="center",
                            color=ink,
                            weight="bold",
                            zorder=3,
                        )
                    yy += hh
                elif kind == "leaf":
                    r = item
                    bh = row_h - 0.07
                    color = VERDICT_COLORS[r["verdict"]]
                    ink_txt = _text_color(color)
                    is_top = r["link"] in top
                    ax.add_patch(
                        FancyBboxPatch(
                            (cx, yy),
                            box_w,
                            bh,
                            boxstyle="round,pad=0,rounding_size=0.05",
                            facecolor=color,
                            edgecolor="#111111" if is_top else "white",
                            linewidth=3.2 if is_top else 0.6,
                            zorder=2,
                        )
                    )
                    lines, ns = _fit_lines(name_of(r), (box_w - 0.14) * 72, size, 2, size * 0.72, em_bold)
                    count = (
                        t["count"].format(n=f"{r['local']:,}")
                        if lang == "zh"
                        else ("1 firm" if r["local"] == 1 else t["count"].format(n=f"{r['local']:,}"))
                    )
                    action = ACTION_LABELS[lang][r["action"]] if r["action"] != "none" else ""
                    sub = ("★ " if is_top else "") + count + (f" · {action}" if action else "")
                    line_h = ns * 1.22 * _EM_W
                    sub_size = size * 0.92
                    block_h = len(lines) * line_h + sub_size * 1.25 * _EM_W
                    ty = yy + (bh - block_h) / 2 + line_h / 2
                    for ln in lines:
                        text(
                            cx + box_w / 2, ty, ln, ns, ha="center", va="center", color=ink_txt, weight="bold", zorder=3
                        )
                        ty += line_h
                    text(
                        cx + box_w / 2,
                        ty - line_h / 2 + sub_size * 1.25 * _EM_W / 2 + 0.01,
                        sub,
                        sub_size,
                        ha="center",
                        va="center",
                        color=ink_txt,
                        zorder=3,
                    )
                    yy += row_h
        x += stage_w + stage_gap

    # ---- legend (one row; shrinks to fit the page width) ----------------------------------
    counts = Counter(r["verdict"] for r in rows)
    chips = [f"{VERDICT_LABELS[lang][v]} {counts.get(v, 0)}" for v in VERDICTS]
    notes = [
        t["legend_priority"].format(k=min(_PANO_TOP_PRIORITIES, len(acting))),
        t["legend_count"],
        t["legend_action"],
    ]
    sw, chip_gap, note_gap = 0.24, 0.30, 0.40

    def legend_width(fs: float) -> float:
        return (
            sum(sw + 0.08 + em(c) * fs * _EM_W + chip_gap for c in chips)
            + sum(em(n) * fs * 0.92 * _EM_W + note_gap for n in notes)
            - note_gap
        )

    fs = 12.0
    while fs > 7.0 and legend_width(fs) > W - 2 * margin:
        fs -= 0.5
    lx = margin
    for v, label in zip(VERDICTS, chips):
        ax.add_patch(
            FancyBboxPatch(
                (lx, legend_y - sw / 2),
                sw,
                sw,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=VERDICT_COLORS[v],
                edgecolor="none",
            )
        )
        text(lx + sw + 0.08, legend_y, label, fs, ha="left", va="center", color="#1f2328")
        lx += sw + 0.08 + em(label) * fs * _EM_W + chip_gap
    for note in notes:
        text(lx, legend_y, note, fs * 0.92, ha="left", va="center", color="#57606a")
        lx += em(note) * fs * 0.92 * _EM_W + note_gap
    text(W - margin, sub_y, t["credit"], 10, ha="right", va="center", color="#8c959f")

    if synthetic:
        text(
            W / 2,
            (content_top + content_bottom) / 2,
            t["watermark"],
            96,
            ha="center",
            va="center",
            color="#000000",
            alpha=0.06,
            rotation=18,
            weight="bold",
            zorder=5,
        )

    # never tofu: every string must be covered by the font matplotlib will actually pick for it
    for bold in (False, True):
        resolved = font_manager.findfont(
            FontProperties(family=[family], weight="bold" if bold else "normal"), fallback_to_default=True
        )
        _check_glyphs([s_ for s_, b in drawn if b is bold], [resolved, fallback_path])
    return fig


def write_panorama(
    fig_or_gaps: Any, png_path: str | os.PathLike[str], svg_path: str | os.PathLike[str], **kwargs: Any
) -> tuple[Path, Path]:
    """Save a panorama as PNG (150 dpi, 2400 × 1350 px) and SVG (text as paths), atomically.

    Parameters
    ----------
    fig_or_gaps
        A figure from :func:`panorama`, or a gap table (then ``kwargs`` go to :func:`panorama`).
    png_path, svg_path
        Targets; each is written to a temp file in its folder and renamed into place.

    The SVG stores every glyph as an outline (``svg.fonttype = 'path'``), so it shows the same
    Chinese text on a machine without any CJK font (PowerPoint, WPS, a browser on an intranet PC).

    Returns
    -------
    (png, svg)
        The written paths.
    """
    import matplotlib

    if isinstance(fig_or_gaps, pd.DataFrame):
        fig = panorama(fig_or_gaps, **kwargs)
    else:
        if kwargs:
            raise PlotError(f"write_panorama: options {sorted(kwargs)} only apply when a gap table is passed")
        fig = fig_or_gaps
    out = []
    for path, fmt in ((png_path, "png"), (svg_path, "svg")):
        target = Path(path)
        with atomic_path(target) as tmp, matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "chain-gap"}):
            fig.savefig(
                tmp, format=fmt, dpi=_PANO_DPI, facecolor="white", metadata={"Date": None} if fmt == "svg" else None
            )
        out.append(target)
    return out[0], out[1]
