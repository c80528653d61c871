"""The allowed range of every numeric setting of ``graph/config/*.toml`` and of a target profile.

A type check alone let ``alpha = -3``, a negative weight or a threshold of 1.5 through: the ranking
then ordered firms backwards, a share above 1 could never be reached, and nothing said why.
:func:`check` is applied to each value as it is read (:func:`chain_gap.config._coerce`), and refuses
one outside its range with ``config-out-of-range``, naming the file, the setting and the range.
Keys are ``section.key`` as in the file (``verdict.level``); ``priority.*`` and ``tags.*`` cover every
key of that table.
"""

from __future__ import annotations

import math
from typing import Any

from chain_gap import errors
from chain_gap.errors import ChainGapError

__all__ = ["RANGES", "check", "range_text"]

errors.register(
    "config-out-of-range",
    "{file}：配置项 {key} = {value} 不在允许范围 {allowed} 内",
    "{file}: setting {key} = {value} is outside the allowed range {allowed}",
)

_INF = math.inf
SHARE = (0.0, 1.0, True, True)  # a share or probability-like threshold: [0, 1]
NONNEG = (0.0, _INF, True, False)  # a weight, an amount, a count: [0, ∞)
POSITIVE = (0.0, _INF, False, False)  # (0, ∞)
AT_LEAST_ONE = (1.0, _INF, True, False)  # [1, ∞)

#: setting → (low, high, low included, high included)
RANGES: dict[str, tuple[float, float, bool, bool]] = {
    # gaps.toml
    "verdict.level": (0.0, 1.0, False, False),
    "verdict.strong_ci_low": NONNEG,
    "verdict.strong_min_firms": AT_LEAST_ONE,
    "verdict.fragile_hhi": SHARE,
    "verdict.fragile_cascade": SHARE,
    "priority.*": NONNEG,
    "anchor.traditional_revenue": NONNEG,
    "anchor.emerging_revenue": NONNEG,
    "anchor.future_revenue": NONNEG,
    "anchor.capital_factor": NONNEG,
    "anchor.min_local_partners": NONNEG,
    "anchor.listed_main_share": SHARE,
    "data.min_level_coverage": SHARE,
    "data.min_known_sizes": SHARE,
    # portfolio.toml
    "portfolio.lq_cap": POSITIVE,
    "portfolio.leading_floor": SHARE,
    "portfolio.leading_max": AT_LEAST_ONE,
    "portfolio.strong_bar": SHARE,
    "catalogue.owner_min_inputs": NONNEG,
    "catalogue.owner_weight_factor": NONNEG,
    "catalogue.specialised_share": SHARE,
    "catalogue.links_per_chain": NONNEG,
    "catalogue.targets_per_link": NONNEG,
    "catalogue.anchors_per_link": NONNEG,
    # link.toml
    "evidence.product": SHARE,
    "evidence.industry_code": SHARE,
    "evidence.scope": SHARE,
    "evidence.name": SHARE,
    "evidence.product_min_share": SHARE,
    "evidence.scope_max_clues": NONNEG,
    "evidence.shenwan_unmatched": SHARE,
    "evidence.product_generic": SHARE,
    "evidence.segment_line_share": SHARE,
    "evidence.segment_corroboration": SHARE,
    "decision.confirmed": SHARE,
    "decision.uncertain": SHARE,
    # targets.toml
    "alpha": SHARE,
    "proximity": NONNEG,
    "side_line_share": SHARE,
    "reference_year": (1900.0, 2100.0, True, True),
    "tags.*": NONNEG,
}


def range_text(bounds: tuple[float, float, bool, bool]) -> str:
    """A range as written in mathematics: ``[0, 1]``, ``(0, ∞)``, ``[1, ∞)``."""
    low, high, lo_in, hi_in = bounds

    def num(x: float) -> str:
        return "∞" if math.isinf(x) else f"{x:g}"

    return f"{'[' if lo_in else '('}{num(low)}, {num(high)}{']' if hi_in and not math.isinf(high) else ')'}"


def check(value: Any, key: str, where: str, error: type[ChainGapError]) -> None:
    """Raise ``error`` (``config-out-of-range``) when the number ``value`` of setting ``key`` is outside its range.

    Parameters
    ----------
    value : object
        The value as read (checked only when it is a number).
    key : str
        ``section.key`` (or a top-level key of a target profile).
    where : str
        The settings file, named in the message.
    error : type
        The error class to raise (:class:`chain_gap.config.ConfigError`).
    """
    bounds = RANGES.get(key) or RANGES.get(key.split(".", 1)[0] + ".*")
    if bounds is None or isinstance(value, bool) or not isinstance(value, int | float):
        return
    low, high, lo_in, hi_in = bounds
    ok = (value >= low if lo_in else value > low) and (value <= high if hi_in else value < high)
    if not ok:
        raise error(code="config-out-of-range", file=where, key=key, value=repr(value), allowed=range_text(bounds))
