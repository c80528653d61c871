"""Short firm names for tiles and posters: 郑州宇通客车股份有限公司 → 宇通客车.

Vendors' 全景图 print the leading firms of each link by their 字号 (trade name), because a legal name
(``行政区划 + 字号 + 行业 + 组织形式``) does not fit a tile. The place at the head is read with
:func:`chain_gap.codes.name_head` (a short head is dropped only when it names the firm's region, so 东方电气 of 四川 keeps 东方) and the
organisation form at the tail is dropped; a name that would shrink to under two characters is kept.
"""

from __future__ import annotations

import re

from chain_gap.codes import name_head

__all__ = ["short_firm_name"]

#: Organisation forms at the end of a legal name, longest first.
_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "厂",
)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
#: Generic words before the form (科技有限公司) dropped when at least four characters remain.
_GENERIC = ("科技", "实业", "技术", "发展")


def _prefix(code: str) -> str:
    c = str(code)
    if len(c) == 6 and c[4:] == "00":
        c = c[:4]
    if len(c) == 4 and c[2:] == "00":
        c = c[:2]
    return c


def _related(a: str, b: str) -> bool:
    pa, pb = _prefix(a), _prefix(b)
    return pa.startswith(pb) or pb.startswith(pa)


def short_firm_name(name: str, region: str | None = None) -> str:
    """The trade-name part of a legal firm name, for a tile.

    Parameters
    ----------
    name : str
        The legal name.
    region : str, optional
        The firm's (or the map's) region code: a short place head (商丘…) is dropped only when it
        names this region, a part of it or a region containing it.

    Returns
    -------
    str
        The name without its place head, bracketed parts and organisation form.
    """
    full = str(name or "").strip()
    s = _BRACKETS.sub("", full).strip()
    head = name_head(s)
    # a head is the firm's place when written in full (商丘市…) or inside / around its region;
    # otherwise it may be part of the trade name (东方电气 of 四川 is no firm of 东方市)
    if (
        head is not None
        and s.startswith(head.text)
        and len(s) - len(head.text) >= 2
        and (head.by_full or (region and _related(head.code, region)))
    ):
        s = s[len(head.text) :]
    for form in _FORMS:
        if s.endswith(form) and len(s) - len(form) >= 2:
            s = s[: -len(form)]
            break
    for word in _GENERIC:
        if s.endswith(word) and len(s) - len(word) >= 4:
            s = s[: -len(word)]
            break
    return s or full
