"""Decoding a bundle's string and list columns into Python objects that share repeated values.

A million firms hold a few thousand region codes, dates and product names: one ``str`` per row
instead would be most of a column's memory, and building it most of its decoding time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["share_equal", "shared_lists", "shared_strings"]


def shared_strings(column: pa.ChunkedArray | pa.Array) -> list[Any] | None:
    """The values of a string column whose values repeat (region, industry code, source …) as one
    Python object per distinct value, or ``None`` when they barely repeat (names, scopes, ids).

    A million firms hold a few thousand region codes: one ``str`` per row instead would be most of
    the column's memory, and building it most of its decoding time.
    """
    n = len(column)
    if n < 256 or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    sample = arr.slice(0, 4096)
    if pc.count_distinct(sample, mode="all").as_py() > len(sample) * 0.9:  # names, scopes, ids
        return None
    enc = arr.dictionary_encode()
    values = enc.dictionary.to_pylist()
    if len(values) > n // 2:  # dates repeat over a million firms though barely in the first 4,096
        return None
    lookup = np.array([*values, None], dtype=object)
    return list(lookup[enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)])


def share_equal(column: Any, col: list[Any], unique: list[tuple[Any, list[Any]]]) -> None:
    """Where a row's value equals the same row's value of an earlier string column (``name_norm`` is
    ``name`` for most firms), use that column's object: one string instead of two."""
    for other, ocol in unique:
        same = pc.fill_null(pc.equal(column, other), False)
        if isinstance(same, pa.ChunkedArray):
            same = same.combine_chunks()
        idx = np.flatnonzero(same.to_numpy(zero_copy_only=False))
        if len(idx) < len(col) // 8:
            continue
        for i in idx.tolist():
            col[i] = ocol[i]


def shared_lists(column: pa.ChunkedArray | pa.Array) -> list[Any] | None:
    """The values of a list-of-strings column (products, tags) as one new list per row whose items
    are one Python string per distinct item, or ``None`` for a short column (decoded as it is).

    Each row gets its own list (an analyst may change one firm's list); only the strings are shared.
    """
    n = len(column)
    if n < 256 or not pa.types.is_list(column.type):
        return None
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    offsets = arr.offsets.to_numpy()
    start = int(offsets[0])
    flat = arr.values.slice(start, int(offsets[-1]) - start)
    enc = flat.dictionary_encode()
    lookup = np.array([*enc.dictionary.to_pylist(), None], dtype=object)
    items = list(lookup[enc.indices.fill_null(len(lookup) - 1).to_numpy(zero_copy_only=False)])
    bounds = (offsets - start).tolist()
    nulls = arr.is_null().to_numpy(zero_copy_only=False).tolist() if arr.null_count else [False] * n
    return [None if null else items[a:b] for a, b, null in zip(bounds, bounds[1:], nulls)]
