"""chain_gap.neo4j: Cypher generation, batching, push/pull through a recording fake driver, bulk-import files.

Everything here runs offline except the tests marked ``neo4j``: they run against ``NEO4J_URI`` when it is
set, else against a real Neo4j 5.26 Community server that ``tests/conftest.py`` starts once per session from
the jars ``scripts/setup --test`` builds (see docs/neo4j.md).
"""

from __future__ import annotations

import copy
import csv
import json
import math
import os
import re
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest
from neo4j.exceptions import ClientError, TransientError

from chain_gap import _cookbook
from chain_gap import neo4j as cg
from chain_gap._resources import graph_dir
from chain_gap.chains import add_to_graph
from chain_gap.schema import add_edge, add_node, link_id, schema, validate

TOY = Path(__file__).parent / "data" / "chains" / "toy.yaml"
NASTY = "'}) DETACH DELETE n //"
ODD = 'ACME "Quoted", Ltd;\nline two\r\nthree'

REGIONS = [  # code, name, level, parent
    ("410000", "河南省", "province", None),
    ("411400", "商丘市", "city", "410000"),
    ("411402", "梁园区", "county", "411400"),
    ("410100", "郑州市", "city", "410000"),
    ("410102", "中原区", "county", "410100"),
    ("420000", "湖北省", "province", None),
    ("420100", "武汉市", "city", "420000"),
    ("420102", "江岸区", "county", "420100"),
    ("440000", "广东省", "province", None),
    ("440300", "深圳市", "city", "440000"),
    ("440305", "南山区", "county", "440300"),
]


def small_graph() -> nx.MultiDiGraph:
    """The toy chain, 11 regions, 40 enterprises (8 unlinked), LINKED_TO of every role and decision,
    SUPPLIES, a JSON-typed property, graph-level overrides, and hostile names."""
    G = nx.MultiDiGraph()
    add_to_graph(G, TOY)
    for code, name, level, parent in REGIONS:
        rid = add_node(G, "Region", code, name=name, level=level, province=code[:2] + "0000")
        if parent:
            add_edge(G, rid, f"region:{parent}", "PART_OF")
    counties = ["411402", "410102", "420102", "440305"]
    plan = [("ore", 3), ("material", 5), ("cell", 6), ("bms", 2), ("pack", 7), ("motor", 4), ("charging", 5)]
    n = 0
    for li, (link, k) in enumerate(plan):
        for i in range(k):
            n += 1
            region = (
                counties[(i + li) % len(counties)]
                if not (link == "cell" and i < 6)
                else ["410102", "420102", "440305"][i % 3]
            )  # no 商丘 cell maker: a missing link
            eid = add_node(
                G,
                "Enterprise",
                f"91{n:016d}",
                name=f"企业{n}",
                uscc=f"91{n:016d}",
                region=region,
                revenue=1e8 * (1 + i),
                reg_capital=5e7 if i % 2 else None,
                employees=20 + i,
                tags=["专精特新"] if i % 3 == 0 else [],
                founded="2015-03-01",
                industry_code="3841",
            )
            add_edge(G, eid, f"region:{region}", "LOCATED_IN")
            role = "producer" if i % 4 else "seller"
            add_edge(
                G,
                eid,
                link_id("toy", link),
                "LINKED_TO",
                role=role,
                confidence=0.5 + i / 20,
                method="test",
                evidence=f"经营范围含{link}",
                decision="confirmed" if i % 5 else "uncertain",
                primary=True,
                performs=role == "producer",
                chain="toy",
            )
    for j in range(8):
        n += 1
        region = counties[j % len(counties)]
        eid = add_node(
            G, "Enterprise", f"92{n:016d}", name=f"其他企业{n}", region=region, revenue=3e7, employees=5, tags=[]
        )
        add_edge(G, eid, f"region:{region}", "LOCATED_IN")
    ents = [x for x, k in G.nodes(data="kind") if k == "Enterprise"]
    for a, b in zip(ents[:12], ents[5:17]):
        add_edge(G, a, b, "SUPPLIES", value=1e6, year=2023, source="test")
    add_edge(G, ents[-1], ents[0], "SUPPLIES", value=2e5, year=2022, source="test")  # from an unlinked firm
    bad = add_node(
        G,
        "Enterprise",
        "91XXXXXXXXXXXXXXXX",
        name=NASTY,
        region="411402",
        tags=[NASTY, "a;b"],
        revenue=2.5e9,
        provenance=json.dumps({"name": "f.csv:3"}),
        extra={"note": NASTY, "n": [1, 2]},
    )
    add_edge(G, bad, "region:411402", "LOCATED_IN")
    add_edge(
        G,
        bad,
        link_id("toy", "pack"),
        "LINKED_TO",
        role="producer",
        confidence=0.9,
        method="name",
        evidence=NASTY,
        decision="confirmed",
        primary=True,
        performs=True,
        chain="toy",
    )
    odd = add_node(G, "Enterprise", "91YYYYYYYYYYYYYYYY", name=ODD, region="440305", tags=["x"])
    add_edge(G, odd, "region:440305", "LOCATED_IN")
    G.graph["overrides"] = [{"ent_id": bad, "link": "toy/pack", "decision": "confirm", "note": NASTY}]
    G.graph["vintage"] = "test data 2024"
    assert validate(G) == []
    return G


# --------------------------------------------------------------------------- fakes


class FakeResult:
    def __init__(self, rows=(), written=None, nodes_created=0, rels_created=0):
        self.rows = list(rows)
        self.written = written
        self.counters = SimpleNamespace(nodes_created=nodes_created, relationships_created=rels_created)

    def single(self):
        if self.written is not None:
            return {"written": self.written}
        return self.rows[0] if self.rows else None

    def consume(self):
        return SimpleNamespace(counters=self.counters)

    def __iter__(self):
        return iter(SimpleNamespace(data=lambda r=r: dict(r)) for r in self.rows)


class MemoryServer:
    """Applies the fixed push templates to dicts (MERGE on id / (start, type, end), SET +=) and answers
    pull queries from recorded rows. Records every query with its parameters."""

    def __init__(self, pull_rows=None, fail_writes=0, fail_with=TransientError):
        self.nodes: dict[tuple[str, str], dict] = {}
        self.rels: dict[tuple[str, str, str], dict] = {}
        self.meta: dict | None = None
        self.calls: list[tuple[str, str, dict | None]] = []
        self.pull_rows = pull_rows or {}
        self.fail_writes = fail_writes
        self.fail_with = fail_with
        self.sessions: list[dict] = []
        self.closed = False

    # driver API
    def session(self, **kw):
        self.sessions.append(kw)
        return FakeSession(self)

    def close(self):
        self.closed = True

    # query execution
    def run(self, mode, query, params=None):
        self.calls.append((mode, query, params))
        m = re.match(
            r"UNWIND \$rows AS row\nMERGE \(n:(\w+) \{id: row\.id\}\)\nSET n \+= row\.props\n"
            r"RETURN count\(\*\) AS written$",
            query,
        )
        if m:
            created = 0
            for row in params["rows"]:
                key = (m.group(1), row["id"])
                created += key not in self.nodes
                self.nodes.setdefault(key, {"id": row["id"]}).update(row["props"])
            return FakeResult(written=len(params["rows"]), nodes_created=created)
        m = re.match(
            r"UNWIND \$rows AS row\nMATCH \(a:(\w+) \{id: row\.source\}\)\nMATCH \(b:(\w+) "
            r"\{id: row\.target\}\)\nMERGE \(a\)-\[r:(\w+)\]->\(b\)\nSET r \+= row\.props\n"
            r"RETURN count\(\*\) AS written$",
            query,
        )
        if m:
            created = written = 0
            for row in params["rows"]:
                if (m.group(1), row["source"]) not in self.nodes or (m.group(2), row["target"]) not in self.nodes:
                    continue
                key = (row["source"], m.group(3), row["target"])
                created += key not in self.rels
                self.rels.setdefault(key, {}).update(row["props"])
                written += 1
            return FakeResult(written=written, rels_created=created)
        if query == cg._META_READ:
            return FakeResult([self.meta] if self.meta else [])
        if query == cg._META_WRITE:
            self.meta = {"graph": params["graph"], "json_properties": params["json_properties"]}
            return FakeResult()
        if query.startswith(("CREATE CONSTRAINT", "CREATE INDEX", "CALL db.awaitIndexes")):
            return FakeResult()
        for key, q in {
            **{f"n:{k}": q for k, q in cg.PULL_NODE_QUERIES.items()},
            **{f"r:{k}": q for k, q in cg.PULL_REL_QUERIES.items()},
        }.items():
            if query == q:
                return FakeResult(self.pull_rows.get(key, []))
        raise AssertionError(f"unexpected query:\n{query}")

    # what a real server would answer to the pull queries, for a fully pulled database
    def dump(self):
        nodes = [
            {"id": i, "labels": [lab], "props": dict(p)} for (lab, i), p in self.nodes.items() if lab != cg.META_LABEL
        ]
        rels = [{"source": s, "target": t, "type": ty, "props": dict(p)} for (s, ty, t), p in self.rels.items()]
        return nodes, rels


class FakeTx:
    def __init__(self, server, mode):
        self.server, self.mode = server, mode

    def run(self, query, params=None):
        return self.server.run(self.mode, query, params)


class FakeSession:
    def __init__(self, server):
        self.server = server

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, query, params=None):
        return self.server.run("auto", query, params)

    def execute_write(self, fn, *args, **kw):
        if self.server.fail_writes:
            self.server.fail_writes -= 1
            raise self.server.fail_with("Neo.TransientError.Transaction.DeadlockDetected: try again")
        return fn(FakeTx(self.server, "write"), *args, **kw)

    def execute_read(self, fn, *args, **kw):
        return fn(FakeTx(self.server, "read"), *args, **kw)


def _attrs_equal(G: nx.MultiDiGraph, H: nx.MultiDiGraph, *, empty_is_absent: bool = False) -> None:
    def clean(d):
        if empty_is_absent:
            return {k: v for k, v in d.items() if v not in ("", [])}
        return dict(d)

    assert set(H.nodes) == set(G.nodes)
    for n, a in G.nodes(data=True):
        assert clean(H.nodes[n]) == clean(a), n
    assert {(u, v, k) for u, v, k in H.edges(keys=True)} == {(u, v, k) for u, v, k in G.edges(keys=True)}
    for u, v, k, a in G.edges(keys=True, data=True):
        assert clean(H.edges[u, v, k]) == clean(a), (u, v, k)
    assert {k: v for k, v in H.graph.items() if k != cg.PULL_KEY} == G.graph


# --------------------------------------------------------------------------- Cypher generation


def test_constraints_and_indexes_follow_the_schema():
    pat = re.compile(r"^CREATE CONSTRAINT cg_[a-z]+_id IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.id IS UNIQUE$")
    labels = [pat.match(q).group(1) for q in cg.constraints()]
    assert labels == list(schema()["nodes"]) + ["ChainGapMeta"]
    ipat = re.compile(r"^CREATE INDEX cg_\w+ IF NOT EXISTS FOR \(n:(\w+)\) ON \(n\.(\w+)\)$")
    found = {pat_m.groups() for pat_m in (ipat.match(q) for q in cg.indexes())}
    for want in [("Enterprise", "region"), ("Enterprise", "uscc"), ("Link", "chain"), ("Region", "level")]:
        assert want in found
    for label, prop in found:
        assert prop in schema()["nodes"][label]["properties"]


def test_constraints_file_is_the_generated_text():
    text = (graph_dir() / "cypher" / "constraints.cypher").read_text(encoding="utf-8")
    assert text == cg.constraints_script()
    statements = [s for s in text.splitlines() if s and not s.startswith("//")]
    assert statements == [q + ";" for q in cg.constraints() + cg.indexes()]


def test_labels_are_validated_before_they_reach_cypher(monkeypatch):
    bad = json.loads(json.dumps(schema()))
    bad["nodes"]["Evil) DETACH DELETE n //"] = {"prefix": "evil", "key": "k", "properties": {}}
    monkeypatch.setattr(cg, "schema", lambda: bad)
    with pytest.raises(cg.Neo4jError, match="not a plain identifier"):
        cg.constraints()
    with pytest.raises(cg.Neo4jError, match="not a plain identifier"):
        cg._edge_query("SUPPLIES", "Enterprise", "Enterprise`) //")


def test_cookbook_queries_are_commented_and_parameterised():
    text = (graph_dir() / "cypher" / "cookbook.cypher").read_text(encoding="utf-8")
    declared = set(re.findall(r"^:param (\w+) => ", text, flags=re.M))
    assert {"chain", "region", "province", "link", "per_link"} <= declared
    blocks = _cookbook_statements(text)
    assert [title.split(".")[0] for title, _ in blocks] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    for title, query in blocks:
        used = set(re.findall(r"\$(\w+)", query))
        assert used and used <= declared, title
        assert not re.search(r"'\d{6}'", query), f"{title}: a region code is hard-coded instead of a parameter"
        assert "LINKED_TO" in query


def _cookbook_statements(text: str) -> list[tuple[str, str]]:
    """(comment title, query) per statement (the parser the benchmark uses too)."""
    return _cookbook.statements(text)


# --------------------------------------------------------------------------- batching


def test_node_and_edge_batches_cover_everything_once():
    G = small_graph()
    seen_nodes: list[str] = []
    for kind, query, params in cg.node_batches(G, 7):
        assert 1 <= len(params["rows"]) <= 7
        assert query == cg._node_query(kind)
        for row in params["rows"]:
            assert G.nodes[row["id"]]["kind"] == kind
            assert "kind" not in row["props"] and None not in row["props"].values()
        seen_nodes += [r["id"] for r in params["rows"]]
    assert sorted(seen_nodes) == sorted(G.nodes)
    per_kind: dict[str, int] = {}
    for kind, _, _params in cg.node_batches(G, 7):
        per_kind[kind] = per_kind.get(kind, 0) + 1
    for kind, batches in per_kind.items():
        assert batches == math.ceil(sum(1 for _, k in G.nodes(data="kind") if k == kind) / 7)
    seen_edges = []
    for kind, query, params in cg.edge_batches(G, 5):
        assert 1 <= len(params["rows"]) <= 5
        src, dst = re.findall(r"MATCH \([ab]:(\w+) ", query)
        for row in params["rows"]:
            assert G.nodes[row["source"]]["kind"] == src and G.nodes[row["target"]]["kind"] == dst
            seen_edges.append((row["source"], row["target"], kind))
    assert sorted(seen_edges) == sorted(G.edges(keys=True))
    assert len(set(seen_edges)) == len(seen_edges)


def test_parameters_keep_types_and_encode_json():
    G = small_graph()
    rows = {r["id"]: r["props"] for _, _, p in cg.node_batches(G) for r in p["rows"]}
    bad = rows["ent:91XXXXXXXXXXXXXXXX"]
    assert bad["name"] == NASTY and bad["tags"] == [NASTY, "a;b"] and bad["revenue"] == 2.5e9
    assert json.loads(bad["extra"]) == {"note": NASTY, "n": [1, 2]}  # dicts travel as JSON strings
    assert isinstance(bad["provenance"], str)  # already a string: left alone
    leaf = rows["link:toy/pack"]
    assert leaf["leaf"] is True and isinstance(leaf["weight"], float) and leaf["level"] == 3
    assert cg.json_properties(cg.property_types(G)) == {"Enterprise": ["extra"]}


def test_no_value_is_ever_interpolated_into_cypher():
    G = small_graph()
    templates = {cg._node_query(k) for k in schema()["nodes"]}
    node_queries = [(q, p) for _, q, p in cg.node_batches(G, 3)]
    edge_queries = [(q, p) for _, q, p in cg.edge_batches(G, 3)]
    assert {q for q, _ in node_queries} <= templates
    assert cg._node_query("Enterprise") == (
        "UNWIND $rows AS row\nMERGE (n:Enterprise {id: row.id})\nSET n += row.props\nRETURN count(*) AS written"
    )
    assert (
        "UNWIND $rows AS row\nMATCH (a:Enterprise {id: row.source})\nMATCH (b:Link {id: row.target})\n"
        "MERGE (a)-[r:LINKED_TO]->(b)\nSET r += row.props\nRETURN count(*) AS written"
    ) in {q for q, _ in edge_queries}
    for q, _p in node_queries + edge_queries:
        assert NASTY not in q and "DETACH" not in q
    assert any(r["props"].get("name") == NASTY for _, p in node_queries for r in p["rows"])
    assert any(r["props"].get("evidence") == NASTY for _, p in edge_queries for r in p["rows"])
    server = MemoryServer()
    cg.push(G, driver=server, batch_size=4, backoff=0)
    assert server.calls and all(NASTY not in q for _, q, _ in server.calls)
    assert NASTY in server.meta["graph"]  # graph-level data travels as a parameter too


def test_bad_graphs_are_refused_with_one_line():
    G = nx.MultiDiGraph()
    G.add_node("x")
    with pytest.raises(cg.Neo4jError, match="has no 'kind'"):
        list(cg.node_batches(G))
    G = nx.MultiDiGraph()
    G.add_node("thing:1", kind="Thing")
    with pytest.raises(cg.Neo4jError, match="does not define"):
        cg.push(G, driver=MemoryServer())
    with pytest.raises(cg.Neo4jError, match="batch_size"):
        list(cg.node_batches(small_graph(), 0))


# --------------------------------------------------------------------------- push


def test_push_runs_schema_first_then_batches_and_is_idempotent():
    G = small_graph()
    server = MemoryServer()
    res = cg.push(G, driver=server, database="chaingap", batch_size=10, backoff=0)
    kinds = [q.split()[1] for _, q, _ in server.calls[: len(cg.constraints()) + len(cg.indexes())]]
    assert set(kinds[: len(cg.constraints())]) == {"CONSTRAINT"} and set(kinds[len(cg.constraints()) :]) == {"INDEX"}
    first_write = next(i for i, c in enumerate(server.calls) if c[0] == "write")
    assert all(c[0] == "auto" for c in server.calls[:first_write])
    assert server.sessions == [{"database": "chaingap"}]
    assert not server.closed  # an injected driver belongs to the caller
    assert sum(res["nodes"].values()) == G.number_of_nodes() == res["nodes_created"]
    assert sum(res["edges"].values()) == G.number_of_edges() == res["relationships_created"]
    assert res["nodes"]["Enterprise"] == sum(1 for _, k in G.nodes(data="kind") if k == "Enterprise")
    # all node batches precede all edge batches (relationships MATCH their ends)
    modes = ["n" if "MERGE (n:" in q else "e" for m, q, _ in server.calls if m == "write" and "UNWIND" in q]
    assert modes == sorted(modes, key=lambda x: x == "e")
    state = copy.deepcopy((server.nodes, server.rels, server.meta))
    again = cg.push(G, driver=server, batch_size=3, backoff=0)
    assert again["nodes_created"] == 0 and again["relationships_created"] == 0
    assert (server.nodes, server.rels, server.meta) == state


def test_push_retries_a_transient_error_then_gives_up_with_one_line(monkeypatch):
    waits = []
    monkeypatch.setattr(cg, "_sleep", waits.append)
    G = small_graph()
    server = MemoryServer(fail_writes=1)
    res = cg.push(G, driver=server, batch_size=50, backoff=0.5)
    assert waits == [0.5]
    assert sum(res["nodes"].values()) == G.number_of_nodes()
    assert len(server.nodes) == G.number_of_nodes() and server.meta is not None
    waits.clear()
    with pytest.raises(cg.Neo4jError, match="kept failing after 2 retries") as err:
        cg.push(G, driver=MemoryServer(fail_writes=99), retries=2, backoff=1.0)
    assert waits == [1.0, 2.0] and "\n" not in str(err.value)


def _server_error(code: str, message: str) -> Exception:
    """The exception the driver raises for a FAILURE with this Neo4j status code."""
    from neo4j.exceptions import Neo4jError as DriverError

    return DriverError._hydrate_neo4j(code=code, message=message)


def test_push_without_await_indexes_warns_and_goes_on():
    """Bolt servers that are not Neo4j (Memgraph, ArcadeDB) lack db.awaitIndexes: a warning, not an error."""

    class NoAwait(MemoryServer):
        code = "Neo.ClientError.Procedure.ProcedureNotFound"

        def run(self, mode, query, params=None):
            if query == cg.AWAIT_INDEXES:
                self.calls.append((mode, query, params))
                raise _server_error(self.code, "There is no procedure with the name `db.awaitIndexes` registered")
            return super().run(mode, query, params)

    G = small_graph()
    with pytest.warns(cg.IndexWaitWarning, match="no db.awaitIndexes"):
        out = cg.push(G, driver=NoAwait(), backoff=0)
    assert out["nodes_created"] == G.number_of_nodes()
    refusing = NoAwait()
    refusing.code = "Neo.ClientError.Security.Forbidden"  # any other refusal still stops the push
    with pytest.raises(cg.Neo4jError, match="Forbidden"):
        cg.push(G, driver=refusing, backoff=0)


def test_push_reports_refusals_and_missing_ends_in_one_line():
    with pytest.raises(cg.Neo4jError, match=r"refused the request \(Neo\.") as err:
        cg.push(small_graph(), driver=MemoryServer(fail_writes=1, fail_with=ClientError), backoff=0)
    assert "\n" not in str(err.value)

    class LosingServer(MemoryServer):
        def run(self, mode, query, params=None):
            if "MATCH (a:Enterprise" in query:  # pretend the enterprises vanished
                self.nodes = {k: v for k, v in self.nodes.items() if k[0] != "Enterprise"}
            return super().run(mode, query, params)

    with pytest.raises(cg.Neo4jError, match="wrote 0 of"):
        cg.push(small_graph(), driver=LosingServer(), backoff=0)


def test_connect_takes_credentials_only_from_the_environment(monkeypatch):
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(cg.Neo4jError, match="set NEO4J_URI"):
        cg.push(small_graph())
    with pytest.raises(cg.Neo4jError, match="must not contain credentials"):
        cg.connect("neo4j://neo4j:secret@localhost:7687")
    with pytest.raises(cg.Neo4jError, match="not a Bolt URI"):
        cg.connect("http://localhost:7474")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NEO4J_PASSWORD", "not-a-real-password")
    with pytest.raises(cg.Neo4jError, match=r"unreachable|kept failing") as err:
        cg.connect()
    assert "not-a-real-password" not in str(err.value) and "\n" not in str(err.value)


# --------------------------------------------------------------------------- pull


def test_region_prefix():
    assert cg.region_prefix("410000") == "41"
    assert cg.region_prefix("411400") == "4114"
    assert cg.region_prefix("110100") == "1101"  # 市辖区 of a municipality
    assert cg.region_prefix("419000") == "4190"  # 省直辖县级 placeholder
    assert cg.region_prefix("411402") == "411402"
    with pytest.raises(cg.Neo4jError, match="6-digit"):
        cg.region_prefix("商丘")


RECORDED_NODES = [  # as the driver returns them: labels list, properties incl. id, lists as lists
    {
        "id": "chain:toy",
        "labels": ["Chain"],
        "props": {"id": "chain:toy", "name": "测试电池汽车链", "category": "emerging"},
    },
    {
        "id": "link:toy/up",
        "labels": ["Link"],
        "props": {"id": "link:toy/up", "name": "上游", "chain": "toy", "stage": "upstream", "level": 2, "leaf": False},
    },
    {
        "id": "link:toy/ore",
        "labels": ["Link"],
        "props": {
            "id": "link:toy/ore",
            "name": "锂矿",
            "chain": "toy",
            "stage": "upstream",
            "level": 3,
            "leaf": True,
            "weight": 0.05,
            "keywords": ["锂矿", "锂辉石"],
            "industry_codes": ["0919"],
        },
    },
    {
        "id": "industry:gb4754:0919",
        "labels": ["Industry"],
        "props": {
            "id": "industry:gb4754:0919",
            "name": "其他常用有色金属矿采选",
            "scheme": "gb4754",
            "code": "0919",
            "level": 4,
        },
    },
    {
        "id": "ent:91350900587527783P",
        "labels": ["Enterprise", "Bloom"],
        "props": {
            "id": "ent:91350900587527783P",
            "name": NASTY,
            "region": "350902",
            "revenue": 4.0e11,
            "employees": 100000,
            "tags": ["上市", "500强"],
            "extra": '{"n": [1, 2]}',
            "founded": "2011-12-16",
        },
    },
    {
        "id": "ent:name:ab12",
        "labels": ["Enterprise"],
        "props": {"id": "ent:name:ab12", "name": "某某贸易公司", "region": "411402", "revenue": None},
    },
    {
        "id": "region:350902",
        "labels": ["Region"],
        "props": {"id": "region:350902", "name": "蕉城区", "level": "county"},
    },
    {"id": "region:350900", "labels": ["Region"], "props": {"id": "region:350900", "name": "宁德市", "level": "city"}},
]
RECORDED_RELS = [
    {"source": "link:toy/up", "target": "chain:toy", "type": "PART_OF", "props": {}},
    {"source": "link:toy/ore", "target": "link:toy/up", "type": "PART_OF", "props": {}},
    {"source": "link:toy/ore", "target": "industry:gb4754:0919", "type": "CLASSIFIED_AS", "props": {}},
    {
        "source": "ent:91350900587527783P",
        "target": "link:toy/ore",
        "type": "LINKED_TO",
        "props": {
            "role": "producer",
            "confidence": 0.9,
            "method": "industry_code",
            "evidence": "行业代码0919",
            "decision": "confirmed",
            "performs": True,
            "primary": True,
            "chain": "toy",
        },
    },
    {"source": "ent:91350900587527783P", "target": "region:350902", "type": "LOCATED_IN", "props": {}},
    {"source": "region:350902", "target": "region:350900", "type": "PART_OF", "props": {}},
    {
        "source": "ent:name:ab12",
        "target": "ent:91350900587527783P",
        "type": "SUPPLIES",
        "props": {"value": 1.0e6, "year": 2023},
    },
]


def test_records_to_graph_on_recorded_rows():
    G = cg.records_to_graph(
        RECORDED_NODES, RECORDED_RELS, graph={"vintage": "2024"}, json_properties={"Enterprise": ["extra"]}
    )
    assert validate(G) == []
    e = G.nodes["ent:91350900587527783P"]
    assert e["kind"] == "Enterprise" and e["name"] == NASTY and "id" not in e
    assert e["tags"] == ["上市", "500强"] and e["extra"] == {"n": [1, 2]} and e["employees"] == 100000
    assert "revenue" not in G.nodes["ent:name:ab12"]  # null = absent, as in the source graph
    assert G.nodes["link:toy/ore"]["leaf"] is True and G.nodes["link:toy/ore"]["level"] == 3
    assert G.edges["ent:91350900587527783P", "link:toy/ore", "LINKED_TO"]["kind"] == "LINKED_TO"
    assert G.edges["ent:name:ab12", "ent:91350900587527783P", "SUPPLIES"]["year"] == 2023
    assert G.graph == {"vintage": "2024"}
    from chain_gap import frames

    mem = frames.members(G, TOY)
    assert list(mem["ent_id"]) == ["ent:91350900587527783P"] and list(mem["link"]) == ["ore"]


def test_records_to_graph_refuses_what_it_cannot_place():
    with pytest.raises(cg.Neo4jError, match="not among the pulled nodes"):
        cg.records_to_graph(RECORDED_NODES[:2], RECORDED_RELS[1:2])
    with pytest.raises(cg.Neo4jError, match="exactly one chain-gap kind"):
        cg.records_to_graph([{"id": "x:1", "labels": ["Person"], "props": {}}], [])
    with pytest.raises(cg.Neo4jError, match=r"not in graph/schema\.yaml"):
        cg.records_to_graph(
            RECORDED_NODES[:2], [{"source": "link:toy/up", "target": "chain:toy", "type": "OWNS", "props": {}}]
        )


def test_push_then_pull_round_trips_the_graph():
    """What push writes, answered back as pull rows, rebuilds the same graph: ids, kinds, types, G.graph."""
    G = small_graph()
    server = MemoryServer()
    cg.push(G, driver=server, batch_size=9, backoff=0)
    nodes, rels = server.dump()
    H = cg.records_to_graph(
        nodes, rels, graph=json.loads(server.meta["graph"]), json_properties=json.loads(server.meta["json_properties"])
    )
    _attrs_equal(G, H)
    assert validate(H) == []


def _pulling_server(G: nx.MultiDiGraph) -> MemoryServer:
    """A MemoryServer holding ``G`` (pushed) that answers each pull query with the rows a server would
    return for it when the whole database is the chain's (national pull, all enterprises)."""
    server = MemoryServer()
    cg.push(G, driver=server, backoff=0)
    nodes, rels = server.dump()
    by_kind = {"Chain": "n:chain", "Link": "n:chain", "Industry": "n:chain", "Region": "n:regions"}
    rows: dict[str, list] = {}
    linked = {u for u, _, k in G.edges(keys=True) if k == "LINKED_TO"}
    for r in nodes:
        kind = r["labels"][0]
        key = by_kind.get(kind) or ("n:enterprises" if r["id"] in linked else "n:stubs")
        if key == "n:stubs":
            r = {**r, "props": {p: r["props"].get(p) for p in cg.STUB_PROPERTIES}}  # the map projection
        rows.setdefault(key, []).append(r)
    rel_key = {
        "PART_OF": "r:chain",
        "FEEDS": "r:chain",
        "CLASSIFIED_AS": "r:chain",
        "LINKED_TO": "r:linked_to",
        "SUPPLIES": "r:supplies_all",
    }
    for r in rels:
        key = rel_key.get(r["type"])
        if r["type"] == "PART_OF" and r["source"].startswith("region:"):
            key = "r:region_part_of"
        if r["type"] == "LOCATED_IN":
            key = "r:located_in" if r["source"] in linked else None
        if key:
            rows.setdefault(key, []).append(r)
    server.pull_rows = rows
    server.calls.clear()
    return server


def test_pull_runs_the_fixed_queries_and_restores_graph_data():
    G = small_graph()
    server = _pulling_server(G)
    H = cg.pull(chain="toy", driver=server)
    reads = [q for m, q, _ in server.calls if m == "read"]
    assert reads == [cg._META_READ] + [
        cg.PULL_NODE_QUERIES[k] for k in ("chain", "enterprises", "regions", "stubs")
    ] + [cg.PULL_REL_QUERIES[k] for k in ("chain", "linked_to", "located_in", "region_part_of", "supplies_all")]
    assert all(
        p in ({"id": "meta"}, {"chain": "toy", "chain_node": "chain:toy", "prefix": None}) for m, _, p in server.calls
    )
    assert validate(H) == []
    assert H.graph["overrides"] == G.graph["overrides"] and H.graph[cg.PULL_KEY]["chain"] == "toy"
    assert H.nodes["ent:91XXXXXXXXXXXXXXXX"]["extra"] == {"note": NASTY, "n": [1, 2]}
    stub = next(n for n in G if n.startswith("ent:92"))
    assert set(H.nodes[stub]) <= set(cg.STUB_PROPERTIES) | {"kind"} and H.nodes[stub]["region"]
    assert set(H.nodes) == set(G.nodes)  # every enterprise comes back (linked in full, others as stubs)
    from chain_gap import frames

    for df in (frames.members(G, TOY), frames.enterprises(G)[["ent_id", "region", "revenue", "reg_capital"]]):
        got = (
            frames.members(H, TOY)
            if "link" in df
            else frames.enterprises(H)[["ent_id", "region", "revenue", "reg_capital"]]
        )
        assert (
            got.sort_values(list(got.columns[:2]))
            .reset_index(drop=True)
            .equals(df.sort_values(list(df.columns[:2])).reset_index(drop=True))
        )


def _by_firm(df):
    """Rows in a fixed order: a pulled graph iterates its nodes in another order, and equal scores tie."""
    keys = [c for c in ("ent_id", "link") if c in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df.reset_index(drop=True)


def test_analyses_run_unchanged_on_a_pulled_graph():
    pytest.importorskip("chain_gap.codes", reason="gaps.table needs chain_gap.codes (region table)")
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps, targets

    G = small_graph()
    H = cg.pull(chain="toy", driver=_pulling_server(G))
    for region in ("411400", "410000"):
        assert_frame_equal(gaps.table(H, TOY, region), gaps.table(G, TOY, region))
        assert_frame_equal(_by_firm(targets.rank(H, TOY, region)), _by_firm(targets.rank(G, TOY, region)))


def marked_graph() -> nx.MultiDiGraph:
    """``small_graph`` with what 挂链 and a registry add to every firm: ``linkable`` (half the unlinked
    firms could be placed, half not) and an inactive tag on a linkable unlinked firm, so the gap table's
    denominators depend on what the pull keeps of the unlinked firms."""
    G = small_graph()
    linked = {u for u, _, k in G.edges(keys=True) if k == "LINKED_TO"}
    stubs = sorted(n for n, a in G.nodes(data=True) if a["kind"] == "Enterprise" and n not in linked)
    for n, a in G.nodes(data=True):
        if a["kind"] == "Enterprise":
            a["linkable"] = n in linked or stubs.index(n) % 2 == 0
    G.nodes[stubs[0]]["tags"] = ["注销"]
    return G


def test_pulled_stubs_keep_what_the_denominators_need():
    """Unlinked firms come back as stubs with ``linkable`` and ``tags`` (a real 20k-firm pull had lost
    them: region totals 200 instead of 584)."""
    pytest.importorskip("chain_gap.codes", reason="gaps.table needs chain_gap.codes (region table)")
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps

    G = marked_graph()
    H = cg.pull(chain="toy", driver=_pulling_server(G))
    for region in ("411400", "410000"):
        assert_frame_equal(gaps.table(H, TOY, region), gaps.table(G, TOY, region))


def test_pull_scoping_and_errors():
    server = MemoryServer()
    with pytest.raises(cg.Neo4jError, match="is not in the Neo4j database"):
        cg.pull(chain="nev", driver=server)
    server.pull_rows = {"n:chain": RECORDED_NODES[:3]}
    H = cg.pull(chain="toy", region="411400", all_enterprises=False, driver=server)
    reads = [(q, p) for m, q, p in server.calls if m == "read"][-8:]
    assert cg.PULL_NODE_QUERIES["stubs"] not in [q for q, _ in reads]
    assert cg.PULL_REL_QUERIES["supplies_linked"] in [q for q, _ in reads]
    assert reads[-1][1]["prefix"] == "4114"
    assert H.graph[cg.PULL_KEY] == {"chain": "toy", "region": "411400", "all_enterprises": False}
    with pytest.raises(cg.Neo4jError, match="needs a chain"):
        cg.pull(driver=server)


# --------------------------------------------------------------------------- neo4j-admin files

_PARSE = {"long": int, "double": float, "boolean": lambda s: {"true": True, "false": False}[s], "string": str}


def read_admin_import(out: Path, delim: str) -> nx.MultiDiGraph:
    """Parse export files back as neo4j-admin would (header types, array delimiter) into a graph."""
    G = nx.MultiDiGraph()
    meta = {}
    rels = []
    for f in sorted(out.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, data = rows[0], rows[1:]
        cols = []
        for h in header:
            name, _, typ = h.partition(":")
            cols.append((name, typ or "string"))
        if f.name.startswith("nodes_"):
            assert header[0] == "id:ID(cg)" and header[1] == ":LABEL", f.name
        else:
            assert header[:3] == [":START_ID(cg)", ":END_ID(cg)", ":TYPE"], f.name
        for row in data:
            assert len(row) == len(header), f.name
            rec = {}
            for (name, typ), val in zip(cols, row):
                if typ in ("ID(cg)", "LABEL", "START_ID(cg)", "END_ID(cg)", "TYPE"):
                    rec[typ.split("(")[0]] = val
                    continue
                if val == "":
                    continue
                rec[name] = [_PARSE[typ[:-2]](x) for x in val.split(delim)] if typ.endswith("[]") else _PARSE[typ](val)
            if f.name.startswith("nodes_"):
                nid, label = rec.pop("ID"), rec.pop("LABEL")
                assert rec.pop("id", nid) == nid
                if label == "ChainGapMeta":
                    meta = rec
                else:
                    G.add_node(nid, kind=label, **rec)
            else:
                rels.append(rec)
    jp = json.loads(meta["json_properties"])
    for rec in rels:
        u, v, t = rec.pop("START_ID"), rec.pop("END_ID"), rec.pop("TYPE")
        G.add_edge(u, v, key=t, kind=t, **{k: json.loads(x) if k in jp.get(t, []) else x for k, x in rec.items()})
    for _n, a in G.nodes(data=True):
        for k in jp.get(a["kind"], []):
            if k in a:
                a[k] = json.loads(a[k])
    G.graph.update(json.loads(meta["graph"]))
    return G


def test_export_files_follow_the_header_rules_and_round_trip(tmp_path):
    G = small_graph()
    counts = cg.export_admin_import(G, tmp_path / "imp")
    out = tmp_path / "imp"
    files = sorted(p.name for p in out.iterdir())
    assert "README.md" in files and "constraints.cypher" in files and not [f for f in files if f.startswith(".")]
    assert counts["nodes_Enterprise.csv"] == sum(1 for _, k in G.nodes(data="kind") if k == "Enterprise")
    assert counts["rels_LINKED_TO.csv"] == sum(1 for *_, k in G.edges(keys=True) if k == "LINKED_TO")
    assert counts["nodes_ChainGapMeta.csv"] == 1
    assert sum(v for f, v in counts.items() if f.startswith("rels_")) == G.number_of_edges()
    with open(out / "nodes_Link.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert {"weight:double", "level:long", "leaf:boolean", "keywords:string[]", "name"} <= set(header)
    with open(out / "nodes_Enterprise.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert {"tags:string[]", "revenue:double", "employees:long", "extra"} <= set(header)
    # a tag contains ';' so the default array delimiter cannot be used; the README says which one is
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "--array-delimiter='|'" in readme and "--multiline-fields=true" in readme
    assert "neo4j-admin database import full neo4j" in readme
    for f in counts:
        assert (f"--nodes={f}" if f.startswith("nodes_") else f"--relationships={f}") in readme
    assert (out / "constraints.cypher").read_text(encoding="utf-8") == cg.constraints_script()
    H = read_admin_import(out, "|")
    _attrs_equal(G, H, empty_is_absent=True)
    assert H.nodes["ent:91YYYYYYYYYYYYYYYY"]["name"] == ODD  # quotes, comma, ;, LF and CRLF survive
    assert H.nodes["ent:91XXXXXXXXXXXXXXXX"]["tags"] == [NASTY, "a;b"]


def test_export_picks_semicolon_when_possible_and_removes_stale_files(tmp_path):
    G = nx.MultiDiGraph()
    add_to_graph(G, TOY)
    e = add_node(G, "Enterprise", "91350900587527783P", name="宁德时代", tags=["上市", "500强"], revenue=4.0e11)
    r = add_node(G, "Region", "350902", name="蕉城区", level="county")
    add_edge(G, e, r, "LOCATED_IN")
    (tmp_path / "nodes_Product.csv").write_text("stale")
    counts = cg.export_admin_import(G, tmp_path, database="chaingap")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "--array-delimiter=';'" in readme and "--multiline-fields" not in readme
    assert "import full chaingap" in readme
    assert not (tmp_path / "nodes_Product.csv").exists() and "nodes_Product.csv" not in counts
    H = read_admin_import(tmp_path, ";")
    assert H.nodes[e]["tags"] == ["上市", "500强"] and H.nodes[e]["revenue"] == 4.0e11
    with pytest.raises(cg.Neo4jError, match="database name"):
        cg.export_admin_import(G, tmp_path, database="neo4j; rm -rf /")
    with pytest.raises(cg.Neo4jError, match="array delimiter"):
        cg.export_admin_import(G, tmp_path, array_delimiter=",")


def test_the_test_server_says_what_is_missing_and_why_it_did_not_start(monkeypatch, tmp_path):
    import neo4j_server as ns

    monkeypatch.setenv("CHAIN_GAP_NEO4J_JAVA", str(tmp_path / "no-java"))
    assert "no Java found" in ns.missing()
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\necho 'Error: could not open the jar' >&2\nexit 7\n", encoding="utf-8")
    java.chmod(0o755)
    monkeypatch.setenv("CHAIN_GAP_NEO4J_JAVA", str(java))
    monkeypatch.setattr(ns, "JAR", tmp_path / "chain-gap-neo4j.jar")
    monkeypatch.setattr(ns, "LIB", tmp_path / "lib")
    assert "not built" in ns.missing() and "scripts/setup --test" in ns.missing()
    with pytest.raises(ns.ServerUnavailable, match="not built"):
        ns.Neo4jServer().start()
    ns.JAR.write_bytes(b"")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "neo4j-harness-5.26.0.jar").write_bytes(b"")
    assert ns.missing() is None
    with pytest.raises(ns.ServerUnavailable, match=r"exited with code 7:\nError: could not open the jar"):
        ns.Neo4jServer(timeout=30).start()


# --------------------------------------------------------------------------- live (a real Neo4j)

# NEO4J_URI when set, else the Neo4j 5.26 test server from scripts/neo4j (tests/conftest.py: neo4j_server)
live = pytest.mark.usefixtures("neo4j_live")


@pytest.fixture()
def server(neo4j_live):
    """A live driver; the test graph's nodes are removed before and after, the meta node restored."""
    driver = cg.connect()
    db = os.environ.get("NEO4J_DATABASE") or None
    ids = list(small_graph().nodes)
    with driver.session(database=db) as s:
        old = s.run("MATCH (m:ChainGapMeta {id: 'meta'}) RETURN properties(m) AS p").single()
        s.run("UNWIND $ids AS id MATCH (n {id: id}) DETACH DELETE n", ids=ids).consume()
    yield driver
    with driver.session(database=db) as s:
        s.run("UNWIND $ids AS id MATCH (n {id: id}) DETACH DELETE n", ids=ids).consume()
        if old is not None:
            s.run("MERGE (m:ChainGapMeta {id: 'meta'}) SET m = $p", p=old["p"]).consume()
        else:
            s.run("MATCH (m:ChainGapMeta {id: 'meta'}) DETACH DELETE m").consume()
    driver.close()


def _counts(driver, ids):
    db = os.environ.get("NEO4J_DATABASE") or None
    with driver.session(database=db) as s:
        rec = s.run(
            "UNWIND $ids AS id MATCH (n {id: id}) WITH collect(n) AS ns "
            "UNWIND ns AS n OPTIONAL MATCH (n)-[r]->() RETURN size(ns) AS nodes, count(r) AS rels",
            ids=ids,
        ).single()
    return rec["nodes"], rec["rels"]


@live
@pytest.mark.neo4j
def test_live_push_pull_gap_table_equals_embedded(server):
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps, targets

    G = small_graph()
    cg.push(G, batch_size=7)
    H = cg.pull(chain="toy")
    assert validate(H) == []
    for region in ("411400", "410000"):
        assert_frame_equal(gaps.table(H, TOY, region), gaps.table(G, TOY, region))
        assert_frame_equal(_by_firm(targets.rank(H, TOY, region)), _by_firm(targets.rank(G, TOY, region)))
    Hr = cg.pull(chain="toy", region="411400")
    assert all(str(a.get("region", "")).startswith("4114") for _, a in Hr.nodes(data=True) if a["kind"] == "Enterprise")


@live
@pytest.mark.neo4j
def test_live_push_twice_changes_nothing(server):
    G = small_graph()
    first = cg.push(G)
    before = _counts(server, list(G.nodes))
    assert before == (G.number_of_nodes(), G.number_of_edges()) and first["nodes_created"] == G.number_of_nodes()
    second = cg.push(G, batch_size=3)
    assert second["nodes_created"] == 0 and second["relationships_created"] == 0
    assert _counts(server, list(G.nodes)) == before


@live
@pytest.mark.neo4j
def test_live_cookbook_queries_run_and_agree_with_gaps(server):
    from chain_gap import gaps

    G = small_graph()
    cg.push(G)
    text = (graph_dir() / "cypher" / "cookbook.cypher").read_text(encoding="utf-8")
    params = {"chain": "toy", "province": "410000", "region": "411400", "link": "link:toy/pack", "per_link": 5}
    table = gaps.table(G, TOY, "411400").set_index("link")
    db = os.environ.get("NEO4J_DATABASE") or None
    with server.session(database=db) as s:
        results = {title.split(".")[0]: [r.data() for r in s.run(q, params)] for title, q in _cookbook_statements(text)}
    assert {r["link"].split("/")[1] for r in results["Q2"]} == set(table.index[table["local"] == 0])
    assert {r["link"].split("/")[1] for r in results["Q3"]} == set(table.index[table["local"] == 1])
    assert any(r["name"] == NASTY for r in results["Q5"])
    assert results["Q4"] and all(not r["region"].startswith("4114") for r in results["Q4"])


def _pulled_matches(G: nx.MultiDiGraph, H: nx.MultiDiGraph, *, empty_is_absent: bool = False) -> None:
    """``H`` (a national pull of the toy chain) is exactly the part of ``G`` a pull promises, value for value."""

    def clean(d):
        return {k: v for k, v in d.items() if not (empty_is_absent and v in ("", []))}

    linked = {u for u, _, k in G.edges(keys=True) if k == "LINKED_TO"}
    assert set(H.nodes) == {n for n, a in G.nodes(data=True) if a["kind"] != "Product"}
    for n, a in H.nodes(data=True):
        want = dict(G.nodes[n])
        if want["kind"] == "Enterprise" and n not in linked:  # a stub: the LQ denominators only
            want = {k: v for k, v in want.items() if k in cg.STUB_PROPERTIES or k == "kind"}
        assert clean(a) == clean(want), n
    expected = {
        (u, v, k)
        for u, v, k in G.edges(keys=True)
        if k not in ("MAKES", "INPUT_OF")
        and not (k == "CLASSIFIED_AS" and G.nodes[u]["kind"] == "Enterprise")
        and not (k == "LOCATED_IN" and u not in linked)
    }
    assert set(H.edges(keys=True)) == expected
    for u, v, k in expected:
        assert clean(H.edges[u, v, k]) == clean(G.edges[u, v, k]), (u, v, k)
    assert {k: v for k, v in H.graph.items() if k != cg.PULL_KEY} == G.graph


@live
@pytest.mark.neo4j
def test_live_pull_brings_the_chain_back_unchanged(server):
    pytest.importorskip("chain_gap.codes", reason="gaps.table needs chain_gap.codes (region table)")
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps

    G = marked_graph()
    cg.push(G, batch_size=5)
    H = cg.pull(chain="toy")
    _pulled_matches(G, H)
    assert H.nodes["ent:91XXXXXXXXXXXXXXXX"]["extra"] == {"note": NASTY, "n": [1, 2]}
    assert any(a.get("name") == NASTY for _, a in H.nodes(data=True))
    for region in ("411400", "410000"):  # the stubs' linkable / tags reach the denominators
        assert_frame_equal(gaps.table(H, TOY, region), gaps.table(G, TOY, region))


@live
@pytest.mark.neo4j
def test_live_constraints_are_created_and_hold(server):
    G = small_graph()
    out = cg.push(G)
    assert out["schema_statements"] == len(cg.constraints()) + len(cg.indexes())
    db = os.environ.get("NEO4J_DATABASE") or None
    with server.session(database=db) as s:
        have = {r["name"]: r for r in s.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties").data()}
        states = {r["name"]: r["state"] for r in s.run("SHOW INDEXES YIELD name, state").data()}
        for q in cg.constraints():
            name, label = q.split()[2], re.search(r"\(n:(\w+)\)", q).group(1)
            assert have[name]["labelsOrTypes"] == [label] and have[name]["properties"] == ["id"], name
            assert have[name]["type"] in ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS"), have[name]
        for q in cg.indexes():
            assert states[q.split()[2]] == "ONLINE", q
        firm = next(n for n in G if n.startswith("ent:"))
        with pytest.raises(ClientError) as err:
            s.run("CREATE (:Enterprise {id: $id})", id=firm).consume()
        assert err.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
        # the hostile name is data: matched as a parameter, it finds its node and deletes nothing
        found = s.run("MATCH (n:Enterprise {name: $name}) RETURN count(n) AS c", name=NASTY).single()["c"]
    assert found >= 1 and _counts(server, list(G.nodes)) == (G.number_of_nodes(), G.number_of_edges())


@pytest.mark.neo4j
def test_live_admin_import_files_load_with_the_real_importer_and_pull_back(neo4j_build, tmp_path, monkeypatch):
    """`chain-gap neo4j export` files, imported by the README's exact `neo4j-admin database import full`
    command (org.neo4j.cli.AdminTool from the test server's jars), served by a second Neo4j and pulled."""
    pytest.importorskip("chain_gap.codes", reason="gaps.table needs chain_gap.codes (region table)")
    from pandas.testing import assert_frame_equal

    from chain_gap import gaps

    G = small_graph()
    cg.export_admin_import(G, tmp_path / "files")
    log = neo4j_build.admin_import(tmp_path / "files", tmp_path / "home")
    assert "IMPORT DONE" in log and f"{G.number_of_nodes() + 1} nodes" in log  # + the meta node
    with neo4j_build.Neo4jServer(copy_from=tmp_path / "home") as srv:
        for key, value in srv.env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("NEO4J_DATABASE", raising=False)
        driver = cg.connect()
        try:
            assert _counts(driver, list(G.nodes)) == (G.number_of_nodes(), G.number_of_edges())
            lines = (tmp_path / "files" / "constraints.cypher").read_text(encoding="utf-8").splitlines()
            script = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
            with driver.session() as s:  # what cypher-shell -f constraints.cypher runs
                for statement in filter(None, (q.strip() for q in script.split(";"))):
                    s.run(statement).consume()
            H = cg.pull(chain="toy", driver=driver)
        finally:
            driver.close()
    _pulled_matches(G, H, empty_is_absent=True)
    for region in ("411400", "410000"):
        assert_frame_equal(gaps.table(H, TOY, region), gaps.table(G, TOY, region))
