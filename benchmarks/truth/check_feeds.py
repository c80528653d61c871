"""Review the ``feeds`` (supply direction) of the chain templates against chain-kg's product relations.

For every template, each leaf link is mapped to the chain-kg products whose names carry one of its terms,
with the linker's own product-line matching (``chain_gap.link``: the terms of the link's ``products``,
``observed_terms`` and ``keywords``, its exclusions as vetoes, and the head rule — "数控金刚线切片机" is no
金刚线). chain-kg's product → product relations then say which product is an input of which:

* ``上游材料`` (from, to): *to* is an input of *from*;
* ``下游产品`` (from, to): *from* is an input of *to*;
* ``产品小类`` (sub-class) says nothing about supply and is not counted.

Some ``上游材料`` edges run the wrong way, so both directions of every pair of leaves of one chain are counted
and the majority is reported with its counts. The script prints, per chain:

1. ``feeds`` the data support (more input-of edges along the feed than against it);
2. ``feeds`` the data contradict (goods flow the other way);
3. ``feeds`` without evidence either way (the data are silent; judge by industry knowledge);
4. pairs of leaves with strong evidence (at least ``--min`` edges and at least ``--ratio`` times the
   reverse count) that no feed names, with whether a path of feeds already joins them.

It prints figures for a reviewer; the templates stay hand-written data. Run from the repository root::

    PYTHONPATH=src python benchmarks/truth/check_feeds.py [--data ../shared/data] [--chain nev ...]
        [--min 5] [--ratio 2]

Without ``<data>/chain-kg`` it prints why and exits 0. ``--kg FOLDER`` reads another folder in chain-kg's
shape (``product.json``, ``product_product.json``; JSON array or JSON Lines).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from chain_gap import link
from chain_gap.chains import ChainSpec, list_chains, load_chain
from chain_gap.schema import link_id

ROOT = Path(__file__).resolve().parents[2]
#: relation → True when the edge's *to* product is an input of its *from* product
INPUT_OF_TO = {"上游材料": True, "下游产品": False}


def _rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        return []
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def input_edges(kg: Path) -> tuple[set[str], list[tuple[str, str]], dict[str, set[str]]]:
    """Product names, the (input, output) pairs of chain-kg's supply relations (self-loops dropped) and
    the sub-classes of each product (``产品小类``: *to* is a sub-class of *from*)."""
    names: set[str] = set()
    subclass: dict[str, set[str]] = defaultdict(set)
    if (kg / "product.json").is_file():
        names = {r["name"] for r in _rows(kg / "product.json") if isinstance(r.get("name"), str) and r["name"]}
    pairs: list[tuple[str, str]] = []
    for r in _rows(kg / "product_product.json"):
        a, b, rel = r.get("from_entity"), r.get("to_entity"), str(r.get("rel") or "")
        if not (isinstance(a, str) and isinstance(b, str) and a and b) or a == b:
            continue
        if rel == "产品小类":
            subclass[a].add(b)
        elif rel in INPUT_OF_TO:
            names.update((a, b))
            pairs.append((b, a) if INPUT_OF_TO[rel] else (a, b))
    return names, list(dict.fromkeys(pairs)), dict(subclass)


def leaf_products(spec: ChainSpec, names: set[str], subclass: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Product name → the leaves of ``spec`` whose terms it carries, by the linker's product-line matching.

    With ``subclass``, a sub-class of a matched product that carries no term of its own inherits its
    parent's leaves (one level: "集成电路" → "模拟集成电路").
    """
    m = link._build_matcher([spec])
    back = {link_id(spec.id, lf.id): lf.id for lf in spec.leaves()}
    out: dict[str, set[str]] = {}
    inherited: set[str] = set()
    for name in names:
        evs: defaultdict[str, link._Evidence] = defaultdict(link._Evidence)
        hit = {back[lid] for _, _, lid in link._head_hits(m.automaton, name, evs, m.leaf_chain)}
        if hit:
            out[name] = hit
    for parent, leaves in list(out.items()):
        for child in (subclass or {}).get(parent, ()):
            if child not in out or child in inherited:
                out[child] = out.get(child, set()) | leaves
                inherited.add(child)
    return out


@dataclass
class Review:
    """The evidence of one chain: input-of counts between its leaves and the verdict on every feed."""

    chain: str
    matched: Counter[str]  # leaf -> number of chain-kg products mapped to it
    unmatched: list[str]  # leaves no chain-kg product maps to (their feeds cannot be checked)
    counts: Counter[tuple[str, str]]  # (input leaf, output leaf) -> number of product pairs
    examples: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    supported: list[tuple[str, str, bool, int, int]] = field(default_factory=list)
    contradicted: list[tuple[str, str, bool, int, int]] = field(default_factory=list)
    silent: list[tuple[str, str, bool]] = field(default_factory=list)
    missing: list[tuple[str, str, int, int, bool]] = field(default_factory=list)


def review(
    spec: ChainSpec,
    names: set[str],
    pairs: list[tuple[str, str]],
    subclass: dict[str, set[str]],
    min_n: int = 5,
    ratio: float = 2.0,
) -> Review:
    """Count input-of evidence between the leaves of ``spec`` and judge its feeds against it."""
    mapped = leaf_products(spec, names, subclass)
    matched: Counter[str] = Counter(lf for leaves in mapped.values() for lf in leaves)
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for src, dst in pairs:
        for a in mapped.get(src, ()):
            for b in mapped.get(dst, ()):
                if a != b:
                    counts[(a, b)] += 1
                    if len(examples[(a, b)]) < 3:
                        examples[(a, b)].append((src, dst))
    unmatched = [lf.id for lf in spec.leaves() if lf.id not in matched]
    rv = Review(spec.id, matched, unmatched, counts, dict(examples))
    feeds = spec.feeds_edges()
    graph = nx.DiGraph((a, b) for a, b, _ in feeds)
    fed = {(a, b) for a, b, _ in feeds}
    for a, b, ess in feeds:
        fwd, back = counts[(a, b)], counts[(b, a)]
        if fwd > back:
            rv.supported.append((a, b, ess, fwd, back))
        elif back > fwd:
            rv.contradicted.append((a, b, ess, fwd, back))
        else:
            rv.silent.append((a, b, ess))
    for (a, b), fwd in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        back = counts[(b, a)]
        if (a, b) in fed or (b, a) in fed or fwd < min_n or fwd < ratio * back:
            continue
        path = a in graph and b in graph and nx.has_path(graph, a, b)
        rv.missing.append((a, b, fwd, back, path))
    return rv


def _fmt(a: str, b: str, ess: bool) -> str:
    return f"{a} → {b}" + ("" if ess else " (non-essential)")


def report(rv: Review) -> list[str]:
    """The lines printed for one chain."""
    n_feeds = len(rv.supported) + len(rv.contradicted) + len(rv.silent)
    out = [
        f"== {rv.chain}: {n_feeds} feeds; {len(rv.matched)} leaves matched to "
        f"{sum(rv.matched.values())} chain-kg products; {sum(rv.counts.values())} input-of pairs between leaves"
    ]
    if rv.unmatched:
        out.append(f"  leaves with no chain-kg product ({len(rv.unmatched)}): " + ", ".join(rv.unmatched))
    out.append(f"  supported ({len(rv.supported)}):")
    out += [f"    {_fmt(a, b, e)}: {f} along, {k} against" for a, b, e, f, k in rv.supported]
    out.append(f"  CONTRADICTED ({len(rv.contradicted)}): goods flow the other way")
    for a, b, e, f, k in rv.contradicted:
        ex = "; ".join(f"{s}→{d}" for s, d in rv.examples.get((b, a), []))
        out.append(f"    {_fmt(a, b, e)}: {f} along, {k} against (e.g. {ex})")
    out.append(f"  no evidence either way ({len(rv.silent)}): " + ", ".join(_fmt(a, b, e) for a, b, e in rv.silent))
    out.append(f"  strongly evidenced, not a feed ({len(rv.missing)}):")
    for a, b, f, k, path in rv.missing:
        ex = "; ".join(f"{s}→{d}" for s, d in rv.examples.get((a, b), []))
        out.append(
            f"    {a} → {b}: {f} along, {k} against; {'joined by a feeds path' if path else 'NO feeds path'} (e.g. {ex})"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--kg", type=Path, help="a folder in chain-kg's shape (default: <data>/chain-kg)")
    ap.add_argument("--chain", action="append", help="template id or YAML path (repeatable; default: all shipped)")
    ap.add_argument("--min", type=int, default=5, help="input-of pairs for a missing feed to count as strong")
    ap.add_argument("--ratio", type=float, default=2.0, help="along / against ratio for a strong missing feed")
    args = ap.parse_args(argv)
    kg = args.kg or args.data / "chain-kg"
    if not (kg / "product_product.json").is_file():
        print(f"check_feeds: skipped ({kg / 'product_product.json'} not found)")
        return 0
    names, pairs, subclass = input_edges(kg)
    refs = args.chain or list(list_chains()["id"])
    print(f"chain-kg: {len(names)} product names, {len(pairs)} distinct input-of pairs (上游材料 / 下游产品)")
    for ref in refs:
        print("\n".join(report(review(load_chain(ref), names, pairs, subclass, args.min, args.ratio))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
