"""National-scale benchmark: synthetic population → bundle → 挂链 → gap tables → targets.

Prints time and peak RSS per stage (not a test). Usage::

    python benchmarks/bench_national.py 1000000 [5000000 ...] [--chains nev] [--region 411400]

Each size runs in a fresh subprocess so peak RSS is per run (peak RSS is the process's high-water
mark: a stage's figure is the largest so far; "this stage's peak" is its own, the high-water mark
being reset between stages where Linux allows it). Goals (issue 15), each printed with its
figure and "met" / "NOT met": end-to-end peak RSS ≤ 3 GB at 1M and ≤ 12 GB at 5M; time growth
≤ 1.1 × the size growth (1M → 5M ≤ 5.5×); the ratios below; ``chain-gap --help`` ≤ 3 × ``python -c
"import click"``; ``chains list`` on the C YAML loader.

Baselines measured in the same run, so the ratios do not depend on the machine:
- ``pandas_groupby``: the same counts and LQ* written by hand — from the graph, the columns the gap
  table's definition reads (every firm's region, ``linkable`` and tags; the confirmed performing
  LINKED_TO edges), firms per city and per (city, link) with a pandas groupby, LQ* against the rest
  of the nation, checked equal to ``gaps.table_all`` (goal ≤ 3×);
- ``pandas_scan``: a plain pandas ``str.contains`` pass of one keyword over the scope column (the floor
  of any keyword linker);
- ``pyarrow write`` / ``pyarrow read``: ``write_table`` (zstd) + sha256 and sha256 + ``read_table`` of the
  very tables the bundle holds (the floor of ``io.save`` / ``io.load``, goal ≤ 3×);
- ``pyarrow read needed``: a fresh process that imports pyarrow, hashes and reads the parts
  ``chain-gap gaps`` needs (the floor of that command as a whole process, goal ≤ 5×);
- ``targets from tables``: the same kind of top list by hand — the confirmed producers of the chain
  read from the graph's LINKED_TO edges with region and size, the SUPPLIES pairs, then for the firms
  outside the region on the links the gap table says to act on: link priority × (1 + size
  percentile) × (1 + supplies to local firms), best link per firm, top N (the floor of
  ``targets.rank``, goal ≤ 3×);
- ``small load into empty``: ``chain-gap load`` of a 2,000-firm file into an empty folder, as a process
  (the floor of the same file loaded ``--into`` the big bundle: O(new rows) means ≤ 2×, start-up included).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_PEAK = [0.0]  # the run's high-water mark, kept here: resetting VmHWM also lowers ru_maxrss


def _rss_gb() -> float:
    _PEAK[0] = max(_PEAK[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024)
    return _PEAK[0]


def _stage_peak_gb() -> float | None:
    """Peak RSS since the last :func:`_reset_peak` (Linux ``VmHWM``), or None where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    """Start a stage's own peak: ``5`` in ``/proc/self/clear_refs`` resets ``VmHWM`` (Linux ≥ 4.0)."""
    _rss_gb()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _floors(out: Path) -> dict[str, dict[str, float]]:
    """pyarrow write + sha256 and read + sha256 of the very tables the bundle holds (checksums in both)."""
    import hashlib

    import pyarrow.parquet as pq

    from chain_gap import io

    m = io.read_manifest(out / "bundle")
    files = [out / "bundle" / p["file"] for s in ("nodes", "edges") for meta in m[s].values() for p in meta["parts"]]
    tables = [pq.read_table(f) for f in files]
    (out / "floor").mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for i, tb in enumerate(tables):
        f = out / "floor" / f"{i}.parquet"
        pq.write_table(tb, f, compression="zstd")
        hashlib.sha256(f.read_bytes()).hexdigest()
    w = time.perf_counter() - t0
    del tables
    t0 = time.perf_counter()
    for i in range(len(files)):
        f = out / "floor" / f"{i}.parquet"
        hashlib.sha256(f.read_bytes()).hexdigest()
        pq.read_table(f)
    r = time.perf_counter() - t0
    return {"baseline pyarrow write": {"s": round(w, 3)}, "baseline pyarrow read": {"s": round(r, 3)}}


def _cli_gaps(bundle: Path, chain: str, region: str) -> dict[str, dict[str, float]]:
    """`chain-gap gaps BUNDLE` as a whole process, and a bare pyarrow read (its own process) of the
    parts it needs (enterprises, LINKED_TO, the Link nodes of the chain), with checksums."""
    from chain_gap import io

    m = io.read_manifest(bundle)
    need = [
        str(bundle / p["file"])
        for s, kinds in (("nodes", ("Enterprise", "Link")), ("edges", ("LINKED_TO",)))
        for k in kinds
        for p in m[s].get(k, {"parts": []})["parts"]
    ]
    code = (
        "import hashlib, sys, pyarrow as pa, pyarrow.parquet as pq\n"
        "for f in sys.argv[1:]:\n"
        "    d = open(f, 'rb').read(); hashlib.sha256(d).hexdigest(); pq.read_table(pa.BufferReader(d))\n"
        # skip the interpreter's teardown: pyarrow's thread pools can abort it (SIGABRT, "terminate called
        # without an active exception", apache/arrow#34314) after the work is done
        "import os; os._exit(0)\n"
    )
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *need], check=True)
    floor = time.perf_counter() - t0
    cmd = [sys.executable, "-m", "chain_gap.cli", "gaps", str(bundle), "--chain", chain, "--region", region]
    timef = bundle.parent / "time.txt"
    t0 = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(timef), *cmd, "-o", str(bundle.parent / "gaps.csv")],
        capture_output=True,
        text=True,
    )
    s = time.perf_counter() - t0
    if p.returncode not in (0, 3):
        raise SystemExit(p.stderr[-2000:])
    rss = int(timef.read_text().split()[-1]) / 1024 / 1024
    print(f"  {'cli gaps (process)':<22} {s:8.2f} s   (children peak RSS {rss:.2f} GB)", flush=True)
    return {"cli gaps process": {"s": round(s, 2)}, "baseline pyarrow read needed": {"s": round(floor, 3)}}


def _gaps_floor(G: Any, chain: str, all_cities: Any) -> float:
    """The floor of ``gaps.table_all``: the same counts and LQ* by hand with pandas, from the graph.

    The columns the gap table's definition reads: every firm's region, ``linkable`` (the reference
    population is the firms the linker could read) and tags (firms that no longer operate are left
    out), the confirmed performing LINKED_TO edges of the chain's leaves; then E_r per city, e_rp per
    (city, link) and LQ* against the rest of the nation. Checked equal to the gap table's."""
    import numpy as np
    import pandas as pd

    from chain_gap import vocab

    t0 = time.perf_counter()
    firms = [(n, a) for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise"]
    ents = pd.DataFrame(
        {
            "region": [a.get("region") or "" for _, a in firms],
            "linkable": [a.get("linkable") for _, a in firms],
            "inactive": [bool(t) and vocab.is_inactive(t) for t in (a.get("tags") for _, a in firms)],
        },
        index=[n for n, _ in firms],
    )
    ents = ents[~ents["inactive"]]
    city = ents["region"].where(ents["region"].str.fullmatch(r"\d{6}") & ~ents["region"].str.endswith("0000"), "")
    ents["city"] = city.str[:4] + "00"
    pop = ents[ents["linkable"].fillna(False).astype(bool)] if ents["linkable"].notna().any() else ents
    Er = pop[city.loc[pop.index] != ""].groupby("city").size().astype(float)
    leaves = [n for n, a in G.nodes(data=True) if a.get("kind") == "Link" and a.get("chain") == chain and a.get("leaf")]
    pairs = {
        (u, v.split("/", 1)[1])
        for v in leaves
        for u, _, k, d in G.in_edges(v, keys=True, data=True)
        if k == "LINKED_TO" and d.get("decision") == "confirmed" and d.get("performs")
    }
    mem = pd.DataFrame(list(pairs), columns=["ent", "link"])
    mem["city"] = mem["ent"].map(ents["city"].where(city != ""))  # NaN: inactive, or no city
    X = mem.dropna(subset=["city"]).groupby(["city", "link"]).size().unstack(fill_value=0).astype(float)
    X = X.reindex(index=Er.index, fill_value=0.0)
    E, Ep = float(Er.sum()), X.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (X.div(Er, axis=0) / (Ep - X).div(E - Er, axis=0)).where(X > 0, 0.0)
    s = time.perf_counter() - t0
    got = all_cities.set_index(["region", "link"])
    want = lq.stack().rename("lq")
    assert int(X.to_numpy().sum()) == int(got["local"].sum()), "baseline and gap counts differ"
    common = want.index.intersection(got.index)
    assert len(common) > 0 and np.allclose(
        want.loc[common].to_numpy(float), got.loc[common, "lq_star"].to_numpy(float), equal_nan=True
    ), "baseline and gap LQ* differ"
    return s


def _targets_floor(G: Any, gt: Any, chain: str, region: str, top: int) -> float:
    """The floor of ``targets.rank``: the same kind of top list from the graph, by hand with pandas.

    The confirmed producers of every link of the chain, read from the graph's LINKED_TO edges with
    their region and size (the local ones are what a candidate would supply), the SUPPLIES pairs
    (supplier fit), then the producers outside the region of the links the gap table says to act
    on (target actions): score = link priority × (1 + size percentile) × (1 + supplies to local
    firms), the best link per firm, top N."""
    import pandas as pd

    from chain_gap import vocab

    t0 = time.perf_counter()
    rows = gt[gt["action"].isin(vocab.TARGET_ACTIONS)]
    act = dict(zip(chain + "/" + rows["link"], rows["priority"].astype(float), strict=True))  # link node ids
    node = G.nodes
    leaves = [chain + "/" + link for link in gt["link"]]
    mem = pd.DataFrame(
        [
            (u, v, str(node[u].get("region") or ""), node[u].get("revenue") or node[u].get("reg_capital"))
            for v in leaves
            if v in G
            for u, _, k, d in G.in_edges(v, keys=True, data=True)
            if k == "LINKED_TO" and d.get("decision") == "confirmed" and d.get("performs")
        ],
        columns=["ent", "link", "region", "size"],
    )
    local = set(mem.loc[mem["region"].str.startswith(region[:4]), "ent"])
    supplies = pd.DataFrame([(u, v) for u, v, k in G.edges(keys=True) if k == "SUPPLIES"], columns=["s", "b"])
    to_local = supplies[supplies["b"].isin(local)].groupby("s").size()
    df = mem[mem["link"].isin(act.keys()) & ~mem["ent"].isin(local)].copy()
    size = pd.to_numeric(df["size"], errors="coerce").astype(float)
    fit = df["ent"].map(to_local).fillna(0).astype(float)
    df["score"] = df["link"].map(act).astype(float) * (1.0 + size.rank(pct=True)) * (1.0 + fit)
    df.sort_values("score", ascending=False).drop_duplicates("ent").nlargest(max(top, 1), "score")
    return time.perf_counter() - t0


def _append_small(out: Path, chains: list[str], n_new: int = 2000) -> dict[str, dict[str, float]]:
    """``chain-gap load --into`` the big bundle with a small file (``n_new`` new firms), as a process,
    against the same command into an empty folder (the O(new rows) floor)."""
    from chain_gap import synth

    ents, _ = synth.generate(n=n_new, seed=7, chains=tuple(chains), focus=None)
    ents = ents.drop(columns=["true_link"])
    ents["name"] = "新增" + ents["name"].astype(str)  # other firms than the big population's (other seed)
    ents.to_csv(out / "new.csv", index=False)
    times = {}
    for label, into in (("small load into empty", out / "empty.bundle"), ("small load into big", out / "bundle")):
        cmd = [sys.executable, "-m", "chain_gap.cli", "load", str(out / "new.csv"), "--source", "enterprises"]
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--into", str(into)], check=True, capture_output=True)
        times[label] = {"s": round(time.perf_counter() - t0, 2)}
        print(f"  {label:<22} {times[label]['s']:8.2f} s   ({n_new:,} firms, a process)", flush=True)
    return times


def _startup() -> dict[str, dict[str, float]]:
    """``chain-gap --help`` and ``chain-gap chains list`` as processes against ``import click`` (best of 3)."""
    import yaml

    def best(args: list[str]) -> float:
        ts = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, *args], check=True, capture_output=True)
            ts.append(time.perf_counter() - t0)
        return round(min(ts), 3)

    from chain_gap import _yaml

    res = {
        "import click": {"s": best(["-c", "import click"])},
        "cli --help": {"s": best(["-m", "chain_gap.cli", "--help"])},
        "chains list": {"s": best(["-m", "chain_gap.cli", "chains", "list"])},
    }
    c_safe = getattr(yaml, "CSafeLoader", None)
    res["chains list"]["c_yaml"] = float(c_safe is not None and issubclass(_yaml._Loader, c_safe))
    return res


def run_one(n: int, chains: list[str], region: str, out: Path) -> dict:
    from chain_gap import gaps, io, link, load, synth, targets

    stages: dict[str, dict[str, float]] = {}

    def mark(name: str, t0: float) -> float:
        t = time.perf_counter()
        own = _stage_peak_gb()
        stages[name] = {"s": round(t - t0, 2), "peak_rss_gb": round(_rss_gb(), 2)}
        if own is not None:
            stages[name]["stage_peak_rss_gb"] = round(own, 2)
        print(
            f"  {name:<22} {t - t0:8.2f} s   peak RSS {_rss_gb():6.2f} GB"
            + (f"   this stage's peak {own:6.2f} GB" if own is not None else ""),
            flush=True,
        )
        _reset_peak()
        gc.collect()  # each stage starts without the collection debt of the ones before (not timed)
        return time.perf_counter()

    import gc

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
    del G, res  # res.graph is the same graph: drop both, so load bundle's peak is its own
    gc.collect()
    _reset_peak()
    t = time.perf_counter()
    G = io.load(out / "bundle")
    t = mark("load bundle", t)
    stages.update(_floors(out))
    _reset_peak()
    t = time.perf_counter()
    all_cities = gaps.table_all(G, chains[0], "city")
    t = mark("gaps all cities", t)
    gt = gaps.table(G, chains[0], region)
    t = mark("gap table one city", t)
    tg = targets.rank(G, chains[0], region, top=100, gap_table=gt)
    t = mark("targets one city", t)
    # baselines: the same counts and LQ* by hand, straight from the graph, with pandas
    gc.collect()
    stages["baseline pandas_groupby"] = {"s": round(_gaps_floor(G, chains[0], all_cities), 3)}
    gc.collect()
    stages["baseline targets from tables"] = {"s": round(_targets_floor(G, gt, chains[0], region, len(tg)), 3)}
    import pandas as pd

    scopes = pd.Series([a.get("scope") or "" for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise"])
    t0 = time.perf_counter()
    scopes.str.contains("电池", regex=False).sum()
    stages["baseline pandas_scan"] = {"s": round(time.perf_counter() - t0, 3)}
    stages.update(_cli_gaps(out / "bundle", chains[0], region))
    stages.update(_append_small(out, chains))
    total = sum(
        v["s"]
        for k, v in stages.items()
        if not k.startswith(("baseline", "cli")) and k not in ("write csv", "load bundle")
    )
    return {
        "n": n,
        "stages": stages,
        "end_to_end_s": round(total, 2),
        "peak_rss_gb": round(_rss_gb(), 2),
        "cities": int(all_cities["region"].nunique()),
        "targets": len(tg),
        "baseline_rows": len(all_cities),
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

        print(f"   KB per enterprise (peak RSS / n) = {res['peak_rss_gb'] * 1024 * 1024 / res['n']:.2f}")
        for name, a_, b_, goal in _RATIO_GOALS:
            _goal(name, s[a_]["s"] / max(s[b_]["s"], 1e-3), goal, "x")
        mem_goal = _MEMORY_GOALS.get(res["n"])
        if mem_goal is not None:
            _goal(f"peak RSS at {res['n']:,} firms (GB)", res["peak_rss_gb"], mem_goal, " GB")
    if len(results) > 1:
        growth = results[-1]["end_to_end_s"] / results[0]["end_to_end_s"]
        size = results[-1]["n"] / results[0]["n"]
        _goal(f"time growth {results[0]['n']:,} → {results[-1]['n']:,} firms", growth, 1.1 * size, "x")
    st = _startup()
    print("== start-up (best of 3 processes)")
    _goal("chain-gap --help / python -c 'import click'", st["cli --help"]["s"] / st["import click"]["s"], 3.0, "x")
    print(
        f"   chain-gap chains list {st['chains list']['s']:.2f} s, C YAML loader "
        f"{'in use' if st['chains list']['c_yaml'] else 'NOT in use'} (goal: in use)"
    )


# (name, measured stage, floor stage, goal ratio): every ratio goal of issue 15 this script measures
_RATIO_GOALS = [
    ("gaps all cities / pandas groupby", "gaps all cities", "baseline pandas_groupby", 3.0),
    ("targets one city / top list from the tables", "targets one city", "baseline targets from tables", 3.0),
    ("save bundle / pyarrow write+sha256", "save bundle", "baseline pyarrow write", 3.0),
    ("load bundle / pyarrow read+sha256", "load bundle", "baseline pyarrow read", 3.0),
    ("chain-gap gaps process / pyarrow read of its parts", "cli gaps process", "baseline pyarrow read needed", 5.0),
    ("small load --into the big bundle / into an empty one", "small load into big", "small load into empty", 2.0),
]
_MEMORY_GOALS = {1_000_000: 3.0, 5_000_000: 12.0}  # end-to-end peak RSS, GB


def _goal(name: str, value: float, goal: float, unit: str) -> None:
    mark = "met" if value <= goal else "NOT met"
    print(f"   {name:<56} {value:7.2f}{unit}  (goal ≤ {goal:g}{unit}: {mark})", flush=True)


if __name__ == "__main__":
    main()
