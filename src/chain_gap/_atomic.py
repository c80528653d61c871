"""Atomic file writes, and the operating-system faults a user can fix turned into one-line errors.

Staff open outputs from shared drives and loads are re-run: a reader must never see half a file,
and a failed write must leave the previous file intact. Every writer of chain-gap goes through
:func:`atomic_path`.

A full disk, a read-only folder or a workbook held open in Excel are not bugs of chain-gap: the user
can fix them, so they become a :class:`WriteError` (exit 2) that names the file and says what to do,
instead of an "Internal error" and a second "Exception ignored … ZipFile" traceback from a writer's
finaliser. :func:`user_os_errors` does the translation; :func:`atomic_path` applies it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chain_gap import errors
from chain_gap.errors import ChainGapError

errors.register(
    "disk-full",
    "{file}：磁盘已满（或超出配额），无法写入；请腾出空间或换一个文件夹后重试",
    "{file}: the disk is full (or over quota); free some space or write elsewhere, then retry",
)
errors.register(
    "read-only",
    "{file}：没有写入权限（只读文件夹或文件）；请换一个可写的位置，或修改权限后重试",
    "{file}: cannot write here (read-only folder or file, or no permission); choose a writable place and retry",
)
errors.register(
    "file-locked",
    "{file}：文件被占用（可能已在 Excel 中打开），请关闭后重试",
    "{file}: the file is in use by another program (e.g. open in Excel); close it in Excel and retry",
)


class WriteError(ChainGapError, OSError):
    """A write the operating system refused for a reason the user can fix (disk full, read-only, locked)."""

    default_code = "read-only"


_CODES = {
    errno.ENOSPC: "disk-full",
    errno.EDQUOT: "disk-full",
    errno.EFBIG: "disk-full",
    errno.EROFS: "read-only",
    errno.EACCES: "read-only",
    errno.EPERM: "read-only",
    errno.EBUSY: "file-locked",
    errno.ETXTBSY: "file-locked",
}


def excel_owner_file(path: str | os.PathLike[str]) -> Path | None:
    """The ``~$name.xlsx`` owner file Excel keeps beside a workbook it has open, if there is one.

    Excel writes it when it opens ``name.xlsx`` (for names of 8+ characters the first two are dropped,
    so both spellings are checked); while it exists, replacing the workbook fails on the user's machine
    or clobbers their unsaved edits on a share.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook.

    Returns
    -------
    pathlib.Path or None
        The owner file, ``None`` when Excel does not have the workbook open.
    """
    p = Path(path)
    for owner in (p.with_name("~$" + p.name), p.with_name("~$" + p.name[2:])):
        if owner != p and owner.name != "~$" and owner.is_file():
            return owner
    return None


def check_not_open_in_excel(path: str | os.PathLike[str]) -> None:
    """Refuse (``file-locked``) to replace a workbook that Excel has open (its owner file is present).

    Parameters
    ----------
    path : str or os.PathLike
        The file about to be replaced; only spreadsheet suffixes are checked.

    Raises
    ------
    WriteError
        ``file-locked``: Excel has the file open.
    """
    if Path(path).suffix.lower() in {".xlsx", ".xlsm", ".xls", ".csv"} and excel_owner_file(path) is not None:
        raise WriteError(code="file-locked", file=str(path))


def _silence_finalisers(tb: Any) -> None:
    """Drop the frames of a failed write so half-written objects (a ``ZipFile``) are finalised quietly now.

    A writer that failed mid-way (xlsxwriter on a full disk) leaves an open ``ZipFile`` in a finished
    frame; when it is collected later its ``__del__`` fails again and Python prints a second traceback
    ("Exception ignored in …"). Clearing those frames under a silent unraisable hook finalises it here.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(tb)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def user_error(exc: OSError, path: str | os.PathLike[str]) -> WriteError | None:
    """The :class:`WriteError` for ``exc`` when it is a fault the user can fix, else ``None``.

    Parameters
    ----------
    exc : OSError
        The error raised while writing.
    path : str or os.PathLike
        The file being written, named in the message.

    Returns
    -------
    WriteError or None
    """
    if isinstance(exc, ChainGapError):
        return None
    code = _CODES.get(exc.errno or -1)
    if code is None and isinstance(exc, PermissionError):
        code = "read-only"
    if code is None:
        return None
    if code == "read-only" and excel_owner_file(path) is not None:
        code = "file-locked"  # Windows shares report a workbook open in Excel as "permission denied"
    return WriteError(code=code, file=str(path))


@contextlib.contextmanager
def user_os_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn disk-full, read-only and locked-file ``OSError`` raised inside the block into :class:`WriteError`.

    Parameters
    ----------
    path : str or os.PathLike
        The file being written, named in the message.

    Yields
    ------
    None
    """
    try:
        yield
    except Exception as exc:
        cause = _os_cause(exc)
        err = None if cause is None else user_error(cause, path)
        if err is None:
            raise
        _silence_finalisers(exc.__traceback__)
        raise err from None


def _os_cause(exc: BaseException) -> OSError | None:
    """The ``OSError`` behind ``exc``: itself, or one a library wrapped (xlsxwriter's ``FileCreateError``)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ChainGapError):
            return None
        if isinstance(cur, OSError):
            return cur
        seen.add(id(cur))
        wrapped = next((a for a in getattr(cur, "args", ()) if isinstance(a, OSError)), None)
        cur = wrapped or cur.__cause__ or cur.__context__
    return None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``, on error it is removed.

    ``mode`` is applied before the rename; by default the file gets the permissions a newly created
    file gets under the user's umask (``mkstemp`` alone would make it readable by the owner only,
    while outputs are meant to be shared). A workbook open in Excel is refused before anything is
    written, and a full disk or read-only folder becomes a one-line :class:`WriteError`.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    mode : int, optional
        Permission bits of the written file; default :func:`default_mode`.

    Yields
    ------
    pathlib.Path
        The temporary path to write to.
    """
    target = Path(path)
    check_not_open_in_excel(target)
    with user_os_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            yield Path(tmp)
            os.chmod(tmp, default_mode() if mode is None else mode)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def default_mode(*, folder: bool = False) -> int:
    """The permissions a new file (or folder) gets under the process umask (0o644 / 0o755 for umask 022).

    Parameters
    ----------
    folder : bool
        The mode of a new folder rather than of a new file.

    Returns
    -------
    int
    """
    return (0o777 if folder else 0o666) & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where Linux reports it (setting it is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
