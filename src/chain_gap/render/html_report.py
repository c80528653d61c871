"""The HTML report: one self-contained page per (chain, region), rendered from ``assets/report.html.j2``.

Summary numbers, the links to act on first, the panorama (a ``data:`` PNG), the gap table, the
top target firms and the notes. Autoescape is on for every value and the page carries a
Content-Security-Policy that allows no script and no network request, so it opens on an intranet
PC and a hostile firm name can only ever be text. This module formats; the numbers come in
computed (see :func:`chain_gap.report.html_report`).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup

from chain_gap.labels import (
    ACTION_LABELS,
    ACTIONS,
    ACTIVITY_LABELS,
    STAGE_LABELS,
    VERDICT_COLORS,
    VERDICT_LABELS,
    VERDICTS,
)
from chain_gap.render import templates
from chain_gap.render.excel import ReportError
from chain_gap.render.notes import settings
from chain_gap.render.style import text_color
from chain_gap.render.text import banner, fmt_pct, is_missing, level_text

__all__ = ["REPORT_CSP", "REPORT_TEXT", "report_page"]

REPORT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{region} · {chain}产业链诊断报告",
        "meta": "地区代码 {code} · 数据时点：{vintage} · 活动变量：{activity} · 末级环节 {n} 个",
        "synthetic": "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况 · synthetic demo data",
        "coverage": "数据覆盖：",
        "key_numbers": "核心指标",
        "c": "链条完整度 C",
        "c_note": "{present}/{n} 个末级环节本地有生产企业",
        "wc": "加权完整度 WC",
        "wc_note": "按环节价值权重加权",
        "sc": "供给加权完整度 SC",
        "sc_note": "按本地供需配套关系加权",
        "sc_none": "无供需数据",
        "verdicts": "环节诊断",
        "actions": "招商方向",
        "priorities": "优先关注环节",
        "no_priorities": "暂无需要行动的环节。",
        "panorama": "产业链全景图",
        "panorama_note": "可右键复制图片粘贴到演示文稿；矢量版见同目录 panorama.svg，明细见 report.xlsx。",
        "gap_table": "链条诊断表",
        "targets": "招商目标企业（前 {k} 家，共 {n} 家）",
        "no_targets": "暂无推荐目标企业。",
        "notes": "数据说明",
        "col_stage": "位置",
        "col_group": "环节大类",
        "col_link": "环节",
        "col_verdict": "诊断",
        "col_action": "建议",
        "col_local": "本地企业",
        "col_national": "全国企业",
        "col_lq": "区位熵 LQ*（{level}区间）",
        "col_hhi": "集中度 HHI",
        "col_priority": "优先级",
        "col_top_local": "本地主要企业",
        "col_reasons": "诊断依据",
        "col_rank": "排名",
        "col_name": "企业名称",
        "col_region": "所在地区",
        "col_target_link": "目标环节",
        "col_score": "综合得分",
        "col_why": "推荐理由",
        "footer": "由 chain-gap 生成。页面不含脚本、不访问网络，可在内网离线打开。",
    },
    "en": {
        "title": "{chain} chain diagnosis · {region}",
        "meta": "Region {code} · data vintage: {vintage} · activity: {activity} · {n} leaf links",
        "synthetic": "Synthetic demo data — firms and numbers are generated, not real · 合成演示数据",
        "coverage": "Data coverage: ",
        "key_numbers": "Key numbers",
        "c": "Completeness C",
        "c_note": "{present} of {n} leaf links have a local producer",
        "wc": "Weighted completeness WC",
        "wc_note": "weighted by the links' value shares",
        "sc": "Supply-weighted completeness SC",
        "sc_note": "weighted by local supply relations",
        "sc_none": "no supply data",
        "verdicts": "Verdicts",
        "actions": "Actions",
        "priorities": "Links to act on first",
        "no_priorities": "No link needs action.",
        "panorama": "Chain panorama",
        "panorama_note": "Right-click to copy the picture into slides; vector version: panorama.svg; "
        "detail: report.xlsx.",
        "gap_table": "Gap table",
        "targets": "Target firms (top {k} of {n})",
        "no_targets": "No target firm.",
        "notes": "Notes",
        "col_stage": "Stage",
        "col_group": "Group",
        "col_link": "Link",
        "col_verdict": "Verdict",
        "col_action": "Action",
        "col_local": "Local firms",
        "col_national": "National firms",
        "col_lq": "LQ* ({level} CI)",
        "col_hhi": "HHI",
        "col_priority": "Priority",
        "col_top_local": "Main local firms",
        "col_reasons": "Reasons",
        "col_rank": "Rank",
        "col_name": "Firm",
        "col_region": "Region",
        "col_target_link": "Target link",
        "col_score": "Score",
        "col_why": "Why",
        "footer": "Made with chain-gap. The page has no scripts and loads nothing from the network.",
    },
}


#: The county division-of-labour section of a city's report.
PORTFOLIO_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "heading": "县域产业分工（错位发展）",
        "note": "★主导 ◇培育 ▲无序竞争风险；各单位的依据、同链协同建议见",
        "page": "县域分工页",
        "catalogue": "招商引资产业目录",
        "unit": "县级单位",
        "leading": "建议主导产业",
    },
    "en": {
        "heading": "Division of labour between counties",
        "note": "★ leading ◇ to cultivate ▲ competition risk; reasons and shared-chain roles:",
        "page": "county page",
        "catalogue": "investment catalogue",
        "unit": "Unit",
        "leading": "Suggested leading chains",
    },
}

#: No script may run and nothing may be fetched: the page is data, not an application.
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_GAP_HEADS = (
    "col_stage",
    "col_group",
    "col_link",
    "col_verdict",
    "col_action",
    "col_local",
    "col_national",
    "col_lq",
    "col_hhi",
    "col_priority",
    "col_top_local",
    "col_reasons",
)


def _cell(v: Any) -> str:
    """Text of a cell: missing values as an em dash."""
    return "—" if v is None or is_missing(v) else str(v)


def _num(v: Any, nd: int = 2) -> str:
    if is_missing(v):
        return "—"
    x = float(v)
    return "∞" if math.isinf(x) else f"{x:,.{nd}f}"


def _badge(verdict: str, lang: str) -> dict[str, Any]:
    color = VERDICT_COLORS.get(verdict, "#8c959f")
    return {"color": color, "dark": text_color(color) != "#ffffff", "label": VERDICT_LABELS[lang].get(verdict, verdict)}


def report_page(
    spec: Any,
    gaps_table: pd.DataFrame,
    targets_table: pd.DataFrame,
    summary: Mapping[str, Any],
    notes: Mapping[str, str],
    panorama_png: bytes,
    *,
    lang: str = "zh",
    synthetic: bool = False,
    vintage: str = "",
    config: Mapping[str, Any] | None = None,
    top_targets: int = 30,
    atlas_html: str = "",
    changes: Mapping[str, Any] | None = None,
    portfolio: Mapping[str, Any] | None = None,
) -> str:
    """The report page of one (chain, region) from its computed parts.

    Parameters
    ----------
    spec : ChainSpec
        The chain (names of the links and of the chain).
    gaps_table : pandas.DataFrame
        The gap table of the region.
    targets_table : pandas.DataFrame
        The ranked targets; the first ``top_targets`` are listed.
    summary : mapping
        :func:`chain_gap.gaps.summary` of the table (C, WC, SC, verdict and action counts, priorities).
    notes : mapping
        The notes, e.g. :func:`chain_gap.render.notes.pack_notes`.
    panorama_png : bytes
        The panorama as PNG, embedded as a ``data:`` URL.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    synthetic : bool
        Show the synthetic-data banner.
    vintage : str
        The data vintage shown under the title.
    config : mapping, optional
        The gaps settings in force (the interval's level in the LQ* header); see
        :func:`chain_gap.render.notes.settings`.
    top_targets : int
        How many targets to list.
    atlas_html : str
        The map block (:func:`chain_gap.report_atlas.report_section`), trusted HTML built with every
        value escaped; placed after the panorama.
    changes : mapping, optional
        The 与上次相比 block (:func:`chain_gap.render.changes.block`), shown after the key numbers.
    portfolio : mapping, optional
        For a city, its county division of labour
        (:func:`chain_gap.report_portfolio.report_section`): the matrix and one line per unit.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    ReportError
        ``lang`` is not ``"zh"`` or ``"en"``.
    """
    if lang not in REPORT_TEXT:
        raise ReportError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = dict(REPORT_TEXT[lang])
    zh = lang == "zh"
    gt, tg = gaps_table, targets_table
    level = settings(config, gt).get("verdict", {}).get("level", 0.95)
    t["col_lq"] = t["col_lq"].format(level=level_text(level))
    region_code = str(gt["region"].iloc[0])
    region_name = str(gt["region_name"].iloc[0])
    title = t["title"].format(region=region_name, chain=spec.name if zh else spec.name_en)
    activity = str(gt["activity"].iloc[0]) if "activity" in gt else "firms"
    present = int((gt["local"] > 0).sum())

    def link_name(r: Mapping[Any, Any]) -> Any:
        return r["link_name"] if zh else (r.get("link_name_en") or r["link_name"])

    def group_name(r: Mapping[Any, Any]) -> Any:
        return r["group_name"] if zh else (r.get("group_name_en") or r["group_name"])

    sc_missing = is_missing(summary["sc"])
    cards = [
        {"key": "c", "value": fmt_pct(summary["c"]), "note": t["c_note"].format(present=present, n=len(gt))},
        {"key": "wc", "value": fmt_pct(summary["wc"]), "note": t["wc_note"]},
        {
            "key": "sc",
            "value": "—" if sc_missing else fmt_pct(summary["sc"]),
            "note": t["sc_none"] if sc_missing else t["sc_note"],
        },
    ]
    for c in cards:
        c["label"] = t[c["key"]]
    by_link = {r["link"]: r for r in gt.to_dict("records")}
    priorities = []
    for lid, _name, action, prio in summary["top_priorities"]:
        r = by_link[lid]
        priorities.append(
            {
                "name": _cell(link_name(r)),
                "badge": _badge(r["verdict"], lang),
                "action": _cell(ACTION_LABELS[lang].get(action, action)),
                "local": int(r["local"]),
                "priority": _num(prio),
                "reasons": _cell(r.get("reasons")),
            }
        )
    top_ids = {p[0] for p in summary["top_priorities"]}
    gap_rows = []
    for r in gt.to_dict("records"):
        lq = _num(r.get("lq_star", r.get("lq")))
        if not is_missing(r.get("ci_low")) and not is_missing(r.get("ci_high")):
            ci = f"{_num(r['ci_low'])}–{_num(r['ci_high'])}"
            lq += f"（{ci}）" if zh else f" ({ci})"
        firms = [f for f in str(r.get("top_local") or "").split("、") if f]
        firms_txt = "、".join(firms[:3]) + (
            (f" 等 {len(firms)} 家" if zh else f" and {len(firms) - 3} more") if len(firms) > 3 else ""
        )
        gap_rows.append(
            {
                "top": r["link"] in top_ids,
                "link": _cell(r["link"]),
                "stage": _cell(STAGE_LABELS[lang].get(r["stage"], r["stage"])),
                "group": _cell(group_name(r)),
                "name": _cell(link_name(r)),
                "badge": _badge(r["verdict"], lang),
                "action": _cell(ACTION_LABELS[lang].get(r["action"], r["action"])),
                "local": int(r["local"]),
                "national": _num(r.get("national"), 0),
                "lq": lq,
                "hhi": _num(r.get("hhi")),
                "priority": _num(r.get("priority")),
                "firms": firms_txt,
                "reasons": _cell(r.get("reasons")),
            }
        )
    k = min(top_targets, len(tg))
    names = {lk.id: (lk.name if zh else lk.name_en) for lk in spec.links.values()}
    target_rows = [
        {
            "rank": _cell(r.get("rank")),
            "name": _cell(r["name"]),
            "region": _cell(r.get("region_name") or r.get("region")),
            "link": _cell(names.get(r["link"], r.get("link_name") or r["link"])),
            "action": _cell(ACTION_LABELS[lang].get(str(r.get("action")), r.get("action"))),
            "score": _num(r.get("score"), 3),
            "reasons": _cell(r.get("reasons")),
        }
        for r in (tg.head(k).to_dict("records") if k else [])
    ]
    return templates.render(
        "report.html.j2",
        html_lang="zh-CN" if zh else "en",
        csp=templates.inline(REPORT_CSP, "content security policy"),
        css=templates.inline(templates.asset("report.css"), "report.css"),
        title=title,
        t=t,
        synthetic=synthetic,
        coverage=banner(gt, lang),
        meta=t["meta"].format(
            code=region_code,
            vintage=vintage or "—",
            activity=ACTIVITY_LABELS[lang].get(activity, activity),
            n=len(gt),
        ),
        cards=cards,
        verdict_chips=[
            {
                "key": v,
                "color": VERDICT_COLORS[v],
                "label": VERDICT_LABELS[lang][v],
                "count": summary["verdicts"].get(v, 0),
            }
            for v in VERDICTS
        ],
        action_chips=[
            {"key": a, "label": ACTION_LABELS[lang][a], "count": summary["actions"].get(a, 0)} for a in ACTIONS[:-1]
        ],
        priorities=priorities,
        panorama_b64=base64.b64encode(panorama_png).decode("ascii"),
        gap_heads=[t[h] for h in _GAP_HEADS],
        gap_rows=gap_rows,
        targets_heading=t["targets"].format(k=k, n=len(tg)),
        target_rows=target_rows,
        notes=list(notes.items()),
        atlas_html=Markup(atlas_html),
        changes=changes,
        portfolio=portfolio,
        pt=PORTFOLIO_TEXT[lang],
    )
