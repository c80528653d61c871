"""Contacts staff can call: kept from registry exports in the bundle's contacts side table, shown on
the lead list and the local-firm list (never on the panorama or the HTML report), stripped on demand,
and the lead list's follow-up carried over to a newer list."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import networkx as nx
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from chain_gap import _contacts, demo, io, leads, load, report
from chain_gap.cli import main

GBK_CSV = (
    "公司名称,统一社会信用代码,法定代表人,电话,更多电话,邮箱,网址,注册地址\n"
    "商丘甲新能源科技有限公司,,张三,0370-5550123,13800001111；0370-5550124,a@example.com,"
    "www.jia.example.com,河南省商丘市梁园区平原路1号\n"
    "商丘乙电池有限公司,,李四2,12,,bad-mail,not a site,河南省商丘市睢阳区神火大道8号\n"
    "商丘丙材料有限公司,,,,,,,\n"
)


def _gbk(tmp_path: Path, text: str = GBK_CSV, name: str = "tyc.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("gbk"))
    return p


def _by_name(G: nx.MultiDiGraph) -> dict[str, str]:
    return {a["name"]: n for n, a in G.nodes(data=True) if a.get("kind") == "Enterprise"}


def test_contact_headers_of_a_gbk_tianyancha_export_fill_the_side_table(tmp_path):
    res = load.load(_gbk(tmp_path), "tianyancha")
    G = res.graph
    assert res.report["totals"]["loaded"] == 3 and res.report["totals"]["rejected"] == 0  # no row dropped
    ids = _by_name(G)
    t = G.graph["contacts"]
    assert list(t.columns) == list(_contacts.CONTACT_COLUMNS) and t.index.name == "ent_id"
    assert all(str(d) == "string" for d in t.dtypes)
    jia = t.loc[ids["商丘甲新能源科技有限公司"]]
    assert jia["legal_rep"] == "张三" and jia["email"] == "a@example.com" and jia["website"] == "www.jia.example.com"
    assert jia["phone"] == "0370-5550123; 13800001111; 0370-5550124"  # 电话 and 更多电话 combined
    assert jia["address"] == "河南省商丘市梁园区平原路1号"  # as written
    yi = t.loc[ids["商丘乙电池有限公司"]]
    assert yi.drop("address").isna().all() and yi["address"] == "河南省商丘市睢阳区神火大道8号"
    assert ids["商丘丙材料有限公司"] not in t.index  # nothing to call: no row
    codes = dict(zip(res.warnings["field"], res.warnings["code"]))
    assert codes == {
        "legal_rep": "contact-legal-rep-invalid",
        "phone": "contact-phone-invalid",
        "email": "contact-email-invalid",
        "website": "contact-website-invalid",
    }
    for n, a in G.nodes(data=True):  # a side table, not graph attributes
        assert not set(a) & set(_contacts.CONTACT_COLUMNS), n


def test_qcc_synonyms_and_the_warnings_file(tmp_path):
    p = tmp_path / "qcc.csv"
    p.write_text(
        "企业名称,法人代表,联系电话,电子邮箱,企业官网,企业地址\n"
        "商丘丁科技有限公司,王五,0370 555 0199,x@example.com; y@example,https://d.example.com/home,河南省商丘市梁园区\n",
        encoding="utf-8",
    )
    res = load.load(p, "qcc")
    row = res.graph.graph["contacts"].iloc[0]
    assert (row["legal_rep"], row["phone"], row["email"]) == ("王五", "0370 555 0199", "x@example.com")
    assert row["website"] == "https://d.example.com/home"
    out = tmp_path / "warnings.csv"
    load.write_warnings(res, out)
    w = pd.read_csv(out, dtype=str)
    assert w[["field", "value", "code"]].values.tolist() == [["email", "y@example", "contact-email-invalid"]]


def test_side_table_round_trips_through_the_bundle_and_appends(tmp_path):
    b = tmp_path / "city.bundle"
    src = _gbk(tmp_path)
    load.load_into(b, [src], "tianyancha")
    G = io.load(b)
    ids = _by_name(G)
    first = G.graph["contacts"]
    manifest = io.read_manifest(b)
    assert manifest["tables"]["contacts"]["count"] == len(first) == 2
    graph_json = (b / manifest["graph"]["file"]).read_text(encoding="utf-8")
    assert "0370-5550123" not in graph_json  # excluded from the graph JSON
    assert "contacts" not in io.load(b, only={"Enterprise": ["name"]}).graph  # only= respected
    assert io.load(b, only={"Enterprise": ["name"], "contacts": None}).graph["contacts"].equals(first)
    assert _contacts.from_arrow(io.read_side_table(b, "contacts")).equals(first)
    before = (b / "manifest.json").read_bytes()
    load.load_into(b, [src], "tianyancha")  # idempotent
    assert (b / "manifest.json").read_bytes() == before
    newer = _gbk(
        tmp_path,
        "公司名称,法定代表人,电话,邮箱,注册地址\n"
        "商丘甲新能源科技有限公司,张三丰,0370-5559999,,\n"
        "商丘丙材料有限公司,赵六,,c@example.com,河南省商丘市虞城县\n",
        "newer.csv",
    )
    load.load_into(b, [newer], "tianyancha")
    t = io.load(b).graph["contacts"]
    jia = t.loc[ids["商丘甲新能源科技有限公司"]]
    assert (jia["legal_rep"], jia["phone"]) == ("张三丰", "0370-5559999")  # the newer non-empty value wins
    assert (jia["email"], jia["address"]) == ("a@example.com", "河南省商丘市梁园区平原路1号")  # empty never erases
    assert t.loc[ids["商丘丙材料有限公司"], "email"] == "c@example.com"
    # io.append merges a graph's contacts into the bundle's the same way
    D = nx.MultiDiGraph()
    D.graph["contacts"] = pd.DataFrame({"phone": ["0370-5558888"]}, index=[ids["商丘乙电池有限公司"]])
    io.append(b, D)
    t2 = io.load(b).graph["contacts"]
    assert t2.loc[ids["商丘乙电池有限公司"], "phone"] == "0370-5558888"
    assert t2.drop(index=ids["商丘乙电池有限公司"]).equals(t.drop(index=ids["商丘乙电池有限公司"]))


# ---------------------------------------------------------------- outputs (one synthetic demo)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("contacts-demo")
    res = demo.run(out / "demo", n=4000, seed=2)
    G = io.load(res["bundle"])
    stripped = out / "shared"
    report.write_outputs(G, "nev", "411400", stripped, contacts=False)
    return out / "demo", stripped, G


def _first_target_phone(path: Path) -> tuple[str, str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    head = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    return row[head.index("联系电话")], row[head.index("企业ID")]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()]


def _contains(path: Path, text: str) -> bool:
    """``text`` in a file, reading an .xlsx's XML parts (its cells are zipped)."""
    import zipfile

    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return any(text in z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return text in path.read_bytes().decode("utf-8", "replace")


def test_synthetic_demo_contacts_are_plainly_fake(demo_out):
    _, _, G = demo_out
    t = G.graph["contacts"]
    assert len(t) == sum(1 for _, k in G.nodes(data="kind") if k == "Enterprise")
    assert t["email"].str.endswith("@example.com").all() and t["website"].str.contains(r"\.example\.com$").all()
    assert t["phone"].str.fullmatch(r"0370-5550\d{4}").all() and t["legal_rep"].str.endswith("某某").all()


def test_contact_columns_on_the_lead_list_and_local_firms_only(demo_out):
    out, _, G = demo_out
    phone, ent = _first_target_phone(out / "targets.xlsx")
    assert phone == G.graph["contacts"].loc[ent, "phone"]
    contact_headers = ["法定代表人", "联系电话", "邮箱", "官网", "地址"]
    wb = openpyxl.load_workbook(out / "report.xlsx")
    for sheet in ("招商目标企业清单", "本地企业清单"):
        head = [c.value for c in wb[sheet][1]]
        assert all(h in head for h in contact_headers), sheet
    assert not any(h in [c.value for c in wb["链条诊断"][1]] for h in contact_headers)
    for name in ("report.html", "panorama.svg", "gaps.xlsx"):  # they leave the bureau
        assert not _contains(out / name, phone), name
    assert _contains(out / "report.xlsx", phone)


def test_no_contacts_strips_them_from_every_output(demo_out):
    out, shared, G = demo_out
    phone, _ = _first_target_phone(out / "targets.xlsx")
    mail = str(G.graph["contacts"]["email"].iloc[0])
    files = _files(shared)
    assert {p.name for p in files} >= {"targets.xlsx", "report.xlsx", "map.html", "report.html", "panorama.svg"}
    for p in files:
        assert not _contains(p, phone) and not _contains(p, mail), p.name
    head = [c.value for c in openpyxl.load_workbook(shared / "targets.xlsx").worksheets[0][1]]
    assert "联系电话" not in head and "跟进状态" in head  # the follow-up columns stay
    res = CliRunner().invoke(
        main, ["targets", str(out / "bundle"), "--chain", "nev", "--region", "411400", "--no-contacts", "--top", "5"]
    )
    assert res.exit_code == 0 and phone not in res.output and "联系电话" not in res.output


def test_lead_list_follow_up_columns_dropdown_and_date(demo_out):
    out, _, _ = demo_out
    ws = openpyxl.load_workbook(out / "targets.xlsx").worksheets[0]
    head = [c.value for c in ws[1]]
    cols = {h: head.index(h) + 1 for h in ("跟进人", "跟进状态", "最近联系", "备注")}
    assert cols["跟进人"] + 3 == cols["备注"]  # together, in this order
    for h, j in cols.items():
        assert all(ws.cell(i, j).value is None for i in range(2, ws.max_row + 1)), h  # empty for staff
    letter = openpyxl.utils.get_column_letter(cols["跟进状态"])
    dv = [d for d in ws.data_validations.dataValidation if letter in str(d.sqref)]
    assert len(dv) == 1 and dv[0].type == "list"
    assert dv[0].formula1 == '"未联系,已联系,洽谈中,已签约,放弃"'
    assert str(dv[0].sqref) == f"{letter}2:{letter}{ws.max_row}"
    assert ws.cell(2, cols["最近联系"]).number_format == "yyyy-mm-dd"


def _fill(src: Path, dst: Path, rows: dict[int, tuple]) -> None:
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    for r, values in rows.items():
        for h, v in zip(("跟进人", "跟进状态", "最近联系", "备注"), values):
            ws.cell(r, head.index(h) + 1, v)
    wb.save(dst)


def test_update_carries_follow_up_into_a_new_file_and_lists_removed_firms(demo_out, tmp_path):
    out, _, _ = demo_out
    bundle = str(out / "bundle")
    old = tmp_path / "跟进表.xlsx"
    first = tmp_path / "first.xlsx"
    res = CliRunner().invoke(
        main, ["targets", bundle, "--chain", "nev", "--region", "411400", "--top", "100", "-o", str(first)]
    )
    assert res.exit_code == 0, res.output
    names = [c.value for c in openpyxl.load_workbook(first).worksheets[0]["B"]][1:]
    _fill(
        first,
        old,
        {2: ("王科长", "洽谈中", dt.datetime(2026, 11, 3), "约了下周见面"), 31: ("李四", "已联系", None, None)},
    )
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    new = tmp_path / "新清单.xlsx"
    args = ["targets", bundle, "--chain", "nev", "--region", "411400", "--top", "20", "--update", str(old)]
    res = CliRunner().invoke(main, [*args, "-o", str(new)])
    assert res.exit_code == 0, res.output
    assert "沿用 20 家，新增 0 家，移出 80 家" in res.output
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest  # the staff's file is never written
    wb = openpyxl.load_workbook(new)
    assert wb.sheetnames[:2] == ["招商目标企业清单", "已移出名单"]
    ws = wb["招商目标企业清单"]
    head = [c.value for c in ws[1]]
    row = {h: ws.cell(2, head.index(h) + 1).value for h in ("企业名称", "跟进人", "跟进状态", "最近联系", "备注")}
    assert row == {"企业名称": names[0], "跟进人": "王科长", "跟进状态": "洽谈中",
                   "最近联系": dt.datetime(2026, 11, 3), "备注": "约了下周见面"}  # fmt: skip
    assert ws.cell(3, head.index("跟进人") + 1).value is None
    gone = wb["已移出名单"]
    ghead = [c.value for c in gone[1]]
    grows = [[c.value for c in r] for r in gone.iter_rows(min_row=2)]
    assert len(grows) == 80 and {r[ghead.index("企业名称")] for r in grows} == set(names[20:])
    li = next(r for r in grows if r[ghead.index("企业名称")] == names[29])
    assert (li[ghead.index("跟进人")], li[ghead.index("跟进状态")]) == ("李四", "已联系")
    assert all(r[ghead.index("移出原因")] for r in grows)
    assert any(dv.formula1 == '"未联系,已联系,洽谈中,已签约,放弃"' for dv in gone.data_validations.dataValidation)
    # the new list updated again: the removed firms stay listed, those back on the list get their follow-up
    again = tmp_path / "again.xlsx"
    res = CliRunner().invoke(
        main, ["targets", bundle, "--chain", "nev", "--region", "411400", "--top", "40", "--update", str(new),
               "-o", str(again)],
    )  # fmt: skip
    assert res.exit_code == 0 and "沿用 40 家，新增 0 家，移出 60 家" in res.output
    ws2 = openpyxl.load_workbook(again).worksheets[0]
    h2 = [c.value for c in ws2[1]]
    assert ws2.cell(31, h2.index("跟进人") + 1).value == "李四"
    # never the same file
    res = CliRunner().invoke(main, [*args, "-o", str(old)])
    assert res.exit_code == 2 and "输出会覆盖输入文件" in res.output and len(res.output.strip().splitlines()) == 1
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2 and "--update 需要用 -o" in res.output


def test_update_from_a_csv_matches_by_uscc_then_id_then_name(demo_out, tmp_path):
    _, _, G = demo_out
    from chain_gap import targets

    t = _contacts.attach(targets.rank(G, "nev", "411400", top=6), G)
    old = pd.DataFrame(
        {
            "企业名称": ["改过名的企业", "", t["name"].iloc[2], "外地已不存在的企业"],
            "统一社会信用代码": [t["uscc"].iloc[0], "", "", "91000000000000000X"],
            "企业ID": ["", t["ent_id"].iloc[1], "", "ent:gone"],
            "跟进状态": ["已签约", "放弃", "洽谈中", "已联系"],
            "备注": ["by uscc", "by id", "by name", "gone"],
        }
    )
    src = tmp_path / "old.csv"
    old.to_csv(src, index=False, encoding="gb18030")
    up = leads.carry_over(t, src, G, "411400")
    assert up.carried == 3 and up.new == 3
    assert up.targets["follow_note"].tolist()[:4] == ["by uscc", "by id", "by name", None]
    assert up.removed["name"].tolist() == ["外地已不存在的企业"]
    assert up.removed["removed_reason"].tolist() == ["新数据中已无该企业"]
    dst = tmp_path / "new.csv"
    written = leads.write_lead_list(up, dst, source=src)
    assert written == [dst, tmp_path / "new_已移出名单.csv"]
    back = pd.read_csv(dst, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["跟进状态"].tolist()[:3] == ["已签约", "放弃", "洽谈中"]
    with pytest.raises(Exception, match=r"输出会覆盖输入文件|would overwrite"):
        leads.write_lead_list(up, src, source=src)


# ---------------------------------------------------------------- Neo4j


def _contact_graph() -> nx.MultiDiGraph:
    from test_neo4j import small_graph

    G = small_graph()
    ents = sorted({u for u, _, k in G.edges(keys=True) if k == "LINKED_TO"})  # what a pull brings back in full
    G.graph["contacts"] = _contacts.merge_contacts(
        None,
        {
            ents[0]: {"legal_rep": "张某某", "phone": "0370-55500001", "email": "a@example.com"},
            ents[1]: {"website": "https://b.example.com", "address": "河南省商丘市梁园区'}) DETACH DELETE n //"},
        },
    )
    return G


def test_neo4j_push_writes_contacts_on_enterprise_nodes_and_pull_restores_the_table():
    from test_neo4j import MemoryServer, _pulling_server

    from chain_gap import neo4j as cg

    G = _contact_graph()
    mem = MemoryServer()
    cg.push(G, driver=mem, backoff=0)
    nodes, _ = mem.dump()
    props = {r["id"]: r["props"] for r in nodes}
    first = G.graph["contacts"].index[0]
    assert props[first]["phone"] == "0370-55500001" and "contacts" not in json.loads(mem.meta["graph"])
    for _, q, _ in mem.calls:
        assert "0370-5550" not in q and "DETACH DELETE n //" not in q  # parameters only
    H = cg.pull(chain="toy", driver=_pulling_server(G))
    pd.testing.assert_frame_equal(H.graph["contacts"], G.graph["contacts"])
    assert not any(set(a) & set(_contacts.CONTACT_COLUMNS) for _, a in H.nodes(data=True))
    bare = MemoryServer()
    cg.push(G, driver=bare, backoff=0, contacts=False)
    assert not any(set(r["props"]) & set(_contacts.CONTACT_COLUMNS) for r in bare.dump()[0])


def test_neo4j_export_has_contact_columns(tmp_path):
    import csv

    from chain_gap import neo4j as cg

    G = _contact_graph()
    cg.export_admin_import(G, tmp_path / "imp")
    with open(tmp_path / "imp" / "nodes_Enterprise.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = G.graph["contacts"].index[0]
    assert next(r for r in rows if r["id:ID(cg)"] == first)["phone"] == "0370-55500001"
    cg.export_admin_import(G, tmp_path / "bare", contacts=False)
    assert "0370-5550" not in (tmp_path / "bare" / "nodes_Enterprise.csv").read_text(encoding="utf-8")


# test_neo4j's live driver fixture: the test graph's nodes removed before and after, the meta node restored
from test_neo4j import server as live_driver  # noqa: E402, F401


@pytest.mark.neo4j
def test_live_neo4j_contacts_round_trip(live_driver):  # noqa: F811  (a pytest fixture)
    from chain_gap import neo4j as cg

    G = _contact_graph()
    cg.push(G, batch_size=7)
    H = cg.pull(chain="toy")
    pd.testing.assert_frame_equal(H.graph["contacts"], G.graph["contacts"])
    assert not any(set(a) & set(_contacts.CONTACT_COLUMNS) for _, a in H.nodes(data=True))


def test_merge_of_loaded_dicts_matches_the_frame_of_those_dicts():
    # the loader's per-firm dicts become the table column by column; blanks and absent keys are NA
    new = {
        "ent:b": {"legal_rep": "张三", "phone": ""},
        "ent:a": {"email": "a@example.com", "address": "郑州市"},
        "ent:c": {},
    }
    got = _contacts.merge_contacts(None, new)
    want = (
        pd.DataFrame.from_dict(new, orient="index")
        .reindex(columns=list(_contacts.CONTACT_COLUMNS))
        .astype("string")
        .replace("", pd.NA)
        .sort_index()
    )
    want.index = pd.Index(list(want.index), name="ent_id", dtype=object)
    pd.testing.assert_frame_equal(got, want)
    assert list(got.index) == ["ent:a", "ent:b", "ent:c"] and got.loc["ent:b", "phone"] is pd.NA
    # merged onto an older table: a new value wins, a blank never erases
    old = _contacts.merge_contacts(None, {"ent:b": {"phone": "13800000000", "legal_rep": "李四"}})
    both = _contacts.merge_contacts(old, new)
    assert both.loc["ent:b", "phone"] == "13800000000" and both.loc["ent:b", "legal_rep"] == "张三"
    # the loader hands its own dicts over: emptied as the table takes their values, same table
    mine = {k: dict(v) for k, v in new.items()}
    pd.testing.assert_frame_equal(_contacts.merge_contacts(None, mine, consume=True), got)
    assert all(not d for d in mine.values()) and new["ent:b"]["legal_rep"] == "张三"
