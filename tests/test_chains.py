"""Chain templates: the shipped files validate, each broken rule is reported, graph insertion."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import yaml

from chain_gap import schema
from chain_gap._resources import graph_dir
from chain_gap.chains import (
    ChainError,
    ChainSpec,
    add_to_graph,
    list_chains,
    load_chain,
    template_paths,
    validate_file,
)

SHIPPED = sorted((graph_dir() / "chains").glob("*.yaml"))

# A minimal valid template; every failure case below breaks exactly one rule of it.
BASE = {
    "id": "demo",
    "name": "演示链",
    "name_en": "Demo chain",
    "category": "emerging",
    "version": "2026.11",
    "sources": ["国家统计局《国民经济行业分类》（GB/T 4754—2017）"],
    "weights_note": "Equal-ish shares for a test.",
    "links": [
        {
            "id": "up",
            "name": "上游",
            "name_en": "Upstream",
            "stage": "upstream",
            "children": [
                {
                    "id": "ore",
                    "name": "镍钴矿",
                    "name_en": "Ore",
                    "weight": 0.3,
                    "keywords": ["镍矿", "钴矿"],
                    "exclusions": ["镀镍加工"],
                    "industry_codes": ["0913"],
                    "feeds": ["part"],
                },
            ],
        },
        {
            "id": "mid",
            "name": "中游",
            "name_en": "Midstream",
            "stage": "midstream",
            "children": [
                {
                    "id": "part",
                    "name": "电芯",
                    "name_en": "Cells",
                    "weight": 0.3,
                    "products": ["动力电池电芯"],
                    "industry_codes": ["3841"],
                    "feeds": [{"id": "car", "essential": False}],
                },
            ],
        },
        {
            "id": "down",
            "name": "下游",
            "name_en": "Downstream",
            "stage": "downstream",
            "children": [
                {
                    "id": "car",
                    "name": "整车",
                    "name_en": "Vehicles",
                    "weight": 0.4,
                    "keywords": ["新能源汽车整车制造"],
                    "industry_codes": ["3612"],
                    "sei_path": "新能源汽车产业 > 新能源汽车整车制造 > 新能源汽车整车制造",
                },
            ],
        },
    ],
}


def write(tmp_path: Path, data: dict | str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def leaf(data: dict, lid: str) -> dict:
    for top in data["links"]:
        for child in top.get("children", []):
            if child["id"] == lid:
                return child
    raise KeyError(lid)


@pytest.fixture
def base() -> dict:
    return copy.deepcopy(BASE)


# ------------------------------------------------------------------ shipped templates


def test_templates_are_shipped():
    assert {"nev", "electronics"} <= {p.stem for p in template_paths()}
    assert template_paths() == SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_template_validates_clean(path):
    assert validate_file(path) == []
    spec = load_chain(path)
    assert spec.id == path.stem
    assert abs(sum(lk.weight for lk in spec.leaves()) - 1) < 1e-6


def test_nev_covers_the_whole_chain():
    nev = load_chain("nev")
    assert len(nev.leaves()) >= 30
    per_stage = Counter(lk.stage for lk in nev.leaves())
    assert all(per_stage[s] >= 5 for s in ("upstream", "midstream", "downstream")), per_stage
    assert nev.stages() == ["upstream", "midstream", "downstream"]
    for must in (
        "lithium",
        "cathode",
        "anode",
        "electrolyte",
        "separator",
        "battery_cell",
        "bms",
        "drive_motor",
        "motor_controller",
        "passenger_ev",
        "charging_equipment",
        "battery_recycling",
    ):
        assert nev.links[must].leaf
    assert "3841" in nev.links["battery_cell"].industry_codes
    assert nev.links["passenger_ev"].industry_codes == ("3612",)


def test_electronics_covers_the_whole_chain():
    el = load_chain("electronics")
    assert len(el.leaves()) >= 25
    assert el.stages() == ["upstream", "midstream", "downstream"]
    assert el.links["wafer_fab"].industry_codes == ("3973",)
    assert el.links["ic_design"].industry_codes == ("6520",)


@pytest.mark.parametrize("chain", ["nev", "electronics"])
def test_own_templates_meet_quality_bar(chain):
    """Every leaf is fully described and takes part in the material flow."""
    spec = load_chain(chain)
    flow = nx.DiGraph()
    flow.add_nodes_from(spec.leaf_ids())
    flow.add_edges_from((u, v) for u, v, _ in spec.feeds_edges())
    for lk in spec.leaves():
        assert 4 <= len(lk.keywords) <= 15, lk.id
        assert lk.products and lk.industry_codes, lk.id
        assert flow.degree(lk.id) > 0, f"{lk.id} is not connected by feeds"
    assert nx.is_directed_acyclic_graph(flow)
    # the flow runs downstream: no edge from a later stage back to an earlier one
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    for u, v, _ in spec.feeds_edges():
        assert order[spec.links[u].stage] <= order[spec.links[v].stage], (u, v)


# ------------------------------------------------------------------ validator: failures


def test_base_fixture_is_valid(tmp_path, base):
    assert validate_file(write(tmp_path, base)) == []


def test_cycle_in_feeds(tmp_path, base):
    leaf(base, "car")["feeds"] = ["ore"]
    path = write(tmp_path, base)
    problems = validate_file(path)
    cyc = [p for p in problems if "feeds form a cycle" in p]
    assert len(cyc) == 1, problems
    assert cyc[0].startswith(f"{path}: feeds form a cycle: ")
    chain = cyc[0].split("cycle: ")[1].split(" (")[0].split(" -> ")
    assert chain[0] == chain[-1] and set(chain) == {"ore", "part", "car"}


def test_self_feed(tmp_path, base):
    leaf(base, "ore")["feeds"] = ["ore"]
    path = write(tmp_path, base)
    assert f"{path}: link 'ore': feeds itself" in validate_file(path)


def test_dangling_feeds(tmp_path, base):
    leaf(base, "part")["feeds"] = ["car", "nowhere"]
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: link 'part': feeds target 'nowhere' is not a link of this chain"]


def test_feeds_to_non_leaf(tmp_path, base):
    leaf(base, "ore")["feeds"] = ["mid"]
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: link 'ore': feeds target 'mid' is not a leaf (feed its leaves instead)"]


def test_duplicate_id(tmp_path, base):
    dup = copy.deepcopy(leaf(base, "part"))
    dup["weight"] = 0.1
    leaf(base, "car")["weight"] = 0.3
    base["links"][2]["children"].append(dup)
    path = write(tmp_path, base)
    assert f"{path}: link 'part': duplicate id (ids must be unique within the chain)" in validate_file(path)


def test_unknown_industry_code(tmp_path, base):
    leaf(base, "ore")["industry_codes"] = ["0913", "3999"]
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: link 'ore': unknown GB/T 4754-2017 code '3999'"]


def test_industry_code_not_a_class(tmp_path, base):
    leaf(base, "ore")["industry_codes"] = ["091"]
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: link 'ore': industry code '091' is not a 4-digit GB/T 4754-2017 小类 code"]


def test_unquoted_industry_code(tmp_path, base):
    text = yaml.safe_dump(base, allow_unicode=True, sort_keys=False).replace("- '3841'", "- 3841")
    path = write(tmp_path, text)
    assert validate_file(path) == [f"{path}: link 'part': industry code 3841 must be a quoted string (write \"3841\")"]


def test_leaf_that_cannot_match(tmp_path, base):
    part = leaf(base, "part")
    del part["products"], part["industry_codes"]
    path = write(tmp_path, base)
    assert validate_file(path) == [
        f"{path}: link 'part': leaf cannot be matched: give keywords, products or industry_codes"
    ]


def test_weights_not_summing_to_one(tmp_path, base):
    leaf(base, "car")["weight"] = 0.3
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: leaf weights sum to 0.900000, not 1 (±1e-06)"]


def test_leaf_without_weight_and_zero_weight(tmp_path, base):
    del leaf(base, "car")["weight"]
    leaf(base, "ore")["weight"] = 0
    path = write(tmp_path, base)
    problems = validate_file(path)
    assert f"{path}: link 'car': missing weight (every leaf needs a weight > 0)" in problems
    assert f"{path}: link 'ore': weight 0 must be > 0" in problems
    assert not any("sum to" in p for p in problems)  # no misleading sum when weights are broken


def test_missing_stage(tmp_path, base):
    del base["links"][1]["stage"]
    path = write(tmp_path, base)
    assert validate_file(path) == [
        f"{path}: link 'mid': missing stage (top-level links need one of upstream, midstream, downstream)"
    ]


def test_child_may_not_change_stage(tmp_path, base):
    leaf(base, "part")["stage"] = "downstream"
    path = write(tmp_path, base)
    problems = validate_file(path)
    assert len(problems) == 1 and "link 'part': stage 'downstream' differs from the inherited" in problems[0]


def test_too_deep(tmp_path, base):
    node = leaf(base, "car")
    base["links"][2]["children"] = [
        {
            "id": "l3",
            "name": "三",
            "name_en": "L3",
            "children": [
                {
                    "id": "l4",
                    "name": "四",
                    "name_en": "L4",
                    "children": [{"id": "l5", "name": "五", "name_en": "L5", "children": [node]}],
                }
            ],
        }
    ]
    path = write(tmp_path, base)
    assert validate_file(path) == [
        f"{path}: link 'car': too deep: level 6 (links nest from level 2 at the top to level 5 at most)"
    ]


def test_level_five_is_allowed(tmp_path, base):
    node = leaf(base, "car")
    base["links"][2]["children"] = [
        {
            "id": "l3",
            "name": "三",
            "name_en": "L3",
            "children": [{"id": "l4", "name": "四", "name_en": "L4", "children": [node]}],
        }
    ]
    path = write(tmp_path, base)
    assert validate_file(path) == []
    assert load_chain(path).links["car"].level == 5


def test_malformed_yaml_is_one_line_with_line_number(tmp_path):
    text = 'id: demo\nname: 演示\nlinks: [unclosed\nversion: "1"\n'
    path = write(tmp_path, text)
    problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: YAML syntax error at line ")
    assert "\n" not in problems[0]
    line = int(problems[0].split("at line ")[1].split(",")[0])
    assert 3 <= line <= 5


def test_keyword_also_exclusion(tmp_path, base):
    leaf(base, "ore")["exclusions"] = ["钴矿"]
    path = write(tmp_path, base)
    assert validate_file(path) == [f"{path}: link 'ore': '钴矿' is both a keyword/product and an exclusion"]


def test_exclusion_inside_keyword_would_veto_every_match(tmp_path, base):
    leaf(base, "ore")["exclusions"] = ["镍"]
    path = write(tmp_path, base)
    assert validate_file(path) == [
        f"{path}: link 'ore': exclusion '镍' is part of keyword/product '镍矿', so every match of '镍矿' "
        "would be vetoed"
    ]


def test_non_leaf_may_not_carry_leaf_fields(tmp_path, base):
    base["links"][0]["weight"] = 0.1
    base["links"][0]["keywords"] = ["矿"]
    path = write(tmp_path, base)
    problems = validate_file(path)
    assert any("link 'up': non-leaf link may not have 'weight'" in p for p in problems)
    assert any("link 'up': non-leaf link may not have 'keywords'" in p for p in problems)


def test_sei_path_must_come_from_the_codes(tmp_path, base):
    leaf(base, "car")["sei_path"] = "新能源汽车产业 > 虚构分类"
    path = write(tmp_path, base)
    problems = validate_file(path)
    assert len(problems) == 1 and "link 'car': sei_path '新能源汽车产业 > 虚构分类' is not" in problems[0]
    leaf(base, "car")["sei_path"] = "新能源汽车产业 > 新能源汽车整车制造"  # a prefix of a real path is fine
    assert validate_file(write(tmp_path, base)) == []


def test_id_must_equal_file_stem(tmp_path, base):
    path = write(tmp_path, base, name="other.yaml")
    assert validate_file(path) == [f"{path}: id 'demo' must equal the file name stem 'other'"]


def test_missing_top_level_keys_and_bad_values(tmp_path, base):
    del base["sources"]
    base["category"] = "sunrise"
    base["version"] = 2026.11
    path = write(tmp_path, base)
    problems = validate_file(path)
    assert f"{path}: missing required key 'sources'" in problems
    assert any("category 'sunrise' must be one of traditional, emerging, future" in p for p in problems)
    assert any("version 2026.11 must be a quoted string" in p for p in problems)


def test_unknown_and_repeated_keys(tmp_path, base):
    leaf(base, "ore")["keyword"] = ["镍"]
    text = yaml.safe_dump(base, allow_unicode=True, sort_keys=False) + "name: 重复\n"
    path = write(tmp_path, text)
    problems = validate_file(path)
    assert any(p.startswith(f"{path}: link 'ore': unknown key 'keyword'") for p in problems)
    assert any("key 'name' appears twice" in p and ": line " in p for p in problems)


@pytest.mark.parametrize("content", [b"", b"- a\n- b\n", b"\xff\xfe\x00garbage", b"id: [1, 2\n"])
def test_never_raises_on_bad_files(tmp_path, content):
    path = tmp_path / "demo.yaml"
    path.write_bytes(content)
    problems = validate_file(path)
    assert problems and all(p.startswith(str(path)) and "\n" not in p for p in problems)


def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    problems = validate_file(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: cannot read file")


def test_shipped_file_messages_use_repo_relative_path():
    path = graph_dir() / "chains" / "nev.yaml"
    from chain_gap.chains import _label

    assert _label(path) == "graph/chains/nev.yaml"


# ------------------------------------------------------------------ loading


def test_load_by_id_path_and_spec(tmp_path, base):
    nev = load_chain("nev")
    assert isinstance(nev, ChainSpec) and nev.category == "emerging"
    assert load_chain(nev) is nev
    spec = load_chain(write(tmp_path, base))
    assert spec.leaf_ids() == ["ore", "part", "car"]
    assert list(spec.links) == ["up", "ore", "mid", "part", "down", "car"]
    assert spec.links["part"].parent == "mid" and spec.links["mid"].parent is None
    assert spec.links["part"].stage == "midstream" and spec.links["part"].level == 3
    assert spec.links["up"].weight is None and not spec.links["up"].leaf
    assert spec.links["up"].children == ("ore",)
    assert spec.feeds_edges() == [("ore", "part", True), ("part", "car", False)]
    assert load_chain(str(tmp_path / "demo.yaml")).id == "demo"


def test_unknown_id_lists_known_chains():
    from chain_gap.errors import use_lang

    with pytest.raises(ChainError) as err:
        load_chain("nevv")
    with use_lang("en"):
        msg = str(err.value)
    assert "unknown chain 'nevv'" in msg and "nev" in msg.split("known chains:")[1]
    assert "electronics" in msg
    assert isinstance(err.value, ValueError)


def test_invalid_template_refused_with_first_problem(tmp_path, base):
    leaf(base, "ore")["industry_codes"] = ["3999"]
    leaf(base, "car")["weight"] = 0.3
    path = write(tmp_path, base)
    with pytest.raises(ChainError, match=r"unknown GB/T 4754-2017 code '3999' \(and 1 more problems\)"):
        load_chain(path)


def test_reload_after_edit_and_specs_are_immutable(tmp_path, base):
    path = write(tmp_path, base)
    first = load_chain(path)
    # one cached spec per file version, which no caller can change under another's feet
    assert load_chain(path) is first
    with pytest.raises(AttributeError):
        first.links["ore"].keywords.append("篡改")  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.links["ore"].weight = 0.9  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.links["篡改"] = first.links["ore"]  # type: ignore[index]
    assert "篡改" not in load_chain(path).links["ore"].keywords
    leaf(base, "ore")["weight"], leaf(base, "car")["weight"] = 0.25, 0.45
    write(tmp_path, base)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert load_chain(path).links["ore"].weight == 0.25


def test_list_chains():
    df = list_chains()
    assert list(df.columns) == ["id", "name", "name_en", "category", "version", "leaves", "links", "file", "problems"]
    assert list(df["id"]) == [p.stem for p in SHIPPED]
    nev = df.set_index("id").loc["nev"]
    spec = load_chain("nev")
    assert nev["name"] == "新能源汽车" and nev["leaves"] == len(spec.leaves())
    assert nev["links"] == len(spec.links) and nev["file"] == "graph/chains/nev.yaml"
    assert (df["problems"] == 0).all()


# ------------------------------------------------------------------ graph


def _counts(G):
    return (Counter(k for _, k in G.nodes(data="kind")), Counter(k for _, _, k in G.edges(keys=True)))


@pytest.mark.parametrize("chain", ["nev", "electronics"])
def test_add_to_graph_counts_and_idempotence(chain):
    spec = load_chain(chain)
    G = add_to_graph(nx.MultiDiGraph(), chain)
    nodes, edges = _counts(G)
    codes = {c for lk in spec.leaves() for c in lk.industry_codes}
    assert nodes == {"Chain": 1, "Link": len(spec.links), "Industry": len(codes)}
    assert edges == {
        "PART_OF": len(spec.links),
        "FEEDS": len(spec.feeds_edges()),
        "CLASSIFIED_AS": sum(len(lk.industry_codes) for lk in spec.leaves()),
    }
    assert schema.validate(G) == []
    snapshot = (dict(G.nodes(data=True)), sorted(G.edges(keys=True, data=True), key=str))
    add_to_graph(G, spec)
    assert (dict(G.nodes(data=True)), sorted(G.edges(keys=True, data=True), key=str)) == snapshot


def test_add_to_graph_content(tmp_path, base):
    G = nx.MultiDiGraph()
    G.add_node("industry:gb4754:3841", kind="Industry", name="已有名称", scheme="gb4754", code="3841", level=4)
    add_to_graph(G, load_chain(write(tmp_path, base)))
    assert G.nodes["chain:demo"]["name"] == "演示链" and G.nodes["chain:demo"]["version"] == "2026.11"
    ore = G.nodes["link:demo/ore"]
    assert ore["leaf"] is True and ore["level"] == 3 and ore["stage"] == "upstream"
    assert ore["weight"] == 0.3 and ore["keywords"] == ["镍矿", "钴矿"] and ore["chain"] == "demo"
    up = G.nodes["link:demo/up"]
    assert up["leaf"] is False and "weight" not in up and "keywords" not in up
    assert G.has_edge("link:demo/up", "chain:demo", "PART_OF")
    assert G.has_edge("link:demo/ore", "link:demo/up", "PART_OF")
    assert G.edges["link:demo/ore", "link:demo/part", "FEEDS"]["essential"] is True
    assert G.edges["link:demo/part", "link:demo/car", "FEEDS"]["essential"] is False
    assert G.has_edge("link:demo/car", "industry:gb4754:3612", "CLASSIFIED_AS")
    assert G.nodes["industry:gb4754:3612"]["name"] == "新能源车整车制造"
    assert G.nodes["industry:gb4754:0913"]["level"] == 4
    assert G.nodes["industry:gb4754:3841"]["name"] == "已有名称"  # an existing node is left alone
    assert G.nodes["link:demo/car"]["sei_path"].startswith("新能源汽车产业 > ")


def test_add_to_graph_follows_template_changes(tmp_path, base):
    path = write(tmp_path, base)
    G = add_to_graph(nx.MultiDiGraph(), path)
    # drop the 'part' leaf: ore now feeds car directly and carries its weight
    base["links"][1]["children"] = [
        {"id": "cell", "name": "电芯", "name_en": "Cells", "weight": 0.3, "products": ["电芯"]}
    ]
    leaf(base, "ore")["feeds"] = ["car"]
    write(tmp_path, base)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    add_to_graph(G, path)
    assert "link:demo/part" not in G and "link:demo/cell" in G
    assert not G.has_edge("link:demo/ore", "link:demo/part")
    assert G.has_edge("link:demo/ore", "link:demo/car", "FEEDS")
    assert schema.validate(G) == []


def test_add_to_graph_refuses_to_drop_linked_link(tmp_path, base):
    path = write(tmp_path, base)
    G = add_to_graph(nx.MultiDiGraph(), path)
    schema.add_node(G, "Enterprise", "91350900587527783P", name="测试公司")
    schema.add_edge(G, "ent:91350900587527783P", "link:demo/part", "LINKED_TO", method="scope", evidence="x")
    base["links"][1]["children"][0]["id"] = "cell"
    leaf(base, "ore")["feeds"] = ["cell"]
    write(tmp_path, base)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.raises(ChainError, match=r"link:demo/part \(1 edges\)"):
        add_to_graph(G, path)
    assert "link:demo/part" in G


def test_hostile_yaml_is_refused_before_it_is_built(tmp_path):
    # a billion-laughs template: aliases are refused by the event pre-pass, nothing is expanded
    bomb = tmp_path / "bomb.yaml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_file(bomb)
    assert len(problems) == 1 and "alias" in problems[0] and str(bomb) in problems[0]
    with pytest.raises(ChainError):
        load_chain(bomb)
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"id: x\n" + b"# padding\n" * 1_000_000)
    problems = validate_file(huge)
    assert len(problems) == 1 and "too large" in problems[0]


# ------------------------------------------------------------------ resource-bound links


def test_resource_bound_must_be_a_leaf_boolean(tmp_path, base):
    first = base["links"][0]
    leaf(base, first["children"][0]["id"])["resource_bound"] = "yes"
    first["resource_bound"] = True
    problems = validate_file(write(tmp_path, base))
    assert any("resource_bound must be true or false, got 'yes'" in p for p in problems), problems
    assert any(f"link '{first['id']}': non-leaf link may not have 'resource_bound'" in p for p in problems)


def test_resource_bound_reaches_the_spec_and_the_graph(tmp_path, base):
    lid = base["links"][0]["children"][0]["id"]
    leaf(base, lid)["resource_bound"] = True
    spec = load_chain(write(tmp_path, base))
    assert spec.links[lid].resource_bound and not any(lk.resource_bound for lk in spec.leaves() if lk.id != lid)
    G = add_to_graph(nx.MultiDiGraph(), spec)
    assert G.nodes[f"link:{spec.id}/{lid}"]["resource_bound"] is True


def test_shipped_mining_links_are_flagged_resource_bound():
    # a leaf with a mining code (GB/T 4754 divisions 06-12: ores, brine, graphite) cannot be attracted to a
    # region without the deposit; every such leaf of the shipped templates says so, and no other does
    for path in SHIPPED:
        for lk in load_chain(path).leaves():
            mined = any(6 <= int(c[:2]) <= 12 for c in lk.industry_codes)
            assert lk.resource_bound == mined, (path.stem, lk.id, lk.industry_codes)
    nev = {lk.id for lk in load_chain("nev").leaves() if lk.resource_bound}
    assert nev == {"lithium", "nickel_cobalt", "graphite", "rare_earth"}
