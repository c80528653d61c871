"""Chain template rules: the contract a ``graph/chains/<id>.yaml`` file must meet, and its validator.

Validation collects *every* problem as one line naming the file and the link, so a template author can
fix a file in one pass (``chain-gap chains validate``); :mod:`chain_gap.chains` refuses a template with
any problem, so an analysis never runs on a half-valid chain. Files are read with the safe YAML reader
(:mod:`chain_gap._yaml`: size bound, no aliases, bounded depth, duplicate keys reported, C parser).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from chain_gap import _yaml, vocab
from chain_gap._resources import graph_dir

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
    "observed_terms",
    "terms_source",
    "generic_terms",
    "generic_reason",
    "segment_terms",
    "name_terms",
    "name_source",
    "industry_codes",
    "sei_path",
    "feeds",
    "performer",
    "resource_bound",
}
#: Roles a leaf's activity can be performed in (see ``performer`` in docs/chain-templates.md).
PERFORMERS = ("producer", "seller", "user")
_LEAF_ONLY = (
    "weight",
    "keywords",
    "exclusions",
    "products",
    "observed_terms",
    "terms_source",
    "generic_terms",
    "generic_reason",
    "segment_terms",
    "name_terms",
    "name_source",
    "industry_codes",
    "feeds",
    "performer",
    "resource_bound",
)
_TERM_LISTS = (
    "keywords",
    "products",
    "observed_terms",
    "exclusions",
    "generic_terms",
    "segment_terms",
    "name_terms",
)
_CODES_FILE = ("codes", "gbt4754_2017.csv")


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


def _label(path: Path) -> str:
    """How a file is named in messages: ``graph/chains/x.yaml`` for shipped files, else as given."""
    try:
        root = graph_dir().parent.resolve()
        return Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError, FileNotFoundError):
        return str(path)


def _read(path: Path, label: str) -> tuple[Any, list[str]]:
    """Parse one YAML file; problems (unreadable, too large, aliases, not UTF-8, syntax) come back as lines."""
    try:
        doc = _yaml.load_file(path, label)
    except _yaml.YamlError as exc:
        return None, [exc.message("en")]
    except OSError as exc:
        return None, [f"{label}: cannot read file: {exc.strerror or exc}"]
    problems = [f"{label}: line {line}: key '{key}' appears twice in the same mapping" for key, line in doc.duplicates]
    return doc.data, problems


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
                        "weight, keywords, products, exclusions, industry_codes, feeds and resource_bound)"
                    )
            continue
        leaves[lid] = entry
        if "performer" in entry and entry["performer"] not in PERFORMERS:
            p.append(f"{where}: performer {entry['performer']!r} must be one of {', '.join(PERFORMERS)}")
        if "resource_bound" in entry and not isinstance(entry["resource_bound"], bool):
            p.append(f"{where}: resource_bound must be true or false, got {entry['resource_bound']!r}")
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
        if terms["observed_terms"] and not _is_text(entry.get("terms_source")):
            p.append(f"{where}: 'observed_terms' needs a 'terms_source' note saying where the terms were observed")
        if terms["name_terms"] and not _is_text(entry.get("name_source")):
            p.append(f"{where}: 'name_terms' needs a 'name_source' note saying where the names were read")
        leaf_terms = terms["keywords"] + terms["products"] + terms["observed_terms"]
        if terms["generic_terms"] and not _is_text(entry.get("generic_reason")):
            p.append(f"{where}: 'generic_terms' needs a 'generic_reason' note saying what else the terms name")
        for term in terms["generic_terms"]:
            if term not in leaf_terms:
                p.append(
                    f"{where}: generic term '{term}' is not one of the leaf's keywords / products / observed_terms"
                )
        for term in terms["segment_terms"]:
            if term not in terms["generic_terms"]:
                p.append(f"{where}: segment term '{term}' is not one of the leaf's generic_terms")
        for term in dict.fromkeys(leaf_terms):
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
    path : str or os.PathLike
        A ``<id>.yaml`` template file.

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
