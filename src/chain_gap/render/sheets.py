"""Labelled sheets: the gap table, the target list and the local firms as staff see them.

Stable output columns with Chinese (or English) headers, labels instead of codes for stages,
verdicts, actions, roles and review decisions, and the names of the code columns that the Excel
writer must keep as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap.labels import ACTION_LABELS, ROLE_LABELS, STAGE_LABELS, VERDICT_LABELS
from chain_gap.render.excel import is_code_column

__all__ = [
    "DECISION_LABELS",
    "GAP_COLUMNS",
    "LOCAL_COLUMNS",
    "SHEET_NAMES",
    "TARGET_COLUMNS",
    "gap_sheet",
    "local_sheet",
    "sheet_name",
    "target_sheet",
    "text_headers",
]

#: Stable output columns of the gap table: name → (Chinese header, English header).
GAP_COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("地区代码", "region code"),
    "region_name": ("地区", "region"),
    "stage": ("环节位置", "stage"),
    "group_name": ("环节大类", "group"),
    "link": ("环节代码", "link id"),
    "link_name": ("环节", "link"),
    "weight": ("权重", "weight"),
    "activity": ("活动变量", "activity"),
    "local": ("本地企业数", "local firms"),
    "local_activity": ("本地活动量", "local activity"),
    "national": ("全国企业数", "national firms"),
    "lq": ("区位熵LQ", "LQ"),
    "lq_star": ("区位熵LQ*", "LQ*"),
    "ci_low": ("LQ*区间下限", "LQ* CI low"),
    "ci_high": ("LQ*区间上限", "LQ* CI high"),
    "hhi": ("集中度HHI", "HHI"),
    "single_firm": ("仅一家", "single firm"),
    "cascade_loss": ("级联损失", "cascade loss"),
    "density": ("关联密度", "density"),
    "pci": ("环节复杂度PCI", "PCI"),
    "cog": ("机会增益COG", "COG"),
    "peer_percentile": ("同级百分位", "peer percentile"),
    "anchor_firms": ("链主企业", "anchor firms"),
    "verdict_label": ("诊断", "verdict"),
    "action_label": ("招商方向", "action"),
    "gap": ("缺口", "gap"),
    "priority": ("优先级", "priority"),
    "top_local": ("本地主要企业", "top local firms"),
    "reasons": ("诊断依据", "reasons"),
}

TARGET_COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("排名", "rank"),
    "name": ("企业名称", "name"),
    "uscc": ("统一社会信用代码", "USCC"),
    "region": ("所在地区代码", "region code"),
    "region_name": ("所在地区", "region"),
    "link_name": ("目标环节", "link"),
    "action_label": ("招商方向", "action"),
    "score": ("综合得分", "score"),
    "link_priority": ("环节优先级", "link priority"),
    "gap": ("环节缺口", "gap"),
    "density": ("可行性(关联密度)", "feasibility (density)"),
    "resilience": ("韧性增益", "resilience gain"),
    "quality": ("企业质量(TOPSIS)", "firm quality (TOPSIS)"),
    "fit": ("本地配套契合度", "fit to local buyers"),
    "confidence": ("挂链置信度", "link confidence"),
    "same_province": ("同省", "same province"),
    "reg_capital": ("注册资本(元)", "registered capital (CNY)"),
    "revenue": ("营业收入(元)", "revenue (CNY)"),
    "founded": ("成立日期", "founded"),
    "tags": ("企业标签", "tags"),
    "other_links": ("其他所属环节", "other links"),
    "stability": ("排名稳定性", "rank stability"),
    "reasons": ("推荐理由", "reasons"),
    "ent_id": ("企业ID", "enterprise id"),
}

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "gaps": ("链条诊断", "Gap analysis"),
    "targets": ("招商目标企业清单", "Target list"),
    "local": ("本地企业清单", "Local firms"),
    "notes": ("数据说明", "Notes"),
}


def sheet_name(kind: str, lang: str = "zh") -> str:
    """Sheet name of an output (``gaps``, ``targets``, ``local``, ``notes``) in the chosen language.

    Parameters
    ----------
    kind : str
        "gaps", "targets", "local" or "notes".
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
    """
    zh, en = SHEET_NAMES[kind]
    return zh if lang == "zh" else en


def _labelled(df: pd.DataFrame, columns: Mapping[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    d = df.copy()
    if "verdict" in d:
        d["verdict_label"] = d["verdict"].map(VERDICT_LABELS[lang])
    if "action" in d:
        d["action_label"] = d["action"].map(ACTION_LABELS[lang])
    if "stage" in d:
        d["stage"] = d["stage"].map(STAGE_LABELS[lang]).fillna(d["stage"])
    if lang == "en" and "link_name_en" in d:
        d["link_name"] = d["link_name_en"]
        if "group_name_en" in d:
            d["group_name"] = d["group_name_en"]
    keep = [c for c in columns if c in d.columns]
    return d[keep].rename(columns={c: columns[c][0 if lang == "zh" else 1] for c in keep})


def gap_sheet(gaps: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The gap table with stable Chinese (or English) column names, as staff see it.

    Parameters
    ----------
    gaps : pandas.DataFrame
        A gap table (:func:`chain_gap.gaps.table`).
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    return _labelled(gaps, GAP_COLUMNS, lang)


def target_sheet(targets: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The target list with stable Chinese (or English) column names.

    Parameters
    ----------
    targets : pandas.DataFrame
        A target list (:func:`chain_gap.targets.rank`).
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    return _labelled(targets, TARGET_COLUMNS, lang)


LOCAL_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("企业名称", "name"),
    "uscc": ("统一社会信用代码", "USCC"),
    "region": ("所在地区代码", "region code"),
    "region_name": ("所在地区", "region"),
    "stage": ("环节位置", "stage"),
    "link_name": ("所属环节", "link"),
    "role_label": ("角色", "role"),
    "decision_label": ("挂链状态", "review status"),
    "confidence": ("挂链置信度", "confidence"),
    "primary": ("主营环节", "primary link"),
    "reg_capital": ("注册资本(元)", "registered capital (CNY)"),
    "revenue": ("营业收入(元)", "revenue (CNY)"),
    "evidence": ("挂链依据", "evidence"),
    "link": ("环节代码", "link id"),
    "ent_id": ("企业ID", "enterprise id"),
}

DECISION_LABELS = {
    "zh": {"confirmed": "已确认", "uncertain": "待核实", "rejected": "已排除"},
    "en": {"confirmed": "confirmed", "uncertain": "to verify", "rejected": "rejected"},
}


def text_headers(columns: Mapping[str, tuple[str, str]], lang: str) -> tuple[str, ...]:
    """Output headers of the code columns (USCC, region code, ids) of a labelled sheet.

    The sheets are written with Chinese headers, which :func:`chain_gap.render.excel.is_code_column`
    cannot recognise, so the code columns are named explicitly and always written as text.

    Parameters
    ----------
    columns : Mapping
        Column → (Chinese header, English header) of a labelled sheet.
    lang : str
        "zh" or "en".

    Returns
    -------
    tuple of str
    """
    return tuple(v[0 if lang == "zh" else 1] for k, v in columns.items() if is_code_column(k) or k == "link")


def local_sheet(firms: pd.DataFrame, chain: Any, lang: str = "zh") -> pd.DataFrame:
    """The 本地企业清单 (local firms of the chain) with link names and labelled columns.

    ``firms`` is :func:`chain_gap.report.local_firms`; every membership is listed (one row per firm and link),
    including sellers, users and links a reviewer rejected, each saying so, so the list can be
    reconciled with the registry and with the gap table's counts (which use confirmed producers).

    Parameters
    ----------
    firms : pandas.DataFrame
        The local firm list.
    chain : ChainSpec
        The chain, for the link names.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    d = firms.copy()
    names = {lk.id: (lk.name if lang == "zh" else lk.name_en) for lk in spec.links.values()}
    stages = {lk.id: lk.stage for lk in spec.links.values()}
    d["link_name"] = d["link"].map(names).fillna(d["link"])
    d["stage"] = d["link"].map(stages).map(STAGE_LABELS[lang])
    d["role_label"] = d["role"].map(ROLE_LABELS[lang]).fillna(d["role"])
    d["decision_label"] = d["decision"].map(DECISION_LABELS[lang]).fillna(d["decision"])
    keep = [c for c in LOCAL_COLUMNS if c in d.columns]
    return d[keep].rename(columns={c: LOCAL_COLUMNS[c][0 if lang == "zh" else 1] for c in keep})
