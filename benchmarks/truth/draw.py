"""Draw the firms of the hand-labelled 挂链 truth set (prints a CSV; run once, the output is committed).

The draw never reads any evidence the linker uses (no products, names, keywords or Shenwan codes):
it reads only the listed firms of the public A-share list (``status == "L"`` in
``../shared/data/ashare-basic/stock_basic_2026.csv``) and their Tushare industry, and samples
uniformly at random with a fixed seed

* within Tushare industries that plausibly hold producers of each chain (the strata below, one
  chain per stratum; each firm drawn there is judged for that chain), and
* uniformly among all listed firms not drawn yet (judged for both chains: mostly negatives).

Tushare industry is public knowledge and is not read by the linker; the strata still bias the set
towards the firms a reader of industry lists would look at first (see README.md, "Bias").

Each firm gets its half: ``A`` when the first byte of ``sha256(ts_code)`` is even, else ``B``.

Run from the repository root::

    python benchmarks/truth/draw.py [--data ../shared/data] > benchmarks/truth/drawn.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 14
#: (chain, Tushare industry, firms drawn). Order matters for the seeded draw.
STRATA: tuple[tuple[str, str, int], ...] = (
    ("nev", "汽车整车", 7),
    ("nev", "汽车配件", 20),
    ("nev", "电气设备", 13),
    ("nev", "小金属", 5),
    ("nev", "化工原料", 5),
    ("electronics", "元器件", 18),
    ("electronics", "半导体", 15),
    ("electronics", "通信设备", 9),
    ("electronics", "IT设备", 5),
    ("electronics", "家用电器", 3),
)
UNIFORM = 24
#: Second round (seed ``SEED2``), drawn the same way among the firms not drawn in round 1, after the
#: first measurement showed that half B held only 4 positive nev pairs (too few to read a recall from).
SEED2 = 1402
STRATA2: tuple[tuple[str, str, int], ...] = (
    ("nev", "汽车整车", 6),
    ("nev", "汽车配件", 14),
    ("nev", "电气设备", 12),
    ("nev", "小金属", 4),
    ("nev", "化工原料", 4),
    ("electronics", "元器件", 8),
    ("electronics", "半导体", 6),
    ("electronics", "通信设备", 4),
)


def half(ts_code: str) -> str:
    """``A`` when the first byte of sha256(ts_code) is even, else ``B``."""
    return "A" if hashlib.sha256(ts_code.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def listed(path: Path) -> list[dict[str, str]]:
    """Listed rows of the A-share list, sorted by ts_code (the draw does not depend on file order)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("status") == "L"]
    return sorted(rows, key=lambda r: r["ts_code"])


def _round(
    rows: list[dict[str, str]],
    rng: random.Random,
    strata: tuple[tuple[str, str, int], ...],
    uniform: int,
    taken: set[str],
    label: str,
) -> list[dict[str, str]]:
    """One stratified round among the firms not in ``taken`` (updated in place)."""
    out: list[dict[str, str]] = []
    for chain, industry, n in strata:
        pool = [r for r in rows if r["industry"] == industry and r["ts_code"] not in taken]
        for r in rng.sample(pool, n):
            taken.add(r["ts_code"])
            out.append({**r, "stratum": f"{chain}:{industry}", "chains": chain, "round": label})
    rest = [r for r in rows if r["ts_code"] not in taken]
    for r in rng.sample(rest, uniform):
        taken.add(r["ts_code"])
        out.append({**r, "stratum": "uniform", "chains": "nev electronics", "round": label})
    return out


def draw(rows: list[dict[str, str]], seed: int = SEED, seed2: int = SEED2) -> list[dict[str, str]]:
    """Stratified uniform draw in two rounds; one output row per firm."""
    taken: set[str] = set()
    out = _round(rows, random.Random(seed), STRATA, UNIFORM, taken, "1")
    out += _round(rows, random.Random(seed2), STRATA2, 0, taken, "2")
    for r in out:
        r["half"] = half(r["ts_code"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    src = args.data / "ashare-basic" / "stock_basic_2026.csv"
    if not src.is_file():
        print(f"truth draw: skipped ({src} not found)", file=sys.stderr)
        return 0
    fields = ["ts_code", "name", "area", "industry", "stratum", "chains", "half", "round"]
    w = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(draw(listed(src)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
