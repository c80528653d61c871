"""The README's map picture (docs/img/map.png) shows today's demo: its numbers cannot drift silently.

``docs/img/screenshot.py`` writes ``map.json`` beside the picture: the numbers the picture shows, read
off the rendered map. A fresh ``chain-gap demo`` (the README's command, default options) must give the
same numbers from its tables, and its map must show them. When this fails after a change to the
demo, the synthetic data or the map, regenerate both files: ``python docs/img/screenshot.py``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
REGENERATE = "run `python docs/img/screenshot.py` and commit docs/img/map.png and map.json"


def _script():
    spec = importlib.util.spec_from_file_location("readme_screenshot", IMG / "screenshot.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    mod = _script()
    out = mod.run_demo(tmp_path_factory.mktemp("readme-demo") / "demo-out")
    return mod, out, mod.table_figures(out)


def test_picture_exists_and_is_small():
    png = IMG / "map.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size < 400_000


@pytest.mark.slow
def test_committed_figures_match_a_fresh_demo_run(fresh):
    _, _, expected = fresh
    committed = json.loads((IMG / "map.json").read_text(encoding="utf-8"))
    for key, value in expected.items():  # the priority list included: the demo is deterministic
        assert committed.get(key) == value, f"map.json {key!r} differs from today's demo: {REGENERATE}"
    assert sum(expected["verdicts"].values()) == sum(expected["stages"].values()) == len(expected["local_firms"])
    assert len(expected["priority"]) == 10 and expected["changes"]


@pytest.mark.slow
@pytest.mark.browser
def test_the_demo_map_shows_the_tables_numbers(chromium, fresh):
    mod, out, expected = fresh
    page, rec = chromium.open(out / "map.html", wait_ms=500)
    assert mod.page_figures(page) == expected
    assert rec.page_errors == [] and rec.blocked == [], rec
    page.close()
