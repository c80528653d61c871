"""Regenerate ``docs/img/map.png``, the README's screenshot of the chain map, and ``map.json`` beside it.

Runs ``chain-gap demo`` (synthetic data, 商丘市, NEV chain, the command's defaults) into a temporary
folder, opens its ``map.html`` in the project's headless-Chromium harness (``tests/browser.py``:
Debian's ``/usr/bin/chromium``, network blocked) at 1400×900 and saves an optimised PNG (or a JPEG
when that is smaller), keeping the file under 400 KB.

``map.json`` holds the numbers the picture shows (verdict counts of the legend, links per stage,
the local firms under each node, the priority list, the 与上次相比 counts), read off the rendered
page. Before anything is written they must equal the same numbers computed from the demo run's
tables (:func:`table_figures`), and ``tests/test_readme_picture.py`` checks the committed
``map.json`` against a fresh demo run, so the README's picture cannot drift from the demo silently:
when that test fails, run this script again and commit both files. Run from the repository root::

    python docs/img/screenshot.py
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
FIGURES = OUT / "map.json"
LIMIT = 400_000
VIEWPORT = (1400, 900)
#: The demo as the README tells a newcomer to run it: ``chain-gap demo`` with its defaults.
DEMO_ARGS = ["demo"]


def run_demo(out: Path) -> Path:
    """Run ``chain-gap demo`` (the README's command, default options) into ``out``; returns ``out``."""
    from click.testing import CliRunner

    from chain_gap.cli import main as cli

    res = CliRunner().invoke(cli, [*DEMO_ARGS, "--out", str(out)])
    if res.exit_code != 0:
        raise SystemExit(f"chain-gap demo failed: {res.output}")
    return out


def table_figures(demo_dir: Path) -> dict[str, Any]:
    """The map's numbers computed from a demo run's tables (the latest vintage's gap table, the comparison).

    Parameters
    ----------
    demo_dir : pathlib.Path
        The folder ``chain-gap demo --out`` wrote.

    Returns
    -------
    dict
        ``region``, ``chain``, ``verdicts`` (label → links), ``stages`` (label → links),
        ``local_firms`` (link name → the count under its node), ``priority`` (the first ten links to
        act on, as ``name · verdict · action``) and ``changes`` (label → count).
    """
    from chain_gap import demo, gaps, synth
    from chain_gap import io as cg_io
    from chain_gap import vintages as cg_vintages
    from chain_gap.chains import load_chain
    from chain_gap.codes import resolve_region
    from chain_gap.labels import ACTION_LABELS, STAGE_LABELS, STAGES, VERDICT_LABELS, VERDICTS
    from chain_gap.vocab import TARGET_ACTIONS

    chain = demo.run.__kwdefaults__["chain"]
    reg = resolve_region(synth.DEFAULT_REGION)
    G = cg_io.load(demo_dir / "bundle-next")  # the demo's outputs read its latest vintage
    gt = gaps.table(G, chain, reg.code)
    rows = gt.to_dict("records")
    vz, az = VERDICT_LABELS["zh"], ACTION_LABELS["zh"]
    pri = sorted((r for r in rows if r["action"] in TARGET_ACTIONS), key=lambda r: -float(r["priority"] or 0))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cg_vintages.ChangesWarning)
        ch = cg_vintages.changes(demo_dir / "bundle", demo_dir / "bundle-next", chain, reg.code)
    from chain_gap.render.map_changes import COUNT_LABELS

    s = ch.summary
    return {
        "region": f"{reg.name}（{reg.code}）",
        "chain": load_chain(chain).name,
        "verdicts": {vz[v]: int((gt["verdict"] == v).sum()) for v in VERDICTS},
        "stages": {STAGE_LABELS["zh"][st]: int((gt["stage"] == st).sum()) for st in STAGES},
        "local_firms": {str(r["link_name"]): int(r["local"]) for r in rows},
        "priority": [f"{r['link_name']} · {vz[r['verdict']]} · {az[r['action']]}" for r in pri[:10]],
        "changes": {label: int(s[key]) for key, label in COUNT_LABELS["zh"].items()},
    }


#: Reads the same numbers off the rendered map: legend chips, band titles, node labels, the panel.
_PAGE_JS = """() => {
  const out = {verdicts: {}, stages: {}, local_firms: {}, priority: [], changes: {}};
  document.querySelectorAll('#cg-legend .cg-chip').forEach(c => {
    const n = c.querySelector('b'); out.verdicts[c.textContent.replace(n.textContent, '').trim()] = +n.textContent;
  });
  const D = window.chainMap.data;
  D.bands.forEach(b => { const m = b.label.split(' · '); out.stages[m[0]] = parseInt(m[1], 10); });
  network.body.data.nodes.get().forEach(n => {
    const [name, count] = n.label.replace(/^★ /, '').split('\\n'); out.local_firms[name] = parseInt(count, 10);
  });
  window.chainMap.overview();
  document.querySelectorAll('#cg-panel > button.cg-link').forEach(b => {
    out.priority.push(b.querySelector('.cg-name').textContent + ' · ' + b.querySelector('.cg-sub').textContent);
  });
  document.querySelectorAll('#cg-changes .cg-count').forEach(c => {
    out.changes[c.getAttribute('data-label')] = +c.getAttribute('data-count');
  });
  const meta = document.querySelector('.cg-meta b');
  out.region = meta.textContent + document.querySelector('.cg-meta').textContent.match(/（\\d+）/)[0];
  out.chain = D.chain_name;
  return out;
}"""


def page_figures(page: Any) -> dict[str, Any]:
    """The numbers a playwright ``page`` showing the chain map displays, in :func:`table_figures`' shape."""
    return dict(page.evaluate(_PAGE_JS))


def main() -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import ChromiumHarness
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        demo_dir = run_demo(Path(tmp) / "demo-out")
        expected = table_figures(demo_dir)
        with ChromiumHarness(Path(tmp) / "profile", viewport=VIEWPORT) as browser:
            page, rec = browser.open(demo_dir / "map.html", wait_ms=1500)
            if rec.page_errors or rec.blocked:
                raise SystemExit(f"map.html did not render cleanly: {rec.page_errors or rec.blocked}")
            shown = page_figures(page)
            raw = page.screenshot(full_page=False)
    if shown != expected:
        diff = {k: (shown.get(k), expected[k]) for k in expected if shown.get(k) != expected[k]}
        raise SystemExit(f"the map shows other numbers than the demo's tables: {diff}")
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    png = io.BytesIO()
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, "PNG", optimize=True)
    if png.tell() > LIMIT:
        raise SystemExit(f"map.png: {png.tell():,} bytes, over the {LIMIT:,}-byte budget")
    path = OUT / "map.png"
    path.write_bytes(png.getvalue())
    doc = {"about": "numbers shown in map.png (python docs/img/screenshot.py)", "command": "chain-gap demo"}
    FIGURES.write_text(json.dumps({**doc, **shown}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    p = main()
    print(f"wrote {p} ({p.stat().st_size:,} bytes) and {FIGURES.name}")
