"""What chain-gap draws and writes for people: maps, the panorama, Excel files and the HTML report.

One module per output, plus the small shared pieces they are built from:

* :mod:`~chain_gap.render.chain_map` — the interactive HTML chain map (one self-contained page);
  :mod:`~chain_gap.render.map_nodes` and :mod:`~chain_gap.render.map_layout` build its nodes and
  fixed layout, :mod:`~chain_gap.render.map_text` holds its zh/en labels;
* :mod:`~chain_gap.render.panorama` — the matplotlib 产业链全景图 (PNG / SVG for slides);
* :mod:`~chain_gap.render.fonts` — CJK font discovery, glyph coverage and label fitting;
* :mod:`~chain_gap.render.excel` — the safe Excel / CSV writer (codes as text, formulas inert);
* :mod:`~chain_gap.render.sheets` — labelled sheets (gap table, target list, local firms);
* :mod:`~chain_gap.render.notes` — the 数据说明 prose, read from the settings in force;
* :mod:`~chain_gap.render.html_report` — the one-page HTML report (no script, no network);
* :mod:`~chain_gap.render.inputs`, :mod:`~chain_gap.render.text`, :mod:`~chain_gap.render.style`,
  :mod:`~chain_gap.render.templates` — gap-table checks, value formatting, palette and fonts,
  the jinja2 environment over the package's ``assets/`` (JS, CSS and HTML templates).

Nothing here computes an analysis: the gap table and the targets come from :mod:`chain_gap.gaps`
and :mod:`chain_gap.targets`; :mod:`chain_gap.report` wires both together for one (chain, region).
"""
