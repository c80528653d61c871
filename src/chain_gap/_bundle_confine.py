"""Where a bundle's manifest may point: only at files chain-gap writes, directly inside the bundle's folders.

A manifest is JSON anyone can edit (or a damaged copy can hold anything); each part it lists is read,
checksummed and, when no longer referenced, cleaned up. :func:`confined` is applied to every entry when
the manifest is read (:func:`chain_gap._bundle.view`), so a ``file`` of ``../../x`` or ``/etc/passwd`` is
refused (``bundle-part-outside``) before anything opens it.
"""

from __future__ import annotations

from typing import Any

from chain_gap import errors
from chain_gap.errors import ChainGapError

__all__ = ["PartOutside", "confined"]

errors.register(
    "bundle-part-outside",
    "{file}：清单指向数据包 parts 文件夹以外的文件（{part}），拒绝读取（清单被改动或损坏）；"
    "请从备份恢复数据包，或重新 load 源文件",
    "{file}: the manifest names a file outside the bundle's parts folder ({part}); refused, not read "
    "(the manifest was edited or damaged); restore the bundle from a backup or load the source files again",
)


class PartOutside(ChainGapError, ValueError):
    """A manifest entry naming a file that is not directly inside the bundle folder it belongs in
    (raised while the manifest is viewed; :func:`chain_gap._bundle.read_manifest` names the manifest)."""

    default_code = "bundle-part-outside"

    def __init__(self, part: Any) -> None:
        super().__init__(f"part outside the bundle: {part!r}", part=str(part))
        self.part = str(part)


def confined(rel: Any, folder: str | None) -> str:
    """``rel`` when it names a file directly inside ``folder`` of the bundle (the bundle itself for None).

    Only what chain-gap writes passes: a relative POSIX path of one name under the folder, without
    ``..``, a drive, a backslash or a NUL, so an edited manifest can never make a read (or a clean-up)
    reach a file elsewhere.

    Parameters
    ----------
    rel : object
        The ``file`` of a manifest entry.
    folder : str or None
        ``"parts"`` (version 2), ``"nodes"`` / ``"edges"`` (version 1), None for the bundle folder.

    Returns
    -------
    str

    Raises
    ------
    PartOutside
        Anything else.
    """
    if not isinstance(rel, str) or not rel or any(c in rel for c in "\\\0:"):
        raise PartOutside(rel)
    parts = rel.split("/")
    want = [folder] if folder else []
    if len(parts) != len(want) + 1 or parts[:-1] != want or parts[-1] in ("", ".", ".."):
        raise PartOutside(rel)
    return rel
