"""Source mappings (``loaders/<id>.yaml``): which headers mean which field, and each field's type."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chain_gap import _yaml
from chain_gap._resources import loaders_dir
from chain_gap.load.issues import LoadError

__all__ = ["FIELD_TYPES", "KINDS", "FieldSpec", "Mapping", "list_mappings", "load_mapping"]

FIELD_TYPES = (
    "name",
    "uscc",
    "stock",
    "region",
    "address",
    "industry",
    "text",
    "capital",
    "amount",
    "date",
    "int",
    "float",
    "list",
    "tags",
    "json",
    "person",
    "phone",
    "email",
    "url",
)
"""Types a mapping field may declare; ``person``, ``phone``, ``email`` and ``url`` are contact fields,
kept in the contacts side table (:mod:`chain_gap.load.contacts`), not on the graph."""

KINDS = (
    "enterprise",
    "supply",
    "overrides",
    "folder",
    "industry",
    "industry_parent",
    "enterprise_industry",
    "product",
    "enterprise_product",
    "product_relation",
    "industry_upstream",
)
"""What a mapped table holds; ``folder`` is a set of tables loaded in order (chain-kg)."""


@dataclass
class FieldSpec:
    """One field of a mapping: which headers feed it and what type its text is."""

    name: str
    synonyms: list[str]
    required: bool = False
    type: str = "text"
    tag_map: dict[str, str] | None = None
    keep_unmapped: bool = True
    resolve: str | None = None


@dataclass
class Mapping:
    """A source format (``loaders/<id>.yaml``); a ``folder`` mapping holds one sub-mapping per file."""

    id: str
    kind: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    name: str = ""
    name_en: str = ""
    file: str | None = None
    scheme: str | None = None
    relations: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    files: list[Mapping] = field(default_factory=list)
    path: Path | None = None

    def synonyms(self) -> dict[str, list[str]]:
        """Field name → accepted headers, in priority order."""
        return {f.name: list(f.synonyms) for f in self.fields.values()}


def _mapping_from_dict(data: Any, where: str, parent_id: str | None = None) -> Mapping:
    if not isinstance(data, dict):
        raise LoadError(code="mapping-not-dict", file=where)
    mid = str(data.get("id") or parent_id or "")
    kind = str(data.get("kind", "enterprise"))
    if kind not in KINDS:
        raise LoadError(code="mapping-kind", file=where, kind=kind, choices=", ".join(KINDS))
    fields: dict[str, FieldSpec] = {}
    for fname, spec in (data.get("fields") or {}).items():
        spec = spec or {}
        ftype = str(spec.get("type", "text"))
        if ftype not in FIELD_TYPES:
            raise LoadError(
                code="mapping-field-type", file=where, field=str(fname), type=ftype, choices=", ".join(FIELD_TYPES)
            )
        syn = spec.get("synonyms") or [fname]
        fields[str(fname)] = FieldSpec(
            name=str(fname),
            synonyms=[str(s) for s in syn],
            required=bool(spec.get("required", False)),
            type=ftype,
            tag_map={str(k): str(v) for k, v in (spec.get("tag_map") or {}).items()} or None,
            keep_unmapped=bool(spec.get("keep_unmapped", True)),
            resolve=spec.get("resolve"),
        )
    m = Mapping(
        id=mid,
        kind=kind,
        fields=fields,
        name=str(data.get("name", "")),
        name_en=str(data.get("name_en", "")),
        file=data.get("file"),
        scheme=data.get("scheme"),
        relations=dict(data.get("relations") or {}),
        tags=[str(t) for t in data.get("tags") or []],
    )
    if kind == "folder":
        m.files = [_mapping_from_dict(sub, f"{where} files[{i}]", mid) for i, sub in enumerate(data.get("files") or [])]
        if not m.files:
            raise LoadError(code="mapping-no-files", file=where)
    elif not fields:
        raise LoadError(code="mapping-no-fields", file=where)
    return m


def list_mappings() -> list[str]:
    """Ids of the mappings shipped in ``loaders/``.

    Returns
    -------
    list of str
    """
    return sorted(p.stem for p in loaders_dir().glob("*.yaml"))


def load_mapping(name_or_path: str | os.PathLike[str] | Mapping) -> Mapping:
    """Load a source mapping by id (``"qcc"``) or from a YAML file path.

    Parameters
    ----------
    name_or_path : str, os.PathLike or Mapping
        A shipped mapping id, a YAML file, or a mapping (returned as is).

    Returns
    -------
    Mapping

    Raises
    ------
    LoadError
        Unknown id (the message lists the shipped ones), unreadable or malformed YAML.
    """
    if isinstance(name_or_path, Mapping):
        return name_or_path
    ref = str(name_or_path)
    if ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref:
        path = Path(ref)
    else:
        path = loaders_dir() / f"{ref}.yaml"
        if not path.is_file():
            raise LoadError(code="mapping-unknown", ref=ref, choices=", ".join(list_mappings()))
    try:
        doc = _yaml.load_file(path, str(path))
    except FileNotFoundError:
        raise LoadError(code="mapping-not-found", file=str(path)) from None
    except OSError as exc:
        raise LoadError(code="mapping-unreadable", file=str(path), detail=exc.strerror or str(exc)) from None
    except _yaml.YamlError as exc:
        raise LoadError(
            f"{path}: not a valid YAML mapping ({exc.message('en')})", code=exc.code, **exc.params
        ) from None
    if doc.duplicates:
        key, line = doc.duplicates[0]
        raise LoadError(code="yaml-duplicate-key", file=str(path), line=line, key=key)
    data = doc.data
    m = _mapping_from_dict(data, str(path))
    if not m.id:
        m.id = path.stem
    m.path = path
    return m
