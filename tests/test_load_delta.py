"""A small load into a big bundle costs the small file (issue 15) and gives the whole-bundle load's result.

``load --into`` an existing bundle appends new firms as parts (``chain_gap.load.delta``) when none of
the file's rows can reach a firm of the bundle; anything else is loaded against the whole bundle. Each
test loads the same file both ways (the fast path forced off in the second copy) and compares what a
user reads back: nodes, edges, contacts, provenance sources and the report's counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import chain_gap.load as load_pkg
from chain_gap import io, synth
from chain_gap.load import load_into


def _csv(path: Path, n: int, seed: int, prefix: str = "") -> Path:
    ents, _ = synth.generate(n=n, seed=seed, chains=("nev",), focus=None)
    ents = ents.drop(columns=["true_link"])
    ents["name"] = prefix + ents["name"].astype(str)
    ents.to_csv(path, index=False)
    return path


@pytest.fixture()
def big(tmp_path: Path) -> Path:
    bundle = tmp_path / "big.bundle"
    load_into(bundle, _csv(tmp_path / "base.csv", 300, 0), "enterprises")
    return bundle


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each load_into took the fast path."""
    took: list[bool] = []
    real = load_pkg.load_new

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        took.append(out is not None)
        return out

    monkeypatch.setattr(load_pkg, "load_new", spy)
    return took


def _both(tmp_path: Path, big: Path, new: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict, list[bool]]:
    fast, slow = tmp_path / "fast.bundle", tmp_path / "slow.bundle"
    shutil.copytree(big, fast)
    shutil.copytree(big, slow)
    took = _spy(monkeypatch)
    r_fast = load_into(fast, new, "enterprises")
    monkeypatch.setattr(load_pkg, "load_new", lambda *a, **k: None)  # the whole-bundle load
    r_slow = load_into(slow, new, "enterprises")
    assert r_fast.report["totals"] == r_slow.report["totals"]
    return _read(fast), _read(slow), took


def _read(path: Path) -> dict:
    G = io.load(path)
    contacts = G.graph.get("contacts")
    return {
        "nodes": {n: dict(a) for n, a in G.nodes(data=True)},
        "edges": sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True)),
        "contacts": None if contacts is None else contacts.sort_index(),
        "sources": G.graph.get("provenance_sources"),
    }


def _same(a: dict, b: dict) -> None:
    assert a["nodes"] == b["nodes"]
    assert a["edges"] == b["edges"]
    assert a["sources"] == b["sources"]
    if a["contacts"] is None or b["contacts"] is None:  # a file without contact columns
        assert a["contacts"] is None and b["contacts"] is None
    else:
        pd.testing.assert_frame_equal(a["contacts"], b["contacts"])


def test_new_firms_are_appended_and_read_back_as_the_whole_bundle_load_gives(tmp_path, big, monkeypatch):
    new = _csv(tmp_path / "new.csv", 40, 7, prefix="新增")
    fast, slow, took = _both(tmp_path, big, new, monkeypatch)
    assert took == [True]
    _same(fast, slow)
    firms = [n for n, a in fast["nodes"].items() if a.get("kind") == "Enterprise"]
    assert len(firms) == 340
    assert len(fast["contacts"]) == 340  # the new firms' contacts are there, the old ones kept
    # appended as new parts: the bundle's earlier Enterprise part is still there, untouched
    parts = io.read_manifest(tmp_path / "fast.bundle")["nodes"]["Enterprise"]["parts"]
    before = io.read_manifest(big)["nodes"]["Enterprise"]["parts"]
    assert [p["file"] for p in parts[: len(before)]] == [p["file"] for p in before]
    assert len(parts) > len(before)


def test_a_row_of_a_firm_the_bundle_holds_is_merged_against_the_whole_bundle(tmp_path, big, monkeypatch):
    base = pd.read_csv(tmp_path / "base.csv", dtype=str, keep_default_na=False)
    new = pd.read_csv(_csv(tmp_path / "new.csv", 10, 7, prefix="新增"), dtype=str, keep_default_na=False)
    old = base.iloc[[3]].copy()
    old["revenue"] = ""  # the same firm (same USCC) again, one field different in a later export
    old["employees"] = "99999"
    pd.concat([new, old]).to_csv(tmp_path / "mixed.csv", index=False)
    fast, slow, took = _both(tmp_path, big, tmp_path / "mixed.csv", monkeypatch)
    assert took == [False]  # the firm is the bundle's: no fast path
    _same(fast, slow)


def test_a_new_firm_named_like_one_of_the_bundle_takes_the_whole_bundle_path(tmp_path, big, monkeypatch):
    base = pd.read_csv(tmp_path / "base.csv", dtype=str, keep_default_na=False)
    twin = base.iloc[[5]].copy()
    twin["uscc"] = ""  # no USCC: identity falls back to the name, which the bundle holds
    twin.to_csv(tmp_path / "twin.csv", index=False)
    fast, slow, took = _both(tmp_path, big, tmp_path / "twin.csv", monkeypatch)
    assert took == [False]
    _same(fast, slow)


def test_loading_the_same_new_file_twice_changes_nothing(tmp_path, big, monkeypatch):
    new = _csv(tmp_path / "new.csv", 25, 7, prefix="新增")
    took = _spy(monkeypatch)
    first = load_into(big, new, "enterprises")
    after_first = _read(big)
    loads = io.read_manifest(big)["loads"]
    second = load_into(big, new, "enterprises")
    assert took == [True, False]  # the second time every row is a firm of the bundle
    assert first.report["totals"]["loaded"] == 25
    assert second.report["totals"]["loaded"] == 0 and second.report["totals"]["merged"] == 25
    _same(_read(big), after_first)
    assert io.read_manifest(big)["loads"] == loads  # compacting the appended parts records no new load


def test_supply_rows_never_take_the_fast_path(tmp_path, big, monkeypatch):
    names = pd.read_csv(tmp_path / "base.csv", dtype=str)["name"]
    pd.DataFrame({"supplier": [names[0]], "customer": [names[1]]}).to_csv(tmp_path / "supply.csv", index=False)
    took = _spy(monkeypatch)
    res = load_into(big, tmp_path / "supply.csv", "supply")
    assert took == [False]
    assert res.report["totals"]["rows_in"] == 1


def test_new_firms_appended_to_a_schema_1_bundle_raise_its_schema_version(tmp_path):
    """The appended rows carry provenance references (schema 2): the manifest must say so, so that an
    older chain-gap refuses the bundle instead of misreading them; the old rows still read."""
    b = tmp_path / "old.bundle"
    shutil.copytree(Path(__file__).parent / "data" / "bundle_v2_schema1", b)
    old_ids = [n for n, a in io.load(b).nodes(data=True) if a.get("kind") == "Enterprise"]
    load_into(b, _csv(tmp_path / "new.csv", 5, 7, prefix="新增"), "enterprises")
    assert io.read_manifest(b)["schema_version"] == 2
    G = io.load(b)
    from chain_gap import provenance

    assert all(provenance.of(G, n) for n in old_ids)
    new = [n for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise" and n not in old_ids]
    assert len(new) == 5 and all(str(provenance.of(G, n).get("name", "")).startswith("new.csv:") for n in new)


@pytest.mark.parametrize("block", [4, 64])
def test_a_bundle_firm_after_many_new_rows_still_takes_the_whole_bundle_path(tmp_path, big, monkeypatch, block):
    # the keys are matched against the bundle in blocks: a match in a later block, or in the last
    # partial one, must stop the fast path just as a match in the first row does
    monkeypatch.setattr(load_pkg.delta.KnownIds, "BLOCK", block)
    base = pd.read_csv(tmp_path / "base.csv", dtype=str, keep_default_na=False)
    new = pd.read_csv(_csv(tmp_path / "new.csv", 30, 7, prefix="新增"), dtype=str, keep_default_na=False)
    old = base.iloc[[8]].copy()
    old["employees"] = "4242"
    pd.concat([new, old]).to_csv(tmp_path / "late.csv", index=False)
    fast, slow, took = _both(tmp_path, big, tmp_path / "late.csv", monkeypatch)
    assert took == [False]
    _same(fast, slow)


def test_a_stock_code_spelt_otherwise_in_the_bundle_takes_the_whole_bundle_path(tmp_path, monkeypatch):
    rows = pd.DataFrame(
        {
            "name": ["甲乙电池股份有限公司", "丙丁材料有限公司"],
            "stock_code": ["300750.SZ", ""],
            "region": ["350902", "410100"],
        }
    )
    rows.to_csv(tmp_path / "base.csv", index=False)
    big = tmp_path / "big.bundle"
    load_into(big, tmp_path / "base.csv", "enterprises")
    pd.DataFrame({"name": ["甲乙新能源科技有限公司"], "stock_code": ["300750"], "region": ["350902"]}).to_csv(
        tmp_path / "same_stock.csv", index=False
    )
    fast, slow, took = _both(tmp_path, big, tmp_path / "same_stock.csv", monkeypatch)
    assert took == [False]  # 300750 and 300750.SZ are one listing
    _same(fast, slow)


def test_two_fast_loads_keep_the_bundle_counts_exact(tmp_path, big, monkeypatch):
    took = _spy(monkeypatch)
    load_into(big, _csv(tmp_path / "a.csv", 20, 7, prefix="新增甲"), "enterprises")
    load_into(big, _csv(tmp_path / "b.csv", 15, 8, prefix="新增乙"), "enterprises")
    assert took == [True, True]
    m = io.read_manifest(big)
    G = io.load(big)
    firms = sum(1 for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise")
    assert m["nodes"]["Enterprise"]["count"] == firms == 335
    assert m["totals"]["nodes"] == G.number_of_nodes()
    assert m["totals"]["edges"] == G.number_of_edges()
