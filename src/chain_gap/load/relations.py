"""Relation tables in chain-kg's shape: industries, products and what links them.

`ChainKnowledgeGraph <https://github.com/liuhuanyong/ChainKnowledgeGraph>`_ describes A-share firms
by a Shenwan-2021 industry tree (``industry``, ``industry_parent``), the industries of each firm
(``enterprise_industry``), products (``product``), each firm's products with their revenue share
(``enterprise_product``), relations between products (``product_relation``: 上游材料, 下游产品,
产品小类) and how much each industry buys from others (``industry_upstream``). Firms are found by
stock code; a firm missing from the company list is created from its 简称, with a warning.

The product tables hold 10^5 rows each, so each is loaded by one loop over the whole table that
parses every distinct cell once and writes nodes and edges through the loader's fast graph; the
first node and edge of each shape still go through :mod:`chain_gap.schema`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from itertools import compress

from chain_gap import normalize, vocab
from chain_gap.load.identity import Loader
from chain_gap.load.issues import FileStats
from chain_gap.load.mapping import Mapping
from chain_gap.load.table import Rows
from chain_gap.load.values import FAST_NAME, MAX_NAME, clean_name, norm_name
from chain_gap.schema import SchemaError, add_node

ROW_HANDLER_PARAMETERS = """\
    Parameters
    ----------
    ld : Loader
        The load in progress (graph, identity index, counts).
    rows : Rows
        Column access to the table.
    i : int
        Index of the row in ``rows``.
    row_no : int
        The row's number in the file, for warnings and rejects.
    st : FileStats
        Counts of the file, updated in place.
    src : str
        File name recorded as the source of what the row adds.
    m : Mapping
        The table's source mapping.
"""
"""What every row handler of the loader takes (the loader calls them all the same way)."""

__all__ = [
    "enterprise_industry_row",
    "industry_parent_row",
    "industry_row",
    "industry_upstream_row",
    "load_enterprise_products",
    "load_product_relations",
    "load_products",
    "makes",
]

_NO_PRODUCT = "no usable product name"
_NO_STOCK = "no valid stock code: cannot tell which company"


# ---------------------------------------------------------------- products
def product_key(ld: Loader, raw: str) -> tuple[str, str] | None:
    """(clean name, matching key) of a product name, memoised: relation files repeat names."""
    memo = ld.product_memo
    if raw in memo:
        return memo[raw]
    name = clean_name(raw).strip()
    key = norm_name(name) if name else ""
    out = (name, key) if key and len(name) <= MAX_NAME else None
    memo[raw] = out
    return out


def product(ld: Loader, raw: str) -> str | None:
    """Id of the Product node named ``raw``, created when absent; None when not a usable name."""
    pid = ld.pid_memo.get(raw)
    if pid is not None and pid in ld.fg.nodes:
        return pid
    nk = product_key(ld, raw)
    if nk is None:
        return None
    pid = f"product:{nk[1]}"
    if pid not in ld.fg.nodes:
        _add_product(ld, pid, nk[0])
    ld.pid_memo[raw] = pid
    return pid


def _add_product(ld: Loader, pid: str, name: str) -> None:
    """A new Product node; the first one of the load is checked by ``schema.add_node``."""
    if ld.product_checked:  # what schema.add_node makes of a new product with a name
        ld.fg.add_node(pid, {"kind": vocab.PRODUCT, "name": name})
    else:
        add_node(ld.G, vocab.PRODUCT, pid.split(":", 1)[1], name=name)
        ld.product_checked = True


def product_ids(ld: Loader, values: Sequence[str]) -> list[tuple[str, str] | None]:
    """``(product id, clean name)`` of every cell (None when not a usable product name).

    :func:`product_key` on each distinct cell, with the plain CJK / ASCII names (nearly all)
    cleaned and keyed together: their ``clean_name`` / ``norm_name`` fast paths are plain
    ``str.replace`` / ``str.lower`` calls, which give the same result on the names joined by
    line breaks (no such name holds one) as on each name alone.
    """
    memo, ids = ld.product_memo, ld.product_ids_memo
    uniq = [v for v in dict.fromkeys(values) if v not in ids]  # "" is in ids: no name
    todo = [v for v in uniq if v not in memo]
    fast = list(compress(todo, map(FAST_NAME.fullmatch, todo)))
    if fast:
        names = "\n".join(fast).replace("(", "（").replace(")", "）")
        keys = names.replace("（", "").replace("）", "").lower().replace("有限责任公司", "有限公司").split("\n")
        for raw, name, key in zip(fast, names.split("\n"), keys):
            memo[raw] = (name, key) if key and len(name) <= MAX_NAME else None
    if len(fast) < len(todo):
        for raw in todo:
            if raw not in memo:
                product_key(ld, raw)
    for raw in uniq:
        nk = memo[raw]
        ids[raw] = (f"product:{nk[1]}", nk[0]) if nk is not None else None
    return list(map(ids.__getitem__, values))


def makes(ld: Loader, nid: str, name: str, share: float | None) -> bool:
    """The MAKES edge from enterprise ``nid`` to the product ``name``; True when new.

    Parameters
    ----------
    ld : Loader
        The load in progress.
    nid : str
        Enterprise node id.
    name : str
        Product name (the Product node is created when missing).
    share : float or None
        Share of the firm's revenue from the product, when known.

    Returns
    -------
    bool
    """
    pid = product(ld, name)
    if pid is None:
        return False
    if share is None:
        return ld.ent_edge(nid, pid, vocab.MAKES)
    return ld.edge(nid, pid, vocab.MAKES, share=share)


def load_products(ld: Loader, rows: Rows, st: FileStats, src: str, m: Mapping) -> None:
    """A product list: one Product node per distinct name.

    Parameters
    ----------
    ld : Loader
        The load in progress (graph, identity index, counts).
    rows : Rows
        Column access to the table.
    st : FileStats
        Counts of the file, updated in place.
    src : str
        File name recorded as the source of what the table adds.
    m : Mapping
        The table's source mapping.
    """
    col = rows.column("name")
    ids = product_ids(ld, col)
    nodes, add_node_, numbers, extra = ld.fg.nodes, ld.fg.add_node, rows.numbers, bool(rows.extra)
    loaded = merged = 0
    for i, hit in enumerate(ids):
        if extra:
            ld.extra_cells(st, rows, i)
        try:
            if hit is None:
                ld.reject(st, numbers[i], "name", col[i], _NO_PRODUCT)
                continue
            if hit[0] in nodes:
                merged += 1
                continue
            if ld.product_checked:
                add_node_(hit[0], {"kind": vocab.PRODUCT, "name": hit[1]})
            else:
                _add_product(ld, *hit)
            loaded += 1
        except SchemaError as exc:
            ld.reject(st, numbers[i], "", "", f"does not fit the graph schema: {exc}")
    st.loaded += loaded
    st.merged += merged


def load_enterprise_products(ld: Loader, rows: Rows, st: FileStats, src: str, m: Mapping) -> None:
    """Firm → product rows: a MAKES edge with the revenue ``share`` when given.

    Parameters
    ----------
    ld : Loader
        The load in progress (graph, identity index, counts).
    rows : Rows
        Column access to the table.
    st : FileStats
        Counts of the file, updated in place.
    src : str
        File name recorded as the source of what the table adds.
    m : Mapping
        The table's source mapping.
    """
    prods = rows.column("product")
    ids = product_ids(ld, prods)
    has_share = "share" in m.fields
    shares = rows.column("share") if has_share else []
    stocks = rows.column("stock_code")
    stock_of = {v: ld.stock(v) if v else (None, None) for v in dict.fromkeys(stocks)}
    nodes, by_stock, numbers, extra = ld.fg.nodes, ld.by_stock, rows.numbers, bool(rows.extra)
    add_node_, add_edge_, ok_ent, shapes = ld.fg.add_node, ld.fg.add_edge, ld.ent_edge_ok, ld.edge_shapes
    loaded = merged = 0
    for i, hit in enumerate(ids):
        row_no = numbers[i]
        if extra:
            ld.extra_cells(st, rows, i)
        try:
            if hit is None:
                ld.reject(st, row_no, "product", prods[i], _NO_PRODUCT)
                continue
            pid = hit[0]
            if pid not in nodes:
                if ld.product_checked:
                    add_node_(pid, {"kind": vocab.PRODUCT, "name": hit[1]})
                else:
                    _add_product(ld, *hit)
            share = None
            if has_share:
                s = shares[i]
                if s:
                    try:
                        share = float(s)
                        if not math.isfinite(share):
                            raise ValueError
                    except ValueError:
                        ld.warn(st, row_no, "share", s, "share is not a number; edge loaded without it")
                        share = None
            stock, sym = stock_of[stocks[i]]
            if not stock:
                ld.reject(st, row_no, "stock_code", stocks[i], _NO_STOCK)
                continue
            nid = by_stock.get(sym or "")
            if nid is None:
                nid = _ent_by_stock(ld, rows, i, row_no, st, src, m)
                if nid is None:
                    continue
            # the edge as ld.ent_edge / ld.edge write it, their checks inlined for 10^5 rows
            if share is None:
                if (vocab.MAKES, pid) in ok_ent:
                    new = add_edge_(nid, pid, vocab.MAKES)
                else:
                    new = ld.ent_edge(nid, pid, vocab.MAKES)
            elif (vocab.MAKES, nodes[nid].get("kind"), nodes[pid].get("kind")) in shapes:
                new = add_edge_(nid, pid, vocab.MAKES, {"share": share})
            else:
                new = ld.edge(nid, pid, vocab.MAKES, share=share)
            if new:
                loaded += 1
            else:
                merged += 1
        except SchemaError as exc:
            ld.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
    st.loaded += loaded
    st.merged += merged


def load_product_relations(ld: Loader, rows: Rows, st: FileStats, src: str, m: Mapping) -> None:
    """Product → product rows; the mapping's ``relations`` say which edge each ``rel`` is and
    whether it runs backwards (上游材料: ``to`` is an input of ``from``).

    Parameters
    ----------
    ld : Loader
        The load in progress (graph, identity index, counts).
    rows : Rows
        Column access to the table.
    st : FileStats
        Counts of the file, updated in place.
    src : str
        File name recorded as the source of what the table adds.
    m : Mapping
        The table's source mapping.
    """
    A, B, R = rows.column("from"), rows.column("to"), rows.column("rel")
    ida, idb = product_ids(ld, A), product_ids(ld, B)
    rel_of: dict[str, tuple[bool, str] | None] = {}
    for rel in dict.fromkeys(R):
        spec = m.relations.get(rel)
        rel_of[rel] = None if spec is None else (bool(spec.get("reverse")), str(spec.get("edge", vocab.INPUT_OF)))
    unknown_rel = f"unknown relation; expected one of {', '.join(m.relations)}"
    fg = ld.fg
    nodes, shapes = fg.nodes, ld.edge_shapes
    # every product id of this table names a Product node or none yet (new ones are Products):
    # then an edge kind whose Product → Product shape has been checked needs no further lookups
    all_products = all(
        nodes[p].get("kind") == vocab.PRODUCT for p in {h[0] for h in ida + idb if h is not None} if p in nodes
    )
    direct: set[str] = set()
    numbers, extra = rows.numbers, bool(rows.extra)
    loaded = merged = 0
    for i, rel in enumerate(R):
        row_no = numbers[i]
        if extra:
            ld.extra_cells(st, rows, i)
        try:
            rule = rel_of[rel]
            if rule is None:
                ld.reject(st, row_no, "rel", rel, unknown_rel)
                continue
            ha, hb = ida[i], idb[i]
            if ha is not None and ha[0] not in nodes:
                if ld.product_checked:
                    fg.add_node(ha[0], {"kind": vocab.PRODUCT, "name": ha[1]})
                else:
                    _add_product(ld, *ha)
            if hb is not None and hb[0] not in nodes:
                if ld.product_checked:
                    fg.add_node(hb[0], {"kind": vocab.PRODUCT, "name": hb[1]})
                else:
                    _add_product(ld, *hb)
            if ha is None or hb is None:
                ld.reject(st, row_no, "from" if ha is None else "to", A[i] if ha is None else B[i], _NO_PRODUCT)
                continue
            u, v = (hb[0], ha[0]) if rule[0] else (ha[0], hb[0])
            if u == v:
                ld.reject(st, row_no, "to", B[i], "a product related to itself (self-loop)")
                continue
            kind = rule[1]
            if kind in direct:
                new = fg.add_edge(u, v, kind)
            else:
                new = ld.edge(u, v, kind)
                if all_products and (kind, vocab.PRODUCT, vocab.PRODUCT) in shapes:
                    direct.add(kind)
            if new:
                loaded += 1
            else:
                merged += 1
        except SchemaError as exc:
            ld.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
    st.loaded += loaded
    st.merged += merged


# ---------------------------------------------------------------- firms by stock code
def _ent_by_stock(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> str | None:
    """The enterprise a relation row refers to (by stock code; created from the 简称 if absent)."""
    raw = rows.first("stock_code", i)
    stock, sym = ld.stock(raw) if raw else (None, None)
    if not stock:
        ld.reject(st, row_no, "stock_code", raw, _NO_STOCK)
        return None
    nid = ld.by_stock.get(sym or "")
    if nid is not None:
        return nid
    short = ld.name(rows.first("short_name", i), st, row_no, "short_name") if "short_name" in m.fields else ""
    if not short:
        ld.reject(st, row_no, "stock_code", raw, "company not in the graph and no name given")
        return None
    ld.warn(st, row_no, "stock_code", raw, "company not in the company list; created from its short name")
    nid, _ = ld.upsert(
        {"name": short, "name_norm": normalize.normalize_name(short), "short_name": short, "stock_code": stock},
        False,
        f"{src}:{row_no}",
        m.id,
    )
    return nid


# ---------------------------------------------------------------- industries
def sw_level(code: str) -> int:
    """Shenwan-2021 level from its 6-digit code: 110000 → 1, 110100 → 2, 110101 → 3."""
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def _prefix(m: Mapping) -> str:
    """Id prefix of the mapping's industry scheme (``sw`` for the Shenwan schemes)."""
    scheme = m.scheme or "sw2021"
    return "sw" if scheme.startswith("sw") else scheme


def _add_industry(ld: Loader, m: Mapping, code: str, name: str) -> str:
    """Add or update the Industry node ``code`` of the mapping's scheme; return its id."""
    prefix = _prefix(m)
    iid = add_node(
        ld.G,
        vocab.INDUSTRY,
        f"{prefix}:{code}",
        name=name,
        scheme=m.scheme or "sw2021",
        code=code,
        level=sw_level(code) if prefix == "sw" else None,
    )
    ld.sw_by_name.setdefault(name, iid)
    return iid


def industry_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """An industry of the list: code and name.

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    code, name = rows.first("code", i), rows.first("name", i)
    if not code or not name:
        ld.reject(st, row_no, "code" if not code else "name", code or name, "industry needs a code and a name")
        return
    new = f"industry:{_prefix(m)}:{code}" not in ld.G
    _add_industry(ld, m, code, name)
    if new:
        st.loaded += 1
    else:
        st.merged += 1


def industry_parent_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """Child industry PART_OF its parent; both must be in the list already.

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    prefix = _prefix(m)
    child, parent = rows.first("child", i), rows.first("parent", i)
    u, v = f"industry:{prefix}:{child}", f"industry:{prefix}:{parent}"
    for fld, nid, raw in (("child", u, child), ("parent", v, parent)):
        if not raw or nid not in ld.G:
            ld.reject(st, row_no, fld, raw, "unknown industry code (not in the industry list)")
            return
    ld.count_edge(st, u, v, vocab.PART_OF)


def enterprise_industry_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """A firm CLASSIFIED_AS an industry; an industry missing from the list is added when named.

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    code = rows.first("industry_code", i)
    iid = f"industry:{_prefix(m)}:{code}"
    if not code:
        ld.reject(st, row_no, "industry_code", code, "no industry code")
        return
    if iid not in ld.G:
        name = rows.first("industry_name", i) if "industry_name" in m.fields else ""
        if not name:
            ld.reject(st, row_no, "industry_code", code, "unknown industry code (not in the industry list)")
            return
        ld.warn(st, row_no, "industry_code", code, f"industry not in the industry list; added as {name}")
        _add_industry(ld, m, code, name)
    nid = _ent_by_stock(ld, rows, i, row_no, st, src, m)
    if nid is None:
        return
    ld.count_edge(st, nid, iid, vocab.CLASSIFIED_AS)


def industry_upstream_row(ld: Loader, rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
    """An industry and the industries it buys from: UPSTREAM_OF up → industry with the count.

    The row handler's parameters (``ld, rows, i, row_no, st, src, m``) are described once, in
    :data:`chain_gap.load.relations.ROW_HANDLER_PARAMETERS`.
    """
    name, ups_raw = rows.first("industry", i), rows.first("ups", i)
    target = ld.sw_by_name.get(name)
    if target is None:
        ld.reject(st, row_no, "industry", name, "unknown industry name (not in the industry list)")
        return
    try:
        ups = json.loads(ups_raw) if ups_raw else {}
        if not isinstance(ups, dict):
            raise ValueError
    except ValueError:
        ld.reject(st, row_no, "ups", ups_raw, "ups is not a JSON object of industry → count")
        return
    if not ups:
        ld.warn(st, row_no, "ups", ups_raw, "no upstream industries listed; nothing to load")
        st.loaded += 1
        return
    new = False
    for up_name, count in ups.items():
        src_id = ld.sw_by_name.get(str(up_name))
        if src_id is None:
            ld.warn(st, row_no, "ups", up_name, "unknown upstream industry name; pair skipped")
            continue
        try:
            cnt = int(count)
        except (TypeError, ValueError):
            ld.warn(st, row_no, "ups", f"{up_name}: {count}", "count is not a whole number; pair skipped")
            continue
        if src_id == target:
            continue  # an industry's own purchases are not an upstream relation
        new = ld.edge(src_id, target, vocab.UPSTREAM_OF, count=cnt) or new
    if new:
        st.loaded += 1
    else:
        st.merged += 1
