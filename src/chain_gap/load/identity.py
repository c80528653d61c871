"""Enterprise identity and the state of one load: the index, matching, merging, re-keying.

Identity follows the registry: one enterprise per 统一社会信用代码 (USCC); without a valid USCC, one
per stock code; without either, one per normalised name within a province. When a second record
reaches an existing enterprise its fields are merged one by one: empty fields are filled, and on a
conflict the value already in the graph is kept and the conflict is reported. Each kept value
remembers where it came from (``provenance``: field → ``"file:row"``). A merge that gives an
enterprise a better identity (a USCC where it had a name) moves it to its ideal id.

:class:`Loader` holds what one :func:`chain_gap.load.load` call knows: the graph, the index of its
enterprises, the rejects / warnings / conflicts so far, and the memos of values already parsed. The
handlers of each table kind (:mod:`~chain_gap.load.enterprises`, :mod:`~chain_gap.load.relations`,
:mod:`~chain_gap.load.supply`) work through it.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from chain_gap import codes, normalize, provenance, vocab
from chain_gap._fastgraph import FastGraph, attr_dict
from chain_gap.load.contacts import merge_contacts
from chain_gap.load.delta import KnownIds, TouchesBundle
from chain_gap.load.issues import FileStats, issue_code
from chain_gap.load.regions import infer_name_heads, merge_region
from chain_gap.load.table import Rows
from chain_gap.load.values import FORMULA, MAX_NAME, clean, clean_name, num_eq, short, stock_symbol
from chain_gap.provenance import SOURCES
from chain_gap.schema import add_edge, add_node, name_hash, schema

__all__ = ["Loader"]

_FORMULA_NAME = "name looks like a spreadsheet formula; kept as text (outputs neutralise it)"


class NameIndex:
    """Normalised name → the enterprise ids of that name.

    Most names belong to one firm: the entry is then the id itself, not a set of one (a set is
    ~216 B, over 200 MB for a million firms); a second firm of the name turns it into a set.
    """

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: dict[str, str | set[str]] = {}

    def add(self, name: str, nid: str) -> None:
        """Record ``nid`` under ``name``."""
        cur = self._ids.get(name)
        if cur is None:
            self._ids[name] = nid
        elif isinstance(cur, str):
            if cur != nid:
                self._ids[name] = {cur, nid}
        else:
            cur.add(nid)

    def discard(self, name: str, nid: str) -> None:
        """Forget ``nid`` under ``name`` (nothing when it is not there)."""
        cur = self._ids.get(name)
        if cur is None:
            return
        if isinstance(cur, str):
            if cur == nid:
                del self._ids[name]
            return
        cur.discard(nid)
        if len(cur) == 1:
            self._ids[name] = next(iter(cur))
        elif not cur:
            del self._ids[name]

    def get(self, name: str) -> tuple[str, ...]:
        """The ids recorded under ``name`` (empty when none)."""
        cur = self._ids.get(name)
        if cur is None:
            return ()
        return (cur,) if isinstance(cur, str) else tuple(cur)


class Loader:
    """The state of one load into ``G`` (see the module notes).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph loaded into; its enterprises are indexed first, so a later file merges into them.
    """

    def __init__(self, G: nx.MultiDiGraph, known: KnownIds | None = None):
        self.G = G
        # a load of new firms only into a bundle (load.delta): the identities the bundle holds
        self.known = known
        self.fg = FastGraph(G)
        self.rejects: list[tuple[str, int, str, str, str, str, str]] = []
        self.warnings: list[tuple[str, int, str, str, str, str, str]] = []
        self.skipped: list[tuple[str, int, str, str, str, str, str]] = []
        self.conflicts: list[tuple[str, str, str, str, str, str]] = []
        self.stats: list[FileStats] = []
        # contact values per enterprise id (the side table, not node attributes) and the ids re-keyed
        self.contacts: dict[str, dict[str, str]] = {}
        self.renamed: dict[str, str] = {}
        # node id → field → "file:row". A record created in this load is held as "file:row" with
        # its fields in prov_fields (one shared tuple per field set), until a merge needs the dict.
        self.prov: dict[str, dict[str, str] | str] = {}
        self.prov_fields: dict[str, tuple[str, ...]] = {}
        self._field_sets: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.touched: set[str] = set()
        # per-load memos: exports repeat the same few hundred region, industry, product and
        # amount texts thousands of times
        self.region_memo: dict[tuple[str, str, str | None, tuple[str, ...]], str | None] = {}
        self.address_memo: dict[str, str | None] = {}
        # id(mapping) → region texts of a row → (code, unknown (field, text) pairs)
        self.region_fields_memo: dict[int, dict[tuple[str, ...], tuple[str | None, list[tuple[str, str]]]]] = {}
        self.industry_memo: dict[str, str | None] = {}
        self.money_memo: dict[tuple[str, str | None, bool], tuple[float | None, str | None]] = {}
        self.int_memo: dict[str, int | None] = {}
        self.tags_memo: dict[tuple[int, tuple[str, ...]], list[str]] = {}
        self.products_memo: dict[str, list[str]] = {}
        self.product_memo: dict[str, tuple[str, str] | None] = {}
        self.pid_memo: dict[str, str] = {}
        self.product_ids_memo: dict[str, tuple[str, str] | None] = {"": None}
        self._stock_memo: dict[str, tuple[str | None, str | None]] = {}
        self._region_nodes: dict[str, str] = {}
        self.name_head_memo: dict[tuple[str, str | None], codes.NameInference] = {}
        self._industry_nodes: dict[str, str] = {}
        # shapes (edge kind, from kind, to kind) and kinds already validated through the schema:
        # the rest of their kind is written through self.fg
        self.edge_shapes: set[tuple[str, Any, Any]] = set()
        self.ent_edge_ok: set[tuple[str, str]] = set()  # (edge kind, target) checked from an enterprise
        self.ent_schema_checked = False
        # enterprise attribute dicts share one key table, in the schema's order (_fastgraph.attr_dict)
        props = schema()["nodes"][vocab.ENTERPRISE]["properties"]
        self.new_ent_attrs = attr_dict("node", vocab.ENTERPRISE, ["kind", *props])
        self.product_checked = False
        self._build_index()

    # ---------------------------------------------------------------- index of enterprises
    def _build_index(self) -> None:
        self.by_uscc: dict[str, str] = {}
        self.by_stock: dict[str, str] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.by_name = NameIndex()
        self.node_key: dict[str, tuple[str, str]] = {}
        self.sw_by_name: dict[str, str] = {}
        for nid, a in self.G.nodes(data=True):
            kind = a.get("kind")
            if kind == vocab.ENTERPRISE:
                self._index(nid)
            elif kind == vocab.INDUSTRY and a.get("scheme") == "sw2021" and a.get("name"):
                self.sw_by_name.setdefault(str(a["name"]), nid)

    def _index(self, nid: str) -> None:
        a = self.fg.nodes[nid]
        u = a.get("uscc")
        if u:
            self.by_uscc[str(u)] = nid
        sc = a.get("stock_code")
        if sc:
            self.by_stock[stock_symbol(str(sc)) or str(sc)] = nid
        node_key = self.node_key
        if nid in node_key:
            old = node_key.pop(nid)
            if self.by_key.get(old) == nid:
                del self.by_key[old]
            self.by_name.discard(old[0], nid)
        nn = str(a.get("name_norm") or "")
        if nn:
            key = (nn, codes.province_of(a.get("region")))
            self.by_key.setdefault(key, nid)
            self.by_name.add(nn, nid)
            node_key[nid] = key

    def _unindex(self, nid: str) -> None:
        a = self.G.nodes[nid]
        if a.get("uscc") and self.by_uscc.get(str(a["uscc"])) == nid:
            del self.by_uscc[str(a["uscc"])]
        if a.get("stock_code"):
            sym = stock_symbol(str(a["stock_code"])) or str(a["stock_code"])
            if self.by_stock.get(sym) == nid:
                del self.by_stock[sym]
        old = self.node_key.pop(nid, None)
        if old is not None:
            if self.by_key.get(old) == nid:
                del self.by_key[old]
            self.by_name.discard(old[0], nid)

    @staticmethod
    def _ideal_id(uscc: str | None, stock: str | None, name_norm: str, region: str | None) -> str:
        if uscc:
            return f"ent:{uscc}"
        if stock:
            return f"ent:stock:{stock_symbol(stock) or stock}"
        return f"ent:name:{name_hash(name_norm, codes.province_of(region))}"

    def _find(self, uscc: str | None, stock: str | None, name_norm: str, region: str | None) -> str | None:
        sym = stock_symbol(stock) if stock else None
        if self.known is not None:
            self.known.check(uscc, sym, name_norm)
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc]
        if sym and sym in self.by_stock:
            cand = self.by_stock[sym]
            cu = self.G.nodes[cand].get("uscc")
            if not (uscc and cu and cu != uscc):
                return cand
        if not name_norm:
            return None
        prov = codes.province_of(region)
        cands: list[str] = []
        if (name_norm, prov) in self.by_key:
            cands.append(self.by_key[(name_norm, prov)])
        if prov and (name_norm, "") in self.by_key:
            cands.append(self.by_key[(name_norm, "")])
        if not prov:
            same = self.by_name.get(name_norm)
            if len(same) == 1:
                cands.extend(same)
        for cand in cands:
            a = self.G.nodes[cand]
            if uscc and a.get("uscc") and a["uscc"] != uscc:
                continue
            if sym and a.get("stock_code") and stock_symbol(str(a["stock_code"])) != sym:
                continue
            return cand
        return None

    def lookup(self, text: str) -> tuple[str | None, str]:
        """Find an enterprise from one cell holding an ent id, a USCC, a stock code or a name.

        Returns ``(node id or None, how)`` with how in ``id|uscc|stock|name|ambiguous|unknown``.
        """
        if self.known is not None:
            raise TouchesBundle  # a row naming a firm may name one of the bundle's
        t = text.strip()
        if t.startswith("ent:"):
            return (t, "id") if t in self.G and self.G.nodes[t].get("kind") == vocab.ENTERPRISE else (None, "unknown")
        u = normalize.normalize_uscc(t)
        if u and normalize.uscc_valid(u):
            return self.by_uscc.get(u), "uscc"
        if re.fullmatch(r"(?i)(s[hz]|bj)?\s*\d{6}(\.(s[hz]|bj))?", t):
            st = normalize.normalize_stock_code(t)
            sym = stock_symbol(st) if st else None
            if sym:
                return self.by_stock.get(sym), "stock"
        nn = normalize.normalize_name(t)
        hits = sorted(self.by_name.get(nn))
        if len(hits) == 1:
            return hits[0], "name"
        if len(hits) > 1:
            return None, "ambiguous"
        return None, "name"

    # ---------------------------------------------------------------- bookkeeping
    def warn(
        self,
        st: FileStats,
        row: int,
        fld: str,
        value: Any,
        reason: str,
        code: str | None = None,
        sheet: str | None = None,
    ) -> None:
        """Record a value not used although its row loads (``code``: stable, else from the reason;
        ``sheet``: the sheet it is about when not the one the table was read from)."""
        code = code or issue_code(reason)
        self.warnings.append((st.path, row, fld, short(value), reason, code, sheet or st.sheet))
        st.warnings += 1

    def reject(self, st: FileStats, row: int, fld: str, value: Any, reason: str, code: str | None = None) -> None:
        """Record a row not loaded (``code``: stable, else from the reason)."""
        self.rejects.append((st.path, row, fld, short(value), reason, code or issue_code(reason), st.sheet))
        st.rejected += 1

    def skip(self, st: FileStats, row: int, fld: str, value: Any, reason: str, code: str) -> None:
        """Record a row that is not a record (a footer, a repeated header) and was not loaded."""
        self.skipped.append((st.path, row, fld, short(value), reason, code, st.sheet))
        st.skipped += 1

    def extra_cells(self, st: FileStats, rows: Rows, i: int) -> None:
        """Warn about the cells of row ``i`` beyond the header's columns (a ragged row)."""
        for col in rows.extra:
            if clean(col[i]):
                self.warn(st, rows.numbers[i], "", col[i], "more cells than the header has columns; extra cell ignored")

    def name(self, raw: str, st: FileStats, row_no: int, f: str) -> str:
        """A cleaned name cell ('' when none or too long to be a name); warns on a formula."""
        if not raw:
            return ""
        if len(raw) > MAX_NAME:
            return ""
        name = clean_name(raw)
        if name.startswith(FORMULA):
            self.warn(st, row_no, f, raw, _FORMULA_NAME)
        return name

    def stock(self, raw: str) -> tuple[str | None, str | None]:
        """(normalised stock code, 6-digit symbol) of a cell, memoised."""
        hit = self._stock_memo.get(raw)
        if hit is None:
            code = normalize.normalize_stock_code(raw)
            hit = self._stock_memo[raw] = (code, stock_symbol(code) if code else None)
        return hit

    def _prov(self, nid: str) -> dict[str, str]:
        p = self.prov.get(nid)
        if isinstance(p, str):  # a record created in this load: every field from one row
            p = self.prov[nid] = dict.fromkeys(self.prov_fields.pop(nid), p)
        elif p is None:
            p = self.prov[nid] = provenance.expand(self.G.nodes[nid].get("provenance"), self.G.graph.get(SOURCES) or {})
        return p

    def finish(self) -> None:
        """Infer the regions legal names give, write the provenance of every enterprise touched,
        and clear networkx's cache."""
        infer_name_heads(self, list(self.touched))
        self.fg.changed()
        if self.contacts or (self.renamed and "contacts" in self.G.graph):
            self.G.graph["contacts"] = merge_contacts(
                self.G.graph.get("contacts"), self.contacts, self.renamed, consume=True
            )
            self.contacts = {}  # emptied by the merge: its values are the table's now
        nodes = self.fg.nodes
        refs = provenance.Interner(self.G)  # a source (file, fields) once in G.graph, a reference per firm
        for nid in self.touched:
            a = nodes.get(nid)
            if a is None:
                continue
            p = self.prov.get(nid)
            if p is None:
                continue
            if isinstance(p, str):  # every field from one row
                a["provenance"] = refs.one(self.prov_fields[nid], p)
            else:
                a["provenance"] = refs.many(p)

    # ---------------------------------------------------------------- create or merge
    def upsert(self, rec: dict[str, Any], legal: bool, where: str, source: str) -> tuple[str, bool]:
        """Create or merge one enterprise record; return ``(node id, created)``.

        ``legal`` says the record's name is a legal name (not a 简称 standing in for it); ``where``
        is its ``"file:row"`` and ``source`` the mapping id.
        """
        G = self.G
        nodes = self.fg.nodes
        uscc, stock = rec.get("uscc"), rec.get("stock_code")
        nid = self._find(uscc, stock, rec["name_norm"], rec.get("region"))
        if nid is None:
            nid = self._ideal_id(uscc, stock, rec["name_norm"], rec.get("region"))
            if nid in nodes:
                nid = f"ent:name:{name_hash(rec['name_norm'] + '|' + (uscc or stock or ''), codes.province_of(rec.get('region')))}"
            if self.known is not None:
                self.known.check_id(nid)
            if self.ent_schema_checked and rec.get("name") not in (None, ""):
                # same node as schema.add_node makes (kind first, None values dropped); the
                # schema check ran on the first enterprise and the required name is present
                attrs = self.new_ent_attrs()
                attrs["kind"] = vocab.ENTERPRISE
                attrs.update(rec if None not in rec.values() else {k: v for k, v in rec.items() if v is not None})
                attrs["source"] = source
                self.fg.add_node(nid, attrs)
            else:
                props = dict(rec)
                props["source"] = source
                add_node(G, vocab.ENTERPRISE, nid.split(":", 1)[1], **props)
                self.ent_schema_checked = True
            # every field comes from this row: kept compact until a merge needs the dict
            fields = tuple(rec)
            self.prov_fields[nid] = self._field_sets.setdefault(fields, fields)
            self.prov[nid] = where
            self.touched.add(nid)
            self._index(nid)
            self._edges(nid, new=True)
            return nid, True
        a = G.nodes[nid]
        p = self._prov(nid)
        changed_identity = False
        if "region" in rec:
            rec = dict(rec)
            new_region, rule = rec.pop("region"), rec.pop("region_inferred", None)
            old_region = a.get("region")
            changed_identity, clash = merge_region(a, p, new_region, rule, where)
            if clash:
                self.conflicts.append((nid, "region", short(old_region), short(new_region), p.get("region", ""), where))
        for k, v in rec.items():
            old = a.get(k)
            if k == "name_norm":
                continue
            if k in ("tags", "products"):
                cur = list(old or [])
                add = [x for x in v if x not in cur]
                if add:
                    a[k] = cur + add
                    p.setdefault(k, where)
                continue
            if old in (None, "", []):
                a[k] = v
                p[k] = where
                if k == "name":
                    a["name_norm"] = rec["name_norm"]
                    p["name_norm"] = where
                if k in ("uscc", "stock_code", "region"):
                    changed_identity = True
                continue
            if k == "name":
                if normalize.normalize_name(str(old)) == rec["name_norm"]:
                    continue
                if legal and a.get("short_name") and old == a.get("short_name"):
                    a["name"] = v
                    a["name_norm"] = rec["name_norm"]
                    p["name"] = p["name_norm"] = where
                    changed_identity = True
                    continue
                if not legal:
                    continue  # a short name never contradicts a legal name
            elif k in ("short_name", "uscc_raw"):
                continue  # 简称 change over time (ST, A-share suffixes): not identity, not a conflict
            elif k == "stock_code" and stock_symbol(str(old)) == stock_symbol(str(v)):
                continue
            if num_eq(old, v):
                continue
            self.conflicts.append((nid, k, short(old), short(v), p.get(k, ""), where))
        srcs = [s for s in str(a.get("source") or "").split(",") if s]
        if source not in srcs:
            a["source"] = ",".join(sorted(srcs + [source]))
        self.touched.add(nid)
        if changed_identity:
            nid = self._rekey(nid)
        self._edges(nid)
        return nid, False

    def relocate(self, nid: str) -> str:
        """Re-key and re-link an enterprise whose region changed outside :meth:`upsert`; its id."""
        nid = self._rekey(nid)
        self._edges(nid)
        return nid

    def _rekey(self, nid: str) -> str:
        a = self.G.nodes[nid]
        self._unindex(nid)
        ideal = self._ideal_id(a.get("uscc"), a.get("stock_code"), str(a.get("name_norm") or ""), a.get("region"))
        if self.known is not None:
            self.known.check_id(ideal)
        if ideal != nid and ideal not in self.G:
            nx.relabel_nodes(self.G, {nid: ideal}, copy=False)
            if nid in self.prov:
                self.prov[ideal] = self.prov.pop(nid)
            if nid in self.prov_fields:
                self.prov_fields[ideal] = self.prov_fields.pop(nid)
            if nid in self.contacts:
                self.contacts[ideal] = self.contacts.pop(nid)
            self.renamed[nid] = ideal
            self.touched.discard(nid)
            self.touched.add(ideal)
            for ov in self.G.graph.get("overrides", []) or []:
                if ov.get("ent_id") == nid:
                    ov["ent_id"] = ideal
            self.conflicts = [(ideal if c[0] == nid else c[0],) + c[1:] for c in self.conflicts]
            nid = ideal
        self._index(nid)
        return nid

    def _edges(self, nid: str, new: bool = False) -> None:
        """The enterprise's LOCATED_IN and CLASSIFIED_AS edges after a create or merge."""
        G = self.G
        nodes = self.fg.nodes
        a = nodes[nid]
        region = a.get("region")
        if region:
            rid = self._region_nodes.get(str(region))
            if rid is None or rid not in nodes:
                rid = self._region_nodes[str(region)] = codes.add_region(G, str(region))
            if not new:  # a node created just now has no edges yet
                for v in self.fg.targets(nid, vocab.LOCATED_IN):
                    if v != rid:
                        G.remove_edge(nid, v, key=vocab.LOCATED_IN)
            self.ent_edge(nid, rid, vocab.LOCATED_IN)
        code = a.get("industry_code")
        if code:
            iid = self._industry_nodes.get(str(code))
            if iid is None or iid not in nodes:
                iid = self._industry_nodes[str(code)] = codes.add_industry(G, str(code))
            self.ent_edge(nid, iid, vocab.CLASSIFIED_AS)

    # ---------------------------------------------------------------- edges
    def ent_edge(self, u: str, v: str, kind: str) -> bool:
        """:meth:`edge` without properties from the enterprise ``u``; return True when new.

        Once an edge of ``kind`` from an enterprise to ``v`` has passed :meth:`edge` (and its
        schema check), later ones to the same ``v`` are written straight into the graph.
        """
        if (kind, v) in self.ent_edge_ok:
            return self.fg.add_edge(u, v, kind)
        new = self.edge(u, v, kind)
        self.ent_edge_ok.add((kind, v))
        return new

    def edge(self, u: str, v: str, kind: str, **props: Any) -> bool:
        """Add or update one edge; return True when it is new.

        Same contract as :func:`chain_gap.schema.add_edge` (one edge per (u, v, kind), ``None``
        properties not stored). The first edge of each (kind, end kinds) goes through
        ``schema.add_edge``, which validates it against ``graph/schema.yaml``; later edges of the
        same shape skip the repeated lookups, which is most of the time of a 100k-edge file.
        """
        nodes = self.fg.nodes
        shape = (kind, nodes[u].get("kind"), nodes[v].get("kind"))
        if shape not in self.edge_shapes:
            existed = self.G.has_edge(u, v, key=kind)
            add_edge(self.G, u, v, kind, **props)
            self.edge_shapes.add(shape)
            return not existed
        clean = {k: val for k, val in props.items() if val is not None} if props else props
        return self.fg.add_edge(u, v, kind, clean)

    def count_edge(self, st: FileStats, u: str, v: str, kind: str, **props: Any) -> None:
        """:meth:`edge`, counted as loaded (new) or merged in the file's stats."""
        if not self.edge(u, v, kind, **props):
            st.merged += 1
        else:
            st.loaded += 1
