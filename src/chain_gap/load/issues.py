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
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.errors import ChainGapError
from chain_gap.load.values import FORMULA

__all__ = [
    "CONFLICT_COLUMNS",
    "ISSUE_COLUMNS",
    "FileStats",
    "LoadError",
    "LoadResult",
    "write_load_report",
    "write_rejects",
]

ISSUE_COLUMNS = ["file", "row", "field", "value", "reason"]
CONFLICT_COLUMNS = ["ent_id", "field", "kept", "other", "kept_from", "other_from"]


class LoadError(ChainGapError):
    """A file that cannot be loaded at all (unreadable, empty, missing a required header, unknown
    mapping). The message is one line and names the file."""

    default_code = "load-error"


@dataclass
class FileStats:
    """Counts of one loaded file (``rows_in = loaded + merged + rejected``)."""

    path: str
    rows_in: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The file's entry of the load report."""
        return {
            "path": self.path,
            "rows_in": self.rows_in,
            "loaded": self.loaded,
            "merged": self.merged,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }


@dataclass
class LoadResult:
    """What :func:`chain_gap.load.load` did.

    Attributes
    ----------
    graph : networkx.MultiDiGraph
        The graph loaded into (the one passed in, updated in place, or a new one).
    rejects : pandas.DataFrame
        Rows not loaded: ``file, row, field, value, reason``.
    warnings : pandas.DataFrame
        Values not used although their row loaded, same columns.
    report : dict
        ``{"files": [{path, rows_in, loaded, merged, rejected, warnings}], "totals": {...}}``.
    conflicts : pandas.DataFrame
        Fields where two records disagree: ``ent_id, field, kept, other, kept_from, other_from``.
    """

    graph: nx.MultiDiGraph
    rejects: pd.DataFrame
    warnings: pd.DataFrame
    report: dict[str, Any]
    conflicts: pd.DataFrame


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

    Formula-like values are neutralised with a leading ``'`` so opening the file runs nothing.
    """
    df = result.rejects.copy()
    for col in ("file", "field", "value", "reason"):
        df[col] = [_safe_cell(v) for v in df[col].tolist()]
    _atomic_write(path, lambda fh: df.to_csv(fh, index=False), encoding="utf-8-sig")


def write_load_report(result: LoadResult, path: str | os.PathLike[str]) -> None:
    """Write the load report (per-file and total counts) as JSON (UTF-8, Chinese kept readable),
    atomically."""

    def write(fh: Any) -> None:
        json.dump(result.report, fh, ensure_ascii=False, indent=2)
        fh.write("\n")

    _atomic_write(path, write, encoding="utf-8")
