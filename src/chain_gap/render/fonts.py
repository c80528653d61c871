"""Type for the panorama: a CJK font that really has the glyphs, and labels fitted into boxes.

Font discovery never shells out (no ``fc-list``): candidates are the CJK fonts shipped by the
``mplfonts`` PyPI package, then the system fonts matplotlib's font manager already knows, those
whose family or file name says CJK first, then those whose OS/2 table declares a Chinese code page
(read with fontTools, which matplotlib depends on). A candidate is accepted only if its character
map covers the panorama's fixed vocabulary, so a mislabelled or Latin-only file can never draw
empty "tofu" boxes.

Label fitting (:func:`wrap`, :func:`fit_lines`) breaks Chinese between any two characters and
Latin text at spaces, balancing the lines, and shrinks the type before cutting with "…".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from chain_gap.errors import ChainGapError
from chain_gap.render.text import unit_width

__all__ = ["FALLBACK_FAMILY", "FontError", "check_glyphs", "cjk_font", "fit_lines", "wrap"]


class FontError(ChainGapError, RuntimeError):
    """No font with Chinese glyphs is available, so Chinese labels would render as empty boxes."""

    default_code = "font-missing"


#: Files looked for, in order, inside the ``mplfonts`` package (a PyPI dependency that ships
#: CJK fonts). Sans-serif first: slides are read from a distance and 黑体-style faces survive
#: projectors and down-scaling far better than 宋体-style serif faces.
_MPLFONTS_FILES: tuple[str, ...] = (
    "NotoSansCJKsc-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "SimHei.ttf",
    "NotoSerifCJKsc-Regular.otf",
    "SourceHanSerifSC-Regular.otf",
)
#: Characters every usable font must have: the fixed vocabulary of the panorama.
_CJK_PROBE = "产业链全景图上中下游缺失一般断风险优势主引领补强延家环节以商招对接外部供给资源换先关注数据时点合成演示"
_SYSTEM_HINTS = (
    "cjk",
    "han sans",
    "hansans",
    "wqy",
    "wenquanyi",
    "yahei",
    "msyh",
    "simhei",
    "pingfang",
    "droid sans fallback",
    "droidsansfallback",
    "ukai",
    "uming",
    "simsun",
    "notosanssc",
)
#: OS/2 ``ulCodePageRange1`` bits of the Chinese code pages: 18 = GB 2312 (cp936), 20 = Big5 (cp950).
_CHINESE_CODE_PAGES = (1 << 18) | (1 << 20)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
_FONT_HELP = (
    "no font with Chinese glyphs found: `pip install mplfonts` (ships Noto Sans CJK) or install a "
    "system CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk), then retry"
)
#: matplotlib's bundled font, for symbols a CJK face might lack.
FALLBACK_FAMILY = "DejaVu Sans"

_font_cache: dict[str, Any] = {}
_charmaps: dict[str, frozenset[int]] = {}


def _charmap(path: str) -> frozenset[int]:
    """Code points a font file has glyphs for (cached by path)."""
    if path not in _charmaps:
        from matplotlib.ft2font import FT2Font

        _charmaps[path] = frozenset(FT2Font(path).get_charmap())
    return _charmaps[path]


def _mplfonts_candidates() -> list[Path]:
    """CJK font files shipped by the ``mplfonts`` package, found without importing it.

    ``importlib.util.find_spec`` locates the package directory without running its
    ``__init__``; mplfonts' own set-up (``mplfonts init``) copies fonts into matplotlib's data
    directory and rewrites its rc file, which a library must not do behind a user's back.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("mplfonts")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    out = []
    for loc in spec.submodule_search_locations:
        for name in _MPLFONTS_FILES:
            p = Path(loc) / "fonts" / name
            if p.is_file():
                out.append(p)
    return out


def _declares_chinese(path: Path) -> bool:
    """Whether the font's OS/2 table declares a Chinese code page (first face of a collection)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            os2 = font.get("OS/2")
            return bool(os2 is not None and getattr(os2, "ulCodePageRange1", 0) & _CHINESE_CODE_PAGES)
    except (OSError, TTLibError, KeyError, ValueError, AssertionError):
        return False


def _rank(p: Path) -> tuple[int, int, int, str]:
    """Sans before serif, SC before other locales, regular before bold."""
    n = p.name.lower()
    return (0 if "sans" in n or "hei" in n else 1, 0 if "sc" in n or "cn" in n else 1, ("bold" in n) * 1, n)


def _system_candidates() -> list[Path]:
    """CJK fonts among the system fonts of matplotlib's font manager, best first.

    Fonts whose family or file name says CJK come first; then, for fonts named like nothing
    Chinese (a vendor's own face), those whose OS/2 table declares a Chinese code page.
    """
    from matplotlib import font_manager

    named: list[Path] = []
    others: list[Path] = []
    for entry in font_manager.fontManager.ttflist:
        p = Path(entry.fname)
        if p.suffix.lower() not in _FONT_SUFFIXES:
            continue
        label = f"{entry.name} {p.name}".lower()
        (named if any(h in label for h in _SYSTEM_HINTS) else others).append(p)
    named = sorted(dict.fromkeys(named), key=_rank)
    declared = sorted((p for p in dict.fromkeys(others) if p not in named and _declares_chinese(p)), key=_rank)
    return named + declared


def _font_candidates() -> Iterator[Path]:
    """Font files to try, best first: mplfonts' fonts, then system fonts (scanned only if needed)."""
    yield from _mplfonts_candidates()
    yield from _system_candidates()


def cjk_font() -> tuple[Path, str]:
    """Locate a font with Chinese glyphs and register it with matplotlib.

    Tries the fonts shipped by the ``mplfonts`` PyPI package first (so a fresh ``pip install``
    renders Chinese with no system set-up), then system CJK fonts. A candidate is accepted only
    if its character map really covers the panorama's fixed vocabulary. The font is registered
    with ``font_manager.fontManager.addfont`` only (matplotlib's data directory is not touched).

    Returns
    -------
    tuple of (pathlib.Path, str)
        The font file and the family name to use in ``FontProperties``.

    Raises
    ------
    FontError
        No usable font; the one-line message says how to install one.
    """
    if "font" in _font_cache:
        return _font_cache["font"]
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    need = {ord(c) for c in _CJK_PROBE}
    for path in _font_candidates():
        try:
            if not need <= _charmap(str(path)):
                continue
            family = FT2Font(str(path)).family_name
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):
            continue  # unreadable or unsupported file: try the next one
        _font_cache["font"] = (path, family)
        return path, family
    raise FontError(_FONT_HELP)


def check_glyphs(texts: Iterable[str], font_paths: Sequence[str]) -> None:
    """Raise :class:`FontError` if a character of ``texts`` is in none of ``font_paths``.

    Parameters
    ----------
    texts : iterable of str
        Every string that will be drawn.
    font_paths : sequence of str
        The font files matplotlib will draw them with (the CJK face and its fallback).
    """
    have = frozenset().union(*(_charmap(p) for p in font_paths))
    for s in texts:
        for ch in s:
            if ch.isspace() or ord(ch) in have:
                continue
            raise FontError(
                f"character {ch!r} (U+{ord(ch):04X}) in {s!r} has no glyph in "
                f"{', '.join(Path(p).name for p in font_paths)}; remove it from the label "
                f"or install a fuller CJK font (apt-get install fonts-noto-cjk)"
            )


# --------------------------------------------------------------------------------------------
# label fitting
# --------------------------------------------------------------------------------------------
def wrap(s: str, max_em: float, width: Callable[[str], float] = unit_width) -> list[str]:
    """Break ``s`` into balanced lines no wider than ``max_em`` em.

    Chinese wraps between any two characters (but never before closing punctuation); Latin
    text wraps at spaces or hyphens, and a single over-long word is split as a last resort.
    Lines are balanced ("锂资源与 / 锂盐", not "锂资源与锂 / 盐"): a lone character on the
    last line reads as a typo on a poster.

    Parameters
    ----------
    s : str
        The label.
    max_em : float
        Line width in em.
    width : callable
        Width of a string in em (default :func:`chain_gap.render.text.unit_width`; the panorama
        passes the rendered width of its font).

    Returns
    -------
    list of str
        The lines.
    """
    lines = _wrap_greedy(s, max_em, width)
    if len(lines) < 2:
        return lines
    total = width(" ".join(lines))
    line_em = total / len(lines)
    while line_em < max_em:
        balanced = _wrap_greedy(s, line_em, width, split_words=False)
        if balanced is not None and len(balanced) <= len(lines):
            return balanced
        line_em += 0.25
    return lines


def _wrap_greedy(s: str, max_em: float, width: Callable[[str], float] = unit_width, split_words: bool = True) -> Any:
    """Greedy line breaking; ``None`` if a word is wider than a line and ``split_words`` is off."""
    s = " ".join(s.split())
    if width(s) <= max_em:
        return [s]
    tokens: list[str] = re.findall(r"[A-Za-z0-9&'./+-]+(?:\s+)?|\s+|.", s)
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        trial = cur + tok
        if width(trial.rstrip()) <= max_em or not cur.strip():
            if width(trial.rstrip()) > max_em and not cur.strip():
                if not split_words:
                    return None
                # one token wider than the line: split it by characters
                for ch in tok:
                    if width((cur + ch).rstrip()) > max_em and cur.strip():
                        lines.append(cur.rstrip())
                        cur = ""
                    cur += ch
                continue
            cur = trial
            continue
        if tok[:1] in "）)，、。：；,.;:":  # closing punctuation stays on its line
            cur = trial
            continue
        carry = ""
        if cur.rstrip()[-1:] in "（(“《" and len(cur.rstrip()) > 1:  # an opening bracket moves down
            carry, cur = cur.rstrip()[-1], cur.rstrip()[:-1]
        lines.append(cur.rstrip())
        cur = carry + tok.lstrip()
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def fit_lines(
    s: str,
    width_pt: float,
    size: float,
    max_lines: int,
    min_size: float,
    width: Callable[[str], float] = unit_width,
) -> tuple[list[str], float]:
    """Lines and font size so ``s`` fits ``width_pt`` in ≤ ``max_lines`` lines.

    Shrinks the font in 5 % steps down to ``min_size``; past that the last line is cut with "…"
    (the full name stays in the gap table).

    Parameters
    ----------
    s : str
        The label.
    width_pt : float
        Box width in points.
    size : float
        Preferred font size in points.
    max_lines : int
        Most lines the box holds.
    min_size : float
        Smallest font size before the label is cut.
    width : callable
        Width of a string in em at any size (see :func:`wrap`).

    Returns
    -------
    tuple of (list of str, float)
        The lines and the font size.
    """
    size_now = size
    while True:
        lines = wrap(s, width_pt / size_now, width)
        if len(lines) <= max_lines:
            return lines, size_now
        if size_now * 0.95 < min_size:
            break
        size_now *= 0.95
    lines = wrap(s, width_pt / size_now, width)[:max_lines]
    last = lines[-1]
    while last and width(last + "…") > width_pt / size_now:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines, size_now


# The panorama's tests were written against these names when they were private helpers of plot.py.
_wrap = wrap
_fit_lines = fit_lines
