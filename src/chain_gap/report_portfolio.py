"""The outputs of the county division of labour: workbook, matrix picture, pages, and the pack's extra sheets.

:func:`write_portfolio` computes the portfolio (:func:`chain_gap.portfolio.portfolio`) and the
招商引资产业目录 (:func:`chain_gap.catalogue.catalogue`) of a city or province once and hands the same
numbers to every writer of :mod:`chain_gap.render.portfolio`: ``portfolio.xlsx``, ``county_matrix.png``,
``portfolio.html``, ``catalogue.html`` and ``catalogue.csv``. :func:`pack_sheets` gives the sheets the
Excel pack of one (chain, city) adds (what ``chain-gap report`` writes for a city).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import frames
from chain_gap.render import portfolio as rp
from chain_gap.render.notes import vintage

__all__ = ["OUTPUT_FILES", "pack_sheets", "portfolio_for", "write_portfolio"]

#: Output key → file name written by :func:`write_portfolio`.
OUTPUT_FILES: dict[str, str] = {
    "portfolio": "portfolio.xlsx",
    "matrix": "county_matrix.png",
    "portfolio_page": "portfolio.html",
    "catalogue_page": "catalogue.html",
    "catalogue_csv": "catalogue.csv",
}


def portfolio_for(
    G: nx.MultiDiGraph,
    area: str,
    *,
    chains: Iterable[str] | None = None,
    activity: str = "firms",
    level: str = "county",
    config: Any = None,
    catalogue: bool = True,
) -> tuple[Any, pd.DataFrame | None]:
    """The portfolio of ``area`` and (``catalogue=True``) its catalogue, computed in one read of the graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    area : str
        City or province.
    chains : iterable of str, optional
        The chains compared (default every shipped chain).
    activity : str
        Activity of the LQ* (``firms``, ``revenue``, ``reg_capital``).
    level : str
        Units: ``county`` or (a province's) ``city``.
    config : optional
        ``portfolio.toml`` settings.
    catalogue : bool
        Also compute the catalogue.

    Returns
    -------
    (Portfolio, pandas.DataFrame or None)
    """
    from chain_gap import catalogue as cat_mod
    from chain_gap import portfolio as pf_mod

    with frames.snapshot(G):
        pf = pf_mod.portfolio(G, area, chains=chains, activity=activity, level=level, config=config)
        cat = cat_mod.catalogue(G, pf, config=config) if catalogue else None
    return pf, cat


def report_section(pf: Any, lang: str = "zh", figure: Any = None, vintage_text: str = "") -> dict[str, Any]:
    """What the HTML report of a city shows of its division of labour: the matrix and one line per unit.

    Parameters
    ----------
    pf : Portfolio
        The city's portfolio.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    figure : matplotlib.figure.Figure, optional
        The matrix picture (drawn when not given).
    vintage_text : str
        The data vintage for the picture.

    Returns
    -------
    dict
        ``png_b64`` (the matrix), ``lines`` (unit → its suggestion), ``risks`` (the overlap suggestions),
        ``href`` (the full page) and ``catalogue_href``.
    """
    import base64
    import io

    fig = figure or rp.matrix_figure(pf, lang=lang, vintage=vintage_text)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, facecolor="white", bbox_inches="tight")
    zh = lang == "zh"
    lines = []
    for r in pf.units.itertuples():
        if r.leading:
            what = r.leading
        elif r.cultivate:
            what = ("培育：" if zh else "to cultivate: ") + r.cultivate
        else:
            what = "无数据" if zh else "no data"
        lines.append((rp._unit_label(r, lang), what))
    risks = [r.suggestion if zh else r.suggestion_en for r in pf.overlaps.itertuples() if r.risk]
    return {
        "png_b64": base64.b64encode(buf.getvalue()).decode("ascii"),
        "lines": lines,
        "risks": risks,
        "href": OUTPUT_FILES["portfolio_page"],
        "catalogue_href": OUTPUT_FILES["catalogue_page"],
    }


def write_portfolio(
    G: nx.MultiDiGraph,
    area: str,
    out: str | os.PathLike[str],
    *,
    chains: Iterable[str] | None = None,
    activity: str = "firms",
    level: str = "county",
    lang: str = "zh",
    config: Any = None,
    computed: tuple[Any, pd.DataFrame | None] | None = None,
) -> dict[str, Path]:
    """Write the division-of-labour outputs of a city (or province) into ``out``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    area : str
        City or province (code or name).
    out : str or os.PathLike
        Output folder, created when missing.
    chains, activity, level, config
        As :func:`portfolio_for`.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    computed : (Portfolio, DataFrame), optional
        The portfolio and catalogue when already computed.

    Returns
    -------
    dict
        Output key (:data:`OUTPUT_FILES`) → written path; a file that cannot be replaced (open in
        Excel) raises :class:`chain_gap.report.OutputsIncomplete` after the others are written.
    """
    from chain_gap import report
    from chain_gap.plot import write_html

    outd = Path(out)
    outd.mkdir(parents=True, exist_ok=True)
    pf, cat = computed or portfolio_for(G, area, chains=chains, activity=activity, level=level, config=config)
    vin = vintage(G)
    synthetic = bool(G.graph.get("synthetic"))
    fig = rp.matrix_figure(pf, lang=lang, vintage=vin, synthetic=synthetic)
    f = {k: outd / v for k, v in OUTPUT_FILES.items()}
    tables, _ = rp.sheets(pf, cat, lang)
    cat_sheet = tables.get(rp.SHEET_NAMES["catalogue"][0 if lang == "zh" else 1], pd.DataFrame())
    steps: list[tuple[tuple[str, ...], Any]] = [
        (("portfolio",), lambda: rp.write_portfolio_workbook(f["portfolio"], pf, cat, lang=lang, vintage=vin)),
        (("matrix",), lambda: rp.write_matrix(fig, f["matrix"])),
        (
            ("portfolio_page",),
            lambda: write_html(
                rp.portfolio_page(pf, cat, lang=lang, vintage=vin, synthetic=synthetic, figure=fig),
                f["portfolio_page"],
            ),
        ),
        (
            ("catalogue_page",),
            lambda: write_html(
                rp.catalogue_page(
                    pf, cat if cat is not None else pd.DataFrame(), lang=lang, vintage=vin, synthetic=synthetic
                ),
                f["catalogue_page"],
            ),
        ),
        (("catalogue_csv",), lambda: report.write_csv(f["catalogue_csv"], cat_sheet)),
    ]
    return report._run_steps(steps)


def pack_sheets(
    G: nx.MultiDiGraph,
    chain: Any,
    region: str,
    lang: str = "zh",
    computed: tuple[Any, pd.DataFrame | None] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The sheets the Excel pack of one (chain, region) adds when the region is a city.

    The county matrix, the leading chains, the overlaps and the catalogue of ``chain`` in the
    counties that lead or cultivate it; nothing for a province or a county.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        The pack's chain.
    region : str
        The pack's region.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    computed : (Portfolio, DataFrame), optional
        The city's portfolio and catalogue when already computed (the catalogue is cut to ``chain``).

    Returns
    -------
    (dict, dict)
        Sheet name → table, sheet name → header → column spec (both empty when not a city).
    """
    from chain_gap import catalogue as cat_mod
    from chain_gap import codes
    from chain_gap import portfolio as pf_mod
    from chain_gap.chains import load_chain

    reg = codes.resolve_region(region)
    if reg.level != "city":
        return {}, {}
    spec = load_chain(chain)
    if computed is not None:
        pf, full = computed
        cat = full[full["chain"] == spec.id] if full is not None else None
    else:
        pf = pf_mod.portfolio(G, reg.code)
        holders = [str(u) for u, ids in zip(pf.units["unit"], pf.units["leading_ids"]) if spec.id in ids]
        cat = cat_mod.catalogue(G, pf, units=holders, chains=[spec.id]) if holders else None
    tables, specs = rp.sheets(pf, cat, lang)
    roles = rp.SHEET_NAMES["roles"][0 if lang == "zh" else 1]
    tables.pop(roles, None)
    specs.pop(roles, None)
    return tables, specs
