"""Tests of chain_gap.metrics: the ORACLES.md worked examples, properties and edge cases."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain_gap import metrics as m
from chain_gap.metrics import (
    LQResult,
    MetricInputError,
    SmallSampleWarning,
    anchor_pull,
    cascade_loss,
    completeness,
    complexity,
    concentration_flags,
    density,
    entropy_weights,
    hhi,
    link_priority,
    location_quotient,
    proximity,
    rca,
    resilience_gain,
    supplier_fit,
    target_score,
    template_coverage,
    topsis,
)

TOL = 1e-4
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------
# ORACLES.md fixtures
# ------------------------------------------------------------------------------------------
M2_WEIGHTS = {"cells": 0.30, "bms": 0.10, "motor": 0.15, "power_elec": 0.15, "assembly": 0.30}
M2_LQ = {"cells": 0.2, "bms": 0.0, "motor": 1.4, "power_elec": 0.8, "assembly": 2.5}

M3_W = {"cathode": 0.10, "cell": 0.25, "bms": 0.05, "motor": 0.15, "assembly": 0.45}
M3_N = {"cathode": 0, "cell": 1, "bms": 2, "motor": 3, "assembly": 1}
M3_R = {"cathode": 0, "cell": 0.3, "bms": 0.9, "motor": 1.2, "assembly": 1.0}

M5_NEEDS = {"car": ["battery", "motor"], "battery": ["cell", "bms"], "cell": ["cathode"]}
M5_MAKERS = {
    "cathode": ["F1"],
    "cell": ["F2", "F3"],
    "bms": ["F4"],
    "motor": ["F5", "F6"],
    "battery": ["F8"],
    "car": ["F7"],
}
M5_VALUES = {"car": 100, "battery": 40, "motor": 20, "cell": 25, "bms": 5, "cathode": 10}

M6_X = pd.DataFrame(
    [[40, 10, 30, 20], [10, 40, 10, 40], [20, 20, 20, 40], [30, 30, 40, 0]],
    index=list("ABCD"),
    columns=["p1", "p2", "p3", "p4"],
)
M7_X = pd.DataFrame(
    [[50, 30, 1], [20, 60, 8], [10, 10, 1]],
    index=["firm1", "firm2", "firm3"],
    columns=["revenue", "patents", "local_links"],
)
M8_Z = pd.DataFrame(
    [[0, 0, 0], [40, 0, 0], [0, 20, 0]],
    index=["OEM", "T1", "T2"],
    columns=["OEM", "T1", "T2"],
    dtype=float,
)
M8_X = pd.Series({"OEM": 100.0, "T1": 50.0, "T2": 25.0})
M9_FEATURES = pd.DataFrame(
    {
        "density": [0.60, 0.30, 0.45, 0.10],
        "pci": [0.2, 1.5, 0.9, 2.0],
        "cog": [0.1, 0.6, 0.3, 0.9],
        "gap": [0.24, 0.10, 0.03, 0.0],
    },
    index=list("abcd"),
)
M10_EDGES = [("S1", "B1"), ("S1", "B2"), ("S2", "B1"), ("S2", "B2"), ("S2", "B3"), ("S3", "B3"), ("S4", "B2")]
M10_FIT = {("S4", "B1"): 0.8333, ("S1", "B3"): 0.6667, ("S3", "B1"): 0.3333, ("S3", "B2"): 0.3333, ("S4", "B3"): 0.3333}


# ------------------------------------------------------------------------------------------
# M1
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "e, er, ep, tot, lq, lq_star, lo, hi",
    [
        (400, 10_000, 20_000, 1_000_000, 2.0000, 2.0204, 1.8336, 2.2262),
        (5, 200, 20_000, 1_000_000, 1.2500, 1.2501, 0.5260, 2.9707),
    ],
)
def test_m1_location_quotient_oracle(e, er, ep, tot, lq, lq_star, lo, hi):
    r = location_quotient(e, er, ep, tot)
    assert isinstance(r, LQResult)
    assert r.lq == pytest.approx(lq, abs=TOL)
    assert r.lq_star == pytest.approx(lq_star, abs=TOL)
    assert r.ci_low == pytest.approx(lo, abs=TOL)
    assert r.ci_high == pytest.approx(hi, abs=TOL)


def test_m1_small_region_interval_straddles_one():
    r = location_quotient(5, 200, 20_000, 1_000_000)
    assert r.ci_low < 1 < r.ci_high


def test_m1_level_changes_width():
    r95 = location_quotient(400, 10_000, 20_000, 1_000_000)
    r99 = location_quotient(400, 10_000, 20_000, 1_000_000, level=0.99)
    assert r99.ci_low < r95.ci_low and r99.ci_high > r95.ci_high
    with pytest.raises(MetricInputError, match="level"):
        location_quotient(1, 2, 3, 4, level=1.5)


def test_m1_vectorised_matches_scalar_and_keeps_shape():
    e = pd.Series([400, 5, 0], index=["x", "y", "z"])
    er = pd.Series([10_000, 200, 50], index=["x", "y", "z"])
    r = location_quotient(e, er, 20_000, 1_000_000)
    for field in r:
        assert isinstance(field, np.ndarray) and field.shape == (3,)
    for i in range(3):
        s = location_quotient(int(e.iloc[i]), int(er.iloc[i]), 20_000, 1_000_000)
        np.testing.assert_allclose([r.lq[i], r.lq_star[i]], [s.lq, s.lq_star])
        np.testing.assert_allclose([r.ci_low[i], r.ci_high[i]], [s.ci_low, s.ci_high], equal_nan=True)
    assert r.lq[2] == 0 and np.isnan(r.ci_low[2]) and np.isnan(r.ci_high[2])


def test_m1_zero_local_gives_zero_and_no_interval():
    r = location_quotient(0, 200, 20_000, 1_000_000)
    assert r.lq == 0 and r.lq_star == 0
    assert math.isnan(r.ci_low) and math.isnan(r.ci_high)
    r = location_quotient(0, 0, 0, 0)  # all-zero totals: no exception
    assert r.lq == 0 and r.lq_star == 0 and math.isnan(r.ci_low)


def test_m1_degenerate_denominators():
    # the region holds all of the link nationally: rest-of-nation share 0 -> LQ* inf, no interval
    r = location_quotient(3, 10, 3, 20)
    assert r.lq == pytest.approx(2.0) and math.isinf(r.lq_star)
    assert math.isnan(r.ci_low) and math.isnan(r.ci_high)
    # the region is the whole nation: LQ 1, no rest of nation -> LQ* NaN
    r = location_quotient(3, 10, 3, 10)
    assert r.lq == pytest.approx(1.0) and math.isnan(r.lq_star) and math.isnan(r.ci_high)
    # NaN input propagates instead of raising
    assert math.isnan(location_quotient(float("nan"), 10, 3, 20).lq)


@pytest.mark.parametrize(
    "args, msg",
    [
        ((-1, 10, 10, 100), "negative"),
        ((11, 10, 20, 100), "local exceeds region_total"),
        ((5, 10, 4, 100), "local exceeds link_total"),
        ((5, 200, 20, 100), "region_total exceeds"),
    ],
)
def test_m1_inconsistent_counts_raise(args, msg):
    with pytest.raises(MetricInputError, match=msg):
        location_quotient(*args)


@st.composite
def lq_counts(draw):
    e = draw(st.integers(1, 500))
    other_region = draw(st.integers(1, 5000))  # E_r - e > 0
    rest_link = draw(st.integers(1, 5000))  # E_p - e > 0
    rest_other = draw(st.integers(0, 50_000))
    er, ep = e + other_region, e + rest_link
    return e, er, ep, er + rest_link + rest_other


@PROPS
@given(lq_counts(), st.floats(1.5, 50))
def test_m1_interval_contains_lq_star_and_shrinks_with_counts(counts, k):
    r = location_quotient(*counts)
    assert r.ci_low <= r.lq_star <= r.ci_high
    big = location_quotient(*(c * k for c in counts))
    assert big.lq_star == pytest.approx(r.lq_star, rel=1e-9)
    assert big.ci_low <= big.lq_star <= big.ci_high
    assert big.ci_high - big.ci_low < r.ci_high - r.ci_low


# ------------------------------------------------------------------------------------------
# M2, M3
# ------------------------------------------------------------------------------------------
def test_m2_template_coverage_oracle():
    cov, gaps = template_coverage(M2_WEIGHTS, M2_LQ)
    assert cov == pytest.approx(0.45, abs=TOL)
    assert set(gaps) == {"cells", "bms", "power_elec"}
    assert gaps["cells"] == pytest.approx(0.24, abs=TOL)
    assert gaps["bms"] == pytest.approx(0.10, abs=TOL)
    assert gaps["power_elec"] == pytest.approx(0.03, abs=TOL)


def test_m2_accepts_series_and_missing_link_is_absent():
    cov, gaps = template_coverage(pd.Series(M2_WEIGHTS), pd.Series({"motor": 1.4, "assembly": 2.5}))
    assert cov == pytest.approx(0.45)
    assert gaps["power_elec"] == pytest.approx(0.15) and gaps["cells"] == pytest.approx(0.30)
    assert template_coverage({}, {}) == (0.0, {})
    with pytest.raises(MetricInputError, match="weights"):
        template_coverage({"a": -0.1}, {"a": 1})


@PROPS
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.tuples(st.floats(0, 1), st.floats(0, 5)), max_size=12))
def test_m2_coverage_bounded_by_weights(data):
    w = {k: v[0] for k, v in data.items()}
    lq = {k: v[1] for k, v in data.items()}
    cov, gaps = template_coverage(w, lq)
    assert 0 <= cov <= sum(w.values()) + 1e-12
    assert cov + sum(gaps.values()) <= sum(w.values()) + 1e-9
    assert all(g > 0 for g in gaps.values())


def test_m3_completeness_oracle():
    c, wc, sc = completeness(M3_W, M3_N, M3_R)
    assert (c, wc, sc) == pytest.approx((0.8, 0.9, 0.72), abs=TOL)


def test_m3_missing_counts_are_zero_and_empty_template():
    c, wc, sc = completeness(M3_W, pd.Series({"cell": 1, "assembly": 1}), {"assembly": float("nan")})
    assert c == pytest.approx(0.4) and wc == pytest.approx(0.70) and sc == 0.0
    c, wc, sc = completeness({}, {}, {})
    assert math.isnan(c) and wc == 0.0 and sc == 0.0


# ------------------------------------------------------------------------------------------
# M4
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes, h, concentrated, single",
    [([100], 1.0, True, True), ([30, 30], 0.5, True, False), ([50, 30, 20], 0.38, False, False)],
)
def test_m4_hhi_oracle(sizes, h, concentrated, single):
    assert hhi(sizes) == pytest.approx(h, abs=TOL)
    flags = concentration_flags(sizes)
    assert flags["hhi"] == pytest.approx(h, abs=TOL)
    assert flags["n"] == len(sizes)
    assert flags["concentrated"] is concentrated and flags["single_firm"] is single


def test_m4_edge_cases():
    assert math.isnan(hhi([]))
    assert math.isnan(hhi([0, 0]))
    assert concentration_flags([]) == {
        "hhi": pytest.approx(float("nan"), nan_ok=True),
        "n": 0,
        "concentrated": False,
        "single_firm": False,
    }
    assert concentration_flags([50, 30, 20], threshold=0.3)["concentrated"] is True
    assert hhi({"f1": 50, "f2": 30, "f3": 20}) == pytest.approx(0.38)  # mapping firm -> size
    with pytest.raises(MetricInputError, match="negative"):
        hhi([1, -1])
    with pytest.raises(MetricInputError, match="NaN"):
        hhi([1, float("nan")])


@PROPS
@given(st.lists(st.floats(0.001, 1e6), min_size=1, max_size=30))
def test_m4_hhi_between_one_over_n_and_one(sizes):
    h = hhi(np.array(sizes))
    assert 1 / len(sizes) - 1e-12 <= h <= 1 + 1e-12


# ------------------------------------------------------------------------------------------
# M5
# ------------------------------------------------------------------------------------------
M5_LOSS = {"F1": 0.875, "F4": 0.725, "F8": 0.700, "F7": 0.500, "F2": 0, "F3": 0, "F5": 0, "F6": 0}
M5_GAIN = {"cathode": 0.875, "bms": 0.725, "battery": 0.700, "car": 0.500, "cell": 0, "motor": 0}


@pytest.mark.parametrize("firm, loss", sorted(M5_LOSS.items()))
def test_m5_cascade_loss_oracle(firm, loss):
    assert cascade_loss(M5_NEEDS, M5_MAKERS, M5_VALUES)[firm] == pytest.approx(loss, abs=TOL)


def test_m5_baseline_total():
    out = cascade_loss(M5_NEEDS, M5_MAKERS, M5_VALUES)
    assert set(out) == set(M5_LOSS)
    assert sum(out.values()) == pytest.approx(2.8, abs=TOL)


@pytest.mark.parametrize("product, gain", sorted(M5_GAIN.items()))
def test_m5_resilience_gain_oracle(product, gain):
    assert resilience_gain(M5_NEEDS, M5_MAKERS, M5_VALUES)[product] == pytest.approx(gain, abs=TOL)


def test_m5_unlisted_product_is_exogenous_and_empty_makers_unavailable():
    needs = {"cell": ["lithium", "cathode"]}
    # lithium has no entry in makers: bought on the market, never fails, does not block cell
    out = cascade_loss(needs, {"cathode": ["F1"], "cell": ["F2"]}, {"cell": 30, "cathode": 10})
    assert out == {"F1": pytest.approx(1.0), "F2": pytest.approx(0.75)}
    # an explicitly empty maker set makes the product (and its users) unavailable already
    out = cascade_loss(needs, {"cathode": [], "cell": ["F2"]}, {"cell": 30, "cathode": 10})
    assert out == {"F2": 0.0}
    gain = resilience_gain(needs, {"cathode": [], "cell": ["F2"]}, {"cell": 30, "cathode": 10})
    assert gain["cathode"] < 0  # the first maker is a new single point of failure


def test_m5_edge_cases():
    assert cascade_loss({}, {}, {}) == {}
    assert resilience_gain({}, {}, {}) == {}
    assert cascade_loss({}, {"a": "F1"}, {"a": 0}) == {"F1": 0.0}  # a string is one firm
    with pytest.raises(MetricInputError, match="cycle"):
        cascade_loss({"a": ["b"], "b": ["a"]}, {"a": ["F1"], "b": ["F2"]}, {"a": 1, "b": 1})
    with pytest.raises(MetricInputError, match="values"):
        cascade_loss({}, {"a": ["F1"]}, {"a": -1})


def test_m5_centrality_misses_sole_upstream_makers():
    """Why not centrality: betweenness/articulation points on the firm graph miss F1 and F4."""
    g = nx.Graph()
    supply = [
        ("F1", "F2"),
        ("F1", "F3"),
        ("F2", "F8"),
        ("F3", "F8"),
        ("F4", "F8"),
        ("F8", "F7"),
        ("F5", "F7"),
        ("F6", "F7"),
    ]
    g.add_edges_from(supply)
    assert set(nx.articulation_points(g)) == {"F7", "F8"}
    loss = cascade_loss(M5_NEEDS, M5_MAKERS, M5_VALUES)
    assert max(loss, key=loss.get) == "F1"


# ------------------------------------------------------------------------------------------
# M6
# ------------------------------------------------------------------------------------------
M6_M = [[1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 0, 1], [1, 1, 1, 0]]
M6_OMEGA = {
    "A": [0.6667, 0.6667, 0.6667, 0],
    "B": [0.3333, 0.3333, 0.3333, 1],
    "C": [0, 0.3333, 0, 0],
    "D": [1, 0.6667, 1, 1],
}


@pytest.mark.parametrize("region, omega", sorted(M6_OMEGA.items()))
def test_m6_density_oracle(region, omega):
    np.testing.assert_allclose(density(M6_X).loc[region].to_numpy(), omega, atol=TOL)


def test_m6_presence_and_proximity():
    presence = (rca(M6_X) >= 1).astype(int)
    np.testing.assert_array_equal(presence.to_numpy(), M6_M)
    phi = proximity(M6_X)
    assert list(phi.index) == list(M6_X.columns) == list(phi.columns)
    np.testing.assert_allclose(np.diag(phi), 0)
    np.testing.assert_allclose(phi.to_numpy(), phi.to_numpy().T)
    assert phi.loc["p1", "p3"] == pytest.approx(1.0)  # co-present in A and D, both ubiquity 2
    assert phi.loc["p2", "p4"] == pytest.approx(0.5)  # co-present in B only; max ubiquity 2


def test_m6_zero_rows_columns_and_bad_input():
    x = M6_X.copy()
    x["p5"] = 0
    x.loc["E"] = 0
    r = rca(x)
    assert (r["p5"] == 0).all() and (r.loc["E"] == 0).all()
    d = density(x)
    assert d.notna().all().all() and (d["p5"] == 0).all()
    with pytest.raises(MetricInputError, match="fill absent activity with 0"):
        rca(M6_X.astype(float).where(M6_X > 0))
    with pytest.raises(MetricInputError, match="negative"):
        density(-M6_X)
    assert density(pd.DataFrame()).empty


activity_frames = st.integers(2, 7).flatmap(
    lambda n_r: st.integers(2, 6).flatmap(
        lambda n_p: st.lists(st.integers(0, 100), min_size=n_r * n_p, max_size=n_r * n_p).map(
            lambda v: pd.DataFrame(np.array(v).reshape(n_r, n_p))
        )
    )
)


@PROPS
@given(activity_frames)
def test_m6_density_in_unit_interval(x):
    d = density(x).to_numpy()
    assert np.isfinite(d).all()
    assert (d >= -1e-12).all() and (d <= 1 + 1e-12).all()


# ------------------------------------------------------------------------------------------
# complexity (Atlas conventions)
# ------------------------------------------------------------------------------------------
def _big_activity(n_regions=60, n_links=8, seed=7):
    rng = np.random.default_rng(seed)
    # nested structure plus noise: diverse regions do the rare links
    cap = np.sort(rng.uniform(0, 1, n_regions))[:, None]
    hard = np.linspace(0, 1, n_links)[None, :]
    x = rng.poisson(5 + 40 * (cap > hard * 0.9))
    return pd.DataFrame(x, index=[f"r{i:02d}" for i in range(n_regions)], columns=[f"l{j}" for j in range(n_links)])


def test_complexity_tidy_frame_and_warning():
    with pytest.warns(SmallSampleWarning, match="4 regions"):
        out = complexity(M6_X)
    assert list(out.columns) == ["region", "link", "eci", "pci", "cog", "density", "present"]
    assert len(out) == 16
    assert issubclass(SmallSampleWarning, UserWarning)
    np.testing.assert_allclose(
        out.pivot(index="region", columns="link", values="density").to_numpy(), density(M6_X).to_numpy()
    )
    np.testing.assert_array_equal(out["present"].to_numpy().reshape(4, 4), np.array(M6_M, dtype=bool))


def test_complexity_no_warning_with_50_regions_and_atlas_identities():
    x = _big_activity()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        out = complexity(x)
    eci = out.groupby("region", sort=False)["eci"].first()
    pci = out.groupby("link", sort=False)["pci"].first()
    mm = (rca(x) >= 1).astype(float)
    div = mm.sum(axis=1)
    # ECI standardised (population sd), positively correlated with diversity
    assert eci.mean() == pytest.approx(0, abs=1e-9) and eci.std(ddof=0) == pytest.approx(1)
    assert np.corrcoef(eci, div)[0, 1] > 0
    # K = D⁻¹ M Q and PCI uses ECI's mean and sd: ECI_r is the mean PCI of the region's links
    np.testing.assert_allclose(eci.to_numpy(), (mm.to_numpy() @ pci.to_numpy()) / div.to_numpy(), atol=1e-9)
    # ECI is the second eigenvector of M̃ = D⁻¹ M U⁻¹ Mᵀ (independent non-symmetric eig)
    mt = (mm.to_numpy() / div.to_numpy()[:, None]) @ (mm.to_numpy() / mm.sum(axis=0).to_numpy()).T
    vals, vecs = np.linalg.eig(mt)
    k = np.real(vecs[:, np.argsort(np.real(vals))[-2]])
    k = (k - k.mean()) / k.std()
    assert abs(np.corrcoef(k, eci)[0, 1]) == pytest.approx(1, abs=1e-8)
    # COG by the explicit Atlas sum, for every cell
    phi = proximity(x).to_numpy()
    mv = mm.to_numpy()
    cog = out["cog"].to_numpy().reshape(mv.shape)
    for r in (0, 17, 59):
        for p in range(mv.shape[1]):
            expected = sum(
                phi[p, q] / phi[:, q].sum() * (1 - mv[r, q]) * pci.iloc[q]
                for q in range(mv.shape[1])
                if phi[:, q].sum() > 0
            )
            assert cog[r, p] == pytest.approx(expected, abs=1e-9)


@pytest.mark.filterwarnings("ignore::chain_gap.metrics.SmallSampleWarning")
def test_complexity_degenerate_is_nan_not_error():
    # every region alike: K is constant, no ranking exists
    same = pd.DataFrame(np.full((5, 3), 10), index=list("abcde"), columns=list("pqr"))
    out = complexity(same)
    assert out[["eci", "pci", "cog"]].isna().all().all()
    assert out["present"].all() and out["density"].notna().all()
    # two separate blocks: the second eigenvector is arbitrary, so say so and return NaN
    blocks = pd.DataFrame(
        [[5, 5, 0, 0], [5, 5, 0, 0], [0, 0, 5, 5], [0, 0, 5, 5]], index=list("abcd"), columns=list("pqrs")
    )
    with pytest.warns(UserWarning, match="disconnected"):
        out = complexity(blocks)
    assert out[["eci", "pci", "cog"]].isna().all().all()
    # a region with no activity gets NaN ECI, the others are still ranked
    x = pd.concat([_big_activity(), pd.DataFrame(0, index=["empty"], columns=_big_activity().columns)])
    out = complexity(x)
    eci = out.groupby("region")["eci"].first()
    assert np.isnan(eci["empty"]) and eci.drop("empty").notna().all()


# ------------------------------------------------------------------------------------------
# M7
# ------------------------------------------------------------------------------------------
def test_m7_entropy_weights_oracle():
    w = entropy_weights(M7_X)
    assert list(w.index) == list(M7_X.columns)
    np.testing.assert_allclose(w.to_numpy(), [0.231022, 0.233713, 0.535265], atol=TOL)


@pytest.mark.parametrize("firm, c", [("firm1", 0.278285), ("firm2", 0.796133), ("firm3", 0.0)])
def test_m7_topsis_oracle(firm, c):
    assert topsis(M7_X)[firm] == pytest.approx(c, abs=TOL)


def test_m7_explicit_weights_and_degenerate_columns():
    same = topsis(M7_X, entropy_weights(M7_X).to_dict())
    pd.testing.assert_series_equal(same, topsis(M7_X))
    scaled = topsis(M7_X, (entropy_weights(M7_X) * 7).to_dict())
    np.testing.assert_allclose(scaled, topsis(M7_X))  # only relative weights matter
    x = M7_X.assign(zero=0, const=5)
    w = entropy_weights(x)
    assert w["zero"] == 0 and w["const"] == 0
    np.testing.assert_allclose(topsis(x), topsis(M7_X))
    flat = pd.DataFrame({"a": [3, 3], "b": [0, 0]})
    assert topsis(flat).tolist() == [0.5, 0.5]
    assert entropy_weights(flat).tolist() == [0.5, 0.5]
    assert topsis(M7_X.iloc[:0]).empty
    with pytest.raises(MetricInputError, match="expected numbers"):
        topsis(M7_X.assign(name=["a", "b", "c"]))
    with pytest.raises(MetricInputError, match="missing"):
        topsis(M7_X, {"revenue": 1})


@PROPS
@given(activity_frames)
def test_m7_topsis_in_unit_interval(x):
    c = topsis(x)
    assert c.notna().all() and ((c >= 0) & (c <= 1)).all()
    assert entropy_weights(x).sum() == pytest.approx(1)


# ------------------------------------------------------------------------------------------
# M8
# ------------------------------------------------------------------------------------------
def test_m8_anchor_pull_oracle():
    pull = anchor_pull(M8_Z, M8_X)
    np.testing.assert_allclose(pull.loc[["OEM", "T1", "T2"]], [56, 4, 0], atol=TOL)
    final = M8_X - M8_Z.sum(axis=1)
    colsum = pull / final + 1
    np.testing.assert_allclose(colsum.loc[["OEM", "T1"]], [1.56, 1.40], atol=TOL)
    assert pull.sum() == pytest.approx(60, abs=TOL)


def test_m8_alignment_and_errors():
    # Z with only the non-zero cells; output in another order; an extra firm with no trade
    z = pd.DataFrame({"OEM": {"T1": 40.0}, "T1": {"T2": 20.0}}).fillna(0)
    x = pd.Series({"T2": 25.0, "X": 10.0, "OEM": 100.0, "T1": 50.0})
    pull = anchor_pull(z, x)
    assert list(pull.index) == list(x.index)
    assert pull.to_dict() == pytest.approx({"T2": 0, "X": 0, "OEM": 56, "T1": 4})
    with pytest.raises(MetricInputError, match="not in the output index"):
        anchor_pull(z, pd.Series({"OEM": 100.0, "T1": 50.0}))
    with pytest.raises(MetricInputError, match="more than its output"):
        anchor_pull(M8_Z, pd.Series({"OEM": 100.0, "T1": 30.0, "T2": 25.0}))
    loop = pd.DataFrame([[0, 10.0], [10.0, 0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(ValueError, match="singular"):
        anchor_pull(loop, pd.Series({"a": 10.0, "b": 10.0}))
    assert anchor_pull(pd.DataFrame(), pd.Series(dtype=float)).empty


@st.composite
def io_tables(draw):
    n = draw(st.integers(1, 6))
    cells = draw(st.lists(st.integers(0, 50), min_size=n * n, max_size=n * n))
    z = np.array(cells, dtype=float).reshape(n, n)
    final = np.array(draw(st.lists(st.integers(1, 100), min_size=n, max_size=n)), dtype=float)
    # output covers both what a firm sells locally plus final sales, and what it buys
    x = np.maximum(z.sum(axis=1) + final, z.sum(axis=0) + 1)
    final = x - z.sum(axis=1)
    names = [f"f{i}" for i in range(n)]
    return pd.DataFrame(z, index=names, columns=names), pd.Series(x, index=names), final


@PROPS
@given(io_tables())
def test_m8_total_pull_equals_intermediate_sales(table):
    z, x, _ = table
    pull = anchor_pull(z, x)
    assert pull.sum() == pytest.approx(z.to_numpy().sum(), rel=1e-7, abs=1e-7)
    assert (pull >= -1e-9).all()


# ------------------------------------------------------------------------------------------
# M9
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("link, seg", [("a", 0.7000), ("b", 0.4919), ("c", 0.4203), ("d", 0.3000)])
def test_m9_link_priority_oracle(link, seg):
    assert link_priority(M9_FEATURES)[link] == pytest.approx(seg, abs=TOL)


@pytest.mark.parametrize("firm, target", [("F_a", 0.447400), ("F_b", 0.392604)])
def test_m9_target_score_oracle(firm, target):
    seg = link_priority(M9_FEATURES)
    score = target_score(
        pd.Series({"F_a": seg["a"], "F_b": seg["b"]}),
        pd.Series({"F_a": 0.278285, "F_b": 0.796133}),
        pd.Series({"F_a": 5 / 6, "F_b": 2 / 3}),
        alpha=0.5,
    )
    assert score[firm] == pytest.approx(target, abs=TOL)


def test_m9_edge_cases():
    const = M9_FEATURES.assign(pci=1.0)
    expected = link_priority(M9_FEATURES) - 0.2 * (M9_FEATURES["pci"] - 0.2) / 1.8
    np.testing.assert_allclose(link_priority(const), expected)  # constant column contributes 0
    assert link_priority(M9_FEATURES, {"gap": 1.0})["a"] == pytest.approx(1.0)
    with pytest.raises(MetricInputError, match="missing column"):
        link_priority(M9_FEATURES.drop(columns="cog"))
    assert link_priority(M9_FEATURES.iloc[:0]).empty
    # max fit 0 -> fit term 0; a firm without fit counts 0
    s = target_score({"f": 0.5, "g": 1.0}, {"f": 0.4, "g": 0.2}, {"f": 0.0})
    assert s.to_dict() == pytest.approx({"f": 0.1, "g": 0.1})
    with pytest.raises(MetricInputError, match="topsis"):
        target_score({"f": 0.5}, {}, {})
    with pytest.raises(MetricInputError, match="alpha"):
        target_score({"f": 0.5}, {"f": 0.5}, {}, alpha=2)


# ------------------------------------------------------------------------------------------
# M10
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pair, fit", sorted(M10_FIT.items()))
def test_m10_supplier_fit_oracle(pair, fit):
    assert supplier_fit(M10_EDGES)[pair] == pytest.approx(fit, abs=TOL)


def test_m10_only_positive_non_existing_pairs_sorted():
    out = supplier_fit(M10_EDGES)
    assert out.index.names == ["supplier", "buyer"]
    assert set(out.index) == set(M10_FIT)
    assert not set(out.index) & set(M10_EDGES)
    assert out.is_monotonic_decreasing
    df = pd.DataFrame(M10_EDGES + M10_EDGES[:2], columns=["supplier", "buyer"])
    pd.testing.assert_series_equal(supplier_fit(df), out)  # DataFrame input, duplicates once
    assert supplier_fit([]).empty and supplier_fit([]).index.names == ["supplier", "buyer"]
    with pytest.raises(MetricInputError, match="missing column"):
        supplier_fit(pd.DataFrame({"s": ["a"], "b": ["b"]}))


def test_m10_networkx_link_prediction_is_blind_on_bipartite_graph():
    """Regression: why M10 exists. Jaccard / Adamic–Adar score 0 on every supplier–buyer pair."""
    g = nx.Graph()
    g.add_edges_from(M10_EDGES)
    pairs = list(M10_FIT)
    assert all(score == 0 for _, _, score in nx.jaccard_coefficient(g, pairs))
    assert all(score == 0 for _, _, score in nx.adamic_adar_index(g, pairs))
    assert (supplier_fit(M10_EDGES).loc[pairs] > 0).all()


def test_module_exports_everything_documented():
    for name in m.__all__:
        assert hasattr(m, name), name
