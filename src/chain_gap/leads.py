"""The target list as a working lead list: what staff typed is carried into the next list.

招商 staff work the 招商目标企业清单 in Excel: they fill in 跟进人 / 跟进状态 / 最近联系 / 备注 for the
firms they call. When a newer bundle gives a new list, :func:`carry_over` copies those four columns
from the list staff filled in to the same firms on the new one (matched by USCC, else by
enterprise id, else by exact name), and keeps the firms that left the list, with their follow-up
and a reason, for the sheet 已移出名单, so nothing staff wrote is lost silently.
:func:`write_lead_list` writes the result to a NEW file; the staff's file is only read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import errors
from chain_gap._contacts import CONTACT_COLUMNS
from chain_gap.errors import ChainGapError
from chain_gap.render.columns import FOLLOW_SPEC, REMOVED_SPEC, TARGET_SPEC

__all__ = ["FOLLOW_COLUMNS", "LeadListError", "LeadUpdate", "carry_over", "read_lead_list", "write_lead_list"]

FOLLOW_COLUMNS = tuple(c.key for c in FOLLOW_SPEC)
"""The columns staff fill in: follow_owner, follow_status, follow_date, follow_note."""

errors.register(
    "leads-unreadable",
    "{path}：无法读取为招商目标企业清单（{why}）",
    "{path}: cannot be read as a target / lead list ({why})",
)
errors.register(
    "leads-no-key",
    "{path}：找不到「企业名称」「统一社会信用代码」或「企业ID」列，无法对应到新名单",
    "{path}: no name, USCC or enterprise id column to match the firms of the new list",
)

_REASONS = {
    "gone": ("新数据中已无该企业", "the firm is not in the new data"),
    "local": ("已在本地（不再是外地目标企业）", "now in the region (no longer an out-of-region target)"),
    "ranked": ("未进入新名单（得分排名或筛选条件变化）", "not on the new list (score, rank or filters changed)"),
}


class LeadListError(ChainGapError):
    """A lead list that cannot be read back (not a table, no column to match firms by)."""

    default_code = "leads-unreadable"


@dataclass
class LeadUpdate:
    """The new lead list with what staff typed carried over, and the firms that left it.

    Attributes
    ----------
    targets : pandas.DataFrame
        The new target list with the follow-up columns (:data:`FOLLOW_COLUMNS`) filled where the
        firm was on the old list.
    removed : pandas.DataFrame
        Firms of the old list (and of its 已移出名单 sheet) not on the new one: name,
        removed_reason, the follow-up columns, link_name, contacts, uscc, ent_id.
    carried : int
        Firms of the new list found on the old one.
    new : int
        Firms of the new list that were not on the old one.
    """

    targets: pd.DataFrame
    removed: pd.DataFrame
    carried: int
    new: int


def _header_keys() -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in (TARGET_SPEC, REMOVED_SPEC):
        for c in spec:
            for h in (c.zh, c.en, c.key):
                out.setdefault(_norm_header(h), c.key)
    return out


def _norm_header(h: Any) -> str:
    return "".join(str(h).split()).lower()


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    keys = _header_keys()
    rename: dict[Any, str] = {}
    for col in df.columns:
        k = keys.get(_norm_header(col))
        if k is not None and k not in rename.values():
            rename[col] = k
    return df[list(rename)].rename(columns=rename)


def read_lead_list(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A lead list staff filled in (``.xlsx`` or ``.csv``, Chinese or English headers), read only.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The list and its 已移出名单 sheet (empty for a CSV or a list never updated), columns by key
        (``name``, ``uscc``, ``ent_id``, ``follow_status`` …).

    Raises
    ------
    LeadListError
        Not readable as a table, or no column to match firms by.
    """
    from chain_gap.render.sheets import SHEET_NAMES

    p = Path(path)
    removed_names = set(SHEET_NAMES["removed"])
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.read_excel(p, sheet_name=None, dtype=object)
            main_name = next((n for n in sheets if n in SHEET_NAMES["targets"]), next(iter(sheets)))
            main = sheets[main_name]
            old_removed = next((sheets[n] for n in sheets if n in removed_names), pd.DataFrame())
        elif p.suffix.lower() == ".csv":
            main = _read_csv(p)
            old_removed = pd.DataFrame()
        else:
            raise LeadListError(path=str(p), why="请用 .xlsx 或 .csv / use .xlsx or .csv")
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise LeadListError(path=str(p), why=errors.one_line(str(exc), 120)) from None
    main, old_removed = _keyed(main), _keyed(old_removed)
    if not {"name", "uscc", "ent_id"} & set(main.columns):
        raise LeadListError(code="leads-no-key", path=str(p))
    return main, old_removed


def _read_csv(p: Path) -> pd.DataFrame:
    raw = p.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        import io as _io

        return pd.read_csv(_io.StringIO(text), dtype=object, keep_default_na=False)
    raise ValueError("neither UTF-8 nor GB18030 text")


def _text(v: Any) -> str:
    if v is None or (not isinstance(v, str) and bool(pd.isna(v))):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _follow_value(key: str, v: Any) -> Any:
    """A follow-up cell as read back: a date for 最近联系 when it is one, else the text; None when empty."""
    if key == "follow_date" and not isinstance(v, str) and v is not None and not pd.isna(v):
        return pd.Timestamp(v).to_pydatetime()
    t = _text(v)
    if not t:
        return None
    if key == "follow_date":
        parsed = pd.to_datetime(t, errors="coerce")
        return parsed.to_pydatetime() if not pd.isna(parsed) else t
    return t


def _reason(ent_id: str, G: nx.MultiDiGraph | None, region: str | None, lang: str) -> str:
    from chain_gap import codes

    i = 0 if lang == "zh" else 1
    if G is None or not ent_id:
        return _REASONS["ranked"][i]
    if ent_id not in G:
        return _REASONS["gone"][i]
    reg = G.nodes[ent_id].get("region")
    if region and reg:
        try:
            code = codes.resolve_region(region).code
        except codes.RegionError:
            code = None
        if code and (reg == code or code in codes.ancestors(reg)):
            return _REASONS["local"][i]
    return _REASONS["ranked"][i]


def carry_over(
    targets: pd.DataFrame,
    old: str | os.PathLike[str] | pd.DataFrame,
    G: nx.MultiDiGraph | None = None,
    region: str | None = None,
    *,
    lang: str = "zh",
    contacts: bool = True,
) -> LeadUpdate:
    """Carry what staff typed in an old lead list over to a new target list.

    Each firm of ``targets`` is matched to at most one row of the old list: by USCC, else by
    enterprise id, else by exact name; its 跟进人 / 跟进状态 / 最近联系 / 备注 are copied. Rows of the
    old list no firm matched go to ``removed`` with a reason (the firm left the data, is now local,
    or fell out of the ranking), and so do rows of the old list's own 已移出名单 sheet (keeping
    their reason), unless their firm is back on the new list, where their follow-up is carried.

    Parameters
    ----------
    targets : pandas.DataFrame
        The new list (:func:`chain_gap.targets.rank`, optionally with contacts attached).
    old : str, os.PathLike or pandas.DataFrame
        The list staff filled in (a file, read only, or its table by key).
    G : networkx.MultiDiGraph, optional
        The new graph, to say why a firm left the list.
    region : str, optional
        The region of the list, ditto.
    lang : str
        Language of the reasons, ``"zh"`` or ``"en"``.
    contacts : bool
        Keep the old list's contact columns on the removed rows (False: a copy to share).

    Returns
    -------
    LeadUpdate
    """
    if isinstance(old, pd.DataFrame):
        main, old_removed = _keyed(old), pd.DataFrame()
    else:
        main, old_removed = read_lead_list(old)
    main = main.assign(_from="list")
    if len(old_removed):
        old_removed = old_removed.assign(_from="removed")
    rows = pd.concat([main, old_removed], ignore_index=True) if len(old_removed) else main
    rows = rows.reset_index(drop=True)
    col = {k: (rows[k].map(_text).tolist() if k in rows else [""] * len(rows)) for k in ("uscc", "ent_id", "name")}
    index: dict[str, dict[str, list[int]]] = {k: {} for k in col}
    for k, values in col.items():
        for i, v in enumerate(values):
            if v:
                index[k].setdefault(v.upper() if k == "uscc" else v, []).append(i)
    used: set[int] = set()
    follow: dict[str, list[Any]] = {k: [] for k in FOLLOW_COLUMNS}
    carried = 0
    for rec in targets.to_dict("records"):
        hit = None
        for k in ("uscc", "ent_id", "name"):
            v = _text(rec.get(k))
            cands = index[k].get(v.upper() if k == "uscc" else v, []) if v else []
            hit = next((i for i in cands if i not in used), None)
            if hit is not None:
                break
        if hit is not None:
            used.add(hit)
            carried += 1
        for k in FOLLOW_COLUMNS:
            v = rows.at[hit, k] if hit is not None and k in rows else None
            follow[k].append(_follow_value(k, v))
    out = targets.copy()
    for k, values in follow.items():
        out[k] = pd.Series(values, index=out.index, dtype=object)
    gone = rows.drop(index=sorted(used))
    removed = pd.DataFrame(
        {
            "name": gone["name"].map(_text) if "name" in gone else "",
            "removed_reason": [
                _text(r.get("removed_reason")) or _reason(_text(r.get("ent_id")), G, region, lang)
                for r in gone.to_dict("records")
            ],
            **{
                k: [_follow_value(k, v) for v in (gone[k] if k in gone else [None] * len(gone))] for k in FOLLOW_COLUMNS
            },
            "link_name": gone["link_name"].map(_text) if "link_name" in gone else "",
            **{c: gone[c].map(_text) for c in CONTACT_COLUMNS if contacts and c in gone},
            "uscc": gone["uscc"].map(_text) if "uscc" in gone else "",
            "ent_id": gone["ent_id"].map(_text) if "ent_id" in gone else "",
        },
        index=gone.index,
    ).reset_index(drop=True)
    return LeadUpdate(targets=out, removed=removed, carried=carried, new=len(out) - carried)


def write_lead_list(
    update: LeadUpdate,
    path: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str] | None = None,
    lang: str = "zh",
    notes: dict[str, str] | None = None,
    page: Any = None,
) -> list[Path]:
    """Write an updated lead list to a new file: the list, then the sheet 已移出名单.

    A ``.csv`` holds one table, so the removed firms go to ``<name>_已移出名单.csv`` next to it
    (``_removed`` in English). Neither file may be ``source`` (the staff's file is never written).

    Parameters
    ----------
    update : LeadUpdate
        What :func:`carry_over` returned.
    path : str or os.PathLike
        The new file (``.xlsx`` or ``.csv``).
    source : str or os.PathLike, optional
        The list staff filled in; refused as an output.
    lang : str
        ``"zh"`` or ``"en"``.
    notes, page : optional
        The notes sheet and the printed header / footer (as :func:`chain_gap.report.write_workbook`).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from chain_gap import report
    from chain_gap._paths import check_output_file
    from chain_gap.render.sheets import removed_sheet, sheet_columns, sheet_name, target_sheet

    p = Path(path)
    inputs = [os.fspath(source)] if source is not None else []
    check_output_file(p, inputs)
    main = target_sheet(update.targets, lang, lead=True)
    gone = removed_sheet(update.removed, lang)
    if p.suffix.lower() == ".csv":
        second = p.with_name(f"{p.stem}_{'已移出名单' if lang == 'zh' else 'removed'}.csv")
        check_output_file(second, inputs)
        report.write_csv(p, main)
        report.write_csv(second, gone)
        return [p, second]
    names = {sheet_name("targets", lang): "targets", sheet_name("removed", lang): "removed"}
    report.write_workbook(
        p,
        {sheet_name("targets", lang): main, sheet_name("removed", lang): gone},
        notes=notes,
        notes_sheet=sheet_name("notes", lang),
        columns={n: sheet_columns(k, lang) for n, k in names.items()},
        lang=lang,
        page=page,
    )
    return [p]
