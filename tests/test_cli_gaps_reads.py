"""`chain-gap gaps` reads only part of a bundle (``GAPS_READS``): its gap table must be the one the
whole bundle gives, and what it reads is still verified."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from chain_gap import frames, gaps, io, report
from chain_gap._bundle import BundleError
from chain_gap._cli import GAPS_READS
from chain_gap.cli import main


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "--n", "6000", "--seed", "5"])
    assert res.exit_code == 0, res.output
    return out / "bundle"


def test_partial_read_gives_the_same_gap_tables_and_notes(bundle):
    full = io.load(bundle)
    part = io.load(bundle, only=GAPS_READS)
    assert part.number_of_nodes() < full.number_of_nodes()
    assert not any(a.get("kind") == "Region" for _, a in part.nodes(data=True))
    assert all("kind" in a for _, a in part.nodes(data=True))  # no bare nodes from edges to unread kinds
    assert any(k == "SUPPLIES" for *_, k in part.edges(keys=True))  # the anchor rule's edges are there
    cities = frames.enterprises(full, ["region"], levels=["city"])["city"].value_counts()
    regions = [*cities.index[:4], str(cities.index[0])[:2] + "0000"]
    for region in regions:
        for activity in ("firms", "revenue"):
            a = gaps.table(full, "nev", region, activity=activity)
            b = gaps.table(part, "nev", region, activity=activity)
            pd.testing.assert_frame_equal(a, b)
            assert report.gap_notes(a, "zh", full) == report.gap_notes(b, "zh", part)


def test_cli_gaps_output_matches_the_whole_bundle(bundle, tmp_path):
    out = tmp_path / "g.csv"
    res = CliRunner().invoke(main, ["gaps", str(bundle), "--chain", "nev", "--region", "411400", "-o", str(out)])
    assert res.exit_code in (0, 3), res.output
    want = report.gap_sheet(gaps.table(io.load(bundle), "nev", "411400"), "zh")
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns) == [str(c) for c in want.columns]
    assert len(got) == len(want)


def test_partial_read_still_verifies_what_it_reads(bundle, tmp_path):
    import shutil

    copy = tmp_path / "b"
    shutil.copytree(bundle, copy)
    m = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    f = copy / m["edges"]["LINKED_TO"]["parts"][0]["file"]
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(BundleError) as exc:
        io.load(copy, only=GAPS_READS)
    assert exc.value.code == "bundle-checksum"
    # a damaged part of a kind the command does not read does not stop it
    g = copy / m["edges"]["LOCATED_IN"]["parts"][0]["file"]
    shutil.copy(bundle / m["edges"]["LINKED_TO"]["parts"][0]["file"], f)
    g.write_bytes(g.read_bytes()[:-10])
    assert io.load(copy, only=GAPS_READS).number_of_edges() > 0
    with pytest.raises(BundleError):
        io.load(copy)
