#!/usr/bin/env python3
"""Printed page count of Excel workbooks, as LibreOffice headless prints them (a benchmark, not a test).

    python scripts/print_pages.py [--install] [FILE.xlsx ...]

Without files, runs ``chain-gap demo`` into a temporary folder and counts gaps.xlsx, targets.xlsx and
report.xlsx. Every sheet of a workbook is printed with the workbook's own print setup (orientation,
fit-to-width, hidden/collapsed columns, repeated header rows) to PDF, and the PDF's pages are counted.
``--install`` installs the Debian package ``libreoffice-calc-nogui`` (apt-get, needs root) when
``soffice`` is missing; the default test run never needs it (tests/test_print.py's page test is opt-in).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def soffice(install: bool = False) -> str | None:
    """Path of LibreOffice's ``soffice``, installing libreoffice-calc-nogui first when asked."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found or not install:
        return found
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-calc-nogui"], check=True, env=env
    )
    return shutil.which("soffice")


def page_count(xlsx: Path, exe: str) -> int:
    """Pages of ``xlsx`` printed to PDF by LibreOffice headless (all sheets)."""
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(xlsx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(tmp) / (xlsx.stem + ".pdf")
        return len(_PAGE.findall(pdf.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--install", action="store_true", help="apt-get install libreoffice-calc-nogui if missing")
    args = ap.parse_args(argv)
    exe = soffice(args.install)
    if exe is None:
        print("soffice not found; run with --install (Debian: libreoffice-calc-nogui)", file=sys.stderr)
        return 2
    files = list(args.files)
    tmp = None
    if not files:
        tmp = tempfile.TemporaryDirectory()
        out = Path(tmp.name)
        subprocess.run(
            [sys.executable, "-m", "chain_gap.cli", "demo", "--out", str(out)], check=True, capture_output=True
        )
        files = [out / n for n in ("gaps.xlsx", "targets.xlsx", "report.xlsx")]
    for f in files:
        print(f"{f.name}: {page_count(f, exe)} pages")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
