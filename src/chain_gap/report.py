"""Everything staff open for one (chain, region): the orchestration of the outputs.

Computes the gap table and the targets once (or takes them as given), then hands the same numbers
to every writer of :mod:`chain_gap.render`: the Excel pack, gaps.xlsx and targets.xlsx, the chain
map, the panorama and the HTML report. The formatting lives in ``chain_gap.render``; the names
below that come from there (``write_workbook``, ``gap_sheet``, ``pack_notes`` …) are re-exported so
``chain_gap.report.X`` keeps working for their callers.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import _contacts, frames
from chain_gap._report_steps import OutputsIncomplete, _png_bytes, _run_steps
from chain_gap._report_text import OUTPUT_LABELS, headline, output_lines, overview
from chain_gap.chains import ChainSpec
from chain_gap.plot import write_html
from chain_gap.profiles import local_firms
from chain_gap.render import panorama as pano
from chain_gap.render.briefing import write_briefing
from chain_gap.render.chain_map import chain_map
from chain_gap.render.excel import (
    CODE_COLUMNS,
    FORMULA_PREFIXES,
    ReportError,
    display_width,
    is_code_column,
    neutralise,
    write_csv,
    write_workbook,
)
from chain_gap.render.html_report import report_page
from chain_gap.render.notes import ATTRIBUTION, gap_notes, pack_notes, page, target_notes, vintage
from chain_gap.render.sheets import (
    GAP_COLUMNS,
    LOCAL_COLUMNS,
    SHEET_NAMES,
    TARGET_COLUMNS,
    analysis_sheet,
    gap_sheet,
    local_sheet,
    review_sheet,
    sheet_columns,
    sheet_name,
    target_sheet,
)
from chain_gap.render.text import banner

__all__ = [
    "ATTRIBUTION",
    "CODE_COLUMNS",
    "FORMULA_PREFIXES",
    "GAP_COLUMNS",
    "LOCAL_COLUMNS",
    "OUTPUT_LABELS",
    "SHEET_NAMES",
    "TARGET_COLUMNS",
    "OutputsIncomplete",
    "ReportError",
    "analysis_sheet",
    "display_width",
    "gap_notes",
    "gap_sheet",
    "headline",
    "html_report",
    "is_code_column",
    "local_firms",
    "local_sheet",
    "neutralise",
    "output_lines",
    "overview",
    "pack_notes",
    "page",
    "review_sheet",
    "sheet_columns",
    "sheet_name",
    "target_notes",
    "target_sheet",
    "write_csv",
    "write_map",
    "write_outputs",
    "write_pack",
    "write_report",
    "write_workbook",
]


def _one_read(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an output function inside :func:`chain_gap.frames.snapshot`: the graph is read into tidy
    tables once, however many analyses the output runs (gap table, targets, local firms)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        G = next((a for a in args if isinstance(a, nx.MultiDiGraph)), kwargs.get("G"))
        if G is None:
            return fn(*args, **kwargs)
        with frames.snapshot(G):
            return fn(*args, **kwargs)

    return wrapper


def _inputs(
    G: Any,
    chain: Any,
    region: str,
    gaps_table: pd.DataFrame | None,
    targets_table: pd.DataFrame | None,
    config: Mapping[str, Any] | None,
    top: int = 100,
) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """The chain spec, the gap table (under ``config``) and the targets: computed unless given."""
    from chain_gap import gaps as gaps_mod
    from chain_gap import targets
    from chain_gap.chains import load_chain

    spec = load_chain(chain)
    gt = gaps_table if gaps_table is not None else gaps_mod.table(G, spec, region, config=_as_dict(config))
    tg = targets_table if targets_table is not None else targets.rank(G, spec, region, top=top, gap_table=gt)
    return spec, gt, tg


def _as_dict(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if config is None else dict(config)


def _synthetic(G: Any) -> bool:
    return bool(G is not None and G.graph.get("synthetic"))


@_one_read
def write_map(
    G: Any,
    chain: str | ChainSpec,
    region: str,
    path: str | os.PathLike[str],
    *,
    lang: str = "zh",
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    config: Mapping[str, Any] | None = None,
    contacts: bool = True,
    changes: Any = None,
) -> Path:
    """Compute (if not given) the gap table and targets and write the offline chain map.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph.
    chain : str
        Chain id.
    region : str
        Region code or name.
    path : str or os.PathLike
        The map file to write.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    gaps_table, targets_table : pandas.DataFrame, optional
        Precomputed tables (computed from ``G`` when missing).
    config : mapping, optional
        The gaps settings (``chain_gap.gaps.load_config()``'s dict); default the shipped ones.
    contacts : bool
        Show the contacts side table's fields on the firm cards; ``False`` for a copy to share.
    changes : chain_gap.vintages.Changes, optional
        The comparison with a previous vintage: the map's 与上次相比 block and badges on changed links.

    Returns
    -------
    pathlib.Path
    """
    from chain_gap import gaps as gaps_mod
    from chain_gap.profiles import firm_profiles

    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table, config, top=200)
    lf = local_firms(G, spec, region)
    ids = list(lf["ent_id"]) + (list(tg["ent_id"]) if "ent_id" in tg.columns else [])
    html = chain_map(
        gt,
        feeds=[(a, b) for a, b, _ in spec.feeds_edges()],
        local_firms=lf,
        anchors=gaps_mod.anchors(G, spec, str(gt["region"].iloc[0]), config=_as_dict(config)),
        profiles=firm_profiles(G, spec, ids, contacts=contacts),
        contacts=contacts,
        targets=tg,
        vintage=vintage(G) or None,
        lang=lang,
        synthetic=_synthetic(G),
        config=config,
        changes=changes,
    )
    return write_html(html, path)


@_one_read
def write_pack(
    path: str | os.PathLike[str],
    G: Any,
    chain: str | ChainSpec,
    region: str,
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
    config: Mapping[str, Any] | None = None,
    contacts: bool = True,
    changes: Any = None,
    portfolio: tuple[Any, pd.DataFrame | None] | None = None,
) -> Path:
    """Write the Excel pack of one (chain, region): the workbook handed to leadership and partners.

    Sheets: 概览 (the headline numbers, the links to act on first, the first targets), 链条诊断 (gap table), 招商目标企业清单 (targets), 本地企业清单 (local firms), for a city
    the county division of labour (县域分工矩阵, 主导产业建议, 同链竞争与协同, and the chain's
    招商引资产业目录; :func:`chain_gap.report_portfolio.pack_sheets`, ``portfolio`` when already
    computed) and 数据说明 (sources, vintage, parameters, method, attribution); English names with
    ``lang="en"``. USCC, region codes and ids are text; formula-like cells are neutralised
    (see :func:`chain_gap.render.excel.write_workbook`). Missing tables are computed from ``G``
    under ``config`` (the gaps settings; default the shipped ones), which the notes also state.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook to write (``.xlsx``).
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        Region code or name.
    gaps_table, targets_table : pandas.DataFrame, optional
        Precomputed tables (computed from ``G`` when missing).
    lang : str
        ``"zh"`` (default) or ``"en"``.
    config : mapping, optional
        The gaps settings (``chain_gap.gaps.load_config()``'s dict); default the shipped ones.
    contacts : bool
        Contact columns on the target and local-firm sheets (False: a copy to share).
    changes : chain_gap.vintages.Changes, optional
        The comparison with a previous vintage: adds its sheets (环节变化, 企业进出, 目标已落地) and
        its overview to the notes under 与上次相比.

    Returns
    -------
    pathlib.Path
        The written workbook.
    """
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table, config)
    lf = local_firms(G, spec, str(gt["region"].iloc[0]))
    sheets = {
        sheet_name("overview", lang): analysis_sheet(overview(G, spec, gt, tg, lang), "overview", lang),
        sheet_name("gaps", lang): gap_sheet(gt, lang),
        sheet_name("targets", lang): target_sheet(_contacts.attach(tg, G, contacts), lang),
        sheet_name("local", lang): local_sheet(_contacts.attach(lf, G, contacts), spec, lang),
    }
    kinds = dict(zip(sheets, ("overview", "gaps", "targets", "local")))
    columns = {name: sheet_columns(kind, lang) for name, kind in kinds.items()}
    notes = dict(pack_notes(G, spec, gt, tg, lang, config=config))
    from chain_gap.report_portfolio import pack_sheets

    extra, extra_specs = pack_sheets(G, spec, str(gt["region"].iloc[0]), lang, computed=portfolio)
    sheets.update(extra)
    columns.update(extra_specs)
    if changes is not None:
        from chain_gap.render.changes import add_to_pack

        add_to_pack(changes, sheets, columns, notes, lang)
    return write_workbook(
        path,
        sheets,
        notes=notes,
        notes_sheet=sheet_name("notes", lang),
        notes_header=("项目", "说明") if lang == "zh" else ("Item", "Note"),
        columns=columns,
        lang=lang,
        page=_page_info(gt, spec, G, lang),
    )


def _page_info(table: pd.DataFrame, spec: ChainSpec, G: Any, lang: str) -> Any:
    """The printed header / footer of a workbook of ``spec``: region, chain name, data vintage."""
    p = page(table, G, lang)
    return replace(p, chain=spec.name if lang == "zh" else spec.name_en)


def _panorama_for(G: Any, gt: pd.DataFrame, lang: str, spec: Any = None) -> Any:
    n_firms = None
    if G is not None and len(gt):
        lf = local_firms(G, spec if spec is not None else str(gt["chain"].iloc[0]), str(gt["region"].iloc[0]))
        n_firms = int(lf.loc[lf["counted"], "ent_id"].nunique()) if len(lf) else 0
    return pano.panorama(gt, vintage=vintage(G) or None, lang=lang, synthetic=_synthetic(G), local_firms=n_firms)


def _page(
    G: Any,
    spec: Any,
    gt: pd.DataFrame,
    tg: pd.DataFrame,
    lang: str,
    png: bytes,
    config: Mapping[str, Any] | None,
    changes: Any = None,
    portfolio: Mapping[str, Any] | None = None,
) -> str:
    from chain_gap import gaps as gaps_mod
    from chain_gap.render import changes as ch_render
    from chain_gap.report_atlas import report_section

    return report_page(
        spec,
        gt,
        tg,
        gaps_mod.summary(G, spec, str(gt["region"].iloc[0]), gaps=gt),
        pack_notes(G, spec, gt, tg, lang, config=config),
        png,
        lang=lang,
        synthetic=_synthetic(G),
        vintage=vintage(G),
        config=config,
        atlas_html=report_section(G, spec, str(gt["region"].iloc[0]), lang=lang),
        changes=ch_render.block(changes, lang) if changes is not None else None,
        portfolio=portfolio,
    )


@_one_read
def html_report(
    G: Any,
    chain: str | ChainSpec,
    region: str,
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
    config: Mapping[str, Any] | None = None,
) -> str:
    """The HTML report of one (chain, region) as one self-contained page.

    Summary numbers (completeness C / WC / SC, verdict and action counts), the links to act on
    first, the panorama (embedded as a ``data:`` PNG), the gap table, the top 30 target firms
    with their reasons and the data notes. Every value is HTML-escaped; the page carries a
    Content-Security-Policy that allows no script and no network request at all, so it opens
    on an intranet PC and a hostile firm name can only ever be text.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        Region code or name.
    gaps_table, targets_table : pandas.DataFrame, optional
        Precomputed tables (computed from ``G`` when missing).
    lang : str
        ``"zh"`` (default) or ``"en"``.
    config : mapping, optional
        The gaps settings (``chain_gap.gaps.load_config()``'s dict); default the shipped ones.

    Returns
    -------
    str
        The page; write it with :func:`chain_gap.plot.write_html`.
    """
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table, config)
    return _page(G, spec, gt, tg, lang, pano.png_bytes(_panorama_for(G, gt, lang, spec)), config)


@_one_read
def write_outputs(
    G: Any,
    chain: str | ChainSpec,
    region: str,
    out: str | os.PathLike[str],
    *,
    gaps_table: pd.DataFrame | None = None,
    targets_table: pd.DataFrame | None = None,
    lang: str = "zh",
    config: Mapping[str, Any] | None = None,
    contacts: bool = True,
    changes: Any = None,
) -> dict[str, Path]:
    """Write every output of one (chain, region) into ``out``.

    gaps.xlsx, targets.xlsx, map.html (interactive map), panorama.png / panorama.svg,
    report.xlsx (the Excel pack), report.html (with the 产业地图 block and the 对标 table), atlas.html
    (the standalone map: the region's level in its province, the region and its peers outlined) and
    briefing.pdf (the leader's one-page A4 briefing). The gap table and the targets are computed once
    (or taken as given) and shared, so all files show the same numbers; ``config`` (the gaps
    settings, default the shipped ones) is used for the table and stated in every note.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        Region code or name.
    out : str or os.PathLike
        Output folder, created when missing.
    gaps_table, targets_table : pandas.DataFrame, optional
        Precomputed tables (computed from ``G`` when missing).
    lang : str
        ``"zh"`` (default) or ``"en"``.
    config : mapping, optional
        The gaps settings (``chain_gap.gaps.load_config()``'s dict); default the shipped ones.
    contacts : bool
        The firms' contacts on the lead list (targets.xlsx, with its follow-up columns), the pack's
        target and local-firm sheets and the map; never on the panorama or report.html. False
        leaves them out of every file (a copy to share outside the bureau).
    changes : chain_gap.vintages.Changes, optional
        The comparison with a previous vintage (:func:`chain_gap.changes`): the 与上次相比 block of
        report.html and the map and the change sheets of report.xlsx.

    Returns
    -------
    dict
        Output name → written path.
    """
    outd = Path(out)
    outd.mkdir(parents=True, exist_ok=True)
    spec, gt, tg = _inputs(G, chain, region, gaps_table, targets_table, config)
    fig = _panorama_for(G, gt, lang, spec)
    from chain_gap.report_atlas import briefing_bytes, write_atlas

    page = _page_info(gt, spec, G, lang)
    city = str(gt["level"].iloc[0]) == "city"
    from chain_gap import report_portfolio as rpf

    pfc = rpf.portfolio_for(G, str(gt["region"].iloc[0])) if city else None
    section = rpf.report_section(pfc[0], lang, vintage_text=vintage(G)) if pfc else None
    steps: list[tuple[tuple[str, ...], Callable[[], Any]]] = [
        (
            ("panorama_png", "panorama_svg"),
            lambda: pano.write_panorama(fig, outd / "panorama.png", outd / "panorama.svg"),
        ),
        (
            ("gaps",),
            lambda: write_workbook(
                outd / "gaps.xlsx",
                {sheet_name("gaps", lang): gap_sheet(gt, lang)},
                notes=gap_notes(gt, lang, G, config=config),
                notes_sheet=sheet_name("notes", lang),
                columns={sheet_name("gaps", lang): sheet_columns("gaps", lang)},
                lang=lang,
                page=page,
            ),
        ),
        (
            ("targets",),
            lambda: write_workbook(
                outd / "targets.xlsx",
                {sheet_name("targets", lang): target_sheet(_contacts.attach(tg, G, contacts), lang, lead=True)},
                notes=target_notes(tg, None, None, lang, G),
                notes_sheet=sheet_name("notes", lang),
                columns={sheet_name("targets", lang): sheet_columns("targets", lang)},
                lang=lang,
                page=page,
            ),
        ),
        (
            ("map",),
            lambda: write_map(
                G,
                spec,
                region,
                outd / "map.html",
                lang=lang,
                gaps_table=gt,
                targets_table=tg,
                config=config,
                contacts=contacts,
                changes=changes,
            ),
        ),
        (
            ("pack",),
            lambda: write_pack(
                outd / "report.xlsx",
                G,
                spec,
                region,
                gaps_table=gt,
                targets_table=tg,
                lang=lang,
                config=config,
                contacts=contacts,
                changes=changes,
                portfolio=pfc,
            ),
        ),
        (
            ("report",),
            lambda: write_html(
                _page(G, spec, gt, tg, lang, _png_bytes(outd, fig), config, changes, section),
                outd / "report.html",
            ),
        ),
        (
            ("atlas",),
            lambda: write_atlas(
                G, spec, str(gt["region"].iloc[0]), outd / "atlas.html", lang=lang, coverage=banner(gt, lang)
            ),
        ),
        (
            ("briefing",),
            lambda: write_briefing(outd / "briefing.pdf", briefing_bytes(G, spec, gt, tg, lang, _png_bytes(outd, fig))),
        ),
    ]
    if pfc is not None:  # a city: its county division of labour and catalogue next to the report
        steps.append((_PORTFOLIO_KEYS, lambda: _portfolio_pages(G, pfc, outd, lang)))
    return _run_steps(steps)


_PORTFOLIO_KEYS = ("portfolio_page", "catalogue_page", "matrix", "portfolio", "catalogue_csv")


def _portfolio_pages(G: Any, computed: Any, outd: Path, lang: str) -> tuple[Path, ...]:
    """The city's division-of-labour files (``chain_gap.report_portfolio.write_portfolio``) next to its report."""
    from chain_gap import report_portfolio as rpf

    try:
        paths = rpf.write_portfolio(G, str(computed[0].attrs["area"]), outd, lang=lang, computed=computed)
    except OutputsIncomplete as exc:
        from chain_gap import _atomic

        raise _atomic.WriteError(next(iter(exc.failed.values()))) from None
    return tuple(paths[k] for k in _PORTFOLIO_KEYS)


def write_report(
    G: Any,
    chain: str | ChainSpec,
    region: str,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "zh",
    contacts: bool = True,
    changes: Any = None,
) -> dict[str, Path]:
    """Write everything staff open for one (chain, region) into ``out_dir``.

    map.html, panorama.png, panorama.svg, report.xlsx (the pack), report.html, gaps.xlsx,
    targets.xlsx, atlas.html and briefing.pdf. This is what ``chain-gap report BUNDLE --chain ID --region R --out DIR`` calls.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph.
    chain : str or ChainSpec
        Chain id or spec.
    region : str
        Region code or name.
    out_dir : str or os.PathLike
        Output folder, created when missing.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    contacts : bool
        False strips the firms' contacts from every output (as :func:`write_outputs`).
    changes : chain_gap.vintages.Changes, optional
        The comparison with a previous vintage (``--previous``), as in :func:`write_outputs`.

    Returns
    -------
    dict
        Output name → written path, as :func:`write_outputs`.
    """
    return write_outputs(G, chain, region, out_dir, lang=lang, contacts=contacts, changes=changes)
