"""Bundle save / load benchmark against a bare pyarrow write / read of the same tables (not a test).

Builds a graph of N synthetic firms (``chain_gap.synth`` through the ``enterprises`` and ``supply``
mappings, linked to ``nev``), then times in one run:

- ``io.save`` to a new path, ``io.save`` of the unchanged graph again (writes nothing), ``io.load``;
- the floor: ``pyarrow.parquet.write_table`` (zstd) of the very tables the bundle holds plus the
  sha256 of each file, and ``read_table`` plus sha256 (checksums in both, as the scale issue asks);
- ``io.append`` of a 2,000-firm delta into the bundle (the O(new rows) path);
- optionally (``--v1 COMMIT``) the version-1 ``io.py`` of that commit, to show there is no regression.

Goal (issue 15): save and load ≤ 3 × the floor. Run from the repository root::

    python benchmarks/bench_bundle.py [--n 100000] [--v1 1ee277f]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def build(n: int, tmp: Path) -> nx.MultiDiGraph:
    from chain_gap import link, load, synth

    ents, supply = synth.generate(n=n, seed=0, chains=("nev",), focus=None)
    ents.drop(columns=["true_link"]).to_csv(tmp / "ents.csv", index=False)
    supply.to_csv(tmp / "supply.csv", index=False)
    G = load.load([tmp / "ents.csv"], "enterprises").graph
    load.load([tmp / "supply.csv"], "supply", G)
    link.attach(G, ["nev"])
    return G


def timed(fn, *args, repeat: int = 2):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def floor(bundle: Path, tmp: Path) -> tuple[float, float]:
    """pyarrow write + sha256 and read + sha256 of the same tables the bundle holds."""
    from chain_gap import io

    m = io.read_manifest(bundle)
    tables = [
        pq.read_table(bundle / p["file"]) for s in ("nodes", "edges") for meta in m[s].values() for p in meta["parts"]
    ]
    out = tmp / "floor"
    out.mkdir(exist_ok=True)

    def write() -> None:
        for i, t in enumerate(tables):
            f = out / f"{i}.parquet"
            pq.write_table(t, f, compression="zstd")
            hashlib.sha256(f.read_bytes()).hexdigest()

    def read() -> None:
        for i in range(len(tables)):
            f = out / f"{i}.parquet"
            data = f.read_bytes()
            hashlib.sha256(data).hexdigest()
            pq.read_table(f)

    return timed(write)[0], timed(read)[0]


def v1_module(commit: str):  # type: ignore[no-untyped-def]
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:src/chain_gap/io.py"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "io_v1.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("io_v1", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--v1", default=None, help="commit whose version-1 io.py to time as well (e.g. 1ee277f)")
    args = ap.parse_args()
    from chain_gap import io, synth

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        t = time.perf_counter()
        G = build(args.n, tmp)
        print(
            f"graph of {args.n:,} firms: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges "
            f"(built in {time.perf_counter() - t:.1f} s)"
        )
        counter = iter(range(100))
        t_save, _ = timed(lambda: io.save(G, tmp / f"b{next(counter)}"))
        bundle = tmp / "b0"
        t_resave, _ = timed(io.save, G, bundle)
        t_load, H = timed(io.load, bundle)
        assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
        f_write, f_read = floor(bundle, tmp)
        size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
        print(f"bundle: {size / 1e6:.1f} MB")
        print(
            f"save   {t_save:7.2f} s   floor (pyarrow write + sha256) {f_write:6.2f} s   ratio {t_save / f_write:5.1f}x"
        )
        print(
            f"load   {t_load:7.2f} s   floor (pyarrow read + sha256)  {f_read:6.2f} s   ratio {t_load / f_read:5.1f}x"
        )
        print(f"save of the unchanged graph (writes nothing): {t_resave:.2f} s")

        ents, _ = synth.generate(n=2000, seed=99, chains=("nev",), focus=None)
        from chain_gap import load

        ents.drop(columns=["true_link"]).to_csv(tmp / "delta.csv", index=False)
        D = load.load([tmp / "delta.csv"], "enterprises").graph
        t = time.perf_counter()
        io.append(bundle, D)
        t_append = time.perf_counter() - t
        print(
            f"append of {D.number_of_nodes():,} nodes into the {args.n:,}-firm bundle: {t_append:.2f} s "
            f"(vs {t_save:.2f} s for a full save)"
        )
        if args.v1:
            v1 = v1_module(args.v1)
            c1 = iter(range(100))
            t1_save, _ = timed(lambda: v1.save(G, tmp / f"v1_{next(c1)}"))
            t1_load, _ = timed(v1.load, tmp / "v1_0")
            print(
                f"version 1 ({args.v1}): save {t1_save:.2f} s ({t1_save / f_write:.1f}x), "
                f"load {t1_load:.2f} s ({t1_load / f_read:.1f}x)"
            )
    print(f"peak RSS {__import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
