"""How a sheet looks and prints: number formats, widths, wrap, colours, outline, dropdowns, page setup.

Part of :mod:`chain_gap.render.excel`: :func:`write_sheet` is the one sheet writer every workbook
uses, driven by the column specs of :mod:`chain_gap.render.columns` (a labelled sheet passes its
own; an unlabelled table gets :func:`~chain_gap.render.columns.raw_col`'s by name and dtype).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chain_gap.render.columns import CHOICES, KIND_FORMATS, REASON_WIDTH, Col, raw_col
from chain_gap.render.style import text_color
from chain_gap.render.text import display_width

__all__ = ["BOOL_WORDS", "Formats", "Page", "write_sheet"]

#: How a boolean cell reads: 是 / 否, yes / no.
BOOL_WORDS: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}

_NUMERIC = {"ratio", "score", "share", "count", "money", "heat"}
#: The colour scale of ``heat`` cells: 0 white, 1 deep blue, on a fixed scale so columns compare.
HEAT_SCALE = {"type": "2_color_scale", "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1,
              "min_color": "#FFFFFF", "max_color": "#3A78B8"}  # fmt: skip
_MAX_FIT = 30  # widest a column sized to its contents gets (characters)
_SAMPLE_ROWS = 2_000  # rows scanned to size columns
_MAX_CELL = 32_767  # Excel's limit on characters per cell
_FONT_SIZE = 10  # points; column widths are in characters of the 11-point default font
_LINE = 13.0  # points a line of 10-point text takes
_MAX_ROW_HEIGHT = 409  # Excel's tallest row (points)
_ENTRY_FILL = "#FFF8DC"  # the shade of the cells staff fill in (as the decision dropdown's)
_HF_LIMIT = 250  # Excel's limit on a header / footer is 255 characters, codes included


@dataclass(frozen=True)
class Page:
    """What the printed page says about itself: the header title and the footer's region, chain, vintage.

    Attributes
    ----------
    title : str
        Title printed at the top of every page (the sheet name is added).
    region, chain : str
        Region and chain names for the footer.
    vintage : str
        Data vintage for the footer (the run date when the data state none).
    """

    title: str = ""
    region: str = ""
    chain: str = ""
    vintage: str = ""


class Formats:
    """xlsxwriter formats of one workbook, created once per (kind, extra properties)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self._cache: dict[tuple[Any, ...], Any] = {}

    def get(self, kind: str, **extra: Any) -> Any:
        """The format of a cell of ``kind`` (see :data:`chain_gap.render.columns.KIND_FORMATS`)."""
        key = (kind, *sorted(extra.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"font_size": _FONT_SIZE}
            props.update(KIND_FORMATS.get(kind, KIND_FORMATS["text"]))
            props.update(extra)
            fmt = self._cache[key] = self.wb.add_format(props)
        return fmt

    @property
    def header(self) -> Any:
        """Bold, wrapped, shaded header cells."""
        return self.get(
            "header", bold=True, bg_color="#E8EEF5", bottom=1, text_wrap=True, valign="vcenter", align="center"
        )


def _verdict_fills() -> dict[str, str]:
    from chain_gap.vocab import VERDICT_COLORS, VERDICT_LABELS

    out: dict[str, str] = {}
    for words in VERDICT_LABELS.values():
        for code, word in words.items():
            if code in VERDICT_COLORS:
                out[word] = VERDICT_COLORS[code]
    return out


def _hf(text: str) -> str:
    """Text for an Excel header / footer: ``&`` doubled (a lone ``&`` starts a code)."""
    return text.replace("&", "&&")


def _print_setup(ws: Any, sheet: str, page: Page | None, lang: str) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    ws.hide_gridlines(0)  # print the grid: a table on paper needs its lines
    p = page or Page()
    title = " ".join(x for x in (p.region, p.chain, p.title or sheet) if x)
    ws.set_header(f'&C&"-,Bold"&12{_hf(title)[: _HF_LIMIT - 20]}', {"margin": 0.3})
    vintage = p.vintage or (
        f"生成于 {_dt.date.today():%Y-%m-%d}" if lang == "zh" else f"run {_dt.date.today():%Y-%m-%d}"
    )
    if lang == "zh":
        parts = [f"地区：{p.region}" if p.region else "", f"链条：{p.chain}" if p.chain else "", f"数据时点：{vintage}"]
        pages = "第 &P 页 / 共 &N 页"
    else:
        parts = [f"region: {p.region}" if p.region else "", f"chain: {p.chain}" if p.chain else "", f"data: {vintage}"]
        pages = "page &P of &N"
    left = _hf("  ·  ".join(x for x in parts if x))[: _HF_LIMIT - len(pages) - 12]
    ws.set_footer(f"&L&8{left}&R&8{pages}", {"margin": 0.3})


def _specs(df: pd.DataFrame, headers: list[str], columns: Mapping[str, Col] | None) -> list[Col]:
    cols = columns or {}
    return [cols[h] if h in cols else raw_col(h, df.iloc[:, j].dtype.kind) for j, h in enumerate(headers)]


def write_sheet(
    ws: Any,
    df: pd.DataFrame,
    fmts: Formats,
    *,
    cell: Any,
    neutralise: Any,
    text_columns: Iterable[str] = (),
    columns: Mapping[str, Col] | None = None,
    lang: str = "zh",
    page: Page | None = None,
    sheet: str = "",
) -> None:
    """Write one table to ``ws`` with its formats, widths, outline, frozen panes, filter and print setup.

    Parameters
    ----------
    ws : xlsxwriter worksheet
        The sheet.
    df : pandas.DataFrame
        The table as staff read it (headers already labelled); a named index is not expected here.
    fmts : Formats
        The workbook's formats.
    cell, neutralise : callable
        :func:`chain_gap.render.excel._cell` and :func:`chain_gap.render.excel.neutralise`.
    text_columns : iterable of str
        Headers always written as text.
    columns : Mapping, optional
        Header → column spec; headers not in it get :func:`chain_gap.render.columns.raw_col`'s.
    lang : str
        ``"zh"`` or ``"en"``: 是/否 or yes/no, the dropdown words, the footer.
    page : Page, optional
        What the printed header and footer say.
    sheet : str
        The sheet name (the printed title when ``page`` has none).
    """
    from chain_gap.render.excel import is_code_column

    headers = [str(c) for c in df.columns]
    specs = _specs(df, headers, columns)
    text_set = set(text_columns)
    codes = [s.kind == "code" or is_code_column(h, text_set) for h, s in zip(headers, specs)]
    kinds = ["code" if c else s.kind for c, s in zip(codes, specs)]
    widths = [float(display_width(h)) for h in headers]
    fills = _verdict_fills()
    yes, no = BOOL_WORDS.get(lang, BOOL_WORDS["zh"])
    for j, h in enumerate(headers):
        ws.write_string(0, j, neutralise(h), fmts.header)
    wrapped: dict[int, list[str]] = {}  # column → its wrapped texts, to size the rows
    for j in range(len(headers)):
        kind = kinds[j]
        fit = 0.0
        texts = wrapped.setdefault(j, []) if kind == "reason" else None
        for i, v in enumerate(df.iloc[:, j].tolist(), start=1):
            what, val = cell(v, codes[j])
            if what == "blank":
                if kind == "decision":
                    ws.write_blank(i, j, None, fmts.get(kind))
                elif specs[j].entry:
                    ws.write_blank(i, j, None, fmts.get(kind, bg_color=_ENTRY_FILL))
                continue
            if what == "bool":
                text = yes if val else no
                ws.write_string(i, j, text, fmts.get("bool"))
                fit = max(fit, display_width(text))
            elif what in ("text", "literal"):
                text = neutralise(val) if what == "text" else val
                if len(text) > _MAX_CELL:
                    text = text[: _MAX_CELL - 1] + "…"
                if kind == "verdict" and text in fills:
                    fmt = fmts.get(kind, bg_color=fills[text], font_color=text_color(fills[text]))
                else:
                    fmt = fmts.get(kind if kind not in _NUMERIC else "text")
                ws.write_string(i, j, text, fmt)
                if texts is not None:
                    texts.append(text)
                if i <= _SAMPLE_ROWS:
                    fit = max(fit, max((display_width(x) for x in text.split("\n")), default=0))
            elif what == "number":
                num_kind = kind if kind in _NUMERIC else ("ratio" if isinstance(val, float) else "count")
                ws.write_number(i, j, val, fmts.get(num_kind))
                if texts is not None:
                    texts.append("")
                if i <= _SAMPLE_ROWS:
                    fit = max(fit, len(f"{val:,.2f}") if isinstance(val, float) else len(f"{val:,}"))
            else:
                ws.write_datetime(i, j, val, fmts.get("date"))
                fit = max(fit, 10)
            if texts is not None and len(texts) < i:
                texts.extend([""] * (i - len(texts)))
        widths[j] = _width(specs[j], kind, widths[j], fit)
    _columns(ws, specs, widths, kinds)
    n = len(df)
    _row_heights(ws, n, headers, widths, wrapped)
    if headers:
        frozen = 0
        while frozen < len(specs) and specs[frozen].freeze:
            frozen += 1
        ws.freeze_panes(1, max(frozen, 1))
        ws.autofilter(0, 0, max(n, 1), len(headers) - 1)
    for j, kind in enumerate(kinds):
        if kind == "heat" and n:
            ws.conditional_format(1, j, n, j, HEAT_SCALE)
        if kind == "decision":
            words = CHOICES.get(specs[j].choices, CHOICES["review"])
            choices = list(words.get(lang, words["zh"]))
            ws.data_validation(
                1,
                j,
                max(n, 1),
                j,
                {
                    "validate": "list",
                    "source": choices,
                    "input_title": headers[j][:32],
                    "input_message": " / ".join(choices),
                    "error_title": headers[j][:32],
                    "error_message": ("请从下拉列表中选择：" if lang == "zh" else "Choose from the list: ")
                    + " / ".join(choices),
                },
            )
    _print_setup(ws, sheet, page, lang)


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide (CJK characters count two)."""
    per = max((width - 1) * 11 / _FONT_SIZE, 1.0)
    return sum(max(1, math.ceil(display_width(part) / per)) for part in text.split("\n"))


def _row_heights(ws: Any, n: int, headers: list[str], widths: list[float], wrapped: Mapping[int, list[str]]) -> None:
    """Row heights that show every line of the wrapped cells (spreadsheet programs do not size rows
    written by a library themselves, so a reason would print as its first line only)."""
    head = max((_lines(h, w) for h, w in zip(headers, widths)), default=1)
    ws.set_row(0, _LINE * head + 4)
    if not wrapped:
        return
    for i in range(n):
        lines = max((_lines(col[i], widths[j]) for j, col in wrapped.items() if i < len(col) and col[i]), default=1)
        if lines > 1:
            ws.set_row(i + 1, min(_LINE * lines + 3, _MAX_ROW_HEIGHT))


def _width(spec: Col, kind: str, header: float, fit: float) -> float:
    if spec.width is not None:  # headers wrap: the spec's width holds
        return spec.width
    if kind == "reason":
        return REASON_WIDTH
    # headers wrap, so a long header needs no wider column than ~12 characters
    return min(max(fit, min(header, 12)) + 2, _MAX_FIT)


def _columns(ws: Any, specs: list[Col], widths: list[float], kinds: list[str]) -> None:
    """Column widths; the ``tech`` group (at the right) and each run of ``detail`` columns outlined
    (level 1), hidden and collapsed: hidden columns stay off the printed page."""
    runs = 0
    for j, (spec, w) in enumerate(zip(specs, widths)):
        if spec.group in ("tech", "detail"):
            ws.set_column(j, j, w, None, {"level": 1, "hidden": True})
        elif j and specs[j - 1].group in ("tech", "detail"):  # the +/- button of the run just left of it
            ws.set_column(j, j, w, None, {"collapsed": True})
            runs += 1
        else:
            ws.set_column(j, j, w)
    if specs and specs[-1].group in ("tech", "detail"):
        ws.set_column(len(specs), len(specs), None, None, {"collapsed": True})
        runs += 1
    if runs:
        ws.outline_settings(True, False, True, False)
