"""The chain map's words in Chinese and English (page chrome, panel headings, units).

Kept apart from the code so that a translation or a wording change touches one file. The keys in
:data:`HEADER_ONLY` are used while the page is rendered in Python; the others travel to the page's
script.
"""

from __future__ import annotations

__all__ = ["HEADER_ONLY", "MAP_TEXT", "firms_unit"]

MAP_TEXT: dict[str, dict[str, str]] = {
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
        "ci": "{level} 区间",
        "cont": "（续）",
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
        "ci": "{level} CI",
        "cont": " (cont.)",
    },
}

HEADER_ONLY: frozenset[str] = frozenset(
    {
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
        "ci",
        "cont",
    }
)


def firms_unit(n: str, lang: str) -> str:
    """A firm count with its unit ("12家", "12 firms", "1 firm"); ``n`` is already formatted.

    Parameters
    ----------
    n : str
        The formatted count.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
    """
    if lang == "en" and n == "1":
        return "1 firm"
    return MAP_TEXT[lang]["unit_firms"].format(n=n)
