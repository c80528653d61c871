"""The package face: modules load lazily, and importing chain_gap stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import chain_gap


@pytest.mark.parametrize("name", chain_gap.MODULES)
def test_every_module_is_an_attribute(name):
    mod = getattr(chain_gap, name)
    assert mod.__name__ == f"chain_gap.{name}"
    assert name in dir(chain_gap)


def test_unknown_attribute_still_raises():
    with pytest.raises(AttributeError):
        chain_gap.no_such_module  # noqa: B018


def _imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_and_cli_help_do_not_pull_heavy_libraries():
    heavy = {"pandas", "matplotlib", "numpy", "networkx", "pyvis", "xlsxwriter", "neo4j"}
    assert not heavy & _imported_after("import chain_gap")
    assert not heavy & _imported_after(
        "from click.testing import CliRunner\nfrom chain_gap.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\nassert r.exit_code == 0, r.output"
    )


def test_attribute_access_right_after_import():
    out = subprocess.run(
        [sys.executable, "-c", "import chain_gap; print(callable(chain_gap.gaps.table))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"
