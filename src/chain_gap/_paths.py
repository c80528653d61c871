"""Guards on the paths chain-gap writes to, so that nothing the user has is ever destroyed.

Two rules (DESIGN "Reliability"): a bundle path is a bundle or absent, and an output never replaces
an input. The guards run before anything is read or written, so a refusal leaves the disk untouched.
They compare resolved paths (and ``samefile`` for hard links and case-insensitive drives), because
``./a.csv``, ``a.csv`` and a symlink to it are the same file to the user.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from chain_gap import errors
from chain_gap.errors import ChainGapError

errors.register(
    "bundle-not-a-bundle",
    "{path}：不是 chain-gap 数据包（{why}）；为免覆盖其中的文件，未做任何改动。请指定一个不存在的路径或已有的数据包",
    "{path}: not a chain-gap bundle ({why}); nothing was changed so that its files are kept. "
    "Give a path that does not exist yet or an existing bundle",
)
errors.register(
    "output-is-input",
    "{path}：输出会覆盖输入文件 {input}；请换一个输出文件名",
    "{path}: this output would overwrite the input {input}; choose another output name",
)
errors.register(
    "output-in-bundle",
    "{path}：输出位于数据包 {bundle} 之内，会破坏数据包；请写到数据包之外",
    "{path}: this output lies inside the bundle {bundle} and would damage it; write it outside the bundle",
)
errors.register(
    "output-twice",
    "{path}：{first} 和 {second} 写到同一个文件，后写的会覆盖先写的；请给两个不同的文件名",
    "{path}: {first} and {second} name the same file, so one would overwrite the other; give two different names",
)
errors.register(
    "output-is-folder",
    "{path}：已存在同名文件夹，不能作为输出文件；请换一个输出文件名",
    "{path}: a folder of that name exists and cannot be replaced by an output file; choose another name",
)
errors.register(
    "output-not-a-folder",
    "{path}：已存在同名文件，不能作为输出文件夹；请换一个文件夹名",
    "{path}: a file of that name exists and cannot be used as the output folder; choose another folder",
)


class PathError(ChainGapError):
    """A path chain-gap refuses to write to, because something the user has would be lost."""

    default_code = "output-is-input"


MANIFEST = "manifest.json"
LOCK = ".lock"
#: Names chain-gap itself leaves inside a bundle folder that has no manifest yet (an interrupted first
#: save): the lock, the parts folder and hidden temporary files. Such a folder holds no user data.
_OWN = re.compile(r"^(\.lock|parts|\.tmp-.*|\.manifest\.json\.tmp-.*)$")
_PART = re.compile(r"^(\.tmp-.*|(nodes|edges|tables|graph)-.*\.(parquet|json))$")


def _resolve(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path)))).resolve()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` name the same file (resolved paths, then ``samefile`` when both exist).

    Parameters
    ----------
    a, b : str or os.PathLike
        The two paths.

    Returns
    -------
    bool
    """
    if _resolve(a) == _resolve(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_bundle(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a chain-gap bundle folder: its ``manifest.json`` is one of ours.

    A ``manifest.json`` of another program (web apps, browser extensions have one) does not make a
    folder a bundle, so chain-gap never writes its parts into it.

    Parameters
    ----------
    path : str or os.PathLike
        A folder.

    Returns
    -------
    bool
    """
    f = Path(path) / MANIFEST
    if not f.is_file():
        return False
    try:
        m = json.loads(f.read_bytes())
    except (ValueError, OSError, RecursionError):
        return False
    return isinstance(m, dict) and type(m.get("format")) is int and "schema_version" in m


def is_own_debris(path: str | os.PathLike[str]) -> bool:
    """Whether the folder ``path`` holds only what an interrupted first save of chain-gap leaves.

    An empty folder counts too: there is nothing in it to destroy.

    Parameters
    ----------
    path : str or os.PathLike
        An existing folder.

    Returns
    -------
    bool
    """
    p = Path(path)
    for entry in p.iterdir():
        if not _OWN.match(entry.name):
            return False
        if entry.name == "parts":
            if not entry.is_dir() or any(not _PART.match(x.name) or not x.is_file() for x in entry.iterdir()):
                return False
        elif entry.is_dir():
            return False
    return True


def check_bundle_path(path: str | os.PathLike[str]) -> Path:
    """Refuse (``bundle-not-a-bundle``) a bundle path that is neither a bundle nor absent; return it.

    Accepted: a path that does not exist, a bundle (any version), and a folder that is empty or holds
    only the leftovers of an interrupted first save. Refused, with nothing touched: a file, and a
    folder holding anything else (the user's exports, documents, another program's data).

    Parameters
    ----------
    path : str or os.PathLike
        The bundle path given by the user.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    PathError
        ``bundle-not-a-bundle``.
    """
    p = Path(path)
    if not os.path.lexists(p):
        return p
    if not p.is_dir():
        raise PathError(code="bundle-not-a-bundle", path=str(p), why="it is a file")
    if is_bundle(p) or is_own_debris(p):
        return p
    if (p / MANIFEST).exists():
        why = "its manifest.json is not a chain-gap manifest, or is damaged"
    else:
        why = "a folder with other files and no manifest.json"
    raise PathError(code="bundle-not-a-bundle", path=str(p), why=why)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _enclosing_bundle(path: Path) -> Path | None:
    for parent in (path, *path.parents):
        if is_bundle(parent):
            return parent
    return None


def check_output_file(
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    bundles: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Refuse an output file that would replace an input, sit inside a bundle or replace a folder.

    Parameters
    ----------
    path : str or os.PathLike
        The output file (``-o``, ``--rejects``, ``--report``).
    inputs : iterable of path
        Files the command reads; the output may not be any of them.
    bundles : iterable of path
        Bundles the command reads or writes; the output may not be inside one of them.

    Returns
    -------
    Path
        ``path`` unchanged.
    """
    p = Path(path)
    for src in inputs:
        if same_file(p, src):
            raise PathError(code="output-is-input", path=str(p), input=str(src))
    rp = _resolve(p)
    for b in bundles:
        if _inside(rp, _resolve(b)):
            raise PathError(code="output-in-bundle", path=str(p), bundle=str(b))
    enclosing = _enclosing_bundle(rp.parent)
    if enclosing is not None:
        raise PathError(code="output-in-bundle", path=str(p), bundle=str(enclosing))
    if p.is_dir():
        raise PathError(code="output-is-folder", path=str(p))
    return p


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """Refuse an output folder that is a file, a bundle, or inside a bundle; return it.

    Writing a report into a folder that already holds other files is allowed (re-running a report
    into the same folder replaces only its own named outputs); writing it into a bundle, where it
    would mix with the bundle's parts, is not.

    Parameters
    ----------
    path : str or os.PathLike
        The output folder given by the user.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    PathError
        ``output-not-a-folder`` or ``output-in-bundle``.
    """
    p = Path(path)
    if os.path.lexists(p) and not p.is_dir():
        raise PathError(code="output-not-a-folder", path=str(p))
    enclosing = _enclosing_bundle(_resolve(p))
    if enclosing is not None:
        raise PathError(code="output-in-bundle", path=str(p), bundle=str(enclosing))
    return p


def guard_params(
    params: dict[str, object],
    *,
    bundles: Iterable[str] = (),
    output_files: Iterable[str] = (),
    output_dirs: Iterable[str] = (),
) -> None:
    """Check a command's paths before it runs (the CLI calls this with the parameter names it uses).

    Parameters
    ----------
    params : dict
        The command's parameters by name (click's ``ctx.params``).
    bundles : iterable of str
        Names of parameters that are bundle folders (read or written); no output may go inside one.
        Writers check the bundle path itself when they take its lock (:func:`check_bundle_path`).
    output_files : iterable of str
        Names of parameters that are output files: never an input, never inside a bundle.
    output_dirs : iterable of str
        Names of parameters that are output folders: never a file, never a bundle or inside one.
    """
    bundles, output_files, output_dirs = tuple(bundles), tuple(output_files), tuple(output_dirs)
    outputs = set(bundles) | set(output_files) | set(output_dirs)
    inputs: list[str] = []
    for name, value in params.items():
        if name in outputs:
            continue
        for v in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(v, (str, os.PathLike)) and os.path.isfile(v):
                inputs.append(os.fspath(v))
    folders = [str(params[n]) for n in bundles if params.get(n)]
    given = [n for n in output_files if params.get(n)]
    for i, n in enumerate(given):
        check_output_file(str(params[n]), inputs, folders)
        for m in given[:i]:
            if same_file(str(params[n]), str(params[m])):
                raise PathError(code="output-twice", path=str(params[n]), first=_option(m), second=_option(n))
    for n in output_dirs:
        if params.get(n):
            check_output_dir(str(params[n]))


def _option(param: str) -> str:
    """The command-line spelling of a parameter name: ``report_path`` → ``--report``, ``output`` → ``-o``."""
    return "-o" if param == "output" else "--" + param.removesuffix("_path").replace("_", "-")
