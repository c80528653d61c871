"""Regenerate ``docs/img/map.png``, the README's screenshot of the chain map.

Runs ``chain-gap demo`` (synthetic data, 商丘市, NEV chain) into a temporary folder, opens its
``map.html`` in the project's headless-Chromium harness (``tests/browser.py``: Debian's
``/usr/bin/chromium``, network blocked) at 1400×900 and saves an optimised PNG (or a JPEG when that is
smaller), keeping the file under 400 KB. Run from the repository root::

    python docs/img/screenshot.py
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
LIMIT = 400_000


def main() -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import ChromiumHarness

    from chain_gap.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo-out"
        res = CliRunner().invoke(cli, ["demo", "--out", str(demo)])
        if res.exit_code != 0:
            raise SystemExit(f"chain-gap demo failed: {res.output}")
        with ChromiumHarness(Path(tmp) / "profile", viewport=(1400, 900)) as browser:
            page, rec = browser.open(demo / "map.html", wait_ms=1500)
            if rec.page_errors or rec.blocked:
                raise SystemExit(f"map.html did not render cleanly: {rec.page_errors or rec.blocked}")
            raw = page.screenshot(full_page=False)
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    png = io.BytesIO()
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, "PNG", optimize=True)
    jpg = io.BytesIO()
    img.save(jpg, "JPEG", quality=85, optimize=True)
    if png.tell() <= jpg.tell() or png.tell() <= LIMIT:
        path, data = OUT / "map.png", png.getvalue()
    else:
        path, data = OUT / "map.jpg", jpg.getvalue()
    if len(data) > LIMIT:
        raise SystemExit(f"{path.name}: {len(data):,} bytes, over the {LIMIT:,}-byte budget")
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    p = main()
    print(f"wrote {p} ({p.stat().st_size:,} bytes)")
