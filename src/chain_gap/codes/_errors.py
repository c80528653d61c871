"""Errors of the reference-code tables."""

from __future__ import annotations

from chain_gap.errors import ChainGapError

__all__ = ["CodeError", "IndustryError", "RegionError"]


class CodeError(ChainGapError, ValueError):
    """A region or industry that cannot be found in the shipped reference tables."""

    default_code = "code-error"


class RegionError(CodeError):
    """An unknown or ambiguous region code or name (one-line message listing candidates)."""

    default_code = "region-unknown"


class IndustryError(CodeError):
    """An unknown GB/T 4754-2017 industry code."""

    default_code = "industry-unknown"
