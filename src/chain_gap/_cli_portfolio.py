"""``chain-gap portfolio``: the county division of labour (错位发展) and the 招商引资产业目录 of a city.

Kept out of :mod:`chain_gap.cli` (one command, one API call: :func:`chain_gap.report_portfolio.portfolio_for`
and its writers); registered on the root group there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from chain_gap._cli import (
    EXIT_NO_DATA,
    GAPS_READS,
    _bundle,
    bundle_arg,
    friendly,
    lang_opt,
    out_opt,
    say,
    zh_en,
)


@click.command("portfolio")
@bundle_arg
@click.option("--city", default=None, help="市：代码或名称（商丘市、411400）。City: code or name.")
@click.option(
    "--province",
    default=None,
    help="或省：代码或名称；单元为其各县区（--units city 则为各市）。Or a province; units are its counties "
    "(its cities with --units city).",
)
@click.option(
    "--units",
    type=click.Choice(["county", "city"]),
    default="county",
    show_default=True,
    help="分工单元：县级单位（含开发区、高新区等功能区）或（省内）地级市。Units: county-level units (functional "
    "zones included) or a province's cities.",
)
@click.option(
    "--chains",
    default=None,
    help="参与比较的产业链，逗号分隔；默认全部产业链。Comma-separated chains; default every shipped chain.",
)
@click.option(
    "--activity",
    type=click.Choice(["firms", "revenue", "reg_capital"]),
    default="firms",
    show_default=True,
    help="区位熵所用的活动变量。Activity variable of the LQ*.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False),
    help="分工与目录设置 TOML。Settings TOML (portfolio.toml).",
)
@out_opt
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="输出文件夹：Excel、矩阵图、县域分工页、招商引资产业目录页和 CSV。Output folder: workbook, matrix picture, "
    "pages and the catalogue CSV.",
)
@lang_opt
@friendly
def portfolio_cmd(
    bundle: str,
    city: str | None,
    province: str | None,
    units: str,
    chains: str | None,
    activity: str,
    config: str | None,
    output: str | None,
    out: str | None,
    lang: str,
) -> None:
    """县域产业分工（错位发展）与招商引资产业目录：各县区 × 各产业链的专业化、可行性、主导产业建议和同链协同。

    County division of labour and the investment-promotion catalogue: every county-level unit × every
    chain, its specialisation S, feasibility F, suggested leading chains, overlaps (无序竞争 risk) and
    what to attract where.

    \b
    Examples:
      chain-gap portfolio city.bundle --city 商丘市
      chain-gap portfolio city.bundle --city 商丘市 -o portfolio.xlsx
      chain-gap portfolio city.bundle --city 商丘市 --out portfolio/
    """
    import pandas as pd

    from chain_gap import report_portfolio as rpf
    from chain_gap.render import portfolio as rp

    if bool(city) == bool(province):
        raise click.UsageError(zh_en("请给出 --city 或 --province（二选一）", "Give one of --city or --province"))
    area = city or province or ""
    G = _bundle(bundle, only=GAPS_READS)
    chain_list = [c.strip() for c in chains.split(",") if c.strip()] if chains else None
    want_cat = out is not None or (output is not None and output.lower().endswith(".xlsx"))
    pf, cat = rpf.portfolio_for(
        G, area, chains=chain_list, activity=activity, level=units, config=config, catalogue=want_cat
    )
    if out:
        paths = rpf.write_portfolio(G, area, out, lang=lang, computed=(pf, cat))
        from chain_gap import report

        click.echo("\n".join(report.output_lines(paths, lang)))
    if output:
        p = Path(output)
        if p.suffix.lower() == ".xlsx":
            from chain_gap.render.notes import vintage

            rp.write_portfolio_workbook(p, pf, cat, lang=lang, vintage=vintage(G))
        elif p.suffix.lower() == ".csv":
            from chain_gap import report

            tables, _ = rp.sheets(pf, None, lang)
            report.write_csv(p, tables[rp.SHEET_NAMES["units"][0 if lang == "zh" else 1]])
        else:
            raise click.BadParameter(
                zh_en(f"{p.name}：请用 .xlsx 或 .csv", f"{p.name}: use .xlsx or .csv"), param_hint="-o"
            )
        say(f"已写入 {p}", f"wrote {p}")
    if not out and not output:
        m = pf.matrix("s", lang).round(2).astype(object)
        lead = pf.units.set_index("unit")
        m[zh_en("主导", "leading")] = list(lead["leading"])
        m[zh_en("培育", "cultivate")] = list(lead["cultivate"])
        with pd.option_context("display.max_columns", 40, "display.width", 250):
            click.echo(m.where(m.notna(), "—").to_string())
        for r in pf.overlaps.itertuples():
            click.echo(("▲ " if r.risk else "· ") + (r.suggestion if lang == "zh" else r.suggestion_en))
    from chain_gap.render.text import banner_pair

    zh, en = banner_pair(pf, "banner")
    if pf.attrs.get("level_has_data") is False:
        say(f"无数据：{zh}", f"No data: {en}")
        sys.exit(EXIT_NO_DATA)
    if zh:
        say(f"注意：{zh}", f"Note: {en}")
