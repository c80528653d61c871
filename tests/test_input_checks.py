"""A demanding user's bad inputs, second pass: warnings of every sheet, duplicated headers, bundle
part paths, Chinese messages, settings out of range, implausible values. Each gets a clear line or a
warning with a stable code, never a traceback or a silent choice."""

from __future__ import annotations

import csv
from pathlib import Path

from factories import cli_run, one_line_error

run = cli_run  # the tests read as the CLI is typed: run("load", …)


def issues_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_all_sheets_keep_the_warnings_about_sheets_not_read_naming_them(tmp_path):
    """`--sheet '*'` split the workbook per sheet and dropped every warning about a sheet that gave no
    rows: a summary sheet with another header and a hidden county sheet vanished without a word."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "梁园区"
    ws.append(["企业名称", "统一社会信用代码", "注册资本"])
    ws.append(["商丘甲机械有限公司", "", "abc"])
    ws2 = wb.create_sheet("睢阳区")
    ws2.append(["企业名称", "统一社会信用代码", "注册资本"])
    ws2.append(["商丘乙电池有限公司", "", "xyz"])
    summary = wb.create_sheet("汇总")
    summary.append(["区县", "企业数"])
    summary.append(["梁园区", "1"])
    hidden = wb.create_sheet("虞城县")
    hidden.append(["企业名称"])
    hidden.append(["商丘丙电机有限公司"])
    hidden.sheet_state = "hidden"
    src = tmp_path / "export.xlsx"
    wb.save(src)
    w = tmp_path / "w.csv"
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--sheet", "*", "--warnings", w)
    assert res.exit_code == 0, res.output
    got = issues_of(w)
    assert {(x["sheet"], x["code"]) for x in got} == {
        ("梁园区", "value-amount"),
        ("睢阳区", "value-amount"),
        ("汇总", "xlsx-sheet-ignored"),
        ("虞城县", "xlsx-sheet-ignored"),
    }
    assert "xlsx-sheet-ignored=2" in res.output and "警告 4" in res.output


def test_a_header_on_two_columns_is_refused_when_they_differ_and_warned_when_they_agree(tmp_path):
    """Two 企业名称 columns (a corrected copy pasted next to the original): the first column was used
    and the second ignored without a word, whichever of them was right."""
    differ = tmp_path / "differ.csv"
    differ.write_text(
        "企业名称,统一社会信用代码,企业名称\n商丘甲机械有限公司,,商丘甲机械有限公司\n商丘丙机械有限公司,,商丘乙机械有限公司\n",
        encoding="utf-8",
    )
    b = tmp_path / "b"
    line = one_line_error(run("load", differ, "--source", "qcc", "--into", b))
    assert "differ.csv" in line and "企业名称" in line and "第 1 列 A" in line and "第 3 列 C" in line
    assert "第 3 行" in line and "商丘乙机械有限公司" in line
    line = one_line_error(run("load", differ, "--source", "qcc", "--into", b, "--lang", "en"))
    assert "1 (A) and 3 (C)" in line and "row 3" in line
    assert not (b / "manifest.json").exists()  # nothing loaded
    agree = tmp_path / "agree.csv"  # the same values, or one blank where the other is filled
    agree.write_text(
        "企业名称,统一社会信用代码,企业名称\n商丘甲机械有限公司,,商丘甲机械有限公司\n,,商丘乙机械有限公司\n",
        encoding="utf-8",
    )
    w = tmp_path / "w.csv"
    res = run("load", agree, "--source", "qcc", "--into", b, "--warnings", w)
    assert res.exit_code == 0 and "新增 2" in res.output, res.output
    (x,) = [x for x in issues_of(w) if x["code"] == "header-duplicate"]
    assert x["file"].endswith("agree.csv") and x["field"] == "企业名称" and x["value"] == "1 (A), 3 (C)"


def test_a_header_twice_on_one_sheet_of_several_is_checked_before_the_sheets_are_stacked(tmp_path):
    """Stacking sheets joined columns by header text and dropped a second column of the same name."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "梁园区"
    ws.append(["企业名称", "企业名称"])
    ws.append(["商丘甲机械有限公司", ""])
    ws.append(["", "商丘乙机械有限公司"])
    other = wb.create_sheet("睢阳区")
    other.append(["企业名称"])
    other.append(["商丘丁机械有限公司"])
    src = tmp_path / "x.xlsx"
    wb.save(src)
    w = tmp_path / "w.csv"
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--sheet", "*", "--warnings", w)
    assert res.exit_code == 0 and "新增 3" in res.output, res.output  # the row only the copy names is loaded
    assert [(x["sheet"], x["code"]) for x in issues_of(w)] == [("梁园区", "header-duplicate")]
    ws.append(["商丘戊机械有限公司", "商丘己机械有限公司"])
    wb.save(src)
    line = one_line_error(run("load", src, "--source", "qcc", "--into", tmp_path / "c", "--sheet", "*"))
    assert "梁园区" in line and "第 4 行" in line and "x.xlsx" in line


def test_a_manifest_naming_a_file_outside_the_parts_folder_is_refused_never_read(tmp_path):
    """An edited manifest could point a part at ``../../x`` or an absolute path: it was read (and its
    checksum matched, the file being a copy), so a bundle could pull in any file on the machine."""
    import json
    import shutil

    import pytest

    from chain_gap import io
    from chain_gap._bundle import BundleError

    src = tmp_path / "firms.csv"
    src.write_text("企业名称,统一社会信用代码\n商丘甲机械有限公司,\n", encoding="utf-8")
    b = tmp_path / "b"
    assert run("load", src, "--source", "qcc", "--into", b).exit_code == 0
    clean = (b / "manifest.json").read_text(encoding="utf-8")
    m = json.loads(clean)
    part = m["nodes"]["Enterprise"]["parts"][0]
    outside = tmp_path / "outside.parquet"
    shutil.copy(b / part["file"], outside)  # same bytes, same checksum: only the place is wrong
    for bad in ("../outside.parquet", "parts/../../outside.parquet", str(outside), "parts\\..\\..\\outside.parquet"):
        part["file"] = bad
        (b / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
        with pytest.raises(BundleError) as e:
            io.load(b)
        assert e.value.code == "bundle-part-outside" and "manifest.json" in str(e.value), bad
        line = one_line_error(run("gaps", b, "--chain", "nev", "--region", "商丘市", "--lang", "en"))
        assert "outside the bundle's parts folder" in line and "outside.parquet" in line
    m = json.loads(clean)
    m["graph"]["file"] = "/etc/hostname"
    (b / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    line = one_line_error(run("gaps", b, "--chain", "nev", "--region", "商丘市"))
    assert "parts 文件夹以外" in line and "/etc/hostname" in line
    (b / "manifest.json").write_text(clean, encoding="utf-8")
    assert io.load(b).number_of_nodes() > 0


def test_input_errors_are_chinese_by_default_and_english_with_lang_en(tmp_path):
    """ "missing required column(s)", "is empty", "unknown source mapping" … were English under the
    default Chinese: every input error now has a zh text and keeps its English one for ``--lang en``."""
    no_name = tmp_path / "no_name.csv"
    no_name.write_text("公司代号,地址\n1,商丘市\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("id: m\nkind: enterprise\n", encoding="utf-8")
    cases = [
        (("load", no_name, "--source", "qcc"), "缺少必需的列", "missing required column(s)"),
        (("load", empty, "--source", "qcc"), "是空文件", "is empty"),
        (("load", no_name, "--source", "qichacha"), "未知的数据源映射", "unknown source mapping"),
        (("load", no_name, "--source", mapping), "映射没有任何字段", "mapping has no fields"),
    ]
    for args, zh, en in cases:
        line = one_line_error(run(*args, "--into", tmp_path / "b"))
        assert zh in line and en not in line, line
        line = one_line_error(run(*args, "--into", tmp_path / "b", "--lang", "en"))
        assert en in line and zh not in line, line


def test_the_warnings_file_says_each_reason_in_chinese_beside_the_english_one(tmp_path):
    """The warnings and rejects files held only English reasons ("cannot read the amount …")."""
    src = tmp_path / "p.csv"
    src.write_text("企业名称,统一社会信用代码,注册资本\n商丘甲机械有限公司,,abc\n,,\n合计,,\n", encoding="utf-8")
    w, r = tmp_path / "w.csv", tmp_path / "r.csv"
    assert run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--warnings", w, "--rejects", r).exit_code == 0
    by_code = {x["code"]: x for x in issues_of(w)}
    assert by_code["value-amount"]["message"] == "第2行「reg_capital」的金额「abc」无法读取；该行已载入，此值未用"
    assert by_code["value-amount"]["reason"].startswith("cannot read the amount")
    assert "表尾" in by_code["row-footer"]["message"]
    run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--warnings", w, "--lang", "en")
    by_code = {x["code"]: x for x in issues_of(w)}
    assert by_code["value-amount"]["message"] == by_code["value-amount"]["reason"]


def test_values_no_firm_can_have_are_left_out_with_a_code_and_the_row_kept(tmp_path):
    """A founding date of 2099 and a revenue of -3亿 were stored as they were (and counted in the
    firm's age and size); a negative capital or staff count had only the generic "cannot read"."""
    from chain_gap import io

    src = tmp_path / "p.csv"
    src.write_text(
        "企业名称,统一社会信用代码,成立日期,注册资本,营业收入,参保人数\n"
        "商丘甲机械有限公司,,2099-01-01,-100万元,-3亿,-5\n"
        "商丘乙机械有限公司,,1700-01-01,(100),,\n"
        "商丘丙机械有限公司,,2015-03-04,100万元,3亿,12\n",
        encoding="utf-8",
    )
    b, w = tmp_path / "b", tmp_path / "w.csv"
    res = run("load", src, "--source", "qcc", "--into", b, "--warnings", w)
    assert res.exit_code == 0 and "新增 3" in res.output and "拒绝 0" in res.output, res.output
    got = {(x["row"], x["field"]): x["code"] for x in issues_of(w)}
    assert got == {
        ("2", "founded"): "value-date-future",
        ("2", "reg_capital"): "value-negative",
        ("2", "revenue"): "value-negative",
        ("2", "employees"): "value-negative",
        ("3", "founded"): "value-date",  # before 1800: not read as a date at all
        ("3", "reg_capital"): "value-negative",
    }
    firms = {a["name"]: a for _, a in io.load(b).nodes(data=True) if a.get("kind") == "Enterprise"}
    bad, good = firms["商丘甲机械有限公司"], firms["商丘丙机械有限公司"]
    assert not {"founded", "reg_capital", "revenue", "employees"} & set(bad)
    assert good["founded"] == "2015-03-04" and good["revenue"] == 3e8 and good["employees"] == 12


def test_settings_outside_their_range_are_refused_naming_the_setting_and_the_range(tmp_path):
    """`alpha = -3`, a negative weight or a share of 1.5 passed the type check and silently turned the
    ranking or the verdicts upside down."""
    import pytest

    from chain_gap import config

    cases = [
        (config.load_targets, "alpha = -3\n", "alpha", "[0, 1]"),
        (config.load_targets, "[priority]\ndensity = -0.4\n", "priority.density", "[0, ∞)"),
        (config.load_targets, '[tags]\n"上市" = -3\n', "tags.上市", "[0, ∞)"),
        (config.load_gaps, "[verdict]\nlevel = 1.5\n", "verdict.level", "(0, 1)"),
        (config.load_gaps, "[data]\nmin_known_sizes = -0.1\n", "data.min_known_sizes", "[0, 1]"),
        (config.load_portfolio, "[portfolio]\nleading_max = 0\n", "portfolio.leading_max", "[1, ∞)"),
        (config.load_link, "[evidence]\nproduct = 7\n", "evidence.product", "[0, 1]"),
        (config.load_link, "[decision]\nuncertain = 0.9\n", "decision.uncertain", "decision.confirmed"),
    ]
    for i, (read, text, key, allowed) in enumerate(cases):
        p = tmp_path / f"s{i}.toml"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(config.ConfigError) as e:
            read(p)
        msg = e.value.message("zh")
        assert e.value.code == "config-out-of-range" and p.name in msg and key in msg and allowed in msg, msg
        assert "不在允许范围" in msg and "outside the allowed range" in e.value.message("en")
    for read in (config.load_targets, config.load_gaps, config.load_portfolio, config.load_link):
        read(None)  # the shipped settings are all in range
    b = tmp_path / "b"
    firms = tmp_path / "firms.csv"
    firms.write_text("企业名称,统一社会信用代码\n商丘甲机械有限公司,\n", encoding="utf-8")
    assert run("load", firms, "--source", "qcc", "--into", b).exit_code == 0
    assert run("link", b, "--chain", "nev").exit_code == 0
    line = one_line_error(run("targets", b, "--chain", "nev", "--region", "商丘市", "--weights", tmp_path / "s0.toml"))
    assert "s0.toml" in line and "alpha" in line and "-3" in line and "[0, 1]" in line
    line = one_line_error(run("link", b, "--chain", "nev", "--config", tmp_path / "s6.toml", "--lang", "en"))
    assert "evidence.product = 7" in line and "outside the allowed range [0, 1]" in line
