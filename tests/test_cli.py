"""The CLI through click's CliRunner: every command on a small demo bundle, errors as one line."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from chain_gap.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "--n", "6000", "--seed", "3"])
    assert res.exit_code == 0, res.output
    return out


def run(*args: str, ok: bool = True):
    res = CliRunner().invoke(main, list(args))
    if ok:
        assert res.exit_code == 0, (args, res.output)
    return res


def test_demo_writes_the_four_outputs(demo_dir):
    for name in ("gaps.xlsx", "targets.xlsx", "map.html", "bundle/manifest.json"):
        assert (demo_dir / name).exists(), name
    wb = openpyxl.load_workbook(demo_dir / "gaps.xlsx")
    assert wb.sheetnames[0] == "链条诊断" and "数据说明" in wb.sheetnames
    notes = [c.value for row in wb["数据说明"].iter_rows() for c in row]
    assert any("合成演示数据" in str(v) for v in notes)  # labelled synthetic
    html = (demo_dir / "map.html").read_text(encoding="utf-8")
    assert "合成" in html


def test_chains_commands():
    out = run("chains", "list").output
    assert "nev" in out and "新能源汽车" in out
    assert "cathode" in run("chains", "show", "nev").output or "正极" in run("chains", "show", "nev").output
    assert run("chains", "validate").exit_code == 0


def test_chains_validate_reports_bad_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: x\n", encoding="utf-8")
    res = run("chains", "validate", str(bad), ok=False)
    assert res.exit_code == 1 and "bad.yaml" in res.output


def test_gaps_targets_map_and_friends(demo_dir, tmp_path):
    b = str(demo_dir / "bundle")
    run("gaps", b, "--chain", "nev", "--region", "商丘市", "-o", str(tmp_path / "g.csv"))
    text = (tmp_path / "g.csv").read_text(encoding="utf-8-sig")
    assert "诊断依据" in text.splitlines()[0]
    run(
        "gaps",
        b,
        "--chain",
        "nev",
        "--region",
        "411400",
        "--activity",
        "reg_capital",
        "--lang",
        "en",
        "-o",
        str(tmp_path / "g.xlsx"),
    )
    wb = openpyxl.load_workbook(tmp_path / "g.xlsx")
    assert wb.sheetnames[0] == "Gap analysis"
    run(
        "targets",
        b,
        "--chain",
        "nev",
        "--region",
        "商丘",
        "--top",
        "10",
        "--stability",
        "--filter",
        "min_capital=100万",
        "-o",
        str(tmp_path / "t.xlsx"),
    )
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["招商目标企业清单"]
    header = [c.value for c in ws[1]]
    assert "推荐理由" in header and "排名稳定性" in header and ws.max_row <= 11
    run("map", b, "--chain", "nev", "--region", "商丘市", "-o", str(tmp_path / "m.html"))
    assert (tmp_path / "m.html").stat().st_size > 10_000
    assert "商丘市" in run("compare", b, "--chain", "nev", "--regions", "商丘市,郑州市").output
    run("anchors", b, "--chain", "nev", "--region", "商丘市")
    run("anchor-suppliers", b, "--chain", "nev", "--region", "商丘市")


def test_whatif(demo_dir):
    b = str(demo_dir / "bundle")
    import chain_gap.io
    import chain_gap.targets

    G = chain_gap.io.load(b)
    ranked = chain_gap.targets.rank(G, "nev", "411400")
    top = ranked[ranked["action"].isin(["fill", "extend"])].head(3)  # the best targets of missing links
    res = run("whatif", b, "--chain", "nev", "--region", "商丘市", "--add", ",".join(top["ent_id"]))
    m = re.search(r"缺失环节 (\d+) → (\d+) 个", res.output)
    assert m and int(m.group(2)) < int(m.group(1)), res.output  # three targets on missing links fill some
    assert "诊断（前）" in res.output and "诊断（后）" in res.output
    en = run("whatif", b, "--chain", "nev", "--region", "商丘市", "--add", top["ent_id"].iloc[0], "--lang", "en")
    assert "completeness" in en.output and "verdict before" in en.output


def test_load_link_review_round_trip(demo_dir, tmp_path):
    b = tmp_path / "x.bundle"
    src = demo_dir / "data" / "synthetic_enterprises.csv"
    res = run(
        "load",
        str(src),
        "--source",
        "enterprises",
        "--into",
        str(b),
        "--rejects",
        str(tmp_path / "rej.csv"),
        "--report",
        str(tmp_path / "rep.json"),
    )
    rep = json.loads((tmp_path / "rep.json").read_text(encoding="utf-8"))
    f = rep["files"][0]
    assert f["rows_in"] == f["loaded"] + f["merged"] + f["rejected"] == 6000
    assert "新增 6000" in res.output  # Chinese status line by default
    m1 = (b / "manifest.json").read_text()
    run("load", str(src), "--source", "enterprises", "--into", str(b))  # idempotent
    assert (b / "manifest.json").read_text() == m1
    run("link", str(b), "--chain", "nev")
    run("review", "export", str(b), "-o", str(tmp_path / "review.csv"))
    assert "挂链依据" in (tmp_path / "review.csv").read_text(encoding="utf-8-sig").splitlines()[0]


def test_user_errors_are_one_line(demo_dir, tmp_path):
    b = str(demo_dir / "bundle")
    res = run("gaps", b, "--chain", "nev", "--region", "火星市", ok=False)
    assert res.exit_code == 2 and res.output.strip().startswith("错误：") and len(res.output.strip().splitlines()) == 1
    res = run("gaps", b, "--chain", "nope", "--region", "商丘市", ok=False)
    assert res.exit_code == 2 and "nope" in res.output
    res = run("gaps", str(tmp_path), "--chain", "nev", "--region", "商丘市", "--lang", "en", ok=False)
    assert res.exit_code == 2 and "not a chain-gap bundle" in res.output
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    res = run("load", str(garbage), "--source", "enterprises", "--into", str(tmp_path / "g.bundle"), ok=False)
    assert res.exit_code == 2 and "garbage.csv" in res.output and "Traceback" not in res.output
    res = run("gaps", b, "--chain", "nev", "--region", "商丘市", "-o", str(tmp_path / "x.pdf"), ok=False)
    assert res.exit_code != 0 and ".pdf" in res.output


def test_neo4j_commands_offline(demo_dir, tmp_path, monkeypatch):
    b = str(demo_dir / "bundle")
    res = run("neo4j", "export", b, str(tmp_path / "imp"))
    assert "README.md" in res.output
    assert (tmp_path / "imp" / "README.md").read_text(encoding="utf-8").count("neo4j-admin database import") >= 1
    monkeypatch.delenv("NEO4J_URI", raising=False)
    res = run("neo4j", "push", b, ok=False)
    assert res.exit_code == 2 and "NEO4J_URI" in res.output


def test_review_export_apply_survives_relinking(demo_dir, tmp_path):
    import shutil

    import chain_gap.io

    b = tmp_path / "r.bundle"
    shutil.copytree(demo_dir / "bundle", b)
    run("review", "export", str(b), "-o", str(tmp_path / "review.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    ent, lnk, dec = header.index("企业ID") + 1, header.index("环节代码") + 1, header.index("复核结论") + 1
    ws.cell(2, dec).value = "确认"
    ws.cell(3, dec).value = "排除"
    first = (ws.cell(2, ent).value, ws.cell(2, lnk).value)
    second = (ws.cell(3, ent).value, ws.cell(3, lnk).value)
    wb.save(tmp_path / "decided.xlsx")
    res = run("review", "apply", str(b), str(tmp_path / "decided.xlsx"))
    assert "2 override(s) in force" in res.output
    run("link", str(b), "--chain", "nev")  # re-linking keeps the decisions
    G = chain_gap.io.load(b)
    e1 = G.edges[first[0], "link:" + first[1], "LINKED_TO"]
    e2 = G.edges[second[0], "link:" + second[1], "LINKED_TO"]
    assert (e1["decision"], e1["method"]) == ("confirmed", "override")
    assert e2["decision"] == "rejected"
    q = tmp_path / "after.csv"
    run("review", "export", str(b), "-o", str(q))
    import pandas as pd

    after = pd.read_csv(q, dtype=str, encoding="utf-8-sig")
    assert not ((after["企业ID"] == first[0]) & (after["环节代码"] == first[1])).any()


def test_review_apply_lists_rows_without_a_usable_decision(demo_dir, tmp_path):
    import shutil

    b = tmp_path / "r.bundle"
    shutil.copytree(demo_dir / "bundle", b)
    run("review", "export", str(b), "-o", str(tmp_path / "review.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "review.xlsx")
    ws = wb.active
    dec = [c.value for c in ws[1]].index("复核结论") + 1
    ws.cell(2, dec).value = "确认"
    ws.cell(3, dec).value = "maybe"
    ws.cell(4, dec).value = "待定"  # left open: counted as pending, not an unusable decision
    wb.save(tmp_path / "decided.xlsx")
    res = run("review", "apply", str(b), str(tmp_path / "decided.xlsx"))
    lines = [ln for ln in res.output.splitlines() if "[decision-invalid]" in ln]
    assert len(lines) == 1 and "decided.xlsx:3" in lines[0]
    assert "1 待定 / pending" in res.output
