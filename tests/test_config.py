"""Typed settings: user files laid over the shipped defaults, unknown keys and wrong values refused,
and the prose quoting the settings in force."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from factories import REGION, toy_chain, verdict_graph

from chain_gap import config, gaps, targets, vocab
from chain_gap.schema import edge_kinds, node_kinds


@pytest.fixture(scope="module")
def G():
    return verdict_graph()


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_defaults_load_frozen():
    g = config.load_gaps()
    assert g.verdict.level == 0.95 and g.verdict.level_pct == "95%"
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.verdict.level = 0.9  # type: ignore[misc]
    assert config.load_link().confirmed == 0.60
    assert config.load_targets().alpha == 0.5


def test_user_file_only_needs_the_keys_it_changes(tmp_path):
    p = _write(tmp_path, "gaps.toml", "[verdict]\nlevel = 0.9\n")
    g = config.load_gaps(p)
    assert g.verdict.level == 0.9
    assert g.verdict.fragile_hhi == config.load_gaps().verdict.fragile_hhi
    assert g.priority == config.load_gaps().priority


@pytest.mark.parametrize(
    ("loader", "name", "text", "key"),
    [
        (config.load_gaps, "gaps.toml", "[verdict]\nlevle = 0.9\n", "verdict.levle"),
        (config.load_gaps, "gaps.toml", "[verdicts]\nlevel = 0.9\n", "verdicts"),
        (config.load_link, "link.toml", "[evidence]\nprodcut = 0.9\n", "evidence.prodcut"),
        (config.load_targets, "targets.toml", "alpah = 0.2\n", "alpah"),
        (config.load_targets, "targets.toml", "[priority]\ndensty = 0.2\n", "priority.densty"),
    ],
)
def test_unknown_key_refused_with_file_and_key(tmp_path, loader, name, text, key):
    p = _write(tmp_path, name, text)
    with pytest.raises(config.ConfigError) as exc:
        loader(p)
    assert exc.value.code == "config-unknown-key"
    assert exc.value.params["key"] == key
    assert str(p) in str(exc.value)


@pytest.mark.parametrize(
    ("loader", "text"),
    [
        (config.load_gaps, '[verdict]\nlevel = "high"\n'),
        (config.load_gaps, "[verdict]\nstrong_min_firms = 2.5\n"),
        (config.load_link, "[evidence]\nsplit_shared_codes = 1\n"),
        (config.load_link, '[roles]\nproducer = "生产"\n'),
        (config.load_targets, '[tags]\n"上市" = "many"\n'),
    ],
)
def test_wrong_value_type_refused(tmp_path, loader, text):
    with pytest.raises(config.ConfigError) as exc:
        loader(_write(tmp_path, "x.toml", text))
    assert exc.value.code == "config-bad-value"


def test_unreadable_file_is_a_user_error(tmp_path):
    with pytest.raises(config.ConfigError) as exc:
        config.load_gaps(_write(tmp_path, "gaps.toml", "[verdict\n"))
    assert exc.value.code == "config-unreadable"
    with pytest.raises(config.ConfigError):
        config.load_gaps(tmp_path / "absent.toml")


def test_priority_weights_come_from_gaps_toml_once():
    shipped = config.load_gaps().priority.as_dict()
    assert dict(config.load_targets().priority) == shipped
    custom = config.load_gaps({"priority": {"gap": 0.9}})
    assert dict(config.load_targets(gaps=custom).priority)["gap"] == 0.9
    # a profile may still override them for a what-if
    assert dict(config.load_targets({"priority": {"gap": 1.0}}).priority)["gap"] == 1.0


def test_reference_year_follows_profile_then_vintage():
    assert config.TargetProfile(reference_year=2020).year("2024-06 export") == 2020
    assert config.TargetProfile().year("2023-12 企查查导出") == 2023
    assert config.TargetProfile().year("synthetic") >= 2026


def test_reasons_quote_the_interval_level_in_force(G):
    # the interval is quoted with the numbers (技术依据 / basis), at the level of the settings in force
    t95 = gaps.table(G, toy_chain(), REGION)
    t90 = gaps.table(G, toy_chain(), REGION, config={"verdict": {"level": 0.90}})
    present = t95["local"] > 0
    assert present.any()
    assert t95.loc[present, "basis"].str.contains("95%区间").all()
    assert t90.loc[present, "basis"].str.contains("90%区间").all()
    assert not t90["basis"].str.contains("95%区间").any()
    # the interval itself narrows with the level
    both = present & t95["ci_high"].notna()
    assert (t90.loc[both, "ci_high"] <= t95.loc[both, "ci_high"] + 1e-12).all()


def test_gaps_table_refuses_a_typo_in_its_settings(G):
    with pytest.raises(config.ConfigError):
        gaps.table(G, toy_chain(), REGION, config={"verdict": {"strong_min_firm": 2}})


def test_target_ages_count_to_the_reference_year(G):
    t = targets.rank(G, toy_chain(), REGION, weights={"reference_year": 2026})
    assert t.attrs["profile"]["reference_year"] == 2026
    firms = pd.DataFrame(
        {
            "founded": ["2000-01-01", "2010-01-01", "2020-01-01"],
            "revenue": [1.0e8, 1.0e8, 1.0e8],
            "reg_capital": [1.0e7, 1.0e7, 1.0e7],
            "employees": [100, 100, 100],
            "tags": [[], [], []],
        },
        index=["a", "b", "c"],
    )
    # ages 26 / 16 / 6 in 2026, 15 / 5 / 0 in 2015: the middle firm's standing moves with the year
    assert targets._quality(firms, {}, 2026)["b"] == pytest.approx(0.5, abs=1e-3)
    assert targets._quality(firms, {}, 2015)["b"] == pytest.approx(1 / 3, abs=1e-3)
    # founded after the reference year: age 0, never negative
    q05 = targets._quality(firms, {}, 2005)
    assert q05["b"] == q05["c"] < q05["a"]


def test_vocabulary_matches_the_schema():
    assert set(vocab.NODE_KINDS) == set(node_kinds())
    assert set(vocab.EDGE_KINDS) == set(edge_kinds())
    assert vocab.decision_of(" 确认 ") == vocab.CONFIRMED
    assert vocab.decision_of("Reject") == vocab.REJECTED
    assert vocab.decision_of("maybe") is None
    assert vocab.is_no_value("暂无") and vocab.is_no_value(" N/A ") and not vocab.is_no_value("0")
