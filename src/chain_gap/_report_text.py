"""What staff read first of a report: the headline lines, the 概览 overview rows and the list of outputs.

Re-exported by :mod:`chain_gap.report` (``report.headline``, ``report.overview``, ``report.output_lines``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap import frames
from chain_gap.render.notes import vintage
from chain_gap.render.text import banner
from chain_gap.vocab import TARGET_ACTIONS

#: What each output of a report is, as the CLI lists them (output name → zh, en); other names print as they are.
OUTPUT_LABELS: dict[str, tuple[str, str]] = {
    "map": ("产业链地图（浏览器打开）", "chain map (open in a browser)"),
    "pack": ("Excel 汇总包（可打印）", "Excel pack (printable)"),
    "report": ("一页式 HTML 报告", "one-page HTML report"),
    "gaps": ("链条诊断表", "gap table"),
    "targets": ("招商目标企业清单", "target list"),
    "panorama_png": ("产业链全景图 PNG", "panorama PNG"),
    "panorama_svg": ("产业链全景图 SVG", "panorama SVG"),
    "atlas": ("产业地图（示意图，浏览器打开）", "atlas: the chain on a map (sketch, open in a browser)"),
    "atlas_inner": ("下一级产业地图（区位熵，示意图）", "atlas one level down (LQ*, sketch)"),
    "briefing": ("领导一页简报 PDF（A4）", "leader's one-page briefing PDF (A4)"),
    "bundle": ("第一期数据包（供再分析、对比）", "earlier vintage bundle (for further analysis)"),
    "changes": ("与上次相比（两期比较）", "since last time (two vintages compared)"),
    "bundle_next": ("第二期数据包（以上结果据此）", "later vintage bundle (the outputs above analyse it)"),
    "portfolio_page": ("县域分工页（HTML）", "county division of labour (HTML)"),
    "catalogue_page": ("招商引资产业目录（可打印）", "investment catalogue (printable)"),
    "matrix": ("县域分工矩阵图 PNG", "county matrix PNG"),
    "portfolio": ("县域分工 Excel", "county division workbook"),
    "catalogue_csv": ("招商引资产业目录 CSV", "investment catalogue CSV"),
}


def output_lines(paths: Mapping[str, Any], lang: str = "zh") -> list[str]:
    """One line per written output, what it is first: ``产业链地图（浏览器打开）  out/map.html``."""
    from chain_gap.render.text import display_width

    order = [k for k in OUTPUT_LABELS if k in paths] + [k for k in paths if k not in OUTPUT_LABELS]
    names = [OUTPUT_LABELS.get(k, (k, k))[0 if lang == "zh" else 1] for k in order]
    pad = max((display_width(n) for n in names), default=0) + 2
    return [f"  {n}{' ' * (pad - display_width(n))}{paths[k]}" for k, n in zip(order, names)]


def _completeness(s: Mapping[str, Any], lang: str, weighted: str = "加权") -> str:
    """``"16%（加权 23%）"``; ``"无数据"`` when no link can be judged (a level the data hardly hold)."""
    if s["c"] != s["c"]:  # NaN
        return "无数据" if lang == "zh" else "no data"
    return f"{s['c']:.0%}（{weighted} {s['wc']:.0%}）" if lang == "zh" else f"{s['c']:.0%} (weighted {s['wc']:.0%})"


def headline(G: Any, chain: Any, gaps_table: pd.DataFrame, targets_table: pd.DataFrame, lang: str = "zh") -> str:
    """The headline numbers of a (chain, region) as one or two lines staff read aloud (demo and report print it).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    gaps_table, targets_table : pandas.DataFrame
        The gap table and the target list of the region.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
    """
    from chain_gap import gaps as gaps_mod
    from chain_gap.labels import ACTION_LABELS, VERDICT_LABELS

    s = gaps_mod.summary(G, chain, _region_of(gaps_table), gaps=gaps_table)
    vl, al = VERDICT_LABELS[lang], ACTION_LABELS[lang]
    sep = "、" if lang == "zh" else ", "
    verdicts = sep.join(f"{vl[v]} {n}" for v, n in s["verdicts"].items() if n)
    actions = sep.join(f"{al[a]} {n}" for a, n in s["actions"].items() if n and a != "none")
    top = sep.join(name for _, name, _, _ in s["top_priorities"][:3])
    if lang == "zh":
        lines = [
            f"{s['region_name']} · {s['chain_name']}：{s['links']} 个环节（{verdicts}）；"
            f"链条完整度 {_completeness(s, lang)}",
            f"建议：{actions or '无'}；优先环节：{top or '无'}；招商目标企业 {len(targets_table)} 家",
        ]
    else:
        lines = [
            f"{s['region_name']} · {s['chain']}: {s['links']} links ({verdicts}); "
            f"completeness {_completeness(s, lang)}",
            f"actions: {actions or 'none'}; top links: {top or 'none'}; {len(targets_table)} target firms",
        ]
    return "\n".join(lines)


def overview(
    G: Any, chain: Any, gaps_table: pd.DataFrame, targets_table: pd.DataFrame, lang: str = "zh", *, top: int = 5
) -> pd.DataFrame:
    """The overview a leader reads first: region, chain, data vintage, verdicts, completeness, the links
    to act on first (with their reason) and the first targets, as (item, value) rows.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    gaps_table, targets_table : pandas.DataFrame
        The region's gap table and target list.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    top : int
        Links and targets listed.

    Returns
    -------
    pandas.DataFrame
        Columns item, value.
    """
    from chain_gap import gaps as gaps_mod
    from chain_gap.labels import ACTION_LABELS, VERDICT_LABELS

    zh = lang == "zh"
    s = gaps_mod.summary(G, chain, _region_of(gaps_table), gaps=gaps_table)
    vl, al = VERDICT_LABELS[lang], ACTION_LABELS[lang]
    sep = "、" if zh else ", "
    rows: list[tuple[str, str]] = [
        (
            "地区" if zh else "Region",
            f"{s['region_name']}（{s['region']}）" if zh else f"{s['region_name']} ({s['region']})",
        ),
        (
            "产业链" if zh else "Chain",
            f"{s['chain_name']}（{s['chain']}）" if zh else f"{s['chain_name']} ({s['chain']})",
        ),
        ("数据时点" if zh else "Data vintage", vintage(G) or ("未注明" if zh else "not stated")),
        (
            "环节诊断" if zh else "Verdicts",
            f"{s['links']} 个环节：" + sep.join(f"{vl[v]} {n}" for v, n in s["verdicts"].items() if n)
            if zh
            else f"{s['links']} links: " + sep.join(f"{vl[v]} {n}" for v, n in s["verdicts"].items() if n),
        ),
        (
            "链条完整度" if zh else "Completeness",
            _completeness(s, lang, "按权重"),
        ),
        (
            "招商方向" if zh else "Actions",
            sep.join(
                f"{al[a]} {n} 个环节" if zh else f"{al[a]} {n}" for a, n in s["actions"].items() if n and a != "none"
            )
            or ("无" if zh else "none"),
        ),
    ]
    coverage = banner(gaps_table, lang)
    if coverage:  # links without data nationally, a level the data cannot judge, inferred codes, firms left out
        rows.insert(3, ("数据覆盖" if zh else "Data coverage", coverage))
    todo = gaps_table[gaps_table["action"].isin(TARGET_ACTIONS)].sort_values("priority", ascending=False).head(top)
    for i, r in enumerate(frames.rows(todo), 1):
        first = str(r.reasons or "").split("；")[0] if zh else str(r.reasons or "").split("; ")[0]
        rows.append(
            (
                f"优先环节 {i}" if zh else f"Priority link {i}",
                f"{r.link_name}：{vl.get(r.verdict, r.verdict)} → {al.get(r.action, r.action)}。{first}"
                if zh
                else f"{r.link_name}: {vl.get(r.verdict, r.verdict)} → {al.get(r.action, r.action)}. {first}",
            )
        )
    for i, r in enumerate(frames.rows(targets_table.head(top)), 1):
        where = getattr(r, "region_name", "") or ""
        rows.append(
            (
                f"招商目标 {i}" if zh else f"Target {i}",
                f"{r.name}（{where}）→ {r.link_name}" if zh else f"{r.name} ({where}) → {r.link_name}",
            )
        )
    if not len(targets_table):
        rows.append(("招商目标" if zh else "Targets", "无（见数据说明）" if zh else "none (see the notes)"))
    return pd.DataFrame(rows, columns=["item", "value"])


def _region_of(gaps_table: pd.DataFrame) -> str:
    """The region code of a gap table."""
    return str(gaps_table["region"].iloc[0])
