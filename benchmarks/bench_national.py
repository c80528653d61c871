"""National-scale benchmark: synthetic population → bundle → 挂链 → gap tables → targets.

Prints time and peak RSS per stage (not a test). Usage::

    python benchmarks/bench_national.py 1000000 [5000000 ...] [--chains nev] [--region 411400]

Each size runs in a fresh subprocess so peak RSS is per run. Goals on the 2-core build machine:
1M end to end ≤ 120 s and ≤ 6 GB peak; 5M within 6× the 1M time.

Baselines measured in the same run, so the ratios do not depend on the machine:
- ``pandas_groupby``: the same counts written by hand — firms per city and per (city, link) from
  the graph's confirmed LINKED_TO edges, with a pandas groupby (what the all-cities gap table, which
  also computes LQ*, must not be much slower than; goal ≤ 3×);
- ``pandas_scan``: a plain pandas ``str.contains`` pass of one keyword over the scope column (the floor
  of any keyword linker).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def run_one(n: int, chains: list[str], region: str, out: Path) -> dict:
    from chain_gap import gaps, io, link, load, synth, targets

    stages: dict[str, dict[str, float]] = {}

    def mark(name: str, t0: float) -> float:
        t = time.perf_counter()
        stages[name] = {"s": round(t - t0, 2), "peak_rss_gb": round(_rss_gb(), 2)}
        print(f"  {name:<22} {t - t0:8.2f} s   peak RSS {_rss_gb():6.2f} GB", flush=True)
        return t

    t = time.perf_counter()
    ents, supply = synth.generate(n=n, seed=0, chains=tuple(chains), focus=None)
    t = mark("generate", t)
    ents.drop(columns=["true_link"]).to_csv(out / "ents.csv", index=False)
    supply.to_csv(out / "supply.csv", index=False)
    del ents
    t = mark("write csv", t)
    res = load.load([out / "ents.csv"], "enterprises")
    G = res.graph
    load.load([out / "supply.csv"], "supply", G)
    t = mark("build (load)", t)
    link.attach(G, chains)
    t = mark("link", t)
    io.save(G, out / "bundle")
    t = mark("save bundle", t)
    all_cities = gaps.table_all(G, chains[0], "city")
    t = mark("gaps all cities", t)
    gt = gaps.table(G, chains[0], region)
    t = mark("gap table one city", t)
    tg = targets.rank(G, chains[0], region, top=100, gap_table=gt)
    t = mark("targets one city", t)
    # baselines: the same counts by hand, straight from the graph, with pandas
    import pandas as pd

    t0 = time.perf_counter()
    regions = pd.Series({n: a.get("region") or "" for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise"})
    region_total = regions.str[:4].value_counts()  # E_r: firms per city
    leaves = [
        n for n, a in G.nodes(data=True) if a.get("kind") == "Link" and a.get("chain") == chains[0] and a.get("leaf")
    ]
    pairs = [
        (u, v)
        for v in leaves
        for u, _, k, d in G.in_edges(v, keys=True, data=True)
        if k == "LINKED_TO" and d.get("decision") == "confirmed" and d.get("performs")
    ]
    mem = pd.DataFrame(pairs, columns=["ent", "link"])
    mem["city"] = mem["ent"].map(regions).str[:4]
    base = mem.groupby(["city", "link"]).size()  # e_rp: firms per (city, link)
    stages["baseline pandas_groupby"] = {"s": round(time.perf_counter() - t0, 3)}
    assert int(base.sum()) == int(all_cities["local"].sum()), "baseline and gap counts differ"
    assert len(region_total) > 0
    scopes = pd.Series([a.get("scope") or "" for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise"])
    t0 = time.perf_counter()
    scopes.str.contains("电池", regex=False).sum()
    stages["baseline pandas_scan"] = {"s": round(time.perf_counter() - t0, 3)}
    total = sum(v["s"] for k, v in stages.items() if not k.startswith("baseline") and k != "write csv")
    return {
        "n": n,
        "stages": stages,
        "end_to_end_s": round(total, 2),
        "peak_rss_gb": round(_rss_gb(), 2),
        "cities": int(all_cities["region"].nunique()),
        "targets": len(tg),
        "baseline_rows": len(base),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    ap.add_argument("--chains", default="nev")
    ap.add_argument("--region", default="411400")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    chains = a.chains.split(",")
    if a.one:
        with tempfile.TemporaryDirectory() as d:
            print(json.dumps(run_one(a.sizes[0], chains, a.region, Path(d))))
        return
    results = []
    for n in a.sizes:
        print(f"== {n:,} enterprises, chains {chains}", flush=True)
        p = subprocess.run(
            [sys.executable, __file__, str(n), "--one", "--chains", a.chains, "--region", a.region],
            capture_output=True,
            text=True,
        )
        sys.stdout.write("\n".join(line for line in p.stdout.splitlines() if not line.startswith("{")) + "\n")
        if p.returncode != 0:
            print(p.stderr[-3000:])
            sys.exit(1)
        res = json.loads([line for line in p.stdout.splitlines() if line.startswith("{")][-1])
        results.append(res)
        s = res["stages"]
        print(
            f"   end to end {res['end_to_end_s']} s, peak RSS {res['peak_rss_gb']} GB; "
            f"gaps all cities / pandas groupby = "
            f"{s['gaps all cities']['s'] / max(s['baseline pandas_groupby']['s'], 1e-3):.1f}x; "
            f"link / pandas one-keyword scan = {s['link']['s'] / max(s['baseline pandas_scan']['s'], 1e-3):.1f}x"
        )
    if len(results) > 1:
        print(
            f"== scaling: {results[-1]['n']:,} / {results[0]['n']:,} time ratio "
            f"{results[-1]['end_to_end_s'] / results[0]['end_to_end_s']:.2f}x"
        )


if __name__ == "__main__":
    main()
