"""Pictures of a chain: the interactive HTML chain map and the 产业链全景图 panorama.

The public face of :mod:`chain_gap.render` for drawing (``chain_gap.plot.chain_map`` is what users
and notebooks call); the code lives in :mod:`chain_gap.render.chain_map`,
:mod:`chain_gap.render.panorama` and :mod:`chain_gap.render.fonts`; :func:`write_html`, the atomic
UTF-8 page writer the map and the report share, is defined here. The palette and labels are
re-exported from :mod:`chain_gap.labels`, so ``plot.VERDICT_COLORS`` etc. stay public.
"""

from __future__ import annotations

import os
from pathlib import Path

from chain_gap._atomic import atomic_path
from chain_gap.labels import (
    ACTION_LABELS,
    ACTIONS,
    ACTIVITY_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
    STAGES,
    VERDICT_COLORS,
    VERDICT_LABELS,
    VERDICTS,
)
from chain_gap.render.chain_map import chain_map
from chain_gap.render.fonts import FontError, cjk_font
from chain_gap.render.inputs import PlotError
from chain_gap.render.panorama import panorama, write_panorama

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "ACTIVITY_LABELS",
    "ROLE_LABELS",
    "STAGES",
    "STAGE_LABELS",
    "VERDICTS",
    "VERDICT_COLORS",
    "VERDICT_LABELS",
    "FontError",
    "PlotError",
    "chain_map",
    "cjk_font",
    "panorama",
    "write_html",
    "write_panorama",
]


def write_html(html: str, path: str | os.PathLike[str]) -> Path:
    """Write ``html`` to ``path`` as UTF-8, atomically (temp file in the same folder + rename).

    A platform-encoding write crashes on Chinese Windows, and a half-written page on a shared
    drive is worse than none, hence UTF-8 and the rename.

    Parameters
    ----------
    html : str
        The page (from :func:`chain_map` or :func:`chain_gap.report.html_report`).
    path : str or os.PathLike
        Target file; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    target = Path(path)
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
    return target
