"""Parts of one kind read as one table, and the checks and side-table writes of appended parts.

:func:`chain_gap.io.append` adds a kind's new rows as another part (the cost of the new rows); a read
merges the parts (a later row with the same key replaces an earlier one); a save compacts them. These
are the helpers of that cycle that :mod:`chain_gap.io` shares: merging parts, telling whether a save
only compacts (the same rows: no new load is recorded), and writing the contacts side table as a new
part or merged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chain_gap import _bundle as B
from chain_gap import _contacts

_KEYS = B.KEYS

__all__ = [
    "append_contacts",
    "base_contacts",
    "count_after_append",
    "merge_parts",
    "missing_ids",
    "same_rows",
    "with_contacts",
]


def merge_parts(tables: list[pa.Table], keys: tuple[str, ...]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    t = pa.concat_tables(tables, promote_options="permissive")
    t = t.append_column("__row", pa.array(range(t.num_rows), type=pa.int64()))
    last = t.group_by(list(keys), use_threads=False).aggregate([("__row", "max")])
    return t.take(pa.array(sorted(last["__row_max"].to_pylist()))).drop_columns(["__row"])


def same_rows(root: Path, base: dict[str, Any] | None, manifest: dict[str, Any]) -> bool:
    """Whether ``manifest`` holds the very rows of ``base``, where only appended parts (io.append)
    are compacted into one: the part lists differ, the content does not."""
    if base is None or base.get("format") != B.FORMAT:
        return False
    if any(base.get(k) != manifest.get(k) for k in ("graph", "totals")):
        return False
    for section in ("nodes", "edges", "tables"):
        olds, news = base.get(section, {}), manifest.get(section, {})
        if set(olds) != set(news):
            return False
        for kind, meta in news.items():
            old = olds[kind]
            if old == meta:
                continue
            if len(old["parts"]) < 2 or old["count"] != meta["count"] or old.get("columns") != meta.get("columns"):
                return False
            keys = ["ent_id"] if section == "tables" else list(_KEYS[section])
            what = f"{section} {kind}"
            parts = [B.read_parquet(root, p, what) for p in old["parts"]]
            if section == "tables":  # appended contacts parts hold other firms (io.append_contacts)
                before = pa.concat_tables(parts, promote_options="permissive")
            else:
                before = merge_parts(parts, tuple(keys))
            after = pa.concat_tables(
                [B.read_parquet(root, p, what) for p in meta["parts"]], promote_options="permissive"
            )
            if before.num_rows != after.num_rows or set(before.column_names) != set(after.column_names):
                return False
            order = [(k, "ascending") for k in keys]
            cols = sorted(after.column_names)
            if not before.select(cols).sort_by(order).equals(after.select(cols).sort_by(order)):
                return False
    return True


def with_contacts(root: Path, tables: dict[str, Any], contacts: Any) -> dict[str, Any]:
    """``tables`` (a manifest's side tables) with the contacts table written as its ``contacts`` part."""
    if contacts is None:
        return tables
    table = _contacts.to_arrow(contacts)
    entry = B.write_part(root, "tables", _contacts.CONTACTS, B.parquet_bytes(table), ".parquet")
    entry.update(rows=table.num_rows)
    return {**tables, _contacts.CONTACTS: {"count": table.num_rows, "parts": [entry]}}


def append_contacts(root: Path, base: dict[str, Any], new: Any) -> dict[str, Any]:
    """The side tables after appending contacts: a new part when none of its firms has contacts in the
    bundle yet (the cost of the new rows; a read sorts the parts into one table), else the merged
    table rewritten (a newer non-empty value wins)."""
    tables = dict(base["tables"])
    meta = tables.get(_contacts.CONTACTS)
    if meta is None:
        return with_contacts(root, tables, _contacts.merge_contacts(None, new))
    ids = pa.concat_tables([B.read_parquet(root, p, "table contacts", columns=["ent_id"]) for p in meta["parts"]])
    fresh = _contacts.merge_contacts(None, new)
    held = ids.column("ent_id")
    if not pc.any(_in(held, pa.array([str(i) for i in fresh.index], pa.string()))).as_py():
        part = with_contacts(root, {}, fresh)[_contacts.CONTACTS]
        return {
            **tables,
            _contacts.CONTACTS: {"count": meta["count"] + part["count"], "parts": [*meta["parts"], *part["parts"]]},
        }
    return with_contacts(root, tables, _contacts.merge_contacts(base_contacts(root, base), new))


def base_contacts(root: Path, base: dict[str, Any]) -> Any:
    meta = base.get("tables", {}).get(_contacts.CONTACTS)
    if meta is None:
        return None
    return _contacts.from_arrow(pa.concat_tables([B.read_parquet(root, p, "table contacts") for p in meta["parts"]]))


def _in(col: pa.ChunkedArray, values: pa.Array) -> pa.ChunkedArray:
    return pc.is_in(col, value_set=values.cast(col.type))


def missing_ids(root: Path, base: dict[str, Any], ends: set[str]) -> set[str]:
    """The ids of ``ends`` that no node part of the bundle holds (one vectorised pass per part, so an
    append into a big bundle does not turn its million ids into Python strings)."""
    want = pa.array(sorted(ends), pa.string())
    found: set[str] = set()
    for meta in base["nodes"].values():
        for part in meta["parts"]:
            ids = pq.read_table(root / part["file"], columns=["id"]).column("id")
            found.update(pc.filter(ids, _in(ids, want)).to_pylist())
    return ends - found


def count_after_append(root: Path, old: dict[str, Any], new_parts: list[dict[str, Any]], keys: list[str]) -> int:
    """The distinct keys of a kind once ``new_parts`` join its ``old`` parts (``old["count"]`` distinct).

    Only the old rows whose first key (the id; an edge's start) is among the new rows' can share a
    key with them, so the old parts are filtered in Arrow before any grouping: the cost is a scan of
    the old key columns, not a group-by of the whole kind.
    """

    def distinct(t: pa.Table) -> pa.Table:
        return t.group_by(keys, use_threads=False).aggregate([])

    new = distinct(pa.concat_tables([pq.read_table(root / p["file"], columns=keys) for p in new_parts]))
    firsts = new.column(keys[0]).combine_chunks()
    hits = []
    for part in old["parts"]:
        t = pq.read_table(root / part["file"], columns=keys)
        hits.append(t.filter(_in(t.column(keys[0]), firsts)))
    old_hit = distinct(pa.concat_tables(hits, promote_options="permissive")) if hits else new.slice(0, 0)
    both = distinct(pa.concat_tables([old_hit, new], promote_options="permissive")).num_rows
    overlap = old_hit.num_rows + new.num_rows - both
    return int(old["count"]) + new.num_rows - overlap
