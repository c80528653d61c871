"""Chain templates: load, validate and add to the graph.

A chain template (``graph/chains/<id>.yaml``) describes one leading industry as a tree of links
(上游 / 中游 / 下游, levels 2–5 under the chain) whose leaves are where enterprises attach. Each leaf
carries the evidence the linker searches for (keywords, canonical products, GB/T 4754-2017 小类
codes), the exclusions that veto a false match, a weight (its share of the chain, used by the
coverage and gap scores) and ``feeds`` edges to the leaves it supplies, which must form a DAG
because cascade and upstream/downstream analyses walk them.

The binding format is ``TEMPLATE_FORMAT`` (see ``docs/chain-templates.md``). Validation collects
*every* problem as one line naming the file and the link, so a template author can fix a file in one
pass; loading refuses a template with any problem, so an analysis never runs on a half-valid chain.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap._resources import graph_dir
from chain_gap.chain_rules import (
    _ID_RE,
    CATEGORIES,
    STAGES,
    _class_codes,
    _label,
    _norm_path,
    _read,
    _walk,
    validate_file,
)
from chain_gap.errors import ChainGapError
from chain_gap.errors import register as _register
from chain_gap.schema import add_edge, add_node, link_id, node_id

__all__ = [
    "CATEGORIES",
    "STAGES",
    "ChainError",
    "ChainSpec",
    "LinkSpec",
    "add_to_graph",
    "list_chains",
    "load_chain",
    "template_paths",
    "validate_file",
]


class ChainError(ChainGapError, ValueError):
    """A chain template that cannot be found, read or used; the message is one line."""

    default_code = "chain-error"


@dataclass(frozen=True)
class LinkSpec:
    """One link (环节) of a chain template.

    Attributes
    ----------
    id : str
        Link id, unique within the chain (``[a-z0-9_]+``).
    name, name_en : str
        Chinese and English names.
    stage : str
        ``upstream`` | ``midstream`` | ``downstream``, inherited from the top-level link.
    level : int
        2 for top-level links, up to 5.
    parent : str or None
        Id of the parent link, or ``None`` for a top-level link (whose parent is the chain).
    leaf : bool
        True when the link has no children; only leaves carry the fields below.
    weight : float or None
        Share of the chain (leaves sum to 1); ``None`` for non-leaves.
    keywords, exclusions, products : tuple of str
        Phrases the linker searches for / that veto a match.
    industry_codes : tuple of str
        GB/T 4754-2017 小类 codes whose firms produce the link's output.
    sei_path : str or None
        战略性新兴产业分类(2018) path, when given.
    feeds : tuple of (str, bool)
        ``(target leaf id, essential)`` pairs, the downstream leaves this leaf supplies.
    children : tuple of str
        Ids of the child links, in file order.
    performer : str
        The role in which firms carry out the link's activity: ``producer`` (default) for
        making things, ``seller`` for distribution / retail links (药品流通, 汽车销售) whose firms the
        linker types as sellers, ``user`` for rental / repair / operation links. Gap analysis counts
        the firms whose role is the link's performer.
    resource_bound : bool
        The link's output is taken from a natural deposit (ores, brine, graphite flakes …): a region
        without the deposit cannot attract it, so a missing one is 对接外部供给 (secure supply), never
        延链 / 补链, and a present one is 以资源换产业 (see docs/formulas.md, "Verdict → action").
    """

    id: str
    name: str
    name_en: str
    stage: str
    level: int
    parent: str | None
    leaf: bool
    weight: float | None = None
    keywords: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    observed_terms: tuple[str, ...] = ()
    terms_source: str | None = None
    generic_terms: tuple[str, ...] = ()
    generic_reason: str | None = None
    segment_terms: tuple[str, ...] = ()
    name_terms: tuple[str, ...] = ()
    name_source: str | None = None
    industry_codes: tuple[str, ...] = ()
    sei_path: str | None = None
    feeds: tuple[tuple[str, bool], ...] = ()
    children: tuple[str, ...] = ()
    performer: str = "producer"
    resource_bound: bool = False


@dataclass(frozen=True)
class ChainSpec:
    """A parsed, valid chain template; ``links`` holds every link in file (pre-order) order.

    Specs are immutable (frozen, tuples, a read-only ``links`` mapping), so :func:`load_chain` hands
    out one cached spec per file version instead of a deep copy per call.
    """

    id: str
    name: str
    name_en: str
    category: str
    version: str
    sources: tuple[str, ...]
    weights_note: str
    path: Path
    links: Mapping[str, LinkSpec]

    def leaves(self) -> list[LinkSpec]:
        """The leaf links (where enterprises attach), in file order.

        Returns
        -------
        list of LinkSpec
        """
        return [lk for lk in self.links.values() if lk.leaf]

    def leaf_ids(self) -> list[str]:
        """Ids of the leaf links, in file order.

        Returns
        -------
        list of str
        """
        return [lk.id for lk in self.links.values() if lk.leaf]

    def stages(self) -> list[str]:
        """The stages the chain covers, in flow order (upstream → midstream → downstream).

        Returns
        -------
        list of str
        """
        present = {lk.stage for lk in self.links.values()}
        return [s for s in STAGES if s in present]

    def feeds_edges(self) -> list[tuple[str, str, bool]]:
        """Every ``feeds`` edge as ``(source leaf, target leaf, essential)``, in file order.

        Returns
        -------
        list of tuple of (str, str, bool)
        """
        return [(lk.id, tgt, ess) for lk in self.links.values() for tgt, ess in lk.feeds]


# --------------------------------------------------------------------------------------------
# loading


def template_paths() -> list[Path]:
    """Every shipped chain template, ``graph/chains/*.yaml``, sorted by file name.

    Returns
    -------
    list of pathlib.Path
    """
    folder = graph_dir() / "chains"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _terms(val: Any) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in (val or []))


def _build(data: dict[str, Any], path: Path) -> ChainSpec:
    """Turn a validated template mapping into a :class:`ChainSpec`."""
    links: dict[str, LinkSpec] = {}
    for entry, level, parent, stage, _ in _walk(data["links"], 2, None, None):
        children = entry.get("children") or []
        leaf = not children
        feeds: list[tuple[str, bool]] = []
        for item in entry.get("feeds") or []:
            if isinstance(item, dict):
                feeds.append((item["id"], bool(item.get("essential", True))))
            else:
                feeds.append((item, True))
        sp = entry.get("sei_path")
        links[entry["id"]] = LinkSpec(
            id=entry["id"],
            name=str(entry["name"]).strip(),
            name_en=str(entry["name_en"]).strip(),
            stage=entry["stage"] if level == 2 else str(stage),
            level=level,
            parent=parent,
            leaf=leaf,
            weight=float(entry["weight"]) if leaf else None,
            keywords=_terms(entry.get("keywords")),
            exclusions=_terms(entry.get("exclusions")),
            products=_terms(entry.get("products")),
            observed_terms=_terms(entry.get("observed_terms")),
            terms_source=str(entry["terms_source"]) if entry.get("terms_source") else None,
            generic_terms=_terms(entry.get("generic_terms")),
            generic_reason=str(entry["generic_reason"]) if entry.get("generic_reason") else None,
            segment_terms=_terms(entry.get("segment_terms")),
            name_terms=_terms(entry.get("name_terms")),
            name_source=str(entry["name_source"]) if entry.get("name_source") else None,
            industry_codes=_terms(entry.get("industry_codes")),
            sei_path=_norm_path(sp) if isinstance(sp, str) else None,
            feeds=tuple(feeds),
            children=tuple(c["id"] for c in children),
            performer=str(entry.get("performer") or "producer"),
            resource_bound=bool(entry.get("resource_bound", False)) if leaf else False,
        )
    return ChainSpec(
        id=data["id"],
        name=str(data["name"]).strip(),
        name_en=str(data["name_en"]).strip(),
        category=data["category"],
        version=str(data["version"]).strip(),
        sources=tuple(str(s).strip() for s in data["sources"]),
        weights_note=" ".join(str(data["weights_note"]).split()),
        path=path,
        links=MappingProxyType(links),
    )


_CACHE: dict[tuple[str, int, int], ChainSpec | list[str]] = {}


def _parse(path: Path) -> ChainSpec | list[str]:
    """Parsed spec, or the problem lines, cached by (resolved path, mtime, size)."""
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    problems = validate_file(path)
    result: ChainSpec | list[str]
    if problems:
        result = problems
    else:
        data, _ = _read(path, _label(path))
        result = _build(data, path)
    if key is not None:
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]
        _CACHE[key] = result
    return result


def _names() -> dict[str, tuple[str, ...]]:
    """Each shipped template's id → the names it is known by (id, Chinese name, English name)."""
    out: dict[str, tuple[str, ...]] = {}
    for p in template_paths():
        res = _parse(p)
        out[p.stem] = (p.stem, res.name, res.name_en) if isinstance(res, ChainSpec) else (p.stem, p.stem, p.stem)
    return out


def _by_name(ref: str, by_name: dict[str, tuple[str, ...]]) -> str | None:
    """The template whose id, Chinese or English name is ``ref`` (case, width and spaces ignored)."""
    from chain_gap._suggest import fold

    q = fold(ref)
    return next((cid for cid, names in by_name.items() if q in {fold(n) for n in names}), None)


_register(
    "chain-unknown",
    "未找到产业链「{ref}」{hint_zh}已有产业链：{known_zh}（运行 chain-gap chains list 查看）",
    "unknown chain {ref!r}; {hint_en}known chains: {known_en}",
)


def _unknown_chain(ref: str, by_name: dict[str, tuple[str, ...]]) -> ChainError:
    """The error for a chain nobody knows: the closest templates and every id with its Chinese name."""
    from chain_gap._suggest import suggest

    hits = suggest(ref, by_name)
    name = {k: v[1] for k, v in by_name.items()}
    hint_zh = "，您是否要找：" + "、".join(f"{name[h.key]}（{h.key}）" for h in hits) + "？" if hits else "。"
    hint_en = "did you mean " + " / ".join(f"{name[h.key]} ({h.key})" for h in hits) + "? " if hits else ""
    return ChainError(
        code="chain-unknown",
        ref=ref,
        hint_zh=hint_zh,
        hint_en=hint_en,
        known_zh="、".join(f"{k}（{v}）" for k, v in name.items()) or "无",
        known_en=", ".join(f"{k} ({v})" for k, v in name.items()) or "none",
    )


def _known_ids() -> list[str]:
    return [p.stem for p in template_paths()]


def load_chain(ref: str | os.PathLike[str] | ChainSpec) -> ChainSpec:
    """Load a chain template.

    Parameters
    ----------
    ref : str, os.PathLike or ChainSpec
        A chain id (``"nev"``), a path to a template file, or a :class:`ChainSpec` (returned as is).

    Returns
    -------
    ChainSpec
        Immutable and shared: parsing is cached by file path, modification time and size, so repeated
        loads return the same object at no cost and an edited file is re-read.

    Raises
    ------
    ChainError
        Unknown id (the message lists the known ids), missing file, or a template with problems
        (the message gives the first problem and how many more there are).
    """
    if isinstance(ref, ChainSpec):
        return ref
    if isinstance(ref, os.PathLike) or (
        isinstance(ref, str) and ("/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml")))
    ):
        path = Path(ref)
        if not path.is_file():
            raise ChainError(f"chain template file not found: {path}")
    elif isinstance(ref, str):
        path = graph_dir() / "chains" / f"{ref}.yaml"
        if not _ID_RE.match(ref) or not path.is_file():
            by_name = _names()
            hit = _by_name(ref, by_name)
            if hit is None:
                raise _unknown_chain(ref, by_name)
            path = graph_dir() / "chains" / f"{hit}.yaml"
    else:
        raise ChainError(f"expected a chain id, a template path or a ChainSpec, got {type(ref).__name__}")
    result = _parse(path)
    if isinstance(result, list):
        more = f" (and {len(result) - 1} more problems)" if len(result) > 1 else ""
        raise ChainError(f"{result[0]}{more}; run `chain-gap chains validate {path}` for the full list")
    return result


def list_chains() -> pd.DataFrame:
    """One row per shipped template.

    A template with problems is still listed (``problems`` > 0, counts from what could be read), so
    a listing never hides a broken file; :func:`load_chain` refuses it with the first problem.

    Returns
    -------
    pandas.DataFrame
        id, name, name_en, category, version, leaves, links, file, problems.
    """
    rows = []
    for path in template_paths():
        result = _parse(path)
        if isinstance(result, ChainSpec):
            rows.append(
                {
                    "id": result.id,
                    "name": result.name,
                    "name_en": result.name_en,
                    "category": result.category,
                    "version": result.version,
                    "leaves": len(result.leaf_ids()),
                    "links": len(result.links),
                    "file": _label(path),
                    "problems": 0,
                }
            )
        else:
            data, _ = _read(path, _label(path))
            data = data if isinstance(data, dict) else {}
            entries = [e for e, *_ in _walk(data.get("links"), 2, None, None) if isinstance(e, dict)]
            rows.append(
                {
                    "id": path.stem,
                    "name": data.get("name"),
                    "name_en": data.get("name_en"),
                    "category": data.get("category"),
                    "version": data.get("version"),
                    "leaves": sum(1 for e in entries if not e.get("children")),
                    "links": len(entries),
                    "file": _label(path),
                    "problems": len(result),
                }
            )
    cols = ["id", "name", "name_en", "category", "version", "leaves", "links", "file", "problems"]
    df = pd.DataFrame(rows, columns=cols)
    return df.astype({"leaves": "int64", "links": "int64", "problems": "int64"})


# --------------------------------------------------------------------------------------------
# graph

_TEMPLATE_EDGES = (vocab.PART_OF, vocab.FEEDS, vocab.CLASSIFIED_AS)
_LINK_PROPS = (
    "name",
    "name_en",
    "chain",
    "stage",
    "level",
    "leaf",
    "weight",
    "keywords",
    "exclusions",
    "products",
    "industry_codes",
    "sei_path",
    "performer",
    "resource_bound",
)


def add_to_graph(G: nx.MultiDiGraph, chain: str | os.PathLike[str] | ChainSpec) -> nx.MultiDiGraph:
    """Add a chain template to the graph: Chain and Link nodes, PART_OF, FEEDS and CLASSIFIED_AS edges.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph, modified in place.
    chain : str, os.PathLike or ChainSpec
        Chain id, template path or :class:`ChainSpec`.

    Returns
    -------
    networkx.MultiDiGraph
        ``G``. Every link becomes ``link:<chain>/<id>`` with a PART_OF edge to its parent link (top
        level: to ``chain:<id>``); every ``feeds`` entry a FEEDS edge with ``essential``; every
        industry code of a leaf a CLASSIFIED_AS edge to ``industry:gb4754:<code>`` (the Industry
        node is created from the shipped table when missing, an existing one is left as it is).

    Notes
    -----
    Idempotent, and it syncs the graph to the current template: template edges of the chain's links
    that the template no longer defines are removed, as are links it no longer has. A dropped link
    that enterprises are still linked to is not removed silently: :class:`ChainError` names it, and
    the links should be re-attached on a fresh graph.
    """
    spec = load_chain(chain)
    codes = _class_codes()
    cid = add_node(
        G, vocab.CHAIN, spec.id, name=spec.name, name_en=spec.name_en, category=spec.category, version=spec.version
    )
    wanted = {link_id(spec.id, lid) for lid in spec.links}
    stale = [
        n
        for n, d in G.nodes(data=True)
        if d.get("kind") == vocab.LINK and d.get("chain") == spec.id and n not in wanted
    ]
    if stale:
        held = {n: sum(1 for _, _, k in G.in_edges(n, keys=True) if k not in _TEMPLATE_EDGES) for n in stale}
        busy = {n: c for n, c in held.items() if c}
        if busy:
            names = ", ".join(f"{n} ({c} edges)" for n, c in sorted(busy.items()))
            raise ChainError(
                f"chain '{spec.id}': links no longer in the template still have enterprise "
                f"edges: {names}; rebuild the graph and re-run the linker"
            )
        G.remove_nodes_from(stale)
    # expected template edges out of each link node
    for lk in spec.links.values():
        lid = link_id(spec.id, lk.id)
        exp = {(link_id(spec.id, lk.parent) if lk.parent else cid, vocab.PART_OF)}
        exp |= {(link_id(spec.id, t), vocab.FEEDS) for t, _ in lk.feeds}
        exp |= {(node_id(vocab.INDUSTRY, f"gb4754:{c}"), vocab.CLASSIFIED_AS) for c in lk.industry_codes}
        if lid in G:
            for _, v, k in list(G.out_edges(lid, keys=True)):
                if k in _TEMPLATE_EDGES and (v, k) not in exp:
                    G.remove_edge(lid, v, key=k)
            for prop in _LINK_PROPS:
                G.nodes[lid].pop(prop, None)
        add_node(
            G,
            vocab.LINK,
            f"{spec.id}/{lk.id}",
            name=lk.name,
            name_en=lk.name_en,
            chain=spec.id,
            stage=lk.stage,
            level=lk.level,
            leaf=lk.leaf,
            weight=lk.weight,
            keywords=list(lk.keywords) if lk.leaf else None,
            exclusions=list(lk.exclusions) if lk.leaf else None,
            products=list(lk.products) if lk.leaf else None,
            industry_codes=list(lk.industry_codes) if lk.leaf else None,
            sei_path=lk.sei_path,
            performer=lk.performer if lk.leaf else None,
            resource_bound=True if lk.resource_bound else None,
        )
    for lk in spec.links.values():
        lid = link_id(spec.id, lk.id)
        add_edge(G, lid, link_id(spec.id, lk.parent) if lk.parent else cid, vocab.PART_OF)
        for target, essential in lk.feeds:
            add_edge(G, lid, link_id(spec.id, target), vocab.FEEDS, essential=essential)
        for code in lk.industry_codes:
            ind = node_id(vocab.INDUSTRY, f"gb4754:{code}")
            if ind not in G:
                add_node(
                    G, vocab.INDUSTRY, f"gb4754:{code}", name=codes[code]["name"], scheme="gb4754", code=code, level=4
                )
            add_edge(G, lid, ind, vocab.CLASSIFIED_AS)
    return G
