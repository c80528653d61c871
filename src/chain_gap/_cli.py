"""The shared plumbing of the ``chain-gap`` commands: exit codes, error handling, path guards, progress,
output writing and the options several commands share (bundle, chain, region, output, language).

Kept apart from :mod:`chain_gap.cli` so the commands read as what they are: one API call each.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # pandas is imported by the commands that need it, not by `chain-gap --help`
    pass

EXIT_USER = 2
EXIT_NO_DATA = 3  # the data do not hold the asked region level: the table says "no data", nothing invented
EXIT_INTERNAL = 70


def zh_en(zh: str, en: str) -> str:
    """``zh`` or ``en``, whichever language is in force (``--lang``, else ``CHAIN_GAP_LANG``, else Chinese)."""
    from chain_gap.errors import current_lang

    return en if current_lang() == "en" else zh


def say(zh: str, en: str, *, err: bool = True) -> None:
    """Print one progress or status line in the language in force (stderr by default)."""
    click.echo(zh_en(zh, en), err=err)


def _no_data_exit(t: Any) -> None:
    """Say so and exit with EXIT_NO_DATA when a table was asked at a level the data do not hold."""
    from chain_gap.render.text import banner_pair

    zh, en = banner_pair(t)
    if t.attrs.get("level_has_data") is False:
        say(f"无数据：{zh}", f"No data: {en}")
        sys.exit(EXIT_NO_DATA)
    if zh:
        say(f"注意：{zh}", f"Note: {en}")


def _user_errors() -> tuple[type[BaseException], ...]:
    from chain_gap.errors import ChainGapError

    return (ChainGapError, FileNotFoundError, PermissionError, IsADirectoryError)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one stderr line and exit code 2; hide tracebacks unless --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from chain_gap.errors import current_lang, use_lang

        ctx = click.get_current_context()
        with use_lang(ctx.params.get("lang") or current_lang()):
            return _run(ctx, fn, args, kwargs)

    return wrapper


def _run(ctx: click.Context, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Run one command, its expected errors printed as one line in the language in force."""
    debug = bool(ctx.find_root().params.get("debug"))
    try:
        _guard_paths(ctx.params)
        return fn(*args, **kwargs)
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except _user_errors() as exc:
        if debug:
            raise
        user = _os_user_error(exc) if isinstance(exc, OSError) else None
        msg = str(user or exc).strip().splitlines()[0] if str(user or exc).strip() else type(exc).__name__
        say(f"错误：{msg}", f"Error: {msg}")
        ctx.exit(EXIT_USER)
    except Exception as exc:
        if debug:
            raise
        user = _os_user_error(exc)
        if user is not None:  # disk full, read-only, locked file: also when a library wrapped it
            say(f"错误：{user}", f"Error: {user}")
            ctx.exit(EXIT_USER)
        first = str(exc).splitlines()[0] if str(exc) else ""
        say(
            f"内部错误：{type(exc).__name__}: {first}（加 --debug 查看详情）",
            f"Internal error: {type(exc).__name__}: {first} (run with --debug for details)",
        )
        ctx.exit(EXIT_INTERNAL)


def _lang_of(args: list[str]) -> str:
    """The ``--lang`` asked for anywhere on the command line, else the language in force."""
    from chain_gap.errors import LANGS, current_lang

    for i, a in enumerate(args):
        v = (
            a.split("=", 1)[1]
            if a.startswith("--lang=")
            else args[i + 1]
            if a == "--lang" and i + 1 < len(args)
            else None
        )
        if v in LANGS:
            return v
    return current_lang()


_CLICK_ZH = (
    (re.compile(r"^(?:File|Directory|Path) '(.+)' does not exist\.?$"), "「{0}」不存在"),
    (re.compile(r"^(?:File|Directory|Path) '(.+)' is a directory\.?$"), "「{0}」是文件夹，需要文件"),
    (re.compile(r"^(?:File|Directory|Path) '(.+)' is a file\.?$"), "「{0}」是文件，需要文件夹"),
    (re.compile(r"^'(.*)' is not one of (.+)\.$"), "「{0}」不是可选值之一：{1}"),
    (re.compile(r"^'(.*)' is not a valid integer\.?$"), "「{0}」不是整数"),
    (re.compile(r"^(.+) is not in the range (.+?)\.?$"), "「{0}」不在允许范围 {1} 内"),
)


def _click_text_zh(text: str) -> str:
    """Click's own English value messages, the common ones in Chinese (others as click wrote them)."""
    for pattern, zh in _CLICK_ZH:
        m = pattern.match(text.strip())
        if m:
            return zh.format(*m.groups())
    return text


def _usage_message(e: click.UsageError) -> str:
    """Click's usage error in the language in force: what is wrong, then where the help is."""
    zh = zh_en("zh", "en") == "zh"
    if isinstance(e, click.MissingParameter) and e.param is not None:
        name = e.param.opts[0] if e.param.param_type_name == "option" else e.param.human_readable_name
        kind = "选项" if e.param.param_type_name == "option" else "参数"
        what = f"缺少{kind} {name}" if zh else e.format_message()
    elif isinstance(e, click.NoSuchOption):
        hint = f"（您是否要找：{' / '.join(e.possibilities)}？）" if e.possibilities else ""
        what = f"没有选项 {e.option_name}{hint}" if zh else e.format_message()
    elif isinstance(e, click.BadParameter) and e.param is not None and zh:
        what = f"{e.param.get_error_hint(e.ctx) if e.ctx else e.param.name} 的值无效：{_click_text_zh(e.message)}"
    elif isinstance(e, click.BadParameter) and e.param_hint is not None and zh:
        hint = e.param_hint if isinstance(e.param_hint, str) else " / ".join(e.param_hint)
        what = f"{hint} 的值无效：{_click_text_zh(e.message)}"
    else:
        what = e.format_message()
    cmd = e.ctx.command_path if e.ctx is not None else "chain-gap"
    usage = e.ctx.get_usage().replace("Usage: ", "用法：" if zh else "Usage: ") if e.ctx is not None else ""
    more = zh_en(f"查看帮助：{cmd} --help", f"Try '{cmd} --help' for help.")
    return "\n".join(x for x in (usage, more, zh_en(f"错误：{what}", f"Error: {what}")) if x)


class BilingualGroup(click.Group):
    """The root command: click's own usage errors ("Missing option", "No such option") and every
    message of a run in the language ``--lang`` asks for (Chinese unless ``--lang en``)."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        from chain_gap.errors import use_lang

        argv = list(sys.argv[1:] if args is None else args)
        with use_lang(_lang_of(argv)):
            try:
                rv = super().main(argv, prog_name, standalone_mode=False, **extra)
            except click.UsageError as e:
                click.echo(_usage_message(e), err=True)
                sys.exit(e.exit_code)
            except click.ClickException as e:
                say(f"错误：{e.format_message()}", f"Error: {e.format_message()}")
                sys.exit(e.exit_code)
            except click.Abort:
                say("已中止。", "Aborted!")
                sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


#: Parameters that name bundles, output files and output folders (see ``_paths.guard_params``).
_BUNDLE_PARAMS = ("bundle", "into")
_OUTPUT_FILE_PARAMS = ("output", "rejects", "report_path", "warnings_path")
_OUTPUT_DIR_PARAMS = ("out", "out_dir")


def _guard_paths(params: dict[str, Any]) -> None:
    """Refuse, before anything runs, outputs that would replace an input or land inside a bundle."""
    from chain_gap import _paths

    _paths.guard_params(
        params, bundles=_BUNDLE_PARAMS, output_files=_OUTPUT_FILE_PARAMS, output_dirs=_OUTPUT_DIR_PARAMS
    )


def _os_user_error(exc: BaseException) -> Exception | None:
    """A disk-full / read-only / locked-file fault behind ``exc`` as a one-line user error, else ``None``."""
    from chain_gap import _atomic

    cause = _atomic._os_cause(exc)
    err = None if cause is None else _atomic.user_error(cause, cause.filename or "?")
    if err is not None:
        _atomic._silence_finalisers(exc.__traceback__)
    return err


def _waiting(path: Path) -> None:
    say(
        f"{path}：另一个 chain-gap 进程正在写入这个数据包，等待其完成…",
        f"{path}: waiting for another chain-gap process to finish writing this bundle…",
    )


def _progress(label: str) -> Callable[[int, int], None]:
    state: dict[str, Any] = {}

    def cb(done: int, total: int) -> None:
        if total < 5000:
            return
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
            state["done"] = 0
        bar.update(done - state["done"])
        state["done"] = done
        if done >= total:
            bar.__exit__(None, None, None)

    return cb


#: What ``chain-gap gaps`` reads of a bundle (kind → properties, None = all): the firms' attributes
#: of the gap table, the links, their memberships and the supply edges of the anchor rule. Not the
#: region / industry / product nodes and edges, nor the firms' scopes, products and provenance —
#: most of a large bundle. ``tests/test_cli_gaps_reads.py`` checks the table is the same as from the
#: whole bundle.
GAPS_READS: dict[str, tuple[str, ...] | None] = {
    "Enterprise": (
        "name",
        "uscc",
        "stock_code",
        "region",
        "industry_code",
        "reg_capital",
        "revenue",
        "employees",
        "founded",
        "listed_on",
        "tags",
        "synthetic",
        "linkable",
    ),
    "Chain": None,
    "Link": None,
    "LINKED_TO": None,
    "SUPPLIES": None,
}


def _bundle(path: str, only: dict[str, tuple[str, ...] | None] | None = None) -> Any:
    from chain_gap import io

    return io.load(path, only=only)


def chain_listing() -> str:
    """Every shipped chain as ``id  中文名`` lines, for the message of a missing ``--chain``."""
    from chain_gap.chains import list_chains

    df = list_chains()
    return "\n".join(
        f"  {r.id:<18} {r.name}" if zh_en("zh", "en") == "zh" else f"  {r.id:<18} {r.name_en}" for r in df.itertuples()
    )


def _need_chain(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A missing ``--chain`` lists the chains to choose from instead of click's bare "Missing option"."""
    if value is None and not ctx.resilient_parsing:
        raise click.UsageError(
            zh_en(
                "请用 --chain 指定产业链（id 或中文名），可选：\n", "Give a chain with --chain (id or name); one of:\n"
            )
            + chain_listing(),
            ctx=ctx,
        )
    return value


bundle_arg = click.argument("bundle", type=click.Path(exists=True, file_okay=False))
chain_opt = click.option(
    "--chain",
    "chain",
    callback=_need_chain,
    help="产业链：id 或名称（nev、NEV、新能源汽车；见 chain-gap chains list）。"
    "Chain: id or name (nev, 新能源汽车; see `chain-gap chains list`).",
)
region_opt = click.option(
    "--region",
    "region",
    required=True,
    help="地区：GB/T 2260 代码或名称（411400、商丘市、商丘、河南省）。"
    "Region: GB/T 2260 code or name (411400, 商丘市, 商丘, 河南省).",
)


def scope(*, region: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options every analysis command shares: BUNDLE, ``--chain`` and (by default) ``--region``.

    One decorator (the sqlite-utils pattern), so the commands spell them, and their help, the same way.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if region:
            fn = region_opt(fn)
        return bundle_arg(chain_opt(fn))

    return deco


no_contacts_opt = click.option(
    "--no-contacts",
    "no_contacts",
    is_flag=True,
    help="不输出企业联系方式（法定代表人、电话、邮箱、官网、地址），用于对外分享。"
    "Leave the firms' contacts out of every output (a copy to share).",
)


def suffix_check(*suffixes: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """A click callback refusing an output file whose suffix is not one of ``suffixes``, before anything runs.

    Checked while the command line is parsed, so a typo (``-o gaps.txt``) costs no analysis run and is
    answered with the option's name, in the language in force.
    """

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None or ctx.resilient_parsing:
            return value
        suffix = Path(value).suffix.lower()
        if suffix not in suffixes:
            raise click.BadParameter(
                zh_en(
                    f"{Path(value).name}：不认识的输出格式 {suffix or '（无后缀）'}，请用 {' 或 '.join(suffixes)}",
                    f"{Path(value).name}: unknown output format {suffix or '(none)'}; use {' or '.join(suffixes)}",
                ),
                ctx=ctx,
                param=param,
            )
        return value

    return check


#: ``--top N``: a positive count (``head(0)`` / ``head(-5)`` would silently keep none / drop the last 5).
top_type = click.IntRange(min=1)

out_opt = click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    callback=suffix_check(".xlsx", ".csv"),
    help="输出文件，格式按后缀（.xlsx、.csv）；默认打印到屏幕。Output file; the format follows the suffix "
    "(.xlsx, .csv). Default: print.",
)
msg_lang_opt = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="提示的语言：中文（默认，或环境变量 CHAIN_GAP_LANG）或英文。"
    "Language of messages: Chinese (default, or the CHAIN_GAP_LANG variable) or English.",
)
"""``--lang`` of the commands that write no staff-facing tables (load, link, validate …): messages only.
Its default is the language in force, so ``CHAIN_GAP_LANG=en`` keeps working for them."""

lang_opt = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="输出与提示的语言：中文（默认）或英文。Language of outputs and messages: Chinese (default) or English.",
)
