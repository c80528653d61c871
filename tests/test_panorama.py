"""Tests of the panorama image (chain_gap.plot.panorama / write_panorama).

The central promise is "Chinese renders on a fresh machine, never as empty boxes", so the font
checks render real glyphs and compare them with the .notdef ("tofu") box of the same font.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.patches import FancyBboxPatch
from PIL import Image
from test_plot import LEAVES, make_gaps

from chain_gap.plot import VERDICT_COLORS, FontError, PlotError, panorama, write_panorama
from chain_gap.render import fonts as plot

PROBE = "产业链全景图"
DEJAVU = font_manager.findfont(FontProperties(family="DejaVu Sans"), fallback_to_default=False)


def render(text: str, font_path: str) -> np.ndarray:
    """Grey-level ink (0 = paper) of ``text`` drawn with exactly the font file ``font_path``."""
    fig = Figure(figsize=(3.2, 0.8), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.02, 0.5, text, fontproperties=FontProperties(fname=font_path, size=30), va="center")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph ... missing from font": the tofu case is drawn on purpose
        canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3].astype(float)
    return 255.0 - rgb.mean(axis=2)


def notdef_char(font_path: str) -> str:
    """A private-use character the font has no glyph for: it renders as the .notdef box."""
    cmap = FT2Font(font_path).get_charmap()
    return next(chr(c) for c in range(0xE000, 0xF8FF) if c not in cmap)


def differs(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.abs(a - b).sum()) > 0.02 * max(a.sum(), b.sum(), 1.0)


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_cjk_font_draws_real_glyphs_not_tofu():
    path, family = plot.cjk_font()
    path = str(path)
    assert family and Path(path).is_file()
    box = render(notdef_char(path), path)
    glyphs = [render(ch, path) for ch in PROBE]
    for ch, img in zip(PROBE, glyphs):
        assert img.sum() > 2000, f"{ch} drew no ink"
        assert differs(img, box), f"{ch} renders as the .notdef box"
    for i in range(len(glyphs)):  # tofu would make every character look the same
        for j in range(i + 1, len(glyphs)):
            assert differs(glyphs[i], glyphs[j]), (PROBE[i], PROBE[j])

    # The reference "tofu": DejaVu Sans has no CJK glyph, so matplotlib draws its missing-glyph
    # box (the .notdef, or the LastResort block box of matplotlib >= 3.10) - the same picture for
    # every character of the block. The real glyphs must differ from it, character by character.
    tofu = [render(ch, DEJAVU) for ch in PROBE]
    assert all(not differs(tofu[0], other) for other in tofu[1:]), "DejaVu unexpectedly has CJK glyphs"
    for ch, img, box_img in zip(PROBE, glyphs, tofu):
        assert differs(img, box_img), f"{ch} renders like a missing glyph"
    assert differs(render(PROBE, path), render(PROBE, DEJAVU))


def test_mplfonts_font_is_preferred():
    mplfonts_dir = plot._mplfonts_candidates()
    if not mplfonts_dir:
        pytest.skip("mplfonts is not installed")
    path, family = plot.cjk_font()
    assert Path(path) == mplfonts_dir[0]
    assert "CJK" in family or "Han" in family or "Hei" in family


def test_every_panorama_text_resolves_to_a_font_with_its_glyphs():
    fig = panorama(make_gaps(), vintage="2024年12月", synthetic=True)
    checked = 0
    for ax in fig.axes:
        for t in ax.texts:
            prop = t.get_fontproperties()
            paths = [
                font_manager.findfont(FontProperties(family=[f], weight=prop.get_weight()), fallback_to_default=True)
                for f in prop.get_family()
            ]
            have = set().union(*(FT2Font(p).get_charmap() for p in paths))
            missing = [ch for ch in t.get_text() if not ch.isspace() and ord(ch) not in have]
            assert not missing, (t.get_text(), missing, paths)
            checked += 1
    assert checked > 3 * len(LEAVES)


def test_font_error_when_no_cjk_font(monkeypatch):
    monkeypatch.setattr(plot, "_font_cache", {})
    monkeypatch.setattr(plot, "_font_candidates", list)
    with pytest.raises(FontError, match="pip install mplfonts") as exc:
        panorama(make_gaps())
    assert "\n" not in str(exc.value)
    # a font without Chinese glyphs is rejected, not used to draw boxes
    monkeypatch.setattr(plot, "_font_cache", {})
    monkeypatch.setattr(plot, "_font_candidates", lambda: [Path(DEJAVU)])
    with pytest.raises(FontError, match="apt-get install fonts-noto-cjk"):
        plot.cjk_font()


@pytest.mark.filterwarnings("ignore:Glyph")
def test_label_with_a_character_no_font_has_is_an_error():
    gaps = make_gaps()
    gaps.loc[0, "link_name"] = "锂资源\U000f0000"  # supplementary private use: in no font
    with pytest.raises(FontError, match="U\\+F0000"):
        panorama(gaps)


def test_boxes_are_coloured_by_verdict_with_counts_and_actions():
    fig = panorama(make_gaps(), vintage="2024年12月")
    ax = fig.axes[0]
    fills = [p.get_facecolor() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    from matplotlib.colors import to_rgba

    for verdict, color in VERDICT_COLORS.items():
        n = sum(1 for leaf in LEAVES if leaf[7] == verdict)
        drawn = sum(1 for f in fills if np.allclose(f, to_rgba(color)))
        assert drawn == n + 1, (verdict, drawn, n)  # one box per link plus the legend swatch
    words = texts(fig)
    joined = "\n".join(words)
    for label in ("上游 · 6个环节", "中游 · 5个环节", "下游 · 5个环节", "矿产资源", "电池材料"):
        assert label in joined, label
    # the weak cathode (2 firms) is 补强, the anchored cell (14 firms) 以商招商, missing links 补链
    assert "14家 · 以商招商" in joined and "2家 · 补强" in joined and "0家 · 补链" in joined
    assert "商丘市 · 新能源汽车产业链全景图" in words  # the chain's name, not its id
    assert any("2024年12月" in w for w in words)
    assert not any("合成演示数据" in w for w in words)
    # the five highest-priority links needing action carry the star
    starred = [w for w in words if w.startswith("★")]
    assert len(starred) == 5


def test_synthetic_banner_and_english(tmp_path):
    en = panorama(make_gaps(), lang="en", synthetic=True)
    words = texts(en)
    assert any("Synthetic demo data" in w for w in words)
    assert "Upstream · 6 links" in words
    assert not any(re.search("[上中下]游", w) for w in words)
    assert any(w.startswith("New energy vehicles chain panorama") for w in words)


def test_long_names_wrap_balanced_and_fit():
    assert plot._wrap("锂资源与锂盐", 5) == ["锂资源", "与锂盐"]
    assert plot._wrap("Electrolyte and electrolyte salts", 12) == ["Electrolyte and", "electrolyte salts"]
    lines = plot._wrap("Brake-by-wire and braking", 8)
    assert "Brake-by-wire" in lines  # words are not cut when they fit a line on their own
    long = "新能源汽车动力蓄电池梯次利用与再生利用及其配套检测认证服务"
    lines, size = plot._fit_lines(long, 80.0, 12.0, 2, 9.0)
    assert len(lines) == 2 and lines[-1].endswith("…") and size >= 9.0
    gaps = make_gaps()
    gaps.loc[3, "link_name"] = long * 3
    words = texts(panorama(gaps))
    assert any(w.endswith("…") for w in words)


def test_write_panorama_png_and_svg(tmp_path):
    png, svg = write_panorama(
        make_gaps(), tmp_path / "out" / "p.png", tmp_path / "out" / "p.svg", vintage="2024年12月", synthetic=True
    )
    with Image.open(png) as im:
        assert im.size == (2400, 1350)  # 16:9 at 150 dpi
        ink = 255 - np.asarray(im.convert("L"), dtype=float)
    assert ink.mean() > 10
    root = ET.parse(svg).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.findall(".//s:text", ns) == []  # text drawn as outlines: renders with no CJK font
    # Every label is drawn as glyph outlines: matplotlib writes one <g id="text_N"> per text and one
    # <use> of an embedded outline per character in it. Compare with the figure's own texts rather than
    # a count of <path> elements (that moves with the font and the library version).
    labels = texts(panorama(make_gaps(), vintage="2024年12月", synthetic=True))
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if (g.get("id") or "").startswith("text_")]
    assert len(groups) == len(labels)
    drawn = sorted(len(g.findall(".//s:use", ns)) for g in groups)
    needed = sorted(sum(1 for ch in label if not ch.isspace()) for label in labels)
    assert all(d >= n for d, n in zip(drawn, needed)), (drawn, needed)
    outlines = {el.get("id") for el in root.iter("{http://www.w3.org/2000/svg}path") if el.get("id")}
    refs = {
        u.get("{http://www.w3.org/1999/xlink}href", "").lstrip("#")
        for g in groups
        for u in g.iter()
        if u.tag.endswith("use")
    }
    assert refs and refs <= outlines  # every glyph used is embedded in the file itself
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p.png", "p.svg"]  # no temp files
    fig = panorama(make_gaps())
    with pytest.raises(PlotError, match="only apply when a gap table"):
        write_panorama(fig, tmp_path / "a.png", tmp_path / "a.svg", lang="en")


def test_bad_gap_table_is_a_plot_error():
    with pytest.raises(PlotError, match="missing column"):
        panorama(make_gaps().drop(columns=["verdict"]))
    with pytest.raises(PlotError, match="lang"):
        panorama(make_gaps(), lang="fr")


def test_tiles_name_their_leading_local_firms_and_the_subtitle_counts_firms_not_links():
    gaps = make_gaps()
    gaps["top_local"] = ""
    gaps.loc[gaps["link"] == "nev/cell", "top_local"] = (
        "商丘市豫东电芯科技股份有限公司、商丘能亿动力电池有限公司、商丘华瑞储能有限公司、商丘第四名有限公司"
    )
    gaps.loc[gaps["link"] == "nev/cathode", "top_local"] = "商丘锂能新材料有限公司"
    words = texts(panorama(gaps))
    # the largest firms first, short names (place head, 科技 and the legal form dropped), as many as fit
    shown = next(w for w in words if w.startswith("豫东电芯"))
    assert shown in ("豫东电芯", "豫东电芯、能亿动力电池", "豫东电芯、能亿动力电池、华瑞储能"), shown
    assert "锂能新材料" in words
    assert not any("第四名" in w for w in words)  # at most three firms per tile
    present = sum(1 for leaf in LEAVES if leaf[8] > 0)
    firm_links = sum(leaf[8] for leaf in LEAVES)
    sub = next(w for w in words if w.startswith("地区代码"))
    assert f"{present} 个环节有本地企业" in sub and f"本地企业挂链 {firm_links} 家次" in sub
    sub2 = next(w for w in texts(panorama(gaps, local_firms=41)) if w.startswith("地区代码"))
    assert "本地企业 41 家" in sub2 and "家次" not in sub2
    # a name too long for its tile is cut, never drawn past the box
    gaps.loc[gaps["link"] == "nev/cathode", "top_local"] = "商丘" + "超长名称" * 12 + "有限公司"
    assert any(w.startswith("超长名称") and w.endswith("…") for w in texts(panorama(gaps)))
