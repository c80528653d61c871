"""The leader's one-page briefing (领导简报) as an A4 PDF, made with fpdf2.

Headline numbers (completeness C / WC / SC, verdict and action counts), the panorama picture, the links
to act on first and the top target firms, one line each, on one A4 page. The CJK font is the one the
panorama uses (:func:`chain_gap.render.fonts.cjk_font`: Noto Sans CJK SC from the ``mplfonts`` PyPI
dependency, which plain ``scripts/setup`` installs), embedded as a subset, so the PDF shows Chinese on
any PC without fonts of its own. Lines that do not fit are cut with "…" (never wrapped onto a second page).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap.labels import ACTION_LABELS, VERDICT_COLORS, VERDICT_LABELS, VERDICTS
from chain_gap.render.fonts import FontError, cjk_font
from chain_gap.render.text import banner, fmt_pct, is_missing

__all__ = ["BRIEF_TEXT", "briefing_pdf", "pdf_font", "write_briefing"]

BRIEF_TEXT = {
    "zh": {
        "title": "{region}{chain}产业链招商简报",
        "meta": "地区代码 {code} · 数据时点：{vintage} · 末级环节 {n} 个 · 生成：chain-gap",
        "synthetic": "合成演示数据：企业与数字均为程序生成，不代表真实情况",
        "coverage": "数据覆盖：",
        "c": "链条完整度 C",
        "wc": "加权完整度 WC",
        "sc": "供给加权完整度 SC",
        "verdicts": "环节诊断",
        "actions": "招商方向",
        "panorama": "产业链全景图",
        "links": "优先关注环节",
        "targets": "重点招商目标企业",
        "none": "无",
        "foot": "明细与依据见 report.html、report.xlsx；区位熵、诊断规则与参数见数据说明。",
    },
    "en": {
        "title": "{chain} chain · {region}: investment briefing",
        "meta": "Region {code} · data vintage: {vintage} · {n} leaf links · made with chain-gap",
        "synthetic": "Synthetic demo data: firms and numbers are generated, not real",
        "coverage": "Data coverage: ",
        "c": "Completeness C",
        "wc": "Weighted WC",
        "sc": "Supply-weighted SC",
        "verdicts": "Verdicts",
        "actions": "Actions",
        "panorama": "Chain panorama",
        "links": "Links to act on first",
        "targets": "Top target firms",
        "none": "none",
        "foot": "Detail and reasons: report.html, report.xlsx; LQ, verdict rules and settings: the notes.",
    },
}

_W = 210.0
_M = 12.0


def pdf_font() -> Path:
    """The CJK font file the briefing embeds: the panorama's (mplfonts' Noto Sans CJK SC first), which
    must be a single .ttf / .otf face (fpdf2 subsets it).

    Raises
    ------
    FontError
        No such font.
    """
    font_path, _family = cjk_font()
    if font_path.suffix.lower() not in (".ttf", ".otf"):
        raise FontError(
            f"{font_path.name}: a font collection; the PDF needs a .ttf or .otf CJK font (pip install mplfonts)"
        )
    return font_path


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _fit(pdf: Any, text: str, width: float) -> str:
    """``text`` cut with "…" to fit ``width`` mm in the current font."""
    text = " ".join(str(text).split())
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def briefing_pdf(
    spec: Any,
    gaps_table: pd.DataFrame,
    targets_table: pd.DataFrame,
    summary: Mapping[str, Any],
    panorama_png: bytes,
    *,
    lang: str = "zh",
    synthetic: bool = False,
    vintage: str = "",
    top_targets: int = 10,
) -> bytes:
    """The one-page briefing as PDF bytes.

    Raises
    ------
    FontError
        No CJK font fpdf2 can embed.
    """
    from fpdf import FPDF

    t = BRIEF_TEXT[lang]
    zh = lang == "zh"
    font_path = pdf_font()
    gt, tg = gaps_table, targets_table
    region = str(gt["region_name"].iloc[0])
    chain = spec.name if zh else spec.name_en
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_M, _M, _M)
    pdf.add_font("cjk", fname=str(font_path))
    pdf.set_title(t["title"].format(region=region, chain=chain))
    pdf.set_creator("chain-gap")
    pdf.add_page()
    inner = _W - 2 * _M
    y = _M
    if synthetic:
        pdf.set_fill_color(255, 244, 206)
        pdf.set_font("cjk", size=9)
        pdf.set_xy(_M, y)
        pdf.cell(inner, 6, _fit(pdf, "⚠ " + t["synthetic"], inner - 2), fill=True, new_x="LMARGIN", new_y="NEXT")
        y += 7
    pdf.set_font("cjk", size=17)
    pdf.set_xy(_M, y)
    pdf.cell(inner, 9, _fit(pdf, t["title"].format(region=region, chain=chain), inner))
    y += 10
    pdf.set_font("cjk", size=8.5)
    pdf.set_text_color(87, 96, 106)
    pdf.set_xy(_M, y)
    meta = t["meta"].format(code=gt["region"].iloc[0], vintage=vintage or "—", n=len(gt))
    pdf.cell(inner, 5, _fit(pdf, meta, inner))
    pdf.set_text_color(31, 35, 40)
    y += 7
    coverage = banner(gt, lang)
    if coverage:  # the whole sentence, wrapped: cut short it would hide which links have no data
        pdf.set_font("cjk", size=8.5)
        pdf.set_fill_color(238, 244, 251)
        pdf.set_text_color(31, 58, 95)
        pdf.set_xy(_M, y)
        pdf.multi_cell(inner, 4.4, t["coverage"] + " ".join(coverage.split()), fill=True, padding=(1, 2))
        pdf.set_text_color(31, 35, 40)
        y = pdf.get_y() + 2
    # headline numbers
    cards = [("c", summary["c"]), ("wc", summary["wc"]), ("sc", summary["sc"])]
    cw = (inner - 8) / 3
    for i, (key, val) in enumerate(cards):
        x = _M + i * (cw + 4)
        pdf.set_draw_color(208, 215, 222)
        pdf.rect(x, y, cw, 17)
        pdf.set_font("cjk", size=8.5)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.cell(cw - 4, 4.5, t[key])
        pdf.set_font("cjk", size=16)
        pdf.set_xy(x + 2, y + 7)
        pdf.cell(cw - 4, 8, "—" if is_missing(val) else fmt_pct(val))
    y += 20
    pdf.set_font("cjk", size=9)
    pdf.set_xy(_M, y)
    pdf.cell(18, 5, t["verdicts"])
    x = _M + 18
    for v in VERDICTS:
        n = int(summary["verdicts"].get(v, 0))
        label = f"{VERDICT_LABELS[lang][v]} {n}"
        pdf.set_fill_color(*_rgb(VERDICT_COLORS[v]))
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        w = pdf.get_string_width(label) + 5
        pdf.cell(w, 5, label)
        x += w + 4
    y += 6
    pdf.set_xy(_M, y)
    acts = "  ".join(
        f"{ACTION_LABELS[lang][a]} {int(summary['actions'].get(a, 0))}" for a in ("fill", "strengthen", "extend")
    )
    pdf.cell(18, 5, t["actions"])
    pdf.cell(inner - 18, 5, acts)
    y += 8
    # the panorama, as large as the page allows
    pdf.set_font("cjk", size=11)
    pdf.set_xy(_M, y)
    pdf.cell(inner, 6, t["panorama"])
    y += 7
    from PIL import Image

    img = Image.open(io.BytesIO(panorama_png))
    ratio = img.height / img.width
    h = min(inner * ratio, 92.0)
    w = h / ratio
    pdf.image(io.BytesIO(panorama_png), x=_M + (inner - w) / 2, y=y, w=w, h=h)
    y += h + 3
    # the links to act on first, one line each
    by_link = {r["link"]: r for r in gt.to_dict("records")}
    pdf.set_font("cjk", size=11)
    pdf.set_xy(_M, y)
    pdf.cell(inner, 6, t["links"])
    y += 6.5
    pdf.set_font("cjk", size=8.5)
    prios = list(summary["top_priorities"])[:5]
    if not prios:
        pdf.set_xy(_M, y)
        pdf.cell(inner, 5, t["none"])
        y += 5
    for i, (lid, _name, action, _prio) in enumerate(prios, start=1):
        r = by_link[lid]
        name = r["link_name"] if zh else (r.get("link_name_en") or r["link_name"])
        head = f"{i}. {name} · {VERDICT_LABELS[lang].get(r['verdict'], r['verdict'])} · {ACTION_LABELS[lang].get(action, action)}"
        pdf.set_xy(_M, y)
        pdf.cell(62, 5, _fit(pdf, head, 61))
        pdf.set_text_color(87, 96, 106)
        pdf.cell(inner - 62, 5, _fit(pdf, str(r.get("reasons") or ""), inner - 63))
        pdf.set_text_color(31, 35, 40)
        y += 5
    y += 2
    # the top targets, one line each
    pdf.set_font("cjk", size=11)
    pdf.set_xy(_M, y)
    pdf.cell(inner, 6, t["targets"])
    y += 6.5
    pdf.set_font("cjk", size=8.5)
    room = int((297 - _M - 8 - y) // 5)
    rows = tg.head(max(0, min(top_targets, room))).to_dict("records") if len(tg) else []
    if not rows:
        pdf.set_xy(_M, y)
        pdf.cell(inner, 5, t["none"])
        y += 5
    names = {lk.id: (lk.name if zh else lk.name_en) for lk in spec.links.values()}
    for r in rows:
        place = r.get("region_name") or r.get("region") or ""
        head = f"{r.get('rank', '')}. {r['name']}（{place}）" if zh else f"{r.get('rank', '')}. {r['name']} ({place})"
        pdf.set_xy(_M, y)
        pdf.cell(70, 5, _fit(pdf, head, 69))
        pdf.cell(30, 5, _fit(pdf, str(names.get(r["link"], r["link"])), 29))
        pdf.set_text_color(87, 96, 106)
        pdf.cell(inner - 100, 5, _fit(pdf, str(r.get("reasons") or ""), inner - 101))
        pdf.set_text_color(31, 35, 40)
        y += 5
    pdf.set_font("cjk", size=7.5)
    pdf.set_text_color(140, 149, 159)
    pdf.set_xy(_M, 297 - _M - 4)
    pdf.cell(inner, 4, _fit(pdf, t["foot"], inner))
    return bytes(pdf.output())


def write_briefing(path: str | os.PathLike[str], pdf: bytes) -> Path:
    """Write the PDF atomically (a reader never sees half a file)."""
    from chain_gap._atomic import atomic_path

    p = Path(path)
    with atomic_path(p) as tmp:
        tmp.write_bytes(pdf)
    return p
