"""与上次相比: the comparison of two vintages (:func:`chain_gap.changes`) as staff read it.

The workbook ``chain-gap changes`` writes (links old → new, firms in and out, former targets now
local, and an overview sheet naming the two vintages compared), the same sheets added to the Excel
pack, and the block of the HTML report. Formats and print setup come from
:mod:`chain_gap.render.columns` and :mod:`chain_gap.render._layout` like every other sheet.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap.labels import ACTION_LABELS, VERDICT_LABELS
from chain_gap.render.columns import CHANGE_FIRM_SPEC, CHANGE_LINK_SPEC, SETTLED_SPEC, Col, by_header, labels

__all__ = ["SHEETS", "add_to_pack", "block", "overview", "sheets_of", "write_changes"]

#: Sheet kind → (zh name, en name).
SHEETS: dict[str, tuple[str, str]] = {
    "overview": ("与上次相比", "Since last time"),
    "links": ("环节变化", "Link changes"),
    "firms": ("企业进出", "Firms in and out"),
    "settled": ("目标已落地", "Targets now local"),
}

_STATUS_ORDER = ["healed", "newly_missing", "persistent", "verdict_changed", "unchanged", "no_data"]


def _name(kind: str, lang: str) -> str:
    return SHEETS[kind][0 if lang == "zh" else 1]


def _labelled(df: pd.DataFrame, spec: tuple[Col, ...], lang: str) -> pd.DataFrame:
    cols = labels(spec, lang)
    keep = [c for c in cols if c in df.columns]
    return df[keep].rename(columns={c: cols[c][0 if lang == "zh" else 1] for c in keep})


def overview(ch: Any, lang: str = "zh") -> dict[str, Any]:
    """The overview items: what is compared (the two vintages, where each was read) and the counts.

    Parameters
    ----------
    ch : chain_gap.vintages.Changes
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict
        Item → value, in reading order.
    """
    from chain_gap.vintages import headline

    s = ch.summary
    zh = lang == "zh"
    unk = "未知（数据包未记录导出时间）" if zh else "unknown (the bundle records no export date)"

    def when(v: Any, src: str, path: str) -> str:
        text = str(v) if v else unk
        extra = "；".join(x for x in (src, path) if x) if zh else "; ".join(x for x in (src, path) if x)
        return f"{text}（{extra}）" if extra and zh else f"{text} ({extra})" if extra else text

    items: dict[str, Any] = {
        ("地区" if zh else "Region"): f"{s['region_name']}（{s['region']}）",
        ("产业链" if zh else "Chain"): s["chain_name"] if zh else s["chain_name_en"],
        ("上次数据日期" if zh else "Old vintage"): when(s["old_vintage"], s["old_vintage_from"], s["old_bundle"]),
        ("本次数据日期" if zh else "New vintage"): when(s["new_vintage"], s["new_vintage_from"], s["new_bundle"]),
        ("摘要" if zh else "Headline"): "\n".join(headline(ch, lang)),
        ("补上的环节" if zh else "Links healed"): s["healed"],
        ("新缺失的环节" if zh else "Newly missing"): s["newly_missing"],
        ("仍缺失的环节" if zh else "Still missing"): s["persistent"],
        ("诊断变化的环节" if zh else "Verdict changes"): s["verdict_changes"],
        ("企业新进入（家次）" if zh else "Firms entered (per link)"): s["entered"],
        ("企业退出（家次）" if zh else "Firms left (per link)"): s["left"],
        ("上次目标已落地" if zh else "Former targets now local"): f"{s['settled']} / {s['old_targets']}",
        ("本地链上企业" if zh else "Local chain firms"): f"{s['old_local_firms']} → {s['new_local_firms']}",
    }
    method = (
        "两期数据用同一模板和同一诊断设置分析；企业按统一社会信用代码、其次企业ID、再次规范化名称匹配"
        "（代码不同的两家企业不会按名称匹配）；上次目标企业本身或其本地分公司成为本地生产企业即算落地"
        if zh
        else "Both vintages analysed with the same template and settings; firms matched by USCC, else id, else "
        "normalised name (never across different USCCs); a former target counts as local when it or a local "
        "branch is a local producer"
    )
    items["方法" if zh else "Method"] = method
    if s["notes"]:
        items["注意" if zh else "Caution"] = "\n".join(s["notes"] if zh else s["notes_en"])
    return items


def sheets_of(ch: Any, lang: str = "zh") -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, Col]]]:
    """The labelled sheets of a comparison and their column specs (links, firms, settled targets).

    Parameters
    ----------
    ch : chain_gap.vintages.Changes
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    (dict, dict)
        Sheet name → table, and sheet name → header → column spec.
    """
    zh = lang == "zh"
    li = ch.links.copy()
    li["_order"] = li["status"].map({k: i for i, k in enumerate(_STATUS_ORDER)})
    li = li.sort_values(["_order"], kind="stable")
    from chain_gap.vintages import STATUS_LABELS

    li["status_label"] = li["status"].map({k: v[0 if zh else 1] for k, v in STATUS_LABELS.items()})
    for side in ("old", "new"):
        li[f"{side}_verdict_label"] = li[f"{side}_verdict"].map(VERDICT_LABELS[lang])
        li[f"{side}_action_label"] = li[f"{side}_action"].map(ACTION_LABELS[lang])
    if not zh:
        li["link_name"] = li["link_name_en"]
        li["reasons"] = li["reasons_en"]
    fi = ch.firms.copy()
    fi["change_label"] = fi["change"].map({"entered": "新进入", "left": "退出"} if zh else {})
    if not zh:
        fi["change_label"] = fi["change"]
        fi["why"] = fi["why_en"]
    fi = fi.sort_values(["change", "link"], ascending=[False, True], kind="stable")
    out = {
        _name("links", lang): _labelled(li, CHANGE_LINK_SPEC, lang),
        _name("firms", lang): _labelled(fi, CHANGE_FIRM_SPEC, lang),
        _name("settled", lang): _labelled(ch.settled, SETTLED_SPEC, lang),
    }
    specs = {
        _name("links", lang): by_header(CHANGE_LINK_SPEC, lang),
        _name("firms", lang): by_header(CHANGE_FIRM_SPEC, lang),
        _name("settled", lang): by_header(SETTLED_SPEC, lang),
    }
    return out, specs


def add_to_pack(ch: Any, sheets: dict[str, Any], columns: dict[str, Any], notes: dict[str, Any], lang: str) -> None:
    """Add the comparison's sheets and column specs to an Excel pack, and its overview to the pack's notes.

    Parameters
    ----------
    ch : chain_gap.vintages.Changes
    sheets, columns, notes : dict
        The pack's sheets, column specs and notes, updated in place.
    lang : str
        ``"zh"`` or ``"en"``.
    """
    extra, specs = sheets_of(ch, lang)
    sheets.update(extra)
    columns.update(specs)
    head = _name("overview", lang)
    notes.update({(f"{head}：{k}" if lang == "zh" else f"{head}: {k}"): v for k, v in overview(ch, lang).items()})


def write_changes(path: str | os.PathLike[str], ch: Any, lang: str = "zh") -> Path:
    """Write the comparison workbook: 环节变化, 企业进出, 目标已落地 and the 与上次相比 overview.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` to write (atomically).
    ch : chain_gap.vintages.Changes
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pathlib.Path
    """
    from chain_gap.render._layout import Page
    from chain_gap.render.excel import write_workbook

    s = ch.summary
    tables, specs = sheets_of(ch, lang)
    vo, vn = s["old_vintage"] or "?", s["new_vintage"] or "?"
    return write_workbook(
        path,
        tables,
        notes=overview(ch, lang),
        notes_sheet=_name("overview", lang),
        notes_header=("项目", "说明") if lang == "zh" else ("Item", "Note"),
        columns=specs,
        lang=lang,
        page=Page(
            title="与上次相比" if lang == "zh" else "Since last time",
            region=s["region_name"],
            chain=s["chain_name"] if lang == "zh" else s["chain_name_en"],
            vintage=f"{vo} → {vn}",
        ),
    )


def block(ch: Any, lang: str = "zh", *, top: int = 12) -> dict[str, Any]:
    """The 与上次相比 block of the HTML report: headline lines and the changed links (values, not HTML).

    Parameters
    ----------
    ch : chain_gap.vintages.Changes
    lang : str
        ``"zh"`` or ``"en"``.
    top : int
        How many changed links and arriving / leaving firms to list.

    Returns
    -------
    dict
        ``title``, ``lines`` (headline), ``notes``, ``links`` (name, change, reasons) and ``firms``
        (link, change, name, why); the template escapes every value.
    """
    from chain_gap.vintages import STATUS_LABELS, headline

    zh = lang == "zh"
    li = ch.links[~ch.links["status"].isin(["unchanged", "no_data"])].copy()
    li["_order"] = li["status"].map({k: i for i, k in enumerate(_STATUS_ORDER)})
    li = li.sort_values("_order", kind="stable").head(top)
    links = [
        {
            "name": r["link_name"] if zh else r["link_name_en"],
            "status": r["status"],
            "change": STATUS_LABELS[r["status"]][0 if zh else 1],
            "reasons": r["reasons"] if zh else r["reasons_en"],
        }
        for _, r in li.iterrows()
    ]
    fi = ch.firms.sort_values(["change", "link"], ascending=[False, True], kind="stable").head(top)
    firms = [
        {
            "link": r["link_name"],
            "change": r["change_zh"] if zh else r["change"],
            "name": r["name"],
            "why": r["why"] if zh else r["why_en"],
        }
        for _, r in fi.iterrows()
    ]
    return {
        "title": "与上次相比" if zh else "Since last time",
        "lines": headline(ch, lang),
        "notes": list(ch.summary["notes"] if zh else ch.summary["notes_en"]),
        "links": links,
        "firms": firms,
        "heads": ("环节", "变化", "说明") if zh else ("Link", "Change", "What changed"),
        "firm_heads": ("环节", "进出", "企业", "原因") if zh else ("Link", "In / out", "Firm", "Why"),
    }
