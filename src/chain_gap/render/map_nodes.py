"""The chain map's node records: one per leaf link (or per level-2 group), with everything its panel shows.

Built from the checked gap-table records of :func:`chain_gap.render.inputs.leaf_records`, the local
firms and the ranked targets. Keys starting with ``_`` are for sorting and sizing only and never
reach the page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from chain_gap.labels import ACTIONS, ACTIVITY_LABELS, ROLE_LABELS, STAGE_LABELS, VERDICT_LABELS, VERDICTS
from chain_gap.render.inputs import check_columns
from chain_gap.render.map_text import MAP_TEXT, firms_unit
from chain_gap.render.text import fmt_int, fmt_money, fmt_num, level_text, number, plain, text
from chain_gap.vocab import is_inactive

__all__ = [
    "MAX_FIRMS_SHOWN",
    "MAX_TARGETS_SHOWN",
    "aggregate",
    "firm_lists",
    "firms_heading",
    "leaf_node",
    "public",
    "target_lists",
]

_FIRM_REQUIRED = ("name", "link")
_TARGET_REQUIRED = ("name", "link", "score")

#: Firms and targets listed in a link's panel (the Excel files hold them all).
MAX_FIRMS_SHOWN = 50
MAX_TARGETS_SHOWN = 20
_TOOLTIP_FIRMS = 3


def _fmt_activity(v: Any, activity: str, lang: str) -> str:
    if activity == "firms":
        return firms_unit(fmt_int(v), lang)
    return fmt_money(v, lang)


def _counted(r: Mapping[Any, Any]) -> bool:
    """Whether the gap table counts this firm in its link: the list's ``counted`` column when it has
    one (:func:`chain_gap.report.local_firms`), else confirmed (or undecided), producer and operating."""
    c = plain(r.get("counted"))
    if c is not None and not (isinstance(c, float) and math.isnan(c)):
        return bool(c)
    return (
        text(r.get("decision")) in ("", "confirmed")
        and text(r.get("role")) in ("", "producer")
        and not is_inactive(r.get("tags"))
    )


def firm_lists(
    local_firms: pd.DataFrame | None, links: set[str], lang: str, anchors: Mapping[str, set[str]] | None = None
) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Local firms per link: counted ones first, then producers, then by revenue and capital; rejected apart.

    Parameters
    ----------
    local_firms : pandas.DataFrame or None
        The local firm list (:func:`chain_gap.report.local_firms`); ``None`` gives no lists.
    links : set of str
        Leaf ids of the map; firms of other links are ignored.
    lang : str
        ``"zh"`` or ``"en"``, for role labels and amounts.
    anchors : mapping, optional
        Link → ids (or names) of its 链主 firms, marked on their rows.

    Returns
    -------
    tuple of (dict, dict)
        Link → firm records, and link → number of firms a reviewer rejected.
    """
    anchors = anchors or {}
    if local_firms is None:
        return {}, {}
    check_columns(local_firms, _FIRM_REQUIRED, "local firms")
    per: dict[str, list[dict]] = {}
    excluded: Counter[str] = Counter()
    roles = ROLE_LABELS[lang]
    for r in local_firms.to_dict("records"):
        link = text(r["link"])
        if link not in links:
            continue  # a firm of another chain or region table: not this map's business
        if text(r.get("decision")) == "rejected":
            excluded[link] += 1
            continue
        role = text(r.get("role"))
        fid = text(r.get("ent_id")) or text(r.get("uscc")) or text(r["name"])
        counted = _counted(r)
        per.setdefault(link, []).append(
            {
                "id": fid,
                "name": text(r["name"]),
                "uscc": text(r.get("uscc")),
                "role": roles.get(role, role),
                "role_id": role,
                "producer": role in ("", "producer"),
                "counted": counted,
                "anchor": fid in anchors.get(link, ()) or text(r["name"]) in anchors.get(link, ()),
                "inactive": is_inactive(r.get("tags")),
                "uncertain": text(r.get("decision")) == "uncertain",
                "capital": fmt_money(r.get("reg_capital"), lang),
                "revenue": fmt_money(r.get("revenue"), lang),
                "_rev": number(r.get("revenue")) or 0.0,
                "_cap": number(r.get("reg_capital")) or 0.0,
            }
        )
    for firms in per.values():
        firms.sort(
            key=lambda f: (not f["anchor"], not f["counted"], not f["producer"], -f["_rev"], -f["_cap"], f["name"])
        )
    return per, dict(excluded)


def target_lists(targets: pd.DataFrame | None, links: set[str]) -> dict[str, list[dict]]:
    """Ranked targets per link (by rank, then score, then input order); ``{}`` without a target list.

    Parameters
    ----------
    targets : pandas.DataFrame or None
        The ranked targets (:func:`chain_gap.targets.rank`).
    links : set of str
        Leaf ids of the map; targets of other links are ignored.

    Returns
    -------
    dict
        Link → target records.
    """
    if targets is None:
        return {}
    check_columns(targets, _TARGET_REQUIRED, "targets")
    per: dict[str, list[dict]] = {}
    for i, r in enumerate(targets.to_dict("records")):
        link = text(r["link"])
        if link not in links:
            continue
        score = number(r["score"])
        rank = number(r.get("rank"))
        per.setdefault(link, []).append(
            {
                "id": text(r.get("ent_id")) or text(r.get("uscc")) or text(r["name"]),
                "name": text(r["name"]),
                "region": text(r.get("region_name")) or text(r.get("region")),
                "score": fmt_num(score, 3),
                "reasons": text(r.get("reasons")),
                "_score": score if score is not None else -math.inf,
                "_rank": rank if rank is not None else math.inf,
                "_i": i,
            }
        )
    for ts in per.values():
        ts.sort(key=lambda t: (t["_rank"], -t["_score"], t["_i"]))
    return per


def public(items: list[dict]) -> list[dict]:
    """The records without their private (``_``-prefixed) sort keys, as the page receives them.

    Parameters
    ----------
    items : list of dict
        Firm or target records.

    Returns
    -------
    list of dict
    """
    return [{k: v for k, v in it.items() if not k.startswith("_")} for it in items]


def leaf_node(
    r: Mapping[str, Any],
    firms: list[dict],
    n_excluded: int,
    tlist: list[dict] | None,
    lang: str,
    level: float = 0.95,
) -> dict[str, Any]:
    """The node record of one leaf link: label, badge, facts, reasons and its firm lists.

    Parameters
    ----------
    r : mapping
        A record of :func:`chain_gap.render.inputs.leaf_records`.
    firms : list of dict
        The link's local firms from :func:`firm_lists`.
    n_excluded : int
        Firms a reviewer rejected for the link (counted, not listed).
    tlist : list of dict or None
        The link's targets from :func:`target_lists`; ``None`` when no target list was given.
    lang : str
        ``"zh"`` or ``"en"``.
    level : float
        Confidence level of the LQ* interval in force (``verdict.level`` of the gaps settings).

    Returns
    -------
    dict
        The node record; keys starting with ``_`` are for sizing and sorting only.
    """
    name = (text(r.get("link_name_en")) if lang == "en" else "") or text(r["link_name"]) or r["link"]
    group = (text(r.get("group_name_en")) if lang == "en" else "") or text(r["group_name"]) or text(r["group"])
    act = r["activity"]
    ci_lo, ci_hi = number(r.get("ci_low")), number(r.get("ci_high"))
    # one LQ: LQ* (against the rest of the nation, what the verdict reads) with its interval; a table
    # made by hand without LQ* shows its plain LQ under that name
    lq_key, lq_name = ("lq_star", "LQ*") if "lq_star" in r else ("lq", "LQ")
    lq_txt = fmt_num(r.get(lq_key))
    if ci_lo is not None and ci_hi is not None:
        ci = MAP_TEXT[lang]["ci"].format(level=level_text(level))
        lq_txt += (
            f"（{ci} {fmt_num(ci_lo)}–{fmt_num(ci_hi)}）"
            if lang == "zh"
            else f" ({ci} {fmt_num(ci_lo)}–{fmt_num(ci_hi)})"
        )
    hhi_txt = fmt_num(r.get("hhi"))
    if bool(plain(r.get("single_firm"))):
        hhi_txt += "（仅 1 家企业）" if lang == "zh" else " (single firm)"
    act_label = ACTIVITY_LABELS[lang][act]
    anchor_names = [f["name"] for f in firms if f["anchor"]] or [
        x for x in text(r.get("anchor_firms")).split("、") if x
    ]
    if lang == "zh":
        facts = [["本地企业", firms_unit(fmt_int(r["local"]), lang) + f"（全国 {fmt_int(r.get('national'))} 家）"]]
        if act != "firms":
            facts.append([f"本地{act_label}", _fmt_activity(r.get("local_activity"), act, lang)])
        facts += [
            [f"区位熵 {lq_name}（按{act_label}）", lq_txt],
            ["集中度 HHI", hhi_txt],
            ["优先级", fmt_num(r.get("priority"))],
        ]
    else:
        facts = [["Local firms", f"{fmt_int(r['local'])} (national {fmt_int(r.get('national'))})"]]
        if act != "firms":
            facts.append([f"Local {act_label}", _fmt_activity(r.get("local_activity"), act, lang)])
        facts += [[f"{lq_name} (by {act_label})", lq_txt], ["HHI", hhi_txt], ["Priority", fmt_num(r.get("priority"))]]
    facts += _basis_rows(r, lang)
    if anchor_names:
        facts.insert(1, [MAP_TEXT[lang]["anchor_fact"], ("、" if lang == "zh" else ", ").join(anchor_names)])
    return {
        "id": r["link"],
        "name": name,
        "stage": r["stage"],
        "stage_label": STAGE_LABELS[lang][r["stage"]],
        "group": text(r["group"]),
        "group_name": group,
        "verdict": r["verdict"],
        "action": r["action"],
        "local": r["local"],
        "facts": facts,
        "reasons": text(r.get("reasons")),
        "firms": public(firms[:MAX_FIRMS_SHOWN]),
        "firms_total": len(firms),
        "firms_counted": sum(1 for f in firms if f["counted"]),
        "firms_heading": firms_heading(firms, int(r["local"]), lang),
        "firms_excluded": n_excluded,
        "anchors": anchor_names,
        "targets": None if tlist is None else public(tlist[:MAX_TARGETS_SHOWN]),
        "targets_total": None if tlist is None else len(tlist),
        "top_firms": [f["name"] for f in firms[:_TOOLTIP_FIRMS]],
        "label": ("★ " if anchor_names else "") + f"{name}\n" + firms_unit(fmt_int(r["local"]), lang),
        "_activity": number(r.get("local_activity")) or 0.0,
        "_priority": number(r.get("priority")) or 0.0,
        "_weight": number(r.get("weight")) if number(r.get("weight")) is not None else 1.0,
    }


def _basis_rows(r: Mapping[str, Any], lang: str) -> list[list[str]]:
    """The rest of the 技术依据 (basis) numbers for the hover and panel: cascade loss, density, weight and gap.

    LQ* with its interval, HHI and the priority are rows of their own, so the basis is shown without
    repeating them; the plain reason stays in the panel's 判断依据.
    """
    rows = []
    loss = number(r.get("cascade_loss"))
    if loss is not None and loss > 0:
        rows.append(["单家停产损失" if lang == "zh" else "Single-firm loss", f"{loss:.0%}"])
    if number(r.get("density")) is not None:
        rows.append(["关联密度" if lang == "zh" else "Relatedness density", fmt_num(r.get("density"))])
    w, gap = number(r.get("weight")), number(r.get("gap"))
    if w is not None and gap is not None:
        rows.append(["权重 / 缺口" if lang == "zh" else "Weight / gap", f"{w:.3f} / {gap:.3f}"])
    return rows


def firms_heading(firms: list[dict], local: int, lang: str) -> str:
    """The panel heading of a link's firm list, saying why it may list more firms than the node counts.

    The node shows the gap table's ``local`` (confirmed firms of the link's performer role that still
    operate); the list also holds firms to verify, sellers / users and firms no longer operating.
    """
    t = MAP_TEXT[lang]
    counted = sum(1 for f in firms if f["counted"])
    why: Counter[str] = Counter()
    for f in firms:
        if f["counted"]:
            continue
        if f["uncertain"]:
            why[t["why_uncertain"]] += 1
        elif f["inactive"]:
            why[t["why_inactive"]] += 1
        elif f["role_id"] and not f["producer"]:
            why[t["why_role"].format(role=f["role"])] += 1
        else:
            why[t["why_other"]] += 1
    head = t["firms_head"].format(n=firms_unit(fmt_int(counted), lang))
    if why:
        parts = ("、" if lang == "zh" else ", ").join(t["why_part"].format(n=n, what=w) for w, n in why.items())
        head += t["firms_extra"].format(parts=parts)
    if counted != local:
        head += t["firms_mismatch"].format(n=fmt_int(local))
    return head


def _group_heading(members: list[dict[str, Any]], lang: str) -> str:
    t = MAP_TEXT[lang]
    counted = sum(m["firms_counted"] for m in members)
    rest = sum(m["firms_total"] for m in members) - counted
    head = t["firms_head"].format(n=firms_unit(fmt_int(counted), lang))
    if rest:
        head += t["firms_extra"].format(parts=t["why_part"].format(n=rest, what=t["why_other"]))
    return head


def _dominant(weights: Mapping[str, float], order: Sequence[str]) -> str:
    """Key with the largest weight; ties go to the earlier (more severe) key in ``order``."""
    return max(order, key=lambda k: (weights.get(k, -1.0), -order.index(k)))


def aggregate(leaves: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One node per level-2 group.

    Colour = the verdict holding the largest template weight among the group's leaves (ties go
    to the more severe verdict), so a group mostly missing shows red even if one leaf is strong;
    the tooltip lists the count of leaves per verdict so nothing is hidden by the summary.

    Parameters
    ----------
    leaves : list of dict
        The leaf nodes of the map.
    lang : str
        ``"zh"`` or ``"en"``, for the labels and tooltips.

    Returns
    -------
    list of dict
        One node per group, in the order the groups first appear.
    """
    t = MAP_TEXT[lang]
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
            tl.sort(key=lambda x: -(number(x["score"].replace(",", "")) or -math.inf))
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
                "firms": all_firms[:MAX_FIRMS_SHOWN],
                "firms_total": sum(m["firms_total"] for m in members),
                "firms_counted": sum(m["firms_counted"] for m in members),
                "firms_heading": _group_heading(members, lang),
                "firms_excluded": sum(m["firms_excluded"] for m in members),
                "anchors": list(dict.fromkeys(a for m in members for a in m["anchors"])),
                "targets": tl[:MAX_TARGETS_SHOWN] if has_targets else None,
                "targets_total": len(tl) if has_targets else None,
                "top_firms": [f["name"] for f in all_firms[:_TOOLTIP_FIRMS]],
                "label": ("★ " if any(m["anchors"] for m in members) else "")
                + f"{name}\n"
                + t["unit_links"].format(n=n),
                "leaves": [m["id"] for m in members],
                "_activity": sum(m["_activity"] for m in members),
                "_priority": max(m["_priority"] for m in members),
                "_weight": sum(m["_weight"] for m in members),
            }
        )
    return out
