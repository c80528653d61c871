"""挂链: attach enterprises to chain links, with role, evidence, confidence and decision.

Evidence is graded by where it was found (products and the GB/T 4754 industry code are strong,
business-scope keywords medium, the firm's name weak) and combined as a noisy-OR into a confidence;
an exclusion phrase of the link vetoes it. The decision follows from thresholds in
``graph/config/link.toml``. Role typing reads the clause of the business scope that holds the
keyword: "锂离子电池的研发、生产" is a producer, "电池销售；电动车维修" a seller, so distributors
and repair shops do not inflate a link's local count. A product line is the firm's own output
whatever verb names it ("存储芯片销售" of a chip designer), unless the line itself says it is traded
("贸易-三元前驱体"). In a product-line name a term counts only as its head ("数控金刚线切片机" is no
金刚线). A firm's Shenwan 2021 industry counts through the crosswalk ``graph/crosswalks/``.

All keywords, products and exclusions of all chains go into one Aho–Corasick automaton, so every
text is scanned once whatever the number of templates.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick
import networkx as nx
import pandas as pd

from chain_gap import vocab
from chain_gap._fastgraph import FastGraph, attr_dict
from chain_gap._link_segments import segment_rule
from chain_gap._link_shenwan import (
    CONFIRMING,
    SHENWAN_CROSSWALK,
    _machine_links,
    _shenwan_index,
    confirming_pairs,
    load_shenwan_crosswalk,
)
from chain_gap._link_stats import decision_counts, linked_chains
from chain_gap._memory import release, sharer
from chain_gap.chains import ChainSpec, add_to_graph, list_chains, load_chain
from chain_gap.config import LinkConfig, load_link
from chain_gap.schema import link_id

__all__ = [
    "SHENWAN_CROSSWALK",
    "apply_review",
    "attach",
    "decision_counts",
    "linked_chains",
    "load_config",
    "load_shenwan_crosswalk",
    "review_queue",
]

_CLAUSE = re.compile(r"[；;。\n|]")
#: what may follow a matched term at the end of a product-line name when the term is the line's head:
#: "轮胎销售", "客车业务", "芯片类" are the product; "数控金刚线切片机", "乘用车齿轮", "FPC激光设备" are
#: another product (a machine, a part, a service) that merely names it
_HEAD_TAIL = re.compile(
    r"^(?:[\s\d\W]*$|(?:业务|分部|系列|类|产品|销售|收入|制造|生产|加工|及|与|和|等|板|片|模块|模组|总成|系统)"
    r")"
)


def load_config(path: str | Path | None = None) -> LinkConfig:
    """Read a link configuration TOML (default: the shipped ``graph/config/link.toml``).

    Unknown keys are refused (see :func:`chain_gap.config.load_link`).
    """
    return load_link(path)


@dataclass
class _Matcher:
    automaton: Any
    codes: dict[str, list[str]]  # industry code -> leaf node ids
    code_split: dict[tuple[str, str], int]  # (code, chain) -> number of leaves sharing it
    leaf_chain: dict[str, str]
    leaf_weight: dict[str, float]
    leaf_performer: dict[str, str]
    #: leaf → its generic terms (a product line headed only by one counts ``product_generic``)
    leaf_generic: dict[str, frozenset[str]] = field(default_factory=dict)
    #: leaf → its segment terms, and → the sibling leaves (same parent) that have segment terms too
    leaf_segment: dict[str, frozenset[str]] = field(default_factory=dict)
    segment_siblings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    leaf_name: dict[str, frozenset[str]] = field(default_factory=dict)  # leaf → its name_terms


def _build_matcher(chains: list[ChainSpec]) -> _Matcher:
    terms: dict[str, list[tuple[str, str]]] = defaultdict(list)
    codes: dict[str, list[str]] = defaultdict(list)
    leaf_chain: dict[str, str] = {}
    leaf_weight: dict[str, float] = {}
    leaf_performer: dict[str, str] = {}
    leaf_generic: dict[str, frozenset[str]] = {}
    leaf_segment: dict[str, frozenset[str]] = {}
    leaf_name: dict[str, frozenset[str]] = {}
    by_parent: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for ch in chains:
        for leaf in ch.leaves():
            lid = link_id(ch.id, leaf.id)
            leaf_chain[lid] = ch.id
            leaf_generic[lid] = frozenset(getattr(leaf, "generic_terms", ()) or ())
            leaf_name[lid] = frozenset(getattr(leaf, "name_terms", ()) or ())
            seg = frozenset(getattr(leaf, "segment_terms", ()) or ())
            if seg:
                leaf_segment[lid] = seg
                by_parent[(ch.id, leaf.parent)].append(lid)
            leaf_weight[lid] = float(leaf.weight or 0.0)
            leaf_performer[lid] = getattr(leaf, "performer", "producer") or "producer"
            for kw in leaf.keywords:
                terms[kw].append((lid, "kw"))
            for prod in leaf.products:
                terms[prod].append((lid, "kw"))
            # words observed in firms' product lines name the link only as a product line's head
            # (see _head_hits); in a registered scope or a firm's name they are too generic
            for prod in leaf.observed_terms:
                terms[prod].append((lid, "line"))
            # words that name the link in a firm's legal or short name (锂业, 钴业, 电路): read only there
            for word in getattr(leaf, "name_terms", ()) or ():
                terms[word].append((lid, "name"))
            for ex in leaf.exclusions:
                terms[ex].append((lid, "ex"))
            for code in leaf.industry_codes:
                codes[code].append(lid)
    A = ahocorasick.Automaton()
    for term, payload in terms.items():
        if term:
            A.add_word(term, (term, tuple(dict.fromkeys(payload))))
    if len(A):
        A.make_automaton()
    split: dict[tuple[str, str], int] = defaultdict(int)
    for code, lids in codes.items():
        for lid in lids:
            split[(code, leaf_chain[lid])] += 1
    siblings = {lid: tuple(o for o in group if o != lid) for group in by_parent.values() for lid in group}
    return _Matcher(
        A,
        dict(codes),
        dict(split),
        leaf_chain,
        leaf_weight,
        leaf_performer,
        leaf_generic,
        leaf_segment,
        siblings,
        leaf_name,
    )


def _scan(A: Any, text: str) -> list[tuple[int, str, tuple[tuple[str, str], ...]]]:
    if not text or not len(A):
        return []
    return [(end, term, payload) for end, (term, payload) in A.iter(text)]


def _hits(
    A: Any, text: str, evs: dict[str, _Evidence], leaf_chain: dict[str, str], *, line: bool = False, name: bool = False
) -> list[tuple[int, str, str]]:
    """Keyword hits of ``text`` that survive the exclusions, as (end, term, link node id).

    ``line`` says ``text`` is a product-line name: only then do the leaves' ``observed_terms`` count;
    ``name`` says it is a firm's name: only then do the leaves' ``name_terms`` count.

    An exclusion vetoes the hits of its link in the same clause (between ；;。 separators, or the same
    product name), so "锂离子电池、充电宝的生产" is no cell maker while a firm with an unrelated
    excluded product elsewhere keeps its real link. Exclusions are recorded on the evidence.
    """
    found = _scan(A, text)
    drop = {k for k, keep in (("line", line), ("name", name)) if not keep}
    if drop:
        found = [(end, term, tuple(p for p in payload if p[1] not in drop)) for end, term, payload in found]
        found = [f for f in found if f[2]]
    if not found:
        return []
    excluded: set[tuple[str, int]] = set()
    bounds: list[int] = []

    def clause(end: int) -> int:
        return bisect.bisect_left(bounds, end + 1) if excluded else 0

    for end, term, payload in found:
        for lid, typ in payload:
            if typ == "ex":
                if not bounds:
                    bounds = [m.end() for m in _CLAUSE.finditer(text)] or [len(text)]
                evs[lid].excluded.add(term)
                excluded.add((lid, bisect.bisect_left(bounds, end + 1)))
    spans: list[tuple[int, int, str, str]] = []
    for end, term, payload in found:
        for lid, typ in payload:
            if typ == "ex":
                continue
            if (lid, clause(end)) in excluded:
                evs[lid].vetoed.add(term)
            else:
                spans.append((end - len(term) + 1, end, term, lid))
    # a term nested in a longer hit of the same chain is not a clue of its own: 电芯 inside 动力电芯 is
    # one clue, and 动力电池 inside 动力电池系统 points to the pack link, not to the cell link
    out = []
    for a0, a1, term, lid in spans:
        chain = leaf_chain[lid]
        if not any(
            b0 <= a0 and a1 <= b1 and (b1 - b0) > (a1 - a0) and leaf_chain[olid] == chain for b0, b1, _, olid in spans
        ):
            out.append((a1, term, lid))
    return out


#: a product line that is traded, not made: its own name says so ("贸易-三元前驱体", "代理产品")
_TRADED = re.compile(r"贸易|代理|经销|批发")


def _head_hits(A: Any, pname: str, evs: dict[str, _Evidence], leaf_chain: dict[str, str]) -> list[tuple[int, str, str]]:
    """Hits of a product-line name whose term is the head of the name (see ``_HEAD_TAIL``).

    A term followed by more name ("金刚线" in "数控金刚线切片机") names another product — the machine,
    part or service for it — unless a term of the same link ends the name ("磷酸铁锂正极材料").
    On equipment links the machine's own name is a term ("切片机"), so the machine is the product there.
    """
    hits = _hits(A, pname, evs, leaf_chain, line=True)
    ends = {(lid, end) for end, _, lid in hits}
    last = len(pname) - 1
    return [h for h in hits if _HEAD_TAIL.match(pname[h[0] + 1 :]) or (h[2], last) in ends]


def _clause_role(text: str, end: int, cfg: LinkConfig) -> str | None:
    """Role implied by the verbs of the clause around position ``end`` of ``text``."""
    start = max((m.end() for m in _CLAUSE.finditer(text, 0, end)), default=0)
    stop_m = _CLAUSE.search(text, end)
    clause = text[start : stop_m.start() if stop_m else len(text)]
    if any(v in clause for v in cfg.producer):
        return "producer"
    if any(v in clause for v in cfg.seller):
        return "seller"
    if any(v in clause for v in cfg.user):
        return "user"
    return None


@dataclass
class _Evidence:
    scope: dict[str, str | None] = field(default_factory=dict)  # keyword -> clause role
    product: set[str] = field(default_factory=set)
    specific: set[str] = field(default_factory=set)  # product terms that are not the leaf's generic_terms
    name: set[str] = field(default_factory=set)
    name_term: set[str] = field(default_factory=set)  # name_terms of the leaf in the name of a firm with no line
    code: str | None = None
    made: set[str] = field(default_factory=set)  # product terms seen in a line that is not traded (贸易-…)
    segment_share: float = 0.0  # largest share of a made line headed by one of the leaf's segment terms
    lines: dict[str, float | None] = field(default_factory=dict)  # product line -> its revenue share
    sw: dict[str, float] = field(default_factory=dict)  # Shenwan industry name -> crosswalk strength
    excluded: set[str] = field(default_factory=set)
    vetoed: set[str] = field(default_factory=set)  # matched terms cancelled by an exclusion in their clause


def _score(
    ev: _Evidence, code_strength: float, cfg: LinkConfig, performer: str = "producer"
) -> tuple[float, str, str, str, bool]:
    parts: list[tuple[float, str, str]] = []
    if ev.product:
        # a line headed only by a generic term (锂电池: consumer, storage or power cells) names the product
        # class, not the link's market: it takes a second clue (Shenwan industry, scope, code) to confirm
        strength = cfg.product if ev.specific else cfg.product_generic
        parts.append((strength, "product", "产品:" + "、".join(sorted(ev.product))))
        if not ev.specific:
            parts.append((0.0, "product", "泛称:" + "、".join(sorted(ev.product))))
    if ev.code:
        parts.append((code_strength, "industry_code", f"行业代码:{ev.code}"))
    if ev.sw:
        name, strength = max(ev.sw.items(), key=lambda x: (x[1], x[0]))
        parts.append((strength, "industry_sw", f"申万:{name}"))
    if ev.scope:
        kws = sorted(ev.scope)
        for _ in kws[: cfg.scope_max_clues]:
            parts.append((cfg.scope, "scope", ""))
        roles = {r for r in ev.scope.values() if r}
        # the roles the scope clauses say, in staff's words: 经营范围:电芯（生产/销售）
        role_txt = "（" + "/".join(vocab.ROLE_LABELS["zh"].get(r, r) for r in sorted(roles)) + "）" if roles else ""
        parts.append((0.0, "scope", "经营范围:" + "、".join(kws) + role_txt))
    if ev.name or ev.name_term:
        # a name term (锂业, 电路) of a firm with no product line: alone uncertain, confirmed with a Shenwan
        # industry of the link (name rule, docs/chain-templates.md); other keywords in a name are weak
        parts.append(
            (cfg.name_term if ev.name_term else cfg.name, "name", "名称:" + "、".join(sorted(ev.name | ev.name_term)))
        )
    miss = 1.0
    for s, _, _ in parts:
        miss *= 1.0 - s
    conf = 1.0 - miss
    methods = "+".join(dict.fromkeys(m for s, m, _ in sorted(parts, key=lambda x: -x[0])))
    evidence = "; ".join(t for _, _, t in parts if t)
    # role: the scope clause decides; products mean production; a trade/retail code means selling
    clause_roles = [r for r in ev.scope.values() if r]
    explicit = bool(clause_roles)
    if performer != "producer" and performer in clause_roles:
        # a distribution / service link: a clause doing the link's own activity (汽车租赁) decides,
        # even when another clause of the scope develops technology for it
        role = performer
    elif ev.product and not ev.made:
        # every product line carrying the link is a traded one ("贸易-三元前驱体")
        role = "seller"
        explicit = True
    elif "producer" in clause_roles or ev.product:
        # a product line is what the firm sells as its own output: "存储芯片销售" as a revenue line of
        # a chip designer is its chips, so the verb of a product line never makes the firm a seller
        role = "producer"
    elif "seller" in clause_roles:
        role = "seller"
    elif "user" in clause_roles:
        role = "user"
    elif ev.code and ev.code[:2] in ("51", "52"):
        role = "seller"
        explicit = True
    elif not ev.scope and not ev.code and ev.name and any(w in "".join(ev.name) for w in ("销售", "商贸")):
        role = "seller"
    else:
        role = "producer"
    return conf, methods, evidence, role, explicit


def _performs(role: str, explicit: bool, performer: str) -> bool:
    """Does a firm of ``role`` carry out a link whose activity is done by ``performer``?

    For distribution or service links (performer seller / user) a firm typed producer only by
    default — its scope clause names no verb, as in "网络预约出租汽车经营服务" — is taken to do the
    link's own activity; an explicit "生产" clause is not.
    """
    return role == performer or (performer != "producer" and role == "producer" and not explicit)


#: the properties of an automatic LINKED_TO edge, in the order written (one key table for all of them)
LINKED_TO_KEYS: tuple[str, ...] = ("kind", "role", "confidence", "method", "evidence", "decision", "primary")
LINKED_TO_KEYS += ("chain", "performs", "lines", "line_share")


def _line_share(lines: dict[str, float | None]) -> float | None:
    """Summed revenue share of a firm's product lines in one link; None when no line states a share."""
    known = [float(s) for s in lines.values() if s is not None]
    return round(min(1.0, sum(known)), 4) if known else None


def _product_shares(G: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """Enterprise → product name → revenue share, from the MAKES edges that state one."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for p, kind in G.nodes(data="kind"):
        if kind != vocab.PRODUCT:
            continue
        pname = G.nodes[p].get("name", "")
        for e, _, k, d in G.in_edges(p, keys=True, data=True):
            if k == vocab.MAKES and d.get("share") is not None:
                out[e][pname] = float(d["share"])
    return out


def _enterprise_products(G: nx.MultiDiGraph, min_share: float) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Product names per enterprise from MAKES edges: (main products, minor products).

    A product whose revenue share is below ``min_share`` is a minor line — in the A-share data such
    rows (share 0.001) are the registered business scope cut into phrases — and counts as scope
    evidence, not as product evidence.
    """
    main: dict[str, list[str]] = defaultdict(list)
    minor: dict[str, list[str]] = defaultdict(list)
    for p, kind in G.nodes(data="kind"):
        if kind != vocab.PRODUCT:
            continue
        pname = G.nodes[p].get("name", "")
        for e, _, k, d in G.in_edges(p, keys=True, data=True):
            if k == vocab.MAKES:
                share = d.get("share")
                (minor if share is not None and float(share) < min_share else main)[e].append(pname)
    return main, minor


def _resolve_chains(chains: Iterable[str | ChainSpec] | str | ChainSpec | None) -> list[ChainSpec]:
    if chains is None:
        return [load_chain(c) for c in list_chains()["id"]]
    if isinstance(chains, (str, ChainSpec)):
        chains = [chains]
    return [load_chain(c) for c in chains]


def attach(
    G: nx.MultiDiGraph,
    chains: Iterable[str | ChainSpec] | str | ChainSpec | None = None,
    config: LinkConfig | str | Path | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    crosswalk: pd.DataFrame | str | Path | None = None,
) -> nx.MultiDiGraph:
    """Link every enterprise of ``G`` to the leaves of ``chains`` (default: all shipped templates).

    Re-running replaces the automatic ``LINKED_TO`` edges of those chains, then re-applies the
    reviewers' overrides kept in ``G.graph["overrides"]``, so decisions survive re-linking.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph; modified in place and returned.
    chains : chain ids or ChainSpec objects, optional
    config : LinkConfig or path to a TOML file, optional
        Default: ``graph/config/link.toml``.
    progress : callable(done, total), optional
    crosswalk : DataFrame or path, optional
        The Shenwan 2021 → link crosswalk (:func:`load_shenwan_crosswalk`); default: the shipped
        ``graph/crosswalks/shenwan2021_links.csv``. A firm's Shenwan industry (``CLASSIFIED_AS`` an
        ``sw2021`` industry node) counts as industry evidence of the strength the crosswalk gives.

    Returns
    -------
    networkx.MultiDiGraph
        ``G``, with ``LINKED_TO`` edges carrying role, confidence, method, evidence, decision,
        primary and chain.
    """
    cfg = config if isinstance(config, LinkConfig) else load_config(config)
    specs = _resolve_chains(chains)
    for ch in specs:
        add_to_graph(G, ch)
    m = _build_matcher(specs)
    leaf_ids = set(m.leaf_chain)
    old = [(u, v) for v in leaf_ids for u, _, k in G.in_edges(v, keys=True) if k == vocab.LINKED_TO]
    G.remove_edges_from([(u, v, vocab.LINKED_TO) for u, v in old])
    if not isinstance(crosswalk, pd.DataFrame):
        crosswalk = load_shenwan_crosswalk(crosswalk)
    sw_links, ent_sw = _shenwan_index(G, leaf_ids, crosswalk, _machine_links(specs))
    kept = dict(G.graph.get(CONFIRMING) or {})
    kept.update({ch.id: confirming_pairs(crosswalk, ch.id, cfg.confirmed) for ch in specs})
    G.graph[CONFIRMING] = kept  # the 链主 proxy reads the industries this crosswalk says confirm alone
    products, minor_products = _enterprise_products(G, cfg.product_min_share)
    product_shares = _product_shares(G)
    ents = [(n, a) for n, a in G.nodes(data=True) if a.get("kind") == vocab.ENTERPRISE]
    total = len(ents)
    fg = FastGraph(G)
    add_edge = fg.add_edge_data
    new_link = attr_dict("edge", vocab.LINKED_TO, LINKED_TO_KEYS)
    memo: dict[Any, Any] = {}
    share = sharer(memo)
    for i, (nid, a) in enumerate(ents):
        if progress and i % 50_000 == 0:
            progress(i, total)
        evs: dict[str, _Evidence] = defaultdict(_Evidence)
        scope = a.get("scope") or ""
        minor = minor_products.get(nid)
        if minor:
            scope = f"{scope}；{'；'.join(minor)}" if scope else "；".join(minor)
        for end, term, lid in _hits(m.automaton, scope, evs, m.leaf_chain):
            if term not in evs[lid].scope or evs[lid].scope[term] is None:
                evs[lid].scope[term] = _clause_role(scope, end, cfg)
        prods = list(a.get("products") or ()) + products.get(nid, [])
        # the reference population of gap analysis: firms carrying evidence the linker reads
        a["linkable"] = bool(scope or prods or minor or a.get("industry_code") or nid in ent_sw)
        shares = product_shares.get(nid, {})
        for pname in prods:
            traded = _TRADED.search(pname) is not None
            for _, term, lid in _head_hits(m.automaton, pname, evs, m.leaf_chain):
                evs[lid].product.add(term)
                if term not in m.leaf_generic.get(lid, ()):
                    evs[lid].specific.add(term)
                evs[lid].lines[pname] = shares.get(pname)
                if not traded:
                    evs[lid].made.add(term)
                    if term in m.leaf_segment.get(lid, ()):
                        evs[lid].segment_share = max(evs[lid].segment_share, shares.get(pname) or 0.0)
        # the firm's own product lines say what it makes: name terms (legal or short name) count only
        # for a firm without any line
        for _, term, lid in _hits(m.automaton, a.get("name") or "", evs, m.leaf_chain):
            evs[lid].name.add(term)
        names = "" if prods else f"{a.get('name') or ''}；{a.get('short_name') or ''}"  # every term nests: 集成电路
        for _, term, lid in _hits(m.automaton, names, evs, m.leaf_chain, line=True, name=True):
            if term in m.leaf_name.get(lid, ()):
                evs[lid].name_term.add(term)
        code = a.get("industry_code")
        if code and code in m.codes:
            for lid in m.codes[code]:
                ev = evs[lid]
                # an exclusion with no surviving keyword hit says what the code stands for here (a power
                # bank maker under 3841): the code does not count for the link
                if not ev.excluded or ev.scope or ev.product or ev.name:
                    ev.code = code
        for sw in ent_sw.get(nid, ()):
            for lid, sw_name, strength in sw_links[sw]:
                ev = evs[lid]
                # as for a code: an exclusion with no surviving keyword says what the industry is here
                if strength < 0:
                    # a counter-industry: a parts maker's "乘用车" line names its market, not a car
                    ev.vetoed |= ev.product | set(ev.scope) | ev.name | ev.name_term
                    ev.product, ev.specific, ev.scope, ev.name, ev.name_term = set(), set(), {}, set(), set()
                    ev.excluded.add(f"申万:{sw_name}")
                    continue
                if ev.excluded and not (ev.scope or ev.product or ev.name or ev.name_term):
                    continue
                if prods and not ev.product and strength < cfg.confirmed:
                    # the firm's own product lines say what it makes, and none names this link (a CCL
                    # maker filed under 印制电路板): a broad industry is a supporting clue only; a core
                    # one (strong enough to confirm alone: 集成电路封测, 商用载客车) keeps its strength,
                    # because Shenwan files a firm by its main business
                    strength *= cfg.shenwan_unmatched
                ev.sw[sw_name] = max(strength, ev.sw.get(sw_name, 0.0))
        segment_rule(evs, m.segment_siblings, cfg)
        for lid, ev in evs.items():
            if not (ev.scope or ev.product or ev.name or ev.name_term or ev.code or ev.sw or ev.vetoed):
                continue
            strength = cfg.industry_code
            if ev.code and cfg.split_shared_codes and not (ev.scope or ev.product):
                # a code shared by several leaves (3841: cells and packs) cannot tell them apart on its
                # own; a keyword of this leaf in the scope or products says which one it is
                strength /= max(1, m.code_split.get((ev.code, m.leaf_chain[lid]), 1))
            conf, methods, evidence, role, explicit = _score(ev, strength, cfg, m.leaf_performer[lid])
            if ev.excluded:
                note = f"排除词:{'、'.join(sorted(ev.excluded))}"
                evidence = f"{evidence}; {note}" if evidence else note
            if conf < cfg.uncertain and ev.vetoed:
                # what the vetoed terms would have given: keep the rejection on record for review
                would = 1.0 - (1.0 - conf) * (1.0 - cfg.scope) ** min(2, len(ev.vetoed))
                if would < cfg.uncertain:
                    continue
                decision = "rejected"
                conf = would
                evidence = f"{evidence}; 被排除的命中:{'、'.join(sorted(ev.vetoed))}"
                methods = methods or "scope"
            elif conf >= cfg.confirmed:
                decision = "confirmed"
            elif conf >= cfg.uncertain:
                decision = "uncertain"
            else:
                continue
            # one string / float object per distinct value over all firms (a million edges repeat a
            # few hundred method strings, evidence texts and confidences), in a key-sharing dict
            d = new_link()
            d["kind"] = vocab.LINKED_TO
            d["role"] = role
            d["confidence"] = share(round(conf, 4))
            d["method"] = share(methods)
            d["evidence"] = share(evidence)
            d["decision"] = decision
            d["primary"] = False
            d["chain"] = m.leaf_chain[lid]
            d["performs"] = _performs(role, explicit, m.leaf_performer[lid])
            # the firm's product lines in this link: how many, and their revenue share (None when the
            # data state no shares), what targeting ranks on
            d["lines"] = len(ev.lines)
            d["line_share"] = share(_line_share(ev.lines))
            add_edge(nid, lid, vocab.LINKED_TO, d)
    fg.changed()
    del memo, ents, products, minor_products, product_shares
    _apply_overrides(G, m)
    _mark_primary(G, m)
    release()  # the per-firm evidence just freed
    if progress:
        progress(total, total)
    return G


def _apply_overrides(G: nx.MultiDiGraph, m: _Matcher) -> None:
    for ov in G.graph.get("overrides", []) or []:
        ent = ov.get("ent_id")
        link = str(ov.get("link", ""))
        lid = link if link.startswith("link:") else f"link:{link}"
        if lid not in m.leaf_chain or ent not in G:
            continue
        decision = vocab.decision_of(ov.get("decision", ""))
        if decision is None:
            continue
        prev = G.edges[ent, lid, vocab.LINKED_TO] if G.has_edge(ent, lid, vocab.LINKED_TO) else {}
        note = ov.get("note") or ""
        role = ov.get("role") or prev.get("role") or m.leaf_performer[lid]
        G.add_edge(
            ent,
            lid,
            key=vocab.LINKED_TO,
            kind=vocab.LINKED_TO,
            role=role,
            performs=role == m.leaf_performer[lid],
            confidence=1.0 if decision == "confirmed" else 0.0,
            method="override",
            evidence=f"人工复核:{decision}{(' ' + note) if note else ''}"
            + (f" | 原证据: {prev['evidence']}" if prev.get("evidence") else ""),
            decision=decision,
            primary=False,
            chain=m.leaf_chain[lid],
        )


def _mark_primary(G: nx.MultiDiGraph, m: _Matcher) -> None:
    best: dict[tuple[str, str], tuple[float, float, str]] = {}
    for lid, chain in m.leaf_chain.items():
        for u, _, k, d in G.in_edges(lid, keys=True, data=True):
            if k != vocab.LINKED_TO or d.get("decision") != "confirmed":
                continue
            d["primary"] = False
            score = (float(d.get("confidence", 0)), m.leaf_weight.get(lid, 0.0), lid)
            cur = best.get((u, chain))
            if cur is None or score > cur:
                best[(u, chain)] = score
    for (u, _chain), (_, _, lid) in best.items():
        G.edges[u, lid, vocab.LINKED_TO]["primary"] = True


def review_queue(G: nx.MultiDiGraph, chain: str | None = None) -> pd.DataFrame:
    """Uncertain links for human review, most confident first, with the evidence behind each.

    Returns
    -------
    DataFrame
        ent_id, name, uscc, region, chain, link, link_name, role, confidence, method, evidence,
        decision (empty, for the reviewer: confirm / reject).
    """
    rows = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if k != vocab.LINKED_TO or d.get("decision") != "uncertain":
            continue
        if chain and d.get("chain") != chain:
            continue
        ea, la = G.nodes[u], G.nodes[v]
        rows.append(
            {
                "ent_id": u,
                "name": ea.get("name"),
                "uscc": ea.get("uscc"),
                "region": ea.get("region"),
                "chain": d.get("chain"),
                "link": v.split("/", 1)[-1],
                "link_name": la.get("name"),
                "role": d.get("role"),
                "confidence": d.get("confidence"),
                "method": d.get("method"),
                "evidence": d.get("evidence"),
                "decision": "",
            }
        )
    cols = [
        "ent_id",
        "name",
        "uscc",
        "region",
        "chain",
        "link",
        "link_name",
        "role",
        "confidence",
        "method",
        "evidence",
        "decision",
    ]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["confidence", "ent_id"], ascending=[False, True], ignore_index=True)


@dataclass(frozen=True)
class ReviewResult:
    """What :func:`apply_review` did.

    Attributes
    ----------
    load : chain_gap.load.LoadResult
        The load of the reviewers' files (rejected rows: those without a usable decision).
    in_force : int
        Overrides now held by the graph (from every review so far).
    chains : list of str
        The chains re-linked so the decisions take effect.
    """

    load: Any
    in_force: int
    chains: list[str]


def apply_review(G: nx.MultiDiGraph, files: Iterable[str | Path]) -> ReviewResult:
    """Load reviewers' decision files (the ``overrides`` mapping) and re-link so they take effect.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The linked graph; changed in place.
    files : iterable of path
        Review sheets (``chain-gap review export`` filled in) or override tables.

    Returns
    -------
    ReviewResult
    """
    from chain_gap import load as load_mod

    res = load_mod.load(list(files), "overrides", G)
    chains = linked_chains(G)
    attach(G, chains or None)
    return ReviewResult(load=res, in_force=len(G.graph.get("overrides", []) or []), chains=chains)
