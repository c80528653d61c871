"""Loaders: reading real-world exports, identity and merging, reports, and the real chain-kg data."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain_gap import load as L
from chain_gap import provenance
from chain_gap.load import LoadError
from chain_gap.normalize import uscc_check_char
from chain_gap.schema import validate

HERE = Path(__file__).resolve().parent
BAD = HERE / "data" / "bad"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REPO = HERE.parent


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


U1 = uscc("91411403MA0000001")
U2 = uscc("91411403MA0000002")
QCC = [
    "企业名称",
    "统一社会信用代码",
    "登记状态",
    "成立日期",
    "注册资本",
    "所属省份",
    "所属城市",
    "所属区县",
    "企业地址",
    "所属行业",
    "经营范围",
    "参保人数",
    "企业标签",
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def qrow(
    name: str,
    code: str = "",
    capital: str = "5000万元人民币",
    county: str = "睢阳区",
    industry: str = "3841",
    scope: str = "锂离子电池制造",
    staff: str = "35",
    tags: str = "高新技术企业",
    founded: str = "2015-03-02",
) -> list[str]:
    return [
        name,
        code,
        "存续",
        founded,
        capital,
        "河南省",
        "商丘市",
        county,
        f"河南省商丘市{county}平原路1号",
        industry,
        scope,
        staff,
        tags,
    ]


def snapshot(G: nx.MultiDiGraph) -> tuple:
    nodes = sorted((n, json.dumps(a, sort_keys=True, ensure_ascii=False, default=str)) for n, a in G.nodes(data=True))
    edges = sorted(
        (u, v, k, json.dumps(a, sort_keys=True, ensure_ascii=False, default=str))
        for u, v, k, a in G.edges(keys=True, data=True)
    )
    return nodes, edges, json.dumps(G.graph, sort_keys=True, ensure_ascii=False, default=str)


def conserved(res: L.LoadResult) -> None:
    for f in res.report["files"]:
        assert f["rows_in"] == f["loaded"] + f["merged"] + f["rejected"], f
    t = res.report["totals"]
    assert t["rows_in"] == t["loaded"] + t["merged"] + t["rejected"]
    assert t["rejected"] == len(res.rejects)


def reasons(df: pd.DataFrame) -> str:
    return " | ".join(df["reason"].astype(str))


# ============================================================================ bad inputs: LoadError

#: file -> (stable code, words of the Chinese message, words of the English one)
UNREADABLE = {
    "empty.csv": ("read-empty", "空文件", "is empty"),
    "whitespace_only.csv": ("read-empty", "空文件", "is empty"),
    "binary_garbage.csv": ("read-binary", "二进制", "binary"),
    "fake.xlsx": ("xlsx-not-zip", "XLSX", "XLSX"),
    "truncated.xlsx": ("xlsx-not-zip", "XLSX", "XLSX"),
    "legacy.xls": ("read-xls-legacy", ".xls", ".xls"),
    "missing_header.csv": ("load-missing-column", "缺少必需的列", "missing required column"),
    "wrong_encoding_sjis.csv": ("load-missing-column", "缺少必需的列", "missing required column"),
    "bad_json_array.jsonl": ("read-json-invalid", "不是有效的 JSON", "not valid JSON"),
}


@pytest.mark.parametrize("fname,expected", sorted(UNREADABLE.items()))
def test_unreadable_files_raise_one_line_load_error(fname, expected):
    """One line naming the file, in Chinese by default and in English with ``--lang en``."""
    code, zh, en = expected
    with pytest.raises(LoadError) as exc:
        L.load(BAD / fname, "qcc")
    assert exc.value.code == code
    for lang, needle in (("zh", zh), ("en", en)):
        msg = exc.value.message(lang)
        assert "\n" not in msg
        assert fname in msg
        assert needle in msg


def test_missing_header_lists_headers_found_and_synonyms_expected():
    with pytest.raises(LoadError) as exc:
        L.load(BAD / "missing_header.csv", "qcc")
    msg = str(exc.value)
    assert "公司代号" in msg and "地址" in msg  # headers found
    assert "企业名称" in msg and "公司名称" in msg  # synonyms expected for the name field


def test_load_error_leaves_graph_untouched():
    G = L.load(BAD / "utf8_bom.csv", "qcc").graph
    before = snapshot(G)
    with pytest.raises(LoadError):
        L.load([BAD / "utf8_bom.csv", BAD / "empty.csv"], "qcc", G)
    assert snapshot(G) == before


def test_missing_file_and_folder_and_unknown_mapping(tmp_path):
    from chain_gap.errors import use_lang

    with pytest.raises(LoadError, match="不存在"):
        L.load(tmp_path / "nope.csv", "qcc")
    with pytest.raises(LoadError, match="是文件夹"):
        L.load(tmp_path, "qcc")
    with pytest.raises(LoadError, match=r"未知的数据源映射「qichacha」.*qcc"):
        L.load(BAD / "gbk.csv", "qichacha")
    with use_lang("en"):
        with pytest.raises(LoadError, match="does not exist"):
            L.load(tmp_path / "nope.csv", "qcc")
        with pytest.raises(LoadError, match="is a folder"):
            L.load(tmp_path, "qcc")
        with pytest.raises(LoadError, match=r"unknown source mapping 'qichacha'.*qcc"):
            L.load(BAD / "gbk.csv", "qichacha")


# ============================================================================ bad inputs that load


@pytest.mark.parametrize(
    "fname",
    [
        "utf8_bom.csv",
        "gbk.csv",
        "utf16_excel_unicode.txt",
        "title_rows.csv",
        "semicolon.csv",
        "trailing_empty_rows.csv",
    ],
)
def test_encodings_delimiters_and_title_rows_load_the_same_two_firms(fname):
    df, _info = L.read_table(BAD / fname, fields=L.load_mapping("qcc"))
    assert list(df["企业名称"]) == ["商丘华瑞电池有限公司", "商丘恒泰新材料有限公司"]
    assert "\ufeff" not in "".join(df.columns)
    res = L.load(BAD / fname, "qcc")
    conserved(res)
    assert res.report["files"][0]["rows_in"] == 2 and res.report["files"][0]["loaded"] == 2
    G = res.graph
    assert G.nodes[f"ent:{U1}"]["region"] == "411403"
    assert G.nodes[f"ent:{U1}"]["reg_capital"] == 5.0e7
    assert G.has_edge(f"ent:{U1}", "region:411403", "LOCATED_IN")
    assert G.has_edge(f"ent:{U1}", "industry:gb4754:3841", "CLASSIFIED_AS")
    assert validate(G) == []


def test_encoding_and_row_numbers_reported():
    _, info = L.read_table(BAD / "gbk.csv", fields=L.load_mapping("qcc"))
    assert info["encoding"] == "gb18030"
    _, info = L.read_table(BAD / "utf8_bom.csv", fields=L.load_mapping("qcc"))
    assert info["encoding"] == "utf-8-sig"
    df, info = L.read_table(BAD / "title_rows.csv", fields=L.load_mapping("qcc"))
    assert info["header_row"] == 4  # two title lines and a blank line above it
    assert list(df.index) == [5, 6]


def test_xlsx_header_on_row3_under_merged_title_in_second_sheet():
    df, info = L.read_table(BAD / "merged_title_header_row3.xlsx", fields=L.load_mapping("qcc"))
    assert info["sheet"] == "企业列表" and info["header_row"] == 3
    assert list(df.index) == [4, 5, 6]  # Excel row numbers; four trailing empty rows dropped
    assert df.loc[6, "注册资本"] == "3000"  # a numeric cell read as text
    res = L.load(BAD / "merged_title_header_row3.xlsx", "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 3
    G = res.graph
    assert G.nodes[f"ent:{U1}"]["name"] == "商丘华瑞电池有限公司"
    assert "reg_capital" not in G.nodes[f"ent:{U2}"]
    with pytest.raises(LoadError, match="没有名为「Sheet9」的工作表"):
        L.read_table(BAD / "merged_title_header_row3.xlsx", sheet="Sheet9", fields=L.load_mapping("qcc"))


def test_duplicate_keys_with_conflicting_values_merge_and_report():
    res = L.load(BAD / "duplicate_conflict.csv", "qcc")
    conserved(res)
    f = res.report["files"][0]
    assert (f["rows_in"], f["loaded"], f["merged"]) == (4, 1, 3)
    node = res.graph.nodes[f"ent:{U1}"]
    assert node["reg_capital"] == 5.0e7 and node["employees"] == 35  # first value kept
    c = res.conflicts.set_index("field")
    assert c.loc["reg_capital", "kept_from"] == "duplicate_conflict.csv:2"
    assert c.loc["reg_capital", "other_from"] == "duplicate_conflict.csv:3"
    assert float(c.loc["reg_capital", "other"]) == 8.0e7
    assert set(res.conflicts["field"]) == {"reg_capital", "employees"}  # exact duplicates: no conflict
    assert provenance.of(res.graph, f"ent:{U1}")["reg_capital"] == "duplicate_conflict.csv:2"


def test_invalid_uscc_is_a_warning_and_identity_falls_back():
    res = L.load(BAD / "invalid_uscc.csv", "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 4 and res.report["files"][0]["rejected"] == 0
    w = res.warnings[res.warnings["field"] == "uscc"]
    assert list(w["row"]) == [2, 3, 4]
    assert all("invalid USCC" in r for r in w["reason"])
    G = res.graph
    fallback = [n for n, a in G.nodes(data=True) if a.get("name") == "商丘甲电池有限公司"]
    assert fallback and fallback[0].startswith("ent:name:")
    assert G.nodes[fallback[0]]["uscc_raw"].startswith("91411403MA")
    coop = uscc("N2411400MA0000004")  # letter department code N is a valid USCC
    assert f"ent:{coop}" in G


def test_unparseable_capital_and_dates_are_warnings():
    res = L.load(BAD / "bad_capital_dates.csv", "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 4
    w = res.warnings
    assert set(w.loc[w.field == "reg_capital", "value"]) == {"面议", "五千万"}
    assert set(w.loc[w.field == "founded", "value"]) == {"2015年13月45日", "昨天", "1899-02-30"}
    G = res.graph
    by_name = {a["name"]: a for _, a in G.nodes(data=True) if a.get("kind") == "Enterprise"}
    assert by_name["商丘丙有限公司"]["currency"] == "USD" and by_name["商丘丙有限公司"]["reg_capital"] > 1e6
    assert by_name["商丘丁有限公司"]["reg_capital"] == 1.2e8 and by_name["商丘丁有限公司"]["founded"] == "2015-03-02"


def test_names_with_quotes_newlines_and_control_chars_are_cleaned():
    res = L.load(BAD / "quotes_newlines.csv", "qcc")
    conserved(res)
    names = {a["name"] for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise"}
    assert "商丘华瑞电池有限公司" in names
    assert "商丘恒泰新材料有限公司" in names  # the line break between two Chinese characters removed
    assert "商丘（睢阳）盛兴有限公司" in names
    assert all("\n" not in n and '"' not in n for n in names)
    res = L.load(BAD / "control_chars.csv", "qcc")
    (name,) = [a["name"] for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise"]
    assert "\x07" not in name and "\x1b" not in name


def test_formula_like_names_kept_as_data_warned_and_neutralised_in_rejects_csv(tmp_path):
    res = L.load(BAD / "formula_names.csv", "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 3
    assert res.graph.nodes[f"ent:{U1}"]["name"].startswith("=HYPERLINK")
    assert (res.warnings["reason"].str.contains("formula")).sum() == 3
    res.rejects.loc[0] = [str(BAD / "x.csv"), 2, "name", "=HYPERLINK(1)", "test", "load-other", ""]
    L.write_rejects(res, tmp_path / "r.csv")
    text = (tmp_path / "r.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK(1)" in text.decode("utf-8-sig")


def test_unknown_region_and_unknown_industry_warn_but_load():
    res = L.load(BAD / "unknown_region.csv", "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 2
    assert "火星省" in set(res.warnings["value"]) and "unknown region" in reasons(res.warnings)
    by_name = {a["name"]: a for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise"}
    assert "region" not in by_name["火星一号有限公司"]
    assert by_name["商丘未知区有限公司"]["region"] == "411400"  # the city is still known
    res = L.load(BAD / "unknown_industry.csv", "qcc")
    conserved(res)
    w = res.warnings[res.warnings.field == "industry"]
    assert set(w["value"]) == {"9999", "量子炼金术", "C38"}
    assert not any(a.get("industry_code") for _, a in res.graph.nodes(data=True))


def test_rows_without_a_usable_name_are_rejected_with_row_numbers():
    res = L.load(BAD / "no_name.csv", "qcc")
    conserved(res)
    assert list(res.rejects["row"]) == [2, 3, 4]
    assert set(res.rejects["reason"]) == {"no usable enterprise name"}
    assert res.report["files"][0]["loaded"] == 1
    res = L.load(BAD / "long_name.csv", "qcc")
    assert res.report["files"][0]["rejected"] == 1 and "longer than" in res.rejects["reason"][0]


def test_ragged_rows_and_bad_json_lines():
    res = L.load(BAD / "ragged_rows.csv", "qcc")
    conserved(res)
    assert res.report["files"][0]["rows_in"] == 3
    assert "extra cell ignored" in reasons(res.warnings)
    res = L.load(BAD / "bad_lines.jsonl", L.load_mapping(REPO / "loaders" / "ashare.yaml"))
    conserved(res)
    f = res.report["files"][0]
    assert (f["rows_in"], f["loaded"], f["rejected"]) == (4, 2, 2)
    assert list(res.rejects["row"]) == [2, 3]


def test_ten_megabyte_field_is_truncated_not_fatal(tmp_path):
    big = "锂电池制造；" * (10 * 1024 * 1024 // 18 + 1)
    assert len(big.encode("utf-8")) >= 10 * 1024 * 1024
    path = write_csv(
        tmp_path / "big.csv", [QCC, qrow("商丘大字段有限公司", U1, scope=big), qrow("商丘第二有限公司", U2)]
    )
    res = L.load(path, "qcc")
    conserved(res)
    assert res.report["files"][0]["loaded"] == 2
    assert len(res.graph.nodes[f"ent:{U1}"]["scope"]) == L.MAX_TEXT
    w = res.warnings[res.warnings.field == "scope"]
    assert len(w) == 1 and "truncated" in w["reason"].iloc[0] and len(w["value"].iloc[0]) < 300


def test_supply_and_overrides_bad_rows_are_rejected_with_reasons():
    G = L.load(BAD / "utf8_bom.csv", "qcc").graph
    res = L.load(BAD / "supply_bad.csv", "supply", G)
    conserved(res)
    r = res.rejects.set_index("row")["reason"]
    assert "not in the graph" in r[2] and "same firm" in r[3] and "no supplier" in r[4]
    new = [n for n, a in G.nodes(data=True) if a.get("name") == "外地正极材料有限公司"]
    assert len(new) == 1 and G.has_edge(new[0], f"ent:{U1}", "SUPPLIES")
    assert set(res.warnings["field"]) == {"value", "year"}
    res = L.load(BAD / "overrides_bad.csv", "overrides", G)
    conserved(res)
    r = res.rejects.set_index("row")["reason"]
    assert "not in the graph" in r[2]
    assert "<chain>/<link>" in r[3]
    assert "未找到产业链「nosuchchain」" in r[4]  # staff read the rejects file: Chinese by default
    assert "confirm or reject" in r[5]
    assert not G.graph.get("overrides")


# ============================================================================ conservation (property)

_CELLS = st.one_of(
    st.sampled_from(
        [
            "商丘甲有限公司",
            "商丘乙有限公司",
            "苏州丙有限公司",
            "",
            " ",
            "-",
            "=1+1",
            U1,
            U2,
            U1[:-1] + "0",
            "5000万元",
            "面议",
            "2015-01-01",
            "河南省",
            "商丘市",
            "睢阳区",
            "3841",
            "x",
        ]
    ),
    st.text(alphabet='甲乙丙公司有限 ,;"\n-=+@12345ABab', max_size=8),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=5, max_size=7), min_size=0, max_size=25))
def test_property_every_row_is_loaded_merged_or_rejected(tmp_path, rows):
    header = ["name", "uscc", "reg_capital", "founded", "region"]
    path = write_csv(tmp_path / "random.csv", [header] + rows)
    res = L.load(path, "enterprises")
    conserved(res)
    nonblank = [r for r in rows if any(c.strip() for c in r)]
    assert res.report["files"][0]["rows_in"] == len(nonblank)
    ents = [n for n, k in res.graph.nodes(data="kind") if k == "Enterprise"]
    assert len(ents) == res.report["files"][0]["loaded"]
    assert validate(res.graph) == []


# ============================================================================ idempotence, merging


def test_loading_twice_changes_nothing_including_bundle_checksums(tmp_path):
    from chain_gap import io as bundle_io

    files = [BAD / "merged_title_header_row3.xlsx", BAD / "duplicate_conflict.csv", BAD / "invalid_uscc.csv"]
    G = L.load(files, "qcc").graph
    first = snapshot(G)
    bundle_io.save(G, tmp_path / "a")
    G2 = bundle_io.load(tmp_path / "a")
    res = L.load(files, "qcc", G2)
    assert snapshot(G2) == first
    assert res.report["totals"]["loaded"] == 0  # everything merged into what is there
    bundle_io.save(G2, tmp_path / "b")
    ma = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert ma == mb


def test_relation_files_load_idempotently_in_memory():
    G = L.load([BAD / "merged_title_header_row3.xlsx"], "qcc").graph
    L.load(BAD / "supply_bad.csv", "supply", G)
    first = snapshot(G)
    res = L.load(BAD / "supply_bad.csv", "supply", G)
    assert snapshot(G) == first
    assert res.report["totals"]["loaded"] == 0 and res.report["totals"]["merged"] == 2


def test_records_from_two_sources_merge_field_by_field_with_provenance(tmp_path):
    a = write_csv(tmp_path / "qcc.csv", [QCC, qrow("商丘华瑞电池有限公司", U1, staff="")])
    b = write_csv(
        tmp_path / "generic.csv",
        [
            ["name", "uscc", "employees", "reg_capital", "products", "tags"],
            ["商丘华瑞电池有限责任公司", U1, "120", "9000万", "磷酸铁锂电池、储能系统", "专精特新"],
        ],
    )
    G = L.load(a, "qcc").graph
    res = L.load(b, "enterprises", G)
    assert res.report["files"][0]["merged"] == 1
    node = G.nodes[f"ent:{U1}"]
    prov = provenance.of(G, f"ent:{U1}")
    assert node["employees"] == 120 and prov["employees"] == "generic.csv:2"  # filled
    assert node["reg_capital"] == 5.0e7 and prov["reg_capital"] == "qcc.csv:2"  # kept
    assert node["name"] == "商丘华瑞电池有限公司"  # 有限责任公司 variant: same name, no conflict
    assert list(res.conflicts["field"]) == ["reg_capital"]
    assert node["tags"] == ["高新技术企业", "专精特新"]
    assert node["source"] == "enterprises,qcc"
    assert G.has_edge(f"ent:{U1}", "product:磷酸铁锂电池", "MAKES")
    assert set(node["products"]) == {"磷酸铁锂电池", "储能系统"}


def test_stock_identity_is_upgraded_to_uscc_when_a_registry_record_arrives(tmp_path):
    a = write_csv(
        tmp_path / "list.csv", [["ts_code", "name", "area", "status"], ["300750.SZ", "宁德时代", "福建", "L"]]
    )
    b = write_csv(
        tmp_path / "fullname.csv",
        [["TS代码", "股票名称", "股票全称"], ["300750.SZ", "宁德时代", "宁德时代新能源科技股份有限公司"]],
    )
    code = uscc("91350900587527783")
    c = write_csv(
        tmp_path / "reg.csv",
        [
            ["企业名称", "统一社会信用代码", "所属省份", "所属城市"],
            ["宁德时代新能源科技股份有限公司", code, "福建省", "宁德市"],
        ],
    )
    G = L.load(a, "ashare").graph
    assert G.nodes["ent:stock:300750"]["name"] == "宁德时代"  # the short name stands in
    L.load(b, "ashare", G)
    assert G.nodes["ent:stock:300750"]["name"] == "宁德时代新能源科技股份有限公司"  # upgraded, no conflict
    res = L.load(c, "qcc", G)
    assert res.report["files"][0]["merged"] == 1
    assert "ent:stock:300750" not in G and f"ent:{code}" in G
    node = G.nodes[f"ent:{code}"]
    assert node["stock_code"] == "300750.SZ" and node["region"] == "350900" and "listed" in node["tags"]
    assert [v for _, v, k in G.out_edges(f"ent:{code}", keys=True) if k == "LOCATED_IN"] == ["region:350900"]


def test_overrides_are_stored_deduplicated_last_wins(tmp_path):
    from chain_gap.chains import load_chain

    leaf = load_chain("nev").leaf_ids()[0]
    G = L.load(BAD / "utf8_bom.csv", "qcc").graph
    path = write_csv(
        tmp_path / "review.csv",
        [
            ["企业", "环节", "复核结论", "角色", "备注"],
            [U1, f"nev/{leaf}", "确认", "producer", "走访核实"],
            ["商丘华瑞电池有限公司", f"link:nev/{leaf}", "驳回", "", "复查后不符"],
        ],
    )
    res = L.load(path, "overrides", G)
    conserved(res)
    assert G.graph["overrides"] == [
        {
            "ent_id": f"ent:{U1}",
            "link": f"nev/{leaf}",
            "decision": "reject",
            "note": "复查后不符",
            "source": "review.csv:3",
        }
    ]
    before = snapshot(G)
    L.load(path, "overrides", G)
    assert snapshot(G) == before


# ============================================================================ API details


def test_shipped_mappings_parse_and_declare_types():
    ids = L.list_mappings()
    assert set(ids) >= {"qcc", "tianyancha", "enterprises", "ashare", "chain-kg", "supply", "overrides"}
    for mid in ids:
        m = L.load_mapping(mid)
        specs = [f for sub in (m.files or [m]) for f in sub.fields.values()]
        assert specs and all(f.type in L.FIELD_TYPES and f.synonyms for f in specs)


def test_report_and_progress(tmp_path):
    calls: list[tuple[int, int]] = []
    res = L.load([BAD / "gbk.csv", BAD / "no_name.csv"], "qcc", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (6, 6)
    L.write_load_report(res, tmp_path / "rep.json")
    text = (tmp_path / "rep.json").read_text(encoding="utf-8")
    rep = json.loads(text)
    assert set(rep) == {"files", "totals", "codes", "vintage"}
    assert rep["vintage"] is None  # these files state no export date (and a file's mtime is no vintage)
    assert [set(f) for f in rep["files"]] == [
        {"path", "rows_in", "loaded", "merged", "rejected", "skipped", "warnings"}
    ] * 2
    assert sum(rep["codes"].values()) == rep["totals"]["rejected"] + rep["totals"]["warnings"]
    assert rep["totals"]["rows_in"] == 6 and rep["totals"]["rejected"] == 3
    L.write_rejects(res, tmp_path / "rej.csv")
    back = pd.read_csv(tmp_path / "rej.csv", encoding="utf-8-sig", dtype=str)
    cols = ["file", "row", "field", "value", "reason", "code", "sheet", "message"]  # message: the reason in zh
    assert list(back.columns) == cols and len(back) == 3
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_tianyancha_export_in_gbk(tmp_path):
    path = write_csv(
        tmp_path / "tyc.csv",
        [
            [
                "公司名称",
                "统一社会信用代码",
                "注册资本",
                "成立日期",
                "省份",
                "城市",
                "区县",
                "国标行业",
                "经营范围",
                "参保人数",
            ],
            [
                "商丘华瑞电池有限公司",
                U1,
                "5000万人民币",
                "2015-03-02",
                "河南",
                "商丘",
                "睢阳区",
                "锂离子电池制造",
                "电池制造",
                "35人",
            ],
        ],
        encoding="gbk",
    )
    res = L.load(path, "tianyancha")
    conserved(res)
    node = res.graph.nodes[f"ent:{U1}"]
    assert node["industry_code"] == "3841" and node["region"] == "411403" and node["employees"] == 35


# ============================================================================ real data


def _need_shared() -> Path:
    if not (SHARED / "chain-kg" / "company.json").exists():
        pytest.skip(f"real data not available: {SHARED} is absent (it sits beside the repository in development)")
    return SHARED


def test_real_chain_kg_and_ashare_counts():
    data = _need_shared()
    res = L.load(data / "chain-kg", "chain-kg")
    conserved(res)
    files = {Path(f["path"]).name: f for f in res.report["files"]}
    # the README's row counts, file by file
    assert files["company.json"]["rows_in"] == 4654
    assert files["industry.json"]["rows_in"] == 511
    assert files["product.json"]["rows_in"] == 95559
    assert files["company_product.json"]["rows_in"] == 53779
    assert files["product_product.json"]["rows_in"] == 110153
    G = res.graph
    kinds = pd.Series(dict(G.nodes(data="kind"))).value_counts()
    # 4,654 rows name 4,586 distinct stock codes (68 rows repeat a code with an old legal name:
    # merged, reported as name conflicts); company_industry names 103 more codes (created from 简称)
    assert files["company.json"]["loaded"] == 4586 and files["company.json"]["merged"] == 68
    assert (res.conflicts["field"] == "name").sum() == 68
    assert kinds["Enterprise"] == 4586 + 103
    # 511 Shenwan industries, plus 8 codes only company_industry uses (added with a warning)
    sw = [n for n, a in G.nodes(data=True) if a.get("kind") == "Industry" and a.get("scheme") == "sw2021"]
    assert files["industry.json"]["loaded"] == 511 and len(sw) == 511 + 8
    # products: names equal after normalisation (case, punctuation) are one product
    assert files["product.json"]["loaded"] + files["product.json"]["merged"] == 95559
    assert kinds["Product"] == files["product.json"]["loaded"] + 1  # one name only relations use
    # relations: every row is an edge, a duplicate of one, or rejected (self-loops)
    ek = pd.Series([k for *_, k in G.edges(keys=True)]).value_counts()
    assert ek["MAKES"] == files["company_product.json"]["loaded"]
    pp = files["product_product.json"]
    assert pp["loaded"] + pp["merged"] + pp["rejected"] == 110153
    assert set(res.rejects.loc[res.rejects.file.str.endswith("product_product.json"), "reason"]) == {
        "a product related to itself (self-loop)"
    }
    # PART_OF also holds industry_industry and the region hierarchy of the codes legal names give
    part_of = sum(1 for u, _, k in G.edges(keys=True) if k == "PART_OF" and G.nodes[u].get("kind") != "Region")
    assert ek["INPUT_OF"] + part_of - 480 == pp["loaded"]
    assert ek["CLASSIFIED_AS"] == 4430
    assert G.has_edge("industry:sw:110100", "industry:sw:110000", "PART_OF")
    # listed companies get their province from the A-share list
    res2 = L.load(data / "ashare-basic" / "stock_basic_2026.csv", "ashare", G)
    conserved(res2)
    assert res2.report["files"][0]["rows_in"] == 5806
    catl = G.nodes["ent:stock:300750"]
    # 福建 stated, 宁德 read at the head of the legal name: 宁德市, marked inferred
    assert catl["region"] == "350900" and catl["name"] == "宁德时代新能源科技股份有限公司"
    assert catl["region_inferred"] == "name_head"
    assert G.has_edge("ent:stock:300750", "region:350900", "LOCATED_IN")
    assert G.nodes["ent:stock:000001"]["region"] == "440300"  # the area 深圳 is the city
    assert G.nodes["ent:stock:000001"]["region_inferred"] == "area_city"
    delisted = [a for _, a in G.nodes(data=True) if "delisted" in (a.get("tags") or [])]
    assert delisted and all("listed" not in a["tags"] for a in delisted)
    assert validate(G) == []


def test_chain_kg_data_is_not_copied_into_the_project():
    data = _need_shared()
    marker = (data / "chain-kg" / "product.json").read_text(encoding="utf-8").splitlines()[1]
    needle = json.loads(marker)["name"]  # a distinctive product name of the chain-kg data
    names = {"company.json", "company_product.json", "product_product.json", "product.json"}
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [
            d
            for d in dirs
            if d not in {".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
        ]
        for f in files:
            p = Path(root) / f
            assert f not in names, f"chain-kg file copied into the project: {p}"
            if p.suffix in {".json", ".jsonl", ".csv", ".py", ".yaml", ".md"} and p.stat().st_size < 5_000_000:
                if p.resolve() == Path(__file__).resolve():
                    continue
                assert needle not in p.read_text(encoding="utf-8", errors="ignore"), p
