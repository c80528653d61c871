"""``chain-gap portfolio`` through click's CliRunner on the hand-made 商丘 bundle."""

from __future__ import annotations

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner
from factories import TOY, TOY_FOOD, add_firm, portfolio_graph, toy_chain

from chain_gap import io
from chain_gap.chains import add_to_graph
from chain_gap.cli import main


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return io.save(portfolio_graph(), tmp_path_factory.mktemp("pf") / "city.bundle")


def run(*args: str, code: int = 0):
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == code, (args, res.output)
    return res


CHAINS = ("--chains", f"{TOY},{TOY_FOOD}")


def test_prints_the_matrix_chinese_first(bundle):
    out = run("portfolio", str(bundle), "--city", "商丘市", *CHAINS).output
    assert "测试电池汽车链" in out and "主导" in out and "河南商丘经济开发区（开发区）" in out
    assert "▲ 睢阳区、民权县、夏邑县均以测试食品链为主导/培育产业" in out
    en = run("portfolio", str(bundle), "--city", "411400", *CHAINS, "--lang", "en").output
    assert "Toy food chain" in en and "risk of disorderly competition" in en


def test_writes_the_workbook_csv_and_the_folder(bundle, tmp_path):
    run("portfolio", str(bundle), "--city", "商丘市", *CHAINS, "-o", str(tmp_path / "p.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert "招商引资产业目录" in wb.sheetnames and wb["招商引资产业目录"].max_row > 1
    run("portfolio", str(bundle), "--city", "商丘市", *CHAINS, "-o", str(tmp_path / "u.csv"))
    text = (tmp_path / "u.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("县级单位,类型,主导产业") and "睢阳区" in text
    res = run("portfolio", str(bundle), "--city", "商丘市", *CHAINS, "--out", str(tmp_path / "d"))
    for name in ("portfolio.xlsx", "county_matrix.png", "portfolio.html", "catalogue.html", "catalogue.csv"):
        assert (tmp_path / "d" / name).stat().st_size > 0, name
    assert "县域分工矩阵图 PNG" in res.output
    assert (tmp_path / "d" / "county_matrix.png").read_bytes()[:4] == b"\x89PNG"


def test_area_errors_are_one_line(bundle):
    res = run("portfolio", str(bundle), "--city", "梁园区", *CHAINS, code=2)
    assert "县级单位" in res.output and "Traceback" not in res.output
    res = run("portfolio", str(bundle), *CHAINS, code=2)
    assert "--city 或 --province" in res.output


def test_a_level_the_data_do_not_hold_exits_no_data(tmp_path):
    G = nx.MultiDiGraph()
    add_to_graph(G, toy_chain())
    for i in range(30):
        add_firm(G, f"Q{i}", ["410000", "420000"][i % 2], link="cell" if i % 3 == 0 else None)
    b = io.save(G, tmp_path / "prov.bundle")
    res = run("portfolio", str(b), "--city", "商丘市", "--chains", str(TOY), code=3)
    assert "无数据" in res.output and "无法在该级别判断分工" in res.output
