"""Every column staff see in a workbook, described once: label (zh / en), kind, width, group.

One table per sheet (the gap table, the target list, the local firms, the review sheet), in the
order the columns are written: what an officer reads first on the left (环节 / 诊断 / 招商方向 /
诊断依据 on the gap table), the technical columns (codes, the LQ interval, PCI, COG, ids, weights)
at the right in the ``tech`` group, which the Excel writer outlines and collapses. The *kind* of a
column decides its number format, alignment and colours (:data:`KIND_FORMATS`), so a ratio is
``0.00`` and a percentile ``0%`` on every sheet alike; :data:`RAW_COLUMNS` gives the same kinds to
the unlabelled tables the CLI writes as they are (anchors, whatif, compare).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

__all__ = [
    "ANCHOR_SPEC",
    "ANCHOR_SUPPLIER_SPEC",
    "CHANGE_FIRM_SPEC",
    "CHANGE_LINK_SPEC",
    "CHOICES",
    "CONTACT_SPEC",
    "FOLLOW_CHOICES",
    "FOLLOW_SPEC",
    "GAP_SPEC",
    "KIND_FORMATS",
    "LOCAL_SPEC",
    "OVERVIEW_SPEC",
    "RAW_COLUMNS",
    "REMOVED_SPEC",
    "REVIEW_CHOICES",
    "REVIEW_SPEC",
    "SETTLED_SPEC",
    "TARGET_SPEC",
    "WHATIF_SPEC",
    "Col",
    "by_header",
    "labels",
    "raw_col",
]


@dataclass(frozen=True)
class Col:
    """One output column.

    Attributes
    ----------
    key : str
        The column of the analysis table (``lq_star``, ``reasons`` …).
    zh, en : str
        Header in Chinese and in English.
    kind : str
        One of :data:`KIND_FORMATS`: ``text``, ``code``, ``label``, ``verdict``, ``reason``, ``ratio``,
        ``score``, ``share``, ``count``, ``money``, ``date``, ``bool``, ``decision``, ``heat`` (a score in
        [0, 1] shaded on a colour scale); ``reason`` is any wrapped, top-aligned text (reasons, firm names, lists).
    width : float or None
        Width in characters (a CJK character counts two); None sizes the column to its contents.
    group : str
        ``"main"``, ``"tech"`` (outlined, collapsed, at the right) or ``"detail"`` (outlined and
        collapsed where it stands: on screen one click away, left off the printed page so that the
        columns staff work with stay legible on one landscape page).
    freeze : bool
        Part of the frozen leading column(s).
    scale : float
        Factor applied to the values when the sheet is labelled (money in 元 → 万元: 1e-4).
    choices : str
        For a ``decision`` column: the key of its dropdown words in :data:`CHOICES` (default the review's).
    entry : bool
        A column staff fill in: its empty cells are written with the column's format and shade.
    """

    key: str
    zh: str
    en: str
    kind: str = "text"
    width: float | None = None
    group: str = "main"
    freeze: bool = False
    scale: float = 1.0
    choices: str = "review"
    entry: bool = False

    def label(self, lang: str) -> str:
        """The header in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.zh if lang == "zh" else self.en


#: Kind → xlsxwriter cell format (number format, wrap, alignment). ``bool`` cells are written as
#: 是 / 否 (yes / no), ``verdict`` cells get the verdict's fill, ``decision`` cells a dropdown.
KIND_FORMATS: Final[dict[str, dict[str, object]]] = {
    "text": {"valign": "top"},
    "label": {"valign": "top"},
    "verdict": {"valign": "top", "align": "center", "bold": True},
    "code": {"num_format": "@", "valign": "top"},
    "reason": {"text_wrap": True, "valign": "top"},
    "ratio": {"num_format": "0.00", "valign": "top"},
    "score": {"num_format": "0.000", "valign": "top"},
    "share": {"num_format": "0%", "valign": "top"},
    "count": {"num_format": "#,##0", "valign": "top"},
    "money": {"num_format": "#,##0.0", "valign": "top"},
    "date": {"num_format": "yyyy-mm-dd", "valign": "top", "align": "left"},
    "bool": {"valign": "top", "align": "center"},
    "decision": {"valign": "top", "align": "center", "bg_color": "#FFF8DC"},
    "heat": {"num_format": "0.00", "valign": "top", "align": "center"},
}

#: Width of the wrapped reason columns (characters): ~21 Chinese characters a line.
REASON_WIDTH: Final = 44

_WAN = 1e-4  # 元 → 万元

GAP_SPEC: Final[tuple[Col, ...]] = (
    Col("link_name", "环节", "link", "reason", 16, freeze=True),
    Col("verdict_label", "诊断", "verdict", "verdict", 9),
    Col("action_label", "招商方向", "action", "label", 12),
    Col("reasons", "诊断依据", "reasons", "reason", REASON_WIDTH),
    Col("priority", "优先级", "priority", "ratio", 7),
    Col("stage", "环节位置", "stage", "label", 7),
    Col("local", "本地企业数", "local firms", "count", 7),
    Col("lq_star", "区位熵LQ*", "LQ*", "ratio", 8),
    Col("peer_percentile", "同级百分位", "peer percentile", "share", 8),
    Col("single_firm", "仅一家", "single firm", "bool", 6),
    Col("anchor_firms", "链主企业", "anchor firms", "reason", 16),
    Col("top_local", "本地主要企业", "top local firms", "reason", 24),
    Col("basis", "技术依据", "basis", "reason", REASON_WIDTH, group="tech"),
    Col("gap", "缺口", "gap", "ratio", group="tech"),
    Col("group_name", "环节大类", "group", "label", group="tech"),
    Col("region", "地区代码", "region code", "code", group="tech"),
    Col("region_name", "地区", "region", "text", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
    Col("weight", "权重", "weight", "score", group="tech"),
    Col("activity", "活动变量", "activity", "text", group="tech"),
    Col("local_activity", "本地活动量", "local activity", "count", group="tech"),
    Col("national", "全国企业数", "national firms", "count", group="tech"),
    Col("ci_low", "LQ*区间下限", "LQ* CI low", "ratio", group="tech"),
    Col("ci_high", "LQ*区间上限", "LQ* CI high", "ratio", group="tech"),
    Col("hhi", "集中度HHI", "HHI", "ratio", group="tech"),
    Col("cascade_loss", "级联损失", "cascade loss", "share", group="tech"),
    Col("density", "关联密度", "density", "ratio", group="tech"),
    Col("pci", "环节复杂度PCI", "PCI", "ratio", group="tech"),
    Col("cog", "机会增益COG", "COG", "ratio", group="tech"),
)

#: Contact columns (the bundle's contacts side table, :mod:`chain_gap._contacts`): on the lead list and
#: the local-firm list only, never on the panorama or the HTML report; ``contacts=False`` leaves them out.
CONTACT_SPEC: Final[tuple[Col, ...]] = (
    Col("legal_rep", "法定代表人", "legal representative", "text", 10),
    Col("phone", "联系电话", "phone", "reason", 16),
    Col("email", "邮箱", "e-mail", "reason", 20),
    Col("website", "官网", "website", "reason", 20),
    Col("address", "地址", "address", "reason", 24),
)

#: The follow-up columns of the lead list, empty for staff to fill in and carried over by
#: ``chain-gap targets … --update FILE`` (:mod:`chain_gap.leads`).
FOLLOW_SPEC: Final[tuple[Col, ...]] = (
    Col("follow_owner", "跟进人", "owner", "text", 8, entry=True),
    Col("follow_status", "跟进状态", "status", "decision", 9, choices="follow", entry=True),
    Col("follow_date", "最近联系", "last contact", "date", 11, entry=True),
    Col("follow_note", "备注", "notes", "reason", 24, entry=True),
)

TARGET_SPEC: Final[tuple[Col, ...]] = (
    Col("rank", "排名", "rank", "count", 5, freeze=True),
    Col("name", "企业名称", "name", "reason", 22, freeze=True),
    Col("link_name", "目标环节", "link", "reason", 14),
    Col("action_label", "招商方向", "action", "label", 12),
    Col("reasons", "推荐理由", "reasons", "reason", REASON_WIDTH),
    Col("region_name", "所在地区", "region", "reason", 12),
    Col("reg_capital", "注册资本(万元)", "registered capital (10k CNY)", "money", 11, scale=_WAN, group="detail"),
    Col("revenue", "营业收入(万元)", "revenue (10k CNY)", "money", 11, scale=_WAN, group="detail"),
    Col("founded", "成立日期", "founded", "date", 11, group="detail"),
    Col("tags", "企业标签", "tags", "reason", 16),
    Col("same_province", "同省", "same province", "bool", 5, group="detail"),
    Col("stability", "排名稳定性", "rank stability", "share", 8, group="detail"),
    # the lead list prints who to call and how; mail, site and address are one click away
    *(c if c.key in ("legal_rep", "phone") else replace(c, group="detail") for c in CONTACT_SPEC),
    *FOLLOW_SPEC,
    Col("score", "综合得分", "score", "score", group="tech"),
    Col("other_links", "其他所属环节", "other links", "reason", 24, group="tech"),
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("region", "所在地区代码", "region code", "code", group="tech"),
    Col("link_priority", "环节优先级", "link priority", "ratio", group="tech"),
    Col("gap", "环节缺口", "gap", "ratio", group="tech"),
    Col("density", "可行性(关联密度)", "feasibility (density)", "ratio", group="tech"),
    Col("resilience", "韧性增益", "resilience gain", "ratio", group="tech"),
    Col("quality", "企业质量(TOPSIS)", "firm quality (TOPSIS)", "ratio", group="tech"),
    Col("fit", "本地配套契合度", "fit to local buyers", "ratio", group="tech"),
    Col("confidence", "挂链置信度", "link confidence", "share", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
)

LOCAL_SPEC: Final[tuple[Col, ...]] = (
    Col("name", "企业名称", "name", "reason", 22, freeze=True),
    Col("link_name", "所属环节", "link", "reason", 14),
    Col("stage", "环节位置", "stage", "label", 7),
    Col("role_label", "角色", "role", "label", 6),
    Col("decision_label", "挂链状态", "review status", "label", 8),
    Col("primary", "主营环节", "primary link", "bool", 6),
    Col("reg_capital", "注册资本(万元)", "registered capital (10k CNY)", "money", 11, scale=_WAN),
    Col("revenue", "营业收入(万元)", "revenue (10k CNY)", "money", 11, scale=_WAN),
    Col("confidence", "挂链置信度", "confidence", "share", 8),
    Col("evidence", "挂链依据", "evidence", "reason", REASON_WIDTH),
    Col("region_name", "所在地区", "region", "reason", 12),
    *CONTACT_SPEC,
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("region", "所在地区代码", "region code", "code", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
)

#: The second sheet of a lead list updated with ``--update``: firms of the old list no longer on
#: the new one, with what staff had written about them and why they left.
REMOVED_SPEC: Final[tuple[Col, ...]] = (
    Col("name", "企业名称", "name", "reason", 22, freeze=True),
    Col("removed_reason", "移出原因", "why removed", "reason", 30),
    *FOLLOW_SPEC,
    Col("link_name", "原目标环节", "former link", "reason", 14),
    *CONTACT_SPEC,
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
)

#: The first sheet of the Excel pack: what a leader reads before any table (``report.overview``).
OVERVIEW_SPEC: Final[tuple[Col, ...]] = (
    Col("item", "项目", "item", "label", 16, freeze=True),
    Col("value", "内容", "content", "reason", 96),
)

#: 链主 (anchor firms) of a region: ``chain-gap anchors``.
ANCHOR_SPEC: Final[tuple[Col, ...]] = (
    Col("name", "企业名称", "name", "reason", 22, freeze=True),
    Col("link_name", "所在环节", "link", "reason", 14),
    Col("reason", "认定依据", "why an anchor", "reason", REASON_WIDTH),
    Col("revenue", "营业收入(万元)", "revenue (10k CNY)", "money", 11, scale=_WAN),
    Col("reg_capital", "注册资本(万元)", "registered capital (10k CNY)", "money", 11, scale=_WAN),
    Col("size_rule", "规模达标", "size rule", "bool", 6),
    Col("proxy_rule", "上市主营代理", "listed-company proxy", "bool", 8),
    Col("anchor_pull", "本地带动系数", "anchor pull", "ratio", 8),
    Col("local_partners", "本地配套企业数", "local partners", "count", 8),
    Col("link", "环节代码", "link id", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
)

#: 以商招商: likely out-of-region suppliers of each local anchor firm (``chain-gap anchor-suppliers``).
ANCHOR_SUPPLIER_SPEC: Final[tuple[Col, ...]] = (
    Col("anchor_name", "本地链主", "local anchor", "reason", 20, freeze=True),
    Col("name", "可引进的供应商", "supplier to attract", "reason", 22, freeze=True),
    Col("region_name", "所在地区", "region", "reason", 12),
    Col("link_name", "供应商所在环节", "supplier's link", "reason", 14),
    Col("evidence", "依据", "evidence", "reason", REASON_WIDTH),
    Col("score", "得分", "score", "score", 7),
    Col("anchor_link", "链主环节代码", "anchor's link id", "code", group="tech"),
    Col("anchor_id", "链主企业ID", "anchor id", "code", group="tech"),
    Col("region", "所在地区代码", "region code", "code", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
)

#: What changes when firms are assumed to set up locally (``chain-gap whatif``).
WHATIF_SPEC: Final[tuple[Col, ...]] = (
    Col("link_name", "环节", "link", "reason", 16, freeze=True),
    Col("local_before", "本地企业数（前）", "local firms before", "count", 8),
    Col("local_after", "本地企业数（后）", "local firms after", "count", 8),
    Col("verdict_before", "诊断（前）", "verdict before", "label", 9),
    Col("verdict_after", "诊断（后）", "verdict after", "label", 9),
    Col("action_before", "招商方向（前）", "action before", "label", 9),
    Col("action_after", "招商方向（后）", "action after", "label", 9),
    Col("cascade_before", "级联损失（前）", "cascade loss before", "share", 8),
    Col("cascade_after", "级联损失（后）", "cascade loss after", "share", 8),
    Col("link", "环节代码", "link id", "code", group="tech"),
)

#: The review sheet staff fill in (``chain-gap review export``). The headers are synonyms of the
#: ``overrides`` mapping (loaders/overrides.yaml), so the filled-in sheet loads back as it is.
REVIEW_SPEC: Final[tuple[Col, ...]] = (
    Col("name", "企业名称", "name", "reason", 22, freeze=True),
    Col("link_name", "环节名称", "link name", "reason", 14),
    Col("decision", "复核结论", "decision", "decision", 10),
    Col("evidence", "挂链依据", "evidence", "reason", REASON_WIDTH),
    Col("confidence", "挂链置信度", "confidence", "share", 10),
    Col("role", "角色", "role", "label", 6),
    Col("note", "备注", "note", "reason", 24),
    Col("method", "匹配方式", "method", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise", "code", group="tech"),
    Col("link", "环节代码", "link", "code", group="tech"),
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("region", "所在地区代码", "region code", "code", group="tech"),
    Col("chain", "链条", "chain", "code", group="tech"),
)

#: 与上次相比 (chain_gap.changes): one row per link, old → new.
CHANGE_LINK_SPEC: Final[tuple[Col, ...]] = (
    Col("link_name", "环节", "link", "reason", 16, freeze=True),
    Col("status_label", "变化", "change", "label", 16),
    Col("reasons", "变化说明", "what changed", "reason", REASON_WIDTH),
    Col("old_local", "上次本地企业数", "local firms (old)", "count", 8),
    Col("new_local", "本次本地企业数", "local firms (new)", "count", 8),
    Col("entered", "新进入", "entered", "count", 6),
    Col("left", "退出", "left", "count", 6),
    Col("old_verdict_label", "上次诊断", "verdict (old)", "verdict", 9),
    Col("new_verdict_label", "本次诊断", "verdict (new)", "verdict", 9),
    Col("old_action_label", "上次招商方向", "action (old)", "label", 9),
    Col("new_action_label", "本次招商方向", "action (new)", "label", 9),
    Col("old_lq_star", "上次LQ*", "LQ* (old)", "ratio", group="tech"),
    Col("new_lq_star", "本次LQ*", "LQ* (new)", "ratio", group="tech"),
    Col("stage", "环节位置", "stage", "label", group="tech"),
    Col("weight", "权重", "weight", "score", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
    Col("status", "变化代码", "change code", "code", group="tech"),
)

#: Firms that entered or left a link between the two vintages.
CHANGE_FIRM_SPEC: Final[tuple[Col, ...]] = (
    Col("link_name", "环节", "link", "reason", 14, freeze=True),
    Col("change_label", "进出", "in / out", "label", 7),
    Col("name", "企业名称", "name", "reason", 24),
    Col("why", "原因", "why", "reason", 34),
    Col("region_name", "所在地区", "region", "reason", 14),
    Col("matched_by", "两期匹配方式", "matched by", "code", 8),
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("region", "所在地区代码", "region code", "code", group="tech"),
    Col("ent_id", "企业ID", "enterprise id", "code", group="tech"),
    Col("other_ent_id", "另一期企业ID", "id in the other vintage", "code", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
)

#: Targets of the old list that are local producers now.
SETTLED_SPEC: Final[tuple[Col, ...]] = (
    Col("name", "企业名称（上次目标）", "name (former target)", "reason", 22, freeze=True),
    Col("old_rank", "上次排名", "old rank", "count", 6),
    Col("old_link_name", "上次目标环节", "target link", "reason", 14),
    Col("old_region_name", "上次所在地区", "old region", "reason", 16),
    Col("new_name", "本地企业名称", "local firm now", "reason", 24),
    Col("new_link_names", "本地所属环节", "local links now", "reason", 14),
    Col("matched_by", "匹配方式", "matched by", "code", 8),
    Col("old_score", "上次得分", "old score", "score", group="tech"),
    Col("uscc", "统一社会信用代码", "USCC", "code", group="tech"),
    Col("old_region", "上次地区代码", "old region code", "code", group="tech"),
    Col("new_ent_id", "本地企业ID", "local enterprise id", "code", group="tech"),
    Col("old_link", "环节代码", "link id", "code", group="tech"),
)

#: The choices of the review sheet's 复核结论 dropdown (what :func:`chain_gap.vocab.decision_of` reads).
REVIEW_CHOICES: Final[dict[str, tuple[str, str, str]]] = {
    "zh": ("确认", "排除", "待定"),
    "en": ("accept", "reject", "pending"),
}

#: The choices of the lead list's 跟进状态 dropdown.
FOLLOW_CHOICES: Final[dict[str, tuple[str, str, str, str, str]]] = {
    "zh": ("未联系", "已联系", "洽谈中", "已签约", "放弃"),
    "en": ("not contacted", "contacted", "negotiating", "signed", "dropped"),
}

#: Dropdown word sets by :attr:`Col.choices`.
CHOICES: Final[dict[str, Mapping[str, tuple[str, ...]]]] = {"review": REVIEW_CHOICES, "follow": FOLLOW_CHOICES}

#: Kinds of the columns of unlabelled tables (anchors, whatif, compare's ``<region>:<column>``).
RAW_COLUMNS: Final[dict[str, str]] = {
    **{c.key: c.kind for spec in (GAP_SPEC, TARGET_SPEC, LOCAL_SPEC) for c in spec if c.scale == 1.0},
    "revenue": "count",
    "reg_capital": "count",
    "lq": "ratio",  # the plain LQ stays in the analysis table and CSVs; sheets staff read show LQ* only
    "reason": "reason",
    "evidence": "reason",
    "anchor_pull": "ratio",
    "local_partners": "count",
    "size_rule": "bool",
    "n_peers": "count",
    "C": "share",
    "WC": "share",
    "SC": "share",
    "before": "ratio",
    "after": "ratio",
    "change": "ratio",
}


def labels(spec: Sequence[Col], lang: str) -> dict[str, tuple[str, str]]:
    """Column key → (Chinese header, English header), in output order.

    Parameters
    ----------
    spec : sequence of Col
        A sheet's columns.
    lang : str
        Unused; the pair holds both languages.

    Returns
    -------
    dict
    """
    return {c.key: (c.zh, c.en) for c in spec}


def by_header(spec: Iterable[Col], lang: str) -> dict[str, Col]:
    """Header in ``lang`` → column, for the Excel writer.

    Parameters
    ----------
    spec : iterable of Col
        A sheet's columns.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict
    """
    return {c.label(lang): c for c in spec}


def raw_col(header: str, dtype_kind: str = "O", names: Mapping[str, str] = RAW_COLUMNS) -> Col:
    """The column spec of an unlabelled header: by its name (the part after ``region:`` in compare), else its dtype.

    Parameters
    ----------
    header : str
        The header as written.
    dtype_kind : str
        The numpy dtype kind of the column (``f`` float, ``i``/``u`` integer, ``b`` bool, ``M`` datetime).
    names : Mapping
        Known column name → kind.

    Returns
    -------
    Col
    """
    from chain_gap.render.excel import is_code_column

    key = str(header).rsplit(":", 1)[-1]
    kind = names.get(key) or names.get(str(header))
    if kind is None:
        if is_code_column(key):
            kind = "code"
        else:
            kind = {"f": "ratio", "i": "count", "u": "count", "b": "bool", "M": "date"}.get(dtype_kind, "text")
    width = REASON_WIDTH if kind == "reason" else None
    return Col(key, str(header), str(header), kind, width)
