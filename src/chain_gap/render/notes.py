"""The 数据说明 (notes) of the Excel files and the HTML report: where the numbers come from and how.

The method prose reads the settings in force (the confidence level of the LQ* interval, the
verdict thresholds) from the gaps configuration the table was made with, never from constants
written here, so a county that sets ``level = 0.90`` reads "90%" in every note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap.render.text import banner, level_text
from chain_gap.vocab import (
    ACTION_DEFINITIONS,
    ACTION_LABELS,
    ACTIONS,
    VERDICT_DEFINITIONS,
    VERDICT_LABELS,
    VERDICTS,
)

__all__ = [
    "ATTRIBUTION",
    "action_rules",
    "definitions",
    "fmt_param",
    "gap_notes",
    "lq_method",
    "pack_notes",
    "page",
    "settings",
    "target_notes",
    "verdict_rules",
    "vintage",
]

#: Attribution of the reference tables chain-gap ships.
ATTRIBUTION = [
    "GB/T 4754-2017 tables: swifthu/industrial_classifi (MIT)",
    "Administrative divisions: modood/Administrative-divisions-of-China (WTFPL), NBS 2023",
]

#: What the numbers of the 技术依据 (basis) column are, for the reader who opens it.
BASIS_NOTE = {
    "zh": "技术依据列给出诊断背后的数字：LQ*=区位熵（以全国其余地区为参照），括号内为其置信区间；HHI=企业规模集中度"
    "（1=一家独占）；单家停产损失=一家企业停产使本地链条损失的产值比例；关联密度=本地相关环节的基础（越高越易落地）；"
    "权重=该环节在链条中的分量；缺口=权重×(1−min(LQ*,1))；优先级=环节优先级（0–1）。公式见 docs/formulas.md",
    "en": "The basis column holds the numbers behind a verdict: LQ* (location quotient against the rest of the "
    "nation) with its confidence interval; HHI (size concentration, 1 = one firm holds all); single-firm loss "
    "(share of the local chain's value lost when one firm stops); relatedness density (how much related "
    "activity the region has); weight (the link's share of the chain); gap = weight × (1 − min(LQ*, 1)); "
    "priority (0–1). The formulas are in docs/formulas.md",
}

_SYNTHETIC_NOTE = "合成演示数据，非真实企业 / synthetic demo data, not real firms"


def vintage(G: Any) -> str:
    """The data vintage of the graph: the bundle's (its manifest, via ``io.load``), else ``G.graph["vintage"]``, or ``""``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.

    Returns
    -------
    str
    """
    from chain_gap._vintage import of_graph

    return of_graph(G)


def page(table: pd.DataFrame | None, G: Any = None, lang: str = "zh", title: str = "") -> Any:
    """What the printed pages of a workbook say: region and chain of ``table``, the data vintage, a title.

    Parameters
    ----------
    table : pandas.DataFrame or None
        A gap table or target list (its ``attrs`` name the region and chain).
    G : networkx.MultiDiGraph, optional
        The graph, for the data vintage (``G.graph["vintage"]``); without one the footer says the run date.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    title : str
        The printed title (default: the sheet name).

    Returns
    -------
    chain_gap.render.excel.Page
    """
    from chain_gap.render._layout import Page

    a = table.attrs if table is not None else {}
    region = str(a.get("region_name") or "")
    if not region and table is not None and "region_name" in table and len(table):
        region = str(table["region_name"].iloc[0])
    chain = str(a.get("chain_name") or a.get("chain") or "")
    if lang == "en" and a.get("chain"):
        chain = str(a.get("chain_name_en") or a.get("chain"))
    return Page(title=title, region=region, chain=chain, vintage=vintage(G))


def settings(config: Mapping[str, Any] | None = None, table: pd.DataFrame | None = None) -> Mapping[str, Any]:
    """The gaps settings in force: ``config`` if given, else ``table.attrs["config"]``, else the shipped ones.

    Parameters
    ----------
    config : mapping, optional
        The dict :func:`chain_gap.gaps.load_config` returns (sections ``verdict``, ``priority`` …).
    table : pandas.DataFrame, optional
        A gap table; its ``attrs["config"]`` is used when it carries one.

    Returns
    -------
    mapping
        The settings.
    """
    if config is not None:
        as_dict = getattr(config, "as_dict", None)  # a typed chain_gap.config.GapsConfig
        return as_dict() if callable(as_dict) else config
    if table is not None and isinstance(table.attrs.get("config"), Mapping):
        return table.attrs["config"]
    from chain_gap import gaps

    return gaps.load_config()


def fmt_param(v: Any) -> str:
    """A setting as text: mappings as ``k=v；…``, floats without trailing zeros.

    Parameters
    ----------
    v : object
        A setting value.

    Returns
    -------
    str
    """
    if isinstance(v, Mapping):
        return "；".join(f"{k}={fmt_param(x)}" for k, x in v.items())
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _verdict_cfg(cfg: Mapping[str, Any]) -> dict[str, str]:
    v = cfg.get("verdict", {})
    return {
        "level": level_text(v.get("level", 0.95)),
        "ci_low": f"{float(v.get('strong_ci_low', 1.0)):g}",
        "min_firms": str(int(v.get("strong_min_firms", 3))),
        "hhi": f"{float(v.get('fragile_hhi', 0.4)):g}",
        "cascade": f"{float(v.get('fragile_cascade', 0.3)):g}",
        "coverage": f"{float(cfg.get('data', {}).get('min_level_coverage', 0.5)):.0%}",
    }


def verdict_rules(cfg: Mapping[str, Any], lang: str = "zh") -> str:
    """The verdict rules in one sentence, with the thresholds of ``cfg`` (see ``graph/config/gaps.toml``).

    Parameters
    ----------
    cfg : Mapping
        The gaps settings.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
    """
    p = _verdict_cfg(cfg)
    w = VERDICT_LABELS["zh" if lang == "zh" else "en"]
    if lang == "zh":
        return (
            f"{w['missing']}=无本地生产企业；{w['fragile']}=仅1家、集中度HHI>{p['hhi']}，"
            f"或不超过2家且单家企业停产损失≥{p['cascade']}；"
            f"{w['strong']}=LQ*的{p['level']}区间下限≥{p['ci_low']}且≥{p['min_firms']}家；"
            f"{w['anchored']}={w['strong']}且有链主企业；其余有企业的为{w['weak']}（未显示专业化优势）；"
            f"{w['no_data']}=全国无企业挂入该环节，或数据中定位到该级别的企业不足{p['coverage']}（不作诊断、无招商方向）"
        )
    return (
        f"{w['missing']} = no local producer; {w['fragile']} = one firm, HHI > {p['hhi']}, or at most two firms "
        f"with a single-firm cascade loss ≥ {p['cascade']}; {w['strong']} = low end of the {p['level']} LQ* "
        f"interval ≥ {p['ci_low']} with ≥ {p['min_firms']} firms; {w['anchored']} = a strength with a chain-leader "
        f"firm; any other present link is {w['weak']}; {w['no_data']} = no firm in the data is linked to the link, "
        f"or fewer than {p['coverage']} of the located firms reach the region's level (no verdict, no action)"
    )


def action_rules(lang: str = "zh") -> str:
    """The verdict → action table in one sentence, and which actions get a priority and targets.

    Parameters
    ----------
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
    """
    v, a = VERDICT_LABELS["zh" if lang == "zh" else "en"], ACTION_LABELS["zh" if lang == "zh" else "en"]
    if lang == "zh":
        return (
            f"{v['missing']}：上下游本地都有企业→{a['fill']}，在本地链条之外→{a['extend']}；"
            f"{v['weak']}、{v['fragile']}→{a['reinforce']}；{v['strong']}→{a['strengthen']}（锻长板，招引链主或龙头）；"
            f"{v['anchored']}→{a['leverage']}；依赖自然资源的环节（矿产、卤水等）缺失→{a['secure_supply']}，"
            f"本地已有→{a['resource_swap']}；{v['no_data']}→无。"
            f"只有{a['fill']}、{a['extend']}、{a['reinforce']}、{a['strengthen']}计算环节优先级并列出招商目标企业"
        )
    return (
        f"{v['missing']}: local firms up- and downstream → {a['fill']}, beyond the local chain → {a['extend']}; "
        f"{v['weak']} and {v['fragile']} → {a['reinforce']}; {v['strong']} → {a['strengthen']} (attract a leading "
        f"firm); {v['anchored']} → {a['leverage']}; a resource-bound link (ores, brine) missing → "
        f"{a['secure_supply']}, present → {a['resource_swap']}; {v['no_data']} → none. Only {a['fill']}, "
        f"{a['extend']}, {a['reinforce']} and {a['strengthen']} get a link priority and target firms"
    )


def definitions(lang: str = "zh") -> dict[str, str]:
    """One note row per verdict and per action word: the word and its one-sentence definition.

    Parameters
    ----------
    lang : str
        ``"zh"`` (default) or ``"en"``: the language of the words and definitions (keys are bilingual).

    Returns
    -------
    dict
        ``"诊断：缺失环节 / verdict: Missing"`` → definition, then the actions, in table order.
    """
    lg = "zh" if lang == "zh" else "en"
    out = {}
    for v in VERDICTS:
        out[f"诊断：{VERDICT_LABELS['zh'][v]} / verdict: {VERDICT_LABELS['en'][v]}"] = VERDICT_DEFINITIONS[lg][v]
    for act in ACTIONS:
        if act != "none":
            out[f"招商方向：{ACTION_LABELS['zh'][act]} / action: {ACTION_LABELS['en'][act]}"] = ACTION_DEFINITIONS[lg][
                act
            ]
    return out


def lq_method(cfg: Mapping[str, Any], lang: str = "zh") -> str:
    """How LQ* and its interval are computed, at the confidence level of ``cfg``.

    Parameters
    ----------
    cfg : Mapping
        The gaps settings.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
    """
    level = _verdict_cfg(cfg)["level"]
    if lang == "zh":
        return (
            "LQ*=(本地环节/本地总量)/((全国环节−本地环节)/(全国总量−本地总量))；"
            f"小样本给出{level}置信区间而非结论（公式见 docs/formulas.md「区位熵及其置信区间」）"
        )
    return (
        "LQ* = (local link / local total) / ((national link − local link) / "
        f"(national total − local total)); small counts get a {level} interval, not a verdict "
        "(docs/formulas.md, location quotient with a confidence interval)"
    )


def _coverage(table: pd.DataFrame, lang: str) -> dict[str, str]:
    """The 数据覆盖 note of a table: its coverage banner in ``lang``, or nothing when it has none."""
    text = banner(table, lang)
    return {"数据覆盖 / coverage": text} if text else {}


def gap_notes(
    gaps: pd.DataFrame, lang: str = "zh", G: Any = None, config: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Key/value notes for the 数据说明 sheet of a gap table: what the numbers are and where from.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The gap table (its ``attrs`` name the chain, region and activity).
    lang : str
        The language of the 数据覆盖 (coverage) note; the other notes are bilingual.
    G : networkx.MultiDiGraph, optional
        The graph, for the data vintage and the synthetic flag.
    config : mapping, optional
        The gaps settings in force (see :func:`settings`).

    Returns
    -------
    dict
        Ordered key → text.
    """
    a = gaps.attrs
    cfg = settings(config, gaps)
    notes = {
        "链条 / chain": f"{a.get('chain_name', '')} ({a.get('chain', '')})",
        "地区 / region": f"{a.get('region_name', '')} ({a.get('region', '')})",
        **_coverage(gaps, lang),
        "活动变量 / activity": f"{a.get('activity_zh', '')} ({a.get('activity', '')})",
        "数据版本 / vintage": vintage(G) or "见数据来源 / see sources",
        "区位熵 / LQ": lq_method(cfg, "zh"),
        "诊断规则 / verdicts": verdict_rules(cfg, "zh"),
        "招商方向 / actions": action_rules("zh"),
        **definitions("zh"),
        "复杂度 / complexity": a.get("complexity_note", "") or "—",
        "口径 / counting": "仅计已确认的生产型企业（销售、维修类不计）",
        "归属 / attribution": "；".join(ATTRIBUTION),
    }
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = _SYNTHETIC_NOTE
    return notes


def weights_text(prof: Mapping[str, Any]) -> str:
    """A target weight profile in words a reader checks against targets.toml, not a JSON dump.

    Parameters
    ----------
    prof : Mapping
        The profile (``targets.rank(...).attrs["profile"]``).

    Returns
    -------
    str
    """
    from chain_gap.vocab import TAG_ZH

    parts = []
    if "alpha" in prof:
        parts.append(f"企业质量与本地契合度之比 α = {float(prof['alpha']):g}")
    if "proximity" in prof:
        parts.append(f"同省加成 {float(prof['proximity']):.0%}")
    names = {"density": "关联密度", "pci": "环节复杂度", "cog": "机会增益", "gap": "缺口"}
    pri = prof.get("priority") or {}
    if pri:
        parts.append("环节优先级权重：" + "、".join(f"{names.get(k, k)} {float(v):g}" for k, v in pri.items()))
    raw = {str(k): float(v) for k, v in (prof.get("tags") or {}).items()}
    if raw.get("listed") == raw.get("上市"):
        raw.pop("listed", None)  # the loaders' "listed" and a registry's 上市 are one tag to a reader
    tags = {TAG_ZH.get(k, k): v for k, v in raw.items()}
    if tags:
        parts.append("标签加分：" + "、".join(f"{k} {v:g}" for k, v in tags.items()))
    if prof.get("side_line_share") is not None:
        parts.append(f"副线门槛：该环节产品不足营收的 {float(prof['side_line_share']):.0%} 不列入")
    if prof.get("reference_year"):
        parts.append(f"年限计至 {prof['reference_year']} 年")
    return "；".join(parts) or "默认"


def target_notes(
    targets: pd.DataFrame, weights: Any = None, filters: Any = None, lang: str = "zh", G: Any = None
) -> dict[str, str]:
    """Notes sheet of a target list: the weight profile, filters and data vintage behind the ranking.

    Parameters
    ----------
    targets : pandas.DataFrame
        The ranked targets (``attrs["profile"]`` holds the weight profile used).
    weights : str or path, optional
        The weights file given by the user (default: the shipped ``graph/config/targets.toml``).
    filters : list of str, optional
        The filters applied, as the user wrote them.
    lang : str
        The language of the 数据覆盖 (coverage) note; the other notes are bilingual.
    G : networkx.MultiDiGraph, optional
        The graph, for the data vintage and the synthetic flag.

    Returns
    -------
    dict
        Ordered key → text.
    """
    prof = targets.attrs.get("profile", {})
    notes = {
        "链条 / chain": f"{targets.attrs.get('chain_name', '')} ({targets.attrs.get('chain', '')})",
        "地区 / region": f"{targets.attrs.get('region_name', '')} ({targets.attrs.get('region', '')})",
        "得分 / score": "综合得分 = 环节优先级 × [α×企业质量 + (1−α)×契合度/最大契合度] × (1 + 同省加成)"
        "（docs/formulas.md「环节优先级与目标企业得分」）",
        "权重文件 / weights file": str(weights or "默认 graph/config/targets.toml"),
        "权重 / weights": weights_text(prof),
        "筛选 / filters": "；".join(filters or []) or "默认：跳过本地已有企业，不列该环节仅为副线的企业",
        "企业质量 / quality": "熵权TOPSIS：营收、注册资本、人员、成立年限、上市年限、标签、该环节产品营收占比与产品线数"
        "（各企业相同的指标不计）",
        "数据版本 / vintage": vintage(G) or "见数据来源 / see sources",
        "归属 / attribution": "；".join(ATTRIBUTION),
    }
    side = int(targets.attrs.get("side_lines_left_out") or 0)
    if side:
        share = prof.get("side_line_share", 0.05)
        notes["副线企业 / side lines"] = (
            f"{side}家企业的该环节产品不足其营收的{float(share):.0%}，未列入；"
            "需要时加 --filter side_lines=true / left out: the link is a side line of their business"
        )
    notes.update(_coverage(targets, lang))
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = _SYNTHETIC_NOTE
    return notes


def pack_notes(
    G: Any,
    chain: Any,
    gaps_table: pd.DataFrame,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
    config: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The 数据说明 (notes) of the Excel pack and the HTML report, as ordered key → text.

    Says where the numbers come from and how they were made, so a list can be defended in a
    meeting: chain template (version and the policy documents it follows), region, data vintage,
    the activity variable, the verdict thresholds and priority weights actually in force, the
    target weight profile, the method and the attribution of the reference tables.

    Parameters
    ----------
    G : networkx.MultiDiGraph or None
        The graph, for the data vintage and the synthetic flag.
    chain : str or ChainSpec
        The chain.
    gaps_table : pandas.DataFrame
        The gap table of the chain and region.
    targets_table : pandas.DataFrame, optional
        The ranked targets (their weight profile is listed).
    lang : str
        ``"zh"`` (default) or ``"en"`` for the method prose.
    config : mapping, optional
        The gaps settings in force (see :func:`settings`); listed and used in the prose.

    Returns
    -------
    dict
        Ordered key → text.
    """
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    zh = lang == "zh"
    a = gaps_table.attrs
    cfg = settings(config, gaps_table)
    region = f"{a.get('region_name') or gaps_table['region_name'].iloc[0]} ({gaps_table['region'].iloc[0]})"
    notes: dict[str, str] = {}
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = (
            "合成演示数据：企业与数字均为程序生成，不代表真实情况"
            if zh
            else "Synthetic demo data: firms and numbers are generated, not real"
        )
    notes.update(
        {
            "链条 / chain": f"{spec.name if zh else spec.name_en} ({spec.id})",
            "链条模板版本 / template version": str(spec.version),
            "地区 / region": region,
            **_coverage(gaps_table, lang),
            "数据时点 / vintage": vintage(G) or ("未注明，见数据来源" if zh else "not stated; see sources"),
            "活动变量 / activity": (
                f"{a.get('activity_zh', '')} ({a.get('activity', 'firms')})" if zh else str(a.get("activity", "firms"))
            ),
        }
    )
    for i, src in enumerate(spec.sources, start=1):
        notes[f"链条划分依据 {i} / chain source {i}"] = src
    for key, val in cfg.get("verdict", {}).items():
        notes[f"诊断阈值 / verdict.{key}"] = fmt_param(val)
    for key, val in cfg.get("priority", {}).items():
        notes[f"环节优先级权重 / priority.{key}"] = fmt_param(val)
    if targets_table is not None:
        prof = targets_table.attrs.get("profile") or {}
        for key, val in prof.items():
            notes[f"招商评分参数 / targets.{key}"] = fmt_param(val)
    if zh:
        notes.update(
            {
                "方法：区位熵 / LQ": lq_method(cfg, "zh"),
                "方法：诊断 / verdicts": verdict_rules(cfg, "zh"),
                "方法：招商方向 / actions": action_rules("zh"),
                "方法：环节优先级 / priority": "环节优先级 = Σ 权重×(该项在可招引环节中的最小-最大归一化值)，"
                "各项为关联密度、复杂度PCI、机会增益COG、缺口（docs/formulas.md「环节优先级与目标企业得分」）",
                "方法：目标企业 / targets": "综合得分 = 环节优先级 × [α×企业质量(熵权TOPSIS) + (1−α)×本地配套契合度] "
                "× (1 + 同省加成)",
                "口径 / counting": "链条诊断只计已确认的生产型企业；本地企业清单列出全部挂链企业（含销售、应用、待核实和已排除），逐条注明",
                "复杂度 / complexity": a.get("complexity_note", "") or "—",
            }
        )
    else:
        notes.update(
            {
                "方法：区位熵 / LQ": lq_method(cfg, "en"),
                "方法：诊断 / verdicts": verdict_rules(cfg, "en"),
                "方法：招商方向 / actions": action_rules("en"),
                "方法：环节优先级 / priority": "link priority = Σ weight × (min-max of the feature over the links "
                "targets can be attracted into), features density, PCI, COG and gap (docs/formulas.md, link priority "
                "and target score)",
                "方法：目标企业 / targets": "score = link priority × [α × firm quality (entropy-weight TOPSIS) + "
                "(1 − α) × fit to local buyers] × (1 + same-province bonus)",
                "口径 / counting": "gap analysis counts confirmed producers; the local firm list shows every linked firm "
                "(sellers, users, to-verify and rejected links included, each labelled)",
                "复杂度 / complexity": a.get("complexity_note", "") or "—",
            }
        )
    notes.update(definitions(lang))
    notes["技术依据 / basis"] = BASIS_NOTE["zh" if zh else "en"]
    for i, line in enumerate(ATTRIBUTION, start=1):
        notes[f"归属 {i} / attribution {i}"] = line
    return notes
