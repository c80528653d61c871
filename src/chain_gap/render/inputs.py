"""The gap table as the map and the panorama read it: checked once, one record per leaf link."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from chain_gap.errors import ChainGapError
from chain_gap.labels import ACTIONS, ACTIVITY_LABELS, STAGES, VERDICTS
from chain_gap.render.text import number, plain, text

__all__ = ["GAP_REQUIRED", "PlotError", "chain_names", "check_columns", "leaf_records"]


class PlotError(ChainGapError, ValueError):
    """Input the chain map cannot draw (missing column, unknown verdict, mixed regions...)."""

    default_code = "plot-error"


#: Columns of the gap table the map and the panorama need.
GAP_REQUIRED: tuple[str, ...] = (
    "chain",
    "region",
    "region_name",
    "link",
    "link_name",
    "stage",
    "group",
    "group_name",
    "verdict",
    "action",
    "local",
    "local_activity",
    "national",
    "lq",
    "ci_low",
    "ci_high",
    "hhi",
    "priority",
    "reasons",
)


def check_columns(df: pd.DataFrame, required: Sequence[str], what: str) -> None:
    """Raise :class:`PlotError` naming the columns of ``required`` that ``df`` lacks.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to check.
    required : sequence of str
        Column names it must have.
    what : str
        What the table is, for the message ("gap table", "local firms" ...).
    """
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise PlotError(f"{what}: missing column(s) {missing}; present: {list(df.columns)}")


def leaf_records(gaps: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a gap table of one chain and one region as plain records, checked.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Gap table (one row per leaf link) with the columns of :data:`GAP_REQUIRED`.

    Returns
    -------
    list of dict
        One record per row with plain Python values; ``local`` rounded to an int, ``activity``
        defaulted to ``"firms"`` and ``_row`` the row's position.

    Raises
    ------
    PlotError
        On a missing column, no rows, rows of several chains or regions, an empty or duplicated
        link, an unknown stage / verdict / action / activity or a negative count.
    """
    check_columns(gaps, GAP_REQUIRED, "gap table")
    if len(gaps) == 0:
        raise PlotError("gap table: no rows; nothing to draw")
    for col in ("chain", "region"):
        values = sorted({text(v) for v in gaps[col]})
        if len(values) != 1:
            raise PlotError(
                f"gap table: column '{col}' mixes {values}; pass the rows of one chain and one region to chain_map()"
            )
    rows = gaps.to_dict("records")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, r in enumerate(rows):
        link = text(r["link"]).strip()
        where = f"gap table row {i} (link {link!r})"
        if not link:
            raise PlotError(f"gap table row {i}: field 'link' is empty")
        if link in seen:
            raise PlotError(f"{where}: field 'link' is duplicated; one row per leaf link expected")
        seen.add(link)
        for field, allowed in (("stage", STAGES), ("verdict", VERDICTS), ("action", ACTIONS)):
            if text(r[field]) not in allowed:
                raise PlotError(f"{where}: field '{field}' is {text(r[field])!r}; expected one of {list(allowed)}")
        local = number(r["local"])
        if local is None or local < 0:
            raise PlotError(f"{where}: field 'local' is {r['local']!r}; expected a count >= 0")
        activity = text(r.get("activity")) or "firms"
        if activity not in ACTIVITY_LABELS["zh"]:
            raise PlotError(f"{where}: field 'activity' is {activity!r}; expected one of {list(ACTIVITY_LABELS['zh'])}")
        rec: dict[str, Any] = {str(k): plain(v) for k, v in r.items()}
        rec["link"] = link
        rec["local"] = round(local)
        rec["activity"] = activity
        rec["_row"] = i
        out.append(rec)
    return out


def chain_names(gaps: pd.DataFrame, chain: str) -> tuple[str, str]:
    """(Chinese, English) chain name: from the gap table's attrs, else the chain template, else the id.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The gap table; ``attrs["chain_name"]`` / ``attrs["chain_name_en"]`` are used when set.
    chain : str
        The chain id, looked up with :func:`chain_gap.chains.load_chain` when the attrs lack a name.

    Returns
    -------
    tuple of str
        The Chinese and the English name (the id when the template is not installed).
    """
    zh = text(gaps.attrs.get("chain_name")) if hasattr(gaps, "attrs") else ""
    en = text(gaps.attrs.get("chain_name_en")) if hasattr(gaps, "attrs") else ""
    if not (zh and en):
        from chain_gap.chains import ChainError, load_chain

        try:
            spec = load_chain(chain)
            zh, en = zh or spec.name, en or spec.name_en
        except ChainError:
            pass  # a gap table of a template that is not installed: show the id
    return zh or chain, en or zh or chain
