"""Regions from free-text addresses: the most specific region an address names, walking down from
the province (``河南省商丘市梁园区…`` → 梁园区), with the short names and repeats addresses use."""

from __future__ import annotations

from chain_gap.codes._regions import (
    _ADDRESS_PREFIXES,
    _RANK,
    _SEPARATORS,
    _STREETISH,
    Region,
    _clean_text,
    _index,
    _RegionIndex,
)


def _match_at(idx: _RegionIndex, t: str, pos: int, cur: str | None) -> tuple[int, list[str]] | None:
    """Longest region name at ``t[pos:]`` with a candidate below ``cur``: (length, candidates)."""
    window = t[pos : pos + idx.maxlen]
    longest = idx.trie.longest_prefix(window)
    for n in range(longest, 1, -1):
        part = window[:n]
        full = idx.full.get(part, ())
        alias = idx.alias.get(part, ())
        if not full and not alias:
            continue
        cands = [c for c in full if cur is None or idx.under(c, cur)]
        short = [c for c in alias if c not in cands and (cur is None or idx.under(c, cur))]
        if short and pos + n < len(t) and t[pos + n] in _STREETISH:
            # 上海路, 平原路: keep a short name only when a smaller place under it follows
            short = [c for c in short if _match_at(idx, t, pos + n, c) is not None]
        cands += short
        if cands:
            return n, cands
    return None


def region_from_address(address: str) -> Region | None:
    """The most specific region named at the start of a Chinese address.

    The address is read left to right as province → city → county, each part the longest
    official or short name that lies inside what was read before (``河南省商丘市梁园区平原路1号``
    → 411402; ``深圳市南山区…`` → 440305; ``济源市…`` → 419001). A county name used in several
    places (鼓楼区) is settled by the province or city read before it; if it stays ambiguous,
    reading stops at the last level that is certain (the deepest common ancestor), which may
    be nothing. A short name directly followed by a street word (``上海路``) is not taken for
    a place. Leading ``中国``/``中华人民共和国`` and separators are skipped.

    Parameters
    ----------
    address : str
        A postal address, e.g. the 注册地址 of a firm.

    Returns
    -------
    Region or None
        ``None`` when the address does not start with a known place.
    """
    if not isinstance(address, str):
        if address is None or (isinstance(address, float) and address != address):
            return None
        address = str(address)
    t = _clean_text(address)
    idx = _index()
    pos = 0
    changed = True
    while changed:
        changed = False
        while pos < len(t) and t[pos] in _SEPARATORS:
            pos += 1
        for pre in _ADDRESS_PREFIXES:
            if t.startswith(pre, pos):
                pos += len(pre)
                changed = True
    cur: str | None = None
    for _ in range(4):
        while pos < len(t) and t[pos] in _SEPARATORS:
            pos += 1
        if pos >= len(t):
            break
        m = _match_at(idx, t, pos, cur)
        if m is None:
            # a repeated name (深圳市深圳市南山区) is skipped, anything else ends the read
            rep = _repeat_at(idx, t, pos, cur) if cur is not None else 0
            if rep:
                pos += rep
                continue
            break
        n, cands = m
        top = min(_RANK[idx.rows[c].level] for c in cands)
        best = [c for c in cands if _RANK[idx.rows[c].level] == top]
        if len(best) > 1:
            common = _common_ancestor(idx, best)
            if common is not None and (cur is None or common == cur or idx.under(common, cur)):
                cur = common
            break
        cur = best[0]
        pos += n
        if idx.rows[cur].level == "county":
            break
    if cur is None:
        return None
    return idx.region(cur)


def _repeat_at(idx: _RegionIndex, t: str, pos: int, cur: str) -> int:
    """Length of a name of ``cur`` itself at ``t[pos:]`` (0 if none)."""
    window = t[pos : pos + idx.maxlen]
    for n in range(idx.trie.longest_prefix(window), 1, -1):
        if cur in idx.full.get(window[:n], ()) or cur in idx.alias.get(window[:n], ()):
            return n
    return 0


def _common_ancestor(idx: _RegionIndex, codes: list[str]) -> str | None:
    chains = [[c, *idx.ancestors(c)] for c in codes]
    shared = set(chains[0]).intersection(*chains[1:])
    for c in chains[0]:
        if c in shared and not idx.is_placeholder(c):
            return c
    return None
