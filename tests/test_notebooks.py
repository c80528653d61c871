"""The analyst notebooks in ``notebooks/``: committed clean, in sync with their generator, and runnable.

Each notebook is executed with nbclient (kernel ``python3``, working directory ``notebooks/``, as
nbmake runs them), so the README's plain ``pytest`` also checks them and CI stays one command.
``02-real-data`` needs ``../shared/data`` and ``04-neo4j`` needs ``NEO4J_URI``; without them they
must still run to the end, printing why they stop (that path is what is checked then).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _generator():
    spec = importlib.util.spec_from_file_location("build_notebooks", NB_DIR / "build_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _require_jupyter() -> None:
    """Skip without nbclient / ipykernel outside CI; under CI (``CI`` set) their absence is a failure."""
    missing = [m for m in ("nbformat", "nbclient", "ipykernel") if importlib.util.find_spec(m) is None]
    if missing:
        msg = f"{', '.join(missing)} not installed: pip install nbmake ipykernel (the `test` extra)"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(msg)


def test_the_four_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01-quickstart.ipynb",
        "02-real-data.ipynb",
        "03-regions-and-weights.ipynb",
        "04-neo4j.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{path.name}: no code cells"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name} cell {i}: outputs are committed (strip them)"
        assert cell.get("execution_count") is None, f"{path.name} cell {i}: execution count is committed"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_notebooks_equal_their_generator():
    _require_jupyter()
    gen = _generator()
    assert sorted(gen.NOTEBOOKS) == [p.name for p in NOTEBOOKS]

    def content(text: str) -> tuple:
        nb = json.loads(text)
        cells = [
            (c["cell_type"], c.get("id"), "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for c in nb["cells"]
        ]
        return cells, nb["metadata"]

    for p in NOTEBOOKS:
        assert content(p.read_text(encoding="utf-8")) == content(gen.render(p.name)), (
            f"{p.name} differs from notebooks/build_notebooks.py: edit the cells there and run "
            "`python notebooks/build_notebooks.py`"
        )


def _execute(path: Path, cwd: Path = NB_DIR):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell raised:\n{str(exc)[-3000:]}")
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert errors == [], f"{path.name}: error outputs {[e.get('ename') for e in errors]}"
    return nb


def _text(nb) -> str:
    """All outputs of an executed notebook as one string (stream text, plain and HTML data)."""
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            parts.append(o.get("text", ""))
            data = o.get("data", {})
            parts.append(data.get("text/plain", ""))
            parts.append(data.get("text/html", ""))
            parts.append(data.get("text/markdown", ""))
    return "\n".join(parts)


@pytest.fixture()
def repo_files_unchanged():
    """The notebooks write into temporary folders only: nothing appears in the repository."""

    def files() -> set[Path]:
        return {p for p in [*NB_DIR.rglob("*"), *ROOT.iterdir()] if "__pycache__" not in p.parts}

    before = files()
    yield
    after = files()
    assert after - before == set(), f"notebook wrote into the repository: {sorted(after - before)[:5]}"


@pytest.mark.slow
def test_quickstart_runs_and_shows_the_map_inline(repo_files_unchanged):
    _require_jupyter()
    nb = _execute(NB_DIR / "01-quickstart.ipynb")
    out = _text(nb)
    # the map is inline as an escaped srcdoc: the page's own tags appear only as entities
    frames = [
        o["data"]["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "<iframe srcdoc=" in o["data"]["text/html"]
    ]
    assert len(frames) == 1
    srcdoc = frames[0].split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert "&lt;html" in srcdoc.lower() and "<" not in srcdoc and '"' not in srcdoc
    assert "商丘市" in out and "completeness C =" in out
    assert "targets.xlsx" in out and "same verdicts after the round trip" in out


def _real_data_present() -> bool:
    """The notebook's own rule: ../shared/data, or the folder (or its data/) named by CHAIN_GAP_SHARED."""
    places = [SHARED]
    if os.environ.get("CHAIN_GAP_SHARED"):
        env = Path(os.environ["CHAIN_GAP_SHARED"]).expanduser()
        places += [env, env / "data"]
    return any(
        (p / "chain-kg" / "company.json").is_file() and (p / "ashare-basic" / "stock_basic_2026.csv").is_file()
        for p in places
    )


@pytest.mark.slow
def test_real_data_notebook_runs_on_the_shared_data(repo_files_unchanged):
    _require_jupyter()
    if not _real_data_present():
        pytest.skip(f"real data not found at {SHARED} (or CHAIN_GAP_SHARED); the stop path is tested below")
    out = _text(_execute(NB_DIR / "02-real-data.ipynb"))
    assert "河南省 · 新能源汽车" in out and "河南省 · 电子信息" in out
    assert "listed companies outside 河南省 produce in links it lacks" in out


def test_real_data_notebook_stops_cleanly_without_the_data(tmp_path, monkeypatch):
    """On a user's machine (no ../shared/data): a clear message, every later cell a no-op, no error."""
    _require_jupyter()
    monkeypatch.delenv("CHAIN_GAP_SHARED", raising=False)
    cwd = tmp_path / "repo" / "notebooks"
    cwd.mkdir(parents=True)
    nb = _execute(NB_DIR / "02-real-data.ipynb", cwd=cwd)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert "real data are not available" in _text(nb)
    assert len(outputs) == 1, "cells after the data check printed something without data"


@pytest.mark.slow
def test_regions_and_weights_notebook_runs(repo_files_unchanged):
    _require_jupyter()
    out = _text(_execute(NB_DIR / "03-regions-and-weights.ipynb"))
    assert "of the top 20 stay in the top 20" in out
    assert "cascade_total" in out and "missing" in out


def test_neo4j_notebook_explains_without_a_server(repo_files_unchanged, monkeypatch):
    _require_jupyter()
    monkeypatch.delenv("NEO4J_URI", raising=False)
    nb = _execute(NB_DIR / "04-neo4j.ipynb")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    out = _text(nb)
    assert "NEO4J_URI` is not set" in out and "docs/neo4j.md" in out and "docker run" in out
    assert len(outputs) == 1, "cells after the NEO4J_URI check ran without a server"


@pytest.mark.neo4j
@pytest.mark.usefixtures("neo4j_live")  # NEO4J_URI, else the test server of tests/conftest.py
def test_neo4j_notebook_runs_against_a_live_server(repo_files_unchanged):
    _require_jupyter()
    out = _text(_execute(NB_DIR / "04-neo4j.ipynb"))
    assert "second push: nodes_created = 0" in out and "Q2 agrees with the gap table" in out
    assert "removed" in out and "synthetic enterprises" in out
