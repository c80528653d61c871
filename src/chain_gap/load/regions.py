"""Stated and inferred enterprise regions: merging them, and the legal-name head inference.

An enterprise's ``region`` is the most specific GB/T 2260 code known. It is *stated* when a source
gives it (a region / province / city / county field, the registered address, the USCC's
registration-authority code) and *inferred* when it is read from weaker evidence; then the node's
``region_inferred`` names the rule:

``area_city``
    the A-share ``area`` names a city (深圳) rather than a province (:mod:`chain_gap.load.enterprises`);
``name_head``
    the place at the head of the legal name (郑州宇通客车… → 郑州市), read inside the stated region
    (:func:`chain_gap.codes.infer_from_name`), after every load, on the firms it touched.

A stated code always wins over an inferred one it contradicts; an inferred code only ever narrows a
stated one. ``docs/regions.md`` gives the rules and their precision on the real data.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chain_gap import codes

if TYPE_CHECKING:
    from chain_gap.load.identity import Loader

__all__ = ["INFERRED_RULES", "infer_name_heads", "merge_region"]

INFERRED_RULES = ("name_head", "area_city")
"""The values of an enterprise's ``region_inferred``."""

NAME_HEAD_CONFLICT = "region-name-head-conflict"
"""Warning code: the legal name starts with a place outside the stated region (the stated one is kept)."""


def _set(a: dict[str, Any], p: dict[str, str], code: str, rule: str | None, where: str) -> None:
    a["region"] = code
    p["region"] = where
    if rule:
        a["region_inferred"] = rule
        p["region_inferred"] = where
    else:
        a.pop("region_inferred", None)
        p.pop("region_inferred", None)


def merge_region(a: dict[str, Any], p: dict[str, str], new: str, rule: str | None, where: str) -> tuple[bool, bool]:
    """Merge the region ``new`` of a record (inferred by ``rule``, stated when None) into node ``a``.

    Parameters
    ----------
    a : dict
        The enterprise node's attributes (changed in place).
    p : dict
        Its provenance, field → ``file:row`` (changed in place).
    new : str
        The record's region code.
    rule : str or None
        The inference rule of ``new`` (``area_city``), None when the record states it.
    where : str
        The record's ``file:row``.

    Returns
    -------
    (bool, bool)
        Whether the node's region changed (its identity key may change), and whether two *stated*
        regions contradict each other (a merge conflict; the old one is kept).
    """
    old = a.get("region")
    old_rule = a.get("region_inferred")
    if old in (None, ""):
        _set(a, p, new, rule, where)
        return True, False
    old = str(old)
    if old == new:
        if old_rule and not rule:  # now stated
            _set(a, p, new, None, where)
        return False, False
    if new in codes.ancestors(old):
        return False, False  # broader: an inferred old code stays, narrowing what is now stated
    if old in codes.ancestors(new):
        _set(a, p, new, rule, where)
        return True, False
    if old_rule and not rule:  # a stated code wins over an inferred one it contradicts
        _set(a, p, new, None, where)
        return True, False
    return False, not old_rule and not rule


def _legal_name(a: dict[str, Any]) -> str:
    """The node's legal name, '' when it only has a short name (证券简称) standing in."""
    name = str(a.get("name") or "")
    short = a.get("short_name")
    if not name or (short and name == short):
        return ""
    return name


def infer_name_heads(ld: Loader, nids: Iterable[str]) -> None:
    """Infer the regions the legal names of ``nids`` give (rule ``name_head``); warn on contradictions.

    A node whose region is stated at county level, or inferred by ``area_city`` / ``name_head``
    already at a level the head cannot deepen, is left as it is. A head naming a place outside the
    stated region gives the warning :data:`NAME_HEAD_CONFLICT` on the row that stated the region.
    """
    nodes = ld.fg.nodes
    for nid in nids:
        a = nodes.get(nid)
        if a is None or a.get("kind") != "Enterprise":
            continue
        name = _legal_name(a)
        if not name:
            continue
        region = a.get("region") or None
        rule = a.get("region_inferred")
        stated = region
        if rule == "name_head":
            continue  # read already; a stated region arriving later replaced or kept it (merge_region)
        if region and codes.is_county(str(region)):
            continue
        key = (name, stated)
        hit = ld.name_head_memo.get(key)
        if hit is None:
            hit = ld.name_head_memo[key] = codes.infer_from_name(name, stated)
        if hit.code is not None:
            p = ld._prov(nid)
            merge_region(a, p, hit.code, "name_head", p.get("name", "") or "name")
            ld.relocate(nid)
        elif hit.conflict is not None and stated:
            where = ld._prov(nid).get("region", "")
            _warn_conflict(ld, where, name, str(stated), hit.conflict)


def _warn_conflict(ld: Loader, where: str, name: str, stated: str, head: codes.NameHead) -> None:
    src, _, row = where.rpartition(":")
    st = next((s for s in reversed(ld.stats) if Path(s.path).name == src), None)
    if st is None and ld.stats:
        st = ld.stats[-1]
    if st is None:
        return
    here = codes.resolve_region(head.code).full_name
    there = codes.resolve_region(stated).full_name
    ld.warn(
        st,
        int(row) if row.isdigit() else 0,
        "name",
        name,
        f"the legal name starts with {head.text} ({here}) but the row states {there}; the stated region is kept",
        code=NAME_HEAD_CONFLICT,
    )
