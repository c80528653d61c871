"""Headless Chromium harness for tests of the HTML outputs (chain map, report).

Uses Debian's ``/usr/bin/chromium`` through playwright's Python API (never a downloaded browser),
with a fresh profile and the network blocked: every request that is not ``file://`` is aborted
and recorded, so a page that tries to reach a CDN fails the test instead of silently rendering
on a developer machine and breaking on a government intranet.

Usage::

    with ChromiumHarness(tmp_path / "profile") as browser:
        page, rec = browser.open(path)
        assert rec.console_errors == [] and rec.blocked == []
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test when Debian's chromium or playwright is not available.

    Under CI (``CI`` set) a missing browser is a failure, not a skip: CI installs it, so its
    absence means the set-up is broken and the browser checks would silently not run.
    """
    skip = pytest.fail if os.environ.get("CI") else pytest.skip
    if not CHROMIUM.exists():
        skip(
            f"{CHROMIUM} not found: install the Debian package 'chromium' "
            f"(apt-get install chromium) to run browser tests"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip("playwright is not installed: pip install playwright (no browser download needed)")


@dataclass
class PageRecord:
    """What happened while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class ChromiumHarness:
    """One headless Chromium with a fresh user-data dir; pages open with the network blocked."""

    def __init__(self, profile_dir: Path, viewport: tuple[int, int] = (1600, 1000)) -> None:
        require_chromium()
        from playwright.sync_api import sync_playwright

        self.profile_dir = Path(profile_dir)
        if self.profile_dir.exists():
            shutil.rmtree(self.profile_dir)
        self.profile_dir.mkdir(parents=True)
        self._pw = sync_playwright().start()
        try:
            self.context = self._pw.chromium.launch_persistent_context(
                str(self.profile_dir),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]},
                service_workers="block",
            )
        except Exception:
            self._pw.stop()
            raise
        self._blocked: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self._blocked.append(url)
            route.abort("blockedbyclient")

    def open(self, path: Path, *, wait_ms: int = 300) -> tuple[Any, PageRecord]:
        """Open ``path`` in a new tab; returns the page and a live :class:`PageRecord`."""
        rec = PageRecord()
        self._blocked = rec.blocked
        page = self.context.new_page()
        page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.page_errors.append(str(e)))

        def _dialog(d: Any) -> None:
            rec.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", _dialog)
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(wait_ms)
        return page, rec

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self._pw.stop()

    def __enter__(self) -> ChromiumHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
