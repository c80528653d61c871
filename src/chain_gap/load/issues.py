"""What a load reports: rejected rows, warnings, conflicts, per-file counts, and their files.

Every data row ends up **loaded**, **merged** or **rejected**; a value that cannot be used without
invalidating its row is a **warning**. :class:`LoadResult` carries the four tables and the report
that reconciles ``rows_in = loaded + merged + rejected`` per file; :func:`write_rejects` and
:func:`write_load_report` write them for the people who fix the source files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import errors
from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError
from chain_gap.load.messages import message
from chain_gap.load.values import FORMULA

__all__ = [
    "CONFLICT_COLUMNS",
    "ISSUE_COLUMNS",
    "FileStats",
    "LoadError",
    "LoadResult",
    "issue_code",
    "issues_frame",
    "write_load_report",
    "write_rejects",
    "write_warnings",
]

ISSUE_COLUMNS = ["file", "row", "field", "value", "reason", "code", "sheet"]
CONFLICT_COLUMNS = ["ent_id", "field", "kept", "other", "kept_from", "other_from"]

#: Stable codes of the loader's own rejects and warnings, from the reason they give (first match wins);
#: the reader's codes (row-footer, merged-fill-down …) come with its issues. Users and tests filter on
#: these, never on the reason text (which is translated).
REASON_CODES: tuple[tuple[str, str], ...] = (
    ("more cells than the header", "row-extra-cells"),
    ("does not fit the graph schema", "row-schema"),
    ("no usable enterprise name", "name-missing"),
    ("longer than", "value-too-long"),
    ("formula", "value-formula"),
    ("invalid USCC", "uscc-invalid"),
    ("USCC", "uscc-conflict"),
    ("not a stock code", "stock-invalid"),
    ("unknown region", "region-unknown"),
    ("no region found in the address", "region-not-in-address"),
    ("region", "region-conflict"),
    ("GB/T 4754", "industry-unknown"),
    ("industry", "industry-unknown"),
    ("cannot read the amount", "value-amount"),
    ("not a whole number", "value-int"),
    ("cannot read the date", "value-date"),
    ("truncated", "value-truncated"),
    ("share is not a number", "value-share"),
    ("count is not a whole number", "value-int"),
    ("decision must be", "decision-invalid"),
    ("role must be", "role-invalid"),
    ("link must look like", "link-invalid"),
    ("not a link of", "link-unknown"),
    ("chain", "link-unknown"),
    ("self-loop", "relation-self-loop"),
    ("the same firm", "relation-self-loop"),
    ("not in the company list", "company-created"),
    ("not in the graph", "enterprise-unknown"),
    ("matches several enterprises", "enterprise-ambiguous"),
    ("no name given", "enterprise-unknown"),
    ("no ", "value-missing"),
    ("not found in the folder", "file-missing"),
)


def issue_code(reason: str) -> str:
    """The stable code of a loader reason (``load-other`` when no rule names it).

    Parameters
    ----------
    reason : str
        The reason text of a warning, reject or skipped row.

    Returns
    -------
    str
    """
    for needle, code in REASON_CODES:
        if needle in reason:
            return code
    return "load-other"


for _code, _zh, _en in (
    (
        "load-missing-column",
        "{file}{in_sheet}：缺少必需的列，应有 {expected}；找到的表头：{found}",
        "{file}{in_sheet_en}: missing required column(s): expected {expected}; headers found: {found}",
    ),
    (
        "load-folder-not-file",
        "{file}：是文件夹；映射「{mapping}」一次只读一个文件，请给出文件",
        "{file}: is a folder; mapping {mapping!r} reads one file at a time",
    ),
    ("mapping-not-dict", "{file}：映射文件必须是 YAML 字典", "{file}: a mapping must be a YAML dictionary"),
    (
        "mapping-kind",
        "{file}：未知的类型 kind「{kind}」；可选：{choices}",
        "{file}: unknown kind {kind!r}; expected one of {choices}",
    ),
    (
        "mapping-field-type",
        "{file}：字段「{field}」的类型「{type}」未知；可选：{choices}",
        "{file}: field {field!r} has unknown type {type!r}; expected one of {choices}",
    ),
    ("mapping-no-files", "{file}：folder 映射需要 `files` 列表", "{file}: a folder mapping needs a `files` list"),
    ("mapping-no-fields", "{file}：映射没有任何字段（fields）", "{file}: mapping has no fields"),
    (
        "mapping-unknown",
        "未知的数据源映射「{ref}」；内置映射：{choices}",
        "unknown source mapping {ref!r}; shipped mappings: {choices}",
    ),
    (
        "yaml-duplicate-key",
        "{file}：第{line}行的键「{key}」在同一映射中出现两次",
        "{file}: line {line}: key {key!r} appears twice in the same mapping",
    ),
    ("mapping-not-found", "{file}：映射文件不存在", "{file}: mapping file not found"),
    ("mapping-unreadable", "{file}：无法读取映射文件（{detail}）", "{file}: cannot read the mapping ({detail})"),
):
    errors.register(_code, _zh, _en)


class LoadError(ChainGapError):
    """A file that cannot be loaded at all (unreadable, empty, missing a required header, unknown
    mapping). The message is one line and names the file."""

    default_code = "load-error"


@dataclass
class FileStats:
    """Counts of one loaded file or sheet (``rows_in = loaded + merged + rejected + skipped``).

    ``rows_in`` is every non-blank row after the header physically in the file (or sheet): a data
    row, a footer / repeated header the reader skipped, or a line that could not be parsed.
    """

    path: str
    sheet: str = ""
    rows_in: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: int = 0
    skipped: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The file's entry of the load report."""
        out: dict[str, Any] = {"path": self.path}
        if self.sheet:
            out["sheet"] = self.sheet
        out.update(
            {
                "rows_in": self.rows_in,
                "loaded": self.loaded,
                "merged": self.merged,
                "rejected": self.rejected,
                "skipped": self.skipped,
                "warnings": self.warnings,
            }
        )
        return out

    def reconciles(self) -> bool:
        """Whether every row is accounted for."""
        return self.rows_in == self.loaded + self.merged + self.rejected + self.skipped


@dataclass
class LoadResult:
    """What :func:`chain_gap.load.load` did.

    Attributes
    ----------
    graph : networkx.MultiDiGraph
        The graph loaded into (the one passed in, updated in place, or a new one).
    rejects : pandas.DataFrame
        Rows not loaded: ``file, row, field, value, reason, code, sheet``.
    warnings : pandas.DataFrame
        Values not used although their row loaded (and what the reader repaired: merged cells
        filled down, NUL bytes removed …), same columns.
    report : dict
        ``{"files": [{path, sheet, rows_in, loaded, merged, rejected, skipped, warnings}],
        "totals": {...}, "codes": {code: count}}``.
    conflicts : pandas.DataFrame
        Fields where two records disagree: ``ent_id, field, kept, other, kept_from, other_from``.
    skipped : pandas.DataFrame
        Rows that are not records (footers 合计 / 制表人, repeated headers, titles), same columns.
    """

    graph: nx.MultiDiGraph
    rejects: pd.DataFrame
    warnings: pd.DataFrame
    report: dict[str, Any]
    conflicts: pd.DataFrame
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))


def _atomic_write(path: str | os.PathLike[str], write: Callable[[Any], None], *, encoding: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
        write(fh)


def _safe_cell(v: Any) -> Any:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a leading quote."""
    if isinstance(v, str) and v.startswith(FORMULA):
        return "'" + v
    return v


def write_rejects(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write the rejected rows as CSV (UTF-8 with BOM so Excel opens it), atomically.

    Besides the English ``reason``, a last column ``message`` says it in the language in force
    (Chinese unless ``use_lang("en")`` / ``--lang en``).

    Formula-like values are neutralised with a leading ``'`` so opening the file runs nothing.

    Parameters
    ----------
    result : LoadResult
        The result of a load.
    path : str or os.PathLike
        The CSV file to write.
    """
    _write_issues(result.rejects, path)


def _write_issues(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    df = df.copy()
    if "code" in df:  # the reason in the language in force, last so the older columns keep their places
        df["message"] = [
            message(c, r, f, v, s, sh)
            for c, r, f, v, s, sh in zip(df["code"], df["row"], df["field"], df["value"], df["reason"], df["sheet"])
        ]
    for col in ("file", "field", "value", "reason", "message", "sheet"):
        if col in df:
            df[col] = [_safe_cell(v) for v in df[col].tolist()]
    _atomic_write(path, lambda fh: df.to_csv(fh, index=False), encoding="utf-8-sig")


def issues_frame(result: LoadResult) -> pd.DataFrame:
    """Every warning, skipped row and merge conflict of a load in one table with codes.

    Columns ``kind`` (warning / skipped / conflict) and those of :data:`ISSUE_COLUMNS`; a conflict's
    ``file`` and ``row`` are where the value not kept came from, its ``value`` the value kept and the
    one not kept.

    Parameters
    ----------
    result : LoadResult
        The result of a load.

    Returns
    -------
    pandas.DataFrame
    """
    parts = [
        result.warnings.assign(kind="warning"),
        result.skipped.assign(kind="skipped"),
    ]
    if len(result.conflicts):
        c = result.conflicts
        src = c["other_from"].astype(str).str.rsplit(":", n=1)
        parts.append(
            pd.DataFrame(
                {
                    "kind": "conflict",
                    "file": [s[0] for s in src],
                    "row": [int(s[1]) if len(s) > 1 and s[1].isdigit() else 0 for s in src],
                    "field": c["field"],
                    "value": [f"{k} ≠ {o}" for k, o in zip(c["kept"], c["other"])],
                    "reason": [f"{e}: kept the value from {kf}" for e, kf in zip(c["ent_id"], c["kept_from"])],
                    "code": "merge-conflict",
                    "sheet": "",
                }
            )
        )
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    cols = ["kind", *ISSUE_COLUMNS]
    if out is None:
        return pd.DataFrame(columns=cols)
    return out[cols]


def write_warnings(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write every warning, skipped row and merge conflict (with codes) as CSV, atomically.

    UTF-8 with BOM so Excel opens it; formula-like values neutralised with a leading ``'``.

    Parameters
    ----------
    result : LoadResult
        The result of a load.
    path : str or os.PathLike
        The CSV file to write.
    """
    _write_issues(issues_frame(result), path)


def write_load_report(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write the load report (per-file and total counts) as JSON (UTF-8, Chinese kept readable),
    atomically.

    Parameters
    ----------
    result : LoadResult
        The result of a load.
    path : str or os.PathLike
        The JSON file to write.
    """

    def write(fh: Any) -> None:
        json.dump(result.report, fh, ensure_ascii=False, indent=2)
        fh.write("\n")

    _atomic_write(path, write, encoding="utf-8")
