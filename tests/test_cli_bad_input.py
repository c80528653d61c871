"""A demanding user's bad inputs at the command line: each gets one line naming what is wrong, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from chain_gap.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"


def test_python_dash_m_cli_offers_every_command_the_entry_point_offers():
    """`python -m chain_gap.cli demo` must work: the help's quick start names `demo`, `map`, `report`."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-m", "chain_gap.cli", "--help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert set(main.commands) <= listed
    assert {"demo", "map", "report", "compare"} <= listed
