"""The graph's words, once: node and edge kinds, decisions, roles, stages, levels, verdicts, actions.

Every module names these through this module, never as literals, and every label staff read (zh / en)
comes from here, so the gap table, the chain map, the panorama and the Excel files never disagree.
The node and edge kinds match ``graph/schema.yaml`` (a test checks it). New words (a ``no_data``
verdict, new actions) are added here, with their labels, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# --------------------------------------------------------------------------------------------------
# node kinds (the ``kind`` attribute of every node)
CHAIN: Final = "Chain"
LINK: Final = "Link"
PRODUCT: Final = "Product"
ENTERPRISE: Final = "Enterprise"
REGION: Final = "Region"
INDUSTRY: Final = "Industry"
NODE_KINDS: Final[tuple[str, ...]] = (CHAIN, LINK, PRODUCT, ENTERPRISE, REGION, INDUSTRY)

# edge kinds (the key of every MultiDiGraph edge, and its ``kind``)
PART_OF: Final = "PART_OF"
FEEDS: Final = "FEEDS"
LINKED_TO: Final = "LINKED_TO"
MAKES: Final = "MAKES"
INPUT_OF: Final = "INPUT_OF"
LOCATED_IN: Final = "LOCATED_IN"
CLASSIFIED_AS: Final = "CLASSIFIED_AS"
UPSTREAM_OF: Final = "UPSTREAM_OF"
SUPPLIES: Final = "SUPPLIES"
EDGE_KINDS: Final[tuple[str, ...]] = (
    PART_OF,
    FEEDS,
    LINKED_TO,
    MAKES,
    INPUT_OF,
    LOCATED_IN,
    CLASSIFIED_AS,
    UPSTREAM_OF,
    SUPPLIES,
)

# --------------------------------------------------------------------------------------------------
# 挂链 decisions (``LINKED_TO.decision``) and what reviewers may write for them
CONFIRMED: Final = "confirmed"
UNCERTAIN: Final = "uncertain"
REJECTED: Final = "rejected"
DECISIONS: Final[tuple[str, ...]] = (CONFIRMED, UNCERTAIN, REJECTED)

#: What a reviewer may type in a decision column (English, pinyin-free Chinese, yes/no), lower-cased.
DECISION_WORDS: Final[dict[str, str]] = {
    "confirm": CONFIRMED,
    "confirmed": CONFIRMED,
    "accept": CONFIRMED,
    "accepted": CONFIRMED,
    "yes": CONFIRMED,
    "y": CONFIRMED,
    "确认": CONFIRMED,
    "通过": CONFIRMED,
    "是": CONFIRMED,
    "保留": CONFIRMED,
    "reject": REJECTED,
    "rejected": REJECTED,
    "no": REJECTED,
    "n": REJECTED,
    "驳回": REJECTED,
    "否": REJECTED,
    "剔除": REJECTED,
    "排除": REJECTED,
    "拒绝": REJECTED,
    "uncertain": UNCERTAIN,
    "待定": UNCERTAIN,
    "pending": UNCERTAIN,
    "待核实": UNCERTAIN,
}


def decision_of(text: object) -> str | None:
    """The decision a reviewer's cell means (``None`` when it means none of them).

    Parameters
    ----------
    text : object
        The cell, e.g. ``"确认"``, ``"Reject"``, ``"y"``.

    Returns
    -------
    str or None
        One of :data:`DECISIONS`.
    """
    return DECISION_WORDS.get(str(text or "").strip().lower())


DECISION_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {CONFIRMED: "已确认", UNCERTAIN: "待核实", REJECTED: "已排除"},
    "en": {CONFIRMED: "confirmed", UNCERTAIN: "to verify", REJECTED: "rejected"},
}

# roles of a firm in a link
PRODUCER: Final = "producer"
SELLER: Final = "seller"
USER: Final = "user"
ROLES: Final[tuple[str, ...]] = (PRODUCER, SELLER, USER)
ROLE_WORDS: Final[dict[str, str]] = {
    "producer": PRODUCER,
    "seller": SELLER,
    "user": USER,
    "生产": PRODUCER,
    "生产商": PRODUCER,
    "制造": PRODUCER,
    "销售": SELLER,
    "经销": SELLER,
    "用户": USER,
    "使用": USER,
    "应用": USER,
}
ROLE_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {PRODUCER: "生产", SELLER: "销售", USER: "应用"},
    "en": {PRODUCER: "producer", SELLER: "seller", USER: "user"},
}

# --------------------------------------------------------------------------------------------------
# chain stages and region levels
STAGES: Final[tuple[str, ...]] = ("upstream", "midstream", "downstream")
STAGE_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {"upstream": "上游", "midstream": "中游", "downstream": "下游"},
    "en": {"upstream": "Upstream", "midstream": "Midstream", "downstream": "Downstream"},
}
LEVELS: Final[tuple[str, ...]] = ("province", "city", "county")
LEVEL_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {"province": "省", "city": "市", "county": "县区"},
    "en": {"province": "province", "city": "city", "county": "county"},
}

# --------------------------------------------------------------------------------------------------
# verdicts and actions
NO_DATA: Final = "no_data"
#: Verdicts, most severe first; ``no_data`` last: the data cannot say (no firm anywhere is linked to the
#: link, or the region's level is one the data hardly hold), so no action is derived from it.
VERDICTS: Final[tuple[str, ...]] = ("missing", "weak", "fragile", "strong", "anchored", NO_DATA)

#: Actions (招商方向). The ids are stable (files and tables carry them); the words staff read are
#: :data:`ACTION_LABELS`. Which verdict gets which action is the table in docs/formulas.md ("Verdict → action"):
#: a missing link between local links is 补链 ``fill``, beyond the local span 延链 ``extend``; a weak or fragile
#: link is 补强 ``reinforce`` (grow the base, add a second maker); a strong link is 强链 ``strengthen`` (锻长板:
#: attract a 链主 or leading firm); an anchored link is 以商招商 ``leverage`` (its 链主's suppliers); a link bound
#: to natural resources cannot be attracted: missing → 对接外部供给 ``secure_supply``, present → 以资源换产业
#: ``resource_swap``.
ACTIONS: Final[tuple[str, ...]] = (
    "fill",
    "extend",
    "reinforce",
    "strengthen",
    "leverage",
    "secure_supply",
    "resource_swap",
    "none",
)
#: Actions whose links enter the link priority (the weighted priority formula of docs/formulas.md) and get
#: target candidates: firms elsewhere can be attracted into them. The others get neither: a 链主's suppliers
#: come from ``anchor_suppliers``, a deposit cannot move, and ``none`` / ``no_data`` need nothing.
TARGET_ACTIONS: Final[frozenset[str]] = frozenset({"fill", "extend", "reinforce", "strengthen"})

#: Verdict colours. Red/orange read as "needs work" to every official; purple marks the
#: structurally risky "fragile" link (present but resting on one or two firms) so that it is
#: not confused with a merely small one; two greens separate "strong" from "anchored" (strong
#: with a chain-leader firm, 链主). All five are distinguishable in greyscale print by lightness too.
VERDICT_COLORS: Final[dict[str, str]] = {
    "missing": "#d93025",
    "weak": "#f29900",
    "fragile": "#8e44ad",
    "strong": "#34a853",
    "anchored": "#0b6e3a",
    NO_DATA: "#9aa0a6",
}
#: The verdict words staff read. Chosen for a 招商 reader: "weak" means "not shown to be specialised"
#: (a link with 34 local firms and LQ* 1.07 is ordinary, not weak), so it is 一般环节; "fragile" is the
#: single-point risk officers call 断链风险 (not a near-synonym of weak); "strong" is 优势环节 (长板).
VERDICT_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "missing": "缺失环节",
        "weak": "一般环节",
        "fragile": "断链风险",
        "strong": "优势环节",
        "anchored": "链主引领",
        NO_DATA: "无数据",
    },
    "en": {
        "missing": "Missing",
        "weak": "Not specialised",
        "fragile": "Single-point risk",
        "strong": "Strength",
        "anchored": "Anchor-led",
        NO_DATA: "No data",
    },
}
#: One sentence per verdict, shown where the word is (map legend hover, the workbook's 数据说明, README).
#: The thresholds themselves are in gaps.toml and quoted by the notes' verdict rules.
VERDICT_DEFINITIONS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "missing": "本地没有该环节的生产企业，链条在此断开或尚未延伸到。",
        "weak": "本地有生产企业，但专业化程度（区位熵LQ*的区间）未显示高于全国，已有基础、尚未形成优势。",
        "fragile": "本地只有一两家企业撑着该环节，或一家企业占绝大部分，一家停产就可能断链。",
        "strong": "本地企业多、专业化程度显著高于全国，是本地的长板。",
        "anchored": "优势环节中有链主企业（规模大或带动本地上下游），可依托链主招引配套。",
        NO_DATA: "数据看不到该环节（全国无企业挂入，或数据中企业很少定位到该级别地区），不作判断。",
    },
    "en": {
        "missing": "No local producer: the chain breaks here or has not reached this link.",
        "weak": "Local producers exist, but the LQ* interval does not show the region to be more specialised "
        "than the nation: a base, not yet a strength.",
        "fragile": "One or two firms carry the link, or one firm holds most of it: one stoppage can break the chain.",
        "strong": "Many local firms and a specialisation significantly above the national one: a local strength.",
        "anchored": "A strength with a chain-leader firm (链主: large, or pulling local suppliers and customers) "
        "to build on.",
        NO_DATA: "The data cannot see the link (no firm anywhere is linked to it, or few firms are located at this "
        "region level): no verdict.",
    },
}
ACTION_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "fill": "补链",
        "extend": "延链",
        "reinforce": "补强",
        "strengthen": "强链",
        "leverage": "以商招商",
        "secure_supply": "对接外部供给",
        "resource_swap": "以资源换产业",
        "none": "—",
    },
    "en": {
        "fill": "Fill",
        "extend": "Extend",
        "reinforce": "Reinforce",
        "strengthen": "Strengthen",
        "leverage": "Via the anchor",
        "secure_supply": "Secure supply",
        "resource_swap": "Resource for industry",
        "none": "None",
    },
}
#: One sentence per action: what staff do (the verdict → action table is in docs/formulas.md).
ACTION_DEFINITIONS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "fill": "缺失环节的上下游本地都有企业，是链条断点：招引该环节企业把链条接上。",
        "extend": "缺失环节在本地链条之外：招引企业把链条向上游或下游延伸。",
        "reinforce": "一般环节或断链风险环节：招引同类企业扩大基础、增加备份，降低一家停产即断链的风险。",
        "strengthen": "优势环节（锻长板）：招引链主或龙头企业，把长板做得更长。",
        "leverage": "链主引领环节：依托链主以商招商，招引其外地供应商和配套企业（chain-gap anchor-suppliers）。",
        "secure_supply": "依赖自然资源（矿产、盐湖卤水等）的缺失环节无法招引落地：与资源地企业签订长期供货、参股或共建基地。",
        "resource_swap": "本地拥有该资源：以资源换产业，用资源配置吸引下游加工企业落地。",
        "none": "无需行动或数据不足，不作招商方向。",
    },
    "en": {
        "fill": "A missing link with local firms both up- and downstream: attract its firms to close the break.",
        "extend": "A missing link beyond the local chain: attract firms that extend it up- or downstream.",
        "reinforce": "A link without a strength or at single-point risk: attract more makers to widen the base "
        "and add a second source.",
        "strengthen": "A strength (锻长板): attract a chain leader or leading firm to make it stronger.",
        "leverage": "An anchor-led link: attract the chain leader's suppliers and partners from elsewhere "
        "(chain-gap anchor-suppliers).",
        "secure_supply": "A missing link bound to natural resources (ores, brine …) cannot be attracted: secure "
        "supply by long-term contracts, stakes or joint bases with the resource regions.",
        "resource_swap": "The region holds the resource: trade access to it for downstream processing plants.",
        "none": "No action, or the data cannot say.",
    },
}
ACTIVITIES: Final[tuple[str, ...]] = ("firms", "revenue", "reg_capital")
ACTIVITY_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {"firms": "企业数", "revenue": "营业收入", "reg_capital": "注册资本"},
    "en": {"firms": "firm count", "revenue": "revenue", "reg_capital": "registered capital"},
}

#: The tag of a firm listed on a stock exchange (the A-share list, registry exports' 上市 flag); the 链主
#: proxy of data without sizes reads it.
LISTED_TAG: Final[str] = "listed"

#: Chinese words of the tags the shipped loaders set (other tags are the source's own words)
TAG_ZH: Final[Mapping[str, str]] = MappingProxyType({"listed": "上市公司", "delisted": "已退市"})

#: Tags that say a firm no longer operates as registered (exchange delisting, 注销 / 吊销 / 撤销 …):
#: such a firm is never counted as a local producer nor recommended as a target.
INACTIVE_TAGS: Final[frozenset[str]] = frozenset({"delisted", "注销", "吊销", "撤销", "迁出", "停业", "清算"})


def is_inactive(tags: object) -> bool:
    """Whether a firm's tags say it no longer operates (see :data:`INACTIVE_TAGS`).

    Parameters
    ----------
    tags : object
        The firm's ``tags``: a list of tags, one tag as a string, or nothing.

    Returns
    -------
    bool
    """
    if not tags or isinstance(tags, str | bytes):
        return bool(tags) and str(tags) in INACTIVE_TAGS
    try:
        return any(str(t) in INACTIVE_TAGS for t in tags)  # type: ignore[attr-defined]
    except TypeError:
        return False


# --------------------------------------------------------------------------------------------------
# cell words

#: Cells that mean "no value" in exports and hand-made sheets (compared after strip + lower-case).
NO_VALUE_WORDS: Final[frozenset[str]] = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "/",
        "\\",
        "无",
        "暂无",
        "不详",
        "未知",
        "未公开",
        "不公开",
        "(空)",
        "（空）",
        "null",
        "none",
        "nan",
        "n/a",
        "na",
        "#n/a",
    }
)


def is_no_value(text: object) -> bool:
    """Whether a cell means "no value" (see :data:`NO_VALUE_WORDS`).

    Parameters
    ----------
    text : object
        A cell value; ``None`` counts as blank.

    Returns
    -------
    bool
    """
    return str(text if text is not None else "").strip().lower() in NO_VALUE_WORDS


def label(table: dict[str, dict[str, str]], key: str, lang: str = "zh") -> str:
    """The label of ``key`` in one of the tables above, in ``lang``.

    Parameters
    ----------
    table : dict
        One of the label tables, language → key → label.
    key : str
        The value to label (a verdict, an action …).
    lang : str
        ``"zh"`` or ``"en"``; an unknown language reads the Chinese table.

    Returns
    -------
    str
        The label, or ``key`` itself when the table has none.
    """
    return table.get(lang, table["zh"]).get(key, key)
