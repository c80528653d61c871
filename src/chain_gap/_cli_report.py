"""The ``chain-gap`` commands over whole bundles and their outputs: ``info``, ``changes``, ``report``, ``demo``.

Kept apart from :mod:`chain_gap.cli` (which registers them) so that module stays one screen per
command group; each command is still one API call.
"""

from __future__ import annotations

import warnings
from typing import Any

import click

from chain_gap._cli import (
    chain_opt,
    friendly,
    lang_opt,
    region_opt,
    say,
    suffix_check,
    top_type,
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
    callback=suffix_check(".xlsx"),
    help="写出比较结果的 Excel（.xlsx）；默认只打印摘要。Write the comparison workbook (.xlsx); default: print the headline.",
)
@click.option(
    "--top", type=top_type, default=None, help="上次目标清单只算前 N 家。Count only the old list's best N as targets."
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

    from chain_gap import vintages
    from chain_gap._cli import _guard_paths
    from chain_gap.render.changes import write_changes

    if output is not None:
        _guard_paths({"output": output, "bundle": old})
        _guard_paths({"output": output, "bundle": new})
    ch = _quiet_changes(vintages.changes, old, new, chain, region, targets_top=top)
    for line in vintages.headline(ch, lang):
        click.echo(line)
    if output is not None:
        p = write_changes(output, ch, lang)
        say(f"已写入 {p}", f"wrote {p}")
