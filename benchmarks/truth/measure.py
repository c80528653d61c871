"""挂链 and verdicts on real data, measured against the hand-labelled truth set (prints figures; not a test).

Loads ``../shared/data`` exactly as ``benchmarks/real_link_check.py`` does (chain-kg companies,
Shenwan industries and products, then the 2026 A-share list), links every firm to ``nev`` and
``electronics`` with :func:`chain_gap.link.attach`, and prints per chain

1. confirmed firms and the links with no firm nationally (no confirmed firm; no firm at all);
2. recall on the hand-labelled pairs of ``judgements.csv``, halves A and B apart (a positive pair is
   found when the linker's ``LINKED_TO`` edge for that firm → link is confirmed; also confirmed or
   uncertain), on all positive pairs and on those whose firm has chain-kg product lines;
3. precision on the judged firms: the linker's confirmed edges on a judged firm × chain that the
   judgement does not say yes to are wrong (the judgement lists every link the firm makes in that
   chain, so the set is closed per firm × chain);
4. verdict counts by province (``gaps.table`` per province);
5. distinct target scores in the top 20 of ``targets.rank`` for 河南省 × nev;
6. the well-known clusters of ``clusters.csv`` with the verdict the tool gives and whether it matches;
7. precision on a fresh seeded sample of confirmed edges (``precision_sample.csv``, judged by hand);
   ``--sample`` prints the draw with the evidence a judge needs.

Run from the repository root::

    python benchmarks/truth/measure.py [--data ../shared/data] [--seed 1414] [--n 50] [--sample]
        [--save /tmp/g.pkl | --graph /tmp/g.pkl]

``--save`` pickles the linked graph and ``--graph`` reads it back instead of loading and linking (the
full load takes minutes on a shared machine). The data folder is read-only and is not shipped;
without it the script prints why and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import real_link_check as R  # noqa: E402

from chain_gap import gaps, targets  # noqa: E402
from chain_gap.chains import load_chain  # noqa: E402

CHAINS = R.CHAINS
PRESENT = {"fragile", "weak", "strong", "anchored"}
STRONG = {"strong", "anchored"}
# the verdicts each expected class of clusters.csv accepts (no_data is never right: the data can see the link)
EXPECTED = {
    "present": PRESENT,
    "strong": STRONG,
    "not_strong": {"missing", "fragile", "weak"},
    "missing": {"missing"},
}


def half(ts_code: str) -> str:
    """``A`` when the first byte of sha256(ts_code) is even, else ``B`` (as in draw.py)."""
    return "A" if hashlib.sha256(ts_code.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def symbol(code: object) -> str:
    """The six digits of a stock code (``600373.SH`` / ``600373`` → ``600373``)."""
    return str(code or "").split(".")[0].strip()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def check_judgements(judg: list[dict[str, str]]) -> None:
    """Every row has its six fields, a known chain and leaf (or ``-`` with ``no``), yes / no."""
    leaves = {c: {leaf.id for leaf in load_chain(c).leaves()} for c in CHAINS}
    for i, r in enumerate(judg, 2):
        bad = None in r or any(v is None for v in r.values())
        bad = bad or r["chain"] not in leaves or r["judgement"] not in ("yes", "no")
        bad = bad or (r["link"] != "-" and r["link"] not in leaves[r["chain"]])
        bad = bad or (r["link"] == "-" and r["judgement"] != "no")
        if bad:
            raise SystemExit(f"judgements.csv line {i} is malformed: {r}")


def firms_by_symbol(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Enterprise nodes per six-digit stock code."""
    out: dict[str, list[str]] = defaultdict(list)
    for n, d in G.nodes(data=True):
        if d.get("kind") == "Enterprise" and d.get("stock_code"):
            out[symbol(d["stock_code"])].append(n)
    return out


def pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.2f}" if b else f"{a}/0 = n/a"


def recall_block(
    judg: list[dict[str, str]],
    edges: pd.DataFrame,
    by_sym: dict[str, list[str]],
    G,
    show: str = "A",
    lines: bool = False,
) -> None:
    """Recall per chain and half, on all positives and on firms with product lines.

    Only the misses of half ``show`` are listed (``A`` by default: half B is held apart while tuning, its
    figures are printed but not its rows); ``lines`` adds each missed firm's product lines and Shenwan industry."""
    dec = {(r.ent, r.chain, r.leaf): r.decision for r in edges.itertuples()}
    has_products = {s: any(k == "MAKES" for n in ns for *_, k in G.out_edges(n, keys=True)) for s, ns in by_sym.items()}
    print("\n== recall on the hand-labelled set (positive pairs; found = confirmed edge / confirmed or uncertain)")
    print("chain        half  positives  found(confirmed)  found(conf+unc)  | with product lines: conf  conf+unc")
    missed: list[str] = []
    for chain in (*CHAINS, "all"):
        for h in ("A", "B", "A+B"):
            pos = [
                r
                for r in judg
                if r["judgement"] == "yes"
                and (chain == "all" or r["chain"] == chain)
                and (h == "A+B" or half(r["ts_code"]) == h)
            ]
            c = cu = cp = cup = npos_p = 0
            for r in pos:
                ds = [dec.get((n, r["chain"], r["link"])) for n in by_sym.get(symbol(r["ts_code"]), [])]
                conf = "confirmed" in ds
                unc = conf or "uncertain" in ds
                c += conf
                cu += unc
                if has_products.get(symbol(r["ts_code"])):
                    npos_p += 1
                    cp += conf
                    cup += unc
                if chain != "all" and h == show and not conf:
                    state = "uncertain" if unc else ("rejected" if "rejected" in ds else "no edge")
                    prods = "products" if has_products.get(symbol(r["ts_code"])) else "no product lines"
                    missed.append(f"  {r['ts_code']} {r['name']} {r['chain']}/{r['link']}: {state} ({prods})")
                    if lines:
                        missed.append(_miss_detail(G, edges, by_sym.get(symbol(r["ts_code"]), []), r))
            print(
                f"{chain:12s} {h:4s}  {len(pos):9d}  {pct(c, len(pos)):16s}  {pct(cu, len(pos)):15s}  | "
                f"{pct(cp, npos_p):14s}  {pct(cup, npos_p)}"
            )
    print(f"\nmissed positive pairs of half {show} (not confirmed):")
    print("\n".join(missed))


def _miss_detail(G: nx.MultiDiGraph, edges: pd.DataFrame, ents: list[str], r: dict[str, str]) -> str:
    """A missed pair's firm: Shenwan industry, product lines with shares, and any edge of the pair."""
    out = []
    for n in ents:
        prods = R.products_of(G, n)
        top = "、".join(f"{p}({R.fmt_share(s)})" for p, s in prods[:12])
        e = edges[(edges["ent"] == n) & (edges["chain"] == r["chain"]) & (edges["leaf"] == r["link"])]
        ev = "; ".join(f"{x.decision} {x.evidence}" for x in e.itertuples()) or "-"
        out.append(f"     申万 {R.shenwan_of(G, n)} | edge: {ev}\n     lines: {top or '-'}")
    return "\n".join(out)


def precision_judged(
    judg: list[dict[str, str]], edges: pd.DataFrame, by_sym: dict[str, list[str]], show: str = "A"
) -> None:
    """Confirmed edges on judged firm × chain, checked against the judgement (closed per firm × chain)."""
    yes = {(symbol(r["ts_code"]), r["chain"], r["link"]) for r in judg if r["judgement"] == "yes"}
    judged = {(symbol(r["ts_code"]), r["chain"]) for r in judg}
    ent_sym = {n: s for s, ns in by_sym.items() for n in ns}
    conf = edges[edges["decision"] == "confirmed"]
    print("\n== precision of confirmed edges on the judged firms")
    wrong_rows = []
    for chain in (*CHAINS, "all"):
        for h in ("A", "B", "A+B"):
            ok = bad = 0
            for r in conf.itertuples():
                s = ent_sym.get(r.ent)
                if s is None or (s, r.chain) not in judged or (chain != "all" and r.chain != chain):
                    continue
                code = next(x["ts_code"] for x in judg if symbol(x["ts_code"]) == s)
                if h != "A+B" and half(code) != h:
                    continue
                if (s, r.chain, r.leaf) in yes:
                    ok += 1
                else:
                    bad += 1
                    if chain != "all" and h == show:
                        wrong_rows.append(f"  {code} {r.chain}/{r.leaf}: {r.evidence}")
            print(f"{chain:12s} {h:4s}  confirmed edges {ok + bad:3d}, right {pct(ok, ok + bad)}")
    print(f"wrong confirmed edges on judged firms of half {show}:")
    print("\n".join(wrong_rows) or "  none")


def province_codes(G: nx.MultiDiGraph) -> list[str]:
    """Province codes of the located enterprises."""
    out = set()
    for _, d in G.nodes(data=True):
        if d.get("kind") == "Enterprise" and d.get("region"):
            out.add(str(d["region"])[:2] + "0000")
    return sorted(out)


def verdicts_by_province(G: nx.MultiDiGraph) -> dict[tuple[str, str], pd.DataFrame]:
    """gaps.table for every province and chain; prints the verdict counts."""
    tables: dict[tuple[str, str], pd.DataFrame] = {}
    provs = province_codes(G)
    for chain in CHAINS:
        rows = []
        for p in provs:
            t = gaps.table(G, chain, p)
            name = str(t["region_name"].iloc[0]) if len(t) else p
            tables[(chain, name)] = t
            rows.append({"province": name, **Counter(t["verdict"]), "links": len(t)})
        df = pd.DataFrame(rows).fillna(0)
        cols = ["province", *[c for c in ("missing", "fragile", "weak", "strong", "anchored", "no_data") if c in df]]
        extra = [c for c in df.columns if c not in cols and c != "links"]
        df = df[cols + extra + ["links"]]
        for c in df.columns[1:]:
            df[c] = df[c].astype(int)
        print(f"\n== verdict counts by province, {chain}")
        print(df.to_string(index=False))
        tot = df.drop(columns=["province"]).sum()
        print("total:", {k: int(v) for k, v in tot.items()})
    return tables


def target_scores(G: nx.MultiDiGraph, gt: pd.DataFrame) -> None:
    tg = targets.rank(G, "nev", "河南省", top=20, gap_table=gt)
    print(f"\n== targets.rank 河南省 × nev, top {len(tg)}: {tg['score'].round(6).nunique()} distinct scores")
    for r in tg.head(20).itertuples():
        print(f"  {r.rank:2d} {r.score:.4f} {r.name} · {r.link} · {r.province_name}")


def cluster_block(
    tables: dict[tuple[str, str], pd.DataFrame], edges: pd.DataFrame, by_sym: dict[str, list[str]]
) -> None:
    """Each case is right when the verdict has the expected class and a named firm is a local producer."""
    rows = read_csv(HERE / "clusters.csv")
    prod = edges[(edges["decision"] == "confirmed") & edges["performs"]]
    producers = set(zip(prod["ent"], prod["chain"], prod["leaf"], strict=True))
    print(
        f"\n== well-known clusters ({len(rows)} cases; present = fragile/weak/strong/anchored, "
        "strong = strong/anchored, not_strong = missing/fragile/weak, missing = missing; right = class matches "
        "and, where firms are named, a named firm is a confirmed producer there)"
    )
    ok = ok_class = 0
    for r in rows:
        t = tables.get((r["chain"], r["region"]))
        row = t[t["link"] == r["link"]] if t is not None else pd.DataFrame()
        v = str(row["verdict"].iloc[0]) if len(row) else "not in data"
        local = int(row["local"].iloc[0]) if len(row) else 0
        top = str(row["top_local"].iloc[0]) if len(row) and "top_local" in row else ""
        named = [c for c in r["firms"].split(";") if c]
        found = [c for c in named if any((n, r["chain"], r["link"]) in producers for n in by_sym.get(symbol(c), []))]
        want = EXPECTED[r["expected"]]
        hit_class = v in want
        # a present / strong case needs a named firm among the confirmed local producers; a missing or
        # not-strong case names none (nothing there to find)
        hit = hit_class and (bool(found) or not named)
        ok += hit
        ok_class += hit_class
        print(
            f"  {'OK ' if hit else 'BAD'} {r['region']} × {r['chain']}/{r['link']}: expected {r['expected']}, "
            f"tool {v} (local {local}: {top or '-'}); named firms linked {len(found)}/{len(named)} — {r['reason']}"
        )
    print(f"clusters right: {pct(ok, len(rows))} (verdict class alone: {pct(ok_class, len(rows))})")


def draw_sample(
    edges: pd.DataFrame, seed: int, n: int, chain: str | None = None, exclude: frozenset = frozenset()
) -> pd.DataFrame:
    """``n`` confirmed edges (of ``chain`` or both), uniformly: the ``n`` with the smallest
    sha256(seed|firm|link) (a bottom-k sample). Each edge keeps its key when the linker changes, so a
    change that adds or removes a few edges moves only those in the sample and the judgements stay usable."""
    conf = edges[edges["decision"] == "confirmed"]
    if chain is not None:
        conf = conf[conf["chain"] == chain]
    conf = conf[[(e, v) not in exclude for e, v in zip(conf["ent"], conf["link"], strict=True)]]
    key = [
        hashlib.sha256(f"{seed}|{e}|{v}".encode()).hexdigest() for e, v in zip(conf["ent"], conf["link"], strict=True)
    ]
    conf = conf.assign(_key=key).sort_values("_key", ignore_index=True).head(n)
    return conf.drop(columns="_key").sort_values(["chain", "ent", "link"], ignore_index=True)


def _show(G: nx.MultiDiGraph, sample: pd.DataFrame, start: int) -> None:
    for i, r in enumerate(sample.itertuples(), start):
        a = G.nodes[r.ent]
        prods = R.products_of(G, r.ent)
        top = "、".join(f"{p}({R.fmt_share(s)})" for p, s in prods[:6])
        print(
            f"[{i:2d}] {a.get('stock_code', '')} {a.get('short_name') or a.get('name', '')} · {r.chain}/{r.leaf}"
            f" · {r.role} · 申万 {R.shenwan_of(G, r.ent)}\n     evidence: {r.evidence}\n"
            f"     carried by: {R.carriers(prods, R.matched_terms(r.evidence))}\n     top: {top}"
        )


def _score(G: nx.MultiDiGraph, sample: pd.DataFrame, judged: dict, chains: tuple[str, ...]) -> None:
    drawn = [(symbol(G.nodes[r.ent].get("stock_code")), r.chain, r.leaf) for r in sample.itertuples()]
    got = [judged.get(k) for k in drawn]
    for chain in chains:
        sel = [g for k, g in zip(drawn, got, strict=True) if chain == "all" or k[1] == chain]
        y = sum(g == "yes" for g in sel)
        u = sum(g == "unclear" for g in sel)
        print(
            f"  {chain:12s} judged {len(sel) - sum(g is None for g in sel)}: yes {y}, unclear {u}, "
            f"no {sum(g == 'no' for g in sel)}; strict {pct(y, len(sel))}, lenient {pct(y + u, len(sel))}"
        )
    missing = sum(g is None for g in got)
    if missing:
        print(f"  {missing} drawn edges have no judgement in precision_sample.csv (the linker changed since)")


def sample_block(
    G: nx.MultiDiGraph, edges: pd.DataFrame, seed: int, n: int, n_nev: int, show: bool, top: str = "nev"
) -> None:
    """The uniform sample (``n`` edges, ``seed``) and a top-up of chain ``top`` (``n_nev`` more edges, ``seed + 1``)."""
    sample = draw_sample(edges, seed, n)
    extra = draw_sample(edges, seed + 1, n_nev, top, frozenset(zip(sample["ent"], sample["link"], strict=True)))
    print(f"\n== precision sample: seed {seed}, {len(sample)} confirmed edges drawn uniformly over both chains")
    if show:
        _show(G, sample, 1)
        print(f"-- {top} top-up: seed {seed + 1}, {len(extra)} more {top} edges")
        _show(G, extra, len(sample) + 1)
    path = HERE / "precision_sample.csv"
    if not path.is_file():
        print("precision_sample.csv not written yet")
        return
    judged = {(symbol(r["ts_code"]), r["chain"], r["link"]): r["judgement"] for r in read_csv(path)}
    _score(G, sample, judged, (*CHAINS, "all"))
    both = pd.concat([sample[sample["chain"] == top], extra], ignore_index=True)
    print(f"{top} on the uniform sample plus the top-up (seed {seed + 1}): {len(both)} edges")
    _score(G, both, judged, (top,))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seed", type=int, default=1418)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--n-nev", type=int, default=25, help="edges of --top-chain drawn on top of the uniform sample")
    ap.add_argument("--top-chain", choices=CHAINS, default="nev", help="chain of the top-up sample (default nev)")
    ap.add_argument("--sample", action="store_true", help="print the precision sample with its evidence")
    ap.add_argument("--save", type=Path, help="pickle the linked graph here")
    ap.add_argument("--graph", type=Path, help="read a linked graph pickled by --save")
    ap.add_argument(
        "--show", choices=("A", "B", "A+B"), default="A", help="half whose misses and wrong edges are listed"
    )
    ap.add_argument("--lines", action="store_true", help="list each missed firm's product lines and Shenwan industry")
    args = ap.parse_args(argv)
    data = args.data
    G = R.linked_graph(data, list(CHAINS), args.graph, args.save, "truth measure")
    if G is None:
        return 0
    edges = R.link_edges(G)
    by_sym = firms_by_symbol(G)
    pd.set_option("display.width", 220, "display.max_rows", 200)

    for chain in CHAINS:
        sub = edges[edges["chain"] == chain]
        leaves = [leaf.id for leaf in load_chain(chain).leaves()]
        conf_leaves = set(sub[sub["decision"] == "confirmed"]["leaf"])
        any_leaves = set(sub[sub["decision"].isin(["confirmed", "uncertain"])]["leaf"])
        firms = sub[sub["decision"] == "confirmed"]["ent"].nunique()
        nofirm = [x for x in leaves if x not in conf_leaves]
        print(
            f"\n== {chain}: {firms} confirmed firms; {len(leaves)} links, {len(nofirm)} with no confirmed firm "
            f"nationally, {len([x for x in leaves if x not in any_leaves])} with no confirmed or uncertain firm"
        )
        print("  no confirmed firm:", ", ".join(nofirm))

    judg = read_csv(HERE / "judgements.csv")
    check_judgements(judg)
    recall_block(judg, edges, by_sym, G, args.show, args.lines)
    precision_judged(judg, edges, by_sym, args.show)
    tables = verdicts_by_province(G)
    target_scores(G, tables[("nev", "河南省")])
    cluster_block(tables, edges, by_sym)
    sample_block(G, edges, args.seed, args.n, args.n_nev, args.sample, args.top_chain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
