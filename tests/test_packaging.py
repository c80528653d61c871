"""A non-editable install must find graph/ and loaders/ inside the wheel, from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    return next(out.glob("chain_gap-*.whl"))


def test_wheel_contains_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "chain_gap/_data/graph/schema.yaml" in names
    assert "chain_gap/_data/graph/chains/nev.yaml" in names
    assert "chain_gap/_data/graph/codes/regions.csv" in names
    assert any(n.startswith("chain_gap/_data/loaders/") and n.endswith(".yaml") for n in names)


def test_installed_wheel_runs_from_elsewhere(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import chain_gap._resources as r, chain_gap.chains as c; "
        "print(r.graph_dir()); print(len(c.list_chains())); print(r.loaders_dir())"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(str(target)) and "_data" in lines[0]
    assert int(lines[1]) >= 9
    assert lines[2].startswith(str(target))


RENDER_ASSETS = ("chain_map.css", "chain_map.html.j2", "chain_map.js", "report.css", "report.html.j2")


def test_wheel_contains_render_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in RENDER_ASSETS:
        assert f"chain_gap/render/assets/{asset}" in names, asset


def test_installed_wheel_renders_a_map_from_its_own_assets(wheel, tmp_path):
    """The map's template, script and style sheet are read from the installed package, not the checkout."""
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = """
import pandas as pd
import chain_gap.render.templates as t
from chain_gap.plot import chain_map
row = dict(chain="nev", region="411400", region_name="商丘市", link="nev/cell", link_name="电芯", stage="midstream",
           group="nev/battery", group_name="动力电池", verdict="weak", action="strengthen", local=2,
           local_activity=2.0, national=100, lq=0.5, ci_low=0.1, ci_high=2.0, hhi=0.5, priority=0.7, reasons="r")
html = chain_map(pd.DataFrame([row]))
print(t.__file__)
print(html.startswith("<!DOCTYPE html>"), "window.chainMap" in html, "#cg-panel" in html, "vis.Network" in html)
print(len(t.asset("report.css")) > 100)
"""
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert lines[1:] == ["True True True True", "True"]
