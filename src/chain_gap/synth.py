"""A seeded, deterministic generator of a synthetic national enterprise population.

The demo and the benchmarks need data with the shape of a real 企查查-style export (names, USCCs whose
characters 3–8 carry the county code, GB/T 4754 小类 codes, 经营范围 text, registered capital, founding
dates, tags, a few supply pairs) over the real admin divisions, without shipping anyone's real
registry data. Everything it produces is labelled synthetic (the ``synthetic`` column / node property,
and the outputs it feeds say so).

How the population is drawn (vectorised with numpy, so 1,000,000 firms take seconds):

* every county gets a size from a log-normal draw, scaled up for provincial capitals and a fixed
  list of manufacturing provinces;
* every city gets a specialisation multiplier per chain leaf drawn from Gamma(0.6, 1): most
  cities are ordinary in most links, a few are strongly specialised, and many lack some links
  entirely, which is what gap analysis needs to find;
* the demo region (``focus``, default 商丘市) is drawn ``focus_boost`` times denser than its size,
  so that its chain has enough firms to show every kind of verdict;
* a share ``chain_share`` of firms belongs to one of the template's leaves (chosen by leaf weight ×
  city multiplier), the rest to unrelated industries; 12 % of chain firms are distributors or
  repairers (经营范围 "销售"/"维修" of the same products), so role typing has work to do.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chain_gap import codes
from chain_gap.chains import ChainSpec, load_chain
from chain_gap.normalize import USCC_CHARSET, USCC_WEIGHTS

DEFAULT_REGION = "411400"  # 商丘市, Henan
#: The export dates the demo writes above its two synthetic vintages (a title row, as vendors do).
VINTAGES = ("2025-12-31", "2026-06-30")

# one USCC alphabet for the whole package: normalize's (GB 32100-2015)
_USCC_CHARS = USCC_CHARSET
_USCC_W = USCC_WEIGHTS
_BRAND = list("华瑞恒泰鑫宏昌盛兴达通远丰源博创新科聚能天宇嘉诚金豪亿德凯正阳光明伟业隆安顺")
_FORM = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司", "实业有限公司"]
_OTHER_SCOPES = [
    ("5212", "日用百货、服装鞋帽、文具用品零售", "百货"),
    ("7212", "企业管理咨询；商务信息咨询", "咨询"),
    ("4720", "房屋建筑工程施工；装饰装修工程", "建筑"),
    ("1391", "面粉、挂面加工及销售", "面粉"),
    ("6513", "软件开发；信息系统集成服务", "软件"),
    ("5810", "旅游客运；道路普通货物运输", "运输"),
    ("3311", "钢结构件制作、安装", "钢构"),
    ("2641", "涂料、油墨生产销售", "涂料"),
    ("0311", "肉牛养殖；饲料销售", "养殖"),
    ("6110", "酒店管理；餐饮服务", "酒店"),
    ("5261", "汽车零售；二手车经纪", "汽贸"),
    ("8010", "家政服务；保洁服务", "家政"),
]
_MFG_PROVINCES = {
    "320000": 1.8,
    "330000": 1.7,
    "440000": 2.0,
    "370000": 1.5,
    "410000": 1.3,
    "350000": 1.2,
    "340000": 1.2,
    "510000": 1.1,
    "420000": 1.1,
    "310000": 1.2,
}


def uscc_with_check(body17: str) -> str:
    """Append the GB 32100-2015 check character to a 17-character body.

    Parameters
    ----------
    body17 : str
        The first 17 characters of a unified social credit code.

    Returns
    -------
    str
        The 18-character code.
    """
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_W))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class SynthConfig:
    """Knobs of the generator (defaults give a plausible national population)."""

    n: int = 20_000
    seed: int = 0
    chains: tuple[str, ...] = ("nev",)
    chain_share: float = 0.35
    seller_share: float = 0.12
    supply_pairs: int = 2_000
    focus: str | None = DEFAULT_REGION  # city drawn denser than its size, so the demo region has a chain to analyse
    focus_boost: float = 8.0
    # > 0: the counties of the focus city specialise in chains of their own (a multiplier per county and
    # chain drawn from Gamma(county_spec, 1 / county_spec), from a stream of its own so the rest of the
    # population is the same draw); 0 (default): a county follows its city's specialisation
    county_spec: float = 0.0


def _counties(rng: np.random.Generator, focus: str | None = None, focus_boost: float = 1.0) -> pd.DataFrame:
    reg = codes.regions()
    cty = reg[reg["level"] == "county"].copy()
    size = rng.lognormal(0.0, 0.8, len(cty))
    boost = cty["province"].map(_MFG_PROVINCES).fillna(1.0).to_numpy(dtype=float)
    # districts of a city (codes xxxx01-xxxx20) are denser than rural counties
    urban = cty["code"].str[4:].astype(int) < 20
    size = size * boost * np.where(urban, 1.6, 1.0)
    if focus:
        size = size * np.where(cty["city"].to_numpy() == focus, focus_boost, 1.0)
    cty["p"] = size / size.sum()
    return cty.reset_index(drop=True)


def _leaf_table(chains: list[ChainSpec]) -> pd.DataFrame:
    rows = []
    for ch in chains:
        for leaf in ch.leaves():
            rows.append(
                {
                    "chain": ch.id,
                    "leaf": leaf.id,
                    "weight": float(leaf.weight or 0.0) / len(chains),
                    "codes": list(leaf.industry_codes),
                    "keywords": list(leaf.keywords),
                    "products": list(leaf.products) or list(leaf.keywords)[:3],
                    "name": leaf.name,
                    "word": _name_word(leaf),
                    "performer": getattr(leaf, "performer", "producer"),
                }
            )
    return pd.DataFrame(rows)


def generate(config: SynthConfig | None = None, **kw: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the synthetic population.

    Parameters
    ----------
    config : SynthConfig, optional
        Generator settings; keyword arguments override single fields (``generate(n=1000, seed=1)``).

    Returns
    -------
    enterprises : DataFrame
        One row per firm with the columns of the generic ``enterprises`` loader mapping: name, uscc,
        region, address, industry_code, scope, products, reg_capital, revenue, employees, founded,
        tags, legal_rep, phone, email, website (plainly fake: :func:`synthetic_contacts`), synthetic (always True), and ``true_link`` (the leaf the firm was drawn for, for tests).
    supply : DataFrame
        Supply pairs (supplier, customer: USCCs; value, year, source) along the template's
        ``feeds`` edges.
    """
    cfg = config or SynthConfig()
    if kw:
        cfg = SynthConfig(**{**cfg.__dict__, **kw})
    rng = np.random.default_rng(cfg.seed)
    n = int(cfg.n)
    counties = _counties(rng, cfg.focus, cfg.focus_boost)
    idx = rng.choice(len(counties), size=n, p=counties["p"].to_numpy())
    county = counties["code"].to_numpy()[idx]
    city = counties["city"].to_numpy()[idx]
    chains = [load_chain(c) for c in cfg.chains]
    leaves = _leaf_table(chains)

    # specialisation of every city in every leaf
    cities = np.unique(counties["city"].to_numpy())
    spec = rng.gamma(0.6, 1.0, size=(len(cities), len(leaves)))
    spec[rng.random(spec.shape) < 0.35] = 0.0  # many cities lack a link entirely
    w = leaves["weight"].to_numpy()
    city_pos = {c: i for i, c in enumerate(cities)}
    in_chain = rng.random(n) < cfg.chain_share
    leaf_idx = np.full(n, -1)
    city_i = np.array([city_pos[c] for c in city])
    probs = spec * w
    probs_sum = probs.sum(axis=1)
    county_mult = _county_multipliers(cfg, counties, leaves)
    for ci in np.unique(city_i[in_chain]):
        members = np.flatnonzero(in_chain & (city_i == ci))
        if probs_sum[ci] <= 0:
            in_chain[members] = False
            continue
        if county_mult and cities[ci] == cfg.focus:
            for cty in np.unique(county[members]):
                sub = members[county[members] == cty]
                p = probs[ci] * county_mult[cty]
                if p.sum() <= 0:
                    in_chain[sub] = False
                    continue
                leaf_idx[sub] = rng.choice(len(leaves), size=len(sub), p=p / p.sum())
            continue
        leaf_idx[members] = rng.choice(len(leaves), size=len(members), p=probs[ci] / probs_sum[ci])
    in_chain = leaf_idx >= 0
    seller = in_chain & (rng.random(n) < cfg.seller_share)

    reg_names = codes.regions().set_index("code")["name"]
    short = {c: _short(_city_name(reg_names, c)) for c in np.unique(city)}
    brand = rng.integers(0, len(_BRAND), size=(n, 2))
    form = rng.integers(0, len(_FORM), size=n)
    other = rng.integers(0, len(_OTHER_SCOPES), size=n)
    names: list[str] = []
    scopes: list[str] = []
    inds: list[str] = []
    prods: list[Any] = []
    truth: list[Any] = []
    kw_pick = rng.random((n, 3))
    for i in range(n):
        b = _BRAND[brand[i, 0]] + _BRAND[brand[i, 1]]
        if in_chain[i]:
            leaf = leaves.iloc[leaf_idx[i]]
            kws = leaf["keywords"]
            k1 = kws[int(kw_pick[i, 0] * len(kws))]
            k2 = kws[int(kw_pick[i, 1] * len(kws))]
            ps = leaf["products"]
            p1 = ps[int(kw_pick[i, 2] * len(ps))]
            if seller[i]:
                if kw_pick[i, 2] < 0.5:
                    scopes.append(f"{k1}、{p1}销售；五金交电批发；货物进出口")
                else:
                    scopes.append(f"{p1}维修、保养；{k1}零售")
                inds.append("5175" if kw_pick[i, 2] < 0.5 else "8111")
                names.append(f"{short[city[i]]}{b}{leaf['word'][:2]}商贸{_FORM[form[i]]}")
                prods.append([])
            else:
                performer = leaf["performer"]
                if performer == "seller":
                    verb = ("批发、零售", "批发", "零售、配送")[int(kw_pick[i, 1] * 3)]
                elif performer == "user":
                    verb = ("经营服务", "运营服务", "租赁服务")[int(kw_pick[i, 1] * 3)]
                else:
                    verb = ("研发、生产、销售", "生产、加工", "制造、销售", "研发、制造")[int(kw_pick[i, 1] * 4)]
                scopes.append(f"{k1}、{k2}的{verb}；{p1}技术开发、技术服务")
                codes_ = leaf["codes"]
                inds.append(codes_[int(kw_pick[i, 0] * len(codes_))] if codes_ else "")
                names.append(f"{short[city[i]]}{b}{leaf['word']}{_FORM[form[i]]}")
                prods.append(sorted({p1, ps[int(kw_pick[i, 0] * len(ps))]}))
            truth.append(f"{leaf['chain']}/{leaf['leaf']}")
        else:
            code, scope, word = _OTHER_SCOPES[other[i]]
            scopes.append(scope)
            inds.append(code)
            names.append(f"{short[city[i]]}{b}{word}{_FORM[form[i]]}")
            prods.append([])
            truth.append("")
    # USCC: 9 + 1 (enterprise) + county code + 9-char organisation code body + check
    org = rng.integers(0, len(_USCC_CHARS), size=(n, 9))
    alphabet = np.array(list(_USCC_CHARS))
    uscc = ["91" + county[i] + "".join(alphabet[org[i]]) for i in range(n)]
    uscc = [uscc_with_check(u) for u in uscc]
    # make names unique in a readable way (real registries forbid duplicates within a region)
    names = _dedupe(names)
    cap = np.round(np.exp(rng.normal(6.5, 1.4, n)), 0) * 1e4  # 万元 → 元
    big = in_chain & ~seller
    cap[big] *= 3
    revenue = cap * rng.lognormal(0.3, 0.9, n)
    # a few leading firms (about 1 % of chain producers) are an order of magnitude larger: the 链主 candidates
    lead = big & (rng.random(n) < 0.01)
    revenue[lead] *= 25
    revenue = np.round(revenue, -3)
    employees = np.maximum(1, (revenue / 8e5 * rng.lognormal(0, 0.4, n)).astype(int))
    start = np.datetime64("1995-01-01")
    founded = (start + rng.integers(0, 365 * 30, n).astype("timedelta64[D]")).astype(str)
    tag_draw = rng.random((n, 4))
    tags = []
    for i in range(n):
        t = []
        if big[i] and tag_draw[i, 0] < 0.18:
            t.append("高新技术企业")
        if big[i] and tag_draw[i, 1] < 0.06:
            t.append("专精特新")
        if big[i] and tag_draw[i, 2] < 0.01:
            t.append("小巨人")
        if big[i] and tag_draw[i, 3] < 0.004:
            t.append("上市")
        tags.append(";".join(t))
    ent = pd.DataFrame(
        {
            "name": names,
            "uscc": uscc,
            "region": county,
            "address": [f"{_addr(reg_names, c)}{rng_road(i)}" for i, c in enumerate(county)],
            "industry_code": inds,
            "scope": scopes,
            "products": [";".join(p) for p in prods],
            "reg_capital": [f"{c / 1e4:.0f}万元人民币" for c in cap],
            "revenue": revenue,
            "employees": employees,
            "founded": founded,
            "tags": tags,
            **synthetic_contacts(n),
            "synthetic": True,
            "true_link": truth,
        }
    )
    supply = _supply(rng, ent, leaves, leaf_idx, big, chains, cfg.supply_pairs)
    return ent, supply


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def synthetic_contacts(n: int) -> dict[str, list[str]]:
    """Plainly fake contacts for ``n`` synthetic firms, drawn from the index (no random draw, so the
    rest of the population does not change): 张某某-style names, 0370-5550xxxx numbers (the 555
    block no real line uses), ``@example.com`` mail and ``example.com`` sub-domains (RFC 2606).

    Parameters
    ----------
    n : int
        Number of firms.

    Returns
    -------
    dict
        Column (legal_rep, phone, email, website) → one value per firm.
    """
    return {
        "legal_rep": [f"{_SURNAMES[(i * 7) % len(_SURNAMES)]}某某" for i in range(n)],
        "phone": [f"0370-5550{i % 10_000:04d}" for i in range(n)],
        "email": [f"contact{i:05d}@example.com" for i in range(n)],
        "website": [f"https://firm{i:05d}.example.com" for i in range(n)],
    }


def _county_multipliers(cfg: SynthConfig, counties: pd.DataFrame, leaves: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per county of the focus city, a multiplier per leaf: its chain's draw × a milder per-leaf draw."""
    if cfg.county_spec <= 0 or not cfg.focus:
        return {}
    rng = np.random.default_rng([cfg.seed, 17])
    k = float(cfg.county_spec)
    chain_ids = list(dict.fromkeys(leaves["chain"]))
    pos = leaves["chain"].map({c: i for i, c in enumerate(chain_ids)}).to_numpy()
    out = {}
    for cty in sorted(counties.loc[counties["city"] == cfg.focus, "code"]):
        per_chain = rng.gamma(k, 1.0 / k, size=len(chain_ids))
        per_leaf = rng.gamma(2.0, 0.5, size=len(leaves))
        out[str(cty)] = per_chain[pos] * per_leaf
    return out


def _name_word(leaf: object) -> str:
    """A word for firm names: a short keyword or product of the leaf (e.g. 正极材料, 电芯)."""
    for term in list(getattr(leaf, "keywords", [])) + list(getattr(leaf, "products", [])):
        if 2 <= len(term) <= 5 and term.isascii() is False:
            return term
    return str(getattr(leaf, "name", ""))[:4]


def rng_road(i: int) -> str:
    """A deterministic street address suffix.

    Parameters
    ----------
    i : int
        Any integer, e.g. the firm's index; the same ``i`` gives the same address.

    Returns
    -------
    str
        A road name and house number (``建设路12号``).
    """
    roads = ["建设路", "人民路", "工业大道", "科技路", "长江路", "黄河路", "创业路", "经开大道"]
    return f"{roads[i % len(roads)]}{(i * 7919) % 999 + 1}号"


def _addr(names: pd.Series, county: str) -> str:
    p = county[:2] + "0000"
    c = county[:4] + "00"
    parts = [names.get(p, "")]
    cname = names.get(c, "")
    if cname and cname not in ("市辖区", "省直辖县级行政区划", "县"):
        parts.append(cname)
    parts.append(names.get(county, ""))
    return "".join(parts)


def _city_name(names: pd.Series, city: str) -> str:
    """The name firms of a city carry: the municipality for 市辖区 rows (北京), else the city."""
    name = str(names.get(city, ""))
    if name in ("市辖区", "县", "省直辖县级行政区划", ""):
        name = str(names.get(city[:2] + "0000", ""))
    return name


def _short(name: str) -> str:
    for suf in ("市", "地区", "盟", "自治州", "省", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)][:2]
    return name[:2]


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for nm in names:
        k = seen.get(nm, 0)
        seen[nm] = k + 1
        out.append(
            nm
            if k == 0
            else nm.replace("有限", f"{string.ascii_uppercase[k % 26]}{k // 26 or ''}有限", 1)
            if "有限" in nm
            else f"{nm}{k}"
        )
    return out


def _supply(
    rng: np.random.Generator,
    ent: pd.DataFrame,
    leaves: pd.DataFrame,
    leaf_idx: np.ndarray,
    producer: np.ndarray,
    chains: list[ChainSpec],
    n_pairs: int,
) -> pd.DataFrame:
    key = {(r.chain, r.leaf): i for i, r in enumerate(leaves.itertuples())}
    by_leaf: dict[int, np.ndarray] = {}
    for li in range(len(leaves)):
        by_leaf[li] = np.flatnonzero((leaf_idx == li) & producer)
    edges = [
        (key[(ch.id, a)], key[(ch.id, b)])
        for ch in chains
        for a, b, _ in ch.feeds_edges()
        if (ch.id, a) in key and (ch.id, b) in key
    ]
    edges = [(a, b) for a, b in edges if len(by_leaf[a]) and len(by_leaf[b])]
    rows = []
    city = ent["region"].str[:4].to_numpy()
    if edges:
        pick = rng.integers(0, len(edges), size=n_pairs)
        local_pick = rng.random(n_pairs) < 0.4  # buyers source 40 % of pairs in their own city when they can
        for j in range(n_pairs):
            a, b = edges[pick[j]]
            buyer = by_leaf[b][rng.integers(0, len(by_leaf[b]))]
            cands = by_leaf[a]
            if local_pick[j]:
                near = cands[city[cands] == city[buyer]]
                cands = near if len(near) else cands
            s = cands[rng.integers(0, len(cands))]
            rows.append(
                (
                    ent.at[s, "uscc"],
                    ent.at[buyer, "uscc"],
                    float(np.round(rng.lognormal(15, 1.0), -3)),
                    int(2022 + rng.integers(0, 4)),
                    "synthetic",
                )
            )
    sup = pd.DataFrame(rows, columns=["supplier", "customer", "value", "year", "source"])
    return sup.drop_duplicates(["supplier", "customer"]).reset_index(drop=True)


def next_vintage(
    ents: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    seed: int = 0,
    focus: str = DEFAULT_REGION,
    chain: str = "nev",
    movers: int = 1,
    entrants: int = 3,
    leavers: int = 2,
    linked: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """A later vintage of the same population, with designed changes in the ``focus`` city.

    Seeded and deterministic. Producers of a link are the firms the linker put there in the first
    vintage (``linked``), else those drawn for it (``true_link``, sellers' names carry 商贸). In the
    focus city: the producers of the thinnest present leaf close (half
    deregistered, tagged 注销; half gone from the data), so that link goes missing; ``movers``
    producers of a leaf the city lacks move in from elsewhere with their USCC (a missing link heals,
    and a firm that was a target has set up locally); ``entrants`` new producers appear in leaves
    the city has; ``leavers`` other producers are gone. Supply pairs of firms gone are dropped.

    Parameters
    ----------
    ents, supply : pandas.DataFrame
        A vintage as :func:`generate` returns it.
    seed : int
        Seed of the changes.
    focus : str
        The city (GB/T 2260 code) that changes.
    chain : str
        The chain whose links change.
    movers, entrants, leavers : int
        How many firms move in, appear and leave.
    linked : pandas.DataFrame, optional
        ``uscc`` and ``link`` of the first vintage's producer memberships
        (:func:`chain_gap.frames.members` of the linked graph), so the designed changes are the ones
        the analysis sees (the linker also puts a firm in a neighbouring link its scope names).

    Returns
    -------
    enterprises, supply : pandas.DataFrame
        The later vintage.
    design : dict
        What was changed: ``healed`` and ``missing`` leaf ids, ``moved_in``, ``entered``, ``closed``
        and ``gone`` (USCCs), for tests and the demo's note.
    """
    rng = np.random.default_rng(seed + 7919)
    spec = load_chain(chain)
    e = ents.copy().reset_index(drop=True)
    order = [lf.id for lf in spec.leaves()]
    if linked is not None:
        by_link = linked.groupby("link")["uscc"].agg(set).to_dict()
        masks = {lid: e["uscc"].isin(by_link.get(lid, set())).to_numpy() for lid in order}
    else:
        leaf = e["true_link"].fillna("").astype(str)
        seller = e["name"].astype(str).str.contains("商贸")
        masks = {lid: ((leaf == f"{spec.id}/{lid}") & ~seller).to_numpy() for lid in order}
    producer = np.logical_or.reduce(list(masks.values())) if masks else np.zeros(len(e), bool)
    local = (e["region"].astype(str).str[:4] == focus[:4]).to_numpy()
    counts = {lid: int((masks[lid] & local).sum()) for lid in order}
    elsewhere = {lid: np.flatnonzero(masks[lid] & ~local) for lid in order}
    lacking = [lid for lid in order if counts[lid] == 0 and len(elsewhere[lid])]
    present = sorted((lid for lid in order if counts[lid] > 0), key=lambda k: (counts[k], order.index(k)))
    counties = sorted(set(e.loc[local, "region"].astype(str)))
    design: dict[str, Any] = {"healed": [], "missing": [], "moved_in": [], "entered": [], "closed": [], "gone": []}
    if lacking and counties:
        lid = lacking[int(rng.integers(0, len(lacking)))]
        for i in rng.choice(elsewhere[lid], size=min(movers, len(elsewhere[lid])), replace=False):
            county = counties[int(rng.integers(0, len(counties)))]
            e.at[i, "region"] = county
            e.at[i, "address"] = f"{_addr(codes.regions().set_index('code')['name'], county)}{rng_road(int(i))}"
            design["moved_in"].append(e.at[i, "uscc"])
        design["healed"].append(lid)
    drop: set[int] = set()
    if present:
        lid = present[0]
        idx = np.flatnonzero(masks[lid] & local)
        for k, i in enumerate(idx):
            if k % 2 == 0:
                e.at[i, "tags"] = ";".join([t for t in str(e.at[i, "tags"] or "").split(";") if t] + ["注销"])
                design["closed"].append(e.at[i, "uscc"])
            else:
                drop.add(int(i))
        design["missing"].append(lid)
        others = np.flatnonzero(producer & local & ~masks[lid])
        if len(others) > leavers:
            drop.update(int(i) for i in rng.choice(others, size=leavers, replace=False))
    design["gone"] = [e.at[i, "uscc"] for i in sorted(drop)]
    gone_leaf = masks[design["missing"][0]] if design["missing"] else np.zeros(len(e), bool)
    templates = np.flatnonzero(producer & local & ~gone_leaf)
    new_rows = []
    if len(templates):
        for j in range(entrants):
            row = e.loc[int(templates[int(rng.integers(0, len(templates)))])].copy()
            b = _BRAND[int(rng.integers(0, len(_BRAND)))] + _BRAND[int(rng.integers(0, len(_BRAND)))]
            row["name"] = f"{b}新{j + 1}号{row['name']}"
            body = "91" + str(row["region"]) + "".join(_USCC_CHARS[int(c)] for c in rng.integers(0, 31, size=9))
            row["uscc"] = uscc_with_check(body)
            row["founded"] = "2026-03-01"
            new_rows.append(row)
            design["entered"].append(row["uscc"])
    e = e.drop(index=sorted(drop))
    if new_rows:
        e = pd.concat([e, pd.DataFrame(new_rows)], ignore_index=True)
    gone = set(design["gone"])
    sup = supply[~supply["supplier"].isin(gone) & ~supply["customer"].isin(gone)].reset_index(drop=True)
    return e.reset_index(drop=True), sup, design
