"""The 数据说明 (notes) of the Excel files and the HTML report: where the numbers come from and how.

The method prose reads the settings in force (the confidence level of the LQ* interval, the
verdict thresholds) from the gaps configuration the table was made with, never from constants
written here, so a county that sets ``level = 0.90`` reads "90%" in every note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap.render.text import level_text

__all__ = [
    "ATTRIBUTION",
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
    if lang == "zh":
        return (
            f"缺失=无本地生产企业；脆弱=仅1家、HHI>{p['hhi']}，或不超过2家且单家企业级联损失≥{p['cascade']}；"
            f"较强=LQ*的{p['level']}区间下限≥{p['ci_low']}且≥{p['min_firms']}家；链主带动=较强且有链主企业；其余为薄弱；"
            f"无数据=全国无企业挂入该环节，或数据中定位到该级别的企业不足{p['coverage']}（不作诊断、无招商方向）"
        )
    return (
        f"missing = no local producer; fragile = one firm, HHI > {p['hhi']}, or at most two firms with a "
        f"single-firm cascade loss ≥ {p['cascade']}; strong = low end of the {p['level']} LQ* interval "
        f"≥ {p['ci_low']} with ≥ {p['min_firms']} firms; anchored = strong with a chain-leader firm; otherwise weak; "
        f"no data = no firm in the data is linked to the link, or fewer than {p['coverage']} of the located firms "
        "reach the region's level (no verdict, no action)"
    )


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
            f"小样本给出{level}置信区间而非结论（ORACLES M1）"
        )
    return (
        "LQ* = (local link / local total) / ((national link − local link) / "
        f"(national total − local total)); small counts get a {level} interval, not a verdict (ORACLES M1)"
    )


def gap_notes(
    gaps: pd.DataFrame, lang: str = "zh", G: Any = None, config: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Key/value notes for the 数据说明 sheet of a gap table: what the numbers are and where from.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The gap table (its ``attrs`` name the chain, region and activity).
    lang : str
        Kept for symmetry with the other writers; the notes are bilingual.
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
        "活动变量 / activity": f"{a.get('activity_zh', '')} ({a.get('activity', '')})",
        "数据版本 / vintage": vintage(G) or "见数据来源 / see sources",
        "区位熵 / LQ": "LQ*=(本地环节/本地总量)/((全国环节−本地环节)/(全国总量−本地总量))，"
        f"{_verdict_cfg(cfg)['level']}置信区间见ORACLES M1",
        "诊断规则 / verdicts": verdict_rules(cfg, "zh"),
        "招商方向 / actions": "补链=缺失环节位于本地已有环节之间；延链=缺失环节在本地链条之外；强链=薄弱或脆弱环节",
        "复杂度 / complexity": a.get("complexity_note", "") or "—",
        "口径 / counting": "仅计已确认的生产型企业（销售、维修类不计）",
        "归属 / attribution": "；".join(ATTRIBUTION),
    }
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = _SYNTHETIC_NOTE
    return notes


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
        Kept for symmetry with the other writers; the notes are bilingual.
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
        "得分 / score": "综合得分 = 环节优先级 × [α×企业质量 + (1−α)×契合度/最大契合度] × (1 + 同省加成)（ORACLES M9）",
        "权重文件 / weights file": str(weights or "默认 graph/config/targets.toml"),
        "权重 / weights": json.dumps(prof, ensure_ascii=False, default=str),
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
    if targets.attrs.get("coverage_banner"):
        notes["数据覆盖 / coverage"] = str(targets.attrs["coverage_banner"])
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
                "方法：招商方向 / actions": "补链=缺失环节位于本地已有环节之间；延链=缺失环节在本地链条之外；强链=薄弱或脆弱环节",
                "方法：目标企业 / targets": "综合得分 = 环节优先级 × [α×企业质量(TOPSIS) + (1−α)×本地配套契合度] × (1 + 同省加成)（ORACLES M9）",
                "口径 / counting": "链条诊断只计已确认的生产型企业；本地企业清单列出全部挂链企业（含销售、应用、待核实和已排除），逐条注明",
                "复杂度 / complexity": a.get("complexity_note", "") or "—",
            }
        )
    else:
        notes.update(
            {
                "方法：区位熵 / LQ": lq_method(cfg, "en"),
                "方法：诊断 / verdicts": verdict_rules(cfg, "en"),
                "方法：招商方向 / actions": "fill = missing link between local links; extend = missing link beyond the "
                "local chain; strengthen = weak or fragile link",
                "方法：目标企业 / targets": "score = link priority × [α × firm quality (TOPSIS) + (1 − α) × fit to local "
                "buyers] × (1 + same-province bonus) (ORACLES M9)",
                "口径 / counting": "gap analysis counts confirmed producers; the local firm list shows every linked firm "
                "(sellers, users, to-verify and rejected links included, each labelled)",
                "复杂度 / complexity": a.get("complexity_note", "") or "—",
            }
        )
    for i, line in enumerate(ATTRIBUTION, start=1):
        notes[f"归属 {i} / attribution {i}"] = line
    return notes
