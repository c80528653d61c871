"""挂链 on real data: A-share companies against the NEV and 电子信息 templates (prints figures; not a test).

Loads the A-share industrial-chain knowledge graph (``../shared/data/chain-kg``: companies, Shenwan
industries, products with revenue shares) and the A-share list (legal names, provinces), links every
company to the ``nev`` and ``electronics`` templates with :func:`chain_gap.link.attach`, and prints

1. per-link counts of confirmed / uncertain / rejected ``LINKED_TO`` edges (and how many of the
   confirmed ones are producers that gap analysis counts), chain by chain;
2. a random sample of confirmed edges, drawn with a fixed seed, *stratified*: ``--per-chain``
   edges from each chain (default 25 + 25 = 50), so the precision of both templates is measured on
   the same footing although the chains have different numbers of edges. For each drawn edge the
   company's short and legal name, Shenwan industry, the link, confidence, role, the linker's
   evidence, the company products that carried each matched term, and its top products by revenue
   share (from ``MAKES`` edges), so a reader can judge whether the company really produces in that
   link. ``--md`` prints the sample as a Markdown table with empty verdict columns, the starting point
   of ``benchmarks/real_link_check.md``.

Listed companies have no business scope and no GB/T 4754 code in these sources, so the evidence is
products (strong) and names (weak) only.

Run from the repository root::

    python benchmarks/real_link_check.py [--seed 20261] [--per-chain 25] [--data ../shared/data] [--md]

The data folder is read-only and is not shipped; without it the script prints why and exits 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import link
from chain_gap import load as L
from chain_gap.chains import load_chain

ROOT = Path(__file__).resolve().parents[1]
CHAINS = ("nev", "electronics")
DECISIONS = ("confirmed", "uncertain", "rejected")


def build_graph(data: Path) -> nx.MultiDiGraph:
    """chain-kg companies, products and industries, then the A-share list for legal names and regions."""
    res = L.load([data / "chain-kg"], "chain-kg")
    L.load([data / "ashare-basic" / "stock_basic_2026.csv"], "ashare", res.graph)
    return res.graph


def link_edges(G: nx.MultiDiGraph, chains: Iterable[str] | None = CHAINS, firm: bool = False) -> pd.DataFrame:
    """One row per LINKED_TO edge of ``chains`` (None: every chain); with ``firm``, the firm's
    ``ts_code`` and short name too."""
    keep = None if chains is None else set(chains)
    cols = ["ent", "link", "chain", "leaf", "decision", "role", "performs", "confidence", "method", "evidence"]
    cols += ["primary", *(["ts_code", "name"] if firm else [])]
    rows = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if k != "LINKED_TO" or (keep is not None and d.get("chain") not in keep):
            continue
        row = {
            "ent": u,
            "link": v,
            "chain": d["chain"],
            "leaf": v.split("/", 1)[1],
            "decision": d["decision"],
            "role": d["role"],
            "performs": bool(d.get("performs")),
            "confidence": d["confidence"],
            "method": d["method"],
            "evidence": d["evidence"],
            "primary": bool(d.get("primary")),
        }
        if firm:
            a = G.nodes[u]
            row["ts_code"] = str(a.get("stock_code") or "")
            row["name"] = str(a.get("short_name") or a.get("name") or u)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def linked_graph(data: Path, chains: list[str], graph: Path | None, save: Path | None, label: str) -> Any:
    """The real-data graph linked to ``chains`` (read from a ``--graph`` pickle, written to a ``--save``
    one: a local cache of the benchmark, never an exchanged file), or None with a printed reason when
    ``data`` is absent."""
    import pickle

    if graph is None and (
        not (data / "chain-kg" / "company.json").is_file()
        or not (data / "ashare-basic" / "stock_basic_2026.csv").is_file()
    ):
        print(f"{label}: skipped ({data} not found; it sits beside the repository in development)")
        return None
    t0 = time.perf_counter()
    if graph is not None:
        with graph.open("rb") as fh:
            G = pickle.load(fh)
    else:
        G = build_graph(data)
        link.attach(G, chains)
        if save is not None:
            with save.open("wb") as fh:
                pickle.dump(G, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"graph ready in {time.perf_counter() - t0:.1f} s")
    return G


def count_table(edges: pd.DataFrame, chain: str) -> pd.DataFrame:
    """Per-leaf counts for one chain, in template order, including leaves nobody links to."""
    spec = load_chain(chain)
    sub = edges[edges["chain"] == chain]
    tab = sub.groupby(["leaf", "decision"]).size().unstack(fill_value=0)
    tab = tab.reindex(columns=list(DECISIONS), fill_value=0)
    prod = sub[(sub["decision"] == "confirmed") & sub["performs"]].groupby("leaf").size()
    out = []
    for leaf in spec.leaves():
        row = tab.loc[leaf.id] if leaf.id in tab.index else pd.Series(0, index=list(DECISIONS))
        out.append(
            {
                "link": leaf.id,
                "name": leaf.name,
                **{d: int(row[d]) for d in DECISIONS},
                "confirmed_producers": int(prod.get(leaf.id, 0)),
            }
        )
    return pd.DataFrame(out)


def products_of(G: nx.MultiDiGraph, ent: str) -> list[tuple[str, float | None]]:
    """The company's MAKES products, largest revenue share first."""
    ps = [
        (G.nodes[p].get("name", p), d.get("share"))
        for _, p, k, d in G.out_edges(ent, keys=True, data=True)
        if k == "MAKES"
    ]
    return sorted(ps, key=lambda x: -(x[1] if x[1] is not None else -1))


def shenwan_of(G: nx.MultiDiGraph, ent: str) -> str:
    names = [
        G.nodes[i].get("name", i)
        for _, i, k in G.out_edges(ent, keys=True)
        if k == "CLASSIFIED_AS" and G.nodes[i].get("scheme") == "sw2021"
    ]
    return "、".join(sorted(names))


def matched_terms(evidence: str) -> list[str]:
    """The product/name terms the linker reported (``产品:a、b; 名称:c``)."""
    terms: list[str] = []
    for part in evidence.split("; "):
        head, _, body = part.partition(":")
        if head in ("产品", "名称"):
            terms += [t for t in body.split("、") if t]
    return terms


def fmt_share(s: float | None) -> str:
    return "?" if s is None else f"{s:.1%}"


def carriers(prods: list[tuple[str, float | None]], terms: list[str]) -> str:
    """Which of the company's products contain each matched term (what the linker actually read)."""
    out = []
    for t in dict.fromkeys(terms):
        hits = [f"{p}({fmt_share(s)})" for p, s in prods if t.lower() in str(p).lower()]
        if hits:
            out.append(f"{t} ⊂ " + "、".join(hits[:3]) + (" …" if len(hits) > 3 else ""))
    return "; ".join(out)


def draw(edges: pd.DataFrame, seed: int, per_chain: int) -> pd.DataFrame:
    """``per_chain`` confirmed edges per chain, drawn with ``random.Random(seed)`` from a sorted list."""
    rng = random.Random(seed)
    picks = []
    for chain in CHAINS:
        conf = edges[(edges["chain"] == chain) & (edges["decision"] == "confirmed")]
        conf = conf.sort_values(["ent", "link"], ignore_index=True)
        idx = sorted(rng.sample(range(len(conf)), min(per_chain, len(conf))))
        picks.append(conf.iloc[idx])
    return pd.concat(picks, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seed", type=int, default=20261)
    ap.add_argument("--per-chain", type=int, default=25)
    ap.add_argument("--top", type=int, default=5, help="top products by share to print per company")
    ap.add_argument("--md", action="store_true", help="print the sample as a Markdown table to fill in")
    args = ap.parse_args(argv)
    data = args.data
    if (
        not (data / "chain-kg" / "company.json").is_file()
        or not (data / "ashare-basic" / "stock_basic_2026.csv").is_file()
    ):
        print(f"real-data link check: skipped ({data} not found; it sits beside the repository in development)")
        return 0

    t0 = time.perf_counter()
    G = build_graph(data)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    link.attach(G, list(CHAINS))
    t_link = time.perf_counter() - t0
    ents = [n for n, k in G.nodes(data="kind") if k == "Enterprise"]
    with_products = sum(1 for n in ents if any(k == "MAKES" for *_, k in G.out_edges(n, keys=True)))
    edges = link_edges(G)
    print(
        f"graph: {len(ents):,} enterprises ({with_products:,} with products); load {t_load:.1f} s, link {t_link:.1f} s"
    )
    pd.set_option("display.width", 200, "display.max_rows", 200)
    for chain in CHAINS:
        tab = count_table(edges, chain)
        firms = edges[(edges["chain"] == chain) & (edges["decision"] == "confirmed")]["ent"].nunique()
        tot = tab[list(DECISIONS)].sum()
        print(
            f"\n== {chain}: {len(tab)} leaves, {int((tab['confirmed'] > 0).sum())} with a confirmed firm; "
            f"edges confirmed {tot['confirmed']}, uncertain {tot['uncertain']}, rejected {tot['rejected']}; "
            f"{firms} distinct confirmed firms"
        )
        print(tab.to_string(index=False))
    print("\nmethods of confirmed edges:", edges[edges["decision"] == "confirmed"]["method"].value_counts().to_dict())

    sample = draw(edges, args.seed, args.per_chain)
    print(f"\n== sample: seed {args.seed}, {args.per_chain} confirmed edges per chain ({len(sample)} in all)")
    rows_md = []
    for i, r in enumerate(sample.itertuples(), 1):
        a = G.nodes[r.ent]
        prods = products_of(G, r.ent)
        top = "、".join(f"{p}({fmt_share(s)})" for p, s in prods[: args.top])
        lname = G.nodes[r.link].get("name", r.leaf)
        carry = carriers(prods, matched_terms(r.evidence))
        short = a.get("short_name") or ""
        if args.md:
            rows_md.append(
                f"| {i} | {short} | {a.get('name', '')} | {r.chain}/{r.leaf} {lname} | "
                f"{r.evidence}; {carry} | {top} |  |  |"
            )
            continue
        print(f"\n[{i:2d}] {short} · {a.get('name', '')} ({a.get('stock_code', '')}) · 申万: {shenwan_of(G, r.ent)}")
        print(
            f"     link: {r.chain}/{r.leaf} {lname} · confidence {r.confidence} · role {r.role} · primary {r.primary}"
        )
        print(f"     evidence: {r.evidence}")
        print(f"     carried by: {carry}")
        print(f"     top products: {top}")
    if args.md:
        print("| # | company | legal name | link | evidence (matched term ⊂ product) | top products | correct | why |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(rows_md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
