"""chain-gap: an industrial-chain knowledge graph for city investment promotion (招商).

The graph is a plain :class:`networkx.MultiDiGraph`; modules are named by what they do:
``load`` (sources → graph), ``link`` (挂链), ``frames`` (graph → DataFrames), ``gaps``
(verdicts per link), ``targets`` (ranked target firms), ``vintages`` (what changed between two data
vintages: ``chain_gap.changes(old, new, chain, region)``), ``metrics`` (pure formulas),
``render`` (the outputs: map, panorama, Excel, notes, HTML report), with ``plot`` (drawing API)
and ``report`` (all outputs of one chain and region) as its faces, ``io`` (bundle on disk), ``neo4j``.


Modules are imported on first use (PEP 562), so ``import chain_gap`` and ``chain-gap --help`` do not
pay for pandas or matplotlib: ``chain_gap.gaps.table(...)`` works right after ``import chain_gap``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public modules, importable as attributes of the package.
MODULES: tuple[str, ...] = (
    "chains",
    "codes",
    "config",
    "demo",
    "errors",
    "frames",
    "gaps",
    "io",
    "labels",
    "link",
    "load",
    "metrics",
    "neo4j",
    "normalize",
    "plot",
    "provenance",
    "reasons",
    "render",
    "report",
    "schema",
    "synth",
    "targets",
    "vintages",
    "vocab",
)

#: Functions of the package face, loaded with their module on first use: name → module.
FUNCTIONS: dict[str, str] = {"changes": "vintages"}

__all__ = ["FUNCTIONS", "MODULES", "__version__", *MODULES, *FUNCTIONS]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from chain_gap import (  # noqa: F401
        chains,
        codes,
        config,
        demo,
        errors,
        frames,
        gaps,
        io,
        labels,
        link,
        load,
        metrics,
        neo4j,
        normalize,
        plot,
        provenance,
        reasons,
        render,
        report,
        schema,
        synth,
        targets,
        vintages,
        vocab,
    )
    from chain_gap.vintages import changes  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    if name in FUNCTIONS:
        fn = getattr(importlib.import_module(f"{__name__}.{FUNCTIONS[name]}"), name)
        globals()[name] = fn
        return fn
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(MODULES) | set(FUNCTIONS))
