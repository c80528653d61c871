"""Value normalisers: credit codes, stock codes, names, money and dates."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain_gap import normalize as nz

# --------------------------------------------------------------------------------- USCC
# An independent implementation of GB 32100-2015 used to check the module: the weights are
# 3^(i-1) mod 31 and the check value is (31 - Σ mod 31) mod 31.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
assert len(ALPHABET) == 31 and not set("IOSVZ") & set(ALPHABET)


def check_char(body: str) -> str:
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return ALPHABET[(31 - total % 31) % 31]


def test_weights_follow_the_standard():
    assert tuple(pow(3, i, 31) for i in range(17)) == nz.USCC_WEIGHTS
    assert nz.USCC_CHARSET == ALPHABET


# constructed codes, each check character computed by check_char (see the test below)
VALID = [
    "91350900587527783P",  # 9 market regulator, 1 enterprise
    "N2110108MA0012345L",  # N: a registry coded by letter (python-stdnum rejects these)
    "Y1440300MJL123456E",  # Y: trade unions
    "A1320000MB1234567U",
    "511100005000007205",  # 5: civil affairs, check digit 5
    "91110108MA01C8XJ34",
]


@pytest.mark.parametrize("code", VALID)
def test_valid_uscc(code):
    assert check_char(code[:17]) == code[17]
    assert nz.uscc_valid(code)
    assert nz.uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    "raw, norm",
    [
        (" 91350900587527783p ", "91350900587527783P"),
        ("9135-0900-5875-2778-3P", "91350900587527783P"),
        ("９１３５０９００５８７５２７７８３Ｐ", "91350900587527783P"),
        ("9135 0900 5875 2778 3P", "91350900587527783P"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_normalize_uscc(raw, norm):
    assert nz.normalize_uscc(raw) == norm
    if norm:
        assert nz.uscc_valid(raw)


@pytest.mark.parametrize(
    "code",
    [
        "91350900587527783Q",  # wrong check character
        "91350900587527783",  # 17 characters
        "91350900587527783PP",  # 19 characters
        "9135090058752778OP",  # O is not in the alphabet
        "I1350900587527783P",
        "913509A0587527783P",  # division code must be digits
        "",
        None,
        float("nan"),
        91350900587527783,
    ],
)
def test_invalid_uscc(code):
    assert not nz.uscc_valid(code)


_body = st.tuples(
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=_body, pos=st.integers(0, 17), repl=st.sampled_from(ALPHABET))
def test_uscc_roundtrip_and_single_change(body, pos, repl):
    code = body + check_char(body)
    assert nz.uscc_valid(code)
    assert nz.uscc_valid(code.lower())
    if repl != code[pos]:
        changed = code[:pos] + repl + code[pos + 1 :]
        assert not nz.uscc_valid(changed)


# ---------------------------------------------------------------------------- stock codes


@pytest.mark.parametrize(
    "raw, norm",
    [
        ("002981", "002981.SZ"),
        ("300229.SZ", "300229.SZ"),
        ("sz300229", "300229.SZ"),
        ("SZ300229", "300229.SZ"),
        ("300229.sz", "300229.SZ"),
        (" 300229 ", "300229.SZ"),
        ("600519.SH", "600519.SH"),
        ("sh600519", "600519.SH"),
        ("600519", "600519.SH"),
        ("600519.SS", "600519.SH"),
        ("600519.XSHG", "600519.SH"),
        ("000001.XSHE", "000001.SZ"),
        ("688981", "688981.SH"),
        ("900901", "900901.SH"),
        ("200002", "200002.SZ"),
        ("830799.BJ", "830799.BJ"),
        ("bj830799", "830799.BJ"),
        ("430047", "430047.BJ"),
        ("920002", "920002.BJ"),
        ("2981", "002981.SZ"),
        (2981, "002981.SZ"),
        (600519, "600519.SH"),
        ("300229.0", "300229.SZ"),
        ("５１０３００.SH", "510300.SH"),
        ("600519.SZ", None),  # suffix contradicts the symbol
        ("510300", None),  # a fund: exchange cannot be inferred
        ("1.600519", None),
        ("abc", None),
        ("60051", None),
        ("6005199", None),
        ("", None),
        (None, None),
        (float("nan"), None),
        (True, None),
        ("300229.XX", None),
    ],
)
def test_normalize_stock_code(raw, norm):
    assert nz.normalize_stock_code(raw) == norm


def test_stock_symbol():
    assert nz.stock_symbol("300229.SZ") == "300229"
    assert nz.stock_symbol("sh600519") == "600519"
    assert nz.stock_symbol("002981") == "002981"
    assert nz.stock_symbol("garbage") is None


# ---------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  比亚迪股份有限公司 ", "比亚迪股份有限公司"),
        ("华为技术(深圳)有限公司", "华为技术（深圳）有限公司"),
        ("华为技术（深圳）有限公司", "华为技术（深圳）有限公司"),
        ("深圳市 比亚迪\n股份有限公司", "深圳市比亚迪股份有限公司"),
        ("“宁德时代”新能源科技股份有限公司", "宁德时代新能源科技股份有限公司"),
        ("BYD  Company\tLimited", "BYD Company Limited"),
        ("万科Ａ", "万科A"),
        ("中\u200b芯国际", "中芯国际"),
        (None, ""),
        (float("nan"), ""),
        ("   ", ""),
    ],
)
def test_clean_name(raw, clean):
    assert nz.clean_name(raw) == clean


def test_normalize_name_matching_key():
    key = nz.normalize_name
    assert key("华为技术（深圳）有限公司") == key("华为技术(深圳)有限公司") == "华为技术深圳有限公司"
    assert key("某某科技有限责任公司") == key("某某科技有限公司")
    assert key("某某科技股份有限公司") != key("某某科技有限公司")
    assert key("某某科技有限公司北京分公司") != key("某某科技有限公司")
    assert key("BYD Company, Ltd.") == "bydcompanyltd"
    assert key("<script>x</script>") == "scriptxscript"
    assert key(None) == "" and key(float("nan")) == ""


# ---------------------------------------------------------------------------------- money

USD = nz.FX_TO_CNY["USD"]


@pytest.mark.parametrize(
    "raw, value, cur",
    [
        ("5000万元人民币", 5.0e7, "CNY"),
        ("1.2亿", 1.2e8, "CNY"),
        ("100万美元", 1e6 * USD, "USD"),
        ("500万(元)", 5.0e6, "CNY"),
        ("5,000.00万元", 5.0e7, "CNY"),
        ("3000万人民币元", 3.0e7, "CNY"),
        ("12345", 12345.0, "CNY"),
        ("人民币5000万元", 5.0e7, "CNY"),
        ("5000 万元", 5.0e7, "CNY"),
        ("50万港元", 5e5 * nz.FX_TO_CNY["HKD"], "HKD"),
        ("50万港币", 5e5 * nz.FX_TO_CNY["HKD"], "HKD"),
        ("10万欧元", 1e5 * nz.FX_TO_CNY["EUR"], "EUR"),
        ("1000万日元", 1e7 * nz.FX_TO_CNY["JPY"], "JPY"),
        ("10万英镑", 1e5 * nz.FX_TO_CNY["GBP"], "GBP"),
        ("USD 1,000,000", 1e6 * USD, "USD"),
        ("５０００万元", 5.0e7, "CNY"),
        (250.5, 250.5, "CNY"),
    ],
)
def test_parse_capital(raw, value, cur):
    v, c = nz.parse_capital(raw)
    assert c == cur
    assert v == pytest.approx(value)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "-",
        "无",
        "暂无",
        "abc",
        "万元",
        "1万2",
        "-100万",
        "100万万元",
        "5000万美元人民币",
        "1e6",
        "12/34",
        None,
        float("nan"),
        True,
    ],
)
def test_parse_capital_garbage(raw):
    assert nz.parse_capital(raw) == (None, None)


def test_fx_table_is_documented_and_sane():
    assert nz.FX_DATE == "2024-12-31"
    assert nz.FX_TO_CNY["CNY"] == 1.0
    assert 6 < USD < 8 and 0.8 < nz.FX_TO_CNY["HKD"] < 1 and 0.03 < nz.FX_TO_CNY["JPY"] < 0.07


@pytest.mark.parametrize(
    "raw, value",
    [
        ("12.5亿元", 1.25e9),
        ("3000万", 3e7),
        ("800", 800.0),
        ("1,234.5万元", 1.2345e7),
        ("-2.1亿元", -2.1e8),
        ("", None),
        ("n/a", None),
        ("约3000万", None),
    ],
)
def test_parse_amount(raw, value):
    got = nz.parse_amount(raw)
    assert (got is None and value is None) or got == pytest.approx(value)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(), st.text("0123456789.,万亿元美港币人民-+ "), st.floats(), st.integers(), st.none(), st.booleans()
    )
)
def test_parsers_never_raise(value):
    v, c = nz.parse_capital(value)
    assert (v is None) == (c is None)
    if v is not None:
        assert math.isfinite(v) and v >= 0 and c in nz.FX_TO_CNY
    nz.parse_amount(value)
    nz.parse_date(value)
    nz.normalize_stock_code(value)
    nz.uscc_valid(value)


# ---------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2015-03-02", "2015-03-02"),
        ("2015/3/2", "2015-03-02"),
        ("20150302", "2015-03-02"),
        ("2015年3月2日", "2015-03-02"),
        ("2015.03.02", "2015-03-02"),
        ("2015-03-02 00:00:00", "2015-03-02"),
        ("2015-03-02T10:30:00", "2015-03-02"),
        ("２０１５年３月２日", "2015-03-02"),
        ("42065", "2015-03-02"),
        (42065, "2015-03-02"),
        (42065.0, "2015-03-02"),
        ("42005", "2015-01-01"),
        ("25569", "1970-01-01"),
        (20150302, "2015-03-02"),
        (datetime(2015, 3, 2, 10, 30), "2015-03-02"),
        (date(2015, 3, 2), "2015-03-02"),
        ("2015-02-30", None),
        ("2015-13-01", None),
        ("20150230", None),
        ("2015年3月", None),
        ("02/03/2015", None),
        ("60", None),
        ("1700-01-01", None),
        ("abc", None),
        ("", None),
        (None, None),
        (float("nan"), None),
        (42065.5, None),
    ],
)
def test_parse_date(raw, iso):
    assert nz.parse_date(raw) == iso


def test_parse_date_pandas_values():
    pd = pytest.importorskip("pandas")
    assert nz.parse_date(pd.Timestamp("2015-03-02 08:00")) == "2015-03-02"
    assert nz.parse_date(pd.NaT) is None
    assert nz.parse_date(pd.NA) is None


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_date_spellings_roundtrip(d):
    iso = d.isoformat()
    serial = (d - date(1899, 12, 30)).days
    for text in (
        iso,
        f"{d.year}/{d.month}/{d.day}",
        d.strftime("%Y%m%d"),
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y.%m.%d"),
        str(serial),
    ):
        assert nz.parse_date(text) == iso, text
    assert nz.parse_date(d + timedelta(0)) == iso
