"""The county division of labour and the 招商引资产业目录 as staff see them: sheets, the matrix picture, pages.

* :func:`sheets` — the labelled tables (县域分工矩阵, 主导产业建议, 同链竞争与协同, 协同分工, 招商引资产业目录)
  with their column specs (:class:`~chain_gap.render.columns.Col`), for
  :func:`chain_gap.render.excel.write_workbook`; the matrix's S columns are of kind ``heat`` (a colour
  scale from 0 to 1);
* :func:`matrix_figure` — units × chains, S as colour, the leading chains marked (★ 主导, ◇ 培育),
  chains at 无序竞争 risk marked in their header, 无数据 cells grey; matplotlib on the Agg canvas in the
  CJK font of :mod:`chain_gap.render.fonts`, never tofu;
* :func:`portfolio_page` and :func:`catalogue_page` — printable HTML pages (no script, no network).
"""

from __future__ import annotations

import base64
import io
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from chain_gap._atomic import atomic_path
from chain_gap.render import templates
from chain_gap.render.columns import REASON_WIDTH, Col
from chain_gap.render.fonts import FALLBACK_FAMILY, check_glyphs, cjk_font
from chain_gap.render.html_report import REPORT_CSP
from chain_gap.render.text import banner

__all__ = [
    "CATALOGUE_SPEC",
    "OVERLAP_SPEC",
    "ROLE_SPEC",
    "SHEET_NAMES",
    "UNIT_SPEC",
    "catalogue_page",
    "matrix_figure",
    "portfolio_page",
    "sheets",
    "write_matrix",
]

_WAN = 1e-4

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "matrix": ("县域分工矩阵", "County matrix"),
    "units": ("主导产业建议", "Leading chains"),
    "overlaps": ("同链竞争与协同", "Overlaps"),
    "roles": ("协同分工", "Shared-chain roles"),
    "catalogue": ("招商引资产业目录", "Investment catalogue"),
}

UNIT_SPEC: tuple[Col, ...] = (
    Col("unit_label", "县级单位", "unit", "reason", 16, freeze=True),
    Col("kind_label", "类型", "kind", "label", 8),
    Col("leading", "主导产业", "leading chains", "reason", 18),
    Col("cultivate", "培育产业", "to cultivate", "reason", 12),
    Col("reasons_out", "建议依据", "reasons", "reason", REASON_WIDTH + 20),
    Col("no_data", "无数据", "no data", "bool", 6),
    Col("unit", "地区代码", "region code", "code", group="tech"),
)
OVERLAP_SPEC: tuple[Col, ...] = (
    Col("chain_label", "产业链", "chain", "reason", 12, freeze=True),
    Col("risk", "无序竞争风险", "competition risk", "bool", 8),
    Col("units", "涉及单位", "units", "reason", 24),
    Col("max_s", "最高专业化S", "max S", "ratio", 8),
    Col("lead_name", "建议牵头", "suggested lead", "reason", 12),
    Col("suppliers", "建议配套", "suppliers", "reason", 16),
    Col("differentiate", "宜错位另选", "choose another chain", "reason", 16),
    Col("suggestion_out", "建议", "suggestion", "reason", REASON_WIDTH + 10),
    Col("strong_bar", "较强门槛", "strong bar", "ratio", group="tech"),
    Col("chain", "产业链代码", "chain id", "code", group="tech"),
)
ROLE_SPEC: tuple[Col, ...] = (
    Col("chain_name", "产业链", "chain", "reason", 12, freeze=True),
    Col("unit_name", "县级单位", "unit", "reason", 14),
    Col("role_label", "分工", "role", "label", 8),
    Col("s", "专业化S", "S", "ratio", 7),
    Col("feeds", "配套关系（本单位环节→牵头单位环节）", "feeds (own link → lead's link)", "reason", 36),
    Col("alternative", "次选产业", "alternative", "reason", 14),
    Col("reasons", "说明", "reasons", "reason", REASON_WIDTH),
    Col("unit", "地区代码", "region code", "code", group="tech"),
    Col("chain", "产业链代码", "chain id", "code", group="tech"),
)
CATALOGUE_SPEC: tuple[Col, ...] = (
    Col("unit_name", "县级单位", "unit", "reason", 12, freeze=True),
    Col("chain_name", "产业链", "chain", "reason", 10, freeze=True),
    Col("role_zh", "定位", "role", "label", 6),
    Col("link_name", "招商环节", "link", "reason", 14),
    Col("action_label", "招商方向", "action", "label", 8),
    Col("firm_kind_label", "引进企业类型", "kind of firm", "label", 9),
    Col("products", "主要产品", "products", "reason", 24),
    Col("median_revenue", "全国营收中位数(万元)", "national median revenue (10k CNY)", "money", 11, scale=_WAN),
    Col("median_capital", "全国注册资本中位数(万元)", "national median capital (10k CNY)", "money", 11, scale=_WAN),
    Col("targets", "重点目标企业", "target firms", "reason", 36),
    Col("buy_from", "以商招商：可就近采购", "local suppliers to buy from", "reason", 26),
    Col("sell_to", "以商招商：可就近供货", "local customers to supply", "reason", 26),
    Col("area_partners", "市内其他单位可配套", "partners elsewhere in the area", "reason", 26),
    Col("brief", "项目策划摘要", "brief", "reason", REASON_WIDTH + 16),
    Col("priority", "优先级", "priority", "ratio", 7),
    Col("local", "本地企业数", "local firms", "count", 7),
    Col("verdict_zh", "诊断", "verdict", "label", 7),
    Col("firm_kind_why", "企业类型依据", "why this kind", "reason", REASON_WIDTH, group="tech"),
    Col("national_producers", "全国生产企业数", "national producers", "count", group="tech"),
    Col("n_targets", "目标企业总数", "targets in all", "count", group="tech"),
    Col("unit", "地区代码", "region code", "code", group="tech"),
    Col("chain", "产业链代码", "chain id", "code", group="tech"),
    Col("link", "环节代码", "link id", "code", group="tech"),
)

_EN_KIND = {"链主": "chain leader", "专精特新": "specialised SME", "配套": "supplier"}


def _name(key: str, lang: str) -> str:
    zh, en = SHEET_NAMES[key]
    return zh if lang == "zh" else en


def _labelled(df: pd.DataFrame, spec: tuple[Col, ...], lang: str) -> tuple[pd.DataFrame, dict[str, Col]]:
    d = df.copy()
    for c in spec:
        if c.scale != 1.0 and c.key in d:
            d[c.key] = pd.to_numeric(d[c.key], errors="coerce") * c.scale
    keep = [c for c in spec if c.key in d.columns]
    out = d[[c.key for c in keep]]
    out.columns = [c.label(lang) for c in keep]
    return out, {c.label(lang): c for c in keep}


def _unit_label(r: Any, lang: str) -> str:
    from chain_gap.portfolio import unit_label

    return unit_label(r, lang)


def sheets(
    pf: Any, cat: pd.DataFrame | None, lang: str = "zh"
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, Col]]]:
    """The portfolio's (and catalogue's) sheets, labelled, with the column specs of each.

    Parameters
    ----------
    pf : Portfolio
        :func:`chain_gap.portfolio.portfolio`.
    cat : pandas.DataFrame or None
        :func:`chain_gap.catalogue.catalogue` (no catalogue sheet when None).
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    (dict, dict)
        Sheet name → table, and sheet name → header → column spec.
    """
    zh = lang == "zh"
    out: dict[str, pd.DataFrame] = {}
    specs: dict[str, dict[str, Col]] = {}
    # the matrix: one row per unit, S per chain (heat), then the suggestion
    wide = pf.matrix("s", lang).reset_index(names="unit")
    first = "县级单位" if zh else "unit"
    wide = wide.rename(columns={"unit": first})
    lead = pf.units.set_index("unit")
    wide[("主导产业" if zh else "leading")] = list(lead["leading"])
    wide[("培育产业" if zh else "to cultivate")] = list(lead["cultivate"])
    mspec = {first: Col("unit", first, first, "reason", 18, freeze=True)}
    for c in wide.columns[1:-2]:
        mspec[str(c)] = Col(str(c), str(c), str(c), "heat", 8)
    for c in wide.columns[-2:]:
        mspec[str(c)] = Col(str(c), str(c), str(c), "reason", 16)
    name = _name("matrix", lang)
    out[name], specs[name] = wide, mspec
    u = pf.units.copy()
    u["unit_label"] = [_unit_label(r, lang) for r in u.itertuples()]
    u["kind_label"] = u["kind_zh"] if zh else u["kind_en"]
    u["reasons_out"] = u["reasons"] if zh else u["reasons_en"]
    if not zh:
        ids = pf.scores.drop_duplicates("chain").set_index("chain")["chain_name_en"]
        roles = pf.scores[pf.scores["role"] != ""]
        u["leading"] = [
            ", ".join(ids[c] for c in roles.loc[(roles["unit"] == r.unit) & (roles["role"] == "lead"), "chain"])
            for r in u.itertuples()
        ]
        u["cultivate"] = [
            ", ".join(ids[c] for c in roles.loc[(roles["unit"] == r.unit) & (roles["role"] == "cultivate"), "chain"])
            for r in u.itertuples()
        ]
    name = _name("units", lang)
    out[name], specs[name] = _labelled(u, UNIT_SPEC, lang)
    o = pf.overlaps.copy()
    o["chain_label"] = o["chain_name"] if zh else o["chain_name_en"]
    o["suggestion_out"] = o["suggestion"] if zh else o["suggestion_en"]
    name = _name("overlaps", lang)
    out[name], specs[name] = _labelled(o, OVERLAP_SPEC, lang)
    r = pf.roles.copy()
    from chain_gap.portfolio import SHARE_ROLES

    r["role_label"] = r["share_role"].map(lambda x: SHARE_ROLES[x][0 if zh else 1])
    name = _name("roles", lang)
    out[name], specs[name] = _labelled(r, ROLE_SPEC, lang)
    if cat is not None:
        from chain_gap.labels import ACTION_LABELS

        c = cat.copy()
        c["action_label"] = c["action"].map(ACTION_LABELS[lang])
        c["firm_kind_label"] = c["firm_kind_zh"] if zh else c["firm_kind_zh"].map(_EN_KIND)
        if not zh:
            c["link_name"] = c["link_name_en"]
        name = _name("catalogue", lang)
        out[name], specs[name] = _labelled(c, CATALOGUE_SPEC, lang)
    return out, specs


def notes(pf: Any, cat: pd.DataFrame | None, lang: str = "zh", vintage: str = "") -> dict[str, str]:
    """The 数据说明 of the portfolio workbook: the rule, the settings in force, what the data cannot say."""
    p = pf.attrs["config"]["portfolio"]
    c = pf.attrs["config"]["catalogue"]
    zh = lang == "zh"
    basis = "LQ*" if p["lq_basis"] == "lq_star" else ("LQ*区间下限" if zh else "lower end of the LQ* interval")
    if zh:
        out = {
            "地区": f"{pf.attrs['area_name']}（{pf.attrs['area']}），单元：{'县级单位（含功能区）' if pf.attrs['level'] == 'county' else '地级市'}",
            "数据时点": vintage or "—",
            "活动变量": pf.attrs["activity_zh"],
            "专业化S": f"S = Σ 环节权重 × min({basis}, {p['lq_cap']:g}) / {p['lq_cap']:g}，仅计本地有生产企业的环节；权重在数据可见的环节中归一，S∈[0,1]（各环节均为全国平均水平时S≈{1 / p['lq_cap']:.2f}）",
            "可行性F": "F = 缺失环节关联密度（ORACLES M6，对比数据中全部同级单位）按权重的加权平均；无缺失环节时不计算",
            "主导产业": f"S≥{p['leading_floor']:.2f}的产业链中S最高的至多{p['leading_max']}条；均未达门槛时取F最高的一条，标为“培育”",
            "无序竞争风险": f"两个及以上单位以同一产业链为主导/培育，且无一S≥{p['strong_bar']:.2f}；建议S最高者牵头，其本地环节向牵头单位供货（产业链模板feeds）者配套，其余错位另选",
            "引进企业类型": f"链主：至少{c['owner_min_inputs']}个环节向其供货且权重≥链均值×{c['owner_weight_factor']:g}；专精特新：全国该环节生产企业中专精特新/小巨人占比≥{c['specialised_share']:.0%}；其余为配套",
            "规模": "全国该环节生产企业的营业收入、注册资本中位数（仅计已知值）",
            "无数据": banner(pf, "zh", "banner") or "—",
            "设置文件": "graph/config/portfolio.toml；无数据规则见 graph/config/gaps.toml [data]",
        }
        if cat is not None and cat.attrs.get("skipped_no_data"):
            out["目录未列入（无数据）"] = "、".join(cat.attrs["skipped_no_data"])
    else:
        out = {
            "Area": f"{pf.attrs['area_name']} ({pf.attrs['area']}), units: {pf.attrs['level']}",
            "Data vintage": vintage or "—",
            "Activity": pf.attrs["activity"],
            "Specialisation S": f"S = Σ weight × min({basis}, {p['lq_cap']:g}) / {p['lq_cap']:g} over links with a local producer; weights renormalised over the links the data see",
            "Feasibility F": "weight-averaged relatedness density (ORACLES M6) of the missing links",
            "Leading chains": f"up to {p['leading_max']} chains with S ≥ {p['leading_floor']:.2f}; else the best F, marked to cultivate",
            "Competition risk": f"two or more units hold a chain, none with S ≥ {p['strong_bar']:.2f}",
            "Kind of firm": f"chain leader: ≥ {c['owner_min_inputs']} input links and weight ≥ mean × {c['owner_weight_factor']:g}; specialised SME: ≥ {c['specialised_share']:.0%} tagged producers; else supplier",
            "No data": banner(pf, "en", "banner") or "—",
            "Settings": "graph/config/portfolio.toml; the no-data rule is [data] of graph/config/gaps.toml",
        }
    return out


# ------------------------------------------------------------------------------------- the picture

_TEXT = {
    "zh": {
        "title": "{area} 县域产业分工矩阵（专业化S）",
        "sub": "数据时点：{vintage} · 活动变量：{activity} · ★主导（S≥{floor:.2f}，至多{k}条） ◇培育（缺失环节关联密度F最高）"
        " · ▲无序竞争风险（多单位同选且S均<{bar:.2f}） · 灰色：无数据",
        "bar": "专业化S",
        "no_data": "无数据",
        "synthetic": "合成演示数据",
    },
    "en": {
        "title": "{area}: division of labour across chains (specialisation S)",
        "sub": "data: {vintage} · activity: {activity} · ★ leading (S ≥ {floor:.2f}, at most {k}) ◇ to cultivate (best F)"
        " · ▲ competition risk (several units, all S < {bar:.2f}) · grey: no data",
        "bar": "specialisation S",
        "no_data": "no data",
        "synthetic": "synthetic demo data",
    },
}


def matrix_figure(pf: Any, *, lang: str = "zh", vintage: str = "", synthetic: bool = False) -> Any:
    """Units × chains, S as colour, leading chains marked: the picture a leader reads at a glance.

    Parameters
    ----------
    pf : Portfolio
        :func:`chain_gap.portfolio.portfolio`.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    vintage : str
        The data vintage for the subtitle.
    synthetic : bool
        Watermark the picture as synthetic demo data.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np
    from matplotlib import colormaps, font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Rectangle

    t = _TEXT["zh" if lang == "zh" else "en"]
    _path, family = cjk_font()
    fallback = font_manager.findfont(FontProperties(family=FALLBACK_FAMILY), fallback_to_default=True)
    wide = pf.matrix("s", lang)
    sc = pf.scores
    chains = list(dict.fromkeys(sc["chain"]))
    units = list(dict.fromkeys(sc["unit"]))
    role = sc.set_index(["unit", "chain"])["role"]
    risk = set(pf.overlaps.loc[pf.overlaps["risk"], "chain"]) if len(pf.overlaps) else set()
    cfg = pf.attrs["config"]["portfolio"]
    vals = wide.to_numpy(float)
    vmax = max(float(cfg["strong_bar"]), float(np.nanmax(vals)) if np.isfinite(vals).any() else 0.0, 0.05)
    n_r, n_c = vals.shape
    fig = Figure(figsize=(max(8.0, 1.05 * n_c + 3.2), max(4.0, 0.48 * n_r + 2.4)), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.2, 0.08, 0.72, 0.74))
    cmap = colormaps["Blues"].with_extremes(bad="#d9d9d9")
    im = ax.imshow(np.ma.masked_invalid(vals), cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
    drawn: list[str] = []

    def txt(x: float, y: float, s: str, **kw: Any) -> None:
        drawn.append(s)
        ax.text(x, y, s, family=[family, FALLBACK_FAMILY], **kw)

    for i, u in enumerate(units):
        for j, c in enumerate(chains):
            v = vals[i, j]
            r = role.get((u, c), "")
            if math.isnan(v):
                txt(j, i, t["no_data"], ha="center", va="center", fontsize=7, color="#666666")
                continue
            mark = "★" if r == "lead" else "◇" if r == "cultivate" else ""
            dark = v > 0.6 * vmax
            txt(
                j,
                i,
                f"{mark}{v:.2f}",
                ha="center",
                va="center",
                fontsize=9 if mark else 8,
                weight="bold" if mark else "normal",
                color="#ffffff" if dark else "#1f2328",
            )
            if r:
                ax.add_patch(
                    Rectangle(
                        (j - 0.46, i - 0.44),
                        0.92,
                        0.88,
                        fill=False,
                        lw=2.2 if r == "lead" else 1.4,
                        ls="-" if r == "lead" else "--",
                        ec="#c0392b",
                    )
                )
    cols = [("▲" if c in risk else "") + str(name) for c, name in zip(chains, wide.columns)]
    drawn += cols + [str(x) for x in wide.index]
    ax.set_xticks(range(n_c), cols, rotation=35, ha="right", family=[family, FALLBACK_FAMILY], fontsize=9)
    ax.set_yticks(range(n_r), [str(x) for x in wide.index], family=[family, FALLBACK_FAMILY], fontsize=9)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("left")
    cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
    cb.set_label(t["bar"], family=[family, FALLBACK_FAMILY])
    drawn.append(t["bar"])
    title = t["title"].format(area=pf.attrs["area_name"])
    sub = t["sub"].format(
        vintage=vintage or "—",
        activity=pf.attrs["activity_zh"] if lang == "zh" else pf.attrs["activity"],
        floor=cfg["leading_floor"],
        k=cfg["leading_max"],
        bar=cfg["strong_bar"],
    )
    fig.text(0.02, 0.975, title, family=[family, FALLBACK_FAMILY], fontsize=14, weight="bold", va="top")
    fig.text(0.02, 0.935, sub, family=[family, FALLBACK_FAMILY], fontsize=7.5, va="top", color="#57606a", wrap=True)
    drawn += [title, sub]
    if synthetic:
        fig.text(0.5, 0.5, t["synthetic"], ha="center", va="center", fontsize=40, alpha=0.07, rotation=18,
                 family=[family, FALLBACK_FAMILY])  # fmt: skip
        drawn.append(t["synthetic"])
    fig.subplots_adjust()
    resolved = font_manager.findfont(FontProperties(family=[family]), fallback_to_default=True)
    check_glyphs(drawn, [resolved, fallback])
    return fig


def write_matrix(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Save the matrix picture as PNG (150 dpi), atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        :func:`matrix_figure`.
    path : str or os.PathLike
        The PNG file.

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=150, facecolor="white", bbox_inches="tight")
    return target


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, facecolor="white", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


# ------------------------------------------------------------------------------------- the pages

_PAGE = {
    "zh": {
        "title": "{area} 县域产业分工（错位发展）",
        "catalogue_title": "{area} 招商引资产业目录",
        "synthetic": "合成演示数据 —— 企业与数字均为程序生成，不代表真实情况",
        "matrix": "县域分工矩阵",
        "units": "各单位主导产业建议",
        "overlaps": "同链竞争与协同",
        "no_overlaps": "没有两个及以上单位选择同一产业链。",
        "catalogue": "招商引资产业目录",
        "no_catalogue": "目录为空（无主导/培育产业或无数据）。",
        "notes": "数据说明",
        "unit": "县级单位",
        "kind": "类型",
        "leading": "主导产业",
        "cultivate": "培育产业",
        "why": "建议依据",
        "chain": "产业链",
        "risk": "无序竞争风险",
        "yes": "是",
        "no": "否",
        "suggestion": "建议",
        "footer": "由 chain-gap 生成。页面不含脚本、不访问网络，可在内网离线打开、直接打印。",
    },
    "en": {
        "title": "{area}: division of labour between counties",
        "catalogue_title": "{area}: investment-promotion catalogue",
        "synthetic": "Synthetic demo data — firms and numbers are generated, not real",
        "matrix": "County matrix",
        "units": "Suggested leading chains",
        "overlaps": "Shared chains",
        "no_overlaps": "No chain is chosen by two or more units.",
        "catalogue": "Investment-promotion catalogue",
        "no_catalogue": "The catalogue is empty (no leading chain, or no data).",
        "notes": "Notes",
        "unit": "Unit",
        "kind": "Kind",
        "leading": "Leading",
        "cultivate": "To cultivate",
        "why": "Reasons",
        "chain": "Chain",
        "risk": "Competition risk",
        "yes": "yes",
        "no": "no",
        "suggestion": "Suggestion",
        "footer": "Made with chain-gap. No scripts, nothing loaded from the network; prints as it is.",
    },
}


def _catalogue_groups(cat: pd.DataFrame | None) -> list[dict[str, Any]]:
    if cat is None or cat.empty:
        return []
    groups = []
    for _key, g in cat.groupby(["unit", "chain"], sort=False):
        first = g.iloc[0]
        groups.append(
            {
                "unit": str(first["unit_name"]),
                "chain": str(first["chain_name"]),
                "role": str(first["role_zh"]),
                "entries": [
                    {
                        "link": str(r["link_name"]),
                        "action": str(r["action_zh"]),
                        "kind": str(r["firm_kind_zh"]),
                        "brief": str(r["brief"]),
                    }
                    for r in g.to_dict("records")
                ],
            }
        )
    return groups


def portfolio_page(
    pf: Any,
    cat: pd.DataFrame | None,
    *,
    lang: str = "zh",
    vintage: str = "",
    synthetic: bool = False,
    figure: Any = None,
    catalogue_only: bool = False,
) -> str:
    """The portfolio (or, with ``catalogue_only``, the catalogue) as one printable HTML page.

    Parameters
    ----------
    pf : Portfolio
        :func:`chain_gap.portfolio.portfolio`.
    cat : pandas.DataFrame or None
        :func:`chain_gap.catalogue.catalogue`.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    vintage : str
        Data vintage shown under the title.
    synthetic : bool
        Show the synthetic-data banner.
    figure : matplotlib.figure.Figure, optional
        The matrix picture (drawn when not given and the page is not the catalogue only).
    catalogue_only : bool
        The 招商引资产业目录 alone, ready to paste into a 项目策划 brief.

    Returns
    -------
    str
    """
    t = _PAGE["zh" if lang == "zh" else "en"]
    zh = lang == "zh"
    area = pf.attrs["area_name"]
    png = "" if catalogue_only else _png(figure or matrix_figure(pf, lang=lang, vintage=vintage, synthetic=synthetic))
    units = [
        {
            "unit": _unit_label(r, lang),
            "kind": r.kind_zh if zh else r.kind_en,
            "leading": r.leading,
            "cultivate": r.cultivate,
            "why": r.reasons if zh else r.reasons_en,
        }
        for r in pf.units.itertuples()
    ]
    overlaps = [
        {
            "chain": r.chain_name if zh else r.chain_name_en,
            "risk": t["yes"] if r.risk else t["no"],
            "suggestion": r.suggestion if zh else r.suggestion_en,
        }
        for r in pf.overlaps.itertuples()
    ]
    return templates.render(
        "portfolio.html.j2",
        html_lang="zh-CN" if zh else "en",
        csp=templates.inline(REPORT_CSP, "content security policy"),
        css=templates.inline(templates.asset("report.css"), "report.css"),
        title=(t["catalogue_title"] if catalogue_only else t["title"]).format(area=area),
        t=t,
        synthetic=synthetic,
        meta=f"{pf.attrs['area']} · {vintage or '—'}",
        banner=banner(pf, lang, "banner"),
        catalogue_only=catalogue_only,
        matrix_b64=png,
        units=units,
        overlaps=overlaps,
        groups=_catalogue_groups(cat),
        notes=list(notes(pf, cat, lang, vintage).items()),
    )


def catalogue_page(pf: Any, cat: pd.DataFrame, **kwargs: Any) -> str:
    """The 招商引资产业目录 alone as a printable page (see :func:`portfolio_page`)."""
    return portfolio_page(pf, cat, catalogue_only=True, **kwargs)


def write_portfolio_workbook(
    path: str | os.PathLike[str],
    pf: Any,
    cat: pd.DataFrame | None,
    *,
    lang: str = "zh",
    vintage: str = "",
) -> Path:
    """The portfolio workbook: matrix, leading chains, overlaps, roles, the catalogue and the notes.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` file.
    pf : Portfolio
        :func:`chain_gap.portfolio.portfolio`.
    cat : pandas.DataFrame or None
        :func:`chain_gap.catalogue.catalogue`.
    lang : str
        ``"zh"`` (default) or ``"en"``.
    vintage : str
        The data vintage (printed footer and notes).

    Returns
    -------
    pathlib.Path
    """
    from chain_gap.render.excel import Page, write_workbook

    tables, specs = sheets(pf, cat, lang)
    return write_workbook(
        path,
        tables,
        notes=notes(pf, cat, lang, vintage),
        notes_sheet="数据说明" if lang == "zh" else "Notes",
        notes_header=("项目", "说明") if lang == "zh" else ("Item", "Note"),
        columns=specs,
        lang=lang,
        page=Page(region=str(pf.attrs["area_name"]), vintage=vintage),  # each page titled by its sheet
    )
