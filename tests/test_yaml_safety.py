"""Hostile YAML (chain templates, loader mappings): refused fast, before anything is built."""

from __future__ import annotations

import time

import pytest
import yaml

from chain_gap import _yaml
from chain_gap._yaml import YamlError

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


def test_the_c_parser_is_used_when_pyyaml_has_it():
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(_yaml._Loader, yaml.CSafeLoader)


def test_nested_aliases_are_refused_at_once():
    assert len(LAUGHS) < 2048
    t0 = time.perf_counter()
    with pytest.raises(YamlError) as exc:
        _yaml.load(LAUGHS, "laughs.yaml")
    assert time.perf_counter() - t0 < 2.0
    assert exc.value.code == "yaml-alias" and exc.value.params["line"] == 2
    assert "laughs.yaml" in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "text", ["[" * 5000 + "]" * 5000, "".join(" " * i + "k:\n" for i in range(200)) + " " * 200 + "v"]
)
def test_deep_nesting_is_refused(text):
    with pytest.raises(YamlError) as exc:
        _yaml.load(text, "deep.yaml")
    assert exc.value.code in {"yaml-too-deep", "yaml-syntax"}


def test_size_is_bounded_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"k: " + b"x" * 2000 + b"\n")
    with pytest.raises(YamlError) as exc:
        _yaml.load_file(big, max_bytes=1000)
    assert exc.value.code == "yaml-too-large" and exc.value.params["size"] > 1000


def test_duplicate_keys_are_recorded_with_their_line():
    doc = _yaml.load("id: a\nlinks:\n  - id: x\n    name: 一\n    name: 二\nid: b\n", "dup.yaml")
    assert sorted(doc.duplicates) == [("id", 6), ("name", 5)]
    assert doc.data["links"][0]["name"] == "二"


def test_syntax_and_encoding_errors_have_codes():
    with pytest.raises(YamlError) as exc:
        _yaml.load("a: [1, 2\nb: 3\n", "bad.yaml")
    assert exc.value.code == "yaml-syntax" and exc.value.params["line"] != "?"
    with pytest.raises(YamlError) as exc:
        _yaml.load("名称: 测试".encode("gbk"), "gbk.yaml")
    assert exc.value.code == "yaml-not-utf8"


def test_plain_documents_read_as_before():
    text = "id: nev\nweights: [0.5, 0.5]\nok: true\nsince: 2024-12-31\n"
    assert _yaml.load(text.encode("utf-8-sig"), "x.yaml").data == yaml.safe_load(text)


def test_loader_mappings_go_through_the_safe_reader(tmp_path):
    from chain_gap import load
    from chain_gap.load import LoadError

    alias = tmp_path / "alias.yaml"
    alias.write_text("id: x\nkind: enterprise\nfields: &f {name: {synonyms: [名称]}}\nmore: *f\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        load.load_mapping(str(alias))
    assert exc.value.code == "yaml-alias"
    dup = tmp_path / "dup.yaml"
    dup.write_text("id: x\nkind: enterprise\nkind: supply\nfields: {}\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        load.load_mapping(str(dup))
    assert exc.value.code == "yaml-duplicate-key"
