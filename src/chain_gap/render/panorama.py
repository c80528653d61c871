"""The 产业链全景图 (chain panorama): one chain in one region as a 16:9 picture for slides and print.

Three stage columns 上游 / 中游 / 下游, the level-2 groups as headed blocks and one box per leaf
link in its verdict colour, with the local firm count and the recommended action. Drawn with
matplotlib on the Agg canvas (no pyplot state) in a CJK font found by :mod:`chain_gap.render.fonts`.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.labels import ACTION_LABELS, STAGE_LABELS, STAGES, VERDICT_COLORS, VERDICT_LABELS, VERDICTS
from chain_gap.render.fonts import FALLBACK_FAMILY, check_glyphs, cjk_font, fit_lines
from chain_gap.render.inputs import PlotError, chain_names, leaf_records
from chain_gap.render.pano_firms import FIRM_SCALE as _FIRM_SCALE
from chain_gap.render.pano_firms import fit_firms, tile_firms
from chain_gap.render.style import STAGE_BAND, text_color
from chain_gap.render.text import banner as coverage_text
from chain_gap.render.text import number
from chain_gap.render.text import text as as_text
from chain_gap.vocab import TARGET_ACTIONS

__all__ = ["PANORAMA_DPI", "PANORAMA_SIZE", "panorama", "png_bytes", "write_panorama"]

_PANO_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{region} · {chain}产业链全景图",
        "subtitle": "地区代码 {code} · 数据时点：{vintage} · 末级环节 {n} 个，{present} 个环节有本地企业，{firms}",
        "firms": "本地企业 {n} 家",
        "firm_links": "本地企业挂链 {n} 家次",
        "stage": "{stage} · {n}个环节",
        "cont": "（续）",
        "count": "{n}家",
        "legend_priority": "粗框★ = 优先关注（前{k}）",
        "legend_count": "N家 = 本地企业数",
        "legend_action": "建议：补链 = 补齐断点 · 延链 = 向外延伸 · 补强 = 扩大基础 · 强链 = 锻长板",
        "synthetic": "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况 · synthetic demo data",
        "watermark": "合成演示数据",
        "credit": "chain-gap 链条诊断",
        "vintage_unknown": "未注明",
        "coverage": "数据覆盖：",
    },
    "en": {
        "title": "{chain} chain panorama · {region}",
        "subtitle": "Region {code} · data vintage: {vintage} · {n} leaf links, {present} with local firms, {firms}",
        "firms": "{n} local firms",
        "firm_links": "{n} local firm-links",
        "stage": "{stage} · {n} links",
        "cont": " (cont.)",
        "count": "{n} firms",
        "legend_priority": "Bold frame ★ = act first (top {k})",
        "legend_count": "N firms = local firms in the link",
        "legend_action": "Fill = close a gap · Extend = beyond local chain · Reinforce = widen the base · "
        "Strengthen = build on a strength",
        "synthetic": "Synthetic demo data — firms and numbers are generated, not real · 合成演示数据",
        "watermark": "SYNTHETIC DEMO",
        "credit": "chain-gap gap analysis",
        "vintage_unknown": "not stated",
        "coverage": "Data coverage: ",
    },
}

#: Slide geometry: 16:9 at 16 × 9 inches; PNG at 150 dpi is 2400 × 1350 px, sharp on a
#: 1080p projector and still sharp when a slide is printed. Text sizes below are in points
#: at this size, so a slide showing the image full-width shows 10 pt text as about 8 pt.
PANORAMA_SIZE = (16.0, 9.0)
PANORAMA_DPI = 150
_PANO_TOP_PRIORITIES = 5
_EM_W = 1.0 / 72.0  # inches per point


def _flow(
    blocks: list[tuple[str, list[dict]]], k: int, head_u: float, gap_u: float, slack: float
) -> tuple[list[list[tuple[str, Any]]], float]:
    """Flow group blocks top to bottom into ``k`` columns; a split group repeats its heading."""
    total = sum(head_u + len(ms) + gap_u for _, ms in blocks) - gap_u
    target = total / k * slack
    cols: list[list[tuple[str, Any]]] = [[]]
    heights = [0.0]
    for name, members in blocks:
        whole = head_u + len(members)
        for j, m in enumerate(members):
            # a group is kept in one column unless it is taller than a column on its own
            need = (whole if j == 0 else 1.0) + (gap_u if j == 0 and cols[-1] else 0.0)
            may_split = j == 0 or whole > target
            if may_split and cols[-1] and heights[-1] + need > target and len(cols) < k:
                cols.append([])
                heights.append(0.0)
            if j == 0 or not cols[-1] or cols[-1][-1][0] == "gap":
                if cols[-1] and j == 0:
                    cols[-1].append(("gap", None))
                    heights[-1] += gap_u
                cols[-1].append(("head", (name, j > 0)))
                heights[-1] += head_u
            cols[-1].append(("leaf", m))
            heights[-1] += 1.0
    return cols, max(heights)


def _best_flow(
    blocks: list[tuple[str, list[dict]]], k: int, head_u: float, gap_u: float
) -> tuple[list[list[tuple[str, Any]]], float]:
    if not blocks:
        return [[]], 0.0
    best = None
    for slack in (1.0, 1.04, 1.08, 1.12, 1.2, 1.3):
        cols, h = _flow(blocks, k, head_u, gap_u, slack)
        if best is None or h < best[1] - 1e-9:
            best = (cols, h)
    assert best is not None
    return best


#: The coverage banner's font size (pt) and line pitch (inches) under the subtitle.
_COV_PT = 11.0
_COV_LINE = 0.24


def _wrap(s: str, max_em: float, em: Any) -> list[str]:
    """``s`` cut into lines no wider than ``max_em`` (``em(x)`` is the width of ``x`` in em): a line
    may break between any two CJK characters, between ASCII words only at a space."""
    lines: list[str] = []
    line = ""
    for tok in re.findall(r"[!-~]+\s*|\s+|.", s):
        if line and em(line + tok.rstrip()) > max_em:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def panorama(
    gaps: pd.DataFrame,
    *,
    title: str | None = None,
    vintage: str | None = None,
    lang: str = "zh",
    synthetic: bool = False,
    local_firms: int | None = None,
) -> Any:
    """Draw the 产业链全景图 (chain panorama) of one chain in one region as a 16:9 figure.

    The familiar poster of Chinese industrial-chain planning documents: three columns 上游 /
    中游 / 下游, the level-2 groups as headed blocks, and one box per leaf link filled with its
    verdict colour (:data:`VERDICT_COLORS`, the same as the map and the report) carrying the link
    name, the local firm count ("12家") and the recommended action (补链 / 延链 / 补强 / 强链 …). The five
    links with the highest priority get a bold frame and a star, because the first question of a
    leadership meeting is "where do we start". Box grid, column split and font size are chosen
    so that ~50 links fit a slide at a readable size (names wrap; very long ones shrink, then
    are cut with "…"; the full names stay in the gap table).

    Parameters
    ----------
    gaps
        Gap table of one chain and one region (see :func:`chain_map`).
    title
        Figure title; default "{region} · {chain}产业链全景图".
    vintage
        Data vintage shown under the title.
    lang
        ``"zh"`` (default) or ``"en"``.
    synthetic
        Add a banner and a faint watermark saying the data are synthetic.
    local_firms
        Distinct local firms the gap table counts (a firm on several links once), for the subtitle;
        without it the subtitle gives the firm-link sum of the ``local`` column, called so.

    Returns
    -------
    matplotlib.figure.Figure
        A figure on the Agg canvas (no pyplot state is touched); save it with
        :func:`write_panorama`.

    Raises
    ------
    PlotError
        On a bad gap table (same checks as :func:`chain_map`).
    FontError
        When no CJK font is available, or a label holds a character no available font can draw.
    """
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import FancyBboxPatch, Rectangle

    if lang not in _PANO_TEXT:
        raise PlotError(f"lang {lang!r} is not supported; use 'zh' or 'en'")
    t = _PANO_TEXT[lang]
    rows = leaf_records(gaps)
    _font_path, family = cjk_font()
    fallback_path = font_manager.findfont(FontProperties(family=FALLBACK_FAMILY), fallback_to_default=True)
    families = [family, FALLBACK_FAMILY]

    first = rows[0]
    chain = as_text(first["chain"])
    zh_name, en_name = chain_names(gaps, chain)
    region_name = as_text(first["region_name"]) or as_text(first["region"])
    fig_title = title or t["title"].format(region=region_name, chain=zh_name if lang == "zh" else en_name)
    present = sum(1 for r in rows if r["local"] > 0)
    firms_txt = (
        t["firms"].format(n=f"{local_firms:,}")
        if local_firms is not None
        else t["firm_links"].format(n=f"{sum(int(r['local']) for r in rows):,}")
    )
    subtitle = t["subtitle"].format(
        code=as_text(first["region"]),
        vintage=vintage or t["vintage_unknown"],
        n=len(rows),
        present=present,
        firms=firms_txt,
    )
    leaders = {r["link"]: tile_firms(r, as_text(first["region"])) for r in rows}
    with_firms = any(leaders.values())
    acting = sorted(
        (r for r in rows if r["action"] in TARGET_ACTIONS), key=lambda r: -(number(r.get("priority")) or 0.0)
    )
    top = {r["link"] for r in acting[:_PANO_TOP_PRIORITIES]}

    def name_of(r: Mapping[str, Any]) -> str:
        return (as_text(r.get("link_name_en")) if lang == "en" else "") or as_text(r["link_name"]) or r["link"]

    def group_of(r: Mapping[str, Any]) -> str:
        return (
            (as_text(r.get("group_name_en")) if lang == "en" else "") or as_text(r["group_name"]) or as_text(r["group"])
        )

    stage_blocks: dict[str, list[tuple[str, list[dict]]]] = {}
    for stage in STAGES:
        by_group: dict[str, list[dict]] = {}
        names: dict[str, str] = {}
        for r in rows:
            if r["stage"] == stage:
                by_group.setdefault(as_text(r["group"]), []).append(r)
                names.setdefault(as_text(r["group"]), group_of(r))
        stage_blocks[stage] = [(names[g], ms) for g, ms in by_group.items()]
    stages = [s for s in STAGES if stage_blocks[s]]

    # ---- page geometry (inches, y grows downwards) -----------------------------------------
    W, H = PANORAMA_SIZE
    margin = 0.28
    y = 0.18
    banner = None
    if synthetic:
        banner = (y, 0.40)
        y += 0.52
    title_y = y + 0.22
    sub_y = title_y + 0.42
    content_top = sub_y + 0.32
    legend_y = H - 0.32
    content_bottom = H - 0.62
    stage_head_h = 0.42
    stage_gap = 0.22
    col_gap = 0.10
    pad = 0.10
    head_u, gap_u = 0.62, 0.22  # group heading and inter-group gap, in leaf-row units

    fig = Figure(figsize=PANORAMA_SIZE, dpi=PANORAMA_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    widths: dict[tuple[str, bool], float] = {}

    def em(s: str, bold: bool = False) -> float:
        """Rendered width of ``s`` in em (measured once at 10 pt; text scales linearly)."""
        key = (s, bold)
        if key not in widths:
            prop = FontProperties(family=families, size=10, weight="bold" if bold else "normal")
            px = renderer.get_text_width_height_descent(s, prop, ismath=False)[0] if s else 0.0
            widths[key] = px * 72.0 / PANORAMA_DPI / 10.0
        return widths[key]

    def em_bold(s: str) -> float:
        return em(s, True)

    # the coverage banner under the subtitle, wrapped to the page width; the links move down for it
    coverage = coverage_text(gaps, lang)
    cov_lines = _wrap(t["coverage"] + coverage, (W - 2 * margin) * 72.0 / _COV_PT, em) if coverage else []
    if cov_lines:
        content_top += 0.06 + len(cov_lines) * _COV_LINE

    # ---- choose leaf columns per stage and the font size -----------------------------------
    avail_w = W - 2 * margin - stage_gap * (len(stages) - 1)
    avail_h = content_bottom - content_top - stage_head_h - 2 * pad
    name_em = sorted(em_bold(name_of(r)) for r in rows)
    typical_em = name_em[min(len(name_em) - 1, int(0.85 * len(name_em)))]
    best: tuple[tuple[float, int], float, float, dict[str, int], dict[str, Any]] | None = None
    for ks in itertools.product(range(1, 7), repeat=len(stages)):
        k = dict(zip(stages, ks))
        flows = {s: _best_flow(stage_blocks[s], k[s], head_u, gap_u) for s in stages}
        units = max(h for _, h in flows.values())
        box_w = (avail_w - sum(2 * pad + (k[s] - 1) * col_gap for s in stages)) / sum(ks)
        if box_w <= 0.3:
            continue
        row_h = avail_h / units
        # a box holds two name lines and one count line: ≈ 3.9 line-heights of the font size,
        # and one line of leading firms at 0.8 of it when there are any
        size_h = (row_h - 0.08) / ((3.9 + (_FIRM_SCALE * 1.2 if with_firms else 0.0)) * _EM_W)
        size_w = (box_w - 0.12) / (math.ceil(typical_em / 2 + 0.5) * _EM_W)
        size = min(size_h, size_w, 15.0)
        # a group split over two columns reads worse than slightly smaller text: 4 % per split;
        # at equal size prefer wider boxes (fewer, longer lines read better than many short ones)
        splits = sum(
            1 for cols, _ in flows.values() for col in cols for kind, item in col if kind == "head" and item[1]
        )
        score = (round(size * (1 - 0.04 * splits), 1), -sum(ks))
        if best is None or score > best[0]:
            best = (score, size, row_h, k, flows)
    if best is None:
        raise PlotError(f"gap table: {len(rows)} links do not fit a panorama; draw the chain map instead")
    _score, size, row_h, k, flows = best
    size = max(size, 6.0)
    row_h = min(row_h, size * 5.2 * _EM_W)  # do not blow up boxes of a small chain
    head_size = min(size * 1.08, 15.0)

    # ---- figure --------------------------------------------------------------------------
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    ax.set_axis_off()
    drawn: list[tuple[str, bool]] = []

    def text(x: float, yy: float, s: str, size_pt: float, **kw: Any) -> None:
        drawn.append((s, kw.get("weight") == "bold"))
        ax.text(x, yy, s, fontsize=size_pt, family=families, **kw)

    if banner is not None:
        ax.add_patch(
            Rectangle(
                (margin, banner[0]),
                W - 2 * margin,
                banner[1],
                facecolor="#fff4ce",
                edgecolor="#e0b400",
                linewidth=1.2,
                zorder=1,
            )
        )
        text(
            W / 2,
            banner[0] + banner[1] / 2,
            t["synthetic"],
            13,
            ha="center",
            va="center",
            color="#6b5200",
            weight="bold",
            zorder=2,
        )
    text(margin, title_y, fig_title, 22, ha="left", va="center", color="#1f2328", weight="bold")
    text(margin, sub_y, subtitle, 12, ha="left", va="center", color="#57606a")
    for i, line in enumerate(cov_lines):
        text(margin, sub_y + 0.30 + i * _COV_LINE, line, _COV_PT, ha="left", va="center", color="#1f3a5f")

    x = margin
    for stage in stages:
        cols, _units = flows[stage]
        n_cols = k[stage]
        box_w = (avail_w - sum(2 * pad + (k[s] - 1) * col_gap for s in stages)) / sum(k.values())
        stage_w = 2 * pad + n_cols * box_w + (n_cols - 1) * col_gap
        fill, ink = STAGE_BAND[stage]
        ax.add_patch(
            FancyBboxPatch(
                (x, content_top),
                stage_w,
                content_bottom - content_top,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=fill,
                edgecolor="none",
                zorder=0,
            )
        )
        ax.add_patch(
            FancyBboxPatch(
                (x, content_top),
                stage_w,
                stage_head_h,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=ink,
                edgecolor="none",
                zorder=1,
            )
        )
        n_stage = sum(len(ms) for _, ms in stage_blocks[stage])
        label = t["stage"].format(stage=STAGE_LABELS[lang][stage], n=n_stage)
        lines, ls = fit_lines(label, (stage_w - 0.16) * 72, 16, 1, 11, em_bold)
        if lines[0].endswith("…"):  # a narrow stage: its name alone
            lines, ls = fit_lines(STAGE_LABELS[lang][stage], (stage_w - 0.16) * 72, 16, 1, 9, em_bold)
        text(
            x + stage_w / 2,
            content_top + stage_head_h / 2,
            lines[0],
            ls,
            ha="center",
            va="center",
            color="white",
            weight="bold",
            zorder=2,
        )
        for ci, col in enumerate(cols):
            cx = x + pad + ci * (box_w + col_gap)
            yy = content_top + stage_head_h + pad
            block_top: float | None = None
            for kind, item in col + [("end", None)]:
                if kind in ("gap", "end", "head") and block_top is not None:
                    ax.add_patch(
                        FancyBboxPatch(
                            (cx - 0.04, block_top),
                            box_w + 0.08,
                            yy - block_top,
                            boxstyle="round,pad=0,rounding_size=0.05",
                            facecolor="white",
                            edgecolor="#c9d1d9",
                            linewidth=0.8,
                            zorder=1,
                            alpha=0.9,
                        )
                    )
                    block_top = None
                if kind == "gap":
                    yy += gap_u * row_h
                elif kind == "head":
                    block_top = yy
                    name, cont = item
                    hh = head_u * row_h
                    label = name + (t["cont"] if cont else "")
                    lines, hs = fit_lines(label, (box_w - 0.1) * 72, head_size, 1, head_size * 0.8, em_bold)
                    if lines[-1].endswith("…"):  # too long for one line: two smaller lines
                        small = min(head_size * 0.8, (hh - 0.04) / (2 * 1.15 * _EM_W))
                        lines, hs = fit_lines(label, (box_w - 0.1) * 72, small, 2, small * 0.8, em_bold)
                    for li, ln in enumerate(lines):
                        text(
                            cx + box_w / 2,
                            yy + hh / 2 + (li - (len(lines) - 1) / 2) * hs * 1.15 * _EM_W,
                            ln,
                            hs,
                            ha="center",
                            va="center",
                            color=ink,
                            weight="bold",
                            zorder=3,
                        )
                    yy += hh
                elif kind == "leaf":
                    r = item
                    bh = row_h - 0.07
                    color = VERDICT_COLORS[r["verdict"]]
                    ink_txt = text_color(color)
                    is_top = r["link"] in top
                    ax.add_patch(
                        FancyBboxPatch(
                            (cx, yy),
                            box_w,
                            bh,
                            boxstyle="round,pad=0,rounding_size=0.05",
                            facecolor=color,
                            edgecolor="#111111" if is_top else "white",
                            linewidth=3.2 if is_top else 0.6,
                            zorder=2,
                        )
                    )
                    lines, ns = fit_lines(name_of(r), (box_w - 0.14) * 72, size, 2, size * 0.72, em_bold)
                    count = (
                        t["count"].format(n=f"{r['local']:,}")
                        if lang == "zh"
                        else ("1 firm" if r["local"] == 1 else t["count"].format(n=f"{r['local']:,}"))
                    )
                    action = ACTION_LABELS[lang][r["action"]] if r["action"] != "none" else ""
                    sub = ("★ " if is_top else "") + count + (f" · {action}" if action else "")
                    line_h = ns * 1.22 * _EM_W
                    sub_size = fit_lines(sub, (box_w - 0.14) * 72, size * 0.92, 1, size * 0.6)[
                        1
                    ]  # 以资源换产业 is long
                    firm_size = size * _FIRM_SCALE
                    firm_line = fit_firms(leaders[r["link"]], (box_w - 0.14) * 72, firm_size, em)
                    block_h = len(lines) * line_h + sub_size * 1.25 * _EM_W
                    if firm_line:
                        block_h += firm_size * 1.2 * _EM_W
                    ty = yy + (bh - block_h) / 2 + line_h / 2
                    for ln in lines:
                        text(
                            cx + box_w / 2, ty, ln, ns, ha="center", va="center", color=ink_txt, weight="bold", zorder=3
                        )
                        ty += line_h
                    count_y = ty - line_h / 2 + sub_size * 1.25 * _EM_W / 2 + 0.01
                    text(cx + box_w / 2, count_y, sub, sub_size, ha="center", va="center", color=ink_txt, zorder=3)
                    if firm_line:
                        text(
                            cx + box_w / 2,
                            count_y + sub_size * 0.625 * _EM_W + firm_size * 0.6 * _EM_W,
                            firm_line,
                            firm_size,
                            ha="center",
                            va="center",
                            color=ink_txt,
                            zorder=3,
                        )
                    yy += row_h
        x += stage_w + stage_gap

    # ---- legend (one row; shrinks to fit the page width) ----------------------------------
    counts = Counter(r["verdict"] for r in rows)
    chips = [f"{VERDICT_LABELS[lang][v]} {counts.get(v, 0)}" for v in VERDICTS]
    notes = [
        t["legend_priority"].format(k=min(_PANO_TOP_PRIORITIES, len(acting))),
        t["legend_count"],
        t["legend_action"],
    ]
    sw, chip_gap, note_gap = 0.24, 0.30, 0.40

    def legend_width(fs: float) -> float:
        return (
            sum(sw + 0.08 + em(c) * fs * _EM_W + chip_gap for c in chips)
            + sum(em(n) * fs * 0.92 * _EM_W + note_gap for n in notes)
            - note_gap
        )

    fs = 12.0
    while fs > 7.0 and legend_width(fs) > W - 2 * margin:
        fs -= 0.5
    lx = margin
    for v, label in zip(VERDICTS, chips):
        ax.add_patch(
            FancyBboxPatch(
                (lx, legend_y - sw / 2),
                sw,
                sw,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=VERDICT_COLORS[v],
                edgecolor="none",
            )
        )
        text(lx + sw + 0.08, legend_y, label, fs, ha="left", va="center", color="#1f2328")
        lx += sw + 0.08 + em(label) * fs * _EM_W + chip_gap
    for note in notes:
        text(lx, legend_y, note, fs * 0.92, ha="left", va="center", color="#57606a")
        lx += em(note) * fs * 0.92 * _EM_W + note_gap
    text(W - margin, sub_y, t["credit"], 10, ha="right", va="center", color="#8c959f")

    if synthetic:
        text(
            W / 2,
            (content_top + content_bottom) / 2,
            t["watermark"],
            96,
            ha="center",
            va="center",
            color="#000000",
            alpha=0.06,
            rotation=18,
            weight="bold",
            zorder=5,
        )

    # never tofu: every string must be covered by the font matplotlib will actually pick for it
    for bold in (False, True):
        resolved = font_manager.findfont(
            FontProperties(family=[family], weight="bold" if bold else "normal"), fallback_to_default=True
        )
        check_glyphs([s_ for s_, b in drawn if b is bold], [resolved, fallback_path])
    return fig


def write_panorama(
    fig_or_gaps: Any, png_path: str | os.PathLike[str], svg_path: str | os.PathLike[str], **kwargs: Any
) -> tuple[Path, Path]:
    """Save a panorama as PNG (150 dpi, 2400 × 1350 px) and SVG (text as paths), atomically.

    Parameters
    ----------
    fig_or_gaps
        A figure from :func:`panorama`, or a gap table (then ``kwargs`` go to :func:`panorama`).
    png_path, svg_path
        Targets; each is written to a temp file in its folder and renamed into place.

    The SVG stores every glyph as an outline (``svg.fonttype = 'path'``), so it shows the same
    Chinese text on a machine without any CJK font (PowerPoint, WPS, a browser on an intranet PC).

    Returns
    -------
    (png, svg)
        The written paths.
    """
    import matplotlib

    if isinstance(fig_or_gaps, pd.DataFrame):
        fig = panorama(fig_or_gaps, **kwargs)
    else:
        if kwargs:
            raise PlotError(f"write_panorama: options {sorted(kwargs)} only apply when a gap table is passed")
        fig = fig_or_gaps
    out = []
    for path, fmt in ((png_path, "png"), (svg_path, "svg")):
        target = Path(path)
        with atomic_path(target) as tmp, matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "chain-gap"}):
            fig.savefig(
                tmp, format=fmt, dpi=PANORAMA_DPI, facecolor="white", metadata={"Date": None} if fmt == "svg" else None
            )
        out.append(target)
    return out[0], out[1]


def png_bytes(fig: Any) -> bytes:
    """The panorama ``fig`` as PNG bytes at the panorama's resolution (for embedding in a page).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from :func:`panorama`.

    Returns
    -------
    bytes
        The PNG file's content (2400 × 1350 px).
    """
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PANORAMA_DPI, facecolor="white")
    return buf.getvalue()
