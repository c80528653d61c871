"""Labels of chain-gap outputs (kept for callers of earlier releases: the words live in :mod:`chain_gap.vocab`)."""

from __future__ import annotations

from chain_gap.vocab import (
    ACTION_DEFINITIONS,
    ACTION_LABELS,
    ACTIONS,
    ACTIVITY_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
    STAGES,
    VERDICT_COLORS,
    VERDICT_DEFINITIONS,
    VERDICT_LABELS,
    VERDICTS,
)

__all__ = [
    "ACTIONS",
    "ACTION_DEFINITIONS",
    "ACTION_LABELS",
    "ACTIVITY_LABELS",
    "ROLE_LABELS",
    "STAGES",
    "STAGE_LABELS",
    "VERDICTS",
    "VERDICT_COLORS",
    "VERDICT_DEFINITIONS",
    "VERDICT_LABELS",
]
