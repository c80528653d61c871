"""Reference codes: region resolution, address parsing, GB/T 4754-2017 look-ups, graph nodes."""

from __future__ import annotations

import csv
import itertools
import random
import time
import unicodedata
from pathlib import Path

import networkx as nx
import pytest

from chain_gap import codes
from chain_gap.codes import IndustryError, RegionError
from chain_gap.schema import validate

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared real data not found at {path} (only present in the development workspace)")
    return path


# ----------------------------------------------------------------------------- tables


def test_regions_table_is_clean_and_unique():
    df = codes.regions()
    assert list(df.columns) == ["code", "name", "level", "parent", "province", "city"]
    assert df["code"].is_unique
    assert not df.isna().any().any()
    assert all(isinstance(v, str) for v in df.iloc[0])
    assert (df["level"] == "province").sum() == 31
    assert set(df["level"]) == {"province", "city", "county"}
    # 东莞市 is listed once, as a city, not also as its own county
    assert df.loc[df["code"] == "441900", "level"].tolist() == ["city"]
    # callers get a copy
    df.loc[0, "name"] = "changed"
    assert codes.regions().loc[0, "name"] != "changed"


def test_region_record_fields():
    r = codes.resolve_region("411402")
    assert r == codes.Region(
        code="411402", name="梁园区", level="county", province="410000", city="411400", full_name="河南省商丘市梁园区"
    )
    p = codes.resolve_region("410000")
    assert (p.level, p.province, p.city, p.full_name) == ("province", "410000", "", "河南省")
    assert codes.resolve_region("110108").full_name == "北京市海淀区"  # 市辖区 placeholder skipped
    assert codes.resolve_region("419001").city == "419000"


# ------------------------------------------------------------------------- resolve_region


@pytest.mark.parametrize(
    "text, code",
    [
        ("411400", "411400"),
        ("41", "410000"),
        ("4114", "411400"),
        (" 411400 ", "411400"),
        ("411400000000", "411400"),
        ("商丘市", "411400"),
        ("河南省", "410000"),
        ("商丘", "411400"),
        ("河南", "410000"),
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("宁夏", "640000"),
        ("西藏", "540000"),
        ("北京", "110000"),
        ("北京市", "110000"),
        ("黑龙江", "230000"),
        ("上海", "310000"),
        ("河南省商丘市", "411400"),
        ("河南商丘", "411400"),
        ("商丘市梁园区", "411402"),
        ("河南省商丘市梁园区", "411402"),
        ("北京朝阳", "110105"),
        ("北京市朝阳区", "110105"),
        ("长春市朝阳区", "220104"),
        ("恩施土家族苗族自治州", "422800"),
        ("恩施州", "422800"),
        ("恩施", "422800"),
        ("锡林郭勒盟", "152500"),
        ("锡林郭勒", "152500"),
        ("阿里地区", "542500"),
        ("阿里", "542500"),
        ("海淀", "110108"),
        ("济源", "419001"),
        ("济源市", "419001"),
        ("浦东", "310115"),
        ("白沙县", "469025"),
        ("白沙黎族自治县", "469025"),
        ("吉林", "220000"),  # province beats the city of the same short name
        ("吉林市", "220200"),  # an official name beats a short one
        ("东莞市", "441900"),
        ("嘉峪关市", "620200"),
    ],
)
def test_resolve_region(text, code):
    assert codes.resolve_region(text).code == code


def test_resolve_region_full_width_and_spaces():
    assert codes.resolve_region("４１１４００").code == "411400"
    assert codes.resolve_region("河南省 商丘市").code == "411400"
    assert codes.resolve_region(411400).code == "411400"
    assert codes.resolve_region("411400.0").code == "411400"


@pytest.mark.parametrize(
    "text, candidates",
    [
        ("朝阳区", {"110105", "220104"}),
        ("鼓楼区", {"320106", "320302", "350102", "410204"}),
        ("通州", {"110112", "320612"}),
    ],
)
def test_ambiguous_names_list_candidates(text, candidates):
    with pytest.raises(RegionError) as exc:
        codes.resolve_region(text)
    msg = str(exc.value)
    assert "ambiguous" in msg and "\n" not in msg
    for c in candidates:
        assert c in msg


@pytest.mark.parametrize(
    "text",
    [
        "市辖区",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "县",
        "火星",
        "",
        "   ",
        "999999",
        "41140",
        "1234567",
        None,
    ],
)
def test_unknown_or_placeholder_names_raise(text):
    with pytest.raises(RegionError) as exc:
        codes.resolve_region(text)
    assert isinstance(exc.value, ValueError)
    assert "\n" not in str(exc.value)


def test_every_full_name_resolves_back_to_its_code():
    df = codes.regions()
    placeholders = codes.PLACEHOLDER_NAMES
    for row in df.itertuples():
        if row.level == "city" and row.name in placeholders:
            continue
        reg = codes.resolve_region(row.code)
        assert codes.resolve_region(reg.full_name).code == row.code, reg.full_name


# --------------------------------------------------------------------- region_from_address


@pytest.mark.parametrize(
    "address, code",
    [
        ("河南省商丘市梁园区平原路1号", "411402"),
        ("商丘市睢阳区凯旋路88号", "411403"),
        ("北京市海淀区中关村大街1号", "110108"),
        ("济源市济水大道666号", "419001"),
        ("深圳市南山区粤海街道科技园", "440305"),
        ("广东省深圳市南山区", "440305"),
        ("江苏省南京市鼓楼区中山路", "320106"),
        ("湖北省仙桃市仙桃大道", "429004"),
        ("河南南阳卧龙区", "411303"),
        ("吉林省吉林市船营区", "220204"),
        ("苏州工业园区星湖街328号", "320576"),
        ("中国（上海）自由贸易试验区芳春路", "310000"),
        ("中华人民共和国河南省郑州市", "410100"),
        ("广东省深圳市深圳市南山区", "440305"),  # repeated city name
        ("唐山路南区", "130202"),  # 路 starts a district here, not a street
        ("哈尔滨道里区", "230102"),
        ("北京门头沟区", "110109"),
        ("江苏镇江京口区", "321102"),
        ("商丘市梁园路9号", "411400"),  # 梁园路 is a street: stop at the city
        ("河南省 商丘市 梁园区", "411402"),
        ("东莞市长安镇", "441900"),
    ],
)
def test_region_from_address(address, code):
    r = codes.region_from_address(address)
    assert r is not None and r.code == code


@pytest.mark.parametrize(
    "address, code",
    [
        ("江苏省鼓楼区中山路", "320000"),  # two 鼓楼区 in Jiangsu: stop at the province
        ("朝阳区建国路", None),  # Beijing or Changchun: nothing certain
        ("上海路18号", None),  # a street named after a city
        ("北京东路100号", None),
        ("平原路1号", None),
        ("", None),
        (None, None),
        (float("nan"), None),
        ("某某科技园", None),
    ],
)
def test_address_stops_at_last_unambiguous_level(address, code):
    r = codes.region_from_address(address)
    assert (r.code if r else None) == code


def test_address_parser_is_fast_and_exact():
    rnd = random.Random(7)
    idx_rows = [r for r in codes.regions().itertuples() if r.level == "county"]
    addresses, expected = [], []
    for i in range(100_000):
        row = rnd.choice(idx_rows)
        reg = codes.resolve_region(row.code)
        addresses.append(f"{reg.full_name}建设路{i}号")
        expected.append(row.code)
    t0 = time.perf_counter()
    got = [codes.region_from_address(a) for a in addresses]
    elapsed = time.perf_counter() - t0
    assert elapsed < 10, f"100,000 addresses took {elapsed:.1f} s"
    assert [g.code if g else None for g in got] == expected


# ---------------------------------------------------------------------- levels, provinces


def test_region_levels_and_parent():
    assert codes.region_levels("411402") == {"province": "410000", "city": "411400", "county": "411402"}
    assert codes.region_levels("411400") == {"province": "410000", "city": "411400", "county": None}
    assert codes.region_levels("410000") == {"province": "410000", "city": None, "county": None}
    assert codes.region_levels("110108") == {"province": "110000", "city": "110100", "county": "110108"}
    assert codes.parent_code("411402") == "411400"
    assert codes.parent_code("419001") == "419000"
    assert codes.parent_code("410000") is None
    with pytest.raises(RegionError):
        codes.region_levels("999999")


@pytest.mark.parametrize(
    "area, code",
    [
        ("深圳", "440000"),
        ("广东", "440000"),
        ("上海", "310000"),
        ("北京", "110000"),
        ("重庆", "500000"),
        ("天津", "120000"),
        ("内蒙", "150000"),
        ("黑龙江", "230000"),
        ("新疆", "650000"),
        ("广西", "450000"),
        ("宁波", "330000"),
        ("", None),
        (None, None),
        ("火星", None),
    ],
)
def test_province_from_short(area, code):
    assert codes.province_from_short(area) == code


def test_every_ashare_area_maps_to_a_province():
    path = _shared("ashare-basic", "stock_basic_2026.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        areas = {row["area"] for row in csv.DictReader(fh) if row["area"].strip()}
    assert len(areas) >= 30
    unmapped = sorted(a for a in areas if codes.province_from_short(a) is None)
    assert unmapped == []
    assert len({codes.province_from_short(a) for a in areas}) == len(areas) - 1  # 深圳 joins 广东


# --------------------------------------------------------------------------- graph nodes


def test_add_region_adds_ancestors_idempotently():
    G = nx.MultiDiGraph()
    rid = codes.add_region(G, "411402")
    assert rid == "region:411402"
    assert G.nodes[rid] == {
        "kind": "Region",
        "name": "梁园区",
        "level": "county",
        "province": "410000",
        "city": "411400",
    }
    assert G.has_edge("region:411402", "region:411400", key="PART_OF")
    assert G.has_edge("region:411400", "region:410000", key="PART_OF")
    codes.add_region(G, "110108")
    assert G.nodes["region:110100"]["name"] == "北京市市辖区"
    assert G.has_edge("region:110100", "region:110000", key="PART_OF")
    n, m = G.number_of_nodes(), G.number_of_edges()
    codes.add_region(G, "411402")
    codes.add_region(G, "商丘市")
    assert (G.number_of_nodes(), G.number_of_edges()) == (n, m) == (6, 4)
    assert validate(G) == []
    with pytest.raises(RegionError):
        codes.add_region(G, "朝阳区")


def test_add_industry_adds_ancestors():
    G = nx.MultiDiGraph()
    iid = codes.add_industry(G, "3841")
    assert iid == "industry:gb4754:3841"
    assert G.nodes[iid] == {
        "kind": "Industry",
        "name": "锂离子电池制造",
        "scheme": "gb4754",
        "code": "3841",
        "level": 4,
    }
    chain = ["industry:gb4754:3841", "industry:gb4754:384", "industry:gb4754:38", "industry:gb4754:C"]
    for child, parent in itertools.pairwise(chain):
        assert G.has_edge(child, parent, key="PART_OF")
    assert G.nodes["industry:gb4754:C"]["level"] == 1
    codes.add_industry(G, "C3841")
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 3
    assert validate(G) == []
    with pytest.raises(IndustryError):
        codes.add_industry(G, "9999")


# ---------------------------------------------------------------------------- industries


def test_industry_table():
    df = codes.industries()
    assert set(df["level"]) == {1, 2, 3, 4}
    assert (df["level"] == 4).sum() == 1382
    assert len(codes.class_codes()) == 1382
    assert {"3741", "9233", "3841"} <= codes.class_codes()
    assert not df["name"].str.endswith(" ").any()


@pytest.mark.parametrize(
    "code, ok",
    [
        ("3841", True),
        ("384", False),
        ("38", False),
        ("C", False),
        ("C3841", False),
        ("9999", False),
        (3841, False),
        (None, False),
    ],
)
def test_is_class_code(code, ok):
    assert codes.is_class_code(code) is ok


def test_industry_name_and_paths():
    assert codes.industry_name("3841") == "锂离子电池制造"
    assert codes.industry_name("5182") == "一般物品拍卖"  # trailing space in the source table
    assert codes.industry_name("C") == "制造业"
    paths = codes.strategic_path("3841")
    assert "新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造" in paths
    assert all(" || " not in p and "  " not in p for p in paths)
    assert codes.strategic_path("0111") == []
    with pytest.raises(IndustryError):
        codes.industry_name("9999")


@pytest.mark.parametrize(
    "text, code",
    [
        ("3841", "3841"),
        ("C3841", "3841"),
        ("c3841", "3841"),
        ("C-3841", "3841"),
        ("３８４１", "3841"),
        ("3841 锂离子电池制造", "3841"),
        ("3841锂离子电池制造", "3841"),
        ("[3841]锂离子电池制造", "3841"),
        ("锂离子电池制造", "3841"),
        (" 锂离子 电池制造 ", "3841"),
        ("皮箱、包（袋）制造", "1922"),
        ("皮箱、包(袋)制造", "1922"),
        ("皮箱包袋制造", "1922"),
        ("专科疾病防治院（所、站）", "8432"),
        ("中国共产党机关", "9100"),  # shared by 大类, 中类 and 小类: the 小类 wins
        ("电池制造", "384"),
        ("38", "38"),
        ("C", "C"),
        ("A3841", None),  # wrong 门类 letter
        ("3841 汽车整车制造", None),  # code and name disagree
        ("9999", None),
        ("锂电池", None),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_resolve_industry(text, code):
    assert codes.resolve_industry(text) == code


def test_crosscheck_against_independent_gbt4754_table():
    path = _shared("gbt4754", "gbt4754_2017_crosscheck.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        theirs = {r["code"]: r["name"] for r in csv.DictReader(fh) if r["level"] == "4"}
    ours = codes.industries()
    ours = dict(zip(ours.loc[ours["level"] == 4, "code"], ours.loc[ours["level"] == 4, "name"]))
    assert set(ours) - set(theirs) == {"3741", "9233"}  # the 2019 amendment
    assert set(theirs) <= set(ours)

    def key(name: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKC", name) if not c.isspace() and c not in "()")

    differ = {c for c in theirs if key(theirs[c]) != key(ours[c])}
    # known variants: wording (2780, 3445, 7289) and the amendment's renumbering of 9231/9232
    assert differ == {"2780", "3445", "7289", "9231", "9232"}
    # apart from those, the other table's names resolve to the same codes here
    for c, name in theirs.items():
        if c not in differ:
            assert codes.resolve_industry(name) == c, name


def test_region_tree_helpers():
    assert codes.ancestors("411402") == ("411400", "410000")
    assert codes.ancestors("410000") == ()
    assert codes.ancestors("999999") == ()
    assert codes.province_of("411402") == "410000"
    assert codes.province_of("419999") == "410000"  # shaped like a code: its province digits
    assert codes.province_of("") == "" and codes.province_of(None) == "" and codes.province_of("x") == ""
    assert codes.is_county("411402") and not codes.is_county("411400") and not codes.is_county("999999")
    assert codes.is_region_code("411400") and not codes.is_region_code("4114")
    # 鼓楼区 is in several cities: under 福州市 it is 350102; a prefix also matches (鼓楼 → 鼓楼区)
    assert codes.resolve_under("鼓楼区", "350100") == "350102"
    assert codes.resolve_under("鼓楼", "350100") == "350102"
    assert codes.resolve_under("鼓楼区", "411400") is None
    # deeper codes win only below (or beside, in the same province) the current one
    assert codes.most_specific(["410000", "411400", "411402"]) == "411402"
    assert codes.most_specific(["411402", "410000"]) == "411402"
    assert codes.most_specific(["411400", "350102"]) == "411400"
    assert codes.most_specific(["411400", "411302"]) == "411302"
    assert codes.most_specific([]) is None
