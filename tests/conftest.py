"""Shared pytest fixtures."""

from __future__ import annotations

import os
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


def _neo4j_required() -> bool:
    return os.environ.get("CHAIN_GAP_REQUIRE_NEO4J", "") not in ("", "0")


@pytest.fixture(scope="session")
def neo4j_server():
    """``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` of a live Neo4j for the tests marked ``neo4j``.

    With ``NEO4J_URI`` set, that server is used as it is. Otherwise the Neo4j 5.26 Community test server
    that ``scripts/setup --test`` builds (``tests/neo4j_server.py``) is started once for the session on
    127.0.0.1 with a random password, and stopped at its end. When it cannot be started the live tests
    skip with the reason, or fail when ``CHAIN_GAP_REQUIRE_NEO4J=1`` (set by ``.ci/run``, so CI never
    passes without having talked to a real server).
    """
    if os.environ.get("NEO4J_URI"):
        yield {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD") if k in os.environ}
        return
    from neo4j_server import Neo4jServer, ServerUnavailable

    try:
        server = Neo4jServer().start()
    except ServerUnavailable as exc:
        msg = f"no Neo4j server: set NEO4J_URI or run scripts/setup --test (docs/neo4j.md); {exc}"
        if _neo4j_required():
            pytest.fail(f"CHAIN_GAP_REQUIRE_NEO4J is set and {msg}", pytrace=False)
        pytest.skip(msg)
    try:
        yield server.env
    finally:
        server.stop()


@pytest.fixture()
def neo4j_live(neo4j_server, monkeypatch):
    """The live server's environment, set for one test (``@pytest.mark.usefixtures("neo4j_live")``)."""
    for key, value in neo4j_server.items():
        monkeypatch.setenv(key, value)
    return neo4j_server


@pytest.fixture(scope="session")
def neo4j_build():
    """``tests/neo4j_server.py`` when the Neo4j test server is built here (for tests that start their own
    server or run the real importer); skips, or fails under ``CHAIN_GAP_REQUIRE_NEO4J=1``, when not."""
    import neo4j_server

    why = neo4j_server.missing()
    if why:
        if _neo4j_required():
            pytest.fail(f"CHAIN_GAP_REQUIRE_NEO4J is set and {why}", pytrace=False)
        pytest.skip(why)
    return neo4j_server
