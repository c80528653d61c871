"""The sentences that explain a verdict, an action, a target or an anchor, built from the numbers.

One module for every reason text, so the words follow the settings in force (the interval level, the
thresholds) rather than repeating numbers written in code. Analyses compute the numbers and call these
functions row by row; nothing here decides a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Set
from typing import Any

from chain_gap import vocab
from chain_gap.config import GapsConfig
from chain_gap.vocab import ACTION_LABELS, ACTIVITY_LABELS, LEVEL_LABELS

ACTION_ZH = ACTION_LABELS["zh"]


def fmt(x: float | None, nd: int = 2) -> str:
    """A number with ``nd`` decimals, or ``—`` when it is missing.

    Parameters
    ----------
    x : float or None
        The number; ``None`` and NaN are missing.
    nd : int
        Decimals shown.

    Returns
    -------
    str
    """
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def _isnan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def gap_reason(
    r: Any,
    *,
    activity: str,
    level: str,
    cfg: GapsConfig,
    upstream: Set[str],
    downstream: Set[str],
    present: Set[str],
    names: Callable[[Iterable[str]], str],
    level_coverage: float = 1.0,
) -> str:
    """The reason of one gap-table row (Chinese, the numbers cited).

    Parameters
    ----------
    r : namedtuple
        One row of the gap table (``itertuples``) with verdict, action and direction set.
    activity : str
        The activity variable the table counts (``firms``, ``revenue``, ``reg_capital``).
    level : str
        The region's level (``province``, ``city``, ``county``).
    cfg : GapsConfig
        The settings that decided the verdict (the interval level is quoted from it).
    upstream, downstream : set of str
        Link ids upstream / downstream of this link along ``feeds``.
    present : set of str
        Link ids with local producers.
    names : callable
        Link ids → their names joined for a sentence.
    level_coverage : float
        Share of the located firms nationally whose code reaches the region's level.

    Returns
    -------
    str
    """
    act = ACTIVITY_LABELS["zh"][activity]
    lvl = LEVEL_LABELS["zh"].get(level, "地区")
    base = (
        f"本地{r.local}家生产企业（全国{r.national}家）"
        if activity == "firms"
        else f"本地{r.local}家生产企业，{act}{r.local_activity:,.0f}（全国{r.national_activity:,.0f}）"
    )
    parts = [base]
    if r.verdict == "no_data":
        if level_coverage < cfg.data.min_level_coverage:
            return (
                f"数据中仅{level_coverage:.0%}的企业定位到{lvl}级（需≥{cfg.data.min_level_coverage:.0%}），"
                f"无法判断本{lvl}此环节的强弱 → 无数据，不作诊断"
            )
        return "全国数据中无企业挂入此环节，数据无法反映该环节 → 无数据，不作诊断"
    if r.verdict == "missing":
        parts = [f"本地无生产企业（全国{r.national}家）"]
        up, down = sorted(upstream & present)[:3], sorted(downstream & present)[:3]
        if r.action == "fill":
            parts.append(f"上游{names(up)}与下游{names(down)}本地已有企业，属链条断点")
        elif r.direction == "upstream":
            parts.append(f"位于本地链条上游之外（下游{names(down)}本地已有企业）")
        elif r.direction == "downstream":
            parts.append(f"位于本地链条下游之外（上游{names(up)}本地已有企业）")
        else:
            parts.append("相邻环节本地均无企业")
    else:
        v = cfg.verdict
        parts.append(f"区位熵LQ*={fmt(r.lq_star)}（{v.level_pct}区间{fmt(r.ci_low)}–{fmt(r.ci_high)}）")
        if r.verdict == "fragile":
            bits = []
            if r.local == 1:
                bits.append("仅1家企业")
            if not _isnan(r.hhi):
                bits.append(f"集中度HHI={fmt(r.hhi)}")
            elif r.local > 1:
                bits.append("规模未知")
            if not _isnan(r.cascade_loss) and r.cascade_loss > 0:
                bits.append(f"单家企业停产将使本地链条损失{r.cascade_loss:.0%}的环节价值")
            parts.append("，".join(bits) + "，存在单点风险")
        else:
            if r.local > 1 and _isnan(r.hhi):
                parts.append("企业规模未知，未计算集中度")
            if r.verdict in ("strong", "anchored"):
                parts.append(f"区间下限≥{v.strong_ci_low:g}，专业化优势显著")
                if r.verdict == "anchored":
                    parts.append(f"链主企业：{r.anchor_firms}")
            elif not _isnan(r.ci_high) and r.ci_high < 1:
                parts.append("区间上限<1，显著弱于全国平均")
            else:
                parts.append("区间跨越1，未显示专业化优势")
    if not _isnan(r.peer_percentile):
        parts.append(
            f"在{r.n_peers}个{lvl}中居前{max(1, round(100 * (1 - r.peer_percentile) + 0.5)):.0f}%"
            if r.local > 0
            else f"可行性（关联密度）{fmt(r.density)}"
        )
    if r.action != "none":
        parts.append(f"权重{r.weight:.3f}，缺口{r.gap:.3f}，优先级{r.priority:.2f} → {ACTION_ZH[r.action]}")
    return "；".join(parts)


def inferred_note(level: str, share: float) -> str:
    """The banner sentence saying that codes at ``level`` are partly inferred ('' when none is, or at
    province level, where an inferred code only ever narrows a stated province).

    Parameters
    ----------
    level : str
        The region level of the analysis.
    share : float
        Share of the firms located at that level whose code is inferred (``region_inferred``: the
        place at the head of the legal name, the A-share ``area`` naming a city), see docs/regions.md.

    Returns
    -------
    str
    """
    if level == "province" or share <= 0:
        return ""
    lvl = LEVEL_LABELS["zh"].get(level, "地区")
    return (
        f"{lvl}级定位中{share:.0%}为推断（企业全称开头的地名、交易所地域），非登记地址，"
        f"企业表region_inferred列标明推断规则"
    )


def target_reason(r: Any, region_name: str) -> str:
    """The reason one candidate firm is on the target list (Chinese, the numbers cited).

    Parameters
    ----------
    r : namedtuple
        One candidate row with link_name, action, direction, verdict_zh, link_priority, gap, quality,
        fit_n, density, resilience, tags and same_province.
    region_name : str
        The name of the region the list is for.

    Returns
    -------
    str
    """
    gap_txt = {
        "fill": f"补齐{region_name}缺失的「{r.link_name}」环节（链条断点）",
        "extend": (
            f"向{'上' if r.direction == 'upstream' else '下'}游延伸{region_name}链条至「{r.link_name}」"
            if r.direction in ("upstream", "downstream")
            else f"为{region_name}新建「{r.link_name}」环节（本地相邻环节尚无企业）"
        ),
        "strengthen": f"强化{region_name}{r.verdict_zh}的「{r.link_name}」环节",
    }.get(r.action, f"「{r.link_name}」")
    comps = [
        ("企业质量", r.quality),
        ("本地配套契合度", r.fit_n),
        ("可行性", r.density if not _isnan(r.density) else 0.0),
        ("韧性增益", r.resilience),
    ]
    comps = sorted([c for c in comps if c[1] > 0], key=lambda x: -x[1])[:2]
    bits = [f"可{gap_txt}（环节优先级{r.link_priority:.2f}，缺口{r.gap:.3f}）"]
    # what sets this firm apart from the others of the link: its own lines, evidence and listing
    share, lines = getattr(r, "line_share", None), getattr(r, "lines", None)
    if not _isnan(share) and share is not None:
        n = f"，{int(lines)}条产品线" if not _isnan(lines) and lines else ""
        bits.append(f"该环节产品占其营收{float(share):.0%}{n}")
    elif not _isnan(lines) and lines:
        bits.append(f"{int(lines)}条该环节产品线")
    ev = str(getattr(r, "evidence", "") or "").split("; ")[0]
    if ev:
        bits.append(f"依据 {ev[:40]}")
    if comps:
        bits.append("优势：" + "、".join(f"{n}{v:.2f}" for n, v in comps))
    where = getattr(r, "region_name", "") or ""
    if where:
        bits.append(f"位于{where}")
    years = getattr(r, "listed_years", None)
    has_years = years is not None and not _isnan(years) and years > 0
    if has_years:
        bits.append(f"上市{int(years or 0)}年")
    tags = [vocab.TAG_ZH.get(t, t) for t in (r.tags or []) if t and not (has_years and t == vocab.LISTED_TAG)]
    if tags:
        bits.append("标签：" + "、".join(tags))
    other = getattr(r, "other_links", "") or ""
    if other:
        bits.append(f"另涉本链「{other}」")
    if r.same_province:
        bits.append("同省企业，招引距离近")
    return "；".join(bits)


def anchor_reason(
    *,
    size_rule: bool,
    revenue: float | None,
    reg_capital: float | None,
    category: str,
    pull: float,
    partners: int,
    proxy: bool = False,
    line_share: float | None = None,
) -> str:
    """Why a local firm counts as a 链主 (anchor) of the chain.

    Parameters
    ----------
    size_rule : bool
        Whether the firm reaches the size threshold of the chain's category.
    revenue, reg_capital : float or None
        The firm's revenue and registered capital (CNY).
    category : str
        The chain's category (``traditional``, ``emerging``, ``future``).
    pull : float
        Local output induced by its purchases (ORACLES M8), 0 when not a network anchor.
    partners : int
        Local suppliers and customers; cited when ``pull`` > 0.
    proxy : bool
        Whether the firm is an anchor by the listed-company proxy (size unknown, main business the link).
    line_share : float or None
        The share of its revenue in the link's products, cited by the proxy reason.

    Returns
    -------
    str
    """
    why = []
    if size_rule:
        why.append(f"营业收入{revenue:,.0f}元" if revenue and not _isnan(revenue) else f"注册资本{reg_capital:,.0f}元")
        why.append(f"达到{category}类链主门槛")
    if pull > 0:
        why.append(f"带动本地产值{pull:,.0f}，本地上下游伙伴{partners}家")
    if proxy and not size_rule:
        main = (
            f"本环节产品占营收{line_share:.0%}"
            if line_share is not None and not _isnan(line_share)
            else "申万行业即本环节"
        )
        why.append(f"上市公司，{main}（主营）；规模数据缺失，按上市公司主营代理认定")
    return "，".join(why)
