"""Load the files people really have into the chain-gap graph.

招商 teams get enterprise data as vendor exports (企查查 / 天眼查 style), registry and 规上企业 lists,
listed-company lists and hand-made spreadsheets: Chinese headers, GBK or UTF-8, title rows above
the header, duplicates, typos in codes, capital written as "5000万元人民币". This package reads such
files through a *mapping* (``loaders/<id>.yaml``: which headers mean which field, and what type each
field is), normalises every value, and merges the records into a :class:`networkx.MultiDiGraph`.

Nothing is lost silently: every data row is **loaded** (a new node or edge), **merged** into one that
already exists, or **rejected** with its row number and a reason; a value that cannot be used but
does not invalidate the row (an invalid USCC, an unknown region, "注册资本: 面议") becomes a
**warning** and the row still loads. The load report reconciles ``rows_in = loaded + merged +
rejected`` for every file. Loading the same files again changes nothing.

The package, by concern:

- :mod:`~chain_gap.load.mapping`: the source mappings; :mod:`~chain_gap.load.table`: a file read
  as text columns matched to a mapping's fields; :mod:`~chain_gap.load.values`: cell parsing.
- :mod:`~chain_gap.load.identity`: enterprise identity, matching and merging (the loader's state).
- one module per kind of table: :mod:`~chain_gap.load.enterprises`,
  :mod:`~chain_gap.load.relations` (chain-kg's industries and products), :mod:`~chain_gap.load.supply`
  (supply pairs and link overrides).
- :mod:`~chain_gap.load.issues`: rejects, warnings, conflicts, the load report and their files.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from chain_gap import _vintage
from chain_gap._memory import release
from chain_gap._read import RawTable
from chain_gap.load import enterprises, relations, supply
from chain_gap.load.delta import KnownIds, load_new
from chain_gap.load.identity import Loader
from chain_gap.load.issues import (
    CONFLICT_COLUMNS,
    ISSUE_COLUMNS,
    FileStats,
    LoadError,
    LoadResult,
    issues_frame,
    write_load_report,
    write_rejects,
    write_warnings,
)
from chain_gap.load.mapping import FIELD_TYPES, KINDS, FieldSpec, Mapping, list_mappings, load_mapping
from chain_gap.load.table import Rows, read_raw_table, read_table, split_sheets
from chain_gap.load.values import MAX_NAME, MAX_TEXT
from chain_gap.schema import SchemaError

__all__ = [
    "FIELD_TYPES",
    "KINDS",
    "MAX_NAME",
    "MAX_TEXT",
    "FieldSpec",
    "LoadError",
    "LoadResult",
    "Mapping",
    "issues_frame",
    "list_mappings",
    "load",
    "load_into",
    "load_mapping",
    "read_table",
    "write_load_report",
    "write_rejects",
    "write_warnings",
]

PROGRESS_MIN_ROWS = 5_000
"""``progress=True`` shows a bar only when the files hold more rows than this."""

RELEASE_ROWS = 16_384
"""The cells of a table are let go in blocks of this many rows, once loaded (:meth:`Rows.release`)."""

_TableHandler = Callable[[Loader, Rows, FileStats, str, Mapping], None]
_RowHandler = Callable[[Loader, Rows, int, int, FileStats, str, Mapping], None]

# the relation tables of 10^5 rows: one loop over the whole table each
_TABLE: dict[str, _TableHandler] = {
    "product": relations.load_products,
    "enterprise_product": relations.load_enterprise_products,
    "product_relation": relations.load_product_relations,
}
# the other kinds: one call per row (the enterprise handler is prepared per table)
_ROW: dict[str, _RowHandler] = {
    "industry": relations.industry_row,
    "industry_parent": relations.industry_parent_row,
    "enterprise_industry": relations.enterprise_industry_row,
    "industry_upstream": relations.industry_upstream_row,
    "supply": supply.supply_row,
    "overrides": supply.overrides_row,
}


def _run(
    ld: Loader, path: str, mapping: Mapping, raw: RawTable, info: dict[str, Any], tick: Callable[[int], None]
) -> None:
    """Load one table into ``ld``'s graph, counting it in a new :class:`FileStats`."""
    st = FileStats(path, sheet=info.get("split_sheet") or "")
    ld.stats.append(st)
    rows = Rows(raw, info, mapping)
    src = Path(path).name
    for row, value, reason in raw.bad_rows:
        st.rows_in += 1
        ld.reject(st, row, "", value, reason, code="row-unparsed")
    for issue in raw.skipped:  # footers, repeated headers: rows, but not records
        st.rows_in += 1
        ld.skip(st, issue.row or 0, issue.field, issue.value, issue.reason, issue.code)
    for issue in raw.warnings:  # what the reader repaired or doubts (merged cells, NUL bytes …)
        # a workbook read sheet by sheet: the sheet the warning names (one not read, for example)
        sheet = issue.sheet if st.sheet else None
        ld.warn(st, issue.row or 0, issue.field, issue.value, issue.reason, code=issue.code, sheet=sheet)
    table = _TABLE.get(mapping.kind)
    if table is not None:
        st.rows_in += rows.n
        table(ld, rows, st, src, mapping)
        tick(rows.n)
        return
    if mapping.kind == "enterprise":
        handler = enterprises.prepare(ld, rows, mapping)
    else:
        handler = partial(_ROW[mapping.kind], ld)
    release = getattr(handler, "release", None)  # the handler's own columns of parsed cells
    for start in range(0, rows.n, RELEASE_ROWS):
        stop = min(start + RELEASE_ROWS, rows.n)
        for i in range(start, stop):
            st.rows_in += 1
            row_no = rows.numbers[i]
            if rows.extra:
                ld.extra_cells(st, rows, i)
            try:
                handler(rows, i, row_no, st, src, mapping)
            except SchemaError as exc:  # a record the graph model refuses: reported, never raised
                ld.reject(st, row_no, "", "", f"does not fit the graph schema: {exc}")
            tick(1)
        rows.release(start, stop)  # rows are loaded in file order and never read again
        if release is not None:
            release(start, stop)


def _jobs(paths: Iterable[str | os.PathLike[str]], mapping: Mapping) -> tuple[list[tuple[str, Mapping]], list[str]]:
    """Expand the paths into (file, sub-mapping) pairs; a folder mapping reads its files in order."""
    jobs: list[tuple[str, Mapping]] = []
    notes: list[str] = []
    for p in paths:
        path = Path(p)
        if mapping.kind != "folder":
            if path.is_dir():
                raise LoadError(code="load-folder-not-file", file=str(path), mapping=mapping.id)
            jobs.append((str(path), mapping))
            continue
        if path.is_dir():
            present = 0
            for sub in mapping.files:
                fp = path / str(sub.file)
                if fp.exists():
                    jobs.append((str(fp), sub))
                    present += 1
                else:
                    notes.append(str(fp))
            if present == 0:
                raise LoadError(
                    f"{path}: none of the files of mapping {mapping.id!r} is here "
                    f"(expected {', '.join(str(s.file) for s in mapping.files)})"
                )
        else:
            match = next((s for s in mapping.files if s.file == path.name), None)
            if match is None:
                raise LoadError(
                    f"{path}: not one of the files of mapping {mapping.id!r} "
                    f"(expected {', '.join(str(s.file) for s in mapping.files)})"
                )
            jobs.append((str(path), match))
    if mapping.kind == "folder":  # the folder's files in dependency order, whatever order given
        order = {id(s): k for k, s in enumerate(mapping.files)}
        jobs.sort(key=lambda j: order[id(j[1])])
    return jobs, notes


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    source: str | Mapping,
    G: nx.MultiDiGraph | None = None,
    *,
    progress: bool | Callable[[int, int], None] | None = None,
    sheet: str | None = None,
    known: KnownIds | None = None,
) -> LoadResult:
    """Load source files into the graph through a mapping.

    Parameters
    ----------
    paths : str, os.PathLike or iterable of them
        One file, or several; for the ``chain-kg`` mapping the folder (or some of its files).
    source : str or Mapping
        A mapping id in ``loaders/`` (qcc, tianyancha, enterprises, ashare, chain-kg, supply,
        overrides), a mapping YAML path, or a :class:`Mapping`.
    G : networkx.MultiDiGraph or None
        The graph to update in place; a new :class:`networkx.MultiDiGraph` when None.
    progress : bool, callable or None
        None/False for no progress; True for a tqdm bar when the files hold more than 5,000 rows;
        or a callable ``(rows done, rows total)`` counted over all files.
    sheet : str or None
        The workbook sheet to read; ``"*"`` reads every sheet of the same shape (one per county is
        common), each counted on its own. By default a workbook whose several sheets hold such
        tables is refused with their names (never silently the first).
    known : KnownIds or None
        Internal (:func:`load_into`'s small-load path, :mod:`chain_gap.load.delta`): the identities of
        a bundle's firms; the load raises :class:`~chain_gap.load.delta.TouchesBundle` as soon as a
        row could reach one of them.

    Returns
    -------
    LoadResult
        The graph, rejects, warnings, conflicts and the report (``rows_in = loaded + merged +
        rejected`` per file).

    Raises
    ------
    LoadError
        Unknown mapping, a file that cannot be read at all or lacks a required header. All files
        are read before the graph is touched, so a LoadError leaves ``G`` unchanged.
    """
    mapping = load_mapping(source)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    jobs, missing = _jobs(list(paths), mapping)
    # reading and loading create millions of small lists and dicts that all live on (cells, rows,
    # graph attributes); the cyclic garbage collector would rescan them again and again (a third
    # of the load time, more when a large graph is already in memory) for no garbage
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        tables = []
        for p, sub in jobs:
            raw_all, info_all = read_raw_table(p, fields=sub, sheet=sheet)
            parts = split_sheets(raw_all)
            for part in parts:
                info = dict(info_all, sheet=part.sheet, split_sheet=part.sheet if len(parts) > 1 else "")
                tables.append((p, sub, part, info))
        if G is None:
            G = nx.MultiDiGraph()
        total = sum(raw.physical_rows or len(raw.row_numbers) + len(raw.bad_rows) for _, _, raw, _ in tables)
        done = 0
        bar = None
        cb: Callable[[int, int], None] | None = None
        if progress is True:
            if total > PROGRESS_MIN_ROWS:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, desc=f"loading {mapping.id}", unit="rows")
        elif callable(progress):
            cb = progress
        step = max(1, min(1000, total // 100 or 1))

        def tick(n: int) -> None:
            """``n`` rows done: report every multiple of ``step`` and the total passed on the way,
            as ``n`` single-row ticks would (batch-loaded tables tick once)."""
            nonlocal done
            start, done = done, done + n
            if bar is None and cb is None:
                return
            marks = list(range((start // step + 1) * step, done + 1, step))
            if start < total <= done and total % step:
                marks.append(total)
            for d in marks:
                if bar is not None:
                    bar.update(d - bar.n)
                if cb is not None:
                    cb(d, total)

        vintage = _stated_vintage(tables)  # before the cells are let go
        loader = Loader(G, known)
        try:
            tables.reverse()
            while tables:  # each table is dropped once loaded
                path, sub, raw, info = tables.pop()
                _run(loader, path, sub, raw, info, tick)
                del raw
            loader.finish()
        finally:
            if bar is not None:
                bar.update(total - bar.n)
                bar.close()
    finally:
        if gc_was_enabled:
            if gc.get_freeze_count() == 0:
                # file into the oldest generation, unscanned, what the load created: re-enabled, the
                # collector would otherwise first trace the whole new graph as young objects (half a
                # second per 200,000 enterprises) to find nothing. Cycles are still collected by the
                # next full collection.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
        release()  # the cells and memos just freed: off the resident set before the next step
    if cb is not None and done != total:
        cb(total, total)
    if cb is not None and total == 0:
        cb(0, 0)
    warnings = [
        (
            str(Path(m).parent),
            0,
            "",
            Path(m).name,
            f"file {Path(m).name} of mapping {mapping.id} not found in the folder; skipped",
            "file-missing",
            "",
        )
        for m in missing
    ] + loader.warnings
    for st in loader.stats:
        if not st.reconciles():  # a row counted twice or not at all is a bug, never a silent loss
            raise RuntimeError(f"{st.path}: load counts do not reconcile: {st.as_dict()}")
    files = [s.as_dict() for s in loader.stats]
    keys = ("rows_in", "loaded", "merged", "rejected", "skipped", "warnings")
    totals = {k: sum(f[k] for f in files) for k in keys}
    totals["warnings"] += len(missing)
    totals["files"] = len(files)
    totals["conflicts"] = len(loader.conflicts)
    codes_count: dict[str, int] = {}
    for rec in (*loader.rejects, *warnings, *loader.skipped):
        codes_count[rec[5]] = codes_count.get(rec[5], 0) + 1
    if loader.conflicts:
        codes_count["merge-conflict"] = len(loader.conflicts)
    report = {
        "files": files,
        "totals": totals,
        "codes": dict(sorted(codes_count.items())),
        "vintage": vintage,
    }
    return LoadResult(
        graph=G,
        rejects=pd.DataFrame(loader.rejects, columns=ISSUE_COLUMNS).astype({"row": "int64"}),
        warnings=pd.DataFrame(warnings, columns=ISSUE_COLUMNS).astype({"row": "int64"}),
        report=report,
        conflicts=pd.DataFrame(loader.conflicts, columns=CONFLICT_COLUMNS),
        skipped=pd.DataFrame(loader.skipped, columns=ISSUE_COLUMNS).astype({"row": "int64"}),
    )


def _stated_vintage(tables: list[tuple[str, Mapping, RawTable, dict[str, Any]]]) -> dict[str, str] | None:
    """The data vintage the files state (export date in a title row, footer or column), the latest
    of them, with where it was read; ``None`` when no file says. A file's mtime is never used."""
    found = []
    for path, _, raw, _ in tables:
        footers = [(i.row or 0, i.value) for i in raw.skipped if i.code in ("row-footer", "row-repeated-title")]
        cols = [list(dict.fromkeys(c)) for c in raw.columns]  # distinct cells: a date column repeats one value
        got = _vintage.find_in_table(raw.preamble, raw.header, cols, footers, Path(path).name)
        if got is not None:
            found.append(got)
    if not found:
        return None
    best = _vintage.latest(d for d, _ in found)
    date, where = next(f for f in found if f[0] == best)
    return {"date": date, "from": where}


def load_into(
    bundle: str | os.PathLike[str],
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    source: str | Mapping,
    *,
    sheet: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    report: str | os.PathLike[str] | None = None,
    warnings: str | os.PathLike[str] | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
    waiting: Callable[[Path], None] | None = None,
    vintage: str | None = None,
) -> LoadResult:
    """Load files into a bundle on disk (created if absent), under the bundle's lock.

    What ``chain-gap load FILES --into BUNDLE`` does: the bundle is opened (waiting for another writer
    to finish), the files are loaded into its graph, and the graph is saved with a data vintage naming
    the files (their sha256) and the counts; then the rejects, the report and the warnings are written
    where asked. A load that fails leaves the bundle as it was.

    Parameters
    ----------
    bundle : str or os.PathLike
        The bundle folder: absent, or a chain-gap bundle (anything else is refused untouched).
    paths, source, sheet, progress
        As for :func:`load`.
    rejects, report, warnings : str, os.PathLike or None
        Where to write the rejected rows (CSV), the load report (JSON) and every warning, skipped row
        and merge conflict with codes (CSV).
    waiting : callable or None
        Called with the bundle path when another writer holds its lock and this one waits.
    vintage : str or None
        The data vintage (``YYYY-MM`` or ``YYYY-MM-DD``: the date the export was taken), recorded in
        the manifest; by default the date the files state (``report["vintage"]``), if any.

    Returns
    -------
    LoadResult
    """
    from chain_gap import io

    user = _vintage.parse_user(vintage) if vintage is not None else None  # a typo fails before any work
    files = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    with io.edit(bundle, waiting=waiting) as b:
        # new firms only: load them alone and append them (the cost of the file, not of the bundle);
        # anything that could reach a firm of the bundle is loaded against the whole bundle instead
        fast = load_new(b.path, files, source, sheet=sheet, progress=progress) if b.exists else None
        res = fast[0] if fast is not None else load(files, source, b.load(), progress=progress, sheet=sheet)
        stated = res.report.get("vintage")
        if user is not None:
            res.report["vintage"] = {"date": user, "from": "--vintage"}
        dv = res.report.get("vintage") or {}
        vin = io.vintage(
            files,
            source=str(source),
            rows=res.report["totals"],
            data_vintage=dv.get("date"),
            vintage_from=dv.get("from"),
        )
        if fast is not None:
            b.append(fast[1], vintage=vin)
        else:
            b.save(res.graph, vintage=vin)
        if user is not None and stated and stated["date"] != user:
            res.report["vintage_stated"] = stated
    if rejects:
        write_rejects(res, rejects)
    if report:
        write_load_report(res, report)
    if warnings:
        write_warnings(res, warnings)
    return res
