"""The Shenwan 2021 industry → chain link crosswalk of 挂链 (split out of :mod:`chain_gap.link`).

A listed firm's Shenwan 2021 industry (a ``CLASSIFIED_AS`` edge to an ``sw2021`` industry node) counts as
industry evidence for the links the crosswalk ``graph/crosswalks/shenwan2021_links.csv`` maps it to.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap._resources import graph_dir
from chain_gap.chains import ChainSpec
from chain_gap.config import ConfigError
from chain_gap.frames import rows as frames_rows
from chain_gap.schema import link_id

#: Shenwan 2021 → chain link crosswalk shipped as data (see docs/chain-templates.md, "Shenwan crosswalk")
SHENWAN_CROSSWALK = "crosswalks/shenwan2021_links.csv"
_SW_SCHEME = "sw2021"


def load_shenwan_crosswalk(path: str | Path | None = None) -> pd.DataFrame:
    """The Shenwan 2021 industry → chain link crosswalk (default: the shipped ``graph/crosswalks`` table).

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``sw_code, sw_name, chain, link, strength, note``.

    Returns
    -------
    DataFrame
        One row per (industry, link), ``sw_code`` as a 6-digit string and ``strength`` as a float:
        in (0, 1] the evidence strength of the industry for that link in the noisy-OR; negative, a
        counter-industry whose firms use the link's words for their market (a parts maker's
        "乘用车" line): the link's term hits are vetoed and recorded as such. ``link`` may be ``*``
        with a negative strength: the industry is a counter-industry for every leaf of the chain that
        it does not map itself, machine links (设备 / 装备 in the leaf's name) excepted.
    """
    src = Path(path) if path is not None else graph_dir() / SHENWAN_CROSSWALK
    df = pd.read_csv(src, dtype={"sw_code": str}, encoding="utf-8")
    need = ["sw_code", "sw_name", "chain", "link", "strength", "note"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ConfigError(
            code="config-bad-value",
            file=str(src),
            key="columns",
            value=", ".join(missing),
            expected="含 " + "、".join(need) + " 列",
            expected_en="columns " + ", ".join(need),
        )
    df["strength"] = df["strength"].astype(float)
    bad = df[(df["strength"] == 0) | (df["strength"].abs() > 1)]
    if len(bad):
        raise ConfigError(
            code="config-bad-value",
            file=str(src),
            key=f"strength (rows {', '.join(str(i + 2) for i in bad.index)})",
            value=", ".join(str(v) for v in bad["strength"]),
            expected="[-1, 0) 或 (0, 1] 内的数",
            expected_en="a number in [-1, 0) or (0, 1] (strength; negative: counter-industry)",
        )
    return df[need]


def _shenwan_index(
    G: nx.MultiDiGraph, leaf_ids: set[str], crosswalk: pd.DataFrame | None, machine_links: frozenset[str] = frozenset()
) -> tuple[dict[str, list[tuple[str, str, float]]], dict[str, list[str]]]:
    """(Shenwan code → [(link id, industry name, strength)], enterprise → its Shenwan codes).

    A crosswalk row with link ``*`` (a counter-industry for a whole chain) expands to every leaf of the
    chain except those the industry maps itself and the machine links (``machine_links``).
    """
    xw: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    if crosswalk is not None:
        wild = []
        for r in frames_rows(crosswalk):
            if str(r.link) == "*":
                wild.append(r)
                continue
            lid = link_id(str(r.chain), str(r.link))
            if lid in leaf_ids:
                xw[str(r.sw_code)].append((lid, str(r.sw_name), float(r.strength)))
        # "*" stands for every leaf of the chain that the industry does not map itself and that is not a
        # machine link: the firms of a machine-maker or trading industry report revenue by the industry
        # they serve ("锂电池" for lithium-battery equipment), so their lines name no product of theirs
        for r in wild:
            code = str(r.sw_code)
            own = {lid for lid, _, _ in xw.get(code, ())}
            prefix = link_id(str(r.chain), "")
            for lid in sorted(leaf_ids):
                if lid.startswith(prefix) and lid not in own and lid not in machine_links:
                    xw[code].append((lid, str(r.sw_name), float(r.strength)))
    ent_sw: dict[str, list[str]] = defaultdict(list)
    if xw:
        for u, v, k in G.edges(keys=True):
            if k == vocab.CLASSIFIED_AS:
                a = G.nodes[v]
                if a.get("scheme") == _SW_SCHEME and str(a.get("code", "")) in xw:
                    ent_sw[u].append(str(a["code"]))
    return dict(xw), dict(ent_sw)


#: a leaf whose name says it is a machine link (半导体设备, 电子专用设备, 充电设备): its product is the machine
_MACHINE_NAME = re.compile(r"设备|装备|机床")


def _machine_links(specs: list[ChainSpec]) -> frozenset[str]:
    return frozenset(link_id(ch.id, leaf.id) for ch in specs for leaf in ch.leaves() if _MACHINE_NAME.search(leaf.name))


#: ``G.graph`` key: per chain, the ``[link, Shenwan industry name]`` pairs of the crosswalk the last
#: ``link.attach`` used whose strength alone confirms (see :func:`confirming_pairs`)
CONFIRMING = "shenwan_confirming"


def confirming_pairs(xw: pd.DataFrame, chain: str, floor: float) -> list[list[str]]:
    """``[link, Shenwan industry name]`` pairs of crosswalk ``xw`` whose strength alone reaches ``floor``
    (the linker's ``confirmed`` threshold): the industry *is* the link's business. Sorted, JSON-ready."""
    sel = xw[(xw["chain"] == chain) & (xw["strength"] >= floor)]
    return [[lk, n] for lk, n in sorted({(str(lk), str(n)) for lk, n in zip(sel["link"], sel["sw_name"], strict=True)})]


@functools.cache
def _shipped_confirming(chain: str, floor: float) -> frozenset[tuple[str, str]]:
    return frozenset((lk, n) for lk, n in confirming_pairs(load_shenwan_crosswalk(), chain, floor))


def industries_that_confirm(G: nx.MultiDiGraph, chain: str, floor: float) -> frozenset[tuple[str, str]]:
    """``(link, Shenwan industry name)`` pairs whose industry alone confirms the link: those of the
    crosswalk ``link.attach`` used on ``G`` (kept in ``G.graph``, so a bureau's own crosswalk counts
    for the 链主 proxy as it did for the links), else of the shipped one, read once per process."""
    kept = (G.graph.get(CONFIRMING) or {}).get(chain)
    if kept is not None:
        return frozenset((str(lk), str(n)) for lk, n in kept)
    return _shipped_confirming(chain, floor)
