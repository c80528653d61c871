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


def _top_share_text(share: float) -> str:
    """ "一家企业占九成以上" / "最大一家企业占七成" for the largest firm's share of a link."""
    if share >= 0.9:
        return "一家企业占九成以上"
    tenths = "一二三四五六七八九"[max(0, min(8, int(share * 10) - 1))]
    return f"最大一家企业占{tenths}成以上" if share >= 0.1 else "规模分散"


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
    """The reason of one gap-table row in plain 招商 words, ending with the action ("→ 建议补强").

    Says what an officer can read aloud: how many local firms, what that means (a break in the chain,
    one stoppage breaks it, a local strength), the neighbours that make a missing link a break, the rank
    among the peers, and the action. The statistics behind it (LQ* and its interval, HHI, weights, gap)
    are in :func:`gap_basis` (the 技术依据 column), not here.

    Parameters
    ----------
    r : namedtuple
        One row of the gap table (``itertuples``) with verdict, action and direction set.
    activity : str
        The activity variable the table counts (``firms``, ``revenue``, ``reg_capital``): named when a
        strong link is one by its share of the nation's activity.
    level : str
        The region's level (``province``, ``city``, ``county``).
    cfg : GapsConfig
        The settings that decided the verdict (the coverage threshold is quoted from it).
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
    lvl = LEVEL_LABELS["zh"].get(level, "地区")
    if r.verdict == vocab.NO_DATA:
        if level_coverage < cfg.data.min_level_coverage:
            return (
                f"数据中仅{level_coverage:.0%}的企业定位到{lvl}级（需≥{cfg.data.min_level_coverage:.0%}），"
                f"无法判断本{lvl}此环节的强弱 → 无数据，不作诊断"
            )
        return "全国数据中无企业挂入此环节，数据无法反映该环节 → 无数据，不作诊断"
    parts: list[str] = []
    if r.verdict == "missing":
        up, down = sorted(upstream & present)[:3], sorted(downstream & present)[:3]
        parts.append(f"本地没有该环节企业（全国{r.national}家）")
        if r.direction == "between":
            parts.append(f"上游{names(up)}、下游{names(down)}本地都有企业，链条在此断开")
        elif r.direction == "upstream":
            parts.append(f"位于本地链条的上游之外（下游{names(down)}本地已有企业）")
        elif r.direction == "downstream":
            parts.append(f"位于本地链条的下游之外（上游{names(up)}本地已有企业）")
        else:
            parts.append("相邻环节本地也没有企业")
        if r.action == "secure_supply":
            parts.append("该环节依赖矿产等自然资源，无法招引落地")
    else:
        parts.append(f"本地{'仅' if r.local <= 2 else '有'}{r.local}家")
        if r.verdict == "fragile":
            if r.local == 1:
                parts.append("一家停产即断链")
            elif not _isnan(getattr(r, "top_share", math.nan)) and r.top_share >= 0.5:
                parts.append(f"{_top_share_text(r.top_share)}，一家停产即断链")
            elif not _isnan(r.cascade_loss) and r.cascade_loss > 0:
                parts.append(f"一家停产将使本地链条损失约{r.cascade_loss:.0%}的产值，有断链风险")
            else:
                parts.append("企业过于集中，有断链风险")
        elif r.verdict in ("strong", "anchored"):
            if not _isnan(r.ci_low) and r.ci_low >= cfg.verdict.strong_ci_low:
                parts.append("专业化程度明显高于全国，是本地长板")
            else:  # the national-leader route: scale, not specialisation (gaps.toml [verdict] (b))
                what = "企业" if activity == "firms" else ACTIVITY_LABELS["zh"][activity]
                parts.append(
                    f"占全国该环节{what}的{r.national_share:.0%}，在{r.n_regions}个{lvl}中居第{int(r.national_rank)}位，"
                    "是全国的集聚地之一，是本地长板"
                )
            if r.verdict == "anchored":
                parts.append(f"链主企业：{r.anchor_firms}")
        elif not _isnan(r.ci_high) and r.ci_high < 1:
            parts.append("按本地经济规模看明显偏少，专业化程度低于全国")
        else:
            parts.append("已有基础，但专业化程度未显示高于全国，尚未形成优势")
        if r.action == "resource_swap":
            parts.append("该环节依托本地资源")
    if r.local > 0 and not _isnan(r.peer_percentile):
        top = max(1, round(100 * (1 - r.peer_percentile) + 0.5))
        rank = "排第一" if r.peer_percentile >= 1 else f"排前{top}%" if top <= 50 else f"排后{max(1, 100 - top)}%"
        parts.append(f"在{r.n_peers}个{lvl}中{rank}")
    text = "，".join(parts)
    return f"{text} → 建议{ACTION_ZH[r.action]}" if r.action != "none" else text


def gap_basis(r: Any, *, activity: str, cfg: GapsConfig) -> str:
    """The numbers behind one gap-table row (the 技术依据 column and the map's hover), in Chinese.

    One LQ is shown: LQ* (against the rest of the nation) with its interval at the level in force; then
    concentration, cascade loss, relatedness density, the link's weight, gap and priority, each only
    when it is known.

    Parameters
    ----------
    r : namedtuple
        One row of the gap table with verdict, action, gap and priority set.
    activity : str
        The activity variable the table counts (cited when it is not the firm count).
    cfg : GapsConfig
        The settings in force (the interval's level).

    Returns
    -------
    str
    """
    act = ACTIVITY_LABELS["zh"][activity]
    bits = [f"本地{r.local}家/全国{r.national}家"]
    if activity != "firms":
        bits.append(f"本地{act}{r.local_activity:,.0f}（全国{r.national_activity:,.0f}）")
    if r.verdict != vocab.NO_DATA:
        if r.local > 0:
            bits.append(f"LQ*={fmt(r.lq_star)}（{cfg.verdict.level_pct}区间{fmt(r.ci_low)}–{fmt(r.ci_high)}）")
            rank = getattr(r, "national_rank", math.nan)
            if not _isnan(rank):
                bits.append(f"占全国{r.national_share:.0%}（第{int(rank)}位）")
            if not _isnan(r.hhi):
                bits.append(f"HHI={fmt(r.hhi)}")
            elif r.local > 1:
                bits.append("规模未知，未计算HHI")
            if not _isnan(r.cascade_loss) and r.cascade_loss > 0:
                bits.append(f"单家停产损失{r.cascade_loss:.0%}")
        if not _isnan(r.density):
            bits.append(f"关联密度{fmt(r.density)}")
        bits.append(f"权重{r.weight:.3f}，缺口{r.gap:.3f}")
        if r.action in vocab.TARGET_ACTIONS:
            bits.append(f"优先级{r.priority:.2f}")
    return "；".join(bits)


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


def coverage_banner(
    *,
    level: str,
    level_ok: bool,
    level_coverage: float,
    national_firms: int,
    no_data_links: int,
    inferred_share: float,
    inactive: int,
) -> tuple[str, str]:
    """The coverage banner of a gap table, as a (Chinese, English) pair built from the same numbers.

    One sentence per fact, joined with "；" / "; ": the level the data cannot judge at (every link
    无数据), else the links no firm nationally is linked to, then the share of inferred codes
    (:func:`inferred_note`) and the delisted / deregistered firms left out. ``("", "")`` when none
    applies (every link has firms nationally, stated codes, no inactive firm): nothing to say.

    Parameters
    ----------
    level : str
        The region level of the analysis (``province``, ``city``, ``county``).
    level_ok : bool
        Whether the level's coverage reaches ``[data] min_level_coverage`` of gaps.toml.
    level_coverage : float
        Share of the located firms whose code reaches ``level``.
    national_firms : int
        Firms linked to the chain nationally (the ones a link can be judged by).
    no_data_links : int
        Links no firm nationally is linked to.
    inferred_share : float
        Share of the firms located at ``level`` whose code is inferred.
    inactive : int
        Delisted / deregistered / revoked firms left out.

    Returns
    -------
    tuple of str
        ``(zh, en)``; the renderers show the one of the language in force (``chain_gap.render.text.banner``).
    """
    zh: list[str] = []
    en: list[str] = []
    if not level_ok:
        zh.append(
            f"数据中仅{level_coverage:.0%}的企业定位到{LEVEL_LABELS['zh'].get(level, level)}级，"
            "无法在该级别判断缺口（全部环节为“无数据”）；请在省级分析或补充企业地址"
        )
        en.append(
            f"only {level_coverage:.0%} of the firms in the data are located to {LEVEL_LABELS['en'].get(level, level)} "
            "level, too few to judge gaps there (every link is 'no data'); analyse the province or add firms' addresses"
        )
    elif no_data_links:
        zh.append(f"全国仅{national_firms}家企业可挂链，{no_data_links}个环节全国无企业挂链（无数据，不作诊断）")
        firms = (
            f"{national_firms} firm nationally is" if national_firms == 1 else f"{national_firms} firms nationally are"
        )
        links = f"{no_data_links} link has" if no_data_links == 1 else f"{no_data_links} links have"
        en.append(f"only {firms} linked to this chain; {links} no linked firm anywhere (no data, not diagnosed)")
    inferred = inferred_note(level, inferred_share)
    if inferred:
        zh.append(inferred)
        en.append(
            f"{inferred_share:.0%} of the {LEVEL_LABELS['en'].get(level, 'region')}-level locations are inferred "
            "(the place name heading the firm's legal name, the exchange's area), not registered addresses; "
            "the region_inferred column of the firm table names the rule"
        )
    if inactive:
        zh.append(f"已剔除{inactive}家已退市/注销/吊销企业（不计入本地企业，也不作为招商目标）")
        en.append(
            f"{inactive} delisted / deregistered / revoked firms left out (neither counted as local firms "
            "nor proposed as targets)"
        )
    text_en = "; ".join(en)
    return "；".join(zh), (text_en[:1].upper() + text_en[1:])


def portfolio_banner(
    *,
    level: str,
    min_level_coverage: float,
    bad_level: list[tuple[str, str, float]],
    no_chain: list[tuple[str, str]],
    left_out: list[tuple[str, str, int]],
    unlinked: list[tuple[str, str]],
) -> tuple[str, str]:
    """The no-data banner of a county division of labour, as a (Chinese, English) pair from the same facts.

    Parameters
    ----------
    level : str
        The units' level (``county`` or ``city``).
    min_level_coverage : float
        ``[data] min_level_coverage`` of gaps.toml.
    bad_level : list of (name, name_en, coverage)
        Chains whose level coverage is below the floor.
    no_chain : list of (name, name_en)
        Chains no firm nationally is linked to.
    left_out : list of (name, name_en, links)
        Chains with links no firm nationally is linked to, and how many.
    unlinked : list of (name, name_en)
        Chains the graph was never linked to.

    Returns
    -------
    tuple of str
        ``(zh, en)``; ``("", "")`` when none applies.
    """
    zh: list[str] = []
    en: list[str] = []
    if bad_level:
        cov = min(c for _, _, c in bad_level)
        zh.append(
            f"数据中仅{cov:.0%}的企业定位到{LEVEL_LABELS['zh'].get(level, level)}级（低于{min_level_coverage:.0%}），"
            f"无法在该级别判断分工：{len(bad_level)}条产业链为“无数据”"
        )
        en.append(
            f"only {cov:.0%} of the firms in the data are located to {LEVEL_LABELS['en'].get(level, level)} level "
            f"(below {min_level_coverage:.0%}), too few to judge the division of labour there: "
            f"{len(bad_level)} chain{'s' if len(bad_level) != 1 else ''} 'no data'"
        )
    if no_chain:
        zh.append("以下产业链全国无企业挂链（无数据，不作判断）：" + "、".join(n for n, _ in no_chain))
        en.append(
            "no firm nationally is linked to these chains (no data, not judged): " + ", ".join(e for _, e in no_chain)
        )
    if left_out:
        zh.append(
            "全国无企业挂链的环节不计入S和F（权重在其余环节中重新归一）："
            + "、".join(f"{n}{k}个" for n, _, k in left_out)
        )
        en.append(
            "links no firm nationally is linked to are left out of S and F (weights renormalised over the rest): "
            + ", ".join(f"{e} {k}" for _, e, k in left_out)
        )
    if unlinked:
        zh.append("以下产业链尚未挂链（无数据；请先运行 chain-gap link）：" + "、".join(n for n, _ in unlinked))
        en.append(
            "these chains are not linked yet (no data; run chain-gap link first): " + ", ".join(e for _, e in unlinked)
        )
    text_en = "; ".join(en)
    return "；".join(zh), (text_en[:1].upper() + text_en[1:])


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
        "reinforce": f"补强{region_name}{r.verdict_zh}「{r.link_name}」（扩大基础、增加备份）",
        "strengthen": f"做强{region_name}的优势环节「{r.link_name}」（锻长板）",
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
        Local output induced by its purchases (the anchor-pull formula), 0 when not a network anchor.
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
