"""Typed settings: verdict rules, 挂链 scoring and the target weight profile.

Each settings file is TOML (the shipped defaults are under ``graph/config/``). A user's file only
needs the keys it changes: it is laid over the shipped defaults. A key the settings do not know is
refused with the file, the key and the known keys (a typo must not be silently ignored), and a value of
the wrong type is refused with the file and the key.

The loaded settings are frozen dataclasses, so the prose that explains a verdict can read the very
values that decided it (``cfg.verdict.level`` → "95%区间").
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from chain_gap import _config_ranges, errors
from chain_gap._resources import graph_dir
from chain_gap.errors import ChainGapError

errors.register(
    "config-unreadable",
    "{file}：无法读取配置文件（{detail}）",
    "{file}: cannot read the settings file ({detail})",
)
errors.register(
    "config-unknown-key",
    "{file}：未知配置项 {key}（可用：{known}）",
    "{file}: unknown setting {key} (known: {known})",
)
errors.register(
    "config-bad-value",
    "{file}：配置项 {key} 应为{expected}，实为 {value}",
    "{file}: setting {key} must be {expected_en}, got {value}",
)


errors.register(
    "config-not-utf8",
    "{file}：不是 UTF-8 文本（第 {offset} 个字节无法解码）；请另存为 UTF-8 编码",
    "{file}: not UTF-8 text (byte {offset} cannot be decoded); save it as UTF-8",
)


class ConfigError(ChainGapError, ValueError):
    """A settings file that cannot be read, or holds an unknown key or a wrong value."""

    default_code = "config-unreadable"


Source = str | os.PathLike[str] | Mapping[str, Any] | None


# --------------------------------------------------------------------------------------------------
# the settings


@dataclass(frozen=True)
class VerdictSettings:
    """Thresholds of the verdict rules (``[verdict]`` of ``gaps.toml``)."""

    level: float = 0.95
    strong_ci_low: float = 1.0
    strong_min_firms: int = 3
    fragile_hhi: float = 0.4
    fragile_cascade: float = 0.30
    # the national-leader route to "strong" (scale, not specialisation): see gaps.toml
    leader_top_n: int = 3
    leader_min_share: float = 0.125
    leader_min_lq: float = 1.0

    @property
    def level_pct(self) -> str:
        """The confidence level as staff read it: ``"95%"``."""
        return f"{self.level * 100:g}%"


@dataclass(frozen=True)
class PriorityWeights:
    """Weights of the link priority (docs/formulas.md), ``[priority]`` of ``gaps.toml``."""

    density: float = 0.4
    pci: float = 0.2
    cog: float = 0.1
    gap: float = 0.3

    def as_dict(self) -> dict[str, float]:
        """The weights as a plain ``{feature: weight}`` mapping.

        Returns
        -------
        dict
        """
        return {f.name: float(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class AnchorSettings:
    """The 链主 (anchor firm) rule, ``[anchor]`` of ``gaps.toml``."""

    traditional_revenue: float = 5.0e9
    emerging_revenue: float = 2.0e9
    future_revenue: float = 5.0e8
    capital_factor: float = 0.2
    min_local_partners: int = 3
    listed_main_share: float = 0.30

    def revenue_threshold(self, category: str) -> float:
        """Revenue (CNY) an anchor of a chain of this category reaches.

        Parameters
        ----------
        category : str
            The chain's category (``traditional``, ``emerging``, ``future``); an unknown one reads as emerging.

        Returns
        -------
        float
        """
        return float(getattr(self, f"{category}_revenue", self.emerging_revenue))


@dataclass(frozen=True)
class DataSettings:
    """What the data must hold before a verdict is given (``[data]`` of ``gaps.toml``).

    Attributes
    ----------
    min_level_coverage : float
        Share of the located firms (nationally) whose region code reaches the asked level (city,
        county), below which every link of a region at that level is ``no_data``.
    min_known_sizes : float
        Share of a link's local firms with a known size (revenue or registered capital), below which
        concentration (HHI) is not computed and the link is not called fragile on it (规模未知).
    """

    min_level_coverage: float = 0.5
    min_known_sizes: float = 0.8


@dataclass(frozen=True)
class GapsConfig:
    """Everything ``gaps.toml`` holds."""

    verdict: VerdictSettings = field(default_factory=VerdictSettings)
    priority: PriorityWeights = field(default_factory=PriorityWeights)
    anchor: AnchorSettings = field(default_factory=AnchorSettings)
    data: DataSettings = field(default_factory=DataSettings)
    source: str = "graph/config/gaps.toml"

    def as_dict(self) -> dict[str, Any]:
        """The settings as the nested mapping the TOML file holds.

        Returns
        -------
        dict
        """
        return {
            "verdict": dataclasses.asdict(self.verdict),
            "priority": self.priority.as_dict(),
            "anchor": dataclasses.asdict(self.anchor),
            "data": dataclasses.asdict(self.data),
        }


@dataclass(frozen=True)
class PortfolioSettings:
    """The county division-of-labour rule (``[portfolio]`` of ``portfolio.toml``).

    Attributes
    ----------
    lq_cap : float
        LQ* at which a link counts fully in the specialisation S (``min(LQ*, lq_cap) / lq_cap``).
    leading_floor : float
        S a chain must reach to be suggested as a unit's leading chain (主导).
    leading_max : int
        Most leading chains suggested per unit.
    strong_bar : float
        S at which a unit is strong in a chain; a chain shared by several units none of which reach it
        is flagged as a 无序竞争 risk.
    lq_basis : str
        ``"lq_star"`` (default: the point LQ*) or ``"ci_low"`` (the lower end of its interval, so a link
        held by one or two firms counts for little).
    """

    lq_cap: float = 3.0
    leading_floor: float = 0.20
    leading_max: int = 2
    strong_bar: float = 0.50
    lq_basis: str = "lq_star"


@dataclass(frozen=True)
class CatalogueSettings:
    """The 招商引资产业目录 rules (``[catalogue]`` of ``portfolio.toml``).

    Attributes
    ----------
    owner_min_inputs : int
        Links feeding a link (along ``feeds``) for it to call for a 链主 (with the weight rule).
    owner_weight_factor : float
        A 链主 link's weight is at least this × the mean leaf weight of its chain.
    specialised_share : float
        Share of the link's producers nationally tagged 专精特新 / 小巨人 from which the link calls for
        专精特新 firms.
    links_per_chain : int
        Most links listed per unit and chain, highest priority first (0: every link that needs action).
    targets_per_link : int
        Ranked target firms listed per link.
    anchors_per_link : int
        Local firms listed per side (suppliers, customers) of a link.
    """

    owner_min_inputs: int = 2
    owner_weight_factor: float = 1.0
    specialised_share: float = 0.10
    links_per_chain: int = 10
    targets_per_link: int = 5
    anchors_per_link: int = 5


@dataclass(frozen=True)
class PortfolioConfig:
    """Everything ``portfolio.toml`` holds."""

    portfolio: PortfolioSettings = field(default_factory=PortfolioSettings)
    catalogue: CatalogueSettings = field(default_factory=CatalogueSettings)
    source: str = "graph/config/portfolio.toml"

    def as_dict(self) -> dict[str, Any]:
        """The settings as the nested mapping the TOML file holds.

        Returns
        -------
        dict
        """
        return {"portfolio": dataclasses.asdict(self.portfolio), "catalogue": dataclasses.asdict(self.catalogue)}


@dataclass(frozen=True)
class LinkConfig:
    """挂链 scoring settings (see ``graph/config/link.toml`` for what each one means)."""

    product: float = 0.70
    industry_code: float = 0.50
    scope: float = 0.40
    name: float = 0.20
    split_shared_codes: bool = True
    product_min_share: float = 0.05
    scope_max_clues: int = 1
    shenwan_unmatched: float = 0.5
    product_generic: float = 0.45
    segment_line_share: float = 0.10
    segment_corroboration: float = 0.30
    name_term: float = 0.45
    confirmed: float = 0.60
    uncertain: float = 0.30
    producer: tuple[str, ...] = ()
    seller: tuple[str, ...] = ()
    user: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetProfile:
    """Weight profile of the target ranking (``targets.toml``).

    The link-priority weights default to those of ``gaps.toml`` (written once, there); a profile may
    override them for a what-if. ``reference_year`` is the year firm ages are counted to: by default
    the year of the data (the bundle's vintage), else the current year. A firm whose product lines in a
    link are below ``side_line_share`` of its revenue is left off the list unless asked for (the link
    is a side line of its business).
    """

    alpha: float = 0.5
    proximity: float = 0.10
    priority: Mapping[str, float] = field(default_factory=lambda: MappingProxyType(PriorityWeights().as_dict()))
    tags: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    reference_year: int | None = None
    side_line_share: float = 0.05

    def year(self, vintage: str | None = None) -> int:
        """The year ages are counted to: the profile's, else the data vintage's, else today's.

        Parameters
        ----------
        vintage : str, optional
            The data vintage (``"2024-06"``), whose first four digits are a year.

        Returns
        -------
        int
        """
        if self.reference_year:
            return int(self.reference_year)
        if vintage and str(vintage)[:4].isdigit():
            return int(str(vintage)[:4])
        return _dt.date.today().year


# --------------------------------------------------------------------------------------------------
# reading

T = TypeVar("T")

_TYPE_WORDS = {
    float: ("数值", "a number"),
    int: ("整数", "an integer"),
    bool: ("true/false", "true or false"),
    str: ("文本", "text"),
}


def _read_toml(source: Source, default_name: str) -> tuple[dict[str, Any], str]:
    if source is None:
        source = graph_dir() / "config" / default_name
    if isinstance(source, Mapping):
        return dict(source), "<settings>"
    p = Path(source)
    try:
        raw = p.read_bytes()
        # Windows Notepad saves "UTF-8" with a byte-order mark, which TOML does not allow: drop it
        text = raw.decode("utf-8").removeprefix("\ufeff")
        return tomllib.loads(text), str(p)
    except UnicodeDecodeError as exc:
        raise ConfigError(code="config-not-utf8", file=str(p), offset=exc.start + 1) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(code="config-unreadable", file=str(p), detail=str(exc)) from None
    except OSError as exc:
        raise ConfigError(code="config-unreadable", file=str(p), detail=exc.strerror or str(exc)) from None


def _shipped(name: str) -> dict[str, Any]:
    data, _ = _read_toml(None, name)
    return data


def _unknown(where: str, key: str, known: Any) -> ConfigError:
    return ConfigError(code="config-unknown-key", file=where, key=key, known=", ".join(sorted(known)))


def _coerce(value: Any, typ: Any, where: str, key: str) -> Any:
    bad = ConfigError(
        code="config-bad-value",
        file=where,
        key=key,
        value=repr(value)[:60],
        expected=_TYPE_WORDS.get(typ, ("", ""))[0],
        expected_en=_TYPE_WORDS.get(typ, ("", ""))[1],
    )
    if typ is bool:
        if not isinstance(value, bool):
            raise bad
        return value
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
            raise bad
        _config_ranges.check(value, key, where, ConfigError)
        return int(value)
    if typ is float:
        # nan / inf are valid TOML floats but no weight or threshold: every comparison with nan is False
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise bad
        _config_ranges.check(value, key, where, ConfigError)
        return float(value)
    if typ is str:
        if not isinstance(value, str):
            raise bad
        return value
    return value


def _fields(cls: type) -> dict[str, Any]:
    hints = {"float": float, "int": int, "bool": bool, "str": str}
    return {f.name: hints.get(str(f.type), str(f.type)) for f in dataclasses.fields(cls)}


def _section(cls: type[T], data: Any, where: str, prefix: str) -> T:
    if not isinstance(data, Mapping):
        raise ConfigError(
            code="config-bad-value",
            file=where,
            key=prefix,
            value=repr(data)[:60],
            expected="表（[节]）",
            expected_en="a table ([section])",
        )
    types = _fields(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in types:
            raise _unknown(where, f"{prefix}.{key}", types)
        kwargs[key] = _coerce(value, types[key], where, f"{prefix}.{key}")
    return cls(**kwargs)


def _check_keys(data: Mapping[str, Any], known: Mapping[str, Any], where: str) -> None:
    for key in data:
        if key not in known:
            raise _unknown(where, str(key), known)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


def load_gaps(source: Source | GapsConfig = None) -> GapsConfig:
    """Read the verdict, priority and anchor settings.

    Parameters
    ----------
    source : str, PathLike, Mapping, GapsConfig or None
        A TOML file, a nested mapping shaped like it, or loaded settings; ``None`` reads the shipped
        ``graph/config/gaps.toml``. A file or mapping only needs the keys it changes.

    Returns
    -------
    GapsConfig
    """
    if isinstance(source, GapsConfig):
        return source
    raw, where = _read_toml(source, "gaps.toml")
    sections = {
        "verdict": VerdictSettings,
        "priority": PriorityWeights,
        "anchor": AnchorSettings,
        "data": DataSettings,
    }
    _check_keys(raw, sections, where)
    merged = _merge(_shipped("gaps.toml"), raw) if source is not None else raw
    parts: dict[str, Any] = {name: _section(cls, merged.get(name, {}), where, name) for name, cls in sections.items()}
    label = "graph/config/gaps.toml" if source is None else where
    return GapsConfig(source=label, **parts)


def load_portfolio(source: Source | PortfolioConfig = None) -> PortfolioConfig:
    """Read the division-of-labour and catalogue settings (sections ``[portfolio]``, ``[catalogue]``).

    Parameters
    ----------
    source : str, PathLike, Mapping, PortfolioConfig or None
        A TOML file, a nested mapping shaped like it (only the keys it changes), or loaded settings;
        ``None`` reads the shipped ``graph/config/portfolio.toml``.

    Returns
    -------
    PortfolioConfig
    """
    if isinstance(source, PortfolioConfig):
        return source
    raw, where = _read_toml(source, "portfolio.toml")
    sections = {"portfolio": PortfolioSettings, "catalogue": CatalogueSettings}
    _check_keys(raw, sections, where)
    merged = _merge(_shipped("portfolio.toml"), raw) if source is not None else raw
    parts: dict[str, Any] = {name: _section(cls, merged.get(name, {}), where, name) for name, cls in sections.items()}
    return PortfolioConfig(source="graph/config/portfolio.toml" if source is None else where, **parts)


def load_link(source: Source | LinkConfig = None) -> LinkConfig:
    """Read the 挂链 scoring settings (sections ``[evidence]``, ``[decision]``, ``[roles]``).

    Parameters
    ----------
    source : str, PathLike, Mapping, LinkConfig or None
        A TOML file or a mapping shaped like it; ``None`` reads the shipped ``graph/config/link.toml``.

    Returns
    -------
    LinkConfig
    """
    if isinstance(source, LinkConfig):
        return source
    raw, where = _read_toml(source, "link.toml")
    layout = {
        "evidence": (
            "product",
            "industry_code",
            "scope",
            "name",
            "split_shared_codes",
            "product_min_share",
            "scope_max_clues",
            "shenwan_unmatched",
            "product_generic",
            "segment_line_share",
            "segment_corroboration",
            "name_term",
        ),
        "decision": ("confirmed", "uncertain"),
        "roles": ("producer", "seller", "user"),
    }
    _check_keys(raw, layout, where)
    merged = _merge(_shipped("link.toml"), raw) if source is not None else raw
    types = _fields(LinkConfig)
    kwargs: dict[str, Any] = {}
    for section, keys in layout.items():
        data = merged.get(section, {})
        for key, value in data.items():
            if key not in keys:
                raise _unknown(where, f"{section}.{key}", keys)
            if section == "roles":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(
                        code="config-bad-value",
                        file=where,
                        key=f"{section}.{key}",
                        value=repr(value)[:60],
                        expected="文本列表",
                        expected_en="a list of words",
                    )
                kwargs[key] = tuple(value)
            else:
                kwargs[key] = _coerce(value, types[key], where, f"{section}.{key}")
    cfg = LinkConfig(**kwargs)
    if cfg.uncertain > cfg.confirmed:  # an "uncertain" bar above the "confirmed" one leaves no uncertain band
        raise ConfigError(
            code="config-out-of-range",
            file=where,
            key="decision.uncertain",
            value=repr(cfg.uncertain),
            allowed=f"[0, decision.confirmed = {cfg.confirmed:g}]",
        )
    return cfg


def load_targets(source: Source | TargetProfile = None, *, gaps: GapsConfig | None = None) -> TargetProfile:
    """Read a target weight profile.

    Parameters
    ----------
    source : str, PathLike, Mapping, TargetProfile or None
        A TOML file or a mapping shaped like it (keys ``alpha``, ``proximity``, ``reference_year``,
        tables ``[tags]`` and, to override the link-priority weights of ``gaps.toml``,
        ``[priority]``); ``None`` reads the shipped ``graph/config/targets.toml``.
    gaps : GapsConfig, optional
        Settings whose priority weights are the default (the shipped ``gaps.toml`` otherwise).

    Returns
    -------
    TargetProfile
    """
    if isinstance(source, TargetProfile):
        return source
    raw, where = _read_toml(source, "targets.toml")
    known = {
        "alpha": float,
        "proximity": float,
        "reference_year": int,
        "side_line_share": float,
        "tags": None,
        "priority": None,
    }
    _check_keys(raw, known, where)
    shipped = _shipped("targets.toml")
    weights = (gaps or load_gaps()).priority.as_dict()
    over = raw.get("priority", {})
    if not isinstance(over, Mapping):
        raise ConfigError(
            code="config-bad-value",
            file=where,
            key="priority",
            value=repr(over)[:60],
            expected="表",
            expected_en="a table",
        )
    for key, value in over.items():
        if key not in weights:
            raise _unknown(where, f"priority.{key}", weights)
        weights[key] = _coerce(value, float, where, f"priority.{key}")
    tags = {str(k): _coerce(v, float, where, f"tags.{k}") for k, v in shipped.get("tags", {}).items()}
    user_tags = raw.get("tags", {}) if source is not None else {}
    if not isinstance(user_tags, Mapping):
        raise ConfigError(
            code="config-bad-value",
            file=where,
            key="tags",
            value=repr(user_tags)[:60],
            expected="表",
            expected_en="a table",
        )
    tags.update({str(k): _coerce(v, float, where, f"tags.{k}") for k, v in user_tags.items()})
    scalar_keys = ("alpha", "proximity", "reference_year", "side_line_share")
    scalars = {k: v for k, v in shipped.items() if k in scalar_keys}
    scalars.update({k: v for k, v in raw.items() if k in scalar_keys})
    kwargs = {k: _coerce(v, known[k], where, k) for k, v in scalars.items()}
    return TargetProfile(priority=MappingProxyType(weights), tags=MappingProxyType(tags), **kwargs)
