"""Locate the data shipped with chain-gap (``graph/`` and ``loaders/``).

In a wheel the build maps the top-level ``graph/`` and ``loaders/`` folders into
``chain_gap/_data/``; in a source checkout (editable install, tests) they sit at the
repository root. Both layouts are looked up so the same code works everywhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder ``graph`` or ``loaders`` wherever it is installed.

    Parameters
    ----------
    name : str
        ``"graph"`` or ``"loaders"``.

    Returns
    -------
    pathlib.Path
        The installed copy (``chain_gap/_data/<name>``), else the source tree's.

    Raises
    ------
    FileNotFoundError
        Neither exists.
    """
    for candidate in (_PKG / "_data" / name, _PKG.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"chain-gap data folder '{name}' not found (looked in {_PKG / '_data'} and the source tree); "
        "reinstall the package"
    )


def graph_dir() -> Path:
    """The ``graph/`` folder: schema, chain templates, code tables, Cypher.

    Returns
    -------
    pathlib.Path
    """
    return data_dir("graph")


def loaders_dir() -> Path:
    """The ``loaders/`` folder: one YAML mapping per source format.

    Returns
    -------
    pathlib.Path
    """
    return data_dir("loaders")
