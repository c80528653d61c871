"""Writing a report's outputs one by one: a file that cannot be replaced now is reported, the others written.

Also the panorama bytes the HTML report embeds (:func:`_png_bytes`).

Split from :mod:`chain_gap.report` (module size); ``chain_gap.report.OutputsIncomplete`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chain_gap import errors
from chain_gap.errors import ChainGapError

__all__ = ["OutputsIncomplete"]


def _run_steps(steps: list[tuple[tuple[str, ...], Callable[[], Any]]]) -> dict[str, Path]:
    """Write each output on its own: a file the user cannot replace now (open in Excel, read-only, disk
    full) is reported and the other outputs are still written; the error lists what failed and what was
    written (:class:`OutputsIncomplete`). Other errors (bugs) stop at once as before."""
    from chain_gap import _atomic

    paths: dict[str, Path] = {}
    failed: dict[str, str] = {}
    for names, step in steps:
        try:
            res = step()
        except _atomic.WriteError as exc:
            failed[names[0]] = str(exc)
            continue
        except OSError as exc:
            err = _atomic.user_error(exc, exc.filename or names[0])
            if err is None:
                raise
            failed[names[0]] = str(err)
            continue
        values = res if isinstance(res, tuple) else (res,)
        paths.update({n: Path(v) for n, v in zip(names, values)})
    if failed:
        raise OutputsIncomplete(paths, failed)
    return paths


errors.register(
    "report-incomplete",
    "{n_failed} 个文件未能写入（其余 {n_written} 个已写入）：{first}",
    "{n_failed} output(s) not written (the other {n_written} were): {first}",
)


class OutputsIncomplete(ChainGapError):
    """Some outputs of a report could not be written (a file open in Excel …); the others were.

    Attributes
    ----------
    written : dict
        Output name → path of what was written.
    failed : dict
        Output name → the one-line reason it was not.
    """

    default_code = "report-incomplete"

    def __init__(self, written: dict[str, Path], failed: dict[str, str]):
        self.written = written
        self.failed = failed
        super().__init__(
            code="report-incomplete",
            n_failed=len(failed),
            n_written=len(written),
            first=next(iter(failed.values())),
        )


def _png_bytes(outd: Path, fig: Any) -> bytes:
    """The panorama PNG for the HTML report: the file written, else (it could not be written) drawn in memory."""
    from chain_gap.render import panorama as pano

    p = outd / "panorama.png"
    return p.read_bytes() if p.is_file() else pano.png_bytes(fig)
