"""The reader under real faults: every row the file holds is counted, skipped with a code or read.

The corpus is ``tests/data/faults/``, written by ``tests/data/make_faults.py``; each case there
states what the reader must make of its file. Tests assert codes and counts, never message text
(messages get translated).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from chain_gap import _text, errors, normalize, synth
from chain_gap import load as L
from chain_gap._read import RawTable, ReadError, header_unit, read_raw, read_table_raw

DATA = Path(__file__).parent / "data"
FAULTS = DATA / "faults"

_spec = importlib.util.spec_from_file_location("make_faults", DATA / "make_faults.py")
assert _spec is not None and _spec.loader is not None
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)
FILES = mf.build()
CASES = mf.CASES
FIELDS = mf.FIELDS


def codes(issues) -> dict[str, int]:
    return dict(Counter(i.code for i in issues))


def read(name: str, sheet: str | None = None) -> RawTable:
    return read_raw(FAULTS / name, FIELDS, sheet if sheet is not None else CASES[name].get("sheet"))


def column(t: RawTable, header: str) -> list[str]:
    return t.columns[t.header.index(header)]


# ============================================================================ the corpus


def test_corpus_is_what_the_script_writes():
    on_disk = {p.name for p in FAULTS.iterdir()}
    assert on_disk == set(FILES), "run python tests/data/make_faults.py"
    for name, data in FILES.items():
        assert (FAULTS / name).read_bytes() == data, name


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if "error" not in c))
def test_every_physical_row_is_read_or_skipped_with_a_code(name):
    exp = CASES[name]
    t = read(name)
    assert t.physical_rows == exp["physical"]
    assert len(t.row_numbers) == exp["data"]
    assert t.reconciles()
    assert codes(t.skipped) == exp.get("skipped", {})
    assert codes(t.warnings) == exp.get("warnings", {})
    if "sheets" in exp:
        assert t.row_sheets is not None and len(set(t.row_sheets)) == exp["sheets"]
    if "encoding" in exp:
        assert t.encoding == exp["encoding"]
    if "fmt" in exp:
        assert t.fmt == exp["fmt"]
    # what is returned as data is firms only, every one with its credit code in place
    names = column(t, "企业名称")
    assert all("有限公司" in n for n in names), names
    assert all(len(c.strip('"')) == 18 for c in column(t, "统一社会信用代码"))  # a stray quote stays a character
    for issue in [*t.skipped, *t.warnings]:
        assert issue.row is None or issue.row not in (t.row_numbers if issue in t.skipped else [])
        assert "\n" not in issue.value and len(issue.value) <= 200
        assert issue.file.endswith(name)
        assert "\n" not in issue.message("zh") and "\n" not in issue.message("en")


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if "error" in c))
def test_refusals_are_one_line_with_a_stable_code(name):
    with pytest.raises(ReadError) as exc:
        read(name)
    assert exc.value.code == CASES[name]["error"]
    for lang in ("zh", "en"):
        msg = exc.value.message(lang)
        assert "\n" not in msg and len(msg) <= 500


# ============================================================================ rows the reader never saw


def test_footers_are_skipped_with_the_row_and_column_named():
    t = read("footer_subtotals_gbk.csv")
    rows = [i.row for i in t.skipped]
    assert rows == [7, 13, 19, 25, 26, 27]
    assert {i.field for i in t.skipped[:4]} == {"统一社会信用代码"}  # 小计 sits in the second column
    assert not set(rows) & set(t.row_numbers)
    t = read("footer_lookalike_firm.csv")
    assert column(t, "企业名称")[0] == "合计科技有限公司"


def test_repeated_header_and_its_title_line_are_skipped():
    t = read("repeated_header_utf8bom.csv")
    assert [(i.row, i.code) for i in t.skipped] == [
        (17, "row-repeated-title"),
        (18, "row-repeated-header"),
        (35, "row-repeated-header"),
    ]
    assert "\ufeff" not in "".join(t.header)


def test_stale_dimension_does_not_hide_rows():
    for name in ("stale_dimension.xlsx", "stale_dimension_inline_unnumbered.xlsx"):
        t = read(name)
        assert t.row_numbers == list(range(2, 42))
        assert column(t, "企业名称")[-1] == "商丘第40号电池有限公司"


def test_merged_county_cells_are_filled_down_within_the_merge_only():
    t = read("merged_county.xlsx")
    counties = column(t, "所属区县")
    assert counties == [c for c in mf.COUNTIES for _ in range(4)]
    assert [w.row for w in t.warnings] == [3, 7, 11, 15]
    assert {w.field for w in t.warnings} == {"所属区县"}
    assert t.header_row == 2  # the merged title above the header is not data
    t = read("merged_city_column.xlsx")
    assert set(column(t, "所属城市")) == {"商丘市"}
    t = read("spreadsheetml_2003.xls")
    assert column(t, "所属区县") == ["睢阳区"] * 6 and t.row_numbers == [3, 4, 5, 7, 8, 9]  # ss:Index skips row 6
    t = read("html_table_saved_as.xls")
    assert column(t, "所属区县") == ["睢阳区"] * 6
    assert column(t, "参保人数") == [str(10 + i) for i in range(1, 7)]  # nothing shifted left


def test_several_sheets_of_one_shape_are_refused_picked_or_all_read():
    with pytest.raises(ReadError) as exc:
        read("county_sheets.xlsx")
    assert exc.value.code == "xlsx-multiple-sheets"
    assert exc.value.params["sheets"] == "睢阳区, 梁园区, 虞城县"
    t = read("county_sheets_all.xlsx")
    assert t.row_sheets == ["睢阳区"] * 3 + ["梁园区"] * 3 + ["虞城县"] * 3
    assert t.row_numbers == [2, 3, 4] * 3
    assert column(t, "所属区县") == t.row_sheets
    assert t.where(3) == "梁园区!2"
    rows = t.issue_rows()
    assert rows == sorted(rows, key=lambda r: (r["sheet"], r["row"] or 0))
    t = read("county_sheets_pick.xlsx")
    assert t.where(0) == "2"
    assert t.sheet == "梁园区" and set(column(t, "所属区县")) == {"梁园区"}
    with pytest.raises(ReadError) as exc:
        read("county_sheets.xlsx", sheet="Sheet9")
    assert exc.value.code == "xlsx-no-sheet"
    t = read("data_and_summary_sheets.xlsx")
    assert t.sheet == "企业"
    (w,) = t.warnings
    assert w.code == "xlsx-sheet-ignored" and w.sheet == "汇总"


def test_formula_without_cached_value_is_a_warning_not_a_silent_empty():
    t = read("formula_no_cache.xlsx")
    f = [w for w in t.warnings if w.code == "value-formula-no-cache"]
    assert [(w.row, w.field) for w in f] == [(3, "注册资本"), (5, "注册资本"), (6, "参保人数")]
    assert f[0].value == "=B3*0+100"
    caps = column(t, "注册资本")
    assert caps[1] == "" and caps[5] == "#DIV/0!"  # a cached string result is read as it is
    founded = column(t, "成立日期")
    assert founded[0] == "2015-03-03" and founded[2] == ""  # serial 0: Excel's blank date
    (blank,) = [w for w in t.warnings if w.code == "value-excel-blank-date"]
    assert blank.row == 4 and blank.field == "成立日期"
    t = read("dates_custom_format.xlsx")
    assert column(t, "成立日期") == ["2020-01-02 12:00:00", "2020-01-03 12:00:00", "2020-01-04 12:00:00"]


def test_unbalanced_quote_swallows_nothing():
    for name in ("unbalanced_quote_utf8.csv", "unbalanced_quote_end_gbk.csv", "unbalanced_quote.tsv"):
        exp = CASES[name]
        t = read(name)
        (w,) = t.warnings
        assert w.row == exp["quote_row"]
        assert t.row_numbers == list(range(2, exp["data"] + 2))  # one record per line, none merged
        assert len(set(column(t, "统一社会信用代码"))) >= exp["data"] - 1
    t = read("quoted_line_breaks_legit.csv")
    assert column(t, "企业名称")[0] == "商丘恒泰\n新材料有限公司"


def test_nul_bytes_anywhere_are_removed_with_the_row_named():
    t = read("nul_byte_deep_utf8.csv")
    (w,) = t.warnings
    assert w.row == CASES["nul_byte_deep_utf8.csv"]["nul_row"]
    assert all("\x00" not in n for n in column(t, "企业名称"))
    t = read("utf8_damaged_byte.csv")  # UTF-8 with one cut character: not read as GB18030 nonsense
    assert [w.row for w in t.warnings] == [31] and column(t, "企业名称")[0] == "商丘第1号电池有限公司"
    t = read("nul_byte_row2_gbk.csv")
    assert t.warnings[0].row == 2 and column(t, "企业名称")[0] == "商丘甲有限公司"


# ============================================================================ hostile or huge inputs


def test_two_hundred_megabyte_line_fails_fast_with_a_short_message(tmp_path):
    path = tmp_path / "one_line.csv"
    with open(path, "wb") as fh:
        block = "锂电池制造；".encode() * (1 << 20)
        while fh.tell() < 200 * 1024 * 1024:
            fh.write(block)
    start = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        read_raw(path, FIELDS)
    assert time.perf_counter() - start < 10
    assert exc.value.code == "line-too-large" and exc.value.params["row"] == 1
    assert len(str(exc.value)) < 200
    with pytest.raises(L.LoadError) as lexc:
        L.load(path, "qcc")
    assert "\n" not in str(lexc.value) and len(str(lexc.value)) < 400


def test_long_line_in_the_middle_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(_text, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(_text, "_CHUNK", 256)
    rows = [mf.HEADER, *[mf.firm(i) for i in range(1, 20)]]
    rows[12][6] = "9" * 5000
    path = tmp_path / "long.csv"
    path.write_text(mf._csv(rows), encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read_raw(path, FIELDS)
    assert exc.value.code == "line-too-large" and exc.value.params["row"] == 13


def test_huge_quoted_field_is_refused_with_its_row(tmp_path):
    old = csv.field_size_limit(2000)
    try:
        rows = [mf.HEADER, *[mf.firm(i) for i in range(1, 6)]]
        rows[3][2] = "经营范围\n" * 1000
        path = tmp_path / "field.csv"
        path.write_text(mf._csv(rows), encoding="utf-8")
        with pytest.raises(ReadError) as exc:
            read_raw(path, FIELDS)
        assert exc.value.code == "field-too-large" and exc.value.params["row"] == 4
    finally:
        csv.field_size_limit(old)


def test_what_the_file_really_is_is_named(tmp_path):
    cases = {
        "report.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "export.xlsx.zip": _zip({"a.csv": b"x,y\n"}),
        "book.xlsx": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        "doc.xlsx": _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ReadError) as exc:
            read_raw(tmp_path / name, FIELDS)
        assert exc.value.code == "read-not-a-table", name


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in parts.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_file_locked_by_excel_is_named(tmp_path, monkeypatch):
    path = tmp_path / "企业名单.xlsx"
    path.write_bytes(FILES["footer_end.xlsx"])
    (tmp_path / "~$企业名单.xlsx").write_bytes(b"owner")
    real_open = open

    def locked(p, *a, **k):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(p, *a, **k)

    monkeypatch.setattr("builtins.open", locked)
    with pytest.raises(ReadError) as exc:
        read_raw(path, FIELDS)
    assert exc.value.code == "read-locked"


def test_every_read_error_code_is_a_chain_gap_error_and_templates_render():
    for code in ("line-too-large", "field-too-large", "xlsx-multiple-sheets", "xlsx-damaged", "read-html"):
        assert code in errors.MESSAGES
    assert issubclass(ReadError, errors.ChainGapError)


# ============================================================================ the loader through the reader


def test_footers_and_repeated_headers_never_become_firms():
    for name in ("footer_end_utf8.csv", "repeated_header_utf8bom.csv", "footer_end.xlsx"):
        res = L.load(FAULTS / name, "qcc")
        names = {a["name"] for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise"}
        assert not any(n.startswith(("合计", "制表人", "数据来源", "企业名称", "2024年")) for n in names), names
        assert len(names) == CASES[name]["data"]


def test_header_unit_and_excel_text_codes_reach_the_values():
    res = L.load(FAULTS / "unit_in_header.csv", "qcc")
    caps = sorted(a["reg_capital"] for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise")
    assert caps == [1.205e6, 5.0e7]
    assert header_unit("注册资本（单位：万元）") == "万元"
    assert header_unit("注册资本(认缴)") == "认缴"  # an unknown unit is kept: a bare number stays unreadable
    t = read("excel_text_codes.csv")
    assert column(t, "股票代码") == ["000001", "600519"]


def test_read_table_raw_takes_a_str_path():
    t = read_table_raw(str(FAULTS / "footer_end_utf8.csv"), FIELDS)
    assert t.issue_counts() == {"row-footer": 3}
    assert [r["code"] for r in t.issue_rows()] == ["row-footer"] * 3
    assert set(t.issue_rows()[0]) == {"file", "sheet", "row", "field", "value", "code", "reason"}


# ============================================================================ scale


def _big_xlsx(path: Path, n: int) -> None:
    """An n-row workbook written as a stream, with a stale <dimension> of 3 rows."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        wbx = mf.workbook([("Sheet1", "<worksheet/>")], None)
        with zipfile.ZipFile(io.BytesIO(wbx)) as src:
            for info in src.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    z.writestr(info.filename, src.read(info.filename))
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(head.encode())
            fh.write(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe4\xbc\x81\xe4\xb8\x9a\xe5\x90\x8d\xe7\xa7\xb0</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>\xe6\xb3\xa8\xe5\x86\x8c\xe8\xb5\x84\xe6\x9c\xac</t></is></c></row>'
            )
            for i in range(2, n + 2):
                fh.write(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>商丘{i}有限公司</t></is></c>'.encode())
                fh.write(f'<c r="B{i}"><v>{i}</v></c></row>'.encode())
            fh.write(b"</sheetData></worksheet>")


def test_xlsx_streams_rows_past_a_stale_dimension(tmp_path):
    path = tmp_path / "big.xlsx"
    _big_xlsx(path, 100_000)
    t = read_raw(path, {"name": ["企业名称"], "reg_capital": ["注册资本"]})
    assert t.physical_rows == 100_000 and t.reconciles()
    assert t.row_numbers[-1] == 100_001 and t.columns[1][-1] == "100001"


@pytest.mark.slow
def test_xlsx_reads_a_million_rows_in_constant_memory_per_row(tmp_path):
    import resource

    path = tmp_path / "million.xlsx"
    _big_xlsx(path, 1_000_000)
    from chain_gap import _xlsx

    wb = _xlsx.open_workbook(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = sum(1 for _ in wb.rows(wb.sheets[0], _xlsx.SheetRows()))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    wb.close()
    assert n == 1_000_001
    assert grown_mb < 100  # the rows are not kept: memory does not grow with the sheet


# ============================================================================ value helpers


@pytest.mark.parametrize(
    "header,text,mult,cur",
    [
        ("注册资本（单位：万元）", "万元", 1e4, "CNY"),
        ("注册资本(万元)", "万元", 1e4, "CNY"),
        ("注册资本/亿元", "亿元", 1e8, "CNY"),
        ("注册资本 单位:万美元", "万美元", 1e4, "USD"),
        ("注册资本【万元人民币】", "万元人民币", 1e4, "CNY"),
    ],
)
def test_unit_from_header(header, text, mult, cur):
    assert normalize.unit_from_header(header) == normalize.HeaderUnit(text, mult, cur)


def test_unit_from_header_none():
    for h in ("注册资本（认缴）", "企业名称", "", None, "成立日期(年)"):
        assert normalize.unit_from_header(h) is None


@pytest.mark.parametrize(
    "text,low,high,mid",
    [
        ("100-499人", 100, 499, 299.5),
        ("少于50人", 0, 50, 25.0),
        ("50人以下", 0, 50, 25.0),
        ("5000人以上", 5000, None, 5000.0),
        ("10000+", 10000, None, 10000.0),
        ("1,000-4,999人", 1000, 4999, 2999.5),
        ("35人", 35, 35, 35.0),
        (35, 35, 35, 35.0),
    ],
)
def test_parse_staff(text, low, high, mid):
    assert normalize.parse_staff(text) == normalize.StaffRange(low, high, mid)


def test_parse_staff_none():
    for v in ("未披露", "-", "", None, "499-100人", "很多", True, -3):
        assert normalize.parse_staff(v) is None


def test_unwrap_excel_text_and_blank_dates():
    assert normalize.unwrap_excel_text('="000001"') == "000001"
    assert normalize.unwrap_excel_text('="a""b"') == 'a"b'
    assert normalize.unwrap_excel_text("'000001") == "000001"
    assert normalize.unwrap_excel_text("'=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert normalize.unwrap_excel_text(None) == ""
    from datetime import date, datetime

    for v in (
        "1899-12-30",
        "1899/12/30 00:00:00",
        "1899年12月30日",
        "1900-01-00",
        date(1899, 12, 30),
        datetime(1899, 12, 30),
    ):
        assert normalize.is_blank_excel_date(v), v
        assert normalize.parse_date(v) is None
    for v in ("1899-12-31", "2015-03-02", None, 0, ""):
        assert not normalize.is_blank_excel_date(v), v


def test_one_uscc_alphabet():
    assert synth._USCC_CHARS is normalize.USCC_CHARSET
    assert tuple(synth._USCC_W) == normalize.USCC_WEIGHTS


# ============================================================================ the older corpus reconciles too

QCC_FIELDS = {
    "name": ["企业名称", "公司名称"],
    "uscc": ["统一社会信用代码"],
    "reg_capital": ["注册资本"],
    "county": ["所属区县"],
}


@pytest.mark.parametrize("path", sorted((DATA / "bad").iterdir()), ids=lambda p: p.name)
def test_every_readable_file_of_the_bad_corpus_reconciles(path):
    try:
        t = read_raw(path, QCC_FIELDS)
    except ReadError as exc:
        assert exc.code and exc.code != "read-error", (path.name, exc.code)  # every refusal has its own code
        return
    assert t.reconciles(), path.name
    assert t.physical_rows == len(t.row_numbers) + len(t.bad_rows) + len(t.skipped)


def test_jsonl_counts_bad_lines_as_physical_rows():
    t = read_raw(DATA / "bad" / "bad_lines.jsonl")
    assert t.physical_rows == 4 and len(t.bad_rows) == 2 and t.reconciles()


def test_star_on_a_one_sheet_workbook_still_names_the_sheet():
    t = read_raw(FAULTS / "footer_end.xlsx", FIELDS, "*")
    assert t.row_sheets == ["Sheet1"] * 10


def test_xml_bombs_and_oversized_cells_in_a_workbook_are_refused_fast(tmp_path):
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]>'
    xml = mf.sheet_xml([mf.HEADER, mf.firm(1)], None)
    xml = bomb + xml.split("?>", 1)[1].replace("商丘第1号电池有限公司", "&lol9;")
    (tmp_path / "bomb.xlsx").write_bytes(mf.workbook([("S", xml)], None))
    big = mf.sheet_xml([mf.HEADER, mf.firm(1)], None).replace("商丘第1号电池有限公司", "x" * (11 * 1024 * 1024))
    (tmp_path / "big.xlsx").write_bytes(mf.workbook([("S", big)], None))
    start = time.perf_counter()
    for name, code in (("bomb.xlsx", "xlsx-xml-entities"), ("big.xlsx", "xlsx-cell-too-large")):
        with pytest.raises(ReadError) as exc:
            read_raw(tmp_path / name, FIELDS)
        assert exc.value.code == code
    assert time.perf_counter() - start < 10


# ============================================================================ property: nothing unseen

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_KINDS = st.sampled_from(["firm", "firm", "firm", "footer", "header", "blank", "title", "multiline"])
_FOOTERS = [
    "合计",
    "小计：睢阳区 5家",
    "制表人：张三",
    "数据来源：企查查",
    "注：单位为万元",
    "总计 12 家",
    "第2页 共3页",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(_KINDS, max_size=40),
    stray=st.integers(min_value=-1, max_value=45),
    enc=st.sampled_from(["utf-8", "gbk", "utf-8-sig"]),
)
def test_property_every_firm_is_read_and_every_row_counted(tmp_path, kinds, stray, enc):
    rows: list[list[str]] = [mf.HEADER]
    firms: list[str] = []
    for k, kind in enumerate(kinds):
        if kind in ("firm", "multiline"):
            row = mf.firm(k + 1)
            if kind == "multiline":
                row[2] = "100万元\n（认缴）"
            firms.append(row[1])
            rows.append(row)
        elif kind == "footer":
            rows.append([_FOOTERS[k % len(_FOOTERS)]])
        elif kind == "header":
            rows.append(list(mf.HEADER))
        elif kind == "title":
            rows.append(["2024年第二批名单"])
        else:
            rows.append([])
    lines = mf._csv(rows).splitlines(keepends=True)
    line_kinds = ["header"] + [x for k in kinds for x in ([k, k] if k == "multiline" else [k])]
    slack = 0
    if 1 <= stray < len(lines) and lines[stray][:1] not in ('"', "\n"):
        lines[stray] = '"' + lines[stray]  # one unbalanced quote somewhere
        # a stray quote in a row whose cell really holds a line break makes that row two lines
        slack = int(line_kinds[stray] == "multiline")
    path = tmp_path / "prop.csv"
    path.write_bytes("".join(lines).encode(enc))
    t = read_raw(path, FIELDS)
    nonblank = sum(1 for k in kinds if k != "blank")
    assert nonblank <= t.physical_rows <= nonblank + slack
    assert t.reconciles()
    codes_read = [c.strip('"') for c in column(t, "统一社会信用代码")]
    assert sorted(c for c in codes_read if len(c) == 18) == sorted(firms)  # every firm read, once
    assert all(i.code in ("row-footer", "row-repeated-header", "row-repeated-title") for i in t.skipped)


def test_blank_excel_date_in_a_csv_is_not_kept_as_a_founding_date(tmp_path):
    rows = [mf.HEADER, mf.firm(1), mf.firm(2)]
    rows[1][3] = "1899-12-30"
    path = tmp_path / "blank_date.csv"
    path.write_text(mf._csv(rows), encoding="utf-8")
    res = L.load(path, "qcc")
    founded = {a["name"]: a.get("founded") for _, a in res.graph.nodes(data=True) if a.get("kind") == "Enterprise"}
    assert founded == {"商丘第1号电池有限公司": None, "商丘第2号电池有限公司": "2015-03-02"}
    assert list(res.warnings.loc[res.warnings.field == "founded", "value"]) == ["1899-12-30"]


def test_ooxml_escaped_characters_are_read_back(tmp_path):
    rows = [mf.HEADER, mf.firm(1)]
    rows[1][0] = "商丘第1号_x000D_\n电池有限公司"
    path = tmp_path / "escaped.xlsx"
    path.write_bytes(mf.one_sheet(rows))
    assert column(read_raw(path, FIELDS), "企业名称") == ["商丘第1号\r\n电池有限公司"]


@given(st.text(alphabet=st.sampled_from(list('ab,"\r\n\t 中\u2028\x0c')), max_size=60))
@settings(max_examples=400, deadline=None)
def test_csv_lines_are_those_of_a_newline_free_stringio(text):
    """The reader's line splitter (no whole-text copy) hands csv exactly the lines ``io.StringIO(text,
    newline="")`` would: \\r\\n, \\r and \\n end a line and stay on it; \\u2028 and \\x0c do not."""
    import io

    from chain_gap import _csv

    assert list(_csv.lines(text)) == list(io.StringIO(text, newline=""))


def test_mac_line_endings_and_quoted_breaks_read_as_before(tmp_path):
    from chain_gap._read import read_raw

    p = tmp_path / "cr.csv"
    p.write_bytes('企业名称,经营范围\r甲公司,"锂电池\r\n生产"\r乙公司,电机\r'.encode())
    t = read_raw(p, {"name": ["企业名称"], "scope": ["经营范围"]})
    assert t.columns == [["甲公司", "乙公司"], ["锂电池\r\n生产", "电机"]] and t.row_numbers == [2, 4]
