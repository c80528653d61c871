"""A chain template of the user's own (a file, not a shipped id) works in every command that takes
--chain: gaps, targets, map and report."""

from __future__ import annotations

from click.testing import CliRunner
from factories import REGION, toy_chain, verdict_graph

from chain_gap import io
from chain_gap.cli import main


def test_custom_template_file_works_in_map_and_report(tmp_path):
    bundle = tmp_path / "city.bundle"
    io.save(verdict_graph(), bundle)
    chain = str(toy_chain().path)
    run = CliRunner().invoke
    for args in (
        ["gaps", str(bundle), "--chain", chain, "--region", REGION],
        ["targets", str(bundle), "--chain", chain, "--region", REGION, "--top", "5"],
        ["map", str(bundle), "--chain", chain, "--region", REGION, "-o", str(tmp_path / "map.html")],
        ["report", str(bundle), "--chain", chain, "--region", REGION, "--out", str(tmp_path / "out")],
    ):
        r = run(main, args)
        assert r.exit_code == 0, (args[0], r.output)
    assert (tmp_path / "map.html").stat().st_size > 0
    for name in ("map.html", "report.xlsx", "report.html", "panorama.png", "gaps.xlsx", "targets.xlsx"):
        assert (tmp_path / "out" / name).stat().st_size > 0, name
