"""The vehicle rule across segments (docs/chain-templates.md, "Vehicle rule"), kept apart from ``link``.

A leaf may list ``segment_terms``: the words among its ``generic_terms`` that name its segment itself (乘用车 /
轿车 for passenger_ev; 商用车 / 客车 / 货车 … for commercial_ev), not a body type (a truck maker's MPV / SUV /
皮卡 are light commercial platforms). Leaves with segment terms under one parent are the segments of one product
(整车制造). A firm filed under a *core* Shenwan industry of one segment (strong enough to confirm alone:
商用载货车 → commercial_ev) that reports a *main* line (≥ ``segment_line_share`` of revenue) headed by a segment
term of a sibling makes that segment too: the line, generic alone, is corroborated with
``segment_corroboration`` as a Shenwan industry of the link would be. A small line of the other segment (a
renamed maker's stale car sales, a JV's side sales) stays uncertain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chain_gap.config import LinkConfig

#: what the evidence text says after the Shenwan industry name when the rule corroborates a line
SEGMENT_NOTE = "（整车制造商，另一细分）"


def segment_rule(evs: Mapping[str, Any], siblings: Mapping[str, tuple[str, ...]], cfg: LinkConfig) -> None:
    """Corroborate the main other-segment lines of one firm's evidence ``evs`` (link id → evidence), in place.

    ``siblings`` maps each leaf with segment terms to the other segment leaves of its parent. An evidence
    object carries ``product`` / ``specific`` (matched terms), ``segment_share`` (largest share of a made line
    headed by a segment term) and ``sw`` (Shenwan industry name → strength).
    """
    for lid, sibs in siblings.items():
        ev = evs.get(lid)
        if ev is None or not ev.product or ev.specific or ev.segment_share < cfg.segment_line_share:
            continue
        for sib in sibs:
            other = evs.get(sib)
            core = [(s, n) for n, s in other.sw.items() if s >= cfg.confirmed] if other is not None else []
            if core:
                ev.sw[max(core)[1] + SEGMENT_NOTE] = cfg.segment_corroboration
                break
