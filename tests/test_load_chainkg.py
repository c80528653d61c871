"""The chain-kg loader on a hand-made folder in chain-kg's shape (tests/data/chain_kg_mini).

Every count below is known from the fixture's rows (see its README): no external data needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from factories import chain_kg_mini

from chain_gap import load as L
from chain_gap.schema import validate


def _conserved(res: L.LoadResult) -> None:
    for f in res.report["files"]:
        assert f["rows_in"] == f["loaded"] + f["merged"] + f["rejected"], f


def _files(res: L.LoadResult) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in res.report["files"]}


def _issues(df: pd.DataFrame) -> set[tuple[str, int, str]]:
    return {(Path(f).name, int(r), reason) for f, r, reason in zip(df["file"], df["row"], df["reason"])}


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> L.LoadResult:
    folder = chain_kg_mini(tmp_path_factory.mktemp("kg") / "chain-kg")
    return L.load(folder, "chain-kg")


def test_every_file_is_loaded_in_dependency_order_and_reconciles(mini):
    _conserved(mini)
    files = _files(mini)
    assert list(files) == [
        "industry.json",
        "industry_industry.json",
        "company.json",
        "company_industry.json",
        "product.json",
        "company_product.json",
        "product_product.json",
        "industry_up.json",
    ]
    counts = {name: (f["rows_in"], f["loaded"], f["merged"], f["rejected"]) for name, f in files.items()}
    assert counts == {
        "industry.json": (11, 9, 1, 1),
        "industry_industry.json": (9, 7, 1, 1),
        "company.json": (17, 15, 1, 1),
        "company_industry.json": (10, 7, 1, 2),
        "product.json": (11, 8, 2, 1),
        "company_product.json": (13, 9, 1, 3),
        "product_product.json": (12, 8, 1, 3),
        "industry_up.json": (6, 3, 1, 2),
    }
    assert validate(mini.graph) == []


def test_industries_and_their_parents(mini):
    G = mini.graph
    sw = {n: a for n, a in G.nodes(data=True) if a["kind"] == "Industry"}
    assert len(sw) == 9 + 1  # the list, and one code only company_industry names
    assert G.nodes["industry:sw:990000"]["level"] == 1
    assert G.nodes["industry:sw:990100"]["level"] == 2
    assert G.nodes["industry:sw:990101"] == {
        "kind": "Industry",
        "name": "示范锂电池",
        "scheme": "sw2021",
        "code": "990101",
        "level": 3,
    }
    parents = {(u, v) for u, v, k in G.edges(keys=True) if k == "PART_OF" and u.startswith("industry:")}
    assert ("industry:sw:990101", "industry:sw:990100") in parents
    assert ("industry:sw:990100", "industry:sw:990000") in parents
    assert len(parents) == 7
    # industry_up: UPSTREAM_OF up → industry with the count; an industry's own purchases skipped
    ups = {(u, v): d["count"] for u, v, k, d in G.edges(keys=True, data=True) if k == "UPSTREAM_OF"}
    assert ups == {
        ("industry:sw:980101", "industry:sw:990101"): 5,
        ("industry:sw:990102", "industry:sw:990101"): 3,
        ("industry:sw:990101", "industry:sw:990201"): 4,
    }


def test_companies_by_stock_code_with_or_without_suffix(mini):
    G = mini.graph
    ents = {n: a for n, a in G.nodes(data=True) if a["kind"] == "Enterprise"}
    assert set(ents) == {
        "ent:stock:300901",
        "ent:stock:002901",
        "ent:stock:600901",
        "ent:stock:688901",
        "ent:stock:300902",
        "ent:stock:300904",  # only company_industry names it: created from its 简称
        "ent:stock:300905",  # only company_product names it
        next(n for n in ents if n.startswith("ent:name:")),  # ABC123 is no stock code: by name
    } | {  # the legal-name-head firms of tests/test_regions_inferred.py
        f"ent:stock:{c}"
        for c in ("600911", "000911", "600912", "000912", "000913", "600913", "300911", "300912", "300913")
    }
    jd = ents["ent:stock:300901"]
    assert jd["name"] == "示例甲电新能源科技股份有限公司" and jd["short_name"] == "甲电科技"
    assert jd["stock_code"] == "300901.SZ"  # "300901" in company.json, normalised
    assert ents["ent:stock:300902"]["name"] == "戊能源"  # no legal name: the 简称 stands in
    # a code listed twice with an old and a new legal name: one firm, the name conflict reported
    assert mini.conflicts[["ent_id", "field", "kept", "other"]].values.tolist() == [
        ["ent:stock:002901", "name", "示例乙材锂业股份有限公司", "示例乙材新材料股份有限公司"]
    ]
    # company_industry: CLASSIFIED_AS, plus the industry added from its name
    cls = {(u, v) for u, v, k in G.edges(keys=True) if k == "CLASSIFIED_AS"}
    assert ("ent:stock:300901", "industry:sw:990101") in cls
    assert ("ent:stock:300901", "industry:sw:970101") in cls
    assert ("ent:stock:300904", "industry:sw:990101") in cls
    assert len(cls) == 7
    assert G.nodes["industry:sw:970101"]["name"] == "示范储能"


def test_chain_kg_gives_no_region_and_an_ashare_list_adds_provinces(mini, tmp_path):
    G = mini.graph.copy()
    # company.json's `location` is the stock exchange, not a place: nothing is stated; only the firms
    # whose legal name starts with a place get an inferred code (tests/test_regions_inferred.py)
    located = {n for n, a in G.nodes(data=True) if "region" in a}
    assert located and all(G.nodes[n]["region_inferred"] == "name_head" for n in located)
    assert not {"ent:stock:300901", "ent:stock:600901"} & located
    path = tmp_path / "stock_basic.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ts_code", "symbol", "name", "area", "industry", "list_date"])
        w.writerow(["300901.SZ", "300901", "甲电科技", "福建", "电池", "20200601"])
        w.writerow(["600901.SH", "600901", "丙车集团", "深圳", "汽车整车", "20100101"])
    res = L.load(path, "ashare", G)
    _conserved(res)
    assert _files(res)["stock_basic.csv"]["merged"] == 2  # found by stock code, nothing new
    assert G.nodes["ent:stock:300901"]["region"] == "350000"
    assert G.has_edge("ent:stock:300901", "region:350000", "LOCATED_IN")
    assert G.nodes["ent:stock:600901"]["region"] == "440300"  # the area 深圳 is the city, marked inferred
    assert G.nodes["ent:stock:600901"]["region_inferred"] == "area_city"
    assert "region_inferred" not in G.nodes["ent:stock:300901"]


def test_products_makes_and_product_relations(mini):
    G = mini.graph
    products = {n for n, a in G.nodes(data=True) if a["kind"] == "Product"}
    # names equal after normalisation are one product (示范(正极)材料 = 示范正极材料); names only a
    # relation file uses are products too (示范新品, 示范隔膜)
    assert len(products) == 10
    assert {"product:示范正极材料", "product:示范新品", "product:示范隔膜"} <= products
    makes = {(u, v): d.get("share") for u, v, k, d in G.edges(keys=True, data=True) if k == "MAKES"}
    assert len(makes) == 9
    assert makes[("ent:stock:300901", "product:示范电芯")] == 0.65  # a repeated row updates the share
    assert makes[("ent:stock:002901", "product:示范三元材料")] is None  # "约三成" is not a share
    assert makes[("ent:stock:300902", "product:示范储能系统")] is None  # no rel_weight
    assert makes[("ent:stock:300905", "product:示范储能系统")] == 0.2
    rel = {(u, v, k) for u, v, k in G.edges(keys=True) if u.startswith("product:")}
    # 上游材料: `to` is an input of `from`; 下游产品: `from` is an input of `to`; 产品小类: PART_OF
    assert ("product:示范正极材料", "product:示范电芯", "INPUT_OF") in rel
    assert ("product:示范碳酸锂", "product:示范正极材料", "INPUT_OF") in rel
    assert ("product:示范电芯", "product:示范动力电池包", "INPUT_OF") in rel
    assert ("product:示范三元材料", "product:示范正极材料", "PART_OF") in rel
    assert ("product:示范隔膜", "product:示范电芯", "INPUT_OF") in rel
    assert len(rel) == 8
    assert not any(u == v for u, v, _ in rel)


def test_bad_rows_are_rejected_or_warned_with_their_row(mini):
    assert _issues(mini.rejects) == {
        ("industry.json", 10, "industry needs a code and a name"),
        ("industry_industry.json", 8, "unknown industry code (not in the industry list)"),
        ("company.json", 6, "no usable enterprise name"),
        ("company_industry.json", 8, "unknown industry code (not in the industry list)"),
        ("company_industry.json", 9, "no valid stock code: cannot tell which company"),
        ("product.json", 10, "no usable product name"),
        ("company_product.json", 9, "company not in the graph and no name given"),
        ("company_product.json", 10, "no valid stock code: cannot tell which company"),
        ("company_product.json", 11, "no usable product name"),
        ("product_product.json", 7, "a product related to itself (self-loop)"),
        ("product_product.json", 9, "unknown relation; expected one of 上游材料, 下游产品, 产品小类"),
        ("product_product.json", 10, "no usable product name"),
        ("industry_up.json", 3, "unknown industry name (not in the industry list)"),
        ("industry_up.json", 4, "ups is not a JSON object of industry → count"),
    }
    assert _issues(mini.warnings) == {
        ("company.json", 8, "not a stock code; ignored"),
        ("company_industry.json", 6, "company not in the company list; created from its short name"),
        ("company_industry.json", 7, "industry not in the industry list; added as 示范储能"),
        ("company_product.json", 4, "share is not a number; edge loaded without it"),
        ("company_product.json", 8, "company not in the company list; created from its short name"),
        ("industry_up.json", 2, "unknown upstream industry name; pair skipped"),
        ("industry_up.json", 5, "no upstream industries listed; nothing to load"),
        ("industry_up.json", 6, "count is not a whole number; pair skipped"),
    }


def test_loading_the_folder_again_changes_nothing(mini, tmp_path):
    G = mini.graph.copy()
    before = (list(G.nodes(data=True)), sorted(G.edges(keys=True)))
    res = L.load(chain_kg_mini(tmp_path / "chain-kg"), "chain-kg", G)
    _conserved(res)
    assert (list(G.nodes(data=True)), sorted(G.edges(keys=True))) == before
    loaded = {name: f["loaded"] for name, f in _files(res).items() if f["loaded"]}
    assert loaded == {"industry_up.json": 1}  # its empty `ups` row counts as loaded, with a warning


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_ragged_relation_files_load_like_clean_ones(tmp_path):
    """A relation table whose rows hold more cells than its header loads as the same table without
    the extra cells, with one warning per extra cell, before the row's own issues."""
    sub = {s.kind: s for s in L.load_mapping("chain-kg").files}
    tables = [
        ("product", [["name"], ["示范电芯"], ["示范正极材料"], [""], ["示范电芯"], ["示范(正极)材料"]]),
        (
            "enterprise_product",
            [
                ["company_name", "company_code", "product_name", "rel", "rel_weight"],
                ["甲电科技", "300901.SZ", "示范电芯", "主营产品", "0.6"],
                ["乙材股份", "002901.SZ", "示范碳酸锂", "主营产品", "abc"],
                ["", "300906.SZ", "示范电解液", "主营产品", "0.1"],
                ["甲电科技", "300901.SZ", "示范电芯", "主营产品", "0.7"],
                ["甲电科技", "300901.SZ", "", "主营产品", "0.1"],
            ],
        ),
        (
            "product_relation",
            [
                ["from_entity", "to_entity", "rel"],
                ["示范电芯", "示范正极材料", "上游材料"],
                ["示范电芯", "示范电芯", "上游材料"],
                ["示范碳酸锂", "示范正极材料", "下游产品"],
                ["示范电芯", "示范正极材料", "相关产品"],
                ["示范三元材料", "示范正极材料", "产品小类"],
                ["示范碳酸锂", "示范正极材料", "下游产品"],
            ],
        ),
    ]
    extra = {2: ["多1"], 3: ["", "多2"], 5: ["多3", "多4"]}  # file line → cells past the header
    clean, ragged = nx.MultiDiGraph(), nx.MultiDiGraph()
    (tmp_path / "clean").mkdir()
    (tmp_path / "ragged").mkdir()  # same file names: provenance names the file
    for kind, rows in tables:
        plain = _write(tmp_path / "clean" / f"{kind}.csv", rows)
        wide = _write(tmp_path / "ragged" / f"{kind}.csv", [r + extra.get(i + 1, []) for i, r in enumerate(rows)])
        a, b = L.load(plain, sub[kind], clean), L.load(wide, sub[kind], ragged)
        _conserved(b)
        fa, fb = a.report["files"][0], b.report["files"][0]
        assert {k: v for k, v in fa.items() if k not in ("path", "warnings")} == {
            k: v for k, v in fb.items() if k not in ("path", "warnings")
        }
        assert [tuple(r[1:]) for r in a.rejects.values.tolist()] == [tuple(r[1:]) for r in b.rejects.values.tolist()]
        ragged_warn = "more cells than the header has columns; extra cell ignored"
        expected = []
        for line in sorted(extra):  # each row's extra cells first, then its own warnings
            expected += [(line, "", cell, ragged_warn, "row-extra-cells", "") for cell in extra[line] if cell]
            expected += [tuple(r[1:]) for r in a.warnings.values.tolist() if r[1] == line]
        expected += [tuple(r[1:]) for r in a.warnings.values.tolist() if r[1] not in extra]
        got = [tuple(r[1:]) for r in b.warnings.values.tolist()]
        assert sorted(got, key=lambda r: r[0]) == sorted(expected, key=lambda r: r[0])
        assert [r for r in got if r[0] in extra] == [r for r in expected if r[0] in extra]
        assert fb["warnings"] == fa["warnings"] + sum(1 for cells in extra.values() for c in cells if c)
    assert list(clean.nodes(data=True)) == list(ragged.nodes(data=True))
    assert list(clean.edges(keys=True, data=True)) == list(ragged.edges(keys=True, data=True))
    assert clean.number_of_edges() > 0 and clean.has_edge("product:示范正极材料", "product:示范电芯", "INPUT_OF")
