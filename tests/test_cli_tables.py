"""The analysis commands as staff read them: Chinese tables, the reason an answer is empty, a report that
carries on past a file open in Excel, and the headline numbers."""

from __future__ import annotations

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner

from chain_gap import io, link
from chain_gap.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "--n", "4000", "--seed", "11"])
    assert res.exit_code == 0, res.output
    return out


def run(*args: str, code: int = 0):
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == code, (args, res.output)
    return res


def test_anchor_table_has_chinese_headers_and_link_names(demo_dir, tmp_path):
    b = str(demo_dir / "bundle")
    out = tmp_path / "anchors.xlsx"
    run("anchors", b, "--chain", "nev", "--region", "商丘市", "-o", str(out))
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.title == "链主企业"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["企业名称", "所在环节", "认定依据"]
    assert "link" not in header and "ent_id" not in header
    out_en = tmp_path / "anchors_en.xlsx"
    run("anchors", b, "--chain", "nev", "--region", "商丘市", "--lang", "en", "-o", str(out_en))
    assert "why an anchor" in [c.value for c in openpyxl.load_workbook(out_en).worksheets[0][1]]


def _without_supply(demo_dir, tmp_path):
    G = io.load(demo_dir / "bundle")
    G.remove_edges_from([(u, v, k) for u, v, k in G.edges(keys=True) if k == "SUPPLIES"])
    p = tmp_path / "nosupply.bundle"
    io.save(G, p)
    return str(p)


def test_anchor_suppliers_says_when_the_data_hold_no_supply_relations(demo_dir, tmp_path):
    b = _without_supply(demo_dir, tmp_path)
    res = run("anchor-suppliers", b, "--chain", "nev", "--region", "商丘市")
    assert "Empty DataFrame" not in res.output
    assert "没有供货关系" in res.output


def test_anchor_suppliers_in_a_region_without_anchors_says_why(demo_dir):
    res = run("anchor-suppliers", str(demo_dir / "bundle"), "--chain", "nev", "--region", "西藏自治区")
    assert "Empty DataFrame" not in res.output
    assert "没有链主企业" in res.output


def test_a_chain_never_linked_in_the_bundle_is_named_not_reported_all_missing(demo_dir, tmp_path):
    b = str(tmp_path / "nev-only.bundle")  # the demo's firms, linked to one chain only
    run("load", str(demo_dir / "data" / "synthetic_enterprises.csv"), "--source", "enterprises", "--into", b)
    run("link", b, "--chain", "nev")
    res = run("gaps", b, "--chain", "电子信息", "--region", "商丘市", code=2)
    assert "尚未对产业链「电子信息」（electronics）挂链" in res.output
    assert "chain-gap link" in res.output
    assert "缺失" not in res.output
    en = run("gaps", b, "--chain", "electronics", "--region", "商丘市", "--lang", "en", code=2)
    assert "never linked" in en.output


def test_python_api_refuses_an_unlinked_chain_with_the_same_code():
    from chain_gap import gaps
    from chain_gap._gapctx import GapError

    G = nx.MultiDiGraph()
    link.attach(G, ["nev"])
    with pytest.raises(GapError) as exc:
        gaps.table(G, "electronics", "411400")
    assert exc.value.code == "gaps-chain-unlinked"


def test_report_writes_the_other_outputs_when_one_is_open_in_excel(demo_dir, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "~$report.xlsx").write_text("owner")  # Excel's owner file: report.xlsx is open
    res = run("report", str(demo_dir / "bundle"), "--chain", "nev", "--region", "商丘市", "--out", str(out), code=2)
    assert "文件被占用（可能已在 Excel 中打开），请关闭后重试" in res.output
    assert "Traceback" not in res.output
    assert not (out / "report.xlsx").exists()
    for name in ("gaps.xlsx", "targets.xlsx", "map.html", "panorama.png", "report.html"):
        assert (out / name).is_file(), name
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()


def test_report_prints_its_headline_numbers_like_the_demo(demo_dir, tmp_path):
    res = run("report", str(demo_dir / "bundle"), "--chain", "nev", "--region", "商丘市", "--out", str(tmp_path / "r"))
    first = res.output.splitlines()[0]
    assert first.startswith("商丘市 · 新能源汽车：50 个环节")
    assert "链条完整度" in first
    assert "产业链地图（浏览器打开）" in res.output and str(tmp_path / "r" / "map.html") in res.output
    import re

    verdicts = re.search(r"50 个环节（([^）]*)）", first).group(1)  # the verdict counts add up to the links
    assert sum(int(n) for n in re.findall(r"(\d+)", verdicts)) == 50, first


def test_gap_sheet_shows_the_activity_in_chinese(demo_dir):
    ws = openpyxl.load_workbook(demo_dir / "gaps.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("活动变量")
    assert {r[col] for r in ws.iter_rows(min_row=2, values_only=True)} == {"企业数"}


def test_loader_tags_read_in_chinese_on_staff_sheets_and_stay_ids_in_english():
    import pandas as pd

    from chain_gap.render.sheets import target_sheet

    t = pd.DataFrame({"name": ["甲", "乙"], "tags": [["listed", "专精特新"], "delisted;高新技术企业"]})
    zh = target_sheet(t)["企业标签"].tolist()
    assert zh == [["上市公司", "专精特新"], "已退市;高新技术企业"]
    assert target_sheet(t, "en")["tags"].tolist()[0] == ["listed", "专精特新"]


def test_target_notes_state_the_weights_in_words_not_json():
    from chain_gap.render.notes import weights_text

    text = weights_text(
        {
            "alpha": 0.5,
            "proximity": 0.1,
            "priority": {"density": 0.4, "gap": 0.6},
            "tags": {"上市": 3.0, "listed": 3.0, "专精特新": 1.5},
            "side_line_share": 0.05,
        }
    )
    assert "{" not in text and "listed" not in text
    assert "α = 0.5" in text and "同省加成 10%" in text and "关联密度 0.4、缺口 0.6" in text
    assert "上市 3、专精特新 1.5" in text and "5%" in text
