"""与上次相比 on the chain map: the comparison of two vintages as a panel block and badges on links.

:func:`map_changes` turns a :class:`chain_gap.vintages.Changes` into plain values (no HTML) that the
map embeds in its JSON block: the two vintages compared, four counts (links healed, newly missing,
verdict changes, former targets now local), the changed links with their old → new verdict, and the
former targets that have set up locally. Every changed link also gets a short badge (新补上 / 新缺失 /
诊断变化) shown in its tooltip and panel and as a dashed ring on the map. The page renders all of it
with ``textContent``, so firm and link names stay text.
"""

from __future__ import annotations

from typing import Any

from chain_gap.labels import VERDICT_LABELS
from chain_gap.render.text import text

__all__ = ["BADGES", "COUNT_LABELS", "map_changes"]

#: Headline count (``Changes.summary`` key) → label, in the order the block shows them.
COUNT_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "healed": "补上环节",
        "newly_missing": "新缺失环节",
        "verdict_changes": "诊断变化",
        "settled": "目标已落地",
    },
    "en": {
        "healed": "healed",
        "newly_missing": "newly missing",
        "verdict_changes": "verdicts changed",
        "settled": "targets now local",
    },
}

#: Link status between the vintages → the badge on the link (statuses without a badge are not marked).
BADGES: dict[str, dict[str, str]] = {
    "zh": {"healed": "新补上", "newly_missing": "新缺失", "verdict_changed": "诊断变化"},
    "en": {"healed": "healed", "newly_missing": "newly missing", "verdict_changed": "verdict changed"},
}

_ORDER = ("healed", "newly_missing", "verdict_changed")
_TOP = 12


def map_changes(ch: Any, lang: str = "zh", *, top: int = _TOP) -> dict[str, Any]:
    """The map's 与上次相比 values of a comparison.

    Parameters
    ----------
    ch : chain_gap.vintages.Changes
        The comparison of the previous vintage with the one the map shows.
    lang : str
        ``"zh"`` or ``"en"``.
    top : int
        How many changed links and settled former targets to list (the counts cover all).

    Returns
    -------
    dict
        ``title``, ``vintages`` (``"old → new"``), ``counts`` (``key, label, count``), ``links``
        (``id, name, status, badge, verdicts``: changed links, healed first), ``settled`` (``name,
        links``: former targets now local), ``more`` (links not listed), ``badges`` (link id →
        badge) and ``notes`` (cautions of the comparison).
    """
    zh = lang == "zh"
    s = ch.summary
    unk = "未知" if zh else "unknown"
    vl = VERDICT_LABELS[lang]
    changed = ch.links[ch.links["status"].isin(_ORDER)].copy()
    changed["_o"] = changed["status"].map({k: i for i, k in enumerate(_ORDER)})
    changed = changed.sort_values(["_o", "weight"], ascending=[True, False], kind="stable")
    links = [
        {
            "id": str(r["link"]),
            "name": (text(r["link_name"]) if zh else text(r.get("link_name_en"))) or text(r["link_name"]),
            "status": str(r["status"]),
            "badge": BADGES[lang][r["status"]],
            "verdicts": f"{vl.get(r['old_verdict'], r['old_verdict'])} → {vl.get(r['new_verdict'], r['new_verdict'])}",
        }
        for r in changed.to_dict("records")
    ]
    name_of = {
        str(r["link"]): (text(r["link_name"]) if zh else text(r.get("link_name_en"))) or text(r["link_name"])
        for r in ch.links.to_dict("records")
    }
    sep = "、" if zh else ", "
    settled = [
        {
            "name": text(r.get("new_name")) or text(r.get("name")),
            "links": sep.join(name_of.get(k, k) for k in text(r.get("new_links")).split("、") if k)
            or name_of.get(text(r.get("old_link")), text(r.get("old_link_name"))),
        }
        for r in ch.settled.to_dict("records")
    ]
    return {
        "title": "与上次相比" if zh else "Since last time",
        "vintages": f"{s['old_vintage'] or unk} → {s['new_vintage'] or unk}",
        "counts": [{"key": k, "label": label, "count": int(s[k])} for k, label in COUNT_LABELS[lang].items()],
        "links": links[:top],
        "more": max(len(links) - top, 0),
        "settled": settled[:top],
        "badges": {x["id"]: x["badge"] for x in links},
        "notes": list(s["notes"] if zh else s["notes_en"]),
    }
