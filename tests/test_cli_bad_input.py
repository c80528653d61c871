"""A demanding user's bad inputs at the command line: each gets one line naming what is wrong, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from factories import cli_run, one_line_error

from chain_gap.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"


def test_python_dash_m_cli_offers_every_command_the_entry_point_offers():
    """`python -m chain_gap.cli demo` must work: the help's quick start names `demo`, `map`, `report`."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-m", "chain_gap.cli", "--help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert set(main.commands) <= listed
    assert {"demo", "map", "report", "compare"} <= listed


run = cli_run  # the tests read as the CLI is typed: run("load", …)


def firms_csv(tmp_path: Path) -> Path:
    p = tmp_path / "firms.csv"
    p.write_text("企业名称,统一社会信用代码\n商丘甲机械有限公司,\n商丘乙电池有限公司,\n", encoding="utf-8")
    return p


def test_top_zero_or_negative_is_refused_not_read_as_all_or_all_but_n(tmp_path):
    """`--top -5` used to reach `head(-5)` (every target but the last 5), `--top 0` meant all of them."""
    for bad in ("0", "-5"):
        line = one_line_error(run("targets", tmp_path, "--chain", "nev", "--region", "商丘市", "--top", bad))
        assert "--top" in line and bad in line and "不在允许范围" in line
        line = one_line_error(
            run("changes", tmp_path, tmp_path, "--chain", "nev", "--region", "商丘市", "--top", bad, "--lang", "en")
        )
        assert "--top" in line and "range" in line


def test_output_format_is_checked_before_the_analysis_runs(tmp_path):
    """A typo'd suffix is answered at once (not after the whole run), naming the option, in Chinese."""
    not_a_bundle = tmp_path  # the command never gets to read it: the option is refused while parsing
    line = one_line_error(run("gaps", not_a_bundle, "--chain", "nev", "--region", "商丘市", "-o", tmp_path / "g.txt"))
    assert "'-o' / '--output' 的值无效" in line and "g.txt" in line and ".xlsx" in line and "Invalid" not in line
    line = one_line_error(
        run("gaps", not_a_bundle, "--chain", "nev", "--region", "商丘市", "-o", tmp_path / "g", "--lang", "en")
    )
    assert "'-o' / '--output'" in line and "(none)" in line
    # the map and the atlas are HTML pages: `-o gaps.xlsx` used to write HTML into a .xlsx file
    for cmd in ("map", "atlas"):
        line = one_line_error(run(cmd, not_a_bundle, "--chain", "nev", "--region", "商丘市", "-o", tmp_path / "m.xlsx"))
        assert "m.xlsx" in line and ".html" in line
    line = one_line_error(
        run("changes", not_a_bundle, not_a_bundle, "--chain", "nev", "--region", "商丘市", "-o", "c.csv")
    )
    assert "c.csv" in line and ".xlsx" in line
    assert not list(tmp_path.iterdir())


def test_two_outputs_naming_one_file_are_refused_before_loading(tmp_path):
    """`--rejects r.csv --warnings ./r.csv` would leave only the warnings: the rejected rows lost."""
    src = firms_csv(tmp_path)
    out = tmp_path / "r.csv"
    line = one_line_error(
        run(
            "load",
            src,
            "--source",
            "qcc",
            "--into",
            tmp_path / "b",
            "--rejects",
            out,
            "--warnings",
            f"{tmp_path}/./r.csv",
        )
    )
    assert "--rejects" in line and "--warnings" in line and "r.csv" in line
    line = one_line_error(
        run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--report", out, "--rejects", out, "--lang", "en")
    )
    assert "--report" in line and "--rejects" in line and "same file" in line
    assert not (tmp_path / "b").exists() and not out.exists()
    ok = run(
        "load", src, "--source", "qcc", "--into", tmp_path / "b", "--rejects", out, "--warnings", tmp_path / "w.csv"
    )
    assert ok.exit_code == 0, ok.output
    assert out.exists() and (tmp_path / "w.csv").exists()


def test_every_command_takes_lang_as_the_main_help_promises(tmp_path):
    """`chain-gap --help` says "Add --lang en to a command for English": load, link, validate … too."""
    import click

    def leaves(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from leaves(sub, [*path, name])
        else:
            yield " ".join(path), {p.name for p in cmd.params}

    missing = [name for name, params in leaves(main, []) if "lang" not in params]
    assert missing == []
    src = firms_csv(tmp_path)
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--lang", "en")
    assert res.exit_code == 0 and "rows_in=2" in res.output and "读入" not in res.output
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b")
    assert res.exit_code == 0 and "读入 2 行" in res.output


def test_demo_refuses_a_population_too_small_and_a_bad_chain_before_writing(tmp_path):
    """`--n -5` was an internal error (numpy), `--n 3` ended in "old bundle not linked; run chain-gap link"."""
    for n in ("-5", "3"):
        line = one_line_error(run("demo", "--out", tmp_path / "d", "--n", n))
        assert "--n" in line and n in line and "1000" in line
    line = one_line_error(run("demo", "--out", tmp_path / "d", "--chain", "nope", "--n", "1000"))
    assert "nope" in line
    assert not (tmp_path / "d").exists()


def test_demo_for_another_region_draws_that_region_densely(tmp_path):
    """The synthetic population used to be dense only around 商丘市: `--region 阿里地区` found no firm there."""
    res = run("demo", "--out", tmp_path / "d", "--n", "1000", "--region", "阿里地区")
    assert res.exit_code == 0, res.output
    assert "阿里地区 · 新能源汽车" in res.output and (tmp_path / "d" / "gaps.xlsx").exists()


def test_report_previous_that_is_a_file_is_a_usage_error_not_an_internal_one(tmp_path):
    """`--previous last.xlsx` (a file where a bundle folder belongs) was `内部错误：NotADirectoryError`, exit 70."""
    old = firms_csv(tmp_path)
    line = one_line_error(
        run("report", tmp_path, "--chain", "nev", "--region", "商丘市", "--out", tmp_path / "r", "--previous", old)
    )
    assert "--previous" in line and "firms.csv" in line and "内部错误" not in line
    assert not (tmp_path / "r").exists()


def warnings_of(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_formulas_saved_by_a_program_without_results_are_reported_not_silently_empty(tmp_path):
    """openpyxl (and other writers that never calculate) store a formula's result as an empty ``<v/>``:
    the name cell read as empty and the row was rejected as "no usable enterprise name" with no word
    about the formula; a date or capital formula vanished without any warning."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "成立日期", "注册资本"])
    ws.append(["商丘甲机械有限公司", "", "2019-01-02", "100万元"])
    ws.append(["=A2", "", "=TODAY()", "=1/0"])
    src = tmp_path / "export.xlsx"
    wb.save(src)
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--warnings", tmp_path / "w.csv")
    assert res.exit_code == 0, res.output
    got = {(w["row"], w["field"]): w for w in warnings_of(tmp_path / "w.csv") if w["code"] == "value-formula-no-cache"}
    assert set(got) == {("3", "企业名称"), ("3", "成立日期"), ("3", "注册资本")}
    assert got[("3", "成立日期")]["value"].endswith("=TODAY()")


def test_rows_on_a_hidden_sheet_are_named_in_the_warnings(tmp_path):
    """A hidden sheet is not read, but its rows used to disappear without a warning."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["企业名称"])
    ws.append(["商丘甲机械有限公司"])
    hidden = wb.create_sheet("梁园区")
    hidden.append(["企业名称"])
    hidden.append(["商丘乙电池有限公司"])
    hidden.sheet_state = "hidden"
    empty_hidden = wb.create_sheet("备用")
    empty_hidden.sheet_state = "hidden"
    src = tmp_path / "export.xlsx"
    wb.save(src)
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--warnings", tmp_path / "w.csv")
    assert res.exit_code == 0 and "xlsx-sheet-ignored=1" in res.output, res.output
    (w,) = [w for w in warnings_of(tmp_path / "w.csv") if w["code"] == "xlsx-sheet-ignored"]
    assert w["value"] == "梁园区" and "hidden" in w["reason"] and "--sheet" in w["reason"]
    res = run("load", src, "--source", "qcc", "--into", tmp_path / "b", "--sheet", "梁园区")
    assert res.exit_code == 0 and "新增 1" in res.output, res.output


def test_an_empty_table_prints_a_line_not_pandas_empty_dataframe(tmp_path):
    """`chain-gap anchors` with no 链主 printed "Empty DataFrame / Columns: [企业名称, …]" to staff."""
    b = tmp_path / "b"
    assert run("load", firms_csv(tmp_path), "--source", "qcc", "--into", b).exit_code == 0
    assert run("link", b, "--chain", "nev").exit_code == 0
    res = run("anchors", b, "--chain", "nev", "--region", "商丘市")
    assert res.exit_code == 0, res.output
    assert "Empty DataFrame" not in res.output and "没有符合条件的行" in res.output
    res = run("anchors", b, "--chain", "nev", "--region", "商丘市", "--lang", "en")
    assert "Empty DataFrame" not in res.output and "(no rows)" in res.output


def test_settings_files_saved_by_notepad_or_holding_nan_are_handled(tmp_path):
    """A UTF-8 BOM (Notepad) was "Invalid statement (at line 1, column 1)"; UTF-16 an internal
    UnicodeDecodeError (exit 70); `alpha = nan` / `inf` were taken as weights without a word."""
    import pytest

    from chain_gap import config

    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeffalpha = 0.3\n".encode())
    assert config.load_targets(bom).alpha == 0.3
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes("alpha = 0.3\n".encode("utf-16"))
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[tags]\n"上市" = 3\n'.encode("gbk"))
    for bad in (utf16, gbk):
        with pytest.raises(config.ConfigError) as e:
            config.load_targets(bad)
        assert e.value.code == "config-not-utf8" and bad.name in str(e.value) and "UTF-8" in str(e.value)
    for value in ("nan", "inf", "-inf"):
        p = tmp_path / f"{value}.toml"
        p.write_text(f"alpha = {value}\n", encoding="utf-8")
        with pytest.raises(config.ConfigError) as e:
            config.load_targets(p)
        assert e.value.code == "config-bad-value" and "alpha" in str(e.value) and value in str(e.value)
    b = tmp_path / "b"
    assert run("load", firms_csv(tmp_path), "--source", "qcc", "--into", b).exit_code == 0
    assert run("link", b, "--chain", "nev").exit_code == 0
    line = one_line_error(run("targets", b, "--chain", "nev", "--region", "商丘市", "--weights", utf16))
    assert "utf16.toml" in line and "UTF-8" in line and "内部错误" not in line
    line = one_line_error(run("link", b, "--chain", "nev", "--config", gbk))
    assert "gbk.toml" in line and "UTF-8" in line
