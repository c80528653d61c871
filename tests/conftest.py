"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # make tests/browser.py importable


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless Debian Chromium (network blocked, fresh profile) shared by one test module.

    Skips with a clear message when ``/usr/bin/chromium`` or playwright is missing.
    """
    from browser import ChromiumHarness

    harness = ChromiumHarness(tmp_path_factory.mktemp("chromium-profile"))
    yield harness
    harness.close()
