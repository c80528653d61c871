"""Propose per-leaf terms from chain-kg's product-line names (prints candidates; a person reviews them).

For each leaf of the ``nev`` and ``electronics`` templates, counts the product-line names of listed firms
(company_product.json rows above the 0.001 scope-phrase share) that contain one of the leaf's keywords,
products or observed terms, and the product names chain-kg relates to them by 产品小类 (sub-class);
prints the most frequent names per leaf. A reviewer copies the ones that name the link's own product
(not a machine, part or service for it) into the leaf's ``observed_terms`` with a ``terms_source`` note;
chain-kg itself never ships. Reads ``../shared/data``; without it prints why and exits 0.

    python benchmarks/truth/mine_terms.py [--data ../shared/data] [--top 15]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from chain_gap.chains import load_chain

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args(argv)
    kg = args.data / "chain-kg"
    if not (kg / "company_product.json").is_file():
        print(f"mine_terms: skipped ({kg} not found)")
        return 0
    names: Counter[str] = Counter()
    for r in _rows(kg / "company_product.json"):
        share, name = r.get("rel_weight"), r.get("product_name")
        if isinstance(name, str) and (share is None or float(share) > 0.0011):
            names[name] += 1
    subclass: dict[str, set[str]] = defaultdict(set)
    for r in _rows(kg / "product_product.json"):
        rel = str(r.get("rel") or "")
        a, b = r.get("from_entity"), r.get("to_entity")
        if "小类" in rel and isinstance(a, str) and isinstance(b, str):
            subclass[a].add(b)
    for chain in ("nev", "electronics"):
        for leaf in load_chain(chain).leaves():
            stems = [*leaf.keywords, *leaf.products, *leaf.observed_terms]
            seen = {n: c for n, c in names.items() if any(s in n for s in stems)}
            for s in stems:
                for sub in subclass.get(s, ()):
                    seen.setdefault(sub, names.get(sub, 0))
            top = sorted(seen.items(), key=lambda x: (-x[1], x[0]))[: args.top]
            print(f"{chain}/{leaf.id}: " + "、".join(f"{n}({c})" for n, c in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
