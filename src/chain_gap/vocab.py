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
ACTIONS: Final[tuple[str, ...]] = ("fill", "strengthen", "extend", "none")

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
VERDICT_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "missing": "缺失",
        "weak": "薄弱",
        "fragile": "脆弱",
        "strong": "较强",
        "anchored": "链主带动",
        NO_DATA: "无数据",
    },
    "en": {
        "missing": "Missing",
        "weak": "Weak",
        "fragile": "Fragile",
        "strong": "Strong",
        "anchored": "Anchored",
        NO_DATA: "No data",
    },
}
ACTION_LABELS: Final[dict[str, dict[str, str]]] = {
    "zh": {"fill": "补链", "strengthen": "强链", "extend": "延链", "none": "—"},
    "en": {"fill": "Fill", "strengthen": "Strengthen", "extend": "Extend", "none": "None"},
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
