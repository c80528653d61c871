"""Tests of the safe Excel writer (chain_gap.report), checked by reopening with openpyxl."""
from __future__ import annotations

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from chain_gap.report import ReportError, display_width, neutralise, write_workbook

USCC = "91350900587527783P"
EVIL = '=HYPERLINK("x")'


def firms() -> pd.DataFrame:
    return pd.DataFrame({
        "uscc": [USCC, "91411400MA0000001X", None],
        "name": [EVIL, "商丘锂能新材料有限公司", "@SUM(A1)"],
        "industry_code": ["0119", "3841", "3842"],
        "stock_code": ["001234", "300750", None],
        "region": [350900, 411400, 411400],  # an integer column: still written as text
        "reg_capital": [5.0e7, float("nan"), 1.2e6],
        "products": [["正极材料", "前驱体"], [], None],
        "note": ["+86 370 1234567", "-", "普通文本"],
    })


def gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "link": ["nev/cathode", "nev/cell"], "link_name": ["正极材料", "动力电池电芯"],
        "lq": [0.5, math.inf], "single_firm": [True, False], "local": np.array([2, 14], dtype="int64"),
    })


@pytest.fixture
def book(tmp_path):
    path = write_workbook(tmp_path / "pack.xlsx", {"链条诊断": gaps(), "本地企业清单": firms()},
                          text_columns=("note",), notes={"数据时点": "2024年12月", "来源": "合成演示数据",
                                                         "公式样例": "=1+1"})
    return path, openpyxl.load_workbook(path)


def test_sheet_names_and_header_row(book):
    _, wb = book
    assert wb.sheetnames == ["链条诊断", "本地企业清单", "数据说明"]
    ws = wb["本地企业清单"]
    assert [c.value for c in ws[1]] == ["uscc", "name", "industry_code", "stock_code", "region",
                                        "reg_capital", "products", "note"]
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
    assert ws["D2"].value is True and ws["E3"].value == 14


def test_frozen_header_and_autofilter(book):
    _, wb = book
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
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
    assert [c.value for c in wb["named"][1]][0] == "link"
