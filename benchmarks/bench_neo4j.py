"""Push, pull and bulk import against a real Neo4j 5.26 Community server (prints figures).

    python benchmarks/bench_neo4j.py [N=20000] [--no-import]

Builds a synthetic graph of N firms (``chain_gap.synth`` → load → 挂链 ``nev``), starts the test server
that ``scripts/setup --test`` builds (``tests/neo4j_server.py``; with ``NEO4J_URI`` set, that server is
used and the import part is skipped), then times: ``push`` (rows/s over nodes + relationships), a
second, idempotent ``push``, a national ``pull(chain=)``, one province's gap counts computed in the
database with the cookbook's own Q1-Q3 (``graph/cypher/cookbook.cypher``, parameterised) against
``gaps.table`` / ``gaps.table_all``, a region-scoped pull, and the bulk path (``export_admin_import`` → the
real ``neo4j-admin database import full`` → a second server → pull → the cookbook again). Every pulled
graph's gap table is compared with the embedded one. Not part of CI.

Measured (100,000 firms: 103,782 nodes + 297,868 relationships; 2 cores shared with other work, load 4-7):
graph build 167 s; server start 68 s; push 263 s (1,525 rows/s); push again 80 s (5,000 rows/s, nothing
created); national pull 36 s; cookbook Q1-Q3 for 410000 in the database 5.2 s (embedded gaps.table +
table_all 9.7 s): 368 (link, city) counts, equal. A quieter run of the same push took 57 s (7,000
rows/s): the server's own work (``execute_write``) is 77-86 % of push time, Python batch preparation
7-13 s, and batches of 50,000 were not faster. The run stopped at the pulled gap table: ``anchor_firms``
listed tied anchors in graph order (fixed in ``gaps.table``). 20,000 firms after the fix (quieter machine):
push 15 s (5,860 rows/s), again 5.6 s, pull 5.2 s, cookbook in the database equal (214 counts), admin
import 4.7 s (18,800 rows/s), every gap table equal.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CHAIN = "nev"
# the JIT at full strength and a bigger heap: this measures throughput, not start-up
JAVA_OPTS = "-Xms1g -Xmx2g -XX:+UseParallelGC"


def _graph(n: int, out: Path):
    from chain_gap import link, load, synth

    ents, supply = synth.generate(n=n, seed=0, chains=(CHAIN,))
    ents.drop(columns=["true_link"]).to_csv(out / "ents.csv", index=False)
    supply.to_csv(out / "supply.csv", index=False)
    G = load.load([out / "ents.csv"], "enterprises").graph
    load.load([out / "supply.csv"], "supply", G)
    link.attach(G, [CHAIN])
    return G


def _same_gaps(G, H, region: str) -> str:
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps

    assert_frame_equal(gaps.table(H, CHAIN, region), gaps.table(G, CHAIN, region))
    return "gap table equals the embedded one"


def _in_db_gaps(driver, G, province: str) -> str:
    """One province's gap counts computed in Neo4j with the cookbook's own statements, against ``gaps``.

    Q1 (firms per leaf link per city of the province), Q2 (missing links of the province, with national
    firm counts) and Q3 (single-firm links) run as written in ``graph/cypher/cookbook.cypher``, with
    parameters; the embedded side is ``gaps.table`` for the province and ``gaps.table_all`` for its cities.
    """
    from chain_gap import _cookbook, gaps

    q = _cookbook.queries()
    params = {"chain": CHAIN, "province": province, "region": province}
    t0 = time.perf_counter()
    with driver.session() as s:
        got = {k: [r.data() for r in s.run(q[k], params)] for k in ("Q1", "Q2", "Q3")}
    db_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = gaps.table(G, CHAIN, province).set_index("link")
    prefix = province[:2]
    cities = gaps.table_all(G, CHAIN, "city")
    cities = cities[cities["region"].astype(str).str.startswith(prefix) & (cities["local"] > 0)]
    emb_s = time.perf_counter() - t0

    def short(link_id: str) -> str:
        return link_id.split("/", 1)[1]

    diffs = []
    db_city = {(short(r["link"]), r["city"]): r["firms"] for r in got["Q1"]}
    emb_city = {(r.link, str(r.region)): int(r.local) for r in cities.itertuples()}
    for key in sorted(set(db_city) | set(emb_city)):
        if db_city.get(key, 0) != emb_city.get(key, 0):
            diffs.append(f"Q1 {key}: db {db_city.get(key, 0)} embedded {emb_city.get(key, 0)}")
    missing = {short(r["link"]): r["national_firms"] for r in got["Q2"]}
    want_missing = {k: int(n) for k, n in table.loc[table["local"] == 0, "national"].items()}
    if missing != want_missing:
        diffs.append(f"Q2 missing links: db {missing} embedded {want_missing}")
    single = {short(r["link"]) for r in got["Q3"]}
    if single != set(table.index[table["local"] == 1]):
        diffs.append(f"Q3 single-firm links: db {sorted(single)} embedded {sorted(table.index[table['local'] == 1])}")
    per_link: dict[str, int] = {}
    for (link, _), n in db_city.items():
        per_link[link] = per_link.get(link, 0) + n
    if any(per_link.get(k, 0) != int(v) for k, v in table["local"].items()):
        diffs.append("Q1 summed over cities differs from the province's local counts (firms known at province level?)")
    print(
        f"  cookbook Q1-Q3 in the database ({province}) {db_s:8.2f} s   (gaps.table + table_all embedded {emb_s:.2f} s)"
    )
    print(
        f"    {len(got['Q1'])} (link, city) counts, {len(missing)} missing, {len(single)} single-firm links; "
        + ("equal to the embedded gap table" if not diffs else "DIFFERENCES:\n      " + "\n      ".join(diffs[:20]))
    )
    return "equal" if not diffs else f"{len(diffs)} differences"


def _timed(label: str, fn, rows: int | None = None):
    t0 = time.perf_counter()
    value = fn()
    s = time.perf_counter() - t0
    rate = f"   {rows / s:10,.0f} rows/s" if rows else ""
    print(f"  {label:<34} {s:8.2f} s{rate}", flush=True)
    return value, s


def main(argv: list[str]) -> int:
    from chain_gap import neo4j as cg
    from chain_gap import synth

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # "property key does not exist" etc.
    n = int(next((a for a in argv if a.isdigit()), 20_000))
    do_import = "--no-import" not in argv and not os.environ.get("NEO4J_URI")
    region = synth.DEFAULT_REGION
    province = region[:2] + "0000"
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as tmp:
        out = Path(tmp)
        G, _ = _timed(f"build graph ({n:,} firms)", lambda: _graph(n, out))
        rows = G.number_of_nodes() + G.number_of_edges()
        print(f"  graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges ({rows:,} rows)")
        server = None
        if not os.environ.get("NEO4J_URI"):
            from neo4j_server import Neo4jServer

            server, _ = _timed("start Neo4j 5.26 (test server)", lambda: Neo4jServer(java_opts=JAVA_OPTS).start())
            os.environ.update(server.env)
        try:
            driver = cg.connect()
            try:
                with driver.session() as s:  # a clean database for the figures
                    s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
                first, _ = _timed("push (batch 10,000)", lambda: cg.push(G, driver=driver), rows)
                print(f"    nodes_created {first['nodes_created']:,}, relationships {first['relationships_created']:,}")
                again, _ = _timed("push again (idempotent)", lambda: cg.push(G, driver=driver), rows)
                assert again["nodes_created"] == 0 and again["relationships_created"] == 0
                H, _ = _timed(f"pull chain={CHAIN} (national)", lambda: cg.pull(chain=CHAIN, driver=driver))
                _in_db_gaps(driver, G, province)
                print(f"    {H.number_of_nodes():,} nodes, {H.number_of_edges():,} edges; {_same_gaps(G, H, region)}")
                print(f"    province {province}: {_same_gaps(G, H, province)}")
                Hr, _ = _timed(
                    f"pull chain={CHAIN} region={region}", lambda: cg.pull(chain=CHAIN, region=region, driver=driver)
                )
                print(f"    {Hr.number_of_nodes():,} nodes, {Hr.number_of_edges():,} edges")
            finally:
                driver.close()
        finally:
            if server is not None:
                server.stop()
        if do_import:
            from neo4j_server import Neo4jServer, admin_import

            _timed("export_admin_import (files)", lambda: cg.export_admin_import(G, out / "files"), rows)
            _timed("neo4j-admin database import full", lambda: admin_import(out / "files", out / "home"), rows)
            srv, _ = _timed(
                "start a server on the imported store",
                lambda: Neo4jServer(java_opts=JAVA_OPTS, copy_from=out / "home").start(),
            )
            try:
                os.environ.update(srv.env)
                driver = cg.connect()
                try:
                    H, _ = _timed(f"pull chain={CHAIN} (imported)", lambda: cg.pull(chain=CHAIN, driver=driver))
                    print(f"    {H.number_of_nodes():,} nodes; {_same_gaps(G, H, region)}")
                    _in_db_gaps(driver, G, province)
                finally:
                    driver.close()
            finally:
                srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
