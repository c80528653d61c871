"""The leading local firms printed in a panorama tile, as vendors' 全景图 do: short names, 1–3 of them.

The gap table's ``top_local`` lists a link's counted local firms largest first (revenue, else
registered capital); a tile shows as many of the first three short names (:func:`short_firm_name`)
as fit its width, else the first one cut with "…".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chain_gap.render.firm_names import short_firm_name
from chain_gap.render.text import text

__all__ = ["FIRM_SCALE", "MAX_TILE_FIRMS", "fit_firms", "tile_firms"]

#: Size of the firm line relative to the tile's name font.
FIRM_SCALE = 0.8
MAX_TILE_FIRMS = 3
_PT_PER_IN = 72.0


def tile_firms(row: Mapping[str, Any], region: str) -> list[str]:
    """Short names of the first :data:`MAX_TILE_FIRMS` firms of ``top_local`` (none when absent)."""
    names = [n for n in text(row.get("top_local")).split("、") if n.strip()]
    out: list[str] = []
    for n in names:
        s = short_firm_name(n, region)
        if s not in out:
            out.append(s)
        if len(out) == MAX_TILE_FIRMS:
            break
    return out


def fit_firms(names: list[str], width_pt: float, size: float, em: Callable[[str], float]) -> str:
    """The longest run of ``names`` joined with "、" that fits ``width_pt`` at ``size`` points, or the
    first name cut with "…"; ``em`` measures a string in em."""
    if not names:
        return ""
    for k in range(len(names), 0, -1):
        s = "、".join(names[:k])
        if em(s) * size <= width_pt:
            return s
    first = names[0]
    while len(first) > 1 and em(first + "…") * size > width_pt:
        first = first[:-1]
    return first + "…"
