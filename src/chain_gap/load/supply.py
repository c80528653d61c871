"""Supply pairs (supplier → customer) and the manual link decisions (overrides) staff curate.

A supply row names both firms by ent id, USCC, stock code or name; a name not yet in the graph
creates the firm (an ambiguous one is rejected: give the USCC). Of two rows for one pair, the later
year wins. An override row confirms or rejects one firm on one leaf link of a chain
(``nev/cathode``); the decisions are kept in ``G.graph["overrides"]`` for :mod:`chain_gap.link`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from chain_gap import normalize, vocab
from chain_gap.load.identity import Loader
from chain_gap.load.issues import FileStats
from chain_gap.load.mapping import Mapping
from chain_gap.load.table import Rows
from chain_gap.load.values import MAX_NAME, parse_int_text, parse_money_text

__all__ = ["PENDING_CODE", "overrides_row", "pending", "supply_row"]

#: Issue code of a review row left 待定 / pending (counted among the skipped rows of the load).
PENDING_CODE = "decision-pending"

_LINK_RE = re.compile(r"^(?:link:)?([a-z0-9_]+)/([a-z0-9_]+)$")


def _money(
    ld: Loader, rows: Rows, i: int, f: str, st: FileStats, row_no: int, capital: bool
) -> tuple[float | None, str | None]:
    text = rows.first(f, i)
    if not text:
        return None, None
    key = (text, rows.units.get(f), capital)
    hit = ld.money_memo.get(key)
    if hit is None:
        hit = ld.money_memo[key] = parse_money_text(*key)
    if hit[0] is None:
        ld.warn(st, row_no, f, text, "cannot read the amount; row loaded without it")
    return hit


def _int(ld: Loader, rows: Rows, i: int, f: str, st: FileStats, row_no: int) -> int | None:
    text = rows.first(f, i)
    if not text:
        return None
    memo = ld.int_memo
    n = memo[text] if text in memo else memo.setdefault(text, parse_int_text(text))
    if n is None:
        ld.warn(st, row_no, f, text, "not a whole number; row loaded without it")
    return n


def _party(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping, f: str) -> str | None:
    text = rows.first(f, i)
    if not text:
        ld.reject(st, row_no, f, text, f"no {f} given")
        return None
    if len(text) > MAX_NAME:
        ld.reject(st, row_no, f, text, f"{f} longer than {MAX_NAME} characters")
        return None
    nid, how = ld.lookup(text)
    if nid is not None:
        return nid
    if how == "ambiguous":
        ld.reject(st, row_no, f, text, "name matches several enterprises in different regions; give the USCC instead")
        return None
    if how in ("uscc", "stock", "id"):
        ld.reject(st, row_no, f, text, f"{how} not in the graph; load the enterprise list first")
        return None
    name = ld.name(text, st, row_no, f)
    nn = normalize.normalize_name(name) if name else ""
    if not nn:
        ld.reject(st, row_no, f, text, "no usable enterprise name")
        return None
    nid, _ = ld.upsert({"name": name, "name_norm": nn}, True, f"{src}:{row_no}", m.id)
    return nid


def supply_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """A supplier → customer pair: SUPPLIES with value, year and source (the later year wins).

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    u = _party(ld, rows, i, row_no, st, src, m, "supplier")
    if u is None:
        return
    v = _party(ld, rows, i, row_no, st, src, m, "customer")
    if v is None:
        return
    if u == v:
        ld.reject(st, row_no, "customer", rows.first("customer", i), "supplier and customer are the same firm")
        return
    value = _money(ld, rows, i, "value", st, row_no, capital=False)[0] if "value" in m.fields else None
    year = _int(ld, rows, i, "year", st, row_no) if "year" in m.fields else None
    source = rows.first("source", i) if "source" in m.fields else ""
    if ld.G.has_edge(u, v, key=vocab.SUPPLIES):
        old = ld.G.edges[u, v, vocab.SUPPLIES]
        if old.get("year") is not None and (year is None or int(old["year"]) > year):
            st.merged += 1
            return
    ld.count_edge(st, u, v, vocab.SUPPLIES, value=value, year=year, source=source or m.id)


def overrides_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """A reviewer's decision on one firm and one leaf link, kept in ``G.graph["overrides"]``.

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    text = rows.first("enterprise", i)
    nid, how = ld.lookup(text) if text else (None, "unknown")
    if nid is None:
        reason = (
            "name matches several enterprises; use the ent_id or USCC"
            if how == "ambiguous"
            else "enterprise not in the graph"
        )
        ld.reject(st, row_no, "enterprise", text, reason)
        return
    link = rows.first("link", i)
    mm = _LINK_RE.match(link.strip().lower()) if link else None
    if not mm:
        ld.reject(st, row_no, "link", link, "link must look like <chain>/<link>, e.g. nev/cathode")
        return
    chain, leaf = mm.group(1), mm.group(2)
    problem = _check_leaf(chain, leaf)
    if problem:
        ld.reject(st, row_no, "link", link, problem)
        return
    raw_dec = rows.first("decision", i)
    meant = vocab.decision_of(raw_dec) if raw_dec else None
    if meant == vocab.UNCERTAIN:  # 待定: the reviewer left it open; counted, the link stays as linked
        ld.skip(st, row_no, "decision", raw_dec, "待定 / pending: left undecided", PENDING_CODE)
        return
    decision = _DECISIONS.get(meant or "")
    if decision is None:
        ld.reject(st, row_no, "decision", raw_dec, "decision must be confirm or reject (确认 / 排除 / 待定)")
        return
    entry: dict[str, Any] = {"ent_id": nid, "link": f"{chain}/{leaf}", "decision": decision}
    role = rows.first("role", i).lower() if "role" in m.fields else ""
    if role:
        role = _ROLES.get(role, role)
        if role not in ("producer", "seller", "user"):
            ld.warn(st, row_no, "role", role, "role must be producer, seller or user; ignored")
        else:
            entry["role"] = role
    entry["note"] = rows.first("note", i) if "note" in m.fields else ""
    entry["source"] = f"{src}:{row_no}"
    ovs: list[dict[str, Any]] = list(ld.G.graph.get("overrides") or [])
    for j, ov in enumerate(ovs):
        if ov.get("ent_id") == nid and ov.get("link") == entry["link"]:
            same = {k: v for k, v in ov.items() if k != "source"} == {k: v for k, v in entry.items() if k != "source"}
            if not same:
                ovs[j] = entry
            st.merged += 1
            break
    else:
        ovs.append(entry)
        st.loaded += 1
    ld.G.graph["overrides"] = ovs


def pending(result: Any) -> int:
    """Rows of a review load left 待定 / pending (skipped with :data:`PENDING_CODE`; the links stay as linked).

    Parameters
    ----------
    result : chain_gap.load.LoadResult
        The load of the reviewers' files (``chain_gap.link.apply_review(...).load``).

    Returns
    -------
    int
    """
    skipped = result.skipped
    return int((skipped["code"] == PENDING_CODE).sum()) if len(skipped) else 0


#: The decision an override stores (what reviewers may write is vocab.DECISION_WORDS); 待定 / pending
#: (uncertain) leaves the link undecided: the row is skipped with :data:`PENDING_CODE`, not rejected.
_DECISIONS = {vocab.CONFIRMED: "confirm", vocab.REJECTED: "reject"}
_ROLES = vocab.ROLE_WORDS


@cache
def _chain_leaves(chain: str) -> frozenset[str] | str:
    from chain_gap.chains import ChainError, load_chain

    try:
        spec = load_chain(chain)
    except ChainError as exc:
        return str(exc)
    return frozenset(spec.leaf_ids())


def _check_leaf(chain: str, leaf: str) -> str | None:
    leaves = _chain_leaves(chain)
    if isinstance(leaves, str):
        return leaves
    if leaf not in leaves:
        return f"{chain}/{leaf} is not a leaf link of chain {chain} (decisions attach to leaf links)"
    return None
