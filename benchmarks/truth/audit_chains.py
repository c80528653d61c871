"""挂链 precision on the ten chains that were not tuned by hand (prints figures; not a test).

``nev`` and ``electronics`` were tuned and judged in ``measure.py``; this script audits the other shipped
templates on the same real data (``../shared/data``: chain-kg + the 2026 A-share list, loaded as
``benchmarks/real_link_check.py`` does, then ``link.attach`` on **all** shipped chains). Per audited chain it
prints

1. confirmed firms, confirmed edges and the links with no confirmed firm nationally;
2. a seeded uniform sample of ``--n`` confirmed edges (bottom-k by ``sha256(seed|firm|link)``, as
   ``measure.draw_sample``) among the firms of **half A** only (``draw.half(ts_code)``: half B stays unread),
   scored against the hand judgements of ``chain_audit.csv`` (yes / unclear / no): strict = yes / drawn,
   lenient = (yes + unclear) / drawn; drawn edges with no judgement yet are counted and listed.

``--sample`` prints each drawn edge with the evidence a judge needs (Shenwan industry, the product lines that
carried the terms, top lines). ``--save`` / ``--graph`` pickle the linked graph; ``--diff OLD.pkl`` prints the
confirmed edges added and removed against an older linked graph (half-A firms only, with their judgement when
one exists), to hand-check what a template change did.

Run from the repository root::

    PYTHONPATH=src python benchmarks/truth/audit_chains.py [--seed 1500] [--n 20] [--sample]
        [--save /tmp/g.pkl | --graph /tmp/g.pkl] [--diff /tmp/old.pkl] [--chain food]

Without ``../shared/data`` (and no ``--graph``) it prints why and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import pickle
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import real_link_check as R  # noqa: E402

from chain_gap.chains import list_chains, load_chain  # noqa: E402

TUNED = ("nev", "electronics")
JUDGEMENTS = ("yes", "unclear", "no")
FIELDS = ["chain", "ts_code", "name", "link", "judgement", "reason"]


def half(ts_code: str) -> str:
    """``A`` when the first byte of sha256(ts_code) is even, else ``B`` (as ``draw.half``)."""
    return "A" if hashlib.sha256(ts_code.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def all_chains() -> list[str]:
    return sorted(str(c) for c in list_chains()["id"])


def audited_chains() -> list[str]:
    return [c for c in all_chains() if c not in TUNED]


def read_judgements(path: Path = HERE / "chain_audit.csv") -> dict[tuple[str, str, str], dict[str, str]]:
    """(chain, ts_code, link) → row."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["chain"], r["ts_code"], r["link"]): r for r in csv.DictReader(fh)}


def draw_sample(conf: pd.DataFrame, seed: int, n: int) -> pd.DataFrame:
    """``n`` confirmed edges of half-A firms: the smallest sha256(seed|firm|link) (bottom-k)."""
    conf = conf[[bool(c) and half(c) == "A" for c in conf["ts_code"]]]
    key = [
        hashlib.sha256(f"{seed}|{e}|{v}".encode()).hexdigest() for e, v in zip(conf["ent"], conf["link"], strict=True)
    ]
    return conf.assign(_key=key).sort_values("_key").head(n).drop(columns="_key").sort_values(["leaf", "ts_code"])


def show_edge(G: nx.MultiDiGraph, r, verdict: dict[str, str] | None) -> str:
    prods = R.products_of(G, r.ent)
    top = "、".join(f"{p}({R.fmt_share(s)})" for p, s in prods[:8])
    j = f"[{verdict['judgement']}: {verdict['reason']}]" if verdict else "[NOT JUDGED]"
    return (
        f"  {r.ts_code} {r.name} · {r.chain}/{r.leaf} · {r.role} · 申万 {R.shenwan_of(G, r.ent)} {j}\n"
        f"      evidence: {r.evidence}\n      carried by: {R.carriers(prods, R.matched_terms(r.evidence))}\n"
        f"      top: {top}"
    )


def pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.2f}" if b else f"{a}/0 = n/a"


def audit(G: nx.MultiDiGraph, edges: pd.DataFrame, chains: list[str], seed: int, n: int, show: bool) -> None:
    judged = read_judgements()
    tot = Counter()
    print(f"\n{'chain':18s} {'links':>5s} {'no-firm':>7s} {'firms':>5s} {'edges':>5s}  sample (seed {seed}, half A)")
    out: list[str] = []
    for chain in chains:
        leaves = [leaf.id for leaf in load_chain(chain).leaves()]
        conf = edges[(edges["chain"] == chain) & (edges["decision"] == "confirmed")]
        nofirm = [x for x in leaves if x not in set(conf["leaf"])]
        sample = draw_sample(conf, seed, n)
        got = [judged.get((chain, r.ts_code, r.leaf)) for r in sample.itertuples()]
        c = Counter(g["judgement"] if g else "unjudged" for g in got)
        for k in (*JUDGEMENTS, "unjudged"):
            tot[k] += c[k]
        unj = f", {c['unjudged']} unjudged" if c["unjudged"] else ""
        print(
            f"{chain:18s} {len(leaves):5d} {len(nofirm):7d} {conf['ent'].nunique():5d} {len(conf):5d}  "
            f"yes {c['yes']} unclear {c['unclear']} no {c['no']}{unj}: strict {pct(c['yes'], len(sample))}, "
            f"lenient {pct(c['yes'] + c['unclear'], len(sample))}"
        )
        out.append(f"\n== {chain}: no confirmed firm: {', '.join(nofirm) or '-'}")
        for r, g in zip(sample.itertuples(), got, strict=True):
            if show or g is None:
                out.append(show_edge(G, r, g))
            elif g["judgement"] != "yes":
                out.append(f"  {g['judgement']:7s} {r.ts_code} {r.name} {chain}/{r.leaf}: {g['reason']}")
    s = tot["yes"] + tot["unclear"] + tot["no"] + tot["unjudged"]
    print(
        f"{'all audited':18s} {'':5s} {'':7s} {'':5s} {'':5s}  yes {tot['yes']} unclear {tot['unclear']} "
        f"no {tot['no']}: strict {pct(tot['yes'], s)}, lenient {pct(tot['yes'] + tot['unclear'], s)}"
    )
    print("\n".join(out))


def diff(G: nx.MultiDiGraph, edges: pd.DataFrame, old_path: Path, chains: list[str]) -> None:
    """Confirmed edges added / removed against an older linked graph (half-A firms listed)."""
    with old_path.open("rb") as fh:
        old = R.link_edges(pickle.load(fh), None, firm=True)
    judged = read_judgements()

    def keyset(df: pd.DataFrame) -> dict[tuple[str, str], pd.Series]:
        c = df[(df["decision"] == "confirmed") & df["chain"].isin(chains)]
        return {(r.ent, r.link): r for r in c.itertuples()}

    now, before = keyset(edges), keyset(old)
    for label, a, b in (("removed", before, now), ("added", now, before)):
        gone = [r for k, r in a.items() if k not in b]
        print(f"\n== {label}: {len(gone)} confirmed edges ({Counter(r.chain for r in gone)})")
        hidden = 0
        for r in sorted(gone, key=lambda r: (r.chain, r.leaf, r.ts_code)):
            if not r.ts_code or half(r.ts_code) != "A":
                hidden += 1
                continue
            j = judged.get((r.chain, r.ts_code, r.leaf))
            tag = f"[{j['judgement']}: {j['reason']}]" if j else "[NOT JUDGED]"
            prods = R.products_of(G, r.ent)[:6] if r.ent in G else []
            top = "、".join(f"{p}({R.fmt_share(s)})" for p, s in prods)
            print(f"  {r.ts_code} {r.name} · {r.chain}/{r.leaf} {tag}\n      evidence: {r.evidence}  {top}")
        print(f"  ({hidden} on half-B firms, not listed)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seed", type=int, default=1500)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--chain", action="append", help="audit only this chain (repeatable)")
    ap.add_argument("--sample", action="store_true", help="print every drawn edge with its evidence")
    ap.add_argument("--save", type=Path, help="pickle the linked graph here")
    ap.add_argument("--graph", type=Path, help="read a linked graph pickled by --save")
    ap.add_argument("--diff", type=Path, help="a linked graph pickled before a change: list the edge diff")
    args = ap.parse_args(argv)
    data = args.data
    G = R.linked_graph(data, all_chains(), args.graph, args.save, "chain audit")
    if G is None:
        return 0
    chains = args.chain or audited_chains()
    edges = R.link_edges(G, None, firm=True)
    audit(G, edges, chains, args.seed, args.n, args.sample)
    if args.diff is not None:
        diff(G, edges, args.diff, chains)
    return 0


if __name__ == "__main__":
    sys.exit(main())
