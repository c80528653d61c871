"""与上次相比: two vintages of one region compared; the changes of a hand-made pair come out as designed."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner
from factories import COUNTY, REGION, TOY, add_firm, toy_chain, verdict_graph, vintage_pair

import chain_gap
from chain_gap import io, load, vintages
from chain_gap.cli import main
from chain_gap.vintages import ChangesError, ChangesWarning

V1 = Path(__file__).parent / "data" / "bundle_v1"


@pytest.fixture(scope="module")
def pair():
    old, new, design = vintage_pair()
    old.graph["data_vintage"] = {"date": "2025-06-30", "from": "test"}
    new.graph["data_vintage"] = {"date": "2026-06-30", "from": "test"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChangesWarning)  # distinct vintages, same coverage: nothing to warn
        ch = chain_gap.changes(old, new, toy_chain(), COUNTY)
    return old, new, design, ch


def test_links_heal_go_missing_and_persist_as_designed(pair):
    _, _, design, ch = pair
    status = dict(zip(ch.links["link"], ch.links["status"]))
    assert {k for k, v in status.items() if v == "healed"} == design["healed"]
    assert {k for k, v in status.items() if v == "newly_missing"} == design["newly_missing"]
    assert {k for k, v in status.items() if v == "persistent"} == design["persistent"]
    assert set(ch.healed["link"]) == design["healed"] and set(ch.persistent["link"]) == design["persistent"]
    assert set(ch.newly_missing["link"]) == design["newly_missing"]
    s = ch.summary
    assert (s["healed"], s["newly_missing"], s["persistent"]) == (2, 1, 1)
    assert (s["old_vintage"], s["new_vintage"]) == ("2025-06-30", "2026-06-30")
    cell = ch.links.set_index("link").loc["cell"]
    assert (cell.old_local, cell.new_local, cell.entered, cell.left) == (0, 2, 2, 0)
    assert cell.old_verdict == "missing" and cell.new_verdict != "missing"
    assert "0 → 2" in cell.reasons and "补链" in cell.reasons


def test_verdict_changes_are_the_links_whose_verdict_moved(pair):
    _, _, _, ch = pair
    moved = ch.links[ch.links["old_verdict"] != ch.links["new_verdict"]]
    assert set(ch.verdicts["link"]) == set(moved["link"]) == {"cell", "vehicle", "material"}
    row = ch.verdicts.set_index("link").loc["material"]
    assert (row.old_verdict, row.new_verdict, row.old_action, row.new_action) == (
        "fragile",
        "missing",
        "reinforce",  # a fragile link is 补强 (the verdict → action table)
        "extend",
    )


def test_firms_in_and_out_matched_across_bundles(pair):
    _, _, design, ch = pair
    f = ch.firms
    got_in = {(r.link, r.ent_id) for r in f[f["change"] == "entered"].itertuples()}
    got_out = {(r.link, r.ent_id) for r in f[f["change"] == "left"].itertuples()}
    assert got_in == design["entered"] and got_out == design["left"]
    why = {r.ent_id: r.why for r in f.itertuples()}
    assert why["ent:F00001"] == "迁至河南省郑州市中原区"
    assert why["ent:F00003"].startswith("已注销")
    assert why["ent:N00001"].startswith("旧数据中无此企业")
    assert (
        why[design["cell_mover"]].startswith("从广东省深圳市南山区迁入") and "上次招商目标" in why[design["cell_mover"]]
    )
    # re-keyed (same name, new id) and renamed (same USCC) firms are the same firms: not in and out
    assert not f["name"].isin(["企业F00005", "充电桩更名有限公司", "企业F00045"]).any()
    assert f[f["link"].isin(["pack", "charging"])].empty


def test_former_targets_that_set_up_locally(pair):
    _, _, design, ch = pair
    got = {
        (r.name if r.matched_by == "branch" else design["cell_mover"], r.matched_by) for r in ch.settled.itertuples()
    }
    assert {m for _, m in got} == {"id", "branch"}
    by = ch.settled.set_index("matched_by")
    assert by.loc["branch", "name"] == "远航汽车有限公司"
    assert by.loc["branch", "new_name"] == "远航汽车有限公司商丘分公司" and by.loc["branch", "new_links"] == "vehicle"
    assert by.loc["id", "old_link"] == "cell" and by.loc["id", "old_region"] == "440305"
    assert ch.summary["settled"] == 2


def test_match_never_joins_two_firms_with_different_uscc():
    old = verdict_graph()
    new = nx.MultiDiGraph(old)
    old.nodes["ent:F00035"]["uscc"] = "91411400MA45ABCD1X"
    new.nodes["ent:F00035"]["uscc"] = "91411400MA45ZZZZ2Y"  # same id and name, another registration
    with pytest.warns(ChangesWarning, match="未记录数据日期"):
        ch = vintages.changes(old, new, toy_chain(), COUNTY)
    motor = ch.firms[ch.firms["link"] == "motor"]
    assert set(motor["change"]) == {"entered", "left"} and len(motor) == 2


def test_same_vintage_warns_and_unknown_vintage_is_said():
    old, new, _ = vintage_pair()
    old.graph["data_vintage"] = {"date": "2026-06", "from": "t"}
    new.graph["data_vintage"] = {"date": "2026-06-30", "from": "t"}
    with pytest.warns(ChangesWarning, match="数据日期相同"):
        vintages.changes(old, new, toy_chain(), COUNTY)
    del old.graph["data_vintage"]
    with pytest.warns(ChangesWarning, match="旧数据包未记录数据日期"):
        ch = vintages.changes(old, new, toy_chain(), COUNTY)
    assert ch.summary["old_vintage"] is None


def test_refuses_bundles_that_cannot_be_compared():
    old, new, _ = vintage_pair()
    unlinked = nx.MultiDiGraph(new)
    unlinked.remove_edges_from(
        [(u, v, k) for u, v, k, d in new.edges(keys=True, data=True) if d["kind"] == "LINKED_TO"]
    )
    with pytest.raises(ChangesError) as exc:
        vintages.changes(old, unlinked, toy_chain(), COUNTY)
    assert exc.value.code == "changes-not-linked"
    assert str(exc.value).startswith("新数据包") and "\n" not in str(exc.value)
    elsewhere = nx.MultiDiGraph()
    from chain_gap.chains import add_to_graph

    add_to_graph(elsewhere, toy_chain())
    add_firm(elsewhere, "Z1", "410102", link="cell")
    with pytest.raises(ChangesError) as exc:
        vintages.changes(elsewhere, new, toy_chain(), COUNTY)
    assert exc.value.code == "changes-no-region" and "梁园区" in str(exc.value)


# ------------------------------------------------------------------ vintages on disk


def test_vintage_from_a_title_row_round_trips_through_save_and_load(tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(
        "企查查导出  导出时间：2026-10-08 14:33\n企业名称,所属地区\n商丘华瑞新能源有限公司,商丘市睢阳区\n", "utf-8"
    )
    src2 = tmp_path / "copy.csv"
    shutil.copy(src, src2)
    b = tmp_path / "city.bundle"
    res = load.load_into(b, [src], "enterprises")
    assert res.report["vintage"]["date"] == "2026-10-08" and "导出时间" in res.report["vintage"]["from"]
    dv = io.data_vintage(b)
    assert dv["date"] == "2026-10-08"
    G = io.load(b)
    assert G.graph["data_vintage"]["date"] == "2026-10-08"
    io.save(G, tmp_path / "again.bundle")  # derived from the manifest: not stored in the graph part
    graph_part = json.loads(
        (tmp_path / "again.bundle" / io.read_manifest(tmp_path / "again.bundle")["graph"]["file"]).read_text("utf-8")
    )
    assert "data_vintage" not in graph_part and io.data_vintage(tmp_path / "again.bundle") is None
    # the user's --vintage corrects it, even when the data are unchanged
    load.load_into(b, [src], "enterprises", vintage="2026-09")
    assert io.data_vintage(b)["date"] == "2026-09" and io.data_vintage(b)["from"] == "--vintage"
    n = len(io.vintages(b))
    load.load_into(b, [src], "enterprises", vintage="2026-09")
    assert len(io.vintages(b)) == n  # the same statement again records nothing


def test_vintage_from_a_column_and_none_without_one(tmp_path):
    src = tmp_path / "list.csv"
    src.write_text("企业名称,所属地区,导出日期\n甲有限公司,商丘市,2026/3/1\n乙有限公司,商丘市,2026/3/2\n", "utf-8")
    assert load.load(src, "enterprises").report["vintage"]["date"] == "2026-03-02"
    plain = tmp_path / "plain.csv"
    plain.write_text("企业名称,所属地区,成立日期\n甲有限公司,商丘市,2020-01-01\n", "utf-8")
    assert load.load(plain, "enterprises").report["vintage"] is None  # a founding date is no vintage


def test_old_bundles_without_a_vintage_still_load(tmp_path):
    b = tmp_path / "v1"
    shutil.copytree(V1, b)
    assert io.data_vintage(b) is None
    assert "data_vintage" not in io.load(b).graph


def test_bad_user_vintage_is_one_line(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("企业名称,所属地区\n甲有限公司,商丘市\n", "utf-8")
    res = CliRunner().invoke(
        main, ["load", str(src), "--source", "enterprises", "--into", str(tmp_path / "b"), "--vintage", "六月"]
    )
    assert res.exit_code == 2 and "YYYY-MM" in res.output and not (tmp_path / "b" / "manifest.json").exists()


# ------------------------------------------------------------------ CLI and workbook


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("vintages")
    old, new, design = vintage_pair()
    io.save(old, root / "old.bundle", vintage=io.vintage([], source="test", data_vintage="2025-06-30"))
    io.save(new, root / "new.bundle", vintage=io.vintage([], source="test", data_vintage="2026-06-30"))
    return root, design


def test_cli_changes_prints_headline_and_writes_the_workbook(bundles):
    root, design = bundles
    out = root / "changes.xlsx"
    args = ["changes", str(root / "old.bundle"), str(root / "new.bundle"), "--chain", str(TOY), "--region", COUNTY]
    res = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "2025-06-30 → 2026-06-30" in res.output
    assert "补上环节 2 个，新缺失 1 个，仍缺失 1 个" in res.output and "已在本地落地 2 家" in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["环节变化", "企业进出", "目标已落地", "与上次相比"]
    ws = wb["环节变化"]
    heads = [c.value for c in ws[1]]
    assert heads[:3] == ["环节", "变化", "变化说明"]
    rows = [dict(zip(heads, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert [r["变化"] for r in rows[:4]] == ["补上（缺失→有）"] * 2 + ["新缺失（有→缺失）", "仍缺失"]
    assert {r["环节代码"] for r in rows[:2]} == design["healed"]
    assert ws.freeze_panes == "B2" and ws.print_title_rows == "$1:$1"
    firms = wb["企业进出"]
    fh = [c.value for c in firms[1]]
    frows = [dict(zip(fh, [c.value for c in r])) for r in firms.iter_rows(min_row=2)]
    assert sorted(r["进出"] for r in frows) == ["新进入"] * 3 + ["退出"] * 2
    assert "迁至河南省郑州市中原区" in {r["原因"] for r in frows}
    code_cell = firms.cell(row=2, column=fh.index("企业ID") + 1)
    assert code_cell.number_format == "@"
    notes = {r[0].value: r[1].value for r in wb["与上次相比"].iter_rows(min_row=2)}
    assert notes["上次数据日期"].startswith("2025-06-30") and notes["本次数据日期"].startswith("2026-06-30")
    en = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert en.exit_code == 0 and "links healed 2, newly missing 1, still missing 1" in en.output


def test_cli_changes_refusal_is_one_chinese_line(bundles, tmp_path):
    root, _ = bundles
    empty = nx.MultiDiGraph()
    add_firm(empty, "Z1", COUNTY)
    io.save(empty, tmp_path / "bare.bundle")
    res = CliRunner().invoke(
        main,
        ["changes", str(tmp_path / "bare.bundle"), str(root / "new.bundle"), "--chain", str(TOY), "--region", COUNTY],
    )
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "旧数据包" in lines[0] and "还没有挂链" in lines[0]


def test_cli_info_shows_the_vintage(bundles):
    root, _ = bundles
    res = CliRunner().invoke(main, ["info", str(root / "new.bundle")])
    assert res.exit_code == 0 and "数据日期：2026-06-30" in res.output
    res = CliRunner().invoke(main, ["info", str(V1)])
    assert res.exit_code == 0 and "数据日期：未知" in res.output


def test_report_with_previous_has_the_block_and_the_sheets(bundles):
    root, _ = bundles
    out = root / "report"
    res = CliRunner().invoke(
        main,
        ["report", str(root / "new.bundle"), "--chain", str(TOY), "--region", COUNTY, "--out", str(out)]
        + ["--previous", str(root / "old.bundle")],
    )
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text("utf-8")
    assert '<h2 id="changes">与上次相比</h2>' in html and "2025-06-30 → 2026-06-30" in html
    assert html.count('data-status="healed"') == 2
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert {"环节变化", "企业进出", "目标已落地"} <= set(wb.sheetnames)


def test_region_name_is_resolved_like_everywhere_else(pair):
    old, new, _, _ = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChangesWarning)
        ch = vintages.changes(old, new, toy_chain(), "梁园区")
    assert ch.summary["region"] == COUNTY and REGION.startswith(ch.summary["region"][:4])


# ------------------------------------------------------------------ the synthetic second vintage


def _linked(ents, supply, tmp_path, name):
    from chain_gap import link

    csv = tmp_path / f"{name}.csv"
    ents.drop(columns=["true_link"]).to_csv(csv, index=False)
    G = load.load([csv], "enterprises").graph
    link.attach(G, ["nev"])
    return G


def test_next_vintage_is_deterministic_and_changes_come_out_as_designed(tmp_path):
    from chain_gap import frames, synth

    ents, supply = synth.generate(n=6000, seed=2, chains=("nev",))
    old = _linked(ents, supply, tmp_path, "old")
    mem = frames.members(old, "nev", active_only=True)[["uscc", "link"]].dropna()
    e2, s2, design = synth.next_vintage(ents, supply, seed=2, linked=mem)
    again, _, design2 = synth.next_vintage(ents, supply, seed=2, linked=mem)
    assert design == design2 and e2.equals(again)
    assert len(design["healed"]) == 1 and len(design["missing"]) == 1 and len(design["entered"]) == 3
    assert len(e2) == len(ents) - len(design["gone"]) + 3
    assert set(s2["supplier"]).isdisjoint(design["gone"])
    new = _linked(e2, s2, tmp_path, "new")
    with pytest.warns(ChangesWarning):  # in memory, neither graph has a recorded vintage
        ch = vintages.changes(old, new, "nev", "商丘市")
    status = dict(zip(ch.links["link"], ch.links["status"]))
    assert status[design["missing"][0]] == "newly_missing"
    assert status[design["healed"][0]] == "healed"
    entered = set(ch.firms.loc[ch.firms["change"] == "entered", "uscc"])
    assert set(design["moved_in"]) <= entered
    assert set(design["moved_in"]) <= set(ch.settled["uscc"])
