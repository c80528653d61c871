"""The shared plumbing of the ``chain-gap`` commands: exit codes, error handling, path guards, progress,
output writing and the options several commands share (bundle, chain, region, output, language).

Kept apart from :mod:`chain_gap.cli` so the commands read as what they are: one API call each.
"""

from __future__ import annotations

import functools
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


def _no_data_exit(t: Any) -> None:
    """Say so and exit with EXIT_NO_DATA when a table was asked at a level the data do not hold."""
    if t.attrs.get("level_has_data") is False:
        click.echo(f"No data: {t.attrs.get('coverage_banner', '')}", err=True)
        sys.exit(EXIT_NO_DATA)
    if t.attrs.get("coverage_banner"):
        click.echo(f"Note: {t.attrs['coverage_banner']}", err=True)


def _user_errors() -> tuple[type[BaseException], ...]:
    from chain_gap.errors import ChainGapError

    return (ChainGapError, FileNotFoundError, PermissionError, IsADirectoryError)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one stderr line and exit code 2; hide tracebacks unless --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
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
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            click.echo(f"Error: {msg}", err=True)
            ctx.exit(EXIT_USER)
        except Exception as exc:
            if debug:
                raise
            user = _os_user_error(exc)
            if user is not None:  # disk full, read-only, locked file: also when a library wrapped it
                click.echo(f"Error: {user}", err=True)
                ctx.exit(EXIT_USER)
            click.echo(
                f"Internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                "(run with --debug for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)

    return wrapper


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
    click.echo(f"{path}: waiting for another chain-gap process to finish writing this bundle…", err=True)


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


bundle_arg = click.argument("bundle", type=click.Path(exists=True, file_okay=False))
chain_opt = click.option("--chain", "chain", required=True, help="Chain id, e.g. nev (see `chain-gap chains list`).")
region_opt = click.option(
    "--region", "region", required=True, help="Region: GB/T 2260 code or name (411400, 商丘市, 商丘, 河南省)."
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


out_opt = click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Output file; the format follows the suffix (.xlsx, .csv). Default: print.",
)
lang_opt = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Labels of outputs: Chinese (default) or English.",
)
