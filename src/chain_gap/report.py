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
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

__all__ = ["ReportError", "FORMULA_PREFIXES", "CODE_COLUMNS", "neutralise", "is_code_column", "gap_sheet",
           "target_sheet", "gap_notes", "target_notes", "write_csv", "write_map", "write_outputs", "local_firms",
           "display_width", "write_workbook"]


class ReportError(ValueError):
    """An output that cannot be written as asked (bad sheet name, unwritable path...)."""


#: First characters that make Excel, WPS or LibreOffice treat a typed/pasted cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Columns always written as text: identifiers whose leading zeros or letters matter.
CODE_COLUMNS: frozenset[str] = frozenset({
    "uscc", "region", "ent_id", "id", "code", "stock", "stock_code", "industry", "industry_code",
    "gb4754", "parent_code", "province", "city", "county", "postcode", "zip", "phone", "tel",
    "reg_no", "org_code",
})

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
    return (n in CODE_COLUMNS or n.endswith(("_code", "_id", "uscc"))
            or str(name) in set(text_columns))


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


def _write_sheet(wb: Any, ws: Any, df: pd.DataFrame, text_columns: Iterable[str], fmts: Mapping[str, Any]
                 ) -> None:
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
                    text = text[:_MAX_CELL - 1] + "…"
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
        to a last sheet named ``notes_sheet`` with the header 项目 / 说明.

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

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".xlsx.tmp")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        })
        fmts = {
            "header": wb.add_format({"bold": True, "bg_color": "#E8EEF5", "bottom": 1,
                                     "text_wrap": False, "valign": "vcenter"}),
            "code": wb.add_format({"num_format": "@"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        }
        for name, df in sheets.items():
            _write_sheet(wb, wb.add_worksheet(name), df, text_columns, fmts)
        if notes is not None:
            rows = pd.DataFrame({"项目": [str(k) for k in notes], "说明": list(notes.values())})
            _write_sheet(wb, wb.add_worksheet(notes_sheet), rows, (), fmts)
        wb.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


# --------------------------------------------------------------------------------------------
# Pipeline outputs: the gap table, the target list and the chain map of one (chain, region)
# --------------------------------------------------------------------------------------------
#: Stable output columns of the gap table: name → (Chinese header, English header).
GAP_COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("地区代码", "region code"), "region_name": ("地区", "region"),
    "stage": ("环节位置", "stage"), "group_name": ("环节大类", "group"), "link": ("环节代码", "link id"),
    "link_name": ("环节", "link"), "weight": ("权重", "weight"), "activity": ("活动变量", "activity"),
    "local": ("本地企业数", "local firms"), "local_activity": ("本地活动量", "local activity"),
    "national": ("全国企业数", "national firms"), "lq": ("区位熵LQ", "LQ"), "lq_star": ("区位熵LQ*", "LQ*"),
    "ci_low": ("LQ*区间下限", "LQ* CI low"), "ci_high": ("LQ*区间上限", "LQ* CI high"), "hhi": ("集中度HHI", "HHI"),
    "single_firm": ("仅一家", "single firm"), "cascade_loss": ("级联损失", "cascade loss"),
    "density": ("关联密度", "density"), "pci": ("环节复杂度PCI", "PCI"), "cog": ("机会增益COG", "COG"),
    "peer_percentile": ("同级百分位", "peer percentile"), "anchor_firms": ("链主企业", "anchor firms"),
    "verdict_label": ("诊断", "verdict"), "action_label": ("招商方向", "action"), "gap": ("缺口", "gap"),
    "priority": ("优先级", "priority"), "top_local": ("本地主要企业", "top local firms"),
    "reasons": ("诊断依据", "reasons"),
}

TARGET_COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("排名", "rank"), "name": ("企业名称", "name"), "uscc": ("统一社会信用代码", "USCC"),
    "region": ("所在地区代码", "region code"), "region_name": ("所在地区", "region"),
    "link_name": ("目标环节", "link"), "action_label": ("招商方向", "action"), "score": ("综合得分", "score"),
    "link_priority": ("环节优先级", "link priority"), "gap": ("环节缺口", "gap"),
    "density": ("可行性(关联密度)", "feasibility (density)"), "resilience": ("韧性增益", "resilience gain"),
    "quality": ("企业质量(TOPSIS)", "firm quality (TOPSIS)"), "fit": ("本地配套契合度", "fit to local buyers"),
    "same_province": ("同省", "same province"), "reg_capital": ("注册资本(元)", "registered capital (CNY)"),
    "revenue": ("营业收入(元)", "revenue (CNY)"), "founded": ("成立日期", "founded"), "tags": ("企业标签", "tags"),
    "other_links": ("其他所属环节", "other links"), "stability": ("排名稳定性", "rank stability"),
    "reasons": ("推荐理由", "reasons"), "ent_id": ("企业ID", "enterprise id"),
}

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "gaps": ("链条诊断", "Gap analysis"), "targets": ("招商目标企业清单", "Target list"),
    "local": ("本地企业清单", "Local firms"), "notes": ("数据说明", "Notes"),
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


def target_notes(targets: pd.DataFrame, weights: Any = None, filters: Any = None, lang: str = "zh",
                 G: Any = None) -> dict[str, str]:
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
    target.parent.mkdir(parents=True, exist_ok=True)
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".csv.tmp")
    os.close(fd)
    try:
        safe.to_csv(tmp, index=False, encoding="utf-8-sig")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def local_firms(G: Any, chain: str, region: str) -> pd.DataFrame:
    """本地企业清单: every firm of the region linked to the chain (all roles and decisions)."""
    from chain_gap import codes, frames
    reg = codes.resolve_region(str(region))
    mem = frames.members(G, chain, roles=None, decisions=None)
    loc = mem[mem[reg.level] == reg.code].copy() if len(mem) else mem
    loc["region_name"] = frames.region_names(loc["region"]).to_numpy() if len(loc) else []
    cols = ["ent_id", "name", "uscc", "region", "region_name", "link", "role", "confidence", "decision",
            "primary", "reg_capital", "revenue", "evidence"]
    return loc[cols].sort_values(["link", "role", "revenue"], ascending=[True, True, False],
                                 na_position="last").reset_index(drop=True)


def write_map(G: Any, chain: str, region: str, path: str | os.PathLike[str], *, lang: str = "zh",
              gaps_table: pd.DataFrame | None = None, targets_table: pd.DataFrame | None = None) -> Path:
    """Compute (if not given) the gap table and targets and write the offline chain map."""
    from chain_gap import gaps as gaps_mod
    from chain_gap import plot, targets
    from chain_gap.chains import load_chain
    spec = load_chain(chain)
    gt = gaps_table if gaps_table is not None else gaps_mod.table(G, spec, region)
    tg = targets_table if targets_table is not None else targets.rank(G, spec, region, top=200, gap_table=gt)
    html = plot.chain_map(
        gt, feeds=[(a, b) for a, b, _ in spec.feeds_edges()], local_firms=local_firms(G, spec.id, region),
        targets=tg, title=f"{gt['region_name'].iloc[0]} · {spec.name if lang == 'zh' else spec.name_en}",
        vintage=_vintage(G) or None, lang=lang, synthetic=bool(G.graph.get("synthetic")))
    return plot.write_html(html, path)


def write_outputs(G: Any, chain: str, region: str, out: str | os.PathLike[str], *,
                  gaps_table: pd.DataFrame | None = None, targets_table: pd.DataFrame | None = None,
                  lang: str = "zh") -> dict[str, Path]:
    """Write gaps.xlsx, targets.xlsx and map.html for one (chain, region) into ``out``."""
    from chain_gap import gaps as gaps_mod
    from chain_gap import targets
    outd = Path(out)
    outd.mkdir(parents=True, exist_ok=True)
    gt = gaps_table if gaps_table is not None else gaps_mod.table(G, chain, region)
    tg = targets_table if targets_table is not None else targets.rank(G, chain, region, top=100, gap_table=gt)
    paths = {
        "gaps": write_workbook(outd / "gaps.xlsx", {sheet_name("gaps", lang): gap_sheet(gt, lang)},
                               notes=gap_notes(gt, lang, G), notes_sheet=sheet_name("notes", lang)),
        "targets": write_workbook(outd / "targets.xlsx", {sheet_name("targets", lang): target_sheet(tg, lang)},
                                  notes=target_notes(tg, None, None, lang, G), notes_sheet=sheet_name("notes", lang)),
        "map": write_map(G, chain, region, outd / "map.html", lang=lang, gaps_table=gt, targets_table=tg),
    }
    return paths
