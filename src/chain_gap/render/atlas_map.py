"""The 产业地图: an inline-SVG choropleth drawn in Python, as a standalone page and as a report section.

No script, no tile, no font or image fetched: the SVG is part of the HTML, tooltips are SVG
``<title>`` elements (native browser tooltips) and every region or firm name is XML-escaped, so the
page carries the same Content-Security-Policy as the report (nothing may run, nothing may be loaded).

Every map says what it is: 示意图, the boundary source and its version; it never claims a 审图号.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

import pandas as pd

from chain_gap.labels import VERDICT_COLORS, VERDICT_LABELS, VERDICTS
from chain_gap.render.boundaries import Boundaries, project
from chain_gap.render.style import FONT_STACK

__all__ = ["MAP_TEXT", "atlas_page", "legend_note", "map_svg"]

MAP_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{scope}{chain}产业地图 · {metric}",
        "metric_firms": "企业数",
        "metric_lq": "专业化程度（区位熵 LQ*）",
        "metric_verdict": "环节诊断",
        "metric_targets": "招商目标企业来源地",
        "of_link": "（环节：{link}）",
        "nation": "全国",
        "sketch": "示意图",
        "sketch_note": "本图为示意图，仅示意各地区数据分布，不作为行政区划和界线的依据；未取得审图号。",
        "source": "边界数据：{label}（{origin}）",
        "no_shape": "以下地区无边界数据，未在图上绘出（数值见下表）：{names}",
        "firms": "企业数",
        "lq": "区位熵 LQ*",
        "verdict": "诊断",
        "targets": "目标企业数",
        "code": "代码",
        "region": "地区",
        "focus": "本地（黑框）",
        "peer": "对标地区（红框）",
        "none": "无",
        "not_covered": "不在数据范围",
        "bench": "地区对标：{region}与{n}个对标地区",
        "regions_table": "各地区数值",
        "lq_note": "全链条的 LQ* 为各末级环节 LQ*（封顶 3）按环节权重的加权和；单个环节为该环节的 LQ*。",
        "footer": "由 chain-gap 生成。页面不含脚本、不访问网络，可在内网离线打开。",
    },
    "en": {
        "title": "{chain} chain map · {scope} · {metric}",
        "metric_firms": "firms",
        "metric_lq": "specialisation (LQ*)",
        "metric_verdict": "link verdict",
        "metric_targets": "where the target firms are",
        "of_link": " (link: {link})",
        "nation": "China",
        "sketch": "Sketch map 示意图",
        "sketch_note": "A sketch map showing where the data lie; not an authority on administrative boundaries; "
        "no map approval number (审图号).",
        "source": "Boundaries: {label} ({origin})",
        "no_shape": "Regions without a boundary, not drawn (values in the table): {names}",
        "firms": "firms",
        "lq": "LQ*",
        "verdict": "verdict",
        "targets": "targets",
        "code": "code",
        "region": "region",
        "focus": "this region (black outline)",
        "peer": "peers (red outline)",
        "none": "none",
        "not_covered": "outside the data",
        "bench": "Benchmarking: {region} and {n} peer regions",
        "regions_table": "Values by region",
        "lq_note": "The chain's LQ* is the weight-averaged LQ* (capped at 3) of its leaf links; a link's is its own.",
        "footer": "Made with chain-gap. The page has no scripts and loads nothing from the network.",
    },
}

_BLUES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
_LQ_BINS = ((0.5, "#f7f7f7"), (0.8, "#fde0c5"), (1.2, "#fdae6b"), (2.0, "#e6550d"), (math.inf, "#a63603"))
_ZERO = "#ffffff"
_NODATA = "#e0e0e0"


def _count_bins(values: pd.Series) -> list[tuple[float, str]]:
    """Upper bounds of up to 5 classes of positive counts (rounded quantiles), with their colours."""
    pos = values[values > 0].astype(float)
    if pos.empty:
        return []
    qs = sorted({math.ceil(float(pos.quantile(q))) for q in (0.2, 0.4, 0.6, 0.8)} | {math.ceil(float(pos.max()))})
    return [(float(ub), _BLUES[min(i + 1, len(_BLUES) - 1)]) for i, ub in enumerate(qs)]


def _classes(vals: pd.DataFrame, metric: str, lang: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Fill per region and the legend (colour, label)."""
    t = MAP_TEXT[lang]
    fill: dict[str, str] = {}
    legend: list[tuple[str, str]] = []
    covered = vals["covered"] if "covered" in vals else pd.Series(True, index=vals.index)
    if metric == "verdict":
        for code, v, cov in zip(vals["region"], vals["verdict"], covered):
            fill[code] = VERDICT_COLORS.get(v, _NODATA) if cov else _NODATA
        seen = set(vals["verdict"])
        legend = [(VERDICT_COLORS[v], VERDICT_LABELS[lang][v]) for v in VERDICTS if v in seen]
    elif metric == "lq":
        lo = 0.0
        for ub, col in _LQ_BINS:
            legend.append((col, f"{lo:g}–{ub:g}" if math.isfinite(ub) else f"≥ {lo:g}"))
            lo = ub
        for code, v, cov in zip(vals["region"], vals["lq_star"], covered):
            if not cov or v is None or (isinstance(v, float) and math.isnan(v)):
                fill[code] = _NODATA
            else:
                fill[code] = next(col for ub, col in _LQ_BINS if float(v) < ub)
    else:
        col_name = "firms" if metric == "firms" else "targets"
        series = vals[col_name].astype(float)
        bins = _count_bins(series)
        legend.append((_ZERO, "0"))
        lo = 1.0
        for ub, col in bins:
            legend.append((col, f"{lo:g}–{ub:g}" if ub > lo else f"{ub:g}"))
            lo = ub + 1
        for code, v, cov in zip(vals["region"], series, covered):
            if not cov:
                fill[code] = _NODATA
            elif v <= 0:
                fill[code] = _ZERO
            else:
                fill[code] = next((col for ub, col in bins if v <= ub), bins[-1][1])
    if not covered.all():
        legend.append((_NODATA, t["not_covered"]))
    return fill, legend


def _tip(r: Mapping[str, Any], t: Mapping[str, str], lang: str) -> str:
    lines = [f"{r['region_name']}（{r['region']}）" if lang == "zh" else f"{r['region_name']} ({r['region']})"]
    if not r.get("covered", True):
        return lines[0] + "\n" + t["not_covered"]
    lines.append(f"{t['firms']}：{int(r['firms'])}" if lang == "zh" else f"{t['firms']}: {int(r['firms'])}")
    lq = r.get("lq_star")
    if lq is not None and not (isinstance(lq, float) and math.isnan(lq)):
        lines.append(f"{t['lq']}：{float(lq):.2f}" if lang == "zh" else f"{t['lq']}: {float(lq):.2f}")
    if "verdict" in r:
        v = VERDICT_LABELS[lang].get(r["verdict"], r["verdict"])
        lines.append(f"{t['verdict']}：{v}" if lang == "zh" else f"{t['verdict']}: {v}")
    if "targets" in r:
        lines.append(f"{t['targets']}：{int(r['targets'])}" if lang == "zh" else f"{t['targets']}: {int(r['targets'])}")
    if r.get("top_firms"):
        lines.append(("主要企业：" if lang == "zh" else "main firms: ") + str(r["top_firms"]))
    return "\n".join(lines)


def map_svg(
    vals: pd.DataFrame,
    bounds: Boundaries,
    *,
    lang: str = "zh",
    focus: str | None = None,
    peer_codes: tuple[str, ...] = (),
    width: float = 760.0,
    labels: bool = True,
) -> tuple[str, list[str]]:
    """The choropleth as an ``<svg>`` element and the names of the regions it could not draw."""
    t = MAP_TEXT[lang]
    metric = vals.attrs.get("metric", "firms")
    shapes, missing = {}, []
    for code, name in zip(vals["region"], vals["region_name"]):
        rings = bounds.shape(code)
        if rings:
            shapes[code] = rings
        else:
            missing.append(f"{name}（{code}）" if lang == "zh" else f"{name} ({code})")
    national = vals.attrs.get("level") == "province" and vals.attrs.get("within") is None
    proj = project(shapes, width=width, lines=bounds.load_maritime() if national else None)
    fill, legend = _classes(vals, metric, lang)
    rows: dict[str, dict[str, Any]] = {
        str(r["region"]): {str(k): v for k, v in r.items()} for r in vals.to_dict("records")
    }
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="atlas-svg" class="atlas-svg" viewBox="0 0 {proj.width:g} '
        f'{proj.height + 8:g}" width="{proj.width:g}" height="{proj.height + 8:g}" role="img" '
        f'aria-label="{escape(t["sketch"])}" data-points="{proj.points}">'
    ]
    out.append(f'<g font-family={escape(FONT_STACK, quote=True)!r} stroke-linejoin="round">'.replace("'", '"'))
    for code, d in proj.paths.items():
        cls = "region focus" if code == focus else "region peer" if code in peer_codes else "region"
        stroke = "#111" if code == focus else "#c0392b" if code in peer_codes else "#777"
        sw = 2.2 if code == focus else 1.4 if code in peer_codes else 0.5
        out.append(
            f'<path class="{cls}" data-code="{escape(code)}" fill="{fill.get(code, _NODATA)}" stroke="{stroke}" '
            f'stroke-width="{sw}" fill-rule="evenodd" d="{d}"><title>{escape(_tip(rows[code], t, lang))}</title></path>'
        )
    for d in proj.lines:
        out.append(
            f'<path class="maritime" d="{d}" fill="none" stroke="#555" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    if labels and len(proj.paths) <= 200:
        size = 11 if len(proj.paths) <= 40 else 8
        for code, (x, y) in proj.label_at.items():
            name = str(rows[code]["region_name"])
            out.append(
                f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle" fill="#222" '
                f'paint-order="stroke" stroke="#fff" stroke-width="2.5" pointer-events="none">{escape(name)}</text>'
            )
    out.append("</g></svg>")
    vals.attrs["legend"] = legend
    return "".join(out), missing


def legend_note(bounds: Boundaries, lang: str = "zh") -> str:
    """The one-line statement every map carries: 示意图, the boundary source and version, no 审图号."""
    t = MAP_TEXT[lang]
    origin = bounds.origin_zh if lang == "zh" else bounds.origin_en
    return f"{t['sketch']} · {t['source'].format(label=bounds.label, origin=origin)} · {t['sketch_note']}"


def title_of(vals: pd.DataFrame, scope_name: str, lang: str = "zh") -> str:
    t = MAP_TEXT[lang]
    a = vals.attrs
    metric = t["metric_" + a.get("metric", "firms")]
    link = a.get("link_name") if lang == "zh" else (a.get("link_name_en") or a.get("link_name"))
    if link:
        metric += t["of_link"].format(link=link)
    chain = a.get("chain_name") if lang == "zh" else (a.get("chain_name_en") or a.get("chain_name"))
    return t["title"].format(scope=scope_name or t["nation"], chain=chain, metric=metric)


def section_html(
    vals: pd.DataFrame,
    bounds: Boundaries,
    *,
    scope_name: str,
    lang: str = "zh",
    focus: str | None = None,
    bench: pd.DataFrame | None = None,
    heading: str | None = "h2",
) -> str:
    """The map, its legend and statement, and the benchmarking table: a block for any page."""
    t = MAP_TEXT[lang]
    peer_codes = tuple((bench is not None and bench.attrs.get("peers")) or ())
    svg, missing = map_svg(vals, bounds, lang=lang, focus=focus, peer_codes=peer_codes)
    legend = "".join(
        f'<span class="chip"><i style="background:{c};border:1px solid #999"></i>{escape(label)}</span>'
        for c, label in vals.attrs["legend"]
    )
    if focus and focus in set(vals["region"]):
        legend += f'<span class="chip"><i style="border:2px solid #111"></i>{escape(t["focus"])}</span>'
    if set(peer_codes) & set(vals["region"]):
        legend += f'<span class="chip"><i style="border:2px solid #c0392b"></i>{escape(t["peer"])}</span>'

    parts = [
        '<section class="atlas" id="atlas">'
        + (f'<{heading} id="atlas-title">{escape(title_of(vals, scope_name, lang))}</{heading}>' if heading else ""),
        f'<div class="atlas-legend" id="atlas-legend"><b class="sketch">{escape(t["sketch"])}</b> {legend}'
        f'<div class="atlas-source" id="atlas-source">{escape(legend_note(bounds, lang))}</div></div>',
        f'<div class="atlas-map">{svg}</div>',
    ]
    if vals.attrs.get("metric") == "lq":
        parts.append(f'<p class="note">{escape(t["lq_note"])}</p>')
    if missing:
        parts.append(
            f'<p class="note" id="atlas-no-shape">{escape(t["no_shape"].format(names="、".join(missing)))}</p>'
        )
    if bench is not None and len(bench):
        parts.append(
            f'<h3 id="bench-title">{escape(t["bench"].format(region=bench.attrs.get("region_name", ""), n=len(bench.attrs.get("peers", []))))}</h3>'
        )
        parts.append(f'<p class="note">{escape(str(bench.attrs.get("rule", "")))}</p>')
        parts.append(_table_html(bench.drop(columns=[bench.columns[0]]), "bench-table"))
    parts.append("</section>")
    return "".join(parts)


def _table_html(df: pd.DataFrame, id_: str) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                txt = "—" if math.isnan(v) else f"{v:.2f}"
                cells.append(f'<td class="num">{txt}</td>')
            else:
                cells.append(f"<td>{escape('—' if v is None else str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{id_}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def regions_table(vals: pd.DataFrame, lang: str = "zh") -> str:
    t = MAP_TEXT[lang]
    cols = {"region": t["code"], "region_name": t["region"], "firms": t["firms"], "lq_star": t["lq"]}
    df = vals.copy()
    if "verdict" in df:
        df["verdict"] = df["verdict"].map(lambda v: VERDICT_LABELS[lang].get(v, v))
        cols["verdict"] = t["verdict"]
    if "targets" in df:
        cols["targets"] = t["targets"]
    return _table_html(df[list(cols)].rename(columns=cols), "atlas-regions")


ATLAS_CSS = """
body{font-family:@FONT@;margin:0;background:#fafafa;color:#1f2328}
main{max-width:1100px;margin:0 auto;padding:16px 24px;background:#fff}
h1{font-size:22px;margin:8px 0}.meta{color:#57606a;font-size:13px}
.coverage{background:#eef4fb;border-left:4px solid #4a78b4;color:#1f3a5f;font-size:13px;padding:5px 10px;margin:6px 0}
.synthetic{background:#fff4ce;border:1px solid #e0b400;padding:6px 10px;margin:8px 0;font-weight:bold}
.atlas-legend{margin:8px 0;font-size:13px}.atlas-legend .sketch{background:#24292f;color:#fff;padding:2px 8px;border-radius:3px}
.chip{display:inline-block;margin:0 8px 4px 0}.chip i{display:inline-block;width:14px;height:12px;margin-right:4px;vertical-align:-1px}
.atlas-source{color:#57606a;font-size:12px;margin-top:4px}.atlas-map svg{max-width:100%;height:auto;background:#f3f7fb}
.note{color:#57606a;font-size:12px}table{border-collapse:collapse;font-size:12px;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:3px 6px}th{background:#f6f8fa}td.num{text-align:right}
footer{color:#8c959f;font-size:12px;margin-top:16px}
""".replace("@FONT@", FONT_STACK.replace('"', "'"))


def _coverage_html(coverage: str, lang: str) -> str:
    if not coverage:
        return ""
    label = "数据覆盖：" if lang == "zh" else "Data coverage: "
    return f'<div class="coverage" id="coverage" role="note">ⓘ {escape(label + coverage)}</div>'


def atlas_page(
    vals: pd.DataFrame,
    bounds: Boundaries,
    *,
    scope_name: str,
    lang: str = "zh",
    focus: str | None = None,
    bench: pd.DataFrame | None = None,
    synthetic: bool = False,
    vintage: str = "",
    csp: str = "",
    coverage: str = "",
) -> str:
    """The standalone map page: title, 示意图 statement, map, benchmarking and the values table.

    ``coverage`` is the gap table's coverage banner in ``lang`` (``chain_gap.render.text.banner``),
    shown under the title when not empty.
    """
    t = MAP_TEXT[lang]
    title = title_of(vals, scope_name, lang)
    banner = ""
    if synthetic:
        txt = (
            "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况"
            if lang == "zh"
            else "Synthetic demo data — not real"
        )
        banner = f'<div class="synthetic" id="synthetic">⚠ {escape(txt)}</div>'
    meta = (
        f"{'数据时点' if lang == 'zh' else 'data vintage'}：{vintage or '—'}"
        if lang == "zh"
        else f"data vintage: {vintage or '—'}"
    )
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp, quote=True)}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="chain-gap">'
        f"<title>{escape(title)}</title><style>{ATLAS_CSS}</style></head><body><main>{banner}"
        f'<h1 id="atlas-title">{escape(title)}</h1><div class="meta">{escape(meta)}</div>'
        + _coverage_html(coverage, lang)
        + section_html(vals, bounds, scope_name=scope_name, lang=lang, focus=focus, bench=bench, heading=None)
        + f'<h2 id="regions-title">{escape(t["regions_table"])}</h2>{regions_table(vals, lang)}'
        f"<footer>{escape(t['footer'])}</footer></main></body></html>"
    )
