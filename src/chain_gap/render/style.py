"""Visual constants shared by the map and the panorama: the CJK font stack, stage bands, contrast.

The verdict palette itself is vocabulary and lives in :mod:`chain_gap.labels`.
"""

from __future__ import annotations

__all__ = ["FONT_STACK", "STAGE_BAND", "text_color"]

#: CSS font stack of the HTML outputs: the CJK faces of Linux, Windows and macOS intranet PCs.
FONT_STACK = '"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif'

#: Stage → (band fill, band title colour), the same in the map and the panorama.
STAGE_BAND: dict[str, tuple[str, str]] = {
    "upstream": ("#eef3fa", "#2f5d8a"),
    "midstream": ("#eef6f0", "#2e6b45"),
    "downstream": ("#fbf3ea", "#8a5a22"),
}


def text_color(hex_color: str) -> str:
    """Black or white, whichever contrasts more with ``hex_color`` (WCAG relative luminance).

    Parameters
    ----------
    hex_color : str
        A ``#rrggbb`` colour.

    Returns
    -------
    str
        ``"#1f2328"`` (near black) or ``"#ffffff"``.
    """
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#1f2328" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"
