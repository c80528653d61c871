"""The chain map's 企业画像 (firm cards): profile rows of :func:`chain_gap.profiles.firm_profiles` as page records.

Every value becomes a display string here (万元, dates, Chinese tags, role and decision words), so the
page's script only places text; it sets each with ``textContent``, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from chain_gap.profiles import CONTACT_COLUMNS
from chain_gap.render.text import fmt_money, fmt_num, number, text
from chain_gap.vocab import DECISION_LABELS, INACTIVE_TAGS, ROLE_LABELS, TAG_ZH

__all__ = ["SCOPE_CHARS", "card_records"]

#: Characters of the business scope shown on a card (the registry text can run to a page).
SCOPE_CHARS = 160

_TAG_EN = {"listed": "listed", "delisted": "delisted"}
_STATUS = {
    "zh": {"active": "未见注销、吊销记录", **{t: TAG_ZH.get(t, t) for t in INACTIVE_TAGS}},
    "en": {"active": "no deregistration on record", **{t: _TAG_EN.get(t, t) for t in INACTIVE_TAGS}},
}


def _tags(v: Any) -> list[str]:
    if v is None or isinstance(v, float):
        return []
    if isinstance(v, str):
        return [v] if v else []
    try:
        return [str(t) for t in v if str(t)]
    except TypeError:
        return []


def _share(v: Any) -> str:
    x = number(v)
    if x is None:
        return ""
    return f"{x * 100:.0f}%" if x <= 1 else f"{x:.0f}%"


def card_records(
    profiles: pd.DataFrame | None, link_names: Mapping[str, str], lang: str, *, contacts: bool = True
) -> dict[str, dict[str, Any]]:
    """Firm id → the card record the page shows.

    Parameters
    ----------
    profiles : pandas.DataFrame or None
        Rows of :func:`chain_gap.profiles.firm_profiles`; ``None`` gives no cards.
    link_names : mapping
        Link id → its display name, for the links a firm is on.
    lang : str
        ``"zh"`` or ``"en"``.
    contacts : bool
        Keep the contact fields; ``False`` drops them even when the rows carry them.

    Returns
    -------
    dict
        ``id → {name, uscc, stock_code, capital, founded, status, tags, products, scope,
        scope_cut, contacts, links}``; ``contacts`` is a list of ``[field, value]`` pairs (empty
        when not loaded), ``links`` a list of ``{link, name, role, decision, confidence, evidence}``.
    """
    if profiles is None or not len(profiles):
        return {}
    roles, decisions = ROLE_LABELS[lang], DECISION_LABELS[lang]
    out: dict[str, dict[str, Any]] = {}
    for r in profiles.to_dict("records"):
        tags = _tags(r.get("tags"))
        inactive = [t for t in tags if t in INACTIVE_TAGS]
        shown_tags = [(TAG_ZH.get(t, t) if lang == "zh" else _TAG_EN.get(t, t)) for t in tags if t not in INACTIVE_TAGS]
        scope = text(r.get("scope"))
        products = []
        for p in r.get("products") or []:
            name, share = (p[0], p[1]) if isinstance(p, list | tuple) else (p, None)
            products.append([text(name), _share(share)])
        links = []
        for lk in r.get("links") or []:
            lid = text(lk.get("link"))
            role, dec = text(lk.get("role")), text(lk.get("decision"))
            links.append(
                {
                    "link": lid,
                    "name": link_names.get(lid, lid),
                    "role": roles.get(role, role),
                    "decision": decisions.get(dec, dec),
                    "confidence": fmt_num(lk.get("confidence")),
                    "evidence": text(lk.get("evidence")),
                }
            )
        cts = [[c, text(r.get(c))] for c in CONTACT_COLUMNS if contacts and text(r.get(c))]
        out[text(r["ent_id"])] = {
            "name": text(r.get("name")),
            "uscc": text(r.get("uscc")),
            "stock_code": text(r.get("stock_code")),
            "capital": fmt_money(r.get("reg_capital"), lang),
            "founded": text(r.get("founded"))[:10] or "—",
            "status": "、".join(_STATUS[lang].get(t, t) for t in inactive) or _STATUS[lang]["active"],
            "inactive": bool(inactive),
            "tags": shown_tags,
            "products": products,
            "scope": scope[:SCOPE_CHARS] + ("…" if len(scope) > SCOPE_CHARS else ""),
            "contacts": cts,
            "links": links,
        }
    return out
