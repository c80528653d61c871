"""Handing memory freed by a large step back to the operating system.

A load of a million-row export frees ~1 KB of cell text a row once the rows are in the graph, a
link run its per-firm evidence, a save its row-group chunks. CPython gives objects above 512 B
(long scope texts, list and dict tables) to the C allocator; glibc's ``malloc`` keeps the pages
it got back inside its heap, and Arrow's pool keeps its own. Both stay in the process's resident
set, under everything the next step allocates: at 200,000 firms ~225 MB after a load (~1.1 KB a
firm), a third of what the graph itself holds. :func:`release` returns them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import platform
import sys
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

__all__ = ["gc_paused", "release", "sharer"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (restored as it was afterwards).

    Building or reading a graph allocates millions of small dicts, lists and tuples that all live
    on; each allocation burst can set off a full collection, which walks every node and edge dict
    of the graph (seconds at a million firms, a third of a save or load) and finds nothing to free.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None elsewhere (musl, macOS, Windows: nothing to call)."""
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


def release() -> None:
    """Return the free pages Arrow's memory pool and the C heap keep to the OS (cheap: ~ms per GB).

    Nothing is freed that is in use; objects keep their addresses. Call after a step that freed a
    lot (a load, a link run, a save), before the next one allocates.
    """
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def sharer(memo: dict[Any, Any]) -> Callable[[Any], Any]:
    """``share(v)``: the first object equal to ``v`` seen through ``memo`` (``v`` itself the first time).

    A million LINKED_TO edges repeat a few hundred method strings, evidence texts and
    confidences; sharing them keeps one object per distinct value. Keyed by type and value, so
    ``1.0``, ``1`` and ``True`` stay the objects they were. Drop ``memo`` when done.
    """

    def share(v: Any) -> Any:
        if v is None:
            return None
        return memo.setdefault((type(v), v), v)

    return share
