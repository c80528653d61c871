"""Reference codes: administrative divisions (GB/T 2260) and industries (GB/T 4754-2017).

Both tables ship in ``graph/codes/`` and are read once, lazily, on first use:
:mod:`chain_gap.codes._regions` resolves region codes and names (``resolve_region``,
``region_from_address``, the ancestors and province of a code), :mod:`chain_gap.codes._namehead` reads
the place at the head of a legal name (``infer_from_name``), :mod:`chain_gap.codes._industries`
resolves industry codes and names (``resolve_industry``, ``strategic_path``). This package is their
common face: ``from chain_gap import codes; codes.resolve_region("商丘")``.
"""

from __future__ import annotations

from chain_gap.codes._address import region_from_address
from chain_gap.codes._errors import CodeError, IndustryError, RegionError
from chain_gap.codes._industries import (
    add_industry,
    class_codes,
    industries,
    industry_name,
    is_class_code,
    resolve_industry,
    strategic_path,
)
from chain_gap.codes._namehead import NameHead, NameInference, city_from_short, infer_from_name, name_head
from chain_gap.codes._regions import (
    LEVELS,
    PLACEHOLDER_NAMES,
    Region,
    add_region,
    ancestors,
    is_county,
    is_region_code,
    most_specific,
    parent_code,
    province_from_short,
    province_of,
    region_levels,
    regions,
    resolve_region,
    resolve_under,
)
from chain_gap.codes._regions import _aliases as _aliases  # the suggester's tests read the short names

__all__ = [
    "LEVELS",
    "PLACEHOLDER_NAMES",
    "CodeError",
    "IndustryError",
    "NameHead",
    "NameInference",
    "Region",
    "RegionError",
    "add_industry",
    "add_region",
    "ancestors",
    "city_from_short",
    "class_codes",
    "industries",
    "industry_name",
    "infer_from_name",
    "is_class_code",
    "is_county",
    "is_region_code",
    "most_specific",
    "name_head",
    "parent_code",
    "province_from_short",
    "province_of",
    "region_from_address",
    "region_levels",
    "regions",
    "resolve_industry",
    "resolve_region",
    "resolve_under",
    "strategic_path",
]
