"""Which rows after the header are not data: footers, repeated headers and the titles above them.

Exports end with 合计 / 小计 / 总计 lines, 制表人 / 数据来源 / 注： notes, and concatenated exports
repeat their header (often under a one-cell title) every few hundred rows, sometimes in another
spelling (the mapping's synonyms), and templates carry 序号 1…100 with only the first rows filled.
Such a row is never a firm: it is skipped and counted as skipped with a stable code. A row is judged on its first
non-empty cell, so a firm named 合计科技有限公司 stays a firm: a total is the bare word (with an
count, a colon or a bracket after it: ``合计：125家``, ``小计 睢阳区``), a note is a known label followed by a colon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_TOTAL = re.compile(r"(小计|合计|总计|共计|总合计|累计|汇总|grandtotal|subtotal|total)", re.IGNORECASE)
_TOTAL_SPACED = re.compile(r"(小计|合计|总计|共计|累计|汇总|total|subtotal)\s", re.IGNORECASE)
_COUNT = re.compile(r"(共|总数|合计|共计)[:：]?[\d,]+(家|户|个|条|项|行|条记录|家企业)?", re.IGNORECASE)
_NOTE = re.compile(
    r"(制表人|制表单位|制表日期|制表时间|制表|填报人|填表人|填报单位|填报日期|审核人|审核|审批人|负责人|"
    r"统计人|统计时间|统计日期|统计截止|统计口径|数据来源|资料来源|来源|注\d*|备注|说明|附注|导出时间|导出日期|"
    r"导出人|打印时间|打印日期|查询时间|更新时间|生成时间|截止日期|截至日期|编制单位|编制人|编制日期|报送单位|"
    r"单位|联系人|联系电话|source|note|notes|preparedby|printed|exported)[:：]",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"(数据来源|资料来源|数据由|本表由|以上数据|以上企业|本名单|截至\d{4}|截止\d{4}|第\d+页|共\d+页)")
_FOOTER_START = frozenset("小合总共累汇制填审负统数资来注备说附导打截联以本查更生编报单第TtSsNnPpGgEe")


def _squash(text: str) -> str:
    """NFKC, no whitespace: ``"合  计："`` → ``"合计:"``."""
    return "".join(unicodedata.normalize("NFKC", text).split())


_SERIAL_HEADERS = frozenset(["序号", "编号", "行号", "no", "no.", "#", "序"])


def footer_cell(text: str) -> bool:
    """True when a row whose first non-empty cell is ``text`` is a footer, not data.

    Parameters
    ----------
    text : str
        The first non-empty cell of a row.

    Returns
    -------
    bool
    """
    t = text.strip()
    if not t or len(t) > 200 or t[0] not in _FOOTER_START:
        return False
    s = _squash(t)
    m = _TOTAL.match(s)
    if m:  # the bare word, or followed by a colon, a bracket or a number: 合计：125家, 小计（睢阳区）
        rest = s[m.end() :]
        if not rest or rest[0] in ":：(（[【" or rest[0].isdigit() or _TOTAL_SPACED.match(t):
            return True
    if _COUNT.fullmatch(s):
        return True
    return bool(_NOTE.match(s) or _SOURCE.match(s))


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split()).strip("*")


class RowJudge:
    """Judges the rows after one header: :meth:`kind` gives the skip code of a row, or None.

    Parameters
    ----------
    header : list of str
        The header row's cells as read.
    """

    def __init__(self, header: Sequence[str], aliases: Iterable[str] = ()) -> None:
        self.header = [h.strip() for h in header]
        self.norms = [_norm(h) for h in self.header]
        self.filled = [i for i, h in enumerate(self.norms) if h]
        self.wanted = frozenset(h for h in self.norms if h)
        # another spelling of the header (the mapping's synonyms: an English header line under a
        # Chinese one, another vendor's export appended)
        self.known = self.wanted | frozenset(a for a in map(_norm, aliases) if a)
        self.exact = frozenset(h for h in self.header if h)
        self.starts = frozenset(h[0] for h in self.known)
        self.serial = next((i for i, h in enumerate(self.norms) if h in _SERIAL_HEADERS), None)
        # a row can only be a header, a footer or a bare serial number when its first character is
        # one of these
        self.gate = (
            frozenset(h[0] for h in self.header if h)
            | self.starts
            | _FOOTER_START
            | (frozenset("0123456789") if self.serial is not None else frozenset())
        )
        # a repeated header repeats most distinct header cells (at least two)
        self.need = max(2, (len(self.wanted) * 2 + 2) // 3)

    def first(self, rec: Sequence[str]) -> tuple[int, str]:
        """Index and text of the first non-empty cell (``-1, ""`` for a blank row)."""
        for i, c in enumerate(rec):
            if c and not c.isspace():
                return i, c
        return -1, ""

    def repeated_header(self, rec: Sequence[str]) -> bool:
        """True when ``rec`` repeats most header cells (in place or reordered: another export's columns)."""
        if len(self.filled) < 2:
            return False
        want = self.known
        hits = 0
        for c in rec:
            if c and _norm(c) in want:
                hits += 1
        return hits >= self.need

    def kind(self, rec: Sequence[str]) -> str | None:
        """``row-footer``, ``row-repeated-header`` or None (a data row) for a non-blank row."""
        c = rec[0] if rec else ""
        if not c or c.isspace():
            i, c = self.first(rec)
            if i < 0:
                return None
        s = c.strip()
        ch = s[:1]
        if ch not in self.gate and not ("\uff00" <= ch <= "\uffef" and unicodedata.normalize("NFKC", ch) in self.gate):
            return None  # the common case: a firm's row, decided on one character
        if (s in self.exact or (s and _norm(s)[:1] in self.starts)) and self.repeated_header(rec):
            return "row-repeated-header"
        if footer_cell(s):
            return "row-footer"
        if self.serial is not None and s.isdigit() and one_cell(rec) and self.first(rec)[0] == self.serial:
            return "row-serial-only"
        return None


def one_cell(rec: Sequence[str]) -> bool:
    """True when exactly one cell of ``rec`` holds text (a title line).

    Parameters
    ----------
    rec : sequence of str
        The cells of a row.

    Returns
    -------
    bool
    """
    return sum(1 for c in rec if c and not c.isspace()) == 1


REASONS: dict[str, str] = {
    "row-footer": "footer row (total, author, source or note line), not a firm",
    "row-repeated-header": "the header repeated (concatenated exports), not a firm",
    "row-repeated-title": "a title line above a repeated header, not a firm",
    "row-serial-only": "only a serial number (序号) and nothing else: an unused template row, not a firm",
}
