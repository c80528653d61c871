"""The loader and the CLI on the reader's fault corpus (tests/data/make_faults.py): rows reconcile
against the rows physically in each file, recoverable faults load with coded warnings, refusals are one
line with exit 2, and nothing is destroyed. Tests assert codes, never message text."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from chain_gap import load
from chain_gap.cli import main
from chain_gap.load import LoadError

DATA = Path(__file__).parent / "data"
FAULTS = DATA / "faults"
sys.path.insert(0, str(DATA))
import make_faults  # noqa: E402

make_faults.build()
CASES = make_faults.CASES
LOADABLE = sorted(n for n, c in CASES.items() if "physical" in c and "error" not in c)
REFUSED = sorted(n for n, c in CASES.items() if "error" in c)


TYPES = {
    "name": "name",
    "uscc": "uscc",
    "reg_capital": "capital",
    "founded": "date",
    "city": "region",
    "county": "region",
    "employees": "int",
    "stock_code": "stock",
}


@pytest.fixture(scope="module")
def mapping(tmp_path_factory):
    """An enterprise mapping with the corpus' own headers (make_faults.FIELDS), as a user would write."""
    lines = ["id: faults", "name: 测试映射", "name_en: corpus mapping", "kind: enterprise", "fields:"]
    for f, syn in make_faults.FIELDS.items():
        lines += [f"  {f}:", f"    synonyms: [{', '.join(syn)}]", f"    type: {TYPES[f]}"]
        if f == "name":
            lines.append("    required: true")
    p = tmp_path_factory.mktemp("mapping") / "faults.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(p)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", LOADABLE)
def test_every_physical_row_is_counted(name, mapping):
    case = CASES[name]
    res = load.load(FAULTS / name, mapping, sheet=case.get("sheet"))
    t = res.report["totals"]
    assert t["rows_in"] == case["physical"], res.report
    assert t["rows_in"] == t["loaded"] + t["merged"] + t["rejected"] + t["skipped"]
    for code, n in (case.get("skipped") or {}).items():
        assert (res.skipped["code"] == code).sum() == n, (code, res.skipped)
    for code, n in (case.get("warnings") or {}).items():
        assert (res.warnings["code"] == code).sum() >= n, (code, res.warnings)
    if case.get("sheets"):
        assert len({f.get("sheet") for f in res.report["files"]}) == case["sheets"]
    expected = pd.concat([res.rejects["code"], res.warnings["code"], res.skipped["code"]]).value_counts()
    if len(res.conflicts):
        expected["merge-conflict"] = len(res.conflicts)
    assert res.report["codes"] == dict(sorted(expected.items()))


@pytest.mark.parametrize("name", REFUSED)
def test_refused_files_name_the_file_and_a_code(name, mapping):
    with pytest.raises(LoadError) as exc:
        load.load(FAULTS / name, mapping)
    assert exc.value.code == CASES[name]["error"]
    msg = str(exc.value)
    assert "\n" not in msg and name in msg


def test_cli_refuses_county_sheets_naming_them_and_loads_them_with_sheet_star(tmp_path):
    run = CliRunner().invoke
    r = run(main, ["load", str(FAULTS / "county_sheets.xlsx"), "--source", "qcc", "--into", str(tmp_path / "b")])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert not (tmp_path / "b" / "manifest.json").exists()
    warn = tmp_path / "warnings.csv"
    r = run(
        main,
        [
            "load",
            str(FAULTS / "county_sheets_all.xlsx"),
            "--source",
            "qcc",
            "--into",
            str(tmp_path / "b"),
            "--sheet",
            "*",
            "--warnings",
            str(warn),
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "读入 9 行" in r.output and "跳过 0" in r.output


def test_cli_writes_coded_warnings_for_recoverable_faults(tmp_path):
    warn = tmp_path / "warnings.csv"
    src = FAULTS / "footer_subtotals_gbk.csv"
    r = CliRunner().invoke(
        main, ["load", str(src), "--source", "qcc", "--into", str(tmp_path / "b"), "--warnings", str(warn)]
    )
    assert r.exit_code == 0, r.output
    assert "跳过 6" in r.output and "row-footer=6" in r.output
    w = pd.read_csv(warn, encoding="utf-8-sig", dtype=str)
    assert {"kind", "file", "row", "field", "value", "reason", "code", "sheet"} <= set(w.columns)
    assert (w.loc[w["kind"] == "skipped", "code"] == "row-footer").sum() == 6
    merged = FAULTS / "merged_county.xlsx"
    r = CliRunner().invoke(
        main, ["load", str(merged), "--source", "qcc", "--into", str(tmp_path / "c"), "--warnings", str(warn)]
    )
    assert r.exit_code == 0, r.output
    assert "merged-fill-down" in set(pd.read_csv(warn, encoding="utf-8-sig", dtype=str)["code"])


def test_load_into_a_folder_of_user_files_touches_nothing(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.csv").write_bytes((FAULTS / "utf8_plain.csv").read_bytes())
    (folder / "notes.docx").write_bytes(b"my notes")
    before = _digest(folder)
    r = CliRunner().invoke(main, ["load", str(folder / "export.csv"), "--source", "qcc", "--into", str(folder)])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert _digest(folder) == before
    # nor may an output overwrite the input
    r = CliRunner().invoke(
        main,
        [
            "load",
            str(folder / "export.csv"),
            "--source",
            "qcc",
            "--into",
            str(tmp_path / "b"),
            "--rejects",
            str(folder / "export.csv"),
        ],
    )
    assert r.exit_code == 2, r.output
    assert _digest(folder) == before
