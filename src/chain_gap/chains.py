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

import copy
import csv
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import yaml

from chain_gap import vocab
from chain_gap._resources import graph_dir
from chain_gap.errors import ChainGapError
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

STAGES = vocab.STAGES
"""Chain stages in flow order (上游, 中游, 下游)."""

CATEGORIES: tuple[str, ...] = ("traditional", "emerging", "future")
"""Industry categories of the "3+4+N" policy: 传统 / 新兴 / 未来产业."""

MAX_LEVEL = 5
"""Deepest link level; the chain itself is level 1, top-level links level 2."""

WEIGHT_TOLERANCE = 1e-6

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_CODE_RE = re.compile(r"^\d{4}$")
_CHAIN_REQUIRED = ("id", "name", "name_en", "category", "version", "sources", "weights_note", "links")
_CHAIN_KEYS = set(_CHAIN_REQUIRED)
_LINK_KEYS = {
    "id",
    "name",
    "name_en",
    "stage",
    "children",
    "weight",
    "keywords",
    "exclusions",
    "products",
    "industry_codes",
    "sei_path",
    "feeds",
    "performer",
}
#: Roles a leaf's activity can be performed in (see ``performer`` in docs/chain-templates.md).
PERFORMERS = ("producer", "seller", "user")
_LEAF_ONLY = ("weight", "keywords", "exclusions", "products", "industry_codes", "feeds", "performer")
_TERM_LISTS = ("keywords", "products", "exclusions")
_CODES_FILE = ("codes", "gbt4754_2017.csv")


class ChainError(ChainGapError, ValueError):
    """A chain template that cannot be found, read or used; the message is one line."""

    default_code = "chain-error"


@dataclass
class LinkSpec:
    """One link (环节) of a chain template.

    Attributes
    ----------
    id : link id, unique within the chain (``[a-z0-9_]+``).
    name, name_en : Chinese and English names.
    stage : ``upstream`` | ``midstream`` | ``downstream``, inherited from the top-level link.
    level : 2 for top-level links, up to 5.
    parent : id of the parent link, or ``None`` for a top-level link (whose parent is the chain).
    leaf : True when the link has no children; only leaves carry the fields below.
    weight : share of the chain (leaves sum to 1); ``None`` for non-leaves.
    keywords, exclusions, products : phrases the linker searches for / that veto a match.
    industry_codes : GB/T 4754-2017 小类 codes whose firms produce the link's output.
    sei_path : 战略性新兴产业分类(2018) path, when given.
    feeds : ``(target leaf id, essential)`` pairs, the downstream leaves this leaf supplies.
    children : ids of the child links, in file order.
    performer : the role in which firms carry out the link's activity: ``producer`` (default) for
        making things, ``seller`` for distribution / retail links (药品流通, 汽车销售) whose firms the
        linker types as sellers, ``user`` for rental / repair / operation links. Gap analysis counts
        the firms whose role is the link's performer.
    """

    id: str
    name: str
    name_en: str
    stage: str
    level: int
    parent: str | None
    leaf: bool
    weight: float | None = None
    keywords: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    industry_codes: list[str] = field(default_factory=list)
    sei_path: str | None = None
    feeds: list[tuple[str, bool]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    performer: str = "producer"


@dataclass
class ChainSpec:
    """A parsed, valid chain template; ``links`` holds every link in file (pre-order) order."""

    id: str
    name: str
    name_en: str
    category: str
    version: str
    sources: list[str]
    weights_note: str
    path: Path
    links: dict[str, LinkSpec]

    def leaves(self) -> list[LinkSpec]:
        """The leaf links (where enterprises attach), in file order."""
        return [lk for lk in self.links.values() if lk.leaf]

    def leaf_ids(self) -> list[str]:
        """Ids of the leaf links, in file order."""
        return [lk.id for lk in self.links.values() if lk.leaf]

    def stages(self) -> list[str]:
        """The stages the chain covers, in flow order (upstream → midstream → downstream)."""
        present = {lk.stage for lk in self.links.values()}
        return [s for s in STAGES if s in present]

    def feeds_edges(self) -> list[tuple[str, str, bool]]:
        """Every ``feeds`` edge as ``(source leaf, target leaf, essential)``, in file order."""
        return [(lk.id, tgt, ess) for lk in self.links.values() for tgt, ess in lk.feeds]


# --------------------------------------------------------------------------------------------
# reference data


@cache
def _class_table(path: str) -> dict[str, dict[str, Any]]:
    """GB/T 4754-2017 小类 (level 4) rows keyed by code: name and 战略性新兴产业 paths."""
    out: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if str(row.get("level", "")).strip() != "4":
                continue
            code = str(row["code"]).strip()
            paths = [_norm_path(p) for p in str(row.get("strategic_paths") or "").split("||")]
            out[code] = {"name": str(row.get("name", "")).strip(), "sei_paths": [p for p in paths if p]}
    return out


def _class_codes() -> dict[str, dict[str, Any]]:
    return _class_table(str(graph_dir().joinpath(*_CODES_FILE)))


def _norm_path(path: str) -> str:
    """Normalise a '>'-separated classification path (the table has stray double spaces)."""
    return " > ".join(part.strip() for part in str(path).split(">") if part.strip())


# --------------------------------------------------------------------------------------------
# reading


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that records duplicated mapping keys (plain PyYAML keeps the last one)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                loader.duplicates.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        except TypeError:  # unhashable key; SafeLoader reports it below
            pass
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _label(path: Path) -> str:
    """How a file is named in messages: ``graph/chains/x.yaml`` for shipped files, else as given."""
    try:
        root = graph_dir().parent.resolve()
        return Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError, FileNotFoundError):
        return str(path)


def _read(path: Path, label: str) -> tuple[Any, list[str]]:
    """Parse one YAML file; problems (unreadable, not UTF-8, syntax) come back as lines."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [f"{label}: cannot read file: {exc.strerror or exc}"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"{label}: not UTF-8 text (bad byte at offset {exc.start})"]
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        return None, [f"{label}: YAML syntax error{where}: {what}"]
    except yaml.YAMLError as exc:
        return None, [f"{label}: YAML error: {' '.join(str(exc).split())}"]
    finally:
        loader.dispose()
    problems = [
        f"{label}: line {line}: key '{key}' appears twice in the same mapping" for key, line in loader.duplicates
    ]
    return data, problems


# --------------------------------------------------------------------------------------------
# validation


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _walk(
    entries: Any, level: int, parent: str | None, stage: str | None
) -> Iterator[tuple[Any, int, str | None, str | None, int]]:
    """Yield ``(entry, level, parent id, inherited stage, position)`` for every link, pre-order."""
    if not isinstance(entries, list):
        return
    for pos, entry in enumerate(entries, 1):
        yield entry, level, parent, stage, pos
        if isinstance(entry, dict):
            own = entry.get("stage") if level == 2 else stage
            lid = entry.get("id") if isinstance(entry.get("id"), str) else None
            yield from _walk(entry.get("children"), level + 1, lid, own if isinstance(own, str) else stage)


def _check(data: Any, label: str, stem: str | None) -> list[str]:
    """Every rule of the template contract, as one problem line each."""
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        return [f"{label}: the template must be a YAML mapping with keys {', '.join(_CHAIN_REQUIRED)}; got {kind}"]
    p: list[str] = []
    for key in _CHAIN_REQUIRED:
        if key not in data:
            p.append(f"{label}: missing required key '{key}'")
    for key in data:
        if key not in _CHAIN_KEYS:
            p.append(f"{label}: unknown key '{key}' (allowed: {', '.join(_CHAIN_REQUIRED)})")
    cid = data.get("id")
    if "id" in data:
        if not isinstance(cid, str) or not _ID_RE.match(cid):
            p.append(f"{label}: id {cid!r} must match [a-z0-9_]+")
        elif stem is not None and cid != stem:
            p.append(f"{label}: id '{cid}' must equal the file name stem '{stem}'")
    for key in ("name", "name_en", "weights_note"):
        if key in data and not _is_text(data[key]):
            p.append(f"{label}: '{key}' must be non-empty text")
    if "category" in data and data["category"] not in CATEGORIES:
        p.append(f"{label}: category {data['category']!r} must be one of {', '.join(CATEGORIES)}")
    if "version" in data:
        ver = data["version"]
        if _is_number(ver):
            p.append(
                f'{label}: version {ver!r} must be a quoted string (write version: "{ver}"), '
                "else YAML reads it as a number"
            )
        elif not _is_text(ver):
            p.append(f"{label}: version must be non-empty text")
    if "sources" in data:
        src = data["sources"]
        if not isinstance(src, list) or not src:
            p.append(f"{label}: sources must be a non-empty list of citable documents")
        else:
            for i, s in enumerate(src, 1):
                if not _is_text(s):
                    p.append(f"{label}: sources item {i} must be non-empty text")
    links = data.get("links")
    if "links" in data and (not isinstance(links, list) or not links):
        p.append(f"{label}: links must be a non-empty list of top-level links")
        return p
    if links is None:
        return p
    p.extend(_check_links(links, label))
    return p


def _check_links(links: list[Any], label: str) -> list[str]:
    p: list[str] = []
    codes = _class_codes()
    seen: dict[str, int] = {}
    leaves: dict[str, dict[str, Any]] = {}
    nonleaf: dict[str, dict[str, Any]] = {}
    descendants_codes: dict[str, set[str]] = {}
    ancestry: dict[str, list[str]] = {}
    weights: list[float] = []
    weights_ok = True
    for entry, level, parent, stage, pos in _walk(links, 2, None, None):
        under = f"under link '{parent}'" if parent else "at top level"
        if not isinstance(entry, dict):
            p.append(f"{label}: link #{pos} {under} must be a mapping with id, name, ..., got {entry!r}")
            continue
        lid = entry.get("id")
        if not isinstance(lid, str) or not _ID_RE.match(lid):
            p.append(f"{label}: link #{pos} {under}: id {lid!r} must match [a-z0-9_]+")
            lid = str(lid)
        where = f"{label}: link '{lid}'"
        if lid in seen:
            p.append(f"{where}: duplicate id (ids must be unique within the chain)")
        seen[lid] = seen.get(lid, 0) + 1
        ancestry[lid] = ([parent] + ancestry.get(parent, [])) if parent else []
        for key in entry:
            if key not in _LINK_KEYS:
                p.append(f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(_LINK_KEYS))})")
        for key in ("name", "name_en"):
            if not _is_text(entry.get(key)):
                p.append(f"{where}: '{key}' must be non-empty text")
        if level > MAX_LEVEL:
            p.append(
                f"{where}: too deep: level {level} (links nest from level 2 at the top to level {MAX_LEVEL} at most)"
            )
        own_stage = entry.get("stage")
        if level == 2:
            if own_stage is None:
                p.append(f"{where}: missing stage (top-level links need one of {', '.join(STAGES)})")
            elif own_stage not in STAGES:
                p.append(f"{where}: stage {own_stage!r} must be one of {', '.join(STAGES)}")
        elif own_stage is not None and own_stage != stage:
            p.append(
                f"{where}: stage {own_stage!r} differs from the inherited stage {stage!r} "
                "(children inherit the stage of their top-level link)"
            )
        children = entry.get("children")
        if "children" in entry and (not isinstance(children, list) or not children):
            p.append(f"{where}: children must be a non-empty list (omit it to make a leaf)")
        if isinstance(children, list) and children:
            nonleaf[lid] = entry
            for key in _LEAF_ONLY:
                if key in entry:
                    p.append(
                        f"{where}: non-leaf link may not have '{key}' (only leaves carry "
                        "weight, keywords, products, exclusions, industry_codes and feeds)"
                    )
            continue
        leaves[lid] = entry
        if "performer" in entry and entry["performer"] not in PERFORMERS:
            p.append(f"{where}: performer {entry['performer']!r} must be one of {', '.join(PERFORMERS)}")
        # weight
        w = entry.get("weight")
        if w is None:
            p.append(f"{where}: missing weight (every leaf needs a weight > 0)")
            weights_ok = False
        elif not _is_number(w):
            p.append(f"{where}: weight {w!r} must be a number")
            weights_ok = False
        elif w <= 0:
            p.append(f"{where}: weight {w} must be > 0")
            weights_ok = False
        else:
            weights.append(float(w))
        # term lists
        terms: dict[str, list[str]] = {}
        for key in _TERM_LISTS:
            val = entry.get(key)
            if val is None:
                terms[key] = []
                continue
            if not isinstance(val, list):
                p.append(f"{where}: '{key}' must be a list of phrases, got {type(val).__name__}")
                terms[key] = []
                continue
            good = []
            for item in val:
                if _is_text(item):
                    good.append(item.strip())
                else:
                    p.append(f"{where}: {key} item {item!r} must be non-empty text")
            terms[key] = good
        for term in dict.fromkeys(terms["keywords"] + terms["products"]):
            if term in terms["exclusions"]:
                p.append(f"{where}: '{term}' is both a keyword/product and an exclusion")
                continue
            for ex in terms["exclusions"]:
                if ex in term:
                    p.append(
                        f"{where}: exclusion '{ex}' is part of keyword/product '{term}', so every "
                        f"match of '{term}' would be vetoed"
                    )
        # industry codes
        raw_codes = entry.get("industry_codes")
        leaf_codes: list[str] = []
        if raw_codes is not None and not isinstance(raw_codes, list):
            p.append(f"{where}: 'industry_codes' must be a list of quoted 4-digit codes")
        elif raw_codes:
            for c in raw_codes:
                if not isinstance(c, str):
                    p.append(f'{where}: industry code {c!r} must be a quoted string (write "{c}")')
                elif not _CODE_RE.match(c.strip()):
                    p.append(f"{where}: industry code '{c}' is not a 4-digit GB/T 4754-2017 小类 code")
                elif c.strip() not in codes:
                    p.append(f"{where}: unknown GB/T 4754-2017 code '{c}'")
                else:
                    leaf_codes.append(c.strip())
        descendants_codes[lid] = set(leaf_codes)
        for anc in ancestry[lid]:
            descendants_codes.setdefault(anc, set()).update(leaf_codes)
        if not (terms["keywords"] or terms["products"] or leaf_codes or raw_codes):
            p.append(f"{where}: leaf cannot be matched: give keywords, products or industry_codes")
    # sei_path, once all codes of descendants are known
    for lid, entry in list(leaves.items()) + list(nonleaf.items()):
        if "sei_path" not in entry:
            continue
        where = f"{label}: link '{lid}'"
        sp = entry["sei_path"]
        if not _is_text(sp):
            p.append(f"{where}: sei_path must be non-empty text")
            continue
        own = descendants_codes.get(lid, set())
        allowed = {path for c in own for path in codes[c]["sei_paths"]}
        want = _norm_path(sp)
        if not any(a == want or a.startswith(want + " > ") for a in allowed):
            src = ", ".join(sorted(own)) or "none"
            p.append(
                f"{where}: sei_path '{sp}' is not a 战略性新兴产业分类(2018) path of its industry "
                f"codes ({src}) in graph/codes/gbt4754_2017.csv"
            )
    # feeds
    dag = nx.DiGraph()
    for lid, entry in leaves.items():
        raw = entry.get("feeds")
        if raw is None:
            continue
        where = f"{label}: link '{lid}'"
        if not isinstance(raw, list):
            p.append(f"{where}: 'feeds' must be a list of link ids or {{id, essential}} mappings")
            continue
        for item in raw:
            target = item
            if isinstance(item, dict):
                target = item.get("id")
                extra = set(item) - {"id", "essential"}
                if extra:
                    p.append(f"{where}: feeds entry {item!r} has unknown keys {sorted(extra)} (allowed: id, essential)")
                if "essential" in item and not isinstance(item["essential"], bool):
                    p.append(f"{where}: feeds entry for {target!r}: essential must be true or false")
            if not isinstance(target, str):
                p.append(f"{where}: feeds entry {item!r} must be a link id or {{id: ..., essential: ...}}")
                continue
            if target == lid:
                p.append(f"{where}: feeds itself")
            elif target in leaves:
                dag.add_edge(lid, target)
            elif target in nonleaf:
                p.append(f"{where}: feeds target '{target}' is not a leaf (feed its leaves instead)")
            else:
                p.append(f"{where}: feeds target '{target}' is not a link of this chain")
    for comp in nx.strongly_connected_components(dag):
        if len(comp) > 1:
            cyc = nx.find_cycle(dag.subgraph(comp))
            path = " -> ".join([u for u, _ in cyc] + [cyc[0][0]])
            p.append(f"{label}: feeds form a cycle: {path} (feeds must be a DAG)")
    if weights_ok and weights:
        total = math.fsum(weights)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            p.append(f"{label}: leaf weights sum to {total:.6f}, not 1 (±{WEIGHT_TOLERANCE:g})")
    return p


def validate_file(path: str | os.PathLike[str]) -> list[str]:
    """Check a chain template file against the template contract.

    Parameters
    ----------
    path : a ``<id>.yaml`` template file.

    Returns
    -------
    list of str
        One line per problem, each naming the file and, where it applies, the link, e.g.
        ``graph/chains/nev.yaml: link 'cathode': unknown GB/T 4754-2017 code '3999'``.
        Empty when the file is valid. Never raises on bad input: unreadable files, YAML syntax
        errors (with the line number) and wrong types are reported as lines too.

    Notes
    -----
    Beyond the structural rules (required keys, unique ids, stages, depth ≤ 5, leaf weights > 0
    summing to 1, feeds to existing leaves forming a DAG) the validator checks the codes against the
    shipped GB/T 4754-2017 table, and that a ``sei_path`` is one of the 战略性新兴产业分类(2018)
    paths the table attaches to the leaf's codes, so the path is traceable rather than invented.
    It also rejects unknown keys and keys written twice, since YAML would otherwise drop a
    misspelt ``keyword:`` list or a repeated ``weight:`` silently.
    """
    path = Path(path)
    label = _label(path)
    data, problems = _read(path, label)
    if data is None and problems:
        return problems
    return problems + _check(data, label, path.stem)


# --------------------------------------------------------------------------------------------
# loading


def template_paths() -> list[Path]:
    """Every shipped chain template, ``graph/chains/*.yaml``, sorted by file name."""
    folder = graph_dir() / "chains"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _terms(val: Any) -> list[str]:
    return [str(v).strip() for v in (val or [])]


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
            industry_codes=_terms(entry.get("industry_codes")),
            sei_path=_norm_path(sp) if isinstance(sp, str) else None,
            feeds=feeds,
            children=[c["id"] for c in children],
            performer=str(entry.get("performer") or "producer"),
        )
    return ChainSpec(
        id=data["id"],
        name=str(data["name"]).strip(),
        name_en=str(data["name_en"]).strip(),
        category=data["category"],
        version=str(data["version"]).strip(),
        sources=[str(s).strip() for s in data["sources"]],
        weights_note=" ".join(str(data["weights_note"]).split()),
        path=path,
        links=links,
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


def _known_ids() -> list[str]:
    return [p.stem for p in template_paths()]


def load_chain(ref: str | os.PathLike[str] | ChainSpec) -> ChainSpec:
    """Load a chain template.

    Parameters
    ----------
    ref : a chain id (``"nev"``), a path to a template file, or a :class:`ChainSpec` (returned as is).

    Returns
    -------
    ChainSpec
        A fresh copy: callers may modify it without affecting later loads. Parsing is cached by
        file path and modification time, so repeated loads are cheap and an edited file is re-read.

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
            known = ", ".join(_known_ids()) or "none"
            raise ChainError(f"unknown chain {ref!r}; known chains: {known}")
    else:
        raise ChainError(f"expected a chain id, a template path or a ChainSpec, got {type(ref).__name__}")
    result = _parse(path)
    if isinstance(result, list):
        more = f" (and {len(result) - 1} more problems)" if len(result) > 1 else ""
        raise ChainError(f"{result[0]}{more}; run `chain-gap chains validate {path}` for the full list")
    return copy.deepcopy(result)


def list_chains() -> pd.DataFrame:
    """One row per shipped template: id, name, name_en, category, version, leaves, links, file, problems.

    A template with problems is still listed (``problems`` > 0, counts from what could be read), so
    a listing never hides a broken file; :func:`load_chain` refuses it with the first problem.
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
)


def add_to_graph(G: nx.MultiDiGraph, chain: str | os.PathLike[str] | ChainSpec) -> nx.MultiDiGraph:
    """Add a chain template to the graph: Chain and Link nodes, PART_OF, FEEDS and CLASSIFIED_AS edges.

    Parameters
    ----------
    G : the graph, modified in place.
    chain : chain id, template path or :class:`ChainSpec`.

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
