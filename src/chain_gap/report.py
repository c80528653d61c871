"""Outputs staff open in Excel: a safe workbook writer (the Excel pack builds on it).

Two things go wrong with naive ``DataFrame.to_excel`` exports of enterprise tables:

* **codes lose their meaning**: a USCC such as ``91350900587527783P`` survives, but a GB/T 4754
  code ``0119``, a stock code ``001234`` or a region code held as an integer turns into a number,
  drops leading zeros and is right-aligned; staff then cannot VLOOKUP it against their lists;
* **formula injection**: a firm name such as ``=HYPERLINK("http://evil","点击")`` becomes a live
  formula in Excel or WPS.

:func:`write_workbook` writes every code column as text, every string as a string (xlsxwriter with
``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` all off) and additionally
passes every text cell through :func:`neutralise`, which prefixes a ``'`` to text starting with
``= + - @`` (or tab / carriage return). The prefix is redundant inside this workbook, but it keeps
the cell inert when staff copy it into another sheet, export to CSV or paste into WPS, which is
where injection usually bites (OWASP "CSV injection" guidance).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError

__all__ = [
    "CODE_COLUMNS",
    "FORMULA_PREFIXES",
    "ReportError",
    "display_width",
    "gap_notes",
    "gap_sheet",
    "html_report",
    "is_code_column",
    "local_firms",
    "local_sheet",
    "neutralise",
    "pack_notes",
    "target_notes",
    "target_sheet",
    "write_csv",
    "write_map",
    "write_outputs",
    "write_pack",
    "write_report",
    "write_workbook",
]


class ReportError(ChainGapError, ValueError):
    """An output that cannot be written as asked (bad sheet name, unwritable path...)."""

    default_code = "report-error"


#: First characters that make Excel, WPS or LibreOffice treat a typed/pasted cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Columns always written as text: identifiers whose leading zeros or letters matter.
CODE_COLUMNS: frozenset[str] = frozenset(
    {
        "uscc",
        "region",
        "ent_id",
        "id",
        "code",
        "stock",
        "stock_code",
        "industry",
        "industry_code",
        "gb4754",
        "parent_code",
        "province",
        "city",
        "county",
        "postcode",
        "zip",
        "phone",
        "tel",
        "reg_no",
        "org_code",
    }
)

_MAX_CELL = 32_767  # Excel's limit on characters per cell
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")
_SAMPLE_ROWS = 2_000  # rows scanned to size columns
_MAX_WIDTH = 60


def neutralise(value: Any) -> Any:
    """Make a cell value inert for spreadsheet programs.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``; anything else (numbers, other text, ``None``) is returned unchanged. Numbers are not
    touched: a negative number is data, a string ``"-1+1"`` could be a formula.

    >>> neutralise('=HYPERLINK("x")')
    '\\'=HYPERLINK("x")'
    >>> neutralise("商丘市")
    '商丘市'
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def is_code_column(name: str, text_columns: Iterable[str] = ()) -> bool:
    """Whether column ``name`` holds codes that must be written as text.

    True for the names in :data:`CODE_COLUMNS`, anything ending in ``_code``, ``_id`` or
    ``uscc``, and any name in ``text_columns``.
    """
    n = str(name).strip().lower()
    return n in CODE_COLUMNS or n.endswith(("_code", "_id", "uscc")) or str(name) in set(text_columns)


def display_width(text: str) -> int:
    """Width of ``text`` in Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _is_missing(v: Any) -> bool:
    """None, NaN, NaT or pd.NA (scalars only; containers are never missing)."""
    try:
        res = pd.isna(v)
    except (TypeError, ValueError):
        return False
    if isinstance(res, bool):
        return res
    return getattr(res, "shape", None) == () and bool(res)  # numpy scalar bool


def _code_text(v: Any) -> str:
    """A code as text; integral floats (``411400.0`` from a column with gaps) lose the ``.0``."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "item") and not isinstance(v, str):
        return _code_text(v.item())
    return str(v)


def _cell(v: Any, is_code: bool) -> tuple[str, Any]:
    """Classify a value into (kind, python value): blank, text, number, bool, datetime."""
    if isinstance(v, (list, tuple, set, frozenset)) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) == 1):
        items = v.tolist() if hasattr(v, "tolist") else (sorted(v, key=str) if isinstance(v, (set, frozenset)) else v)
        return "text", "、".join(_code_text(x) if is_code else str(x) for x in items if not _is_missing(x))
    if isinstance(v, dict):
        return "text", json.dumps(v, ensure_ascii=False, default=str)
    if _is_missing(v):
        return "blank", None
    if is_code:
        return "text", _code_text(v)
    if hasattr(v, "item") and not isinstance(v, (str, pd.Timestamp)):
        v = v.item()
    if isinstance(v, bool):
        return "bool", v
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isinf(v):
            return "literal", "∞" if v > 0 else "-∞"
        if isinstance(v, int) and abs(v) > 2**53:  # beyond double precision: keep every digit
            return "text", str(v)
        return "number", v
    if isinstance(v, pd.Timestamp):
        return "datetime", v.to_pydatetime().replace(tzinfo=None)
    if isinstance(v, (_dt.datetime, _dt.date)):
        if isinstance(v, _dt.datetime):
            v = v.replace(tzinfo=None)
        return "datetime", v
    return "text", str(v)


def _check_sheet_names(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ReportError(f"sheet name {name!r}: must be a non-empty string")
        if len(name) > 31:
            raise ReportError(f"sheet name {name!r}: longer than Excel's 31 characters")
        if _INVALID_SHEET.search(name) or name.startswith("'") or name.endswith("'"):
            raise ReportError(f"sheet name {name!r}: contains one of [ ] : * ? / \\ or a leading/trailing '")
        if name.lower() in seen:
            raise ReportError(f"sheet name {name!r}: used twice (Excel ignores case)")
        seen.add(name.lower())


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    """Columns as written: a *named* index becomes the first column(s).

    An unnamed index (a RangeIndex, or the leftover positions of a filtered frame) carries no
    information for staff and is not written.
    """
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    if isinstance(df.columns, pd.MultiIndex):
        df = df.copy()
        df.columns = [" / ".join(str(x) for x in col if str(x)) for col in df.columns]
    return df


def _write_sheet(wb: Any, ws: Any, df: pd.DataFrame, text_columns: Iterable[str], fmts: Mapping[str, Any]) -> None:
    df = _frame(df)
    headers = [str(c) for c in df.columns]
    codes = [is_code_column(h, text_columns) for h in headers]
    widths = [display_width(h) for h in headers]
    for j, h in enumerate(headers):
        ws.write_string(0, j, neutralise(h), fmts["header"])
    columns = [df.iloc[:, j].tolist() for j in range(len(headers))]
    for j, values in enumerate(columns):
        for i, v in enumerate(values, start=1):
            kind, val = _cell(v, codes[j])
            if kind == "blank":
                continue
            if kind in ("text", "literal"):
                text = neutralise(val) if kind == "text" else val
                if len(text) > _MAX_CELL:
                    text = text[: _MAX_CELL - 1] + "…"
                ws.write_string(i, j, text, fmts["code"] if codes[j] else None)
                if i <= _SAMPLE_ROWS:
                    widths[j] = max(widths[j], max((display_width(x) for x in text.split("\n")), default=0))
            elif kind == "number":
                ws.write_number(i, j, val)
                if i <= _SAMPLE_ROWS:
                    widths[j] = max(widths[j], len(f"{val:,.4g}") if isinstance(val, float) else len(str(val)))
            elif kind == "bool":
                ws.write_boolean(i, j, val)
                widths[j] = max(widths[j], 5)
            else:
                ws.write_datetime(i, j, val, fmts["date"])
                widths[j] = max(widths[j], 11)
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(max(w + 2, 6), _MAX_WIDTH))
    if headers:
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(df), len(headers) - 1)


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Mapping[str, pd.DataFrame],
    *,
    text_columns: Iterable[str] = (),
    notes: Mapping[str, Any] | None = None,
    notes_sheet: str = "数据说明",
    notes_header: tuple[str, str] = ("项目", "说明"),
) -> Path:
    """Write DataFrames to one ``.xlsx`` workbook that is safe to hand to staff.

    Parameters
    ----------
    path
        Target file; written atomically (temp file in the same folder, then ``os.replace``), so a
        reader never sees a half-written workbook and a failed write leaves the old one intact.
    sheets
        Sheet name → DataFrame, in order. Names follow Excel's rules (≤ 31 characters, none of
        ``[]:*?/\\``, unique ignoring case) or :class:`ReportError` is raised before anything is
        written. A named index is written as leading column(s); an unnamed one is not.
    text_columns
        Extra columns to write as text, on top of :func:`is_code_column`'s defaults (``uscc``,
        ``region``, ``*_code``, ``*_id``...). Integer-typed codes are converted with ``str``;
        leading zeros already lost upstream cannot be restored, so load codes as strings.
    notes
        Optional key/value rows (sources, vintage, parameters, method notes, attribution) written
        to a last sheet named ``notes_sheet`` with the header ``notes_header`` (项目 / 说明).

    Every sheet gets a bold, frozen header row, an auto-filter and column widths that count CJK
    characters double. Missing values are empty cells, lists are joined with "、", dicts become
    JSON, text is passed through :func:`neutralise`.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    import xlsxwriter

    target = Path(path)
    names = list(sheets)
    if notes is not None:
        names.append(notes_sheet)
    if not names:
        raise ReportError(f"{target}: no sheet to write")
    _check_sheet_names(names)
    for name, df in sheets.items():
        if not isinstance(df, pd.DataFrame):
            raise ReportError(f"sheet {name!r}: expected a pandas DataFrame, got {type(df).__name__}")
    text_columns = tuple(text_columns)

    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": False,
            },
        )
        fmts = {
            "header": wb.add_format(
                {"bold": True, "bg_color": "#E8EEF5", "bottom": 1, "text_wrap": False, "valign": "vcenter"}
            ),
            "code": wb.add_format({"num_format": "@"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        }
        for name, df in sheets.items():
            _write_sheet(wb, wb.add_worksheet(name), df, text_columns, fmts)
        if notes is not None:
            rows = pd.DataFrame({notes_header[0]: [str(k) for k in notes], notes_header[1]: list(notes.values())})
            _write_sheet(wb, wb.add_worksheet(notes_sheet), rows, (), fmts)
        wb.close()
    return target


# --------------------------------------------------------------------------------------------
# Pipeline outputs: the gap table, the target list and the chain map of one (chain, region)
# --------------------------------------------------------------------------------------------
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

ATTRIBUTION = [
    "GB/T 4754-2017 tables: swifthu/industrial_classifi (MIT)",
    "Administrative divisions: modood/Administrative-divisions-of-China (WTFPL), NBS 2023",
]


def sheet_name(kind: str, lang: str = "zh") -> str:
    """Sheet name of an output (``gaps``, ``targets``, ``local``, ``notes``) in the chosen language."""
    zh, en = SHEET_NAMES[kind]
    return zh if lang == "zh" else en


def _labelled(df: pd.DataFrame, columns: Mapping[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    from chain_gap.plot import ACTION_LABELS, STAGE_LABELS, VERDICT_LABELS

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
    """The gap table with stable Chinese (or English) column names, as staff see it."""
    return _labelled(gaps, GAP_COLUMNS, lang)


def target_sheet(targets: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The target list with stable Chinese (or English) column names."""
    return _labelled(targets, TARGET_COLUMNS, lang)


def _vintage(G: Any) -> str:
    return str(G.graph.get("vintage") or "") if G is not None else ""


def gap_notes(gaps: pd.DataFrame, lang: str = "zh", G: Any = None) -> dict[str, str]:
    """Key/value notes for the 数据说明 sheet of a gap table: what the numbers are and where from."""
    a = gaps.attrs
    notes = {
        "链条 / chain": f"{a.get('chain_name', '')} ({a.get('chain', '')})",
        "地区 / region": f"{a.get('region_name', '')} ({a.get('region', '')})",
        "活动变量 / activity": f"{a.get('activity_zh', '')} ({a.get('activity', '')})",
        "数据版本 / vintage": _vintage(G) or "见数据来源 / see sources",
        "区位熵 / LQ": "LQ*=(本地环节/本地总量)/((全国环节−本地环节)/(全国总量−本地总量))，95%置信区间见ORACLES M1",
        "诊断规则 / verdicts": "缺失=无本地生产企业；脆弱=仅1家或HHI>0.4；较强=LQ*区间下限≥1且≥3家；链主带动=较强且有链主；其余为薄弱",
        "招商方向 / actions": "补链=缺失环节位于本地已有环节之间；延链=缺失环节在本地链条之外；强链=薄弱或脆弱环节",
        "复杂度 / complexity": a.get("complexity_note", "") or "—",
        "口径 / counting": "仅计已确认的生产型企业（销售、维修类不计）",
        "归属 / attribution": "；".join(ATTRIBUTION),
    }
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = "合成演示数据，非真实企业 / synthetic demo data, not real firms"
    return notes


def target_notes(
    targets: pd.DataFrame, weights: Any = None, filters: Any = None, lang: str = "zh", G: Any = None
) -> dict[str, str]:
    """Notes sheet of a target list: the weight profile, filters and data vintage behind the ranking."""
    prof = targets.attrs.get("profile", {})
    notes = {
        "链条 / chain": f"{targets.attrs.get('chain_name', '')} ({targets.attrs.get('chain', '')})",
        "地区 / region": f"{targets.attrs.get('region_name', '')} ({targets.attrs.get('region', '')})",
        "得分 / score": "综合得分 = 环节优先级 × [α×企业质量 + (1−α)×契合度/最大契合度] × (1 + 同省加成)（ORACLES M9）",
        "权重文件 / weights file": str(weights or "默认 graph/config/targets.toml"),
        "权重 / weights": json.dumps(prof, ensure_ascii=False, default=str),
        "筛选 / filters": "；".join(filters or []) or "默认：跳过本地已有企业",
        "数据版本 / vintage": _vintage(G) or "见数据来源 / see sources",
        "归属 / attribution": "；".join(ATTRIBUTION),
    }
    if G is not None and G.graph.get("synthetic"):
        notes["注意 / note"] = "合成演示数据，非真实企业 / synthetic demo data, not real firms"
    return notes


def write_csv(path: str | os.PathLike[str], df: pd.DataFrame) -> Path:
    """Write a CSV that Excel opens correctly (UTF-8 with BOM), formula-like cells neutralised, atomically."""
    target = Path(path)
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    with atomic_path(target) as tmp:
        safe.to_csv(tmp, index=False, encoding="utf-8-sig")
    return target


def local_firms(G: Any, chain: str, region: str) -> pd.DataFrame:
    """本地企业清单: every firm of the region linked to the chain (all roles and decisions)."""
    from chain_gap import codes, frames

    reg = codes.resolve_region(str(region))
    mem = frames.members(G, chain, roles=None, decisions=None)
    loc = mem[mem[reg.level] == reg.code].copy() if len(mem) else mem
    loc["region_name"] = frames.region_names(loc["region"]).to_numpy() if len(loc) else []
    cols = [
        "ent_id",
        "name",
        "uscc",
        "region",
        "region_name",
        "link",
        "role",
        "confidence",
        "decision",
        "primary",
        "reg_capital",
        "revenue",
        "evidence",
    ]
    return (
        loc[cols]
        .sort_values(["link", "role", "revenue"], ascending=[True, True, False], na_position="last")
        .reset_index(drop=True)
    )


def write_map(
    G: Any,
    chain: str,
    region: str,
    path: str | os.PathLike[str],
    *,
    lang: str = "zh",
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
) -> Path:
    """Compute (if not given) the gap table and targets and write the offline chain map."""
    from chain_gap import gaps as gaps_mod
    from chain_gap import plot, targets
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    gt = gaps_table if gaps_table is not None else gaps_mod.table(G, spec, region)
    tg = targets_table if targets_table is not None else targets.rank(G, spec, region, top=200, gap_table=gt)
    html = plot.chain_map(
        gt,
        feeds=[(a, b) for a, b, _ in spec.feeds_edges()],
        local_firms=local_firms(G, spec.id, region),
        targets=tg,
        vintage=_vintage(G) or None,
        lang=lang,
        synthetic=bool(G.graph.get("synthetic")),
    )
    return plot.write_html(html, path)


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

_DECISION_LABELS = {
    "zh": {"confirmed": "已确认", "uncertain": "待核实", "rejected": "已排除"},
    "en": {"confirmed": "confirmed", "uncertain": "to verify", "rejected": "rejected"},
}


def _text_headers(columns: Mapping[str, tuple[str, str]], lang: str) -> tuple[str, ...]:
    """Output headers of the code columns (USCC, region code, ids) of a labelled sheet.

    The sheets are written with Chinese headers, which :func:`is_code_column` cannot recognise,
    so the code columns are named explicitly and always written as text.
    """
    return tuple(v[0 if lang == "zh" else 1] for k, v in columns.items() if is_code_column(k) or k == "link")


def local_sheet(firms: pd.DataFrame, chain: Any, lang: str = "zh") -> pd.DataFrame:
    """The 本地企业清单 (local firms of the chain) with link names and labelled columns.

    ``firms`` is :func:`local_firms`; every membership is listed (one row per firm and link),
    including sellers, users and links a reviewer rejected, each saying so, so the list can be
    reconciled with the registry and with the gap table's counts (which use confirmed producers).
    """
    from chain_gap.chains import load_chain
    from chain_gap.plot import ROLE_LABELS, STAGE_LABELS

    spec = load_chain(chain)
    d = firms.copy()
    names = {lk.id: (lk.name if lang == "zh" else lk.name_en) for lk in spec.links.values()}
    stages = {lk.id: lk.stage for lk in spec.links.values()}
    d["link_name"] = d["link"].map(names).fillna(d["link"])
    d["stage"] = d["link"].map(stages).map(STAGE_LABELS[lang])
    d["role_label"] = d["role"].map(ROLE_LABELS[lang]).fillna(d["role"])
    d["decision_label"] = d["decision"].map(_DECISION_LABELS[lang]).fillna(d["decision"])
    keep = [c for c in LOCAL_COLUMNS if c in d.columns]
    return d[keep].rename(columns={c: LOCAL_COLUMNS[c][0 if lang == "zh" else 1] for c in keep})


def _fmt_param(v: Any) -> str:
    if isinstance(v, Mapping):
        return "；".join(f"{k}={_fmt_param(x)}" for k, x in v.items())
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def pack_notes(
    G: Any, chain: Any, gaps_table: pd.DataFrame, targets_table: pd.DataFrame | None = None, lang: str = "zh"
) -> dict[str, str]:
    """The 数据说明 (notes) of the Excel pack and the HTML report, as ordered key → text.

    Says where the numbers come from and how they were made, so a list can be defended in a
    meeting: chain template (version and the policy documents it follows), region, data vintage,
    the activity variable, the verdict thresholds and priority weights actually in force
    (``graph/config/gaps.toml``), the target weight profile, the method and the attribution of
    the reference tables.
    """
    from chain_gap import gaps as gaps_mod
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    zh = lang == "zh"
    a = gaps_table.attrs
    cfg = gaps_mod.load_config()
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
            "数据时点 / vintage": _vintage(G) or ("未注明，见数据来源" if zh else "not stated; see sources"),
            "活动变量 / activity": (
                f"{a.get('activity_zh', '')} ({a.get('activity', 'firms')})" if zh else str(a.get("activity", "firms"))
            ),
        }
    )
    for i, src in enumerate(spec.sources, start=1):
        notes[f"链条划分依据 {i} / chain source {i}"] = src
    for key, val in cfg.get("verdict", {}).items():
        notes[f"诊断阈值 / verdict.{key}"] = _fmt_param(val)
    for key, val in cfg.get("priority", {}).items():
        notes[f"环节优先级权重 / priority.{key}"] = _fmt_param(val)
    if targets_table is not None:
        prof = targets_table.attrs.get("profile") or {}
        for key, val in prof.items():
            notes[f"招商评分参数 / targets.{key}"] = _fmt_param(val)
    if zh:
        notes.update(
            {
                "方法：区位熵 / LQ": "LQ*=(本地环节/本地总量)/((全国环节−本地环节)/(全国总量−本地总量))；"
                "小样本给出95%置信区间而非结论（ORACLES M1）",
                "方法：诊断 / verdicts": "缺失=无本地生产企业；脆弱=仅1家、HHI超过阈值或单家企业级联损失超过阈值；"
                "较强=LQ*区间下限≥阈值且企业数≥阈值；链主带动=较强且有链主企业；其余为薄弱",
                "方法：招商方向 / actions": "补链=缺失环节位于本地已有环节之间；延链=缺失环节在本地链条之外；强链=薄弱或脆弱环节",
                "方法：目标企业 / targets": "综合得分 = 环节优先级 × [α×企业质量(TOPSIS) + (1−α)×本地配套契合度] × (1 + 同省加成)（ORACLES M9）",
                "口径 / counting": "链条诊断只计已确认的生产型企业；本地企业清单列出全部挂链企业（含销售、应用、待核实和已排除），逐条注明",
                "复杂度 / complexity": a.get("complexity_note", "") or "—",
            }
        )
    else:
        notes.update(
            {
                "方法：区位熵 / LQ": "LQ* = (local link / local total) / ((national link − local link) / "
                "(national total − local total)); small counts get a 95% interval, not a verdict (ORACLES M1)",
                "方法：诊断 / verdicts": "missing = no local producer; fragile = one firm, HHI or single-firm cascade loss "
                "above threshold; strong = LQ* interval low ≥ threshold with enough firms; "
                "anchored = strong with a chain-leader firm; otherwise weak",
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


def _inputs(
    G: Any, chain: str, region: str, gaps_table: pd.DataFrame | None, targets_table: pd.DataFrame | None
) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    from chain_gap import gaps as gaps_mod
    from chain_gap import targets
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    gt = gaps_table if gaps_table is not None else gaps_mod.table(G, spec, region)
    tg = targets_table if targets_table is not None else targets.rank(G, spec, region, top=100, gap_table=gt)
    return spec, gt, tg


def write_pack(
    path: str | os.PathLike[str],
    G: Any,
    chain: str,
    region: str,
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
) -> Path:
    """Write the Excel pack of one (chain, region): the workbook handed to leadership and partners.

    Sheets: 链条诊断 (gap table), 招商目标企业清单 (targets), 本地企业清单 (local firms) and
    数据说明 (sources, vintage, parameters, method, attribution); English names with
    ``lang="en"``. USCC, region codes and ids are text; formula-like cells are neutralised
    (see :func:`write_workbook`). Missing tables are computed from ``G``.
    """
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table)
    lf = local_firms(G, spec.id, str(gt["region"].iloc[0]))
    text_cols = (
        _text_headers(GAP_COLUMNS, lang) + _text_headers(TARGET_COLUMNS, lang) + _text_headers(LOCAL_COLUMNS, lang)
    )
    sheets = {
        sheet_name("gaps", lang): gap_sheet(gt, lang),
        sheet_name("targets", lang): target_sheet(tg, lang),
        sheet_name("local", lang): local_sheet(lf, spec, lang),
    }
    return write_workbook(
        path,
        sheets,
        text_columns=text_cols,
        notes=pack_notes(G, spec, gt, tg, lang),
        notes_sheet=sheet_name("notes", lang),
        notes_header=("项目", "说明") if lang == "zh" else ("Item", "Note"),
    )


# --------------------------------------------------------------------------------------------
# HTML report: one self-contained page (no script, no network)
# --------------------------------------------------------------------------------------------
_REPORT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{region} · {chain}产业链诊断报告",
        "meta": "地区代码 {code} · 数据时点：{vintage} · 活动变量：{activity} · 末级环节 {n} 个",
        "synthetic": "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况 · synthetic demo data",
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
        "col_lq": "区位熵 LQ*（95%区间）",
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
        "col_lq": "LQ* (95% CI)",
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

_REPORT_CSS = """
*{box-sizing:border-box;}
body{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC",
  "WenQuanYi Micro Hei",sans-serif;color:#1f2328;background:#f6f7f9;font-size:14px;line-height:1.55;}
main{max-width:1440px;margin:0 auto;padding:18px 24px 40px 24px;}
.synthetic{background:#fff4ce;border:1px solid #e0b400;color:#6b5200;font-weight:600;padding:8px 14px;
  border-radius:4px;margin-bottom:12px;}
h1{font-size:26px;margin:4px 0 2px 0;}
h2{font-size:19px;margin:28px 0 10px 0;padding-bottom:4px;border-bottom:2px solid #d0d7de;}
.meta{color:#57606a;font-size:13px;}
.cards{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;margin-top:8px;}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;}
.card .label{color:#57606a;font-size:13px;}
.card .value{font-size:32px;font-weight:700;line-height:1.2;}
.card .note{color:#57606a;font-size:12px;}
.counts{display:flex;flex-wrap:wrap;gap:8px 18px;margin-top:12px;align-items:center;}
.counts .what{color:#57606a;font-size:13px;min-width:5em;}
.chip{display:inline-flex;align-items:center;gap:6px;font-size:14px;}
.chip i{display:inline-block;width:14px;height:14px;border-radius:3px;}
.badge{display:inline-block;color:#fff;border-radius:3px;padding:0 7px;font-size:12px;font-weight:600;
  white-space:nowrap;}
.badge.dark{color:#1f2328;}
figure{margin:0;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px;}
figure img{width:100%;height:auto;display:block;}
figcaption{color:#57606a;font-size:12px;margin-top:4px;}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;}
th{text-align:left;background:#eef1f4;font-weight:600;padding:6px 6px;border-bottom:1px solid #d0d7de;
  position:sticky;top:0;white-space:nowrap;}
td{padding:5px 6px;border-bottom:1px solid #eaeef2;vertical-align:top;}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;}
td.why{color:#57606a;font-size:12px;min-width:22em;}
td.firms{font-size:12px;min-width:11em;max-width:16em;}
td.nw{white-space:nowrap;}
tr.top td:first-child{box-shadow:inset 3px 0 0 #1f2328;}
.empty{color:#8c959f;}
dl.notes{display:grid;grid-template-columns:minmax(12em,max-content) 1fr;gap:4px 16px;background:#fff;
  border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;font-size:13px;margin:0;}
dl.notes dt{color:#57606a;}
dl.notes dd{margin:0;}
footer{color:#8c959f;font-size:12px;margin-top:28px;}
@media print{body{background:#fff;}th{position:static;}main{max-width:none;padding:0;}
  h2{break-after:avoid;}tr{break-inside:avoid;}}
"""

#: No script may run and nothing may be fetched: the page is data, not an application.
_REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _e(v: Any) -> str:
    """Escaped text of a cell: missing values as an em dash."""
    import html

    return "—" if _is_missing(v) or v is None else html.escape(str(v), quote=True)


def _pct(v: Any) -> str:
    return "—" if _is_missing(v) else f"{float(v) * 100:.1f}%"


def _num_txt(v: Any, nd: int = 2) -> str:
    if _is_missing(v):
        return "—"
    x = float(v)
    if math.isinf(x):
        return "∞"
    return f"{x:,.{nd}f}"


def _badge(verdict: str, lang: str) -> str:
    from chain_gap.plot import VERDICT_COLORS, VERDICT_LABELS, _text_color

    color = VERDICT_COLORS.get(verdict, "#8c959f")
    dark = " dark" if _text_color(color) != "#ffffff" else ""
    return (
        f'<span class="badge{dark}" style="background:{color}">{_e(VERDICT_LABELS[lang].get(verdict, verdict))}</span>'
    )


def _report_page(
    G: Any, spec: Any, gt: pd.DataFrame, tg: pd.DataFrame, lang: str, panorama_png: bytes, top_targets: int = 30
) -> str:
    import base64

    from chain_gap import gaps as gaps_mod
    from chain_gap.plot import (
        ACTION_LABELS,
        ACTIONS,
        ACTIVITY_LABELS,
        STAGE_LABELS,
        VERDICT_COLORS,
        VERDICT_LABELS,
        VERDICTS,
    )

    if lang not in _REPORT_TEXT:
        raise ReportError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = _REPORT_TEXT[lang]
    zh = lang == "zh"
    region_code = str(gt["region"].iloc[0])
    region_name = str(gt["region_name"].iloc[0])
    chain_name = spec.name if zh else spec.name_en
    summ = gaps_mod.summary(G, spec, region_code, gaps=gt)
    activity = str(gt["activity"].iloc[0]) if "activity" in gt else "firms"
    present = int((gt["local"] > 0).sum())
    link_name = (lambda r: r.get("link_name_en") or r["link_name"]) if not zh else (lambda r: r["link_name"])
    group_name = (lambda r: r.get("group_name_en") or r["group_name"]) if not zh else (lambda r: r["group_name"])

    out: list[str] = []
    w = out.append
    title = t["title"].format(region=region_name, chain=chain_name)
    w("<!DOCTYPE html>")
    w(f'<html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">')
    w(f'<meta http-equiv="Content-Security-Policy" content="{_REPORT_CSP}">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="chain-gap">')
    w(f"<title>{_e(title)}</title><style>{_REPORT_CSS}</style></head><body><main>")
    if G is not None and G.graph.get("synthetic"):
        w(f'<div class="synthetic" id="synthetic" role="note">⚠ {_e(t["synthetic"])}</div>')
    w(f"<h1>{_e(title)}</h1>")
    w(
        f'<div class="meta">{_e(t["meta"].format(code=region_code, vintage=_vintage(G) or "—", activity=ACTIVITY_LABELS[lang].get(activity, activity), n=len(gt)))}</div>'
    )

    # ---- key numbers --------------------------------------------------------------------
    w(f'<h2 id="summary">{_e(t["key_numbers"])}</h2><div class="cards">')
    sc_missing = _is_missing(summ["sc"])
    for key, value, note in (
        ("c", _pct(summ["c"]), t["c_note"].format(present=present, n=len(gt))),
        ("wc", _pct(summ["wc"]), t["wc_note"]),
        ("sc", "—" if sc_missing else _pct(summ["sc"]), t["sc_none"] if sc_missing else t["sc_note"]),
    ):
        w(
            f'<div class="card" id="card-{key}"><div class="label">{_e(t[key])}</div>'
            f'<div class="value">{_e(value)}</div><div class="note">{_e(note)}</div></div>'
        )
    w("</div>")
    w(f'<div class="counts" id="verdict-counts"><span class="what">{_e(t["verdicts"])}</span>')
    for v in VERDICTS:
        w(
            f'<span class="chip" data-verdict="{v}"><i style="background:{VERDICT_COLORS[v]}"></i>'
            f"{_e(VERDICT_LABELS[lang][v])} <b>{summ['verdicts'].get(v, 0)}</b></span>"
        )
    w("</div>")
    w(f'<div class="counts" id="action-counts"><span class="what">{_e(t["actions"])}</span>')
    for a in ACTIONS[:-1]:
        w(
            f'<span class="chip" data-action="{a}">{_e(ACTION_LABELS[lang][a])} <b>{summ["actions"].get(a, 0)}</b></span>'
        )
    w("</div>")

    # ---- priorities ---------------------------------------------------------------------
    w(f'<h2 id="priorities">{_e(t["priorities"])}</h2>')
    by_link = {r["link"]: r for r in gt.to_dict("records")}
    if summ["top_priorities"]:
        w(
            f'<table id="priority-table"><thead><tr><th>#</th><th>{_e(t["col_link"])}</th><th>{_e(t["col_verdict"])}</th>'
            f"<th>{_e(t['col_action'])}</th><th>{_e(t['col_local'])}</th><th>{_e(t['col_priority'])}</th>"
            f"<th>{_e(t['col_reasons'])}</th></tr></thead><tbody>"
        )
        for i, (lid, _name, action, prio) in enumerate(summ["top_priorities"], start=1):
            r = by_link[lid]
            w(
                f'<tr><td class="num">{i}</td><td class="nw"><b>{_e(link_name(r))}</b></td><td>{_badge(r["verdict"], lang)}</td>'
                f'<td>{_e(ACTION_LABELS[lang].get(action, action))}</td><td class="num">{_e(int(r["local"]))}</td>'
                f'<td class="num">{_num_txt(prio)}</td><td class="why">{_e(r.get("reasons"))}</td></tr>'
            )
        w("</tbody></table>")
    else:
        w(f'<p class="empty">{_e(t["no_priorities"])}</p>')

    # ---- panorama -----------------------------------------------------------------------
    b64 = base64.b64encode(panorama_png).decode("ascii")
    w(
        f'<h2 id="panorama">{_e(t["panorama"])}</h2><figure>'
        f'<img id="panorama-img" alt="{_e(t["panorama"])}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{_e(t['panorama_note'])}</figcaption></figure>"
    )

    # ---- gap table ----------------------------------------------------------------------
    top_ids = {p[0] for p in summ["top_priorities"]}
    heads = [
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
    ]
    w(
        f'<h2 id="gaps">{_e(t["gap_table"])}</h2><table id="gap-table"><thead><tr>'
        + "".join(f"<th>{_e(t[h])}</th>" for h in heads)
        + "</tr></thead><tbody>"
    )
    for r in gt.to_dict("records"):
        lq = _num_txt(r.get("lq_star", r.get("lq")))
        if not _is_missing(r.get("ci_low")) and not _is_missing(r.get("ci_high")):
            lq += (
                f"（{_num_txt(r['ci_low'])}–{_num_txt(r['ci_high'])}）"
                if zh
                else f" ({_num_txt(r['ci_low'])}–{_num_txt(r['ci_high'])})"
            )
        is_top = r["link"] in top_ids
        firms = [f for f in str(r.get("top_local") or "").split("、") if f]
        firms_txt = "、".join(firms[:3]) + (
            (f" 等 {len(firms)} 家" if zh else f" and {len(firms) - 3} more") if len(firms) > 3 else ""
        )
        top_cls = ' class="top"' if is_top else ""
        w(
            f'<tr{top_cls} data-link="{_e(r["link"])}">'
            f'<td class="nw">{_e(STAGE_LABELS[lang].get(r["stage"], r["stage"]))}</td>'
            f'<td class="nw">{_e(group_name(r))}</td><td class="nw"><b>{"★ " if is_top else ""}{_e(link_name(r))}</b></td>'
            f'<td>{_badge(r["verdict"], lang)}</td><td class="nw">{_e(ACTION_LABELS[lang].get(r["action"], r["action"]))}</td>'
            f'<td class="num">{_e(int(r["local"]))}</td><td class="num">{_num_txt(r.get("national"), 0)}</td>'
            f'<td class="num">{_e(lq)}</td><td class="num">{_num_txt(r.get("hhi"))}</td>'
            f'<td class="num">{_num_txt(r.get("priority"))}</td><td class="firms">{_e(firms_txt)}</td>'
            f'<td class="why">{_e(r.get("reasons"))}</td></tr>'
        )
    w("</tbody></table>")

    # ---- targets ------------------------------------------------------------------------
    k = min(top_targets, len(tg))
    w(f'<h2 id="targets">{_e(t["targets"].format(k=k, n=len(tg)))}</h2>')
    if k:
        names = {lk.id: (lk.name if zh else lk.name_en) for lk in spec.links.values()}
        w(
            f'<table id="target-table"><thead><tr><th>{_e(t["col_rank"])}</th><th>{_e(t["col_name"])}</th>'
            f"<th>{_e(t['col_region'])}</th><th>{_e(t['col_target_link'])}</th><th>{_e(t['col_action'])}</th>"
            f"<th>{_e(t['col_score'])}</th><th>{_e(t['col_why'])}</th></tr></thead><tbody>"
        )
        for r in tg.head(k).to_dict("records"):
            w(
                f'<tr><td class="num">{_e(r.get("rank"))}</td><td class="target-name"><b>{_e(r["name"])}</b></td>'
                f"<td>{_e(r.get('region_name') or r.get('region'))}</td>"
                f'<td class="nw">{_e(names.get(r["link"], r.get("link_name") or r["link"]))}</td>'
                f'<td class="nw">{_e(ACTION_LABELS[lang].get(r.get("action"), r.get("action")))}</td>'
                f'<td class="num">{_num_txt(r.get("score"), 3)}</td><td class="why">{_e(r.get("reasons"))}</td></tr>'
            )
        w("</tbody></table>")
    else:
        w(f'<p class="empty">{_e(t["no_targets"])}</p>')

    # ---- notes --------------------------------------------------------------------------
    w(f'<h2 id="notes">{_e(t["notes"])}</h2><dl class="notes">')
    for key, val in pack_notes(G, spec, gt, tg, lang).items():
        w(f"<dt>{_e(key)}</dt><dd>{_e(val)}</dd>")
    w(f"</dl><footer>{_e(t['footer'])}</footer></main></body></html>")
    return "\n".join(out)


def _panorama_for(G: Any, gt: pd.DataFrame, lang: str) -> Any:
    from chain_gap import plot

    return plot.panorama(gt, vintage=_vintage(G) or None, lang=lang, synthetic=bool(G.graph.get("synthetic")))


def _png_bytes(fig: Any) -> bytes:
    import io as _io

    from chain_gap.plot import _PANO_DPI

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=_PANO_DPI, facecolor="white")
    return buf.getvalue()


def html_report(
    G: Any,
    chain: str,
    region: str,
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
) -> str:
    """The HTML report of one (chain, region) as one self-contained page.

    Summary numbers (completeness C / WC / SC, verdict and action counts), the links to act on
    first, the panorama (embedded as a ``data:`` PNG), the gap table, the top 30 target firms
    with their reasons and the data notes. Every value is HTML-escaped; the page carries a
    Content-Security-Policy that allows no script and no network request at all, so it opens
    on an intranet PC and a hostile firm name can only ever be text.
    """
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table)
    fig = _panorama_for(G, gt, lang)
    return _report_page(G, spec, gt, tg, lang, _png_bytes(fig))


def _write_text(path: Path, text: str) -> Path:
    from chain_gap.plot import write_html

    return write_html(text, path)


def write_outputs(
    G: Any,
    chain: str,
    region: str,
    out: str | os.PathLike[str],
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
) -> dict[str, Path]:
    """Write every output of one (chain, region) into ``out``.

    gaps.xlsx, targets.xlsx, map.html (interactive map), panorama.png / panorama.svg,
    report.xlsx (the Excel pack) and report.html. The gap table and the targets are computed once
    (or taken as given) and shared, so all files show the same numbers.
    """
    from chain_gap import plot

    outd = Path(out)
    outd.mkdir(parents=True, exist_ok=True)
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table)
    fig = _panorama_for(G, gt, lang)
    png, svg = plot.write_panorama(fig, outd / "panorama.png", outd / "panorama.svg")
    paths = {
        "gaps": write_workbook(
            outd / "gaps.xlsx",
            {sheet_name("gaps", lang): gap_sheet(gt, lang)},
            text_columns=_text_headers(GAP_COLUMNS, lang),
            notes=gap_notes(gt, lang, G),
            notes_sheet=sheet_name("notes", lang),
        ),
        "targets": write_workbook(
            outd / "targets.xlsx",
            {sheet_name("targets", lang): target_sheet(tg, lang)},
            text_columns=_text_headers(TARGET_COLUMNS, lang),
            notes=target_notes(tg, None, None, lang, G),
            notes_sheet=sheet_name("notes", lang),
        ),
        "map": write_map(G, spec.id, region, outd / "map.html", lang=lang, gaps_table=gt, targets_table=tg),
        "panorama_png": png,
        "panorama_svg": svg,
        "pack": write_pack(outd / "report.xlsx", G, spec.id, region, gaps_table=gt, targets_table=tg, lang=lang),
        "report": _write_text(outd / "report.html", _report_page(G, spec, gt, tg, lang, png.read_bytes())),
    }
    return paths


def write_report(
    G: Any, chain: str, region: str, out_dir: str | os.PathLike[str], *, lang: str = "zh"
) -> dict[str, Path]:
    """Write everything staff open for one (chain, region) into ``out_dir``; returns name → path.

    map.html, panorama.png, panorama.svg, report.xlsx (the pack), report.html, gaps.xlsx and
    targets.xlsx. This is what ``chain-gap report BUNDLE --chain ID --region R --out DIR`` calls.
    """
    return write_outputs(G, chain, region, out_dir, lang=lang)
