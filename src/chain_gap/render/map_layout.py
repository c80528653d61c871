"""The chain map's fixed layout: stages as bands left to right, groups as headed blocks in columns.

A force layout would put a battery material next to a charging pile, which reads as nonsense to a
domain user, so positions are computed here and physics stays off in the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from chain_gap.labels import STAGE_LABELS, STAGES
from chain_gap.render.map_text import MAP_TEXT
from chain_gap.render.style import STAGE_BAND

__all__ = ["columns_per_stage", "layout"]

# layout (vis canvas units)
_COL_W = 200
_ROW_H = 92
_HEADER_H = 40
_STAGE_GAP = 70
_BAND_TOP = 78


def columns_per_stage(totals: Mapping[str, float]) -> dict[str, int]:
    """Columns per stage band so that the whole map is about as wide as a screen (≈ 1.45 : 1).

    A single tall column per stage would make a 100-link chain a thin strip whose labels are
    unreadable at "fit"; too many columns the other way round. Tries column heights from four
    rows up and keeps the one whose overall aspect ratio is closest to a landscape screen.

    Parameters
    ----------
    totals : Mapping
        Stage → total height of its blocks (canvas units).

    Returns
    -------
    dict
        Stage → number of columns.
    """
    biggest = max(totals.values(), default=0.0)
    best: tuple[float, dict[str, int]] | None = None
    rows = 4
    while True:
        h_cap = rows * _ROW_H
        cols = {st: max(1, math.ceil(t / h_cap)) for st, t in totals.items()}
        width = sum(cols.values()) * _COL_W + _STAGE_GAP * (len(totals) - 1)
        height = max((t / cols[st] for st, t in totals.items()), default=_ROW_H) + _BAND_TOP
        score = abs(math.log(width / max(height, 1.0) / 1.45))
        if best is None or score < best[0] - 1e-9:
            best = (score, cols)
        if h_cap >= biggest:
            break
        rows += 1
    assert best is not None
    return best[1]


def layout(
    nodes: list[dict[str, Any]], with_headers: bool, lang: str, leaf_counts: Mapping[str, int]
) -> tuple[dict[str, tuple[float, float]], list[dict], list[dict]]:
    """Fixed positions: stages as bands left to right, groups as headed blocks flowed into columns.

    Parameters
    ----------
    nodes : list of dict
        The map's nodes, each with ``id``, ``stage``, ``group`` and ``group_name``.
    with_headers : bool
        Head each group's block with its name (the leaf view); ``False`` flows the nodes without headings.
    lang : str
        ``"zh"`` or ``"en"``, for the band labels.
    leaf_counts : Mapping
        Stage → number of leaf links, for the band labels.

    Returns
    -------
    tuple of (dict, list of dict, list of dict)
        Node id → ``(x, y)``, the stage bands and the group headings, in canvas coordinates.
    """
    pos: dict[str, tuple[float, float]] = {}
    headers: list[dict] = []
    stage_cols: dict[str, list[float]] = {}
    stage_blocks: dict[str, list[tuple[str | None, list[dict]]]] = {}
    for stage in STAGES:
        members = [n for n in nodes if n["stage"] == stage]
        blocks: list[tuple[str | None, list[dict]]] = []
        if with_headers:
            by_group: dict[str, list[dict]] = {}
            names: dict[str, str] = {}
            for n in members:
                by_group.setdefault(n["group"], []).append(n)
                names.setdefault(n["group"], n["group_name"])
            blocks = [(names[g], ms) for g, ms in by_group.items()]
        elif members:
            blocks = [(None, members)]
        stage_blocks[stage] = blocks
    totals = {
        st: sum((_HEADER_H if h is not None else 0) + _ROW_H * len(ms) for h, ms in bl)
        for st, bl in stage_blocks.items()
    }
    n_cols = columns_per_stage(totals)
    x_cursor = 0.0
    max_h = float(_ROW_H)
    for stage in STAGES:
        blocks = stage_blocks[stage]
        total = totals[stage]
        target = total / n_cols[stage]
        cols: list[list[tuple[str, Any]]] = [[]]
        heights = [0.0]
        for head, ms in blocks:
            for j, n in enumerate(ms):
                unit_h = _ROW_H + (_HEADER_H if (head is not None and j == 0) else 0)
                if heights[-1] > 0 and heights[-1] + unit_h > target * 1.1 and len(cols) < n_cols[stage]:
                    cols.append([])
                    heights.append(0.0)
                if head is not None and (j == 0 or not cols[-1]):
                    cols[-1].append(("head", head if j == 0 else head + MAP_TEXT[lang]["cont"]))
                    heights[-1] += _HEADER_H
                cols[-1].append(("node", n))
                heights[-1] += _ROW_H
        xs = []
        for col in cols:
            x = x_cursor + _COL_W / 2
            xs.append(x)
            y = 0.0
            for kind, item in col:
                if kind == "head":
                    headers.append({"x": x, "y": y + 22, "text": item, "w": _COL_W - 24})
                    y += _HEADER_H
                else:
                    pos[item["id"]] = (x, y + 30)
                    y += _ROW_H
            max_h = max(max_h, y)
            x_cursor += _COL_W
        stage_cols[stage] = xs
        x_cursor += _STAGE_GAP
    bands = []
    for stage in STAGES:
        xs = stage_cols[stage]
        fill, ink = STAGE_BAND[stage]
        n_links = leaf_counts.get(stage, 0)
        bands.append(
            {
                "x0": xs[0] - _COL_W / 2 + 6,
                "x1": xs[-1] + _COL_W / 2 - 6,
                "y0": -_BAND_TOP,
                "y1": max_h + 16,
                "fill": fill,
                "ink": ink,
                "label": MAP_TEXT[lang]["stage_count"].format(stage=STAGE_LABELS[lang][stage], n=n_links),
            }
        )
    return pos, bands, headers
