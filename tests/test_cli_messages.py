"""What the command line says to staff: Chinese first, English with ``--lang en``, forgiving names."""

from __future__ import annotations

import random
import re
from collections import defaultdict

import click
import pytest
from click.testing import CliRunner
from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from chain_gap import codes
from chain_gap.chains import list_chains
from chain_gap.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "--n", "3000", "--seed", "5"])
    assert res.exit_code == 0, res.output
    return str(out / "bundle")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_missing_chain_lists_every_chain_with_its_chinese_name(bundle):
    res = run("gaps", bundle, "--region", "商丘市")
    assert res.exit_code == 2
    assert "Missing option" not in res.output and "请用 --chain 指定产业链" in res.output
    for r in list_chains().itertuples():
        assert re.search(rf"{r.id}\s+{r.name}", res.output), r.id
    assert "查看帮助：" in res.output and "Try '" not in res.output
    en = run("gaps", bundle, "--region", "商丘市", "--lang", "en")
    assert "Give a chain with --chain" in en.output and "Try '" in en.output


def test_click_usage_errors_are_chinese_unless_lang_en(bundle):
    res = run("gaps", bundle, "--chain", "nev")
    assert res.exit_code == 2 and "缺少选项 --region" in res.output and "用法：" in res.output
    assert "Missing option" not in res.output and "Usage:" not in res.output
    res = run("gaps", "/no/such/bundle", "--chain", "nev", "--region", "商丘市")
    assert res.exit_code == 2 and "不存在" in res.output and "does not exist" not in res.output
    res = run("gaps", bundle, "--chain", "nev", "--region", "商丘市", "--bogus")
    assert res.exit_code == 2 and "没有选项 --bogus" in res.output
    en = run("gaps", bundle, "--chain", "nev", "--lang", "en")
    assert "Missing option '--region'" in en.output and "Usage:" in en.output


def test_region_typo_message_is_chinese_and_names_the_region(bundle):
    res = run("gaps", bundle, "--chain", "nev", "--region", "商邱")
    assert res.exit_code == 2
    assert res.output.strip() == "错误：未找到地区「商邱」，您是否要找：商丘市（411400）？"
    en = run("gaps", bundle, "--chain", "nev", "--region", "商邱", "--lang", "en")
    assert en.output.startswith("Error: unknown region '商邱'") and "did you mean 商丘市 (411400)?" in en.output


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = defaultdict(list)
    for cp, py in pinyin_dict.items():
        if 0x4E00 <= cp <= 0x9FA5 and "," not in py:
            by_sound[lazy_pinyin(chr(cp))[0]].append(chr(cp))
    return by_sound


def test_generated_region_typos_are_answered_with_the_region_they_were_typed_for(bundle):
    """One character of a random city name swapped for a homophone: the message offers that city."""
    rng = random.Random(16)
    sounds = _homophones()
    df = codes.regions()
    cities = df[(df["level"] == "city") & df["name"].str.len().between(3, 5)]
    tried = hit = 0
    for code, name in rng.sample(list(zip(cities["code"], cities["name"])), 40):
        i = rng.randrange(len(name) - 1)  # not the 市 / 州 suffix
        alts = [c for c in sounds.get(lazy_pinyin(name[i])[0], []) if c != name[i]]
        if not alts:
            continue
        typo = name[:i] + rng.choice(alts) + name[i + 1 :]
        try:
            codes.resolve_region(typo)
            continue  # the typo is itself a real place name: nothing to suggest
        except codes.RegionError:
            pass
        tried += 1
        res = run("gaps", bundle, "--chain", "nev", "--region", typo)
        assert res.exit_code == 2 and f"未找到地区「{typo}」" in res.output
        hit += f"{name}（{code}）" in res.output
        if tried >= 12:
            break
    assert tried >= 8 and hit / tried >= 0.9, (hit, tried)


def test_chain_by_name_or_capitals_and_unknown_chain_lists_names(bundle):
    for ref in ("NEV", "新能源汽车", "nev"):
        res = run("gaps", bundle, "--chain", ref, "--region", "商丘市")
        assert res.exit_code == 0, (ref, res.output)
    res = run("gaps", bundle, "--chain", "新能原汽车", "--region", "商丘市")
    assert res.exit_code == 2 and "未找到产业链「新能原汽车」，您是否要找：新能源汽车（nev）？" in res.output
    for r in list_chains().itertuples():
        assert f"{r.id}（{r.name}）" in res.output
    en = run("gaps", bundle, "--chain", "nevv", "--region", "商丘市", "--lang", "en")
    assert "unknown chain 'nevv'" in en.output and "nev (新能源汽车)" in en.output


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield (*path, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))


def test_help_is_bilingual_for_every_command_and_option():
    for path, cmd in _commands(main):
        assert cmd.help and HAN.search(cmd.help.splitlines()[0]), f"{path}: first help line not Chinese"
        assert re.search(r"[A-Za-z]{4,} [a-z]{2,}", cmd.help), f"{path}: no English help"
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name not in {"help"}:
                assert p.help and HAN.search(p.help) and re.search(r"[A-Za-z]{3,}", p.help), (path, p.name)
        res = run(*path, "--help")
        assert res.exit_code == 0 and HAN.search(res.output), path


def test_status_lines_follow_the_language(bundle, tmp_path):
    res = run("gaps", bundle, "--chain", "nev", "--region", "商丘市", "-o", str(tmp_path / "g.csv"))
    assert res.exit_code == 0 and "已写入" in res.output and "wrote" not in res.output
    en = run("gaps", bundle, "--chain", "nev", "--region", "商丘市", "-o", str(tmp_path / "e.csv"), "--lang", "en")
    assert "wrote" in en.output
