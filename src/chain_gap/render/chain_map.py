"""Interactive chain map: one self-contained HTML page per (chain, region).

招商 staff open this page on government intranets with no internet access, look rather than read,
and click into a link to see who is already there and whom to attract. So the page:

* is a single HTML file rendered from this package's own template (``assets/chain_map.html.j2``)
  with its script and style sheet (``assets/chain_map.js`` / ``.css``) and vis-network inlined
  from the pyvis package's files; it references nothing outside itself;
* lays the chain out left to right, upstream → midstream → downstream, as three shaded bands with
  the level-2 groups as headings, at fixed positions with physics off
  (:mod:`chain_gap.render.map_layout`);
* colours every leaf link by its verdict with a fixed palette (:data:`chain_gap.labels.VERDICT_COLORS`,
  shared with the Excel and report writers) and sizes it by local activity;
* carries all data-dependent text in one ``<script type="application/json">`` block and renders it
  with ``textContent`` only; tooltips are DOM elements built from that block, never vis ``title``
  strings, so a firm name can never inject markup.

Above ``max_nodes`` leaf links the map aggregates to the level-2 groups (one node per group) and
says so on the page; the gap table (Excel) holds the leaf-level detail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from chain_gap.labels import (
    ACTION_LABELS,
    ACTIVITY_LABELS,
    STAGE_LABELS,
    STAGES,
    VERDICT_COLORS,
    VERDICT_DEFINITIONS,
    VERDICT_LABELS,
    VERDICTS,
)
from chain_gap.render import templates
from chain_gap.render.firm_cards import card_records
from chain_gap.render.inputs import PlotError, chain_names, leaf_records
from chain_gap.render.map_changes import map_changes
from chain_gap.render.map_layout import layout
from chain_gap.render.map_nodes import aggregate, firm_lists, leaf_node, target_lists
from chain_gap.render.map_text import HEADER_ONLY, MAP_TEXT
from chain_gap.render.notes import settings
from chain_gap.render.style import FONT_STACK
from chain_gap.render.text import banner, text
from chain_gap.vocab import TARGET_ACTIONS

__all__ = ["chain_map"]

_SIZE_MIN, _SIZE_MAX = 9.0, 26.0
_PRIORITY_LINKS = 10

#: vis-network options: fixed positions, hover tooltips, no dragging; arrows bow horizontally.
_VIS_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "layout": {"randomSeed": 1},
    "interaction": {
        "hover": True,
        "tooltipDelay": 120,
        "navigationButtons": False,
        "keyboard": False,
        "multiselect": False,
        "dragNodes": False,
    },
    "nodes": {
        "font": {
            "size": 15,
            "face": FONT_STACK,
            "color": "#1f2328",
            "strokeWidth": 4,
            "strokeColor": "#ffffff",
            "multi": False,
        },
        "borderWidth": 1.5,
        "borderWidthSelected": 4,
        "shadow": {"enabled": True, "size": 4, "x": 1, "y": 1, "color": "rgba(0,0,0,0.18)"},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "color": {"color": "#9aa7b4", "highlight": "#1f2328", "hover": "#57606a", "opacity": 0.45},
        "width": 1.2,
        "selectionWidth": 2,
        "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45},
    },
}

#: Punctuation of the header line: full-width in Chinese, ASCII in English.
_PUNCT = {"zh": {"colon": "：", "open": "（", "close": "）"}, "en": {"colon": ": ", "open": " (", "close": ")"}}


def _feed_pairs(feeds: Iterable[tuple[str, str]], link_ids: set[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for i, pair in enumerate(feeds):
        try:
            a, b = (str(x) for x in pair)
        except (TypeError, ValueError):
            raise PlotError(f"feeds item {i}: {pair!r} is not a (from_link, to_link) pair") from None
        for end in (a, b):
            if end not in link_ids:
                raise PlotError(f"feeds item {i}: link {end!r} of ({a!r}, {b!r}) is not in the gap table")
        pairs.append((a, b))
    return pairs


def _vis_nodes(drawn: list[dict[str, Any]], pos: Mapping[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """The vis-network node objects: verdict colour, size by the square root of local activity."""
    max_act = max((n["_activity"] for n in drawn), default=0.0)
    out = []
    for n in drawn:
        share = math.sqrt(max(n["_activity"], 0.0) / max_act) if max_act > 0 else 0.0
        x, y = pos[n["id"]]
        out.append(
            {
                "id": n["id"],
                "label": n["label"],
                "shape": "dot",
                "color": VERDICT_COLORS[n["verdict"]],
                "size": round(_SIZE_MIN + (_SIZE_MAX - _SIZE_MIN) * share, 1),
                "x": x,
                "y": y,
                "physics": False,
                "level": STAGES.index(n["stage"]),
            }
        )
    return out


def _vis_edges(edges: Iterable[tuple[str, str]], pos: Mapping[str, tuple[float, float]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for a, b in edges:
        # hidden until their link is hovered or selected: 195 arrows at once are a hairball
        edge: dict[str, Any] = {"id": f"{a}>{b}", "from": a, "to": b, "arrows": "to", "hidden": True}
        if abs(pos[a][0] - pos[b][0]) < 1:  # same column: bow the arrow out so it clears the labels
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.45}
        out.append(edge)
    return out


def chain_map(
    gaps: pd.DataFrame,
    *,
    feeds: Iterable[tuple[str, str]] = (),
    local_firms: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    title: str | None = None,
    vintage: str | None = None,
    lang: str = "zh",
    synthetic: bool = False,
    max_nodes: int = 500,
    config: Mapping[str, Any] | None = None,
    anchors: pd.DataFrame | None = None,
    profiles: pd.DataFrame | None = None,
    contacts: bool = True,
    changes: Any = None,
) -> str:
    """Build the interactive chain map of one chain in one region as a self-contained HTML page.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The gap table of one chain and one region (one row per leaf link), as built by
        ``chain_gap.gaps``; columns include ``link, link_name, stage, group, group_name, verdict,
        action, local, local_activity, national, lq, ci_low, ci_high, hhi, priority, reasons``.
    feeds : iterable of (str, str)
        ``(from_link, to_link)`` leaf-id pairs of the template's FEEDS edges, drawn as arrows.
    local_firms : pandas.DataFrame, optional
        Local firms with ``ent_id, name, link, role, decision, reg_capital, revenue`` (CNY);
        links reviewed as ``rejected`` are not listed but counted on the page.
    targets : pandas.DataFrame, optional
        Ranked target firms with ``rank, name, region_name, link, score, reasons``.
    title : str, optional
        Page title (default: region + chain).
    vintage : str, optional
        The data vintage shown under the title.
    lang : str
        ``"zh"`` (default) or ``"en"`` for every label; firm names are shown as given.
    synthetic : bool
        Show the "合成演示数据 / synthetic demo data" banner.
    max_nodes : int
        Above this many leaf links the map draws one node per level-2 group instead and says so.
    config : mapping, optional
        The gaps settings the table was made with (``chain_gap.gaps.load_config()``'s dict); the
        interval's confidence level shown on the page is read from it. Default: the table's
        ``attrs["config"]`` if set, else the shipped settings.
    anchors : pandas.DataFrame, optional
        链主 firms (:func:`chain_gap.gaps.anchors`: ``ent_id, link, name``), starred on their link
        and in its firm list; without it the gap table's ``anchor_firms`` names are used.
    profiles : pandas.DataFrame, optional
        企业画像 rows (:func:`chain_gap.profiles.firm_profiles`) of the firms the panels list;
        a click on a firm name opens its card. Only rows of listed firms are embedded.
    contacts : bool
        Show the contact fields of ``profiles`` (legal representative, phone, email, website,
        address); ``False`` leaves them out of the page.
    changes : chain_gap.vintages.Changes, optional
        The comparison of the previous vintage with the one the map shows (:func:`chain_gap.changes`):
        a 与上次相比 block in the overview panel (links healed, newly missing, verdict changes,
        former targets now local) and a badge (新补上 / 新缺失 / 诊断变化) on every changed link, in its
        tooltip and panel and as a dashed ring on the map.

    Returns
    -------
    str
        The HTML page. It loads nothing from the network; write it with :func:`chain_gap.plot.write_html`.

    Raises
    ------
    PlotError
        On a missing column, an unknown stage/verdict/action, a duplicated link, rows of several
        regions or chains, or a FEEDS pair naming a link that is not in the gap table.
    """
    if lang not in MAP_TEXT:
        raise PlotError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = MAP_TEXT[lang]
    leaves_raw = leaf_records(gaps)
    link_ids = {r["link"] for r in leaves_raw}
    feed_pairs = _feed_pairs(feeds, link_ids)
    level = float(settings(config, gaps).get("verdict", {}).get("level", 0.95))

    anchor_ids: dict[str, set[str]] = {}
    if anchors is not None and len(anchors):
        for r in anchors.to_dict("records"):
            anchor_ids.setdefault(text(r.get("link")), set()).update(
                {text(r.get("ent_id")), text(r.get("name"))} - {""}
            )
    firms, excluded = firm_lists(local_firms, link_ids, lang, anchor_ids)
    tmap = target_lists(targets, link_ids)
    leaves = [
        leaf_node(
            r,
            firms.get(r["link"], []),
            excluded.get(r["link"], 0),
            None if targets is None else tmap.get(r["link"], []),
            lang,
            level,
        )
        for r in leaves_raw
    ]

    since = map_changes(changes, lang) if changes is not None else None
    for leaf in leaves:
        leaf["change"] = since["badges"].get(leaf["id"]) if since else None

    aggregated = len(leaves) > max_nodes
    if aggregated:
        drawn = aggregate(leaves, lang)
        to_group = {leaf["id"]: leaf["group"] for leaf in leaves}
        edges = sorted({(to_group[a], to_group[b]) for a, b in feed_pairs if to_group[a] != to_group[b]})
    else:
        drawn = leaves
        edges = list(dict.fromkeys(feed_pairs))
    pos, bands, headers = layout(
        drawn, with_headers=not aggregated, lang=lang, leaf_counts=Counter(leaf["stage"] for leaf in leaves)
    )

    link_names = {leaf["id"]: leaf["name"] for leaf in leaves}
    shown = {f["id"] for n in drawn for f in n["firms"]} | {x["id"] for n in drawn for x in n["targets"] or []}
    if profiles is not None and len(profiles):
        profiles = profiles[profiles["ent_id"].astype(str).isin(shown)]
    cards = card_records(profiles, link_names, lang, contacts=contacts)

    first = leaves_raw[0]
    region_name = text(first["region_name"]) or text(first["region"])
    chain = text(first["chain"])
    zh_name, en_name = chain_names(gaps, chain)
    chain_label = zh_name if lang == "zh" else en_name
    page_title = title or t["default_title"].format(region=region_name, chain=chain_label)
    activity = first["activity"]
    counts = Counter(leaf["verdict"] for leaf in leaves)
    # the links to act on first: those firms can be attracted into (the ones with a priority)
    priority = [n["id"] for n in sorted(drawn, key=lambda n: -n["_priority"]) if n["action"] in TARGET_ACTIONS]
    summary = [
        [
            STAGE_LABELS[lang][s],
            " · ".join(
                f"{VERDICT_LABELS[lang][v]} {sum(1 for x in leaves if x['stage'] == s and x['verdict'] == v)}"
                for v in VERDICTS
                if any(x["stage"] == s and x["verdict"] == v for x in leaves)
            )
            or "—",
        ]
        for s in STAGES
    ]
    data = {
        "lang": lang,
        "chain": chain,
        "chain_name": chain_label,
        "region": text(first["region"]),
        "region_name": region_name,
        "vintage": vintage,
        "synthetic": bool(synthetic),
        "aggregated": aggregated,
        "leaf_count": len(leaves),
        "has_firms": local_firms is not None,
        "has_targets": targets is not None,
        "text": {k: v for k, v in t.items() if k not in HEADER_ONLY},
        "sep": "、" if lang == "zh" else ", ",
        "font": FONT_STACK,
        "colors": VERDICT_COLORS,
        "verdict_labels": VERDICT_LABELS[lang],
        "action_labels": ACTION_LABELS[lang],
        "nodes": [{k: v for k, v in n.items() if not k.startswith("_") and k != "label"} for n in drawn],
        "bands": bands,
        "headers": headers,
        "priority": priority[:_PRIORITY_LINKS],
        "summary": summary,
        "cards": cards,
        "link_names": link_names,
        "changes": since,
    }
    vis_js, vis_css = templates.vis_network()
    return templates.render(
        "chain_map.html.j2",
        html_lang="zh-CN" if lang == "zh" else "en",
        title=page_title,
        font=templates.inline(FONT_STACK, "font stack"),
        css=templates.inline(templates.asset("chain_map.css"), "chain_map.css"),
        js=templates.inline(templates.asset("chain_map.js"), "chain_map.js"),
        vis_css=templates.inline(vis_css, "vis-network.css"),
        vis_js=templates.inline(vis_js, "vis-network.min.js"),
        t=t,
        p=_PUNCT[lang],
        synthetic=synthetic,
        coverage=banner(gaps, lang),
        region=text(first["region"]),
        region_name=region_name,
        chain_name=chain_label,
        vintage=vintage or t["vintage_unknown"],
        chips=[
            {
                "verdict": v,
                "color": VERDICT_COLORS[v],
                "label": VERDICT_LABELS[lang][v],
                "count": counts.get(v, 0),
                "definition": VERDICT_DEFINITIONS[lang][v],  # the chip's hover title
            }
            for v in VERDICTS
        ],
        size_note=t["size_note"].format(activity=ACTIVITY_LABELS[lang][activity]),
        changes_note=t["changes_note"] if since and since["badges"] and not aggregated else "",
        aggregated_note=(t["aggregated"].format(n=len(leaves), max=max_nodes, m=len(drawn)) if aggregated else ""),
        data=templates.script_data(data),
        vis_nodes=templates.script_data(_vis_nodes(drawn, pos)),
        vis_edges=templates.script_data(_vis_edges(edges, pos)),
        vis_options=templates.script_data(_VIS_OPTIONS),
    )
