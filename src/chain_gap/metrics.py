"""Pure formulas behind the gap verdicts and the target ranking (``docs/formulas.md``, with worked numbers).

Every function here takes plain numbers, mappings, numpy arrays or pandas objects and returns
numbers, dicts or pandas objects. Nothing reads the graph, nothing prints, nothing keeps state, so
each formula can be checked from outside on any numbers.

Units. The functions receive *activity* already aggregated by the caller: a firm count, revenue
or registered capital per (region, link). They are unit-free (ratios, shares, indices) except
where stated: the confidence interval of :func:`location_quotient` is only a confidence interval
when the activity is a **count** of firms (its variance is the Poisson/binomial one); with revenue
its width depends on the currency unit. The caller that knows the variable (``chain_gap.gaps``)
must record which one it used next to every result.

Bad input (negative counts, NaN in a matrix, unknown labels, cycles in a bill of materials) raises
:class:`MetricInputError`, a :class:`ValueError`, with a one-line message that names the argument
and the offending label. Degenerate but legitimate inputs (zero totals, empty inputs, a region that
holds all of a link) return documented ``0`` / ``inf`` / ``NaN`` values instead of raising.

Index (the section names of docs/formulas.md)
-----
- location quotient with a confidence interval: :func:`location_quotient` (LQ, rest-of-nation LQ*)
- coverage and gap score :func:`template_coverage`; chain completeness :func:`completeness`
- concentration: :func:`hhi`, :func:`concentration_flags`
- cascade loss and resilience gain: :func:`cascade_loss`, :func:`resilience_gain`
- relatedness density: :func:`rca`, :func:`proximity`, :func:`density`; complexity :func:`complexity`
- firm quality: :func:`entropy_weights`, :func:`topsis`
- anchor-firm pull: :func:`anchor_pull`
- link priority and target score: :func:`link_priority`, :func:`target_score`
- supplier fit: :func:`supplier_fit`
"""

from __future__ import annotations

import graphlib
import math
import warnings
from collections.abc import Hashable, Iterable, Mapping
from statistics import NormalDist
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from chain_gap.errors import ChainGapError

__all__ = [
    "DEFAULT_PRIORITY_WEIGHTS",
    "LQResult",
    "MetricInputError",
    "SmallSampleWarning",
    "anchor_pull",
    "cascade_loss",
    "completeness",
    "complexity",
    "concentration_flags",
    "density",
    "entropy_weights",
    "hhi",
    "link_priority",
    "location_quotient",
    "proximity",
    "rca",
    "resilience_gain",
    "supplier_fit",
    "target_score",
    "template_coverage",
    "topsis",
]

#: Default weights of the link priority (M9): feasibility first, then the size of the gap.
DEFAULT_PRIORITY_WEIGHTS: dict[str, float] = {"density": 0.4, "pci": 0.2, "cog": 0.1, "gap": 0.3}

# Relative slack allowed on accounting identities (e <= E_r, ...) and on the RCA >= 1 test,
# so that totals recomputed from floats do not trip the checks.
_REL_TOL = 1e-9


class MetricInputError(ChainGapError, ValueError):
    """Input a formula cannot use (negative activity, NaN, unknown labels, a cyclic BOM...)."""

    default_code = "metric-input"


class SmallSampleWarning(UserWarning):
    """Economic-complexity measures computed on too few regions to be stable."""


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _as_float_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float ndarray; pandas nullable missing values become NaN."""
    try:
        if isinstance(value, (pd.Series, pd.Index, pd.DataFrame)):
            return value.to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        shown = f"columns {list(value.columns)}" if isinstance(value, pd.DataFrame) else repr(value)[:80]
        raise MetricInputError(f"{name}: expected numbers ({exc}); got {shown}") from exc


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Elementwise ``num / den`` with ``x / 0 = 0`` (used where 0/0 is defined as 0)."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.zeros(num.shape, dtype=float)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _mapping(obj: Mapping[Any, Any] | pd.Series | None, name: str) -> dict[Any, Any]:
    """A dict from a mapping or a Series (None gives an empty dict)."""
    if obj is None:
        return {}
    if isinstance(obj, pd.Series):
        if not obj.index.is_unique:
            dup = obj.index[obj.index.duplicated()][0]
            raise MetricInputError(f"{name}: duplicate label {dup!r}")
        return dict(obj.items())
    if isinstance(obj, Mapping):
        return dict(obj)
    raise MetricInputError(f"{name}: expected a mapping or a pandas Series, got {type(obj).__name__}")


def _number(value: Any, name: str, label: Any, *, allow_nan: bool = False) -> float:
    """One non-negative float, with an error naming the argument and the label."""
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise MetricInputError(f"{name}[{label!r}]: not a number ({value!r})") from exc
    if math.isnan(x):
        if allow_nan:
            return x
        raise MetricInputError(f"{name}[{label!r}]: missing value (NaN)")
    if x < 0:
        raise MetricInputError(f"{name}[{label!r}]: negative value {x}")
    return x


def _nonneg_frame(frame: pd.DataFrame, name: str) -> np.ndarray:
    """The values of a regions × links (or firms × criteria) frame, checked finite and >= 0."""
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    arr = _as_float_array(frame, name)
    if arr.ndim != 2:
        raise MetricInputError(f"{name}: expected a 2-D table, got {arr.ndim} dimensions")
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise MetricInputError(
            f"{name}: missing or infinite value at row {frame.index[i]!r}, column "
            f"{frame.columns[j]!r} (fill absent activity with 0)"
        )
    if (arr < 0).any():
        i, j = np.argwhere(arr < 0)[0]
        raise MetricInputError(
            f"{name}: negative value {arr[i, j]} at row {frame.index[i]!r}, column {frame.columns[j]!r}"
        )
    return arr


def _as_list(items: Any) -> list[Any]:
    """A collection as a list; a bare string is one item, not a sequence of characters."""
    if items is None:
        return []
    if isinstance(items, (str, bytes)):
        return [items]
    return list(items)


# --------------------------------------------------------------------------------------------
# M1 location quotient
# --------------------------------------------------------------------------------------------
class LQResult(NamedTuple):
    """Location quotient with the rest-of-nation variant and its confidence interval.

    Fields are floats for scalar input and ndarrays (broadcast shape of the inputs) otherwise.
    """

    lq: Any
    lq_star: Any
    ci_low: Any
    ci_high: Any


def location_quotient(
    local: Any,
    region_total: Any,
    link_total: Any,
    national_total: Any,
    level: float = 0.95,
) -> LQResult:
    """Location quotient of a link in a region, with a rest-of-nation reference and an interval (M1).

    ``LQ = (e / E_r) / (E_p / E)`` compares the region's share of activity in link ``p`` with the
    national share. Because a large region is part of its own reference, ``LQ*`` removes it:
    ``LQ* = (e / E_r) / ((E_p - e) / (E - E_r))``. The interval is log-normal,
    ``exp(ln LQ* ± z sqrt(1/e - 1/E_r + 1/(E_p - e) - 1/(E - E_r)))``, so a handful of firms
    never yields a confident "specialised" verdict.

    Parameters
    ----------
    local : number or array-like
        ``e``, activity of the link in the region.
    region_total : number or array-like
        ``E_r``, activity of the region over all links of the reference set.
    link_total : number or array-like
        ``E_p``, national activity of the link.
    national_total : number or array-like
        ``E``, national activity over all links.
    level : float, default 0.95
        Two-sided confidence level; ``z = Φ⁻¹(0.5 + level / 2)`` (1.959964 for 0.95).

    Returns
    -------
    LQResult
        ``(lq, lq_star, ci_low, ci_high)``; floats for scalar inputs, ndarrays of the broadcast
        shape when any argument is an array or a pandas Series (positional, index not kept).

    Notes
    -----
    Units: any non-negative activity, but the interval assumes **counts** (firm numbers); for
    revenue or capital it is not a confidence interval. Degenerate cases, never an exception:

    - ``e = 0``: ``lq = lq_star = 0`` and ``ci_low = ci_high = NaN`` (the link is absent; there is
      no interval), whatever the totals, including all-zero totals.
    - ``E_p - e = 0`` with ``E - E_r > 0`` (the region holds all of the link nationally):
      ``lq_star = inf`` and the interval is ``NaN`` (its variance is infinite).
    - ``E - E_r = 0`` (the region is the whole reference): ``lq = 1`` and ``lq_star = NaN`` and
      the interval ``NaN`` (there is no rest of the nation to compare with).
    - NaN in any input gives NaN outputs for that element.

    Raises
    ------
    MetricInputError
        On a negative input, a level outside (0, 1), or totals that contradict each other
        (``e > E_r``, ``e > E_p``, ``E_r > E`` or ``E_p > E``, beyond a 1e-9 relative slack).
    """
    if not 0.0 < float(level) < 1.0:
        raise MetricInputError(f"level: must be strictly between 0 and 1, got {level!r}")
    z = NormalDist().inv_cdf(0.5 + float(level) / 2.0)
    raw = (local, region_total, link_total, national_total)
    names = ("local", "region_total", "link_total", "national_total")
    scalar = all(np.ndim(a) == 0 and not isinstance(a, (pd.Series, pd.Index)) for a in raw)
    arrays = [_as_float_array(a, n) for a, n in zip(raw, names)]
    try:
        e, er, ep, tot = np.broadcast_arrays(*arrays)
    except ValueError as exc:
        raise MetricInputError(f"location_quotient: input shapes do not broadcast ({exc})") from exc

    for arr, n in zip((e, er, ep, tot), names):
        if (arr < 0).any():
            raise MetricInputError(f"{n}: negative activity {arr[arr < 0].flat[0]}")

    def _check(small: np.ndarray, big: np.ndarray, msg: str) -> None:
        if (small > big * (1 + _REL_TOL) + 1e-12).any():
            idx = np.argwhere(small > big * (1 + _REL_TOL) + 1e-12)[0]
            raise MetricInputError(
                f"location_quotient: {msg} at position {tuple(int(i) for i in idx)} "
                f"({small[tuple(idx)]} > {big[tuple(idx)]})"
            )

    _check(e, er, "local exceeds region_total")
    _check(e, ep, "local exceeds link_total")
    _check(er, tot, "region_total exceeds national_total")
    _check(ep, tot, "link_total exceeds national_total")

    nan = np.isnan(e) | np.isnan(er) | np.isnan(ep) | np.isnan(tot)
    pos = (e > 0) & ~nan
    rest_p = np.clip(ep - e, 0.0, None)  # rest-of-nation activity in the link
    rest_t = np.clip(tot - er, 0.0, None)  # rest-of-nation activity overall

    with np.errstate(divide="ignore", invalid="ignore"):
        lq = np.where(pos, (e * tot) / (er * ep), 0.0)
        star = np.where(
            pos & (rest_t > 0),
            np.where(rest_p > 0, (e * rest_t) / (er * rest_p), np.inf),
            np.where(pos, np.nan, 0.0),
        )
        ok = pos & (rest_p > 0) & (rest_t > 0)
        var = np.where(ok, 1.0 / e - 1.0 / er + 1.0 / rest_p - 1.0 / rest_t, np.nan)
        half = z * np.sqrt(np.clip(var, 0.0, None))
        log_star = np.log(np.where(ok, star, 1.0))
        lo = np.where(ok, np.exp(log_star - half), np.nan)
        hi = np.where(ok, np.exp(log_star + half), np.nan)
    lq = np.where(nan, np.nan, lq)
    star = np.where(nan, np.nan, star)

    if scalar:
        return LQResult(float(lq), float(star), float(lo), float(hi))
    return LQResult(lq, star, lo, hi)


# --------------------------------------------------------------------------------------------
# M2, M3 template coverage and completeness
# --------------------------------------------------------------------------------------------
def template_coverage(
    weights: Mapping[Hashable, float] | pd.Series,
    lq: Mapping[Hashable, float] | pd.Series,
) -> tuple[float, dict[Hashable, float]]:
    """Weighted share of a chain template the region covers, and the gap of each link (M2).

    ``Coverage = Σ_i w_i · 1[LQ_i >= 1]`` and ``Gap_i = w_i · (1 - min(LQ_i, 1))``: a link counts
    as covered only when the region is at least as specialised in it as the nation, and the gap of
    a weak link shrinks with its LQ.

    Parameters
    ----------
    weights : mapping or Series
        Template weight per link (the chain template's leaf weights; need not sum to 1).
    lq : mapping or Series
        Location quotient per link (pass ``lq_star`` or ``ci_low`` for a conservative reading).
        A template link absent from ``lq`` has no local activity: its LQ is taken as 0.
        Links in ``lq`` but not in ``weights`` are ignored (they belong to another template).

    Returns
    -------
    coverage : float
        Between 0 and ``Σ w``; 0.0 for an empty template.
    gaps : dict
        Link → gap, only for links with a gap > 0, in template order.

    Raises
    ------
    MetricInputError
        A negative or NaN weight, or a negative / NaN LQ.
    """
    w = _mapping(weights, "weights")
    q = _mapping(lq, "lq")
    coverage = 0.0
    gaps: dict[Hashable, float] = {}
    for link, wi in w.items():
        wv = _number(wi, "weights", link)
        lv = _number(q.get(link, 0.0), "lq", link)
        if lv >= 1.0:
            coverage += wv
        gap = wv * (1.0 - min(lv, 1.0))
        if gap > 0:
            gaps[link] = gap
    return coverage, gaps


def completeness(
    weights: Mapping[Hashable, float] | pd.Series,
    n_firms: Mapping[Hashable, float] | pd.Series,
    supply_ratio: Mapping[Hashable, float] | pd.Series,
) -> tuple[float, float, float]:
    """Chain completeness triple: link count, weighted presence and weighted self-supply (M3).

    - ``C = #links with >= 1 local firm / #links`` (what a poster shows),
    - ``WC = Σ_s w_s · 1[n_s > 0]`` (presence weighted by the template),
    - ``SC = Σ_s w_s · min(1, r_s)`` with ``r_s`` = local supply / local demand of link ``s``
      (one firm in a link that the local chain needs ten times over is not "complete").

    Parameters
    ----------
    weights : mapping or Series
        Template weight per link; its keys define the links of the chain.
    n_firms : mapping or Series
        Local firm count per link. A template link missing here has 0 firms (the natural output of
        a ``groupby(...).size()``).
    supply_ratio : mapping or Series
        Local supply / local demand per link, same unit for both (value or quantity). Missing or
        NaN (no demand measured) counts as 0: unknown supply is not credited.

    Returns
    -------
    (c, wc, sc) : tuple of float
        ``c`` is NaN for an empty template (0/0); ``wc`` and ``sc`` are then 0.0.

    Raises
    ------
    MetricInputError
        A negative or NaN weight or firm count, or a negative ratio.
    """
    w = _mapping(weights, "weights")
    n = _mapping(n_firms, "n_firms")
    r = _mapping(supply_ratio, "supply_ratio")
    present = wc = sc = 0.0
    for link, wi in w.items():
        wv = _number(wi, "weights", link)
        nv = _number(n.get(link, 0), "n_firms", link)
        rv = _number(r.get(link, 0.0), "supply_ratio", link, allow_nan=True)
        if nv > 0:
            present += 1
            wc += wv
        if not math.isnan(rv):
            sc += wv * min(1.0, rv)
    c = present / len(w) if w else float("nan")
    return c, wc, sc


# --------------------------------------------------------------------------------------------
# M4 concentration
# --------------------------------------------------------------------------------------------
def _sizes(sizes: Iterable[float] | pd.Series | np.ndarray) -> np.ndarray:
    if isinstance(sizes, Mapping):
        sizes = list(sizes.values())
    elif not isinstance(sizes, (np.ndarray, pd.Series)):
        sizes = list(sizes)
    arr = _as_float_array(sizes, "sizes")
    arr = arr.ravel()
    if np.isnan(arr).any():
        raise MetricInputError(f"sizes: missing value (NaN) at position {int(np.argmax(np.isnan(arr)))}")
    if (arr < 0).any():
        raise MetricInputError(f"sizes: negative size {arr[arr < 0][0]}")
    if np.isinf(arr).any():
        raise MetricInputError("sizes: infinite size")
    return arr


def hhi(sizes: Iterable[float] | pd.Series | np.ndarray) -> float:
    """Herfindahl–Hirschman index of the local firms of one link (M4).

    ``HHI = Σ_f (size_f / Σ size)²``, between ``1/n`` (equal firms) and 1 (one firm).

    Parameters
    ----------
    sizes : iterable of float, pandas.Series or numpy.ndarray
        One non-negative size per local firm (revenue, capital, employees: say which); a Series
        may be indexed by firm.

    Returns
    -------
    float
        NaN when there is no firm, or when every size is 0 (shares undefined).
    """
    arr = _sizes(sizes)
    total = arr.sum()
    if arr.size == 0 or total <= 0:
        return float("nan")
    shares = arr / total
    return float(np.sum(shares * shares))


def concentration_flags(sizes: Iterable[float] | pd.Series | np.ndarray, threshold: float = 0.4) -> dict[str, Any]:
    """HHI with the "concentrated" and "single firm" flags of a link (M4).

    Parameters
    ----------
    sizes : iterable of float, pandas.Series or numpy.ndarray
        One non-negative size per local firm, as in :func:`hhi`.
    threshold : float
        HHI above which the link counts as concentrated.

    Returns
    -------
    dict
        ``hhi`` (float, NaN as in :func:`hhi`), ``n`` (number of firms), ``concentrated``
        (``hhi > threshold``; False when the HHI is NaN) and ``single_firm`` (``n == 1``).
    """
    arr = _sizes(sizes)
    h = hhi(arr)
    return {
        "hhi": h,
        "n": int(arr.size),
        "concentrated": bool(not math.isnan(h) and h > threshold),
        "single_firm": bool(arr.size == 1),
    }


# --------------------------------------------------------------------------------------------
# M5 cascade loss on an AND/OR bill of materials
# --------------------------------------------------------------------------------------------
class _NewMaker:
    """Sentinel for the hypothetical extra maker of :func:`resilience_gain`."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<new maker>"


_NOBODY = _NewMaker()  # "no firm failed" (compares unequal to every firm id)


def _bom(
    needs: Mapping[Hashable, Iterable[Hashable]],
    makers: Mapping[Hashable, Iterable[Hashable]],
    values: Mapping[Hashable, float],
) -> tuple[list[Hashable], dict[Hashable, list[Hashable]], dict[Hashable, set[Any]], dict[Hashable, float], list[Any]]:
    """Products in dependency order, inputs, maker sets, values and firms (first-seen order)."""
    need = {p: _as_list(v) for p, v in _mapping(needs, "needs").items()}
    make = {p: _as_list(v) for p, v in _mapping(makers, "makers").items()}
    vals = {p: _number(v, "values", p) for p, v in _mapping(values, "values").items()}
    products: dict[Hashable, None] = {}
    for p in list(vals) + list(make) + list(need):
        products.setdefault(p, None)
    for inputs in need.values():
        for q in inputs:
            products.setdefault(q, None)
    sorter = graphlib.TopologicalSorter({p: need.get(p, []) for p in products})
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as exc:
        cycle = " → ".join(map(str, exc.args[1]))
        raise MetricInputError(f"needs: the bill of materials has a cycle ({cycle})") from exc
    firms: dict[Any, None] = {}
    for ms in make.values():
        for f in ms:
            firms.setdefault(f, None)
    maker_sets = {p: set(ms) for p, ms in make.items()}
    return order, {p: need.get(p, []) for p in order}, maker_sets, vals, list(firms)


def _available(
    order: list[Hashable],
    need: dict[Hashable, list[Hashable]],
    maker_sets: dict[Hashable, set[Any]],
    failed: Any = _NOBODY,
) -> dict[Hashable, bool]:
    avail: dict[Hashable, bool] = {}
    for p in order:
        ms = maker_sets.get(p)
        ok = True if ms is None else any(f != failed for f in ms)
        avail[p] = ok and all(avail[q] for q in need[p])
    return avail


def _losses(
    order: list[Hashable],
    need: dict[Hashable, list[Hashable]],
    maker_sets: dict[Hashable, set[Any]],
    vals: dict[Hashable, float],
    firms: list[Any],
) -> dict[Any, float]:
    total = sum(vals.values())
    base = _available(order, need, maker_sets)
    # Only a firm that is the sole maker of some product can make anything unavailable.
    sole = {next(iter(ms)) for ms in maker_sets.values() if len(ms) == 1}
    out: dict[Any, float] = {}
    for f in firms:
        if f not in sole or total <= 0:
            out[f] = 0.0
            continue
        after = _available(order, need, maker_sets, failed=f)
        lost = sum(vals.get(p, 0.0) for p in order if base[p] and not after[p])
        out[f] = lost / total
    return out


def cascade_loss(
    needs: Mapping[Hashable, Iterable[Hashable]],
    makers: Mapping[Hashable, Iterable[Hashable]],
    values: Mapping[Hashable, float],
) -> dict[Any, float]:
    """Share of the local chain's value lost when one firm fails (M5).

    A product is available iff at least one of its makers survives AND every required input is
    available (AND over inputs, OR over makers), evaluated recursively along the bill of materials.
    ``Loss(f) = Σ value of products available now and lost when f fails / Σ value of all products``.
    This catches the sole upstream maker that betweenness or articulation points miss.

    Parameters
    ----------
    needs : mapping
        Product → required input products (a DAG).
    makers : mapping
        Product → firms that make it locally. **Decision:** a product that is *not a key* of
        ``makers`` is an exogenous input (bought on the market, outside the modelled firms): it
        never fails on its own and is available iff its inputs are. A product listed with an
        *empty* collection has no maker: it is unavailable, and so is everything that needs it.
    values : mapping
        Product → value (same unit for all, e.g. 万元 of annual output). Products missing here
        are worth 0 but still gate their downstream products.

    Returns
    -------
    dict
        Firm → loss share in [0, 1], for every firm in ``makers`` (first-seen order). All 0.0
        when the total value is 0.

    Raises
    ------
    MetricInputError
        A cycle in ``needs`` or a negative / NaN value.
    """
    order, need, maker_sets, vals, firms = _bom(needs, makers, values)
    return _losses(order, need, maker_sets, vals, firms)


def resilience_gain(
    needs: Mapping[Hashable, Iterable[Hashable]],
    makers: Mapping[Hashable, Iterable[Hashable]],
    values: Mapping[Hashable, float],
) -> dict[Hashable, float]:
    """Drop in total cascade loss from attracting one more maker of each product (M5).

    ``gain(p) = Σ_f Loss(f) − Σ_f Loss'(f)`` where ``Loss'`` is computed with one hypothetical new
    firm added to the makers of ``p`` (the new firm's own loss is included in the sum). This is the
    "强链" value of a second supplier.

    Parameters
    ----------
    needs, makers, values
        As in :func:`cascade_loss`.

    Returns
    -------
    dict
        Product → gain, for every product that is a key of ``makers`` (exogenous products have no
        makers to add to). For a product with no maker yet, the new firm makes it available but is
        then its single point of failure, so the gain is ≤ 0: judge missing links with the gap
        metrics, not with this one.
    """
    order, need, maker_sets, vals, firms = _bom(needs, makers, values)
    baseline = sum(_losses(order, need, maker_sets, vals, firms).values())
    out: dict[Hashable, float] = {}
    for p in maker_sets:
        new = _NewMaker()
        trial = dict(maker_sets)
        trial[p] = maker_sets[p] | {new}
        after = sum(_losses(order, need, trial, vals, firms + [new]).values())
        out[p] = baseline - after
    return out


# --------------------------------------------------------------------------------------------
# M6 relatedness density and the Atlas complexity measures
# --------------------------------------------------------------------------------------------
def _rca_array(x: np.ndarray) -> np.ndarray:
    row = x.sum(axis=1, keepdims=True)
    col = x.sum(axis=0, keepdims=True)
    tot = x.sum()
    return _safe_div(x * tot, row * col)


def _presence(x: np.ndarray) -> np.ndarray:
    return (_rca_array(x) >= 1.0 - _REL_TOL).astype(float)


def _proximity_array(m: np.ndarray) -> np.ndarray:
    co = m.T @ m
    ubiq = np.diag(co).copy()
    phi = _safe_div(co, np.maximum.outer(ubiq, ubiq))
    np.fill_diagonal(phi, 0.0)
    return phi


def _density_array(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    return _safe_div(m @ phi, phi.sum(axis=0, keepdims=True))


def rca(activity: pd.DataFrame) -> pd.DataFrame:
    """Revealed comparative advantage (Balassa) of each region in each link (M6).

    ``RCA_rp = (x_rp / x_r·) / (x_·p / x_··)``; 0/0 (a region or link with no activity) is 0.

    Parameters
    ----------
    activity : pandas.DataFrame
        Regions (index) × links (columns), non-negative activity (firm count, revenue...), no NaN:
        fill absent combinations with 0.

    Returns
    -------
    pandas.DataFrame
        RCA, same index and columns as ``activity``.
    """
    x = _nonneg_frame(activity, "activity")
    return pd.DataFrame(_rca_array(x), index=activity.index, columns=activity.columns)


def proximity(activity: pd.DataFrame) -> pd.DataFrame:
    """Proximity between links from co-presence across regions (M6).

    ``φ_pq = |{r: M_rp = M_rq = 1}| / max(ubiquity_p, ubiquity_q)`` with ``M = 1[RCA >= 1]``;
    the diagonal is 0 and 0/0 (a link present nowhere) is 0.

    Parameters
    ----------
    activity : pandas.DataFrame
        Regions × links, as in :func:`rca`.

    Returns
    -------
    pandas.DataFrame
        Links × links, symmetric, values in [0, 1].
    """
    m = _presence(_nonneg_frame(activity, "activity"))
    return pd.DataFrame(_proximity_array(m), index=activity.columns, columns=activity.columns)


def density(activity: pd.DataFrame) -> pd.DataFrame:
    """Relatedness density: how close a region's present links are to each link (M6).

    ``ω_rp = Σ_q M_rq φ_qp / Σ_q φ_qp``, in [0, 1]; 0 for a link with no proximity to any other.
    A high density for an absent link means the region already does related things, so entering
    it is feasible.

    Parameters
    ----------
    activity : DataFrame
        Regions × links, as in :func:`rca`.

    Returns
    -------
    DataFrame
        Regions × links, same labels as ``activity``.
    """
    m = _presence(_nonneg_frame(activity, "activity"))
    om = _density_array(m, _proximity_array(m))
    return pd.DataFrame(om, index=activity.index, columns=activity.columns)


def _eci_pci(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ECI per region and PCI per link (NaN where undefined), Growth Lab normalisation."""
    n_r, n_p = m.shape
    eci = np.full(n_r, np.nan)
    pci = np.full(n_p, np.nan)
    div = m.sum(axis=1)
    ubi = m.sum(axis=0)
    rows, cols = div > 0, ubi > 0
    sub = m[np.ix_(rows, cols)]
    if sub.shape[0] < 2 or sub.shape[1] < 2:
        return eci, pci
    d, u = sub.sum(axis=1), sub.sum(axis=0)
    # M̃^P = U⁻¹ Mᵀ D⁻¹ M is similar to the symmetric S = U^-½ Mᵀ D⁻¹ M U^-½: use eigh on S.
    inv_sqrt_u = 1.0 / np.sqrt(u)
    s = (sub * inv_sqrt_u).T @ ((sub * inv_sqrt_u) / d[:, None])
    vals, vecs = np.linalg.eigh((s + s.T) / 2.0)
    if vals[-1] - vals[-2] < 1e-9:
        # Largest eigenvalue (1) repeated: the region–link network falls apart into separate
        # blocks and the "second" eigenvector is an arbitrary mix of block indicators.
        warnings.warn(
            "the region–link presence network is disconnected: ECI, PCI and COG are undefined (NaN)",
            UserWarning,
            stacklevel=3,
        )
        return eci, pci
    q = vecs[:, -2] * inv_sqrt_u  # eigenvector of M̃^P for the second largest eigenvalue
    k = (sub @ q) / d  # K = D⁻¹ M Q: eigenvector of M̃ = D⁻¹ M U⁻¹ Mᵀ, same eigenvalue
    sign = np.sign(np.corrcoef(k, d)[0, 1]) if np.std(k) > 0 and np.std(d) > 0 else 0.0
    if sign == 0 or np.isnan(sign):
        sign = -np.sign(np.corrcoef(q, u)[0, 1]) if np.std(q) > 0 and np.std(u) > 0 else 1.0
        sign = 1.0 if sign == 0 or np.isnan(sign) else sign
    k, q = sign * k, sign * q
    mu, sd = k.mean(), k.std()  # population sd (ddof = 0)
    if not sd > 1e-12 * max(1.0, abs(mu)):
        return eci, pci
    eci[rows] = (k - mu) / sd
    pci[cols] = (q - mu) / sd
    return eci, pci


def complexity(activity: pd.DataFrame) -> pd.DataFrame:
    """ECI, PCI, complexity outlook gain and density per (region, link), Atlas conventions.

    - Presence ``M_rp = 1[RCA_rp >= 1]``; diversity ``D_r = Σ_p M_rp``, ubiquity ``U_p = Σ_r M_rp``.
    - ``K``: eigenvector of ``M̃ = D⁻¹ M U⁻¹ Mᵀ`` for its second largest eigenvalue (the method of
      reflections converges to it). It is computed as ``K = D⁻¹ M Q`` from ``Q``, the eigenvector
      of ``M̃ᴾ = U⁻¹ Mᵀ D⁻¹ M`` with the same eigenvalue, which fixes the relative scale of
      ``K`` and ``Q`` as the Growth Lab ``ecomplexity`` packages do.
    - Sign: flipped so that ``corr(K, D) > 0`` (more diverse regions are more complex).
    - ``ECI = (K − mean K) / sd K`` and ``PCI = (Q − mean K) / sd K`` (PCI standardised with ECI's
      mean and population standard deviation, so both live on one scale).
    - ``COG_rp = Σ_q (φ_pq / Σ_p' φ_p'q) (1 − M_rq) PCI_q``: entering ``p`` raises the density of
      each absent link ``q`` by ``φ_pq / Σ_p' φ_p'q``, weighted by that link's complexity. The
      normalising sum runs over the *summed* link ``q``'s column of φ (the Atlas definition, as in
      ``ecomplexity``'s ``coicog``). Computed with the standardised PCI; reported for every cell,
      including links already present (the Atlas tables show 0 there: mask with ``present``).
    - ``density`` is :func:`density` (M6).

    Regions with no present link get ``eci`` NaN, links present nowhere get ``pci`` NaN; with
    fewer than two such regions or links, a constant ``K`` (every region alike), or a
    disconnected presence network (the top eigenvalue repeated, so the second eigenvector is
    arbitrary; a UserWarning says so), ``eci``, ``pci`` and ``cog`` are NaN for every row.

    Parameters
    ----------
    activity : DataFrame
        Regions × links, non-negative activity, no NaN (see :func:`rca`).

    Returns
    -------
    DataFrame
        Long format, one row per (region, link) in region-major order, columns
        ``region, link, eci, pci, cog, density, present`` (``present`` is ``M_rp`` as bool).

    Warns
    -----
    SmallSampleWarning
        With fewer than 50 regions the eigenvector is unstable; read ECI / PCI / COG as
        indicative only.
    """
    x = _nonneg_frame(activity, "activity")
    n_r, n_p = x.shape
    if n_r < 50:
        warnings.warn(
            f"complexity measures computed on {n_r} regions (< 50): ECI, PCI and COG are unstable",
            SmallSampleWarning,
            stacklevel=2,
        )
    m = _presence(x)
    phi = _proximity_array(m)
    om = _density_array(m, phi)
    eci, pci = _eci_pci(m)
    weight = _safe_div(phi, phi.sum(axis=0, keepdims=True))  # weight[p, q] = φ_pq / Σ_p' φ_p'q
    if np.isnan(pci).all():
        cog = np.full((n_r, n_p), np.nan)
    else:
        # Links with NaN PCI are present nowhere, so φ_pq = 0 for them: their term is 0.
        cog = ((1.0 - m) * np.nan_to_num(pci)) @ weight.T
    return pd.DataFrame(
        {
            "region": np.repeat(np.asarray(activity.index, dtype=object), n_p),
            "link": np.tile(np.asarray(activity.columns, dtype=object), n_r),
            "eci": np.repeat(eci, n_p),
            "pci": np.tile(pci, n_r),
            "cog": cog.ravel(),
            "density": om.ravel(),
            "present": m.ravel().astype(bool),
        }
    )


# --------------------------------------------------------------------------------------------
# M7 entropy-weight TOPSIS
# --------------------------------------------------------------------------------------------
def entropy_weights(X: pd.DataFrame) -> pd.Series:
    """Entropy weights of benefit criteria: columns that separate the firms weigh more (M7).

    ``p_ij = x_ij / Σ_i x_ij``, ``e_j = −Σ_i p_ij ln p_ij / ln n`` (``0 ln 0 = 0``),
    ``w_j = (1 − e_j) / Σ_k (1 − e_k)``.

    A column that is all zero or constant carries no information (``e_j = 1``) and gets weight 0.
    When no column carries information (including a single row), the weights are equal ``1/m``.

    Parameters
    ----------
    X : DataFrame
        Firms × criteria, non-negative, no NaN.

    Returns
    -------
    Series
        Weight per column of ``X``, summing to 1 (empty when ``X`` has no column).
    """
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(X)
    a = _nonneg_frame(X, "X")
    n, m = a.shape
    if m == 0:
        return pd.Series([], index=X.columns, dtype=float, name="weight")
    if n <= 1:
        ent = np.ones(m)
    else:
        p = _safe_div(a, a.sum(axis=0, keepdims=True))
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        ent = -plogp.sum(axis=0) / math.log(n)
        ent[a.sum(axis=0) == 0] = 1.0
    div = 1.0 - ent
    div[div < 1e-12] = 0.0
    w = div / div.sum() if div.sum() > 0 else np.full(m, 1.0 / m)
    return pd.Series(w, index=X.columns, name="weight")


def topsis(X: pd.DataFrame, weights: Mapping[Hashable, float] | pd.Series | None = None) -> pd.Series:
    """Closeness of each firm to the ideal firm (entropy-weight TOPSIS, M7).

    Each column is vector-normalised (``x_ij / sqrt(Σ_i x_ij²)``, 0 for a zero column) and
    multiplied by its weight; ``D⁺`` and ``D⁻`` are Euclidean distances to the column-wise max
    (ideal) and min (anti-ideal); ``C_i = D⁻ / (D⁺ + D⁻)``. All columns are benefit criteria:
    transform cost criteria (e.g. distance) before calling.

    Parameters
    ----------
    X : DataFrame
        Firms (index) × criteria (columns), non-negative, no NaN.
    weights : mapping or Series, optional
        Column → non-negative weight, covering exactly the columns of ``X`` (scale is irrelevant).
        Default: :func:`entropy_weights`.

    Returns
    -------
    Series
        Closeness in [0, 1] per row of ``X`` (index kept). When no weighted criterion separates
        the firms (``D⁺ = D⁻ = 0``), the closeness is 0.5: the firm is as close to the ideal as to
        the anti-ideal.
    """
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(X)
    a = _nonneg_frame(X, "X")
    if weights is None:
        w = entropy_weights(X).to_numpy()
    else:
        wmap = _mapping(weights, "weights")
        missing = [c for c in X.columns if c not in wmap]
        extra = [k for k in wmap if k not in set(X.columns)]
        if missing or extra:
            raise MetricInputError(f"weights: must cover exactly the columns of X (missing {missing}, unknown {extra})")
        w = np.array([_number(wmap[c], "weights", c) for c in X.columns], dtype=float)
    norm = np.sqrt((a * a).sum(axis=0, keepdims=True))
    v = _safe_div(a, norm) * w
    if v.shape[0] == 0:
        return pd.Series([], index=X.index, dtype=float, name="topsis")
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    den = d_plus + d_minus
    c = np.where(den > 0, _safe_div(d_minus, den), 0.5)
    return pd.Series(np.clip(c, 0.0, 1.0), index=X.index, name="topsis")


# --------------------------------------------------------------------------------------------
# M8 anchor-firm pull
# --------------------------------------------------------------------------------------------
def anchor_pull(Z: pd.DataFrame, output: pd.Series | Mapping[Hashable, float]) -> pd.Series:
    """Local output each firm's final sales induce in the other local firms (链主 score, M8).

    Input coefficients ``A = Z diag(x)⁻¹`` (row seller, column buyer), Leontief inverse
    ``L = (I − A)⁻¹``, final (non-local-intermediate) sales ``f = x − Z 1`` and
    ``Pull_i = f_i (Σ_j L_ji − 1)``. Identity: ``Σ_i Pull_i = Σ Z`` (all intermediate sales are
    induced by some firm's final sales). The column sums of ``L`` are obtained by solving
    ``(I − A)ᵀ y = 1`` with :func:`numpy.linalg.solve` (no explicit inverse).

    Parameters
    ----------
    Z : DataFrame
        Local intermediate sales, seller (index) × buyer (columns), non-negative, in the unit of
        ``output`` (e.g. 万元 per year). Missing sellers / buyers of ``output`` are zero rows /
        columns; the labels of ``Z`` must all be firms of ``output``.
    output : Series or mapping
        Gross output ``x`` per firm, same unit.

    Returns
    -------
    Series
        Pull per firm, indexed like ``output``, named ``anchor_pull``, same unit as ``output``.

    Raises
    ------
    MetricInputError
        (a ValueError) on unknown labels, NaN or negative values, a firm that buys but has zero
        output, a firm whose local sales exceed its output (negative final sales), or a singular
        ``I − A`` (a closed loop of firms selling all their output to each other).
    """
    x = pd.Series(_mapping(output, "output"), dtype=float) if not isinstance(output, pd.Series) else output
    if not x.index.is_unique:
        raise MetricInputError(f"output: duplicate firm {x.index[x.index.duplicated()][0]!r}")
    xv = np.array([_number(v, "output", k) for k, v in x.items()], dtype=float)
    if not isinstance(Z, pd.DataFrame):
        raise MetricInputError(f"Z: expected a DataFrame seller × buyer, got {type(Z).__name__}")
    if not (Z.index.is_unique and Z.columns.is_unique):
        raise MetricInputError("Z: duplicate seller or buyer labels")
    known = set(x.index)
    unknown = [lab for lab in list(Z.index) + list(Z.columns) if lab not in known]
    if unknown:
        raise MetricInputError(f"Z: firm {unknown[0]!r} has no output (not in the output index)")
    _nonneg_frame(Z, "Z")
    z = _as_float_array(Z.reindex(index=x.index, columns=x.index, fill_value=0.0), "Z")
    n = len(xv)
    if n == 0:
        return pd.Series([], index=x.index, dtype=float, name="anchor_pull")
    buys = z.sum(axis=0)
    bad = (xv == 0) & (buys > 0)
    if bad.any():
        firm = x.index[int(np.argmax(bad))]
        raise MetricInputError(f"output[{firm!r}]: zero output but buys {buys[bad][0]} locally")
    final = xv - z.sum(axis=1)
    tol = 1e-9 * np.maximum(xv, 1.0)
    if (final < -tol).any():
        i = int(np.argmax(final < -tol))
        raise MetricInputError(f"Z: firm {x.index[i]!r} sells {z[i].sum()} locally, more than its output {xv[i]}")
    final = np.clip(final, 0.0, None)
    a = _safe_div(z, xv[None, :])
    lhs = (np.eye(n) - a).T
    try:
        if np.linalg.cond(lhs) > 1e12:
            raise np.linalg.LinAlgError("ill-conditioned")
        colsum = np.linalg.solve(lhs, np.ones(n))
    except np.linalg.LinAlgError as exc:
        raise MetricInputError(
            "anchor_pull: I − A is singular (some firms sell their whole output to each other in a "
            "closed loop); check Z and output"
        ) from exc
    return pd.Series(final * (colsum - 1.0), index=x.index, name="anchor_pull")


# --------------------------------------------------------------------------------------------
# M9 link priority and target score
# --------------------------------------------------------------------------------------------
def link_priority(features: pd.DataFrame, weights: Mapping[str, float] | pd.Series | None = None) -> pd.Series:
    """Priority of candidate links: ``Seg_s = Σ_k W_k · minmax_k(feature_k)`` (M9).

    ``minmax_k(v) = (v − min_k) / (max_k − min_k)`` over the candidate rows; a constant column's
    minmax is 0 (it does not separate the candidates). All features are "more is better":
    feasibility (``density``), complexity (``pci``), outlook gain (``cog``) and the ``gap`` score.

    Parameters
    ----------
    features : DataFrame
        One row per candidate link, with at least the columns named in ``weights``.
    weights : mapping, optional
        Column → weight; default :data:`DEFAULT_PRIORITY_WEIGHTS` ``{density .4, pci .2, cog .1,
        gap .3}``. Used as given (not re-normalised).

    Returns
    -------
    Series
        Priority per row, indexed like ``features``, named ``priority``.

    Raises
    ------
    MetricInputError
        A weighted column that is missing or has NaN / infinite values, or a negative weight.
    """
    w = _mapping(weights, "weights") if weights is not None else dict(DEFAULT_PRIORITY_WEIGHTS)
    missing = [k for k in w if k not in features.columns]
    if missing:
        raise MetricInputError(f"features: missing column(s) {missing} (have {list(features.columns)})")
    total = np.zeros(len(features), dtype=float)
    for col, wk in w.items():
        wv = _number(wk, "weights", col)
        v = _as_float_array(features[col], f"features[{col!r}]")
        if not np.isfinite(v).all():
            i = int(np.argmax(~np.isfinite(v)))
            raise MetricInputError(f"features[{col!r}]: missing or infinite value at row {features.index[i]!r}")
        if v.size == 0:
            continue
        span = v.max() - v.min()
        mm = (v - v.min()) / span if span > 0 else np.zeros_like(v)
        total += wv * mm
    return pd.Series(total, index=features.index, name="priority")


def target_score(
    priority: pd.Series | Mapping[Hashable, float],
    topsis: pd.Series | Mapping[Hashable, float],
    fit: pd.Series | Mapping[Hashable, float],
    alpha: float = 0.5,
) -> pd.Series:
    """Final target score per candidate firm (M9).

    ``Target(f) = Seg(s_f) · [α · TOPSIS_f + (1 − α) · Fit_f / max Fit]``: multiplicative, so a
    strong firm in a low-priority link cannot outrank a good firm in a priority link.

    Parameters
    ----------
    priority : Series or mapping
        Firm → priority of the firm's link (``link_priority`` mapped onto firms); defines the firms.
    topsis : Series or mapping
        Firm → TOPSIS closeness; must cover every firm of ``priority``.
    fit : Series or mapping
        Firm → fit to local buyers (e.g. the sum of :func:`supplier_fit` over its buyers). A firm
        missing here has fit 0. Normalised by the maximum over the firms of ``priority``; when that
        maximum is 0, the fit term is 0.
    alpha : float, default 0.5
        Weight of firm quality against fit, in [0, 1].

    Returns
    -------
    Series
        Score per firm, indexed like ``priority``, named ``target``.
    """
    if not 0.0 <= float(alpha) <= 1.0:
        raise MetricInputError(f"alpha: must be in [0, 1], got {alpha!r}")
    pr = _mapping(priority, "priority")
    tp = _mapping(topsis, "topsis")
    ft = _mapping(fit, "fit")
    firms = list(pr)
    missing = [f for f in firms if f not in tp]
    if missing:
        raise MetricInputError(f"topsis: no score for firm {missing[0]!r}")
    p = np.array([_number(pr[f], "priority", f) for f in firms], dtype=float)
    t = np.array([_number(tp[f], "topsis", f) for f in firms], dtype=float)
    fv = np.array([_number(ft.get(f, 0.0), "fit", f) for f in firms], dtype=float)
    top = fv.max() if fv.size else 0.0
    fit_term = fv / top if top > 0 else np.zeros_like(fv)
    score = p * (alpha * t + (1.0 - alpha) * fit_term)
    index = priority.index if isinstance(priority, pd.Series) else pd.Index(firms)
    return pd.Series(score, index=index, name="target")


# --------------------------------------------------------------------------------------------
# M10 supplier fit
# --------------------------------------------------------------------------------------------
def supplier_fit(edges: Iterable[tuple[Hashable, Hashable]] | pd.DataFrame) -> pd.Series:
    """Fit of each candidate supplier to each local buyer it does not yet supply (M10).

    ``fit(s, b) = Σ_{s' ∈ suppliers(b)} Jaccard(buyers(s), buyers(s'))``: a supplier fits a buyer
    when it sells to the same customers as the buyer's current suppliers. Link-prediction scores on
    the bipartite supplier–buyer graph (Jaccard, Adamic–Adar of networkx) are 0 for every such
    pair, because a supplier and a buyer never share neighbours; this score compares suppliers
    with suppliers instead.

    Parameters
    ----------
    edges : iterable of tuple or pandas.DataFrame
        Existing supply relations as ``(supplier, buyer)`` pairs; a DataFrame needs columns ``supplier`` and
        ``buyer``.
        Duplicates are counted once (the relation is binary).

    Returns
    -------
    Series
        Fit > 0 per non-existing pair (a firm never supplies itself), MultiIndex
        ``(supplier, buyer)``, named ``fit``, sorted by fit descending then labels.
    """
    if isinstance(edges, pd.DataFrame):
        missing = [c for c in ("supplier", "buyer") if c not in edges.columns]
        if missing:
            raise MetricInputError(f"edges: missing column(s) {missing}")
        pairs = list(zip(edges["supplier"].tolist(), edges["buyer"].tolist()))
    else:
        pairs = []
        for i, pair in enumerate(edges):
            try:
                s, b = pair
            except (TypeError, ValueError) as exc:
                raise MetricInputError(f"edges[{i}]: expected a (supplier, buyer) pair, got {pair!r}") from exc
            pairs.append((s, b))
    buyers_of: dict[Hashable, set[Hashable]] = {}
    suppliers_of: dict[Hashable, set[Hashable]] = {}
    for i, (s, b) in enumerate(pairs):
        for lab, role in ((s, "supplier"), (b, "buyer")):
            if lab is None or (isinstance(lab, float) and math.isnan(lab)) or lab is pd.NA:
                raise MetricInputError(f"edges row {i}: missing {role}")
        buyers_of.setdefault(s, set()).add(b)
        suppliers_of.setdefault(b, set()).add(s)

    # Jaccard between suppliers that share at least one buyer (others are 0).
    fit: dict[tuple[Hashable, Hashable], float] = {}
    for s, bs in buyers_of.items():
        peers: set[Hashable] = set()
        for b in bs:
            peers |= suppliers_of[b]
        peers.discard(s)
        for s2 in peers:
            b2 = buyers_of[s2]
            jac = len(bs & b2) / len(bs | b2)
            for b in b2 - bs:
                if b != s:
                    fit[(s, b)] = fit.get((s, b), 0.0) + jac
    index = (
        pd.MultiIndex.from_tuples(list(fit), names=["supplier", "buyer"])
        if fit
        else (pd.MultiIndex.from_arrays([[], []], names=["supplier", "buyer"]))
    )
    out = pd.Series(list(fit.values()), index=index, dtype=float, name="fit")
    if out.empty:
        return out
    order = sorted(range(len(out)), key=lambda i: (-out.iloc[i], str(out.index[i][0]), str(out.index[i][1])))
    return out.iloc[order]
