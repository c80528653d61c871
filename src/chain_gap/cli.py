"""The ``chain-gap`` command line: a thin click layer over the Python API.

Every command maps to one API call (like ``sqlite-utils``). Errors a user can fix are printed as one
line on stderr with exit code 2; ``--debug`` shows the traceback of anything unexpected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from chain_gap import __version__

if TYPE_CHECKING:  # pandas is imported by the commands that need it, not by `chain-gap --help`
    import pandas as pd

from chain_gap._cli import (  # noqa: F401  (re-exported: tests and scripts use chain_gap.cli.X)
    _BUNDLE_PARAMS,
    _OUTPUT_DIR_PARAMS,
    _OUTPUT_FILE_PARAMS,
    EXIT_INTERNAL,
    EXIT_NO_DATA,
    EXIT_USER,
    GAPS_READS,
    BilingualGroup,
    _bundle,
    _guard_paths,
    _no_data_exit,
    _os_user_error,
    _progress,
    _user_errors,
    _waiting,
    bundle_arg,
    chain_opt,
    friendly,
    lang_opt,
    msg_lang_opt,
    no_contacts_opt,
    out_opt,
    region_opt,
    say,
    scope,
    suffix_check,
    top_type,
    zh_en,
)


def write_frame(
    df: pd.DataFrame,
    path: str | Path | None,
    *,
    sheet: str = "Sheet1",
    notes: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    lang: str = "zh",
    kind: str | None = None,
    page: Any = None,
) -> None:
    """Write ``df`` to ``path`` by suffix (.xlsx, .csv) or print it when ``path`` is None.

    ``kind`` names the labelled sheet (``gaps``, ``targets``, ``review``) whose column specs format
    the workbook; other tables get formats from their column names and dtypes. ``page`` is the
    printed header / footer (:func:`chain_gap.render.notes.page`).
    """
    import pandas as pd

    from chain_gap import report

    out = df.rename(columns=columns) if columns else df
    if path is None and out.empty:
        say("（没有符合条件的行）", "(no rows)")  # not pandas' "Empty DataFrame / Columns: [...]"
        return
    if path is None:
        yes, no = zh_en("是", "yes"), zh_en("否", "no")
        out = out.assign(**{str(c): out[c].map({True: yes, False: no}) for c in out.columns if out[c].dtype == bool})
        with pd.option_context(
            "display.max_rows", 200, "display.max_columns", 30, "display.width", 200, "display.max_colwidth", 60
        ):
            click.echo(out.to_string(index=False))
        return
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        report.write_workbook(
            p,
            {sheet: out},
            notes=notes,
            notes_sheet=report.sheet_name("notes", lang),
            columns={sheet: report.sheet_columns(kind, lang)} if kind else None,
            lang=lang,
            page=page,
        )
    elif suffix == ".csv":
        report.write_csv(p, out)
    else:
        raise click.BadParameter(
            zh_en(
                f"{p.name}：不认识的输出格式 {suffix or '（无后缀）'}，请用 .xlsx 或 .csv",
                f"{p.name}: unknown output format {suffix or '(none)'}; use .xlsx or .csv",
            ),
            param_hint="-o",
        )
    say(f"已写入 {p}（{len(out)} 行）", f"wrote {p} ({len(out)} rows)")


@click.group(cls=BilingualGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chain-gap")
@click.option("--debug", is_flag=True, help="意外错误时显示完整回溯。Show full tracebacks for unexpected errors.")
def main(debug: bool) -> None:
    """chain-gap：产业链缺链诊断与招商目标（产业链招商）。

    chain-gap: industrial-chain gap analysis for 招商 (investment promotion).
    每个命令加 --lang en 输出英文；Add --lang en to a command for English.

    \b
    快速开始 Quick start (合成演示数据 synthetic demo data, 商丘市, NEV chain):
      chain-gap demo --out demo-out
    实际流程 Real workflow:
      chain-gap load export.xlsx --source qcc --into city.bundle --rejects rejects.csv --report load.json
      chain-gap link city.bundle
      chain-gap gaps city.bundle --chain nev --region 商丘市 -o gaps.xlsx
      chain-gap targets city.bundle --chain nev --region 商丘市 --top 50 -o targets.xlsx
      chain-gap map city.bundle --chain nev --region 商丘市 -o map.html
    """
    _show_bundle_warnings_as_one_line()


def _show_bundle_warnings_as_one_line() -> None:
    """Print what the bundle repaired on its own (leftovers removed, v1 migrated) as one "Note:" line."""
    import warnings

    shown = warnings.showwarning
    if getattr(shown, "_chain_gap", False):
        return

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if category.__name__ == "BundleWarning":
            say(f"注意：{message}", f"Note: {message}")
        else:
            shown(message, category, *args, **kwargs)

    show._chain_gap = True  # type: ignore[attr-defined]
    warnings.showwarning = show


# ---------------------------------------------------------------- chains
@main.group()
def chains() -> None:
    """产业链模板：列出、查看、校验。Chain templates: list, show, validate."""


@chains.command("list")
@msg_lang_opt
@friendly
def chains_list(lang: str | None) -> None:
    """列出内置产业链模板。List the shipped chain templates.

    \b
    Example: chain-gap chains list
    """
    from chain_gap.chains import list_chains

    df = list_chains()
    click.echo(df[["id", "name", "name_en", "category", "leaves"]].to_string(index=False))


@chains.command("show")
@click.argument("chain_id")
@lang_opt
@friendly
def chains_show(chain_id: str, lang: str) -> None:
    """以树状显示模板的环节。Show a template's links as a tree.

    \b
    Example: chain-gap chains show nev
    """
    from chain_gap.chains import load_chain

    spec = load_chain(chain_id)
    click.echo(
        f"{spec.id}  {spec.name} / {spec.name_en}  ({spec.category}, v{spec.version}, {len(spec.leaves())} leaf links)"
    )
    for link in spec.links.values():
        indent = "  " * (link.level - 1)
        name = link.name if lang == "zh" else link.name_en
        extra = ""
        if link.leaf:
            feeds = ",".join(t for t, _ in link.feeds)
            extra = f"  w={link.weight:.3f} codes={','.join(link.industry_codes)}" + (f" → {feeds}" if feeds else "")
        click.echo(f"{indent}{link.id}  {name} [{link.stage}]{extra}")


@chains.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@msg_lang_opt
@friendly
def chains_validate(files: tuple[str, ...], lang: str | None) -> None:
    """校验模板文件（默认全部内置模板），有问题时退出码 1。

    Validate template files (default: all shipped templates); exit 1 on problems.

    \b
    Example: chain-gap chains validate
             chain-gap chains validate my_chain.yaml
    """
    from chain_gap.chains import template_paths, validate_file

    paths = [Path(f) for f in files] or template_paths()
    bad = 0
    for p in paths:
        problems = validate_file(p)
        if problems:
            bad += 1
            for line in problems:
                click.echo(line, err=True)
        else:
            click.echo(f"ok  {p}")
    if bad:
        click.echo(f"{bad} of {len(paths)} template(s) have problems", err=True)
        sys.exit(1)


# ---------------------------------------------------------------- load & link
@main.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--source",
    required=True,
    help="数据来源映射（loaders/ 中的 qcc、tianyancha、enterprises、ashare、chain-kg、supply、overrides）或映射 YAML 文件。"
    "Mapping in loaders/ (qcc, tianyancha, enterprises, ashare, chain-kg, supply, overrides) or a mapping YAML file.",
)
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(file_okay=False),
    help="要创建或更新的数据包文件夹。Bundle folder to create or update.",
)
@click.option(
    "--rejects", type=click.Path(dir_okay=False), help="被拒绝的行写到这里（CSV）。Write rejected rows (CSV) here."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="导入报告写到这里（JSON）。Write the load report (JSON) here.",
)
@click.option(
    "--warnings",
    "warnings_path",
    type=click.Path(dir_okay=False),
    help="所有警告、跳过的行和合并冲突（带代码）写到这里（CSV）。"
    "Write every warning, skipped row and merge conflict, with codes (CSV), here.",
)
@click.option(
    "--sheet",
    default=None,
    help="读取的工作表；'*' 读取所有同结构的工作表（如每县一张）。"
    "Workbook sheet to read; '*' reads every sheet of the same shape (e.g. one per county).",
)
@click.option(
    "--vintage",
    default=None,
    help="数据日期（导出时间）YYYY-MM[-DD]；默认读文件中的导出时间。Data vintage (export date); default: the date the file states.",
)
@msg_lang_opt
@friendly
def load_cmd(
    files: tuple[str, ...],
    source: str,
    into: str,
    rejects: str | None,
    report_path: str | None,
    warnings_path: str | None,
    sheet: str | None,
    vintage: str | None,
    lang: str | None,
) -> None:
    """把源文件导入数据包（不存在则创建；重复导入结果不变）。

    Load source files into a bundle (created if missing; loading again is idempotent).

    \b
    Example: chain-gap load export.csv --source enterprises --into city.bundle \\
               --rejects rejects.csv --report load.json --warnings warnings.csv
    """
    from chain_gap import load

    res = load.load_into(
        into,
        list(files),
        source,
        sheet=sheet,
        rejects=rejects,
        report=report_path,
        warnings=warnings_path,
        progress=_progress("loading"),
        waiting=_waiting,
        vintage=vintage,
    )
    t = res.report["totals"]
    click.echo(
        zh_en(
            f"{into}：读入 {t.get('rows_in')} 行，新增 {t.get('loaded')}，合并 {t.get('merged')}，"
            f"拒绝 {t.get('rejected')}，跳过 {t.get('skipped')}，警告 {t.get('warnings')}",
            f"{into}: rows_in={t.get('rows_in')} loaded={t.get('loaded')} merged={t.get('merged')} "
            f"rejected={t.get('rejected')} skipped={t.get('skipped')} warnings={t.get('warnings')}",
        )
    )
    dv = res.report.get("vintage")
    if dv:
        say(f"数据日期：{dv['date']}（{dv['from']}）", f"data vintage: {dv['date']} ({dv['from']})")
    else:
        say("数据日期：未知（文件未写导出时间；可用 --vintage 指定）", "data vintage: unknown (give --vintage)")
    codes = res.report.get("codes") or {}
    if codes:
        click.echo(zh_en("  按代码：", "  by code: ") + ", ".join(f"{k}={v}" for k, v in codes.items()))
    if t.get("loaded", 0) == 0 and t.get("merged", 0) == 0 and t.get("rows_in", 0) > 0:
        sys.exit(1)


@main.command("link")
@bundle_arg
@click.option(
    "--chain",
    "chain_ids",
    multiple=True,
    help="产业链 id（可重复）；默认全部模板。Chain id (repeatable); default all templates.",
)
@click.option("--config", type=click.Path(exists=True, dir_okay=False), help="挂链打分配置 TOML。Link scoring TOML.")
@msg_lang_opt
@friendly
def link_cmd(bundle: str, chain_ids: tuple[str, ...], config: str | None, lang: str | None) -> None:
    """把企业挂到产业链环节（挂链）并保存数据包。Attach enterprises to chain links and save the bundle.

    \b
    Example: chain-gap link city.bundle --chain nev
    """
    from chain_gap import io, link

    with io.edit(bundle, waiting=_waiting) as b:
        G = io.load(bundle)
        link.attach(G, list(chain_ids) or None, config, progress=_progress("linking"))
        b.save(G)
    decisions = link.decision_counts(G)
    click.echo(
        zh_en(f"{bundle}：挂链关系 ", f"{bundle}: LINKED_TO edges ")
        + ", ".join(f"{k}={v}" for k, v in decisions.items())
    )


@main.group()
def review() -> None:
    """挂链复核：导出待核实的挂链到 Excel，再导入复核结论。

    Review loop for uncertain links: export to Excel, apply decisions."""


@review.command("export")
@bundle_arg
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    callback=suffix_check(".xlsx", ".csv"),
    help="复核表 review.xlsx 或 .csv。Review sheet, .xlsx or .csv.",
)
@click.option("--chain", default=None, help="只导出这条产业链。Only this chain.")
@lang_opt
@friendly
def review_export(bundle: str, output: str, chain: str | None, lang: str) -> None:
    """列出待核实的挂链及依据，在「复核结论」列选 确认 / 排除 / 待定（Excel 下拉）。

    List uncertain links with their evidence; staff fill 复核结论 with 确认 / 排除 / 待定 (a dropdown in Excel).

    \b
    Example: chain-gap review export city.bundle -o review.xlsx
    """
    from chain_gap import link, report

    q = link.review_queue(_bundle(bundle), chain)
    write_frame(report.review_sheet(q, lang), output, sheet=report.sheet_name("review", lang), lang=lang, kind="review")


@review.command("apply")
@bundle_arg
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@msg_lang_opt
@friendly
def review_apply(bundle: str, files: tuple[str, ...], lang: str | None) -> None:
    """导入复核结论（overrides 映射）并重新挂链使其生效。

    Load reviewers' decisions (overrides mapping) and re-link so they take effect.

    \b
    Example: chain-gap review apply city.bundle review.xlsx
    """
    from chain_gap import io, link
    from chain_gap.load import supply

    with io.edit(bundle, waiting=_waiting) as b:
        G = io.load(bundle)
        res = link.apply_review(G, files)
        b.save(G, vintage=io.vintage(files, source="overrides", rows=res.load.report["totals"]))
    t = res.load.report["totals"]
    click.echo(
        f"{bundle}: {res.in_force} override(s) in force "
        f"(this file: {t.get('loaded', 0)} new, {t.get('merged', 0)} repeated, {supply.pending(res.load)} 待定 / pending, "
        f"{t.get('rejected', 0)} rows without a usable decision); re-linked {', '.join(res.chains) or 'all chains'}"
    )
    rej = res.load.rejects
    blank = (rej["field"] == "decision") & (rej["value"].astype(str).str.strip() == "")
    shown = rej[~blank]
    for r in shown.head(REVIEW_ROWS_SHOWN).itertuples():
        click.echo(f"  {Path(r.file).name}:{r.row} [{r.code}] {r.field}={r.value!s}: {r.reason}")
    if len(shown) > REVIEW_ROWS_SHOWN:
        click.echo(
            f"  … and {len(shown) - REVIEW_ROWS_SHOWN} more (chain-gap load FILE --source overrides --rejects …)"
        )
    if blank.any():
        click.echo(f"  {int(blank.sum())} row(s) with an empty decision (not reviewed yet) left as they were")


REVIEW_ROWS_SHOWN = 20
"""Rows without a usable decision that ``review apply`` lists (file:row, code, the cell and why)."""


# ---------------------------------------------------------------- analysis
@main.command("gaps")
@scope()
@click.option(
    "--activity",
    type=click.Choice(["firms", "revenue", "reg_capital"]),
    default="firms",
    show_default=True,
    help="区位熵和计数所用的活动变量：企业数、营业收入、注册资本。Activity variable of LQ and counts.",
)
@click.option(
    "--peers",
    default=None,
    help="对比地区，逗号分隔（同一级别）；默认全部。Comma-separated peer regions (same level); default all.",
)
@out_opt
@lang_opt
@friendly
def gaps_cmd(
    bundle: str, chain: str, region: str, activity: str, peers: str | None, output: str | None, lang: str
) -> None:
    """链条诊断表：每个末级环节一行，含诊断、招商方向和依据。

    Gap table: one row per leaf link with verdict, action and reasons.

    \b
    Example: chain-gap gaps city.bundle --chain nev --region 商丘市 -o gaps.xlsx
    """
    from chain_gap import gaps, report

    G = _bundle(bundle, only=GAPS_READS)
    t = gaps.table(G, chain, region, activity=activity, peers=[p for p in peers.split(",") if p] if peers else None)
    write_frame(
        report.gap_sheet(t, lang),
        output,
        sheet=report.sheet_name("gaps", lang),
        notes=report.gap_notes(t, lang, G),
        lang=lang,
        kind="gaps",
        page=report.page(t, G, lang),
    )
    _no_data_exit(t)


@main.command("anchors")
@scope()
@out_opt
@lang_opt
@friendly
def anchors_cmd(bundle: str, chain: str, region: str, output: str | None, lang: str) -> None:
    """本地区某条产业链的链主企业。链主 (anchor firms) of a chain in a region.

    \b
    Example: chain-gap anchors city.bundle --chain nev --region 商丘市
    """
    from chain_gap import gaps, report
    from chain_gap._cli_outputs import _region_level_notice
    from chain_gap._cli_tables import with_names

    G = _bundle(bundle)
    _no_data_exit(_region_level_notice(G, region))
    t = gaps.anchors(G, chain, region)
    if t.empty:
        say(
            "本地区在该链上没有链主企业：没有企业达到规模门槛、上市主营代理或本地配套带动规则（见 gaps.toml [anchor]）",
            "No anchor firm in this region on this chain: none meets the size threshold, the listed-company "
            "proxy or the local-partner rule (see gaps.toml [anchor])",
        )
    write_frame(
        report.analysis_sheet(with_names(t, chain), "anchors", lang),
        output,
        sheet=report.sheet_name("anchors", lang),
        lang=lang,
        kind="anchors",
    )


@main.command("targets")
@scope()
@click.option("--top", type=top_type, default=None, help="只保留前 N 家。Keep the best N.")
@click.option("--weights", type=click.Path(exists=True, dir_okay=False), help="权重配置 TOML。Weight profile TOML.")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    help="筛选条件 key=value（可重复）。Filter key=value: exclude_regions=…, min_capital=5000万, "
    "required_tags=专精特新, skip_present=false",
)
@click.option(
    "--stability",
    "with_stability",
    is_flag=True,
    help="增加前 K 名排名稳定性一列。Add the top-K rank stability column.",
)
@click.option(
    "--update",
    "update",
    type=click.Path(exists=True, dir_okay=False),
    help="已填写跟进情况的旧清单（.xlsx/.csv，只读）：跟进人/跟进状态/最近联系/备注 沿用到 -o 新文件。"
    "A lead list staff filled in (read only): its follow-up columns are carried into the new -o file.",
)
@no_contacts_opt
@out_opt
@lang_opt
@friendly
def targets_cmd(
    bundle: str,
    chain: str,
    region: str,
    top: int | None,
    weights: str | None,
    filters: tuple[str, ...],
    with_stability: bool,
    update: str | None,
    no_contacts: bool,
    output: str | None,
    lang: str,
) -> None:
    """招商目标企业清单：外地可补本地缺口的企业，按得分排序（含联系方式和跟进列）。

    Ranked firms elsewhere that would close the region's gaps, as a lead list (contacts, follow-up columns).

    \b
    Example: chain-gap targets city.bundle --chain nev --region 商丘市 --top 50 --stability -o targets.xlsx
             chain-gap targets new.bundle --chain nev --region 商丘市 --update 旧清单.xlsx -o 新清单.xlsx
    """
    from chain_gap import _contacts, leads, report, targets

    if update and not output:
        raise click.UsageError(
            zh_en("--update 需要用 -o 指定新的输出文件（原表不会被改写）", "--update needs -o: the new file to write")
        )
    G = _bundle(bundle)
    t = targets.rank(G, chain, region, top=top, weights=weights, filters=list(filters), with_stability=with_stability)
    t = _contacts.attach(t, G, not no_contacts)
    notes = report.target_notes(t, weights, list(filters), lang, G)
    if update and output:
        up = leads.carry_over(t, update, G, region, lang=lang, contacts=not no_contacts)
        written = leads.write_lead_list(up, output, source=update, lang=lang, notes=notes, page=report.page(t, G, lang))
        say(
            f"跟进记录：沿用 {up.carried} 家，新增 {up.new} 家，移出 {len(up.removed)} 家（见「已移出名单」）；"
            f"已写入 {', '.join(map(str, written))}",
            f"follow-up: carried over {up.carried}, new {up.new}, removed {len(up.removed)} (see 'Removed from "
            f"list'); wrote {', '.join(map(str, written))}",
        )
    else:
        write_frame(
            report.target_sheet(t, lang, lead=output is not None),  # the follow-up columns are for a file
            output,
            sheet=report.sheet_name("targets", lang),
            notes=notes,
            lang=lang,
            kind="targets",
            page=report.page(t, G, lang),
        )
    _no_data_exit(t)


@main.command("whatif")
@scope()
@click.option(
    "--add",
    "add",
    required=True,
    help="假设落地的企业 id（ent:…），逗号分隔。Comma-separated enterprise ids (ent:…) to add to the region.",
)
@out_opt
@lang_opt
@friendly
def whatif_cmd(bundle: str, chain: str, region: str, add: str, output: str | None, lang: str) -> None:
    """假设这些企业落地本地区：链条完整度和诊断的变化。

    What if these firms set up in the region? Prints the change in completeness and verdicts.

    \b
    Example: chain-gap whatif city.bundle --chain nev --region 商丘市 --add ent:91…,ent:91…
    """
    from chain_gap import report, targets
    from chain_gap._cli_tables import whatif_lines, whatif_table

    res = targets.what_if(_bundle(bundle), chain, region, [a.strip() for a in add.split(",") if a.strip()])
    _no_data_exit(res["before"])  # a level the data do not hold: no completeness to compare
    click.echo(whatif_lines(res, lang))
    t = whatif_table(res, lang)
    if len(t) or output:
        write_frame(
            report.analysis_sheet(t, "whatif", lang),
            output,
            sheet=report.sheet_name("whatif", lang),
            lang=lang,
            kind="whatif",
        )


@main.command("anchor-suppliers")
@scope()
@out_opt
@lang_opt
@friendly
def anchor_suppliers_cmd(bundle: str, chain: str, region: str, output: str | None, lang: str) -> None:
    """以商招商：本地链主企业可能的外地供应商。Likely out-of-region suppliers of each local anchor firm.

    \b
    Example: chain-gap anchor-suppliers city.bundle --chain nev --region 商丘市
    """
    from chain_gap import report, targets
    from chain_gap._cli_outputs import _region_level_notice
    from chain_gap._cli_tables import anchor_supplier_notice, with_names

    G = _bundle(bundle)
    _no_data_exit(_region_level_notice(G, region))
    t = targets.anchor_suppliers(G, chain, region)
    notice = anchor_supplier_notice(G, chain, region, t)
    if notice:
        say(*notice)
    if len(t) or output:
        write_frame(
            report.analysis_sheet(with_names(t, chain), "anchor_suppliers", lang),
            output,
            sheet=report.sheet_name("anchor_suppliers", lang),
            lang=lang,
            kind="anchor_suppliers",
        )


from chain_gap import _cli_outputs  # noqa: E402, F401  (map, atlas, compare, report, demo)
from chain_gap._cli_neo4j import neo4j_group  # noqa: E402
from chain_gap._cli_report import changes_cmd, info_cmd  # noqa: E402

for _cmd in (neo4j_group, info_cmd, changes_cmd):
    main.add_command(_cmd)

from chain_gap._cli_portfolio import portfolio_cmd  # noqa: E402

main.add_command(portfolio_cmd)

if __name__ == "__main__":
    # `python -m chain_gap.cli` runs this file as `__main__`; the command modules imported above register
    # their commands on `chain_gap.cli.main` (a second import of this file), so run that group, not ours.
    from chain_gap.cli import main as _all_commands

    _all_commands()
