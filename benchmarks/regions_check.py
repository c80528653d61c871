"""Region levels on the real data: how many firms reach each level, stated or inferred, and what a city-
or county-level request gives (prints figures; not a test). See docs/regions.md.

Loads ``../shared/data`` as ``benchmarks/real_link_check.py`` does (chain-kg, then the 2026 A-share
list), links ``nev``, and prints

1. located firms and the share whose code reaches the city / county level, by ``region_inferred`` rule;
2. for each request (default 郑州市, 宁德市, 江阴市 × nev): level coverage, the inferred share, the
   verdict counts, the banner, the number of targets, and the same with the coverage threshold off
   (what the table would say if the threshold were not in force);
3. ``--sample N``: a uniform seeded draw of N firms whose city or county comes from the head of their
   legal name, with the name and the inferred place side by side, for judging by eye.

Run from the repository root (works on a checkout without the inference too, for the figures before)::

    PYTHONPATH=src python benchmarks/regions_check.py [--data ../shared/data] [--sample 40] [--seed 2260]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import real_link_check as R  # noqa: E402

from chain_gap import codes, gaps, link, targets, vocab  # noqa: E402

REQUESTS = (("郑州市", "nev"), ("宁德市", "nev"), ("深圳市", "nev"), ("江阴市", "nev"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=HERE.parents[0].parent / "shared" / "data")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=2260)
    args = ap.parse_args(argv)
    if not (args.data / "chain-kg" / "company.json").exists():
        print(f"no data at {args.data}; nothing measured")
        return 0
    G = R.build_graph(args.data)
    ents = [(n, a) for n, a in G.nodes(data=True) if a.get("kind") == vocab.ENTERPRISE]
    active = [(n, a) for n, a in ents if not vocab.is_inactive(a.get("tags") or [])]
    located = [(n, a) for n, a in active if a.get("region")]
    print(f"enterprises {len(ents)}, active {len(active)}, located {len(located)}")
    for level in ("city", "county"):
        reach = [(n, a) for n, a in located if codes.region_levels(a["region"]).get(level)]
        rules = Counter(a.get("region_inferred") or "stated" for _, a in reach)
        share = len(reach) / len(located) if located else 0.0
        print(f"  reach {level}: {len(reach)} ({share:.1%}) by rule {dict(rules)}")
    link.attach(G, ["nev"])
    for region, chain in REQUESTS:
        for label, cfg in (("in force", None), ("threshold off", {"data": {"min_level_coverage": 0.0}})):
            t = gaps.table(G, chain, region, config=cfg)
            a = t.attrs
            verdicts = dict(Counter(t["verdict"]))
            ranked = targets.rank(G, chain, region, gap_table=t)
            inside = 0
            if len(ranked):
                reg = codes.resolve_region(region)
                inside = sum(1 for c in ranked["region"].astype(str) if reg.code == c or reg.code in codes.ancestors(c))
            print(
                f"{region} × {chain} [{label}]: coverage {a['level_coverage']:.1%}, inferred "
                f"{a.get('level_inferred', 0.0):.1%}, verdicts {verdicts}, targets {len(ranked)} "
                f"(inside the region: {inside})"
            )
            if label == "in force":
                print(f"  banner: {a.get('coverage_banner', '')}")
    if args.sample:
        heads = [
            (n, a)
            for n, a in located
            if a.get("region_inferred") == "name_head" and codes.resolve_region(a["region"]).level != "province"
        ]
        heads.sort(key=lambda x: x[0])
        pick = random.Random(args.seed).sample(heads, min(args.sample, len(heads)))
        print(f"\nsample of {len(pick)} of {len(heads)} firms with a city / county from the name head")
        for n, a in sorted(pick, key=lambda x: x[0]):
            print(f"{n}\t{a.get('name')}\t{codes.resolve_region(a['region']).full_name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
