"""Labelled sheets: the gap table, the target list and the local firms as staff see them.

Stable output columns with Chinese (or English) headers, labels instead of codes for stages,
verdicts, actions, roles and review decisions, and the names of the code columns that the Excel
writer must keep as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap.labels import ACTION_LABELS, ACTIVITY_LABELS, ROLE_LABELS, STAGE_LABELS, VERDICT_LABELS
from chain_gap.render.columns import (
    ANCHOR_SPEC,
    ANCHOR_SUPPLIER_SPEC,
    FOLLOW_SPEC,
    GAP_SPEC,
    LOCAL_SPEC,
    OVERVIEW_SPEC,
    REMOVED_SPEC,
    REVIEW_SPEC,
    TARGET_SPEC,
    WHATIF_SPEC,
    Col,
    by_header,
    labels,
)
from chain_gap.render.excel import is_code_column

__all__ = [
    "DECISION_LABELS",
    "GAP_COLUMNS",
    "LOCAL_COLUMNS",
    "REVIEW_COLUMNS",
    "SHEET_NAMES",
    "TARGET_COLUMNS",
    "analysis_sheet",
    "gap_sheet",
    "local_sheet",
    "removed_sheet",
    "review_sheet",
    "sheet_columns",
    "sheet_name",
    "target_sheet",
    "text_headers",
]

#: Stable output columns of the gap table: name → (Chinese header, English header), in output order;
#: kinds, widths and groups are in :data:`chain_gap.render.columns.GAP_SPEC`.
GAP_COLUMNS: dict[str, tuple[str, str]] = labels(GAP_SPEC, "zh")

TARGET_COLUMNS: dict[str, tuple[str, str]] = labels(TARGET_SPEC, "zh")

LOCAL_COLUMNS: dict[str, tuple[str, str]] = labels(LOCAL_SPEC, "zh")

REVIEW_COLUMNS: dict[str, tuple[str, str]] = labels(REVIEW_SPEC, "zh")

#: Sheet kind → its column specs.
SPECS: dict[str, tuple[Col, ...]] = {
    "gaps": GAP_SPEC,
    "targets": TARGET_SPEC,
    "local": LOCAL_SPEC,
    "review": REVIEW_SPEC,
    "anchors": ANCHOR_SPEC,
    "anchor_suppliers": ANCHOR_SUPPLIER_SPEC,
    "whatif": WHATIF_SPEC,
    "overview": OVERVIEW_SPEC,
    "removed": REMOVED_SPEC,
}

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "gaps": ("链条诊断", "Gap analysis"),
    "targets": ("招商目标企业清单", "Target list"),
    "local": ("本地企业清单", "Local firms"),
    "notes": ("数据说明", "Notes"),
    "review": ("挂链复核", "Link review"),
    "anchors": ("链主企业", "Anchor firms"),
    "anchor_suppliers": ("以商招商", "Suppliers of anchors"),
    "whatif": ("落地模拟", "What if"),
    "overview": ("概览", "Overview"),
    "removed": ("已移出名单", "Removed from list"),
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


def sheet_columns(kind: str, lang: str = "zh") -> dict[str, Col]:
    """Header → column spec of a labelled sheet (``gaps``, ``targets``, ``local``, ``review``), for the Excel writer.

    Parameters
    ----------
    kind : str
        The sheet kind.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    dict
    """
    return by_header(SPECS[kind], lang)


def _scaled(d: pd.DataFrame, spec: tuple[Col, ...]) -> pd.DataFrame:
    """Money in the unit its header says (元 → 万元) and ISO date text as dates."""
    for c in spec:
        if c.key not in d:
            continue
        if c.scale != 1.0:
            d[c.key] = pd.to_numeric(d[c.key], errors="coerce") * c.scale
        elif c.kind == "date" and not pd.api.types.is_datetime64_any_dtype(d[c.key]):
            parsed = pd.to_datetime(d[c.key], errors="coerce", format="mixed")
            d[c.key] = parsed.where(parsed.notna(), d[c.key])
    return d


def _tags_zh(tags: Any) -> Any:
    """The tags the shipped loaders set (``listed`` …) in Chinese; the source's own words as they are."""
    from chain_gap.vocab import TAG_ZH

    if isinstance(tags, str):
        return ";".join(TAG_ZH.get(t, t) for t in tags.split(";"))
    if isinstance(tags, (list, tuple, set, frozenset)):
        return [TAG_ZH.get(str(t), t) for t in tags]
    return tags


def _labelled(df: pd.DataFrame, spec: tuple[Col, ...], lang: str) -> pd.DataFrame:
    d = _scaled(df.copy(), spec)
    columns = labels(spec, lang)
    if "verdict" in d:
        d["verdict_label"] = d["verdict"].map(VERDICT_LABELS[lang])
    if "action" in d:
        d["action_label"] = d["action"].map(ACTION_LABELS[lang])
    if "stage" in d:
        d["stage"] = d["stage"].map(STAGE_LABELS[lang]).fillna(d["stage"])
    if "tags" in d and lang == "zh":
        d["tags"] = d["tags"].map(_tags_zh)
    if "activity" in d:
        d["activity"] = d["activity"].map(ACTIVITY_LABELS[lang]).fillna(d["activity"])
    if lang == "en" and "link_name_en" in d:
        d["link_name"] = d["link_name_en"]
        if "group_name_en" in d:
            d["group_name"] = d["group_name_en"]
    keep = [c for c in columns if c in d.columns]
    return d[keep].rename(columns={c: columns[c][0 if lang == "zh" else 1] for c in keep})


def analysis_sheet(df: pd.DataFrame, kind: str, lang: str = "zh") -> pd.DataFrame:
    """An analysis table (``anchors``, ``anchor_suppliers``, ``whatif``) with its labelled columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as the analysis returns it.
    kind : str
        Its sheet kind (a key of :data:`SPECS`).
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    return _labelled(df, SPECS[kind], lang)


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
    return _labelled(gaps, GAP_SPEC, lang)


def target_sheet(targets: pd.DataFrame, lang: str = "zh", *, lead: bool = False) -> pd.DataFrame:
    """The target list with stable Chinese (or English) column names.

    Contact columns (法定代表人, 联系电话 …) are written when ``targets`` has them
    (:func:`chain_gap._contacts.attach`).

    Parameters
    ----------
    targets : pandas.DataFrame
        A target list (:func:`chain_gap.targets.rank`).
    lang : str
        ``"zh"`` (default) or ``"en"``.
    lead : bool
        Write it as a working lead list: the follow-up columns 跟进人 / 跟进状态 / 最近联系 / 备注
        (empty unless ``targets`` carries them, see :func:`chain_gap.leads.carry_over`).

    Returns
    -------
    pandas.DataFrame
    """
    if lead:
        targets = targets.assign(**{c.key: None for c in FOLLOW_SPEC if c.key not in targets.columns})
    return _labelled(targets, TARGET_SPEC, lang)


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
    d = _scaled(d, LOCAL_SPEC)
    keep = [c for c in LOCAL_COLUMNS if c in d.columns]
    return d[keep].rename(columns={c: LOCAL_COLUMNS[c][0 if lang == "zh" else 1] for c in keep})


def review_sheet(queue: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The link review sheet staff fill in, Chinese first: one row per uncertain link, a 复核结论 column.

    ``queue`` is :func:`chain_gap.link.review_queue`. The ``link`` column becomes ``<chain>/<link>``
    (what the overrides mapping reads back), roles read 生产 / 销售 / 应用, and the headers are
    synonyms of the ``overrides`` mapping, so the filled-in file loads with ``chain-gap review apply``.

    Parameters
    ----------
    queue : pandas.DataFrame
        The review queue.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    d = queue.copy()
    if len(d):
        d["link"] = d["chain"].astype(str) + "/" + d["link"].astype(str)
        d["role"] = d["role"].map(ROLE_LABELS[lang]).fillna(d["role"])
    d["note"] = ""
    keep = [c.key for c in REVIEW_SPEC if c.key in d.columns]
    return d[keep].rename(columns={c.key: c.label(lang) for c in REVIEW_SPEC})


def removed_sheet(removed: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """已移出名单: firms of an old lead list no longer on the new one (:func:`chain_gap.leads.carry_over`).

    Parameters
    ----------
    removed : pandas.DataFrame
        name, removed_reason, the follow-up columns, link_name, contacts, uscc, ent_id.
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    pandas.DataFrame
    """
    return _labelled(removed, REMOVED_SPEC, lang)
