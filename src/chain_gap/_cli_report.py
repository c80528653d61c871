"""The ``chain-gap`` commands over whole bundles and their outputs: ``info``, ``changes``, ``report``, ``demo``.

Kept apart from :mod:`chain_gap.cli` (which registers them) so that module stays one screen per
command group; each command is still one API call.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

import click

from chain_gap._cli import (
    EXIT_USER,
    _bundle,
    _no_data_exit,
    chain_opt,
    friendly,
    lang_opt,
    region_opt,
    say,
    scope,
    zh_en,
)

_old_new = click.Path(exists=True, file_okay=False)


@click.command("info")
@click.argument("bundle", type=_old_new)
@lang_opt
@friendly
def info_cmd(bundle: str, lang: str) -> None:
    """数据包概况：数据日期（导出时间）、各次导入、节点和关系数。

    What a bundle holds: its data vintage (export date), each load, node and edge counts.

    \b
    Example: chain-gap info city.bundle
    """
    from chain_gap import io

    m = io.read_manifest(bundle)
    dv = io.data_vintage(bundle)
    if dv is None:
        click.echo(
            zh_en(
                "数据日期：未知（导入时未记录导出时间；可用 --vintage 补记）",
                "data vintage: unknown (none recorded; load again with --vintage)",
            )
        )
    else:
        click.echo(
            zh_en(f"数据日期：{dv['date']}（来自 {dv['from']}）", f"data vintage: {dv['date']} (from {dv['from']})")
        )
    totals = m.get("totals") or {}
    click.echo(
        zh_en(
            f"节点 {totals.get('nodes', 0):,}，关系 {totals.get('edges', 0):,}",
            f"nodes {totals.get('nodes', 0):,}, edges {totals.get('edges', 0):,}",
        )
    )
    for kind, meta in sorted((m.get("nodes") or {}).items()):
        click.echo(f"  {kind:<12} {meta.get('count', 0):>10,}")
    for ld in io.vintages(bundle):
        files = ", ".join(f["name"] for f in ld.get("files") or [])
        date = ld.get("data_vintage") or zh_en("（未记录）", "(none)")
        click.echo(
            zh_en(
                f"导入 {ld.get('time')}  {ld.get('source') or ''}  数据日期 {date}  {files}",
                f"load {ld.get('time')}  {ld.get('source') or ''}  vintage {date}  {files}",
            )
        )


def _quiet_changes(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run the comparison; its ChangesWarnings become one "注意" line each."""
    from chain_gap.vintages import ChangesWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChangesWarning)
        out = fn(*args, **kwargs)
    for w in caught:
        if issubclass(w.category, ChangesWarning):
            say(f"注意：{w.message}", f"Note: {w.message}")
    return out


@click.command("changes")
@click.argument("old", type=_old_new)
@click.argument("new", type=_old_new)
@chain_opt
@region_opt
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="写出比较结果的 Excel（.xlsx）；默认只打印摘要。Write the comparison workbook (.xlsx); default: print the headline.",
)
@click.option(
    "--top", type=int, default=None, help="上次目标清单只算前 N 家。Count only the old list's best N as targets."
)
@lang_opt
@friendly
def changes_cmd(old: str, new: str, chain: str, region: str, output: str | None, top: int | None, lang: str) -> None:
    """与上次相比：两个不同数据日期的数据包中，同一地区产业链的变化。

    What changed between two vintages of a region's chain: links healed, newly missing, still
    missing, verdict changes, firms in and out of each link, former targets now local.

    \b
    Example: chain-gap changes 2025.bundle 2026.bundle --chain nev --region 商丘市 -o changes.xlsx
    """
    from pathlib import Path

    from chain_gap import vintages
    from chain_gap._cli import _guard_paths
    from chain_gap.render.changes import write_changes

    if output is not None:
        if Path(output).suffix.lower() != ".xlsx":
            raise click.BadParameter(zh_en(f"{output}：请用 .xlsx", f"{output}: use .xlsx"), param_hint="-o")
        _guard_paths({"output": output, "bundle": old})
        _guard_paths({"output": output, "bundle": new})
    ch = _quiet_changes(vintages.changes, old, new, chain, region, targets_top=top)
    for line in vintages.headline(ch, lang):
        click.echo(line)
    if output is not None:
        p = write_changes(output, ch, lang)
        say(f"已写入 {p}", f"wrote {p}")


@click.command("report")
@scope()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="输出文件夹。Output folder.")
@click.option(
    "--previous",
    type=_old_new,
    default=None,
    help="上一期数据包：报告和 Excel 加上「与上次相比」。Previous bundle: adds 与上次相比 to the report and the pack.",
)
@lang_opt
@friendly
def report_cmd(bundle: str, chain: str, region: str, out: str, previous: str | None, lang: str) -> None:
    """工作人员要打开的全部成果：地图、全景图、Excel、HTML 报告、诊断表和目标清单。

    Everything staff open: map, panorama (PNG/SVG), Excel pack, HTML report, gap and target lists.

    \b
    Example: chain-gap report city.bundle --chain nev --region 商丘市 --out report/ --previous 2025.bundle
    """
    from chain_gap import gaps, report, targets, vintages

    G = _bundle(bundle)
    gt = gaps.table(G, chain, region)
    tg = targets.rank(G, chain, region, top=100, gap_table=gt)
    ch = None
    if previous is not None:
        from chain_gap._cli import _guard_paths

        _guard_paths({"out": out, "bundle": previous})
        ch = _quiet_changes(vintages.changes, previous, G, chain, region)
    try:
        paths = report.write_outputs(G, chain, region, out, gaps_table=gt, targets_table=tg, lang=lang, changes=ch)
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


@click.command("demo")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="输出文件夹。Output folder.")
@click.option(
    "--n", "n", default=20_000, show_default=True, help="生成的合成企业数。Synthetic enterprises to generate."
)
@click.option("--seed", default=0, show_default=True, help="随机种子。Random seed.")
@click.option("--region", default="411400", show_default=True, help="分析的地区（默认商丘市）。Region to analyse.")
@click.option("--chain", default="nev", show_default=True, help="产业链 id 或名称。Chain id or name.")
@lang_opt
@friendly
def demo_cmd(out: str, n: int, seed: int, region: str, chain: str, lang: str) -> None:
    """用合成的全国数据跑通全流程（明确标注为合成数据）。

    Run the whole pipeline on synthetic national data (clearly labelled synthetic).

    Writes into OUT: gaps.xlsx, targets.xlsx, map.html, panorama.png/.svg, report.xlsx (the pack),
    report.html and the bundle; the generated CSV files sit in OUT/data. A second, later synthetic
    vintage (OUT/bundle-next) is compared with the first: changes.xlsx and 与上次相比 in the report.

    \b
    Example: chain-gap demo --out demo-out
    """
    from chain_gap import demo

    t0 = time.perf_counter()
    res = demo.run(
        out, n=n, seed=seed, region=region, chain=chain, lang=lang, progress=lambda msg: click.echo(msg, err=True)
    )
    from chain_gap import report

    click.echo(res["headline"])
    click.echo(res["changes_headline"])
    click.echo("\n".join(report.output_lines({k: v for k, v in res.items() if isinstance(v, Path)}, lang)))
    say(f"完成，用时 {time.perf_counter() - t0:.1f} 秒", f"done in {time.perf_counter() - t0:.1f} s")
