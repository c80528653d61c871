"""Enterprise tables: vendor exports, registry and 规上企业 lists, listed-company lists.

Each field of a row is read into the enterprise record (name, USCC, stock code, region, industry,
capital, revenue, staff, founding date, tags, products), every value that cannot be used becomes a
warning, and the record is created or merged through :meth:`~chain_gap.load.identity.Loader.upsert`.
The region is the most specific place the row's region / province / city / county texts, its address
and last its USCC's registration-authority code name (:mod:`chain_gap.codes` resolves them).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from chain_gap import codes, normalize
from chain_gap._contacts import CONTACT_COLUMNS
from chain_gap._fastgraph import attr_dict
from chain_gap.load.contacts import ContactColumns
from chain_gap.load.identity import Loader
from chain_gap.load.issues import FileStats
from chain_gap.load.mapping import FieldSpec, Mapping
from chain_gap.load.relations import makes
from chain_gap.load.table import Rows
from chain_gap.load.values import (
    FORMULA,
    MAX_NAME,
    MAX_TEXT,
    clean_name,
    implausible_date,
    looks_negative,
    map_unique,
    norm_name,
    parse_date_text,
    parse_int_text,
    parse_money_text,
    split,
    valid_usccs,
)
from chain_gap.load.values import short as short_text

__all__ = ["REGION_FIELDS", "prepare"]

REGION_FIELDS = ("region", "province", "city", "county")
"""The fields a row's region is read from, broadest last (the address and USCC come after them)."""

#: A negative amount or count, which no firm can have: the value is left out (``value-negative``).
_NEGATIVE = "negative value: not possible for {}; row loaded without it"


def _region_of(
    ld: Loader,
    m: Mapping,
    memo: dict[tuple[str, ...], tuple[str | None, list[tuple[str, str]]]],
    texts: tuple[str, ...],
    addr: str | None,
    st: FileStats,
    row_no: int,
    uscc: str | None,
) -> str | None:
    """Most specific GB/T 2260 code of a row from its region / province / city / county texts
    (``memo``: their results for mapping ``m``), its address (None when the mapping has no
    address field) and last the registration-authority code in its USCC."""
    hit = memo.get(texts)
    if hit is None:
        hit = memo[texts] = _region_fields(ld, m, dict(zip(REGION_FIELDS, texts)))
    best, unknown = hit
    for f, text in unknown:
        ld.warn(st, row_no, f, text, "unknown region; row loaded without it")
    if addr is not None and addr and (best is None or not codes.is_county(best)):
        if addr not in ld.address_memo:
            try:
                r = codes.region_from_address(addr[:500])
            except codes.RegionError:
                r = None
            ld.address_memo[addr] = r.code if r is not None else None
        code = ld.address_memo[addr]
        if code is not None:
            if best is None or best in codes.ancestors(code):
                best = code
        elif best is None:
            ld.warn(st, row_no, "address", addr, "no region found in the address")
    if best is None and uscc:
        cand = uscc[2:8]
        if codes.is_region_code(cand):
            best = cand
    return best


def _region_fields(ld: Loader, m: Mapping, text_of: dict[str, str]) -> tuple[str | None, list[tuple[str, str]]]:
    """Most specific code the region / province / city / county texts of a row give, and the
    (field, text) pairs that name no known region. Memoised per distinct combination."""
    found: list[str] = []
    unknown: list[tuple[str, str]] = []
    # a qualified name (河南省商丘市睢阳区) settles county names used in several places (鼓楼区)
    parts = [text_of[f] for f in ("province", "city", "county") if f in m.fields and m.fields[f].resolve is None]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        joined = "".join(parts)
        if joined not in ld.address_memo:
            try:
                ld.address_memo[joined] = codes.resolve_region(joined).code
            except codes.RegionError:
                ld.address_memo[joined] = None
        joined_code = ld.address_memo[joined]
        if joined_code is not None:
            found.append(joined_code)
            parts_ok = True
        else:
            parts_ok = False
    else:
        parts_ok = False
    for f in REGION_FIELDS:
        spec = m.fields.get(f)
        if spec is None:
            continue
        if parts_ok and f in ("province", "city", "county") and spec.resolve is None:
            continue
        text = text_of[f]
        if not text:
            continue
        key = (text, f, spec.resolve, tuple(found))
        if key not in ld.region_memo:
            ld.region_memo[key] = _resolve_region_text(ld, text, f, spec, found)
        code = ld.region_memo[key]
        if code is None:
            unknown.append((f, text))
        else:
            found.append(code)
    return codes.most_specific(found), unknown


def _resolve_region_text(ld: Loader, text: str, f: str, spec: FieldSpec, context: list[str]) -> str | None:
    if spec.resolve == "province_short":
        code = codes.province_from_short(text)
        if code is not None:
            return getattr(code, "code", code)
    try:
        r = codes.resolve_region(text)
    except codes.RegionError:
        r = None
    if r is not None:
        # a short name like 朝阳区 exists in several cities: prefer the one under what is known
        if context and not any(c == r.code or c in codes.ancestors(r.code) for c in context):
            for ctx in context:
                alt = codes.resolve_under(text, ctx)
                if alt:
                    return alt
        return r.code
    for ctx in context:
        alt = codes.resolve_under(text, ctx)
        if alt:
            return alt
    return None


def _tags_column(ld: Loader, rows: Rows, f: str) -> list[list[str]]:
    """Tags of field ``f`` for every row, computed once per distinct combination of cells
    (the lists are shared between rows: copy before changing one)."""
    spec = rows.mapping.fields[f]
    memo = ld.tags_memo
    out = []
    for vals in rows.all_column(f):
        key = (id(spec), tuple(vals))
        tags = memo.get(key)
        if tags is None:
            tags = memo[key] = _tags_of(spec, vals)
        out.append(tags)
    return out


def _tags_of(spec: FieldSpec, vals: list[str]) -> list[str]:
    out: list[str] = []
    if spec.tag_map is not None and not vals and "" in spec.tag_map:
        vals = [""]
    for v in vals:
        parts = [v] if spec.tag_map and v in spec.tag_map else (split(v) or [v])
        for p in parts:
            if spec.tag_map is not None:
                t = spec.tag_map.get(p)
                if t is None and spec.keep_unmapped:
                    t = p
            else:
                t = p
            if t and t not in out:
                out.append(t)
    return out


def _same(a: str, b: str) -> str:
    """``b``, or ``a`` itself when equal (the graph then holds one string object for both)."""
    return a if a == b else b


def _identity(v: str) -> str:
    return v


def prepare(ld: Loader, rows: Rows, m: Mapping) -> Callable[..., None]:
    """The row handler of an enterprise table, with every field parsed column-wise first.

    Exports repeat the same region, industry, capital and date texts thousands of times, so
    each distinct cell text of a column is parsed once, before the row loop; the loop then only
    assembles records in file order and reports warnings and rejects exactly where a per-row
    parse would (same order, same texts).

    Parameters
    ----------
    ld : Loader
        The load in progress (graph, identity index, counts).
    rows : Rows
        Column access to the enterprise table.
    m : Mapping
        The table's source mapping.

    Returns
    -------
    callable
        Called as ``handler(rows, i, row_no, st, src, m)`` once per row, in file order.
    """
    f = m.fields
    n = rows.n
    empty = [""] * n

    def col(name: str) -> list[str]:
        return rows.column(name) if name in f else empty

    def name_text(raw: str) -> str:
        return clean_name(raw) if raw and len(raw) <= MAX_NAME else ""

    raw_names, raw_shorts = col("name"), col("short_name")
    names = map_unique(name_text, raw_names, distinct=True)
    shorts = map_unique(name_text, raw_shorts)
    # a normal form equal to the name is the name's own string object (most firms: one string, not two)
    norms = [_same(v, norm_name(v)) if v else "" for v in names]
    has_uscc, has_stock = "uscc" in f, "stock_code" in f
    uscc_raw = col("uscc")
    valid_uscc = valid_usccs(uscc_raw) if has_uscc else {}
    stock_raw = col("stock_code")
    stocks = map_unique(lambda v: ld.stock(v)[0] if v else None, stock_raw) if has_stock else []
    region_texts = list(zip(*(col(x) for x in REGION_FIELDS)))
    # an A-share `area` that names a city (深圳) rather than a province: the city, marked inferred
    area_fields = [x for x in REGION_FIELDS if x in f and f[x].resolve == "province_short"]
    area_cities = [map_unique(lambda v: codes.city_from_short(v) if v else None, col(x)) for x in area_fields]
    region_memo = ld.region_fields_memo.setdefault(id(m), {})
    has_address = "address" in f
    addresses = col("address")
    has_industry = "industry" in f
    ind_raw = col("industry")

    def industry_of(raw: str) -> tuple[str | None, bool]:
        if not raw:
            return None, False
        if raw not in ld.industry_memo:
            ld.industry_memo[raw] = codes.resolve_industry(raw)
        code = ld.industry_memo[raw]
        return code, bool(code and codes.is_class_code(code))

    industries = map_unique(industry_of, ind_raw) if has_industry else []
    has_scope = "scope" in f
    # equal scope texts share one string (branches and group members repeat their parent's scope);
    # map_unique keeps the cells as they are when most are distinct
    scopes = map_unique(_identity, col("scope"))

    def parsed(name: str, parse: Callable[[str], Any]) -> tuple[bool, list[str], list[Any]]:
        if name not in f:
            return False, empty, []
        texts = rows.column(name)
        return True, texts, map_unique(lambda t: parse(t) if t else None, texts)

    units = rows.units
    has_cap, cap_raw, caps = parsed("reg_capital", lambda t: parse_money_text(t, units.get("reg_capital"), True))
    has_rev, rev_raw, revs = parsed("revenue", lambda t: parse_money_text(t, units.get("revenue"), False))
    has_emp, emp_raw, emps = parsed("employees", parse_int_text)
    date_fields = [(name, *parsed(name, parse_date_text)) for name in ("founded", "listed_on")]
    tag_cols = [_tags_column(ld, rows, fname) for fname, spec in f.items() if spec.type == "tags"]
    base_tags = list(m.tags)
    has_products = "products" in f
    pmemo = ld.products_memo

    def products_of(v: str) -> list[str]:
        names_ = pmemo.get(v)
        if names_ is None:
            names_ = pmemo[v] = [p for p in (clean_name(p) for p in split(v[:MAX_TEXT])) if p and len(p) <= MAX_NAME]
        return names_

    product_cells = rows.all_column("products") if has_products else []
    contacts = ContactColumns(ld, rows, m)
    new_contact = attr_dict("contacts", "Enterprise", CONTACT_COLUMNS)
    warn, reject = ld.warn, ld.reject
    formula = "name looks like a spreadsheet formula; kept as text (outputs neutralise it)"
    today = datetime.date.today()

    def row(rows: Rows, i: int, row_no: int, st: FileStats, src: str, m: Mapping) -> None:
        where = f"{src}:{row_no}"
        rec: dict[str, Any] = {}
        # name: the legal name, else the short name (证券简称) standing in for it
        raw_name, raw_short = raw_names[i], raw_shorts[i]
        name, short = names[i], shorts[i]
        if name.startswith(FORMULA):
            warn(st, row_no, "name", raw_name, formula)
        if short.startswith(FORMULA):
            warn(st, row_no, "short_name", raw_short, formula)
        legal = bool(name)
        if legal:
            name_norm = norms[i]
        else:
            name = short
            if not name:
                if max(len(raw_name), len(raw_short)) > MAX_NAME:
                    reject(
                        st,
                        row_no,
                        "name",
                        raw_name or raw_short,
                        f"name longer than {MAX_NAME} characters: not a usable enterprise name",
                    )
                else:
                    reject(st, row_no, "name", raw_name or raw_short, "no usable enterprise name")
                return
            name_norm = norm_name(name)
        if not name_norm:
            reject(st, row_no, "name", raw_name or raw_short, "no usable enterprise name")
            return
        rec["name"] = name
        rec["name_norm"] = name_norm
        if short:
            rec["short_name"] = short
        uscc = None
        if has_uscc:
            raw = uscc_raw[i]
            if raw:
                u = valid_uscc[raw]
                if u:
                    uscc = u
                    rec["uscc"] = u
                else:
                    rec["uscc_raw"] = short_text(raw, 64)
                    warn(
                        st,
                        row_no,
                        "uscc",
                        raw,
                        "invalid USCC (GB 32100-2015 check failed); raw value "
                        "kept as uscc_raw, identity falls back to stock code/name",
                    )
        stock = None
        if has_stock:
            raw = stock_raw[i]
            if raw:
                stock = stocks[i]
                if stock:
                    rec["stock_code"] = stock
                else:
                    warn(st, row_no, "stock_code", raw, "not a stock code; ignored")
        region = _region_of(
            ld, m, region_memo, region_texts[i], addresses[i] if has_address else None, st, row_no, uscc
        )
        for cities in area_cities:
            city = cities[i]
            if city and region == codes.province_of(city):
                region = city
                rec["region_inferred"] = "area_city"
        if region:
            rec["region"] = region
        if has_industry:
            raw = ind_raw[i]
            if raw:
                code, is_class = industries[i]
                if is_class:
                    rec["industry_code"] = code
                elif code:
                    warn(
                        st,
                        row_no,
                        "industry",
                        raw,
                        f"industry {code} is not a GB/T 4754 小类 (4-digit) code; not classified",
                    )
                else:
                    warn(st, row_no, "industry", raw, "unknown GB/T 4754-2017 industry code or name")
        if has_scope:
            v = scopes[i]
            if len(v) > MAX_TEXT:
                warn(st, row_no, "scope", v, f"value longer than {MAX_TEXT:,} characters; truncated")
                v = v[:MAX_TEXT]
            if v:
                rec["scope"] = v
        if has_cap and cap_raw[i]:
            val, cur = caps[i]
            if looks_negative(cap_raw[i]):  # (100) would read as 100
                warn(st, row_no, "reg_capital", cap_raw[i], _NEGATIVE.format("registered capital"), "value-negative")
            elif val is None:
                warn(st, row_no, "reg_capital", cap_raw[i], "cannot read the amount; row loaded without it")
            else:
                rec["reg_capital"] = val
                if cur:
                    rec["currency"] = cur
        if has_rev and rev_raw[i]:
            val = revs[i][0]
            if (val is not None and val < 0) or looks_negative(rev_raw[i]):
                warn(st, row_no, "revenue", rev_raw[i], _NEGATIVE.format("revenue"), "value-negative")
            elif val is None:
                warn(st, row_no, "revenue", rev_raw[i], "cannot read the amount; row loaded without it")
            else:
                rec["revenue"] = val
        if has_emp and emp_raw[i]:
            k = emps[i]
            if k is None:
                staff = None if looks_negative(emp_raw[i]) else normalize.parse_staff(emp_raw[i])
                if staff is None and looks_negative(emp_raw[i]):
                    warn(st, row_no, "employees", emp_raw[i], _NEGATIVE.format("staff"), "value-negative")
                elif staff is None:
                    warn(st, row_no, "employees", emp_raw[i], "not a whole number; row loaded without it")
                else:  # a 企查查 人员规模 range: its midpoint (the bound of an open range), said
                    rec["employees"] = round(staff.mid)
                    warn(
                        st,
                        row_no,
                        "employees",
                        emp_raw[i],
                        f"staff range {staff.low}–{staff.high if staff.high is not None else ''}: midpoint "
                        f"{round(staff.mid)} kept",
                        code="value-staff-range",
                    )
            else:
                rec["employees"] = k
        for dname, has_date, date_raw, dates in date_fields:
            if not (has_date and date_raw[i]):
                continue
            d = dates[i]
            if d is None and normalize.is_blank_excel_date(date_raw[i]):
                warn(
                    st,
                    row_no,
                    dname,
                    date_raw[i],
                    "Excel's blank date (1899-12-30): no date; row loaded without it",
                    code="value-excel-blank-date",
                )
            elif d is None:
                warn(st, row_no, dname, date_raw[i], "cannot read the date; row loaded without it")
            elif (why := implausible_date(dname, d, today)) is not None:
                warn(st, row_no, dname, date_raw[i], why, "value-date-future")
            else:
                rec[dname] = d
        tags = list(base_tags)
        for tc in tag_cols:
            for t in tc[i]:
                if t not in tags:
                    tags.append(t)
        if tags:
            rec["tags"] = tags
        products: list[str] = []
        if has_products:
            for v in product_cells[i]:
                for p in products_of(v):
                    if p not in products:
                        products.append(p)
        if products:
            rec["products"] = products
        contact = contacts.row(i, st, row_no) if contacts.active else None
        nid, new = ld.upsert(rec, legal, where, m.id)
        if contact:
            held = ld.contacts.get(nid)
            if held is None:
                held = ld.contacts[nid] = new_contact()  # key-sharing: a million firms' contacts
            held.update(contact)
        if new:
            st.loaded += 1
        else:
            st.merged += 1
        for p in products:
            makes(ld, nid, p, None)

    own = [names, shorts, norms, stocks, region_texts, industries, caps, revs, emps, *area_cities, *tag_cols]
    own.extend(dates for *_, dates in date_fields)

    def release(start: int, stop: int) -> None:
        """Let go of the parsed cells of rows ``start`` to ``stop``, loaded (see ``Rows.release``)."""
        blank = [None] * (stop - start)
        for values in own:
            if len(values) == n:
                values[start:stop] = blank

    row.release = release  # type: ignore[attr-defined]
    return row
