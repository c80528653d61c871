"""Regions at the head of a legal name: 郑州宇通客车股份有限公司 → 郑州市, 江苏江阴兴澄… → 江阴市.

Chinese firms are registered under ``行政区划 + 字号 + 行业 + 组织形式``, so the place a legal name
starts with is usually where the firm was registered. Usually, not always: 东方电气 is no firm of
东方市 (海南), 重庆长安 is no firm of 长安区 (西安), 中国/华夏/长城 name no place at all. This module
reads the head (:func:`name_head`) and decides what it may say about a firm whose stated region is
known or not (:func:`infer_from_name`); the rules are documented in ``docs/regions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain_gap.codes._address import _match_at
from chain_gap.codes._regions import _RANK, _SEPARATORS, _clean_text, _index, _RegionIndex

__all__ = ["NameHead", "NameInference", "infer_from_name", "name_head"]

#: Characters a firm name must still have after its head (a bare place name is no firm name).
MIN_REST = 2


@dataclass(frozen=True, slots=True)
class NameHead:
    """The place a name starts with.

    Attributes
    ----------
    code : str
        The deepest region read (GB/T 2260 code).
    level : str
        ``province`` | ``city`` | ``county``.
    text : str
        The head as written (``郑州``, ``江苏江阴``).
    by_full : bool
        The deepest part was written with its official name (``郑州市``), not a short name (``郑州``).
    province_read : bool
        The head names a province or city before its deepest part (``江苏江阴…``), or the read was
        made inside a stated region.
    parts : tuple of (str, bool)
        Every region read, broadest first, with whether it was written with its official name
        (``江苏江阴`` → 320000, 320281).
    """

    code: str
    level: str
    text: str
    by_full: bool
    province_read: bool
    parts: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class NameInference:
    """What a legal name says about a firm's region, given the region the data state.

    Attributes
    ----------
    code : str or None
        A code below the stated one (or any code when nothing is stated) that the head supports;
        ``None`` when the head adds nothing.
    conflict : NameHead or None
        A head that names a place outside the stated region (the stated region is kept; the
        caller warns). Only heads strong enough to be meant as a place count (a province, a
        prefecture-level city, or a county written with its full name): a short county or district
        name outside the stated province is a common word (东方电气 of 四川), not a contradiction.
    """

    code: str | None
    conflict: NameHead | None


def _is_district(idx: _RegionIndex, code: str) -> bool:
    row = idx.rows[code]
    return row.level == "county" and row.name.endswith("区")


def _repeat_len(idx: _RegionIndex, t: str, pos: int, known: set[str]) -> int:
    """Length of a name of one of ``known`` at ``t[pos:]`` (``河南省郑州市…`` read inside 郑州)."""
    window = t[pos : pos + idx.maxlen]
    for n in range(idx.trie.longest_prefix(window), 1, -1):
        part = window[:n]
        if known.intersection(idx.full.get(part, ())) or known.intersection(idx.alias.get(part, ())):
            return n
    return 0


def name_head(name: str, within: str | None = None) -> NameHead | None:
    """The region a legal name starts with, read province → city → county.

    Parameters
    ----------
    name : str
        A legal name (``郑州宇通客车股份有限公司``).
    within : str or None
        A region code the data state for the firm: only places inside it are read (names of it
        or of its ancestors are skipped, ``河南省郑州市…`` inside 410000 reads 郑州市), so a county
        name used in several provinces (长安区) is settled by it.

    Returns
    -------
    NameHead or None
        ``None`` when the name starts with no known place inside ``within`` (or when the place is
        all the name holds). A name whose head is ambiguous at its level (新华 names districts of
        several cities) stops at what is certain, which may be nothing.
    """
    if not isinstance(name, str) or not name:
        return None
    t = _clean_text(name)
    idx = _index()
    if within is not None and within not in idx.rows:
        within = None
    known = set() if within is None else {within, *idx.ancestors(within)}
    cur = within
    pos = 0
    best: tuple[str, int, bool] | None = None  # code, end, by_full
    parts: list[tuple[str, bool]] = []
    province_read = within is not None
    for _ in range(4):
        while pos < len(t) and t[pos] in _SEPARATORS:
            pos += 1
        if pos >= len(t):
            break
        m = _match_at(idx, t, pos, cur)
        rep = _repeat_len(idx, t, pos, known) if known else 0
        if m is None or rep >= m[0]:
            # a name of what is known already (吉林… inside 吉林省 is the province, not 吉林市)
            if rep:
                pos += rep
                continue
            break
        n, cands = m
        top = min(_RANK[idx.rows[c].level] for c in cands)
        top_cands = [c for c in cands if _RANK[idx.rows[c].level] == top]
        if len(top_cands) > 1:
            break  # ambiguous at this level: keep what is certain
        code = top_cands[0]
        part = t[pos : pos + n]
        best = (code, pos + n, code in idx.full.get(part, ()))
        parts.append((code, best[2]))
        if len(parts) > 1:
            province_read = True
        known |= {code, *idx.ancestors(code)}
        cur = code
        pos += n
        if idx.rows[code].level == "county":
            break
    if best is None:
        return None
    code, end, by_full = best
    if len(t) - end < MIN_REST:
        return None
    return NameHead(code, idx.rows[code].level, t[:end], by_full, province_read, tuple(parts))


def _strong(idx: _RegionIndex, head: NameHead) -> bool:
    """A head meant as a place: a province, a prefecture-level city, or a county by its full name."""
    return head.level in ("province", "city") or head.by_full


def infer_from_name(name: str, stated: str | None) -> NameInference:
    """The region a legal name adds to the region stated for the firm.

    Rules (``docs/regions.md``):

    * a stated county is final: nothing is inferred;
    * the head is read inside the stated region, so whatever it adds never contradicts it;
    * a district (``…区``) written with its short name (长安, 中原, 新华) is never taken: such names are
      ordinary words far more often than a firm's seat; with its full name (``长安区``) it is;
    * a county or county-level city by its short name (江阴, 昆山) is taken only when a province is
      known, stated or read in the name before it (``江苏江阴…``);
    * with nothing stated, a prefecture-level city or province at the head is taken when the head
      names exactly one place at its level (郑州 → 410100; 吉林 is read as the province);
    * a strong head outside the stated region is reported as ``conflict``; the stated region stays.

    Parameters
    ----------
    name : str
        The firm's legal name.
    stated : str or None
        The most specific code the data state (a province for the A-share list), or None.

    Returns
    -------
    NameInference
    """
    idx = _index()
    if stated is not None and stated in idx.rows and idx.rows[stated].level == "county":
        return NameInference(None, None)
    if stated is not None and stated not in idx.rows:
        stated = None
    head = name_head(name, within=stated)
    if head is not None:
        # the deepest part the rules accept (郑州中原… → 郑州市: the short district name is dropped)
        for i in range(len(head.parts) - 1, -1, -1):
            code, by_full = head.parts[i]
            short_county = idx.rows[code].level == "county" and not by_full
            if short_county and (_is_district(idx, code) or not (stated is not None or i > 0)):
                continue
            if code != stated:
                return NameInference(code, None)
            break
    if stated is None:
        return NameInference(None, None)
    free = name_head(name)
    if free is None or free.code == stated or not _strong(idx, free):
        return NameInference(None, None)
    if stated in idx.ancestors(free.code) or free.code in idx.ancestors(stated):
        return NameInference(None, None)  # consistent, only not usable (a short district name)
    return NameInference(None, free)


def city_from_short(name: str) -> str | None:
    """The prefecture-level city an A-share ``area`` value names, when it names a city, not a province.

    A-share lists put 深圳 (and in some vintages 大连, 宁波, 青岛, 厦门) beside the provinces:
    ``深圳`` → 440300. A province name (河南, 吉林, 内蒙) gives None, so does an unknown or ambiguous one.

    Parameters
    ----------
    name : str
        A short area name.

    Returns
    -------
    str or None
    """
    t = _clean_text(name)
    if not t:
        return None
    idx = _index()
    if any(idx.rows[c].level == "province" for c in (*idx.full.get(t, ()), *idx.alias.get(t, ()))):
        return None
    cities = [c for c in (*idx.full.get(t, ()), *idx.alias.get(t, ())) if idx.rows[c].level == "city"]
    cities = list(dict.fromkeys(cities))
    return cities[0] if len(cities) == 1 else None
