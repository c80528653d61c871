"""Did-you-mean: generated typos of real region names find the region they were typed for."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from chain_gap import codes
from chain_gap._suggest import fold, suggest


@pytest.fixture(scope="module")
def region_names():
    df = codes.regions()
    names = {}
    labels = {}
    for code, name in zip(df["code"], df["name"]):
        names[code] = {name, *codes._aliases(name)}
        labels[code] = f"{name}（{code}）"
    return df, names, labels


@pytest.fixture(scope="module")
def homophones():
    """Common characters grouped by toneless pinyin, from pypinyin's own dictionary (CJK basic block)."""
    by_sound = defaultdict(list)
    for cp, py in pinyin_dict.items():
        if 0x4E00 <= cp <= 0x9FA5 and "," not in py:
            by_sound[lazy_pinyin(chr(cp))[0]].append(chr(cp))
    return by_sound


def _typos(name: str, rng: random.Random, homophones) -> dict[str, str]:
    chars = list(name)
    out = {}
    i = rng.randrange(len(chars))
    same = [c for c in homophones.get(lazy_pinyin(chars[i])[0], []) if c != chars[i]]
    if same:
        out["homophone"] = "".join(chars[:i] + [rng.choice(same)] + chars[i + 1 :])
    if len(chars) >= 3:
        j = rng.randrange(len(chars) - 1)
        swapped = chars[:j] + [chars[j + 1], chars[j]] + chars[j + 2 :]
        out["swap"] = "".join(swapped)
    if len(chars) >= 4:  # 商丘市 → 商市 fits every 商X市: not a typo one can resolve
        j = rng.randrange(len(chars))
        out["drop"] = "".join(chars[:j] + chars[j + 1 :])
    return out


def test_generated_typos_of_city_and_county_names_suggest_the_region(region_names, homophones):
    df, names, labels = region_names
    rng = random.Random(20261206)
    cities = df[df["level"].isin(["city", "county"])].sample(120, random_state=7)
    hits = defaultdict(list)
    for code, name in zip(cities["code"], cities["name"]):
        for kind, typo in _typos(name, rng, homophones).items():
            if typo in names.values() or any(typo in v for v in names.values()):
                continue  # the typo is itself a real name
            got = [s.key for s in suggest(typo, names, labels)]
            hits[kind].append(code in got)
    for kind, found in hits.items():
        assert len(found) >= 15, kind
        share = sum(found) / len(found)
        assert share >= 0.85, (kind, share)


def test_homophone_of_a_city_comes_first_with_its_code(region_names):
    _, names, labels = region_names
    top = suggest("商邱", names, labels)[0]
    assert top.key == "411400" and top.label == "商丘市（411400）" and top.score >= 90


def test_nothing_close_gives_no_suggestion(region_names):
    _, names, labels = region_names
    assert suggest("qwertyuiop", names, labels) == []
    assert suggest("", names, labels) == []


def test_latin_ids_and_full_width_input():
    chains = {"nev": ["nev", "新能源汽车", "New energy vehicles"], "electronics": ["electronics", "电子信息"]}
    assert suggest("ＮＥＶ", chains)[0].key == "nev"
    assert suggest("新能源汽", chains)[0].key == "nev"
    assert suggest("电子信心", chains)[0].key == "electronics"
    assert fold(" Ａ B ") == "ab"


def test_typos_in_regions_and_chains_get_a_did_you_mean():
    from chain_gap import chains, codes

    with pytest.raises(codes.RegionError) as exc:
        codes.resolve_region("商邱")
    assert "商丘市（411400）" in str(exc.value)
    with pytest.raises(chains.ChainError) as exc:
        chains.load_chain("新能源汽")
    assert "新能源汽车（nev）" in str(exc.value)
    # the Chinese name of a shipped chain is accepted as its id
    assert chains.load_chain("新能源汽车").id == "nev"
    # a resolved region passes through unchanged (resolved once at the boundary)
    r = codes.resolve_region("商丘")
    assert codes.resolve_region(r) is r
