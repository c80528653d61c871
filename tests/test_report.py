"""Tests of the safe Excel writer (chain_gap.report), checked by reopening with openpyxl."""

from __future__ import annotations

import math
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from chain_gap.report import ReportError, display_width, neutralise, write_workbook

USCC = "91350900587527783P"
EVIL = '=HYPERLINK("x")'


def firms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": [USCC, "91411400MA0000001X", None],
            "name": [EVIL, "商丘锂能新材料有限公司", "@SUM(A1)"],
            "industry_code": ["0119", "3841", "3842"],
            "stock_code": ["001234", "300750", None],
            "region": [350900, 411400, 411400],  # an integer column: still written as text
            "reg_capital": [5.0e7, float("nan"), 1.2e6],
            "products": [["正极材料", "前驱体"], [], None],
            "note": ["+86 370 1234567", "-", "普通文本"],
        }
    )


def gaps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link": ["nev/cathode", "nev/cell"],
            "link_name": ["正极材料", "动力电池电芯"],
            "lq": [0.5, math.inf],
            "single_firm": [True, False],
            "local": np.array([2, 14], dtype="int64"),
        }
    )


@pytest.fixture
def book(tmp_path):
    path = write_workbook(
        tmp_path / "pack.xlsx",
        {"链条诊断": gaps(), "本地企业清单": firms()},
        text_columns=("note",),
        notes={"数据时点": "2024年12月", "来源": "合成演示数据", "公式样例": "=1+1"},
    )
    return path, openpyxl.load_workbook(path)


def test_sheet_names_and_header_row(book):
    _, wb = book
    assert wb.sheetnames == ["链条诊断", "本地企业清单", "数据说明"]
    ws = wb["本地企业清单"]
    assert [c.value for c in ws[1]] == [
        "uscc",
        "name",
        "industry_code",
        "stock_code",
        "region",
        "reg_capital",
        "products",
        "note",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws.max_row == 4


def test_codes_are_text_with_leading_zeros(book):
    _, wb = book
    ws = wb["本地企业清单"]
    cells = {ws.cell(1, j).value: [ws.cell(i, j) for i in (2, 3, 4)] for j in range(1, ws.max_column + 1)}
    assert cells["uscc"][0].value == USCC and cells["uscc"][0].data_type == "s"
    assert cells["industry_code"][0].value == "0119" and cells["industry_code"][0].data_type == "s"
    assert cells["stock_code"][0].value == "001234" and cells["stock_code"][0].data_type == "s"
    assert cells["region"][0].value == "350900" and cells["region"][0].data_type == "s"
    assert cells["uscc"][2].value is None  # missing → empty cell, not "nan"/"None"
    assert cells["reg_capital"][0].value == 5.0e7 and cells["reg_capital"][0].data_type == "n"
    assert cells["reg_capital"][1].value is None
    assert cells["products"][0].value == "正极材料、前驱体"


def test_formula_like_text_is_inert(book):
    _, wb = book
    ws = wb["本地企业清单"]
    name = ws["B2"]
    assert name.data_type == "s"
    assert name.value == "'" + EVIL
    assert ws["B4"].value == "'@SUM(A1)"
    assert ws["H2"].value == "'+86 370 1234567" and ws["H3"].value == "'-"
    notes = wb["数据说明"]
    assert [c.value for c in notes[1]] == ["项目", "说明"]
    assert [notes.cell(i, 2).value for i in (2, 3, 4)] == ["2024年12月", "合成演示数据", "'=1+1"]
    # no cell anywhere in the workbook is a formula
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)


def test_formula_cells_are_not_formulas_in_the_raw_xml(book):
    import zipfile

    path, _ = book
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml


def test_numbers_bools_and_infinity(book):
    _, wb = book
    ws = wb["链条诊断"]
    assert ws["C2"].value == 0.5 and ws["C3"].value == "∞"
    assert ws["D2"].value == "是" and ws["D3"].value == "否" and ws["E3"].value == 14  # staff read 是/否, not TRUE


def test_frozen_header_and_autofilter(book):
    _, wb = book
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title  # the header row and the first column
    assert wb["本地企业清单"].auto_filter.ref == "A1:H4"
    assert wb["链条诊断"].auto_filter.ref == "A1:E3"


def test_column_widths_count_cjk_double(book):
    _, wb = book
    ws = wb["链条诊断"]
    # "动力电池电芯" (6 CJK chars = 12 units) is wider than "nev/cathode" (11 ASCII)
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert display_width("正极材料") == 8 and display_width("abc") == 3


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    for p in ("+", "-", "@", "\t", "\r"):
        assert neutralise(p + "x") == "'" + p + "x"
    assert neutralise("商丘市") == "商丘市"
    assert neutralise(-5) == -5 and neutralise(None) is None


def test_bad_sheet_names_fail_before_writing(tmp_path):
    path = tmp_path / "out.xlsx"
    for bad in ("a/b", "x" * 32, ""):
        with pytest.raises(ReportError, match="sheet name"):
            write_workbook(path, {bad: gaps()})
    with pytest.raises(ReportError, match="used twice"):
        write_workbook(path, {"Sheet": gaps()}, notes={"a": 1}, notes_sheet="sheet")
    assert list(tmp_path.iterdir()) == []


def test_atomic_replace_keeps_old_file_on_failure(tmp_path):
    path = write_workbook(tmp_path / "out.xlsx", {"a": gaps()})
    before = path.read_bytes()
    with pytest.raises(ReportError):
        write_workbook(path, {"a": gaps(), "b": "not a frame"})
    assert path.read_bytes() == before

    class Unprintable:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):  # fails half-way through writing
        write_workbook(path, {"a": gaps(), "b": pd.DataFrame({"x": [1, Unprintable()]})})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    write_workbook(path, {"新": firms()})
    assert openpyxl.load_workbook(path).sheetnames == ["新"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_index_written_only_when_named(tmp_path):
    df = gaps()
    filtered = df[df["local"] > 5]  # leftover index [1]: positional noise, not data
    named = df.set_index("link")
    path = write_workbook(tmp_path / "i.xlsx", {"filtered": filtered, "named": named})
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["filtered"][1]] == list(df.columns)
    assert [c.value for c in wb["filtered"][2]][:2] == ["nev/cell", "动力电池电芯"]
    assert next(c.value for c in wb["named"][1]) == "link"


# ------------------------------------------------------------------ the Excel pack (write_pack)
@pytest.fixture(scope="module")
def demo_graph(tmp_path_factory):
    """The demo pipeline's bundle (synthetic, 4 000 firms), with one local firm renamed to a formula."""
    from chain_gap import demo, io
    from chain_gap.report import local_firms

    out = tmp_path_factory.mktemp("pack-demo")
    res = demo.run(out, n=4000, seed=1)
    G = io.load(res["bundle"])
    lf = local_firms(G, "nev", "411400")
    victim = lf["ent_id"].iloc[0]
    G.nodes[victim]["name"] = EVIL
    return G, out, victim


@pytest.fixture(scope="module")
def pack(demo_graph, tmp_path_factory):
    from chain_gap.report import write_pack

    G, _, _ = demo_graph
    path = write_pack(tmp_path_factory.mktemp("pack") / "report.xlsx", G, "nev", "411400")
    return path, openpyxl.load_workbook(path)


def _col(ws, header):
    heads = [c.value for c in ws[1]]
    j = heads.index(header) + 1
    return [ws.cell(i, j) for i in range(2, ws.max_row + 1)]


def test_pack_sheets_and_headers(pack, demo_graph):
    from chain_gap import gaps
    from chain_gap.report import local_firms

    G, _, _ = demo_graph
    _, wb = pack
    # a city's pack carries its county division of labour (issue 17); the catalogue and the role sheets only
    # when a county leads in this chain
    assert wb.sheetnames[:7] == [
        "概览",
        "链条诊断",
        "招商目标企业清单",
        "本地企业清单",
        "县域分工矩阵",
        "主导产业建议",
        "同链竞争与协同",
    ]
    assert wb.sheetnames[-1] == "数据说明" and set(wb.sheetnames[7:-1]) <= {"协同分工", "招商引资产业目录"}
    gap_head = [c.value for c in wb["链条诊断"][1]]
    assert gap_head[:4] == ["环节", "诊断", "招商方向", "诊断依据"]  # what an officer reads first
    assert {"地区代码", "环节代码", "环节复杂度PCI", "机会增益COG"} <= set(gap_head[gap_head.index("缺口") :])
    assert wb["链条诊断"].max_row == len(gaps.table(G, "nev", "411400")) + 1 == 51
    assert [c.value for c in wb["招商目标企业清单"][1]][:5] == ["排名", "企业名称", "目标环节", "招商方向", "推荐理由"]
    assert [c.value for c in wb["本地企业清单"][1]][:3] == ["企业名称", "所属环节", "环节位置"]
    assert wb["本地企业清单"].max_row == len(local_firms(G, "nev", "411400")) + 1
    assert [c.value for c in wb["数据说明"][1]] == ["项目", "说明"]


def test_pack_opens_on_an_overview_a_leader_reads_first(pack, demo_graph):
    from chain_gap import gaps, targets

    G, _, _ = demo_graph
    _, wb = pack
    assert wb.sheetnames[0] == "概览" and wb.active.title == "概览"
    rows = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True)}
    gt = gaps.table(G, "nev", "411400")
    s = gaps.summary(G, "nev", "411400", gaps=gt)
    assert rows["地区"] == "商丘市（411400）" and rows["产业链"].startswith("新能源汽车")
    assert rows["链条完整度"].startswith(f"{s['c']:.0%}")
    # the verdict counts add up to the links, the priority links are the gap table's, in its order
    assert sum(int(n) for n in re.findall(r"\d+", rows["环节诊断"].split("：", 1)[1])) == len(gt) == 50
    todo = gt[gt["action"] != "none"].sort_values("priority", ascending=False)
    for i, name in enumerate(todo["link_name"].head(5), 1):
        assert rows[f"优先环节 {i}"].startswith(f"{name}：")
    tg = targets.rank(G, "nev", "411400", top=100, gap_table=gt)
    assert rows["招商目标 1"].startswith(str(tg["name"].iloc[0]).lstrip("'=+-@"))
    ws = wb["概览"]
    assert ws.column_dimensions["B"].width > 60 and ws["B2"].alignment.wrap_text


def test_pack_codes_are_text(pack):
    _, wb = pack
    for sheet in ("招商目标企业清单", "本地企业清单"):
        usccs = _col(wb[sheet], "统一社会信用代码")
        assert usccs and all(c.data_type == "s" and c.number_format == "@" for c in usccs if c.value)
        assert all(re.fullmatch(r"[0-9A-Z]{18}", c.value) for c in usccs if c.value)
    regions = _col(wb["本地企业清单"], "所在地区代码")
    assert all(c.data_type == "s" and re.fullmatch(r"4114\d\d", c.value) for c in regions)
    assert all(c.data_type == "s" and c.value == "411400" for c in _col(wb["链条诊断"], "地区代码"))


def test_pack_formula_name_is_inert(pack):
    _, wb = pack
    names = _col(wb["本地企业清单"], "企业名称")
    hit = [c for c in names if c.value == "'" + EVIL]
    assert hit and all(c.data_type == "s" for c in hit)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)


def used_cells(wb):
    """Per gap-sheet row, whether the link has local firms (its basis then quotes LQ*)."""
    return [bool(c.value) for c in _col(wb["链条诊断"], "本地企业数")]


def test_pack_notes_say_where_numbers_come_from(pack):
    from chain_gap import gaps
    from chain_gap.chains import load_chain

    _, wb = pack
    notes = {r[0].value: r[1].value for r in wb["数据说明"].iter_rows(min_row=2)}
    values = list(notes.values())
    for src in load_chain("nev").sources:
        assert src in values, src
    assert notes["数据时点 / vintage"] == "2025-12-31（合成演示数据，随机种子 1）"  # the data date first
    assert "合成演示数据" in notes["注意 / note"]
    cfg = gaps.load_config()["verdict"]
    assert notes["诊断阈值 / verdict.strong_ci_low"] == f"{cfg['strong_ci_low']:g}"
    assert notes["诊断阈值 / verdict.fragile_hhi"] == f"{cfg['fragile_hhi']:g}"
    assert notes["招商评分参数 / targets.alpha"] == "0.5"
    assert any("GB/T 4754-2017" in str(v) for v in values)  # attribution
    assert notes["链条 / chain"] == "新能源汽车 (nev)"
    # every verdict word staff see in the 诊断 column is defined here, and every action word too
    from chain_gap.vocab import ACTION_DEFINITIONS, ACTION_LABELS, VERDICT_DEFINITIONS, VERDICT_LABELS

    for v, word in VERDICT_LABELS["zh"].items():
        assert notes[f"诊断：{word} / verdict: {VERDICT_LABELS['en'][v]}"] == VERDICT_DEFINITIONS["zh"][v]
    assert notes["招商方向：补强 / action: Reinforce"] == ACTION_DEFINITIONS["zh"]["reinforce"]
    assert "强链" in notes["方法：招商方向 / actions"] and "锻长板" in notes["方法：招商方向 / actions"]
    assert "LQ*" in notes["技术依据 / basis"]
    # formulas are cited by name and the document that holds them ships
    assert not any("ORACLES" in str(v) for v in values)
    assert "docs/formulas.md" in notes["方法：区位熵 / LQ"]
    used = {c.value for c in _col(wb["链条诊断"], "诊断")}  # the words in the sheet are the defined ones
    assert used and used <= set(VERDICT_LABELS["zh"].values())
    assert {c.value for c in _col(wb["链条诊断"], "招商方向")} <= set(ACTION_LABELS["zh"].values())
    # one LQ on the sheet (LQ*), and the numbers behind the plain reason in 技术依据 among the technical columns
    heads = [c.value for c in wb["链条诊断"][1]]
    assert "区位熵LQ*" in heads and "区位熵LQ" not in heads
    assert heads.index("技术依据") > heads.index("本地主要企业")
    assert all("LQ*=" in str(c.value) for c, v in zip(_col(wb["链条诊断"], "技术依据"), used_cells(wb)) if v)


def test_pack_in_english(demo_graph, tmp_path):
    from chain_gap.report import write_pack

    G, _, _ = demo_graph
    wb = openpyxl.load_workbook(write_pack(tmp_path / "en.xlsx", G, "nev", "411400", lang="en"))
    assert wb.sheetnames[:4] == ["Overview", "Gap analysis", "Target list", "Local firms"]
    assert wb.sheetnames[-1] == "Notes" and "County matrix" in wb.sheetnames  # the city's division of labour
    assert [c.value for c in wb["Notes"][1]] == ["Item", "Note"]
    assert "USCC" in [c.value for c in wb["Local firms"][1]]
    stages = {c.value for c in _col(wb["Gap analysis"], "stage")}
    assert stages == {"Upstream", "Midstream", "Downstream"}


def test_demo_writes_every_output(demo_graph):
    _, out, _ = demo_graph
    for name in ("gaps.xlsx", "targets.xlsx", "map.html", "panorama.png", "panorama.svg", "report.xlsx", "report.html"):
        assert (out / name).stat().st_size > 1000, name
