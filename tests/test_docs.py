"""The documentation runs: README's CLI reference and Python API, and docstrings on the public API.

The CLI reference is executed line by line, in order, through click's CliRunner in a working folder
that holds a demo output (``chain_gap.demo.run(..., n=4000)`` as ``demo-out/``), so the README's
relative paths (``demo-out/...``, ``my.bundle``, ``review.xlsx``) work as written. Placeholders a
reader fills in are substituted the way a reader would: ``ent:…`` by the ids of the first targets,
and ``review.xlsx`` gets two reviewer decisions before ``review apply``. ``demo`` runs with
``--n 4000`` to keep the test fast. ``neo4j push`` / ``pull`` need a server: without ``NEO4J_URI``
they must fail with the documented one-line error (exit 2) instead.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import shlex
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from chain_gap import demo
from chain_gap.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
API_MODULES = [
    "load",
    "link",
    "frames",
    "gaps",
    "targets",
    "metrics",
    "io",
    "report",
    "plot",
    "neo4j",
    "demo",
    "synth",
    "vintages",
    "cli",
]
PLACEHOLDER_ENT = re.compile(r"ent:…")


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    assert f"\n## {title}" in text, f"README has no '## {title}' section"
    body = text.split(f"\n## {title}", 1)[1]
    return body.split("\n## ", 1)[0]


def cli_lines() -> list[list[str]]:
    """The command lines of the CLI reference block, continuation lines joined, comments dropped."""
    block = re.search(r"```bash\n(.*?)```", _section("CLI reference"), re.S)
    assert block, "no ```bash block in the CLI reference"
    joined = block.group(1).replace("\\\n", " ")
    lines = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            assert words[0] == "chain-gap", f"not a chain-gap command in the CLI reference: {line}"
            lines.append(words[1:])
    return lines


def cli_commands() -> list[tuple[str, ...]]:
    """Every leaf command of the CLI as a path of names, e.g. ('review', 'apply')."""
    out: list[tuple[str, ...]] = []

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                walk(cmd, prefix + (name,))
            else:
                out.append(prefix + (name,))

    walk(main, ())
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder holding ``demo-out/`` (4,000 synthetic firms); the README's commands run inside it."""
    work = tmp_path_factory.mktemp("readme")
    demo.run(work / "demo-out", n=4000)
    return work


@pytest.fixture()
def in_workdir(workdir):
    old = Path.cwd()
    os.chdir(workdir)
    try:
        yield workdir
    finally:
        os.chdir(old)


def test_every_cli_command_has_a_readme_example():
    documented = {tuple(w for w in words[:2] if not w.startswith("-")) for words in cli_lines()}
    prefixes = {d[:1] for d in documented} | documented
    missing = [" ".join(c) for c in cli_commands() if c not in prefixes]
    assert missing == [], f"CLI commands without an example in README's CLI reference: {missing}"


def _fill_review(path: Path) -> int:
    """Act as the reviewer: confirm the first uncertain link and reject the second."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("复核结论") + 1
    n = 0
    for row, decision in zip(range(2, ws.max_row + 1), ("确认", "排除")):
        ws.cell(row=row, column=col, value=decision)
        n += 1
    wb.save(path)
    return n


def test_readme_cli_reference_runs(in_workdir, monkeypatch):
    from chain_gap import io, targets

    live_neo4j = bool(os.environ.get("NEO4J_URI"))
    runner = CliRunner()
    failures = []
    reviewed = 0
    for words in cli_lines():
        args = list(words)
        if any(PLACEHOLDER_ENT.search(a) for a in args):
            bundle = args[1]
            region = args[args.index("--region") + 1]
            ids = list(targets.rank(io.load(bundle), "nev", region, top=2)["ent_id"])
            assert len(ids) == 2, "the README bundle has fewer than two targets"
            args = [PLACEHOLDER_ENT.sub(lambda _m, it=iter(ids): next(it), a) if "ent:…" in a else a for a in args]  # noqa: B008 - one iterator per line, on purpose
        if args[:2] == ["review", "apply"]:
            reviewed = _fill_review(Path(args[3]))
        if args[0] == "demo" and "--n" not in args:
            args += ["--n", "4000"]
        needs_server = args[0] == "neo4j" and args[1] in ("push", "pull")
        if needs_server and not live_neo4j:
            monkeypatch.delenv("NEO4J_URI", raising=False)
        res = runner.invoke(main, args)
        line = "chain-gap " + " ".join(words)
        if needs_server and not live_neo4j:
            if res.exit_code != 2 or "NEO4J_URI" not in res.output:
                failures.append(f"{line}: expected the one-line NEO4J_URI error, got {res.exit_code}: {res.output}")
            continue
        if res.exit_code != 0:
            failures.append(f"{line}: exit {res.exit_code}: {res.output[-500:]}")
            continue
        if "-o" in args:
            out = Path(args[args.index("-o") + 1])
            if not (out.is_file() and out.stat().st_size > 0):
                failures.append(f"{line}: did not write {out}")
        if args[:2] == ["review", "apply"] and f"{reviewed} override(s) in force" not in res.output:
            failures.append(f"{line}: expected {reviewed} overrides in force: {res.output}")
    assert failures == [], "\n".join(failures)
    assert Path("my.bundle/manifest.json").is_file() and Path("load.json").is_file()


def test_readme_python_api_runs(in_workdir):
    block = re.search(r"```python\n(.*?)```", _section("Python API"), re.S)
    assert block, "no ```python block in the Python API section"
    ns: dict = {}
    exec(compile(block.group(1), "README.md (Python API)", "exec"), ns)
    from chain_gap.chains import load_chain

    leaves = len(load_chain("nev").leaves())
    assert isinstance(ns["gaps"], pd.DataFrame) and len(ns["gaps"]) == leaves
    assert ns["summary"]["links"] == leaves
    assert isinstance(ns["targets"], pd.DataFrame) and 0 < len(ns["targets"]) <= 50
    assert ns["G"].number_of_nodes() > 4000 and Path("city.bundle/manifest.json").is_file()


def _api_table_rows() -> list[str]:
    rows = [line for line in _section("Python API").splitlines() if line.startswith("| `")]
    assert rows, "the Python API table is missing"
    return rows


def test_readme_api_table_names_real_functions_and_parameters():
    problems = []
    for row in _api_table_rows():
        cell = row.split("|")[1]
        for ref in re.findall(r"`([^`]+)`", cell):
            m = re.match(r"(\w+)\.(\w+|\*)(?:\((.*)\))?$", ref.strip())
            assert m, f"cannot read {ref!r} in the README API table"
            mod_name, fn_name, params = m.groups()
            mod = importlib.import_module(f"chain_gap.{mod_name}")
            if fn_name == "*":
                continue
            fn = getattr(mod, fn_name, None)
            if not callable(fn):
                problems.append(f"{ref}: chain_gap.{mod_name}.{fn_name} does not exist")
                continue
            sig = inspect.signature(fn)
            takes_kwargs = any(q.kind is q.VAR_KEYWORD for q in sig.parameters.values())
            for p in (params or "").split(","):
                name = p.split("=")[0].strip()
                if name and name not in sig.parameters and not takes_kwargs:
                    problems.append(f"{ref}: {fn_name}() has no parameter {name!r}")
    assert problems == [], "\n".join(problems)


def _public(mod) -> list[tuple[str, object]]:
    out = []
    for name, obj in vars(mod).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            out.append((name, obj))
            if inspect.isclass(obj):
                out += [
                    (f"{name}.{m}", f) for m, f in vars(obj).items() if not m.startswith("_") and inspect.isfunction(f)
                ]
    return out


@pytest.mark.parametrize("mod_name", API_MODULES)
def test_every_public_function_has_a_docstring(mod_name):
    mod = importlib.import_module(f"chain_gap.{mod_name}")
    assert (mod.__doc__ or "").strip(), f"chain_gap.{mod_name} has no module docstring"
    public = _public(mod)
    assert public, f"chain_gap.{mod_name} defines no public functions"
    missing = [name for name, obj in public if not (inspect.getdoc(obj) or "").strip()]
    assert missing == [], f"chain_gap.{mod_name}: no docstring on {missing}"


def test_every_cli_command_has_help_with_an_example():
    problems = []
    for path in cli_commands():
        cmd = main
        for name in path:
            cmd = cmd.commands[name]
        text = (cmd.help or "").strip()
        if not text:
            problems.append(f"{' '.join(path)}: no help text")
        elif f"chain-gap {' '.join(path)}" not in text:
            problems.append(f"{' '.join(path)}: help has no example line `chain-gap {' '.join(path)} …`")
    for name, group in [("", main)] + [(n, c) for n, c in main.commands.items() if isinstance(c, click.Group)]:
        if not (group.help or "").strip():
            problems.append(f"group {name or 'chain-gap'}: no help text")
    assert problems == [], "\n".join(problems)
