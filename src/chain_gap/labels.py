"""Shared vocabulary of chain-gap outputs: verdicts, actions, stages, activities and roles.

One place for the Chinese and English labels and the verdict palette, so the gap table, the chain
map, the panorama and the Excel files never disagree.
"""

from __future__ import annotations

STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")
VERDICTS: tuple[str, ...] = ("missing", "weak", "fragile", "strong", "anchored")  # most severe first
ACTIONS: tuple[str, ...] = ("fill", "strengthen", "extend", "none")

#: Verdict colours. Red/orange read as "needs work" to every official; purple marks the
#: structurally risky "fragile" link (present but resting on one or two firms) so that it is
#: not confused with a merely small one; two greens separate "strong" from "anchored" (strong
#: with a chain-leader firm, 链主). All five are distinguishable in greyscale print by lightness too.
VERDICT_COLORS: dict[str, str] = {
    "missing": "#d93025",
    "weak": "#f29900",
    "fragile": "#8e44ad",
    "strong": "#34a853",
    "anchored": "#0b6e3a",
}

VERDICT_LABELS: dict[str, dict[str, str]] = {
    "zh": {"missing": "缺失", "weak": "薄弱", "fragile": "脆弱", "strong": "较强", "anchored": "链主带动"},
    "en": {"missing": "Missing", "weak": "Weak", "fragile": "Fragile", "strong": "Strong", "anchored": "Anchored"},
}

ACTION_LABELS: dict[str, dict[str, str]] = {
    "zh": {"fill": "补链", "strengthen": "强链", "extend": "延链", "none": "—"},
    "en": {"fill": "Fill", "strengthen": "Strengthen", "extend": "Extend", "none": "None"},
}

STAGE_LABELS: dict[str, dict[str, str]] = {
    "zh": {"upstream": "上游", "midstream": "中游", "downstream": "下游"},
    "en": {"upstream": "Upstream", "midstream": "Midstream", "downstream": "Downstream"},
}

ACTIVITY_LABELS: dict[str, dict[str, str]] = {
    "zh": {"firms": "企业数", "revenue": "营业收入", "reg_capital": "注册资本"},
    "en": {"firms": "firm count", "revenue": "revenue", "reg_capital": "registered capital"},
}

ROLE_LABELS: dict[str, dict[str, str]] = {
    "zh": {"producer": "生产", "seller": "销售", "user": "应用"},
    "en": {"producer": "producer", "seller": "seller", "user": "user"},
}
