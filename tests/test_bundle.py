"""The bundle under real faults: guarded paths, permissions, the lock, kill -9, verification, OS errors.

Tests assert codes and what a user relies on (nothing destroyed, old or new bundle complete), never
message text.
"""

from __future__ import annotations

import errno
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from chain_gap import _atomic, _bundle, _bundle_write, io
from chain_gap.cli import main
from chain_gap.errors import ChainGapError
from chain_gap.schema import add_edge, add_node

DATA = Path(__file__).parent / "data"
V1 = DATA / "bundle_v1"
CHAIN_GAP = Path(sys.executable).with_name("chain-gap")


def _graph(n: int = 3, tag: str = "a") -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    r = add_node(G, "Region", "350900", name="宁德市", level="city")
    for i in range(n):
        e = add_node(G, "Enterprise", f"E{tag}{i:07d}", name=f"企业{tag}{i}", tags=["上市"], reg_capital=float(i))
        add_edge(G, e, r, "LOCATED_IN")
    G.graph["overrides"] = [{"ent_id": "x", "link": "nev/cell", "decision": "confirm"}]
    G.graph["synthetic"] = True
    G.graph["marker"] = tag
    return G


def _same(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> bool:
    return (
        G.graph == H.graph
        and dict(G.nodes(data=True)) == dict(H.nodes(data=True))
        and sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    )


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>", p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
    }


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _one_line_error(res) -> bool:
    return res.exit_code == 2 and len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output


# ================================================================== never destroy what the user has


def test_load_into_a_folder_that_is_not_a_bundle_is_refused_untouched(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.csv").write_text("企业名称,统一社会信用代码\n甲公司,91350900587527783P\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 the user's own document")
    before = _snapshot(folder)
    res = _run("load", str(folder / "export.csv"), "--source", "enterprises", "--into", str(folder))
    assert _one_line_error(res), res.output
    assert _snapshot(folder) == before
    res = _run("load", str(folder / "export.csv"), "--source", "enterprises", "--into", str(folder / "notes.docx"))
    assert res.exit_code == 2, res.output  # click refuses a file where a folder is expected
    assert _snapshot(folder) == before
    with pytest.raises(ChainGapError) as exc:
        io.save(_graph(), folder)
    assert exc.value.code == "bundle-not-a-bundle" and _snapshot(folder) == before


def test_outputs_never_replace_an_input_nor_land_in_a_bundle(tmp_path):
    src = tmp_path / "export.csv"
    src.write_text("企业名称\n甲公司\n", encoding="utf-8")
    before = src.read_bytes()
    for opt in ("--rejects", "--report"):
        res = _run("load", str(src), "--source", "enterprises", "--into", str(tmp_path / "b"), opt, str(src))
        assert _one_line_error(res), res.output
        assert src.read_bytes() == before and not (tmp_path / "b").exists()
    link = tmp_path / "alias.csv"
    link.symlink_to(src)
    res = _run("load", str(src), "--source", "enterprises", "--into", str(tmp_path / "b"), "--rejects", str(link))
    assert _one_line_error(res) and src.read_bytes() == before
    io.save(_graph(), tmp_path / "b")
    snap = _snapshot(tmp_path / "b")
    res = _run(
        "load",
        str(src),
        "--source",
        "enterprises",
        "--into",
        str(tmp_path / "b"),
        "--report",
        str(tmp_path / "b" / "r.json"),
    )
    assert _one_line_error(res) and _snapshot(tmp_path / "b") == snap
    res = _run("review", "export", str(tmp_path / "b"), "-o", str(tmp_path / "b" / "parts" / "x.csv"))
    assert _one_line_error(res) and _snapshot(tmp_path / "b") == snap
    res = _run("report", str(tmp_path / "b"), "--chain", "nev", "--region", "宁德市", "--out", str(tmp_path / "b"))
    assert _one_line_error(res) and _snapshot(tmp_path / "b") == snap
    res = _run("report", str(tmp_path / "b"), "--chain", "nev", "--region", "宁德市", "--out", str(src))
    assert res.exit_code == 2 and src.read_bytes() == before


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_new_bundles_and_outputs_get_normal_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        b = io.save(_graph(), tmp_path / "new" / "b")
        with _atomic.atomic_path(tmp_path / "out.csv") as tmp:
            tmp.write_text("x\n", encoding="utf-8")
    finally:
        os.umask(old)
    assert (b.stat().st_mode & 0o777) == 0o777 & ~umask
    assert ((b / "parts").stat().st_mode & 0o777) == 0o777 & ~umask
    for f in [b / "manifest.json", *(b / "parts").iterdir(), tmp_path / "out.csv"]:
        assert (f.stat().st_mode & 0o777) == 0o666 & ~umask, f


# ================================================================== one writer at a time


def _writer(path: str, tag: str, n: int, hold: float) -> None:
    with io.edit(path) as bundle:
        G = bundle.load() or nx.MultiDiGraph()
        time.sleep(hold)  # the other writer starts while this one holds the data in memory
        H = _graph(n, tag)
        G.add_nodes_from(H.nodes(data=True))
        G.add_edges_from(H.edges(keys=True, data=True))
        bundle.save(G)


def test_two_processes_writing_one_bundle_lose_nothing(tmp_path):
    path = str(tmp_path / "b")
    io.save(_graph(5, "base"), path)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, tag, 50, 0.6)) for tag in ("p", "q")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    G = io.load(path)
    ents = {n for n, a in G.nodes(data=True) if a["kind"] == "Enterprise"}
    assert len(ents) == 5 + 50 + 50
    assert {f"ent:E{t}{i:07d}" for t in ("p", "q") for i in range(50)} <= ents


def _hold_lock(path: str, ready, release) -> None:
    with io.locked(path):
        ready.set()
        release.wait(30)


def test_second_writer_times_out_with_a_clear_error(tmp_path):
    path = str(tmp_path / "b")
    io.save(_graph(), path)
    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(path, ready, release))
    p.start()
    try:
        assert ready.wait(30)
        told = []
        with pytest.raises(io.BundleError) as exc, io.edit(path, timeout=0.3, waiting=told.append):
            pass
        assert exc.value.code == "bundle-locked" and told == [Path(path)]
    finally:
        release.set()
        p.join(30)
    with io.edit(path, timeout=5) as bundle:  # free again
        assert bundle.exists


def _csv(path: Path, seed: int, n: int) -> set[str]:
    from chain_gap import synth

    ents, _ = synth.generate(n=n, seed=seed, chains=("nev",))
    ents.drop(columns=["true_link"]).to_csv(path, index=False, encoding="utf-8")
    return set(ents["uscc"])


@pytest.mark.skipif(not CHAIN_GAP.exists(), reason="the chain-gap script is not installed next to python")
def test_two_concurrent_cli_loads_keep_both_files(tmp_path):
    a, b = _csv(tmp_path / "a.csv", 1, 300), _csv(tmp_path / "b.csv", 2, 300)
    bundle = tmp_path / "city.bundle"
    procs = [
        subprocess.Popen(
            [str(CHAIN_GAP), "load", str(tmp_path / f), "--source", "enterprises", "--into", str(bundle)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in ("a.csv", "b.csv")
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    G = io.load(bundle)
    usccs = {a.get("uscc") for _, a in G.nodes(data=True) if a["kind"] == "Enterprise"}
    assert a | b <= usccs
    assert len(io.vintages(bundle)) == 2  # one data vintage per load


# ================================================================== kill -9 during save


def _save_after_signal(G: nx.MultiDiGraph, path: str, conn) -> None:
    conn.send("go")
    io.save(G, path)
    conn.send("done")


def test_kill_9_at_random_moments_of_a_save_leaves_old_or_new(tmp_path):
    path = str(tmp_path / "b")
    old, new = _graph(10000, "old"), _graph(20000, "new")
    io.save(old, path)
    t0 = time.perf_counter()
    io.save(new, tmp_path / "probe")
    duration = time.perf_counter() - t0
    ctx = mp.get_context("fork")
    rng = random.Random(13)
    outcomes = {"old": 0, "new": 0}
    trial = -1
    # at least 24 kills; on a busy machine a save can take much longer than the probe, so go on (up
    # to 72) until kills have landed both before and after the swap
    while trial < 23 or (not (outcomes["old"] and outcomes["new"]) and trial < 71):
        trial += 1
        current = io.load(path)
        target = new if current.graph["marker"] == "old" else old
        parent, child = ctx.Pipe()
        p = ctx.Process(target=_save_after_signal, args=(target, path, child))
        p.start()
        assert parent.recv() == "go"
        time.sleep(rng.uniform(0, duration * 2.0))
        os.kill(p.pid, signal.SIGKILL)
        p.join(30)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", io.BundleWarning)
            G = io.load(path)  # never raises: the bundle at the path is complete
        which = G.graph["marker"]
        assert _same(G, old if which == "old" else new), trial
        outcomes[which] += 1
        if trial % 6 == 5:  # the next write cleans what the killed one left, and says so
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                io.save(G, path)
            assert not [f for f in (Path(path) / "parts").iterdir() if f.name.startswith(".tmp-")]
    print("kill -9 outcomes", outcomes)
    assert outcomes["old"] and outcomes["new"], outcomes  # kills landed both before and after the swap


def test_leftovers_are_removed_on_the_next_write_and_reported(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(), b)
    (b / "parts" / ".tmp-123-abcdef").write_bytes(b"half a part")
    (b / "parts" / "nodes-Enterprise-deadbeefdeadbeefdeadbeef.parquet").write_bytes(b"orphan")
    (b / ".manifest.json.tmp-99").write_bytes(b"{")
    (b / "README.txt").write_text("the user's note", encoding="utf-8")
    with pytest.warns(io.BundleWarning, match="3 leftover"):
        io.save(_graph(4), b)
    names = {p.name for p in (b / "parts").iterdir()}
    assert ".tmp-123-abcdef" not in names and not any("deadbeef" in n for n in names)
    assert not (b / ".manifest.json.tmp-99").exists() and (b / "README.txt").exists()
    assert io.load(b).number_of_nodes() == 5


def test_v1_interrupted_save_is_restored_from_its_old_folder(tmp_path):
    shutil.copytree(V1, tmp_path / ".city.bundle.old-4242")  # v1 killed between its two renames
    shutil.copytree(V1, tmp_path / ".city.bundle.tmp-abc")
    with pytest.warns(io.BundleWarning, match="restored"):
        io.save(io.load(tmp_path / ".city.bundle.old-4242"), tmp_path / "city.bundle")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.bundle"]
    assert io.load(tmp_path / "city.bundle").graph["synthetic"] is True


# ================================================================== format 2, migration, append


def test_version_1_bundle_opens_and_migrates(tmp_path):
    b = tmp_path / "v1"
    shutil.copytree(V1, b)
    G = io.load(b)
    assert G.graph["synthetic"] is True and G.graph["overrides"][0]["decision"] == "confirm"
    assert G.nodes["ent:91110000000000000X"]["extra"] == {"k": [1, 2]}
    assert G.nodes["ent:91350900587527783P"]["tags"] == ["上市", "500强"]
    assert io.read_manifest(b)["format"] == 1
    with pytest.warns(io.BundleWarning, match="migrated"):
        assert io.migrate(b) is True
    m = io.read_manifest(b)
    assert m["format"] == 2 and m["schema_version"] == 2 and m["loads"] == [] and m["tables"] == {}
    assert not (b / "nodes").exists() and not (b / "graph.json").exists() and (b / "README.txt").exists()
    assert _same(io.load(b), G)
    assert io.migrate(b) is False


def test_unchanged_save_writes_nothing_and_records_no_vintage(tmp_path):
    b = tmp_path / "b"
    src = tmp_path / "export.csv"
    src.write_text("x\n", encoding="utf-8")
    io.save(_graph(), b, vintage=io.vintage([src], source="qcc", rows={"rows_in": 1}))
    m1 = (b / "manifest.json").read_bytes()
    io.save(io.load(b), b, vintage=io.vintage([src], source="qcc", rows={"rows_in": 1}))
    assert (b / "manifest.json").read_bytes() == m1
    (v,) = io.vintages(b)
    assert v["source"] == "qcc" and v["files"][0]["name"] == "export.csv" and len(v["files"][0]["sha256"]) == 64
    io.save(_graph(5), b, vintage=io.vintage([src], source="qcc"))
    assert len(io.vintages(b)) == 2


def test_append_adds_parts_without_rewriting_and_replaces_rows(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(100, "a"), b)
    before = {p.name: p.stat().st_mtime_ns for p in (b / "parts").iterdir()}
    D = nx.MultiDiGraph()
    r = add_node(D, "Region", "350900", name="宁德市", level="city")
    e = add_node(D, "Enterprise", "Ea0000001", name="改名公司")  # replaces the whole row
    add_edge(D, e, r, "LOCATED_IN")
    n = add_node(D, "Enterprise", "Enew", name="新公司", employees=7)
    add_edge(D, n, r, "LOCATED_IN")
    io.append(b, D, vintage={"time": "t", "source": "supply", "files": [], "rows": {}})
    for name, mtime in before.items():  # the old parts are untouched
        assert (b / "parts" / name).stat().st_mtime_ns == mtime
    G = io.load(b)
    assert G.number_of_nodes() == 102 and G.number_of_edges() == 101
    assert G.nodes["ent:Ea0000001"] == {"kind": "Enterprise", "name": "改名公司"}
    assert G.nodes["ent:Enew"]["employees"] == 7 and G.graph["marker"] == "a"
    assert io.read_manifest(b)["nodes"]["Enterprise"]["count"] == 101
    t = io.read_table(b, "nodes", "Enterprise")
    assert t.num_rows == 101 and "改名公司" in t.column("name").to_pylist()
    io.save(G, b)  # compacts: one part per kind again
    assert all(len(m["parts"]) == 1 for m in io.read_manifest(b)["nodes"].values())
    assert _same(io.load(b), G)


def test_side_tables_are_stored_verified_and_kept_by_saves(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(), b)
    contacts = pa.table({"ent_id": ["ent:Ea0000000"], "phone": ["0371-1234567"]})
    io.put_table(b, "contacts", contacts)
    io.save(_graph(4), b)
    assert io.read_side_table(b, "contacts").equals(contacts)
    with pytest.raises(io.BundleError):
        io.read_side_table(b, "nope")


# ================================================================== verified, not trusted


def _part(b: Path, kind: str) -> Path:
    return b / io.read_manifest(b)["nodes"][kind]["parts"][0]["file"]


def _code(path: Path) -> str:
    with pytest.raises(io.BundleError) as exc:
        io.load(path)
    return exc.value.code


def test_hand_edited_truncated_or_missing_files_are_refused(tmp_path):
    good = tmp_path / "good"
    io.save(_graph(30), good)

    def fresh(name: str) -> Path:
        b = tmp_path / name
        shutil.copytree(good, b)
        return b

    b = fresh("edited")  # 10 firms deleted with pandas/pyarrow and written back
    f = _part(b, "Enterprise")
    t = pq.read_table(f)
    pq.write_table(t.slice(0, t.num_rows - 10), f)
    assert _code(b) == "bundle-checksum"

    b = fresh("truncated")
    f = _part(b, "Enterprise")
    f.write_bytes(f.read_bytes()[:-100])
    assert _code(b) == "bundle-checksum"

    b = fresh("missing")
    _part(b, "Region").unlink()
    assert _code(b) == "bundle-missing-file"

    b = fresh("no-graph")  # reviewers' decisions and the synthetic banner live here
    (b / io.read_manifest(b)["graph"]["file"]).unlink()
    assert _code(b) == "bundle-missing-file"

    b = fresh("counts")
    m = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    m["nodes"]["Enterprise"]["count"] = 40
    (b / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    assert _code(b) == "bundle-counts"

    b = fresh("version")
    m["nodes"]["Enterprise"]["count"] = 30
    m["schema_version"] = 99
    (b / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    assert _code(b) == "bundle-version"
    with pytest.raises(io.BundleError) as exc:  # never silently rewritten as an older version
        io.save(_graph(), b)
    assert exc.value.code == "bundle-version" and json.loads((b / "manifest.json").read_text())["schema_version"] == 99

    b = fresh("garbage-manifest")
    (b / "manifest.json").write_text("{not json", encoding="utf-8")
    assert _code(b) == "bundle-damaged"


def test_damaged_version_1_bundle_is_refused_too(tmp_path):
    b = tmp_path / "v1"
    shutil.copytree(V1, b)
    (b / "graph.json").unlink()
    assert _code(b) == "bundle-missing-file"
    shutil.rmtree(b)
    shutil.copytree(V1, b)
    (b / "nodes" / "Enterprise.parquet").write_bytes(b"PAR1 edited")
    assert _code(b) == "bundle-checksum"


def test_read_table_verifies_only_what_it_reads(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(10), b)
    (b / io.read_manifest(b)["graph"]["file"]).unlink()  # not needed to read one table
    _part(b, "Region").write_bytes(b"damaged")
    assert io.read_table(b, "nodes", "Enterprise").num_rows == 10
    with pytest.raises(io.BundleError) as exc:
        io.read_table(b, "nodes", "Region")
    assert exc.value.code == "bundle-checksum"


def test_cli_on_a_damaged_bundle_is_one_line_exit_2(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(10), b)
    _part(b, "Enterprise").write_bytes(b"x")
    res = _run("gaps", str(b), "--chain", "nev", "--region", "宁德市")
    assert _one_line_error(res) and "Enterprise" in res.output


# ================================================================== faults of the operating system


def _raise(err: int):
    def fail(*args, **kwargs):
        raise OSError(err, os.strerror(err), str(args[0]) if args else None)

    return fail


@pytest.mark.parametrize(
    ("err", "code"), [(errno.ENOSPC, "disk-full"), (errno.EROFS, "read-only"), (errno.EACCES, "read-only")]
)
def test_bundle_write_faults_are_user_errors_and_keep_the_old_bundle(tmp_path, monkeypatch, err, code):
    b = tmp_path / "b"
    io.save(_graph(), b)
    before = _snapshot(b)
    monkeypatch.setattr(_bundle, "_write_durably", _raise(err))
    with pytest.raises(_atomic.WriteError) as exc:
        io.save(_graph(7), b)
    assert exc.value.code == code and str(b) in str(exc.value)
    monkeypatch.undo()
    assert _snapshot(b) == before and io.load(b).number_of_nodes() == 4


def test_cli_load_on_a_full_disk_is_one_line(tmp_path, monkeypatch):
    src = tmp_path / "a.csv"
    _csv(src, 5, 20)
    monkeypatch.setattr(_bundle, "_write_durably", _raise(errno.ENOSPC))
    res = _run("load", str(src), "--source", "enterprises", "--into", str(tmp_path / "b"))
    assert _one_line_error(res), res.output


def test_output_open_in_excel_or_busy_is_a_user_error(tmp_path, monkeypatch):
    out = tmp_path / "targets.xlsx"
    out.write_bytes(b"the user's workbook")
    (tmp_path / "~$targets.xlsx").write_bytes(b"owner")
    with pytest.raises(_atomic.WriteError) as exc, _atomic.atomic_path(out) as tmp:
        tmp.write_bytes(b"new")
    assert exc.value.code == "file-locked" and out.read_bytes() == b"the user's workbook"
    (tmp_path / "~$targets.xlsx").unlink()
    monkeypatch.setattr(_atomic.os, "replace", _raise(errno.EBUSY))
    with pytest.raises(_atomic.WriteError) as exc, _atomic.atomic_path(out) as tmp:
        tmp.write_bytes(b"new")
    assert exc.value.code == "file-locked" and out.read_bytes() == b"the user's workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["targets.xlsx"]  # no temporary file left


def test_disk_full_while_writing_a_workbook_prints_one_line_and_no_second_traceback(tmp_path):
    script = f"""
import errno, zipfile
from chain_gap.errors import ChainGapError
def full(self, *a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")
zipfile.ZipFile.write = full
zipfile.ZipFile.writestr = full
import pandas as pd
from chain_gap import report
try:
    report.write_workbook({str(tmp_path / "out.xlsx")!r}, {{"s": pd.DataFrame({{"a": [1, 2]}})}})
except ChainGapError as exc:
    print("CODE", exc.code)
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "CODE disk-full" in p.stdout, p.stdout + p.stderr
    assert "Exception ignored" not in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_lock_on_a_read_only_folder_is_a_user_error(tmp_path, monkeypatch):
    import filelock

    b = tmp_path / "b"
    io.save(_graph(), b)
    monkeypatch.setattr(filelock.FileLock, "acquire", _raise(errno.EROFS))
    with pytest.raises(_atomic.WriteError) as exc:
        io.save(_graph(5), b)
    assert exc.value.code == "read-only"


def test_a_folder_with_another_programs_manifest_is_not_a_bundle(tmp_path):
    app = tmp_path / "webapp"
    app.mkdir()
    (app / "manifest.json").write_text('{"name": "my app", "version": "1.0"}', encoding="utf-8")
    (app / "index.html").write_text("<p>mine</p>", encoding="utf-8")
    before = _snapshot(app)
    with pytest.raises(ChainGapError) as exc:
        io.save(_graph(), app)
    assert exc.value.code == "bundle-not-a-bundle" and _snapshot(app) == before
    res = _run("report", str(tmp_path / "nowhere"), "--chain", "nev", "--region", "宁德市", "--out", str(app / "r"))
    assert res.exit_code == 2 and _snapshot(app) == before  # (the bundle is missing; nothing is written)


def test_reserved_property_names_are_refused_and_no_manifest_is_written(tmp_path):
    G = _graph()
    G.nodes["region:350900"]["id"] = "x"
    with pytest.raises(io.BundleError):
        io.save(G, tmp_path / "b")
    G = _graph()
    u, v, k = next(iter(G.edges(keys=True)))
    G.edges[u, v, k]["start_id"] = "x"
    with pytest.raises(io.BundleError):
        io.save(G, tmp_path / "b")
    assert not (tmp_path / "b" / "manifest.json").exists()


def test_ctrl_c_during_a_save_leaves_the_old_bundle_and_no_new_files(tmp_path, monkeypatch):
    b = tmp_path / "b"
    io.save(_graph(), b)
    before = _snapshot(b)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # after the first new part is on disk
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    real = _bundle_write._commit_part  # node and edge parts are streamed to a file, then committed
    monkeypatch.setattr(_bundle_write, "_commit_part", interrupted)
    with pytest.raises(KeyboardInterrupt):
        io.save(_graph(9), b)
    assert _snapshot(b) == before


def test_cli_turns_a_wrapped_disk_full_from_any_writer_into_one_line(tmp_path, monkeypatch):
    import xlsxwriter.exceptions

    from chain_gap import link

    b = tmp_path / "b"
    io.save(_graph(), b)

    def fail(*args, **kwargs):
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "review.xlsx")
        except OSError as exc:
            raise xlsxwriter.exceptions.FileCreateError(exc) from exc

    monkeypatch.setattr(link, "review_queue", fail)
    res = _run("review", "export", str(b), "-o", str(tmp_path / "review.xlsx"))
    assert _one_line_error(res), res.output


def test_append_refuses_edges_to_unknown_nodes(tmp_path):
    b = tmp_path / "b"
    io.save(_graph(3), b)
    D = nx.MultiDiGraph()
    D.add_node("ent:X", kind="Enterprise", name="x")
    D.add_edge("ent:X", "region:999999", key="LOCATED_IN", kind="LOCATED_IN")
    before = _snapshot(b)
    with pytest.raises(io.BundleError) as exc:
        io.append(b, D)
    assert exc.value.code == "bundle-append-dangling" and _snapshot(b) == before
    D.remove_node("region:999999")
    D.add_edge("ent:X", "region:350900", key="LOCATED_IN", kind="LOCATED_IN")  # a bare reference to a known node
    io.append(b, D)
    G = io.load(b)
    assert G.has_edge("ent:X", "region:350900", "LOCATED_IN") and G.nodes["region:350900"]["name"] == "宁德市"


def _keep_saving(path: str, rounds: int) -> None:
    for i in range(rounds):
        io.save(_graph(200 + (i % 2) * 100, "old" if i % 2 else "new"), path)


def test_readers_never_fail_while_a_writer_swaps_the_bundle(tmp_path):
    path = str(tmp_path / "b")
    io.save(_graph(200, "new"), path)
    p = mp.get_context("fork").Process(target=_keep_saving, args=(path, 40))
    p.start()
    seen = set()
    try:
        while p.is_alive():
            G = io.load(path)  # a reader takes no lock; old parts vanish under it, it retries
            seen.add(G.number_of_nodes())
    finally:
        p.join(60)
    assert p.exitcode == 0 and seen <= {201, 301}
