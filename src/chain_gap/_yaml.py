"""Reading the YAML files users write (chain templates, loader mappings) safely and fast.

PyYAML's safe loaders still expand aliases: a 2 KB file of nested aliases ("billion laughs") takes
gigabytes and minutes, and deep nesting can exhaust the stack. Templates and mappings never need
aliases, so this reader refuses them, bounds the file size and the nesting depth *before* building
anything, and records duplicated mapping keys (plain PyYAML silently keeps the last one). It uses
libyaml's C parser (``CSafeLoader``) when PyYAML was built with it, else the pure-Python one; the
checks hold with both because they run on the parser's events and in our own mapping constructor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from chain_gap import errors
from chain_gap.errors import ChainGapError

#: Largest YAML file read (bytes): the biggest shipped template is under 100 KB.
MAX_BYTES = 8 * 1024 * 1024
#: Deepest nesting of mappings and sequences: a chain template needs about 12 levels.
MAX_DEPTH = 64

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

errors.register(
    "yaml-too-large",
    "{file}：文件过大（{size} 字节，上限 {limit} 字节），不是模板或映射文件",
    "{file}: file too large ({size} bytes, limit {limit}); not a template or mapping",
)
errors.register(
    "yaml-alias",
    "{file}：第{line}行使用了 YAML 别名（*{anchor}）；模板与映射文件不支持别名，请写出完整内容",
    "{file}: line {line}: YAML alias *{anchor} is not allowed in templates and mappings; write the content out",
)
errors.register(
    "yaml-too-deep",
    "{file}：第{line}行嵌套超过 {limit} 层",
    "{file}: line {line}: nesting deeper than {limit} levels",
)
errors.register(
    "yaml-syntax",
    "{file}：第{line}行第{column}列 YAML 语法错误：{problem}",
    "{file}: YAML syntax error at line {line}, column {column}: {problem}",
)
errors.register(
    "yaml-not-utf8",
    "{file}：不是 UTF-8 文本（偏移 {offset} 处的字节无效）",
    "{file}: not UTF-8 text (bad byte at offset {offset})",
)


class YamlError(ChainGapError, ValueError):
    """A YAML file that cannot be read safely (too large, aliases, too deep, bad syntax, not UTF-8)."""

    default_code = "yaml-syntax"


@dataclass
class YamlDoc:
    """The parsed document and the duplicated keys found in it.

    Attributes
    ----------
    data
        The document as plain Python objects (dicts, lists, str, int, float, bool, None, dates).
    duplicates
        ``(key, line)`` for each mapping key that appears a second time in the same mapping.
    """

    data: Any
    duplicates: list[tuple[str, int]] = field(default_factory=list)


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """The safe loader (C parser when available) that records duplicated mapping keys."""

    duplicates: list[tuple[str, int]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                loader.duplicates.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        except TypeError:  # an unhashable key: the constructor below reports it
            pass
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _syntax_error(label: str, exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    return YamlError(
        code="yaml-syntax",
        file=label,
        line=mark.line + 1 if mark else "?",
        column=mark.column + 1 if mark else "?",
        problem=errors.one_line(str(problem), 200),
    )


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0


def _check_events(text: str, label: str, max_depth: int) -> None:
    """Walk the parser's events once: refuse aliases and nesting deeper than ``max_depth``."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(code="yaml-alias", file=label, line=_line(event), anchor=event.anchor)
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > max_depth:
                    raise YamlError(code="yaml-too-deep", file=label, line=_line(event), limit=max_depth)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _syntax_error(label, exc) from None
    finally:
        loader.dispose()


def load(raw: bytes | str, label: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> YamlDoc:
    """Parse one YAML document that a user wrote, refusing what could exhaust the machine.

    Parameters
    ----------
    raw
        The file's bytes (decoded as UTF-8, a BOM allowed) or its text.
    label
        How the file is named in messages (a path as the user knows it).
    max_bytes
        Files larger than this are refused before parsing.
    max_depth
        Mappings and sequences nested deeper than this are refused before anything is built.

    Returns
    -------
    YamlDoc
        The data and the duplicated keys (for the caller to report as problems).

    Raises
    ------
    YamlError
        With code ``yaml-too-large``, ``yaml-not-utf8``, ``yaml-alias``, ``yaml-too-deep`` or
        ``yaml-syntax``, naming the file (and the line where one is known).
    """
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        raise YamlError(code="yaml-too-large", file=label, size=size, limit=max_bytes)
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlError(code="yaml-not-utf8", file=label, offset=exc.start) from None
    else:
        text = raw
    _check_events(text, label, max_depth)
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _syntax_error(label, exc) from None
    finally:
        loader.dispose()
    return YamlDoc(data, loader.duplicates)


def load_file(path: Any, label: str | None = None, **limits: int) -> YamlDoc:
    """:func:`load` on a file, checking its size on disk before reading it.

    Parameters
    ----------
    path : str or os.PathLike
        The YAML file.
    label : str, optional
        How the file is named in messages (default: the path as given).
    **limits
        ``max_bytes`` and ``max_depth``, as in :func:`load`.

    Returns
    -------
    YamlDoc
        The data and the duplicated keys, as :func:`load`.
    """
    import os

    label = label or str(path)
    max_bytes = limits.get("max_bytes", MAX_BYTES)
    size = os.path.getsize(path)
    if size > max_bytes:
        raise YamlError(code="yaml-too-large", file=label, size=size, limit=max_bytes)
    with open(path, "rb") as fh:
        raw = fh.read(max_bytes + 1)
    return load(raw, label, **limits)
